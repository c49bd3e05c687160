//! The Pod Security Standards as PSA implements them: levels, versions, the 19 checks and the
//! registry that picks them.

mod check;
mod checks;
mod docs;
mod level;
mod registry;

pub use check::{CheckId, Fault, Finding, Outcome, Owner, format_result};
pub use checks::allowed_sysctls;
pub use docs::{CheckDoc, STANDARDS_URL, check_doc};
pub use level::{Level, LevelVersion, NEWEST_MINOR, Version};
pub use registry::{Violation, active_checks, aggregate_message, evaluate};
