//! Quick fixes: for each violation, every fix the server offers (and its two suppressions) is
//! applied and judged by fix-all's own rule; then fix-all itself runs on each document, as
//! `check --fix` runs it.
#![no_main]

mod common;

use common::File;
use libfuzzer_sys::fuzz_target;
use podsec_lsp::analysis::{Diagnostic, analyze};
use podsec_lsp::fix::{Layout, TextEdit, apply, fix_all, fixes, suppress_document, suppress_field};
use podsec_lsp::yaml::{self, Document};

/// Fixes tried per input: each costs a parse and an analysis.
const MAX_TRIALS: usize = 24;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = File::new(text);
    let resolver = file.resolver();
    let mut trials = 0;
    for segment in &file.segments {
        let piece = &text[segment.start..segment.end];
        let place = file.place(segment.start);
        let run = |doc: &Document| analyze(doc, &place, &resolver).diagnostics;
        let doc = yaml::parse(piece.to_string());
        let diagnostics = run(&doc);
        let layout = Layout::of(&doc);

        for d in &diagnostics {
            let Some(v) = &d.violation else { continue };
            let mut offered: Vec<(String, Vec<TextEdit>)> = fixes(&doc, v.check, &v.fault)
                .into_iter()
                .map(|f| (f.title, f.edits))
                .collect();
            // A podsec:ignore comment for this field, and for the whole document, are also
            // offered for every violation (the first where a comment line can go): they too
            // must remove the finding.
            if let Some(edit) = suppress_field(&layout, d.span.start as usize, v.check) {
                offered.push(("ignore here".into(), vec![edit]));
            }
            offered.push((
                "ignore in document".into(),
                vec![suppress_document(&layout, v.check)],
            ));
            for (title, edits) in offered {
                if trials == MAX_TRIALS {
                    break;
                }
                trials += 1;
                check_fix(piece, &diagnostics, d, &title, &edits, &run);
            }
        }

        // Fix-all terminates (its rounds are bounded), applies only preferred fixes, and never
        // leaves a document that parsed one that does not; it leaves one that did not parse as
        // it was (`check --fix` concatenates its results into the file).
        let mut analyze_one = |doc: &Document| run(doc);
        let fixed = fix_all(piece, &mut analyze_one);
        assert!(fixed.applied.len() <= 500);
        assert!(fixed.applied.iter().all(|f| f.preferred));
        let after = yaml::parse(fixed.text.clone());
        if doc.is_complete() {
            assert!(
                after.is_complete(),
                "fix-all broke the document:\n{}",
                fixed.text
            );
            // What fix-all leaves is analysed without panicking, by the server as by `check`.
            let _ = run(&after);
        } else {
            assert_eq!(
                fixed.text, piece,
                "fix-all changed a document that does not parse"
            );
        }
    }
});

fn check_fix(
    piece: &str,
    before: &[Diagnostic],
    d: &Diagnostic,
    title: &str,
    edits: &[TextEdit],
    run: &dyn Fn(&Document) -> Vec<Diagnostic>,
) {
    // Edits are applied by the client (and by `apply`) as slices of the text: each must be in
    // bounds and on character boundaries, and they must not overlap (LSP forbids it).
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    for e in &sorted {
        assert!(
            e.start <= e.end && e.end <= piece.len(),
            "{title}: edit {e:?} out of bounds"
        );
        assert!(
            piece.is_char_boundary(e.start) && piece.is_char_boundary(e.end),
            "{title}: edit {e:?} splits a character"
        );
    }
    for pair in sorted.windows(2) {
        assert!(
            pair[0].end <= pair[1].start,
            "{title}: edits {pair:?} overlap"
        );
    }
    let fixed = apply(piece, edits);
    let after = yaml::parse(fixed.clone());
    let remaining = run(&after);
    // The fix removes its finding, by fix-all's own rule: the result parses, and fewer
    // diagnostics carry the finding's message (a fix that fails it is refused by fix-all,
    // but the server offers it as a quick fix all the same).
    let count = |ds: &[Diagnostic]| ds.iter().filter(|x| x.message == d.message).count();
    assert!(
        after.is_complete(),
        "{title}: the fixed document does not parse: {:?}\n--- before\n{piece}\n--- after\n{fixed}",
        after.problems()
    );
    assert!(
        count(&remaining) < count(before),
        "{title}: the finding remains: {}\n--- before\n{piece}\n--- after\n{fixed}",
        d.message
    );
}
