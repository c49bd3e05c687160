//! Containers must run as non-root users, unless the pod runs in a user namespace
//! (`hostUsers: false`, from v1.35).
//! Fields: `securityContext.runAsNonRoot` of the pod and of every container. Allowed: true;
//! unset on a container when the pod sets true.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::RunAsNonRoot,
    level: Level::Restricted,
    versions: &[
        VersionedCheck::new(0, run_as_non_root_v1_0),
        VersionedCheck::new(35, run_as_non_root_v1_35),
    ],
};

const REASON: &str = "runAsNonRoot != true";
const PATH: [&str; 2] = ["securityContext", "runAsNonRoot"];

fn explicit_detail(setters: &[String]) -> String {
    format!(
        "{} must not set securityContext.runAsNonRoot=false",
        setters.join(" and ")
    )
}

fn implicit_detail(names: &[&str]) -> String {
    format!(
        "pod or {} must set securityContext.runAsNonRoot=true",
        containers(names)
    )
}

fn run_as_non_root_v1_35(pod: &Pod) -> Option<Outcome> {
    if pod.in_user_namespace() {
        return None;
    }
    run_as_non_root_v1_0(pod)
}

fn run_as_non_root_v1_0(pod: &Pod) -> Option<Outcome> {
    let mut setters = Vec::new();
    let mut explicit_findings = Vec::new();
    let pod_field = pod
        .security_context
        .as_ref()
        .and_then(|sc| sc.run_as_non_root);
    let pod_run_as_non_root = pod_field.is_some_and(|f| f.value);
    if let Some(field) = pod_field.filter(|f| !f.value) {
        setters.push("pod".to_string());
        let one = explicit_detail(&["pod".to_string()]);
        let fault = Fault::field(Owner::Pod, &PATH);
        explicit_findings.push(Finding::new(field.at, REASON, one, fault));
    }
    let mut explicitly_bad = Vec::new();
    let mut implicitly_bad = Vec::new();
    let mut implicit_findings = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let sc = c.security_context.as_ref();
        match sc.and_then(|sc| sc.run_as_non_root) {
            Some(field) if !field.value => {
                explicitly_bad.push(c.name);
                let one = explicit_detail(&[containers(&[c.name])]);
                let fault = Fault::field(Owner::Container(index), &PATH);
                explicit_findings.push(Finding::new(field.at, REASON, one, fault));
            }
            Some(_) => {}
            None if !pod_run_as_non_root => {
                implicitly_bad.push(c.name);
                let at = sc.map_or(c.anchor, |sc| sc.field.key);
                let fault = Fault::missing(Owner::Container(index), &PATH);
                implicit_findings.push(Finding::new(at, REASON, implicit_detail(&[c.name]), fault));
            }
            None => {}
        }
    }
    if !explicitly_bad.is_empty() {
        setters.push(containers(&explicitly_bad));
    }
    // Explicit `false` values are reported first, and alone.
    if !setters.is_empty() {
        return forbidden(REASON, explicit_findings, || explicit_detail(&setters));
    }
    forbidden(REASON, implicit_findings, || {
        implicit_detail(&implicitly_bad)
    })
}
