//! A property test of incremental sync: long random sequences of `textDocument/didChange` edits
//! to one open document (server A) must leave it with the diagnostics a fresh server (B, a
//! second `podsec-lsp` process) gives the same final text.
//!
//! Deterministic: fixed seeds. `PODSEC_RANDOM_EDITS=<n>` runs n sequences per variant (default
//! 12), `PODSEC_RANDOM_EDITS_LENGTH=<m>` m edits per sequence (default 200),
//! `PODSEC_RANDOM_EDITS_SEED=<s>` only the sequence with seed s. A failure names its seed, the
//! first edit after which the servers disagree, that edit and the text it applied to, both
//! diagnostic lists, and writes the whole edit log to a JSON file.
//!
//! The one intended difference (README, "The language server"): while a YAML document (a
//! kubectl `---` segment) is half typed and does not parse, server A keeps that segment's last
//! good findings, moved with the edit, beside the syntax error, so squiggles do not flicker; a
//! fresh server has only the syntax error. Hence the rule, segment by segment (segments cut
//! exactly as the server cuts them, with `podsec_lsp::yaml::stream::split`; a diagnostic belongs
//! to the segment its start is in):
//! - a segment that parses (B reports no `yaml-syntax` for it): A's diagnostics there equal B's;
//! - a segment that does not parse: A's include every one of B's (the syntax errors), and A's
//!   extras are only findings a segment keeps (PSA checks, `field-type`, `namespace-label`).
//!
//! And after every edit (its publication is awaited, so the server's coalescing of a burst of
//! publications skips none; one sequence in four sends its edits without waiting instead, and
//! is compared at the checkpoints only): a finding A keeps in a segment that does not parse is one it
//! reported before, still covering the very text it covered then (moved with the edit). After
//! a notification of several changes that is not checked: they are applied and analysed one by
//! one, so a kept finding may come from a state between two of them, never published.
//!
//! A broken Namespace segment also keeps declaring its last good labels in A (same no-flicker
//! design), so a workload in that namespace may be evaluated differently in A and B. That is
//! detected, not assumed: the workload's `podsec/effectivePolicy` is asked of both servers; only
//! when they differ and some segment is broken are that workload's PSA findings left out of the
//! comparison (its other diagnostics are still compared).

use crate::lsp_client::LspClient;
use crate::support::Scratch;
use podsec_lsp::k8s::{Object, Reader, read_pod};
use podsec_lsp::yaml::stream::{Segment, split};
use serde_json::{Value, json};
use std::fmt::Write as _;

// ----- a deterministic PRNG (splitmix64) ----------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ----- positions as LSP counts them (lines end at \n, \r\n or a lone \r; UTF-16 columns) ----

fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &c) in bytes.iter().enumerate() {
        if c == b'\n' || (c == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// Where line `line`'s content ends (before its line break).
fn content_end(text: &str, starts: &[usize], line: usize) -> usize {
    match starts.get(line + 1) {
        Some(&next) if text[..next].ends_with("\r\n") => next - 2,
        Some(&next) => next - 1,
        None => text.len(),
    }
}

/// Whether an LSP position names this byte offset: a character boundary, not inside a CRLF.
fn is_position(text: &str, offset: usize) -> bool {
    let bytes = text.as_bytes();
    text.is_char_boundary(offset)
        && !(offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n'))
}

/// The nearest offset at or before `offset` that is a position.
fn floor_position(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !is_position(text, offset) {
        offset -= 1;
    }
    offset
}

fn position(text: &str, offset: usize) -> Value {
    let starts = line_starts(text);
    let line = starts.partition_point(|&s| s <= offset) - 1;
    let character = text[starts[line]..offset].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// The byte offset of an LSP position; `None` for one inside a character (a surrogate pair) or
/// on a line past the last. A character past the end of its line means the line's end, as LSP
/// says.
fn offset_of(text: &str, starts: &[usize], at: &Value) -> Option<usize> {
    let line = at["line"].as_u64()? as usize;
    let character = at["character"].as_u64()? as usize;
    let start = *starts.get(line)?;
    let end = content_end(text, starts, line);
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units == character {
            return Some(start + i);
        }
        units += c.len_utf16();
        if units > character {
            return None;
        }
    }
    Some(end)
}

// ----- random edits ----------------------------------------------------------------------------

/// One content change: bytes `start..end` of the current text replaced, applied to `text`.
fn replace(text: &mut String, start: usize, end: usize, new: &str) -> Value {
    debug_assert!(is_position(text, start) && is_position(text, end) && start <= end);
    let change = json!({
        "range": {"start": position(text, start), "end": position(text, end)},
        "text": new,
    });
    text.replace_range(start..end, new);
    change
}

const PUNCTUATION: &[&str] = &[
    ":", "-", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "'", "\"", "#", "%", "@",
];
const PLAIN: &[&str] = &["a", "x", "Z", "0", "7", " ", "_", ".", "\t"];
const NON_ASCII: &[&str] = &["é", "日本", "🙂", "名前 🐳", "ü", "\u{feff}"];

struct Vocabulary {
    /// Lines worth inserting whole (each ends with `\n`).
    lines: &'static [&'static str],
    /// Groups of words; a word is swapped for another of its group.
    words: &'static [&'static [&'static str]],
}

struct Generator<'a> {
    rng: Rng,
    vocabulary: &'a Vocabulary,
    /// A line being typed one character at a time: where the next one goes, and the rest.
    typing: Option<(usize, Vec<char>)>,
    /// Earlier texts, to revert to (an undo in the editor): the start text, then recent ones.
    history: Vec<String>,
    /// The last text all of whose segments parsed: reverting to it keeps most checkpoints
    /// comparing parsing segments, the strict half of the rule.
    last_good: Option<String>,
}

impl Generator<'_> {
    fn offset(&mut self, text: &str) -> usize {
        floor_position(text, self.rng.below(text.len() + 1))
    }

    fn line_start(&mut self, text: &str) -> usize {
        *self.rng.pick(&line_starts(text))
    }

    /// A whole line of the text, line break included.
    fn copied_line(&mut self, text: &str) -> String {
        let starts = line_starts(text);
        let line = self.rng.below(starts.len());
        let end = starts.get(line + 1).copied().unwrap_or(text.len());
        let mut copied = text[starts[line]..end].to_string();
        if !copied.ends_with(['\n', '\r']) {
            copied.push('\n');
        }
        copied
    }

    /// What to insert, and whether it goes at a line start.
    fn snippet(&mut self, text: &str) -> (String, bool) {
        let rng = &mut self.rng;
        match rng.below(100) {
            0..14 => (rng.pick(PUNCTUATION).to_string(), false),
            14..30 => (rng.pick(PLAIN).to_string(), false),
            30..38 => {
                let separator = *rng.pick(&["---\n", "---\n", "--- # 区切り 🙂\n", "---"]);
                (separator.to_string(), rng.percent(80))
            }
            38..46 => (rng.pick(&["  ", "    ", " "]).to_string(), rng.percent(70)),
            46..54 => (
                rng.pick(&["\n", "\n  ", "\n    - ", "\n\n"]).to_string(),
                false,
            ),
            54..64 => {
                let mut c = rng.pick(NON_ASCII).to_string();
                if c == "\u{feff}" && rng.percent(50) {
                    c = "é".to_string();
                }
                (c, false)
            }
            64..76 => (self.copied_line(text), true),
            76..90 => (self.rng.pick(self.vocabulary.lines).to_string(), true),
            90..94 => ("\r\n".to_string(), false),
            94..96 => ("\r".to_string(), false),
            _ => {
                let start = self.offset(text);
                let end = floor_position(text, start + self.rng.below(60));
                (text[start..end].to_string(), false)
            }
        }
    }

    fn insert(&mut self, text: &mut String) -> Value {
        let (snippet, at_line_start) = self.snippet(text);
        let at = if at_line_start {
            self.line_start(text)
        } else {
            self.offset(text)
        };
        replace(text, at, at, &snippet)
    }

    /// A random range: within a line, across a few lines, or whole lines.
    fn range(&mut self, text: &str) -> (usize, usize) {
        let starts = line_starts(text);
        match self.rng.below(4) {
            0 | 1 => {
                let start = self.offset(text);
                let line = starts.partition_point(|&s| s <= start) - 1;
                let end = content_end(text, &starts, line).max(start);
                (
                    start,
                    floor_position(text, start + self.rng.below(12).min(end - start)),
                )
            }
            2 => {
                let start = self.offset(text);
                let end = floor_position(text, start + self.rng.below(200));
                (start, end)
            }
            _ => {
                let line = self.rng.below(starts.len());
                let count = 1 + self.rng.below(3);
                let end = starts.get(line + count).copied().unwrap_or(text.len());
                (starts[line], end)
            }
        }
    }

    fn delete(&mut self, text: &mut String) -> Value {
        let (start, end) = self.range(text);
        replace(text, start, end, "")
    }

    fn replace_range(&mut self, text: &mut String) -> Value {
        let (start, end) = self.range(text);
        let mut new = String::new();
        for _ in 0..1 + self.rng.below(3) {
            if self.rng.percent(50) {
                new.push_str(&self.copied_line(text));
            } else if self.rng.percent(50) {
                new.push_str(self.rng.pick::<&str>(self.vocabulary.lines));
            } else {
                new.push_str(&self.snippet(text).0);
            }
        }
        replace(text, start, end, &new)
    }

    fn swap_word(&mut self, text: &mut String) -> Option<Value> {
        let mut found = Vec::new();
        for group in self.vocabulary.words {
            for word in *group {
                for (at, _) in text.match_indices(word) {
                    found.push((at, *word, *group));
                }
            }
        }
        if found.is_empty() {
            return None;
        }
        let (at, word, group) = *self.rng.pick(&found);
        let others: Vec<&str> = group.iter().copied().filter(|w| *w != word).collect();
        let new = *self.rng.pick(&others);
        Some(replace(text, at, at + word.len(), new))
    }

    /// Back to an earlier text, as an undo would: one change covering what differs.
    fn revert(&mut self, text: &mut String) -> Value {
        let target = match &self.last_good {
            Some(good) if self.rng.percent(60) => good.clone(),
            _ => self.rng.pick(&self.history).clone(),
        };
        let prefix: usize = text
            .chars()
            .zip(target.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        let prefix = floor_position(text, prefix);
        let suffix: usize = text[prefix..]
            .chars()
            .rev()
            .zip(target[prefix..].chars().rev())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        let mut end = text.len() - suffix;
        if !is_position(text, end) {
            end += 1; // Inside a CRLF: the LF goes too, and comes back with the new text.
        }
        let new = target[prefix..target.len() - (text.len() - end)].to_string();
        let change = replace(text, prefix, end, &new);
        assert_eq!(*text, target);
        change
    }

    fn one_change(&mut self, text: &mut String) -> Value {
        match self.rng.below(10) {
            0..4 => self.insert(text),
            4..7 => self.delete(text),
            7..8 => self.replace_range(text),
            _ => self.swap_word(text).unwrap_or_else(|| self.insert(text)),
        }
    }

    /// The changes of the next `didChange`, applied to `text`.
    fn next_edit(&mut self, text: &mut String) -> Vec<Value> {
        if let Some((at, mut rest)) = self.typing.take() {
            let c = rest.remove(0).to_string();
            let change = replace(text, at, at, &c);
            // A `\r` typed before a `\n` makes a CRLF, which cannot be typed inside: stop there.
            if !rest.is_empty() && is_position(text, at + c.len()) {
                self.typing = Some((at + c.len(), rest));
            }
            return vec![change];
        }
        let changes = match self.rng.below(100) {
            0..28 => vec![self.insert(text)],
            28..46 => vec![self.delete(text)],
            46..53 => vec![self.replace_range(text)],
            53..67 => vec![self.swap_word(text).unwrap_or_else(|| self.insert(text))],
            67..71 => {
                // A comment at the end of a line.
                let starts = line_starts(text);
                let line = self.rng.below(starts.len());
                let at = content_end(text, &starts, line);
                let comment = *self.rng.pick(&[" # コメント 🙂", " # é", " #x"]);
                vec![replace(text, at, at, comment)]
            }
            71..74 => {
                let line = if self.rng.percent(50) {
                    self.copied_line(text)
                } else {
                    self.rng.pick(self.vocabulary.lines).to_string()
                };
                let at = self.line_start(text);
                self.typing = Some((at, line.chars().collect()));
                return self.next_edit(text);
            }
            74..88 => vec![self.revert(text)],
            88..98 => (0..2 + self.rng.below(3))
                .map(|_| self.one_change(text))
                .collect(),
            _ => {
                // The whole text at once (a change without a range), rarely.
                self.one_change(text);
                vec![json!({"text": text.clone()})]
            }
        };
        if split(text).iter().all(|s| parses(&text[s.start..s.end])) {
            self.last_good = Some(text.clone());
        }
        self.history.push(text.clone());
        if self.history.len() > 48 {
            self.history.remove(1);
        }
        changes
    }
}

// ----- the variants --------------------------------------------------------------------------

struct Variant {
    name: &'static str,
    /// Files of the workspace folder.
    files: &'static [(&'static str, &'static str)],
    start_texts: &'static [&'static str],
    vocabulary: Vocabulary,
}

const CONFIG: (&str, &str) = (
    ".podsec.yaml",
    "# 既定のポリシー\ndefaults:\n  enforce: baseline\n  warn: restricted\n  audit: restricted\n",
);

const NAMESPACES_ON_DISK: (&str, &str) = (
    "cluster/namespaces.yaml",
    "apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-b
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.25
    pod-security.kubernetes.io/audit: restricted
",
);

const WORKLOADS: &str = "# 日本語のコメント: ワークロード 🙂
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # ウェブ 🐳
  namespace: team-a
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      hostNetwork: true
      containers:
      - name: nginx
        image: nginx:1.25
        securityContext:
          privileged: true
          capabilities:
            add: [NET_ADMIN, SYS_TIME]
      - name: sidecar
        image: \"busybox\"   # é
        securityContext: {runAsNonRoot: false, allowPrivilegeEscalation: true}
---
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: team-b
  annotations:
    note: \"名前 🐳 x\"
    container.apparmor.security.beta.kubernetes.io/shell: unconfined
spec:
  hostPID: true
  containers:
  - name: shell
    image: alpine
    ports:
    - containerPort: 80
      hostPort: 8080
  volumes:
  - name: root
    hostPath: {path: /}
--- # 区切り
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsUser: 0
            seccompProfile: {type: Unconfined}
          containers:
          - name: job
            image: job:latest
            securityContext:
              capabilities: {add: [\"SYS_ADMIN\"], drop: []}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: team-c}
spec:
  template:
    spec:
      hostIPC: true
      containers:
      - name: agent
        image: agent
        securityContext:
          # podsec:ignore privileged -- the agent needs it 🙂
          privileged: true
          runAsNonRoot: true
";

const FLOW_STYLE: &str = "---
# フロー形式 ✨
apiVersion: v1
kind: Pod
metadata: {name: flow, namespace: team-b}
spec: {hostNetwork: true, containers: [{name: a, image: x, securityContext: {privileged: true, capabilities: {add: [NET_RAW, SYS_ADMIN]}}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: anchors, namespace: team-a}
spec:
  securityContext: &sc {runAsNonRoot: false, seccompProfile: {type: RuntimeDefault}}
  containers:
  - {name: one, image: x, securityContext: *sc}
  - name: two
    image: y
    securityContext:
      <<: *sc
      allowPrivilegeEscalation: false
---
kind: ConfigMap
apiVersion: v1
metadata: {name: 設定}
data: {key: \"値 🐳\"}
";

/// The same workloads with their Namespaces in the document itself.
const WITH_NAMESPACES: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: team-a # チームA
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/warn: restricted
---
apiVersion: v1
kind: Pod
metadata: {name: early, namespace: team-b}
spec:
  hostNetwork: true
  containers: [{name: app, image: x, securityContext: {privileged: true}}]
---
apiVersion: v1
kind: Namespace
metadata:
  name: team-b
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.25
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/warn: strict
";

const DISK_VOCABULARY: Vocabulary = Vocabulary {
    lines: &[
        "---\n",
        "  hostPID: true\n",
        "      hostNetwork: true\n",
        "        securityContext: {privileged: true, runAsUser: 0}\n",
        "          capabilities: {add: [SYS_ADMIN]}\n",
        "      # podsec:ignore privileged -- 検証 🙂\n",
        "# podsec:ignore-document all -- whole document\n",
        "# podsec:ignore hostPID\n",
        "  namespace: team-b\n",
        "  namespace: team-a\n",
        "    - {name: extra, image: busybox, ports: [{containerPort: 80, hostPort: 80}]}\n",
        "# コメント é 🐳\n",
        "  annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}\n",
        "    volumes: [{name: h, hostPath: {path: /etc}}]\n",
        "key: &anchor {privileged: true}\n",
        "  <<: *anchor\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: new}\nspec:\n  containers: [{name: c, image: i}]\n",
    ],
    words: &[
        &["true", "false"],
        &["restricted", "baseline", "privileged"],
        &["team-a", "team-b", "team-c"],
        &[
            "Pod",
            "Deployment",
            "CronJob",
            "Job",
            "DaemonSet",
            "ConfigMap",
        ],
        &["NET_ADMIN", "SYS_TIME", "NET_BIND_SERVICE", "ALL"],
        &["RuntimeDefault", "Unconfined", "Localhost"],
        &["v1.25", "latest", "v1.30"],
    ],
};

const NAMESPACE_VOCABULARY: Vocabulary = Vocabulary {
    lines: &[
        "---\n",
        "  hostPID: true\n",
        "      hostNetwork: true\n",
        "        securityContext: {privileged: true, runAsUser: 0}\n",
        "      # podsec:ignore privileged -- 検証 🙂\n",
        "  namespace: team-b\n",
        "  namespace: team-a\n",
        "# コメント é 🐳\n",
        "kind: Namespace\n",
        "  labels: {pod-security.kubernetes.io/enforce: privileged}\n",
        "    pod-security.kubernetes.io/enforce: restricted\n",
        "    pod-security.kubernetes.io/warn-version: v1.2x\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-c\n  labels: {pod-security.kubernetes.io/enforce: baseline}\n",
    ],
    words: &[
        &["true", "false"],
        &["restricted", "baseline", "privileged"],
        &["team-a", "team-b", "team-c"],
        &["Pod", "Deployment", "Namespace", "ConfigMap"],
        &["enforce", "warn", "audit"],
        &["v1.25", "latest", "v1.30"],
    ],
};

const DISK_NAMESPACES: Variant = Variant {
    name: "namespaces-on-disk",
    files: &[CONFIG, NAMESPACES_ON_DISK],
    start_texts: &[WORKLOADS, FLOW_STYLE],
    vocabulary: DISK_VOCABULARY,
};

const IN_DOCUMENT_NAMESPACES: Variant = Variant {
    name: "namespaces-in-the-document",
    files: &[CONFIG],
    start_texts: &[WITH_NAMESPACES],
    vocabulary: NAMESPACE_VOCABULARY,
};

// ----- the comparison ----------------------------------------------------------------------

const OWN_CODES: &[&str] = &[
    "yaml-syntax",
    "analysis-limit",
    "yaml-warning",
    "field-type",
    "namespace-label",
    "config",
    "suppression",
];

/// Codes of what a broken segment keeps from its last good analysis.
fn is_kept_code(code: &str) -> bool {
    !OWN_CODES.contains(&code) || code == "field-type" || code == "namespace-label"
}

/// Whether kubectl can read the segment: it parses and converts to JSON (the server keeps
/// last good findings in a segment that does not).
fn parses(text: &str) -> bool {
    let doc = podsec_lsp::yaml::parse(text.to_string());
    doc.is_complete() && podsec_lsp::k8s::refused_key(&doc).is_none()
}

fn is_workload(text: &str) -> bool {
    let doc = podsec_lsp::yaml::parse(text.to_string());
    if !doc.is_complete() {
        return false;
    }
    let mut reader = Reader::new(&doc);
    Object::read(&mut reader).is_some_and(|object| read_pod(&mut reader, &object).is_some())
}

/// A diagnostic as compared: its JSON, with B's URI for the document replaced by A's.
struct Seen {
    json: String,
    code: String,
    offset: usize,
    segment: usize,
}

/// Each diagnostic, with the segment its start is in.
fn sort_into_segments(
    text: &str,
    segments: &[Segment],
    diagnostics: &[Value],
    own_uri: &str,
    a_uri: &str,
) -> Result<Vec<Seen>, String> {
    let starts = line_starts(text);
    let (own, a) = (format!("\"{own_uri}\""), format!("\"{a_uri}\""));
    diagnostics
        .iter()
        .map(|d| {
            let offset = offset_of(text, &starts, &d["range"]["start"])
                .ok_or_else(|| format!("a diagnostic starts at a position not in the text: {d}"))?;
            offset_of(text, &starts, &d["range"]["end"])
                .ok_or_else(|| format!("a diagnostic ends at a position not in the text: {d}"))?;
            Ok(Seen {
                json: serde_json::to_string(d).unwrap().replace(&own, &a),
                code: d["code"].as_str().unwrap_or_default().to_string(),
                offset,
                segment: segments.partition_point(|s| s.start <= offset) - 1,
            })
        })
        .collect()
}

/// Removes from `from` one element equal to each of `these`; returns those not found.
fn take_each(from: &mut Vec<String>, these: &[String]) -> Vec<String> {
    let mut missing = Vec::new();
    for item in these {
        match from.iter().position(|x| x == item) {
            Some(at) => {
                from.remove(at);
            }
            None => missing.push(item.clone()),
        }
    }
    missing
}

struct Check<'a> {
    text: &'a str,
    a_uri: &'a str,
    b_uri: &'a str,
    a: &'a [Value],
    b: &'a [Value],
    /// Per segment: whether its PSA findings are left out (see the module's comment).
    relaxed: &'a [bool],
}

fn compare(check: &Check<'_>) -> Result<(), String> {
    let text = check.text;
    let segments = split(text);
    let a = sort_into_segments(text, &segments, check.a, check.a_uri, check.a_uri)?;
    let b = sort_into_segments(text, &segments, check.b, check.b_uri, check.a_uri)?;
    let mut problems = String::new();
    for (k, segment) in segments.iter().enumerate() {
        let broken = !parses(&text[segment.start..segment.end]);
        let select = |seen: &[Seen], all: bool| -> Vec<String> {
            let mut selected: Vec<String> = seen
                .iter()
                .filter(|s| s.segment == k && (all || OWN_CODES.contains(&s.code.as_str())))
                .map(|s| s.json.clone())
                .collect();
            selected.sort();
            selected
        };
        // (A syntax error at the very end of a segment starts where the next one does.)
        let b_syntax = b.iter().any(|s| {
            s.segment == k
                && s.offset > segment.start
                && (s.code == "yaml-syntax" || s.code == "analysis-limit")
        });
        let line = |offset: usize| position(text, offset)["line"].clone();
        let what = format!(
            "segment {k} (lines {}..{}, {})",
            line(segment.start),
            line(segment.end),
            if broken { "does not parse" } else { "parses" }
        );
        if !broken && b_syntax {
            let _ = writeln!(problems, "{what}: the fresh server reports a syntax error");
        }
        if broken {
            let mut in_a = select(&a, true);
            let missing = take_each(&mut in_a, &select(&b, true));
            let foreign: Vec<&String> = in_a
                .iter()
                .filter(|json| {
                    let code = serde_json::from_str::<Value>(json).unwrap()["code"].clone();
                    !is_kept_code(code.as_str().unwrap_or_default())
                })
                .collect();
            if !missing.is_empty() || !foreign.is_empty() {
                let _ = writeln!(
                    problems,
                    "{what}: missing in A: {missing:#?}\nextra in A that a broken segment does not keep: {foreign:#?}"
                );
            }
        } else {
            let all = !check.relaxed[k];
            let (mut in_a, in_b) = (select(&a, all), select(&b, all));
            let only_b = take_each(&mut in_a, &in_b);
            if !in_a.is_empty() || !only_b.is_empty() {
                let _ = writeln!(
                    problems,
                    "{what}: only in A: {in_a:#?}\nonly in B: {only_b:#?}"
                );
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

// ----- running sequences -----------------------------------------------------------------------

struct Failure {
    /// How many edits had been sent.
    edits: usize,
    report: String,
}

#[derive(Clone, Copy)]
struct Sequence<'a> {
    variant: &'a Variant,
    seed: u64,
    length: usize,
    /// Compare after every `check_every` edits (and at the start and the end).
    check_every: usize,
}

struct Log {
    start: String,
    edits: Vec<Vec<Value>>,
    texts: Vec<String>,
}

impl Sequence<'_> {
    fn run(&self, log: &mut Log) -> Result<(), Failure> {
        let ws = Scratch::new();
        for (name, text) in self.variant.files {
            ws.write(name, text);
        }
        let mut a = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
        let mut b = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
        a.wait_for_index();
        b.wait_for_index();
        let mut generator = Generator {
            rng: Rng(self.seed),
            vocabulary: &self.variant.vocabulary,
            typing: None,
            history: Vec::new(),
            last_good: None,
        };
        let mut text = generator.rng.pick(self.variant.start_texts).to_string();
        if generator.rng.percent(25) {
            text = text.replace('\n', "\r\n");
        }
        generator.history.push(text.clone());
        *log = Log {
            start: text.clone(),
            edits: Vec::new(),
            texts: vec![text.clone()],
        };
        let a_uri = a.open(&ws.path("edited.yaml"), &text);
        let mut checks = 0;
        let mut published = Published::new();
        // One sequence in four sends its edits without waiting for their publications, as a
        // fast typist's editor does: the server then handles bursts (and sends only the last
        // publication of one), but findings cannot be followed from version to version.
        let pipelined = self.seed % 4 == 3;
        for i in 0..=self.length {
            // The changes of one notification are applied one by one, each analysed: a finding
            // kept after one with several may come from a state between two of them, which was
            // never published. Those findings are taken as they are.
            let mut verify_kept = true;
            if i > 0 {
                let edit = generator.next_edit(&mut text);
                verify_kept = edit.len() == 1;
                log.edits.push(edit.clone());
                log.texts.push(text.clone());
                a.change(&a_uri, edit);
            }
            let checkpoint_now = i % self.check_every == 0 || i == self.length;
            if pipelined && !checkpoint_now {
                continue;
            }
            // The client panics when a server stops answering (crashed): a failure like others.
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                // Every version's publication is awaited, so none is skipped by the server's
                // coalescing and every finding A reports can be followed.
                let a_diagnostics = a.settled(&a_uri);
                check_kept_findings(
                    &text,
                    &a_diagnostics,
                    &mut published,
                    verify_kept && !pipelined,
                )?;
                if !checkpoint_now {
                    return Ok(());
                }
                checks += 1;
                let fresh = ws.path(&format!("fresh-{checks}.yaml"));
                checkpoint(&text, &a_diagnostics, &a_uri, &mut a, &mut b, &fresh)
            }));
            let report = match checked {
                Ok(Ok(())) => continue,
                Ok(Err(report)) => report,
                Err(panic) => format!(
                    "the test client gave up (did a server crash?): {}",
                    panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or_default()
                ),
            };
            return Err(Failure { edits: i, report });
        }
        Ok(())
    }
}

/// What A published so far: each diagnostic without its range, with the text its range covered.
type Published = std::collections::HashSet<(String, String)>;

/// A finding kept in a segment that does not parse is one A reported before, "moved with the
/// edit": it must still cover the text it was reported on. Then adds this publication's.
fn check_kept_findings(
    text: &str,
    diagnostics: &[Value],
    published: &mut Published,
    verify: bool,
) -> Result<(), String> {
    let starts = line_starts(text);
    let segments = split(text);
    let mut broken: Vec<Option<bool>> = vec![None; segments.len()];
    let mut seen = Vec::new();
    for d in diagnostics {
        let at = |end: &str| {
            offset_of(text, &starts, &d["range"][end])
                .ok_or_else(|| format!("a diagnostic's {end} is not a position in the text: {d}"))
        };
        let (start, end) = (at("start")?, at("end")?);
        if start > end {
            return Err(format!("a diagnostic ends before it starts: {d}"));
        }
        let mut identity = d.clone();
        identity.as_object_mut().unwrap().remove("range");
        let identity = identity.to_string();
        let covered = text[start..end].to_string();
        let k = segments.partition_point(|s| s.start <= start) - 1;
        let code = d["code"].as_str().unwrap_or_default();
        let is_broken =
            *broken[k].get_or_insert_with(|| !parses(&text[segments[k].start..segments[k].end]));
        if verify
            && is_broken
            && is_kept_code(code)
            && !published.contains(&(identity.clone(), covered.clone()))
        {
            let before: Vec<&String> = published
                .iter()
                .filter(|(i, _)| *i == identity)
                .map(|(_, text)| text)
                .collect();
            return Err(format!(
                "segment {k} does not parse and keeps a finding that now covers {covered:?}, \
                 not text it was reported on ({before:?}): {d}"
            ));
        }
        seen.push((identity, covered));
    }
    published.extend(seen);
    Ok(())
}

/// Compares A's diagnostics for `text` with a fresh document's in B, opened at `fresh`.
fn checkpoint(
    text: &str,
    a_diagnostics: &[Value],
    a_uri: &str,
    a: &mut LspClient,
    b: &mut LspClient,
    fresh: &std::path::Path,
) -> Result<(), String> {
    let b_uri = b.open(fresh, text);
    let b_diagnostics = b.settled(&b_uri);
    let relaxed = relaxed_segments(text, a, a_uri, b, &b_uri)?;
    let check = Check {
        text,
        a_uri,
        b_uri: &b_uri,
        a: a_diagnostics,
        b: &b_diagnostics,
        relaxed: &relaxed,
    };
    compare(&check).map_err(|report| {
        format!(
            "{report}\nA (the edited document): {}\nB (a fresh server): {}",
            Value::from(a_diagnostics.to_vec()),
            Value::from(b_diagnostics.clone())
        )
    })?;
    b.close(&b_uri);
    Ok(())
}

/// Per segment, whether its PSA findings are left out of the comparison: a workload whose
/// effective policy differs between A and B while some segment is broken (A's broken Namespace
/// segments keep declaring their last good labels). With nothing broken they must agree.
fn relaxed_segments(
    text: &str,
    a: &mut LspClient,
    a_uri: &str,
    b: &mut LspClient,
    b_uri: &str,
) -> Result<Vec<bool>, String> {
    let segments = split(text);
    let any_broken = segments.iter().any(|s| !parses(&text[s.start..s.end]));
    let mut relaxed = vec![false; segments.len()];
    for (k, segment) in segments.iter().enumerate() {
        if !is_workload(&text[segment.start..segment.end]) {
            continue;
        }
        let at = position(text, segment.start);
        let policy = |client: &mut LspClient, uri: &str| {
            let answer = client.request(
                "podsec/effectivePolicy",
                json!({"textDocument": {"uri": uri}, "position": at}),
            );
            serde_json::to_string(&answer)
                .unwrap()
                .replace(&format!("\"{b_uri}\""), &format!("\"{a_uri}\""))
        };
        let (in_a, in_b) = (policy(a, a_uri), policy(b, b_uri));
        if in_a != in_b {
            if !any_broken {
                return Err(format!(
                    "segment {k}: the effective policy differs with nothing broken\nA: {in_a}\nB: {in_b}"
                ));
            }
            relaxed[k] = true;
        }
    }
    Ok(relaxed)
}

fn env_number(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    Some(
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name}={value} is not a number")),
    )
}

/// Runs the variant's sequences; on a failure, replays it comparing after every edit to find
/// the first edit after which the servers disagree, and panics with what reproduces it (after
/// the other sequences too with `PODSEC_RANDOM_EDITS_KEEP_GOING=1`).
fn run_variant(variant: &Variant, test: &str, seed_base: u64) {
    let length = env_number("PODSEC_RANDOM_EDITS_LENGTH").unwrap_or(200) as usize;
    let seeds: Vec<u64> = match env_number("PODSEC_RANDOM_EDITS_SEED") {
        Some(seed) => vec![seed],
        None => {
            let count = env_number("PODSEC_RANDOM_EDITS").unwrap_or(12);
            (0..count).map(|i| seed_base + i).collect()
        }
    };
    let keep_going = std::env::var_os("PODSEC_RANDOM_EDITS_KEEP_GOING").is_some();
    let mut failed = Vec::new();
    for seed in seeds {
        let sequence = Sequence {
            variant,
            seed,
            length,
            check_every: 10,
        };
        if let Err(report) = run_and_explain(&sequence, test) {
            if !keep_going {
                panic!("{report}");
            }
            eprintln!("{report}\n");
            failed.push(seed);
        }
    }
    assert!(failed.is_empty(), "failing seeds: {failed:?}");
}

fn run_and_explain(sequence: &Sequence<'_>, test: &str) -> Result<(), String> {
    let new_log = || Log {
        start: String::new(),
        edits: Vec::new(),
        texts: Vec::new(),
    };
    let mut log = new_log();
    let Err(failure) = sequence.run(&mut log) else {
        return Ok(());
    };
    // Find the first edit after which they disagree.
    let replay = Sequence {
        length: failure.edits,
        check_every: 1,
        ..*sequence
    };
    let mut replay_log = new_log();
    let (failure, log) = match replay.run(&mut replay_log) {
        Err(first) => (first, replay_log),
        Ok(()) => (failure, log),
    };
    let (variant, seed) = (sequence.variant.name, sequence.seed);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("random-edits-{variant}-{seed}.json"));
    let record = json!({
        "variant": variant,
        "seed": seed,
        "start": log.start,
        "edits": log.edits,
        "failed_after_edit": failure.edits,
    });
    let _ = std::fs::write(&path, serde_json::to_string_pretty(&record).unwrap());
    let n = failure.edits;
    let (before, edit, after) = if n == 0 {
        (String::new(), Value::Null, log.start.clone())
    } else {
        (
            log.texts[n - 1].clone(),
            Value::from(log.edits[n - 1].clone()),
            log.texts[n].clone(),
        )
    };
    Err(format!(
        "random edits ({variant}), seed {seed}: after edit #{n} the edited document's \
         diagnostics are wrong.\n\
         rerun: PODSEC_RANDOM_EDITS_SEED={seed} cargo test --test e2e {test}\n\
         the start text and all {n} edits (didChange contentChanges): {}\n\
         text before edit #{n}: {}\nedit #{n}: {edit}\ntext after: {}\n{}",
        path.display(),
        Value::from(before),
        Value::from(after),
        failure.report
    ))
}

#[test]
fn random_edits_match_a_fresh_server() {
    run_variant(&DISK_NAMESPACES, "random_edits_match_a_fresh_server", 0);
}

#[test]
fn random_edits_with_namespaces_in_the_document() {
    run_variant(
        &IN_DOCUMENT_NAMESPACES,
        "random_edits_with_namespaces_in_the_document",
        1_000_000,
    );
}

#[test]
fn related_locations_in_the_same_document_follow_edits_above_them() {
    let ws = Scratch::new();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    let text = "kind: ConfigMap
---
apiVersion: v1
kind: Namespace
metadata:
  name: team
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: team}
spec:
  containers: [{name: app, securityContext: {privileged: true}}]
";
    let uri = client.open(&ws.path("pods.yaml"), text);
    let label_line = |d: &[Value]| {
        d.iter().find(|d| d["code"] == "privileged").unwrap()["relatedInformation"][0]["location"]
            ["range"]["start"]["line"]
            .clone()
    };
    assert_eq!(label_line(&client.settled(&uri)), 7);
    // A line above the Namespace: its label is now on line 8.
    client.edit(&uri, [0, 0, 0, 0], "# a comment\n");
    assert_eq!(label_line(&client.settled(&uri)), 8);
    let policy = client.request(
        "podsec/effectivePolicy",
        json!({"textDocument": {"uri": uri}, "position": {"line": 12, "character": 0}}),
    );
    assert_eq!(
        policy["enforce"]["level"]["location"]["range"]["start"]["line"],
        8
    );
}

#[test]
fn a_kept_finding_stays_on_its_text_when_the_edit_also_grows_the_document_before() {
    let ws = Scratch::new();
    let mut client = LspClient::initialized(&ws.dir, &["utf-16"], Value::Null);
    client.wait_for_index();
    let text = "a: 1\n---\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: i}]\n";
    let uri = client.open(&ws.path("pods.yaml"), text);
    let host_network =
        |d: &[Value]| d.iter().find(|d| d["code"] == "hostNamespaces").unwrap()["range"].clone();
    let range = |line: u32| json!({"start": {"line": line, "character": 15}, "end": {"line": line, "character": 19}});
    assert_eq!(host_network(&client.settled(&uri)), range(5));
    // The `---` line becomes a blank line (for the first document), `---` and a broken line
    // (for the second): still two documents, the second broken, its finding kept on `true`.
    client.edit(&uri, [1, 0, 2, 0], "\n---\n  [\n");
    let diagnostics = client.settled(&uri);
    assert!(diagnostics.iter().any(|d| d["code"] == "yaml-syntax"));
    assert_eq!(host_network(&diagnostics), range(7));
}

#[test]
fn the_position_helpers_agree_with_lsp() {
    let text = "a: 名前 🐳\r\nb\rc\n";
    let starts = line_starts(text);
    assert_eq!(starts, [0, 16, 18, 20]);
    assert_eq!(position(text, 10), json!({"line": 0, "character": 6}));
    assert_eq!(position(text, 17), json!({"line": 1, "character": 1}));
    assert!(!is_position(text, 15));
    assert!(!is_position(text, 11));
    assert_eq!(
        offset_of(text, &starts, &json!({"line": 0, "character": 7})),
        None
    );
    assert_eq!(
        offset_of(text, &starts, &json!({"line": 0, "character": 8})),
        Some(14)
    );
    assert_eq!(
        offset_of(text, &starts, &json!({"line": 0, "character": 9})),
        Some(14)
    );
    assert_eq!(
        offset_of(text, &starts, &json!({"line": 4, "character": 0})),
        None
    );
    assert_eq!(
        offset_of(text, &starts, &json!({"line": 3, "character": 0})),
        Some(20)
    );
    // A generator keeps every edit applicable: replaying the changes on the start text with
    // LSP's rules gives the generator's text.
    let mut generator = Generator {
        rng: Rng(7),
        vocabulary: &DISK_VOCABULARY,
        typing: None,
        history: vec![WORKLOADS.to_string()],
        last_good: None,
    };
    let (mut text, mut replayed) = (WORKLOADS.to_string(), WORKLOADS.to_string());
    for _ in 0..500 {
        for change in generator.next_edit(&mut text) {
            let new = change["text"].as_str().unwrap();
            if change.get("range").is_none() {
                replayed = new.to_string();
                continue;
            }
            let starts = line_starts(&replayed);
            let start = offset_of(&replayed, &starts, &change["range"]["start"]).unwrap();
            let end = offset_of(&replayed, &starts, &change["range"]["end"]).unwrap();
            replayed.replace_range(start..end, new);
        }
        assert_eq!(replayed, text);
    }
}
