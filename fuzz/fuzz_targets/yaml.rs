//! The YAML layer: `stream::split`, then `yaml::parse` of each piece, then the lookups the
//! Kubernetes reader relies on.
#![no_main]

mod common;

use common::assert_span;
use libfuzzer_sys::fuzz_target;
use podsec_lsp::yaml::stream::{separator_junk, split};
use podsec_lsp::yaml::{self, Document, MAX_DEPTH, MAX_NODES, NodeId, NodeKind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let segments = split(text);

    // The pieces tile the file in order: incremental re-analysis and `check --fix` (which
    // concatenates the fixed pieces) both rely on no byte being lost or seen twice.
    assert_eq!(segments.first().map(|s| s.start), Some(0));
    assert_eq!(segments.last().map(|s| s.end), Some(text.len()));
    for pair in segments.windows(2) {
        assert_eq!(
            pair[0].end, pair[1].start,
            "segments {pair:?} leave a gap or overlap"
        );
    }
    for (i, s) in segments.iter().enumerate() {
        assert!(s.start <= s.end && text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        // Every piece but the first starts with its own `---` line (kubectl's cut).
        if i > 0 {
            let line = &text[s.start..s.end];
            assert!(
                yaml::stream::is_separator_line(line),
                "piece {i} does not start at `---`"
            );
            // The junk range is reported as a span; it must be within that line.
            if let Some(junk) = separator_junk(line) {
                assert!(junk.start <= junk.end && junk.end <= line.len());
                assert!(line.is_char_boundary(junk.start) && line.is_char_boundary(junk.end));
            }
        }
    }

    for s in &segments {
        let piece = &text[s.start..s.end];
        let doc = yaml::parse(piece.to_string());
        check_document(&doc);
        // Parsing is a pure function of the text: the server re-parses a document on every
        // keystroke and compares results, so two parses must agree exactly.
        let again = yaml::parse(piece.to_string());
        assert_eq!(
            format!("{doc:?}"),
            format!("{again:?}"),
            "parse is not deterministic"
        );
    }
});

fn check_document(doc: &Document) {
    let text = doc.text();
    // Every span is sliced (`doc.slice`, `&text[span]`) by the reader, the fixes and the
    // output; one out of bounds or inside a character would panic there.
    for p in doc.problems() {
        assert_span(text, p.span, p);
    }
    for &c in doc.comments() {
        assert_span(text, c, "comment");
        assert!(
            doc.slice(c).starts_with('#'),
            "comment span {c:?} does not start at `#`"
        );
    }
    // The limits against hostile input hold: never more nodes than MAX_NODES.
    assert!(doc.node_count() <= MAX_NODES);
    let count = doc.node_count() as NodeId;
    for id in 0..count {
        let node = doc.node(id);
        assert_span(text, node.span, (id, node));
        // Properties (anchor, tag) come before the content; fixes remove from `props_start`.
        assert!(
            node.props_start <= node.span.start,
            "node {id} {node:?}: props after content"
        );
        assert!(text.is_char_boundary(node.props_start as usize));
        match node.kind {
            // An alias names an anchor defined before it, and never another alias (`resolve`
            // follows one hop only).
            NodeKind::Alias { target } => {
                assert!(target < count, "alias {id} to missing node {target}");
                assert!(!matches!(doc.node(target).kind, NodeKind::Alias { .. }));
                assert!(doc.node(target).props_start <= node.span.start);
            }
            NodeKind::Scalar { .. } => {
                assert!(doc.scalar_text(id).is_some());
                let _ = doc.value(id);
                let _ = doc.key_string(id);
            }
            NodeKind::Mapping { .. } | NodeKind::Sequence { .. } => {}
        }
    }
    if let Some(root) = doc.root() {
        assert!(root < count, "root {root} is not a node");
    }
    if doc.is_complete() {
        check_tree(doc);
    }
}

/// Structure of a document that was read to its end (collections are closed).
fn check_tree(doc: &Document) {
    let count = doc.node_count() as NodeId;
    let Some(root) = doc.root() else { return };
    let mut stack = vec![(root, 1u32)];
    let mut mappings_checked = 0;
    while let Some((id, depth)) = stack.pop() {
        // The nesting limit holds (the reader and the alias check recurse on it).
        assert!(
            depth <= MAX_DEPTH + 1,
            "nesting {depth} deeper than the limit"
        );
        let node = doc.node(id);
        let kids: Vec<NodeId> = match node.kind {
            NodeKind::Mapping { .. } => doc.entries(id).flat_map(|e| [e.key, e.value]).collect(),
            NodeKind::Sequence { .. } => doc.items(id).to_vec(),
            _ => Vec::new(),
        };
        let mut previous = node.span.start;
        for &kid in &kids {
            assert!(kid < count, "node {id} has a missing child {kid}");
            let k = doc.node(kid);
            // Children lie inside their parent, in source order: fixes insert after the last
            // entry and remove lines by these spans.
            assert!(
                node.span.start <= k.props_start && k.span.end <= node.span.end,
                "child {kid} {:?} outside parent {id} {:?}",
                k.span,
                node.span
            );
            assert!(
                previous <= k.props_start,
                "child {kid} out of order in {id}"
            );
            previous = k.span.end;
            stack.push((kid, depth + 1));
        }
        // `get` and `effective_entries` are two implementations of go-yaml's merge and
        // duplicate-key rules (one for lookups, one for annotations and the e2e JSON view):
        // they must agree on every key. Bounded, as merges can make this quadratic.
        if matches!(node.kind, NodeKind::Mapping { .. }) && mappings_checked < 64 {
            mappings_checked += 1;
            for (key, entry) in doc.effective_entries(id) {
                assert_eq!(
                    doc.get(id, &key),
                    Some(entry),
                    "get and effective_entries disagree on {key:?}"
                );
            }
        }
    }
}
