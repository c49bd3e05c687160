//! Engine benchmarks: `cargo bench --bench engine`. Prints min/median/max over several runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

fn measure(name: &str, bytes: usize, runs: usize, mut f: impl FnMut()) {
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
    let mb_s = bytes as f64 / 1e6 / median.as_secs_f64();
    println!(
        "{name:<40} min {:>9.3?}  median {:>9.3?}  max {:>9.3?}  ({mb_s:.0} MB/s)",
        times[0],
        median,
        times[runs - 1]
    );
}

fn main() {
    let text = podsec_lsp::testing::deployments(5000);
    println!("workload: 5,000 Deployments, {} bytes", text.len());
    measure("yaml: split + parse every document", text.len(), 15, || {
        for seg in podsec_lsp::yaml::stream::split(&text) {
            black_box(podsec_lsp::yaml::parse(
                text[seg.start..seg.end].to_string(),
            ));
        }
    });

    let dir = std::env::temp_dir().join(format!("podsec-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("workloads.yaml"), &text).unwrap();
    std::fs::write(
        dir.join(".podsec.yaml"),
        "defaults:\n  enforce: restricted\n",
    )
    .unwrap();
    let flags = podsec_lsp::resolve::PartialPolicy::default();
    measure(
        "check: read, parse, evaluate, report",
        text.len(),
        15,
        || {
            let report = podsec_lsp::cli::check(std::slice::from_ref(&dir), &flags).unwrap();
            assert_eq!(report.findings().count(), 500);
            black_box(report);
        },
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
