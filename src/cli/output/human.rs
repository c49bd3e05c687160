//! Compiler-style output: `path:line:col: severity[code]: message`, the source line, a caret.

use super::{display_path, file_line_col, line_col};
use crate::analysis::Severity;
use crate::cli::run::{CheckedFile, Located, Report};
use std::io::{self, Write};

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let (code, word) = match severity {
            Severity::Error => ("1;31", "error"),
            Severity::Warning => ("1;33", "warning"),
            Severity::Information => ("1;36", "note"),
        };
        self.paint(code, word)
    }
}

pub fn write_human(report: &Report, out: &mut impl Write, color: bool) -> io::Result<()> {
    let style = Style { color };
    for (file, found) in report.findings() {
        write_finding(file, found, out, &style)?;
    }
    let count = |s| {
        report
            .findings()
            .filter(|(_, f)| f.diagnostic.severity == s)
            .count()
    };
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Information),
    );
    let files = report.files.len();
    let documents = report.documents();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if errors + warnings + notes == 0 {
        writeln!(
            out,
            "No Pod Security problems in {} ({}).",
            plural(files, "file"),
            plural(documents, "document")
        )
    } else {
        let with = report
            .files
            .iter()
            .filter(|f| !f.findings.is_empty())
            .count();
        writeln!(
            out,
            "Found {}, {}, {} in {with} of {} ({}).",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(notes, "note"),
            plural(files, "file"),
            plural(documents, "document")
        )
    }
}

fn write_finding(
    file: &CheckedFile,
    found: &Located,
    out: &mut impl Write,
    style: &Style,
) -> io::Result<()> {
    let d = &found.diagnostic;
    let (line, column) = file_line_col(file, d.range.start);
    writeln!(
        out,
        "{}:{line}:{column}: {}{}: {}",
        display_path(&file.path),
        style.severity(d.severity),
        style.paint("1", &format!("[{}]", d.code.as_str())),
        d.message
    )?;
    let source = file
        .lines
        .line_text(&file.text, d.range.start.line as usize);
    let gutter = line.to_string().len();
    let shown: String = source
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let start = d.range.start.byte_col as usize;
    let end = if d.range.end.line == d.range.start.line {
        (d.range.end.byte_col as usize).max(start)
    } else {
        source.len()
    };
    let pad = display_width(&source[..start.min(source.len())]);
    let width = display_width(&source[start.min(source.len())..end.min(source.len())]).max(1);
    let bar = style.paint("1;34", "|");
    writeln!(out, "{:gutter$} {bar}", "")?;
    writeln!(
        out,
        "{} {bar} {shown}",
        style.paint("1;34", &line.to_string())
    )?;
    writeln!(
        out,
        "{:gutter$} {bar} {:pad$}{}",
        "",
        "",
        style.paint("1;31", &"^".repeat(width))
    )?;
    for related in &d.related {
        let location = &related.location;
        let shown_path = display_path(&location.path);
        let (rel_line, rel_col) = match std::fs::read_to_string(location.path.as_path()) {
            Ok(text) if location.path.as_path() != file.path.as_path() => {
                let lines = crate::yaml::lines::LineIndex::new(&text);
                line_col(&text, &lines, location.range.start)
            }
            _ if location.path.as_path() == file.path.as_path() => {
                file_line_col(file, location.range.start)
            }
            _ => (
                location.range.start.line as usize + 1,
                location.range.start.byte_col as usize + 1,
            ),
        };
        writeln!(
            out,
            "{:gutter$} {} {}: {shown_path}:{rel_line}:{rel_col}",
            "",
            style.paint("1;34", "="),
            related.message
        )?;
    }
    writeln!(out)
}

/// Terminal columns taken by text: two for wide East Asian characters and emoji.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115f
            | 0x2e80..=0xa4cf
            | 0xac00..=0xd7a3
            | 0xf900..=0xfaff
            | 0xfe30..=0xfe4f
            | 0xff00..=0xff60
            | 0xffe0..=0xffe6
            | 0x1f300..=0x1f64f
            | 0x1f900..=0x1f9ff
            | 0x20000..=0x3fffd => 2,
            _ => 1,
        })
        .sum()
}
