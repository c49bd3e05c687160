//! The language server driven over stdio the way an editor drives it.

use crate::lsp_client::{LspClient, file_uri, places};
use crate::support::{POD, Scratch, baseline_workspace};
use serde_json::{Value, json};

#[test]
fn open_puts_the_diagnostic_on_the_field_and_an_edit_that_fixes_it_clears_it() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let uri = client.open(&ws.path("pod.yaml"), POD);
    let diagnostics = client.diagnostics_until(&uri, |d| !d.is_empty());
    let privileged = diagnostics
        .iter()
        .find(|d| d["code"] == "privileged")
        .unwrap();
    assert_eq!(
        privileged["range"],
        json!({"start": {"line": 9, "character": 18}, "end": {"line": 9, "character": 22}})
    );
    assert_eq!(privileged["severity"], 1);
    assert_eq!(privileged["source"], "podsec");
    assert_eq!(
        privileged["message"],
        "violates PodSecurity \"baseline:latest\": privileged (container \"app\" must not set securityContext.privileged=true)"
    );
    assert_eq!(
        privileged["codeDescription"]["href"],
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"
    );
    let related = &privileged["relatedInformation"][0];
    assert_eq!(
        related["location"]["uri"],
        file_uri(&ws.path(".podsec.yaml"))
    );
    assert_eq!(related["location"]["range"]["start"]["line"], 1);
    assert_eq!(
        related["message"],
        "enforce level baseline, from defaults.enforce in .podsec.yaml"
    );
    // The warn-only restricted findings are warnings, with their own source.
    let warnings: Vec<_> = diagnostics.iter().filter(|d| d["severity"] == 2).collect();
    assert!(!warnings.is_empty());
    assert!(warnings.iter().all(|d| {
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("would violate PodSecurity \"restricted:latest\"")
    }));

    // Replace `true` by `false`.
    client.edit(&uri, [9, 18, 9, 22], "false");
    let after = client.diagnostics_until(&uri, |d| d.iter().all(|d| d["code"] != "privileged"));
    assert!(after.iter().all(|d| d["severity"] != 1), "{after:#?}");
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn typing_a_line_character_by_character_flags_the_right_line() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let start = POD.replace("    securityContext:\n      privileged: true\n", "");
    let uri = client.open(&ws.path("pod.yaml"), &start);
    client.diagnostics_until(&uri, |d| d.iter().all(|d| d["severity"] != 1));
    let line = "    securityContext: {privileged: true}\n";
    let (row, mut col) = (8u32, 0u32);
    for c in line.chars() {
        client.edit(&uri, [row, col, row, col], &c.to_string());
        col += 1;
    }
    let diagnostics =
        client.diagnostics_until(&uri, |d| d.iter().any(|d| d["code"] == "privileged"));
    let errors: Vec<_> = places(&diagnostics)
        .into_iter()
        .filter(|(_, _, code)| code == "privileged")
        .collect();
    assert_eq!(errors, [(8, 34, "privileged".to_string())]);
}

