//! Fix-all over Kubernetes' PSA corpus: every fail fixture, as a Pod, a Deployment and a
//! CronJob, is fixed; the result parses, violates no check that has a fix, and is the same
//! document outside the fields the fixes touched.

use crate::conformance::{Fixture, fixtures, wrap};
use podsec_lsp::analysis::analyze;
use podsec_lsp::fix::{Target, fix_all};
use podsec_lsp::k8s::{ContainerKind, Object, Reader, read_pod};
use podsec_lsp::policy::{Fault, Owner};
use podsec_lsp::resolve::{DocumentPlace, PartialPolicy, Resolver};
use podsec_lsp::yaml::{self, Document, NodeId, Value as YamlValue};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The document as the JSON Kubernetes reads (aliases, merge keys, YAML 1.1 scalars resolved).
fn to_json(doc: &Document, node: NodeId) -> Value {
    let node = doc.resolve(node);
    if doc.is_mapping(node) {
        let mut map = Map::new();
        for (key, entry) in doc.effective_entries(node) {
            map.insert(key.into_owned(), to_json(doc, entry.value));
        }
        return Value::Object(map);
    }
    if doc.is_sequence(node) {
        return Value::Array(doc.items(node).iter().map(|&i| to_json(doc, i)).collect());
    }
    match doc.value(node) {
        Some(YamlValue::Bool(b)) => Value::Bool(b),
        Some(YamlValue::Int(i)) => Value::from(i as i64),
        Some(YamlValue::Float(f)) => Value::from(f),
        Some(YamlValue::Str(s) | YamlValue::Timestamp(s)) => Value::from(s),
        _ => Value::Null,
    }
}

/// Where the pod spec and the template's metadata are, by kind.
fn template_path(kind: &str) -> Vec<String> {
    let steps: &[&str] = match kind {
        "Pod" => &[],
        "CronJob" => &["spec", "jobTemplate", "spec", "template"],
        _ => &["spec", "template"],
    };
    steps.iter().map(|s| s.to_string()).collect()
}

/// The JSON path a fix touched.
fn touched_path(kind: &str, containers: &[(ContainerKind, usize)], target: &Target) -> Vec<String> {
    let mut path = template_path(kind);
    match target {
        Target::Annotation(key) => {
            path.extend(["metadata".into(), "annotations".into(), key.clone()])
        }
        Target::Field { owner, path: field } => {
            path.push("spec".into());
            let container = |i: usize, path: &mut Vec<String>| {
                let (kind, index) = containers[i];
                path.extend([kind.field_name().to_string(), index.to_string()]);
            };
            match *owner {
                Owner::Pod => {}
                Owner::Container(i) => container(i, &mut path),
                Owner::Port(i, j) => {
                    container(i, &mut path);
                    path.extend(["ports".into(), j.to_string()]);
                }
            }
            path.extend(field.iter().map(|s| s.to_string()));
        }
    }
    path
}

/// Removes the value at `path`, then every parent on the path left empty (or null).
fn remove_path(value: &mut Value, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let child = match value {
        Value::Object(map) => map.get_mut(first),
        Value::Array(items) => first.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    };
    let Some(child) = child else { return };
    if !rest.is_empty() {
        remove_path(child, rest);
    }
    let empty = rest.is_empty() || child.is_null() || child.as_object().is_some_and(Map::is_empty);
    if empty && let Value::Object(map) = value {
        map.remove(first);
    }
}

struct Tally {
    documents: usize,
    fixes: usize,
    unfixable_left: usize,
}

fn fix_one(fixture: &Fixture, kind: &str, text: &str, tally: &mut Tally) -> Result<(), String> {
    let flags =
        podsec_lsp::cli::flag_policy(Some(fixture.policy.level), Some(fixture.policy.version));
    let namespaces: HashMap<String, _> = HashMap::new();
    let settings = PartialPolicy::default();
    let resolver = Resolver {
        namespaces: &namespaces,
        config: None,
        flags: &flags,
        settings: &settings,
    };
    let place = DocumentPlace {
        path: Arc::new(PathBuf::from("fixture.yaml")),
        first_line: 0,
    };
    let mut analyze_one = |doc: &Document| analyze(doc, &place, &resolver).diagnostics;
    let fixed = fix_all(text, &mut analyze_one);

    let after = yaml::parse(fixed.text.clone());
    if !after.is_complete() {
        return Err(format!(
            "the result does not parse: {:?}\n{}",
            after.problems(),
            fixed.text
        ));
    }
    for d in analyze_one(&after) {
        match d.violation {
            Some(v) if v.fault == Fault::Unfixable => tally.unfixable_left += 1,
            Some(v) => {
                return Err(format!(
                    "{} remains after fix-all:\n{}",
                    v.finding, fixed.text
                ));
            }
            None => {}
        }
    }

    // The same document outside the touched fields.
    let before = yaml::parse(text.to_string());
    let mut reader = Reader::new(&before);
    let object = Object::read(&mut reader).unwrap();
    let pod = read_pod(&mut reader, &object).unwrap();
    let mut seen: HashMap<ContainerKind, usize> = HashMap::new();
    let containers: Vec<(ContainerKind, usize)> = pod
        .containers
        .iter()
        .map(|c| {
            let n = seen.entry(c.kind).or_default();
            *n += 1;
            (c.kind, *n - 1)
        })
        .collect();
    let mut old = to_json(&before, before.root().unwrap());
    let mut new = to_json(&after, after.root().unwrap());
    for fix in &fixed.applied {
        let path = touched_path(kind, &containers, &fix.target);
        remove_path(&mut old, &path);
        remove_path(&mut new, &path);
    }
    if old != new {
        return Err(format!(
            "changed outside the fixed fields:\n{old:#}\n{new:#}\n{}",
            fixed.text
        ));
    }
    tally.documents += 1;
    tally.fixes += fixed.applied.len();
    Ok(())
}

#[test]
fn fix_all_repairs_every_fail_fixture_and_changes_nothing_else() {
    let Some((dir, fixtures)) = fixtures() else {
        eprintln!(
            "SKIPPED: PSA conformance fixtures not found (set PODSEC_PSA_FIXTURES or put them at ../shared/conformance/psa-fixtures)"
        );
        return;
    };
    let mut tally = Tally {
        documents: 0,
        fixes: 0,
        unfixable_left: 0,
    };
    let mut failures = Vec::new();
    let fail: Vec<&Fixture> = fixtures.iter().filter(|f| !f.expect_pass).collect();
    for fixture in &fail {
        let text = std::fs::read_to_string(dir.join(&fixture.file)).unwrap();
        for kind in ["Pod", "Deployment", "CronJob"] {
            let form = if kind == "Pod" {
                text.clone()
            } else {
                wrap(&text, kind)
            };
            if let Err(problem) = fix_one(fixture, kind, &form, &mut tally) {
                failures.push(format!(
                    "{} as {kind} at {}: {problem}",
                    fixture.file, fixture.policy
                ));
            }
        }
    }
    println!(
        "fix-all: {} of {} fail fixtures × 3 forms repaired ({} fixes applied); {} unfixable findings left (volume types, hostNetwork ports)",
        tally.documents,
        fail.len() * 3,
        tally.fixes,
        tally.unfixable_left
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
    assert_eq!(tally.documents, 3486 * 3);
}
