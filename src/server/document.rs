//! An open document: its text in a rope, cut into kubectl's documents (segments), each with the
//! result of its last analysis.
//!
//! An edit re-splits and re-analyses only the segments it touches; the others keep their
//! results, which are relative to their own first line and so survive edits above them. When an
//! edited segment no longer parses, its last good findings stay, moved with the edit, beside the
//! syntax error, so squiggles do not flicker while a line is half typed.

use super::encoding::Encoding;
use crate::analysis::{Code, Diagnostic};
use crate::resolve::{NamespaceDecl, TextRange};
use crate::yaml::Span;
use crate::yaml::lines::LineIndex;
use crate::yaml::stream::split;
use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

/// What the analysis of one segment produced.
#[derive(Clone, Debug, Default)]
pub struct SegmentResult {
    /// Ranges relative to the segment's first line; spans relative to its start.
    pub diagnostics: Vec<Diagnostic>,
    /// The Namespace this segment declares.
    pub declares: Option<NamespaceDecl>,
    /// Whether the segment is a workload, evaluated against a policy.
    pub workload: bool,
    /// The workload's `metadata.namespace`.
    pub namespace: Option<String>,
    /// Whether kubectl can read the segment (it parsed completely and converts to JSON).
    pub complete: bool,
}

impl SegmentResult {
    /// The result of the same text moved down by `lines` (up when negative): only the
    /// declaration's locations are the document's own lines; the rest is relative.
    fn moved_down(&mut self, lines: i64) {
        if let Some(declares) = self.declares.as_mut().filter(|_| lines != 0) {
            declares.shift_lines(lines);
        }
    }
}

/// Analyses a segment's text, given the line it starts on.
pub type Analyze<'a> = dyn FnMut(&str, u32) -> SegmentResult + 'a;

#[derive(Debug)]
struct Segment {
    start: usize,
    end: usize,
    first_line: u32,
    /// Boxed: the segments of a large file are walked on every keystroke, and stay compact.
    result: Box<SegmentResult>,
    /// The diagnostics as protocol JSON, as last written.
    published: String,
    /// The first line `published` was written for; `None` once the results changed.
    published_line: Option<u32>,
}

impl Segment {
    fn new(start: usize, end: usize, first_line: u32, result: SegmentResult) -> Segment {
        Segment {
            start,
            end,
            first_line,
            result: Box::new(result),
            published: String::new(),
            published_line: None,
        }
    }
}

#[derive(Debug)]
pub struct OpenDocument {
    pub version: i32,
    rope: Rope,
    segments: Vec<Segment>,
    /// The last `published_json`.
    published: Option<String>,
}

