//! Which checks run at a level and version, as PSA's `checkRegistry` decides it: each check's
//! newest implementation at or below the version, and at `restricted` the baseline checks too,
//! minus those a restricted check overrides.

use super::check::{CheckFn, CheckId, Outcome};
use super::checks::ALL;
use super::level::{Level, LevelVersion, NEWEST_MINOR};
use crate::k8s::Pod;
use std::sync::OnceLock;

/// The implementations that run for `level` at policy minor version `minor`, in message order.
/// Computed once per level and version.
pub fn active_checks(level: Level, minor: u32) -> &'static [(CheckId, CheckFn)] {
    static TABLE: OnceLock<Vec<Vec<(CheckId, CheckFn)>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        [Level::Privileged, Level::Baseline, Level::Restricted]
            .into_iter()
            .flat_map(|level| {
                (0..=NEWEST_MINOR).map(move |minor| compute_active_checks(level, minor))
            })
            .collect()
    });
    let row = match level {
        Level::Privileged => 0,
        Level::Baseline => 1,
        Level::Restricted => 2,
    };
    &table[row * (NEWEST_MINOR as usize + 1) + minor.min(NEWEST_MINOR) as usize]
}

fn compute_active_checks(level: Level, minor: u32) -> Vec<(CheckId, CheckFn)> {
    if level == Level::Privileged {
        return Vec::new();
    }
    let implementation =
        |check: &super::check::Check| check.versions.iter().rev().find(|v| v.min_minor <= minor);
    let overridden: Vec<CheckId> = if level == Level::Restricted {
        ALL.iter()
            .filter(|c| c.level == Level::Restricted)
            .filter_map(|c| implementation(c))
            .flat_map(|v| v.overrides.iter().copied())
            .collect()
    } else {
        Vec::new()
    };
    ALL.iter()
        .filter(|c| c.level == Level::Baseline || level == Level::Restricted)
        .filter(|c| !overridden.contains(&c.id))
        .filter_map(|c| implementation(c).map(|v| (c.id, v.check_pod)))
        .collect()
}

/// A forbidding check's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub check: CheckId,
    pub outcome: Outcome,
}

/// Evaluates a pod against a policy; the violations come in PSA's message order.
pub fn evaluate(pod: &Pod, policy: LevelVersion) -> Vec<Violation> {
    active_checks(policy.level, policy.version.effective_minor())
        .iter()
        .filter_map(|&(check, run)| {
            Some(Violation {
                check,
                outcome: run(pod)?,
            })
        })
        .collect()
}

/// PSA's full message for a set of violations: `reason1 (detail1), reason2 (detail2)`.
pub fn aggregate_message(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(|v| super::check::format_result(&v.outcome.reason, &v.outcome.detail))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(level: Level, minor: u32) -> Vec<&'static str> {
        active_checks(level, minor)
            .iter()
            .map(|(id, _)| id.as_str())
            .collect()
    }

    #[test]
    fn check_sets_change_only_where_psa_changes_them() {
        assert_eq!(ids(Level::Privileged, 37), Vec::<&str>::new());
        assert_eq!(ids(Level::Baseline, 0).len(), 11);
        assert_eq!(ids(Level::Baseline, 33).len(), 11);
        assert_eq!(ids(Level::Baseline, 34).len(), 12);
        assert!(!ids(Level::Restricted, 0).contains(&"hostPathVolumes"));
        assert_eq!(ids(Level::Restricted, 0).len(), 12);
        assert_eq!(ids(Level::Restricted, 8).len(), 13);
        assert!(ids(Level::Restricted, 18).contains(&"seccompProfile_baseline"));
        assert!(!ids(Level::Restricted, 19).contains(&"seccompProfile_baseline"));
        assert!(ids(Level::Restricted, 21).contains(&"capabilities_baseline"));
        assert!(!ids(Level::Restricted, 22).contains(&"capabilities_baseline"));
        assert_eq!(ids(Level::Restricted, 23).len(), 14);
        assert_eq!(ids(Level::Restricted, 34).len(), 15);
        assert!(ids(Level::Restricted, 34).contains(&"procMount"));
        let v35 = ids(Level::Restricted, 35);
        assert!(!v35.contains(&"procMount") && v35.contains(&"procMount_restricted"));
        assert_eq!(v35.len(), 15);
    }
}
