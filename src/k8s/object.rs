//! Which Kubernetes object a document is, and where its pod template lives (PSA's
//! `DefaultPodSpecExtractor`).

use super::reader::{Field, Reader};
use crate::yaml::{NodeId, Span, Value};

/// The kinds Pod Security Admission evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    Pod,
    PodTemplate,
    ReplicationController,
    ReplicaSet,
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
}

impl WorkloadKind {
    /// The kind for a `kind` and API group; PSA matches group and resource, not version.
    fn from_kind(kind: &str, group: Option<&str>) -> Option<WorkloadKind> {
        use WorkloadKind::*;
        let (workload, expected_group) = match kind {
            "Pod" => (Pod, ""),
            "PodTemplate" => (PodTemplate, ""),
            "ReplicationController" => (ReplicationController, ""),
            "ReplicaSet" => (ReplicaSet, "apps"),
            "Deployment" => (Deployment, "apps"),
            "StatefulSet" => (StatefulSet, "apps"),
            "DaemonSet" => (DaemonSet, "apps"),
            "Job" => (Job, "batch"),
            "CronJob" => (CronJob, "batch"),
            _ => return None,
        };
        // A document still being typed may lack apiVersion; it is checked all the same.
        (group.is_none_or(|g| g == expected_group)).then_some(workload)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "Pod",
            WorkloadKind::PodTemplate => "PodTemplate",
            WorkloadKind::ReplicationController => "ReplicationController",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }

    /// The path from the object's root to its pod template (`metadata` and `spec` below it).
    fn template_path(self) -> &'static [&'static str] {
        match self {
            WorkloadKind::Pod => &[],
            WorkloadKind::PodTemplate => &["template"],
            WorkloadKind::CronJob => &["spec", "jobTemplate", "spec", "template"],
            _ => &["spec", "template"],
        }
    }
}

/// What every Kubernetes document has: kind, apiVersion, name, namespace.
#[derive(Clone, Debug)]
pub struct Object<'d> {
    pub root: NodeId,
    pub kind: Field<&'d str>,
    pub api_version: Option<&'d str>,
    pub name: Option<Field<&'d str>>,
    pub namespace: Option<Field<&'d str>>,
}

impl<'d> Object<'d> {
    /// The object of a document whose root is a mapping with a string `kind`.
    pub fn read(reader: &mut Reader<'d>) -> Option<Object<'d>> {
        let doc = reader.doc;
        let root = doc.root().filter(|&r| doc.is_mapping(r))?;
        let root = doc.resolve(root);
        let kind_entry = doc.get(root, "kind")?;
        let Some(Value::Str(kind)) = doc.value(kind_entry.value) else {
            return None;
        };
        let kind = Field {
            value: kind,
            entry: kind_entry,
            key: doc.node(kind_entry.key).span,
            at: reader.span(kind_entry.value),
        };
        let api_version = doc
            .get(root, "apiVersion")
            .and_then(|e| doc.value(e.value))
            .and_then(|v| v.as_str());
        let metadata = reader.object(root, "metadata");
        let (name, namespace) = match metadata {
            Some(meta) => (
                reader.string(meta.value, "name"),
                reader.string(meta.value, "namespace"),
            ),
            None => (None, None),
        };
        Some(Object {
            root,
            kind,
            api_version,
            name,
            namespace,
        })
    }

    /// The API group: `apps` for `apps/v1`, `""` for `v1`.
    pub fn group(&self) -> Option<&'d str> {
        self.api_version
            .map(|v| v.rsplit_once('/').map_or("", |(group, _)| group))
    }

    pub fn workload_kind(&self) -> Option<WorkloadKind> {
        WorkloadKind::from_kind(self.kind.value, self.group())
    }

    pub fn is_namespace(&self) -> bool {
        self.kind.value == "Namespace" && self.group().is_none_or(str::is_empty)
    }
}

/// A workload's pod template: the metadata that carries annotations and the pod spec.
#[derive(Clone, Copy, Debug)]
pub struct PodTemplate {
    pub metadata: Option<NodeId>,
    pub spec: NodeId,
    /// The `spec:` key of the pod spec, where pod-level findings without a field go.
    pub spec_key: Span,
}

/// Finds the pod template of a workload, or `None` when it has none (PSA skips the object).
pub fn pod_template(
    reader: &mut Reader<'_>,
    object: &Object<'_>,
    kind: WorkloadKind,
) -> Option<PodTemplate> {
    let mut node = object.root;
    for &step in kind.template_path() {
        node = reader.object(node, step)?.value;
    }
    let metadata = reader.object(node, "metadata").map(|f| f.value);
    let spec = reader.object(node, "spec")?;
    Some(PodTemplate {
        metadata,
        spec: spec.value,
        spec_key: spec.key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn kind_of(text: &str) -> Option<WorkloadKind> {
        let doc = parse(text.to_string());
        let mut reader = Reader::new(&doc);
        Object::read(&mut reader)?.workload_kind()
    }

    #[test]
    fn matches_kind_and_group_not_version() {
        assert_eq!(
            kind_of("apiVersion: apps/v1\nkind: Deployment\n"),
            Some(WorkloadKind::Deployment)
        );
        assert_eq!(
            kind_of("apiVersion: apps/v1beta2\nkind: DaemonSet\n"),
            Some(WorkloadKind::DaemonSet)
        );
        assert_eq!(
            kind_of("apiVersion: batch/v1\nkind: CronJob\n"),
            Some(WorkloadKind::CronJob)
        );
        assert_eq!(
            kind_of("apiVersion: v1\nkind: Pod\n"),
            Some(WorkloadKind::Pod)
        );
        assert_eq!(kind_of("kind: Pod\n"), Some(WorkloadKind::Pod));
        assert_eq!(
            kind_of("apiVersion: extensions/v1beta1\nkind: Deployment\n"),
            None
        );
        assert_eq!(kind_of("apiVersion: v1\nkind: ConfigMap\n"), None);
        assert_eq!(kind_of("apiVersion: v1\nkind: Namespace\n"), None);
        assert_eq!(kind_of("- not a mapping\n"), None);
        assert_eq!(kind_of("apiVersion: example.com/v1\nkind: Pod\n"), None);
    }
}
