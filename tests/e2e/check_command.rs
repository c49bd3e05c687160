//! `podsec-lsp check` run as a process, the way CI runs it.

use crate::support::{Scratch, run};
use serde_json::Value;
use std::path::Path;

const VIOLATING_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn checks_the_bundled_examples_with_the_right_lines() {
    let (status, stdout, stderr) = run(&["check", "examples/"], repo());
    assert_eq!(status, 1, "{stderr}");
    for expected in [
        "examples/web.yaml:31:23: error[privileged]: violates PodSecurity \"restricted:latest\": privileged (container \"log-shipper\" must not set securityContext.privileged=true)",
        "examples/batch.yaml:16:24: error[runAsUser]: violates PodSecurity \"restricted:v1.30\": runAsUser=0 (pod must not set runAsUser=0)",
        "examples/debug-pod.yaml:18:5: error[hostPathVolumes]: violates PodSecurity \"baseline:latest\": hostPath volumes (volume \"host-root\")",
        "31 |           privileged: yes        # YAML 1.1: Kubernetes reads this as true",
        "   |                       ^^^",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(!stdout.contains("clean.yaml"));
    assert!(
        stdout
            .trim_end()
            .ends_with("in 3 of 6 files (7 documents)."),
        "{stdout}"
    );
}

#[test]
fn exit_status_follows_error_severity() {
    let scratch = Scratch::new();
    scratch.write("pod.yaml", VIOLATING_POD);
    assert_eq!(
        run(&["check", "--level", "baseline", "."], &scratch.dir).0,
        1
    );
    assert_eq!(
        run(&["check", "--level", "privileged", "."], &scratch.dir).0,
        0
    );
    // Nothing configured: restricted:latest warnings only, which do not fail CI.
    let (status, stdout, _) = run(&["check"], &scratch.dir);
    assert_eq!(status, 0);
    assert!(
        stdout.contains("warning[privileged]: would violate PodSecurity \"restricted:latest\"")
    );
    let clean = Scratch::new();
    clean.write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\n");
    let (status, stdout, _) = run(&["check"], &clean.dir);
    assert_eq!(
        (status, stdout.trim()),
        (0, "No Pod Security problems in 1 file (1 document).")
    );
}

#[test]
fn json_output_has_every_finding_and_a_summary() {
    let scratch = Scratch::new();
    scratch.write("pod.yaml", VIOLATING_POD);
    let (status, stdout, _) = run(
        &["check", "--format", "json", "--level", "baseline", "."],
        &scratch.dir,
    );
    assert_eq!(status, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["documents"], 1);
    let finding = &json["findings"][0];
    assert_eq!(finding["path"], "./pod.yaml");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(10), Some(19))
    );
    assert_eq!(finding["code"], "privileged");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["policy"], "baseline:latest");
    assert_eq!(finding["mode"], "enforce");
    assert_eq!(finding["kind"], "Pod");
}

#[test]
fn sarif_output_is_sarif_2_1_0_with_check_ids_as_rules() {
    let scratch = Scratch::new();
    scratch.write("dir with space/pod.yaml", VIOLATING_POD);
    scratch.write(
        ".podsec.yaml",
        "defaults: {enforce: baseline, warn: restricted}\n",
    );
    let (status, stdout, _) = run(&["check", "--format", "sarif"], &scratch.dir);
    assert_eq!(status, 1);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "podsec-lsp");
    let results = run["results"].as_array().unwrap();
    let privileged = results
        .iter()
        .find(|r| r["ruleId"] == "privileged")
        .unwrap();
    assert_eq!(privileged["level"], "error");
    let location = &privileged["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "./dir%20with%20space/pod.yaml"
    );
    assert_eq!(location["region"]["startLine"], 10);
    assert_eq!(location["region"]["startColumn"], 19);
    let warning = results
        .iter()
        .find(|r| r["ruleId"] == "runAsNonRoot")
        .unwrap();
    assert_eq!(warning["level"], "warning");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = privileged["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "privileged");
    assert!(
        rules[index]["helpUri"]
            .as_str()
            .unwrap()
            .starts_with("https://kubernetes.io/docs/concepts/security/pod-security-standards/")
    );
    // The policy's source is a related location.
    assert!(
        warning["relatedLocations"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("defaults.warn")
    );
}

#[test]
fn usage_io_and_config_problems_exit_2_with_one_line() {
    let scratch = Scratch::new();
    let one_line = |stderr: &str| stderr.trim().lines().next().unwrap().to_string();
    let (status, _, stderr) = run(&["check", "missing.yaml"], &scratch.dir);
    assert_eq!(
        (status, one_line(&stderr)),
        (2, "error: missing.yaml: no such file or folder".into())
    );

    scratch.write("bad.yaml", "");
    std::fs::write(scratch.path("bad.yaml"), b"kind: Pod\n\xff\xfe\n").unwrap();
    let (status, _, stderr) = run(&["check", "bad.yaml"], &scratch.dir);
    assert_eq!(
        (status, one_line(&stderr)),
        (2, "error: bad.yaml: not UTF-8 text".into())
    );

    let (status, _, stderr) = run(&["check", "--level", "strict"], &scratch.dir);
    assert_eq!(status, 2);
    assert_eq!(
        one_line(&stderr),
        "error: --level strict: must be one of privileged, baseline, restricted"
    );

    let (status, _, stderr) = run(&["check", "--format", "xml"], &scratch.dir);
    assert_eq!(status, 2);
    assert!(stderr.starts_with("error: --format xml"));

    let configured = Scratch::new();
    configured.write(".podsec.yaml", "defaults:\n  enforce: strict\n");
    configured.write("pod.yaml", VIOLATING_POD);
    let (status, _, stderr) = run(&["check"], &configured.dir);
    assert_eq!(status, 2);
    assert_eq!(
        one_line(&stderr),
        "error: invalid config .podsec.yaml:2:12: defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted"
    );
}

#[test]
fn folders_are_walked_for_yaml_skipping_tool_and_hidden_folders() {
    let scratch = Scratch::new();
    for name in [
        "a.yaml",
        "b.yml",
        "deep/c.YAML",
        ".git/x.yaml",
        "node_modules/x.yaml",
        "target/x.yaml",
        ".hidden/x.yaml",
        "notes.txt",
    ] {
        scratch.write(name, VIOLATING_POD);
    }
    let (_, stdout, _) = run(
        &["check", "--format", "json", "--level", "baseline"],
        &scratch.dir,
    );
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let mut paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["./a.yaml", "./b.yml", "./deep/c.YAML"]);
    // A file named on the command line is read whatever its extension.
    let (status, stdout, _) = run(&["check", "--level", "baseline", "notes.txt"], &scratch.dir);
    assert_eq!(status, 1);
    assert!(stdout.starts_with("notes.txt:10:19: error[privileged]"));
}

