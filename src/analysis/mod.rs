//! One document in, its diagnostics out: YAML problems, field type errors, Namespace label
//! errors, and every PSA violation with its severity by mode and the source of its policy.

mod diagnostic;
pub mod suppress;

pub use diagnostic::{Code, Diagnostic, Related, Severity, Violation};

use crate::k8s::{Object, Reader, read_pod, refused_key};
use crate::policy::{CheckId, Level, LevelVersion, evaluate};
use crate::resolve::{
    DocumentPlace, EffectivePolicy, Mode, ModePolicy, NamespaceDecl, Resolution, Resolver,
    TextRange, read_namespace,
};
use crate::yaml::lines::LineIndex;
use crate::yaml::{Document, ProblemKind, Span};
use std::cell::OnceCell;

/// What the analysis of one document found.
#[derive(Clone, Debug, Default)]
pub struct DocumentReport {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// The Namespace this document declares, if it is a Namespace manifest.
    pub declares: Option<NamespaceDecl>,
    /// Whether the document is a workload, evaluated against a policy.
    pub workload: bool,
    /// Whether kubectl can read the whole document: it parses, and converts to JSON.
    pub readable: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a document may declare a Namespace, judged from its text alone: the word must
/// appear, unless escapes could hide it. Lets callers index Namespaces without parsing
/// everything twice.
pub fn may_declare_namespace(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"Namespace").is_some() || text.contains('\\')
}

/// The Namespace a document declares, without evaluating anything.
pub fn namespace_declaration(doc: &Document, place: &DocumentPlace) -> Option<NamespaceDecl> {
    if !doc.is_complete() || refused_key(doc).is_some() {
        return None;
    }
    let mut reader = Reader::new(doc);
    let object = Object::read(&mut reader).filter(Object::is_namespace)?;
    let lines = LineIndex::new(doc.text());
    read_namespace(&mut reader, &object, place, &lines, &mut Vec::new())
}

/// Analyses one parsed document at `place`, resolving policies with `resolver`.
pub fn analyze(doc: &Document, place: &DocumentPlace, resolver: &Resolver<'_>) -> DocumentReport {
    let mut out = Output {
        doc,
        lines: OnceCell::new(),
        report: DocumentReport::default(),
    };
    for problem in doc.problems() {
        let code = match problem.kind {
            ProblemKind::Syntax => Code::YamlSyntax,
            ProblemKind::Limit => Code::AnalysisLimit,
            ProblemKind::Warning => Code::YamlWarning,
        };
        // A document podsec stopped analysing is unchecked: like one that does not parse, it
        // must not pass CI quietly.
        let severity = match problem.kind {
            ProblemKind::Syntax | ProblemKind::Limit => Severity::Error,
            ProblemKind::Warning => Severity::Warning,
        };
        out.push(problem.span, severity, code, problem.message.clone());
    }
    if !doc.is_complete() {
        return out.report;
    }
    // kubectl refuses the document before the API server sees it: nothing to evaluate.
    if let Some((span, message)) = refused_key(doc) {
        out.push(span, Severity::Error, Code::YamlSyntax, message);
        return out.report;
    }
    out.report.readable = true;
    let mut reader = Reader::new(doc);
    let Some(object) = Object::read(&mut reader) else {
        return out.report;
    };
    out.report.kind = Some(object.kind.value.to_string());
    out.report.name = object.name.map(|n| n.value.to_string());
    out.report.namespace = object.namespace.map(|n| n.value.to_string());
    if object.is_namespace() {
        let mut problems = Vec::new();
        let decl = read_namespace(&mut reader, &object, place, out.lines(), &mut problems);
        for problem in problems {
            let severity = if problem.is_error {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(
                problem.span,
                severity,
                Code::NamespaceLabel,
                problem.message,
            );
        }
        out.report.declares = decl;
    } else if let Some(pod) = read_pod(&mut reader, &object) {
        out.report.workload = true;
        let namespace = object.namespace.map(|n| n.value);
        let runtime_class = pod.runtime_class_name.map(|r| r.value);
        if let Resolution::Evaluate(policy) = resolver.resolve(namespace, runtime_class) {
            out.violations(&pod, &policy);
        }
    }
    for issue in reader.issues {
        out.push(issue.at, Severity::Error, Code::FieldType, issue.message);
    }
    out.apply_suppressions();
    out.report
        .diagnostics
        .sort_by_key(|d| (d.span.start, d.severity));
    out.report
        .diagnostics
        .dedup_by(|a, b| a.span == b.span && a.message == b.message);
    out.report
}

struct Output<'a> {
    doc: &'a Document,
    /// Only documents with something to report need their lines.
    lines: OnceCell<LineIndex>,
    report: DocumentReport,
}

