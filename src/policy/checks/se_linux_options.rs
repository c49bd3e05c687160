//! Setting the SELinux type is restricted, and setting a custom SELinux user or role is forbidden.
//! Fields: `seLinuxOptions.{type,user,role}` of the pod and of every container.
//! Allowed: type "", container_t, container_init_t, container_kvm_t (and container_engine_t
//! from v1.31); user and role unset or "".

use super::prelude::*;
use crate::k8s::SeLinuxOptions;

pub const CHECK: Check = Check {
    id: CheckId::SeLinuxOptions,
    level: Level::Baseline,
    versions: &[
        VersionedCheck::new(0, se_linux_options_v1_0),
        VersionedCheck::new(31, se_linux_options_v1_31),
    ],
};

const REASON: &str = "seLinuxOptions";

const ALLOWED_TYPES_V1_0: &[&str] = &["", "container_t", "container_init_t", "container_kvm_t"];
const ALLOWED_TYPES_V1_31: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

fn se_linux_options_v1_0(pod: &Pod) -> Option<Outcome> {
    se_linux_options(pod, ALLOWED_TYPES_V1_0)
}

fn se_linux_options_v1_31(pod: &Pod) -> Option<Outcome> {
    se_linux_options(pod, ALLOWED_TYPES_V1_31)
}

fn detail(setters: &str, problems: &[String]) -> String {
    format!(
        "{setters} set forbidden securityContext.seLinuxOptions: {}",
        problems.join("; ")
    )
}

/// What is wrong with one `seLinuxOptions` of `owner`, each with the place it is at.
fn faults<'d>(
    options: &SeLinuxOptions<'d>,
    owner: Owner,
    allowed: &[&str],
) -> Vec<(Field<&'d str>, Fault, Problem<'d>)> {
    let fault =
        |field: &'static str| Fault::field(owner, &["securityContext", "seLinuxOptions", field]);
    let mut out = Vec::new();
    if let Some(t) = options.selinux_type.filter(|t| !allowed.contains(&t.value)) {
        out.push((t, fault("type"), Problem::Type(t.value)));
    }
    if let Some(user) = options.user.filter(|u| !u.value.is_empty()) {
        out.push((user, fault("user"), Problem::User));
    }
    if let Some(role) = options.role.filter(|r| !r.value.is_empty()) {
        out.push((role, fault("role"), Problem::Role));
    }
    out
}

enum Problem<'d> {
    Type(&'d str),
    User,
    Role,
}

impl Problem<'_> {
    fn describe(&self) -> String {
        match self {
            Problem::Type(t) => format!("type \"{t}\""),
            Problem::User => "user may not be set".to_string(),
            Problem::Role => "role may not be set".to_string(),
        }
    }
}

fn se_linux_options(pod: &Pod, allowed: &[&str]) -> Option<Outcome> {
    let mut setters = Vec::new();
    let mut bad_containers = Vec::new();
    let (mut bad_types, mut set_user, mut set_role) = (Vec::new(), false, false);
    let mut findings = Vec::new();
    let pod_options = pod
        .security_context
        .as_ref()
        .and_then(|sc| sc.se_linux_options.as_ref());
    let container_options = pod.containers.iter().enumerate().filter_map(|(i, c)| {
        Some((
            Some((i, c.name)),
            c.security_context.as_ref()?.se_linux_options.as_ref()?,
        ))
    });
    for (container, options) in pod_options
        .map(|o| (None, o))
        .into_iter()
        .chain(container_options)
    {
        let faults = faults(options, owner_of(container.map(|(i, _)| i)), allowed);
        let container = container.map(|(_, name)| name);
        if faults.is_empty() {
            continue;
        }
        let setter = match container {
            None => "pod".to_string(),
            Some(name) => {
                bad_containers.push(name);
                containers(&[name])
            }
        };
        if container.is_none() {
            setters.push(setter.clone());
        }
        for (field, fault, problem) in faults {
            match problem {
                Problem::Type(t) => bad_types.push(t),
                Problem::User => set_user = true,
                Problem::Role => set_role = true,
            }
            findings.push(Finding::new(
                field.at,
                REASON,
                detail(&setter, &[problem.describe()]),
                fault,
            ));
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers(&bad_containers));
    }
    let mut problems = Vec::new();
    let bad_types = sorted_set(bad_types);
    if !bad_types.is_empty() {
        problems.push(format!(
            "{} {}",
            pluralize("type", "types", bad_types.len()),
            join_quote(&bad_types)
        ));
    }
    if set_user {
        problems.push("user may not be set".to_string());
    }
    if set_role {
        problems.push("role may not be set".to_string());
    }
    forbidden(REASON, findings, || {
        detail(&setters.join(" and "), &problems)
    })
}