impl OpenDocument {
    pub fn open(text: &str, version: i32, analyze: &mut Analyze<'_>) -> OpenDocument {
        let rope = Rope::from_str(text);
        let segments = split(text)
            .into_iter()
            .map(|piece| {
                let first_line = rope.byte_to_line(piece.start) as u32;
                let result = analyze(&text[piece.start..piece.end], first_line);
                Segment::new(piece.start, piece.end, first_line, result)
            })
            .collect();
        OpenDocument {
            version,
            rope,
            segments,
            published: None,
        }
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// Applies one change from `textDocument/didChange` and re-analyses what it touched.
    /// Returns whether the Namespaces the document declares may have changed.
    pub fn apply_change(
        &mut self,
        range: Option<lsp::Range>,
        new_text: &str,
        encoding: Encoding,
        analyze: &mut Analyze<'_>,
    ) -> bool {
        let Some(range) = range else {
            *self = OpenDocument::open(new_text, self.version, analyze);
            return true;
        };
        let a = encoding.offset(&self.rope, range.start);
        let b = encoding.offset(&self.rope, range.end);
        let (start, end) = (a.min(b), a.max(b));

        // The segments the edit touches, and the one before when the edit reaches the first line
        // of a segment (its `---` line may be the one changing).
        let containing = |offset: usize| {
            self.segments
                .partition_point(|s| s.start <= offset)
                .saturating_sub(1)
        };
        let mut first = containing(start);
        let last = containing(end);
        if first > 0 && self.rope.byte_to_line(start) as u32 == self.segments[first].first_line {
            first -= 1;
        }
        let region_start = self.segments[first].start;
        let old_region_end = self.segments[last].end;
        let old_end_line = self
            .segments
            .get(last + 1)
            .map_or(self.rope.len_lines() as u32 - 1, |s| s.first_line);
        let old_region = self
            .rope
            .byte_slice(region_start..old_region_end)
            .to_string();

        let start_char = self.rope.byte_to_char(start);
        let end_char = self.rope.byte_to_char(end);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);

        let delta = new_text.len() as isize - (end - start) as isize;
        let new_region_end = (old_region_end as isize + delta) as usize;
        let new_end_line = if last + 1 < self.segments.len() {
            self.rope.byte_to_line(new_region_end) as u32
        } else {
            self.rope.len_lines() as u32 - 1
        };
        let line_delta = new_end_line as i64 - old_end_line as i64;
        let new_region = self
            .rope
            .byte_slice(region_start..new_region_end)
            .to_string();

        let old_pieces = split(&old_region);
        let new_pieces = split(&new_region);
        let edit = Edit {
            start: start - region_start,
            end: end - region_start,
            inserted: new_text.len(),
        };
        // With the same number of segments before and after, each is compared with its old
        // self, and the splice below moves nothing else (the segments after it stay in place).
        let same_shape = old_pieces.len() == new_pieces.len();
        let declared = |segments: &[Segment]| -> Vec<Option<NamespaceDecl>> {
            segments.iter().map(|s| s.result.declares.clone()).collect()
        };
        let declared_before = declared(&self.segments[first..=last]);
        let mut replacements = Vec::with_capacity(new_pieces.len());
        for (k, piece) in new_pieces.iter().enumerate() {
            let text = &new_region[piece.start..piece.end];
            let absolute = region_start + piece.start;
            let first_line = self.rope.byte_to_line(absolute) as u32;
            let old = same_shape.then(|| (&old_pieces[k], &mut self.segments[first + k]));
            let result = match old {
                // Unchanged: it keeps its result, which may have moved.
                Some((old_piece, old_segment))
                    if &old_region[old_piece.start..old_piece.end] == text =>
                {
                    let mut kept = *std::mem::take(&mut old_segment.result);
                    kept.moved_down(first_line as i64 - old_segment.first_line as i64);
                    kept
                }
                Some((old_piece, old_segment)) => {
                    let fresh = analyze(text, first_line);
                    match edit.within(old_piece.start, old_piece.end, piece.start) {
                        Some(local) if !fresh.complete => {
                            let mut last = std::mem::take(&mut *old_segment.result);
                            last.moved_down(first_line as i64 - old_segment.first_line as i64);
                            keep_last_good(fresh, &last, local, text)
                        }
                        _ => fresh,
                    }
                }
                None => analyze(text, first_line),
            };
            let mut replacement =
                Segment::new(absolute, region_start + piece.end, first_line, result);
            if same_shape {
                // Kept to tell whether the publication changes.
                replacement.published = std::mem::take(&mut self.segments[first + k].published);
            }
            replacements.push(replacement);
        }
        if !same_shape {
            self.published = None;
        }
        let declared_after = declared(&replacements);
        let after = first + replacements.len();
        self.segments.splice(first..=last, replacements);
        let mut declarations_moved = false;
        for segment in &mut self.segments[after..] {
            segment.start = (segment.start as isize + delta) as usize;
            segment.end = (segment.end as isize + delta) as usize;
            segment.first_line = (segment.first_line as i64 + line_delta) as u32;
            if line_delta != 0 && segment.result.declares.is_some() {
                segment.result.moved_down(line_delta);
                declarations_moved = true;
            }
        }
        declarations_moved || declared_before != declared_after
    }

