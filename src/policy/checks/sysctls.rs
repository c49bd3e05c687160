//! Sysctls can disable security mechanisms or affect every container on a host; only a "safe"
//! subset, namespaced and isolated per pod, is allowed.
//! Fields: `spec.securityContext.sysctls[*].name`. Allowed: the set for the policy version.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::Sysctls,
    level: Level::Baseline,
    versions: &[
        VersionedCheck::new(0, sysctls_v1_0),
        VersionedCheck::new(27, sysctls_v1_27),
        VersionedCheck::new(29, sysctls_v1_29),
        VersionedCheck::new(32, sysctls_v1_32),
        VersionedCheck::new(37, sysctls_v1_37),
    ],
};

const REASON: &str = "forbidden sysctls";

const ALLOWED_V1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const ADDED_V1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
const ADDED_V1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const ADDED_V1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const ADDED_V1_37: &[&str] = &[
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

fn sysctls_v1_0(pod: &Pod) -> Option<Outcome> {
    sysctls(pod, &[ALLOWED_V1_0])
}

fn sysctls_v1_27(pod: &Pod) -> Option<Outcome> {
    sysctls(pod, &[ALLOWED_V1_0, ADDED_V1_27])
}

fn sysctls_v1_29(pod: &Pod) -> Option<Outcome> {
    sysctls(pod, &[ALLOWED_V1_0, ADDED_V1_27, ADDED_V1_29])
}

fn sysctls_v1_32(pod: &Pod) -> Option<Outcome> {
    sysctls(pod, &[ALLOWED_V1_0, ADDED_V1_27, ADDED_V1_29, ADDED_V1_32])
}

fn sysctls_v1_37(pod: &Pod) -> Option<Outcome> {
    sysctls(
        pod,
        &[
            ALLOWED_V1_0,
            ADDED_V1_27,
            ADDED_V1_29,
            ADDED_V1_32,
            ADDED_V1_37,
        ],
    )
}

/// The sysctl names the policy version allows; everything else is forbidden.
pub fn allowed_sysctls(minor: u32) -> Vec<&'static str> {
    let sets: &[(u32, &[&str])] = &[
        (0, ALLOWED_V1_0),
        (27, ADDED_V1_27),
        (29, ADDED_V1_29),
        (32, ADDED_V1_32),
        (37, ADDED_V1_37),
    ];
    sets.iter()
        .filter(|(since, _)| *since <= minor)
        .flat_map(|(_, names)| names.iter().copied())
        .collect()
}

/// Names are listed in spec order, unquoted and not de-duplicated.
fn sysctls(pod: &Pod, allowed: &[&[&str]]) -> Option<Outcome> {
    let is_allowed = |name: &str| allowed.iter().any(|set| set.contains(&name));
    let bad: Vec<_> = pod
        .security_context
        .iter()
        .flat_map(|sc| sc.sysctls.iter())
        .filter(|s| !is_allowed(s.name))
        .collect();
    let findings = bad
        .iter()
        .map(|s| {
            let fault = Fault::item(Owner::Pod, &["securityContext", "sysctls"], s.item);
            Finding::new(s.at, REASON, s.name.to_string(), fault)
        })
        .collect();
    let detail = bad.iter().map(|s| s.name).collect::<Vec<_>>().join(", ");
    forbidden(REASON, findings, || detail)
}
