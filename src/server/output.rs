//! The server's stdout, shared by tower-lsp-server and podsec's own diagnostics.
//!
//! tower-lsp-server turns every outgoing message into a `serde_json::Value` tree before writing
//! it; for a publication of hundreds of diagnostics that costs more than the whole analysis of a
//! keystroke (measured: ~20 ms for 500 diagnostics). So `publishDiagnostics` is serialized
//! directly from the LSP types, and this multiplexer interleaves those frames with the
//! framework's own, always at frame boundaries.

use super::framing::{Frame, read_frame};
use std::io::Write;
use tokio::io::{AsyncRead, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

/// The frame of a `textDocument/publishDiagnostics` notification whose diagnostics are already
/// JSON (array elements, in order), built in one buffer: it can be hundreds of kilobytes.
pub fn publish_frame(uri: &Uri, version: Option<i32>, diagnostics: &[&str]) -> Frame {
    let uri = serde_json::to_string(uri).expect("a URI serializes");
    let version = version.map_or(String::new(), |v| format!(",\"version\":{v}"));
    let head = [
        r#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
        &uri,
        &version,
        r#","diagnostics":["#,
    ];
    let tail = "]}}";
    let commas = diagnostics.len().saturating_sub(1);
    let length = head.iter().map(|s| s.len()).sum::<usize>()
        + diagnostics.iter().map(|d| d.len()).sum::<usize>()
        + commas
        + tail.len();
    let header = format!("Content-Length: {length}\r\n\r\n");
    let mut frame = Vec::with_capacity(header.len() + length);
    frame.extend_from_slice(header.as_bytes());
    for part in head {
        frame.extend_from_slice(part.as_bytes());
    }
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        if i > 0 {
            frame.push(b',');
        }
        frame.extend_from_slice(diagnostic.as_bytes());
    }
    frame.extend_from_slice(tail.as_bytes());
    frame
}

/// One diagnostic as JSON.
pub fn diagnostic_json(diagnostic: &Diagnostic) -> String {
    serde_json::to_string(diagnostic).expect("LSP types serialize")
}

/// Copies frames to `out`: those the framework writes into `framework`, and those sent on
/// `own`, each frame whole. Ends when the framework's output ends (the server has exited),
/// after writing the frames of its own already queued.
///
/// `out` is written synchronously, one `write_all` per frame: for stdout that is one system
/// call into the pipe, where tokio's stdout would copy the frame to a blocking thread and
/// std's line-buffered stdout would scan it for newlines first. Needs the multi-thread runtime.
pub async fn multiplex(
    framework: impl AsyncRead + Unpin + Send + 'static,
    mut own: mpsc::UnboundedReceiver<Frame>,
    mut out: impl Write,
) -> std::io::Result<()> {
    // The framework's frames are read by a task of their own: reading a frame is not
    // cancel-safe, so it must not race with `own` in the `select!` below.
    let (framework_tx, mut framework_frames) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        let mut framework = BufReader::new(framework);
        while let Some(frame) = read_frame(&mut framework).await? {
            if let Ok(frame) = frame
                && framework_tx.send(frame).is_err()
            {
                break;
            }
        }
        Ok::<(), std::io::Error>(())
    });
    let mut own_open = true;
    loop {
        tokio::select! {
            frame = framework_frames.recv() => match frame {
                Some(frame) => write_frame(&mut out, &frame)?,
                None => break,
            },
            frame = own.recv(), if own_open => match frame {
                Some(frame) => write_frame(&mut out, &frame)?,
                None => own_open = false,
            },
        }
    }
    while let Ok(frame) = own.try_recv() {
        write_frame(&mut out, &frame)?;
    }
    reader.await.unwrap_or(Ok(()))
}

/// Writes a frame; a client that stops reading blocks this thread, not the runtime's others.
fn write_frame(out: &mut impl Write, frame: &[u8]) -> std::io::Result<()> {
    tokio::task::block_in_place(|| {
        out.write_all(frame)?;
        out.flush()
    })
}

/// The process's standard output without std's line buffering (see `multiplex`).
pub fn raw_stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        // A duplicate, so the descriptor std's own stdout uses stays open.
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tokio::io::AsyncWriteExt;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn frames_stay_whole_and_in_order_per_source() {
        // A tiny pipe, so that framework frames arrive in pieces while our own frames race them.
        let (mut framework_in, framework_out) = tokio::io::duplex(16);
        let (own_tx, own_rx) = mpsc::unbounded_channel();
        let mut written = Vec::new();
        let writer = tokio::spawn(async move {
            for id in 0..200 {
                let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":null}}"#);
                let header = format!("Content-Length: {}\r\n\r\n", body.len());
                framework_in.write_all(header.as_bytes()).await.unwrap();
                framework_in.write_all(body.as_bytes()).await.unwrap();
            }
            framework_in
        });
        let uri = Uri::from_str("file:///a.yaml").unwrap();
        let one = diagnostic_json(&Diagnostic::default());
        let own = tokio::spawn(async move {
            for version in 0..200 {
                own_tx
                    .send(publish_frame(&uri, Some(version), &[&one, &one]))
                    .unwrap();
                tokio::task::yield_now().await;
            }
        });
        let mux = multiplex(framework_out, own_rx, &mut written);
        // The framework's output ends (and with it the multiplexer) once both have sent all.
        let feed = async {
            let framework_in = writer.await.unwrap();
            own.await.unwrap();
            drop(framework_in);
        };
        let (muxed, ()) = tokio::join!(mux, feed);
        muxed.unwrap();
        let text = String::from_utf8(written).unwrap();
        let (mut ids, mut versions) = (Vec::new(), Vec::new());
        for body in text.split("Content-Length: ").skip(1) {
            let (length, json) = body.split_once("\r\n\r\n").unwrap();
            assert_eq!(length.parse::<usize>().unwrap(), json.len());
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            match value.get("id") {
                Some(id) => ids.push(id.as_i64().unwrap()),
                None => versions.push(value["params"]["version"].as_i64().unwrap()),
            }
        }
        assert_eq!(ids, (0..200).collect::<Vec<_>>());
        assert_eq!(versions, (0..200).collect::<Vec<_>>());
    }
}
