//! `.podsec.yaml`: the shape of PSA's own `PodSecurityConfiguration` (so a cluster admin can
//! paste theirs), plus `namespaces:` for Namespaces that live in the cluster, not in the repo.
//!
//! A config is either valid as a whole or refused with every error found, each at its place:
//! a bad config never silently becomes a default.

use super::location::{Location, TextRange};
use super::namespace::NamespaceDecl;
use super::policy::{LABEL_PREFIX, Mode, PartialPolicy, PolicyLabel, Source};
use crate::policy::{Level, Version};
use crate::yaml::lines::LineIndex;
use crate::yaml::{Document, Entry, NodeId, ProblemKind, Span, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const CONFIG_FILE_NAME: &str = ".podsec.yaml";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub path: Arc<PathBuf>,
    pub defaults: PartialPolicy,
    pub exempt_namespaces: Vec<(String, Location)>,
    pub exempt_runtime_classes: Vec<(String, Location)>,
    /// Accepted for compatibility; a static checker has no requesting user to match.
    pub exempt_usernames: Vec<String>,
    pub namespaces: Vec<NamespaceDecl>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: Arc<PathBuf>,
    pub range: TextRange,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.range.start.line + 1,
            self.range.start.byte_col + 1,
            self.message
        )
    }
}

/// The nearest `.podsec.yaml`: in `dir`, then in its parents.
pub fn find_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(CONFIG_FILE_NAME))
        .find(|p| p.is_file())
}

/// Parses and validates a config file's text.
pub fn parse_config(path: Arc<PathBuf>, text: &str) -> Result<Config, Vec<ConfigError>> {
    let segments = crate::yaml::stream::split(text);
    let lines = LineIndex::new(text);
    let mut reader = ConfigReader {
        text,
        lines: &lines,
        path: path.clone(),
        errors: Vec::new(),
        doc: None,
    };
    if segments.len() > 1 {
        let second = Span::new(segments[1].start, segments[1].start + 3);
        reader.error(second, "a .podsec.yaml holds a single YAML document");
        return Err(reader.errors);
    }
    let doc = crate::yaml::parse(text.to_string());
    for problem in doc.problems() {
        if problem.kind != ProblemKind::Warning {
            reader.error(problem.span, &problem.message);
        }
    }
    if !reader.errors.is_empty() {
        return Err(reader.errors);
    }
    reader.doc = Some(&doc);
    let config = reader.config();
    if reader.errors.is_empty() {
        Ok(config)
    } else {
        Err(reader.errors)
    }
}

struct ConfigReader<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    path: Arc<PathBuf>,
    errors: Vec<ConfigError>,
    doc: Option<&'a Document>,
}

