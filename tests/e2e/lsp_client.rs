//! A small LSP client that drives the real `podsec-lsp` binary over stdio, as an editor does.

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct LspClient {
    child: Child,
    /// `None` once closed (`close_input`).
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications and server requests not yet looked at.
    backlog: VecDeque<Value>,
    next_id: i64,
    /// What `workspace/configuration` answers for the `podsec` section.
    pub settings: Value,
    pub versions: std::collections::HashMap<String, i64>,
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl LspClient {
    pub fn start(root: &Path) -> LspClient {
        let mut child = Command::new(env!("CARGO_BIN_EXE_podsec-lsp"))
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        LspClient {
            child,
            stdin: Some(stdin),
            incoming,
            backlog: VecDeque::new(),
            next_id: 0,
            settings: Value::Null,
            versions: Default::default(),
        }
    }

    /// Starts the server and initializes it for `root` with the given position encodings.
    pub fn initialized(root: &Path, encodings: &[&str], init_options: Value) -> LspClient {
        let mut client = LspClient::start(root);
        let result = client.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": file_uri(root),
                "workspaceFolders": [{"uri": file_uri(root), "name": "ws"}],
                "initializationOptions": init_options,
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"configuration": true, "didChangeWatchedFiles": {"dynamicRegistration": true}},
                    "textDocument": {"publishDiagnostics": {"relatedInformation": true}, "hover": {"contentFormat": ["markdown"]}},
                },
            }),
        );
        assert_eq!(result["serverInfo"]["name"], "podsec-lsp");
        client.notify("initialized", json!({}));
        client
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).unwrap();
        self.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        self.send_raw(&body);
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("the server's input is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Ends the server's input, as a client that goes away does.
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (the whole message, result or error).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self
                .receive(deadline)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next message, answering the server's own requests on the way.
    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        if message.get("method").is_some() && message.get("id").is_some() {
            let result = match message["method"].as_str() {
                Some("workspace/configuration") => json!([self.settings]),
                _ => Value::Null,
            };
            self.send(&json!({"jsonrpc": "2.0", "id": message["id"], "result": result}));
        }
        Some(message)
    }

    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = file_uri(path);
        self.versions.insert(uri.clone(), 1);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
        uri
    }

    /// One incremental change: `range` replaced by `text`.
    pub fn edit(&mut self, uri: &str, range: [u32; 4], text: &str) {
        let version = {
            let v = self.versions.entry(uri.to_string()).or_insert(1);
            *v += 1;
            *v
        };
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {
                    "start": {"line": range[0], "character": range[1]},
                    "end": {"line": range[2], "character": range[3]}
                }, "text": text}],
            }),
        );
    }

    /// One `didChange` notification with the given content changes (each
    /// `{"range": …, "text": …}` or `{"text": …}`), under the document's next version.
    pub fn change(&mut self, uri: &str, changes: Vec<Value>) {
        let version = {
            let v = self.versions.entry(uri.to_string()).or_insert(1);
            *v += 1;
            *v
        };
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    /// Applies a workspace edit's changes to `uri` as an editor does: one didChange whose
    /// changes run from the end of the document to its start.
    pub fn apply_edit(&mut self, uri: &str, edit: &Value) {
        let mut edits = edit["changes"][uri].as_array().cloned().unwrap_or_default();
        let key = |e: &Value| {
            let start = &e["range"]["start"];
            (
                start["line"].as_u64().unwrap(),
                start["character"].as_u64().unwrap(),
            )
        };
        edits.sort_by_key(|e| std::cmp::Reverse(key(e)));
        let changes: Vec<Value> = edits
            .iter()
            .map(|e| json!({"range": e["range"], "text": e["newText"]}))
            .collect();
        let version = {
            let v = self.versions.entry(uri.to_string()).or_insert(1);
            *v += 1;
            *v
        };
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// Waits for the publication of the document's current version; returns its diagnostics.
    pub fn settled(&mut self, uri: &str) -> Vec<Value> {
        let version = self.versions[uri];
        self.publication_until(uri, |v, _| v == Some(version))
    }

    /// Waits until the last publication for `uri` satisfies `accept`; returns its diagnostics.
    pub fn diagnostics_until(
        &mut self,
        uri: &str,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        self.publication_until(uri, |_, d| accept(d))
    }

    /// The next publication for `uri`, whatever it says: for tests of what is published first.
    pub fn next_publication(&mut self, uri: &str) -> Vec<Value> {
        if let Some(at) = self
            .backlog
            .iter()
            .position(|m| publication(m, uri).is_some())
        {
            let message = self.backlog.remove(at).unwrap();
            return publication(&message, uri).unwrap().1;
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline).expect("a publication");
            if let Some((_, diagnostics)) = publication(&message, uri) {
                return diagnostics;
            }
            self.backlog.push_back(message);
        }
    }

    fn publication_until(
        &mut self,
        uri: &str,
        accept: impl Fn(Option<i64>, &[Value]) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        let mut last: Option<(Option<i64>, Vec<Value>)> = None;
        // Publications already received count too; other messages are kept for later.
        let mut kept = VecDeque::new();
        for message in self.backlog.drain(..) {
            match publication(&message, uri) {
                Some(found) => last = Some(found),
                None => kept.push_back(message),
            }
        }
        let result = loop {
            if let Some((version, diagnostics)) = &last
                && accept(*version, diagnostics)
            {
                break diagnostics.clone();
            }
            match self.receive(deadline) {
                Some(message) => match publication(&message, uri) {
                    Some(found) => last = Some(found),
                    None => kept.push_back(message),
                },
                None => panic!("no acceptable diagnostics for {uri}; last: {last:#?}"),
            }
        };
        self.backlog = kept;
        result
    }

    /// Waits for a message (other than a publication) that satisfies `accept`.
    pub fn expect_message(&mut self, accept: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&accept) {
            return self.backlog.remove(at).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.receive(deadline).expect("the expected message");
            if accept(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// Waits until the server has indexed the workspace folder (its log says so). Documents
    /// opened after that are first published with the workspace's policy even on a machine so
    /// busy that the server stops waiting for the scan (after 2 s) before it ends.
    pub fn wait_for_index(&mut self) {
        self.expect_message(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("podsec: indexed"))
        });
    }

    /// Every message not yet looked at, up to the end of the server's output (call after
    /// `exit`, or anything that ends the server).
    pub fn rest_of_output(&mut self) -> Vec<Value> {
        let deadline = Instant::now() + TIMEOUT;
        let mut rest: Vec<Value> = self.backlog.drain(..).collect();
        while let Some(message) = self.receive(deadline) {
            rest.push(message);
        }
        assert!(Instant::now() < deadline, "the server's output did not end");
        rest
    }

    /// Takes the messages with `method` received so far (and not yet looked at).
    pub fn take_messages(&mut self, method: &str) -> Vec<Value> {
        let (taken, kept): (Vec<Value>, Vec<Value>) =
            self.backlog.drain(..).partition(|m| m["method"] == method);
        self.backlog = kept.into();
        taken
    }

    pub fn shutdown(mut self) -> i32 {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    pub fn wait(&mut self) -> i32 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The version and diagnostics of a publication for `uri`.
fn publication(message: &Value, uri: &str) -> Option<(Option<i64>, Vec<Value>)> {
    let params = &message["params"];
    (message["method"] == "textDocument/publishDiagnostics" && params["uri"] == uri).then(|| {
        let diagnostics = params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (params["version"].as_i64(), diagnostics)
    })
}

fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    input.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// `(line, character, code)` of each diagnostic.
pub fn places(diagnostics: &[Value]) -> Vec<(u64, u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["range"]["start"]["character"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
