//! The protocol edge: the analysis's diagnostics as LSP diagnostics.

use super::encoding::Encoding;
use crate::analysis::{Code, Diagnostic, Severity};
use crate::policy::check_doc;
use crate::resolve::Location;
use std::str::FromStr;
use tower_lsp_server::ls_types::{self as lsp, Uri};

pub fn diagnostic(d: &Diagnostic, first_line: u32, encoding: Encoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: lsp::Range {
            start: encoding.position(d.range.start, first_line),
            end: encoding.position(d.range.end, first_line),
        },
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        code_description: match d.code {
            Code::Check(id) => Uri::from_str(&check_doc(id).url())
                .ok()
                .map(|href| lsp::CodeDescription { href }),
            _ => None,
        },
        source: Some("podsec".to_string()),
        message: d.message.clone(),
        related_information: (!d.related.is_empty()).then(|| {
            d.related
                .iter()
                .filter_map(|r| {
                    Some(lsp::DiagnosticRelatedInformation {
                        location: location(&r.location, encoding)?,
                        message: r.message.clone(),
                    })
                })
                .collect()
        }),
        tags: None,
        data: None,
    }
}

pub fn location(location: &Location, encoding: Encoding) -> Option<lsp::Location> {
    Some(lsp::Location {
        uri: path_uri(&location.path)?,
        range: lsp::Range {
            start: encoding.position(location.range.start, 0),
            end: encoding.position(location.range.end, 0),
        },
    })
}

/// A file path as a `file:` URI; a path that is already a URI (an unsaved buffer) as itself.
pub fn path_uri(path: &std::path::Path) -> Option<Uri> {
    if path.is_absolute() {
        Uri::from_file_path(path)
    } else {
        Uri::from_str(&path.to_string_lossy()).ok()
    }
}

/// The file path of a `file:` URI.
pub fn uri_path(uri: &Uri) -> Option<std::path::PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if is_file {
        uri.to_file_path().map(|p| p.into_owned())
    } else {
        None
    }
}
