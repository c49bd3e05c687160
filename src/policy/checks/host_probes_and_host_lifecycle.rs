//! The `host` field of probes and lifecycle handlers is restricted.
//! Fields: every container's `{liveness,readiness,startup}Probe` and `lifecycle.{postStart,preStop}`
//! → `httpGet.host` and `tcpSocket.host`. Allowed: unset, "".

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::HostProbesAndHostLifecycle,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(
        34,
        host_probes_and_host_lifecycle_v1_34,
    )],
};

const REASON: &str = "probe or lifecycle host";

/// Here both lists come from Go sets, so both are sorted.
fn detail<S: AsRef<str>>(names: &[S], hosts: &[S]) -> String {
    format!(
        "{} {} {} {} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names),
        pluralize("uses", "use", names.len()),
        pluralize(
            "probe or lifecycle host",
            "probe or lifecycle hosts",
            hosts.len()
        ),
        join_quote(hosts)
    )
}

fn host_probes_and_host_lifecycle_v1_34(pod: &Pod) -> Option<Outcome> {
    let bad: Vec<(&str, Field<&str>)> = pod
        .containers
        .iter()
        .flat_map(|c| c.probe_hosts.iter().map(move |host| (c.name, *host)))
        .collect();
    let findings = bad
        .iter()
        .map(|(name, host)| {
            Finding::new(
                host.at,
                REASON,
                detail(&[*name], &[host.value]),
                Fault::Value(host.entry),
            )
        })
        .collect();
    let names = sorted_set(bad.iter().map(|(name, _)| *name));
    let hosts = sorted_set(bad.iter().map(|(_, host)| host.value));
    forbidden(REASON, findings, || detail(&names, &hosts))
}
