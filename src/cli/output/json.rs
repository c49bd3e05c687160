//! `--format json`: one object with every finding and a summary.

use super::{display_path, file_line_col};
use crate::analysis::Severity;
use crate::cli::run::Report;
use serde_json::{Value, json};
use std::io::{self, Write};

pub fn write_json(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let findings: Vec<Value> = report
        .findings()
        .map(|(file, found)| {
            let d = &found.diagnostic;
            let (line, column) = file_line_col(file, d.range.start);
            let (end_line, end_column) = file_line_col(file, d.range.end);
            let violation = d.violation.as_ref();
            json!({
                "path": display_path(&file.path),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "message": d.message,
                "mode": violation.map(|v| v.mode.as_str()),
                "policy": violation.map(|v| v.policy.to_string()),
                "kind": found.kind,
                "name": found.name,
                "namespace": found.namespace,
                "related": d.related.iter().map(|r| json!({
                    "path": display_path(&r.location.path),
                    "line": r.location.range.start.line + 1,
                    "message": r.message,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let count = |s| {
        report
            .findings()
            .filter(|(_, f)| f.diagnostic.severity == s)
            .count()
    };
    let document = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "summary": {
            "files": report.files.len(),
            "documents": report.documents(),
            "errors": count(Severity::Error),
            "warnings": count(Severity::Warning),
            "notes": count(Severity::Information),
        },
        "findings": findings,
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
