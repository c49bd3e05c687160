//! Suppressions: `# podsec:ignore CHECK[,CHECK…] -- reason` silences those checks for the field
//! on the next line (or on the same line, after it) and everything nested under it;
//! `# podsec:ignore-document CHECK… -- reason` for the whole document. `all` names every check.
//! A suppression must say why: one without a reason is a warning, as is an unknown check.

use crate::policy::CheckId;
use crate::yaml::{Document, Span};

pub const IGNORE: &str = "podsec:ignore";
pub const IGNORE_DOCUMENT: &str = "podsec:ignore-document";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// `None` for every check.
    pub checks: Option<Vec<CheckId>>,
    /// The text it covers.
    pub scope: Span,
}

impl Suppression {
    pub fn covers(&self, check: CheckId, at: Span) -> bool {
        self.scope.start <= at.start
            && at.start <= self.scope.end
            && self.checks.as_ref().is_none_or(|c| c.contains(&check))
    }
}

/// A suppression comment that is not as it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionProblem {
    pub span: Span,
    pub message: String,
}

/// The suppressions of a document, and the problems with them.
pub fn suppressions(doc: &Document) -> (Vec<Suppression>, Vec<SuppressionProblem>) {
    let text = doc.text();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for &comment in doc.comments() {
        let body = doc.slice(comment).trim_start_matches('#').trim_start();
        let (whole_document, rest) = if let Some(rest) = body.strip_prefix(IGNORE_DOCUMENT) {
            (true, rest)
        } else if let Some(rest) = body.strip_prefix(IGNORE) {
            (false, rest)
        } else {
            continue;
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            continue;
        }
        let (names, reason) = match rest.split_once("--") {
            Some((names, reason)) => (names, reason.trim()),
            None => (rest, ""),
        };
        let mut checks = Some(Vec::new());
        for name in names.split([',', ' ', '\t']).filter(|n| !n.is_empty()) {
            if name == "all" {
                checks = None;
            } else if let Some(id) = CheckId::parse(name).filter(|id| id.as_str() == name) {
                if let Some(list) = checks.as_mut() {
                    list.push(id);
                }
            } else {
                problems.push(SuppressionProblem {
                    span: comment,
                    message: format!("unknown check {name:?} in a podsec:ignore comment: use PSA's check IDs (e.g. runAsNonRoot) or all"),
                });
            }
        }
        if checks.as_ref().is_some_and(Vec::is_empty) {
            problems.push(SuppressionProblem {
                span: comment,
                message: "a podsec:ignore comment must name the checks it silences".to_string(),
            });
            continue;
        }
        if reason.is_empty() {
            problems.push(SuppressionProblem {
                span: comment,
                message: "a suppression must say why: add a reason after `--`".to_string(),
            });
        }
        let scope = if whole_document {
            Span::new(0, text.len())
        } else {
            field_scope(text, comment.start as usize)
        };
        found.push(Suppression { checks, scope });
    }
    (found, problems)
}

/// The field a comment at `at` speaks of: the line it ends (when it follows content) or the next
/// line with content, with every line nested under it.
fn field_scope(text: &str, at: usize) -> Span {
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let mut start = line_start;
    if text[line_start..at].trim().is_empty() {
        // A comment on its own line: the next line that has content.
        start = next_line(text, at);
        while start < text.len() && is_blank_or_comment(line_at(text, start)) {
            start = next_line(text, start);
        }
    }
    let indent = indentation(line_at(text, start));
    let mut end = start + line_at(text, start).len();
    let mut next = next_line(text, start);
    while next < text.len() {
        let line = line_at(text, next);
        if !is_blank_or_comment(line) && indentation(line) <= indent {
            break;
        }
        if !is_blank_or_comment(line) {
            end = next + line.len();
        }
        next = next_line(text, next);
    }
    Span::new(start, end)
}

fn line_at(text: &str, start: usize) -> &str {
    let rest = &text[start..];
    &rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())]
}

fn next_line(text: &str, at: usize) -> usize {
    let end = at + line_at(text, at).len();
    match text.as_bytes().get(end) {
        Some(b'\r') if text.as_bytes().get(end + 1) == Some(&b'\n') => end + 2,
        Some(_) => end + 1,
        None => end,
    }
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// Leading spaces; a sequence item's `- ` counts as indentation of its content.
fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn scopes(text: &str) -> Vec<String> {
        let doc = parse(text.to_string());
        let (found, _) = suppressions(&doc);
        found
            .iter()
            .map(|s| doc.slice(s.scope).to_string())
            .collect()
    }

    #[test]
    fn a_comment_above_covers_the_next_field_and_what_is_nested_under_it() {
        let text = "a:\n  # podsec:ignore privileged -- lab cluster\n  securityContext:\n    privileged: true\n\n    # note\n    runAsUser: 0\n  image: x\n";
        assert_eq!(
            scopes(text),
            ["  securityContext:\n    privileged: true\n\n    # note\n    runAsUser: 0"]
        );
        let text = "- name: a # podsec:ignore all -- vendor image\n  image: x\n- name: b\n";
        assert_eq!(
            scopes(text),
            ["- name: a # podsec:ignore all -- vendor image\n  image: x"]
        );
    }

    #[test]
    fn problems_with_suppressions() {
        let doc = parse("# podsec:ignore-document runAsUser\n# podsec:ignore runAsUsr -- why\n# podsec:ignored x\na: 1\n".to_string());
        let (found, problems) = suppressions(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].scope, Span::new(0, doc.text().len()));
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "a suppression must say why: add a reason after `--`",
                "unknown check \"runAsUsr\" in a podsec:ignore comment: use PSA's check IDs (e.g. runAsNonRoot) or all",
                "a podsec:ignore comment must name the checks it silences",
            ]
        );
    }
}
