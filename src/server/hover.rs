//! Hover on a flagged field: the rule, what is allowed, the policy and where it came from.

use crate::analysis::{Code, Diagnostic};
use crate::policy::check_doc;

/// Markdown explaining the diagnostics at the cursor, or `None` if none is a PSA finding.
pub fn explain(diagnostics: &[&Diagnostic]) -> Option<String> {
    let mut sections = Vec::new();
    for d in diagnostics {
        let (Code::Check(id), Some(violation)) = (d.code, &d.violation) else {
            continue;
        };
        let doc = check_doc(id);
        let mut text = format!(
            "**{}** · `{}` ({} level)\n\n{}\n\n{}\n\n- **Checked:** {}\n- **Allowed:** {}\n- **Policy:** `{}` in {} mode",
            doc.title,
            id,
            doc.level,
            violation.finding,
            doc.summary,
            doc.fields,
            doc.allowed,
            violation.policy,
            violation.mode,
        );
        text.push_str(&format!("\n- **Set by:** {}", violation.set_by));
        for related in &d.related {
            text.push_str(&format!(
                "\n- {} ({}:{})",
                related.message,
                related.location.path.display(),
                related.location.range.start.line + 1
            ));
        }
        if let Some(why) = doc.no_fix {
            text.push_str(&format!("\n\nNo automatic fix: {why}."));
        }
        text.push_str(&format!(
            "\n\n[Pod Security Standards: {}]({})",
            doc.title,
            doc.url()
        ));
        sections.push(text);
    }
    (!sections.is_empty()).then(|| sections.join("\n\n---\n\n"))
}
