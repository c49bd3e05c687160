//! Protocol abuse beyond `server::protocol_abuse_gets_errors_and_the_server_keeps_serving`: each
//! case gets a proper JSON-RPC error or the documented behaviour, and the server keeps serving
//! with its documents intact.

use crate::lsp_client::{LspClient, file_uri, places};
use crate::support::{POD, Scratch, baseline_workspace};
use serde_json::{Value, json};

/// The line `privileged: true` is on, and where `true` starts and ends.
const PRIVILEGED: (u64, u64, u64) = (9, 18, 22);

fn at(uri: &str, line: u64, character: u64) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn range(l0: u64, c0: u64, l1: u64, c1: u64) -> Value {
    json!({"start": {"line": l0, "character": c0}, "end": {"line": l1, "character": c1}})
}

fn code_actions(client: &mut LspClient, uri: &str, range: Value, only: Option<&str>) -> Value {
    let mut context = json!({"diagnostics": []});
    if let Some(kind) = only {
        context["only"] = json!([kind]);
    }
    client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": context}),
    )
}

/// Whether `diagnostics` flag `privileged: true` at `line`.
fn flags_privileged_at(diagnostics: &[Value], line: u64) -> bool {
    places(diagnostics).contains(&(line, PRIVILEGED.1, "privileged".to_string()))
}

/// The server still serves: a new document is opened and published, and `uri` (holding `POD`
/// as it was opened, unless `None`) still has its state: the hover on `privileged: true`.
fn still_serves(client: &mut LspClient, ws: &Scratch, uri: Option<&str>) {
    let name = format!("check-{}.yaml", client.versions.len());
    let fresh = client.open(&ws.path(&name), POD);
    let diagnostics = client.settled(&fresh);
    assert!(
        flags_privileged_at(&diagnostics, PRIVILEGED.0),
        "{diagnostics:#?}"
    );
    if let Some(uri) = uri {
        let hover = client.request("textDocument/hover", at(uri, PRIVILEGED.0, 20));
        assert_eq!(
            hover["range"],
            range(PRIVILEGED.0, PRIVILEGED.1, PRIVILEGED.0, PRIVILEGED.2),
            "{uri} lost its state"
        );
    }
    client.close(&fresh);
}

/// Diagnostics as compared across documents: the document's own URI left out.
fn without_uri(diagnostics: &[Value], uri: &str) -> Vec<String> {
    let mut json: Vec<String> = diagnostics
        .iter()
        .map(|d| d.to_string().replace(&format!("\"{uri}\""), "\"<self>\""))
        .collect();
    json.sort();
    json
}

/// The byte offset of a position clamped as servers do: a line past the end means the end of
/// the text; a character past the end of its line, the line's end; a character inside a
/// surrogate pair, the start of its character.
fn clamped_offset(text: &str, line: u64, character: u64) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let content = text[start..].split('\n').next().unwrap();
    let mut units = 0;
    for (i, c) in content.char_indices() {
        units += c.len_utf16() as u64;
        if units > character {
            return start + i;
        }
    }
    start + content.len()
}

