//! `sshd_config` read the way sshd reads it: keywords case-insensitive, the first
//! value of a keyword wins, `Include` is expanded where it stands (relative paths
//! under `/etc/ssh`, globs sorted), and settings inside `Match` blocks (other than
//! `Match all`) do not set the global value.

use crate::collect::host::conf::{FileRef, HostError, Line, glob_host, has_glob, read_opt};
use crate::collect::host::lex::{Includes, Lexer};
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

/// sshd's main configuration: the `file:` of policy LNX-SSH-001
/// (`policies/ssh.yaml`); the other sshd_setting policies name the same file
/// (a unit test checks).
pub fn main_path() -> &'static str {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-SSH-001").check {
        Check::SshdSetting { file, .. } => file,
        _ => unreachable!("LNX-SSH-001 is an sshd_setting check (policies/ssh.yaml)"),
    }
}
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
    /// Lines sshd accepts but ignores with a log message (deprecated options).
    pub warnings: Vec<HostError>,
}

/// Every keyword OpenSSH's sshd (9.x, with the Debian and Red Hat patches) accepts
/// in sshd_config, lowercased. Any other keyword makes sshd refuse to start
/// ("Bad configuration option").
const KEYWORDS: &[&str] = &[
    "acceptenv",
    "addressfamily",
    "allowagentforwarding",
    "allowgroups",
    "allowstreamlocalforwarding",
    "allowtcpforwarding",
    "allowusers",
    "authenticationmethods",
    "authorizedkeyscommand",
    "authorizedkeyscommanduser",
    "authorizedkeysfile",
    "authorizedprincipalscommand",
    "authorizedprincipalscommanduser",
    "authorizedprincipalsfile",
    "banner",
    "casignaturealgorithms",
    "channeltimeout",
    "chrootdirectory",
    "ciphers",
    "clientalivecountmax",
    "clientaliveinterval",
    "compression",
    "debianbanner",
    "denygroups",
    "denyusers",
    "disableforwarding",
    "exposeauthinfo",
    "fingerprinthash",
    "forcecommand",
    "gatewayports",
    "gssapiauthentication",
    "gssapicleanupcredentials",
    "gssapienablek5users",
    "gssapikeyexchange",
    "gssapikexalgorithms",
    "gssapistorecredentialsonrekey",
    "gssapistrictacceptorcheck",
    "hostbasedacceptedalgorithms",
    "hostbasedacceptedkeytypes",
    "hostbasedauthentication",
    "hostbasedusesnamefrompacketonly",
    "hostcertificate",
    "hostkey",
    "hostkeyagent",
    "hostkeyalgorithms",
    "ignorerhosts",
    "ignoreuserknownhosts",
    "include",
    "ipqos",
    "kbdinteractiveauthentication",
    "kerberosauthentication",
    "kerberosgetafstoken",
    "kerberosorlocalpasswd",
    "kerberosticketcleanup",
    "kerberosusekuserok",
    "kexalgorithms",
    "listenaddress",
    "logingracetime",
    "loglevel",
    "logverbose",
    "macs",
    "match",
    "maxauthtries",
    "maxsessions",
    "maxstartups",
    "modulifile",
    "passwordauthentication",
    "permitemptypasswords",
    "permitlisten",
    "permitopen",
    "permitrootlogin",
    "permittty",
    "permittunnel",
    "permituserenvironment",
    "permituserrc",
    "persourcemaxstartups",
    "persourcenetblocksize",
    "persourcepenalties",
    "persourcepenaltyexemptlist",
    "pidfile",
    "port",
    "printlastlog",
    "printmotd",
    "pubkeyacceptedalgorithms",
    "pubkeyacceptedkeytypes",
    "pubkeyauthentication",
    "pubkeyauthoptions",
    "rdomain",
    "refuseconnection",
    "rekeylimit",
    "requiredrsasize",
    "revokedkeys",
    "securitykeyprovider",
    "setenv",
    "sshdauthpath",
    "sshdsessionpath",
    "streamlocalbindmask",
    "streamlocalbindunlink",
    "strictmodes",
    "subsystem",
    "syslogfacility",
    "tcpkeepalive",
    "trustedusercakeys",
    "unusedconnectiontimeout",
    "usedns",
    "usepam",
    "versionaddendum",
    "x11displayoffset",
    "x11forwarding",
    "x11uselocalhost",
    "xauthlocation",
    // aliases sshd still maps to a live option
    "challengeresponseauthentication",
    "dsaauthentication",
    "hostdsakey",
    "keepalive",
    "skeyauthentication",
];

