//! Namespace manifests: their Pod Security labels, and what is wrong with them.

use super::location::{Location, TextRange};
use super::policy::{LABEL_PREFIX, PolicyLabel};
use crate::k8s::{Object, Reader};
use crate::yaml::Span;
use crate::yaml::lines::LineIndex;
use std::path::PathBuf;
use std::sync::Arc;

/// A Namespace known to the workspace or the config, with its Pod Security labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamespaceDecl {
    pub name: String,
    pub labels: Vec<PolicyLabel>,
    /// Where the Namespace is declared (its name).
    pub location: Location,
    /// Declared under `namespaces:` in a `.podsec.yaml` rather than by a manifest.
    pub from_config: bool,
}

impl NamespaceDecl {
    /// The same declaration after its document moved down by `lines` (up when negative).
    pub fn shift_lines(&mut self, lines: i64) {
        self.location.range = self.location.range.shifted(lines);
        for label in &mut self.labels {
            label.location.range = label.location.range.shifted(lines);
        }
    }
}

/// A problem with a label, at a span of the Namespace document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelProblem {
    pub span: Span,
    pub message: String,
    /// Errors make the API server refuse the Namespace; warnings are likely mistakes.
    pub is_error: bool,
}

/// Where a document sits: its file and the line it starts on.
#[derive(Clone, Debug)]
pub struct DocumentPlace {
    pub path: Arc<PathBuf>,
    pub first_line: u32,
}

impl DocumentPlace {
    pub fn location(&self, text: &str, lines: &LineIndex, span: Span) -> Location {
        Location {
            path: self.path.clone(),
            range: TextRange::of(text, lines, span).shifted(self.first_line.into()),
        }
    }
}

/// Reads a Namespace manifest's Pod Security labels; `None` if it has no name.
pub fn read_namespace(
    reader: &mut Reader<'_>,
    object: &Object<'_>,
    place: &DocumentPlace,
    lines: &LineIndex,
    problems: &mut Vec<LabelProblem>,
) -> Option<NamespaceDecl> {
    let doc = reader.doc;
    let text = doc.text();
    let name = object.name?;
    let mut labels = Vec::new();
    let metadata = reader.object(object.root, "metadata")?.value;
    if let Some(label_map) = reader.object(metadata, "labels") {
        for (key, entry) in doc.effective_entries(label_map.value) {
            let value_span = reader.span(entry.value);
            let key_span = doc.node(entry.key).span;
            let Some((mode, is_version)) = PolicyLabel::parse_key(&key) else {
                if key.starts_with(LABEL_PREFIX) {
                    problems.push(LabelProblem {
                        span: key_span,
                        message: unknown_label_message(&key),
                        is_error: false,
                    });
                }
                continue;
            };
            let value = match doc.value(entry.value).and_then(|v| v.as_str()) {
                Some(v) => v,
                None if doc.is_null(entry.value) => "",
                None => {
                    problems.push(LabelProblem {
                        span: value_span,
                        message: format!(
                            "label values must be strings: quote it (\"{}\"), or the API server refuses the Namespace",
                            doc.slice(value_span)
                        ),
                        is_error: true,
                    });
                    continue;
                }
            };
            let label = PolicyLabel {
                mode,
                is_version,
                key: key.to_string(),
                value: value.to_string(),
                location: place.location(text, lines, key_span.cover(value_span)),
            };
            if let Some(message) = super::policy::label_value_error(&label) {
                problems.push(LabelProblem {
                    span: value_span,
                    message,
                    is_error: true,
                });
            }
            labels.push(label);
        }
    }
    Some(NamespaceDecl {
        name: name.value.to_string(),
        labels,
        location: place.location(text, lines, name.at),
        from_config: false,
    })
}

fn unknown_label_message(key: &str) -> String {
    let known = [
        "enforce",
        "enforce-version",
        "warn",
        "warn-version",
        "audit",
        "audit-version",
    ];
    let rest = &key[LABEL_PREFIX.len()..];
    let suggestion = known
        .iter()
        .min_by_key(|k| edit_distance(rest, k))
        .filter(|k| edit_distance(rest, k) <= 3);
    match suggestion {
        Some(k) => format!(
            "unknown Pod Security label {key}: PSA ignores it (did you mean {LABEL_PREFIX}{k}?)"
        ),
        None => format!("unknown Pod Security label {key}: PSA ignores it"),
    }
}

/// Levenshtein distance, for suggesting the label that was meant.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_label_that_was_meant() {
        assert_eq!(edit_distance("enforce-verison", "enforce-version"), 2);
        assert!(
            unknown_label_message("pod-security.kubernetes.io/enforce-verison")
                .ends_with("(did you mean pod-security.kubernetes.io/enforce-version?)")
        );
        assert!(
            unknown_label_message("pod-security.kubernetes.io/something").ends_with("ignores it")
        );
    }
}
