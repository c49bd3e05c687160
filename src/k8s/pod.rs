//! The part of a pod template that Pod Security Admission reads, with the place of every field.

use super::object::{PodTemplate, WorkloadKind};
use super::reader::{Field, Reader};
use crate::yaml::{Entry, NodeId, Span};
use std::borrow::Cow;

/// Where a container is declared; PSA visits them in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    pub fn field_name(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

#[derive(Debug)]
pub struct Pod<'d> {
    pub kind: WorkloadKind,
    pub spec: NodeId,
    pub spec_key: Span,
    /// The template's metadata mapping, where annotations live.
    pub metadata: Option<NodeId>,
    pub annotations: Vec<Annotation<'d>>,
    pub host_network: Option<Field<bool>>,
    pub host_pid: Option<Field<bool>>,
    pub host_ipc: Option<Field<bool>>,
    pub host_users: Option<Field<bool>>,
    pub os_name: Option<Field<&'d str>>,
    pub runtime_class_name: Option<Field<&'d str>>,
    pub security_context: Option<PodSecurityContext<'d>>,
    pub volumes: Vec<Volume<'d>>,
    /// Init, then regular, then ephemeral containers.
    pub containers: Vec<Container<'d>>,
}

#[derive(Debug)]
pub struct Annotation<'d> {
    pub key: Cow<'d, str>,
    pub value: &'d str,
    pub entry: Entry,
    pub key_span: Span,
    pub at: Span,
}

#[derive(Debug)]
pub struct PodSecurityContext<'d> {
    pub field: Field<NodeId>,
    pub run_as_non_root: Option<Field<bool>>,
    pub run_as_user: Option<Field<i64>>,
    pub se_linux_options: Option<SeLinuxOptions<'d>>,
    pub seccomp_profile: Option<Profile<'d>>,
    pub app_armor_profile: Option<Profile<'d>>,
    pub sysctls: Vec<Sysctl<'d>>,
    pub windows_host_process: Option<Field<bool>>,
}

#[derive(Debug)]
pub struct Container<'d> {
    pub kind: ContainerKind,
    /// The container's mapping.
    pub node: NodeId,
    /// Go's zero value `""` when the name is missing.
    pub name: &'d str,
    /// Where a finding about a missing field goes: the `name: …` entry, or the item's first line.
    pub anchor: Span,
    pub security_context: Option<SecurityContext<'d>>,
    pub ports: Vec<Port>,
    /// Non-empty `host` fields of probes and lifecycle handlers.
    pub probe_hosts: Vec<ProbeHost<'d>>,
    /// Whether the container is an alias of a container written elsewhere.
    pub shared: bool,
}

/// A `host` of a probe or lifecycle handler, and its path under the container.
#[derive(Debug)]
pub struct ProbeHost<'d> {
    pub path: Vec<&'static str>,
    pub field: Field<&'d str>,
}

#[derive(Debug)]
pub struct SecurityContext<'d> {
    pub field: Field<NodeId>,
    pub privileged: Option<Field<bool>>,
    pub allow_privilege_escalation: Option<Field<bool>>,
    pub capabilities: Option<Capabilities<'d>>,
    pub proc_mount: Option<Field<&'d str>>,
    pub run_as_non_root: Option<Field<bool>>,
    pub run_as_user: Option<Field<i64>>,
    pub se_linux_options: Option<SeLinuxOptions<'d>>,
    pub seccomp_profile: Option<Profile<'d>>,
    pub app_armor_profile: Option<Profile<'d>>,
    pub windows_host_process: Option<Field<bool>>,
}

#[derive(Debug)]
pub struct Capabilities<'d> {
    pub field: Field<NodeId>,
    pub add: Vec<Item<'d>>,
    pub drop: Vec<Item<'d>>,
    pub drop_field: Option<Field<&'d [NodeId]>>,
}

/// A string in a list, and where it is.
#[derive(Clone, Copy, Debug)]
pub struct Item<'d> {
    pub value: &'d str,
    /// The item as written (maybe an alias).
    pub node: NodeId,
    pub at: Span,
}

/// `seccompProfile` or `appArmorProfile`: present means a type is set, `""` when left out.
#[derive(Debug)]
pub struct Profile<'d> {
    pub field: Field<NodeId>,
    pub profile_type: &'d str,
    /// Where the type is: its value, or the profile's key when the type is missing.
    pub type_at: Span,
}

#[derive(Debug)]
pub struct SeLinuxOptions<'d> {
    pub field: Field<NodeId>,
    pub selinux_type: Option<Field<&'d str>>,
    pub user: Option<Field<&'d str>>,
    pub role: Option<Field<&'d str>>,
}

#[derive(Debug)]
pub struct Sysctl<'d> {
    /// The item as written (maybe an alias).
    pub item: NodeId,
    /// `""` when the name is missing.
    pub name: &'d str,
    pub at: Span,
}

#[derive(Debug)]
pub struct Port {
    pub node: NodeId,
    pub container_port: Option<Field<i64>>,
    pub host_port: Option<Field<i64>>,
}

