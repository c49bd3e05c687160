//! The `host` field of probes and lifecycle handlers is restricted.
//! Fields: every container's `{liveness,readiness,startup}Probe` and `lifecycle.{postStart,preStop}`
//! → `httpGet.host` and `tcpSocket.host`. Allowed: unset, "".

use super::prelude::*;
use crate::k8s::ProbeHost;

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
    let bad: Vec<(usize, &str, &ProbeHost)> = pod
        .containers
        .iter()
        .enumerate()
        .flat_map(|(index, c)| c.probe_hosts.iter().map(move |host| (index, c.name, host)))
        .collect();
    let findings = bad
        .iter()
        .map(|&(index, name, host)| {
            let fault = Fault::field(Owner::Container(index), &host.path);
            Finding::new(
                host.field.at,
                REASON,
                detail(&[name], &[host.field.value]),
                fault,
            )
        })
        .collect();
    let names = sorted_set(bad.iter().map(|(_, name, _)| *name));
    let hosts = sorted_set(bad.iter().map(|(_, _, host)| host.field.value));
    forbidden(REASON, findings, || detail(&names, &hosts))
}
