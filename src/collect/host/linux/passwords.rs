//! Password length rules: `pwquality.conf` (+ `.d`), the PAM password stack
//! (`pam_pwquality.so` / `pam_cracklib.so` arguments) and `login.defs`.

use crate::collect::host::conf::{FileRef, HostError, Line, key_values, read_opt};
use crate::rootfs::RootFs;

#[derive(Clone, Debug, Default)]
pub struct Pwquality {
    pub files: Vec<FileRef>,
    /// The effective `minlen` (later files override) and its line.
    pub minlen: Option<(String, Line)>,
}

/// The settings libpwquality knows; the flags take no value.
const PWQ_SETTINGS: &[&str] = &[
    "difok",
    "minlen",
    "dcredit",
    "ucredit",
    "lcredit",
    "ocredit",
    "minclass",
    "maxrepeat",
    "maxsequence",
    "maxclassrepeat",
    "gecoscheck",
    "dictcheck",
    "usercheck",
    "usersubstr",
    "enforcing",
    "badwords",
    "dictpath",
    "retry",
];
const PWQ_FLAGS: &[&str] = &["enforce_for_root", "local_users_only"];

/// libpwquality stops reading its configuration at an unknown setting or a
/// malformed line and pam_pwquality then uses the built-in defaults: an error
/// at that line, so the file's `minlen` is never trusted past it.
fn check_pwquality(fr: &FileRef, text: &str) -> Result<(), HostError> {
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let bad = match t.split_once('=') {
            Some((k, v)) => {
                let k = k.trim();
                if !PWQ_SETTINGS.contains(&k) {
                    Some(format!("unknown setting `{k}`"))
                } else if k != "badwords" && k != "dictpath" && v.trim().parse::<i64>().is_err() {
                    Some(format!("`{k}` needs a number, not `{}`", v.trim()))
                } else {
                    None
                }
            }
            None if PWQ_FLAGS.contains(&t) => None,
            None => Some(format!(
                "not a setting: `{}`",
                crate::collect::host::conf::excerpt(t)
            )),
        };
        if let Some(m) = bad {
            return Err(HostError::at(
                &fr.path,
                i + 1,
                format!("{m} (libpwquality stops reading the file; built-in defaults apply)"),
            ));
        }
    }
    Ok(())
}

/// Policy LNX-PWD-001 (`policies/passwords.yaml`): the single source of the
/// pwquality and PAM paths.
fn minlen_policy() -> (&'static [String], &'static [String]) {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-PWD-001").check {
        Check::PasswordMinlen {
            conf_files,
            pam_files,
            ..
        } => (conf_files, pam_files),
        _ => unreachable!("LNX-PWD-001 is a password_minlen check (policies/passwords.yaml)"),
    }
}

