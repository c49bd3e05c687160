//! YAML as Kubernetes reads it, with a byte span for every node.

mod aliases;
pub mod lines;
mod parser;
mod span;
pub mod stream;
mod tree;
mod value;

pub use parser::{MAX_DEPTH, MAX_MERGE_FAN_OUT, MAX_NODES, parse};
pub use span::Span;
pub use tree::{
    CollectionStyle, Document, Entry, Node, NodeId, NodeKind, Problem, ProblemKind, ScalarStyle,
    Tag,
};
pub use value::{Value, resolve_scalar};

#[cfg(test)]
mod tests;
