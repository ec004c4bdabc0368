//! Automatic security updates: APT's `APT::Periodic::Unattended-Upgrade` (apt.conf
//! syntax, later files override, names apt would ignore skipped) and dnf-automatic.

use crate::collect::host::conf::{FileRef, HostError, Line, dir_files, read_opt};
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

/// apt.conf: `A::B "v";` and nested `A { B "v"; };`, with `//`, `#` and `/* */`
/// comments. Keys are case-insensitive; returns key (lowercase) → (value, line).
pub fn parse_apt_conf(
    file: &FileRef,
    text: &str,
    into: &mut BTreeMap<String, (String, Line)>,
) -> Result<(), HostError> {
    let toks = apt_tokens(file, text)?;
    check_apt_statements(file, &toks)?;
    apt_settings(file, text, &toks, into)
}

/// A token of apt.conf.
#[derive(Debug)]
enum AptTok {
    W(String),
    S(String),
    Open,
    Close,
    Semi,
}

// apt.conf does not fit the shared line lexer (lex.rs): it is free-form, a
// quoted value and a `/* */` comment may span lines, and `//` starts a comment
// too. It is tokenised here over the whole text, keeping line numbers.

/// The tokens of apt.conf text, each with the line it starts on.
fn apt_tokens(file: &FileRef, text: &str) -> Result<Vec<(AptTok, usize)>, HostError> {
    let mut toks: Vec<(AptTok, usize)> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && chars.get(i + 1) == Some(&'/') || c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 2;
        } else if c == '"' {
            let start_line = line;
            i += 1;
            let mut s = String::new();
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\n' {
                    line += 1;
                }
                s.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err(HostError::at(&file.path, start_line, "unterminated string"));
            }
            i += 1;
            toks.push((AptTok::S(s), start_line));
        } else if c == '{' {
            toks.push((AptTok::Open, line));
            i += 1;
        } else if c == '}' {
            toks.push((AptTok::Close, line));
            i += 1;
        } else if c == ';' {
            toks.push((AptTok::Semi, line));
            i += 1;
        } else {
            let mut w = String::new();
            while i < chars.len() && !chars[i].is_whitespace() && !"{};\"".contains(chars[i]) {
                w.push(chars[i]);
                i += 1;
            }
            toks.push((AptTok::W(w), line));
        }
    }
    Ok(toks)
}

/// apt's statements: `Key "value";`, `Key {`, `Key "value" {`, `"value";`
/// (a list entry) and `};`. Anything else between terminators, or words left
/// without their `;` at the end, is a syntax error apt-config reports.
fn check_apt_statements(file: &FileRef, toks: &[(AptTok, usize)]) -> Result<(), HostError> {
    let mut pending = 0usize;
    let mut pending_line = 0usize;
    let mut last_string = false;
    for (t, ln) in toks {
        match t {
            AptTok::W(_) if pending > 0 => {
                return Err(HostError::at(
                    &file.path,
                    *ln,
                    "Syntax error: a new option starts before the previous one ended with `;` (apt-config rejects the file)",
                ));
            }
            AptTok::S(_) if last_string || pending > 1 => {
                return Err(HostError::at(
                    &file.path,
                    *ln,
                    "Syntax error: malformed value (apt-config rejects the file)",
                ));
            }
            AptTok::W(_) | AptTok::S(_) => {
                if pending == 0 {
                    pending_line = *ln;
                }
                last_string = matches!(t, AptTok::S(_));
                pending += 1;
            }
            AptTok::Close if pending > 0 => {
                return Err(HostError::at(
                    &file.path,
                    pending_line,
                    "Syntax error: missing `;` before `}` (apt-config rejects the file)",
                ));
            }
            AptTok::Open | AptTok::Close | AptTok::Semi => {
                pending = 0;
                last_string = false;
            }
        }
    }
    if pending > 0 {
        return Err(HostError::at(
            &file.path,
            pending_line,
            "Syntax error: Extra junk at end of file (a missing `;`; apt-config rejects the file)",
        ));
    }
    Ok(())
}

