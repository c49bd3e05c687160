//! A span-preserving YAML parser for one document, written for kubectl's dialect.
//!
//! kubectl splits a stream at lines that start with `---` (see [`super::stream`]) and hands each
//! piece to go-yaml v2, a port of libyaml. This parser reads one such piece: YAML 1.2 syntax with
//! libyaml's rules where the two differ (anchor names, tabs), byte spans for every node, comments
//! kept for suppressions, and hard limits on nesting, node count and merge fan-out so that no
//! input can exhaust the stack or memory. It stops at the first syntax error and keeps what it
//! has read so far.

mod block;
mod flow;
mod props;
mod scalar;

use super::Span;
use super::tree::{CollectionStyle, Document, Node, NodeId, NodeKind, Problem, ProblemKind, Tag};
use std::collections::HashMap;

/// Deeper nesting than this stops the analysis of the document.
pub const MAX_DEPTH: u32 = 512;
/// More nodes than this in one document stops its analysis.
pub const MAX_NODES: usize = 1_000_000;
/// How many mappings one mapping may pull in through `<<` merge keys, transitively.
pub const MAX_MERGE_FAN_OUT: u32 = 1000;

/// Parses the text of one document (as cut by [`super::stream::split`]).
pub fn parse(text: String) -> Document {
    let mut parser = Parser::new(&text);
    let root = parser.document().ok().flatten();
    let Parser {
        nodes,
        kids,
        comments,
        mut problems,
        saw_merge_key,
        ..
    } = parser;
    let mut doc = Document {
        text: String::new(),
        nodes,
        kids,
        root,
        comments,
        problems: Vec::new(),
        has_merge_keys: saw_merge_key,
    };
    doc.text = text;
    if doc.is_complete_without(&problems) {
        super::aliases::check_alias_expansion(&doc, &mut problems);
    }
    problems.sort_by_key(|p| p.span.start);
    doc.problems = problems;
    doc
}

impl Document {
    fn is_complete_without(&self, problems: &[Problem]) -> bool {
        !problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::Limit))
    }
}

/// The parse was stopped; the reason is in `Parser::problems`.
pub(super) struct Stop;
pub(super) type PResult<T> = Result<T, Stop>;

/// A saved position, for the one place that looks ahead across lines (plain scalars).
#[derive(Clone, Copy)]
pub(super) struct Mark {
    pos: usize,
    line_start: usize,
}

/// Node properties read before the node itself.
#[derive(Clone, Copy, Default)]
pub(super) struct Props {
    /// Where the first property starts.
    start: Option<usize>,
    /// Where the last property ends: an empty node with properties sits there.
    end: Option<usize>,
    /// The anchor's name, and the whole `&name`.
    anchor: Option<(Span, Span)>,
    /// The tag, and the whole `!tag`.
    tag: Option<(Tag, Span)>,
}

impl Props {
    fn is_empty(&self) -> bool {
        self.start.is_none()
    }

    fn include(&mut self, whole: Span) {
        let (start, end) = (whole.start as usize, whole.end as usize);
        self.start = Some(self.start.map_or(start, |s| s.min(start)));
        self.end = Some(self.end.map_or(end, |e| e.max(end)));
    }

    /// Splits properties at a line start: those from `line_start` on, and those before it.
    /// Before an implicit key, the first belong to the key and the others to its mapping.
    fn split_at(self, line_start: usize) -> (Props, Props) {
        let (mut on_line, mut before) = (Props::default(), Props::default());
        let side = |whole: Span| whole.start as usize >= line_start;
        if let Some((name, whole)) = self.anchor {
            let props = if side(whole) {
                &mut on_line
            } else {
                &mut before
            };
            props.anchor = Some((name, whole));
            props.include(whole);
        }
        if let Some((tag, whole)) = self.tag {
            let props = if side(whole) {
                &mut on_line
            } else {
                &mut before
            };
            props.tag = Some((tag, whole));
            props.include(whole);
        }
        (on_line, before)
    }
}

