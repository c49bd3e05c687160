//! The Kubernetes view of a YAML document: which object it is and the pod template PSA reads.

mod keys;
mod object;
mod pod;
mod reader;

pub use keys::refused_key;
pub use object::{Object, PodTemplate, WorkloadKind, pod_template};
pub use pod::{
    Annotation, Capabilities, Container, ContainerKind, Item, Pod, PodSecurityContext, Port,
    ProbeHost, Profile, SeLinuxOptions, SecurityContext, Sysctl, VOLUME_SOURCES, Volume,
};
pub use reader::{Field, Reader, TypeIssue};

/// Reads a workload's pod template, or `None` when the object has none.
pub fn read_pod<'d>(reader: &mut Reader<'d>, object: &Object<'d>) -> Option<Pod<'d>> {
    let kind = object.workload_kind()?;
    let template = pod_template(reader, object, kind)?;
    Some(Pod::read(reader, kind, template))
}
