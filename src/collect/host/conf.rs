//! Helpers every host parser shares: citing config lines, reading files under the
//! root, expanding `Include` globs and drop-in directories.

use crate::i18n::Text;
use crate::model::{Evidence, EvidenceKind};
use crate::rootfs::{HostFile, RootFs};

/// One line of a configuration or evidence file, as a verdict cites it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// `Config` for a host path under `--root`, `Windows` for an evidence file.
    pub kind: EvidenceKind,
    /// The host path (`/etc/ssh/sshd_config`), or the evidence file's path.
    pub path: String,
    pub line: usize,
    pub text: String,
    pub sha256: String,
}

impl Line {
    pub fn new(file: &FileRef, line: usize, text: &str) -> Line {
        Line {
            kind: file.kind,
            path: file.path.clone(),
            line,
            text: excerpt(text),
            sha256: file.sha256.clone(),
        }
    }

    pub fn evidence(&self) -> Evidence {
        Evidence::new(self.kind)
            .path(&self.path)
            .line(self.line)
            .excerpt(&self.text)
            .sha256(Some(self.sha256.clone()))
    }

    /// `path:line`.
    pub fn at(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }
}

/// A whole file that a verdict rests on (present, but no single line to cite).
#[derive(Clone, Debug, PartialEq)]
pub struct FileRef {
    pub kind: EvidenceKind,
    pub path: String,
    pub sha256: String,
}

impl FileRef {
    pub fn of(f: &HostFile) -> FileRef {
        FileRef {
            kind: EvidenceKind::Config,
            path: f.path.clone(),
            sha256: f.sha256.clone(),
        }
    }

    pub fn evidence(&self) -> Evidence {
        Evidence::new(self.kind)
            .path(&self.path)
            .sha256(Some(self.sha256.clone()))
    }
}

/// A file that exists but could not be read or parsed: the items that need it are
/// `error`, never `pass`.
#[derive(Clone, Debug, PartialEq)]
pub struct HostError {
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
}

impl HostError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> HostError {
        HostError {
            path: path.into(),
            line: None,
            message: message.into(),
        }
    }
    pub fn at(path: impl Into<String>, line: usize, message: impl Into<String>) -> HostError {
        HostError {
            path: path.into(),
            line: Some(line),
            message: message.into(),
        }
    }
    pub fn io(path: &str, e: &std::io::Error) -> HostError {
        HostError::new(path, e.to_string())
    }

    /// Cites the config line that led to this error (an `Include` whose glob
    /// could not be expanded): `FILE:LINE: what: message`.
    pub fn cited(self, file: &str, line: usize) -> HostError {
        if self.line.is_some() {
            return self;
        }
        HostError::at(file, line, format!("{}: {}", self.path, self.message))
    }

    pub fn text(&self) -> Text {
        let at = match self.line {
            Some(l) => format!("{}:{l}", self.path),
            None => self.path.clone(),
        };
        let m = &self.message;
        Text::new(
            format!("{at} を読み取れない、または解析できません（{m}）"),
            format!("cannot read or parse {at}: {m}"),
        )
    }

    pub fn evidence(&self) -> Evidence {
        let mut e = Evidence::new(EvidenceKind::Config)
            .path(&self.path)
            .detail(self.text());
        if let Some(l) = self.line {
            e = e.line(l);
        }
        e
    }
}

/// A config line shortened for an excerpt (whitespace trimmed, at most 300 chars).
pub fn excerpt(s: &str) -> String {
    let t = s.trim();
    if t.chars().count() > 300 {
        let mut out: String = t.chars().take(300).collect();
        out.push('…');
        out
    } else {
        t.to_string()
    }
}

/// Reads a host file if it exists. Unreadable (permission, not a regular file,
/// link loop) is an error; missing is `None`. A configuration file with NUL
/// bytes is binary data (corrupted, or not what the program reads): an error,
/// so that garbage never reads as "nothing set" and passes on defaults.
pub fn read_opt(fs: &RootFs, path: &str) -> Result<Option<HostFile>, HostError> {
    let f = fs.read_opt(path).map_err(|e| HostError::io(path, &e))?;
    if let Some(f) = &f
        && f.bytes.contains(&0)
    {
        return Err(HostError::new(path, "not a text file (contains NUL bytes)"));
    }
    Ok(f)
}