#[derive(Debug)]
pub struct Volume<'d> {
    pub node: NodeId,
    pub name: &'d str,
    pub anchor: Span,
    /// The volume source fields that are set, by their JSON names.
    pub sources: Vec<Field<&'static str>>,
}

/// Every field of `VolumeSource` in core/v1.
pub const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

impl<'d> Pod<'d> {
    pub fn read(reader: &mut Reader<'d>, kind: WorkloadKind, template: PodTemplate) -> Pod<'d> {
        let spec = template.spec;
        let mut containers = Vec::new();
        for container_kind in [
            ContainerKind::Init,
            ContainerKind::Regular,
            ContainerKind::Ephemeral,
        ] {
            let Some(list) = reader.list(spec, container_kind.field_name()) else {
                continue;
            };
            for &item in list.value {
                if let Some(node) = reader.item_object(item, container_kind.field_name()) {
                    containers.push(read_container(reader, container_kind, item, node));
                }
            }
        }
        Pod {
            kind,
            spec,
            spec_key: template.spec_key,
            metadata: template.metadata,
            annotations: template
                .metadata
                .map(|meta| read_annotations(reader, meta))
                .unwrap_or_default(),
            host_network: reader.bool(spec, "hostNetwork"),
            host_pid: reader.bool(spec, "hostPID"),
            host_ipc: reader.bool(spec, "hostIPC"),
            host_users: reader.bool(spec, "hostUsers"),
            os_name: reader
                .object(spec, "os")
                .and_then(|os| reader.string(os.value, "name")),
            runtime_class_name: reader.string(spec, "runtimeClassName"),
            security_context: reader
                .object(spec, "securityContext")
                .map(|field| read_pod_security_context(reader, field)),
            volumes: read_volumes(reader, spec),
            containers,
        }
    }

    /// Whether the pod runs in a user namespace (`hostUsers: false`, explicitly).
    pub fn in_user_namespace(&self) -> bool {
        self.host_users.is_some_and(|f| !f.value)
    }

    pub fn is_windows(&self) -> bool {
        self.os_name.is_some_and(|f| f.value == "windows")
    }
}

fn read_annotations<'d>(reader: &mut Reader<'d>, metadata: NodeId) -> Vec<Annotation<'d>> {
    let Some(annotations) = reader.object(metadata, "annotations") else {
        return Vec::new();
    };
    let doc = reader.doc;
    let mut out = Vec::new();
    for (key, entry) in doc.effective_entries(annotations.value) {
        let value = if doc.is_null(entry.value) {
            ""
        } else {
            match doc.value(entry.value).and_then(|v| v.as_str()) {
                Some(v) => v,
                None => {
                    reader.item_string(entry.value, "metadata.annotations");
                    continue;
                }
            }
        };
        out.push(Annotation {
            key,
            value,
            entry,
            key_span: doc.node(entry.key).span,
            at: reader.span(entry.value),
        });
    }
    out
}

