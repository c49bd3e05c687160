//! Quick fixes: for a PSA violation, the edits that remove it, written as a careful human would
//! write them. Fix-all applies one fix at a time and analyses again, so fixes compose.

mod all;
mod edit;
mod suppress;

pub use all::{FixedText, fix_all};
pub use edit::{Layout, NewValue, TextEdit, apply};
pub use suppress::{suppress_document, suppress_field};

use crate::k8s::{Object, Pod, Reader, read_pod};
use crate::policy::{CheckId, Fault, Owner};
use crate::yaml::{Document, Entry, NodeId};

/// One way to repair a violation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Clearly the right fix; fix-all applies only these.
    pub preferred: bool,
    pub edits: Vec<TextEdit>,
    /// The field it changes, adds or removes (below the pod spec, a container or a port).
    pub target: Target,
}

/// What a fix changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Field {
        owner: Owner,
        path: Vec<&'static str>,
    },
    Annotation(String),
}

/// The fixes for one violation of `doc`, the preferred one first.
pub fn fixes(doc: &Document, check: CheckId, fault: &Fault) -> Vec<Fix> {
    let mut reader = Reader::new(doc);
    let Some(object) = Object::read(&mut reader) else {
        return Vec::new();
    };
    let Some(pod) = read_pod(&mut reader, &object) else {
        return Vec::new();
    };
    let remedy = Remedy {
        layout: Layout::of(doc),
        pod: &pod,
    };
    remedy.fixes(check, fault)
}

struct Remedy<'a, 'd> {
    layout: Layout<'d>,
    pod: &'a Pod<'d>,
}

/// A fix made of one edit to `target`, if the edit could be made.
fn one(title: String, preferred: bool, target: Target, edit: Option<TextEdit>) -> Option<Fix> {
    Some(Fix {
        title,
        preferred,
        edits: vec![edit?],
        target,
    })
}

