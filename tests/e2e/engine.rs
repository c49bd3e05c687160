//! The engine on files, for what the conformance corpus does not cover.

use crate::support::{Scratch, check_dir, check_one, enforce, lines_and_codes};
use podsec_lsp::analysis::Severity;
use podsec_lsp::resolve::PartialPolicy;

/// A pod spec that satisfies restricted at every version, indented for `spec:` at `indent`.
fn safe_spec(indent: usize, container_extra: &str) -> String {
    let pad = " ".repeat(indent);
    let spec = format!(
        "securityContext:\n  runAsNonRoot: true\n  seccompProfile: {{type: RuntimeDefault}}\ncontainers:\n- name: app\n  image: app:1\n  securityContext:\n    allowPrivilegeEscalation: false\n    capabilities: {{drop: [ALL]}}\n{container_extra}"
    );
    spec.lines().map(|l| format!("{pad}{l}\n")).collect()
}

#[test]
fn all_nine_kinds_are_checked_at_their_pod_template() {
    let privileged = "    privileged: true\n";
    let cases = [
        (
            "v1",
            "Pod",
            "spec:\n".to_string() + &safe_spec(2, privileged),
        ),
        (
            "v1",
            "PodTemplate",
            "template:\n  spec:\n".to_string() + &safe_spec(4, privileged),
        ),
        (
            "v1",
            "ReplicationController",
            "spec:\n  template:\n    spec:\n".to_string() + &safe_spec(6, privileged),
        ),
        (
            "apps/v1",
            "ReplicaSet",
            "spec:\n  template:\n    spec:\n".to_string() + &safe_spec(6, privileged),
        ),
        (
            "apps/v1",
            "Deployment",
            "spec:\n  template:\n    spec:\n".to_string() + &safe_spec(6, privileged),
        ),
        (
            "apps/v1",
            "StatefulSet",
            "spec:\n  template:\n    spec:\n".to_string() + &safe_spec(6, privileged),
        ),
        (
            "apps/v1",
            "DaemonSet",
            "spec:\n  template:\n    spec:\n".to_string() + &safe_spec(6, privileged),
        ),
        (
            "batch/v1",
            "Job",
            "spec:\n  template:\n    spec:\n".to_string() + &safe_spec(6, privileged),
        ),
        (
            "batch/v1",
            "CronJob",
            "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n".to_string()
                + &safe_spec(10, privileged),
        ),
    ];
    for (api_version, kind, body) in cases {
        let text = format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: x\n{body}");
        let seen = check_one(&text, &enforce("restricted"));
        let privileged_line = text
            .lines()
            .position(|l| l.contains("privileged: true"))
            .unwrap() as u32
            + 1;
        assert_eq!(
            lines_and_codes(&seen),
            [(privileged_line, "privileged")],
            "{kind}:\n{text}"
        );
        assert_eq!(seen[0].severity, Severity::Error);
    }
}

#[test]
fn other_objects_and_other_groups_give_nothing() {
    for text in [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {privileged: 'true'}\n",
        "apiVersion: extensions/v1beta1\nkind: Deployment\nspec:\n  template:\n    spec:\n      hostNetwork: true\n",
        "apiVersion: example.com/v1\nkind: Widget\nspec:\n  template:\n    spec:\n      hostNetwork: true\n",
        "apiVersion: v1\nkind: ReplicationController\nspec: {replicas: 1}\n",
        "just: some\nother: yaml\n",
        "- a list\n- of things\n",
        "# only a comment\n",
    ] {
        assert_eq!(check_one(text, &enforce("restricted")), [], "{text}");
    }
}

fn pod(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{spec}")
}

