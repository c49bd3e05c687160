//! Fix-all: the preferred fix of each violation, applied one at a time, each on the document
//! as the previous fix left it, so that fixes compose (two fixes that both need a
//! `securityContext` do not both create one).

use super::{Fix, fixes};
use crate::analysis::Diagnostic;
use crate::yaml::{self, Document};

/// No document needs more rounds than this; it bounds a fix that would keep finding work.
const MAX_ROUNDS: usize = 500;

/// The text after fix-all, and the fixes it applied.
#[derive(Clone, Debug)]
pub struct FixedText {
    pub text: String,
    pub applied: Vec<Fix>,
}

/// Applies preferred fixes to one YAML document's text until none is left. `analyze` gives the
/// diagnostics of a parsed version of it (with their policy). A fix whose result does not
/// parse, or that does not remove its finding, is undone and not tried again.
pub fn fix_all(text: &str, analyze: &mut dyn FnMut(&Document) -> Vec<Diagnostic>) -> FixedText {
    let mut current = text.to_string();
    let mut applied = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let doc = yaml::parse(current.clone());
        if !doc.is_complete() {
            break;
        }
        let diagnostics = analyze(&doc);
        let next = diagnostics.iter().find_map(|d| {
            let violation = d.violation.as_ref()?;
            if refused.contains(&d.message) {
                return None;
            }
            let fix = fixes(&doc, violation.check, &violation.fault)
                .into_iter()
                .find(|f| f.preferred)?;
            Some((d.message.clone(), fix))
        });
        let Some((message, fix)) = next else { break };
        let fixed = super::apply(&current, &fix.edits);
        let after = yaml::parse(fixed.clone());
        let count = |diagnostics: &[Diagnostic]| {
            diagnostics.iter().filter(|d| d.message == message).count()
        };
        let works = after.is_complete() && count(&analyze(&after)) < count(&diagnostics);
        if works {
            current = fixed;
            applied.push(fix);
        } else {
            refused.push(message);
        }
    }
    FixedText {
        text: current,
        applied,
    }
}
