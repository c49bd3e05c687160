//! Containers must not run as root (UID 0), unless the pod runs in a user namespace
//! (`hostUsers: false`, from v1.35).
//! Fields: `securityContext.runAsUser` of the pod and of every container. Allowed: unset,
//! non-zero.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::RunAsUser,
    level: Level::Restricted,
    versions: &[
        VersionedCheck::new(23, run_as_user_v1_23),
        VersionedCheck::new(35, run_as_user_v1_35),
    ],
};

const REASON: &str = "runAsUser=0";
const PATH: [&str; 2] = ["securityContext", "runAsUser"];

fn detail(setters: &[String]) -> String {
    format!("{} must not set runAsUser=0", setters.join(" and "))
}

fn run_as_user_v1_35(pod: &Pod) -> Option<Outcome> {
    if pod.in_user_namespace() {
        return None;
    }
    run_as_user_v1_23(pod)
}

fn run_as_user_v1_23(pod: &Pod) -> Option<Outcome> {
    let mut setters = Vec::new();
    let mut findings = Vec::new();
    let pod_field = pod.security_context.as_ref().and_then(|sc| sc.run_as_user);
    if let Some(field) = pod_field.filter(|f| f.value == 0) {
        setters.push("pod".to_string());
        let one = detail(&["pod".to_string()]);
        findings.push(Finding::new(
            field.at,
            REASON,
            one,
            Fault::field(Owner::Pod, &PATH),
        ));
    }
    let mut bad_containers = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        if let Some(field) = c.security_context.as_ref().and_then(|sc| sc.run_as_user)
            && field.value == 0
        {
            bad_containers.push(c.name);
            let one = detail(&[containers(&[c.name])]);
            findings.push(Finding::new(
                field.at,
                REASON,
                one,
                Fault::field(Owner::Container(index), &PATH),
            ));
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers(&bad_containers));
    }
    forbidden(REASON, findings, || detail(&setters))
}
