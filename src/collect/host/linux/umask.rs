//! The default umask of login sessions (ACC-10): `session` lines of the PAM
//! files of policy LNX-UMK-001 that use pam_umask (and their `umask=`). The
//! login.defs `UMASK` is read with the other login.defs settings
//! ([`super::passwords::LoginDefs`]).

use crate::collect::host::conf::{FileRef, HostError, Line, read_opt};
use crate::rootfs::RootFs;

#[derive(Clone, Debug, PartialEq)]
pub struct PamUmask {
    /// The `umask=` argument, if any.
    pub umask: Option<String>,
    pub line: Line,
}

#[derive(Clone, Debug, Default)]
pub struct SessionUmask {
    pub files: Vec<FileRef>,
    pub lines: Vec<PamUmask>,
}

pub fn parse_session(file: &FileRef, text: &str, module: &str, into: &mut Vec<PamUmask>) {
    for l in super::pam::lines(text, "session") {
        if l.module != module {
            continue;
        }
        into.push(PamUmask {
            umask: l
                .args
                .iter()
                .rev()
                .find_map(|a| a.strip_prefix("umask="))
                .map(str::to_string),
            line: Line::new(file, l.n, &l.text),
        });
    }
}

/// `None` when none of the PAM files exists.
pub fn collect(fs: &RootFs) -> Option<Result<SessionUmask, HostError>> {
    use crate::catalogue::policies::{Check, policy};
    let Check::DefaultUmask {
        pam_files, module, ..
    } = &policy("LNX-UMK-001").check
    else {
        unreachable!("LNX-UMK-001 is a default_umask check (policies/accounts.yaml)");
    };
    let mut s = SessionUmask::default();
    for p in pam_files {
        match read_opt(fs, p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                parse_session(&fr, &f.text(), module, &mut s.lines);
                s.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    (!s.files.is_empty()).then_some(Ok(s))
}

/// Reads an octal mask (`027`, `0027`, `27`); `None` when it is not one.
pub fn parse_mask(v: &str) -> Option<u32> {
    let v = v.trim();
    if v.is_empty() || v.len() > 4 || !v.chars().all(|c| ('0'..='7').contains(&c)) {
        return None;
    }
    u32::from_str_radix(v, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pam_umask_lines_and_masks() {
        let f = FileRef {
            kind: crate::model::EvidenceKind::Config,
            path: "/etc/pam.d/common-session".into(),
            sha256: "x".into(),
        };
        let mut v = Vec::new();
        parse_session(
            &f,
            "session optional pam_umask.so\n#session optional pam_umask.so umask=077\nsession optional /lib/security/pam_umask.so usergroups umask=0027\nauth optional pam_umask.so umask=0\n",
            "pam_umask.so",
            &mut v,
        );
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].umask, None);
        assert_eq!(v[1].umask.as_deref(), Some("0027"));
        assert_eq!(parse_mask("027"), Some(0o027));
        assert_eq!(parse_mask("0077"), Some(0o077));
        assert_eq!(parse_mask("u=rwx"), None);
        assert_eq!(parse_mask("0998"), None);
    }
}
