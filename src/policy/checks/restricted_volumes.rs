//! In addition to forbidding HostPath volumes, the restricted level limits inline volume sources
//! to configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected
//! and secret. Fields: `spec.volumes[*]`.
//!
//! A volume with no source is defaulted to `emptyDir` by the API server before admission.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::RestrictedVolumes,
    level: Level::Restricted,
    versions: &[VersionedCheck::overriding(
        0,
        restricted_volumes_v1_0,
        &[CheckId::HostPathVolumes],
    )],
};

const REASON: &str = "restricted volume types";

const ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// The forbidden sources in the order PSA tests them, which decides the name it reports.
const RESTRICTED: &[&str] = &[
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

fn detail<S: AsRef<str>>(volumes: &[&str], types: &[S]) -> String {
    format!(
        "{} {} {} {} {}",
        pluralize("volume", "volumes", volumes.len()),
        join_quote(volumes),
        pluralize("uses", "use", volumes.len()),
        pluralize(
            "restricted volume type",
            "restricted volume types",
            types.len()
        ),
        join_quote(types)
    )
}

fn restricted_volumes_v1_0(pod: &Pod) -> Option<Outcome> {
    let mut bad_volumes = Vec::new();
    let mut bad_types = Vec::new();
    let mut findings = Vec::new();
    for volume in &pod.volumes {
        let allowed =
            volume.sources.is_empty() || volume.sources.iter().any(|s| ALLOWED.contains(&s.value));
        if allowed {
            continue;
        }
        let source = RESTRICTED
            .iter()
            .find_map(|&kind| volume.sources.iter().find(|s| s.value == kind));
        let (kind, at) = source.map_or(("unknown", volume.anchor), |s| (s.value, s.key));
        bad_volumes.push(volume.name);
        bad_types.push(kind);
        findings.push(Finding::new(
            at,
            REASON,
            detail(&[volume.name], &[kind]),
            Fault::Unfixable,
        ));
    }
    forbidden(REASON, findings, || {
        detail(&bad_volumes, &sorted_set(bad_types))
    })
}
