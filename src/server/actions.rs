//! Code actions: a quick fix for each violation with a safe remedy, `podsec:ignore` comments,
//! and `source.fixAll.podsec` for the whole file.

use super::convert;
use super::document::SegmentView;
use super::encoding::Encoding;
use crate::analysis::Diagnostic;
use crate::fix::{Layout, TextEdit, fix_all, fixes, suppress_document, suppress_field};
use crate::yaml::{self, Document};
use ropey::Rope;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{self as lsp, CodeActionKind, Uri};

/// `source.fixAll.podsec`.
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.podsec")
}

/// What the client asked for.
pub struct Wanted {
    /// The kinds asked for (`None`: any).
    pub only: Option<Vec<CodeActionKind>>,
    /// Whether the user asked (rather than the editor, as the cursor moves).
    pub invoked: bool,
}

impl Wanted {
    pub fn includes(&self, kind: &CodeActionKind) -> bool {
        match &self.only {
            None => true,
            Some(only) => only.iter().any(|o| {
                kind.as_str() == o.as_str()
                    || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            }),
        }
    }

    /// Fix-all analyses the whole file: only when asked for by name or by the user.
    pub fn fix_all(&self) -> bool {
        self.includes(&fix_all_kind()) && (self.only.is_some() || self.invoked)
    }
}

pub struct Context<'a> {
    pub uri: &'a Uri,
    pub rope: &'a Rope,
    pub encoding: Encoding,
}

impl Context<'_> {
    fn text_edit(&self, segment_start: usize, edit: &TextEdit) -> lsp::TextEdit {
        lsp::TextEdit {
            range: lsp::Range {
                start: self
                    .encoding
                    .lsp_position(self.rope, segment_start + edit.start),
                end: self
                    .encoding
                    .lsp_position(self.rope, segment_start + edit.end),
            },
            new_text: edit.text.clone(),
        }
    }

    fn action(
        &self,
        title: String,
        kind: CodeActionKind,
        edits: Vec<lsp::TextEdit>,
        diagnostic: Option<lsp::Diagnostic>,
        preferred: bool,
    ) -> lsp::CodeActionOrCommand {
        lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title,
            kind: Some(kind),
            diagnostics: diagnostic.map(|d| vec![d]),
            edit: Some(lsp::WorkspaceEdit {
                changes: Some(HashMap::from([(self.uri.clone(), edits)])),
                ..lsp::WorkspaceEdit::default()
            }),
            is_preferred: preferred.then_some(true),
            ..lsp::CodeAction::default()
        })
    }
}

/// The quick fixes and suppressions for the violations among `segments` that overlap bytes
/// `start..=end` of the document.
pub fn quick_fixes(
    context: &Context<'_>,
    segments: &[SegmentView<'_>],
    start: usize,
    end: usize,
) -> Vec<lsp::CodeActionOrCommand> {
    let mut actions = Vec::new();
    for segment in segments {
        let doc = yaml::parse(segment.text.clone());
        let layout = Layout::of(&doc);
        for d in segment.diagnostics {
            let Some(violation) = &d.violation else {
                continue;
            };
            let (d_start, d_end) = (
                segment.start + d.span.start as usize,
                segment.start + d.span.end as usize,
            );
            if d_end < start || d_start > end {
                continue;
            }
            let lsp_diagnostic = convert::diagnostic(d, segment.first_line, context.encoding);
            for fix in fixes(&doc, violation.check, &violation.fault) {
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| context.text_edit(segment.start, e))
                    .collect();
                actions.push(context.action(
                    fix.title,
                    CodeActionKind::QUICKFIX,
                    edits,
                    Some(lsp_diagnostic.clone()),
                    fix.preferred,
                ));
            }
            let here =
                suppress_field(&layout, d.span.start as usize, violation.check).map(|edit| {
                    (
                        format!("Ignore {} here (podsec:ignore)", violation.check),
                        edit,
                    )
                });
            let in_document = (
                format!("Ignore {} in this document", violation.check),
                suppress_document(&layout, violation.check),
            );
            for (title, edit) in here.into_iter().chain([in_document]) {
                let edits = vec![context.text_edit(segment.start, &edit)];
                actions.push(context.action(
                    title,
                    CodeActionKind::QUICKFIX,
                    edits,
                    Some(lsp_diagnostic.clone()),
                    false,
                ));
            }
        }
    }
    actions
}

/// Fix-all over every segment: one minimal edit per segment that changes.
pub fn fix_all_action(
    context: &Context<'_>,
    segments: &[SegmentView<'_>],
    analyze: &mut dyn FnMut(u32, &Document) -> Vec<Diagnostic>,
) -> Option<lsp::CodeActionOrCommand> {
    let mut edits = Vec::new();
    let mut count = 0;
    for segment in segments {
        if !segment.diagnostics.iter().any(|d| d.violation.is_some()) {
            continue;
        }
        let fixed = fix_all(&segment.text, &mut |doc| analyze(segment.first_line, doc));
        if fixed.applied.is_empty() {
            continue;
        }
        count += fixed.applied.len();
        edits.push(context.text_edit(segment.start, &difference(&segment.text, &fixed.text)));
    }
    (count > 0).then(|| {
        let title = format!("Fix all Pod Security problems podsec can ({count})");
        context.action(title, fix_all_kind(), edits, None, false)
    })
}

/// One edit that turns `before` into `after`: what lies between their common prefix and suffix.
fn difference(before: &str, after: &str) -> TextEdit {
    let prefix = before
        .char_indices()
        .zip(after.chars())
        .find(|((_, a), b)| a != b)
        .map_or(before.len().min(after.len()), |((i, _), _)| i);
    let suffix = before[prefix..]
        .chars()
        .rev()
        .zip(after[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    TextEdit {
        start: prefix,
        end: before.len() - suffix,
        text: after[prefix..after.len() - suffix].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difference_is_minimal() {
        let edit = difference("a: 1\nb: 2\n", "a: 1\nb: 3\n");
        assert_eq!((edit.start, edit.end, edit.text.as_str()), (8, 9, "3"));
        let edit = difference("x", "x\ny");
        assert_eq!((edit.start, edit.end, edit.text.as_str()), (1, 1, "\ny"));
        let edit = difference("é: 1", "é: 2");
        assert_eq!((edit.start, edit.end), (4, 5));
    }
}
