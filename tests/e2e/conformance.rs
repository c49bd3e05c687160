//! Every fixture of Kubernetes' own Pod Security Admission test corpus, evaluated at its folder's
//! level and version: pass fixtures give nothing; fail fixtures give exactly upstream's checks,
//! reasons and details.

use podsec_lsp::k8s::{Object, Reader, read_pod};
use podsec_lsp::policy::{CheckId, Level, LevelVersion, Version, Violation, evaluate};
use podsec_lsp::testing::fixtures_dir;
use serde_json::Value as Json;

#[derive(Debug)]
pub struct Fixture {
    pub file: String,
    pub policy: LevelVersion,
    pub expect_pass: bool,
    reporting_check: Option<String>,
    expect_substring: Option<String>,
    /// (check, reason, detail) in message order.
    results: Vec<(String, String, String)>,
}

pub fn fixtures() -> Option<(std::path::PathBuf, Vec<Fixture>)> {
    let dir = fixtures_dir()?;
    let text = std::fs::read_to_string(dir.join("expected.jsonl")).unwrap();
    let rows = text
        .lines()
        .map(|line| {
            let row: Json = serde_json::from_str(line).unwrap();
            let s = |k: &str| row[k].as_str().map(str::to_string);
            Fixture {
                file: s("file").unwrap(),
                policy: LevelVersion::new(
                    Level::parse(row["level"].as_str().unwrap()).unwrap(),
                    Version::parse(row["version"].as_str().unwrap()).unwrap(),
                ),
                expect_pass: row["expect"] == "pass",
                reporting_check: s("reporting_check"),
                expect_substring: s("expect_substring"),
                results: row["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let f = |k: &str| r[k].as_str().unwrap().to_string();
                        (f("check"), f("reason"), f("detail"))
                    })
                    .collect(),
            }
        })
        .collect();
    Some((dir, rows))
}

fn violations(text: &str, policy: LevelVersion) -> Vec<Violation> {
    let doc = podsec_lsp::yaml::parse(text.to_string());
    assert!(doc.is_complete(), "{:?}", doc.problems());
    let mut reader = Reader::new(&doc);
    let object = Object::read(&mut reader).expect("a Kubernetes object");
    let pod = read_pod(&mut reader, &object).expect("a pod spec");
    assert!(reader.issues.is_empty(), "{:?}", reader.issues);
    evaluate(&pod, policy)
}

/// A fixture Pod wrapped as a Deployment, or as a CronJob, the way upstream's integration test
/// wraps them: metadata and spec become the pod template.
pub fn wrap(pod: &str, kind: &str) -> String {
    let doc = podsec_lsp::yaml::parse(pod.to_string());
    let root = doc.root().unwrap();
    let block = |key: &str| {
        let entry = doc.get(root, key).unwrap();
        let start = doc.node(entry.key).span.start as usize;
        let end = doc.node(doc.resolve(entry.value)).span.end as usize;
        doc.text()[start..end].to_string()
    };
    let indent = |text: String, by: usize| {
        text.lines()
            .map(|l| format!("{}{l}\n", " ".repeat(by)))
            .collect::<String>()
    };
    let template = format!(
        "{}{}",
        block("metadata"),
        format_args!("\n{}", block("spec"))
    );
    match kind {
        "Deployment" => format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: wrapped\nspec:\n  selector: {{}}\n  template:\n{}",
            indent(template, 4)
        ),
        "CronJob" => format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: wrapped\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n{}",
            indent(template, 8)
        ),
        _ => unreachable!(),
    }
}

#[test]
fn every_fixture_agrees_with_upstream() {
    let Some((dir, fixtures)) = fixtures() else {
        eprintln!(
            "SKIPPED: PSA conformance fixtures not found (set PODSEC_PSA_FIXTURES or put them at ../shared/conformance/psa-fixtures)"
        );
        return;
    };
    let mut failures = Vec::new();
    let mut agreeing = 0;
    for fixture in &fixtures {
        let text = std::fs::read_to_string(dir.join(&fixture.file)).unwrap();
        let mut problems = Vec::new();
        for (form, text) in [
            ("Pod", text.clone()),
            ("Deployment", wrap(&text, "Deployment")),
            ("CronJob", wrap(&text, "CronJob")),
        ] {
            let found = violations(&text, fixture.policy);
            let got: Vec<(String, String, String)> = found
                .iter()
                .map(|v| {
                    (
                        v.check.to_string(),
                        v.outcome.reason.clone(),
                        v.outcome.detail.clone(),
                    )
                })
                .collect();
            if fixture.expect_pass {
                if !got.is_empty() {
                    problems.push(format!("{form}: expected no violation, got {got:?}"));
                }
                continue;
            }
            let reporting = fixture.reporting_check.as_deref().unwrap();
            let substring = fixture.expect_substring.as_deref().unwrap();
            let reported = found
                .iter()
                .find(|v| v.check == CheckId::parse(reporting).unwrap());
            match reported {
                None => problems.push(format!("{form}: {reporting} not among {got:?}")),
                Some(v)
                    if !v.outcome.reason.contains(substring)
                        && !podsec_lsp::policy::aggregate_message(&found).contains(substring) =>
                {
                    problems.push(format!(
                        "{form}: {substring:?} not in {:?}",
                        v.outcome.reason
                    ))
                }
                Some(_) => {}
            }
            if got != fixture.results {
                problems.push(format!(
                    "{form}: got {got:?}\n   expected {:?}",
                    fixture.results
                ));
            }
            // Every finding speaks for its check and points at real text.
            for v in &found {
                for f in &v.outcome.findings {
                    assert!(!f.detail.is_empty() && f.span.end as usize <= text.len());
                }
            }
        }
        if problems.is_empty() {
            agreeing += 1;
        } else {
            failures.push(format!(
                "{} at {}:\n  {}",
                fixture.file,
                fixture.policy,
                problems.join("\n  ")
            ));
        }
    }
    println!(
        "conformance: {agreeing} / {} fixtures agree (each as Pod, Deployment and CronJob)",
        fixtures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} fixtures disagree:\n{}",
        failures.len(),
        fixtures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(agreeing, 4537);
}
