//! Test helpers: scratch folders, running `check` in-process and as a process.

use podsec_lsp::analysis::Severity;
use podsec_lsp::cli::{Report, check};
use podsec_lsp::resolve::PartialPolicy;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh folder under the system's temporary folder, removed when dropped.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new() -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "podsec-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { dir }
    }

    /// Writes a file (creating folders) and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A finding as the tests compare them: `file:line severity code message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub file: String,
    pub line: u32,
    pub severity: Severity,
    pub code: String,
    pub message: String,
}

pub fn check_dir(dir: &Path, flags: &PartialPolicy) -> Vec<Seen> {
    let report: Report = check(&[dir.to_path_buf()], flags).expect("check succeeds");
    report
        .findings()
        .map(|(file, found)| Seen {
            file: file
                .path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned(),
            line: found.diagnostic.range.start.line + 1,
            severity: found.diagnostic.severity,
            code: found.diagnostic.code.as_str().to_string(),
            message: found.diagnostic.message.clone(),
        })
        .collect()
}

/// Checks one file's text alone in a scratch folder, with the given enforce flags.
pub fn check_one(text: &str, flags: &PartialPolicy) -> Vec<Seen> {
    let scratch = Scratch::new();
    scratch.write("input.yaml", text);
    check_dir(&scratch.dir, flags)
}

/// The enforce policy `level[:version]` as `--level`/`--version` would give it.
pub fn enforce(policy: &str) -> PartialPolicy {
    let (level, version) = policy.split_once(':').unwrap_or((policy, "latest"));
    podsec_lsp::cli::flag_policy(
        Some(podsec_lsp::policy::Level::parse(level).unwrap()),
        Some(podsec_lsp::policy::Version::parse(version).unwrap()),
    )
}

/// `line code` pairs, for compact assertions.
pub fn lines_and_codes(seen: &[Seen]) -> Vec<(u32, &str)> {
    seen.iter().map(|s| (s.line, s.code.as_str())).collect()
}

/// Runs the real binary.
pub fn run(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_podsec-lsp"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A pod with a privileged container (line 9), as the language-server tests open it.
pub const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
    securityContext:
      privileged: true
";

/// A workspace whose `.podsec.yaml` enforces baseline and warns at restricted.
pub fn baseline_workspace() -> Scratch {
    let scratch = Scratch::new();
    scratch.write(
        ".podsec.yaml",
        "defaults:\n  enforce: baseline\n  warn: restricted\n",
    );
    scratch
}
