//! `--format sarif`: SARIF 2.1.0, one run, the check IDs as rules.

use super::{display_path, file_line_col};
use crate::analysis::{Code, Severity};
use crate::cli::run::Report;
use crate::policy::{STANDARDS_URL, check_doc};
use serde_json::{Value, json};
use std::io::{self, Write};

pub fn write_sarif(report: &Report, out: &mut impl Write) -> io::Result<()> {
    let mut rules: Vec<Code> = Vec::new();
    for (_, found) in report.findings() {
        if !rules.contains(&found.diagnostic.code) {
            rules.push(found.diagnostic.code);
        }
    }
    let results: Vec<Value> = report
        .findings()
        .map(|(file, found)| {
            let d = &found.diagnostic;
            let (start_line, start_column) = file_line_col(file, d.range.start);
            let (end_line, end_column) = file_line_col(file, d.range.end);
            json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rules.iter().position(|r| *r == d.code),
                "level": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Information => "note",
                },
                "message": {"text": d.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_reference(&display_path(&file.path))},
                        "region": {
                            "startLine": start_line,
                            "startColumn": start_column,
                            "endLine": end_line,
                            "endColumn": end_column,
                        }
                    }
                }],
                "relatedLocations": d.related.iter().enumerate().map(|(i, r)| json!({
                    "id": i,
                    "message": {"text": r.message},
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri_reference(&display_path(&r.location.path))},
                        "region": {"startLine": r.location.range.start.line + 1},
                    }
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "podsec-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": STANDARDS_URL,
                "rules": rules.iter().map(|&code| rule(code)).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn rule(code: Code) -> Value {
    match code {
        Code::Check(id) => {
            let doc = check_doc(id);
            json!({
                "id": id.as_str(),
                "name": doc.title,
                "shortDescription": {"text": doc.summary},
                "fullDescription": {"text": format!("{} Fields: {}. Allowed: {}.", doc.summary, doc.fields, doc.allowed)},
                "helpUri": doc.url(),
                "properties": {"level": doc.level.as_str()},
            })
        }
        other => json!({
            "id": other.as_str(),
            "shortDescription": {"text": match other {
                Code::YamlSyntax => "The document is not YAML that kubectl accepts.",
                Code::AnalysisLimit => "A limit that protects against hostile input stopped the analysis.",
                Code::YamlWarning => "Valid YAML that Kubernetes reads differently from how it looks.",
                Code::FieldType => "A value the API server cannot decode into its field.",
                Code::NamespaceLabel => "A Pod Security label that PSA refuses or ignores.",
                Code::Suppression => "A podsec:ignore comment without a reason or with an unknown check.",
                _ => "A .podsec.yaml that podsec refuses.",
            }},
        }),
    }
}

/// A relative path as a URI reference: characters outside RFC 3986's unreserved set and `/`
/// are percent-encoded.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
