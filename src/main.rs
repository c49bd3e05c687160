//! `podsec-lsp`: the language server (no arguments, `--stdio` or `lsp`) and `check`.

use std::ffi::OsString;

const USAGE: &str = "\
podsec-lsp: Pod Security Admission, exactly, while you type

Usage:
  podsec-lsp [--stdio | lsp]   run the language server over stdio
  podsec-lsp check [PATH…]     check files for CI (see `podsec-lsp check --help`)
  podsec-lsp --version";

fn main() {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let first = args.first().map(|a| a.to_string_lossy().into_owned());
    let status = match first.as_deref() {
        Some("check") => podsec_lsp::cli::check_main(args[1..].to_vec()),
        None | Some("--stdio") | Some("lsp") => podsec_lsp::server::run(),
        Some("--version" | "-V") => {
            println!("podsec-lsp {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            0
        }
        Some(other) => {
            eprintln!("error: unknown command {other:?}\n\n{USAGE}");
            2
        }
    };
    std::process::exit(status);
}