#[test]
fn out_of_range_positions_in_requests_are_clamped() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    let second = POD.replace("name: web", "name: api\n  namespace: other");
    let uri = client.open(&ws.path("pods.yaml"), &format!("{POD}---\n{second}"));
    client.settled(&uri);
    let hover = |client: &mut LspClient, line, character| {
        client.request("textDocument/hover", at(&uri, line, character))
    };
    // A character past the end of `privileged: true` is the line's end: the end of `true`.
    let at_end = hover(&mut client, 9, PRIVILEGED.2);
    assert!(!at_end.is_null());
    assert_eq!(hover(&mut client, 9, 999), at_end);
    assert_eq!(hover(&mut client, 9, u32::MAX as u64), at_end);
    // A line past the end is the end of the text, where nothing is flagged.
    assert!(hover(&mut client, 999, 0).is_null());
    assert!(hover(&mut client, u32::MAX as u64, u32::MAX as u64).is_null());

    // Code actions: an out-of-range range is the clamped one.
    let last_line = POD.lines().count() as u64 + 1 + second.lines().count() as u64;
    for only in [None, Some("quickfix"), Some("source.fixAll")] {
        let clamped = code_actions(
            &mut client,
            &uri,
            range(9, PRIVILEGED.2, last_line, 0),
            only,
        );
        assert!(!clamped.is_null(), "{only:?}");
        let beyond = code_actions(&mut client, &uri, range(9, 999, 99_999, 5), only);
        assert_eq!(beyond, clamped, "{only:?}");
    }
    let nowhere = code_actions(&mut client, &uri, range(5000, 0, 6000, 0), Some("quickfix"));
    assert!(nowhere.is_null(), "{nowhere:#}");

    // The effective policy: past the end is the last workload, past a line's end its line's.
    let policy = |client: &mut LspClient, line, character| {
        client.request("podsec/effectivePolicy", at(&uri, line, character))["object"].clone()
    };
    assert_eq!(policy(&mut client, 999, 999), "Pod/api");
    assert_eq!(policy(&mut client, u32::MAX as u64, 0), "Pod/api");
    assert_eq!(policy(&mut client, 0, 999), "Pod/web");
    assert_eq!(policy(&mut client, 3, u32::MAX as u64), "Pod/web");
    still_serves(&mut client, &ws, None);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn edits_with_positions_out_of_range_are_clamped() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    let start = "apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations: {note: \"🐳 名前\", container.apparmor.security.beta.kubernetes.io/app: unconfined}
spec:
  containers:
  - name: app
    image: nginx
    securityContext:
      privileged: true
";
    let uri = client.open(&ws.path("pod.yaml"), start);
    client.settled(&uri);
    let mut text = start.to_string();
    let mut edited = Vec::new();
    let cases: [(u64, u64, u64, u64, &str); 6] = [
        // A character past the end of a line: that line's end.
        (10, 999, 10, 999, " # tail"),
        // From past the end of one line to past the end of the next.
        (9, 999, 10, 4000, " {privileged: true} # flow"),
        // A start past the last line: the end of the text (an append).
        (
            500,
            0,
            600,
            7,
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: second}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: i}]\n",
        ),
        // From inside the text to past its end: everything after the start goes.
        (
            14,
            0,
            u32::MAX as u64,
            u32::MAX as u64,
            "spec:\n  hostPID: true\n  containers: [{name: d, image: i}]\n",
        ),
        // A start inside the surrogate pair of 🐳: the start of the character, so the whale
        // goes and the columns after it move by 2.
        (4, 24, 4, 25, ""),
        // Start and end reversed: the range between them (a lenient reading); 名前 goes.
        (4, 26, 4, 24, ""),
    ];
    for (i, &(l0, c0, l1, c1, new)) in cases.iter().enumerate() {
        let (a, b) = (clamped_offset(&text, l0, c0), clamped_offset(&text, l1, c1));
        text.replace_range(a.min(b)..a.max(b), new);
        client.edit(&uri, [l0 as u32, c0 as u32, l1 as u32, c1 as u32], new);
        edited = client.settled(&uri);
        let expected_uri = client.open(&ws.path(&format!("expected-{i}.yaml")), &text);
        let expected = client.settled(&expected_uri);
        client.close(&expected_uri);
        assert_eq!(
            without_uri(&edited, &uri),
            without_uri(&expected, &expected_uri),
            "after edit {i}, the text should be {text:?}"
        );
        assert!(
            edited.iter().any(|d| d["code"] == "appArmorProfile"),
            "edit {i}: {edited:#?}"
        );
    }
    assert!(
        text.contains("  annotations: {note: \" \", container"),
        "{text}"
    );
    // What the edits made: a flow-style privileged container, a hostNetwork pod then a hostPID
    // one instead, and the AppArmor annotation four UTF-16 units to the left.
    let codes: Vec<_> = places(&edited)
        .into_iter()
        .filter(|p| p.2 == "privileged" || p.2 == "hostNamespaces" || p.2 == "appArmorProfile")
        .collect();
    let apparmor = start.lines().nth(4).unwrap();
    let apparmor = apparmor[..apparmor.find("unconfined").unwrap()]
        .encode_utf16()
        .count() as u64;
    assert_eq!(
        codes,
        [
            (4, apparmor - 4, "appArmorProfile".to_string()),
            (9, 34, "privileged".to_string()),
            (15, 11, "hostNamespaces".to_string()),
        ],
        "{text}"
    );
    still_serves(&mut client, &ws, None);
}

