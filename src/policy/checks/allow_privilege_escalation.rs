//! Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be allowed.
//! Fields: every container's `securityContext.allowPrivilegeEscalation`. Allowed: false only.
//! From v1.25, Windows pods (`spec.os.name: windows`) are exempt.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::AllowPrivilegeEscalation,
    level: Level::Restricted,
    versions: &[
        VersionedCheck::new(8, allow_privilege_escalation_v1_8),
        VersionedCheck::new(25, allow_privilege_escalation_v1_25),
    ],
};

const REASON: &str = "allowPrivilegeEscalation != false";
const PATH: [&str; 2] = ["securityContext", "allowPrivilegeEscalation"];

fn detail(names: &[&str]) -> String {
    format!(
        "{} must set securityContext.allowPrivilegeEscalation=false",
        containers(names)
    )
}

fn allow_privilege_escalation_v1_8(pod: &Pod) -> Option<Outcome> {
    let mut bad = Vec::new();
    let mut findings = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let sc = c.security_context.as_ref();
        let at = match sc.and_then(|sc| sc.allow_privilege_escalation) {
            Some(field) if !field.value => continue,
            Some(field) => field.at,
            None => sc.map_or(c.anchor, |sc| sc.field.key),
        };
        let fault = Fault::missing(Owner::Container(index), &PATH);
        bad.push(c.name);
        findings.push(Finding::new(at, REASON, detail(&[c.name]), fault));
    }
    forbidden(REASON, findings, || detail(&bad))
}

fn allow_privilege_escalation_v1_25(pod: &Pod) -> Option<Outcome> {
    if pod.is_windows() {
        return None;
    }
    allow_privilege_escalation_v1_8(pod)
}