/// The text of a host file and its citation handle.
pub fn text_of(f: &HostFile) -> (FileRef, String) {
    (FileRef::of(f), f.text())
}

/// Joins lines ending in `\` with the next one (kmod, smbd): see
/// [`lex::logical_lines`](super::lex::logical_lines).
pub fn join_continuations(text: &str) -> Vec<(usize, String)> {
    join_continuations_with(text, "")
}

/// Like [`join_continuations`], with `sep` put where the backslash was (systemd
/// puts a space).
pub fn join_continuations_with(text: &str, sep: &'static str) -> Vec<(usize, String)> {
    super::lex::logical_lines(text, super::lex::Continuation::Backslash(sep))
}

/// Does a path pattern contain glob characters?
pub fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The longest glob accepted from an audited configuration file (`PATH_MAX`): a
/// path pattern longer than any path cannot name a real file.
pub const MAX_GLOB_LEN: usize = 4096;
/// The most wildcards (`*`, `?`, `[`, `{`, `,`) in one glob: globset turns each
/// into regular-expression states, and a huge number of them makes it panic.
pub const MAX_GLOB_WILDCARDS: usize = 256;

/// Refuses a glob from an audited file that is too long or too complex to match
/// safely; the message names the limit (the caller cites the config line).
pub fn check_glob(pattern: &str) -> Result<(), String> {
    let wild = pattern
        .chars()
        .filter(|c| matches!(c, '*' | '?' | '[' | '{' | ','))
        .count();
    if pattern.len() > MAX_GLOB_LEN {
        return Err(format!(
            "the pattern is {} bytes long, more than the {MAX_GLOB_LEN} a path can have: {}",
            pattern.len(),
            excerpt(pattern)
        ));
    }
    if wild > MAX_GLOB_WILDCARDS {
        return Err(format!(
            "the pattern has {wild} wildcards, more than the {MAX_GLOB_WILDCARDS} timaudit matches: {}",
            excerpt(pattern)
        ));
    }
    Ok(())
}

/// A matcher for one path component of a glob from an audited file (`*` does not
/// cross `/`), or why not.
pub fn glob_matcher(pattern: &str) -> Result<globset::GlobMatcher, String> {
    check_glob(pattern)?;
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("{e}: {}", excerpt(pattern)))
}

/// Expands a host path pattern (`/etc/ssh/sshd_config.d/*.conf`) under the root,
/// as glob(3) would: sorted, hidden names only when the pattern starts with a dot.
/// A pattern without glob characters returns itself if it exists.
pub fn glob_host(fs: &RootFs, pattern: &str) -> Result<Vec<String>, HostError> {
    check_glob(pattern).map_err(|e| HostError::new(excerpt(pattern), e))?;
    let norm = crate::rootfs::normalize_host(pattern);
    if !has_glob(&norm) {
        return Ok(if fs.exists(&norm) { vec![norm] } else { vec![] });
    }
    let mut current: Vec<String> = vec![String::new()];
    let comps: Vec<&str> = norm.split('/').filter(|c| !c.is_empty()).collect();
    for (i, comp) in comps.iter().enumerate() {
        let last = i + 1 == comps.len();
        let mut next = Vec::new();
        for base in &current {
            let dir = if base.is_empty() { "/" } else { base.as_str() };
            if has_glob(comp) {
                let m = glob_matcher(comp).map_err(|e| HostError::new(excerpt(pattern), e))?;
                let names = fs.list_dir(dir).map_err(|e| HostError::io(dir, &e))?;
                for n in names {
                    if n.starts_with('.') && !comp.starts_with('.') {
                        continue;
                    }
                    if m.is_match(&n) {
                        next.push(format!("{base}/{n}"));
                    }
                }
            } else {
                next.push(format!("{base}/{comp}"));
            }
        }
        if !last {
            next.retain(|p| fs.is_dir(p));
        } else {
            next.retain(|p| fs.exists(p));
        }
        current = next;
    }
    current.sort();
    Ok(current)
}

