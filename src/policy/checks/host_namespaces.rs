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
        (pod.host_network, "hostNetwork=true"),
        (pod.host_pid, "hostPID=true"),
        (pod.host_ipc, "hostIPC=true"),
    ];
    let bad: Vec<(Field<bool>, &str)> = set
        .into_iter()
        .filter_map(|(field, text)| Some((field?, text)))
        .filter(|(field, _)| field.value)
        .collect();
    let detail = bad
        .iter()
        .map(|(_, text)| *text)
        .collect::<Vec<_>>()
        .join(", ");
    let findings = bad
        .iter()
        .map(|(f, text)| Finding::new(f.at, REASON, text.to_string(), Fault::Value(f.entry)))
        .collect();
    forbidden(REASON, findings, || detail)
}
