//! The server's state and every change to it. Each method runs synchronously: handlers call
//! them before their first `.await`, so edits are applied strictly in arrival order whatever the
//! framework's concurrency. What must reach the client goes into one ordered queue.

use super::actions;
use super::convert;
use super::document::{OpenDocument, SegmentResult};
use super::encoding::Encoding;
use super::framing::Frame;
use super::hover;
use super::output::{diagnostic_json, publish_frame};
use super::workspace::{
    ConfigState, DiskIndex, Workspace, config_state, namespaces_in, read_small_file,
};
use crate::analysis::analyze;
use crate::resolve::{CONFIG_FILE_NAME, Config, DocumentPlace, PartialPolicy, Resolver, TextRange};
use crate::yaml;
use dashmap::DashMap;
use std::cell::RefCell;
use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::{self as lsp, MessageType, Uri};

/// What the server sends the client, in order.
#[derive(Debug)]
pub enum Outgoing {
    /// A `publishDiagnostics` frame, serialized (see `output`).
    Publish {
        uri: Uri,
        frame: Frame,
    },
    Log(MessageType, String),
    Show(MessageType, String),
}

/// What the client told us at `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Protocol {
    pub encoding: Encoding,
    pub pull_configuration: bool,
    pub watch_files: bool,
}

struct OpenEntry {
    uri: Uri,
    /// The file's path, or the URI as a path for a buffer that is not a file.
    path: Arc<PathBuf>,
    is_config: bool,
    doc: OpenDocument,
}

/// Lock order: a document (an entry of `documents`) may be locked and then the workspace, never
/// the other way round; the workspace's write lock is only taken with no document locked.
pub struct Session {
    documents: DashMap<String, OpenEntry>,
    workspace: RwLock<Workspace>,
    protocol: RwLock<Protocol>,
    outgoing: UnboundedSender<Outgoing>,
    /// How many answers (the workspace scan, the client's settings) publication still waits
    /// for: diagnostics computed without them would flash and then change.
    warming_up: Mutex<usize>,
    /// How many times the workspace was changed (its write lock taken): a document analysed
    /// while it changed, before the document was listed, missed the refresh that followed.
    workspace_changes: AtomicU64,
    /// The problems with the settings last shown to the user.
    settings_problems: Mutex<Vec<String>>,
    pub shut_down: AtomicBool,
}

/// What an open document contributes to the workspace.
enum Declares {
    Namespaces(Vec<crate::resolve::NamespaceDecl>),
    /// The text of a `.podsec.yaml` buffer.
    Config(String),
}

impl OpenEntry {
    fn declares(&self) -> Declares {
        if self.is_config {
            Declares::Config(self.doc.text())
        } else {
            Declares::Namespaces(self.doc.declarations().cloned().collect())
        }
    }
}

/// Which workloads a change of the workspace affects.
enum Affected {
    /// Workloads in these namespaces.
    Namespaces(Vec<String>),
    /// Every workload.
    All,
}

impl Session {
    pub fn new(outgoing: UnboundedSender<Outgoing>) -> Session {
        Session {
            documents: DashMap::new(),
            workspace: RwLock::new(Workspace::default()),
            protocol: RwLock::new(Protocol::default()),
            outgoing,
            warming_up: Mutex::new(0),
            workspace_changes: AtomicU64::new(0),
            settings_problems: Mutex::new(Vec::new()),
            shut_down: AtomicBool::new(false),
        }
    }

