//! The `check` command.

mod args;
mod output;
mod run;
mod walk;

pub use args::{CHECK_USAGE, CheckArgs, Format, parse_check_args};
pub use run::{CheckedFile, FixSummary, Located, Report, check, fix, flag_policy};

use crate::analysis::Severity;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};

/// Runs `podsec-lsp check` and returns the exit status.
pub fn check_main(args: Vec<OsString>) -> i32 {
    let args = match parse_check_args(args) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{CHECK_USAGE}");
            return 0;
        }
        Err(reason) => {
            eprintln!("error: {reason}\n\n{CHECK_USAGE}");
            return 2;
        }
    };
    let flags = flag_policy(args.level, args.version);
    if args.fix {
        match fix(&args.paths, &flags) {
            Ok(summary) => {
                for link in &summary.links_skipped {
                    eprintln!(
                        "warning: {}: not fixed, a symbolic link (name the file itself to fix it)",
                        link.display()
                    );
                }
                eprintln!(
                    "Fixed {} problem{} in {} file{}.",
                    summary.fixes,
                    if summary.fixes == 1 { "" } else { "s" },
                    summary.files,
                    if summary.files == 1 { "" } else { "s" }
                )
            }
            Err(reason) => {
                eprintln!("error: {reason}");
                return 2;
            }
        }
    }
    let report = match check(&args.paths, &flags) {
        Ok(report) => report,
        Err(reason) => {
            eprintln!("error: {reason}");
            return 2;
        }
    };
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.format {
        Format::Human => output::write_human(&report, &mut out, color),
        Format::Json => output::write_json(&report, &mut out),
        Format::Sarif => output::write_sarif(&report, &mut out),
    };
    if let Err(e) = written.and_then(|_| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: writing the report: {e}");
        return 2;
    }
    let has_error = report
        .findings()
        .any(|(_, f)| f.diagnostic.severity == Severity::Error);
    i32::from(has_error)
}
