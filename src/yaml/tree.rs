//! The span tree of one YAML document: an arena of nodes that remember where their text is.
//!
//! Aliases are kept as references to their anchored node, never expanded, so an alias bomb costs
//! nothing to hold. Lookups resolve aliases and `<<` merge keys the way go-yaml v2 (and therefore
//! kubectl and the API server) does.

use super::Span;
use super::value::{Value, resolve_scalar};
use std::borrow::Cow;

pub type NodeId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionStyle {
    Block,
    Flow,
}

/// An explicit tag, reduced to what scalar resolution needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// No tag: plain scalars are resolved by their text, quoted ones are strings.
    None,
    /// The non-specific tag `!`: always a string.
    NonSpecific,
    Str,
    Int,
    Bool,
    Null,
    Float,
    Timestamp,
    Binary,
    Map,
    Seq,
    Merge,
    /// Any other tag: go-yaml leaves the text as a string.
    Other,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    /// `owned` holds the value when it differs from the source text (escapes, folding, block scalars).
    Scalar {
        style: ScalarStyle,
        owned: Option<Box<str>>,
    },
    /// Keys and values alternate in `kids[first..first + 2 * len]`.
    Mapping {
        style: CollectionStyle,
        first: u32,
        len: u32,
    },
    Sequence {
        style: CollectionStyle,
        first: u32,
        len: u32,
    },
    Alias {
        target: NodeId,
    },
}

#[derive(Clone, Debug)]
pub struct Node {
    /// The node's content, without its anchor and tag.
    pub span: Span,
    /// Where the node's properties (anchor, tag) begin; equals `span.start` when it has none.
    pub props_start: u32,
    pub tag: Tag,
    pub kind: NodeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The document is not valid YAML (or not what kubectl accepts); nothing after `span` was read.
    Syntax,
    /// A limit that protects podsec from hostile input stopped the analysis.
    Limit,
    /// Valid YAML that Kubernetes reads differently from how it looks (duplicate keys, ignored content).
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    pub message: String,
}

/// One parsed YAML document. Spans are byte offsets into [`Document::text`].
#[derive(Debug)]
pub struct Document {
    pub(crate) text: String,
    pub(crate) nodes: Vec<Node>,
    pub(crate) kids: Vec<NodeId>,
    pub(crate) root: Option<NodeId>,
    pub(crate) comments: Vec<Span>,
    pub(crate) problems: Vec<Problem>,
    /// Whether any mapping has a `<<` key; most documents have none.
    pub(crate) has_merge_keys: bool,
}

/// An entry of a mapping: the key node and the value node (aliases not yet resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
}

