//! fail2ban jails with fail2ban's precedence: `jail.conf` < `jail.d/*.conf` <
//! `jail.local` < `jail.d/*.local`; a jail's own `enabled` beats `[DEFAULT]`.

use crate::collect::host::conf::{FileRef, HostError, Line, parse_bool, read_opt};
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

/// One INI file as Python's configparser reads it: sections, `key = value` or
/// `key: value`, indented continuation lines, `#`/`;` comment lines and inline
/// comments after whitespace.
pub fn parse_ini(file: &FileRef, text: &str) -> Vec<(String, String, String, Line)> {
    let mut out: Vec<(String, String, String, Line)> = Vec::new();
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let t = raw.trim();
        if t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if raw.starts_with(char::is_whitespace) && !out.is_empty() {
            // Continuation of the previous value.
            if let Some(last) = out.last_mut()
                && last.0 == section
            {
                last.2.push('\n');
                last.2.push_str(strip_inline(t));
            }
            continue;
        }
        if t.starts_with('[') {
            if let Some(end) = t.find(']') {
                section = t[1..end].trim().to_string();
            }
            continue;
        }
        let sep = t.find(['=', ':']);
        if let Some(p) = sep {
            let k = t[..p].trim().to_ascii_lowercase();
            let v = strip_inline(t[p + 1..].trim()).trim().to_string();
            out.push((section.clone(), k, v, Line::new(file, i + 1, raw)));
        }
    }
    out
}

fn strip_inline(v: &str) -> &str {
    let b = v.as_bytes();
    for i in 0..b.len() {
        if (b[i] == b'#' || b[i] == b';') && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return v[..i].trim_end();
        }
    }
    v
}

#[derive(Clone, Debug, PartialEq)]
pub struct Jail {
    pub name: String,
    pub enabled: bool,
    /// The line that decided it (the jail's own, or `[DEFAULT]`'s); None = built-in false.
    pub line: Option<Line>,
}

#[derive(Clone, Debug, Default)]
pub struct Fail2ban {
    pub files: Vec<FileRef>,
    pub jails: Vec<Jail>,
    /// `enabled` values that are not booleans (fail2ban refuses the jail).
    pub bad_values: Vec<Line>,
}

/// The jail files in fail2ban's reading order (later files override): the
/// `files:` of policy LNX-IDS-002 (`policies/ids.yaml`), a `DIR/*SUFFIX`
/// entry standing for that folder's files.
fn jail_files() -> &'static [String] {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-IDS-002").check {
        Check::Fail2banJail { files } => files,
        _ => unreachable!("LNX-IDS-002 is a fail2ban_jail check (policies/ids.yaml)"),
    }
}

pub fn collect(fs: &RootFs) -> Option<Result<Fail2ban, HostError>> {
    let paths = match crate::collect::host::conf::listed_files(fs, jail_files()) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let mut f2b = Fail2ban::default();
    let mut entries = Vec::new();
    for p in paths {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                entries.extend(parse_ini(&fr, &f.text()));
                f2b.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    if f2b.files.is_empty() {
        return None;
    }
    resolve(&mut f2b, entries);
    Some(Ok(f2b))
}

/// Applies the layers in order: the last value of `enabled` wins per section.
pub fn resolve(f2b: &mut Fail2ban, entries: Vec<(String, String, String, Line)>) {
    let mut default: Option<(String, Line)> = None;
    let mut per: BTreeMap<String, Option<(String, Line)>> = BTreeMap::new();
    for (sec, k, v, l) in entries {
        if sec.eq_ignore_ascii_case("INCLUDES") || sec.is_empty() {
            continue;
        }
        let slot = if sec == "DEFAULT" {
            &mut default
        } else {
            per.entry(sec).or_default()
        };
        if k == "enabled" {
            *slot = Some((v, l));
        }
    }
    for (name, own) in per {
        let decided = own.or_else(|| default.clone());
        let (enabled, line) = match decided {
            Some((v, l)) => match parse_bool(&v) {
                Some(b) => (b, Some(l)),
                None => {
                    f2b.bad_values.push(l.clone());
                    (false, Some(l))
                }
            },
            None => (false, None),
        };
        f2b.jails.push(Jail {
            name,
            enabled,
            line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::root;
    use super::*;

    #[test]
    fn the_jail_files_come_from_the_policy_in_fail2ban_order() {
        let d = tempfile::tempdir().unwrap();
        let jd = d.path().join("etc/fail2ban/jail.d");
        std::fs::create_dir_all(&jd).unwrap();
        for f in ["b.local", "a.conf", "a.local", "z.conf", "x.txt"] {
            std::fs::write(jd.join(f), "").unwrap();
        }
        let fs = RootFs::new(d.path());
        assert_eq!(
            crate::collect::host::conf::listed_files(&fs, jail_files()).unwrap(),
            [
                "/etc/fail2ban/jail.conf",
                "/etc/fail2ban/jail.d/a.conf",
                "/etc/fail2ban/jail.d/z.conf",
                "/etc/fail2ban/jail.local",
                "/etc/fail2ban/jail.d/a.local",
                "/etc/fail2ban/jail.d/b.local"
            ]
        );
    }

    #[test]
    fn the_fail2ban_stress_test_config_parses() {
        let t = std::fs::read_to_string("tests/fixtures/corpus/fail2ban-tests-jail.conf").unwrap();
        let d = root(&[("/etc/fail2ban/jail.conf", &t)]);
        let f = collect(&RootFs::new(d.path())).unwrap().unwrap();
        let on: Vec<&str> = f
            .jails
            .iter()
            .filter(|j| j.enabled)
            .map(|j| j.name.as_str())
            .collect();
        assert!(on.contains(&"emptyaction"));
        assert!(on.contains(&"missinglogfiles"));
        assert!(on.contains(&"parse_to_end_of_jail.conf"));
        assert!(!on.contains(&"multi-log"));
        assert!(!on.contains(&"special"));
        assert!(f.bad_values.is_empty());
    }

    #[test]
    fn precedence_conf_then_d_conf_then_local_then_d_local() {
        let d = root(&[
            (
                "/etc/fail2ban/jail.conf",
                "[DEFAULT]\nenabled = false\n[sshd]\nport = ssh\n[apache]\nport = http\n",
            ),
            (
                "/etc/fail2ban/jail.d/defaults-debian.conf",
                "[sshd]\nenabled = true\n",
            ),
            (
                "/etc/fail2ban/jail.local",
                "[sshd]\nenabled = false ; off for now\n[apache]\nenabled = true\n",
            ),
            ("/etc/fail2ban/jail.d/zz.local", "[apache]\nenabled: no\n"),
        ]);
        let f = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(f.jails.iter().all(|j| !j.enabled));
        let ssh = f.jails.iter().find(|j| j.name == "sshd").unwrap();
        assert_eq!(ssh.line.as_ref().unwrap().path, "/etc/fail2ban/jail.local");
        let d = root(&[
            (
                "/etc/fail2ban/jail.conf",
                "[DEFAULT]\nenabled = false\n[sshd]\nport = ssh\n",
            ),
            (
                "/etc/fail2ban/jail.d/defaults-debian.conf",
                "[sshd]\nenabled = true\n",
            ),
        ]);
        let f = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(f.jails.iter().any(|j| j.name == "sshd" && j.enabled));
    }
}
