//! The default /proc masks reduce the attack surface and are required, unless the pod runs in
//! a user namespace (`hostUsers: false`, from v1.35).
//! Fields: every container's `securityContext.procMount`. Allowed: unset, "Default".

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::ProcMount,
    level: Level::Baseline,
    versions: &[
        VersionedCheck::new(0, proc_mount_v1_0),
        VersionedCheck::new(35, proc_mount_v1_35_baseline),
    ],
};

const REASON: &str = "procMount";

fn detail<S: AsRef<str>>(names: &[&str], types: &[S]) -> String {
    format!(
        "{} must not set securityContext.procMount to {}",
        containers(names),
        join_quote(types)
    )
}

/// Shared with `procMount_restricted`, which uses it without the user-namespace relaxation.
pub fn proc_mount_v1_0(pod: &Pod) -> Option<Outcome> {
    let bad: Vec<(usize, &str, Field<&str>)> = pod
        .containers
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.name, c.security_context.as_ref()?.proc_mount?)))
        .filter(|(_, _, proc_mount)| proc_mount.value != "Default")
        .collect();
    let findings = bad
        .iter()
        .map(|(i, name, f)| {
            let fault = Fault::field(Owner::Container(*i), &["securityContext", "procMount"]);
            Finding::new(f.at, REASON, detail(&[name], &[f.value]), fault)
        })
        .collect();
    let names: Vec<&str> = bad.iter().map(|(_, name, _)| *name).collect();
    let types = sorted_set(bad.iter().map(|(_, _, f)| f.value));
    forbidden(REASON, findings, || detail(&names, &types))
}

fn proc_mount_v1_35_baseline(pod: &Pod) -> Option<Outcome> {
    if pod.in_user_namespace() {
        return None;
    }
    proc_mount_v1_0(pod)
}
