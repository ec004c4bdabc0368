//! Account lockout after failed logins (ACC-08): `pam_faillock.so` lines of the
//! PAM auth stacks and `faillock.conf`, from the paths of policy LNX-LCK-001.

use crate::collect::host::conf::{FileRef, HostError, Line, read_opt};
use crate::rootfs::RootFs;

/// One `auth` line using the faillock module.
#[derive(Clone, Debug, PartialEq)]
pub struct FaillockLine {
    /// `preauth`, `authfail`, `authsucc`, or empty (pam_faillock(8)'s modes).
    pub mode: String,
    /// Its `deny=` argument, if any.
    pub deny: Option<String>,
    /// Its `conf=` argument (another configuration file), if any.
    pub conf: Option<String>,
    pub line: Line,
}

#[derive(Clone, Debug, Default)]
pub struct Lockout {
    /// The PAM files read.
    pub pam_files: Vec<FileRef>,
    pub lines: Vec<FaillockLine>,
    /// The configuration file, when present.
    pub conf: Option<FileRef>,
    /// Its `deny` (the last assignment wins, as in pam_faillock).
    pub conf_deny: Option<(String, Line)>,
}

/// The PAM files and faillock.conf paths and module name of policy LNX-LCK-001.
fn policy_paths() -> (Vec<&'static str>, Vec<&'static str>, &'static str) {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-LCK-001").check {
        Check::PamFaillock {
            pam_files,
            conf_files,
            module,
            ..
        } => (
            pam_files.iter().map(String::as_str).collect(),
            conf_files.iter().map(String::as_str).collect(),
            module.as_str(),
        ),
        _ => unreachable!("LNX-LCK-001 is a pam_faillock check (policies/accounts.yaml)"),
    }
}

/// The `auth` lines of one PAM file that use `module`.
pub fn parse_pam_auth(file: &FileRef, text: &str, module: &str, into: &mut Vec<FaillockLine>) {
    for l in super::pam::lines(text, "auth") {
        if l.module != module {
            continue;
        }
        let args = &l.args;
        let mode = args
            .iter()
            .find(|a| matches!(a.as_str(), "preauth" | "authfail" | "authsucc"))
            .cloned()
            .unwrap_or_default();
        let arg = |k: &str| {
            args.iter()
                .rev()
                .find_map(|a| a.strip_prefix(k))
                .map(str::to_string)
        };
        into.push(FaillockLine {
            mode,
            deny: arg("deny="),
            conf: arg("conf="),
            line: Line::new(file, l.n, &l.text),
        });
    }
}

/// faillock.conf: `key = value` or a bare flag per line, `#` comments. A line
/// that is neither is skipped by pam_faillock; `deny` must be a number.
pub fn parse_conf(file: &FileRef, text: &str) -> Result<Option<(String, Line)>, HostError> {
    let mut deny = None;
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            continue;
        };
        if k.trim() == "deny" {
            let v = v.trim();
            if v.parse::<u64>().is_err() {
                return Err(HostError::at(
                    &file.path,
                    i + 1,
                    format!("`deny` needs a number, not `{v}`"),
                ));
            }
            deny = Some((v.to_string(), Line::new(file, i + 1, raw)));
        }
    }
    Ok(deny)
}

/// `None` when no PAM file and no faillock.conf exists.
pub fn collect(fs: &RootFs) -> Option<Result<Lockout, HostError>> {
    let (pam_files, conf_files, module) = policy_paths();
    let mut lk = Lockout::default();
    for p in pam_files {
        match read_opt(fs, p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                parse_pam_auth(&fr, &f.text(), module, &mut lk.lines);
                lk.pam_files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    for p in conf_files {
        match read_opt(fs, p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                match parse_conf(&fr, &f.text()) {
                    Ok(d) => lk.conf_deny = d,
                    Err(e) => return Some(Err(e)),
                }
                lk.conf = Some(fr);
                break;
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    (!lk.pam_files.is_empty() || lk.conf.is_some()).then_some(Ok(lk))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::host::linux::testutil::root;

    #[test]
    fn debian_faillock_stack_and_conf() {
        let d = root(&[
            (
                "/etc/pam.d/common-auth",
                "auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so nullok\nauth [default=die] pam_faillock.so authfail deny=4\n#auth required pam_faillock.so deny=0\nauth sufficient /lib/x86_64-linux-gnu/security/pam_faillock.so authsucc\n",
            ),
            (
                "/etc/security/faillock.conf",
                "# deny = 9\ndeny = 5\nsilent\n",
            ),
        ]);
        let lk = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(lk.lines.len(), 3);
        assert_eq!(lk.lines[1].mode, "authfail");
        assert_eq!(lk.lines[1].deny.as_deref(), Some("4"));
        assert_eq!(lk.lines[2].mode, "authsucc");
        assert_eq!(lk.conf_deny.as_ref().unwrap().0, "5");
        assert_eq!(lk.conf_deny.as_ref().unwrap().1.line, 2);
        let d = root(&[("/etc/security/faillock.conf", "deny = many\n")]);
        let e = collect(&RootFs::new(d.path())).unwrap().unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(collect(&RootFs::new(root(&[]).path())).is_none());
    }
}
