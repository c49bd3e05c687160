//! Helpers shared by the unit and end-to-end tests: where the conformance corpus lives.

use std::path::{Path, PathBuf};

/// `PODSEC_PSA_FIXTURES`, or `../shared/conformance/psa-fixtures` beside the repository.
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PODSEC_PSA_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/psa-fixtures"),
    };
    dir.join("expected.jsonl").is_file().then_some(dir)
}

/// Every `.yaml` file under `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The benchmark workload of `../shared/tools/lspbench/bench.py`: `n` Deployments, every tenth
/// with a privileged container.
pub fn deployments(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push_str("---\n");
        }
        let extra = if i % 10 == 0 {
            "\n          privileged: true"
        } else {
            ""
        };
        out.push_str(&format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-{i}
  labels: {{app: svc-{i}, tier: backend}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: svc-{i}}}
  template:
    metadata:
      labels: {{app: svc-{i}}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: app
        image: registry.example.com/svc-{i}:1.{i}
        ports:
        - containerPort: 8080
        resources:
          limits: {{cpu: 500m, memory: 256Mi}}
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: [\"ALL\"]{extra}
"
        ));
    }
    out
}
