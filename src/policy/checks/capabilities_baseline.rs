//! Adding capabilities beyond the default set must be disallowed.
//! Fields: every container's `securityContext.capabilities.add`.
//! Allowed: the container runtime's default set, exactly as written (no `CAP_` prefix).

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::CapabilitiesBaseline,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(0, capabilities_baseline_v1_0)],
};

const REASON: &str = "non-default capabilities";
const ADD_PATH: [&str; 3] = ["securityContext", "capabilities", "add"];

const ALLOWED_V1_0: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn detail<S: AsRef<str>>(names: &[&str], capabilities: &[S]) -> String {
    format!(
        "{} must not include {} in securityContext.capabilities.add",
        containers(names),
        join_quote(capabilities)
    )
}

fn capabilities_baseline_v1_0(pod: &Pod) -> Option<Outcome> {
    let mut bad_containers = Vec::new();
    let mut bad_capabilities = Vec::new();
    let mut findings = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let Some(caps) = c
            .security_context
            .as_ref()
            .and_then(|sc| sc.capabilities.as_ref())
        else {
            continue;
        };
        let bad: Vec<_> = caps
            .add
            .iter()
            .filter(|a| !ALLOWED_V1_0.contains(&a.value))
            .collect();
        if bad.is_empty() {
            continue;
        }
        bad_containers.push(c.name);
        for item in bad {
            bad_capabilities.push(item.value);
            let fault = Fault::item(Owner::Container(index), &ADD_PATH, item.node);
            findings.push(Finding::new(
                item.at,
                REASON,
                detail(&[c.name], &[item.value]),
                fault,
            ));
        }
    }
    forbidden(REASON, findings, || {
        detail(&bad_containers, &sorted_set(bad_capabilities))
    })
}
