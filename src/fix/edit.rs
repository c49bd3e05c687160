//! Edits a careful human would make to YAML: change a value and keep its quotes, remove a field
//! or a list item with its line, add a field at the mapping's own indentation, in block or flow
//! style, with the document's line endings. Every edit leaves the rest of the text untouched.

use crate::yaml::{
    CollectionStyle, Document, Entry, NodeId, NodeKind, ScalarStyle, Span, Tag, Value,
    resolve_scalar,
};

/// Replace the bytes `start..end` of the document's text by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl TextEdit {
    fn new(start: usize, end: usize, text: impl Into<String>) -> TextEdit {
        TextEdit {
            start,
            end,
            text: text.into(),
        }
    }
}

/// A value to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewValue {
    /// A plain scalar, as written.
    Scalar(String),
    /// A mapping of values.
    Map(Vec<(String, NewValue)>),
    /// A list of plain scalars, written in flow style (`["ALL"]`).
    List(Vec<String>),
}

impl NewValue {
    pub fn scalar(text: &str) -> NewValue {
        NewValue::Scalar(text.to_string())
    }

    /// `path` as nested mappings ending in `value`.
    pub fn nested(path: &[&str], value: NewValue) -> NewValue {
        path.iter().rev().fold(value, |inner, key| {
            NewValue::Map(vec![(key.to_string(), inner)])
        })
    }

    fn flow(&self) -> String {
        match self {
            NewValue::Scalar(text) => text.clone(),
            NewValue::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.flow()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            NewValue::List(items) => {
                let inner: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
                format!("[{}]", inner.join(", "))
            }
        }
    }
}

/// How the document writes: its line break and indentation step.
pub struct Layout<'d> {
    pub doc: &'d Document,
    pub eol: &'static str,
    pub step: usize,
}

impl<'d> Layout<'d> {
    pub fn of(doc: &'d Document) -> Layout<'d> {
        let text = doc.text();
        let eol = match memchr::memchr(b'\n', text.as_bytes()) {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        };
        Layout {
            doc,
            eol,
            step: indent_step(doc),
        }
    }

    fn text(&self) -> &'d str {
        self.doc.text()
    }

    fn line_start(&self, offset: usize) -> usize {
        self.text()[..offset]
            .rfind(['\n', '\r'])
            .map_or(0, |i| i + 1)
    }

    /// The end of the line holding `offset`, before its line break.
    fn line_end(&self, offset: usize) -> usize {
        self.text()[offset..]
            .find(['\n', '\r'])
            .map_or(self.text().len(), |i| offset + i)
    }

    /// After the line break that ends the line holding `offset` (or the end of the text).
    fn next_line_start(&self, offset: usize) -> usize {
        let end = self.line_end(offset);
        let text = self.text().as_bytes();
        match text.get(end) {
            Some(b'\r') if text.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        }
    }

    fn column(&self, offset: usize) -> usize {
        offset - self.line_start(offset)
    }

    /// Whether only spaces precede `offset` on its line.
    fn starts_line(&self, offset: usize) -> bool {
        self.text()[self.line_start(offset)..offset]
            .bytes()
            .all(|b| b == b' ')
    }

    fn span(&self, node: NodeId) -> Span {
        self.doc.node(node).span
    }

    fn props_start(&self, node: NodeId) -> usize {
        self.doc.node(node).props_start as usize
    }

    fn style(&self, collection: NodeId) -> CollectionStyle {
        match self.doc.node(collection).kind {
            NodeKind::Mapping { style, .. } | NodeKind::Sequence { style, .. } => style,
            _ => CollectionStyle::Block,
        }
    }

    /// `key: value` at column `col`, in block style (nested mappings on their own lines).
    fn block_entry(&self, key: &str, value: &NewValue, col: usize) -> String {
        match value {
            NewValue::Map(entries) => {
                let mut out = format!("{key}:");
                for (k, v) in entries {
                    out.push_str(self.eol);
                    out.push_str(&" ".repeat(col + self.step));
                    out.push_str(&self.block_entry(k, v, col + self.step));
                }
                out
            }
            other => format!("{key}: {}", other.flow()),
        }
    }

    // ----- the edits -------------------------------------------------------------------

