//! Helpers shared by the fuzz targets: span checks, an independent line/column computation,
//! and one file as `podsec-lsp check` takes it in.
// Each target compiles this module and uses part of it.
#![allow(dead_code)]

use podsec_lsp::analysis::namespace_declaration;
use podsec_lsp::cli::flag_policy;
use podsec_lsp::policy::{Level, Version};
use podsec_lsp::resolve::{
    DocumentPlace, Mode, NamespaceDecl, PartialPolicy, Position, Resolver, Source,
};
use podsec_lsp::yaml::lines::LineIndex;
use podsec_lsp::yaml::stream::{Segment, split};
use podsec_lsp::yaml::{self, Span};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Asserts that `span` is a well-formed range of `text` on character boundaries: every consumer
/// slices the text with it (`&text[span]`), which panics otherwise.
pub fn assert_span(text: &str, span: Span, what: impl std::fmt::Debug) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end, "{what:?}: span {span:?} is reversed");
    assert!(
        end <= text.len(),
        "{what:?}: span {span:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what:?}: span {span:?} splits a character"
    );
}

/// The position of `offset` in `text`, computed without the crate's `LineIndex`: lines end at
/// LF, CRLF or a lone CR (kubectl's and the server's rule), columns in bytes and UTF-16 units.
pub fn reference_position(text: &str, offset: usize) -> Position {
    let before = &text.as_bytes()[..offset];
    let mut line = 0;
    let mut line_start = 0;
    for (i, &b) in before.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    Position {
        line,
        byte_col: (offset - line_start) as u32,
        utf16_col: text[line_start..offset].encode_utf16().count() as u32,
    }
}

/// The enforce policy every target uses: restricted at the newest version, so that every check
/// is active. Warn and audit use older versions, so the engine also evaluates the versioned
/// implementations and the "each place is flagged once, by its most severe mode" merging.
fn policy_layers() -> (PartialPolicy, PartialPolicy) {
    let flags = flag_policy(Some(Level::Restricted), Some(Version::Latest));
    let mut settings = PartialPolicy::default();
    settings.set_level(
        Mode::Warn,
        Level::Restricted,
        Source::Setting("podsec.level"),
    );
    settings.set_version(
        Mode::Warn,
        Version::Minor(20),
        Source::Setting("podsec.version"),
    );
    settings.set_level(
        Mode::Audit,
        Level::Baseline,
        Source::Setting("podsec.level"),
    );
    settings.set_version(
        Mode::Audit,
        Version::Minor(10),
        Source::Setting("podsec.version"),
    );
    (flags, settings)
}

fn place(first_line: u32) -> DocumentPlace {
    DocumentPlace {
        path: Arc::new(PathBuf::from("fuzz.yaml")),
        first_line,
    }
}

/// One file as `check` takes it in before analysing: its lines, its documents, the Namespaces
/// it declares (first one wins) and the policy layers.
pub struct File {
    pub lines: LineIndex,
    pub segments: Vec<Segment>,
    namespaces: HashMap<String, NamespaceDecl>,
    flags: PartialPolicy,
    settings: PartialPolicy,
}

impl File {
    pub fn new(text: &str) -> File {
        let lines = LineIndex::new(text);
        let segments = split(text);
        let mut namespaces = HashMap::new();
        for segment in &segments {
            let doc = yaml::parse(text[segment.start..segment.end].to_string());
            let place = place(lines.line_of(segment.start) as u32);
            if let Some(decl) = namespace_declaration(&doc, &place) {
                namespaces.entry(decl.name.clone()).or_insert(decl);
            }
        }
        let (flags, settings) = policy_layers();
        File {
            lines,
            segments,
            namespaces,
            flags,
            settings,
        }
    }

    pub fn resolver(&self) -> Resolver<'_> {
        Resolver {
            namespaces: &self.namespaces,
            config: None,
            flags: &self.flags,
            settings: &self.settings,
        }
    }

    /// Where a document starting at byte `start` sits.
    pub fn place(&self, start: usize) -> DocumentPlace {
        place(self.lines.line_of(start) as u32)
    }
}
