//! sudoers (ACC-09): which rules let a user run commands as another user without
//! the user's own password. Read like sudo does: `\` continuations, `#`
//! comments (but `#include`/`#includedir` and `#UID`), `@include`/`@includedir`
//! (relative to the including file's folder; in a folder, names ending in `~` or
//! containing `.` are skipped), aliases, `Defaults` lines and user
//! specifications whose tags (`NOPASSWD:`/`PASSWD:`) carry over to the later
//! commands of the same list. The main file comes from policy LNX-SUD-001.

use crate::collect::host::conf::{FileRef, HostError, Line, read_opt};
use crate::collect::host::lex::Includes;
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

/// One command a user specification grants without the user's password.
#[derive(Clone, Debug, PartialEq)]
pub struct NoPassword {
    /// The users of the rule as written (`%sudo`, `alice`, `ADMINS`).
    pub users: String,
    /// The command as written (`ALL`, `/usr/bin/systemctl restart nginx`, `SHELLS`).
    pub command: String,
    /// Does it grant every command or a shell (after alias expansion)?
    pub broad: bool,
    /// `NOPASSWD` tag, or the `Defaults` line that turns authentication off.
    pub why: NoPasswordWhy,
    pub line: Line,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NoPasswordWhy {
    Tag,
    /// A `Defaults … !authenticate` line (cited).
    Defaults(Line),
}

#[derive(Clone, Debug, Default)]
pub struct Sudoers {
    pub files: Vec<FileRef>,
    /// Grants without the user's own password.
    pub nopasswd: Vec<NoPassword>,
    /// `Defaults` that make sudo ask for another account's password
    /// (`rootpw`, `targetpw`, `runaspw`) in effect at the end.
    pub other_password: Vec<(String, Line)>,
    /// Number of user specifications read.
    pub rules: usize,
}

const TAGS: &[&str] = &[
    "NOPASSWD",
    "PASSWD",
    "NOEXEC",
    "EXEC",
    "SETENV",
    "NOSETENV",
    "LOG_INPUT",
    "NOLOG_INPUT",
    "LOG_OUTPUT",
    "NOLOG_OUTPUT",
    "MAIL",
    "NOMAIL",
    "FOLLOW",
    "NOFOLLOW",
    "INTERCEPT",
    "NOINTERCEPT",
];
const OPTIONS: &[&str] = &[
    "CWD",
    "CHROOT",
    "ROLE",
    "TYPE",
    "TIMEOUT",
    "NOTBEFORE",
    "NOTAFTER",
    "APPARMOR_PROFILE",
    "PRIVS",
    "LIMITPRIVS",
];

/// A `Defaults` line scoped to some users (`Defaults:alice`), commands
/// (`Defaults!/bin/sh`) or all (plain, `@host`, `>runas`).
#[derive(Clone, Debug)]
struct AuthDefault {
    /// `None`: every rule; `Some(('!', list))` commands; `Some((':', list))` users.
    scope: Option<(char, Vec<String>)>,
    on: bool,
    line: Line,
}

/// A user specification: its users, its commands with the `NOPASSWD`/`PASSWD`
/// tag in effect for each, and its line.
type Spec = (Vec<String>, Vec<(String, Option<bool>)>, Line);

struct Reader<'a> {
    fs: &'a RootFs,
    shells: &'a [String],
    inc: Includes,
    cmnd_alias: BTreeMap<String, Vec<String>>,
    auth: Vec<AuthDefault>,
    /// User specifications: (users, [(command, nopasswd tag)], line).
    specs: Vec<Spec>,
    other_pw: BTreeMap<String, (bool, Line)>,
    out: Sudoers,
}

/// sudo's comment rule: `#` starts a comment, except `#include`/`#includedir`
/// and `#` followed by digits (a uid).
fn strip_comment(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    let mut in_q = false;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'"' => in_q = !in_q,
            b'#' if !in_q => {
                let digit = b.get(i + 1).is_some_and(u8::is_ascii_digit);
                let at_start = s[..i].trim().is_empty();
                let inc = at_start && s[i..].starts_with("#include");
                if !digit && !inc {
                    return &s[..i];
                }
            }
            _ => {}
        }
        i += 1;
    }
    s
}