    fn workspace(&self) -> std::sync::RwLockReadGuard<'_, Workspace> {
        self.workspace.read().unwrap_or_else(|e| e.into_inner())
    }

    fn workspace_mut(&self) -> std::sync::RwLockWriteGuard<'_, Workspace> {
        self.workspace_changes.fetch_add(1, Ordering::SeqCst);
        self.workspace.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn protocol(&self) -> Protocol {
        *self.protocol.read().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&self, message: Outgoing) {
        // The receiver lives as long as the server; after it is gone nothing is listening.
        let _ = self.outgoing.send(message);
    }

    pub fn log(&self, kind: MessageType, message: String) {
        self.send(Outgoing::Log(kind, message));
    }

    pub fn initialize(&self, protocol: Protocol, roots: Vec<PathBuf>, settings: PartialPolicy) {
        *self.protocol.write().unwrap_or_else(|e| e.into_inner()) = protocol;
        let mut workspace = self.workspace_mut();
        *workspace = Workspace::new(roots);
        workspace.settings = settings;
    }

    /// Holds publication until `warmed_up` was called `pending` times (or with `all`).
    pub fn warm_up(&self, pending: usize) {
        *self.warming_up.lock().unwrap_or_else(|e| e.into_inner()) = pending;
    }

    /// One awaited answer arrived (or, with `all`, the wait is over): when nothing is awaited
    /// any more, every open document is published.
    pub fn warmed_up(&self, all: bool) {
        {
            let mut pending = self.warming_up.lock().unwrap_or_else(|e| e.into_inner());
            if *pending == 0 {
                return;
            }
            *pending = if all { 0 } else { *pending - 1 };
            if *pending > 0 {
                return;
            }
        }
        for mut entry in self.documents.iter_mut() {
            self.publish(&mut entry);
        }
    }

    fn is_warming_up(&self) -> bool {
        *self.warming_up.lock().unwrap_or_else(|e| e.into_inner()) > 0
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.workspace().roots.clone()
    }

    // ----- documents ---------------------------------------------------------------------

    pub fn open(&self, uri: Uri, version: i32, text: &str) {
        let path = Arc::new(convert::uri_path(&uri).unwrap_or_else(|| PathBuf::from(uri.as_str())));
        let is_config = path.file_name().is_some_and(|n| n == CONFIG_FILE_NAME);
        let changes_before = self.workspace_changes.load(Ordering::SeqCst);
        let doc = {
            let workspace = self.workspace();
            self.with_analyzer(&workspace, &path, is_config, |analyze| {
                OpenDocument::open(text, version, analyze)
            })
        };
        let key = uri.as_str().to_string();
        let mut entry = OpenEntry {
            uri,
            path,
            is_config,
            doc,
        };
        // The workspace learns the document's Namespaces, and its own workloads in them are
        // re-analysed, before it is listed: a refresh running meanwhile (the workspace scan
        // ending) must not publish them without their Namespace.
        let (affected, changed) = self.after_edit(&entry.path.clone(), entry.declares());
        self.reanalyze_affected(&mut entry, &affected);
        self.documents.insert(key.clone(), entry);
        // Someone else changed the workspace (the scan ended, settings arrived) after the
        // analysis began and refreshed the listed documents, not yet this one: it catches up.
        let others = self.workspace_changes.load(Ordering::SeqCst) - changes_before;
        if others > u64::from(changed)
            && let Some(mut entry) = self.documents.get_mut(&key)
        {
            self.reanalyze_affected(&mut entry, &Affected::All);
        }
        self.settle(&key, affected, true);
    }

    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) {
        let encoding = self.protocol().encoding;
        let (path, declares) = {
            let Some(mut entry) = self.documents.get_mut(uri.as_str()) else {
                self.log(
                    MessageType::WARNING,
                    format!("ignored an edit of {} which is not open", uri.as_str()),
                );
                return;
            };
            let entry = &mut *entry;
            let mut declarations_changed = false;
            {
                let workspace = self.workspace();
                self.with_analyzer(
                    &workspace,
                    &entry.path.clone(),
                    entry.is_config,
                    |analyze| {
                        for change in &changes {
                            declarations_changed |= entry.doc.apply_change(
                                change.range,
                                &change.text,
                                encoding,
                                analyze,
                            );
                        }
                    },
                );
            }
            entry.doc.version = version;
            // Most keystrokes leave the document's Namespaces alone: nothing else to look at.
            let declares = (entry.is_config || declarations_changed).then(|| entry.declares());
            (entry.path.clone(), declares)
        };
        // The document's lock is released: the workspace is locked after documents, never before.
        let affected = match declares {
            Some(declares) => self.after_edit(&path, declares).0,
            None => Affected::Namespaces(Vec::new()),
        };
        self.settle(uri.as_str(), affected, false);
    }

    /// After a document changed: re-analyses what its change affects (itself included, as it
    /// may hold workloads in a Namespace it declares, unless that is `done` already) and
    /// publishes it.
    fn settle(&self, uri: &str, affected: Affected, done: bool) {
        let republished = self.refresh_others(affected, done.then_some(uri));
        if !republished.contains(uri)
            && let Some(mut entry) = self.documents.get_mut(uri)
        {
            self.publish(&mut entry);
        }
    }

    pub fn close(&self, uri: &Uri) {
        let Some((_, entry)) = self.documents.remove(uri.as_str()) else {
            return;
        };
        let (is_config, path) = (entry.is_config, entry.path.clone());
        self.send(Outgoing::Publish {
            frame: publish_frame(&entry.uri, None, &[]),
            uri: entry.uri,
        });
        let affected = {
            let mut workspace = self.workspace_mut();
            if is_config {
                workspace.set_buffer_config(&path, None);
                workspace.forget_disk_config(&path);
                Affected::All
            } else {
                Affected::Namespaces(workspace.close_buffer(&path))
            }
        };
        self.refresh(affected);
    }

    /// After a document changed: what it now declares or configures, what that affects, and
    /// whether the workspace was changed. Takes the workspace's write lock, so no document may
    /// be locked by the caller.
    fn after_edit(&self, path: &Path, declares: Declares) -> (Affected, bool) {
        if let Declares::Namespaces(decls) = &declares
            && self.workspace().buffer_namespaces(path) == Some(decls)
        {
            return (Affected::Namespaces(Vec::new()), false);
        }
        let mut workspace = self.workspace_mut();
        let affected = match declares {
            Declares::Config(text) => {
                workspace.set_buffer_config(path, Some(config_state(path, &text)));
                Affected::All
            }
            Declares::Namespaces(decls) => {
                Affected::Namespaces(workspace.set_buffer_namespaces(path, decls))
            }
        };
        (affected, true)
    }

    /// Re-analyses the workloads a workspace change affects in every open document, republishes
    /// those that changed, and returns their URIs.
    fn refresh(&self, affected: Affected) -> HashSet<String> {
        self.refresh_others(affected, None)
    }

    /// `refresh`, leaving out the document `skip` (already re-analysed).
    fn refresh_others(&self, affected: Affected, skip: Option<&str>) -> HashSet<String> {
        let mut republished = HashSet::new();
        if let Affected::Namespaces(names) = &affected
            && names.is_empty()
        {
            return republished;
        }
        for mut entry in self.documents.iter_mut() {
            let entry = &mut *entry;
            if Some(entry.uri.as_str()) == skip {
                continue;
            }
            if self.reanalyze_affected(entry, &affected) {
                self.publish(entry);
                republished.insert(entry.uri.as_str().to_string());
            }
        }
        republished
    }

    /// Re-analyses the workloads of one document that a workspace change affects; returns
    /// whether there were any.
    fn reanalyze_affected(&self, entry: &mut OpenEntry, affected: &Affected) -> bool {
        if entry.is_config {
            return false;
        }
        // Locked after the document, as everywhere.
        let workspace = self.workspace();
        let selects = |r: &SegmentResult| {
            r.workload
                && match affected {
                    Affected::All => true,
                    Affected::Namespaces(names) => {
                        r.namespace.as_ref().is_some_and(|n| names.contains(n))
                    }
                }
        };
        self.with_analyzer(&workspace, &entry.path.clone(), false, |analyze| {
            entry.doc.reanalyze(selects, analyze)
        })
    }

    /// Runs `f` with the analysis of segments of the document at `path`. A panic in the analysis
    /// is caught and logged; the segment keeps its last good findings.
    fn with_analyzer<T>(
        &self,
        workspace: &Workspace,
        path: &Arc<PathBuf>,
        is_config: bool,
        f: impl FnOnce(&mut dyn FnMut(&str, u32) -> SegmentResult) -> T,
    ) -> T {
        let config = if is_config {
            None
        } else {
            workspace.config_for(path)
        };
        let panics = RefCell::new(Vec::new());
        let result = {
            let mut analyze = |text: &str, first_line: u32| {
                if is_config {
                    return SegmentResult {
                        complete: true,
                        ..SegmentResult::default()
                    };
                }
                let run = || analyze_segment(workspace, config.as_deref(), path, text, first_line);
                catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    panics.borrow_mut().push(format!(
                        "podsec: the analysis of {} (line {}) failed: {what}; its last results are kept",
                        path.display(),
                        first_line + 1
                    ));
                    SegmentResult::default()
                })
            };
            f(&mut analyze)
        };
        for message in panics.into_inner() {
            eprintln!("{message}");
            self.log(MessageType::ERROR, message);
        }
        result
    }

    fn publish(&self, entry: &mut OpenEntry) {
        if self.is_warming_up() {
            return;
        }
        let encoding = self.protocol().encoding;
        let version = Some(entry.doc.version);
        let frame = if entry.is_config {
            let json: Vec<String> = config_diagnostics(&entry.doc.text(), &entry.path, encoding)
                .iter()
                .map(diagnostic_json)
                .collect();
            publish_frame(
                &entry.uri,
                version,
                &json.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        } else {
            let json = entry.doc.published_json(|d, first_line| {
                diagnostic_json(&convert::diagnostic(d, first_line, encoding))
            });
            let elements: &[&str] = if json.is_empty() { &[] } else { &[json] };
            publish_frame(&entry.uri, version, elements)
        };
        self.send(Outgoing::Publish {
            uri: entry.uri.clone(),
            frame,
        });
    }

    // ----- workspace -----------------------------------------------------------------------

    /// Takes in what a scan of the workspace folders found.
    pub fn apply_disk_index(&self, index: DiskIndex) {
        self.log(
            MessageType::INFO,
            format!(
                "podsec: indexed {} files, {} Namespace manifests, {} .podsec.yaml",
                index.files_read,
                index.namespaces.values().map(Vec::len).sum::<usize>(),
                index.configs.len()
            ),
        );
        self.workspace_mut().set_disk_index(index);
        self.refresh(Affected::All);
    }

    /// Files changed on disk (from the client's file watcher).
    pub fn files_changed(&self, changes: Vec<lsp::FileEvent>) {
        let mut affected_names = HashSet::new();
        let mut all = false;
        for change in changes {
            let Some(path) = convert::uri_path(&change.uri) else {
                continue;
            };
            if path.file_name().is_some_and(|n| n == CONFIG_FILE_NAME) {
                self.workspace_mut().forget_disk_config(&path);
                all = true;
                continue;
            }
            let text = if change.typ == lsp::FileChangeType::DELETED
                || !self.workspace().may_read(&path)
            {
                None
            } else {
                read_small_file(&path)
            };
            let decls = text.map(|t| namespaces_in(&path, &t)).unwrap_or_default();
            affected_names.extend(self.workspace_mut().set_disk_namespaces(&path, decls));
        }
        let affected = if all {
            Affected::All
        } else {
            Affected::Namespaces(affected_names.into_iter().collect())
        };
        self.refresh(affected);
    }

    pub fn set_settings(&self, value: &serde_json::Value) {
        let (settings, problems) = super::settings::read_settings(value);
        self.report_settings_problems(problems);
        let changed = {
            let mut workspace = self.workspace_mut();
            let changed = workspace.settings != settings;
            workspace.settings = settings;
            changed
        };
        if changed {
            self.refresh(Affected::All);
        }
    }

    /// Shows what was wrong with the settings, once: clients send the same settings again
    /// (initialization options, then a configuration pull, then a change notification).
    pub fn report_settings_problems(&self, problems: Vec<String>) {
        let mut reported = self
            .settings_problems
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if *reported == problems {
            return;
        }
        for problem in &problems {
            self.send(Outgoing::Show(MessageType::ERROR, problem.clone()));
        }
        *reported = problems;
    }

    // ----- requests ------------------------------------------------------------------------

    /// The policy of the workload at `position` (or the file's first workload, or what a
    /// workload without a namespace would get): for the editor's status bar. Each mode says
    /// what set its level and its version, with where when that is a file.
    pub fn effective_policy(
        &self,
        uri: &Uri,
        position: Option<lsp::Position>,
    ) -> serde_json::Value {
        use crate::k8s::{Object, Reader, read_pod};
        use crate::resolve::{Mode, Resolution, Source};
        use serde_json::json;
        let Some(entry) = self.documents.get(uri.as_str()) else {
            return serde_json::Value::Null;
        };
        let encoding = self.protocol().encoding;
        let near = position.map(|p| encoding.offset(entry.doc.rope(), p));
        let workspace = self.workspace();
        let config = workspace.config_for(&entry.path);
        let resolver = resolver(&workspace, config.as_deref());
        // Only segments known to hold a workload are parsed, the one at the cursor first.
        let workload = entry.doc.workload_texts(near).find_map(|text| {
            let doc = yaml::parse(text);
            let mut reader = Reader::new(&doc);
            let object = Object::read(&mut reader)?;
            let pod = read_pod(&mut reader, &object)?;
            let namespace = object.namespace.map(|n| n.value);
            let name = format!(
                "{}/{}",
                object.kind.value,
                object.name.map_or("", |n| n.value)
            );
            let resolution = resolver.resolve(namespace, pod.runtime_class_name.map(|r| r.value));
            Some((name, namespace.map(str::to_string), resolution))
        });
        let (object, namespace, resolution) = match workload {
            Some((name, namespace, resolution)) => (Some(name), namespace, resolution),
            None => (None, None, resolver.resolve(None, None)),
        };
        let location = |l: &crate::resolve::Location| convert::location(l, encoding);
        let source = |s: &Source| json!({"description": s.describe(), "location": s.location().and_then(location)});
        match resolution {
            Resolution::Exempt {
                reason,
                location: at,
            } => json!({
                "object": object, "namespace": namespace, "exempt": reason,
                "location": location(&at),
            }),
            Resolution::Evaluate(policy) => {
                let mode = |m: Mode| {
                    let p = policy.mode(m);
                    json!({
                        "policy": p.policy.to_string(),
                        "source": p.level_source.describe(),
                        "level": source(&p.level_source),
                        "version": source(&p.version_source),
                    })
                };
                json!({
                    "object": object,
                    "namespace": namespace,
                    "enforce": mode(Mode::Enforce),
                    "warn": mode(Mode::Warn),
                    "audit": mode(Mode::Audit),
                })
            }
        }
    }

    pub fn code_actions(
        &self,
        uri: &Uri,
        range: lsp::Range,
        wanted: &actions::Wanted,
    ) -> Vec<lsp::CodeActionOrCommand> {
        let Some(entry) = self.documents.get(uri.as_str()) else {
            return Vec::new();
        };
        if entry.is_config {
            return Vec::new();
        }
        let context = actions::Context {
            uri,
            rope: entry.doc.rope(),
            encoding: self.protocol().encoding,
        };
        let start = context.encoding.offset(context.rope, range.start);
        let end = context.encoding.offset(context.rope, range.end);
        let mut found = Vec::new();
        if wanted.includes(&lsp::CodeActionKind::QUICKFIX) {
            let segments = entry.doc.segments_between(start, end);
            found.extend(actions::quick_fixes(&context, &segments, start, end));
        }
        if wanted.fix_all() {
            let workspace = self.workspace();
            let config = workspace.config_for(&entry.path);
            let segments = entry.doc.segments_between(0, usize::MAX);
            let mut analyze = |first_line: u32, doc: &yaml::Document| {
                analyze_with(&workspace, config.as_deref(), &entry.path, first_line, doc)
                    .diagnostics
            };
            found.extend(actions::fix_all_action(&context, &segments, &mut analyze));
        }
        found
    }

    pub fn hover(&self, uri: &Uri, position: lsp::Position) -> Option<lsp::Hover> {
        let entry = self.documents.get(uri.as_str())?;
        let encoding = self.protocol().encoding;
        let offset = encoding.offset(entry.doc.rope(), position);
        let found = entry.doc.diagnostics_at(offset);
        let diagnostics: Vec<_> = found.iter().map(|(_, d)| *d).collect();
        let markdown = hover::explain(&diagnostics)?;
        let (first_line, first) = found.iter().find(|(_, d)| d.violation.is_some())?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(lsp::Range {
                start: encoding.position(first.range.start, *first_line),
                end: encoding.position(first.range.end, *first_line),
            }),
        })
    }
}