impl<'a> ConfigReader<'a> {
    fn doc(&self) -> &'a Document {
        self.doc.expect("parsed")
    }

    fn location(&self, span: Span) -> Location {
        Location {
            path: self.path.clone(),
            range: TextRange::of(self.text, self.lines, span),
        }
    }

    fn error(&mut self, span: Span, message: &str) {
        self.errors.push(ConfigError {
            path: self.path.clone(),
            range: TextRange::of(self.text, self.lines, span),
            message: message.to_string(),
        });
    }

    fn span(&self, node: NodeId) -> Span {
        let doc = self.doc();
        doc.node(doc.resolve(node)).span
    }

    /// The entries of a mapping value, or an error if it is something else.
    fn mapping(&mut self, node: NodeId, what: &str) -> Vec<(String, Entry)> {
        let doc = self.doc();
        if doc.is_null(node) {
            return Vec::new();
        }
        if !doc.is_mapping(node) {
            self.error(self.span(node), &format!("{what} must be a mapping"));
            return Vec::new();
        }
        doc.effective_entries(node)
            .into_iter()
            .map(|(k, e)| (k.into_owned(), e))
            .collect()
    }

    fn string(&mut self, node: NodeId, what: &str) -> Option<&'a str> {
        match self.doc().value(node) {
            Some(Value::Str(s)) => Some(s),
            _ => {
                let found = self.doc().slice(self.span(node)).to_string();
                self.error(
                    self.span(node),
                    &format!("{what} must be a string (quote it: \"{found}\")"),
                );
                None
            }
        }
    }

    fn config(&mut self) -> Config {
        let mut config = Config {
            path: self.path.clone(),
            ..Config::default()
        };
        let Some(root) = self.doc().root() else {
            return config;
        };
        for (key, entry) in self.mapping(root, "a .podsec.yaml") {
            let key_span = self.doc().node(entry.key).span;
            match key.as_str() {
                "apiVersion" => {
                    if let Some(v) = self.string(entry.value, "apiVersion")
                        && !v.starts_with("pod-security.admission.config.k8s.io/")
                    {
                        let message = format!(
                            "apiVersion must be pod-security.admission.config.k8s.io/v1 (or v1beta1), not {v}"
                        );
                        self.error(self.span(entry.value), &message);
                    }
                }
                "kind" => {
                    if let Some(k) = self.string(entry.value, "kind")
                        && k != "PodSecurityConfiguration"
                    {
                        let message = format!("kind must be PodSecurityConfiguration, not {k}");
                        self.error(self.span(entry.value), &message);
                    }
                }
                "defaults" => config.defaults = self.defaults(entry.value),
                "exemptions" => self.exemptions(entry.value, &mut config),
                "namespaces" => config.namespaces = self.namespaces(entry.value),
                _ => self.error(
                    key_span,
                    &format!("unknown key {key}: expected defaults, exemptions or namespaces"),
                ),
            }
        }
        config
    }

    /// A level or version setting, validated with PSA's rules (a bad one refuses the config).
    fn policy_setting(
        &mut self,
        key: &str,
        entry: Entry,
        what: &str,
    ) -> Option<(Mode, bool, String, Span)> {
        let value = entry.value;
        let full_key = key.strip_prefix(LABEL_PREFIX).unwrap_or(key);
        let Some((mode, is_version)) = PolicyLabel::parse_key(&format!("{LABEL_PREFIX}{full_key}"))
        else {
            let span = self.doc().node(entry.key).span;
            self.error(
                span,
                &format!("unknown key {key} in {what}: expected enforce, enforce-version, warn, warn-version, audit or audit-version"),
            );
            return None;
        };
        let text = self.string(value, key)?;
        let checked = if is_version {
            Version::parse(text).map(|_| ())
        } else {
            Level::parse(text).map(|_| ())
        };
        if let Err(message) = checked {
            self.error(
                self.span(value),
                &format!("{what}.{key}: Invalid value: \"{text}\": {message}"),
            );
            return None;
        }
        Some((mode, is_version, text.to_string(), self.span(value)))
    }

    fn defaults(&mut self, node: NodeId) -> PartialPolicy {
        let mut defaults = PartialPolicy::default();
        for (key, entry) in self.mapping(node, "defaults") {
            if self.doc().is_null(entry.value) {
                continue;
            }
            let Some((mode, is_version, text, span)) = self.policy_setting(&key, entry, "defaults")
            else {
                continue;
            };
            let key_span = self.doc().node(entry.key).span;
            let source = Source::ConfigDefaults {
                key: key.clone(),
                location: self.location(key_span.cover(span)),
            };
            if is_version {
                defaults.set_version(mode, Version::parse(&text).expect("validated"), source);
            } else {
                defaults.set_level(mode, Level::parse(&text).expect("validated"), source);
            }
        }
        defaults
    }

    fn exemptions(&mut self, node: NodeId, config: &mut Config) {
        for (key, entry) in self.mapping(node, "exemptions") {
            let validate: fn(&str) -> Option<&'static str> = match key.as_str() {
                "namespaces" => valid_namespace_name,
                "runtimeClasses" => valid_runtime_class_name,
                "usernames" => |name: &str| name.is_empty().then_some("must not be empty"),
                _ => {
                    let span = self.doc().node(entry.key).span;
                    self.error(
                        span,
                        &format!("unknown key {key} in exemptions: expected namespaces, runtimeClasses or usernames"),
                    );
                    continue;
                }
            };
            let names = self.name_list(entry.value, &format!("exemptions.{key}"), validate);
            match key.as_str() {
                "namespaces" => config.exempt_namespaces = names,
                "runtimeClasses" => config.exempt_runtime_classes = names,
                _ => config.exempt_usernames = names.into_iter().map(|(n, _)| n).collect(),
            }
        }
    }

    fn name_list(
        &mut self,
        node: NodeId,
        what: &str,
        validate: fn(&str) -> Option<&'static str>,
    ) -> Vec<(String, Location)> {
        let doc = self.doc();
        if doc.is_null(node) {
            return Vec::new();
        }
        if !doc.is_sequence(node) {
            self.error(self.span(node), &format!("{what} must be a list"));
            return Vec::new();
        }
        let mut names: Vec<(String, Location)> = Vec::new();
        for &item in doc.items(node) {
            let Some(name) = self.string(item, &format!("each item of {what}")) else {
                continue;
            };
            if let Some(problem) = validate(name) {
                self.error(
                    self.span(item),
                    &format!("{what}: Invalid value: \"{name}\": {problem}"),
                );
            } else if names.iter().any(|(n, _)| n == name) {
                self.error(
                    self.span(item),
                    &format!("{what}: Duplicate value: \"{name}\""),
                );
            } else {
                names.push((name.to_string(), self.location(self.span(item))));
            }
        }
        names
    }

    fn namespaces(&mut self, node: NodeId) -> Vec<NamespaceDecl> {
        let mut out = Vec::new();
        for (name, entry) in self.mapping(node, "namespaces") {
            let key_span = self.doc().node(entry.key).span;
            if let Some(problem) = valid_namespace_name(&name) {
                self.error(
                    key_span,
                    &format!("namespaces: Invalid value: \"{name}\": {problem}"),
                );
                continue;
            }
            let mut labels = Vec::new();
            for (key, label) in self.mapping(entry.value, &format!("namespaces.{name}")) {
                let what = format!("namespaces.{name}");
                let Some((mode, is_version, value, span)) = self.policy_setting(&key, label, &what)
                else {
                    continue;
                };
                let label_key = self.doc().node(label.key).span;
                let full_key = if key.starts_with(LABEL_PREFIX) {
                    key.clone()
                } else {
                    format!("{LABEL_PREFIX}{key}")
                };
                labels.push(PolicyLabel {
                    mode,
                    is_version,
                    key: full_key,
                    value,
                    location: self.location(label_key.cover(span)),
                });
            }
            out.push(NamespaceDecl {
                name,
                labels,
                location: self.location(key_span),
                from_config: true,
            });
        }
        out
    }
}