#[test]
fn a_second_did_open_of_the_same_uri_replaces_the_document() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    let uri = client.open(&ws.path("pod.yaml"), POD);
    assert!(flags_privileged_at(&client.settled(&uri), 9));
    // Opened again, one line lower and no longer privileged.
    let second = format!(
        "# reopened\n{}",
        POD.replace("privileged: true", "privileged: false")
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 7, "text": second}}),
    );
    client.versions.insert(uri.clone(), 7);
    let diagnostics = client.settled(&uri);
    assert!(
        diagnostics.iter().all(|d| d["code"] != "privileged"),
        "{diagnostics:#?}"
    );
    // Edits apply to the second text: `false` is on line 10 there.
    client.edit(&uri, [10, 18, 10, 23], "true");
    assert!(flags_privileged_at(&client.settled(&uri), 10));

    // A Namespace buffer opened twice: the second text's labels are the ones that apply.
    let ns = |level: &str| {
        format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: {level}\n"
        )
    };
    let ns_uri = client.open(&ws.path("ns.yaml"), &ns("restricted"));
    let in_team = client.open(
        &ws.path("team.yaml"),
        &POD.replace("name: web", "name: web\n  namespace: team"),
    );
    client.diagnostics_until(&in_team, |d| {
        d.iter().any(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .starts_with("violates PodSecurity \"restricted")
        })
    });
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": ns_uri, "languageId": "yaml", "version": 1, "text": ns("privileged")}}),
    );
    // Only the warnings of `.podsec.yaml`'s warn policy are left.
    client.diagnostics_until(&in_team, |d| d.iter().all(|d| d["severity"] == 2));
    still_serves(&mut client, &ws, None);
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn documents_that_are_not_open_are_left_alone() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    let kept = client.open(&ws.path("kept.yaml"), POD);
    client.settled(&kept);
    let never = file_uri(&ws.path("never.yaml"));
    // Requests about a document never opened: null, not errors.
    assert!(
        client
            .request("podsec/effectivePolicy", at(&never, 0, 0))
            .is_null()
    );
    assert!(code_actions(&mut client, &never, range(0, 0, 9, 0), None).is_null());
    assert!(
        code_actions(
            &mut client,
            &never,
            range(0, 0, 9, 0),
            Some("source.fixAll")
        )
        .is_null()
    );
    // Closing it and editing it (a full replacement too) are ignored.
    client.close(&never);
    client.change(&never, vec![json!({"text": "kind: Pod\n"})]);
    client.edit(&never, [0, 0, 0, 0], "# before open\n");
    // Then it is opened: its text is what the open says, the edits before did not count.
    client.versions.remove(&never);
    let never = client.open(&ws.path("never.yaml"), POD);
    assert!(flags_privileged_at(&client.settled(&never), 9));
    // Each ignored edit is logged (logs and publications travel apart: wait for them).
    for _ in 0..2 {
        let warning = client.expect_message(|m| {
            m["method"] == "window/logMessage"
                && m["params"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("ignored an edit")
        });
        assert_eq!(
            warning["params"]["message"],
            format!("ignored an edit of {never} which is not open")
        );
        assert_eq!(warning["params"]["type"], 2);
    }

    // A closed document: cleared once, then edits of it are ignored and publish nothing.
    client.close(&never);
    client.diagnostics_until(&never, |d| d.is_empty());
    client.edit(&never, [0, 0, 0, 0], "# after close\n");
    assert!(
        client
            .request("textDocument/hover", at(&never, 10, 20))
            .is_null()
    );
    // Publications go out in order: once the next document's is in, one for the closed
    // document would be too.
    let other = client.open(&ws.path("other.yaml"), POD);
    client.settled(&other);
    let late: Vec<Value> = client
        .take_messages("textDocument/publishDiagnostics")
        .into_iter()
        .filter(|m| m["params"]["uri"] == never)
        .collect();
    assert!(late.is_empty(), "{late:#?}");
    still_serves(&mut client, &ws, Some(&kept));
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn after_shutdown_requests_get_invalid_request_and_notifications_are_ignored() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    let uri = client.open(&ws.path("pod.yaml"), POD);
    client.settled(&uri);
    assert!(client.request("shutdown", Value::Null).is_null());
    for (method, params) in [
        ("textDocument/hover", at(&uri, 9, 20)),
        ("podsec/effectivePolicy", at(&uri, 9, 20)),
        (
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range(9, 18, 9, 22), "context": {"diagnostics": []}}),
        ),
        ("shutdown", Value::Null),
        ("initialize", json!({"capabilities": {}})),
    ] {
        let answer = client.request_raw(method, params);
        assert_eq!(answer["error"]["code"], -32600, "{method}: {answer}");
    }
    // Notifications are dropped: nothing is opened, changed or published any more.
    let late = client.open(&ws.path("late.yaml"), POD);
    client.edit(&uri, [9, 18, 9, 22], "false");
    client.close(&uri);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"level": "restricted"}}),
    );
    assert_eq!(
        client.request_raw("textDocument/hover", at(&late, 9, 20))["error"]["code"],
        -32600
    );
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 0);
    let published: Vec<Value> = client
        .rest_of_output()
        .into_iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .collect();
    assert!(published.is_empty(), "{published:#?}");
}

