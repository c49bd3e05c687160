//! What the workspace knows beyond one document: the Namespaces its manifests declare and its
//! `.podsec.yaml` files, from open buffers (which win) and from disk.

use crate::analysis::{may_declare_namespace, namespace_declaration};
use crate::resolve::{
    CONFIG_FILE_NAME, Config, ConfigError, DocumentPlace, NamespaceDecl, NamespaceLookup,
    PartialPolicy, parse_config,
};
use crate::yaml::lines::LineIndex;
use crate::yaml::{self, stream};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Files larger than this are not read from disk.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// At most this many files are read while indexing a workspace.
pub const MAX_INDEXED_FILES: usize = 20_000;

/// A parsed `.podsec.yaml`, or why it was refused.
#[derive(Clone, Debug)]
pub enum ConfigState {
    Valid(Arc<Config>),
    Invalid(Vec<ConfigError>),
}

#[derive(Default)]
pub struct Workspace {
    pub roots: Vec<PathBuf>,
    /// The roots with symbolic links resolved: what may be read from disk lies under them.
    real_roots: Vec<PathBuf>,
    /// Namespaces declared by files on disk, by file.
    disk_namespaces: BTreeMap<PathBuf, Vec<NamespaceDecl>>,
    /// Namespaces declared by open buffers, by the buffer's path (or URI when it has none);
    /// every open buffer has an entry.
    buffer_namespaces: BTreeMap<PathBuf, Vec<NamespaceDecl>>,
    /// The effective declaration of each name: a buffer's, else the first file's on disk.
    by_name: HashMap<String, NamespaceDecl>,
    /// Configs read from disk, and paths known to have none (filled as documents need them).
    disk_configs: Mutex<HashMap<PathBuf, Option<ConfigState>>>,
    /// Configs of open `.podsec.yaml` buffers.
    buffer_configs: HashMap<PathBuf, ConfigState>,
    pub settings: PartialPolicy,
}

impl NamespaceLookup for Workspace {
    fn namespace(&self, name: &str) -> Option<&NamespaceDecl> {
        self.by_name.get(name)
    }
}

impl Workspace {
    pub fn new(roots: Vec<PathBuf>) -> Workspace {
        let real_roots = roots
            .iter()
            .filter_map(|r| std::fs::canonicalize(r).ok())
            .collect();
        Workspace {
            roots,
            real_roots,
            ..Workspace::default()
        }
    }

    /// Whether `path` is a file the server may read: one that, symbolic links followed, lies
    /// in a workspace folder. Nothing is read from disk without workspace folders.
    pub fn may_read(&self, path: &Path) -> bool {
        std::fs::canonicalize(path)
            .is_ok_and(|real| self.real_roots.iter().any(|root| real.starts_with(root)))
    }

    /// Sets what an open buffer declares (an open buffer hides its file on disk); returns the
    /// names whose declaration changed.
    pub fn set_buffer_namespaces(&mut self, path: &Path, decls: Vec<NamespaceDecl>) -> Vec<String> {
        let old = self.buffer_namespaces.insert(path.to_path_buf(), decls);
        let old_disk = self.disk_namespaces.get(path).cloned().unwrap_or_default();
        self.refresh_names(old.unwrap_or(old_disk))
    }

    /// What an open buffer declares, if it is open.
    pub fn buffer_namespaces(&self, path: &Path) -> Option<&Vec<NamespaceDecl>> {
        self.buffer_namespaces.get(path)
    }

    /// A buffer closed: its file on disk counts again. Returns the names whose declaration
    /// changed.
    pub fn close_buffer(&mut self, path: &Path) -> Vec<String> {
        let old = self.buffer_namespaces.remove(path).unwrap_or_default();
        self.refresh_names(old)
    }

    /// Sets what a file on disk declares; returns the names whose declaration changed.
    pub fn set_disk_namespaces(&mut self, path: &Path, decls: Vec<NamespaceDecl>) -> Vec<String> {
        let old = if decls.is_empty() {
            self.disk_namespaces.remove(path)
        } else {
            self.disk_namespaces.insert(path.to_path_buf(), decls)
        };
        self.refresh_names(old.unwrap_or_default())
    }

