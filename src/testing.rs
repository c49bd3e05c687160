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
