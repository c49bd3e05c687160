//! Engine benchmarks: `cargo bench --bench engine`. Each stage on the workload of `bench.py`
//! (5,000 Deployments, one in ten privileged), with min/median/max over several runs and the
//! median per document, per MB or per call.

use podsec_lsp::analysis::{Diagnostic, analyze, namespace_declaration};
use podsec_lsp::resolve::{
    Config, DocumentPlace, NamespaceDecl, PartialPolicy, Resolver, parse_config,
};
use podsec_lsp::server::{Encoding, publication_frame};
use podsec_lsp::yaml;
use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one run of a stage processes, to report a rate.
enum Unit {
    Documents(usize),
    Bytes(usize),
    Calls(usize),
}

fn measure(name: &str, unit: Unit, runs: usize, mut f: impl FnMut()) {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let median = times[runs / 2];
    let rate = match unit {
        Unit::Documents(n) => format!("{:.2?} per document", median / n as u32),
        Unit::Bytes(n) => format!("{:.1?} per MB", median.mul_f64(1e6 / n as f64)),
        Unit::Calls(n) => format!("{:.0?} per call", median / n as u32),
    };
    println!(
        "{name:<44} min {:>9.3?}  median {:>9.3?}  max {:>9.3?}  {rate}",
        times[0],
        median,
        times[runs - 1]
    );
}

/// 100 Namespaces with labels, as a workspace declares them.
fn namespaces(path: &Arc<PathBuf>) -> HashMap<String, NamespaceDecl> {
    (0..100)
        .filter_map(|i| {
            let text = format!(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{i}\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n    pod-security.kubernetes.io/enforce-version: v1.{}\n",
                20 + i % 17
            );
            let doc = yaml::parse(text);
            let place = DocumentPlace { path: path.clone(), first_line: 0 };
            namespace_declaration(&doc, &place).map(|decl| (decl.name.clone(), decl))
        })
        .collect()
}

fn main() {
    let documents = 5000;
    let text = podsec_lsp::testing::deployments(documents);
    println!("workload: {documents} Deployments, {} bytes", text.len());
    let pieces: Vec<&str> = yaml::stream::split(&text)
        .iter()
        .map(|p| &text[p.start..p.end])
        .collect();

    measure("yaml: split + parse", Unit::Bytes(text.len()), 15, || {
        for piece in yaml::stream::split(&text) {
            black_box(yaml::parse(text[piece.start..piece.end].to_string()));
        }
    });

    let path = Arc::new(PathBuf::from("/ws/workloads.yaml"));
    let config_text = "defaults:\n  enforce: restricted\n";
    let config: Config =
        parse_config(Arc::new(PathBuf::from("/ws/.podsec.yaml")), config_text).unwrap();
    let namespaces = namespaces(&path);
    let (flags, settings) = (PartialPolicy::default(), PartialPolicy::default());
    let resolver = Resolver {
        namespaces: &namespaces,
        config: Some(&config),
        flags: &flags,
        settings: &settings,
    };
    let parsed: Vec<yaml::Document> = pieces.iter().map(|p| yaml::parse(p.to_string())).collect();
    let place = DocumentPlace {
        path: path.clone(),
        first_line: 0,
    };
    measure(
        "analysis: evaluate parsed documents",
        Unit::Documents(documents),
        15,
        || {
            for doc in &parsed {
                black_box(analyze(doc, &place, &resolver));
            }
        },
    );

    let names: Vec<String> = (0..1000).map(|i| format!("team-{}", i % 120)).collect();
    measure(
        "resolve: the policy of a namespace",
        Unit::Calls(names.len()),
        15,
        || {
            for name in &names {
                black_box(resolver.resolve(Some(name), None));
            }
        },
    );

    let reports: Vec<Vec<Diagnostic>> = parsed
        .iter()
        .map(|doc| analyze(doc, &place, &resolver).diagnostics)
        .collect();
    let mut first_line = 0;
    let mut all = Vec::new();
    for (piece, diagnostics) in pieces.iter().zip(&reports) {
        all.extend(diagnostics.iter().map(|d| (first_line, d)));
        first_line += piece.matches('\n').count() as u32;
    }
    measure(
        "publish: diagnostics to a protocol frame",
        Unit::Documents(all.len()),
        15,
        || {
            black_box(publication_frame(
                "file:///ws/workloads.yaml",
                &all,
                Encoding::Utf16,
            ));
        },
    );
    println!(
        "  ({} diagnostics; per document above means per diagnostic)",
        all.len()
    );

    let dir = std::env::temp_dir().join(format!("podsec-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("workloads.yaml"), &text).unwrap();
    std::fs::write(dir.join(".podsec.yaml"), config_text).unwrap();
    measure(
        "check: read, parse, evaluate, report",
        Unit::Bytes(text.len()),
        15,
        || {
            let report = podsec_lsp::cli::check(std::slice::from_ref(&dir), &flags).unwrap();
            assert_eq!(report.findings().count(), 500);
            black_box(report);
        },
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