#[test]
fn requests_before_initialize_are_refused_and_exit_before_it_is_status_1() {
    let ws = baseline_workspace();
    let mut client = LspClient::start(&ws.dir);
    let early = client.request_raw("textDocument/hover", at("file:///x.yaml", 0, 0));
    assert_eq!(early["error"]["code"], -32002);
    // A notification before initialize is dropped, as the protocol says.
    let uri = client.open(&ws.path("early.yaml"), POD);
    // Wrong parameters for initialize: refused, and the server still waits for a good one.
    let bad = client.request_raw("initialize", json!({"capabilities": 5}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let bad = client.request_raw("initialize", json!([1, 2]));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let good = client.request("initialize", json!({"capabilities": {}}));
    assert_eq!(good["serverInfo"]["name"], "podsec-lsp");
    client.notify("initialized", json!({}));
    assert!(
        client
            .request("textDocument/hover", at(&uri, 9, 20))
            .is_null()
    );
    still_serves(&mut client, &ws, None);
    assert_eq!(client.shutdown(), 0);

    let mut client = LspClient::start(&ws.dir);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1);
}

#[test]
fn wrong_parameter_types_get_invalid_params() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    let uri = client.open(&ws.path("pod.yaml"), POD);
    client.settled(&uri);
    let doc = json!({"uri": uri});
    let good_range = range(9, 18, 9, 22);
    let cases = [
        ("textDocument/hover", json!({"textDocument": doc})),
        (
            "textDocument/hover",
            json!({"textDocument": doc, "position": {"line": "9", "character": 2}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": doc, "position": {"line": -1, "character": 2}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": doc, "position": {"line": 9.5, "character": 2}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": doc, "position": {"line": 4_294_967_296u64, "character": 0}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": 5}, "position": {"line": 0, "character": 0}}),
        ),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": "not a uri"}, "position": {"line": 0, "character": 0}}),
        ),
        (
            "textDocument/hover",
            json!([doc, {"line": 0, "character": 0}]),
        ),
        ("textDocument/hover", Value::Null),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": good_range}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": [9, 18], "context": {"diagnostics": []}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": good_range, "context": {"diagnostics": 3}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": good_range, "context": {"diagnostics": [{"message": "no range"}]}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": good_range, "context": {"diagnostics": [], "only": "quickfix"}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": good_range, "context": {"diagnostics": [], "only": [5]}}),
        ),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": good_range, "context": {"diagnostics": [], "only": null, "triggerKind": "invoked"}}),
        ),
        (
            "podsec/effectivePolicy",
            json!({"textDocument": doc, "position": "x"}),
        ),
        (
            "podsec/effectivePolicy",
            json!({"textDocument": doc, "position": {"line": 0}}),
        ),
        (
            "podsec/effectivePolicy",
            json!({"position": {"line": 0, "character": 0}}),
        ),
        ("podsec/effectivePolicy", json!({"textDocument": "x"})),
        ("podsec/effectivePolicy", Value::Null),
        ("podsec/effectivePolicy", json!([1])),
        ("podsec/effectivePolicy", json!(42)),
    ];
    for (method, params) in cases {
        let answer = client.request_raw(method, params.clone());
        assert_eq!(
            answer["error"]["code"], -32602,
            "{method} {params}: {answer}"
        );
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    // The same requests well formed are answered, `only` included.
    let fixes = client.request(
        "textDocument/codeAction",
        json!({"textDocument": doc, "range": good_range, "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    assert_eq!(fixes[0]["title"], "Set securityContext.privileged: false");
    // Notifications with wrong parameters cannot be answered; they are dropped.
    client.notify("textDocument/didOpen", json!({"textDocument": 5}));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri}, "contentChanges": [{"range": 3, "text": "x"}]}),
    );
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 9}, "contentChanges": [{"range": good_range}]}));
    client.notify("textDocument/didClose", json!([]));
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": 1}));
    still_serves(&mut client, &ws, Some(&uri));
    assert_eq!(client.shutdown(), 0);
}