    /// Replaces everything known from disk (after a workspace scan).
    pub fn set_disk_index(&mut self, index: DiskIndex) {
        let old: Vec<NamespaceDecl> = self.disk_namespaces.values().flatten().cloned().collect();
        self.disk_namespaces = index.namespaces;
        let disk_configs = self
            .disk_configs
            .get_mut()
            .unwrap_or_else(|e| e.into_inner());
        for (path, state) in index.configs {
            disk_configs.insert(path, Some(state));
        }
        self.refresh_names(old);
    }

    /// Recomputes `by_name`; returns the names whose effective declaration changed.
    fn refresh_names(&mut self, old: Vec<NamespaceDecl>) -> Vec<String> {
        let mut by_name: HashMap<String, NamespaceDecl> = HashMap::new();
        // Files on disk first (in path order, the first wins), then buffers over them; a buffer
        // hides its own file's disk declarations.
        for (path, decls) in &self.disk_namespaces {
            if self.buffer_namespaces.contains_key(path) {
                continue;
            }
            for decl in decls {
                by_name
                    .entry(decl.name.clone())
                    .or_insert_with(|| decl.clone());
            }
        }
        let mut from_buffers: HashMap<String, NamespaceDecl> = HashMap::new();
        for decls in self.buffer_namespaces.values() {
            for decl in decls {
                from_buffers
                    .entry(decl.name.clone())
                    .or_insert_with(|| decl.clone());
            }
        }
        by_name.extend(from_buffers);
        let mut changed: Vec<String> = old
            .iter()
            .map(|d| d.name.clone())
            .chain(by_name.keys().cloned())
            .filter(|name| self.by_name.get(name) != by_name.get(name))
            .collect();
        changed.sort();
        changed.dedup();
        self.by_name = by_name;
        changed
    }

    /// Sets an open `.podsec.yaml` buffer's config (`None` when it closes).
    pub fn set_buffer_config(&mut self, path: &Path, state: Option<ConfigState>) {
        match state {
            Some(state) => self.buffer_configs.insert(path.to_path_buf(), state),
            None => self.buffer_configs.remove(path),
        };
    }

    /// Forgets what is known of a config file on disk, to be read again when needed.
    pub fn forget_disk_config(&mut self, path: &Path) {
        self.disk_configs
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
    }

    /// The config that applies to a file: the nearest `.podsec.yaml` in its folder or a parent
    /// (within the workspace folders, when there are any). A refused config applies as none;
    /// its errors are on the config file.
    pub fn config_for(&self, file: &Path) -> Option<Arc<Config>> {
        let dir = file.parent()?;
        for folder in dir.ancestors() {
            if !self.roots.iter().any(|r| folder.starts_with(r)) {
                break;
            }
            let candidate = folder.join(CONFIG_FILE_NAME);
            let state = match self.buffer_configs.get(&candidate) {
                Some(state) => Some(state.clone()),
                None => self
                    .disk_configs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .entry(candidate.clone())
                    .or_insert_with(|| {
                        self.may_read(&candidate)
                            .then(|| read_config(&candidate))
                            .flatten()
                    })
                    .clone(),
            };
            match state {
                Some(ConfigState::Valid(config)) => return Some(config),
                Some(ConfigState::Invalid(_)) => return None,
                None => continue,
            }
        }
        None
    }
}

/// Reads a config file from disk; `None` when there is none.
fn read_config(path: &Path) -> Option<ConfigState> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(config_state(path, &text))
}

pub fn config_state(path: &Path, text: &str) -> ConfigState {
    match parse_config(Arc::new(path.to_path_buf()), text) {
        Ok(config) => ConfigState::Valid(Arc::new(config)),
        Err(errors) => ConfigState::Invalid(errors),
    }
}

