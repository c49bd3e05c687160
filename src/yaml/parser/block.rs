//! Block structure: mappings and sequences laid out by indentation, and the nodes inside them.
//!
//! Every function here returns with the position at the first non-space character of the next
//! content line (comments and blank lines skipped), or at the end of the document.

use super::{Ctx, PResult, Parser, Props};
use crate::yaml::Span;
use crate::yaml::tree::{CollectionStyle, NodeId, NodeKind, ScalarStyle};

/// How a block mapping's first entry was found.
pub(super) enum FirstEntry {
    /// An implicit key already parsed, positioned before its `:`.
    Implicit(NodeId),
    /// At `?`.
    Explicit,
    /// At a `:` with no key before it.
    EmptyKey,
}

impl<'t> Parser<'t> {
    /// Parses the node after a block indicator (`-`, `?`, `:`) or at the root. `parent` is the
    /// indentation of the enclosing block collection (-1 at the root).
    pub(super) fn block_node(
        &mut self,
        parent: i32,
        ctx: Ctx,
        at_line_start: bool,
    ) -> PResult<NodeId> {
        let after_indicator = self.pos;
        let mut props = Props::default();
        let mut fresh_line = at_line_start;
        // Whether this line starts with properties: an implicit key may start there.
        let mut line_starts_with_props = false;
        loop {
            if !fresh_line {
                // After `-`, `?` or an explicit `:`, libyaml refuses tabs before the content.
                let tabs_allowed = ctx == Ctx::MapValue || !props.is_empty();
                self.skip_separation(tabs_allowed)?;
            }
            if self.peek() == b'#' || self.at_break_or_end() {
                if self.peek() == b'#' {
                    self.skip_comment();
                }
                self.skip_break();
                if !self.next_content_line()? {
                    return self.empty_node(after_indicator, props);
                }
                let indent = self.col() as i32;
                let belongs_here = indent > parent
                    || (indent == parent
                        && ctx.allows_same_indent_sequence()
                        && self.peek() == b'-'
                        && self.next_is_blank_or_end());
                if !belongs_here {
                    return self.empty_node(after_indicator, props);
                }
                fresh_line = true;
                line_starts_with_props = false;
                continue;
            }
            if matches!(self.peek(), b'&' | b'!') {
                line_starts_with_props |= fresh_line;
                self.property(&mut props)?;
                fresh_line = false;
                continue;
            }
            break;
        }
        // Compact collections may start on the indicator's line only in some contexts, and
        // never right after properties on the same line.
        let may_open_collection = fresh_line || (ctx.allows_compact() && props.is_empty());
        let col = self.col();
        let c = self.peek();
        if matches!(c, b'-' | b'?') && self.next_is_blank_or_end() {
            if !may_open_collection {
                let message = if c == b'-' {
                    "block sequence entries are not allowed in this context"
                } else {
                    "mapping keys are not allowed in this context"
                };
                return Err(self.fail(self.pos, self.pos + 1, message));
            }
            return if c == b'-' {
                self.block_sequence(col, props)
            } else {
                self.block_mapping(col, props, FirstEntry::Explicit)
            };
        }
        if c == b':' && self.next_is_blank_or_end() {
            if !may_open_collection {
                return Err(self.fail(
                    self.pos,
                    self.pos + 1,
                    "mapping values are not allowed in this context",
                ));
            }
            return self.block_mapping(col, props, FirstEntry::EmptyKey);
        }
        if c == b'|' || c == b'>' {
            return self.block_scalar(parent, props);
        }
        // An inline node: a scalar, an alias or a flow collection, possibly the first key of a
        // mapping that starts here. Properties on the key's line belong to the key.
        let (node_props, mapping_props) = props.split_at(self.line_start);
        let key_col = node_props.start.map_or(col, |s| s - self.line_start);
        let node = self.inline_block_node(node_props)?;
        let after_node = self.mark();
        self.skip_blanks();
        if self.peek() == b':' && self.next_is_blank_or_end() {
            if !(fresh_line || line_starts_with_props || ctx.allows_compact()) {
                return Err(self.fail(
                    self.pos,
                    self.pos + 1,
                    "mapping values are not allowed in this context",
                ));
            }
            self.check_implicit_key(node)?;
            return self.block_mapping(key_col, mapping_props, FirstEntry::Implicit(node));
        }
        self.reset(after_node);
        if !mapping_props.is_empty() {
            self.attach_props(node, mapping_props);
        }
        if self.is_plain(node) {
            self.plain_continuation(node, parent, false)?;
        }
        self.finish_line(ctx.unexpected_content())?;
        self.next_content_line()?;
        Ok(node)
    }