#[test]
fn ephemeral_containers_are_checked_after_init_and_regular_ones() {
    let text = pod(&(safe_spec(2, "")
        + "  ephemeralContainers:\n  - name: debugger\n    image: busybox\n    securityContext:\n      privileged: true\n"));
    let seen = check_one(&text, &enforce("baseline"));
    assert_eq!(lines_and_codes(&seen), [(19, "privileged")]);
    assert!(
        seen[0]
            .message
            .contains("container \"debugger\" must not set securityContext.privileged=true")
    );
    let seen = check_one(&text, &enforce("restricted"));
    // The debugger also lacks allowPrivilegeEscalation and drop ALL, reported on its securityContext.
    assert_eq!(
        lines_and_codes(&seen),
        [
            (18, "allowPrivilegeEscalation"),
            (18, "capabilities_restricted"),
            (19, "privileged")
        ]
    );
}

#[test]
fn app_armor_fields_at_pod_and_container_level() {
    let text = pod(
        "  securityContext:\n    appArmorProfile: {type: Unconfined}\n  containers:\n  - name: a\n    securityContext:\n      appArmorProfile:\n        type: Localhost\n        localhostProfile: k8s-apparmor\n  - name: b\n    securityContext:\n      appArmorProfile: {}\n",
    );
    let seen = check_one(&text, &enforce("baseline"));
    assert_eq!(
        lines_and_codes(&seen),
        [(7, "appArmorProfile"), (16, "appArmorProfile")]
    );
    assert!(seen[0].message.ends_with(
        "forbidden AppArmor profile (pod must not set AppArmor profile type to \"Unconfined\")"
    ));
    assert!(
        seen[1]
            .message
            .ends_with("(container \"b\" must not set AppArmor profile type to \"\")")
    );
}

#[test]
fn container_engine_t_is_allowed_from_v1_31() {
    let text = pod(
        "  containers:\n  - name: a\n    securityContext:\n      seLinuxOptions: {type: container_engine_t, level: 's0:c1'}\n",
    );
    let seen = check_one(&text, &enforce("baseline:v1.30"));
    assert_eq!(lines_and_codes(&seen), [(9, "seLinuxOptions")]);
    assert!(seen[0].message.ends_with("(container \"a\" set forbidden securityContext.seLinuxOptions: type \"container_engine_t\")"));
    assert_eq!(check_one(&text, &enforce("baseline:v1.31")), []);
}

#[test]
fn seccomp_annotations_until_v1_18_with_docker_default_allowed() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: docker/default\n    container.seccomp.security.alpha.kubernetes.io/a: unconfined\n    container.seccomp.security.alpha.kubernetes.io/ghost: unconfined\nspec:\n  containers:\n  - name: a\n";
    let seen = check_one(text, &enforce("baseline:v1.18"));
    assert_eq!(lines_and_codes(&seen), [(7, "seccompProfile_baseline")]);
    assert!(seen[0].message.ends_with(
        "seccompProfile (forbidden annotation container.seccomp.security.alpha.kubernetes.io/a=\"unconfined\")"
    ));
    // From v1.19 only the fields count.
    assert_eq!(check_one(text, &enforce("baseline:v1.19")), []);
}