#[test]
fn hundreds_of_rapid_edits_are_applied_in_order() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-8"], Value::Null);
    let start = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n";
    let uri = client.open(&ws.path("pod.yaml"), start);
    // Typed without waiting: any reordering would scramble the YAML.
    let typed = "  hostPID: true\n  containers:\n  - name: first\n    securityContext: {privileged: true}\n  - name: second\n    ports: [{containerPort: 80, hostPort: 8080}]\n  volumes:\n  - {name: data, hostPath: {path: /var}}\n";
    let mut final_text = start.to_string();
    let (mut row, mut col) = (5u32, 0u32);
    for c in typed.chars() {
        client.edit(&uri, [row, col, row, col], &c.to_string());
        final_text.push(c);
        if c == '\n' {
            row += 1;
            col = 0;
        } else {
            col += c.len_utf8() as u32;
        }
    }
    assert!(typed.len() > 200);
    let typed_result = client.settled(&uri);

    // A fresh server opened on the final text sees exactly the same.
    let mut fresh = LspClient::initialized(&ws.dir, &["utf-8"], Value::Null);
    let fresh_uri = fresh.open(&ws.path("fresh.yaml"), &final_text);
    let fresh_result = fresh.settled(&fresh_uri);
    let strip = |d: &[Value]| {
        d.iter()
            .map(|d| {
                (
                    d["range"].clone(),
                    d["code"].clone(),
                    d["message"].clone(),
                    d["severity"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&typed_result), strip(&fresh_result));
    let errors: Vec<_> = places(&typed_result)
        .into_iter()
        .filter(|p| {
            !p.2.contains('_') && p.2 != "runAsNonRoot" && p.2 != "allowPrivilegeEscalation"
        })
        .collect();
    assert_eq!(
        errors,
        [
            (5, 11, "hostNamespaces".to_string()),
            (8, 34, "privileged".to_string()),
            (10, 42, "hostPorts".to_string()),
            (12, 17, "hostPathVolumes".to_string())
        ]
    );
}

#[test]
fn utf16_and_utf8_columns_on_a_line_with_japanese_text_and_emoji() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {note: \"名前 🐳\", container.apparmor.security.beta.kubernetes.io/app: unconfined}\nspec:\n  containers: [{name: app}]\n";
    let line = text.lines().nth(4).unwrap();
    let byte_col = line.find("unconfined").unwrap() as u64;
    let utf16_col = line[..byte_col as usize].encode_utf16().count() as u64;
    assert_ne!(byte_col, utf16_col);
    for (encoding, col) in [("utf-16", utf16_col), ("utf-8", byte_col)] {
        let ws = baseline_workspace();
        let mut client = LspClient::initialized(&ws.dir, &[encoding], Value::Null);
        let uri = client.open(&ws.path("pod.yaml"), text);
        let diagnostics =
            client.diagnostics_until(&uri, |d| d.iter().any(|d| d["code"] == "appArmorProfile"));
        let apparmor = diagnostics
            .iter()
            .find(|d| d["code"] == "appArmorProfile")
            .unwrap();
        assert_eq!(
            apparmor["range"]["start"],
            json!({"line": 4, "character": col}),
            "{encoding}"
        );
        assert_eq!(
            apparmor["range"]["end"]["character"],
            col + 10,
            "{encoding}"
        );
    }
}

const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: on-disk}
spec:
  template:
    spec:
      containers: [{name: app, securityContext: {privileged: true}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b, namespace: in-buffer}
spec:
  template:
    spec:
      containers: [{name: app, securityContext: {privileged: true}}]
";

fn namespace(name: &str, enforce: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n    pod-security.kubernetes.io/enforce: {enforce}\n"
    )
}

#[test]
fn namespaces_from_disk_and_from_open_buffers_and_label_edits_republish() {
    let ws = Scratch::new();
    ws.write("cluster/on-disk.yaml", &namespace("on-disk", "baseline"));
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let buffer_ns = client.open(
        &ws.path("cluster/in-buffer.yaml"),
        &namespace("in-buffer", "restricted"),
    );
    let app = client.open(&ws.path("apps/app.yaml"), APP);
    // Once the disk is indexed: deployment a enforces baseline, b restricted.
    let settled = |d: &[Value]| {
        d.iter().any(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .starts_with("violates PodSecurity \"baseline:latest\"")
        }) && d.iter().any(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .starts_with("violates PodSecurity \"restricted:latest\"")
        })
    };
    let diagnostics = client.diagnostics_until(&app, settled);
    let a_line: Vec<_> = diagnostics
        .iter()
        .filter(|d| d["range"]["start"]["line"] == 6)
        .collect();
    assert!(a_line.iter().all(|d| {
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("violates PodSecurity \"baseline:latest\"")
    }));
    let b_related = diagnostics
        .iter()
        .find(|d| d["range"]["start"]["line"] == 14 && d["code"] == "privileged")
        .unwrap()["relatedInformation"][0]
        .clone();
    assert_eq!(b_related["location"]["uri"], buffer_ns);
    assert_eq!(b_related["location"]["range"]["start"]["line"], 5);

    // Relax the buffer's label: app.yaml is republished without b's restricted errors.
    client.edit(&buffer_ns, [5, 40, 5, 50], "privileged");
    let diagnostics = client.diagnostics_until(&app, |d| {
        d.iter()
            .all(|d| d["range"]["start"]["line"].as_u64() != Some(14))
    });
    assert!(diagnostics.iter().any(|d| d["range"]["start"]["line"] == 6));

    // Close the Namespace buffer: nothing declares it any more, so the defaults apply again
    // (nothing configured: warnings at restricted:latest).
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": buffer_ns}}),
    );
    let diagnostics = client.diagnostics_until(&app, |d| {
        d.iter().any(|d| d["range"]["start"]["line"] == 14)
    });
    assert!(
        diagnostics
            .iter()
            .filter(|d| d["range"]["start"]["line"] == 14)
            .all(|d| d["severity"] == 2)
    );
}

