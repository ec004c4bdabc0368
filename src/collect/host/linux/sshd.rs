//! `sshd_config` read the way sshd reads it: keywords case-insensitive, the first
//! value of a keyword wins, `Include` is expanded where it stands (relative paths
//! under `/etc/ssh`, globs sorted), and settings inside `Match` blocks (other than
//! `Match all`) do not set the global value.

use crate::collect::host::conf::{FileRef, HostError, Line, glob_host, has_glob, read_opt};
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

pub const MAIN: &str = "/etc/ssh/sshd_config";
const MAX_DEPTH: usize = 16;

#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub value: String,
    pub line: Line,
}

#[derive(Clone, Debug, Default)]
pub struct Sshd {
    /// Every file read, in reading order.
    pub files: Vec<FileRef>,
    /// lowercased keyword → its effective global value (the first one).
    pub global: BTreeMap<String, Setting>,
    /// Settings inside conditional `Match` blocks: (the Match line, keyword, setting).
    pub in_match: Vec<(Line, String, Setting)>,
    /// Later global values that sshd ignores because an earlier one won.
    pub shadowed: Vec<(String, Setting)>,
}

/// Splits a config line into the keyword and its arguments, as sshd does: the
/// keyword ends at whitespace or `=`; arguments honour double quotes; a word
/// starting with `#` ends the line.
pub fn split_line(line: &str) -> Option<(String, Vec<String>)> {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return None;
    }
    let end = t
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(t.len());
    let kw = t[..end].to_string();
    let mut rest = t[end..].trim_start();
    if let Some(r) = rest.strip_prefix('=') {
        rest = r.trim_start();
    }
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    let mut started = false;
    for c in rest.chars() {
        if in_q {
            if c == '"' {
                in_q = false;
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            in_q = true;
            started = true;
        } else if c.is_whitespace() {
            if started {
                args.push(std::mem::take(&mut cur));
                started = false;
            }
        } else {
            if c == '#' && !started {
                break;
            }
            cur.push(c);
            started = true;
        }
    }
    if started {
        args.push(cur);
    }
    Some((kw, args))
}