#[test]
fn host_users_false_relaxes_run_as_checks_from_v1_35() {
    let spec = "  hostUsers: false\n  securityContext:\n    runAsUser: 0\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: a\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL]}\n      procMount: Unmasked\n";
    let text = pod(spec);
    let codes = |policy| {
        check_one(&text, &enforce(policy))
            .iter()
            .map(|s| s.code.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes("restricted:v1.34"),
        ["runAsUser", "runAsNonRoot", "procMount"]
    );
    assert_eq!(codes("restricted:v1.35"), ["procMount_restricted"]);
    assert_eq!(codes("baseline:v1.35"), Vec::<String>::new());
    assert_eq!(codes("baseline:v1.34"), ["procMount"]);
}

#[test]
fn several_containers_each_get_their_own_finding() {
    let text = pod(
        "  initContainers:\n  - name: init\n    securityContext: {privileged: true}\n  containers:\n  - name: one\n    securityContext: {privileged: true}\n  - name: two\n    securityContext: {privileged: false}\n  - name: three\n    securityContext: {privileged: true}\n",
    );
    let seen = check_one(&text, &enforce("baseline"));
    assert_eq!(
        lines_and_codes(&seen),
        [(8, "privileged"), (11, "privileged"), (15, "privileged")]
    );
    let named: Vec<bool> = ["init", "one", "three"]
        .iter()
        .zip(&seen)
        .map(|(name, s)| {
            s.message
                .contains(&format!("container \"{name}\" must not"))
        })
        .collect();
    assert_eq!(named, [true, true, true]);
}

#[test]
fn yaml_1_1_booleans_and_quoted_values() {
    let text = pod(
        "  hostNetwork: on\n  hostPID: \"true\"\n  containers:\n  - name: a\n    securityContext:\n      privileged: Yes\n      allowPrivilegeEscalation: n\n      runAsUser: 0x0\n",
    );
    let seen = check_one(&text, &enforce("baseline"));
    assert_eq!(
        lines_and_codes(&seen),
        [(6, "hostNamespaces"), (7, "field-type"), (11, "privileged")]
    );
    assert_eq!(
        seen[1].message,
        "hostPID must be a boolean (true or false), not a string: the API server will reject this object"
    );
    let restricted: Vec<String> = check_one(&text, &enforce("restricted"))
        .into_iter()
        .map(|s| s.code)
        .collect();
    // `n` is false, so allowPrivilegeEscalation is satisfied; `0x0` is 0.
    assert!(!restricted.contains(&"allowPrivilegeEscalation".to_string()));
    assert!(restricted.contains(&"runAsUser".to_string()));
}

#[test]
fn anchors_and_merge_keys_are_followed_and_findings_sit_on_the_offending_text() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        securityContext: &loose\n          privileged: true\n      - name: b\n        securityContext: *loose\n      - name: c\n        securityContext:\n          <<: *loose\n          privileged: false\n      - name: d\n        securityContext:\n          privileged: false\n          <<: *loose\n";
    let seen = check_one(text, &enforce("baseline"));
    // a and b share the anchored text; c overrides it after the merge; d's merge comes last
    // and wins (go-yaml v2 writes keys in order).
    assert_eq!(
        lines_and_codes(&seen),
        [(10, "privileged"), (10, "privileged"), (10, "privileged")]
    );
    let names: Vec<&str> = seen
        .iter()
        .map(|s| s.message.split('"').nth(3).unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "d"]);
}

#[test]
fn a_broken_document_does_not_hide_the_others() {
    let good = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  hostIPC: true\n  containers: [{{name: c}}]\n"
        )
    };
    let text = format!(
        "{}---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: \"half typed\n---\n{}",
        good("one"),
        good("three")
    );
    let seen = check_one(&text, &enforce("baseline"));
    assert_eq!(
        lines_and_codes(&seen),
        [
            (6, "hostNamespaces"),
            (13, "yaml-syntax"),
            (20, "hostNamespaces")
        ]
    );
    assert_eq!(
        seen[1].message,
        "found unexpected end of stream while scanning a quoted scalar"
    );
}

const WEB_NAMESPACE: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: v1.22\n";

fn deployment_in(namespace: Option<&str>) -> String {
    let ns = namespace.map_or(String::new(), |n| format!("  namespace: {n}\n"));
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n{ns}spec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n      - name: a\n"
    )
}

#[test]
fn namespace_labels_in_another_file_set_the_policy() {
    let scratch = Scratch::new();
    scratch.write("namespaces/web.yaml", WEB_NAMESPACE);
    scratch.write("apps/d.yaml", &deployment_in(Some("web")));
    let seen = check_dir(&scratch.dir, &PartialPolicy::default());
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|s| {
        s.severity == Severity::Error
            && s.message
                .starts_with("violates PodSecurity \"restricted:v1.22\"")
    }));
    // v1.22 has no runAsUser check; restricted adds its checks; warn follows enforce.
    let codes: Vec<&str> = seen.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "hostNamespaces",
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "runAsNonRoot",
            "seccompProfile_restricted"
        ]
    );
}