impl Document {
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Comments, `#` included, in source order.
    pub fn comments(&self) -> &[Span] {
        &self.comments
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether the document was read to its end: no syntax error and no limit hit.
    pub fn is_complete(&self) -> bool {
        !self
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::Limit))
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.range()]
    }

    /// Follows an alias to its anchored node.
    pub fn resolve(&self, id: NodeId) -> NodeId {
        match self.node(id).kind {
            NodeKind::Alias { target } => target,
            _ => id,
        }
    }

    /// The text of a scalar (after unescaping and folding), or `None` for collections.
    pub fn scalar_text(&self, id: NodeId) -> Option<&str> {
        scalar_text_of(&self.text, self.node(self.resolve(id)))
    }

    /// The value of a scalar as go-yaml v2 resolves it (YAML 1.1 booleans, Go integer forms).
    pub fn value(&self, id: NodeId) -> Option<Value<'_>> {
        let id = self.resolve(id);
        let node = self.node(id);
        match node.kind {
            NodeKind::Scalar { style, .. } => {
                Some(resolve_scalar(self.scalar_text(id)?, style, node.tag))
            }
            _ => None,
        }
    }

    pub fn is_mapping(&self, id: NodeId) -> bool {
        matches!(self.node(self.resolve(id)).kind, NodeKind::Mapping { .. })
    }

    pub fn is_sequence(&self, id: NodeId) -> bool {
        matches!(self.node(self.resolve(id)).kind, NodeKind::Sequence { .. })
    }

    /// Whether the node is YAML null: empty, `~`, `null`, or tagged `!!null`.
    pub fn is_null(&self, id: NodeId) -> bool {
        matches!(self.value(id), Some(Value::Null))
    }

    /// The entries of a mapping as written (merge keys not expanded), or an empty slice.
    pub fn entries(
        &self,
        map: NodeId,
    ) -> impl ExactSizeIterator<Item = Entry> + DoubleEndedIterator + '_ {
        let pairs: &[NodeId] = match self.node(self.resolve(map)).kind {
            NodeKind::Mapping { first, len, .. } => {
                &self.kids[first as usize..(first + 2 * len) as usize]
            }
            _ => &[],
        };
        pairs.chunks_exact(2).map(|kv| Entry {
            key: kv[0],
            value: kv[1],
        })
    }

    /// The items of a sequence (aliases not resolved), or an empty slice.
    pub fn items(&self, seq: NodeId) -> &[NodeId] {
        match self.node(self.resolve(seq)).kind {
            NodeKind::Sequence { first, len, .. } => {
                &self.kids[first as usize..(first + len) as usize]
            }
            _ => &[],
        }
    }

    /// Whether a key node is the merge key `<<`.
    pub fn is_merge_key(&self, key: NodeId) -> bool {
        if !self.has_merge_keys {
            return false;
        }
        let node = self.node(key);
        match node.kind {
            NodeKind::Scalar {
                style: ScalarStyle::Plain,
                ..
            } => node.tag == Tag::Merge || (node.tag == Tag::None && self.slice(node.span) == "<<"),
            NodeKind::Scalar { .. } => node.tag == Tag::Merge,
            _ => false,
        }
    }

    /// The key as the JSON object key Kubernetes sees (`yes:` is `"true"`, `010:` is `"8"`).
    pub fn key_string(&self, key: NodeId) -> Option<Cow<'_, str>> {
        let text = self.scalar_text(key)?;
        Some(match self.value(key)? {
            Value::Bool(b) => Cow::Borrowed(if b { "true" } else { "false" }),
            Value::Int(i) => Cow::Owned(i.to_string()),
            _ => Cow::Borrowed(text),
        })
    }

    /// Whether a key is `name` once Kubernetes has read it as a JSON key. `simple` says that
    /// `name` is a string go-yaml cannot read as anything else and is not the JSON form of a
    /// boolean or integer (true of every Kubernetes field name), so that a plain key can only
    /// match by being spelled the same.
    fn key_is(&self, key: NodeId, name: &str, simple: bool) -> bool {
        let node = self.node(key);
        if simple
            && node.tag == Tag::None
            && let NodeKind::Scalar { style, owned: None } = node.kind
        {
            let text = match style {
                ScalarStyle::Plain => self.slice(node.span),
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                    &self.text[node.span.start as usize + 1..node.span.end as usize - 1]
                }
                _ => return self.key_string(key).is_some_and(|k| k == name),
            };
            return text == name;
        }
        self.key_string(key).is_some_and(|k| k == name)
    }

    /// See [`Document::key_is`].
    fn is_simple_key_name(name: &str) -> bool {
        !super::value::may_resolve_to_non_string(name)
            || matches!(
                super::value::resolve_scalar(name, ScalarStyle::Plain, Tag::None),
                Value::Str(_)
            )
    }

    /// Looks a key up in a mapping, honouring `<<` merge keys and duplicate keys as go-yaml v2
    /// does: entries are written in order, a merge writes its maps (earlier ones win), and the
    /// last write wins.
    pub fn get(&self, map: NodeId, name: &str) -> Option<Entry> {
        let simple = Self::is_simple_key_name(name);
        for entry in self.entries(map).rev() {
            if self.is_merge_key(entry.key) {
                return self.get_through_merges(map, name, simple);
            }
            if self.key_is(entry.key, name, simple) {
                return Some(entry);
            }
        }
        None
    }

    /// `get` for a mapping with merge keys: depth-first over the merged maps, newest write
    /// first. The parser bounds how many maps a merge can reach.
    fn get_through_merges(&self, map: NodeId, name: &str, simple: bool) -> Option<Entry> {
        // Each frame is a mapping and how many of its entries are still to be searched.
        let mut stack: Vec<(NodeId, usize)> = vec![(map, self.entries(map).len())];
        while let Some((current, left)) = stack.pop() {
            if left == 0 {
                continue;
            }
            stack.push((current, left - 1));
            let entry = self.entries(current).nth(left - 1).expect("within len");
            if self.is_merge_key(entry.key) {
                let merged = self.resolve(entry.value);
                let sources: &[NodeId] = if self.is_sequence(merged) {
                    self.items(merged)
                } else {
                    std::slice::from_ref(&merged)
                };
                // Earlier sources take precedence, so they are searched first.
                for &source in sources.iter().rev() {
                    if self.is_mapping(source) {
                        stack.push((source, self.entries(source).len()));
                    }
                }
            } else if self.key_is(entry.key, name, simple) {
                return Some(entry);
            }
        }
        None
    }

    /// Every effective entry of a mapping, merges expanded and duplicates collapsed (last wins),
    /// in first-write order.
    pub fn effective_entries(&self, map: NodeId) -> Vec<(Cow<'_, str>, Entry)> {
        let mut out = EffectiveEntries::default();
        self.write_entries(map, &mut out, 0);
        out.entries
    }

    fn write_entries<'a>(&'a self, map: NodeId, out: &mut EffectiveEntries<'a>, depth: u32) {
        if depth > super::parser::MAX_MERGE_FAN_OUT {
            return;
        }
        for entry in self.entries(map) {
            if self.is_merge_key(entry.key) {
                let merged = self.resolve(entry.value);
                if self.is_sequence(merged) {
                    for &source in self.items(merged).iter().rev() {
                        self.write_entries(source, out, depth + 1);
                    }
                } else {
                    self.write_entries(merged, out, depth + 1);
                }
            } else if let Some(key) = self.key_string(entry.key) {
                out.write(key, entry);
            }
        }
    }
}

/// A mapping's entries as go-yaml writes them into a Go map: the last write of a key wins.
#[derive(Default)]
struct EffectiveEntries<'a> {
    entries: Vec<(Cow<'a, str>, Entry)>,
    index: std::collections::HashMap<Cow<'a, str>, usize>,
}

impl<'a> EffectiveEntries<'a> {
    fn write(&mut self, key: Cow<'a, str>, entry: Entry) {
        match self.index.get(&key) {
            Some(&i) => self.entries[i].1 = entry,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, entry));
            }
        }
    }
}

/// A scalar node's text: its owned value, or the source between its quotes.
pub(crate) fn scalar_text_of<'a>(text: &'a str, node: &'a Node) -> Option<&'a str> {
    match &node.kind {
        NodeKind::Scalar { owned: Some(s), .. } => Some(s),
        NodeKind::Scalar { style, owned: None } => {
            let span = match style {
                ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                    Span::new(node.span.start as usize + 1, node.span.end as usize - 1)
                }
                _ => node.span,
            };
            Some(&text[span.range()])
        }
        _ => None,
    }
}