/// Splits at `sep` outside parentheses, quotes and `\` escapes.
fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut in_q = false;
    let mut esc = false;
    for c in s.chars() {
        if esc {
            cur.push(c);
            esc = false;
            continue;
        }
        match c {
            '\\' => {
                esc = true;
                cur.push(c);
                continue;
            }
            '"' => in_q = !in_q,
            '(' if !in_q => depth += 1,
            ')' if !in_q => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 && !in_q {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

fn list(s: &str) -> Vec<String> {
    split_top(s, ',')
        .into_iter()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// The alias kinds sudo knows.
const ALIASES: &[&str] = &[
    "User_Alias",
    "Runas_Alias",
    "Host_Alias",
    "Cmnd_Alias",
    "Cmd_Alias",
];

/// One command of a list with the `NOPASSWD`/`PASSWD` tag in effect for it:
/// a Runas list `(…)`, tags and options before it are read and dropped; `tag`
/// carries over to the next commands.
fn command(item: &str, tag: &mut Option<bool>) -> Result<(String, Option<bool>), String> {
    let mut s = item.trim();
    if s.starts_with('(') {
        match s.find(')') {
            Some(i) => s = s[i + 1..].trim(),
            None => {
                return Err("unclosed `(` in a Runas list (sudo reports a syntax error)".into());
            }
        }
    }
    let s = strip_tags_and_options(s, tag);
    if s.is_empty() {
        return Err("a rule without a command (sudo reports a syntax error)".into());
    }
    Ok((s.to_string(), *tag))
}

/// Removes the `TAG:` and `OPTION=value` prefixes of a command, noting a
/// `NOPASSWD`/`PASSWD` tag in `tag`.
fn strip_tags_and_options<'a>(mut s: &'a str, tag: &mut Option<bool>) -> &'a str {
    loop {
        if let Some((w, r)) = s.split_once(':')
            && TAGS.contains(&w.trim())
        {
            match w.trim() {
                "NOPASSWD" => *tag = Some(true),
                "PASSWD" => *tag = Some(false),
                _ => {}
            }
            s = r.trim();
            continue;
        }
        if let Some((w, r)) = s.split_once('=')
            && OPTIONS.contains(&w.trim())
        {
            s = r.trim().split_once(char::is_whitespace).map_or("", |x| x.1);
            continue;
        }
        return s;
    }
}

impl Reader<'_> {
    fn file(&mut self, path: &str, from: Option<(&str, usize)>) -> Result<(), HostError> {
        let f = match read_opt(self.fs, path) {
            Ok(Some(f)) => f,
            // sudo skips a missing included file with a warning.
            Ok(None) if from.is_some() => return Ok(()),
            Ok(None) => return Ok(()),
            Err(e) => return Err(from.map_or(e.clone(), |(f, l)| e.cited(f, l))),
        };
        self.inc.enter(path, from)?;
        let fr = FileRef::of(&f);
        self.out.files.push(fr.clone());
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        for (n, raw) in crate::collect::host::conf::join_continuations(&f.text()) {
            let t = strip_comment(&raw).trim().to_string();
            if t.is_empty() {
                continue;
            }
            let line = Line::new(&fr, n, &raw);
            self.line(&fr, dir, n, &t, line)?;
        }
        self.inc.leave();
        Ok(())
    }

    fn include_path(dir: &str, p: &str) -> String {
        let p = crate::collect::host::conf::unquote(p);
        if p.starts_with('/') {
            p.to_string()
        } else {
            format!("{dir}/{p}")
        }
    }

    /// One comment-free logical line: an include, an alias, `Defaults` or a
    /// user specification.
    fn line(
        &mut self,
        fr: &FileRef,
        dir: &str,
        n: usize,
        t: &str,
        line: Line,
    ) -> Result<(), HostError> {
        let (word, rest) = t
            .split_once(char::is_whitespace)
            .map(|(a, b)| (a, b.trim()))
            .unwrap_or((t, ""));
        match word {
            "@include" | "#include" => {
                let p = Self::include_path(dir, rest);
                return self.file(&p, Some((&fr.path, n)));
            }
            "@includedir" | "#includedir" => {
                return self.include_dir(&Self::include_path(dir, rest), &fr.path, n);
            }
            _ => {}
        }
        let at = |m: String| HostError::at(&fr.path, n, m);
        if let Some(kind) = ALIASES.iter().find(|k| word == **k) {
            return self.alias(kind, rest).map_err(at);
        }
        if let Some(after) = word.strip_prefix("Defaults") {
            return self.defaults(word, after, rest, &line).map_err(at);
        }
        self.user_spec(t, line).map_err(at)
    }

    /// `@includedir DIR` at `from`:`n`: the folder's files, but names ending in
    /// `~` or containing `.` (skipped by sudo).
    fn include_dir(&mut self, d: &str, from: &str, n: usize) -> Result<(), HostError> {
        let names = self
            .fs
            .list_dir(d)
            .map_err(|e| HostError::io(d, &e).cited(from, n))?;
        for name in names {
            if name.ends_with('~') || name.contains('.') {
                continue;
            }
            let p = format!("{}/{name}", d.trim_end_matches('/'));
            if self.fs.is_dir(&p) {
                continue;
            }
            self.file(&p, Some((from, n)))?;
        }
        Ok(())
    }

    /// `KIND NAME = ITEM, … [: NAME = …]`; command aliases are kept.
    fn alias(&mut self, kind: &str, rest: &str) -> Result<(), String> {
        for def in split_top(rest, ':') {
            let Some((name, items)) = def.split_once('=') else {
                return Err(format!(
                    "{kind} without `NAME = …` (sudo reports a syntax error)"
                ));
            };
            if kind.starts_with("Cm") {
                self.cmnd_alias.insert(name.trim().to_string(), list(items));
            }
        }
        Ok(())
    }

    /// `Defaults[SCOPE] PARAM, …` (`word` is `Defaults` with its scope, `after`
    /// the scope): `authenticate` and the other-password settings are kept.
    fn defaults(&mut self, word: &str, after: &str, rest: &str, line: &Line) -> Result<(), String> {
        let scope = match after.chars().next() {
            None | Some('@') | Some('>') => None,
            Some(c @ (':' | '!')) => Some((c, list(&after[1..]))),
            Some(_) => {
                return Err(format!(
                    "unknown Defaults type `{word}` (sudo reports a syntax error)"
                ));
            }
        };
        for p in list(rest) {
            let p = p.split(['=', '+', '-']).next().unwrap_or("").trim();
            let (on, name) = match p.strip_prefix('!') {
                Some(x) => (false, x.trim()),
                None => (true, p),
            };
            if name == "authenticate" {
                self.auth.push(AuthDefault {
                    scope: scope.clone(),
                    on,
                    line: line.clone(),
                });
            }
            if matches!(name, "rootpw" | "targetpw" | "runaspw") && scope.is_none() {
                self.other_pw.insert(name.to_string(), (on, line.clone()));
            }
        }
        Ok(())
    }

    /// A user specification: `USERS HOSTS = CMNDS [: HOSTS = CMNDS]…`.
    fn user_spec(&mut self, t: &str, line: Line) -> Result<(), String> {
        let Some(eq) = t.find('=') else {
            return Err(format!(
                "not a sudoers line: `{}` (sudo reports a syntax error)",
                crate::collect::host::conf::excerpt(t)
            ));
        };
        let left = regex_commas(&t[..eq]);
        let mut words = left.split_whitespace();
        let (Some(users), Some(_hosts)) = (words.next(), words.next()) else {
            return Err(
                "a rule needs users, hosts, `=` and commands (sudo reports a syntax error)".into(),
            );
        };
        let users = list(users);
        let mut cmds = Vec::new();
        for block in host_blocks(&t[eq + 1..]) {
            // NOPASSWD/PASSWD carry over to the later commands of the list.
            let mut tag: Option<bool> = None;
            for item in list(&block) {
                cmds.push(command(&item, &mut tag)?);
            }
        }
        self.specs.push((users, cmds, line));
        self.out.rules += 1;
        Ok(())
    }

    /// Does a command (or alias) grant everything or a shell?
    fn broad(&self, cmd: &str, depth: usize) -> bool {
        let c = cmd.trim();
        if c.starts_with('!') || depth > 16 {
            return false;
        }
        if c == "ALL" {
            return true;
        }
        if let Some(items) = self.cmnd_alias.get(c) {
            return items.iter().any(|i| self.broad(i, depth + 1));
        }
        // `sha256:DIGEST /bin/sh` names the command after the digest.
        let mut words = c.split_whitespace();
        let mut first = words.next().unwrap_or("");
        if first.contains(':') && !first.starts_with('/') {
            first = words.next().unwrap_or("");
        }
        let base = first.rsplit('/').next().unwrap_or(first);
        self.shells.iter().any(|s| s == base || s == first)
    }

    /// Commands of a `Defaults!` list, aliases expanded.
    fn in_cmnd_list(&self, list: &[String], cmd: &str, depth: usize) -> bool {
        list.iter().any(|l| {
            l == cmd
                || l == "ALL"
                || (depth < 16
                    && self
                        .cmnd_alias
                        .get(l)
                        .is_some_and(|items| self.in_cmnd_list(items, cmd, depth + 1)))
        })
    }

    fn finish(mut self) -> Sudoers {
        // The authenticate default in effect for a rule: the last matching line.
        for (users, cmds, line) in &self.specs {
            for (cmd, tag) in cmds {
                let mut off: Option<&AuthDefault> = None;
                for d in &self.auth {
                    let applies = match &d.scope {
                        None => true,
                        Some((':', who)) => who.iter().any(|w| w == "ALL" || users.contains(w)),
                        Some((_, cmnds)) => self.in_cmnd_list(cmnds, cmd, 0),
                    };
                    if applies {
                        off = (!d.on).then_some(d);
                    }
                }
                let why = match (tag, off) {
                    (_, Some(d)) => Some(NoPasswordWhy::Defaults(d.line.clone())),
                    (Some(true), None) => Some(NoPasswordWhy::Tag),
                    _ => None,
                };
                if let Some(why) = why {
                    self.out.nopasswd.push(NoPassword {
                        users: users.join(","),
                        command: cmd.clone(),
                        broad: self.broad(cmd, 0),
                        why,
                        line: line.clone(),
                    });
                }
            }
        }
        self.out.other_password = self
            .other_pw
            .into_iter()
            .filter(|(_, (on, _))| *on)
            .map(|(k, (_, l))| (k, l))
            .collect();
        self.out
    }
}

/// `alice , bob` → `alice,bob` (a user or host list may have spaces after commas).
fn regex_commas(s: &str) -> String {
    let mut out = String::new();
    for part in s.split(',') {
        if !out.is_empty() {
            out.push(',');
        }
        let p = if out.is_empty() {
            part.trim_end()
        } else {
            part.trim()
        };
        out.push_str(p);
    }
    out
}

/// The command lists of `CMNDS : HOSTS = CMNDS …`: a top-level `:` whose next
/// segment has `=` before any `,` starts another host block.
fn host_blocks(s: &str) -> Vec<String> {
    let parts = split_top(s, ':');
    let mut out: Vec<String> = Vec::new();
    for p in parts {
        let starts_block = !out.is_empty() && {
            let head = p.split(',').next().unwrap_or("");
            head.contains('=')
                && !head.trim_start().starts_with('(')
                && !OPTIONS.iter().any(|o| head.trim_start().starts_with(o))
        };
        match out.last_mut() {
            Some(last) if !starts_block => {
                last.push(':');
                last.push_str(&p);
            }
            _ => out.push(match p.split_once('=') {
                Some((_, cmds)) if starts_block => cmds.to_string(),
                _ => p,
            }),
        }
    }
    out
}

/// The main sudoers file of policy LNX-SUD-001 and its shell list.
fn policy() -> (&'static [String], &'static [String]) {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-SUD-001").check {
        Check::SudoAuthenticate { files, shells } => (files, shells),
        _ => unreachable!("LNX-SUD-001 is a sudo_authenticate check (policies/accounts.yaml)"),
    }
}