pub fn collect(fs: &RootFs) -> Option<Result<Sshd, HostError>> {
    let main = match read_opt(fs, MAIN) {
        Ok(Some(f)) => f,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    let mut s = Sshd::default();
    let mut stack = Vec::new();
    Some(process(fs, &main, &mut s, true, None, false, 0, &mut stack).map(|_| s))
}

#[allow(clippy::too_many_arguments)] // the recursion's parse state, as in sshd
fn process(
    fs: &RootFs,
    f: &crate::rootfs::HostFile,
    s: &mut Sshd,
    active_in: bool,
    match_in: Option<&Line>,
    // sshd's SSHCFG_NEVERMATCH: a file included from inside a conditional Match
    // block, where even `Match all` does not return to the global scope.
    never_match: bool,
    depth: usize,
    stack: &mut Vec<String>,
) -> Result<(), HostError> {
    if depth > MAX_DEPTH || stack.contains(&f.path) {
        return Err(HostError::new(
            &f.path,
            "Include nesting too deep or recursive (sshd refuses to start)",
        ));
    }
    stack.push(f.path.clone());
    let fr = FileRef::of(f);
    s.files.push(fr.clone());
    let text = f.text();
    let mut active = active_in;
    let mut match_line: Option<Line> = match_in.cloned();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let Some((kw, args)) = split_line(raw) else {
            continue;
        };
        let lkw = kw.to_ascii_lowercase();
        let line = Line::new(&fr, n, raw);
        match lkw.as_str() {
            "match" => {
                if args.is_empty() {
                    return Err(HostError::at(&f.path, n, "Match without criteria"));
                }
                let all = args.len() == 1 && args[0].eq_ignore_ascii_case("all");
                active = all && !never_match;
                match_line = if active {
                    None
                } else if never_match {
                    // Still inside the including file's Match block.
                    Some(match_in.cloned().unwrap_or(line))
                } else {
                    Some(line)
                };
            }
            "include" => {
                if args.is_empty() {
                    return Err(HostError::at(&f.path, n, "Include without a path"));
                }
                for a in &args {
                    let pat = if a.starts_with('/') {
                        a.clone()
                    } else {
                        format!("/etc/ssh/{a}")
                    };
                    let paths = if has_glob(&pat) {
                        glob_host(fs, &pat).map_err(|e| e.cited(&f.path, n))?
                    } else {
                        vec![pat]
                    };
                    for p in paths {
                        // sshd: a missing include is not an error.
                        if let Some(inc) = read_opt(fs, &p)? {
                            process(
                                fs,
                                &inc,
                                s,
                                active,
                                match_line.as_ref(),
                                never_match || !active,
                                depth + 1,
                                stack,
                            )?
                        }
                    }
                }
            }
            _ => {
                let value = args.first().cloned().unwrap_or_default();
                let setting = Setting { value, line };
                if active && match_line.is_none() {
                    match s.global.entry(lkw) {
                        std::collections::btree_map::Entry::Occupied(o) => {
                            s.shadowed.push((o.key().clone(), setting))
                        }
                        std::collections::btree_map::Entry::Vacant(v) => {
                            v.insert(setting);
                        }
                    }
                } else if let Some(m) = &match_line {
                    s.in_match.push((m.clone(), lkw, setting));
                }
            }
        }
    }
    stack.pop();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::root;
    use super::*;

    #[test]
    fn early_include_wins_over_later_main_file_setting() {
        let d = root(&[
            (
                "/etc/ssh/sshd_config",
                "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n",
            ),
            (
                "/etc/ssh/sshd_config.d/50-cloud.conf",
                "permitrootlogin=yes\n",
            ),
            (
                "/etc/ssh/sshd_config.d/10-a.conf",
                "# PermitRootLogin no\nPasswordAuthentication no\n",
            ),
        ]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        let p = &s.global["permitrootlogin"];
        assert_eq!(p.value, "yes");
        assert_eq!(p.line.path, "/etc/ssh/sshd_config.d/50-cloud.conf");
        assert_eq!(s.shadowed.len(), 1);
        assert_eq!(s.files.len(), 3);
        assert_eq!(s.files[1].path, "/etc/ssh/sshd_config.d/10-a.conf");
    }

    #[test]
    fn match_blocks_do_not_set_global_values_but_match_all_does() {
        let d = root(&[(
            "/etc/ssh/sshd_config",
            "Match User backup\n  PermitRootLogin yes\nMatch all\nPermitEmptyPasswords yes # bad\n",
        )]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(!s.global.contains_key("permitrootlogin"));
        assert_eq!(s.in_match.len(), 1);
        assert_eq!(s.global["permitemptypasswords"].value, "yes");
    }

    #[test]
    fn match_in_an_included_file_ends_with_that_file() {
        let d = root(&[
            (
                "/etc/ssh/sshd_config",
                "Include conf.d/x.conf\nPermitRootLogin yes\n",
            ),
            (
                "/etc/ssh/conf.d/x.conf",
                "Match Address 10.0.0.0/8\nX11Forwarding yes\n",
            ),
        ]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(s.global["permitrootlogin"].value, "yes");
        assert_eq!(s.global["permitrootlogin"].line.line, 2);
    }

    #[test]
    fn match_all_in_a_file_included_from_a_match_block_stays_conditional() {
        // sshd parses such a file with SSHCFG_NEVERMATCH: its `Match all` does
        // not return to the global scope, and the including file's Match state
        // is restored after it.
        let d = root(&[
            (
                "/etc/ssh/sshd_config",
                "Match User alice\n    Include /etc/ssh/in.conf\nMatch all\nPermitRootLogin yes\n",
            ),
            ("/etc/ssh/in.conf", "Match all\nPermitRootLogin no\n"),
        ]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(s.global["permitrootlogin"].value, "yes");
        assert_eq!(
            s.global["permitrootlogin"].line.path,
            "/etc/ssh/sshd_config"
        );
        let (m, _, set) = &s.in_match[0];
        assert_eq!(set.line.path, "/etc/ssh/in.conf");
        assert_eq!(m.path, "/etc/ssh/sshd_config");
    }

    #[test]
    fn the_upstream_sshd_config_sets_nothing_that_matters() {
        let d = root(&[(
            "/etc/ssh/sshd_config",
            &std::fs::read_to_string("tests/fixtures/corpus/sshd_config.openssh-portable").unwrap(),
        )]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(!s.global.contains_key("permitrootlogin"));
        assert!(!s.global.contains_key("permitemptypasswords"));
        assert!(s.in_match.is_empty());
        assert_eq!(s.global["subsystem"].value, "sftp");
    }

    #[test]
    fn no_sshd_config_is_none_and_recursion_is_an_error() {
        let d = root(&[]);
        assert!(collect(&RootFs::new(d.path())).is_none());
        let d = root(&[("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config\n")]);
        assert!(collect(&RootFs::new(d.path())).unwrap().is_err());
    }

    #[test]
    fn splits_keywords_and_quoted_arguments() {
        assert_eq!(
            split_line("  Banner = \"/etc/my banner\" # x"),
            Some(("Banner".into(), vec!["/etc/my banner".into()]))
        );
        assert_eq!(split_line("#PermitRootLogin yes"), None);
    }
}