#[test]
fn precedence_labels_then_flags_then_config_then_default() {
    let scratch = Scratch::new();
    scratch.write(".podsec.yaml", "defaults:\n  enforce: baseline\nnamespaces:\n  web: {enforce: privileged}\n  cluster-only: {warn: baseline}\n");
    scratch.write("web-ns.yaml", WEB_NAMESPACE);
    scratch.write("a-web.yaml", &deployment_in(Some("web")));
    scratch.write("b-none.yaml", &deployment_in(None));
    scratch.write("c-cluster.yaml", &deployment_in(Some("cluster-only")));
    let seen = check_dir(&scratch.dir, &PartialPolicy::default());
    let first = |file: &str| {
        seen.iter()
            .find(|s| s.file == file)
            .map(|s| (s.severity, s.message.clone()))
    };
    // The manifest's labels win over the config's `namespaces:` entry.
    assert!(
        first("a-web.yaml")
            .unwrap()
            .1
            .starts_with("violates PodSecurity \"restricted:v1.22\"")
    );
    // No namespace: the config's defaults.
    assert_eq!(first("b-none.yaml").unwrap().0, Severity::Error);
    assert!(
        first("b-none.yaml")
            .unwrap()
            .1
            .starts_with("violates PodSecurity \"baseline:latest\"")
    );
    // A namespace the config describes: its warn label over the config's enforce default.
    let c: Vec<_> = seen.iter().filter(|s| s.file == "c-cluster.yaml").collect();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].severity, Severity::Error);
    // The flag overrides the config's default.
    let seen = check_dir(&scratch.dir, &enforce("privileged"));
    assert!(seen.iter().all(|s| s.file != "b-none.yaml"));
}

#[test]
fn nothing_configured_means_warnings_at_restricted_latest() {
    let seen = check_one(&deployment_in(None), &PartialPolicy::default());
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|s| {
        s.severity == Severity::Warning
            && s.message
                .starts_with("would violate PodSecurity \"restricted:latest\"")
    }));
}

#[test]
fn exemptions_skip_namespaces_and_runtime_classes() {
    let scratch = Scratch::new();
    scratch.write(".podsec.yaml", "defaults: {enforce: restricted}\nexemptions:\n  namespaces: [kube-system]\n  runtimeClasses: [kata]\n");
    scratch.write("system.yaml", &deployment_in(Some("kube-system")));
    scratch.write(
        "kata.yaml",
        &deployment_in(None).replace(
            "      hostNetwork",
            "      runtimeClassName: kata\n      hostNetwork",
        ),
    );
    scratch.write("other.yaml", &deployment_in(Some("apps")));
    let seen = check_dir(&scratch.dir, &PartialPolicy::default());
    assert!(seen.iter().all(|s| s.file == "other.yaml"), "{seen:?}");
    assert!(!seen.is_empty());
}

#[test]
fn invalid_labels_are_diagnosed_and_fall_back_as_psa_does() {
    let scratch = Scratch::new();
    scratch.write(
        "ns.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: strict\n    pod-security.kubernetes.io/warn-version: 1.25\n    pod-security.kubernetes.io/audit-verison: v1.30\n",
    );
    scratch.write("d.yaml", &deployment_in(Some("shop")));
    let seen = check_dir(&scratch.dir, &PartialPolicy::default());
    let ns: Vec<_> = seen.iter().filter(|s| s.file == "ns.yaml").collect();
    assert_eq!(
        ns.iter()
            .map(|s| (s.line, s.severity, s.code.as_str()))
            .collect::<Vec<_>>(),
        [
            (6, Severity::Error, "namespace-label"),
            (7, Severity::Error, "namespace-label"),
            (8, Severity::Warning, "namespace-label")
        ]
    );
    assert_eq!(
        ns[0].message,
        "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted"
    );
    assert!(ns[1].message.starts_with("label values must be strings"));
    assert!(
        ns[2]
            .message
            .contains("did you mean pod-security.kubernetes.io/audit-version?")
    );
    // An invalid enforce level fails closed: restricted.
    let d: Vec<_> = seen.iter().filter(|s| s.file == "d.yaml").collect();
    assert!(d.iter().all(|s| {
        s.message
            .starts_with("violates PodSecurity \"restricted:latest\"")
    }));
}