fn field(owner: Owner, path: &[&'static str]) -> Target {
    Target::Field {
        owner,
        path: path.to_vec(),
    }
}

impl Remedy<'_, '_> {
    fn doc(&self) -> &Document {
        self.layout.doc
    }

    /// The mapping a fault's path starts from; `None` when it is shared through an alias.
    fn owner(&self, owner: Owner) -> Option<NodeId> {
        match owner {
            Owner::Pod => Some(self.pod.spec),
            Owner::Container(i) => {
                let c = self.pod.containers.get(i)?;
                (!c.shared).then_some(c.node)
            }
            Owner::Port(i, j) => {
                let c = self.pod.containers.get(i)?;
                (!c.shared).then(|| c.ports.get(j).map(|p| p.node))?
            }
        }
    }

    /// Where a field is: its mapping and entry, each step written in place (not through an
    /// alias or a merge key).
    fn locate(&self, owner: Owner, path: &[&str]) -> Option<(NodeId, Entry)> {
        let mut map = self.owner(owner)?;
        let (last, steps) = path.split_last()?;
        for step in steps {
            let entry = self.direct(map, step)?;
            map = entry.value;
            if !self.doc().is_mapping(map) {
                return None;
            }
        }
        Some((map, self.direct(map, last)?))
    }

    /// An entry written in `map` itself, whose value is not an alias.
    fn direct(&self, map: NodeId, key: &str) -> Option<Entry> {
        let entry = self.doc().get(map, key)?;
        let own = self.doc().entries(map).any(|e| e == entry);
        let aliased = self.doc().resolve(entry.value) != entry.value;
        (own && !aliased).then_some(entry)
    }

    fn set(&self, owner: Owner, path: &[&str], value: NewValue) -> Option<TextEdit> {
        self.layout.set_path(self.owner(owner)?, path, &value)
    }

    fn remove(&self, owner: Owner, path: &[&str]) -> Option<TextEdit> {
        let (map, entry) = self.locate(owner, path)?;
        self.remove_entry(map, entry)
    }

    /// Removes an entry, unless its key is written twice in the mapping: removing the later
    /// one would bring back the earlier (the duplicate-key warning says so first).
    fn remove_entry(&self, map: NodeId, entry: Entry) -> Option<TextEdit> {
        let doc = self.doc();
        let key = doc.key_string(entry.key)?;
        let same_key = doc
            .entries(map)
            .filter(|e| doc.key_string(e.key).is_some_and(|k| k == key))
            .count();
        (same_key == 1).then(|| self.layout.remove_entry(map, entry))?
    }

    fn fixes(&self, check: CheckId, fault: &Fault) -> Vec<Fix> {
        use CheckId::*;
        let scalar = NewValue::scalar;
        let path = |path: &[&'static str]| path.join(".");
        let fixes: Vec<Option<Fix>> = match (check, fault) {
            (
                AllowPrivilegeEscalation,
                Fault::Missing { owner, path: p } | Fault::Field { owner, path: p },
            ) => vec![one(
                "Set allowPrivilegeEscalation: false".into(),
                true,
                field(*owner, p),
                self.set(*owner, p, scalar("false")),
            )],
            (CapabilitiesRestricted, Fault::Missing { owner, path: p }) => vec![one(
                "Drop ALL capabilities".into(),
                true,
                field(*owner, p),
                self.drop_all(*owner, p),
            )],
            (
                CapabilitiesBaseline | CapabilitiesRestricted | Sysctls,
                Fault::Item {
                    owner,
                    path: p,
                    item,
                },
            ) => {
                let what = match check {
                    Sysctls => {
                        let item = self.doc().resolve(*item);
                        let name = self
                            .doc()
                            .get(item, "name")
                            .and_then(|e| self.doc().scalar_text(e.value));
                        format!("the sysctl {}", name.unwrap_or_default())
                    }
                    _ => self
                        .doc()
                        .scalar_text(*item)
                        .unwrap_or_default()
                        .to_string(),
                };
                vec![one(
                    format!("Remove {what} from {}", path(p)),
                    true,
                    field(*owner, p),
                    self.locate(*owner, p)
                        .and_then(|(_, list)| self.layout.remove_item(list, *item)),
                )]
            }
            (RunAsNonRoot, Fault::Field { owner, path: p }) => vec![one(
                "Set runAsNonRoot: true".into(),
                true,
                field(*owner, p),
                self.set(*owner, p, scalar("true")),
            )],
            (RunAsNonRoot, Fault::Missing { owner, path: p }) => vec![
                one(
                    "Set runAsNonRoot: true for the pod".into(),
                    true,
                    field(Owner::Pod, p),
                    self.set(Owner::Pod, p, scalar("true")),
                ),
                one(
                    "Set runAsNonRoot: true for this container".into(),
                    false,
                    field(*owner, p),
                    self.set(*owner, p, scalar("true")),
                ),
            ],
            (RunAsUser, Fault::Field { owner, path: p }) => vec![
                one(
                    "Remove runAsUser: 0".into(),
                    true,
                    field(*owner, p),
                    self.remove(*owner, p),
                ),
                one(
                    "Set runAsUser: 65534 (a non-root UID)".into(),
                    false,
                    field(*owner, p),
                    self.set(*owner, p, scalar("65534")),
                ),
            ],
            (
                SeccompProfileBaseline | SeccompProfileRestricted | AppArmorProfile,
                Fault::Field { owner, path: p },
            ) => vec![one(
                format!("Set {}: RuntimeDefault", path(p)),
                true,
                field(*owner, p),
                self.set(*owner, p, scalar("RuntimeDefault")),
            )],
            (SeccompProfileRestricted, Fault::Missing { owner, path: p }) => {
                let runtime_default =
                    || NewValue::Map(vec![("type".into(), scalar("RuntimeDefault"))]);
                vec![
                    one(
                        "Set seccompProfile: {type: RuntimeDefault} for the pod".into(),
                        true,
                        field(Owner::Pod, p),
                        self.set(Owner::Pod, p, runtime_default()),
                    ),
                    one(
                        "Set seccompProfile: {type: RuntimeDefault} for this container".into(),
                        false,
                        field(*owner, p),
                        self.set(*owner, p, runtime_default()),
                    ),
                ]
            }
            (Privileged | HostNamespaces | WindowsHostProcess, Fault::Field { owner, path: p }) => {
                vec![
                    one(
                        format!("Set {}: false", path(p)),
                        true,
                        field(*owner, p),
                        self.set(*owner, p, scalar("false")),
                    ),
                    one(
                        format!("Remove {}", path(p)),
                        false,
                        field(*owner, p),
                        self.remove(*owner, p),
                    ),
                ]
            }
            (
                HostPorts | HostProbesAndHostLifecycle | SeLinuxOptions,
                Fault::Field { owner, path: p },
            ) => {
                vec![one(
                    format!("Remove {}", path(p)),
                    true,
                    field(*owner, p),
                    self.remove(*owner, p),
                )]
            }
            (ProcMount | ProcMountRestricted, Fault::Field { owner, path: p }) => vec![
                one(
                    "Set procMount: Default".into(),
                    true,
                    field(*owner, p),
                    self.set(*owner, p, scalar("Default")),
                ),
                one(
                    "Remove procMount".into(),
                    false,
                    field(*owner, p),
                    self.remove(*owner, p),
                ),
            ],
            (_, Fault::Annotation { key }) => vec![
                one(
                    format!("Set the annotation {key} to runtime/default"),
                    true,
                    Target::Annotation(key.clone()),
                    self.set_annotation(key, "runtime/default"),
                ),
                one(
                    format!("Remove the annotation {key}"),
                    false,
                    Target::Annotation(key.clone()),
                    self.remove_annotation(key),
                ),
            ],
            _ => Vec::new(),
        };
        fixes
            .into_iter()
            .flatten()
            .filter(|fix| !fix.edits.iter().any(|e| self.edits_shared_text(e)))
            .collect()
    }

    /// Whether an edit falls inside an anchored node that an alias reuses: it would change
    /// every place that uses it, not just this one.
    fn edits_shared_text(&self, edit: &TextEdit) -> bool {
        let doc = self.doc();
        (0..doc.node_count() as NodeId).any(|id| match doc.node(id).kind {
            crate::yaml::NodeKind::Alias { target } => {
                let shared = doc.node(target).span;
                (shared.start as usize) < edit.end.max(edit.start + 1)
                    && edit.start < shared.end as usize
            }
            _ => false,
        })
    }

    /// Makes a container's `capabilities.drop` include `ALL`.
    fn drop_all(&self, owner: Owner, drop_path: &[&str]) -> Option<TextEdit> {
        if let Some((_, drop)) = self.locate(owner, drop_path)
            && self.doc().is_sequence(drop.value)
        {
            return self.layout.append_item(drop, "ALL");
        }
        self.set(owner, drop_path, NewValue::List(vec!["ALL".into()]))
    }

    fn annotations(&self) -> Option<NodeId> {
        let metadata = self.pod.metadata?;
        let entry = self.direct(metadata, "annotations")?;
        self.doc().is_mapping(entry.value).then_some(entry.value)
    }

    fn set_annotation(&self, key: &str, value: &str) -> Option<TextEdit> {
        let entry = self.direct(self.annotations()?, key)?;
        self.layout.set_scalar(entry.value, value)
    }

    fn remove_annotation(&self, key: &str) -> Option<TextEdit> {
        let annotations = self.annotations()?;
        self.remove_entry(annotations, self.direct(annotations, key)?)
    }
}