/// The Namespaces a text declares.
pub fn namespaces_in(path: &Path, text: &str) -> Vec<NamespaceDecl> {
    if !may_declare_namespace(text) {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    let shared = Arc::new(path.to_path_buf());
    stream::split(text)
        .into_iter()
        .filter(|s| may_declare_namespace(&text[s.start..s.end]))
        .filter_map(|s| {
            let doc = yaml::parse(text[s.start..s.end].to_string());
            let place = DocumentPlace {
                path: shared.clone(),
                first_line: lines.line_of(s.start) as u32,
            };
            namespace_declaration(&doc, &place)
        })
        .collect()
}

/// What a scan of the workspace folders found on disk.
#[derive(Default)]
pub struct DiskIndex {
    pub namespaces: BTreeMap<PathBuf, Vec<NamespaceDecl>>,
    pub configs: Vec<(PathBuf, ConfigState)>,
    pub files_read: usize,
}

/// Reads the Namespace manifests and configs under `roots`, skipping tool and hidden folders,
/// large files and symbolic links that lead out of the folder.
pub fn scan(roots: &[PathBuf]) -> DiskIndex {
    let mut index = DiskIndex::default();
    for root in roots {
        let Ok(canonical_root) = std::fs::canonicalize(root) else {
            continue;
        };
        let mut pending = vec![root.clone()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                if index.files_read >= MAX_INDEXED_FILES {
                    return index;
                }
                let path = entry.path();
                let name = entry.file_name();
                let name = name.to_string_lossy();
                let Ok(file_type) = entry.file_type() else {
                    continue;
                };
                if file_type.is_symlink() {
                    match std::fs::canonicalize(&path) {
                        Ok(target) if target.starts_with(&canonical_root) => {}
                        _ => continue,
                    }
                }
                if path.is_dir() {
                    let skipped =
                        name.starts_with('.') || matches!(name.as_ref(), "node_modules" | "target");
                    if !skipped && !file_type.is_symlink() {
                        pending.push(path);
                    }
                    continue;
                }
                let is_config = name == CONFIG_FILE_NAME;
                let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
                if !(is_config || is_yaml) {
                    continue;
                }
                let Some(text) = read_small_file(&path) else {
                    continue;
                };
                index.files_read += 1;
                if is_config {
                    index
                        .configs
                        .push((path, config_state(&entry.path(), &text)));
                } else {
                    let decls = namespaces_in(&path, &text);
                    if !decls.is_empty() {
                        index.namespaces.insert(path, decls);
                    }
                }
            }
        }
    }
    index
}

/// A file's text if it is a regular file no larger than [`MAX_FILE_BYTES`] and UTF-8.
pub fn read_small_file(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{Location, TextRange};

    fn decl(name: &str, file: &str) -> NamespaceDecl {
        NamespaceDecl {
            name: name.to_string(),
            labels: Vec::new(),
            location: Location {
                path: Arc::new(PathBuf::from(file)),
                range: TextRange::default(),
            },
            from_config: false,
        }
    }

    #[test]
    fn buffers_win_over_disk_and_hide_their_own_file() {
        let mut ws = Workspace::new(Vec::new());
        assert_eq!(
            ws.set_disk_namespaces(Path::new("/w/a.yaml"), vec![decl("web", "/w/a.yaml")]),
            ["web"]
        );
        assert_eq!(
            ws.namespace("web").unwrap().location.path.as_path(),
            Path::new("/w/a.yaml")
        );
        // Another buffer declaring it wins.
        assert_eq!(
            ws.set_buffer_namespaces(Path::new("/w/b.yaml"), vec![decl("web", "/w/b.yaml")]),
            ["web"]
        );
        assert_eq!(
            ws.namespace("web").unwrap().location.path.as_path(),
            Path::new("/w/b.yaml")
        );
        // Opening a.yaml with the declaration removed hides the disk version.
        ws.set_buffer_namespaces(Path::new("/w/b.yaml"), Vec::new());
        assert_eq!(
            ws.set_buffer_namespaces(Path::new("/w/a.yaml"), vec![decl("api", "/w/a.yaml")]),
            ["api", "web"]
        );
        assert!(ws.namespace("web").is_none());
        assert!(ws.namespace("api").is_some());
    }
}