/// One segment's analysis, with the workspace's policy.
fn analyze_segment(
    workspace: &Workspace,
    config: Option<&Config>,
    path: &Arc<PathBuf>,
    text: &str,
    first_line: u32,
) -> SegmentResult {
    // Fault injection for the end-to-end test of panic recovery; debug builds only.
    #[cfg(debug_assertions)]
    if text.contains("podsec-test-inject-panic") {
        panic!("injected by a test");
    }
    let doc = yaml::parse(text.to_string());
    let report = analyze_with(workspace, config, path, first_line, &doc);
    SegmentResult {
        diagnostics: report.diagnostics,
        declares: report.declares,
        workload: report.workload,
        namespace: report.namespace,
        complete: report.readable,
    }
}

/// The server has no command-line flags: that layer of every policy is empty.
static NO_FLAGS: PartialPolicy = PartialPolicy {
    levels: [const { None }; 3],
    versions: [const { None }; 3],
};

/// How the server resolves policies for a document under `config`.
fn resolver<'a>(workspace: &'a Workspace, config: Option<&'a Config>) -> Resolver<'a> {
    Resolver {
        namespaces: workspace,
        config,
        flags: &NO_FLAGS,
        settings: &workspace.settings,
    }
}

/// The analysis of a parsed document with the workspace's policy.
fn analyze_with(
    workspace: &Workspace,
    config: Option<&Config>,
    path: &Arc<PathBuf>,
    first_line: u32,
    doc: &yaml::Document,
) -> crate::analysis::DocumentReport {
    let place = DocumentPlace {
        path: path.clone(),
        first_line,
    };
    analyze(doc, &place, &resolver(workspace, config))
}

/// The errors of a `.podsec.yaml` buffer as diagnostics on it.
fn config_diagnostics(text: &str, path: &Path, encoding: Encoding) -> Vec<lsp::Diagnostic> {
    let ConfigState::Invalid(errors) = config_state(path, text) else {
        return Vec::new();
    };
    errors
        .into_iter()
        .map(|e| {
            let range: TextRange = e.range;
            lsp::Diagnostic {
                range: lsp::Range {
                    start: encoding.position(range.start, 0),
                    end: encoding.position(range.end, 0),
                },
                severity: Some(lsp::DiagnosticSeverity::ERROR),
                code: Some(lsp::NumberOrString::String("config".to_string())),
                source: Some("podsec".to_string()),
                message: format!(
                    "{}; podsec ignores this config until it is fixed",
                    e.message
                ),
                ..lsp::Diagnostic::default()
            }
        })
        .collect()
}
