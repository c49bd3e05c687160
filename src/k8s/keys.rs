//! Mapping keys kubectl can write as JSON. kubectl converts each document to JSON before
//! anything reads it (sigs.k8s.io/yaml), and refuses the whole document when a key is not a
//! string, number or boolean: a mapping or sequence used as a key, or a null one (`~:`, an
//! empty `? `).

use crate::yaml::{Document, NodeId, NodeKind, ScalarStyle, Span, Tag, Value};

/// The first key kubectl cannot convert, with a message saying why.
pub fn refused_key(doc: &Document) -> Option<(Span, String)> {
    let mappings = (0..doc.node_count() as NodeId)
        .filter(|&id| matches!(doc.node(id).kind, NodeKind::Mapping { .. }));
    for mapping in mappings {
        for entry in doc.entries(mapping) {
            if doc.is_merge_key(entry.key) {
                continue;
            }
            let key = doc.node(doc.resolve(entry.key));
            let what = match key.kind {
                NodeKind::Mapping { .. } => "a mapping",
                NodeKind::Sequence { .. } => "a sequence",
                // Most keys are plain words: only these spellings of them are null.
                NodeKind::Scalar {
                    style: ScalarStyle::Plain,
                    owned: None,
                } if key.tag == Tag::None => match doc.slice(key.span) {
                    "" | "~" | "null" | "Null" | "NULL" => "null",
                    _ => continue,
                },
                _ if matches!(doc.value(entry.key), Some(Value::Null)) => "null",
                _ => continue,
            };
            let message = format!(
                "kubectl cannot convert this document to JSON: a mapping key must be a string, number or boolean, and this one is {what}"
            );
            return Some((key_span(doc, entry.key), message));
        }
    }
    None
}

/// Where to point at a key: its text, or its properties when it has none (an empty key).
fn key_span(doc: &Document, key: NodeId) -> Span {
    let node = doc.node(key);
    Span::new(node.props_start as usize, node.span.end as usize)
}