impl Output<'_> {
    fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(self.doc.text()))
    }

    fn range(&self, span: Span) -> TextRange {
        TextRange::of(self.doc.text(), self.lines(), span)
    }

    /// Drops the findings a `podsec:ignore` comment silences; flags the comments that are not
    /// as they should be.
    fn apply_suppressions(&mut self) {
        let (found, problems) = suppress::suppressions(self.doc);
        self.report.diagnostics.retain(|d| match d.code {
            Code::Check(check) => !found.iter().any(|s| s.covers(check, d.span)),
            _ => true,
        });
        for problem in problems {
            self.push(
                problem.span,
                Severity::Warning,
                Code::Suppression,
                problem.message,
            );
        }
    }

    fn push(&mut self, span: Span, severity: Severity, code: Code, message: String) {
        let range = self.range(span);
        self.report.diagnostics.push(Diagnostic {
            span,
            range,
            severity,
            code,
            message,
            related: Vec::new(),
            violation: None,
        });
    }

    fn violations(&mut self, pod: &crate::k8s::Pod<'_>, policy: &EffectivePolicy) {
        // Each distinct policy is evaluated once; a place a more severe mode flagged is not
        // flagged again by a less severe one.
        let mut evaluated: Vec<(LevelVersion, Vec<crate::policy::Violation>)> = Vec::new();
        let mut flagged: Vec<(CheckId, Span)> = Vec::new();
        for mode in Mode::ALL {
            let mode_policy = policy.mode(mode);
            if mode_policy.policy.level == Level::Privileged {
                continue;
            }
            if !evaluated.iter().any(|(p, _)| *p == mode_policy.policy) {
                evaluated.push((mode_policy.policy, evaluate(pod, mode_policy.policy)));
            }
            let violations = &evaluated
                .iter()
                .find(|(p, _)| *p == mode_policy.policy)
                .unwrap()
                .1;
            let mut new = Vec::new();
            for violation in violations {
                for finding in &violation.outcome.findings {
                    if !flagged.contains(&(violation.check.family(), finding.span)) {
                        new.push((violation.check, finding.clone()));
                    }
                }
            }
            flagged.extend(new.iter().map(|(check, f)| (check.family(), f.span)));
            for (check, finding) in new {
                self.push_violation(check, finding, mode, mode_policy);
            }
        }
    }

    fn push_violation(
        &mut self,
        check: CheckId,
        finding: crate::policy::Finding,
        mode: Mode,
        policy: &ModePolicy,
    ) {
        let verb = if mode == Mode::Enforce {
            "violates"
        } else {
            "would violate"
        };
        let message = format!(
            "{verb} PodSecurity \"{}\": {}",
            policy.policy,
            finding.message()
        );
        let mut related = Vec::new();
        let level = policy.policy.level.to_string();
        let version = policy.policy.version.to_string();
        for (what, value, source) in [
            ("level", level, &policy.level_source),
            ("version", version, &policy.version_source),
        ] {
            if let Some(location) = source.location() {
                related.push(Related {
                    location: location.clone(),
                    message: format!("{mode} {what} {value}, from {}", source.describe()),
                });
            }
        }
        let range = self.range(finding.span);
        self.report.diagnostics.push(Diagnostic {
            span: finding.span,
            range,
            severity: Severity::of_mode(mode),
            code: Code::Check(check),
            message,
            related,
            violation: Some(Violation {
                check,
                mode,
                policy: policy.policy,
                finding: finding.message(),
                fault: finding.fault,
                set_by: policy.level_source.describe(),
            }),
        });
    }
}
