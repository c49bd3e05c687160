//! Sharing the host network, PID and IPC namespaces must be disallowed.
//! Fields: `spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC`. Allowed: false, unset.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::HostNamespaces,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(0, host_namespaces_v1_0)],
};

const REASON: &str = "host namespaces";

fn host_namespaces_v1_0(pod: &Pod) -> Option<Outcome> {
    let set = [
        (pod.host_network, "hostNetwork"),
        (pod.host_pid, "hostPID"),
        (pod.host_ipc, "hostIPC"),
    ];
    let bad: Vec<(Field<bool>, &'static str)> = set
        .into_iter()
        .filter_map(|(field, name)| Some((field?, name)))
        .filter(|(field, _)| field.value)
        .collect();
    let detail = bad
        .iter()
        .map(|(_, name)| format!("{name}=true"))
        .collect::<Vec<_>>()
        .join(", ");
    let findings = bad
        .iter()
        .map(|(f, name)| {
            let fault = Fault::field(Owner::Pod, &[name]);
            Finding::new(f.at, REASON, format!("{name}=true"), fault)
        })
        .collect();
    forbidden(REASON, findings, || detail)
}