    /// A new text for a scalar: `value` as plain YAML means what it is to mean (`false`,
    /// `65534`, `RuntimeDefault`). Quotes are kept around a string, dropped around anything
    /// else, which they would turn into a string; so is a tag that would change its meaning
    /// (`!!str true`), its anchor kept.
    pub fn set_scalar(&self, node: NodeId, value: &str) -> Option<TextEdit> {
        let n = self.doc.node(node);
        let span = n.span;
        let (start, end) = (span.start as usize, span.end as usize);
        let plain = |tag| resolve_scalar(value, ScalarStyle::Plain, tag);
        let meaning = plain(Tag::None);
        if matches!(n.kind, NodeKind::Scalar { .. }) && plain(n.tag) != meaning {
            let props = &self.text()[n.props_start as usize..start];
            let anchor = props.split_whitespace().find(|p| p.starts_with('&'));
            let text = match anchor {
                Some(anchor) => format!("{anchor} {value}"),
                None => value.to_string(),
            };
            return Some(TextEdit::new(n.props_start as usize, end, text));
        }
        let NodeKind::Scalar { style, .. } = n.kind else {
            return None;
        };
        Some(match style {
            // An empty value sits right after its `key:` or its properties: a space keeps the
            // new text apart (`key:false` would be one string).
            ScalarStyle::Plain
                if span.is_empty()
                    && self.text()[..start]
                        .chars()
                        .next_back()
                        .is_some_and(|c| !c.is_whitespace()) =>
            {
                TextEdit::new(start, end, format!(" {value}"))
            }
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted
                if matches!(meaning, Value::Str(_)) =>
            {
                TextEdit::new(start + 1, end - 1, value)
            }
            ScalarStyle::Plain | ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                TextEdit::new(start, end, value)
            }
            _ => return None,
        })
    }

    /// Removes an entry of `map`, with its line when it has one to itself.
    pub fn remove_entry(&self, map: NodeId, entry: Entry) -> Option<TextEdit> {
        let entries: Vec<Entry> = self.doc.entries(map).collect();
        let at = entries.iter().position(|e| *e == entry)?;
        let start = self.props_start(entry.key);
        let end = self.span(entry.value).end.max(self.span(entry.key).end) as usize;
        if self.style(map) == CollectionStyle::Flow {
            return Some(self.remove_flow_element(&entries_bounds(self, &entries), at));
        }
        if !self.starts_line(start) {
            // The first entry of a compact mapping (`- key: value`): the next entry moves up.
            return Some(match entries.get(at + 1) {
                Some(next) => TextEdit::new(start, self.props_start(next.key), ""),
                None => TextEdit::new(start, end, "{}"),
            });
        }
        Some(TextEdit::new(
            self.line_start(start),
            self.next_line_start(end),
            "",
        ))
    }

    /// Removes an item of the list that is `list_entry`'s value.
    pub fn remove_item(&self, list_entry: Entry, item: NodeId) -> Option<TextEdit> {
        let list = self.doc.resolve(list_entry.value);
        let items = self.doc.items(list).to_vec();
        let at = items.iter().position(|&i| i == item)?;
        if items.len() == 1 {
            // The list becomes empty: `[]`, written after the key.
            let key_end = self.span(list_entry.key).end as usize;
            let colon = key_end + self.text()[key_end..].find(':')?;
            return Some(TextEdit::new(
                colon + 1,
                self.span(list).end as usize,
                " []",
            ));
        }
        if self.style(list) == CollectionStyle::Flow {
            let bounds: Vec<(usize, usize)> = items
                .iter()
                .map(|&i| (self.props_start(i), self.span(i).end as usize))
                .collect();
            return Some(self.remove_flow_element(&bounds, at));
        }
        let item_start = self.props_start(item);
        let dash = self.text()[..item_start].rfind('-')?;
        let end = self.span(item).end as usize;
        Some(TextEdit::new(
            self.line_start(dash),
            self.next_line_start(end),
            "",
        ))
    }

    /// Removes element `at` of a flow collection, with one comma next to it.
    fn remove_flow_element(&self, bounds: &[(usize, usize)], at: usize) -> TextEdit {
        let (start, end) = bounds[at];
        match (bounds.get(at + 1), at.checked_sub(1).map(|i| bounds[i])) {
            (Some(&(next_start, _)), _) => TextEdit::new(start, next_start, ""),
            (None, Some((_, previous_end))) => TextEdit::new(previous_end, end, ""),
            (None, None) => TextEdit::new(start, end, ""),
        }
    }

    /// Adds `key: value` at the end of `map`, in its style.
    pub fn insert_entry(&self, map: NodeId, key: &str, value: &NewValue) -> Option<TextEdit> {
        let entries: Vec<Entry> = self.doc.entries(map).collect();
        if self.style(map) == CollectionStyle::Flow {
            let text = format!("{key}: {}", value.flow());
            return Some(match entries.last() {
                Some(last) => {
                    let end = self.span(last.value).end.max(self.span(last.key).end) as usize;
                    TextEdit::new(end, end, format!(", {text}"))
                }
                None => {
                    let close = self.span(map).end as usize - 1;
                    TextEdit::new(close, close, text)
                }
            });
        }
        let first = entries.first()?;
        let col = self.column(self.props_start(first.key));
        let last = entries.last()?;
        let after = self.line_end(self.span(last.value).end.max(self.span(last.key).end) as usize);
        let text = format!(
            "{}{}{}",
            self.eol,
            " ".repeat(col),
            self.block_entry(key, value, col)
        );
        Some(TextEdit::new(after, after, text))
    }

    /// Gives a key whose value is null (`key:`, `key: ~`) a mapping holding `entries`.
    pub fn fill_null(&self, entry: Entry, value: &NewValue) -> Option<TextEdit> {
        let span = self.span(entry.value);
        let key_start = self.props_start(entry.key);
        if span.is_empty() && self.starts_line(key_start) {
            let col = self.column(key_start);
            let NewValue::Map(entries) = value else {
                return None;
            };
            let mut text = String::new();
            for (k, v) in entries {
                text.push_str(self.eol);
                text.push_str(&" ".repeat(col + self.step));
                text.push_str(&self.block_entry(k, v, col + self.step));
            }
            let at = self.line_end(span.start as usize);
            let at = self.text()[span.start as usize..at]
                .find('#')
                .map_or(at, |_| at);
            return Some(TextEdit::new(at, at, text));
        }
        let (start, end) = (span.start as usize, span.end as usize);
        let prefix = if span.is_empty() { " " } else { "" };
        Some(TextEdit::new(
            start,
            end,
            format!("{prefix}{}", value.flow()),
        ))
    }

    /// Adds `value` to the list that is `list_entry`'s value, in its style and quoting.
    pub fn append_item(&self, list_entry: Entry, value: &str) -> Option<TextEdit> {
        let list = self.doc.resolve(list_entry.value);
        let items = self.doc.items(list).to_vec();
        let quote = items.first().and_then(|&i| match self.doc.node(i).kind {
            NodeKind::Scalar {
                style: ScalarStyle::DoubleQuoted,
                ..
            } => Some('"'),
            NodeKind::Scalar {
                style: ScalarStyle::SingleQuoted,
                ..
            } => Some('\''),
            _ => None,
        });
        let written = match quote {
            Some(q) => format!("{q}{value}{q}"),
            None => value.to_string(),
        };
        if self.style(list) == CollectionStyle::Flow {
            return Some(match items.last() {
                Some(&last) => {
                    let end = self.span(last).end as usize;
                    TextEdit::new(end, end, format!(", {written}"))
                }
                None => {
                    let close = self.span(list).end as usize - 1;
                    TextEdit::new(close, close, written)
                }
            });
        }
        let &last = items.last()?;
        let dash = self.text()[..self.props_start(items[0])].rfind('-')?;
        let col = self.column(dash);
        let after = self.line_end(self.span(last).end as usize);
        Some(TextEdit::new(
            after,
            after,
            format!("{}{}- {written}", self.eol, " ".repeat(col)),
        ))
    }

    /// Sets `path` under `map` to `value`, creating the mappings on the way. `None` when that
    /// would change more than the path (a value shared through an alias or a merge key, or not
    /// a mapping where one is needed).
    pub fn set_path(&self, map: NodeId, path: &[&str], value: &NewValue) -> Option<TextEdit> {
        let (&key, rest) = path.split_first()?;
        let Some(entry) = self.doc.get(map, key) else {
            return self.insert_entry(map, key, &NewValue::nested(rest, value.clone()));
        };
        if !self.doc.entries(map).any(|e| e == entry) {
            // Inherited through `<<`: a local entry overrides it, but only for a scalar.
            return match rest.is_empty() {
                true => self.insert_entry(map, key, value),
                false => None,
            };
        }
        let node = self.doc.node(entry.value);
        if matches!(node.kind, NodeKind::Alias { .. }) {
            return None;
        }
        if rest.is_empty() {
            return match value {
                NewValue::Scalar(text) => self.set_scalar(entry.value, text),
                _ => None,
            };
        }
        if self.doc.is_null(entry.value) {
            return self.fill_null(entry, &NewValue::nested(rest, value.clone()));
        }
        if self.doc.is_mapping(entry.value) {
            return self.set_path(entry.value, rest, value);
        }
        None
    }
}