#[test]
fn a_podsec_yaml_buffer_sets_the_policy_and_its_errors_are_diagnostics() {
    let ws = Scratch::new();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let pod = client.open(&ws.path("pod.yaml"), POD);
    client.diagnostics_until(&pod, |d| {
        !d.is_empty() && d.iter().all(|d| d["severity"] == 2)
    });
    let config = client.open(
        &ws.path(".podsec.yaml"),
        "defaults:\n  enforce: restricted\n",
    );
    let diagnostics = client.diagnostics_until(&pod, |d| d.iter().any(|d| d["severity"] == 1));
    assert!(diagnostics.iter().all(|d| d["severity"] == 1));
    // A typo makes the config invalid: an error on it, and the pod falls back to the default.
    client.edit(&config, [1, 11, 1, 21], "restrictd");
    let errors = client.diagnostics_until(&config, |d| !d.is_empty());
    assert_eq!(errors[0]["code"], "config");
    assert_eq!(
        errors[0]["range"]["start"],
        json!({"line": 1, "character": 11})
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("must be one of privileged, baseline, restricted")
    );
    client.diagnostics_until(&pod, |d| {
        !d.is_empty() && d.iter().all(|d| d["severity"] == 2)
    });
}

#[test]
fn settings_come_from_initialization_options_and_configuration_changes() {
    let ws = Scratch::new();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], json!({"level": "baseline"}));
    // The client answers workspace/configuration with nothing, so the options stand.
    let pod = client.open(&ws.path("pod.yaml"), POD);
    let diagnostics = client.diagnostics_until(&pod, |d| d.iter().any(|d| d["severity"] == 1));
    assert_eq!(
        places(&diagnostics)
            .iter()
            .filter(|p| p.2 == "privileged")
            .count(),
        1
    );
    client.settings = json!({"level": "privileged"});
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    client.diagnostics_until(&pod, |d| d.is_empty());
}

#[test]
fn a_bad_setting_is_shown_once_however_often_the_client_repeats_it() {
    let ws = Scratch::new();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], json!({"level": "strict"}));
    client.settings = json!({"level": "strict"});
    let pod = client.open(&ws.path("pod.yaml"), POD);
    client.diagnostics_until(&pod, |d| !d.is_empty());
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    // A good value then clears the way for the same bad value to be shown again.
    client.settings = json!({"level": "baseline"});
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    client.diagnostics_until(&pod, |d| d.iter().any(|d| d["severity"] == 1));
    let shown = client.take_messages("window/showMessage");
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert_eq!(shown[0]["params"]["type"], 1);
    assert_eq!(
        shown[0]["params"]["message"],
        "podsec.level \"strict\": must be one of privileged, baseline, restricted; the setting is ignored"
    );
    client.settings = json!({"level": "strict"});
    client.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    client.expect_message(|m| m["method"] == "window/showMessage");
}

