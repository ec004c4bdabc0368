//! What a test needs from the machine: root, a system tool, a kernel feature.
//!
//! The suite runs as root (CONTRIBUTING.md says why). When something is missing a
//! test must never pass quietly: under CI (`CI` set) it fails with the reason;
//! elsewhere it is skipped with a loud banner. Included by every helper module
//! (`tests/common`, `tests/walk_common`, `tests/host_support`) so there is one copy.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// The test cannot run here because of `why`: a failure under CI, a loud skip
/// elsewhere. Returns false so callers can write `if !cannot_run(..) { return; }`
/// style guards through the `need_*` helpers below.
pub fn cannot_run(why: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set but {why}; the suite runs as root with the tools .ci/run installs");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: {why}.\n\
         This behaviour was NOT checked on this machine (see CONTRIBUTING.md).\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    false
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// True when we are root; otherwise `cannot_run` (fails under CI).
pub fn need_root(what: &str) -> bool {
    is_root() || cannot_run(&format!("not root: {what} needs root"))
}

/// `chown` that must work: the tests calling it build ownership a check depends on,
/// so a failure (not root) stops the test with the reason instead of letting an
/// assertion fail for an unrelated-looking cause.
pub fn chown(p: &Path, uid: u32, gid: u32) -> bool {
    match std::os::unix::fs::chown(p, Some(uid), Some(gid)) {
        Ok(()) => true,
        Err(e) => panic!(
            "chown {uid}:{gid} {}: {e}; the suite runs as root (CONTRIBUTING.md)",
            p.display()
        ),
    }
}

/// `setfacl ARGS… PATH`. False only when setfacl is missing outside CI (a loud
/// skip); under CI a missing setfacl fails, and a failing setfacl always fails.
pub fn setfacl(args: &[&str], p: &Path) -> bool {
    match Command::new("setfacl").args(args).arg(p).status() {
        Ok(s) if s.success() => true,
        Ok(s) => panic!("setfacl {args:?} {} failed: {s}", p.display()),
        Err(e) => cannot_run(&format!(
            "setfacl is not available ({e}); install the acl package"
        )),
    }
}

/// Runs the binary as nobody (uid/gid 65534) when we are root, so permission
/// checks apply; `None` (a loud skip, a failure under CI) when that is impossible. The
/// binary is copied to a temp dir when nobody cannot reach the build folder; keep
/// the returned guard alive while the command runs.
pub fn as_nobody() -> Option<(Command, Option<tempfile::TempDir>)> {
    let mut exe = std::path::PathBuf::from(env!("CARGO_BIN_EXE_timaudit"));
    if !is_root() {
        return Some((Command::new(exe), None));
    }
    let runs = |b: &Path| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(b)
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    let mut guard = None;
    if !runs(&exe) {
        let d = tempfile::tempdir().unwrap();
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let copy = d.path().join("timaudit");
        std::fs::copy(&exe, &copy).unwrap();
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        if !runs(&copy) {
            cannot_run("setpriv cannot run timaudit as uid 65534 (util-linux)");
            return None;
        }
        exe = copy;
        guard = Some(d);
    }
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(exe);
    Some((c, guard))
}
