//! The server's stdout, shared by tower-lsp-server and podsec's own diagnostics.
//!
//! tower-lsp-server turns every outgoing message into a `serde_json::Value` tree before writing
//! it; for a publication of hundreds of diagnostics that costs more than the whole analysis of a
//! keystroke (measured: ~20 ms for 500 diagnostics). So `publishDiagnostics` is serialized
//! directly from the LSP types, and this multiplexer interleaves those frames with the
//! framework's own, always at frame boundaries.

use super::framing::{Frame, read_frame};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

/// The frame of a `textDocument/publishDiagnostics` notification whose diagnostics are already
/// JSON (array elements, in order).
pub fn publish_frame(uri: &Uri, version: Option<i32>, diagnostics: &[&str]) -> Frame {
    let uri = serde_json::to_string(uri).expect("a URI serializes");
    let version = version.map_or(String::new(), |v| format!(",\"version\":{v}"));
    let mut body = String::with_capacity(
        128 + uri.len() + diagnostics.iter().map(|d| d.len() + 1).sum::<usize>(),
    );
    body.push_str(
        r#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    body.push_str(&uri);
    body.push_str(&version);
    body.push_str(r#","diagnostics":["#);
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        body.push_str(diagnostic);
    }
    body.push_str("]}}");
    super::framing::frame(body.as_bytes())
}

/// One diagnostic as JSON.
pub fn diagnostic_json(diagnostic: &Diagnostic) -> String {
    serde_json::to_string(diagnostic).expect("LSP types serialize")
}

/// Copies frames to `out`: those the framework writes into `framework`, and those sent on
/// `own`, each frame whole. Ends when the framework's output ends (the server has exited),
/// after writing the frames of its own already queued.
pub async fn multiplex(
    framework: impl AsyncRead + Unpin,
    mut own: mpsc::UnboundedReceiver<Frame>,
    mut out: impl AsyncWrite + Unpin,
) -> std::io::Result<()> {
    let mut framework = BufReader::new(framework);
    let mut own_open = true;
    loop {
        tokio::select! {
            frame = read_frame(&mut framework) => match frame? {
                Some(Ok(frame)) => write_frame(&mut out, &frame).await?,
                Some(Err(_)) => {}
                None => break,
            },
            frame = own.recv(), if own_open => match frame {
                Some(frame) => write_frame(&mut out, &frame).await?,
                None => own_open = false,
            },
        }
    }
    while let Ok(frame) = own.try_recv() {
        write_frame(&mut out, &frame).await?;
    }
    Ok(())
}

async fn write_frame(out: &mut (impl AsyncWrite + Unpin), frame: &[u8]) -> std::io::Result<()> {
    out.write_all(frame).await?;
    out.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[tokio::test]
    async fn frames_stay_whole_and_in_order_per_source() {
        let (mut framework_in, framework_out) = tokio::io::duplex(16);
        let (own_tx, own_rx) = mpsc::unbounded_channel();
        let mut written = Vec::new();
        let writer = tokio::spawn(async move {
            let body = br#"{"jsonrpc":"2.0","id":1,"result":null}"#;
            for _ in 0..3 {
                framework_in
                    .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
                    .await
                    .unwrap();
                framework_in.write_all(body).await.unwrap();
            }
        });
        let uri = Uri::from_str("file:///a.yaml").unwrap();
        own_tx.send(publish_frame(&uri, Some(3), &[])).unwrap();
        let one = diagnostic_json(&Diagnostic::default());
        own_tx
            .send(publish_frame(&uri, None, &[&one, &one]))
            .unwrap();
        let mux = multiplex(framework_out, own_rx, &mut written);
        let (muxed, wrote) = tokio::join!(mux, writer);
        muxed.unwrap();
        wrote.unwrap();
        let text = String::from_utf8(written).unwrap();
        let bodies: Vec<&str> = text.split("Content-Length: ").skip(1).collect();
        assert_eq!(bodies.len(), 5, "{text}");
        for body in bodies {
            let (length, json) = body.split_once("\r\n\r\n").unwrap();
            assert_eq!(length.parse::<usize>().unwrap(), json.len());
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(value["jsonrpc"], "2.0");
        }
        assert!(text.contains(r#""method":"textDocument/publishDiagnostics","params":{"uri":"file:///a.yaml","version":3,"diagnostics":[]}"#));
    }
}
