//! What fix-all writes, exactly, for documents in different styles: the edits must look like a
//! careful human's, in the document's own style.

use podsec_lsp::analysis::analyze;
use podsec_lsp::fix::{apply, fix_all, fixes};
use podsec_lsp::policy::CheckId;
use podsec_lsp::resolve::{DocumentPlace, NamespaceDecl, PartialPolicy, Resolver};
use podsec_lsp::yaml::Document;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What a resolver needs for restricted:latest by flags, and where the snapshot sits.
fn restricted_latest() -> (
    DocumentPlace,
    HashMap<String, NamespaceDecl>,
    PartialPolicy,
    PartialPolicy,
) {
    let flags = podsec_lsp::cli::flag_policy(
        Some(podsec_lsp::policy::Level::Restricted),
        Some(podsec_lsp::policy::Version::Latest),
    );
    let place = DocumentPlace {
        path: Arc::new(PathBuf::from("snapshot.yaml")),
        first_line: 0,
    };
    (place, HashMap::new(), flags, PartialPolicy::default())
}

fn fixed(text: &str) -> String {
    let (place, namespaces, flags, settings) = restricted_latest();
    let resolver = Resolver {
        namespaces: &namespaces,
        config: None,
        flags: &flags,
        settings: &settings,
    };
    let mut analyze_one = |doc: &Document| analyze(doc, &place, &resolver).diagnostics;
    fix_all(text, &mut analyze_one).text
}

#[test]
fn block_style_two_spaces_indented_sequences() {
    let input = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the storefront
spec:
  template:
    spec:
      # Runs as the image's user.
      containers:
        - name: app
          image: nginx:1.27

          securityContext:
            privileged: true   # needed? no
            capabilities:
              add: [NET_ADMIN, NET_BIND_SERVICE]
            runAsUser: 0
";
    let expected = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the storefront
spec:
  template:
    spec:
      # Runs as the image's user.
      containers:
        - name: app
          image: nginx:1.27

          securityContext:
            privileged: false   # needed? no
            capabilities:
              add: [NET_BIND_SERVICE]
              drop: [\"ALL\"]
            allowPrivilegeEscalation: false
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
";
    assert_eq!(fixed(input), expected);
}

#[test]
fn flow_style() {
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {hostPID: true, containers: [{name: app, image: x, securityContext: {capabilities: {drop: [NET_RAW]}}}]}
";
    let expected = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {hostPID: false, containers: [{name: app, image: x, securityContext: {capabilities: {drop: [NET_RAW, ALL]}, allowPrivilegeEscalation: false}}], securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}
";
    assert_eq!(fixed(input), expected);
}

#[test]
fn four_space_indentation_and_flush_sequences() {
    let input = "\
apiVersion: batch/v1
kind: Job
metadata:
    name: migrate
spec:
    template:
        spec:
            securityContext:
                seccompProfile:
                    type: Unconfined
            containers:
            - name: migrate
              image: tool:2
              securityContext:
                  procMount: \"Unmasked\"
";
    let expected = "\
apiVersion: batch/v1
kind: Job
metadata:
    name: migrate
spec:
    template:
        spec:
            securityContext:
                seccompProfile:
                    type: RuntimeDefault
                runAsNonRoot: true
            containers:
            - name: migrate
              image: tool:2
              securityContext:
                  procMount: \"Default\"
                  allowPrivilegeEscalation: false
                  capabilities:
                      drop: [\"ALL\"]
";
    assert_eq!(fixed(input), expected);
}

#[test]
fn crlf_line_endings_stay_crlf() {
    let input = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: app\r\n    image: x\r\n";
    let expected = "apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: app\r\n    image: x\r\n    securityContext:\r\n      allowPrivilegeEscalation: false\r\n      capabilities:\r\n        drop: [\"ALL\"]\r\n  securityContext:\r\n    runAsNonRoot: true\r\n    seccompProfile:\r\n      type: RuntimeDefault\r\n";
    assert_eq!(fixed(input), expected);
}

#[test]
fn shared_anchors_are_not_edited_behind_the_authors_back() {
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: a
    securityContext: &shared
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
      privileged: true
  - name: b
    securityContext: *shared
";
    // privileged sits in an anchor that container b reuses: no automatic fix.
    assert_eq!(fixed(input), input);
}

#[test]
fn suppressed_findings_are_not_fixed() {
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
      # podsec:ignore privileged -- the node agent needs it
      privileged: true
";
    assert_eq!(fixed(input), input);
}

#[test]
fn a_quoted_boolean_is_replaced_by_a_boolean_and_a_quoted_string_keeps_its_quotes() {
    // Found by fuzzing: `"true"` set to `"false"` stayed a string, which PSA reads as unset.
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: \"yes\"
    seccompProfile: {type: 'Unconfined'}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: \"true\"
      capabilities: {drop: [ALL]}
";
    let expected = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: 'RuntimeDefault'}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
";
    assert_eq!(fixed(input), expected);
}

#[test]
fn an_empty_value_is_filled_in_apart_from_its_colon_and_its_anchor() {
    // Found by fuzzing: `allowPrivilegeEscalation:` with nothing after it became
    // `allowPrivilegeEscalation:false`, a single string key.
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot:
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: &ape
      capabilities: {drop: [ALL]}
  - name: b
    securityContext: {allowPrivilegeEscalation: , capabilities: {drop: [ALL]}}
";
    let expected = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: &ape false
      capabilities: {drop: [ALL]}
  - name: b
    securityContext: {allowPrivilegeEscalation: false , capabilities: {drop: [ALL]}}
";
    assert_eq!(fixed(input), expected);
}

#[test]
fn a_key_written_twice_is_set_not_removed() {
    // Found by fuzzing: "Remove hostNetwork" removed the later `hostNetwork: true`, which
    // brought back the earlier one. Only setting the later one to false is offered.
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostNetwork: true
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers: [{name: a, securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
  hostNetwork: true
";
    let doc = podsec_lsp::yaml::parse(input.to_string());
    let (place, namespaces, flags, settings) = restricted_latest();
    let resolver = Resolver {
        namespaces: &namespaces,
        config: None,
        flags: &flags,
        settings: &settings,
    };
    let diagnostics = analyze(&doc, &place, &resolver).diagnostics;
    let violation = diagnostics
        .iter()
        .find_map(|d| {
            d.violation
                .as_ref()
                .filter(|v| v.check == CheckId::HostNamespaces)
        })
        .unwrap();
    let offered: Vec<(String, String)> = fixes(&doc, violation.check, &violation.fault)
        .into_iter()
        .map(|f| (f.title, apply(input, &f.edits)))
        .collect();
    let expected = format!(
        "{}  hostNetwork: false\n",
        input.strip_suffix("  hostNetwork: true\n").unwrap()
    );
    assert_eq!(offered, [("Set hostNetwork: false".to_string(), expected)]);
}

#[test]
fn a_tag_that_would_change_the_new_value_goes_and_its_anchor_stays() {
    // Found by fuzzing: `runAsNonRoot: !!map true` was set to `true` with its tag kept, which
    // still is no boolean.
    let input = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: !!map true
    seccompProfile: {type: !!str RuntimeDefault}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: &ape !!str true
      capabilities: {drop: [ALL]}
";
    let expected = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: !!str RuntimeDefault}
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: &ape false
      capabilities: {drop: [ALL]}
";
    assert_eq!(fixed(input), expected);
}
