//! The policy a workload is evaluated against in each mode, where each part came from, and
//! PSA's rules for turning Namespace labels into a policy (`PolicyToEvaluate`).

use super::location::Location;
use crate::policy::{Level, LevelVersion, Version};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Enforce,
    Warn,
    Audit,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Enforce, Mode::Warn, Mode::Audit];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Warn => "warn",
            Mode::Audit => "audit",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a part of a policy was set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A `pod-security.kubernetes.io/…` label of a Namespace manifest in the workspace.
    NamespaceLabel {
        namespace: String,
        label: String,
        location: Location,
    },
    /// An entry under `namespaces:` in a `.podsec.yaml`.
    ConfigNamespace {
        namespace: String,
        label: String,
        location: Location,
    },
    /// `defaults:` in a `.podsec.yaml`.
    ConfigDefaults { key: String, location: Location },
    /// `--level` / `--version` on the command line.
    Flag(&'static str),
    /// The editor's `podsec.level` / `podsec.version`.
    Setting(&'static str),
    /// PSA's own default for a mode nothing set: privileged, latest.
    PsaDefault,
    /// Nothing configured anywhere: podsec warns at restricted:latest.
    BuiltIn,
    /// A Namespace label's value was invalid and PSA fell back (see the label's diagnostic).
    InvalidLabel {
        namespace: String,
        label: String,
        location: Location,
    },
}

impl Source {
    pub fn location(&self) -> Option<&Location> {
        match self {
            Source::NamespaceLabel { location, .. }
            | Source::ConfigNamespace { location, .. }
            | Source::ConfigDefaults { location, .. }
            | Source::InvalidLabel { location, .. } => Some(location),
            _ => None,
        }
    }

    /// Where the setting came from, for messages.
    pub fn describe(&self) -> String {
        match self {
            Source::NamespaceLabel {
                namespace, label, ..
            } => {
                format!("label {label} of Namespace \"{namespace}\"")
            }
            Source::ConfigNamespace {
                namespace,
                label,
                location,
            } => format!(
                "namespaces.{namespace}.{} in {}",
                label.strip_prefix(LABEL_PREFIX).unwrap_or(label),
                file_name(&location.path)
            ),
            Source::ConfigDefaults { key, location } => {
                format!("defaults.{key} in {}", file_name(&location.path))
            }
            Source::Flag(flag) => format!("the {flag} flag"),
            Source::Setting(setting) => format!("the {setting} setting"),
            Source::PsaDefault => "PSA's default for an unset mode".to_string(),
            Source::BuiltIn => {
                "podsec's default (no .podsec.yaml, Namespace label or setting applies)".to_string()
            }
            Source::InvalidLabel {
                namespace, label, ..
            } => {
                format!("PSA's fallback for the invalid label {label} of Namespace \"{namespace}\"")
            }
        }
    }
}

/// A path's last part, for short messages (the location carries the whole path).
fn file_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// One mode's policy and the sources of its level and version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModePolicy {
    pub policy: LevelVersion,
    pub level_source: Source,
    pub version_source: Source,
}

/// The policy of every mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectivePolicy {
    pub enforce: ModePolicy,
    pub warn: ModePolicy,
    pub audit: ModePolicy,
}

impl EffectivePolicy {
    pub fn mode(&self, mode: Mode) -> &ModePolicy {
        match mode {
            Mode::Enforce => &self.enforce,
            Mode::Warn => &self.warn,
            Mode::Audit => &self.audit,
        }
    }

    fn mode_mut(&mut self, mode: Mode) -> &mut ModePolicy {
        match mode {
            Mode::Enforce => &mut self.enforce,
            Mode::Warn => &mut self.warn,
            Mode::Audit => &mut self.audit,
        }
    }

    /// Whether no mode checks anything (PSA skips evaluation then).
    pub fn fully_privileged(&self) -> bool {
        Mode::ALL
            .iter()
            .all(|&m| self.mode(m).policy.level == Level::Privileged)
    }
}

/// Some of the six settings of a policy: what one layer (flags, config, settings) sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartialPolicy {
    pub levels: [Option<(Level, Source)>; 3],
    pub versions: [Option<(Version, Source)>; 3],
}

fn index(mode: Mode) -> usize {
    match mode {
        Mode::Enforce => 0,
        Mode::Warn => 1,
        Mode::Audit => 2,
    }
}

impl PartialPolicy {
    pub fn is_empty(&self) -> bool {
        self.levels.iter().all(Option::is_none) && self.versions.iter().all(Option::is_none)
    }

    pub fn set_level(&mut self, mode: Mode, level: Level, source: Source) {
        self.levels[index(mode)] = Some((level, source));
    }

    pub fn set_version(&mut self, mode: Mode, version: Version, source: Source) {
        self.versions[index(mode)] = Some((version, source));
    }

    pub fn level(&self, mode: Mode) -> Option<&(Level, Source)> {
        self.levels[index(mode)].as_ref()
    }