fn read_pod_security_context<'d>(
    reader: &mut Reader<'d>,
    field: Field<NodeId>,
) -> PodSecurityContext<'d> {
    let sc = field.value;
    let sysctls = reader
        .list(sc, "sysctls")
        .map(|list| {
            list.value
                .iter()
                .filter_map(|&item| {
                    let node = reader.item_object(item, "sysctls")?;
                    let name = reader.string(node, "name");
                    Some(Sysctl {
                        item,
                        name: name.map_or("", |n| n.value),
                        at: name.map_or(reader.span(item), |n| n.at),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    PodSecurityContext {
        field,
        run_as_non_root: reader.bool(sc, "runAsNonRoot"),
        run_as_user: reader.int(sc, "runAsUser"),
        se_linux_options: read_selinux(reader, sc),
        seccomp_profile: read_profile(reader, sc, "seccompProfile"),
        app_armor_profile: read_profile(reader, sc, "appArmorProfile"),
        sysctls,
        windows_host_process: read_windows_host_process(reader, sc),
    }
}

fn read_container<'d>(
    reader: &mut Reader<'d>,
    kind: ContainerKind,
    item: NodeId,
    node: NodeId,
) -> Container<'d> {
    let name = reader.string(node, "name");
    let anchor = match name {
        Some(name) => name.key.cover(name.at),
        None => first_line(reader, item),
    };
    let ports = reader
        .list(node, "ports")
        .map(|list| {
            list.value
                .iter()
                .filter_map(|&item| {
                    let port = reader.item_object(item, "ports")?;
                    Some(Port {
                        node: port,
                        container_port: reader.int(port, "containerPort"),
                        host_port: reader.int(port, "hostPort"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Container {
        kind,
        node,
        name: name.map_or("", |n| n.value),
        anchor,
        security_context: reader
            .object(node, "securityContext")
            .map(|field| read_security_context(reader, field)),
        ports,
        probe_hosts: read_probe_hosts(reader, node),
        shared: reader.doc.resolve(item) != item,
    }
}

/// The text of a node up to the end of its first line.
fn first_line(reader: &Reader<'_>, node: NodeId) -> Span {
    let span = reader.span(node);
    let text = reader.doc.slice(span);
    let len = text.find(['\n', '\r']).unwrap_or(text.len());
    Span::new(
        span.start as usize,
        span.start as usize + len.max(1).min(span.len().max(1)),
    )
}

fn read_security_context<'d>(reader: &mut Reader<'d>, field: Field<NodeId>) -> SecurityContext<'d> {
    let sc = field.value;
    SecurityContext {
        field,
        privileged: reader.bool(sc, "privileged"),
        allow_privilege_escalation: reader.bool(sc, "allowPrivilegeEscalation"),
        capabilities: reader
            .object(sc, "capabilities")
            .map(|caps| read_capabilities(reader, caps)),
        proc_mount: reader.string(sc, "procMount"),
        run_as_non_root: reader.bool(sc, "runAsNonRoot"),
        run_as_user: reader.int(sc, "runAsUser"),
        se_linux_options: read_selinux(reader, sc),
        seccomp_profile: read_profile(reader, sc, "seccompProfile"),
        app_armor_profile: read_profile(reader, sc, "appArmorProfile"),
        windows_host_process: read_windows_host_process(reader, sc),
    }
}

fn read_capabilities<'d>(reader: &mut Reader<'d>, field: Field<NodeId>) -> Capabilities<'d> {
    let mut strings = |key: &str| -> (Option<Field<&'d [NodeId]>>, Vec<Item<'d>>) {
        let Some(list) = reader.list(field.value, key) else {
            return (None, Vec::new());
        };
        let what = format!("securityContext.capabilities.{key}");
        let items = list
            .value
            .iter()
            .filter_map(|&node| {
                let value = reader.item_string(node, &what)?;
                Some(Item {
                    value,
                    node,
                    at: reader.span(node),
                })
            })
            .collect();
        (Some(list), items)
    };
    let (_, add) = strings("add");
    let (drop_field, drop) = strings("drop");
    Capabilities {
        field,
        add,
        drop,
        drop_field,
    }
}

fn read_profile<'d>(reader: &mut Reader<'d>, sc: NodeId, key: &str) -> Option<Profile<'d>> {
    let field = reader.object(sc, key)?;
    let profile_type = reader.string(field.value, "type");
    Some(Profile {
        field,
        profile_type: profile_type.map_or("", |t| t.value),
        type_at: profile_type.map_or(field.key, |t| t.at),
    })
}

fn read_selinux<'d>(reader: &mut Reader<'d>, sc: NodeId) -> Option<SeLinuxOptions<'d>> {
    let field = reader.object(sc, "seLinuxOptions")?;
    Some(SeLinuxOptions {
        field,
        selinux_type: reader.string(field.value, "type"),
        user: reader.string(field.value, "user"),
        role: reader.string(field.value, "role"),
    })
}

fn read_windows_host_process(reader: &mut Reader<'_>, sc: NodeId) -> Option<Field<bool>> {
    let options = reader.object(sc, "windowsOptions")?;
    reader.bool(options.value, "hostProcess")
}

/// `host` of the HTTP and TCP actions of the three probes and two lifecycle handlers.
fn read_probe_hosts<'d>(reader: &mut Reader<'d>, container: NodeId) -> Vec<ProbeHost<'d>> {
    let mut handlers: Vec<(Vec<&'static str>, NodeId)> = Vec::new();
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        handlers.extend(
            reader
                .object(container, probe)
                .map(|f| (vec![probe], f.value)),
        );
    }
    if let Some(lifecycle) = reader.object(container, "lifecycle") {
        for hook in ["postStart", "preStop"] {
            handlers.extend(
                reader
                    .object(lifecycle.value, hook)
                    .map(|f| (vec!["lifecycle", hook], f.value)),
            );
        }
    }
    let mut hosts = Vec::new();
    for (path, handler) in handlers {
        for action in ["httpGet", "tcpSocket"] {
            if let Some(action_node) = reader.object(handler, action)
                && let Some(host) = reader.string(action_node.value, "host")
                && !host.value.is_empty()
            {
                let mut path = path.clone();
                path.extend([action, "host"]);
                hosts.push(ProbeHost { path, field: host });
            }
        }
    }
    hosts
}

fn read_volumes<'d>(reader: &mut Reader<'d>, spec: NodeId) -> Vec<Volume<'d>> {
    let Some(list) = reader.list(spec, "volumes") else {
        return Vec::new();
    };
    list.value
        .iter()
        .filter_map(|&item| {
            let node = reader.item_object(item, "volumes")?;
            let name = reader.string(node, "name");
            let sources = VOLUME_SOURCES
                .iter()
                .filter_map(|&source| {
                    let field = reader.object(node, source)?;
                    Some(Field {
                        value: source,
                        entry: field.entry,
                        key: field.key,
                        at: field.at,
                    })
                })
                .collect();
            Some(Volume {
                node,
                name: name.map_or("", |n| n.value),
                anchor: name.map_or_else(|| first_line(reader, item), |n| n.key.cover(n.at)),
                sources,
            })
        })
        .collect()
}
