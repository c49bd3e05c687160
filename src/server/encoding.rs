//! Position encodings: the client's `(line, character)` against the rope's byte offsets.

use crate::resolve::Position;
use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, PositionEncodingKind};

/// How `character` counts: UTF-16 code units (LSP's default) or bytes (UTF-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf16,
    Utf8,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion), else UTF-16, which every client speaks.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf8 => PositionEncodingKind::UTF8,
        }
    }

    /// A position the analysis computed (both column forms are known) in this encoding.
    pub fn position(self, at: Position, first_line: u32) -> lsp::Position {
        lsp::Position {
            line: at.line + first_line,
            character: match self {
                Encoding::Utf16 => at.utf16_col,
                Encoding::Utf8 => at.byte_col,
            },
        }
    }

    /// The byte offset of a client position, clamped into the text: a line past the end means
    /// the end, a column past the line's end means the line's end (before its line break).
    pub fn offset(self, rope: &Rope, at: lsp::Position) -> usize {
        let line = at.line as usize;
        if line >= rope.len_lines() {
            return rope.len_bytes();
        }
        let line_start = rope.line_to_char(line);
        let text = rope.line(line);
        let content_chars = text.len_chars() - line_break_chars(&text);
        let column_chars = match self {
            Encoding::Utf16 => {
                let content_units = text.char_to_utf16_cu(content_chars);
                text.utf16_cu_to_char((at.character as usize).min(content_units))
            }
            Encoding::Utf8 => {
                let content_bytes = text.char_to_byte(content_chars);
                // A column inside a character means that character's start.
                text.byte_to_char((at.character as usize).min(content_bytes))
            }
        };
        rope.char_to_byte(line_start + column_chars)
    }
}

impl Encoding {
    /// The client position of a byte offset of the rope.
    pub fn lsp_position(self, rope: &Rope, offset: usize) -> lsp::Position {
        let offset = offset.min(rope.len_bytes());
        let line = rope.byte_to_line(offset);
        let line_start = rope.line_to_byte(line);
        let character = match self {
            Encoding::Utf8 => offset - line_start,
            Encoding::Utf16 => {
                let start = rope.byte_to_char(line_start);
                let here = rope.byte_to_char(offset);
                rope.char_to_utf16_cu(here) - rope.char_to_utf16_cu(start)
            }
        };
        lsp::Position {
            line: line as u32,
            character: character as u32,
        }
    }
}

/// How many characters of a rope line are its line break (`\n`, `\r\n`, `\r` or none).
fn line_break_chars(line: &ropey::RopeSlice<'_>) -> usize {
    let len = line.len_chars();
    match (
        len.checked_sub(2).map(|i| line.char(i)),
        len.checked_sub(1).map(|i| line.char(i)),
    ) {
        (Some('\r'), Some('\n')) => 2,
        (_, Some('\n' | '\r')) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    #[test]
    fn utf16_and_utf8_columns_on_non_ascii_lines() {
        let rope = Rope::from_str("name: 名前 🐳 x\r\nnext\n");
        // "name: " is 6, 名前 are one UTF-16 unit each but 3 bytes each, 🐳 is 2 units, 4 bytes.
        let x16 = Encoding::Utf16.offset(&rope, pos(0, 6 + 2 + 1 + 2 + 1));
        let x8 = Encoding::Utf8.offset(&rope, pos(0, 6 + 6 + 1 + 4 + 1));
        assert_eq!(x16, "name: 名前 🐳 ".len());
        assert_eq!(x8, x16);
        // Past the end of a line: its end, before the CRLF.
        assert_eq!(
            Encoding::Utf16.offset(&rope, pos(0, 999)),
            "name: 名前 🐳 x".len()
        );
        // Inside a UTF-8 sequence: the character's start.
        assert_eq!(Encoding::Utf8.offset(&rope, pos(0, 7)), "name: ".len());
        // Past the last line: the end of the text.
        assert_eq!(Encoding::Utf16.offset(&rope, pos(9, 0)), rope.len_bytes());
        assert_eq!(
            Encoding::Utf16.offset(&rope, pos(1, 2)),
            "name: 名前 🐳 x\r\nne".len()
        );
    }

    #[test]
    fn prefers_utf8_when_offered() {
        let both = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&both)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[PositionEncodingKind::UTF32])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
