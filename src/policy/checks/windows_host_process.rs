//! Windows pods offer the ability to run HostProcess containers, which give privileged access
//! to the Windows node; they must be disallowed.
//! Fields: `securityContext.windowsOptions.hostProcess` of the pod and of every container.
//! Allowed: false, unset.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::WindowsHostProcess,
    level: Level::Baseline,
    versions: &[VersionedCheck::new(0, windows_host_process_v1_0)],
};

const REASON: &str = "hostProcess";
const PATH: [&str; 3] = ["securityContext", "windowsOptions", "hostProcess"];

fn detail(setters: &[String]) -> String {
    format!(
        "{} must not set securityContext.windowsOptions.hostProcess=true",
        setters.join(" and ")
    )
}

fn windows_host_process_v1_0(pod: &Pod) -> Option<Outcome> {
    let mut findings = Vec::new();
    let bad_containers: Vec<&str> = pod
        .containers
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let field = c.security_context.as_ref()?.windows_host_process?;
            field.value.then(|| {
                let one = detail(&[containers(&[c.name])]);
                let fault = Fault::field(Owner::Container(index), &PATH);
                findings.push(Finding::new(field.at, REASON, one, fault));
                c.name
            })
        })
        .collect();
    let mut setters = Vec::new();
    let pod_field = pod
        .security_context
        .as_ref()
        .and_then(|sc| sc.windows_host_process);
    if let Some(field) = pod_field.filter(|f| f.value) {
        setters.push("pod".to_string());
        let one = detail(&["pod".to_string()]);
        let fault = Fault::field(Owner::Pod, &PATH);
        findings.insert(0, Finding::new(field.at, REASON, one, fault));
    }
    if !bad_containers.is_empty() {
        setters.push(containers(&bad_containers));
    }
    forbidden(REASON, findings, || detail(&setters))
}
