//! Overriding or disabling the default AppArmor profile must be restricted.
//! Fields: `appArmorProfile.type` of the pod and of every container (allowed: RuntimeDefault,
//! Localhost, unset), and the pod template's `container.apparmor.security.beta.kubernetes.io/*`
//! annotations (allowed: "", `runtime/default`, `localhost/*`).

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::AppArmorProfile,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(0, app_armor_profile_v1_0)],
};

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
const TYPE_PATH: [&str; 3] = ["securityContext", "appArmorProfile", "type"];

fn allowed_type(profile_type: &str) -> bool {
    matches!(profile_type, "RuntimeDefault" | "Localhost")
}

fn allowed_annotation(value: &str) -> bool {
    value.is_empty() || value == "runtime/default" || value.starts_with("localhost/")
}

fn reason(bad_values: usize) -> &'static str {
    pluralize(
        "forbidden AppArmor profile",
        "forbidden AppArmor profiles",
        bad_values,
    )
}

fn detail<S: AsRef<str>>(setters: &[String], values: &[S]) -> String {
    format!(
        "{} must not set AppArmor profile type to {}",
        setters.join(" and "),
        join_quote(values)
    )
}

fn app_armor_profile_v1_0(pod: &Pod) -> Option<Outcome> {
    let mut setters = Vec::new();
    let mut bad_types = Vec::new();
    let mut findings = Vec::new();
    let pod_profile = pod
        .security_context
        .as_ref()
        .and_then(|sc| sc.app_armor_profile.as_ref());
    if let Some(profile) = pod_profile.filter(|p| !allowed_type(p.profile_type)) {
        setters.push("pod".to_string());
        bad_types.push(profile.profile_type);
        let one = detail(&["pod".to_string()], &[profile.profile_type]);
        let fault = Fault::field(Owner::Pod, &TYPE_PATH);
        findings.push(Finding::new(profile.type_at, reason(1), one, fault));
    }
    let mut bad_containers = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let profile = c
            .security_context
            .as_ref()
            .and_then(|sc| sc.app_armor_profile.as_ref());
        if let Some(profile) = profile.filter(|p| !allowed_type(p.profile_type)) {
            bad_containers.push(c.name);
            bad_types.push(profile.profile_type);
            let one = detail(&[containers(&[c.name])], &[profile.profile_type]);
            let fault = Fault::field(Owner::Container(index), &TYPE_PATH);
            findings.push(Finding::new(profile.type_at, reason(1), one, fault));
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers(&bad_containers));
    }
    let mut bad_annotations = Vec::new();
    for annotation in &pod.annotations {
        if annotation.key.starts_with(ANNOTATION_PREFIX) && !allowed_annotation(annotation.value) {
            let text = format!("{}={}", annotation.key, go_quote(annotation.value));
            let one = detail(&["annotation".to_string()], &[&text]);
            let fault = Fault::Annotation {
                key: annotation.key.to_string(),
            };
            findings.push(Finding::new(annotation.at, reason(1), one, fault));
            bad_annotations.push(text);
        }
    }
    let mut values = sorted_set(bad_types);
    if !bad_annotations.is_empty() {
        bad_annotations.sort();
        setters.push(pluralize("annotation", "annotations", bad_annotations.len()).to_string());
        values.extend(bad_annotations);
    }
    forbidden(reason(values.len()), findings, || detail(&setters, &values))
}
