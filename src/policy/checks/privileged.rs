//! Privileged Pods disable most security mechanisms and must be disallowed.
//! Fields: every container's `securityContext.privileged`. Allowed: false, unset.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::Privileged,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(0, privileged_v1_0)],
};

const REASON: &str = "privileged";

fn detail(names: &[&str]) -> String {
    format!(
        "{} must not set securityContext.privileged=true",
        containers(names)
    )
}

fn privileged_v1_0(pod: &Pod) -> Option<Outcome> {
    let bad: Vec<(usize, &Container, Field<bool>)> = pod
        .containers
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c, c.security_context.as_ref()?.privileged?)))
        .filter(|(_, _, privileged)| privileged.value)
        .collect();
    let findings = bad
        .iter()
        .map(|(i, c, f)| {
            let fault = Fault::field(Owner::Container(*i), &["securityContext", "privileged"]);
            Finding::new(f.at, REASON, detail(&[c.name]), fault)
        })
        .collect();
    forbidden(REASON, findings, || {
        detail(&names(bad.iter().map(|(_, c, _)| *c)))
    })
}
