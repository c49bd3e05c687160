//! Keystroke-to-diagnostics latency of the real server over stdio, with a fast client:
//! `cargo bench --bench lsp`. The workload is `bench.py`'s (N Deployments in one file, typing
//! into the image tag of the middle one). Each keystroke is timed twice: when the whole
//! publication has arrived (the server's work and the pipe), and when the client has decoded it
//! into typed diagnostics, as an editor does.

use serde::Deserialize;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Message {
    id: Option<Value>,
    method: Option<String>,
    params: Option<Params>,
}

#[derive(Deserialize)]
struct Params {
    version: Option<i64>,
    #[serde(default)]
    diagnostics: Vec<Diagnostic>,
}

/// What an editor keeps of a diagnostic.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Diagnostic {
    range: Value,
    severity: Option<u8>,
    code: Option<String>,
    message: String,
}

struct Client {
    stdin: ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Client {
    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next frame's body, as bytes.
    fn read_body(&mut self) -> Vec<u8> {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        body
    }

    fn read(&mut self) -> Message {
        serde_json::from_slice(&self.read_body()).unwrap()
    }

    /// Reads until the publication of `version`; returns when its bytes had arrived and how
    /// many diagnostics it had.
    fn publication(&mut self, version: i64) -> (Instant, usize) {
        // The version is in the publication's first bytes: found without decoding the rest.
        let marker = format!(r#""version":{version},"#);
        loop {
            let body = self.read_body();
            let arrived = Instant::now();
            let head = &body[..body.len().min(512)];
            if !head.windows(marker.len()).any(|w| w == marker.as_bytes()) {
                continue;
            }
            let message: Message = serde_json::from_slice(&body).unwrap();
            if message.method.as_deref() == Some("textDocument/publishDiagnostics")
                && let Some(params) = message.params
                && params.version == Some(version)
            {
                return (arrived, params.diagnostics.len());
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

fn run(docs: usize, keys: usize) {
    let dir = std::env::temp_dir().join(format!("podsec-lsp-bench-{}-{docs}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = podsec_lsp::testing::deployments(docs);
    let path = dir.join("workloads.yaml");
    std::fs::write(&path, &text).unwrap();
    std::fs::write(
        dir.join(".podsec.yaml"),
        "defaults:\n  enforce: restricted\n",
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_podsec-lsp"))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut client = Client {
        stdin: child.stdin.take().unwrap(),
        stdout: BufReader::new(child.stdout.take().unwrap()),
    };
    let root = format!("file://{}", dir.display());
    let uri = format!("file://{}", path.display());
    let started = Instant::now();
    client.send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "rootUri": root, "capabilities": {"general": {"positionEncodings": ["utf-16"]}}}}),
    );
    while client.read().id != Some(json!(1)) {}
    let init = started.elapsed();
    client.send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let opened = Instant::now();
    client.send(
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}),
    );
    let (_, diagnostics) = client.publication(1);
    let open = opened.elapsed();
    let middle = docs / 2;
    let image = format!("image: registry.example.com/svc-{middle}:1.{middle}");
    let line = text.lines().position(|l| l.trim() == image).unwrap();
    let column = text.lines().nth(line).unwrap().len();
    let mut arrivals = Vec::with_capacity(keys);
    let mut latencies = Vec::with_capacity(keys);
    for k in 0..keys {
        let version = 2 + k as i64;
        let at = json!({"line": line, "character": column + k});
        let t = Instant::now();
        client.send(json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": (k % 10).to_string()}]}}));
        let (arrived, _) = client.publication(version);
        latencies.push(t.elapsed());
        arrivals.push(arrived - t);
    }
    latencies.sort();
    arrivals.sort();
    println!(
        "{docs:>5} documents ({:.1} MB, {diagnostics} diagnostics): initialize {init:.2?}, open {open:.1?}\n      keystroke to publication arrived: p50 {:.3?} p90 {:.3?} p99 {:.3?} max {:.3?}\n      keystroke to publication decoded: p50 {:.3?} p90 {:.3?} p99 {:.3?} max {:.3?}",
        text.len() as f64 / 1e6,
        percentile(&arrivals, 50.0),
        percentile(&arrivals, 90.0),
        percentile(&arrivals, 99.0),
        arrivals[keys - 1],
        percentile(&latencies, 50.0),
        percentile(&latencies, 90.0),
        percentile(&latencies, 99.0),
        latencies[keys - 1],
    );
    client.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    client.send(json!({"jsonrpc": "2.0", "method": "exit"}));
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    for docs in [50, 500, 5000] {
        run(docs, 200);
    }
}
