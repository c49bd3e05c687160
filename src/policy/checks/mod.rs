//! One file per Pod Security Standards check, each mirroring PSA's `policy/check_*.go`: the
//! same conditions, the same versions, the same words.

mod allow_privilege_escalation;
mod app_armor_profile;
mod capabilities_baseline;
mod capabilities_restricted;
mod host_namespaces;
mod host_path_volumes;
mod host_ports;
mod host_probes_and_host_lifecycle;
mod privileged;
mod proc_mount;
mod proc_mount_restricted;
mod restricted_volumes;
mod run_as_non_root;
mod run_as_user;
mod se_linux_options;
mod seccomp_profile_baseline;
mod seccomp_profile_restricted;
mod sysctls;
mod windows_host_process;

use super::check::Check;
pub use sysctls::allowed_sysctls;

/// Every check PSA registers by default, in message order.
pub static ALL: [&Check; 19] = [
    &app_armor_profile::CHECK,
    &capabilities_baseline::CHECK,
    &host_namespaces::CHECK,
    &host_path_volumes::CHECK,
    &host_ports::CHECK,
    &host_probes_and_host_lifecycle::CHECK,
    &privileged::CHECK,
    &proc_mount::CHECK,
    &se_linux_options::CHECK,
    &seccomp_profile_baseline::CHECK,
    &sysctls::CHECK,
    &windows_host_process::CHECK,
    &allow_privilege_escalation::CHECK,
    &capabilities_restricted::CHECK,
    &proc_mount_restricted::CHECK,
    &restricted_volumes::CHECK,
    &run_as_non_root::CHECK,
    &run_as_user::CHECK,
    &seccomp_profile_restricted::CHECK,
];

/// What every check file needs.
mod prelude {
    pub use super::super::check::{
        Check, CheckId, Fault, Finding, Outcome, Owner, VersionedCheck, containers, go_quote,
        join_quote, owner_of, pluralize, sorted_set,
    };
    pub use super::super::level::Level;
    pub use crate::k8s::{Container, Field, Pod};

    /// The outcome of a check that found `findings`, or `None` when there are none. The detail
    /// is only worded when there is something to report.
    pub fn forbidden(
        reason: &str,
        findings: Vec<Finding>,
        detail: impl FnOnce() -> String,
    ) -> Option<Outcome> {
        (!findings.is_empty()).then(|| Outcome {
            reason: reason.to_string(),
            detail: detail(),
            findings,
        })
    }

    /// The names of containers in visit order.
    pub fn names<'a>(containers: impl IntoIterator<Item = &'a Container<'a>>) -> Vec<&'a str> {
        containers.into_iter().map(|c| c.name).collect()
    }
}