/// The settings of checked tokens: each value under its full key (the blocks
/// around it joined with `::`, lowercase), cited at the key's line.
fn apt_settings(
    file: &FileRef,
    text: &str,
    toks: &[(AptTok, usize)],
    into: &mut BTreeMap<String, (String, Line)>,
) -> Result<(), HostError> {
    let raw_lines: Vec<&str> = text.lines().collect();
    let mut scope: Vec<String> = Vec::new();
    let mut key: Option<(String, usize)> = None;
    let mut idx = 0;
    while idx < toks.len() {
        let (t, ln) = &toks[idx];
        idx += 1;
        match t {
            AptTok::W(w) => key = Some((w.clone(), *ln)),
            AptTok::S(s) => {
                let Some((k, kl)) = key.take() else {
                    // A list entry like `"foo";` inside a block: not a setting.
                    continue;
                };
                let mut full = scope.clone();
                full.push(k);
                let name = full.join("::").to_ascii_lowercase();
                into.insert(
                    name,
                    (
                        s.clone(),
                        Line::new(file, kl, raw_lines.get(kl - 1).copied().unwrap_or("")),
                    ),
                );
            }
            AptTok::Open => match key.take() {
                Some((k, _)) => scope.push(k),
                None => scope.push(String::new()),
            },
            AptTok::Close => {
                if scope.pop().is_none() {
                    return Err(HostError::at(&file.path, *ln, "unbalanced `}`"));
                }
            }
            AptTok::Semi => key = None,
        }
    }
    if !scope.is_empty() {
        return Err(HostError::new(&file.path, "missing `}` at end of file"));
    }
    Ok(())
}

/// apt reads only names made of letters, digits, `-`, `_` and `.`, with no
/// extension or `.conf`.
pub fn apt_reads(name: &str) -> bool {
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return false;
    }
    match name.rsplit_once('.') {
        None => true,
        Some((_, ext)) => ext == "conf",
    }
}

#[derive(Clone, Debug, Default)]
pub struct Apt {
    pub files: Vec<FileRef>,
    pub settings: BTreeMap<String, (String, Line)>,
}

/// apt's configuration: the files of the `dirs:` of policy LNX-UPD-001
/// (`policies/updates.yaml`), then its `files:`, the single source of these paths.
fn apt_paths() -> (&'static [String], &'static [String]) {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-UPD-001").check {
        Check::AptPeriodic { dirs, files, .. } => (dirs, files),
        _ => unreachable!("LNX-UPD-001 is an apt_periodic check (policies/updates.yaml)"),
    }
}