/// Keywords sshd still accepts but ignores with a log message ("Deprecated
/// option" / "Unsupported option").
const IGNORED: &[&str] = &[
    "afstokenpassing",
    "authorizedkeysfile2",
    "checkmail",
    "keyregenerationinterval",
    "kerberostgtpassing",
    "pamauthenticationviakbdint",
    "protocol",
    "reversemappingcheck",
    "rhostsauthentication",
    "rhostsrsaauthentication",
    "rsaauthentication",
    "serverkeybits",
    "uselogin",
    "useprivilegeseparation",
    "useroaming",
    "verifyreversemapping",
];

/// The `Match` criteria sshd knows.
const MATCH_CRITERIA: &[&str] = &[
    "all",
    "user",
    "group",
    "host",
    "address",
    "localaddress",
    "localport",
    "rdomain",
    "invalid-user",
    "version",
    "tagged",
    "canonical",
    "final",
];

/// Splits a config line into the keyword and its arguments, as sshd does: the
/// keyword ends at whitespace or `=`; arguments honour quotes and `\` escapes; a
/// word starting with `#` ends the line. `Err` for an unterminated quote.
pub fn split_line(line: &str) -> Result<Option<(String, Vec<String>)>, String> {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') {
        return Ok(None);
    }
    let end = t
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(t.len());
    let kw = t[..end].to_string();
    let mut rest = t[end..].trim_start();
    if let Some(r) = rest.strip_prefix('=') {
        rest = r.trim_start();
    }
    let args = Lexer::SSHD
        .words(rest)
        .map_err(|e| format!("invalid quotes ({})", e.message))?;
    Ok(Some((kw, args)))
}

/// What sshd says about one keyword: `Err` when it refuses to start, `Ok(Some)`
/// when it only logs a warning.
fn check_keyword(kw: &str, args: &[String]) -> Result<Option<String>, String> {
    let l = kw.to_ascii_lowercase();
    if IGNORED.contains(&l.as_str()) {
        return Ok(Some(format!(
            "sshd ignores the deprecated or unsupported option `{kw}`"
        )));
    }
    if !KEYWORDS.contains(&l.as_str()) {
        return Err(format!(
            "Bad configuration option: {kw} (sshd refuses to start)"
        ));
    }
    if args.is_empty() && l != "match" {
        return Err(format!("{kw}: missing argument (sshd refuses to start)"));
    }
    Ok(None)
}

/// Checks a `Match` line's criteria: `all` alone, or pairs of a known
/// criterion and its argument.
fn check_match(args: &[String]) -> Result<bool, String> {
    if args.is_empty() {
        return Err("Match without criteria (sshd refuses to start)".into());
    }
    if args.len() == 1 && args[0].eq_ignore_ascii_case("all") {
        return Ok(true);
    }
    let mut i = 0;
    while i < args.len() {
        let c = args[i].to_ascii_lowercase();
        if !MATCH_CRITERIA.contains(&c.as_str()) {
            return Err(format!(
                "Unsupported Match attribute {} (sshd refuses to start)",
                args[i]
            ));
        }
        match c.as_str() {
            "all" => return Err("'all' cannot be combined with other Match attributes".into()),
            "canonical" | "final" | "invalid-user" => i += 1,
            _ => {
                if i + 1 >= args.len() {
                    return Err(format!("Missing Match criteria for {}", args[i]));
                }
                i += 2;
            }
        }
    }
    Ok(false)
}

pub fn collect(fs: &RootFs) -> Option<Result<Sshd, HostError>> {
    let main = match read_opt(fs, main_path()) {
        Ok(Some(f)) => f,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    let mut s = Sshd::default();
    let mut inc = Includes::new(MAX_DEPTH);
    Some(process(fs, &main, &mut s, true, None, false, &mut inc, None).map(|_| s))
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
    inc: &mut Includes,
    from: Option<(&str, usize)>,
) -> Result<(), HostError> {
    inc.enter(&f.path, from).map_err(|mut e| {
        e.message = format!("{} (sshd refuses to start)", e.message);
        e
    })?;
    let fr = FileRef::of(f);
    s.files.push(fr.clone());
    let text = f.text();
    let mut active = active_in;
    let mut match_line: Option<Line> = match_in.cloned();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let Some((kw, args)) = checked_line(raw, &f.path, n, s)? else {
            continue;
        };
        let lkw = kw.to_ascii_lowercase();
        let line = Line::new(&fr, n, raw);
        match lkw.as_str() {
            "match" => {
                let all = check_match(&args).map_err(|m| HostError::at(&f.path, n, m))?;
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
                    for p in include_paths(fs, a, &f.path, n)? {
                        // sshd: a missing include is not an error.
                        if let Some(included) = read_opt(fs, &p)? {
                            process(
                                fs,
                                &included,
                                s,
                                active,
                                match_line.as_ref(),
                                never_match || !active,
                                inc,
                                Some((&f.path, n)),
                            )?
                        }
                    }
                }
            }
            _ => {
                let value = args.first().cloned().unwrap_or_default();
                let setting = Setting { value, line };
                record(s, active, match_line.as_ref(), lkw, setting);
            }
        }
    }
    inc.leave();
    Ok(())
}

