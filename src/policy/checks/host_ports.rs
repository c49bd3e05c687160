//! HostPorts must be forbidden.
//! Fields: every container's `ports[*].hostPort`. Allowed: unset, 0.
//!
//! On a Pod with `hostNetwork: true` the API server defaults each unset `hostPort` to its
//! `containerPort` before admission, so those ports count too.

use super::prelude::*;
use crate::k8s::WorkloadKind;

pub const CHECK: Check = Check {
    id: CheckId::HostPorts,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(0, host_ports_v1_0)],
};

const REASON: &str = "hostPort";

fn detail<S: AsRef<str>>(names: &[&str], ports: &[S]) -> String {
    format!(
        "{} {} {} {}",
        containers(names),
        pluralize("uses", "use", names.len()),
        pluralize("hostPort", "hostPorts", ports.len()),
        ports
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn host_ports_v1_0(pod: &Pod) -> Option<Outcome> {
    let defaults_from_container_port =
        pod.kind == WorkloadKind::Pod && pod.host_network.is_some_and(|f| f.value);
    let mut bad_containers = Vec::new();
    let mut bad_ports = Vec::new();
    let mut findings = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let mut valid = true;
        for (port_index, port) in c.ports.iter().enumerate() {
            let effective = match (port.host_port, port.container_port) {
                (Some(host), _) => Some((
                    host,
                    Fault::field(Owner::Port(index, port_index), &["hostPort"]),
                )),
                // The API server defaults the hostPort: only hostNetwork is to change.
                (None, Some(container)) if defaults_from_container_port => {
                    Some((container, Fault::Unfixable))
                }
                _ => None,
            };
            let Some((field, fault)) = effective.filter(|(f, _)| f.value != 0) else {
                continue;
            };
            valid = false;
            let text = field.value.to_string();
            findings.push(Finding::new(
                field.at,
                REASON,
                detail(&[c.name], &[&text]),
                fault,
            ));
            bad_ports.push(text);
        }
        if !valid {
            bad_containers.push(c.name);
        }
    }
    forbidden(REASON, findings, || {
        detail(&bad_containers, &sorted_set(bad_ports))
    })
}
