//! `podsec-lsp check` arguments.

use crate::policy::{Level, Version};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Debug)]
pub struct CheckArgs {
    pub paths: Vec<PathBuf>,
    pub level: Option<Level>,
    pub version: Option<Version>,
    pub format: Format,
    pub fix: bool,
    pub color: bool,
}

pub const CHECK_USAGE: &str = "\
Usage: podsec-lsp check [PATH…] [--level privileged|baseline|restricted] [--version latest|v1.N]
                        [--format human|json|sarif] [--fix]

Checks Kubernetes YAML against the Pod Security Standards exactly as Pod Security Admission
enforces them. PATH defaults to `.`; folders are searched for *.yaml and *.yml files.

Options:
  --level LEVEL      the enforce level for workloads whose Namespace sets none
  --version VERSION  the enforce policy version (latest, or v1.0 … v1.37)
  --format FORMAT    human (default), json or sarif (SARIF 2.1.0)
  --fix              rewrite files with the safe fixes, then report what remains
  -h, --help         print this help

Exit status: 0 no errors, 1 at least one error, 2 usage, file or config problem.";

/// Parses the arguments after `check`; `Err` is a one-line reason.
pub fn parse_check_args(args: Vec<OsString>) -> Result<Option<CheckArgs>, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut out = CheckArgs {
        paths: Vec::new(),
        level: None,
        version: None,
        format: Format::Human,
        fix: false,
        color: false,
    };
    let text = |value: OsString, flag: &str| {
        value
            .into_string()
            .map_err(|_| format!("{flag}: not valid UTF-8"))
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("level") => {
                let value = text(parser.value().map_err(|e| e.to_string())?, "--level")?;
                out.level =
                    Some(Level::parse(&value).map_err(|e| format!("--level {value}: {e}"))?);
            }
            Long("version") => {
                let value = text(parser.value().map_err(|e| e.to_string())?, "--version")?;
                out.version =
                    Some(Version::parse(&value).map_err(|e| format!("--version {value}: {e}"))?);
            }
            Long("format") => {
                let value = text(parser.value().map_err(|e| e.to_string())?, "--format")?;
                out.format = match value.as_str() {
                    "human" => Format::Human,
                    "json" => Format::Json,
                    "sarif" => Format::Sarif,
                    _ => {
                        return Err(format!(
                            "--format {value}: must be one of human, json, sarif"
                        ));
                    }
                };
            }
            Long("fix") => out.fix = true,
            Short('h') | Long("help") => return Ok(None),
            Value(path) => out.paths.push(PathBuf::from(path)),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if out.paths.is_empty() {
        out.paths.push(PathBuf::from("."));
    }
    Ok(Some(out))
}