/// The spans of a flow mapping's entries.
fn entries_bounds(layout: &Layout<'_>, entries: &[Entry]) -> Vec<(usize, usize)> {
    entries
        .iter()
        .map(|e| {
            let end = layout.span(e.value).end.max(layout.span(e.key).end) as usize;
            (layout.props_start(e.key), end)
        })
        .collect()
}

/// The document's indentation step: how much further a nested block mapping's keys sit than
/// its parent's, most often. Two when there is nothing to learn from.
fn indent_step(doc: &Document) -> usize {
    let text = doc.text();
    let column = |offset: usize| offset - text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let mut counts = [0usize; 9];
    for id in 0..doc.node_count() as NodeId {
        if !matches!(
            doc.node(id).kind,
            NodeKind::Mapping {
                style: CollectionStyle::Block,
                ..
            }
        ) {
            continue;
        }
        for entry in doc.entries(id) {
            let child = doc.node(entry.value);
            if let NodeKind::Mapping {
                style: CollectionStyle::Block,
                ..
            } = child.kind
            {
                let parent_col = column(doc.node(entry.key).props_start as usize);
                let child_col = column(child.span.start as usize);
                if let Some(step) = child_col
                    .checked_sub(parent_col)
                    .filter(|s| (1..=8).contains(s))
                {
                    counts[step] += 1;
                }
            }
        }
    }
    counts
        .iter()
        .enumerate()
        .max_by_key(|&(step, &count)| (count, usize::from(step == 2)))
        .filter(|&(_, &count)| count > 0)
        .map_or(2, |(step, _)| step)
}

