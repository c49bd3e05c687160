//! End-to-end tests, in one binary: the conformance corpus, the engine on real files, and the
//! `check` command run as a process.

mod check_command;
mod conformance;
mod engine;
mod fix_snapshots;
mod fixes;
mod lsp_client;
mod protocol;
mod random_edits;
mod server;
mod support;