    pub fn version(&self, mode: Mode) -> Option<&(Version, Source)> {
        self.versions[index(mode)].as_ref()
    }
}

/// The defaults for a workload: each setting from the most specific layer that sets it; a mode
/// left unset is privileged:latest as in PSA. When no layer sets anything and nothing else is
/// known of the workload's namespace (`fallback`), podsec warns at restricted:latest.
pub fn layered_defaults(layers: &[&PartialPolicy], fallback: bool) -> EffectivePolicy {
    if fallback && layers.iter().all(|l| l.is_empty()) {
        let built_in = |level| ModePolicy {
            policy: LevelVersion::new(level, Version::Latest),
            level_source: Source::BuiltIn,
            version_source: Source::BuiltIn,
        };
        return EffectivePolicy {
            enforce: built_in(Level::Privileged),
            warn: built_in(Level::Restricted),
            audit: built_in(Level::Privileged),
        };
    }
    let mode = |mode: Mode| {
        let (level, level_source) = layers
            .iter()
            .find_map(|l| l.level(mode).cloned())
            .unwrap_or((Level::Privileged, Source::PsaDefault));
        let (version, version_source) = layers
            .iter()
            .find_map(|l| l.version(mode).cloned())
            .unwrap_or((Version::Latest, Source::PsaDefault));
        ModePolicy {
            policy: LevelVersion::new(level, version),
            level_source,
            version_source,
        }
    };
    EffectivePolicy {
        enforce: mode(Mode::Enforce),
        warn: mode(Mode::Warn),
        audit: mode(Mode::Audit),
    }
}

/// A `pod-security.kubernetes.io/…` label as written on a Namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyLabel {
    pub mode: Mode,
    pub is_version: bool,
    /// The full label key.
    pub key: String,
    pub value: String,
    pub location: Location,
}

/// A label whose value PSA refuses, in PSA's own words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelError {
    pub label: PolicyLabel,
    pub message: String,
}

pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

impl PolicyLabel {
    /// The mode and kind of a label key, if it is one of PSA's six.
    pub fn parse_key(key: &str) -> Option<(Mode, bool)> {
        let rest = key.strip_prefix(LABEL_PREFIX)?;
        let (mode, is_version) = match rest.strip_suffix("-version") {
            Some(mode) => (mode, true),
            None => (rest, false),
        };
        let mode = match mode {
            "enforce" => Mode::Enforce,
            "warn" => Mode::Warn,
            "audit" => Mode::Audit,
            _ => return None,
        };
        Some((mode, is_version))
    }
}

/// PSA's `PolicyToEvaluate`: labels override the defaults one by one; an invalid enforce level
/// means restricted, an invalid warn or audit level privileged, an invalid version latest; and
/// an unset warn level follows a stricter valid enforce level (and its version, if unset).
pub fn policy_to_evaluate(
    namespace: &str,
    labels: &[PolicyLabel],
    defaults: EffectivePolicy,
    from_config: bool,
) -> (EffectivePolicy, Vec<LabelError>) {
    let mut policy = defaults;
    let mut errors = Vec::new();
    let source = |label: &PolicyLabel| {
        let (namespace, label_key, location) = (
            namespace.to_string(),
            label.key.clone(),
            label.location.clone(),
        );
        if from_config {
            Source::ConfigNamespace {
                namespace,
                label: label_key,
                location,
            }
        } else {
            Source::NamespaceLabel {
                namespace,
                label: label_key,
                location,
            }
        }
    };
    let fallback = |label: &PolicyLabel| Source::InvalidLabel {
        namespace: namespace.to_string(),
        label: label.key.clone(),
        location: label.location.clone(),
    };
    let find = |mode: Mode, is_version: bool| {
        labels
            .iter()
            .rev()
            .find(|l| l.mode == mode && l.is_version == is_version)
    };
    let mut has_enforce_level = false;
    for mode in Mode::ALL {
        if let Some(label) = find(mode, false) {
            let target = policy.mode_mut(mode);
            match Level::parse(&label.value) {
                Ok(level) => {
                    target.policy.level = level;
                    target.level_source = source(label);
                    has_enforce_level |= mode == Mode::Enforce;
                }
                Err(message) => {
                    // Fail closed for enforce, open for warn and audit.
                    target.policy.level = if mode == Mode::Enforce {
                        Level::Restricted
                    } else {
                        Level::Privileged
                    };
                    target.level_source = fallback(label);
                    errors.push(label_error(label, &message));
                }
            }
        }
        if let Some(label) = find(mode, true) {
            let target = policy.mode_mut(mode);
            match Version::parse(&label.value) {
                Ok(version) => {
                    target.policy.version = version;
                    target.version_source = source(label);
                }
                Err(message) => {
                    target.policy.version = Version::Latest;
                    target.version_source = fallback(label);
                    errors.push(label_error(label, &message));
                }
            }
        }
    }
    let has_warn_level = find(Mode::Warn, false).is_some();
    let has_warn_version = find(Mode::Warn, true).is_some();
    if !has_warn_level
        && has_enforce_level
        && policy.enforce.policy.level > policy.warn.policy.level
    {
        policy.warn.policy.level = policy.enforce.policy.level;
        policy.warn.level_source = policy.enforce.level_source.clone();
        if !has_warn_version {
            policy.warn.policy.version = policy.enforce.policy.version;
            policy.warn.version_source = policy.enforce.version_source.clone();
        }
    }
    (policy, errors)
}