/// Applies edits (which must not overlap) to a text.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut edits: Vec<&TextEdit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.start.max(at)]);
        out.push_str(&edit.text);
        at = edit.end.max(at);
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse;

    fn edit(text: &str, f: impl Fn(&Layout<'_>, NodeId) -> Option<TextEdit>) -> String {
        let doc = parse(text.to_string());
        let layout = Layout::of(&doc);
        let root = doc.root().unwrap();
        let change = f(&layout, root).expect("an edit");
        let out = apply(text, &[change]);
        assert!(parse(out.clone()).is_complete(), "{out}");
        out
    }

    fn get(doc: &Document, map: NodeId, path: &[&str]) -> Entry {
        let mut entry = doc.get(map, path[0]).unwrap();
        for key in &path[1..] {
            entry = doc.get(entry.value, key).unwrap();
        }
        entry
    }

    #[test]
    fn set_path_creates_what_is_missing_at_the_right_indentation() {
        let out = edit(
            "c:\n    name: app\n    image: x # pinned\nd: 1\n",
            |l, root| {
                let c = l.doc.get(root, "c").unwrap().value;
                l.set_path(
                    c,
                    &["securityContext", "allowPrivilegeEscalation"],
                    &NewValue::scalar("false"),
                )
            },
        );
        assert_eq!(
            out,
            "c:\n    name: app\n    image: x # pinned\n    securityContext:\n        allowPrivilegeEscalation: false\nd: 1\n"
        );
        let out = edit("c: {name: app}\n", |l, root| {
            let c = l.doc.get(root, "c").unwrap().value;
            l.set_path(
                c,
                &["securityContext", "runAsNonRoot"],
                &NewValue::scalar("true"),
            )
        });
        assert_eq!(
            out,
            "c: {name: app, securityContext: {runAsNonRoot: true}}\n"
        );
        let out = edit("c:\r\n  securityContext:\r\n  other: 1\r\n", |l, root| {
            let c = l.doc.get(root, "c").unwrap().value;
            l.set_path(
                c,
                &["securityContext", "privileged"],
                &NewValue::scalar("false"),
            )
        });
        assert_eq!(
            out,
            "c:\r\n  securityContext:\r\n    privileged: false\r\n  other: 1\r\n"
        );
        let out = edit("c: {securityContext: ~}\n", |l, root| {
            let c = l.doc.get(root, "c").unwrap().value;
            l.set_path(
                c,
                &["securityContext", "privileged"],
                &NewValue::scalar("false"),
            )
        });
        assert_eq!(out, "c: {securityContext: {privileged: false}}\n");
    }

    #[test]
    fn values_keep_their_quotes() {
        let out = edit("procMount: \"Unmasked\"\nx: 'y'\n", |l, root| {
            l.set_scalar(l.doc.get(root, "procMount").unwrap().value, "Default")
        });
        assert_eq!(out, "procMount: \"Default\"\nx: 'y'\n");
    }

    #[test]
    fn removing_entries_in_block_compact_and_flow_mappings() {
        let remove = |text: &str, path: &[&str]| {
            edit(text, |l, root| {
                let entry = get(l.doc, root, path);
                let parent = if path.len() == 1 {
                    root
                } else {
                    get(l.doc, root, &path[..path.len() - 1]).value
                };
                l.remove_entry(parent, entry)
            })
        };
        assert_eq!(
            remove(
                "a:\n  # keep me\n  privileged: true  # why\n  b: 1\n",
                &["a", "privileged"]
            ),
            "a:\n  # keep me\n  b: 1\n"
        );
        assert_eq!(
            remove("a: {x: 1, privileged: true, y: 2}\n", &["a", "privileged"]),
            "a: {x: 1, y: 2}\n"
        );
        assert_eq!(
            remove("a: {x: 1, privileged: true}\n", &["a", "privileged"]),
            "a: {x: 1}\n"
        );
        assert_eq!(
            remove("a: {privileged: true}\n", &["a", "privileged"]),
            "a: {}\n"
        );
        let out = edit("- hostPort: 80\n  containerPort: 80\n", |l, root| {
            let item = l.doc.items(root)[0];
            l.remove_entry(item, l.doc.get(item, "hostPort").unwrap())
        });
        assert_eq!(out, "- containerPort: 80\n");
    }

    #[test]
    fn list_items_are_removed_and_added_in_the_list_style() {
        let out = edit("add:\n- NET_RAW\n- CHOWN\n", |l, root| {
            let entry = l.doc.get(root, "add").unwrap();
            l.remove_item(entry, l.doc.items(entry.value)[0])
        });
        assert_eq!(out, "add:\n- CHOWN\n");
        let out = edit("add: [NET_RAW, CHOWN]\n", |l, root| {
            let entry = l.doc.get(root, "add").unwrap();
            l.remove_item(entry, l.doc.items(entry.value)[1])
        });
        assert_eq!(out, "add: [NET_RAW]\n");
        let out = edit("add:\n  - NET_RAW\nx: 1\n", |l, root| {
            let entry = l.doc.get(root, "add").unwrap();
            l.remove_item(entry, l.doc.items(entry.value)[0])
        });
        assert_eq!(out, "add: []\nx: 1\n");
        let out = edit("drop:\n    - \"NET_RAW\"\n", |l, root| {
            l.append_item(l.doc.get(root, "drop").unwrap(), "ALL")
        });
        assert_eq!(out, "drop:\n    - \"NET_RAW\"\n    - \"ALL\"\n");
        let out = edit("drop: []\n", |l, root| {
            l.append_item(l.doc.get(root, "drop").unwrap(), "ALL")
        });
        assert_eq!(out, "drop: [ALL]\n");
    }

    #[test]
    fn learns_the_indentation_step() {
        let four = parse("a:\n    b:\n        c: 1\n".to_string());
        assert_eq!(Layout::of(&four).step, 4);
        let flat = parse("a: 1\n".to_string());
        assert_eq!(Layout::of(&flat).step, 2);
    }
}
