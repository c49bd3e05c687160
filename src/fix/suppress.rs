//! The edits that insert a suppression comment.

use super::edit::{Layout, TextEdit};
use crate::analysis::suppress::{IGNORE, IGNORE_DOCUMENT};
use crate::policy::CheckId;

/// A `# podsec:ignore CHECK -- ` line above the line holding `at`, at its indentation. The
/// reason is left for the author to write (until then the comment is flagged). `None` where a
/// comment line cannot go: inside a scalar that spans lines.
pub fn suppress_field(layout: &Layout<'_>, at: usize, check: CheckId) -> Option<TextEdit> {
    let text = layout.doc.text();
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
    let edit = TextEdit {
        start: line_start,
        end: line_start,
        text: format!("{}# {IGNORE} {check} -- {}", " ".repeat(indent), layout.eol),
    };
    let commented = crate::yaml::parse(super::apply(text, std::slice::from_ref(&edit)));
    commented.is_complete().then_some(edit)
}

/// A `# podsec:ignore-document CHECK -- ` line at the top of the document (after its `---`).
pub fn suppress_document(layout: &Layout<'_>, check: CheckId) -> TextEdit {
    let text = layout.doc.text();
    let body = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let at = if crate::yaml::stream::is_separator_line(&text[body..]) {
        let end = text[body..].find('\n').map_or(text.len(), |i| body + i + 1);
        end.min(text.len())
    } else {
        body
    };
    TextEdit {
        start: at,
        end: at,
        text: format!("# {IGNORE_DOCUMENT} {check} -- {}", layout.eol),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    #[test]
    fn no_comment_line_inside_a_scalar_that_spans_lines() {
        // Found by fuzzing: the field's line continued a plain scalar begun on the line before.
        let doc = parse("spec: {containers: [{name: a, image: long\n  name, securityContext: {privileged: true}}]}\n".to_string());
        let layout = Layout::of(&doc);
        let at = doc.text().find("privileged").unwrap();
        assert_eq!(suppress_field(&layout, at, CheckId::Privileged), None);
        // On a line of its own, the comment goes above it.
        let doc = parse("securityContext:\n  privileged: true\n".to_string());
        let layout = Layout::of(&doc);
        let at = doc.text().find("privileged").unwrap();
        let edit = suppress_field(&layout, at, CheckId::Privileged).unwrap();
        assert_eq!(
            (edit.start, edit.text.as_str()),
            (17, "  # podsec:ignore privileged -- \n")
        );
    }
}