/// `shutdown` takes no parameters; a client that sends some anyway still shuts the server
/// down properly (answered, then `exit` ends it with status 0).
#[test]
fn a_shutdown_with_parameters_is_a_shutdown() {
    let ws = baseline_workspace();
    for params in [json!({}), json!({"x": 1}), json!([]), Value::Null] {
        let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
        client.wait_for_index();
        let uri = client.open(&ws.path("pod.yaml"), POD);
        client.settled(&uri);
        let answer = client.request_raw("shutdown", params.clone());
        assert!(
            answer.get("error").is_none() && answer["result"].is_null(),
            "{params}: {answer}"
        );
        client.notify("exit", params.clone());
        assert_eq!(client.wait(), 0, "{params}");
    }
}

/// Runs the server: `initialize` (answered), then `input` and the end of its input. Returns
/// the exit status and the messages after `initialize`'s answer.
fn run_on(input: &[u8]) -> (i32, Vec<Value>) {
    let ws = Scratch::new();
    let mut client = LspClient::start(&ws.dir);
    let answer = client.request("initialize", json!({"capabilities": {}}));
    assert_eq!(answer["serverInfo"]["name"], "podsec-lsp");
    client.notify("initialized", json!({}));
    client.send_raw(input);
    client.close_input();
    let status = client.wait();
    (status, client.rest_of_output())
}

#[test]
fn the_end_of_the_input_inside_a_frame_ends_the_server() {
    let body = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
    // A Content-Length larger than the body, then the end of the input: nothing to answer,
    // and the server ends as without `exit` (status 1).
    let truncated = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 10);
    let (status, rest) = run_on(truncated.as_bytes());
    assert!(rest.iter().all(|m| m.get("id").is_none()), "{rest:#?}");
    assert_eq!(status, 1);
    // The end inside a header.
    let (status, rest) = run_on(b"Content-Length: 50\r\n");
    assert!(rest.iter().all(|m| m.get("id").is_none()), "{rest:#?}");
    assert_eq!(status, 1);
    // After a shutdown (answered): the end of the input ends the server as `exit` would,
    // with status 0.
    let shutdown = format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let (status, rest) =
        run_on(format!("{shutdown}Content-Length: 99\r\n\r\n{{\"jsonrpc\"").as_bytes());
    assert!(
        rest.iter()
            .any(|m| m["id"] == 2 && m["result"].is_null() && m.get("error").is_none()),
        "{rest:#?}"
    );
    assert_eq!(status, 0);
}

#[test]
fn a_huge_frame_is_read_and_the_server_serves_on() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    // 20 MB in one didOpen: a long annotation before the flagged field.
    let big = "x".repeat(20 << 20);
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  annotations:\n    big: {big}\nspec:\n  containers:\n  - name: app\n    securityContext: {{privileged: true}}\n"
    );
    let uri = client.open(&ws.path("big.yaml"), &text);
    drop(text);
    let hover = client.request("textDocument/hover", at(&uri, 9, 35));
    assert_eq!(hover["range"], range(9, 34, 9, 38));
    let diagnostics = client.settled(&uri);
    assert!(places(&diagnostics).contains(&(9, 34, "privileged".to_string())));
    still_serves(&mut client, &ws, None);
    assert_eq!(client.shutdown(), 0);
}
