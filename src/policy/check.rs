//! What a check is and what it returns: PSA's result (reason and detail, word for word) plus
//! one finding per offending place in the document.

use super::level::Level;
use crate::k8s::Pod;
use crate::yaml::{NodeId, Span};
use std::fmt;

/// PSA's check IDs, declared in the order PSA reports them: baseline IDs sorted, then
/// restricted IDs sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CheckId {
    AppArmorProfile,
    CapabilitiesBaseline,
    HostNamespaces,
    HostPathVolumes,
    HostPorts,
    HostProbesAndHostLifecycle,
    Privileged,
    ProcMount,
    SeLinuxOptions,
    SeccompProfileBaseline,
    Sysctls,
    WindowsHostProcess,
    AllowPrivilegeEscalation,
    CapabilitiesRestricted,
    ProcMountRestricted,
    RestrictedVolumes,
    RunAsNonRoot,
    RunAsUser,
    SeccompProfileRestricted,
}

impl CheckId {
    pub const ALL: [CheckId; 19] = [
        CheckId::AppArmorProfile,
        CheckId::CapabilitiesBaseline,
        CheckId::HostNamespaces,
        CheckId::HostPathVolumes,
        CheckId::HostPorts,
        CheckId::HostProbesAndHostLifecycle,
        CheckId::Privileged,
        CheckId::ProcMount,
        CheckId::SeLinuxOptions,
        CheckId::SeccompProfileBaseline,
        CheckId::Sysctls,
        CheckId::WindowsHostProcess,
        CheckId::AllowPrivilegeEscalation,
        CheckId::CapabilitiesRestricted,
        CheckId::ProcMountRestricted,
        CheckId::RestrictedVolumes,
        CheckId::RunAsNonRoot,
        CheckId::RunAsUser,
        CheckId::SeccompProfileRestricted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::AppArmorProfile => "appArmorProfile",
            CheckId::CapabilitiesBaseline => "capabilities_baseline",
            CheckId::HostNamespaces => "hostNamespaces",
            CheckId::HostPathVolumes => "hostPathVolumes",
            CheckId::HostPorts => "hostPorts",
            CheckId::HostProbesAndHostLifecycle => "hostProbesAndHostLifecycle",
            CheckId::Privileged => "privileged",
            CheckId::ProcMount => "procMount",
            CheckId::SeLinuxOptions => "seLinuxOptions",
            CheckId::SeccompProfileBaseline => "seccompProfile_baseline",
            CheckId::Sysctls => "sysctls",
            CheckId::WindowsHostProcess => "windowsHostProcess",
            CheckId::AllowPrivilegeEscalation => "allowPrivilegeEscalation",
            CheckId::CapabilitiesRestricted => "capabilities_restricted",
            CheckId::ProcMountRestricted => "procMount_restricted",
            CheckId::RestrictedVolumes => "restrictedVolumes",
            CheckId::RunAsNonRoot => "runAsNonRoot",
            CheckId::RunAsUser => "runAsUser",
            CheckId::SeccompProfileRestricted => "seccompProfile_restricted",
        }
    }

    /// The check for an ID, matched case-insensitively (fixture file names are lower-cased).
    pub fn parse(text: &str) -> Option<CheckId> {
        CheckId::ALL
            .into_iter()
            .find(|id| id.as_str().eq_ignore_ascii_case(text))
    }

    /// Baseline checks and the restricted checks that replace them at `restricted` form one
    /// family: they judge the same field.
    pub fn family(self) -> CheckId {
        match self {
            CheckId::CapabilitiesRestricted => CheckId::CapabilitiesBaseline,
            CheckId::SeccompProfileRestricted => CheckId::SeccompProfileBaseline,
            CheckId::ProcMountRestricted => CheckId::ProcMount,
            CheckId::RestrictedVolumes => CheckId::HostPathVolumes,
            other => other,
        }
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check: its ID, its level and its implementations by minimum policy version.
pub struct Check {
    pub id: CheckId,
    pub level: Level,
    pub versions: &'static [VersionedCheck],
}

pub type CheckFn = fn(&Pod<'_>) -> Option<Outcome>;

/// One implementation of a check, used from `min_minor` until the next one.
pub struct VersionedCheck {
    pub min_minor: u32,
    pub check_pod: CheckFn,
    /// Baseline checks this (restricted) implementation replaces.
    pub overrides: &'static [CheckId],
}

impl VersionedCheck {
    pub const fn new(min_minor: u32, check_pod: CheckFn) -> Self {
        VersionedCheck {
            min_minor,
            check_pod,
            overrides: &[],
        }
    }

    pub const fn overriding(
        min_minor: u32,
        check_pod: CheckFn,
        overrides: &'static [CheckId],
    ) -> Self {
        VersionedCheck {
            min_minor,
            check_pod,
            overrides,
        }
    }
}

/// What a forbidding check returns: PSA's reason and detail, and the places behind them.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub reason: String,
    pub detail: String,
    pub findings: Vec<Finding>,
}

/// One offending place, worded as PSA would word a pod with only this fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub span: Span,
    pub reason: String,
    pub detail: String,
    pub fault: Fault,
}

