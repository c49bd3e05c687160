//! podsec-lsp: Pod Security Admission, exactly, while you type.

pub mod analysis;
pub mod cli;
pub mod fix;
pub mod k8s;
pub mod policy;
pub mod resolve;
pub mod server;
#[doc(hidden)]
pub mod testing;
pub mod yaml;
