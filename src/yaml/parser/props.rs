//! Node properties (`&anchor`, `!tag`) and aliases (`*anchor`).

use super::{PResult, Parser, Props, is_blank_or_end, is_flow_indicator};
use crate::yaml::Span;
use crate::yaml::tree::{NodeId, NodeKind, Tag};

impl<'t> Parser<'t> {
    /// Reads one property at `&` or `!` into `props`.
    pub(super) fn property(&mut self, props: &mut Props) -> PResult<()> {
        let start = self.pos;
        if self.peek() == b'&' {
            if props.anchor.is_some() {
                return Err(self.fail(start, start + 1, "a node may have only one anchor"));
            }
            let name = self.anchor_name(start)?;
            props.anchor = Some((name, Span::new(start, self.pos)));
        } else {
            if props.tag.is_some() {
                return Err(self.fail(start, start + 1, "a node may have only one tag"));
            }
            let tag = self.tag(start)?;
            props.tag = Some((tag, Span::new(start, self.pos)));
        }
        props.include(Span::new(start, self.pos));
        Ok(())
    }

    /// `&name` or `*name`: libyaml takes letters, digits, `-` and `_`. Returns the name's span.
    fn anchor_name(&mut self, start: usize) -> PResult<Span> {
        self.pos += 1;
        let name_start = self.pos;
        while matches!(self.peek(), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_') {
            self.pos += 1;
        }
        let end_ok = is_blank_or_end(self.peek())
            || matches!(
                self.peek(),
                b'?' | b':' | b',' | b']' | b'}' | b'%' | b'@' | b'`'
            );
        if self.pos == name_start || !end_ok {
            return Err(self.fail(
                start,
                self.pos + 1,
                "did not find expected alphabetic or numeric character",
            ));
        }
        Ok(Span::new(name_start, self.pos))
    }

    fn tag(&mut self, start: usize) -> PResult<Tag> {
        self.pos += 1; // '!'
        let tag = if self.peek() == b'<' {
            let close = memchr::memchr(b'>', &self.b[self.pos..]).filter(|&i| {
                !self.b[self.pos..self.pos + i]
                    .iter()
                    .any(|&c| is_blank_or_end(c))
            });
            let Some(close) = close else {
                return Err(self.fail(start, self.pos, "did not find the expected '>'"));
            };
            let uri = &self.text[self.pos + 1..self.pos + close];
            self.pos += close + 1;
            match uri.strip_prefix("tag:yaml.org,2002:") {
                Some(name) => core_tag(name),
                None if uri == "!" => Tag::NonSpecific,
                None => Tag::Other,
            }
        } else {
            let body_start = self.pos;
            while !is_blank_or_end(self.peek()) && !is_flow_indicator(self.peek()) {
                self.pos += 1;
            }
            let body = &self.text[body_start..self.pos];
            match body.strip_prefix('!') {
                Some(name) => core_tag(name),
                None if body.is_empty() => Tag::NonSpecific,
                None if body.contains('!') => {
                    return Err(self.fail(
                        start,
                        self.pos,
                        "found undefined tag handle (kubectl cannot use %TAG directives)",
                    ));
                }
                None => Tag::Other,
            }
        };
        if !is_blank_or_end(self.peek()) && !is_flow_indicator(self.peek()) {
            return Err(self.fail(
                start,
                self.pos + 1,
                "did not find expected whitespace or line break",
            ));
        }
        Ok(tag)
    }

    /// `*name`: a reference to the latest node anchored with that name before it.
    pub(super) fn alias(&mut self, props: Props) -> PResult<NodeId> {
        let start = self.pos;
        if let Some(props_start) = props.start {
            return Err(self.fail(
                props_start,
                start,
                "an alias cannot have an anchor or a tag (did not find expected node content)",
            ));
        }
        let name_span = self.anchor_name(start)?;
        let name = &self.text[name_span.range()];
        let Some(&target) = self.anchors.get(name) else {
            let message = format!("unknown anchor '{name}' referenced");
            return Err(self.fail(start, self.pos, &message));
        };
        self.push_node(
            Span::new(start, self.pos),
            Props::default(),
            NodeKind::Alias { target },
        )
    }

    pub(super) fn define_anchor(&mut self, name: Span, node: NodeId) {
        let text: &'t str = self.text;
        self.anchors.insert(&text[name.range()], node);
    }

    /// Gives properties read on an earlier line to a node that turned out not to be a key.
    pub(super) fn attach_props(&mut self, node: NodeId, props: Props) {
        let n = &mut self.nodes[node as usize];
        if let Some(start) = props.start {
            n.props_start = start as u32;
        }
        if let Some((tag, _)) = props.tag {
            n.tag = tag;
        }
        if let Some((anchor, _)) = props.anchor {
            self.define_anchor(anchor, node);
        }
    }
}

/// A tag in the `tag:yaml.org,2002:` namespace, by its short name.
fn core_tag(name: &str) -> Tag {
    match name {
        "str" => Tag::Str,
        "int" => Tag::Int,
        "bool" => Tag::Bool,
        "null" => Tag::Null,
        "float" => Tag::Float,
        "timestamp" => Tag::Timestamp,
        "binary" => Tag::Binary,
        "map" => Tag::Map,
        "seq" => Tag::Seq,
        "merge" => Tag::Merge,
        _ => Tag::Other,
    }
}
