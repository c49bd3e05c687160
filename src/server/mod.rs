//! The language server: `podsec-lsp`, `podsec-lsp --stdio` or `podsec-lsp lsp`, over stdio.

mod actions;
mod backend;
mod convert;
mod document;
mod encoding;
mod framing;
mod hover;
mod input;
mod output;
mod session;
mod settings;
mod workspace;

pub use encoding::Encoding;

use backend::Backend;
use session::Session;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tower_lsp_server::{LspService, Server};

/// The `publishDiagnostics` frame of a document's diagnostics (each with the line its YAML
/// document starts on), serialized as the server serializes it; for benchmarks.
pub fn publication_frame(
    uri: &str,
    diagnostics: &[(u32, &crate::analysis::Diagnostic)],
    encoding: Encoding,
) -> Option<Vec<u8>> {
    let uri = uri.parse().ok()?;
    let json: Vec<String> = diagnostics
        .iter()
        .map(|(first_line, d)| {
            output::diagnostic_json(&convert::diagnostic(d, *first_line, encoding))
        })
        .collect();
    let elements: Vec<&str> = json.iter().map(String::as_str).collect();
    Some(output::publish_frame(&uri, Some(1), &elements))
}

/// Serves LSP on stdin and stdout until the client says `exit`. Returns the exit status: 0 if
/// `shutdown` came first, 1 otherwise (as the protocol asks).
pub fn run() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("podsec-lsp: cannot start: {e}");
            return 2;
        }
    };
    widen_stdout_pipe();
    let (outgoing, queue) = tokio::sync::mpsc::unbounded_channel();
    let (frames, own_frames) = tokio::sync::mpsc::unbounded_channel();
    let session = Arc::new(Session::new(outgoing));
    let served = session.clone();
    runtime.block_on(async move {
        // stdin → guard → framework → multiplexer → stdout (see `input` and `output`).
        let (guarded_out, guarded_in) = tokio::io::duplex(1 << 20);
        let (framework_out, framework_in) = tokio::io::duplex(1 << 20);
        tokio::spawn(input::guard(
            tokio::io::stdin(),
            guarded_out,
            frames.clone(),
        ));
        let mux = tokio::spawn(output::multiplex(
            framework_in,
            own_frames,
            output::raw_stdout(),
        ));
        let (service, socket) =
            LspService::build(move |client| Backend::new(client, served, queue, frames))
                .custom_method("podsec/effectivePolicy", Backend::effective_policy)
                .finish();
        Server::new(guarded_in, framework_out, socket)
            .serve(service)
            .await;
        if let Ok(Err(e)) = mux.await {
            eprintln!("podsec-lsp: writing to the client failed: {e}");
        }
    });
    // Do not wait for the scan of a large workspace to finish after `exit`.
    runtime.shutdown_background();
    if session.shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// A publication of hundreds of diagnostics is a few hundred kilobytes; through a default 64 KB
/// pipe it crosses in several writer/reader round trips (measured: ~3 ms for 313 KB). A 1 MB
/// pipe (the default limit for unprivileged processes) takes it in one write.
#[cfg(target_os = "linux")]
fn widen_stdout_pipe() {
    // SAFETY: F_SETPIPE_SZ on a descriptor we own; it fails harmlessly if stdout is not a pipe.
    unsafe {
        libc::fcntl(libc::STDOUT_FILENO, libc::F_SETPIPE_SZ, 1 << 20);
    }
}

#[cfg(not(target_os = "linux"))]
fn widen_stdout_pipe() {}