impl Finding {
    pub fn new(span: Span, reason: &str, detail: String, fault: Fault) -> Finding {
        Finding {
            span,
            reason: reason.to_string(),
            detail,
            fault,
        }
    }

    /// `reason (detail)`, as PSA joins them.
    pub fn message(&self) -> String {
        format_result(&self.reason, &self.detail)
    }
}

/// Whose field a fault is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// The pod spec.
    Pod,
    /// The container at this index of `Pod::containers`.
    Container(usize),
    /// A port of a container: container index, port index.
    Port(usize, usize),
}

/// What is wrong at a finding's place, for whoever wants to repair it. Paths are field names
/// below the owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A field set to a forbidden value.
    Field {
        owner: Owner,
        path: Vec<&'static str>,
    },
    /// A required field that is missing (or not as required).
    Missing {
        owner: Owner,
        path: Vec<&'static str>,
    },
    /// A forbidden item of the list at `path`.
    Item {
        owner: Owner,
        path: Vec<&'static str>,
        item: NodeId,
    },
    /// A forbidden annotation of the pod template.
    Annotation { key: String },
    /// Nothing podsec can safely repair (a volume's type, a port the API server defaults).
    Unfixable,
}

impl Fault {
    pub fn field(owner: Owner, path: &[&'static str]) -> Fault {
        Fault::Field {
            owner,
            path: path.to_vec(),
        }
    }

    pub fn missing(owner: Owner, path: &[&'static str]) -> Fault {
        Fault::Missing {
            owner,
            path: path.to_vec(),
        }
    }

    pub fn item(owner: Owner, path: &[&'static str], item: NodeId) -> Fault {
        Fault::Item {
            owner,
            path: path.to_vec(),
            item,
        }
    }
}

/// The owner of a field that is either the pod's (`None`) or a container's.
pub fn owner_of(container: Option<usize>) -> Owner {
    container.map_or(Owner::Pod, Owner::Container)
}

/// `reason (detail)`, or just the reason when there is no detail.
pub fn format_result(reason: &str, detail: &str) -> String {
    if detail.is_empty() {
        reason.to_string()
    } else {
        format!("{reason} ({detail})")
    }
}

// ----- PSA's wording helpers ------------------------------------------------------------------

pub fn pluralize<'a>(singular: &'a str, plural: &'a str, count: usize) -> &'a str {
    if count == 1 { singular } else { plural }
}

/// `"a", "b"` (no escaping, as PSA's `joinQuote`).
pub fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

/// `container "a"` or `containers "a", "b"`.
pub fn containers<S: AsRef<str>>(names: &[S]) -> String {
    format!(
        "{} {}",
        pluralize("container", "containers", names.len()),
        join_quote(names)
    )
}

/// A Go string set's `List()`: sorted byte-wise, without duplicates.
pub fn sorted_set<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    let mut out: Vec<String> = items.into_iter().map(|s| s.as_ref().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

/// Go's `%q`: a double-quoted string with Go escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if !is_go_printable(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint` good for the characters YAML can carry: the C1
/// controls, the Unicode separators and the non-characters are not printable.
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    !((0x80..0xa0).contains(&u)
        || u == 0xad
        || u == 0x2028
        || u == 0x2029
        || (0xfff9..=0xfffb).contains(&u)
        || u == 0xfeff
        || (0xe000..=0xf8ff).contains(&u))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_helpers_match_psa() {
        assert_eq!(containers(&["a"]), "container \"a\"");
        assert_eq!(containers(&["a", "b"]), "containers \"a\", \"b\"");
        assert_eq!(join_quote::<&str>(&[]), "");
        assert_eq!(sorted_set(["b", "a", "b", "A"]), ["A", "a", "b"]);
        assert_eq!(go_quote("un\"confined\n"), "\"un\\\"confined\\n\"");
        assert_eq!(go_quote("é☕"), "\"é☕\"");
        assert_eq!(format_result("privileged", ""), "privileged");
    }

    #[test]
    fn ids_in_psa_message_order() {
        let mut sorted_baseline: Vec<&str> =
            CheckId::ALL[..12].iter().map(|c| c.as_str()).collect();
        sorted_baseline.sort();
        assert_eq!(
            sorted_baseline,
            CheckId::ALL[..12]
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
        );
        let mut sorted_restricted: Vec<&str> =
            CheckId::ALL[12..].iter().map(|c| c.as_str()).collect();
        sorted_restricted.sort();
        assert_eq!(
            sorted_restricted,
            CheckId::ALL[12..]
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            CheckId::parse("seccompprofile_restricted"),
            Some(CheckId::SeccompProfileRestricted)
        );
    }
}
