//! Typed reads of Kubernetes fields from the span tree, with Go's JSON semantics: a null or
//! absent field is unset, and a value of the wrong type is recorded as an issue (the API server
//! would refuse the object) and otherwise treated as unset.

use crate::yaml::{Document, Entry, NodeId, Span, Value};

/// A field that is set: its value and where its key and value are.
#[derive(Clone, Copy, Debug)]
pub struct Field<T> {
    pub value: T,
    pub entry: Entry,
    pub key: Span,
    /// The value's text (through an alias, the anchored text).
    pub at: Span,
}

/// A value the API server could not decode into the field's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeIssue {
    pub at: Span,
    pub message: String,
}

pub struct Reader<'d> {
    pub doc: &'d Document,
    pub issues: Vec<TypeIssue>,
}

impl<'d> Reader<'d> {
    pub fn new(doc: &'d Document) -> Self {
        Reader {
            doc,
            issues: Vec::new(),
        }
    }

    /// The span of a node's text, through an alias.
    pub fn span(&self, node: NodeId) -> Span {
        self.doc.node(self.doc.resolve(node)).span
    }

    fn field<T>(&self, entry: Entry, value: T) -> Field<T> {
        Field {
            value,
            entry,
            key: self.doc.node(entry.key).span,
            at: self.span(entry.value),
        }
    }

    /// The entry for `key`, unless absent or null.
    fn present(&self, map: NodeId, key: &str) -> Option<Entry> {
        let entry = self.doc.get(map, key)?;
        (!self.doc.is_null(entry.value)).then_some(entry)
    }

    fn mismatch(&mut self, entry: Entry, key: &str, expected: &str) {
        let found = match self.doc.value(entry.value) {
            Some(v) => v.type_name(),
            None if self.doc.is_mapping(entry.value) => "mapping",
            None => "list",
        };
        self.issues.push(TypeIssue {
            at: self.span(entry.value),
            message: format!(
                "{key} must be {expected}, not a {found}: the API server will reject this object"
            ),
        });
    }

    /// A nested object (a Go pointer to a struct).
    pub fn object(&mut self, map: NodeId, key: &str) -> Option<Field<NodeId>> {
        let entry = self.present(map, key)?;
        if self.doc.is_mapping(entry.value) {
            let node = self.doc.resolve(entry.value);
            Some(self.field(entry, node))
        } else {
            self.mismatch(entry, key, "an object");
            None
        }
    }

    /// A list; its items are not resolved through aliases.
    pub fn list(&mut self, map: NodeId, key: &str) -> Option<Field<&'d [NodeId]>> {
        let entry = self.present(map, key)?;
        if self.doc.is_sequence(entry.value) {
            let items = self.doc.items(entry.value);
            Some(self.field(entry, items))
        } else {
            self.mismatch(entry, key, "a list");
            None
        }
    }

    pub fn bool(&mut self, map: NodeId, key: &str) -> Option<Field<bool>> {
        let entry = self.present(map, key)?;
        match self.doc.value(entry.value).and_then(|v| v.as_bool()) {
            Some(b) => Some(self.field(entry, b)),
            None => {
                self.mismatch(entry, key, "a boolean (true or false)");
                None
            }
        }
    }

    pub fn string(&mut self, map: NodeId, key: &str) -> Option<Field<&'d str>> {
        let entry = self.present(map, key)?;
        match self.doc.value(entry.value) {
            Some(Value::Str(s)) => Some(self.field(entry, s)),
            Some(Value::Timestamp(s)) => Some(self.field(entry, s)),
            _ => {
                self.mismatch(entry, key, "a string");
                None
            }
        }
    }

    pub fn int(&mut self, map: NodeId, key: &str) -> Option<Field<i64>> {
        let entry = self.present(map, key)?;
        match self.doc.value(entry.value).and_then(|v| v.as_int()) {
            Some(i) => Some(self.field(entry, i)),
            None => {
                self.mismatch(entry, key, "an integer");
                None
            }
        }
    }

    /// A list item that must be an object.
    pub fn item_object(&mut self, item: NodeId, what: &str) -> Option<NodeId> {
        if self.doc.is_mapping(item) {
            Some(self.doc.resolve(item))
        } else if self.doc.is_null(item) {
            None
        } else {
            self.issues.push(TypeIssue {
                at: self.span(item),
                message: format!(
                    "each item of {what} must be an object: the API server will reject this object"
                ),
            });
            None
        }
    }

    /// A list item that must be a string.
    pub fn item_string(&mut self, item: NodeId, what: &str) -> Option<&'d str> {
        match self.doc.value(item) {
            Some(Value::Str(s) | Value::Timestamp(s)) => Some(s),
            // JSON null decodes into a Go string as "".
            Some(Value::Null) => Some(""),
            _ => {
                self.issues.push(TypeIssue {
                    at: self.span(item),
                    message: format!(
                        "each item of {what} must be a string: the API server will reject this object"
                    ),
                });
                None
            }
        }
    }
}
