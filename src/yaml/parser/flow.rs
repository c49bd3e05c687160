//! Flow collections: `[a, b]` and `{k: v}`, which ignore indentation and may span lines.

use super::{PResult, Parser, Props, is_blank_or_end, is_flow_indicator};
use crate::yaml::Span;
use crate::yaml::tree::{CollectionStyle, NodeId, NodeKind, ScalarStyle};

impl<'t> Parser<'t> {
    pub(super) fn flow_sequence(&mut self, props: Props) -> PResult<NodeId> {
        let start = self.pos;
        let id = self.open_collection(start, props, false)?;
        self.pos += 1; // '['
        let scratch_start = self.scratch.len();
        loop {
            self.skip_flow_space(start)?;
            if self.peek() == b']' {
                self.pos += 1;
                break;
            }
            let item = self.flow_sequence_entry(start)?;
            self.scratch.push(item);
            self.skip_flow_space(start)?;
            match self.peek() {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.flow_error(start, "did not find expected ',' or ']'")),
            }
        }
        self.close_collection(id, scratch_start, CollectionStyle::Flow, self.pos)?;
        Ok(id)
    }

    /// An item of a flow sequence, which may be a single `key: value` pair.
    fn flow_sequence_entry(&mut self, open: usize) -> PResult<NodeId> {
        let start = self.pos;
        if self.peek() == b'?' {
            self.pos += 1;
            let key = self.flow_node_or_empty(open)?;
            self.skip_flow_space(open)?;
            let value = self.flow_pair_value(open)?;
            return self.single_pair(start, key, value);
        }
        if self.peek() == b':' {
            let key = self.empty_at(self.pos)?;
            let value = self.flow_pair_value(open)?;
            return self.single_pair(start, key, value);
        }
        let node = self.flow_node(open)?;
        let after = self.mark();
        self.skip_blanks();
        if self.at_flow_value_indicator(node) {
            self.check_implicit_key_line(node)?;
            let value = self.flow_pair_value(open)?;
            return self.single_pair(start, node, value);
        }
        self.reset(after);
        Ok(node)
    }

    /// A flow sequence entry `k: v` is a mapping of one pair.
    fn single_pair(&mut self, start: usize, key: NodeId, value: NodeId) -> PResult<NodeId> {
        let id = self.open_collection(start, Props::default(), true)?;
        let scratch_start = self.scratch.len();
        self.scratch.push(key);
        self.scratch.push(value);
        let end = self.nodes[value as usize]
            .span
            .end
            .max(self.nodes[key as usize].span.end) as usize;
        self.close_collection(id, scratch_start, CollectionStyle::Flow, end.max(start + 1))?;
        Ok(id)
    }

    pub(super) fn flow_mapping(&mut self, props: Props) -> PResult<NodeId> {
        let start = self.pos;
        let id = self.open_collection(start, props, true)?;
        self.pos += 1; // '{'
        let scratch_start = self.scratch.len();
        loop {
            self.skip_flow_space(start)?;
            if self.peek() == b'}' {
                self.pos += 1;
                break;
            }
            let (key, value) = self.flow_mapping_entry(start)?;
            self.scratch.push(key);
            self.scratch.push(value);
            self.skip_flow_space(start)?;
            match self.peek() {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.flow_error(start, "did not find expected ',' or '}'")),
            }
        }
        self.close_collection(id, scratch_start, CollectionStyle::Flow, self.pos)?;
        Ok(id)
    }

    fn flow_mapping_entry(&mut self, open: usize) -> PResult<(NodeId, NodeId)> {
        let key = match self.peek() {
            b'?' => {
                self.pos += 1;
                self.flow_node_or_empty(open)?
            }
            b':' => self.empty_at(self.pos)?,
            _ => self.flow_node(open)?,
        };
        let after = self.mark();
        self.skip_flow_space(open)?;
        if self.at_flow_value_indicator(key) {
            let value = self.flow_pair_value(open)?;
            return Ok((key, value));
        }
        // A key without a value: `{a, b}`.
        self.reset(after);
        let at = self.nodes[key as usize].span.end as usize;
        let value = self.empty_at(at)?;
        Ok((key, value))
    }

    /// At `:` after a key in flow context: reads the value, which may be empty.
    fn flow_pair_value(&mut self, open: usize) -> PResult<NodeId> {
        if self.peek() != b':' {
            return self.empty_at(self.pos);
        }
        self.pos += 1;
        let after_colon = self.pos;
        self.skip_flow_space(open)?;
        if matches!(self.peek(), b',' | b']' | b'}') {
            return self.empty_at(after_colon);
        }
        self.flow_node(open)
    }

    /// In flow context every `:` that can be one is a value indicator; after a quoted scalar
    /// or a collection (a "JSON-like" key) it needs no space after it.
    fn at_flow_value_indicator(&self, key: NodeId) -> bool {
        if self.peek() != b':' {
            return false;
        }
        let next = self.peek_at(1);
        let json_like = !matches!(
            self.nodes[key as usize].kind,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                ..
            } | NodeKind::Alias { .. }
        );
        json_like || is_blank_or_end(next) || is_flow_indicator(next)
    }

    fn check_implicit_key_line(&mut self, key: NodeId) -> PResult<()> {
        let span = self.nodes[key as usize].span;
        if memchr::memchr2(b'\n', b'\r', self.text[span.range()].as_bytes()).is_some() {
            return Err(self.fail(
                span.start as usize,
                span.end as usize,
                "an implicit mapping key must be on a single line",
            ));
        }
        Ok(())
    }

    fn flow_node_or_empty(&mut self, open: usize) -> PResult<NodeId> {
        self.skip_flow_space(open)?;
        if matches!(self.peek(), b':' | b',' | b']' | b'}') {
            return self.empty_at(self.pos);
        }
        self.flow_node(open)
    }

    /// A node inside a flow collection, with its properties.
    fn flow_node(&mut self, open: usize) -> PResult<NodeId> {
        let mut props = Props::default();
        while matches!(self.peek(), b'&' | b'!') {
            self.property(&mut props)?;
            self.skip_flow_space(open)?;
        }
        match self.peek() {
            b'[' => self.flow_sequence(props),
            b'{' => self.flow_mapping(props),
            b'"' => self.double_quoted(props),
            b'\'' => self.single_quoted(props),
            b'*' => self.alias(props),
            b',' | b']' | b'}' | b':' if !props.is_empty() => self.empty_at_with(self.pos, props),
            c if self.can_start_plain(c, true) => {
                let node = self.plain_line(props, true)?;
                self.plain_continuation(node, -1, true)?;
                Ok(node)
            }
            0 if self.at_end() => Err(self.flow_error(
                open,
                "found unexpected end of stream inside a flow collection",
            )),
            _ => {
                let width = self.text[self.pos..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                Err(self.fail(
                    self.pos,
                    self.pos + width,
                    "did not find expected node content",
                ))
            }
        }
    }

    /// Blanks, line breaks and comments between flow tokens.
    fn skip_flow_space(&mut self, open: usize) -> PResult<()> {
        loop {
            match self.peek() {
                b' ' | b'\t' => self.pos += 1,
                b'\n' | b'\r' => {
                    self.skip_break();
                    if self.at_document_marker(b"---") || self.at_document_marker(b"...") {
                        return Err(self
                            .flow_error(open, "found a document marker inside a flow collection"));
                    }
                }
                b'#' => {
                    let preceded_by_space =
                        self.pos == self.line_start || matches!(self.b[self.pos - 1], b' ' | b'\t');
                    if !preceded_by_space {
                        return Ok(());
                    }
                    self.skip_comment();
                }
                0 if self.at_end() => {
                    return Err(self.flow_error(
                        open,
                        "found unexpected end of stream inside a flow collection",
                    ));
                }
                _ => return Ok(()),
            }
        }
    }

    /// An error about a flow collection, reported from its opening bracket to here.
    fn flow_error(&mut self, open: usize, message: &str) -> super::Stop {
        let here = self.pos.min(self.b.len());
        let at = if self.at_end() { open } else { here };
        let end = (at + 1).min(self.b.len()).max(at);
        self.fail(at, end, message)
    }

    fn empty_at(&mut self, at: usize) -> PResult<NodeId> {
        self.empty_at_with(at, Props::default())
    }

    fn empty_at_with(&mut self, at: usize, props: Props) -> PResult<NodeId> {
        self.push_node(
            Span::empty(props.end.map_or(at, |end| end.max(at))),
            props,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                owned: None,
            },
        )
    }
}