/// Drop-in files: the names in `dirs` (highest precedence first, e.g. `/etc/x.d`,
/// `/run/x.d`, `/usr/lib/x.d`) accepted by `keep`; for a name in several
/// directories the first directory wins. Returned in file-name order.
pub fn dropins(
    fs: &RootFs,
    dirs: &[&str],
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<String>, HostError> {
    let mut by_name: std::collections::BTreeMap<String, String> = Default::default();
    for d in dirs {
        let names = fs.list_dir(d).map_err(|e| HostError::io(d, &e))?;
        for n in names {
            if n.starts_with('.') || !keep(&n) {
                continue;
            }
            let p = format!("{}/{n}", d.trim_end_matches('/'));
            // A directory with a matching name is not a config file.
            if fs.is_dir(&p) {
                continue;
            }
            by_name.entry(n).or_insert(p);
        }
    }
    Ok(by_name.into_values().collect())
}

/// The files a built-in policy's `files:` list names, in its order: a plain
/// path as it is, a `DIR/*SUFFIX` pattern as the files of DIR whose names end
/// in SUFFIX (sorted by name, as [`dir_files`]). Other patterns are not used
/// by the built-in policies (a unit test checks each list that comes here).
pub fn listed_files(fs: &RootFs, list: &[String]) -> Result<Vec<String>, HostError> {
    let mut out = Vec::new();
    for p in list {
        if !has_glob(p) {
            out.push(p.clone());
            continue;
        }
        match p.rsplit_once("/*") {
            Some((dir, suffix)) if !has_glob(dir) && !has_glob(suffix) => {
                out.extend(dir_files(fs, dir, |n| n.ends_with(suffix))?)
            }
            _ => unreachable!("built-in policy pattern {p} is not DIR/*SUFFIX"),
        }
    }
    Ok(out)
}

/// Files of one directory (not recursive) accepted by `keep`, sorted by name.
pub fn dir_files(
    fs: &RootFs,
    dir: &str,
    keep: impl Fn(&str) -> bool,
) -> Result<Vec<String>, HostError> {
    dropins(fs, &[dir], keep)
}

/// Strips a `#` comment that starts outside double or single quotes.
pub fn strip_hash_comment(s: &str) -> &str {
    let mut in_d = false;
    let mut in_s = false;
    let mut prev_escape = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if in_d => {
                prev_escape = !prev_escape;
                continue;
            }
            '"' if !in_s && !prev_escape => in_d = !in_d,
            '\'' if !in_d => in_s = !in_s,
            '#' if !in_d && !in_s => return &s[..i],
            _ => {}
        }
        prev_escape = false;
    }
    s
}

/// `yes`/`true`/`on`/`1` and `no`/`false`/`off`/`0`, case-insensitive.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" | "1" => Some(true),
        "no" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// Removes one pair of matching surrounding quotes.