    /// An empty node (YAML null) where a value could have been, after its properties if it
    /// has some; the position is not moved back.
    fn empty_node(&mut self, at: usize, props: Props) -> PResult<NodeId> {
        self.push_node(
            Span::empty(props.end.unwrap_or(at)),
            props,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                owned: None,
            },
        )
    }

    /// Spaces (and tabs where libyaml skips them) after an indicator.
    fn skip_separation(&mut self, tabs_allowed: bool) -> PResult<()> {
        loop {
            match self.peek() {
                b' ' => self.pos += 1,
                b'\t' if tabs_allowed => self.pos += 1,
                b'\t' => {
                    return Err(self.fail(
                        self.pos,
                        self.pos + 1,
                        "found a tab character after `-`, `?` or `:` where YAML allows only spaces",
                    ));
                }
                _ => return Ok(()),
            }
        }
    }

    /// libyaml's simple keys: on one line, at most 1024 characters.
    fn check_implicit_key(&mut self, key: NodeId) -> PResult<()> {
        let span = self.nodes[key as usize].span;
        let text = &self.text[span.range()];
        // A plain key is read from one line; other keys may span lines.
        if !self.is_plain(key) && memchr::memchr2(b'\n', b'\r', text.as_bytes()).is_some() {
            return Err(self.fail(
                span.start as usize,
                span.end as usize,
                "an implicit mapping key must be on a single line",
            ));
        }
        if text.len() > 1024 && text.chars().count() > 1024 {
            return Err(self.fail(
                span.start as usize,
                span.end as usize,
                "an implicit mapping key may be at most 1024 characters long",
            ));
        }
        Ok(())
    }

    fn is_plain(&self, node: NodeId) -> bool {
        matches!(
            self.nodes[node as usize].kind,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                ..
            }
        )
    }

    /// A block mapping whose entries sit at column `col`.
    pub(super) fn block_mapping(
        &mut self,
        col: usize,
        props: Props,
        first: FirstEntry,
    ) -> PResult<NodeId> {
        let content_start = match first {
            FirstEntry::Implicit(key) => self.nodes[key as usize].props_start as usize,
            _ => self.pos,
        };
        let id = self.open_collection(content_start, props, true)?;
        let scratch_start = self.scratch.len();
        let mut end = content_start;
        let mut entry = first;
        loop {
            let (key, value) = self.block_mapping_entry(col, entry)?;
            self.scratch.push(key);
            self.scratch.push(value);
            end = end
                .max(self.nodes[key as usize].span.end as usize)
                .max(self.nodes[value as usize].span.end as usize);
            if self.at_document_end() {
                break;
            }
            let indent = self.col();
            if indent < col {
                break;
            }
            if indent > col {
                let line_end = self.line_end();
                return Err(self.fail(self.pos, line_end, "did not find expected key"));
            }
            entry = match self.peek() {
                b'?' if self.next_is_blank_or_end() => FirstEntry::Explicit,
                b':' if self.next_is_blank_or_end() => FirstEntry::EmptyKey,
                b'-' if self.next_is_blank_or_end() => {
                    return Err(self.fail(self.pos, self.pos + 1, "did not find expected key"));
                }
                _ => FirstEntry::Implicit(self.block_key()?),
            };
        }
        self.close_collection(id, scratch_start, CollectionStyle::Block, end)?;
        Ok(id)
    }

    fn block_mapping_entry(&mut self, col: usize, entry: FirstEntry) -> PResult<(NodeId, NodeId)> {
        match entry {
            FirstEntry::Implicit(key) => {
                self.skip_blanks();
                self.pos += 1; // ':'
                let value = self.block_node(col as i32, Ctx::MapValue, false)?;
                Ok((key, value))
            }
            FirstEntry::EmptyKey => {
                let key = self.empty_node(self.pos, Props::default())?;
                self.pos += 1;
                let value = self.block_node(col as i32, Ctx::Explicit, false)?;
                Ok((key, value))
            }
            FirstEntry::Explicit => {
                self.pos += 1; // '?'
                let key = self.block_node(col as i32, Ctx::Explicit, false)?;
                let value = if !self.at_document_end()
                    && self.col() == col
                    && self.peek() == b':'
                    && self.next_is_blank_or_end()
                {
                    self.pos += 1;
                    self.block_node(col as i32, Ctx::Explicit, false)?
                } else {
                    let at = self.nodes[key as usize].span.end as usize;
                    self.empty_node(at, Props::default())?
                };
                Ok((key, value))
            }
        }
    }

    /// An implicit key at the start of a mapping line, with its properties.
    fn block_key(&mut self) -> PResult<NodeId> {
        let mut props = Props::default();
        while matches!(self.peek(), b'&' | b'!') {
            self.property(&mut props)?;
            self.skip_blanks();
        }
        if self.at_break_or_end() || self.peek() == b'#' {
            let at = self.pos;
            return Err(self.fail(at, at, "could not find expected ':'"));
        }
        let key = self.inline_block_node(props)?;
        self.skip_blanks();
        if self.peek() != b':' || !self.next_is_blank_or_end() {
            let line_end = self.line_end();
            let start = self.nodes[key as usize].props_start as usize;
            return Err(self.fail(start, line_end, "could not find expected ':'"));
        }
        self.check_implicit_key(key)?;
        Ok(key)
    }

    /// A block sequence whose `-` indicators sit at column `col`.
    pub(super) fn block_sequence(&mut self, col: usize, props: Props) -> PResult<NodeId> {
        let id = self.open_collection(self.pos, props, false)?;
        let scratch_start = self.scratch.len();
        let mut end = self.pos;
        loop {
            self.pos += 1; // '-'
            end = end.max(self.pos);
            let item = self.block_node(col as i32, Ctx::SeqEntry, false)?;
            self.scratch.push(item);
            end = end.max(self.nodes[item as usize].span.end as usize);
            if self.at_document_end() {
                break;
            }
            let indent = self.col();
            if indent < col {
                break;
            }
            if indent > col {
                let line_end = self.line_end();
                return Err(self.fail(self.pos, line_end, "did not find expected '-' indicator"));
            }
            if !(self.peek() == b'-' && self.next_is_blank_or_end()) {
                break;
            }
        }
        self.close_collection(id, scratch_start, CollectionStyle::Block, end)?;
        Ok(id)
    }

    /// An inline node in block context: a flow collection, a quoted scalar, an alias, or the
    /// first line of a plain scalar.
    pub(super) fn inline_block_node(&mut self, props: Props) -> PResult<NodeId> {
        match self.peek() {
            b'[' => self.flow_sequence(props),
            b'{' => self.flow_mapping(props),
            b'"' => self.double_quoted(props),
            b'\'' => self.single_quoted(props),
            b'*' => self.alias(props),
            c if self.can_start_plain(c, false) => self.plain_line(props, false),
            _ => {
                let width = self.text[self.pos..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                Err(self.fail(
                    self.pos,
                    self.pos + width,
                    "found character that cannot start any token",
                ))
            }
        }
    }

    /// Whether the position is at the end of the document (its end or a `...`/`---` marker).
    pub(super) fn at_document_end(&self) -> bool {
        self.at_end() || self.at_document_marker(b"...") || self.at_document_marker(b"---")
    }

    /// `|` or `>`: a literal or folded block scalar, read as libyaml reads it.
    fn block_scalar(&mut self, parent: i32, props: Props) -> PResult<NodeId> {
        let start = self.pos;
        let literal = self.peek() == b'|';
        self.pos += 1;
        let mut chomping = Chomping::Clip;
        let mut increment = 0usize;
        for _ in 0..2 {
            match self.peek() {
                b'+' if chomping == Chomping::Clip => chomping = Chomping::Keep,
                b'-' if chomping == Chomping::Clip => chomping = Chomping::Strip,
                b'1'..=b'9' if increment == 0 => increment = (self.peek() - b'0') as usize,
                b'0' => {
                    return Err(self.fail(
                        self.pos,
                        self.pos + 1,
                        "found an indentation indicator equal to 0",
                    ));
                }
                _ => break,
            }
            self.pos += 1;
        }
        let header_end = self.pos;
        self.skip_blanks();
        if self.peek() == b'#' && self.pos > header_end {
            self.skip_comment();
        }
        if !self.at_break_or_end() {
            let line_end = self.line_end();
            return Err(self.fail(
                self.pos,
                line_end,
                "did not find expected comment or line break",
            ));
        }
        self.skip_break();

        let mut indent = match (increment, parent) {
            (0, _) => 0,
            (i, p) if p >= 0 => p as usize + i,
            (i, _) => i,
        };
        let mut value = String::new();
        let mut leading_break = String::new();
        let mut trailing_breaks = String::new();
        self.block_scalar_breaks(&mut indent, parent, &mut trailing_breaks)?;
        let mut content_end = header_end;
        let mut leading_blank = false;
        while self.col() == indent && !self.at_end() {
            let trailing_blank = super::is_blank(self.peek());
            if !literal && !leading_blank && !trailing_blank && leading_break.starts_with('\n') {
                if trailing_breaks.is_empty() {
                    value.push(' ');
                }
            } else {
                value.push_str(&leading_break);
            }
            leading_break.clear();
            value.push_str(&trailing_breaks);
            trailing_breaks.clear();
            leading_blank = trailing_blank;
            let line_end = self.line_end();
            value.push_str(&self.text[self.pos..line_end]);
            content_end = line_end;
            self.pos = line_end;
            if self.at_break() {
                leading_break.push('\n');
                self.skip_break();
            }
            self.block_scalar_breaks(&mut indent, parent, &mut trailing_breaks)?;
        }
        if chomping != Chomping::Strip {
            value.push_str(&leading_break);
        }
        if chomping == Chomping::Keep {
            value.push_str(&trailing_breaks);
        }
        let id = self.push_node(
            Span::new(start, content_end),
            props,
            NodeKind::Scalar {
                style: if literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                },
                owned: Some(value.into_boxed_str()),
            },
        )?;
        // The scalar ended at a less indented line; read that line from its start.
        if !self.at_end() {
            self.pos = self.line_start;
        }
        self.next_content_line()?;
        Ok(id)
    }

    /// Eats indentation and empty lines inside a block scalar, and fixes the indentation from
    /// the first non-empty line when the header did not give it (libyaml's rule).
    fn block_scalar_breaks(
        &mut self,
        indent: &mut usize,
        parent: i32,
        breaks: &mut String,
    ) -> PResult<()> {
        let mut max_indent = 0;
        loop {
            while (*indent == 0 || self.col() < *indent) && self.peek() == b' ' {
                self.pos += 1;
            }
            max_indent = max_indent.max(self.col());
            if (*indent == 0 || self.col() < *indent) && self.peek() == b'\t' {
                return Err(self.fail(
                    self.pos,
                    self.pos + 1,
                    "found a tab character where an indentation space is expected",
                ));
            }
            if !self.at_break() {
                break;
            }
            breaks.push('\n');
            self.skip_break();
        }
        if *indent == 0 {
            *indent = max_indent.max((parent + 1).max(1) as usize);
        }
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomping {
    Strip,
    Clip,
    Keep,
}

impl Ctx {
    /// libyaml's message when a line holds more than the node it should end with.
    pub(super) fn unexpected_content(self) -> &'static str {
        match self {
            Ctx::Root => "did not find expected <document start>",
            Ctx::SeqEntry => "did not find expected '-' indicator",
            Ctx::MapValue | Ctx::Explicit => "did not find expected key",
        }
    }
}