    /// Re-analyses the segments `which` selects (their policy may have changed).
    pub fn reanalyze(
        &mut self,
        which: impl Fn(&SegmentResult) -> bool,
        analyze: &mut Analyze<'_>,
    ) -> bool {
        let mut any = false;
        for i in 0..self.segments.len() {
            if !which(&self.segments[i].result) {
                continue;
            }
            let segment = &self.segments[i];
            let text = self.rope.byte_slice(segment.start..segment.end).to_string();
            let fresh = analyze(&text, segment.first_line);
            // A broken segment keeps its last good findings until it parses again.
            *self.segments[i].result = if fresh.complete {
                fresh
            } else {
                keep_last_good(fresh, &self.segments[i].result, PieceEdit::NONE, &text)
            };
            self.segments[i].published_line = None;
            any = true;
        }
        any
    }

    /// Every diagnostic with the line its segment starts on.
    #[cfg(test)]
    pub fn diagnostics(&self) -> impl Iterator<Item = (u32, &Diagnostic)> {
        self.segments
            .iter()
            .flat_map(|s| s.result.diagnostics.iter().map(move |d| (s.first_line, d)))
    }

    /// The diagnostics as the elements of a JSON array (no brackets). Segments are written with
    /// `write` only when their results or first line changed since the last call, and the
    /// whole is rebuilt only when one of them reads differently.
    pub fn published_json(&mut self, write: impl Fn(&Diagnostic, u32) -> String) -> &str {
        let mut changed = self.published.is_none();
        for segment in &mut self.segments {
            if segment.published_line != Some(segment.first_line) {
                let json: Vec<String> = segment
                    .result
                    .diagnostics
                    .iter()
                    .map(|d| write(d, segment.first_line))
                    .collect();
                let json = json.join(",");
                changed |= segment.published != json;
                segment.published = json;
                segment.published_line = Some(segment.first_line);
            }
        }
        if changed {
            let parts: Vec<&str> = self
                .segments
                .iter()
                .map(|s| s.published.as_str())
                .filter(|json| !json.is_empty())
                .collect();
            self.published = Some(parts.join(","));
        }
        self.published.as_deref().unwrap_or_default()
    }

    /// The Namespaces the document declares.
    pub fn declarations(&self) -> impl Iterator<Item = &NamespaceDecl> {
        self.segments
            .iter()
            .filter_map(|s| s.result.declares.as_ref())
    }

    /// The texts of the segments holding workloads, starting with the one at byte `near`.
    pub fn workload_texts(&self, near: Option<usize>) -> impl Iterator<Item = String> + '_ {
        let at = near.map(|o| {
            self.segments
                .partition_point(|s| s.start <= o)
                .saturating_sub(1)
        });
        at.into_iter()
            .chain((0..self.segments.len()).filter(move |&i| Some(i) != at))
            .map(|i| &self.segments[i])
            .filter(|s| s.result.workload)
            .map(|s| self.rope.byte_slice(s.start..s.end).to_string())
    }

    /// The segments that overlap bytes `start..=end`, with their text.
    pub fn segments_between(&self, start: usize, end: usize) -> Vec<SegmentView<'_>> {
        self.segments
            .iter()
            .filter(|s| s.start <= end && start < s.end.max(s.start + 1))
            .map(|s| SegmentView {
                start: s.start,
                first_line: s.first_line,
                text: self.rope.byte_slice(s.start..s.end).to_string(),
                diagnostics: &s.result.diagnostics,
            })
            .collect()
    }

    /// The diagnostics at a byte offset of the document, with their segment's first line.
    pub fn diagnostics_at(&self, offset: usize) -> Vec<(u32, &Diagnostic)> {
        let index = self
            .segments
            .partition_point(|s| s.start <= offset)
            .saturating_sub(1);
        let Some(segment) = self.segments.get(index) else {
            return Vec::new();
        };
        let local = offset - segment.start;
        segment
            .result
            .diagnostics
            .iter()
            .filter(|d| d.span.start as usize <= local && local <= d.span.end as usize)
            .map(|d| (segment.first_line, d))
            .collect()
    }

    #[cfg(test)]
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }
}

