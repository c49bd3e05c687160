//! What the analysis reports, independent of any output format or protocol.

use crate::policy::{CheckId, Fault, LevelVersion};
use crate::resolve::{Location, Mode, TextRange};
use crate::yaml::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
}

impl Severity {
    pub fn of_mode(mode: Mode) -> Severity {
        match mode {
            Mode::Enforce => Severity::Error,
            Mode::Warn => Severity::Warning,
            Mode::Audit => Severity::Information,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "info",
        }
    }
}

/// The diagnostic's code: a PSA check ID, or one of podsec's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    Check(CheckId),
    /// Not YAML that kubectl accepts.
    YamlSyntax,
    /// A limit against hostile input stopped the analysis.
    AnalysisLimit,
    /// Valid YAML that Kubernetes reads differently from how it looks.
    YamlWarning,
    /// A value the API server cannot decode into its field.
    FieldType,
    /// A Namespace's Pod Security label that PSA refuses or ignores.
    NamespaceLabel,
    /// A `.podsec.yaml` that podsec refuses.
    Config,
    /// A `podsec:ignore` comment that is not as it should be.
    Suppression,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Check(id) => id.as_str(),
            Code::YamlSyntax => "yaml-syntax",
            Code::AnalysisLimit => "analysis-limit",
            Code::YamlWarning => "yaml-warning",
            Code::FieldType => "field-type",
            Code::NamespaceLabel => "namespace-label",
            Code::Config => "config",
            Code::Suppression => "suppression",
        }
    }
}

/// Extra places that explain a diagnostic (the label or config line that set the policy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// A PSA violation behind a diagnostic, for fixes and explanations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub check: CheckId,
    pub mode: Mode,
    pub policy: LevelVersion,
    pub fault: Fault,
    /// `reason (detail)` alone, without the policy prefix.
    pub finding: String,
    /// Where the mode's level came from, in words.
    pub set_by: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Bytes of the document's text.
    pub span: Span,
    /// Lines counted from the document's first line.
    pub range: TextRange,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub related: Vec<Related>,
    pub violation: Option<Violation>,
}
