//! If a seccomp profile is set, only the runtime default and localhost profiles are allowed.
//! v1.0–v1.18: the annotations `seccomp.security.alpha.kubernetes.io/pod` and
//! `container.seccomp.security.alpha.kubernetes.io/<container>` (allowed: `runtime/default`,
//! `docker/default`, `localhost/*`). v1.19+: `seccompProfile.type` of the pod and of every
//! container (allowed: RuntimeDefault, Localhost, unset).

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::SeccompProfileBaseline,
    level: Level::Baseline,
    versions: &[
        VersionedCheck::new(0, seccomp_profile_baseline_v1_0),
        VersionedCheck::new(19, seccomp_profile_baseline_v1_19),
    ],
};

const REASON: &str = "seccompProfile";
const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const TYPE_PATH: [&str; 3] = ["securityContext", "seccompProfile", "type"];

pub fn valid_seccomp_type(profile_type: &str) -> bool {
    matches!(profile_type, "RuntimeDefault" | "Localhost")
}

fn valid_annotation(value: &str) -> bool {
    value == "runtime/default" || value == "docker/default" || value.starts_with("localhost/")
}

fn annotation_detail<S: AsRef<str>>(forbidden: &[S]) -> String {
    format!(
        "forbidden {} {}",
        pluralize("annotation", "annotations", forbidden.len()),
        forbidden
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn seccomp_profile_baseline_v1_0(pod: &Pod) -> Option<Outcome> {
    let mut keys = vec![POD_ANNOTATION.to_string()];
    keys.extend(
        pod.containers
            .iter()
            .map(|c| format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name)),
    );
    keys.dedup();
    let mut forbidden_texts = Vec::new();
    let mut findings = Vec::new();
    for key in keys {
        let Some(annotation) = pod.annotations.iter().find(|a| a.key == key.as_str()) else {
            continue;
        };
        if valid_annotation(annotation.value) {
            continue;
        }
        let text = format!("{key}={}", go_quote(annotation.value));
        if forbidden_texts.contains(&text) {
            continue;
        }
        let fault = Fault::Annotation { key: key.clone() };
        findings.push(Finding::new(
            annotation.at,
            REASON,
            annotation_detail(&[&text]),
            fault,
        ));
        forbidden_texts.push(text);
    }
    forbidden(REASON, findings, || {
        annotation_detail(&sorted_set(forbidden_texts))
    })
}

/// `{setters} must not set securityContext.seccompProfile.type to {values}`.
pub fn explicit_detail<S: AsRef<str>>(setters: &[String], values: &[S]) -> String {
    format!(
        "{} must not set securityContext.seccompProfile.type to {}",
        setters.join(" and "),
        join_quote(values)
    )
}

/// The pod and the containers that set a forbidden type, with findings for each.
pub fn explicitly_bad<'p>(pod: &'p Pod) -> (Vec<String>, Vec<&'p str>, Vec<Finding>) {
    let mut setters = Vec::new();
    let mut values = Vec::new();
    let mut findings = Vec::new();
    let pod_profile = pod
        .security_context
        .as_ref()
        .and_then(|sc| sc.seccomp_profile.as_ref());
    if let Some(profile) = pod_profile.filter(|p| !valid_seccomp_type(p.profile_type)) {
        setters.push("pod".to_string());
        values.push(profile.profile_type);
        let one = explicit_detail(&["pod".to_string()], &[profile.profile_type]);
        let fault = Fault::field(Owner::Pod, &TYPE_PATH);
        findings.push(Finding::new(profile.type_at, REASON, one, fault));
    }
    let mut bad_containers = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let profile = c
            .security_context
            .as_ref()
            .and_then(|sc| sc.seccomp_profile.as_ref());
        if let Some(profile) = profile.filter(|p| !valid_seccomp_type(p.profile_type)) {
            bad_containers.push(c.name);
            values.push(profile.profile_type);
            let one = explicit_detail(&[containers(&[c.name])], &[profile.profile_type]);
            let fault = Fault::field(Owner::Container(index), &TYPE_PATH);
            findings.push(Finding::new(profile.type_at, REASON, one, fault));
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers(&bad_containers));
    }
    (setters, values, findings)
}

fn seccomp_profile_baseline_v1_19(pod: &Pod) -> Option<Outcome> {
    let (setters, values, findings) = explicitly_bad(pod);
    forbidden(REASON, findings, || {
        explicit_detail(&setters, &sorted_set(values))
    })
}