#[test]
fn hostile_documents_are_bounded_and_say_where_analysis_stopped() {
    let scratch = Scratch::new();
    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let hostile = [
        ("bomb.yaml", laughs),
        ("deep-flow.yaml", "[".repeat(100_000)),
        ("deep-block.yaml", "- ".repeat(100_000)),
        (
            "long-line.yaml",
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\nspec:\n  hostPID: true\n",
                "x".repeat(5_000_000)
            ),
        ),
    ];
    for (name, text) in &hostile {
        scratch.write(name, text);
    }
    let (status, stdout, stderr) = run(
        &["check", "--format", "json", "--level", "baseline"],
        &scratch.dir,
    );
    assert_eq!(status, 1, "{stderr}");
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let finding = |file: &str| {
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == format!("./{file}"))
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["message"].as_str().unwrap().to_string(),
                )
            })
            .unwrap()
    };
    assert_eq!(finding("bomb.yaml").0, "yaml-syntax");
    assert!(finding("bomb.yaml").1.contains("excessive aliasing"));
    for deep in ["deep-flow.yaml", "deep-block.yaml"] {
        assert_eq!(finding(deep).0, "analysis-limit");
        assert!(finding(deep).1.contains("nesting deeper than 512 levels"));
    }
    // An unchecked document fails the check, as one that does not parse does.
    let (status, _, _) = run(&["check", "deep-flow.yaml"], &scratch.dir);
    assert_eq!(status, 1);
    assert_eq!(finding("long-line.yaml").0, "hostNamespaces");
}

#[test]
fn fix_rewrites_files_with_the_safe_fixes_and_reports_what_remains() {
    let scratch = Scratch::new();
    scratch.write(".podsec.yaml", "defaults: {enforce: restricted}\n");
    let pod = scratch.write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: true\n  volumes:\n  - name: data\n    hostPath: {path: /data}\n",
    );
    let clean = scratch.write(
        "clean.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    );
    let clean_before = std::fs::read(&clean).unwrap();
    let (status, stdout, stderr) = run(&["check", "--fix"], &scratch.dir);
    assert_eq!(stderr.trim(), "Fixed 5 problems in 1 file.");
    // The hostPath volume has no automatic fix: it remains, and fails the run.
    assert_eq!(status, 1);
    assert!(stdout.contains("error[restrictedVolumes]"), "{stdout}");
    assert_eq!(stdout.matches("error[").count(), 1, "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&pod).unwrap(),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx\n    securityContext:\n      privileged: false\n      allowPrivilegeEscalation: false\n      capabilities:\n        drop: [\"ALL\"]\n  volumes:\n  - name: data\n    hostPath: {path: /data}\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n"
    );
    assert_eq!(std::fs::read(&clean).unwrap(), clean_before);
    // Nothing left to fix the second time.
    let (_, _, stderr) = run(&["check", "--fix"], &scratch.dir);
    assert_eq!(stderr.trim(), "Fixed 0 problems in 0 files.");
}

#[test]
fn fix_does_not_write_through_a_symbolic_link_met_in_a_folder() {
    let outside = Scratch::new();
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    securityContext: {privileged: true}\n";
    let target = outside.write("pod.yaml", text);
    let scratch = Scratch::new();
    std::os::unix::fs::symlink(&target, scratch.path("linked.yaml")).unwrap();
    let (status, stdout, stderr) = run(&["check", "--fix", "--level", "baseline"], &scratch.dir);
    assert!(
        stderr.contains("./linked.yaml: not fixed, a symbolic link"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), text);
    assert_eq!(status, 1, "{stdout}");
    // Named on the command line, it is the user's choice.
    let (status, _, stderr) = run(
        &["check", "--fix", "--level", "baseline", "linked.yaml"],
        &scratch.dir,
    );
    assert_eq!(stderr.trim(), "Fixed 1 problem in 1 file.");
    assert_eq!(status, 0);
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .contains("privileged: false")
    );
}
