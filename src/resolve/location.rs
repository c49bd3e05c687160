//! Places in files, with the line and column forms every consumer needs.

use crate::yaml::Span;
use crate::yaml::lines::{LineIndex, utf16_len};
use std::path::PathBuf;
use std::sync::Arc;

/// A zero-based line and column; the column in bytes and in UTF-16 code units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: u32,
    pub byte_col: u32,
    pub utf16_col: u32,
}

/// A range of text, as positions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TextRange {
    pub start: Position,
    pub end: Position,
}

impl TextRange {
    /// The range of `span` in `text`, whose lines `index` holds.
    pub fn of(text: &str, index: &LineIndex, span: Span) -> TextRange {
        TextRange {
            start: position(text, index, span.start as usize),
            end: position(text, index, span.end as usize),
        }
    }

    /// The same range moved down by `lines` (up when negative).
    pub fn shifted(self, lines: i64) -> TextRange {
        let shift = |line: u32| (line as i64 + lines).max(0) as u32;
        let mut out = self;
        out.start.line = shift(out.start.line);
        out.end.line = shift(out.end.line);
        out
    }
}

pub fn position(text: &str, index: &LineIndex, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let (line, col) = index.line_col(offset);
    let line_start = offset - col;
    Position {
        line: line as u32,
        byte_col: col as u32,
        utf16_col: utf16_len(&text[line_start..offset]) as u32,
    }
}

/// A range in a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub path: Arc<PathBuf>,
    pub range: TextRange,
}