/// The keyword and arguments of line `n`, checked as sshd does; None for a
/// blank or comment line, or one sshd skips with a warning (kept in `s`).
fn checked_line(
    raw: &str,
    path: &str,
    n: usize,
    s: &mut Sshd,
) -> Result<Option<(String, Vec<String>)>, HostError> {
    let (kw, args) = match split_line(raw) {
        Ok(Some(x)) => x,
        Ok(None) => return Ok(None),
        Err(m) => return Err(HostError::at(path, n, m)),
    };
    match check_keyword(&kw, &args) {
        Err(m) => Err(HostError::at(path, n, m)),
        Ok(Some(w)) => {
            s.warnings.push(HostError::at(path, n, w));
            Ok(None)
        }
        Ok(None) => Ok(Some((kw, args))),
    }
}

/// The files one `Include` argument names (relative to /etc/ssh; a glob's
/// matches in order). `from`:`n` is the Include line.
fn include_paths(fs: &RootFs, a: &str, from: &str, n: usize) -> Result<Vec<String>, HostError> {
    let pat = if a.starts_with('/') {
        a.to_string()
    } else {
        format!("/etc/ssh/{a}")
    };
    if has_glob(&pat) {
        glob_host(fs, &pat).map_err(|e| e.cited(from, n))
    } else {
        Ok(vec![pat])
    }
}

/// Keeps a setting (`lkw`: its lowercase keyword): outside any Match block
/// the first one counts and later ones are shadowed; inside an active or
/// inactive Match block it is kept with the block's line.
fn record(s: &mut Sshd, active: bool, match_line: Option<&Line>, lkw: String, setting: Setting) {
    if active && match_line.is_none() {
        match s.global.entry(lkw) {
            std::collections::btree_map::Entry::Occupied(o) => {
                s.shadowed.push((o.key().clone(), setting))
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(setting);
            }
        }
    } else if let Some(m) = match_line {
        s.in_match.push((m.clone(), lkw, setting));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::root;
    use super::*;

    #[test]
    fn every_sshd_setting_policy_names_the_file_that_is_read() {
        use crate::catalogue::policies::{Check, Policies};
        assert_eq!(main_path(), "/etc/ssh/sshd_config");
        let mut n = 0;
        for p in &Policies::builtin().all {
            if let Check::SshdSetting { file, .. } = &p.check {
                assert_eq!(file, main_path(), "{}", p.id);
                n += 1;
            }
        }
        assert!(n >= 3);
    }

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
            Ok(Some(("Banner".into(), vec!["/etc/my banner".into()])))
        );
        assert_eq!(split_line("#PermitRootLogin yes"), Ok(None));
        assert!(split_line("AllowUsers \"alice").is_err());
    }

    #[test]
    fn an_unknown_keyword_is_an_error_at_its_line_and_deprecated_ones_warn() {
        let d = root(&[("/etc/ssh/sshd_config", "Port 22\nPermitRootLogn no\n")]);
        let e = collect(&RootFs::new(d.path())).unwrap().unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("PermitRootLogn"), "{}", e.message);
        let d = root(&[(
            "/etc/ssh/sshd_config",
            "UsePrivilegeSeparation sandbox\nPermitRootLogin no\n",
        )]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.global["permitrootlogin"].value, "no");
    }

    #[test]
    fn match_criteria_are_checked_like_sshd() {
        for bad in [
            "Match\n",
            "Match Usr bob\n",
            "Match User\n",
            "Match all User x\n",
        ] {
            let d = root(&[("/etc/ssh/sshd_config", bad)]);
            assert!(
                collect(&RootFs::new(d.path())).unwrap().is_err(),
                "{bad:?} should be rejected"
            );
        }
        let d = root(&[(
            "/etc/ssh/sshd_config",
            "Match User bob Address 10.0.0.0/8\nX11Forwarding no\n",
        )]);
        assert!(collect(&RootFs::new(d.path())).unwrap().is_ok());
    }
}