pub(super) struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    line_start: usize,
    nodes: Vec<Node>,
    kids: Vec<NodeId>,
    /// Children of the collections being built, innermost last.
    scratch: Vec<NodeId>,
    /// The latest definition of each anchor so far: an alias refers to the one before it.
    anchors: HashMap<&'t str, NodeId>,
    /// For each mapping with merge keys: how many mappings it reaches through them.
    merge_fan_out: HashMap<NodeId, u32>,
    comments: Vec<Span>,
    problems: Vec<Problem>,
    depth: u32,
    /// Whether the text could hold a merge key at all; most documents skip that bookkeeping.
    may_merge: bool,
    /// Whether a mapping had a merge key.
    saw_merge_key: bool,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        Parser {
            text,
            b: text.as_bytes(),
            pos: 0,
            line_start: 0,
            nodes: Vec::with_capacity(text.len() / 12 + 4),
            kids: Vec::with_capacity(text.len() / 12 + 4),
            scratch: Vec::new(),
            anchors: HashMap::new(),
            merge_fan_out: HashMap::new(),
            comments: Vec::new(),
            problems: Vec::new(),
            depth: 0,
            may_merge: memchr::memmem::find(text.as_bytes(), b"<<").is_some()
                || text.contains("merge"),
            saw_merge_key: false,
        }
    }

    // ----- the document -------------------------------------------------------------------

    fn document(&mut self) -> PResult<Option<NodeId>> {
        if let Some(bad) = first_non_printable(self.text) {
            let width = self.text[bad..].chars().next().map_or(1, char::len_utf8);
            return Err(self.fail_at(
                Span::new(bad, bad + width),
                ProblemKind::Syntax,
                "control characters are not allowed",
            ));
        }
        if self.text.starts_with('\u{feff}') {
            self.pos = 3;
            self.line_start = 3;
        }
        if super::stream::is_separator_line(&self.text[self.pos..]) {
            let line_end = self.line_end();
            if let Some(junk) = super::stream::separator_junk(&self.text[self.pos..line_end]) {
                let (start, end) = (self.pos + junk.start, self.pos + junk.end);
                return Err(self.fail(
                    start,
                    end,
                    "invalid YAML document separator: kubectl accepts only a comment after `---`",
                ));
            }
            if let Some(hash) = memchr::memchr(b'#', &self.b[self.pos..line_end]) {
                self.comments.push(Span::new(self.pos + hash, line_end));
            }
            self.pos = line_end;
            self.skip_break();
        }
        if !self.next_content_line()? {
            return Ok(None);
        }
        if self.peek() == b'%' && self.col() == 0 {
            let end = self.line_end();
            return Err(self.fail(
                self.pos,
                end,
                "YAML directives cannot be used with kubectl, which splits documents at `---` lines",
            ));
        }
        let root = self.block_node(-1, Ctx::Root, true)?;
        if self.next_content_line()? {
            let message = match self.nodes[root as usize].kind {
                NodeKind::Mapping { .. } => "did not find expected key",
                NodeKind::Sequence { .. } => "did not find expected '-' indicator",
                _ => "did not find expected <document start>",
            };
            let end = self.line_end();
            return Err(self.fail(self.pos, end, message));
        }
        if self.at_document_marker(b"...") {
            self.document_end()?;
        }
        Ok(Some(root))
    }

    /// After `...`: go-yaml reads only the first document of what kubectl hands it.
    fn document_end(&mut self) -> PResult<()> {
        self.pos += 3;
        loop {
            self.skip_blanks();
            if self.peek() == b'#' {
                self.skip_comment();
            }
            if self.at_end() {
                return Ok(());
            }
            if self.at_break() {
                self.skip_break();
                continue;
            }
            let start = self.pos;
            let end = self.b.len();
            self.problems.push(Problem {
                kind: ProblemKind::Warning,
                span: Span::new(start, end),
                message: "content after the document end marker `...` is ignored by kubectl"
                    .to_string(),
            });
            return Ok(());
        }
    }

    // ----- positions and characters -------------------------------------------------------

    fn peek(&self) -> u8 {
        self.b.get(self.pos).copied().unwrap_or(0)
    }

    fn peek_at(&self, ahead: usize) -> u8 {
        self.b.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.b.len()
    }

    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line_start: self.line_start,
        }
    }

    fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.line_start = mark.line_start;
    }

    fn at_break(&self) -> bool {
        is_break(self.peek())
    }

    fn at_break_or_end(&self) -> bool {
        self.at_end() || self.at_break()
    }

    /// Whether the byte after the current one ends a token (`- `, `? `, `: `).
    fn next_is_blank_or_end(&self) -> bool {
        is_blank_or_end(self.peek_at(1))
    }

    fn skip_blanks(&mut self) {
        while is_blank(self.peek()) {
            self.pos += 1;
        }
    }

    fn skip_spaces(&mut self) {
        while self.peek() == b' ' {
            self.pos += 1;
        }
    }

    /// Consumes one line break (LF, CRLF or a lone CR).
    fn skip_break(&mut self) {
        match self.peek() {
            b'\r' if self.peek_at(1) == b'\n' => self.pos += 2,
            b'\r' | b'\n' => self.pos += 1,
            _ => return,
        }
        self.line_start = self.pos;
    }

    /// The end of the current line, before its break.
    fn line_end(&self) -> usize {
        memchr::memchr2(b'\n', b'\r', &self.b[self.pos..]).map_or(self.b.len(), |i| self.pos + i)
    }

    /// At `#`: records the comment and moves to the end of the line.
    fn skip_comment(&mut self) {
        let end = self.line_end();
        self.comments.push(Span::new(self.pos, end));
        self.pos = end;
    }

    /// Whether a `---` or `...` marker starts at the current position, which is a line start.
    fn at_document_marker(&self, marker: &[u8; 3]) -> bool {
        self.pos == self.line_start
            && self.b[self.pos..].starts_with(marker)
            && is_blank_or_end(self.peek_at(3))
    }

    /// After a node: skips blanks and a comment; the line must end here.
    fn finish_line(&mut self, expected: &'static str) -> PResult<()> {
        self.skip_blanks();
        if self.peek() == b'#' {
            if !is_blank(
                self.b
                    .get(self.pos.wrapping_sub(1))
                    .copied()
                    .unwrap_or(b' '),
            ) {
                return Err(self.fail(self.pos, self.pos + 1, expected));
            }
            self.skip_comment();
        }
        if self.at_end() {
            return Ok(());
        }
        if !self.at_break() {
            let message = if self.peek() == b':' {
                "mapping values are not allowed in this context"
            } else {
                expected
            };
            let end = self.line_end();
            return Err(self.fail(self.pos, end, message));
        }
        self.skip_break();
        Ok(())
    }

    /// From a line start, skips blank and comment lines to the first line with content and
    /// leaves the position at its first non-space character. Returns false at the end of the
    /// document (its end, or a `...` marker, where the position is left on the marker).
    fn next_content_line(&mut self) -> PResult<bool> {
        loop {
            if self.at_document_marker(b"...") || self.at_document_marker(b"---") {
                return Ok(false);
            }
            self.skip_spaces();
            match self.peek() {
                0 if self.at_end() => return Ok(false),
                b'\n' | b'\r' => self.skip_break(),
                b'#' => {
                    self.skip_comment();
                    self.skip_break();
                }
                b'\t' => {
                    let tab = self.pos;
                    self.skip_blanks();
                    if self.at_break_or_end() {
                        continue;
                    }
                    if self.peek() == b'#' {
                        self.skip_comment();
                        continue;
                    }
                    return Err(self.fail(
                        tab,
                        tab + 1,
                        "found a tab character where indentation is expected (YAML allows only spaces here)",
                    ));
                }
                _ => return Ok(true),
            }
        }
    }

    // ----- errors -------------------------------------------------------------------------

    fn fail(&mut self, start: usize, end: usize, message: &str) -> Stop {
        self.fail_at(
            Span::new(start, end.max(start)),
            ProblemKind::Syntax,
            message,
        )
    }

    fn fail_at(&mut self, span: Span, kind: ProblemKind, message: &str) -> Stop {
        // Spans like `pos..pos + 1` name "the next character": widened to whole characters
        // and kept inside the text, as everything that slices a problem's span expects.
        let text = self.text;
        let mut start = (span.start as usize).min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (span.end as usize).clamp(start, text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        self.problems.push(Problem {
            kind,
            span: Span::new(start, end),
            message: message.to_string(),
        });
        Stop
    }

    // ----- building nodes -----------------------------------------------------------------

    fn push_node(&mut self, span: Span, props: Props, kind: NodeKind) -> PResult<NodeId> {
        if self.nodes.len() >= MAX_NODES {
            let message = format!(
                "this document has more than {MAX_NODES} YAML nodes; podsec stops analysing it here"
            );
            return Err(self.fail_at(span, ProblemKind::Limit, &message));
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            span,
            props_start: props.start.map_or(span.start, |s| s as u32),
            tag: props.tag.map_or(Tag::None, |(tag, _)| tag),
            kind,
        });
        if let Some((anchor, _)) = props.anchor {
            self.define_anchor(anchor, id);
        }
        Ok(id)
    }

    /// A collection's node is created when it opens (so that its anchor is visible to aliases
    /// inside it, as in go-yaml) and given its children when it closes.
    fn open_collection(&mut self, start: usize, props: Props, mapping: bool) -> PResult<NodeId> {
        if self.depth >= MAX_DEPTH {
            let message = format!(
                "nesting deeper than {MAX_DEPTH} levels; podsec stops analysing this document here"
            );
            return Err(self.fail_at(Span::new(start, start + 1), ProblemKind::Limit, &message));
        }
        self.depth += 1;
        let kind = if mapping {
            NodeKind::Mapping {
                style: CollectionStyle::Block,
                first: 0,
                len: 0,
            }
        } else {
            NodeKind::Sequence {
                style: CollectionStyle::Block,
                first: 0,
                len: 0,
            }
        };
        self.push_node(Span::empty(start), props, kind)
    }

    /// Moves the children collected since `scratch_start` into the node and sets its span end.
    fn close_collection(
        &mut self,
        id: NodeId,
        scratch_start: usize,
        style: CollectionStyle,
        end: usize,
    ) -> PResult<()> {
        self.depth -= 1;
        let first = self.kids.len() as u32;
        self.kids.extend(self.scratch.drain(scratch_start..));
        let count = self.kids.len() as u32 - first;
        let node = &mut self.nodes[id as usize];
        node.span.end = end as u32;
        match &mut node.kind {
            NodeKind::Mapping {
                style: s,
                first: f,
                len,
            } => {
                *s = style;
                *f = first;
                *len = count / 2;
            }
            NodeKind::Sequence {
                style: s,
                first: f,
                len,
            } => {
                *s = style;
                *f = first;
                *len = count;
            }
            _ => unreachable!("only collections are closed"),
        }
        if matches!(node.kind, NodeKind::Mapping { .. }) {
            self.check_mapping(id)?;
        }
        Ok(())
    }

    /// Warns about duplicate keys and bounds merge-key fan-out.
    fn check_mapping(&mut self, id: NodeId) -> PResult<()> {
        let (first, len) = match self.nodes[id as usize].kind {
            NodeKind::Mapping { first, len, .. } => (first as usize, len as usize),
            _ => return Ok(()),
        };
        if self.may_merge {
            let pairs = &self.kids[first..first + 2 * len];
            let mut fan_out: u32 = 0;
            for pair in pairs.chunks_exact(2) {
                if self.is_merge_key(pair[0]) {
                    self.saw_merge_key = true;
                    fan_out = fan_out.saturating_add(self.merge_sources_fan_out(pair[1]));
                }
            }
            if fan_out > MAX_MERGE_FAN_OUT {
                let span = self.nodes[id as usize].span;
                let message = format!(
                    "merge keys (`<<`) pull in more than {MAX_MERGE_FAN_OUT} mappings; podsec stops analysing this document here"
                );
                return Err(self.fail_at(span, ProblemKind::Limit, &message));
            }
            if fan_out > 0 {
                self.merge_fan_out.insert(id, fan_out);
            }
        }
        if len > 1 {
            self.warn_duplicate_keys(first, len);
        }
        Ok(())
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        if !self.may_merge {
            return false;
        }
        let node = &self.nodes[key as usize];
        match node.kind {
            NodeKind::Scalar {
                style: super::tree::ScalarStyle::Plain,
                owned: None,
            } => {
                node.tag == Tag::Merge
                    || (node.tag == Tag::None && &self.b[node.span.range()] == b"<<")
            }
            NodeKind::Scalar { .. } => node.tag == Tag::Merge,
            _ => false,
        }
    }

    /// How many mappings a merge value brings in: each source and everything it merges.
    fn merge_sources_fan_out(&self, value: NodeId) -> u32 {
        let resolve = |id: NodeId| match self.nodes[id as usize].kind {
            NodeKind::Alias { target } => target,
            _ => id,
        };
        let value = resolve(value);
        let sources: Vec<NodeId> = match self.nodes[value as usize].kind {
            NodeKind::Sequence { first, len, .. } => self.kids
                [first as usize..(first + len) as usize]
                .iter()
                .map(|&i| resolve(i))
                .collect(),
            _ => vec![value],
        };
        sources.iter().fold(0u32, |acc, s| {
            let inner = self.merge_fan_out.get(s).copied().unwrap_or(0);
            acc.saturating_add(1).saturating_add(inner)
        })
    }

    /// The text of the key at `kids[index]`, unless it is a merge key or not a scalar.
    fn key_text(&self, index: usize) -> Option<(NodeId, &str)> {
        let key = self.kids[index];
        if self.is_merge_key(key) {
            return None;
        }
        super::tree::scalar_text_of(self.text, &self.nodes[key as usize]).map(|t| (key, t))
    }

    fn warn_duplicate_keys(&mut self, first: usize, len: usize) {
        let mut duplicates: Vec<(NodeId, NodeId)> = Vec::new();
        if len <= 16 {
            let mut texts: [(&str, NodeId); 16] = [("", 0); 16];
            let mut n = 0;
            for i in 0..len {
                if let Some((key, text)) = self.key_text(first + 2 * i) {
                    if let Some(&(_, earlier)) = texts[..n].iter().rev().find(|(t, _)| *t == text) {
                        duplicates.push((earlier, key));
                    }
                    texts[n] = (text, key);
                    n += 1;
                }
            }
        } else {
            let mut last: HashMap<&str, NodeId> = HashMap::with_capacity(len);
            for i in 0..len {
                if let Some((key, text)) = self.key_text(first + 2 * i)
                    && let Some(earlier) = last.insert(text, key)
                {
                    duplicates.push((earlier, key));
                }
            }
        }
        for (earlier, later) in duplicates {
            let span = self.nodes[earlier as usize].span;
            let text =
                super::tree::scalar_text_of(self.text, &self.nodes[earlier as usize]).unwrap_or("");
            let later_line = 1 + self.text[..self.nodes[later as usize].span.start as usize]
                .bytes()
                .filter(|&b| b == b'\n')
                .count();
            let message = format!(
                "duplicate key \"{text}\": Kubernetes keeps only the later value (line {later_line} of this document)"
            );
            self.problems.push(Problem {
                kind: ProblemKind::Warning,
                span,
                message,
            });
        }
    }
}

