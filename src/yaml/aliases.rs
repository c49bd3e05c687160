//! go-yaml refuses documents whose aliases expand too much ("billion laughs") and anchors that
//! contain an alias to themselves. kubectl therefore rejects them; so do we, by replaying
//! go-yaml's decoder counts over the tree without expanding anything.

use super::tree::{Document, NodeId, NodeKind, Problem, ProblemKind};
use std::collections::HashSet;

/// A safety net on top of go-yaml's ratio rule: no document is replayed beyond this.
const MAX_DECODE_STEPS: u64 = 20_000_000;

enum Step {
    Decode(NodeId),
    /// Leave the expansion of this alias node.
    LeaveAlias(NodeId),
}

/// Reports "excessive aliasing" or a self-containing anchor, as go-yaml v2 would.
pub fn check_alias_expansion(doc: &Document, problems: &mut Vec<Problem>) {
    let Some(root) = doc.root() else { return };
    if !doc
        .nodes
        .iter()
        .any(|n| matches!(n.kind, NodeKind::Alias { .. }))
    {
        return;
    }
    let mut decode_count: u64 = 1; // the document node
    let mut alias_count: u64 = 0;
    let mut active: HashSet<NodeId> = HashSet::new();
    let mut outer_alias: Vec<NodeId> = Vec::new();
    let mut stack = vec![Step::Decode(root)];
    while let Some(step) = stack.pop() {
        let id = match step {
            Step::LeaveAlias(alias) => {
                active.remove(&alias);
                outer_alias.pop();
                continue;
            }
            Step::Decode(id) => id,
        };
        decode_count += 1;
        if !outer_alias.is_empty() {
            alias_count += 1;
        }
        let excessive = alias_count > 100
            && decode_count > 1000
            && alias_count as f64 / decode_count as f64 > allowed_alias_ratio(decode_count);
        if excessive || decode_count > MAX_DECODE_STEPS {
            let at = outer_alias.first().copied().unwrap_or(id);
            problems.push(Problem {
                kind: ProblemKind::Syntax,
                span: doc.node(at).span,
                message: "document contains excessive aliasing (kubectl refuses it)".to_string(),
            });
            return;
        }
        match doc.node(id).kind {
            NodeKind::Alias { target } => {
                if !active.insert(id) {
                    let name = doc.slice(doc.node(id).span).trim_start_matches('*');
                    problems.push(Problem {
                        kind: ProblemKind::Syntax,
                        span: doc.node(id).span,
                        message: format!("anchor '{name}' value contains itself"),
                    });
                    return;
                }
                outer_alias.push(id);
                stack.push(Step::LeaveAlias(id));
                stack.push(Step::Decode(target));
            }
            NodeKind::Sequence { .. } => {
                stack.extend(doc.items(id).iter().rev().map(|&c| Step::Decode(c)));
            }
            NodeKind::Mapping { .. } => {
                let entries: Vec<_> = doc.entries(id).collect();
                for entry in entries.into_iter().rev() {
                    if doc.is_merge_key(entry.key) {
                        push_merge(doc, entry.value, &mut stack);
                    } else {
                        stack.push(Step::Decode(entry.value));
                        stack.push(Step::Decode(entry.key));
                    }
                }
            }
            NodeKind::Scalar { .. } => {}
        }
    }
}

/// go-yaml decodes a merge value itself, or a sequence's items last to first.
fn push_merge(doc: &Document, value: NodeId, stack: &mut Vec<Step>) {
    if matches!(doc.node(value).kind, NodeKind::Sequence { .. }) {
        // Decoded last-to-first, so pushed first-to-last.
        stack.extend(doc.items(value).iter().map(|&c| Step::Decode(c)));
    } else {
        stack.push(Step::Decode(value));
    }
}

/// go-yaml v2's `allowedAliasRatio`.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}
