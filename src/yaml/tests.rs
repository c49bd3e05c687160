//! The parser against granit-parser, a YAML 1.2 parser that passes the YAML test suite: both
//! must build the same tree from every input where YAML 1.2 and libyaml agree.

use super::tree::Tag;
use super::{Document, NodeId, NodeKind, ProblemKind, ScalarStyle, parse};
use granit_parser::{Event, Parser as Granit, ScalarStyle as GStyle};
use std::collections::HashMap;

/// Our tree in a canonical text form; aliases expanded.
fn show_ours(text: &str) -> Result<String, String> {
    let doc = parse(text.to_string());
    if let Some(p) = doc
        .problems()
        .iter()
        .find(|p| p.kind != ProblemKind::Warning)
    {
        return Err(format!("{} at {:?}", p.message, p.span));
    }
    Ok(doc.root().map_or("~none".into(), |r| show_node(&doc, r)))
}

fn show_node(doc: &Document, id: NodeId) -> String {
    let id = doc.resolve(id);
    match &doc.node(id).kind {
        NodeKind::Scalar { style, .. } => {
            let text = doc.scalar_text(id).unwrap();
            if doc.node(id).span.is_empty() && *style == ScalarStyle::Plain {
                // granit writes an empty node as `~`.
                return "p\"~\"".into();
            }
            let kind = if *style == ScalarStyle::Plain {
                "p"
            } else {
                "q"
            };
            format!("{kind}{text:?}")
        }
        NodeKind::Mapping { .. } => {
            let entries: Vec<String> = doc
                .entries(id)
                .map(|e| format!("{}: {}", show_node(doc, e.key), show_node(doc, e.value)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        NodeKind::Sequence { .. } => {
            let items: Vec<String> = doc.items(id).iter().map(|&i| show_node(doc, i)).collect();
            format!("[{}]", items.join(", "))
        }
        NodeKind::Alias { .. } => unreachable!("resolved"),
    }
}

/// granit's events for the first document in the same canonical form.
fn show_granit(text: &str) -> Result<String, String> {
    let options = granit_parser::options! {
        emit_comments: false,
        block_scalar_eof_without_line_feed: true,
    };
    let mut anchors: HashMap<usize, String> = HashMap::new();
    // Open collections: (anchor id, is mapping, rendered children).
    let mut stack: Vec<(usize, bool, Vec<String>)> = Vec::new();
    let mut root: Option<String> = None;
    for event in Granit::new_from_str_with_options(text, options) {
        let (event, _) = event.map_err(|e| e.to_string())?;
        let finished = match event {
            Event::Scalar(value, style, anchor, _) => {
                let kind = if style == GStyle::Plain { "p" } else { "q" };
                let s = format!("{kind}{value:?}");
                if anchor != 0 {
                    anchors.insert(anchor, s.clone());
                }
                Some(s)
            }
            Event::Alias(id) => Some(anchors[&id].clone()),
            Event::SequenceStart(_, anchor, _) => {
                stack.push((anchor, false, Vec::new()));
                None
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push((anchor, true, Vec::new()));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, mapping, children) = stack.pop().unwrap();
                let s = if mapping {
                    let pairs: Vec<String> = children
                        .chunks(2)
                        .map(|kv| format!("{}: {}", kv[0], kv[1]))
                        .collect();
                    format!("{{{}}}", pairs.join(", "))
                } else {
                    format!("[{}]", children.join(", "))
                };
                if anchor != 0 {
                    anchors.insert(anchor, s.clone());
                }
                Some(s)
            }
            Event::DocumentEnd => break,
            _ => None,
        };
        if let Some(s) = finished {
            match stack.last_mut() {
                Some((_, _, children)) => children.push(s),
                None => root = Some(s),
            }
        }
    }
    Ok(root.unwrap_or("~none".into()))
}

/// Why the two parsers disagree on `text`, if they do.
fn disagreement(text: &str) -> Option<String> {
    let ours = show_ours(text);
    let theirs = show_granit(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) if a == b => None,
        (Err(_), Err(_)) => None,
        _ => Some(format!(
            "{text:?}\n  ours:   {ours:?}\n  granit: {theirs:?}"
        )),
    }
}

const AGREED: &[&str] = &[
    "a: 1\nb: two\n",
    "a:\n  b:\n    c: d\n  e: f\ng: h\n",
    "- a\n- b\n-   c\n",
    "key:\n- a\n- b\nnext: 1\n",
    "key:\n  - a\n  - b\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "- - a\n  - b\n- - c\n",
    "- \n- b\n",
    "a:\nb:\n",
    "a: [1, 2, [3, 4]]\nb: {x: 1, y: [a, b]}\n",
    "a: {x: 1,\n  y: 2}\n",
    "a: [1,\n2]\n",
    "a: 'single ''quoted'''\nb: \"double \\\"q\\\" \\t \\u00e9\"\n",
    "a: \"line\n  folded\n\n  twice\"\n",
    "a: 'line\n  folded'\n",
    "a: \"escaped \\\n  break\"\n",
    "a: plain\n  continued\n  again\n\n  after blank\nb: 1\n",
    "a: |\n  literal\n  text\n\n  more\nb: 1\n",
    "a: >\n  folded\n  text\n\n  para\n    indented\n  back\nb: 1\n",
    "a: |-\n  strip\n\n\nb: 1\n",
    "a: |+\n  keep\n\n\nb: 1\n",
    "a: |2\n    two extra\nb: 1\n",
    "a: >-\n\n  leading blank\n",
    "a: |\n  text\n# comment\nb: 1\n",
    "- |\n  in seq\n- >\n  folded\n  in seq\n",
    "a: &x 1\nb: *x\n",
    "base: &base {x: 1, y: 2}\nderived:\n  <<: *base\n  y: 3\n",
    "a: &m\n  k: v\nb: *m\n",
    "? complex key\n: complex value\n",
    "? - a\n  - b\n: c\n",
    "? a\n? b\n: c\n",
    "a: b # comment\n# full line\nc: d\n",
    "a:    # comment\n  b: c\n",
    "a: b#not comment\n",
    "url: http://example.com:8080/path\n",
    "a: -1\nb: - x\n",
    "[a, b]: c\n",
    "{a: b}: c\n",
    "\"quoted key\": v\n'single': v\n",
    "a: [x: 1, y: 2]\n",
    "a: {x, y: 2}\n",
    "a: []\nb: {}\nc: ''\nd: \"\"\n",
    "a: !!str 1\nb: !custom x\nc: !!int \"3\"\n",
    "a: &anc !!map\n  b: c\n",
    "- &a x\n- *a\n",
    "a:\n  - b\n  -\n    c: d\n",
    "a: \"é ☕ 名前\"\nb: 🐳\n",
    "a: b\r\nc:\r\n  d: e\r\n",
    "a: 1\n...\n",
    "plain scalar root\n",
    "- root\n- seq\n",
    "\"quoted root\"\n",
    "[flow, root]\n",
    "a:\n\n\n  b: c\n",
    "a: b\n   \nc: d\n",
    "k: v  \n",
    "a: x:y\n",
    "a: [x:y, z]\n",
    "a: {'k':v}\n",
    "a: [\"k\":v]\n",
    "- a\n -\n",
    "a: 'it''s'\n",
    "a: |\n   lead\n  less\n",
    "a: \"\\x41\\u0042\\U00000043\"\n",
    "a: 1\nb:\n  c: 2\n  d:\n    - 3\n    - e: 4\n      f: 5\n",
    "a: !!binary aGVsbG8=\n",
    "? [a, b]\n: v\n",
    "- {a: 1}\n- [b]\n",
    "a: [\n  1,\n  2,\n]\n",
    "a: {\n  x: 1,\n}\n",
    "a: # c\n  - 1 # c\n  # c\n  - 2\n",
    "- a\n# c\n- b\n",
    "key: >+\n  keep\n\n",
];

#[test]
fn agrees_with_a_yaml_1_2_parser_on_shared_ground() {
    let failures: Vec<String> = AGREED.iter().filter_map(|t| disagreement(t)).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn agrees_on_every_conformance_fixture() {
    let Some(root) = crate::testing::fixtures_dir() else {
        eprintln!(
            "SKIPPED: PSA conformance fixtures not found (../shared/conformance/psa-fixtures or PODSEC_PSA_FIXTURES)"
        );
        return;
    };
    let mut count = 0;
    for path in crate::testing::yaml_files(&root) {
        let text = std::fs::read_to_string(&path).unwrap();
        let ours = show_ours(&text);
        assert!(ours.is_ok(), "{}: {ours:?}", path.display());
        assert_eq!(ours, show_granit(&text), "{}", path.display());
        count += 1;
    }
    assert_eq!(count, 4537);
}

/// Inputs both refuse.
#[test]
fn refuses_what_yaml_refuses() {
    for text in [
        "a: b: c\n",
        "a: 1\n  b: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "- a\nb: c\n",
        "a: [1, 2\n",
        "a: {x: 1\n",
        "a: \"unterminated\n",
        "a: 'unterminated\n",
        "a: *unknown\n",
        "a: \"\\q\"\n",
        "a: |0\n  x\n",
        "key: - a\n",
        "a: @x\n",
        "a: `x\n",
        "[a, b]]\n",
        "a:\n\t- b\n",
    ] {
        assert!(
            show_ours(text).is_err(),
            "accepted:\n{text}\n{:?}",
            show_ours(text)
        );
        assert!(show_granit(text).is_err(), "granit accepted:\n{text}");
    }
}

/// Where kubectl's libyaml and YAML 1.2 differ, we follow libyaml.
#[test]
fn follows_libyaml_where_it_differs_from_yaml_1_2() {
    // Anchor names are letters, digits, `-` and `_` only.
    assert!(show_ours("a: &x.y 1\n").is_err());
    // In flow context `?` ends a plain scalar, so this is not one item.
    assert!(show_ours("[a?b]").is_err());
    // Tabs after `- ` are refused.
    assert!(show_ours("-\tx\n").is_err());
    // Tabs after an implicit key's `:` are fine.
    assert_eq!(show_ours("a:\tb\n").unwrap(), "{p\"a\": p\"b\"}");
    // A block scalar at EOF without a line break gets none.
    assert_eq!(show_ours("a: |\n  x").unwrap(), "{p\"a\": q\"x\"}");
}

#[test]
fn spans_point_at_the_text() {
    let doc = parse("metadata:\n  name: app # c\nspec:\n  containers: [{name: x}]\n".into());
    let root = doc.root().unwrap();
    let meta = doc.get(root, "metadata").unwrap();
    assert_eq!(doc.slice(doc.node(meta.key).span), "metadata");
    let name = doc.get(meta.value, "name").unwrap();
    assert_eq!(doc.slice(doc.node(name.value).span), "app");
    let spec = doc.get(root, "spec").unwrap();
    let containers = doc.get(spec.value, "containers").unwrap();
    assert_eq!(doc.slice(doc.node(containers.value).span), "[{name: x}]");
    let first = doc.items(containers.value)[0];
    assert_eq!(doc.slice(doc.node(first).span), "{name: x}");
    assert_eq!(doc.slice(doc.node(meta.value).span), "name: app");
    assert_eq!(doc.comments().len(), 1);
    assert_eq!(doc.slice(doc.comments()[0]), "# c");
}

#[test]
fn problem_spans_are_whole_characters_inside_the_text() {
    // Found by fuzzing: an error "at the next character" at the end of the text or before a
    // multi-byte character.
    for text in ["&", "&é", "a: !<x>é", "*", "key: &a\u{1F642}"] {
        let doc = parse(text.to_string());
        assert!(!doc.problems().is_empty(), "{text:?}");
        for problem in doc.problems() {
            let range = problem.span.range();
            assert!(text.get(range.clone()).is_some(), "{text:?}: {problem:?}");
        }
    }
}

#[test]
fn an_empty_node_sits_after_its_properties() {
    // Found by fuzzing: the null after `key: &anchor` started before its own anchor, so a
    // fix filling it in wrote the value in front of the anchor.
    let doc = parse("key: &anchor\nother: !!str\n".to_string());
    let root = doc.root().unwrap();
    for (key, props) in [("key", "&anchor"), ("other", "!!str")] {
        let value = doc.node(doc.get(root, key).unwrap().value);
        assert!(value.span.is_empty());
        let props_start = value.props_start as usize;
        assert_eq!(&doc.text()[props_start..value.span.start as usize], props);
    }
}

#[test]
fn properties_on_the_line_before_an_implicit_key_belong_to_its_mapping() {
    // Found by fuzzing (it underflowed a column). As libyaml: the anchor on the line before
    // goes to the mapping, the tag on the key's line to the key.
    let doc = parse("&anchor\n!!str key: value\n".to_string());
    assert!(doc.problems().is_empty(), "{:?}", doc.problems());
    let root = doc.root().unwrap();
    assert_eq!(doc.node(root).props_start, 0);
    let key = doc.node(doc.get(root, "key").unwrap().key);
    assert_eq!((key.props_start, key.tag), (8, Tag::Str));
    // On the key's own line too, at the start of a document or after `key:` on a new line.
    for text in [
        "!!str key: value\n",
        "&a key: value\n",
        "top: &m\n  !!str key: value\n",
    ] {
        let doc = parse(text.to_string());
        assert!(doc.problems().is_empty(), "{text:?}: {:?}", doc.problems());
    }
    // Not a key: the node gets both.
    let doc = parse("&anchor\n!!str value\n".to_string());
    let node = doc.node(doc.root().unwrap());
    assert_eq!((node.props_start, node.tag), (0, Tag::Str));
}

#[test]
fn merge_keys_follow_go_yaml_v2() {
    let doc = parse(
        "a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nc:\n  p: 0\n  <<: [*a, *b]\n  s: 3\n".into(),
    );
    let root = doc.root().unwrap();
    let c = doc.get(root, "c").unwrap().value;
    let get = |k: &str| doc.get(c, k).and_then(|e| doc.scalar_text(e.value));
    // The merge is written after `p: 0`, so it overwrites it; earlier sources win.
    assert_eq!(get("p"), Some("1"));
    assert_eq!(get("q"), Some("1"));
    assert_eq!(get("r"), Some("2"));
    assert_eq!(get("s"), Some("3"));
    assert_eq!(get("nope"), None);
    let keys: Vec<_> = doc
        .effective_entries(c)
        .into_iter()
        .map(|(k, e)| format!("{k}={}", doc.scalar_text(e.value).unwrap()))
        .collect();
    assert_eq!(keys, ["p=1", "q=1", "r=2", "s=3"]);
}

#[test]
fn keys_are_json_keys_as_kubernetes_sees_them() {
    // go-yaml reads `y` as true, so this key is "true", not "y".
    let doc = parse("y: 1\n0x10: 2\n".into());
    let root = doc.root().unwrap();
    assert!(doc.get(root, "y").is_none());
    assert!(doc.get(root, "true").is_some());
    assert!(doc.get(root, "16").is_some());
}

#[test]
fn duplicate_keys_warn_and_the_last_wins() {
    let doc = parse("a: 1\nb: 2\na: 3\n".into());
    let root = doc.root().unwrap();
    assert_eq!(
        doc.scalar_text(doc.get(root, "a").unwrap().value),
        Some("3")
    );
    let warning = &doc.problems()[0];
    assert_eq!(warning.kind, ProblemKind::Warning);
    assert_eq!(doc.slice(warning.span), "a");
    assert!(doc.is_complete());
}

#[test]
fn hostile_input_is_bounded() {
    let deep_flow = "[".repeat(100_000);
    let doc = parse(deep_flow);
    assert_eq!(doc.problems()[0].kind, ProblemKind::Limit);

    let doc = parse("- ".repeat(100_000));
    assert_eq!(doc.problems()[0].kind, ProblemKind::Limit);

    let mut deep_block = String::new();
    for i in 0..2_000 {
        deep_block.push_str(&" ".repeat(i));
        deep_block.push_str("a:\n");
    }
    let doc = parse(deep_block);
    assert_eq!(doc.problems()[0].kind, ProblemKind::Limit);

    let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let doc = parse(laughs);
    assert!(
        doc.problems()
            .iter()
            .any(|p| p.message.contains("excessive aliasing")),
        "{:?}",
        doc.problems()
    );

    let doc = parse("a: &a [*a]\n".into());
    assert!(doc.problems()[0].message.contains("contains itself"));

    let long_line = format!("a: {}\n", "x".repeat(5_000_000));
    let doc = parse(long_line);
    assert!(doc.is_complete());

    let doc = parse("a: b\0c\n".into());
    assert_eq!(
        doc.problems()[0].message,
        "control characters are not allowed"
    );
}