/// A DNS-1123 label, as Kubernetes requires of namespace names.
fn valid_namespace_name(name: &str) -> Option<&'static str> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    (!ok).then_some("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character")
}

/// A DNS-1123 subdomain, as Kubernetes requires of RuntimeClass names.
fn valid_runtime_class_name(name: &str) -> Option<&'static str> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .split('.')
            .all(|part| valid_namespace_name(part).is_none());
    (!ok).then_some("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<String>> {
        parse_config(Arc::new(PathBuf::from(".podsec.yaml")), text)
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn reads_the_documented_example() {
        let config = parse(
            "defaults:\n  enforce: baseline\n  warn: restricted\nexemptions:\n  namespaces: [kube-system]\n  runtimeClasses: [kata]\nnamespaces:\n  payments: {enforce: restricted, enforce-version: v1.30}\n",
        )
        .unwrap();
        assert_eq!(
            config.defaults.level(Mode::Enforce).unwrap().0,
            Level::Baseline
        );
        assert_eq!(
            config.defaults.level(Mode::Warn).unwrap().0,
            Level::Restricted
        );
        assert!(config.defaults.level(Mode::Audit).is_none());
        assert_eq!(config.exempt_namespaces[0].0, "kube-system");
        assert_eq!(config.exempt_runtime_classes[0].0, "kata");
        let payments = &config.namespaces[0];
        assert_eq!(payments.name, "payments");
        assert_eq!(payments.labels.len(), 2);
        assert_eq!(
            payments.labels[1].key,
            "pod-security.kubernetes.io/enforce-version"
        );
        assert_eq!(payments.labels[1].location.range.start.line, 7);
    }

    #[test]
    fn accepts_a_pasted_pod_security_configuration() {
        let config = parse(
            "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: \"privileged\"\n  enforce-version: \"latest\"\nexemptions:\n  usernames: [admin]\n",
        )
        .unwrap();
        assert_eq!(config.exempt_usernames, ["admin"]);
        assert!(parse("").unwrap().defaults.is_empty());
    }

    #[test]
    fn refuses_bad_config_with_every_error_in_place() {
        let errors = parse(
            "defaults:\n  enforce: strict\n  warn-version: 1.30\n  enforse: baseline\nexemptions:\n  namespaces: [Kube_System, a, a]\nextra: 1\n",
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                ".podsec.yaml:2:12: defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted",
                ".podsec.yaml:3:17: warn-version must be a string (quote it: \"1.30\")",
                ".podsec.yaml:4:3: unknown key enforse in defaults: expected enforce, enforce-version, warn, warn-version, audit or audit-version",
                ".podsec.yaml:6:16: exemptions.namespaces: Invalid value: \"Kube_System\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                ".podsec.yaml:6:32: exemptions.namespaces: Duplicate value: \"a\"",
                ".podsec.yaml:7:1: unknown key extra: expected defaults, exemptions or namespaces",
            ]
        );
        assert!(parse("defaults: [1]\n").unwrap_err()[0].contains("defaults must be a mapping"));
        assert!(parse("defaults:\n  enforce: 'x\n").unwrap_err()[0].contains("quoted scalar"));
        assert!(parse("kind: Namespace\n").unwrap_err()[0].contains("PodSecurityConfiguration"));
    }
}
