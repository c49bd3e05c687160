//! A seccomp profile must be set, and only the runtime default and localhost profiles are
//! allowed. From v1.25, Windows pods are exempt.
//! Fields: `securityContext.seccompProfile.type` of the pod and of every container. Allowed:
//! RuntimeDefault, Localhost; unset on a container when the pod sets an allowed type.

use super::prelude::*;
use super::seccomp_profile_baseline::{explicit_detail, explicitly_bad, valid_seccomp_type};

pub const CHECK: Check = Check {
    id: CheckId::SeccompProfileRestricted,
    level: Level::Restricted,
    versions: &[
        VersionedCheck::overriding(
            19,
            seccomp_profile_restricted_v1_19,
            &[CheckId::SeccompProfileBaseline],
        ),
        VersionedCheck::overriding(
            25,
            seccomp_profile_restricted_v1_25,
            &[CheckId::SeccompProfileBaseline],
        ),
    ],
};

const REASON: &str = "seccompProfile";

fn implicit_detail(names: &[&str]) -> String {
    format!(
        "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
        containers(names)
    )
}

fn seccomp_profile_restricted_v1_19(pod: &Pod) -> Option<Outcome> {
    let (setters, values, explicit_findings) = explicitly_bad(pod);
    if !setters.is_empty() {
        return forbidden(REASON, explicit_findings, || {
            explicit_detail(&setters, &sorted_set(values))
        });
    }
    let pod_profile = pod
        .security_context
        .as_ref()
        .and_then(|sc| sc.seccomp_profile.as_ref());
    let pod_seccomp_set = pod_profile.is_some_and(|p| valid_seccomp_type(p.profile_type));
    let mut implicitly_bad = Vec::new();
    let mut findings = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let sc = c.security_context.as_ref();
        if sc.is_some_and(|sc| sc.seccomp_profile.is_some()) || pod_seccomp_set {
            continue;
        }
        implicitly_bad.push(c.name);
        let at = sc.map_or(c.anchor, |sc| sc.field.key);
        let fault = Fault::missing(
            Owner::Container(index),
            &["securityContext", "seccompProfile"],
        );
        findings.push(Finding::new(at, REASON, implicit_detail(&[c.name]), fault));
    }
    forbidden(REASON, findings, || implicit_detail(&implicitly_bad))
}

fn seccomp_profile_restricted_v1_25(pod: &Pod) -> Option<Outcome> {
    if pod.is_windows() {
        return None;
    }
    seccomp_profile_restricted_v1_19(pod)
}
