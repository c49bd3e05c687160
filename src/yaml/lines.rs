//! Line and column arithmetic on a text, in bytes, with conversions to UTF-16.

/// The line starts of a text, for turning byte offsets into (line, column).
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex {
            starts: super::stream::line_starts(text).map(|s| s as u32).collect(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The zero-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s as usize <= offset)
            .saturating_sub(1)
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).map_or(usize::MAX, |&s| s as usize)
    }

    /// Zero-based line and byte column of `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        (line, offset - self.starts[line] as usize)
    }

    /// The text of a line without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line).min(text.len());
        let end = self.line_start(line + 1).min(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// How many UTF-16 code units the first `byte_col` bytes of `line` take.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The byte offset in `line` of a UTF-16 column, clamped to the line.
pub fn byte_col_of_utf16(line: &str, utf16_col: usize) -> usize {
    let mut units = 0;
    for (i, c) in line.char_indices() {
        if units >= utf16_col {
            return i;
        }
        units += c.len_utf16();
    }
    line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_with_every_line_break() {
        let text = "ab\ncd\r\nef\rgh";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(0), (0, 0));
        assert_eq!(index.line_col(4), (1, 1));
        assert_eq!(index.line_col(7), (2, 0));
        assert_eq!(index.line_col(11), (3, 1));
        assert_eq!(index.line_text(text, 1), "cd");
        assert_eq!(index.line_text(text, 3), "gh");
    }

    #[test]
    fn utf16_columns() {
        let line = "名前: 🐳x";
        assert_eq!(utf16_len(line), 7);
        assert_eq!(byte_col_of_utf16(line, 2), "名前".len());
        assert_eq!(byte_col_of_utf16(line, 6), "名前: 🐳".len());
        assert_eq!(byte_col_of_utf16(line, 100), line.len());
    }
}