pub fn unquote(s: &str) -> &str {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// Simple `KEY=VALUE` / `KEY = VALUE` files (ufw, usbguard, auditd.conf,
/// pwquality.conf, login.defs with whitespace): every uncommented assignment with
/// its line, in order.
pub fn key_values(file: &FileRef, text: &str, sep_ws: bool) -> Vec<(String, String, Line)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let (k, v) = match t.split_once('=') {
            Some((k, v)) if !k.trim().contains(char::is_whitespace) || !sep_ws => (k, v),
            _ if sep_ws => match t.split_once(char::is_whitespace) {
                Some((k, v)) => (k, v),
                None => (t, ""),
            },
            _ => continue,
        };
        out.push((
            k.trim().to_string(),
            v.trim().to_string(),
            Line::new(file, i + 1, raw),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_lines_join() {
        let j = join_continuations("a \\\n  b\nc\nd\\\n");
        assert_eq!(j, vec![(1, "a b".into()), (3, "c".into()), (4, "d".into())]);
        let j = join_continuations("/srv/share/\\\ndesign\n");
        assert_eq!(j, vec![(1, "/srv/share/design".into())]);
        let j = join_continuations_with("A=x\\\n y\n", " ");
        assert_eq!(j, vec![(1, "A=x y".into())]);
    }

    #[test]
    fn globs_expand_under_the_root_sorted_without_hidden() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("etc/x.d")).unwrap();
        for n in ["b.conf", "a.conf", ".hidden.conf", "c.txt"] {
            std::fs::write(r.join("etc/x.d").join(n), "").unwrap();
        }
        let fs = RootFs::new(r);
        assert_eq!(
            glob_host(&fs, "/etc/x.d/*.conf").unwrap(),
            vec!["/etc/x.d/a.conf", "/etc/x.d/b.conf"]
        );
        assert!(glob_host(&fs, "/etc/none/*.conf").unwrap().is_empty());
        assert_eq!(
            glob_host(&fs, "/etc/x.d/c.txt").unwrap(),
            vec!["/etc/x.d/c.txt"]
        );
    }

    #[test]
    fn dropins_take_etc_over_usr_lib_by_name() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("etc/m.d")).unwrap();
        std::fs::create_dir_all(r.join("usr/lib/m.d")).unwrap();
        std::fs::write(r.join("etc/m.d/b.conf"), "").unwrap();
        std::fs::write(r.join("usr/lib/m.d/b.conf"), "").unwrap();
        std::fs::write(r.join("usr/lib/m.d/a.conf"), "").unwrap();
        std::fs::write(r.join("usr/lib/m.d/z.txt"), "").unwrap();
        let fs = RootFs::new(r);
        let got = dropins(&fs, &["/etc/m.d", "/usr/lib/m.d"], |n| n.ends_with(".conf")).unwrap();
        assert_eq!(got, vec!["/usr/lib/m.d/a.conf", "/etc/m.d/b.conf"]);
    }

    #[test]
    fn hash_comments_respect_quotes() {
        assert_eq!(strip_hash_comment("a \"#b\" # c"), "a \"#b\" ");
        assert_eq!(strip_hash_comment("x"), "x");
    }

    #[test]
    fn huge_or_complex_globs_are_errors_not_panics() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("etc/x.d")).unwrap();
        std::fs::write(d.path().join("etc/x.d/a.conf"), "").unwrap();
        let fs = RootFs::new(d.path());
        // ~400 kB, as in the issue: globset panicked on it.
        let huge = format!("/etc/x.d/{}", "[a-z]*".repeat(70_000));
        let e = glob_host(&fs, &huge).unwrap_err();
        assert!(e.message.contains("more than the 4096"), "{}", e.message);
        assert!(e.message.len() < 1000, "the message quotes an excerpt only");
        let e = e.cited("/etc/ssh/sshd_config", 12);
        assert!(
            e.text()
                .en
                .starts_with("cannot read or parse /etc/ssh/sshd_config:12: ")
        );
        // At the limits globset must still work: no panic, an answer either way.
        for p in [
            format!("/etc/x.d/{}", "[!a-z]".repeat(MAX_GLOB_WILDCARDS)),
            format!("/etc/x.d/{}", "*?".repeat(MAX_GLOB_WILDCARDS / 2)),
            format!(
                "/etc/x.d/{}{}",
                "{a,".repeat(MAX_GLOB_WILDCARDS / 2),
                "}".repeat(MAX_GLOB_WILDCARDS / 2)
            ),
            format!("/etc/x.d/[{}]", "\u{10FFFF}".repeat(1000)),
        ] {
            let _ = glob_host(&fs, &p);
        }
        let many = format!("/etc/x.d/{}", "*".repeat(MAX_GLOB_WILDCARDS + 1));
        assert!(
            glob_host(&fs, &many)
                .unwrap_err()
                .message
                .contains("wildcards")
        );
        assert_eq!(
            glob_host(&fs, "/etc/x.d/*.conf").unwrap(),
            ["/etc/x.d/a.conf"]
        );
    }
}
