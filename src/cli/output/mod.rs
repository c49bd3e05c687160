//! How `check` prints its report.

mod human;
mod json;
mod sarif;

pub use human::write_human;
pub use json::write_json;
pub use sarif::write_sarif;

use super::run::CheckedFile;
use crate::resolve::Position;

/// A 1-based line and a 1-based column in Unicode code points, as editors and SARIF count them.
pub fn line_col(
    file_text: &str,
    lines: &crate::yaml::lines::LineIndex,
    at: Position,
) -> (usize, usize) {
    let line_start = lines.line_start(at.line as usize).min(file_text.len());
    let end = (line_start + at.byte_col as usize).min(file_text.len());
    let column = file_text[line_start..end].chars().count() + 1;
    (at.line as usize + 1, column)
}

/// `line_col` for a position in a checked file.
pub fn file_line_col(file: &CheckedFile, at: Position) -> (usize, usize) {
    line_col(&file.text, &file.lines, at)
}

/// A path as `check` shows it: with forward slashes.
pub fn display_path(path: &std::path::Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