/// A segment as code actions see it.
pub struct SegmentView<'a> {
    pub start: usize,
    pub first_line: u32,
    pub text: String,
    pub diagnostics: &'a [Diagnostic],
}

/// An edit in a segment's coordinates: bytes `start..end` were replaced by `inserted` bytes.
#[derive(Clone, Copy, Debug)]
struct Edit {
    start: usize,
    end: usize,
    inserted: usize,
}

impl Edit {
    const NONE: Edit = Edit {
        start: usize::MAX,
        end: usize::MAX,
        inserted: 0,
    };

    /// This edit as seen from a piece of the region that was `old_start..old_end` and now
    /// starts at `new_start`, if the edit lies within the old piece.
    fn within(self, old_start: usize, old_end: usize, new_start: usize) -> Option<PieceEdit> {
        (old_start <= self.start && self.end <= old_end).then_some(PieceEdit {
            edit: self,
            old_start,
            new_start,
        })
    }
}

/// An edit within one piece, whose start the edit may have moved (when the text it inserted
/// at the piece's start went to the piece before).
#[derive(Clone, Copy, Debug)]
struct PieceEdit {
    edit: Edit,
    old_start: usize,
    new_start: usize,
}

impl PieceEdit {
    /// Nothing was edited: spans stay where they are.
    const NONE: PieceEdit = PieceEdit {
        edit: Edit::NONE,
        old_start: 0,
        new_start: 0,
    };

    /// Where a span of the piece's old text is in its new text; `None` if the edit overlaps
    /// it or it went to another piece.
    fn map(self, span: Span) -> Option<Span> {
        let Edit {
            start: edit_start,
            end: edit_end,
            inserted,
        } = self.edit;
        // In the region's coordinates, old and new.
        let (start, end) = (
            span.start as usize + self.old_start,
            span.end as usize + self.old_start,
        );
        let (start, end) = if end <= edit_start {
            (start, end)
        } else if start >= edit_end {
            let shift = |x: usize| x + inserted - (edit_end - edit_start);
            (shift(start), shift(end))
        } else {
            return None;
        };
        let local = |x: usize| x.checked_sub(self.new_start);
        Some(Span::new(local(start)?, local(end)?))
    }
}

