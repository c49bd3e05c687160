//! The `check` command's work: read the files, learn their Namespaces and configs, analyse
//! every document.

use super::walk::{collect, io_reason};
use crate::analysis::{Diagnostic, analyze, may_declare_namespace, namespace_declaration};
use crate::policy::{Level, Version};
use crate::resolve::{
    Config, DocumentPlace, Mode, NamespaceDecl, PartialPolicy, Resolver, Source, find_config,
    parse_config,
};
use crate::yaml::lines::LineIndex;
use crate::yaml::stream::{Segment, split};
use crate::yaml::{self, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A diagnostic placed in its file, with what it is about.
#[derive(Clone, Debug)]
pub struct Located {
    /// Span and range relative to the whole file.
    pub diagnostic: Diagnostic,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

pub struct CheckedFile {
    pub path: PathBuf,
    pub text: String,
    pub lines: LineIndex,
    pub documents: usize,
    pub findings: Vec<Located>,
}

pub struct Report {
    pub files: Vec<CheckedFile>,
}

impl Report {
    pub fn documents(&self) -> usize {
        self.files.iter().map(|f| f.documents).sum()
    }

    pub fn findings(&self) -> impl Iterator<Item = (&CheckedFile, &Located)> {
        self.files
            .iter()
            .flat_map(|f| f.findings.iter().map(move |l| (f, l)))
    }
}

/// The enforce policy given on the command line.
pub fn flag_policy(level: Option<Level>, version: Option<Version>) -> PartialPolicy {
    let mut flags = PartialPolicy::default();
    if let Some(level) = level {
        flags.set_level(Mode::Enforce, level, Source::Flag("--level"));
    }
    if let Some(version) = version {
        flags.set_version(Mode::Enforce, version, Source::Flag("--version"));
    }
    flags
}

/// The files under `paths`, read. `Err` is a one-line reason (exit status 2).
fn read_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, String> {
    let files = collect(paths)?;
    let mut texts = Vec::with_capacity(files.len());
    for path in files {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: {}", path.display(), io_reason(&e)))?;
        texts.push((path, text));
    }
    Ok(texts)
}

/// Checks every file under `paths`. `Err` is a one-line reason (exit status 2).
pub fn check(paths: &[PathBuf], flags: &PartialPolicy) -> Result<Report, String> {
    let texts = read_files(paths)?;
    let mut configs = ConfigCache::default();
    let namespaces = index_namespaces(&texts);
    let settings = PartialPolicy::default();
    let mut report = Report { files: Vec::new() };
    for (path, text) in texts {
        let config = configs.for_file(&path)?;
        let resolver = Resolver {
            namespaces: &namespaces,
            config: config.as_deref(),
            flags,
            settings: &settings,
        };
        report.files.push(check_file(path, text, &resolver));
    }
    Ok(report)
}

/// What `check --fix` changed.
#[derive(Debug, Default)]
pub struct FixSummary {
    pub fixes: usize,
    pub files: usize,
    /// Symbolic links met in a folder, whose files were not rewritten.
    pub links_skipped: Vec<PathBuf>,
}

/// Rewrites every file under `paths` with the preferred fixes of its violations (documents
/// that do not parse are left alone). `Err` is a one-line reason (exit status 2).
pub fn fix(paths: &[PathBuf], flags: &PartialPolicy) -> Result<FixSummary, String> {
    let texts = read_files(paths)?;
    let mut configs = ConfigCache::default();
    let namespaces = index_namespaces(&texts);
    let settings = PartialPolicy::default();
    let mut summary = FixSummary::default();
    for (path, text) in &texts {
        let config = configs.for_file(path)?;
        let resolver = Resolver {
            namespaces: &namespaces,
            config: config.as_deref(),
            flags,
            settings: &settings,
        };
        let lines = LineIndex::new(text);
        let shared_path = Arc::new(path.clone());
        let mut fixed = String::with_capacity(text.len());
        let mut count = 0;
        for segment in split(text) {
            let place = place_of(&shared_path, &lines, &segment);
            let mut analyze_one =
                |doc: &yaml::Document| analyze(doc, &place, &resolver).diagnostics;
            let result = crate::fix::fix_all(&text[segment.start..segment.end], &mut analyze_one);
            count += result.applied.len();
            fixed.push_str(&result.text);
        }
        // Writing through a link met in a folder could change a file outside the paths given.
        let found_in_folder = !paths.contains(path);
        if count > 0 && found_in_folder && path.is_symlink() {
            summary.links_skipped.push(path.clone());
            continue;
        }
        if count > 0 {
            std::fs::write(path, &fixed)
                .map_err(|e| format!("{}: {}", path.display(), io_reason(&e)))?;
            summary.fixes += count;
            summary.files += 1;
        }
    }
    Ok(summary)
}

fn check_file(path: PathBuf, text: String, resolver: &Resolver<'_>) -> CheckedFile {
    let lines = LineIndex::new(&text);
    let segments = split(&text);
    let shared_path = Arc::new(path.clone());
    let mut findings = Vec::new();
    for segment in &segments {
        let place = place_of(&shared_path, &lines, segment);
        let doc = yaml::parse(text[segment.start..segment.end].to_string());
        let report = analyze(&doc, &place, resolver);
        for mut diagnostic in report.diagnostics {
            diagnostic.span = Span::new(
                segment.start + diagnostic.span.start as usize,
                segment.start + diagnostic.span.end as usize,
            );
            diagnostic.range = diagnostic.range.shifted(place.first_line.into());
            findings.push(Located {
                diagnostic,
                kind: report.kind.clone(),
                name: report.name.clone(),
                namespace: report.namespace.clone(),
            });
        }
    }
    CheckedFile {
        path,
        text,
        lines,
        documents: segments.len(),
        findings,
    }
}

fn place_of(path: &Arc<PathBuf>, lines: &LineIndex, segment: &Segment) -> DocumentPlace {
    DocumentPlace {
        path: path.clone(),
        first_line: lines.line_of(segment.start) as u32,
    }
}

/// The Namespace manifests among the files, by name; the first declaration of a name wins.
fn index_namespaces(texts: &[(PathBuf, String)]) -> HashMap<String, NamespaceDecl> {
    let mut index = HashMap::new();
    for (path, text) in texts {
        if !may_declare_namespace(text) {
            continue;
        }
        let lines = LineIndex::new(text);
        let shared_path = Arc::new(path.clone());
        for segment in split(text) {
            let piece = &text[segment.start..segment.end];
            if !may_declare_namespace(piece) {
                continue;
            }
            let doc = yaml::parse(piece.to_string());
            let place = place_of(&shared_path, &lines, &segment);
            if let Some(decl) = namespace_declaration(&doc, &place) {
                index.entry(decl.name.clone()).or_insert(decl);
            }
        }
    }
    index
}

/// The nearest `.podsec.yaml` of each folder, read once.
#[derive(Default)]
struct ConfigCache {
    by_dir: HashMap<PathBuf, Option<Arc<Config>>>,
}

impl ConfigCache {
    fn for_file(&mut self, file: &Path) -> Result<Option<Arc<Config>>, String> {
        let dir = file.parent().unwrap_or(Path::new("."));
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Some(found) = self.by_dir.get(dir) {
            return Ok(found.clone());
        }
        let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let config = match find_config(&absolute) {
            None => None,
            Some(config_path) => {
                let shown = relative_to_cwd(&config_path);
                let text = std::fs::read_to_string(&config_path)
                    .map_err(|e| format!("{}: {}", shown.display(), io_reason(&e)))?;
                let config = parse_config(Arc::new(shown), &text).map_err(|errors| {
                    let more = match errors.len() {
                        1 => String::new(),
                        n => format!(" (and {} more)", n - 1),
                    };
                    format!("invalid config {}{more}", errors[0])
                })?;
                Some(Arc::new(config))
            }
        };
        self.by_dir.insert(dir.to_path_buf(), config.clone());
        Ok(config)
    }
}

/// A path relative to the working folder when it is below it, for shorter messages.
fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}
