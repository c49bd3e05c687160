//! HostPath volumes must be forbidden.
//! Fields: `spec.volumes[*].hostPath`. Allowed: unset.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::HostPathVolumes,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(0, host_path_volumes_v1_0)],
};

const REASON: &str = "hostPath volumes";

fn detail(volumes: &[&str]) -> String {
    format!(
        "{} {}",
        pluralize("volume", "volumes", volumes.len()),
        join_quote(volumes)
    )
}

fn host_path_volumes_v1_0(pod: &Pod) -> Option<Outcome> {
    let bad: Vec<_> = pod
        .volumes
        .iter()
        .filter_map(|v| Some((v.name, v.sources.iter().find(|s| s.value == "hostPath")?)))
        .collect();
    let findings = bad
        .iter()
        .map(|(name, source)| Finding::new(source.key, REASON, detail(&[name]), Fault::Unfixable))
        .collect();
    let names: Vec<&str> = bad.iter().map(|(name, _)| *name).collect();
    forbidden(REASON, findings, || detail(&names))
}