/// `None` when no main sudoers file exists (sudo is not installed).
pub fn collect(fs: &RootFs) -> Option<Result<Sudoers, HostError>> {
    let (files, shells) = policy();
    let mut r = Reader {
        fs,
        shells,
        inc: Includes::new(128),
        cmnd_alias: BTreeMap::new(),
        auth: Vec::new(),
        specs: Vec::new(),
        other_pw: BTreeMap::new(),
        out: Sudoers::default(),
    };
    for f in files {
        if let Err(e) = r.file(f, None) {
            return Some(Err(e));
        }
    }
    if r.out.files.is_empty() {
        return None;
    }
    Some(Ok(r.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::host::linux::testutil::{corpus, root};

    fn read(files: &[(&str, &str)]) -> Sudoers {
        collect(&RootFs::new(root(files).path())).unwrap().unwrap()
    }

    #[test]
    fn upstream_sudoers_asks_for_passwords() {
        let s = read(&[("/etc/sudoers", &corpus("sudoers.upstream"))]);
        assert_eq!(s.rules, 1);
        assert!(s.nopasswd.is_empty() && s.other_password.is_empty());
    }

    #[test]
    fn tags_carry_over_and_aliases_expand() {
        let s = read(&[(
            "/etc/sudoers",
            "Cmnd_Alias SHELLS = /bin/sh, /usr/bin/bash\nCmnd_Alias WEB = /usr/bin/systemctl restart nginx\n\
             deploy ALL=(root) NOPASSWD: /usr/bin/apt update, /usr/bin/apt upgrade, PASSWD: /bin/ls\n\
             ops, backup ALL = (ALL:ALL) NOPASSWD: WEB, SHELLS\n\
             %wheel ALL=(ALL) ALL\n\
             #1000 ALL = NOPASSWD: sha256:abc /usr/bin/ls : db1 = NOPASSWD: ALL\n",
        )]);
        let got: Vec<(&str, &str, bool)> = s
            .nopasswd
            .iter()
            .map(|n| (n.users.as_str(), n.command.as_str(), n.broad))
            .collect();
        assert_eq!(
            got,
            vec![
                ("deploy", "/usr/bin/apt update", false),
                ("deploy", "/usr/bin/apt upgrade", false),
                ("ops,backup", "WEB", false),
                ("ops,backup", "SHELLS", true),
                ("#1000", "sha256:abc /usr/bin/ls", false),
                ("#1000", "ALL", true),
            ]
        );
    }

    #[test]
    fn defaults_authenticate_by_scope_and_includes() {
        let s = read(&[
            (
                "/etc/sudoers",
                "Defaults env_reset\nroot ALL=(ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
            ),
            ("/etc/sudoers.d/90-ops", "Defaults:%sudo !authenticate\n"),
            ("/etc/sudoers.d/README.txt", "garbage that sudo skips\n"),
            ("/etc/sudoers.d/old~", "garbage that sudo skips\n"),
        ]);
        assert_eq!(s.files.len(), 2);
        // The Defaults line comes after the rule but applies to it all the same.
        assert_eq!(s.nopasswd.len(), 1);
        assert!(s.nopasswd[0].broad);
        assert!(matches!(s.nopasswd[0].why, NoPasswordWhy::Defaults(ref l) if l.line == 1));
        let s = read(&[(
            "/etc/sudoers",
            "Defaults !authenticate\nDefaults authenticate\nalice ALL=ALL\nDefaults targetpw\n",
        )]);
        assert!(s.nopasswd.is_empty());
        assert_eq!(s.other_password[0].0, "targetpw");
    }

    #[test]
    fn syntax_errors_and_include_loops() {
        let d = root(&[("/etc/sudoers", "alice ALL\n")]);
        let e = collect(&RootFs::new(d.path())).unwrap().unwrap_err();
        assert_eq!(e.line, Some(1));
        let d = root(&[("/etc/sudoers", "@include sudoers\n")]);
        assert!(collect(&RootFs::new(d.path())).unwrap().is_err());
        assert!(collect(&RootFs::new(root(&[]).path())).is_none());
    }
}
