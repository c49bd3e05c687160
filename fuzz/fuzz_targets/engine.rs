//! The engine, as `podsec-lsp check` runs it on one file: split, index the file's Namespaces,
//! parse and analyse each document under restricted:latest (enforce), restricted:v1.20 (warn) and
//! baseline:v1.10 (audit); then the language server's position conversion of every diagnostic.
#![no_main]

mod common;

use common::{File, assert_span, reference_position};
use libfuzzer_sys::fuzz_target;
use podsec_lsp::analysis::{Code, Severity, analyze, may_declare_namespace, namespace_declaration};
use podsec_lsp::policy::Level;
use podsec_lsp::resolve::Mode;
use podsec_lsp::server::Encoding;
use podsec_lsp::yaml::{self, ProblemKind};
use ropey::Rope;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = File::new(text);
    let resolver = file.resolver();
    let rope = Rope::from_str(text);

    for segment in &file.segments {
        let piece = &text[segment.start..segment.end];
        let place = file.place(segment.start);
        let doc = yaml::parse(piece.to_string());
        let report = analyze(&doc, &place, &resolver);

        // `check` and the server skip parsing documents that cannot name a Namespace; the
        // textual pre-filter must never hide a real declaration.
        if !may_declare_namespace(piece) {
            assert!(
                namespace_declaration(&doc, &place).is_none(),
                "pre-filter hid a Namespace"
            );
        }
        // A document not read to its end says why, and is not evaluated on half a tree.
        if !doc.is_complete() {
            assert!(
                report
                    .diagnostics
                    .iter()
                    .any(|d| matches!(d.code, Code::YamlSyntax | Code::AnalysisLimit))
            );
            assert!(report.diagnostics.iter().all(|d| d.violation.is_none()));
            assert!(
                doc.problems()
                    .iter()
                    .any(|p| p.kind != ProblemKind::Warning)
            );
        }
        // Outputs list diagnostics in text order (the server diffs and caches them in order).
        assert!(
            report
                .diagnostics
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start)
        );

        for d in &report.diagnostics {
            // The span is sliced by the human output and the hover: in bounds, on characters.
            assert_span(piece, d.span, d);
            // Lines and columns agree with the text, counted independently, in the document
            // and (shifted as `check` shifts them) in the file.
            let (start, end) = (d.span.start as usize, d.span.end as usize);
            assert_eq!(
                d.range.start,
                reference_position(piece, start),
                "{}",
                d.message
            );
            assert_eq!(d.range.end, reference_position(piece, end), "{}", d.message);
            let in_file = d.range.shifted(place.first_line.into());
            assert_eq!(
                in_file.start,
                reference_position(text, segment.start + start)
            );
            assert_eq!(in_file.end, reference_position(text, segment.start + end));

            // The server's conversion: a diagnostic's position in either encoding is the
            // rope's position of the same byte, and converts back to that byte (except inside
            // a CRLF, which the client cannot address).
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                for (at, offset) in [(d.range.start, start), (d.range.end, end)] {
                    let offset = segment.start + offset;
                    let lsp = encoding.position(at, place.first_line);
                    let from_rope = encoding.lsp_position(&rope, offset);
                    assert_eq!(
                        (lsp.line, lsp.character),
                        (from_rope.line, from_rope.character),
                        "{encoding:?} position of byte {offset}"
                    );
                    let inside_crlf = text.as_bytes().get(offset.wrapping_sub(1)) == Some(&b'\r')
                        && text.as_bytes().get(offset) == Some(&b'\n');
                    if !inside_crlf {
                        assert_eq!(
                            encoding.offset(&rope, lsp),
                            offset,
                            "{encoding:?} round trip"
                        );
                    }
                }
            }
            // Related locations (the label that set the policy) point into this file's lines.
            for related in &d.related {
                let r = related.location.range;
                assert!((r.start.line as usize) < file.lines.line_count());
                let line = file.lines.line_text(text, r.start.line as usize);
                assert!(r.start.byte_col as usize <= line.len());
            }
            // A PSA violation is reported with its mode's severity and wording, by a workload
            // evaluated at a level that restricts something.
            if let Some(v) = &d.violation {
                assert!(report.workload && report.kind.is_some());
                assert_eq!(d.code, Code::Check(v.check));
                assert_eq!(d.severity, Severity::of_mode(v.mode));
                assert_ne!(v.policy.level, Level::Privileged);
                let verb = if v.mode == Mode::Enforce {
                    "violates"
                } else {
                    "would violate"
                };
                assert!(
                    d.message
                        .starts_with(&format!("{verb} PodSecurity \"{}\"", v.policy))
                );
            }
        }
    }
});
