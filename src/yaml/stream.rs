//! Splitting a file into documents the way kubectl does: at every line that starts with `---`.
//!
//! kubectl's `YAMLReader` cuts the stream there and hands each piece to go-yaml on its own, so a
//! document boundary is a purely textual fact. That is also what makes incremental re-analysis
//! possible: an edit can only move the boundaries on the lines it touches.

/// A document's byte range in the file. It starts at a line start and includes its own `---`
/// separator line, so the segments of a file cover it exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
}

/// The documents of `text`, in order. An empty text is one empty document.
pub fn split(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut start = 0;
    for line_start in line_starts(text).skip(1) {
        if is_separator_line(&text[line_start..]) {
            segments.push(Segment {
                start,
                end: line_start,
            });
            start = line_start;
        }
    }
    segments.push(Segment {
        start,
        end: text.len(),
    });
    segments
}

/// Whether a line (given from its start) is a document separator for kubectl.
pub fn is_separator_line(line: &str) -> bool {
    line.strip_prefix('\u{feff}')
        .unwrap_or(line)
        .starts_with("---")
}

/// What kubectl refuses after `---` on a separator line, if anything: only spaces and a comment
/// may follow. Returns the byte range of the offending text within the line.
pub fn separator_junk(line: &str) -> Option<std::ops::Range<usize>> {
    let line = line.split(['\n', '\r']).next().unwrap_or("");
    let bom = if line.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = line.get(bom + 3..)?;
    let trimmed = rest.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let start = bom + 3 + (rest.len() - trimmed.len());
    Some(start..bom + 3 + rest.trim_end().len())
}

/// Byte offsets of line starts: 0, then after every LF, CRLF or lone CR.
pub fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    std::iter::once(0).chain(
        memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(move |i| {
            // The CR of a CRLF is not a line end of its own.
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                None
            } else {
                Some(i + 1)
            }
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text).iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn splits_at_lines_starting_with_three_dashes() {
        assert_eq!(pieces("a: 1\n---\nb: 2\n"), ["a: 1\n", "---\nb: 2\n"]);
        assert_eq!(
            pieces("---\na: 1\n--- # c\nb: 2"),
            ["---\na: 1\n", "--- # c\nb: 2"]
        );
        assert_eq!(pieces(""), [""]);
        assert_eq!(pieces("a: |\n  x\n---\n"), ["a: |\n  x\n", "---\n"]);
    }

    #[test]
    fn indented_dashes_and_crlf() {
        assert_eq!(pieces("a:\n  ---\n"), ["a:\n  ---\n"]);
        assert_eq!(
            pieces("a: 1\r\n---\r\nb: 2\r\n"),
            ["a: 1\r\n", "---\r\nb: 2\r\n"]
        );
        assert_eq!(pieces("a: 1\r---\rb: 2"), ["a: 1\r", "---\rb: 2"]);
    }

    #[test]
    fn kubectl_refuses_content_after_the_separator() {
        assert_eq!(separator_junk("---\n"), None);
        assert_eq!(separator_junk("---   # note\n"), None);
        assert_eq!(separator_junk("--- !tag\n"), Some(4..8));
        assert_eq!(separator_junk("----\n"), Some(3..4));
    }
}