/// How a block node may start on the line of the indicator before it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Ctx {
    /// The document's root, on a line of its own.
    Root,
    /// After an implicit key's `:`: no collection may start on the same line.
    MapValue,
    /// After `- `: a compact sequence or mapping may start on the same line.
    SeqEntry,
    /// After `? ` or the `:` of an explicit key: compact collections allowed.
    Explicit,
}

impl Ctx {
    fn allows_compact(self) -> bool {
        matches!(self, Ctx::SeqEntry | Ctx::Explicit)
    }

    /// Whether a block sequence on the next line may sit at the parent's own indentation.
    fn allows_same_indent_sequence(self) -> bool {
        matches!(self, Ctx::MapValue | Ctx::Explicit)
    }
}

pub(super) fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

pub(super) fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// Blank, line break or the end of the text (the parser reads a NUL as the end).
pub(super) fn is_blank_or_end(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0)
}

pub(super) fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// The first character YAML (and libyaml) refuses anywhere in a stream, if any.
fn first_non_printable(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Eight plain ASCII bytes at a time: none below 0x20, none 0x7f or above.
        if let Some(word) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            const ONES: u64 = 0x0101_0101_0101_0101;
            const HIGH: u64 = 0x8080_8080_8080_8080;
            let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
            let delete = (x ^ (ONES * 0x7f)).wrapping_sub(ONES) & !(x ^ (ONES * 0x7f)) & HIGH;
            if (below_space | delete | (x & HIGH)) == 0 {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            if (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f {
                return Some(i);
            }
            i += 1;
            continue;
        }
        let c = text[i..].chars().next()?;
        if !matches!(c as u32, 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF) {
            return Some(i);
        }
        i += c.len_utf8();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::first_non_printable;

    #[test]
    fn finds_control_characters_anywhere() {
        assert_eq!(
            first_non_printable("plain ascii text, long enough\n\tand more"),
            None
        );
        assert_eq!(first_non_printable("é ☕ 🐳 \u{85}"), None);
        for (text, at) in [
            ("0123456789abcdef\u{7f}", 16),
            ("abc\0", 3),
            ("abcdefgh\u{1b}", 8),
            ("ab\u{80}", 2),
            ("\u{fffe}", 0),
        ] {
            assert_eq!(first_non_printable(text), Some(at), "{text:?}");
        }
    }
}