/// The result of a segment that no longer parses: its own problems, plus the findings of its
/// last good analysis that the edit did not touch, moved to where their text now is.
fn keep_last_good(
    mut fresh: SegmentResult,
    last: &SegmentResult,
    edit: PieceEdit,
    text: &str,
) -> SegmentResult {
    let lines = LineIndex::new(text);
    for old in &last.diagnostics {
        let kept = matches!(
            old.code,
            Code::Check(_) | Code::FieldType | Code::NamespaceLabel
        );
        if !kept {
            continue;
        }
        if let Some(span) = edit.map(old.span).filter(|s| s.end as usize <= text.len()) {
            let mut moved = old.clone();
            moved.span = span;
            moved.range = TextRange::of(text, &lines, span);
            if !fresh.diagnostics.contains(&moved) {
                fresh.diagnostics.push(moved);
            }
        }
    }
    fresh
        .diagnostics
        .sort_by_key(|d| (d.span.start, d.severity));
    fresh.declares = fresh.declares.or_else(|| last.declares.clone());
    fresh.workload |= last.workload;
    if fresh.namespace.is_none() {
        fresh.namespace = last.namespace.clone();
    }
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An "analysis" that reports each `bad` word of a segment that parses.
    fn analyze(text: &str, _first_line: u32) -> SegmentResult {
        let doc = crate::yaml::parse(text.to_string());
        if !doc.is_complete() {
            return SegmentResult::default();
        }
        let lines = LineIndex::new(text);
        let diagnostics = text
            .match_indices("bad")
            .map(|(i, _)| {
                let span = Span::new(i, i + 3);
                Diagnostic {
                    span,
                    range: TextRange::of(text, &lines, span),
                    severity: crate::analysis::Severity::Error,
                    code: Code::Check(crate::policy::CheckId::Privileged),
                    message: "bad".into(),
                    related: Vec::new(),
                    violation: None,
                }
            })
            .collect();
        SegmentResult {
            diagnostics,
            complete: doc.is_complete(),
            ..SegmentResult::default()
        }
    }

    fn lines_of_bad(doc: &OpenDocument) -> Vec<(u32, u32)> {
        doc.diagnostics()
            .map(|(first, d)| (first + d.range.start.line, d.range.start.byte_col))
            .collect()
    }

    fn change(doc: &mut OpenDocument, l0: u32, c0: u32, l1: u32, c1: u32, text: &str) {
        let range = lsp::Range {
            start: lsp::Position {
                line: l0,
                character: c0,
            },
            end: lsp::Position {
                line: l1,
                character: c1,
            },
        };
        doc.apply_change(Some(range), text, Encoding::Utf16, &mut analyze);
    }

    #[test]
    fn edits_move_later_segments_without_reanalysing_them() {
        let mut doc = OpenDocument::open("a: bad\n---\nb: ok\n---\nc: bad\n", 1, &mut analyze);
        assert_eq!(doc.segment_count(), 3);
        assert_eq!(lines_of_bad(&doc), [(0, 3), (4, 3)]);
        change(&mut doc, 0, 0, 0, 0, "x: 1\ny: 2\n");
        assert_eq!(lines_of_bad(&doc), [(2, 3), (6, 3)]);
        assert_eq!(doc.text(), "x: 1\ny: 2\na: bad\n---\nb: ok\n---\nc: bad\n");
    }

    #[test]
    fn typing_a_separator_splits_and_deleting_it_merges() {
        let mut doc = OpenDocument::open("a: 1\nb: bad\n", 1, &mut analyze);
        change(&mut doc, 1, 0, 1, 0, "---\n");
        assert_eq!(doc.segment_count(), 2);
        assert_eq!(lines_of_bad(&doc), [(2, 3)]);
        change(&mut doc, 1, 0, 2, 0, "");
        assert_eq!(doc.segment_count(), 1);
        change(&mut doc, 1, 0, 1, 0, "--");
        change(&mut doc, 1, 2, 1, 2, "-\n");
        assert_eq!(doc.segment_count(), 2);
        assert_eq!(doc.text(), "a: 1\n---\nb: bad\n");
    }

    #[test]
    fn a_half_typed_segment_keeps_its_last_good_findings_moved_with_the_edit() {
        let mut doc = OpenDocument::open("k: v\nx: bad\n---\ny: 1\n", 1, &mut analyze);
        assert_eq!(lines_of_bad(&doc), [(1, 3)]);
        // Open a quote above the finding: the segment stops parsing.
        change(&mut doc, 0, 3, 0, 3, "\"unfinished\n");
        let kept = lines_of_bad(&doc);
        assert_eq!(
            kept,
            [(2, 3)],
            "{:?}",
            doc.diagnostics().collect::<Vec<_>>()
        );
        // Close it again: fresh results.
        change(&mut doc, 0, 14, 0, 14, "\"");
        assert_eq!(lines_of_bad(&doc), [(2, 3)]);
    }

    #[test]
    fn crlf_and_full_replacement() {
        let mut doc = OpenDocument::open("a: 1\r\n---\r\nb: bad\r\n", 1, &mut analyze);
        assert_eq!(lines_of_bad(&doc), [(2, 3)]);
        change(&mut doc, 0, 4, 0, 4, "\r\nz: 2");
        assert_eq!(lines_of_bad(&doc), [(3, 3)]);
        doc.apply_change(None, "bad: bad\n", Encoding::Utf16, &mut analyze);
        assert_eq!(lines_of_bad(&doc), [(0, 0), (0, 5)]);
    }
}
