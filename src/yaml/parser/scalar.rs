//! Plain and quoted scalars, with libyaml's folding of multi-line text.

use super::{PResult, Parser, Props, is_blank, is_blank_or_end, is_break, is_flow_indicator};
use crate::yaml::Span;
use crate::yaml::tree::{NodeId, NodeKind, ScalarStyle};

impl<'t> Parser<'t> {
    /// Whether `c` can start a plain scalar here (libyaml's token rules).
    pub(super) fn can_start_plain(&self, c: u8, flow: bool) -> bool {
        let next = self.peek_at(1);
        match c {
            b'-' => !(is_blank_or_end(next) || flow && is_flow_indicator(next)),
            b'?' | b':' => !flow && !is_blank_or_end(next),
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' => false,
            _ => !is_blank_or_end(c),
        }
    }

    /// The first line of a plain scalar; [`Parser::plain_continuation`] reads the rest.
    pub(super) fn plain_line(&mut self, props: Props, flow: bool) -> PResult<NodeId> {
        let start = self.pos;
        let end = self.plain_chunk(flow);
        self.push_node(
            Span::new(start, end),
            props,
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                owned: None,
            },
        )
    }

    /// Reads plain-scalar text on the current line up to what ends it (`: `, ` #`, a line
    /// break, and in flow context `,?[]{}`). Leaves the position after the last non-blank
    /// character and returns it.
    fn plain_chunk(&mut self, flow: bool) -> usize {
        let start = self.pos;
        let mut end = start;
        while let Some(&c) = self.b.get(self.pos) {
            match c {
                b'\n' | b'\r' => break,
                b' ' | b'\t' => {
                    self.pos += 1;
                    continue;
                }
                b'#' if self.pos > start && is_blank(self.b[self.pos - 1]) => break,
                b':' if is_blank_or_end(self.peek_at(1)) => break,
                b',' | b'?' | b'[' | b']' | b'{' | b'}' if flow => break,
                _ => {}
            }
            self.pos += 1;
            end = self.pos;
        }
        self.pos = end;
        end
    }

    /// Extends a plain scalar over the following lines that continue it: in block context those
    /// indented more than `parent`, in flow context any that do not start with an indicator.
    pub(super) fn plain_continuation(
        &mut self,
        node: NodeId,
        parent: i32,
        flow: bool,
    ) -> PResult<()> {
        let min_col = (parent + 1).max(0) as usize;
        let mut folded: Option<String> = None;
        loop {
            let before = self.mark();
            self.skip_blanks();
            if !self.at_break() {
                self.reset(before);
                break;
            }
            let mut breaks = 0;
            while self.at_break() {
                self.skip_break();
                breaks += 1;
                loop {
                    match self.peek() {
                        b' ' => self.pos += 1,
                        b'\t' => {
                            if self.col() < min_col {
                                return Err(self.fail(
                                    self.pos,
                                    self.pos + 1,
                                    "found a tab character that violates indentation",
                                ));
                            }
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
            }
            let continues = !self.at_end()
                && self.peek() != b'#'
                && (flow || self.col() >= min_col)
                && !(self.pos == self.line_start
                    && (self.at_document_marker(b"---") || self.at_document_marker(b"...")));
            let content_start = self.pos;
            let content_end = if continues {
                self.plain_chunk(flow)
            } else {
                content_start
            };
            if content_end == content_start {
                self.reset(before);
                break;
            }
            let text = folded.get_or_insert_with(|| {
                let span = self.nodes[node as usize].span;
                self.text[span.range()].to_string()
            });
            if breaks == 1 {
                text.push(' ');
            } else {
                (1..breaks).for_each(|_| text.push('\n'));
            }
            text.push_str(&self.text[content_start..content_end]);
            self.nodes[node as usize].span.end = content_end as u32;
        }
        if let Some(text) = folded {
            self.nodes[node as usize].kind = NodeKind::Scalar {
                style: ScalarStyle::Plain,
                owned: Some(text.into_boxed_str()),
            };
        }
        Ok(())
    }

    pub(super) fn double_quoted(&mut self, props: Props) -> PResult<NodeId> {
        self.quoted(props, b'"')
    }

    pub(super) fn single_quoted(&mut self, props: Props) -> PResult<NodeId> {
        self.quoted(props, b'\'')
    }

    /// A single- or double-quoted scalar. The value is kept as a slice of the source when it
    /// has no escapes and no line breaks.
    fn quoted(&mut self, props: Props, quote: u8) -> PResult<NodeId> {
        let start = self.pos;
        self.pos += 1;
        let mut owned: Option<String> = None;
        let mut segment = self.pos;
        loop {
            let Some(&c) = self.b.get(self.pos) else {
                return Err(self.unterminated(start));
            };
            match c {
                b'\'' if quote == b'\'' && self.peek_at(1) == b'\'' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[segment..self.pos]);
                    s.push('\'');
                    self.pos += 2;
                    segment = self.pos;
                }
                c if c == quote => {
                    if let Some(s) = owned.as_mut() {
                        s.push_str(&self.text[segment..self.pos]);
                    }
                    self.pos += 1;
                    break;
                }
                b'\\' if quote == b'"' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[segment..self.pos]);
                    if is_break(self.peek_at(1)) {
                        // An escaped line break joins the lines without a space.
                        self.pos += 1;
                        self.skip_break();
                        self.skip_blanks();
                        let empty_lines = self.quoted_breaks(start)?;
                        (0..empty_lines).for_each(|_| s.push('\n'));
                    } else {
                        let mut s = std::mem::take(s);
                        self.escape(&mut s)?;
                        owned = Some(s);
                    }
                    segment = self.pos;
                }
                b'\n' | b'\r' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(self.text[segment..self.pos].trim_end_matches([' ', '\t']));
                    let breaks = self.quoted_breaks(start)?;
                    if breaks == 1 {
                        s.push(' ');
                    } else {
                        (1..breaks).for_each(|_| s.push('\n'));
                    }
                    segment = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        let style = if quote == b'"' {
            ScalarStyle::DoubleQuoted
        } else {
            ScalarStyle::SingleQuoted
        };
        self.push_node(
            Span::new(start, self.pos),
            props,
            NodeKind::Scalar {
                style,
                owned: owned.map(String::into_boxed_str),
            },
        )
    }

    /// Line breaks inside a quoted scalar: consumes them and the next line's leading blanks,
    /// and returns how many there were.
    fn quoted_breaks(&mut self, start: usize) -> PResult<usize> {
        let mut breaks = 0;
        while self.at_break() {
            self.skip_break();
            breaks += 1;
            if self.at_document_marker(b"---") || self.at_document_marker(b"...") {
                return Err(self.fail(
                    start,
                    self.pos + 3,
                    "found unexpected document indicator while scanning a quoted scalar",
                ));
            }
            self.skip_blanks();
        }
        if self.at_end() {
            return Err(self.unterminated(start));
        }
        Ok(breaks)
    }

    fn unterminated(&mut self, start: usize) -> super::Stop {
        let end =
            memchr::memchr2(b'\n', b'\r', &self.b[start..]).map_or(self.b.len(), |i| start + i);
        self.fail(
            start,
            end,
            "found unexpected end of stream while scanning a quoted scalar",
        )
    }

    /// At `\` in a double-quoted scalar: appends the escaped character.
    fn escape(&mut self, out: &mut String) -> PResult<()> {
        let start = self.pos;
        self.pos += 1;
        let c = self.peek();
        let simple = match c {
            b'0' => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\x0b'),
            b'f' => Some('\x0c'),
            b'r' => Some('\r'),
            b'e' => Some('\x1b'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.pos += 1;
            return Ok(());
        }
        let digits = match c {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => {
                let width = self.text[self.pos..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
                return Err(self.fail(
                    start,
                    self.pos + width,
                    "found unknown escape character while parsing a quoted scalar",
                ));
            }
        };
        let hex = self.text.get(self.pos + 1..self.pos + 1 + digits);
        let code = hex
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        let Some(code) = code else {
            let end = (self.pos + 1 + digits).min(self.b.len());
            return Err(self.fail(start, end, "did not find expected hexdecimal number"));
        };
        let Some(ch) = char::from_u32(code) else {
            let end = self.pos + 1 + digits;
            return Err(self.fail(start, end, "found invalid Unicode character escape code"));
        };
        out.push(ch);
        self.pos += 1 + digits;
        Ok(())
    }
}