#[test]
fn the_first_publication_already_knows_the_workspace_and_the_clients_settings() {
    let ws = Scratch::new();
    ws.write(
        "namespaces.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
    );
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    // Answered only once the documents below are open: without the wait, they would first be
    // published under the built-in default (warn restricted) and then change.
    client.settings = json!({"level": "restricted"});
    let in_team = client.open(
        &ws.path("team.yaml"),
        &POD.replace("name: web", "name: web\n  namespace: team"),
    );
    let no_namespace = client.open(&ws.path("pod.yaml"), POD);
    let first = client.next_publication(&in_team);
    assert_eq!(
        places(&first),
        [(10, 18, "privileged".to_string())],
        "baseline from the Namespace on disk: {first:#?}"
    );
    assert_eq!(first[0]["severity"], 1);
    let first = client.next_publication(&no_namespace);
    assert!(
        first.len() > 1 && first.iter().all(|d| d["severity"] == 1),
        "restricted, enforced, from the settings: {first:#?}"
    );
}

#[test]
fn hover_explains_a_flagged_field() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let uri = client.open(&ws.path("pod.yaml"), POD);
    client.diagnostics_until(&uri, |d| !d.is_empty());
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 9, "character": 20}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    for expected in [
        "**Privileged Containers** · `privileged` (baseline level)",
        "privileged (container \"app\" must not set securityContext.privileged=true)",
        "**Allowed:** false or unset",
        "**Policy:** `baseline:latest` in enforce mode",
        "**Set by:** defaults.enforce in .podsec.yaml",
        "(https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline)",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(hover["range"]["start"], json!({"line": 9, "character": 18}));
    // Nothing flagged there: no hover.
    let nothing = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}),
    );
    assert!(nothing.is_null());
}

#[test]
fn closing_clears_and_non_kubernetes_yaml_gets_nothing() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let uri = client.open(&ws.path("pod.yaml"), POD);
    client.diagnostics_until(&uri, |d| !d.is_empty());
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    client.diagnostics_until(&uri, |d| d.is_empty());
    let other = client.open(
        &ws.path("compose.yaml"),
        "services:\n  web:\n    image: nginx\n    privileged: true\n",
    );
    let diagnostics = client.diagnostics_until(&other, |_| true);
    assert!(diagnostics.is_empty());
}

#[test]
fn protocol_abuse_gets_errors_and_the_server_keeps_serving() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    // Unknown method.
    let unknown = client.request_raw("podsec/nope", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // Bad params.
    let bad = client.request_raw("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(bad["error"]["code"], -32602);
    // A malformed frame: a parse error, and the server reads on.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let parse_error = client.expect_message(|m| m["error"]["code"] == -32700);
    assert_eq!(parse_error["id"], Value::Null);
    // Edits and requests for a document never opened.
    client.edit("file:///never/opened.yaml", [0, 0, 0, 0], "x");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///never/opened.yaml"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(hover.is_null());
    // Out-of-range positions are clamped.
    let uri = client.open(&ws.path("pod.yaml"), POD);
    client.edit(&uri, [999, 999, 1000, 0], "\n# appended\n");
    client.diagnostics_until(&uri, |d| d.iter().any(|d| d["code"] == "privileged"));
    // An analysis that panics is caught; the last good findings stay, and the server serves on.
    client.edit(&uri, [0, 0, 0, 0], "# podsec-test-inject-panic\n");
    let after = client.diagnostics_until(&uri, |d| d.iter().any(|d| d["code"] == "privileged"));
    assert!(after.iter().any(|d| d["code"] == "privileged"));
    client.edit(&uri, [0, 0, 1, 0], "");
    client.diagnostics_until(&uri, |d| d.iter().any(|d| d["range"]["start"]["line"] == 9));
    assert!(client.is_running());
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let ws = Scratch::new();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1);
}

