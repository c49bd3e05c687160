//! podsec-lsp: Pod Security Admission, exactly, while you type.

pub mod k8s;
pub mod policy;
#[doc(hidden)]
pub mod testing;
pub mod yaml;