/// Reads the `conf_files:` of policy LNX-PWD-001 (a `*.conf` pattern: its folder's files).
pub fn collect_pwquality(fs: &RootFs) -> Option<Result<Pwquality, HostError>> {
    let paths = match crate::collect::host::conf::listed_files(fs, minlen_policy().0) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let mut pq = Pwquality::default();
    for p in paths {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                if let Err(e) = check_pwquality(&fr, &f.text()) {
                    return Some(Err(e));
                }
                for (k, v, l) in key_values(&fr, &f.text(), false) {
                    if k == "minlen" {
                        pq.minlen = Some((v, l));
                    }
                }
                pq.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    (!pq.files.is_empty()).then_some(Ok(pq))
}

/// A `password` line of a PAM file that uses pwquality or cracklib.
#[derive(Clone, Debug, PartialEq)]
pub struct PamQuality {
    /// `pam_pwquality.so` or `pam_cracklib.so`.
    pub module: String,
    pub minlen: Option<String>,
    pub line: Line,
}

#[derive(Clone, Debug, Default)]
pub struct Pam {
    pub files: Vec<FileRef>,
    pub modules: Vec<PamQuality>,
}

pub fn parse_pam(file: &FileRef, text: &str, into: &mut Vec<PamQuality>) {
    for l in super::pam::lines(text, "password") {
        if l.module != "pam_pwquality.so" && l.module != "pam_cracklib.so" {
            continue;
        }
        let minlen = l
            .args
            .iter()
            .find_map(|a| a.strip_prefix("minlen="))
            .map(str::to_string);
        into.push(PamQuality {
            module: l.module,
            minlen,
            line: Line::new(file, l.n, &l.text),
        });
    }
}

/// Reads the `pam_files:` of policy LNX-PWD-001.
pub fn collect_pam(fs: &RootFs) -> Option<Result<Pam, HostError>> {
    let mut pam = Pam::default();
    for p in minlen_policy().1 {
        match read_opt(fs, p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                parse_pam(&fr, &f.text(), &mut pam.modules);
                pam.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    (!pam.files.is_empty()).then_some(Ok(pam))
}

/// `login.defs` (whitespace-separated). Shown as context: PAM-based `passwd`
/// ignores `PASS_MIN_LEN`.
#[derive(Clone, Debug, Default)]
pub struct LoginDefs {
    pub file: Option<FileRef>,
    pub pass_min_len: Option<(String, Line)>,
    pub pass_max_days: Option<(String, Line)>,
    /// `UMASK`: the default permission mask of new files (ACC-10).
    pub umask: Option<(String, Line)>,
}

impl LoginDefs {
    /// `PASS_MAX_DAYS`, or shadow's built-in default 99999 (never expires).
    pub fn max_days(&self) -> i64 {
        self.pass_max_days
            .as_ref()
            .and_then(|(v, _)| v.parse().ok())
            .unwrap_or(99_999)
    }
}

pub fn parse_login_defs(file: &FileRef, text: &str) -> LoginDefs {
    let mut d = LoginDefs {
        file: Some(file.clone()),
        ..Default::default()
    };
    for (k, v, l) in key_values(file, text, true) {
        match k.as_str() {
            "PASS_MIN_LEN" => d.pass_min_len = Some((v, l)),
            "PASS_MAX_DAYS" => d.pass_max_days = Some((v, l)),
            "UMASK" => d.umask = Some((v, l)),
            _ => {}
        }
    }
    d
}

/// login.defs's path: the `files:` of policy LNX-UMK-001 (policies/accounts.yaml).
pub fn login_defs_path() -> &'static str {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-UMK-001").check {
        Check::DefaultUmask { files, .. } => files[0].as_str(),
        _ => unreachable!("LNX-UMK-001 is a default_umask check (policies/accounts.yaml)"),
    }
}

pub fn collect_login_defs(fs: &RootFs) -> Option<Result<LoginDefs, HostError>> {
    match read_opt(fs, login_defs_path()) {
        Ok(Some(f)) => Some(Ok(parse_login_defs(&FileRef::of(&f), &f.text()))),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

    #[test]
    fn the_password_paths_come_from_the_policy() {
        let (conf, pam) = minlen_policy();
        assert_eq!(
            conf,
            [
                "/etc/security/pwquality.conf",
                "/etc/security/pwquality.conf.d/*.conf"
            ]
        );
        assert_eq!(
            pam,
            ["/etc/pam.d/common-password", "/etc/pam.d/system-auth"]
        );
        // The pattern is expanded to its folder's files, after the main file.
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("etc/security/pwquality.conf.d")).unwrap();
        for f in ["b.conf", "a.conf", "c.txt"] {
            std::fs::write(d.path().join("etc/security/pwquality.conf.d").join(f), "").unwrap();
        }
        let fs = RootFs::new(d.path());
        assert_eq!(
            crate::collect::host::conf::listed_files(&fs, conf).unwrap(),
            [
                "/etc/security/pwquality.conf",
                "/etc/security/pwquality.conf.d/a.conf",
                "/etc/security/pwquality.conf.d/b.conf"
            ]
        );
    }

    fn fr(p: &str) -> FileRef {
        FileRef {
            kind: EvidenceKind::Config,
            path: p.into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn corpus_pwquality_and_login_defs() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("etc/security/pwquality.conf.d")).unwrap();
        std::fs::write(
            d.path().join("etc/security/pwquality.conf"),
            std::fs::read_to_string("tests/fixtures/corpus/pwquality.conf").unwrap(),
        )
        .unwrap();
        let fs = RootFs::new(d.path());
        let pq = collect_pwquality(&fs).unwrap().unwrap();
        assert_eq!(pq.minlen.as_ref().unwrap().0, "15");
        std::fs::write(
            d.path().join("etc/security/pwquality.conf.d/90-local.conf"),
            "minlen = 6\n",
        )
        .unwrap();
        let pq = collect_pwquality(&fs).unwrap().unwrap();
        assert_eq!(pq.minlen.as_ref().unwrap().0, "6");
        let t =
            std::fs::read_to_string("tests/fixtures/corpus/login.defs.shadow-upstream").unwrap();
        let ld = parse_login_defs(&fr("/etc/login.defs"), &t);
        assert_eq!(ld.pass_min_len.as_ref().unwrap().0, "5");
        assert!(ld.pass_max_days.is_none());
        assert_eq!(ld.max_days(), 99_999);
    }

    #[test]
    fn pam_lines_with_bracket_controls() {
        let mut v = Vec::new();
        parse_pam(
            &fr("/etc/pam.d/common-password"),
            "#password requisite pam_pwquality.so minlen=20\npassword [success=1 default=ignore] pam_unix.so obscure\npassword\trequisite\t\t\tpam_pwquality.so retry=3 minlen=12\n-password optional /lib/security/pam_cracklib.so\n",
            &mut v,
        );
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].minlen.as_deref(), Some("12"));
        assert_eq!(v[0].line.line, 3);
        assert_eq!(v[1].module, "pam_cracklib.so");
        assert_eq!(v[1].minlen, None);
    }
}