#[test]
fn file_watch_notifications_keep_the_index_fresh() {
    let ws = Scratch::new();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    // The server asks to watch YAML files.
    let registration = client.expect_message(|m| m["method"] == "client/registerCapability");
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/*.yaml");
    let app = client.open(&ws.path("app.yaml"), APP);
    client.diagnostics_until(&app, |d| {
        !d.is_empty() && d.iter().all(|d| d["severity"] == 2)
    });
    // A Namespace manifest appears on disk.
    let ns_path = ws.write("ns.yaml", &namespace("in-buffer", "restricted"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&ns_path), "type": 1}]}),
    );
    client.diagnostics_until(&app, |d| {
        d.iter()
            .any(|d| d["range"]["start"]["line"] == 14 && d["severity"] == 1)
    });
    // A .podsec.yaml appears: deployment a (namespace unknown) gets its defaults.
    let config = ws.write(".podsec.yaml", "defaults: {enforce: baseline}\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 1}]}),
    );
    client.diagnostics_until(&app, |d| {
        d.iter()
            .any(|d| d["range"]["start"]["line"] == 6 && d["severity"] == 1)
    });
    // The Namespace file is deleted.
    std::fs::remove_file(&ns_path).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&ns_path), "type": 3}]}),
    );
    let after = client.diagnostics_until(&app, |d| {
        d.iter()
            .filter(|d| d["range"]["start"]["line"] == 14)
            .all(|d| {
                d["message"].as_str().unwrap().contains("baseline:latest") || d["severity"] == 2
            })
    });
    assert!(after.iter().any(|d| d["range"]["start"]["line"] == 14));
}

fn code_actions(
    client: &mut LspClient,
    uri: &str,
    diagnostic: &Value,
    only: Option<&str>,
) -> Vec<Value> {
    let mut context = json!({"diagnostics": [diagnostic]});
    if let Some(kind) = only {
        context["only"] = json!([kind]);
    }
    client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": context}),
        )
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_quick_fix_applied_by_the_editor_clears_its_diagnostic() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let uri = client.open(&ws.path("pod.yaml"), POD);
    let diagnostics = client.diagnostics_until(&uri, |d| !d.is_empty());
    let privileged = diagnostics
        .iter()
        .find(|d| d["code"] == "privileged")
        .unwrap()
        .clone();
    let actions = code_actions(&mut client, &uri, &privileged, Some("quickfix"));
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Set securityContext.privileged: false",
            "Remove securityContext.privileged",
            "Ignore privileged here (podsec:ignore)",
            "Ignore privileged in this document"
        ]
    );
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], "privileged");
    let edit = &actions[0]["edit"];
    assert_eq!(
        edit["changes"][&uri],
        json!([{"range": {"start": {"line": 9, "character": 18}, "end": {"line": 9, "character": 22}}, "newText": "false"}])
    );
    client.apply_edit(&uri, edit);
    let after = client.settled(&uri);
    assert!(
        after.iter().all(|d| d["code"] != "privileged"),
        "{after:#?}"
    );

    // The warning for a missing field: its fix creates what is missing.
    let ape = after
        .iter()
        .find(|d| d["code"] == "allowPrivilegeEscalation")
        .unwrap()
        .clone();
    let actions = code_actions(&mut client, &uri, &ape, None);
    assert_eq!(actions[0]["title"], "Set allowPrivilegeEscalation: false");
    client.apply_edit(&uri, &actions[0]["edit"]);
    let after = client.settled(&uri);
    assert!(
        after
            .iter()
            .all(|d| d["code"] != "allowPrivilegeEscalation")
    );
}

#[test]
fn fix_all_and_suppression_actions() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-8"], Value::Null);
    let text = format!("{POD}---\n{}", POD.replace("name: web", "name: api"));
    let uri = client.open(&ws.path("pods.yaml"), &text);
    let diagnostics = client.diagnostics_until(&uri, |d| d.len() > 4);
    // Ignoring a finding inserts a podsec:ignore comment, whose missing reason is flagged.
    let first = diagnostics
        .iter()
        .find(|d| d["code"] == "privileged")
        .unwrap()
        .clone();
    let actions = code_actions(&mut client, &uri, &first, Some("quickfix"));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore privileged here (podsec:ignore)")
        .unwrap();
    assert_eq!(
        ignore["edit"]["changes"][&uri][0]["newText"],
        "      # podsec:ignore privileged -- \n"
    );
    client.apply_edit(&uri, &ignore["edit"]);
    let after = client.settled(&uri);
    let privileged: Vec<_> = places(&after)
        .into_iter()
        .filter(|p| p.2 == "privileged")
        .collect();
    assert_eq!(privileged, [(21, 18, "privileged".to_string())]);
    let suppression = after.iter().find(|d| d["code"] == "suppression").unwrap();
    assert_eq!(suppression["range"]["start"]["line"], 9);
    assert_eq!(suppression["severity"], 2);

    // Fix-all, asked for by kind, repairs both documents in one edit per document.
    let source = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let fix_all = &source[0];
    assert_eq!(fix_all["kind"], "source.fixAll.podsec");
    assert_eq!(
        fix_all["edit"]["changes"][&uri].as_array().unwrap().len(),
        2
    );
    client.apply_edit(&uri, &fix_all["edit"]);
    let after = client.settled(&uri);
    let left: Vec<_> = places(&after).into_iter().map(|p| p.2).collect();
    assert_eq!(left, ["suppression"]);
}

#[test]
fn the_effective_policy_of_the_workload_at_the_cursor() {
    let ws = baseline_workspace();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.open(&ws.path("web-ns.yaml"), &namespace("web", "restricted"));
    let text = format!(
        "{POD}---\n{}",
        POD.replace("name: web", "name: api\n  namespace: web")
    );
    let uri = client.open(&ws.path("pods.yaml"), &text);
    client.diagnostics_until(&uri, |d| !d.is_empty());
    let at = |line: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 0}});
    let first = client.request("podsec/effectivePolicy", at(2));
    assert_eq!(first["object"], "Pod/web");
    assert_eq!(first["enforce"]["policy"], "baseline:latest");
    assert_eq!(
        first["enforce"]["source"],
        "defaults.enforce in .podsec.yaml"
    );
    assert_eq!(first["warn"]["policy"], "restricted:latest");
    let second = client.request("podsec/effectivePolicy", at(14));
    assert_eq!(second["object"], "Pod/api");
    assert_eq!(second["namespace"], "web");
    assert_eq!(second["enforce"]["policy"], "restricted:latest");
    assert_eq!(
        second["enforce"]["source"],
        "label pod-security.kubernetes.io/enforce of Namespace \"web\""
    );
    // Where each part came from, to jump to: the label's line, the config's line.
    let level = &second["enforce"]["level"];
    assert!(
        level["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/web-ns.yaml")
    );
    assert_eq!(level["location"]["range"]["start"]["line"], 5);
    assert_eq!(
        second["enforce"]["version"]["description"],
        "PSA's default for an unset mode"
    );
    assert!(second["enforce"]["version"]["location"].is_null());
    let warn = &second["warn"]["level"];
    assert_eq!(warn["description"], "defaults.warn in .podsec.yaml");
    assert!(
        warn["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("/.podsec.yaml")
    );
}

#[test]
fn nothing_outside_the_workspace_folders_is_read_even_through_symbolic_links() {
    let outside = Scratch::new();
    let ns = outside.write("ns.yaml", &namespace("on-disk", "restricted"));
    let config = outside.write(".podsec.yaml", "defaults: {enforce: restricted}\n");
    let ws = Scratch::new();
    std::fs::create_dir_all(ws.path("apps")).unwrap();
    std::os::unix::fs::symlink(&ns, ws.path("linked-ns.yaml")).unwrap();
    std::os::unix::fs::symlink(&config, ws.path("apps/.podsec.yaml")).unwrap();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    // Were either file read, deployment a would be enforced (errors), not warned about.
    let only_warnings = |d: &[Value]| !d.is_empty() && d.iter().all(|d| d["severity"] == 2);
    let app = client.open(&ws.path("apps/app.yaml"), APP);
    client.diagnostics_until(&app, only_warnings);
    // A watcher's notification about a file outside changes nothing either.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&ns), "type": 2}]}),
    );
    client.edit(&app, [0, 0, 0, 0], "# edited\n");
    let diagnostics = client.settled(&app);
    assert!(only_warnings(&diagnostics), "{diagnostics:#?}");
}
