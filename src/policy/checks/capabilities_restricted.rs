//! Containers must drop ALL capabilities, and may only add back NET_BIND_SERVICE.
//! Fields: every container's `securityContext.capabilities.drop` (must include "ALL") and
//! `securityContext.capabilities.add` (only "NET_BIND_SERVICE"). From v1.25, Windows pods are
//! exempt.

use super::prelude::*;

pub const CHECK: Check = Check {
    id: CheckId::CapabilitiesRestricted,
    level: Level::Restricted,
    versions: &[
        VersionedCheck::overriding(
            22,
            capabilities_restricted_v1_22,
            &[CheckId::CapabilitiesBaseline],
        ),
        VersionedCheck::overriding(
            25,
            capabilities_restricted_v1_25,
            &[CheckId::CapabilitiesBaseline],
        ),
    ],
};

const REASON: &str = "unrestricted capabilities";
const DROP_PATH: [&str; 3] = ["securityContext", "capabilities", "drop"];
const ADD_PATH: [&str; 3] = ["securityContext", "capabilities", "add"];

fn missing_drop_detail(names: &[&str]) -> String {
    format!(
        "{} must set securityContext.capabilities.drop=[\"ALL\"]",
        containers(names)
    )
}

fn forbidden_add_detail<S: AsRef<str>>(names: &[&str], capabilities: &[S]) -> String {
    format!(
        "{} must not include {} in securityContext.capabilities.add",
        containers(names),
        join_quote(capabilities)
    )
}

fn capabilities_restricted_v1_22(pod: &Pod) -> Option<Outcome> {
    let mut missing_drop_all = Vec::new();
    let mut adding_forbidden = Vec::new();
    let mut forbidden_capabilities = Vec::new();
    let mut findings = Vec::new();
    for (index, c) in pod.containers.iter().enumerate() {
        let sc = c.security_context.as_ref();
        let Some(caps) = sc.and_then(|sc| sc.capabilities.as_ref()) else {
            missing_drop_all.push(c.name);
            let at = sc.map_or(c.anchor, |sc| sc.field.key);
            let one = missing_drop_detail(&[c.name]);
            let fault = Fault::missing(Owner::Container(index), &DROP_PATH);
            findings.push(Finding::new(at, REASON, one, fault));
            continue;
        };
        if !caps.drop.iter().any(|d| d.value == "ALL") {
            missing_drop_all.push(c.name);
            let at = caps.drop_field.map_or(caps.field.key, |d| d.key);
            let one = missing_drop_detail(&[c.name]);
            let fault = Fault::missing(Owner::Container(index), &DROP_PATH);
            findings.push(Finding::new(at, REASON, one, fault));
        }
        let bad: Vec<_> = caps
            .add
            .iter()
            .filter(|a| a.value != "NET_BIND_SERVICE")
            .collect();
        if !bad.is_empty() {
            adding_forbidden.push(c.name);
        }
        for item in bad {
            forbidden_capabilities.push(item.value);
            let one = forbidden_add_detail(&[c.name], &[item.value]);
            let fault = Fault::item(Owner::Container(index), &ADD_PATH, item.node);
            findings.push(Finding::new(item.at, REASON, one, fault));
        }
    }
    let mut details = Vec::new();
    if !missing_drop_all.is_empty() {
        details.push(missing_drop_detail(&missing_drop_all));
    }
    if !adding_forbidden.is_empty() {
        details.push(forbidden_add_detail(
            &adding_forbidden,
            &sorted_set(forbidden_capabilities),
        ));
    }
    forbidden(REASON, findings, || details.join("; "))
}

fn capabilities_restricted_v1_25(pod: &Pod) -> Option<Outcome> {
    if pod.is_windows() {
        return None;
    }
    capabilities_restricted_v1_22(pod)
}
