//! The edits that insert a suppression comment.

use super::edit::{Layout, TextEdit};
use crate::analysis::suppress::{IGNORE, IGNORE_DOCUMENT};
use crate::policy::CheckId;

/// A `# podsec:ignore CHECK -- ` line above the line holding `at`, at its indentation. The
/// reason is left for the author to write (until then the comment is flagged).
pub fn suppress_field(layout: &Layout<'_>, at: usize, check: CheckId) -> TextEdit {
    let text = layout.doc.text();
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
    TextEdit {
        start: line_start,
        end: line_start,
        text: format!("{}# {IGNORE} {check} -- {}", " ".repeat(indent), layout.eol),
    }
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