pub fn collect_apt(fs: &RootFs) -> Option<Result<Apt, HostError>> {
    let (dirs, files) = apt_paths();
    let mut paths = Vec::new();
    for d in dirs {
        match dir_files(fs, d, apt_reads) {
            Ok(v) => paths.extend(v),
            Err(e) => return Some(Err(e)),
        }
    }
    paths.extend(files.iter().cloned());
    let mut apt = Apt::default();
    for p in paths {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                if let Err(e) = parse_apt_conf(&fr, &f.text(), &mut apt.settings) {
                    return Some(Err(e));
                }
                apt.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    (!apt.files.is_empty()).then_some(Ok(apt))
}

/// Is an `APT::Periodic` interval on? (`"1"`, `"7"`, `"1d"`, `"always"`).
pub fn periodic_on(v: &str) -> bool {
    let v = v.trim().to_ascii_lowercase();
    if v == "always" {
        return true;
    }
    let num: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = &v[num.len()..];
    matches!(num.parse::<u64>(), Ok(n) if n > 0) && ["", "s", "m", "h", "d"].contains(&unit)
}

#[derive(Clone, Debug, Default)]
pub struct DnfAutomatic {
    pub conf: Option<FileRef>,
    /// `apply_updates` under `[commands]` (None: dnf-automatic's default, no).
    pub apply_updates: Option<(String, Line)>,
}

/// Reads the `conf:` of policy LNX-UPD-002 (`policies/updates.yaml`).
pub fn collect_dnf(fs: &RootFs) -> Result<DnfAutomatic, HostError> {
    use crate::catalogue::policies::{Check, policy};
    let Check::DnfAutomatic { conf, .. } = &policy("LNX-UPD-002").check else {
        unreachable!("LNX-UPD-002 is a dnf_automatic check (policies/updates.yaml)");
    };
    let mut d = DnfAutomatic::default();
    if let Some(f) = read_opt(fs, conf)? {
        let fr = FileRef::of(&f);
        for (sec, k, v, l) in super::fail2ban::parse_ini(&fr, &f.text()) {
            if sec == "commands" && k == "apply_updates" {
                d.apply_updates = Some((v, l));
            }
        }
        d.conf = Some(fr);
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

    #[test]
    fn the_apt_paths_come_from_the_policy_folder_first() {
        let (dirs, files) = apt_paths();
        assert_eq!(dirs, ["/etc/apt/apt.conf.d"]);
        assert_eq!(files, ["/etc/apt/apt.conf"]);
    }

    #[test]
    fn apt_conf_flat_nested_and_comments() {
        let f = FileRef {
            kind: EvidenceKind::Config,
            path: "/etc/apt/apt.conf.d/20auto-upgrades".into(),
            sha256: "x".into(),
        };
        let mut m = BTreeMap::new();
        parse_apt_conf(
            &f,
            "APT::Periodic::Update-Package-Lists \"1\";\n// APT::Periodic::Unattended-Upgrade \"0\";\n/* block\n APT::Periodic::Unattended-Upgrade \"0\"; */\nAPT {\n  Periodic {\n    Unattended-Upgrade \"1\";\n  };\n};\nUnattended-Upgrade::Origins-Pattern { \"origin=Debian\"; };\n",
            &mut m,
        )
        .unwrap();
        let (v, l) = &m["apt::periodic::unattended-upgrade"];
        assert_eq!(v, "1");
        assert_eq!(l.line, 7);
        assert!(periodic_on("1") && periodic_on("7") && periodic_on("1d") && periodic_on("always"));
        assert!(!periodic_on("0") && !periodic_on("") && !periodic_on("false"));
        assert!(apt_reads("20auto-upgrades") && apt_reads("50x.conf"));
        assert!(
            !apt_reads("20auto-upgrades.dpkg-old")
                && !apt_reads("20auto-upgrades~")
                && !apt_reads("x.bak")
        );
        assert!(parse_apt_conf(&f, "APT { Periodic {\n", &mut m).is_err());
    }

    #[test]
    fn apt_conf_syntax_errors_are_cited_at_their_line() {
        let f = FileRef {
            kind: EvidenceKind::Config,
            path: "/etc/apt/apt.conf.d/20auto-upgrades".into(),
            sha256: "x".into(),
        };
        let mut m = BTreeMap::new();
        for (bad, line) in [
            (
                "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\"\n",
                2,
            ),
            (
                "APT::Periodic::Update-Package-Lists \"1\"\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
                2,
            ),
            ("APT { Periodic { Unattended-Upgrade \"1\" }; };\n", 1),
            ("A \"1\" \"2\";\n", 1),
        ] {
            let e = parse_apt_conf(&f, bad, &mut m).unwrap_err();
            assert_eq!(e.line, Some(line), "{bad:?}: {}", e.message);
        }
        // A value with a block, and `};` after lists, are apt syntax.
        assert!(
            parse_apt_conf(&f, "A \"x\" { B \"1\"; };\nC { \"d\"; \"e\"; };\n", &mut m).is_ok()
        );
    }
}