/// PSA's error for a label whose value it refuses, if it does.
pub fn label_value_error(label: &PolicyLabel) -> Option<String> {
    let checked = if label.is_version {
        Version::parse(&label.value).map(|_| ())
    } else {
        Level::parse(&label.value).map(|_| ())
    };
    checked
        .err()
        .map(|message| label_error(label, &message).message)
}

fn label_error(label: &PolicyLabel, message: &str) -> LabelError {
    LabelError {
        label: label.clone(),
        message: format!(
            "metadata.labels[{}]: Invalid value: \"{}\": {message}",
            label.key, label.value
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::location::TextRange;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn label(key: &str, value: &str) -> PolicyLabel {
        let (mode, is_version) = PolicyLabel::parse_key(key).unwrap();
        PolicyLabel {
            mode,
            is_version,
            key: key.to_string(),
            value: value.to_string(),
            location: Location {
                path: Arc::new(PathBuf::from("ns.yaml")),
                range: TextRange::default(),
            },
        }
    }

    fn psa_defaults() -> EffectivePolicy {
        let mut only_audit = PartialPolicy::default();
        only_audit.set_level(Mode::Audit, Level::Privileged, Source::Flag("--level"));
        layered_defaults(&[&only_audit], true)
    }

    fn evaluate(labels: &[(&str, &str)]) -> (String, usize) {
        let labels: Vec<_> = labels
            .iter()
            .map(|(k, v)| label(&format!("{LABEL_PREFIX}{k}"), v))
            .collect();
        let (p, errors) = policy_to_evaluate("ns", &labels, psa_defaults(), false);
        (
            format!("{} {} {}", p.enforce.policy, p.warn.policy, p.audit.policy),
            errors.len(),
        )
    }

    #[test]
    fn labels_resolve_like_psa() {
        assert_eq!(
            evaluate(&[("enforce", "baseline")]),
            (
                "baseline:latest baseline:latest privileged:latest".into(),
                0
            )
        );
        assert_eq!(
            evaluate(&[("enforce", "restricted"), ("enforce-version", "v1.30")]),
            (
                "restricted:v1.30 restricted:v1.30 privileged:latest".into(),
                0
            )
        );
        // An explicit warn level is not overridden, even when looser.
        assert_eq!(
            evaluate(&[("enforce", "restricted"), ("warn", "privileged")]),
            (
                "restricted:latest privileged:latest privileged:latest".into(),
                0
            )
        );
        // Warn takes enforce's level, but keeps its own version when set.
        assert_eq!(
            evaluate(&[
                ("enforce", "baseline"),
                ("enforce-version", "v1.20"),
                ("warn-version", "v1.25")
            ]),
            ("baseline:v1.20 baseline:v1.25 privileged:latest".into(), 0)
        );
        // Invalid: enforce fails closed, warn and audit open, versions become latest.
        assert_eq!(
            evaluate(&[
                ("enforce", "Restricted"),
                ("audit", "nope"),
                ("warn-version", "1.25")
            ]),
            (
                "restricted:latest privileged:latest privileged:latest".into(),
                3
            )
        );
    }

    #[test]
    fn label_errors_use_psa_wording() {
        let labels = [label("pod-security.kubernetes.io/enforce", "foo")];
        let (_, errors) = policy_to_evaluate("ns", &labels, psa_defaults(), false);
        assert_eq!(
            errors[0].message,
            "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"foo\": must be one of privileged, baseline, restricted"
        );
    }

    #[test]
    fn layers_cascade_setting_by_setting() {
        assert_eq!(
            layered_defaults(&[], true).warn.policy.to_string(),
            "restricted:latest"
        );
        let mut flags = PartialPolicy::default();
        flags.set_level(Mode::Enforce, Level::Baseline, Source::Flag("--level"));
        let mut config = PartialPolicy::default();
        config.set_level(Mode::Enforce, Level::Restricted, Source::PsaDefault);
        config.set_level(Mode::Warn, Level::Restricted, Source::PsaDefault);
        let p = layered_defaults(&[&flags, &config], true);
        assert_eq!(p.enforce.policy.to_string(), "baseline:latest");
        assert_eq!(p.warn.policy.to_string(), "restricted:latest");
        assert_eq!(p.audit.policy.to_string(), "privileged:latest");
    }
}
