//! What each check is about, for hovers, SARIF rules and help links.

use super::check::CheckId;
use super::level::Level;

pub const STANDARDS_URL: &str =
    "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

pub struct CheckDoc {
    /// The control's name on the Pod Security Standards page.
    pub title: &'static str,
    pub level: Level,
    /// Why the control exists.
    pub summary: &'static str,
    /// The fields the check reads.
    pub fields: &'static str,
    /// What PSA allows.
    pub allowed: &'static str,
    /// Set when podsec offers no automatic fix, and why.
    pub no_fix: Option<&'static str>,
}

impl CheckDoc {
    /// The Pod Security Standards section that lists this control.
    pub fn url(&self) -> String {
        let anchor = match self.level {
            Level::Restricted => "restricted",
            _ => "baseline",
        };
        format!("{STANDARDS_URL}#{anchor}")
    }
}

pub fn check_doc(id: CheckId) -> CheckDoc {
    use CheckId::*;
    let (title, level, summary, fields, allowed, no_fix) = match id {
        AppArmorProfile => (
            "AppArmor",
            Level::Baseline,
            "Overriding or disabling the default AppArmor profile is restricted.",
            "`securityContext.appArmorProfile.type` of the pod and every container; the pod template's `container.apparmor.security.beta.kubernetes.io/*` annotations",
            "type `RuntimeDefault` or `Localhost`, or unset; annotation `runtime/default`, `localhost/*` or empty",
            None,
        ),
        CapabilitiesBaseline => (
            "Capabilities",
            Level::Baseline,
            "Adding capabilities beyond the runtime's default set is forbidden.",
            "every container's `securityContext.capabilities.add`",
            "AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT (exactly so: no `CAP_` prefix, upper case)",
            None,
        ),
        HostNamespaces => (
            "Host Namespaces",
            Level::Baseline,
            "Sharing the host's network, PID or IPC namespace is forbidden.",
            "`spec.hostNetwork`, `spec.hostPID`, `spec.hostIPC`",
            "false or unset",
            None,
        ),
        HostPathVolumes => (
            "HostPath Volumes",
            Level::Baseline,
            "HostPath volumes give access to the node's file system and are forbidden.",
            "`spec.volumes[*].hostPath`",
            "unset",
            Some(
                "replacing a volume changes what the workload reads and writes; choose a safe volume type (emptyDir, configMap, secret, persistentVolumeClaim…) by hand",
            ),
        ),
        HostPorts => (
            "Host Ports",
            Level::Baseline,
            "Host ports expose the node's network and are forbidden.",
            "every container's `ports[*].hostPort` (on a Pod with `hostNetwork: true`, also `containerPort`, which the API server copies into an unset hostPort)",
            "0 or unset",
            None,
        ),
        HostProbesAndHostLifecycle => (
            "Host Probes / Lifecycle Hooks",
            Level::Baseline,
            "Probes and lifecycle handlers must not reach other hosts.",
            "every container's probes and `lifecycle.postStart`/`preStop` → `httpGet.host`, `tcpSocket.host` (from v1.34)",
            "empty or unset",
            None,
        ),
        Privileged => (
            "Privileged Containers",
            Level::Baseline,
            "Privileged containers disable most security mechanisms and are forbidden.",
            "every container's `securityContext.privileged`",
            "false or unset",
            None,
        ),
        ProcMount => (
            "/proc Mount Type",
            Level::Baseline,
            "The default /proc masks reduce the attack surface and are required, unless the pod runs in a user namespace (`hostUsers: false`, from v1.35).",
            "every container's `securityContext.procMount`",
            "`Default` or unset",
            None,
        ),
        SeLinuxOptions => (
            "SELinux",
            Level::Baseline,
            "Setting a custom SELinux user or role is forbidden, and the type is restricted.",
            "`securityContext.seLinuxOptions.type`, `.user`, `.role` of the pod and every container",
            "type empty, `container_t`, `container_init_t`, `container_kvm_t` (and `container_engine_t` from v1.31); user and role empty",
            None,
        ),
        SeccompProfileBaseline => (
            "Seccomp",
            Level::Baseline,
            "Explicitly disabling seccomp is forbidden.",
            "`securityContext.seccompProfile.type` of the pod and every container (from v1.19; before, the `seccomp.security.alpha.kubernetes.io/*` annotations)",
            "`RuntimeDefault`, `Localhost` or unset (annotations: `runtime/default`, `docker/default`, `localhost/*`)",
            None,
        ),
        Sysctls => (
            "Sysctls",
            Level::Baseline,
            "Sysctls can disable security mechanisms or affect the whole node; only a safe, namespaced subset is allowed.",
            "`spec.securityContext.sysctls[*].name`",
            "kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start; from v1.27 net.ipv4.ip_local_reserved_ports; from v1.29 net.ipv4.tcp_keepalive_time, tcp_fin_timeout, tcp_keepalive_intvl, tcp_keepalive_probes; from v1.32 net.ipv4.tcp_rmem, tcp_wmem; from v1.37 net.ipv4.tcp_slow_start_after_idle, tcp_notsent_lowat",
            None,
        ),
        WindowsHostProcess => (
            "HostProcess",
            Level::Baseline,
            "Windows HostProcess containers have privileged access to the node and are forbidden.",
            "`securityContext.windowsOptions.hostProcess` of the pod and every container",
            "false or unset",
            None,
        ),
        AllowPrivilegeEscalation => (
            "Privilege Escalation",
            Level::Restricted,
            "Privilege escalation (for example through set-user-ID binaries) must be disabled explicitly. Windows pods are exempt from v1.25.",
            "every container's `securityContext.allowPrivilegeEscalation`",
            "false, set explicitly",
            None,
        ),
        CapabilitiesRestricted => (
            "Capabilities",
            Level::Restricted,
            "Containers must drop all capabilities and may add back only NET_BIND_SERVICE. Windows pods are exempt from v1.25.",
            "every container's `securityContext.capabilities.drop` and `.add`",
            "drop includes `ALL`; add is empty or only `NET_BIND_SERVICE`",
            None,
        ),
        ProcMountRestricted => (
            "/proc Mount Type",
            Level::Restricted,
            "The default /proc masks are required, even in a user namespace.",
            "every container's `securityContext.procMount`",
            "`Default` or unset",
            None,
        ),
        RestrictedVolumes => (
            "Volume Types",
            Level::Restricted,
            "Only volume types that cannot reach the node or outside storage directly are allowed.",
            "`spec.volumes[*]`",
            "configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret (a volume with no source is an emptyDir)",
            Some(
                "replacing a volume changes what the workload reads and writes; choose an allowed volume type by hand",
            ),
        ),
        RunAsNonRoot => (
            "Running as Non-root",
            Level::Restricted,
            "Containers must be required to run as non-root users (unless the pod runs in a user namespace, `hostUsers: false`, from v1.35).",
            "`securityContext.runAsNonRoot` of the pod and every container",
            "true; a container may leave it unset when the pod sets true",
            None,
        ),
        RunAsUser => (
            "Running as Non-root user",
            Level::Restricted,
            "Containers must not run as UID 0 (unless the pod runs in a user namespace, from v1.35).",
            "`securityContext.runAsUser` of the pod and every container (from v1.23)",
            "any non-zero UID, or unset",
            None,
        ),
        SeccompProfileRestricted => (
            "Seccomp",
            Level::Restricted,
            "A seccomp profile must be set. Windows pods are exempt from v1.25.",
            "`securityContext.seccompProfile.type` of the pod and every container",
            "`RuntimeDefault` or `Localhost`; a container may leave it unset when the pod sets one",
            None,
        ),
    };
    CheckDoc {
        title,
        level,
        summary,
        fields,
        allowed,
        no_fix,
    }
}
