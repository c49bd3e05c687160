//! The editor's `podsec.*` settings, from `initializationOptions` or `workspace/configuration`.

use crate::policy::{Level, Version};
use crate::resolve::{Mode, PartialPolicy, Source};
use serde_json::Value;

/// Reads `{"level": …, "version": …}`, or the same under a `podsec` key. Returns the policy
/// layer and a message for each setting that was refused.
pub fn read_settings(value: &Value) -> (PartialPolicy, Vec<String>) {
    let section = value.get("podsec").unwrap_or(value);
    let mut policy = PartialPolicy::default();
    let mut problems = Vec::new();
    let text = |key: &str| section.get(key).filter(|v| !v.is_null() && *v != "");
    if let Some(level) = text("level") {
        match level.as_str().map(Level::parse) {
            Some(Ok(level)) => {
                policy.set_level(Mode::Enforce, level, Source::Setting("podsec.level"))
            }
            Some(Err(e)) => {
                problems.push(format!("podsec.level {level}: {e}; the setting is ignored"))
            }
            None => problems.push(format!(
                "podsec.level {level}: must be a string; the setting is ignored"
            )),
        }
    }
    if let Some(version) = text("version") {
        match version.as_str().map(Version::parse) {
            Some(Ok(version)) => {
                policy.set_version(Mode::Enforce, version, Source::Setting("podsec.version"))
            }
            Some(Err(e)) => problems.push(format!(
                "podsec.version {version}: {e}; the setting is ignored"
            )),
            None => problems.push(format!(
                "podsec.version {version}: must be a string; the setting is ignored"
            )),
        }
    }
    (policy, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_both_shapes_and_refuses_bad_values_clearly() {
        let (policy, problems) =
            read_settings(&json!({"podsec": {"level": "baseline", "version": "v1.30"}}));
        assert!(problems.is_empty());
        assert_eq!(policy.level(Mode::Enforce).unwrap().0, Level::Baseline);
        assert_eq!(policy.version(Mode::Enforce).unwrap().0, Version::Minor(30));
        let (policy, problems) = read_settings(&json!({"level": "strict", "version": ""}));
        assert!(policy.is_empty());
        assert_eq!(
            problems,
            [
                "podsec.level \"strict\": must be one of privileged, baseline, restricted; the setting is ignored"
            ]
        );
        assert!(read_settings(&json!(null)).0.is_empty());
    }
}