#[test]
fn host_network_pods_get_host_ports_from_container_ports() {
    let spec = "  hostNetwork: true\n  containers:\n  - name: a\n    ports:\n    - containerPort: 8080\n    - containerPort: 9090\n      hostPort: 0\n";
    let seen = check_one(&pod(spec), &enforce("baseline"));
    assert_eq!(
        lines_and_codes(&seen),
        [(6, "hostNamespaces"), (10, "hostPorts")]
    );
    assert!(
        seen[1]
            .message
            .ends_with("hostPort (container \"a\" uses hostPort 8080)")
    );
    // A Deployment's template is not defaulted; only its pods are.
    let deployment = deployment_in(None).replace(
        "- name: a\n",
        "- name: a\n        ports: [{containerPort: 8080}]\n",
    );
    let codes: Vec<String> = check_one(&deployment, &enforce("baseline"))
        .into_iter()
        .map(|s| s.code)
        .collect();
    assert_eq!(codes, ["hostNamespaces"]);
}

#[test]
fn windows_pods_skip_three_restricted_checks_from_v1_25() {
    let spec = "  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: a\n";
    assert_eq!(check_one(&pod(spec), &enforce("restricted:v1.25")), []);
    let codes: Vec<String> = check_one(&pod(spec), &enforce("restricted:v1.24"))
        .into_iter()
        .map(|s| s.code)
        .collect();
    assert_eq!(
        codes,
        [
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "seccompProfile_restricted"
        ]
    );
}

#[test]
fn values_of_the_wrong_type_are_reported_and_not_evaluated() {
    let spec = "  containers:\n  - name: a\n    securityContext:\n      runAsUser: \"0\"\n      capabilities: [ALL]\n";
    let seen = check_one(&pod(spec), &enforce("baseline"));
    assert_eq!(
        lines_and_codes(&seen),
        [(9, "field-type"), (10, "field-type")]
    );
    assert_eq!(
        seen[0].message,
        "runAsUser must be an integer, not a string: the API server will reject this object"
    );
}

#[test]
fn a_key_kubectl_cannot_write_as_json_refuses_the_document() {
    // kubectl converts each document to JSON first; a mapping, sequence or null key stops it,
    // so the API server never sees the pod. Found by fuzzing: `? allowPrivilegeEscalation:
    // false` (a mapping as key) was evaluated as if the field were missing.
    let refused = [
        ("? allowPrivilegeEscalation: false\n", "a mapping"),
        ("? [a, b]\n: 1\n", "a sequence"),
        ("~: 1\n", "null"),
        ("null: 1\n", "null"),
        ("? \n: 1\n", "null"),
        ("*list : 1\n", "a sequence"),
    ];
    for (key, what) in refused {
        let context = format!(
            "  hostPID: true\n  tolerations: &list [a]\n  affinity:\n    {}",
            key.replace('\n', "\n    ")
        );
        let seen = check_one(&pod(&context), &enforce("baseline"));
        assert_eq!(
            lines_and_codes(&seen),
            [(9, "yaml-syntax")],
            "{key:?}: {seen:#?}"
        );
        assert_eq!(
            seen[0].message,
            format!(
                "kubectl cannot convert this document to JSON: a mapping key must be a string, number or boolean, and this one is {what}"
            ),
            "{key:?}"
        );
    }
    // Strings, numbers, booleans and merge keys are fine, quoted `"null"` too.
    for key in [
        "\"null\": 1\n",
        "1: 1\n",
        "yes: 1\n",
        "1.5: 1\n",
        "? x\n: 1\n",
        "<<: {a: 1}\n",
    ] {
        let context = format!(
            "  hostPID: true\n  affinity:\n    {}",
            key.replace('\n', "\n    ")
        );
        let seen = check_one(&pod(&context), &enforce("baseline"));
        assert_eq!(
            lines_and_codes(&seen),
            [(6, "hostNamespaces")],
            "{key:?}: {seen:#?}"
        );
    }
}
