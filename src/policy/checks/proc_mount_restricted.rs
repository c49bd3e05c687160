//! The restricted level requires the default /proc masks even in a user namespace.
//! Fields: every container's `securityContext.procMount`. Allowed: unset, "Default".

use super::prelude::*;
use super::proc_mount::proc_mount_v1_0;

pub const CHECK: Check = Check {
    id: CheckId::ProcMountRestricted,
    level: Level::Restricted,
    versions: &[VersionedCheck::overriding(
        35,
        proc_mount_v1_0,
        &[CheckId::ProcMount],
    )],
};
