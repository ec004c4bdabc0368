//! Log retention and forwarding: journald (drop-ins, time spans), logrotate
//! (globals, per-file blocks, `include`) and rsyslog (legacy `@host` and
//! RainerScript `action(type="omfwd")`, includes followed).

use crate::catalogue::policies::{Check, policy};
use crate::collect::host::conf::{
    FileRef, HostError, Line, check_glob, dropins, glob_host, has_glob, read_opt, unquote,
};
use crate::collect::host::lex::{Continuation, Lexer, Split, Token, logical_lines};
use crate::rootfs::RootFs;
use regex::Regex;
use std::collections::BTreeMap;

// ------------------------------------------------------------------ journald

#[derive(Clone, Debug, Default)]
pub struct Journald {
    pub files: Vec<FileRef>,
    /// Effective `[Journal]` settings: key → (value, line). Later files override;
    /// an empty assignment resets to the default (and is kept as "").
    pub settings: BTreeMap<String, (String, Line)>,
    /// `/var/log/journal` exists (where `Storage=auto` keeps the journal on disk).
    pub var_log_journal: bool,
    /// Lines journald skips with a warning (no `=`, unknown key in `[Journal]`).
    pub warnings: Vec<HostError>,
}

/// The keys journald knows in `[Journal]` (systemd 252–257).
const JOURNALD_KEYS: &[&str] = &[
    "Storage",
    "Compress",
    "Seal",
    "SplitMode",
    "SyncIntervalSec",
    "RateLimitIntervalSec",
    "RateLimitInterval",
    "RateLimitBurst",
    "SystemMaxUse",
    "SystemKeepFree",
    "SystemMaxFileSize",
    "SystemMaxFiles",
    "RuntimeMaxUse",
    "RuntimeKeepFree",
    "RuntimeMaxFileSize",
    "RuntimeMaxFiles",
    "MaxRetentionSec",
    "MaxFileSec",
    "ForwardToSyslog",
    "ForwardToKMsg",
    "ForwardToConsole",
    "ForwardToWall",
    "ForwardToSocket",
    "TTYPath",
    "MaxLevelStore",
    "MaxLevelSyslog",
    "MaxLevelKMsg",
    "MaxLevelConsole",
    "MaxLevelWall",
    "MaxLevelSocket",
    "LineMax",
    "ReadKMsg",
    "Audit",
];

/// journald's main files (the first that exists is read) and its drop-in
/// folders, highest precedence first: the `files:` and `dropin_dirs:` of policy
/// LNX-LOG-001 (`policies/logs.yaml`), the single source of these paths.
fn journald_paths() -> (Vec<&'static str>, Vec<&'static str>) {
    let Check::JournaldRetention {
        files, dropin_dirs, ..
    } = &policy("LNX-LOG-001").check
    else {
        unreachable!("LNX-LOG-001 is a journald_retention check (policies/logs.yaml)");
    };
    (
        files.iter().map(String::as_str).collect(),
        dropin_dirs.iter().map(String::as_str).collect(),
    )
}

/// rsyslog's files in reading order, a `*` pattern for its drop-ins: the
/// `files:` of policy LNX-LOG-004 (`policies/logs.yaml`), the single source of
/// these paths; LNX-LOG-009 (the mode rsyslog creates files with) reads the same
/// collection.
fn rsyslog_files() -> Vec<&'static str> {
    let Check::RsyslogForward { files } = &policy("LNX-LOG-004").check else {
        unreachable!("LNX-LOG-004 is an rsyslog_forward check (policies/logs.yaml)");
    };
    files.iter().map(String::as_str).collect()
}

/// Parses systemd unit-file syntax for one section into `into`.
pub fn parse_systemd_conf(
    file: &FileRef,
    text: &str,
    section: &str,
    into: &mut BTreeMap<String, (String, Line)>,
) {
    parse_systemd_conf_checked(file, text, section, None, into);
}

/// Like [`parse_systemd_conf`], returning the lines systemd skips with a
/// warning: a line without `=`, and (when `known` is given) an unknown key of
/// `section`.
pub fn parse_systemd_conf_checked(
    file: &FileRef,
    text: &str,
    section: &str,
    known: Option<&[&str]>,
    into: &mut BTreeMap<String, (String, Line)>,
) -> Vec<HostError> {
    let mut warnings = Vec::new();
    let mut cur = String::new();
    // systemd joins a line ending in `\` with the next one, a space between.
    for (n, l) in logical_lines(text, Continuation::Backslash(" ")) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            cur = t[1..t.len() - 1].trim().to_string();
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            warnings.push(HostError::at(
                &file.path,
                n,
                "missing '=', ignoring line (as systemd does)",
            ));
            continue;
        };
        if cur != section {
            continue;
        }
        let k = k.trim();
        if known.is_some_and(|ks| !ks.contains(&k)) {
            warnings.push(HostError::at(
                &file.path,
                n,
                format!("unknown key '{k}' in section [{section}], ignoring (as systemd does)"),
            ));
            continue;
        }
        into.insert(
            k.to_string(),
            (unquote(v.trim()).to_string(), Line::new(file, n, &l)),
        );
    }
    warnings
}

pub fn collect_journald(fs: &RootFs) -> Option<Result<Journald, HostError>> {
    let mut j = Journald::default();
    let mut paths = Vec::new();
    let (main_files, dropin_dirs) = journald_paths();
    for p in main_files {
        match read_opt(fs, p) {
            Ok(Some(_)) => {
                paths.push(p.to_string());
                break;
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    match dropins(fs, &dropin_dirs, |n| n.ends_with(".conf")) {
        Ok(v) => paths.extend(v),
        Err(e) => return Some(Err(e)),
    }
    if paths.is_empty() {
        return None;
    }
    for p in paths {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                let w = parse_systemd_conf_checked(
                    &fr,
                    &f.text(),
                    "Journal",
                    Some(JOURNALD_KEYS),
                    &mut j.settings,
                );
                j.warnings.extend(w);
                j.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    j.var_log_journal = fs.is_dir("/var/log/journal");
    Some(Ok(j))
}

impl Journald {
    pub fn get(&self, key: &str) -> Option<&(String, Line)> {
        self.settings.get(key).filter(|(v, _)| !v.is_empty())
    }
}

// ------------------------------------------------------------------ logrotate

/// How often a stanza rotates.
#[derive(Clone, Debug, PartialEq)]
pub enum Period {
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

impl Period {
    pub fn days(&self) -> f64 {
        match self {
            Period::Hourly => 1.0 / 24.0,
            Period::Daily => 1.0,
            Period::Weekly => 7.0,
            Period::Monthly => 30.0,
            Period::Yearly => 365.0,
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Period::Hourly => "hourly",
            Period::Daily => "daily",
            Period::Weekly => "weekly",
            Period::Monthly => "monthly",
            Period::Yearly => "yearly",
        }
    }
}

/// The directives that decide how long rotated logs are kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Retention {
    pub period: Option<(Period, Line)>,
    pub rotate: Option<(i64, Line)>,
    pub maxage: Option<(i64, Line)>,
    /// `size` (rotation by size only, no time guarantee).
    pub size: Option<Line>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stanza {
    pub patterns: Vec<String>,
    pub line: Line,
    pub settings: Retention,
}

#[derive(Clone, Debug, Default)]
pub struct Logrotate {
    pub files: Vec<FileRef>,
    pub stanzas: Vec<Stanza>,
}

/// logrotate skips these in an included directory.
fn taboo(name: &str) -> bool {
    const EXT: &[&str] = &[
        ".rpmsave",
        ".rpmorig",
        "~",
        ",v",
        ".disabled",
        ".dpkg-old",
        ".dpkg-dist",
        ".dpkg-new",
        ".cfsaved",
        ".ucf-old",
        ".ucf-dist",
        ".ucf-new",
        ".rpmnew",
        ".swp",
        ".cfsaved",
        ".rhn-cfg-tmp-",
    ];
    name.starts_with('.')
        || EXT
            .iter()
            .any(|e| name.ends_with(e) || name.contains(".rhn-cfg-tmp-"))
}

/// Every directive logrotate (3.21) knows; any other word is an error logrotate
/// reports at its line ("unknown option").
const LOGROTATE_DIRECTIVES: &[&str] = &[
    "compress",
    "nocompress",
    "compresscmd",
    "uncompresscmd",
    "compressext",
    "compressoptions",
    "copy",
    "nocopy",
    "copytruncate",
    "nocopytruncate",
    "create",
    "nocreate",
    "createolddir",
    "nocreateolddir",
    "daily",
    "weekly",
    "monthly",
    "yearly",
    "hourly",
    "dateext",
    "nodateext",
    "dateformat",
    "dateyesterday",
    "datehourago",
    "delaycompress",
    "nodelaycompress",
    "extension",
    "addextension",
    "ifempty",
    "notifempty",
    "include",
    "mail",
    "nomail",
    "mailfirst",
    "maillast",
    "maxage",
    "minage",
    "maxsize",
    "minsize",
    "missingok",
    "nomissingok",
    "olddir",
    "noolddir",
    "postrotate",
    "prerotate",
    "firstaction",
    "lastaction",
    "preremove",
    "endscript",
    "rotate",
    "size",
    "sharedscripts",
    "nosharedscripts",
    "shred",
    "noshred",
    "shredcycles",
    "start",
    "su",
    "tabooext",
    "taboopat",
    "renamecopy",
    "norenamecopy",
    "allowhardlink",
    "noallowhardlink",
    "ignoreduplicates",
];

fn apply_directive(r: &mut Retention, words: &[&str], line: &Line) -> Result<(), String> {
    if !LOGROTATE_DIRECTIVES.contains(&words[0].to_ascii_lowercase().as_str()) {
        let w: String = words[0].chars().take(40).collect();
        return Err(format!("unknown option '{w}' (logrotate reports an error)"));
    }
    let num = |w: Option<&&str>| -> Result<i64, String> {
        w.ok_or_else(|| format!("`{}` needs a number", words[0]))?
            .parse::<i64>()
            .map_err(|_| format!("`{}` needs a number", words.join(" ")))
    };
    // `size` and the time periods are mutually exclusive; the last one given wins.
    if ["hourly", "daily", "weekly", "monthly", "yearly"].contains(&words[0]) {
        r.size = None;
    }
    if words[0] == "size" {
        r.period = None;
    }
    match words[0] {
        "hourly" => r.period = Some((Period::Hourly, line.clone())),
        "daily" => r.period = Some((Period::Daily, line.clone())),
        "weekly" => r.period = Some((Period::Weekly, line.clone())),
        "monthly" => r.period = Some((Period::Monthly, line.clone())),
        "yearly" => r.period = Some((Period::Yearly, line.clone())),
        "rotate" => r.rotate = Some((num(words.get(1))?, line.clone())),
        "maxage" => r.maxage = Some((num(words.get(1))?, line.clone())),
        "size" => r.size = Some(line.clone()),
        _ => {}
    }
    Ok(())
}

/// Reads the `file:` of policy LNX-LOG-002 (`policies/logs.yaml`) and what it includes.
pub fn collect_logrotate(fs: &RootFs) -> Option<Result<Logrotate, HostError>> {
    let Check::LogrotateRetention { file, .. } = &policy("LNX-LOG-002").check else {
        unreachable!("LNX-LOG-002 is a logrotate_retention check (policies/logs.yaml)");
    };
    let main = match read_opt(fs, file) {
        Ok(Some(f)) => f,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    let mut r = LogrotateReader {
        fs,
        lr: Logrotate::default(),
        globals: Retention::default(),
        seen: Vec::new(),
    };
    Some(r.file(&main, 0).map(|_| r.lr))
}

/// The directives that run a script up to `endscript`.
const SCRIPTS: &[&str] = &[
    "postrotate",
    "prerotate",
    "firstaction",
    "lastaction",
    "preremove",
];

/// logrotate's log file patterns, on the shared lexer ([`Lexer::DOUBLE`]):
/// `"…"` groups a pattern with spaces, `#` is text, a quote still open at the
/// end of the line closes there. Directives take plain whitespace-separated
/// words.
const PATTERNS: Split = Split {
    punct: &[],
    keep_quotes: false,
    open_quote_ends_at_eol: true,
};

/// Reads logrotate's main file and what it includes, in order: globals an
/// included file sets apply to the stanzas after it, as in logrotate.
struct LogrotateReader<'a> {
    fs: &'a RootFs,
    lr: Logrotate,
    globals: Retention,
    /// Files already read (logrotate skips a file it has read).
    seen: Vec<String>,
}

/// Where the reading of one file stands: patterns waiting for their `{`, and
/// the stanza whose `}` has not come yet.
#[derive(Default)]
struct OpenStanza {
    pending: Vec<(String, usize)>,
    stanza: Option<Stanza>,
}

impl LogrotateReader<'_> {
    fn file(&mut self, f: &crate::rootfs::HostFile, depth: usize) -> Result<(), HostError> {
        // Not lex::Includes, which refuses a cycle: logrotate reads each file
        // once and skips a repeated include without an error.
        if depth > 8 || self.seen.contains(&f.path) {
            return Ok(()); // logrotate skips files it has already read
        }
        self.seen.push(f.path.clone());
        let fr = FileRef::of(f);
        self.lr.files.push(fr.clone());
        let text = f.text();
        let lines: Vec<&str> = text.lines().collect();
        let mut open = OpenStanza::default();
        let mut i = 0;
        while i < lines.len() {
            let (raw, n) = (lines[i], i + 1);
            i += 1;
            let t = raw.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let line = Line::new(&fr, n, raw);
            let at = |m: String| HostError::at(&f.path, n, m);
            if open.stanza.is_some() {
                i = self
                    .stanza_line(&mut open, t, &line, &lines, i)
                    .map_err(at)?;
            } else if starts_patterns(t) || !open.pending.is_empty() {
                // Outside a stanza: patterns (possibly ending with `{`) or a lone `{`.
                self.patterns_line(&mut open, t, &line, &fr, &lines)
                    .map_err(at)?;
            } else {
                self.global_line(f, t, &line, depth)?;
            }
        }
        if open.stanza.is_some() {
            return Err(HostError::new(&f.path, "missing `}` at end of file"));
        }
        Ok(())
    }

    /// A line inside a stanza: its `}`, a script (skipped up to `endscript`) or
    /// a directive. Returns the index of the next line to read.
    fn stanza_line(
        &mut self,
        open: &mut OpenStanza,
        t: &str,
        line: &Line,
        lines: &[&str],
        next: usize,
    ) -> Result<usize, String> {
        if t.starts_with('}') {
            self.lr.stanzas.extend(open.stanza.take());
            return Ok(next);
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if SCRIPTS.contains(&words[0]) {
            return Ok(after_endscript(lines, next));
        }
        if let Some(st) = open.stanza.as_mut() {
            apply_directive(&mut st.settings, &words, line)?;
        }
        Ok(next)
    }

    /// Log file patterns, and the `{` that opens their stanza (which may close
    /// on the same line: `/var/log/x { rotate 4; weekly }`).
    fn patterns_line(
        &mut self,
        open: &mut OpenStanza,
        t: &str,
        line: &Line,
        fr: &FileRef,
        lines: &[&str],
    ) -> Result<(), String> {
        let brace = t.find('{');
        let before = brace.map_or(t, |p| &t[..p]);
        for w in split_patterns(before)? {
            check_glob(&w)?;
            open.pending.push((w, line.line));
        }
        let Some(brace) = brace else {
            return Ok(());
        };
        if open.pending.is_empty() {
            return Err("`{` without a log file".into());
        }
        let first = open.pending[0].1;
        let mut st = Stanza {
            patterns: open.pending.drain(..).map(|(p, _)| p).collect(),
            line: Line::new(fr, first, lines[first - 1]),
            settings: self.globals.clone(),
        };
        let after = &t[brace + 1..];
        let Some(close) = after.find('}') else {
            open.stanza = Some(st);
            return Ok(());
        };
        for d in after[..close]
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let words: Vec<&str> = d.split_whitespace().collect();
            apply_directive(&mut st.settings, &words, line)?;
        }
        self.lr.stanzas.push(st);
        Ok(())
    }

    /// A global directive, or `include`.
    fn global_line(
        &mut self,
        f: &crate::rootfs::HostFile,
        t: &str,
        line: &Line,
        depth: usize,
    ) -> Result<(), HostError> {
        let words: Vec<&str> = t.split_whitespace().collect();
        if words[0] == "include" {
            let Some(target) = words.get(1) else {
                return Err(HostError::at(&f.path, line.line, "include without a path"));
            };
            return self.include(&f.path, line.line, unquote(target), depth);
        }
        apply_directive(&mut self.globals, &words, line)
            .map_err(|m| HostError::at(&f.path, line.line, m))
    }

    /// `include TARGET` at `from`:`n`: a folder's files (but the ones logrotate
    /// skips), a glob's matches, or one file.
    fn include(
        &mut self,
        from: &str,
        n: usize,
        target: &str,
        depth: usize,
    ) -> Result<(), HostError> {
        let fs = self.fs;
        let is_dir = fs.is_dir(target);
        let files: Vec<String> = if is_dir {
            fs.list_dir(target)
                .map_err(|e| HostError::io(target, &e))?
                .into_iter()
                .filter(|n| !taboo(n))
                .map(|n| format!("{}/{n}", target.trim_end_matches('/')))
                .collect()
        } else if has_glob(target) {
            glob_host(fs, target).map_err(|e| e.cited(from, n))?
        } else {
            vec![target.to_string()]
        };
        for p in files {
            if fs.is_dir(&p) {
                continue;
            }
            if let Some(inc) = read_opt(fs, &p)? {
                self.file(&inc, depth + 1)?;
            }
        }
        Ok(())
    }
}

/// A line outside a stanza that names log files (or opens a stanza with `{`).
fn starts_patterns(t: &str) -> bool {
    t.starts_with(['/', '"', '~', '*', '{'])
}

/// The index of the line after the `endscript` that ends the script starting
/// before `next`.
fn after_endscript(lines: &[&str], mut next: usize) -> usize {
    while next < lines.len() && lines[next].trim() != "endscript" {
        next += 1;
    }
    next + 1
}

/// The patterns of a line (an empty `""` names nothing).
fn split_patterns(s: &str) -> Result<Vec<String>, String> {
    let tokens = Lexer::DOUBLE.tokens(s, &PATTERNS).map_err(|e| e.message)?;
    Ok(tokens
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) if !w.is_empty() => Some(w),
            _ => None,
        })
        .collect())
}

impl Stanza {
    /// Does this stanza rotate `log` (a path, or `dir/*` for every file in dir)?
    pub fn covers(&self, log: &str) -> bool {
        self.patterns.iter().any(|p| {
            if let Some(dir) = log.strip_suffix("/*") {
                return p.rsplit_once('/').map(|(d, _)| d) == Some(dir);
            }
            crate::collect::host::conf::glob_matcher(p)
                .map(|m| m.is_match(log))
                .unwrap_or(false)
        })
    }
}

impl Retention {
    /// Days of rotated logs kept (None: unbounded, `rotate -1` without maxage).
    /// Without a period directive logrotate rotates on every (daily) run.
    pub fn days(&self) -> Option<f64> {
        let rotate = self.rotate.as_ref().map(|(n, _)| *n).unwrap_or(0);
        let period = self.period.as_ref().map(|(p, _)| p.days()).unwrap_or(1.0);
        let by_count = if rotate < 0 {
            None
        } else {
            Some(rotate as f64 * period)
        };
        let by_age = self.maxage.as_ref().map(|(a, _)| *a as f64);
        match (by_count, by_age) {
            (Some(c), Some(a)) => Some(c.min(a)),
            (Some(c), None) => Some(c),
            (None, a) => a,
        }
    }
}

// ------------------------------------------------------------------ rsyslog

#[derive(Clone, Debug, Default)]
pub struct Rsyslog {
    pub files: Vec<FileRef>,
    /// Lines that forward messages to another host.
    pub forwards: Vec<Line>,
    /// The modes rsyslog creates log files with: `$FileCreateMode MODE` and
    /// `fileCreateMode="MODE"` (omfile module or action), with their lines.
    pub create_modes: Vec<(String, Line)>,
}

pub fn collect_rsyslog(fs: &RootFs) -> Option<Result<Rsyslog, HostError>> {
    let mut r = Rsyslog::default();
    let mut seen = Vec::new();
    // Each file of the policy in order; a pattern (the drop-in folder) is read
    // too (spec), even when rsyslog.conf is missing.
    for pat in rsyslog_files() {
        let paths = if pat.contains('*') {
            match glob_host(fs, pat) {
                Ok(v) => v,
                Err(e) => return Some(Err(e)),
            }
        } else {
            vec![pat.to_string()]
        };
        for p in paths {
            match read_opt(fs, &p) {
                Ok(Some(f)) => {
                    if let Err(e) = rsyslog_file(fs, &f, &mut r, &mut seen, 0) {
                        return Some(Err(e));
                    }
                }
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }
    (!r.files.is_empty()).then_some(Ok(r))
}

// rsyslog does not fit the shared line lexer (lex.rs): RainerScript is free-form,
// a statement (`action(…)`) and a `/* */` comment may span lines, and whether
// `/*` opens a comment depends on the token before it and on the line being a
// legacy `$Directive`. The text is made comment-free here, keeping its lines,
// and read with regular expressions.

/// Removes `#` comments (outside quotes) and `/* */` block comments, keeping the
/// line structure. As in rsyslog's lexer, `/*` opens a comment only where a token
/// can start (line start, after whitespace or `;{}()`), and never inside a legacy
/// `$Directive` line: `$IncludeConfig /etc/rsyslog.d/*.conf` is a path, not a
/// comment.
fn strip_rsyslog_comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for raw in text.lines() {
        let mut s = String::new();
        let chars: Vec<char> = raw.chars().collect();
        let mut i = 0;
        let mut in_q = false;
        let legacy_directive = !in_block && raw.trim_start().starts_with('$');
        while i < chars.len() {
            let c = chars[i];
            if in_block {
                if c == '*' && chars.get(i + 1) == Some(&'/') {
                    in_block = false;
                    i += 2;
                    continue;
                }
                i += 1;
                continue;
            }
            if in_q {
                s.push(c);
                if c == '\\' && i + 1 < chars.len() {
                    s.push(chars[i + 1]);
                    i += 2;
                    continue;
                }
                if c == '"' {
                    in_q = false;
                }
                i += 1;
                continue;
            }
            match c {
                '"' => {
                    in_q = true;
                    s.push(c);
                }
                '/' if chars.get(i + 1) == Some(&'*')
                    && !legacy_directive
                    && (i == 0
                        || chars[i - 1].is_whitespace()
                        || ";{}()".contains(chars[i - 1])) =>
                {
                    in_block = true;
                    i += 2;
                    continue;
                }
                '#' => break,
                c => s.push(c),
            }
            i += 1;
        }
        out.push(s);
    }
    out
}

/// The regular expressions that read rsyslog's comment-free text.
struct RsyslogSyntax {
    /// A legacy action `SELECTOR @host` / `@@host` / `:omrelp:`.
    legacy: Regex,
    /// `& @@host`: one more action for the selector above.
    amp: Regex,
    /// A legacy action after an expression filter (`if $programname == 'sshd'
    /// then @@host`).
    then: Regex,
    /// A legacy action after a property filter (`:programname, isequal,
    /// "sshd" @@host`).
    prop: Regex,
    quoted: Regex,
    inc_legacy: Regex,
    inc_rs: Regex,
    /// A RainerScript `action(…)`, possibly over several lines.
    action: Regex,
    fwd_type: Regex,
    create_legacy: Regex,
    create_rs: Regex,
}

fn rsyslog_syntax() -> &'static RsyslogSyntax {
    static S: std::sync::OnceLock<RsyslogSyntax> = std::sync::OnceLock::new();
    S.get_or_init(|| {
        let re = |p: &str| Regex::new(p).expect("built-in regular expression");
        RsyslogSyntax {
            legacy: re(r#"^\s*[^\s$][^"]*?\s(@@?[\[\(A-Za-z0-9]|:omrelp:)"#),
            amp: re(r#"^\s*&\s*(@@?[\[\(A-Za-z0-9]|:omrelp:)"#),
            then: re(r#"\bthen\s+(@@?[\[\(A-Za-z0-9]|:omrelp:)"#),
            prop: re(
                r#"^\s*:[^,]+,\s*!?[A-Za-z_-]+\s*,\s*"(?:[^"\\]|\\.)*"\s*(@@?[\[\(A-Za-z0-9]|:omrelp:)"#,
            ),
            quoted: re(r#""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"#),
            inc_legacy: re(r#"^\s*\$IncludeConfig\s+(\S+)"#),
            inc_rs: re(r#"include\s*\(\s*file\s*=\s*"([^"]+)""#),
            action: re(r#"(?s)action\s*\(([^)]*)\)"#),
            fwd_type: re(r#"(?i)type\s*=\s*"(omfwd|omrelp)""#),
            create_legacy: re(r#"^\s*\$FileCreateMode\s+(\S+)"#),
            create_rs: re(r#"(?i)\bfileCreateMode\s*=\s*"([^"]*)""#),
        }
    })
}

fn rsyslog_file(
    fs: &RootFs,
    f: &crate::rootfs::HostFile,
    r: &mut Rsyslog,
    seen: &mut Vec<String>,
    depth: usize,
) -> Result<(), HostError> {
    // Not lex::Includes, which refuses a cycle: a file is read once, and the
    // policy's `rsyslog.d/*.conf` names the files rsyslog.conf includes too.
    if depth > 8 || seen.contains(&f.path) {
        return Ok(());
    }
    seen.push(f.path.clone());
    let fr = FileRef::of(f);
    r.files.push(fr.clone());
    let text = f.text();
    let raw: Vec<&str> = text.lines().collect();
    let lines = strip_rsyslog_comments(&text);
    rainerscript_forwards(&lines, &raw, &fr, r);
    let syn = rsyslog_syntax();
    for (i, l) in lines.iter().enumerate() {
        let line = || Line::new(&fr, i + 1, raw[i]);
        line_settings(l, line, r);
        let inc = syn
            .inc_legacy
            .captures(l)
            .or_else(|| syn.inc_rs.captures(l))
            .map(|c| c[1].to_string());
        if let Some(target) = inc {
            rsyslog_include(fs, &f.path, i + 1, &target, r, seen, depth)?;
        }
    }
    r.forwards
        .sort_by(|a, b| (a.path.as_str(), a.line).cmp(&(b.path.as_str(), b.line)));
    r.forwards.dedup();
    Ok(())
}

/// `action(type="omfwd")` (or omrelp): RainerScript actions may span lines, so
/// the joined comment-free text is scanned; the action is cited at its first line.
fn rainerscript_forwards(lines: &[String], raw: &[&str], fr: &FileRef, r: &mut Rsyslog) {
    let syn = rsyslog_syntax();
    let joined = lines.join("\n");
    for m in syn.action.captures_iter(&joined) {
        if syn.fwd_type.is_match(&m[1]) {
            let start = m.get(0).map_or(0, |m| m.start());
            let ln = joined[..start].matches('\n').count();
            r.forwards
                .push(Line::new(fr, ln + 1, raw.get(ln).copied().unwrap_or("")));
        }
    }
}

/// The settings one comment-free line holds: `$FileCreateMode` /
/// `fileCreateMode="…"`, and a legacy forwarding action. `line` cites it.
fn line_settings(l: &str, line: impl Fn() -> Line, r: &mut Rsyslog) {
    let syn = rsyslog_syntax();
    if let Some(c) = syn.create_legacy.captures(l) {
        r.create_modes.push((c[1].to_string(), line()));
    }
    for c in syn.create_rs.captures_iter(l) {
        r.create_modes.push((c[1].to_string(), line()));
    }
    // `@@` inside a quoted string (a template, a message filter) is text.
    let unquoted = syn.quoted.replace_all(l, "\"\"");
    let u = unquoted.as_ref();
    if syn.legacy.is_match(u) || syn.amp.is_match(u) || syn.then.is_match(u) || syn.prop.is_match(u)
    {
        r.forwards.push(line());
    }
}

/// `$IncludeConfig TARGET` / `include(file="TARGET")` at `from`:`n`: a folder's
/// files, or a glob's matches.
fn rsyslog_include(
    fs: &RootFs,
    from: &str,
    n: usize,
    target: &str,
    r: &mut Rsyslog,
    seen: &mut Vec<String>,
    depth: usize,
) -> Result<(), HostError> {
    let is_dir = fs.is_dir(target);
    let files = if is_dir {
        glob_host(fs, &format!("{}/*", target.trim_end_matches('/')))
            .map_err(|e| e.cited(from, n))?
    } else {
        glob_host(fs, target).map_err(|e| e.cited(from, n))?
    };
    for p in files {
        if let Some(inc) = read_opt(fs, &p)? {
            rsyslog_file(fs, &inc, r, seen, depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{corpus, root};
    use super::*;

    #[test]
    fn the_log_paths_come_from_the_policies_in_their_order() {
        let (main, dropins) = journald_paths();
        assert_eq!(
            main,
            [
                "/etc/systemd/journald.conf",
                "/run/systemd/journald.conf",
                "/usr/local/lib/systemd/journald.conf",
                "/usr/lib/systemd/journald.conf"
            ]
        );
        assert_eq!(
            dropins,
            [
                "/etc/systemd/journald.conf.d",
                "/run/systemd/journald.conf.d",
                "/usr/local/lib/systemd/journald.conf.d",
                "/usr/lib/systemd/journald.conf.d"
            ]
        );
        assert_eq!(
            rsyslog_files(),
            ["/etc/rsyslog.conf", "/etc/rsyslog.d/*.conf"]
        );
    }

    #[test]
    fn journald_dropins_override_in_name_order() {
        let d = root(&[
            (
                "/etc/systemd/journald.conf",
                &corpus("journald.conf.rhel10"),
            ),
            (
                "/etc/systemd/journald.conf.d/10-a.conf",
                "[Journal]\nStorage=persistent\nMaxRetentionSec=2year\n",
            ),
            (
                "/usr/lib/systemd/journald.conf.d/20-b.conf",
                "[Journal]\nStorage=volatile\n",
            ),
            (
                "/etc/systemd/journald.conf.d/30-c.conf",
                "[Journal]\n#Storage=persistent\nMaxRetentionSec=\n",
            ),
        ]);
        let j = collect_journald(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(j.get("Storage").unwrap().0, "volatile");
        assert_eq!(
            j.get("Storage").unwrap().1.path,
            "/usr/lib/systemd/journald.conf.d/20-b.conf"
        );
        assert!(j.get("MaxRetentionSec").is_none());
        assert_eq!(j.files.len(), 4);
    }

    #[test]
    fn rhel_journald_conf_sets_nothing_but_audit() {
        let d = root(&[(
            "/etc/systemd/journald.conf",
            &corpus("journald.conf.rhel10"),
        )]);
        let j = collect_journald(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(j.get("Storage").is_none());
        assert!(j.settings.contains_key("Audit"));
    }

    #[test]
    fn logrotate_globals_include_and_per_file_blocks() {
        let d = root(&[
            ("/etc/logrotate.conf", &corpus("logrotate.conf")),
            (
                "/etc/logrotate.d/rsyslog",
                "/var/log/syslog\n/var/log/auth.log\n{\n\tweekly\n\trotate 4\n\tpostrotate\n\t\t/usr/lib/rsyslog/rsyslog-rotate\n\tendscript\n}\n",
            ),
            (
                "/etc/logrotate.d/audit",
                "/var/log/audit/*.log {\n monthly\n rotate 13\n}\n",
            ),
            (
                "/etc/logrotate.d/apt",
                "/var/log/apt/term.log {\n  rotate 12\n  monthly\n}\n",
            ),
            (
                "/etc/logrotate.d/wtmp.dpkg-old",
                "/var/log/messages { rotate 999 }\n",
            ),
        ]);
        let lr = collect_logrotate(&RootFs::new(d.path())).unwrap().unwrap();
        let find = |log: &str| lr.stanzas.iter().find(|s| s.covers(log)).unwrap();
        assert_eq!(find("/var/log/auth.log").settings.days(), Some(28.0));
        assert_eq!(find("/var/log/audit/*").settings.days(), Some(390.0));
        assert!(lr.stanzas.iter().all(|s| !s.covers("/var/log/messages")));
        // The corpus file alone: daily + rotate 7 = 7 days for anything it covers.
        let g = lr
            .stanzas
            .iter()
            .find(|s| s.covers("/var/log/apt/term.log"))
            .unwrap();
        assert_eq!(g.settings.days(), Some(360.0));
        let d = root(&[(
            "/etc/logrotate.conf",
            &format!(
                "{}\n/var/log/messages {{\n  missingok\n}}\n",
                corpus("logrotate.conf")
            ),
        )]);
        let lr = collect_logrotate(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(lr.stanzas[0].settings.days(), Some(7.0));
    }

    #[test]
    fn logrotate_quoted_patterns_keep_their_spaces() {
        // A quoted pattern may hold spaces and `#`; an empty `""` names nothing.
        let d = root(&[(
            "/etc/logrotate.conf",
            "\"/var/log/my app/*.log\" \"\" /var/log/a#b\n{\n rotate 3\n daily\n}\n",
        )]);
        let lr = collect_logrotate(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(
            lr.stanzas[0].patterns,
            ["/var/log/my app/*.log", "/var/log/a#b"]
        );
        assert!(lr.stanzas[0].covers("/var/log/my app/x.log"));
        assert_eq!(lr.stanzas[0].settings.days(), Some(3.0));
        assert_eq!(lr.stanzas[0].line.line, 1);
    }

    #[test]
    fn logrotate_maxage_caps_and_bad_numbers_are_errors() {
        let d = root(&[(
            "/etc/logrotate.conf",
            "weekly\nrotate 60\n/var/log/secure {\n maxage 90\n}\n",
        )]);
        let lr = collect_logrotate(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(lr.stanzas[0].settings.days(), Some(90.0));
        // size then weekly: the last one wins (weekly); weekly then size: size.
        let d = root(&[(
            "/etc/logrotate.conf",
            "rotate 60\nsize 10M\n/var/log/secure {\n weekly\n}\n/var/log/messages {\n size 1M\n}\n",
        )]);
        let lr = collect_logrotate(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(lr.stanzas[0].settings.size.is_none());
        assert_eq!(lr.stanzas[0].settings.days(), Some(420.0));
        assert!(lr.stanzas[1].settings.size.is_some());
        let d = root(&[("/etc/logrotate.conf", "rotate many\n")]);
        assert!(collect_logrotate(&RootFs::new(d.path())).unwrap().is_err());
    }

    #[test]
    fn rsyslog_include_glob_is_not_a_block_comment() {
        // `/*` in `$IncludeConfig /etc/rsyslog.d/*.conf` is part of the path: the
        // rules after it are read, and only `*.conf` files are included.
        let conf = corpus("rsyslog.conf.redhat")
            .replace("#*.* @@remote-host:514", "*.* @@remote-host:514");
        let d = root(&[
            ("/etc/rsyslog.conf", &conf),
            (
                "/etc/rsyslog.d/90-old.conf.disabled",
                "*.* @@old-host:514\n",
            ),
        ]);
        let r = collect_rsyslog(&RootFs::new(d.path())).unwrap().unwrap();
        let at: Vec<String> = r.forwards.iter().map(|l| l.at()).collect();
        assert_eq!(at.len(), 1, "{at:?}");
        assert!(at[0].starts_with("/etc/rsyslog.conf:"), "{at:?}");
        assert!(r.files.iter().all(|f| !f.path.ends_with(".disabled")));
        // A real block comment still hides what it encloses.
        let d = root(&[(
            "/etc/rsyslog.conf",
            "/* *.* @@a:514\n*/\n*.info;mail.none /var/log/messages /* x */\n",
        )]);
        let r = collect_rsyslog(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(r.forwards.is_empty());
    }

    #[test]
    fn rsyslog_filtered_legacy_forwarding_counts() {
        let d = root(&[(
            "/etc/rsyslog.conf",
            "if $programname == \"sshd\" then @@10.0.0.5:514\n:programname, isequal, \"sudo\" @loghost\n:msg, contains, \"a\\\"b\" /var/log/x\n",
        )]);
        let r = collect_rsyslog(&RootFs::new(d.path())).unwrap().unwrap();
        let at: Vec<String> = r.forwards.iter().map(|l| l.at()).collect();
        assert_eq!(at, vec!["/etc/rsyslog.conf:1", "/etc/rsyslog.conf:2"]);
    }

    #[test]
    fn rsyslog_commented_forwarding_does_not_count() {
        let d = root(&[("/etc/rsyslog.conf", &corpus("rsyslog.conf.redhat"))]);
        let r = collect_rsyslog(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(r.forwards.is_empty());
    }

    #[test]
    fn rsyslog_forwarding_forms_and_includes() {
        let d = root(&[
            ("/etc/rsyslog.conf", &corpus("rsyslog.conf.redhat")),
            (
                "/etc/rsyslog.d/10-legacy.conf",
                "authpriv.* @@logs.example.jp:514\n",
            ),
            (
                "/etc/rsyslog.d/20-rs.conf",
                "# action(type=\"omfwd\" target=\"x\")\n/* action(type=\"omfwd\") */\nif $programname == 'sshd' then {\n  action(\n    type = \"omfwd\"\n    target=\"10.0.0.5\" port=\"514\" protocol=\"tcp\")\n}\n",
            ),
            (
                "/etc/rsyslog.d/30-file.conf",
                "*.* /var/log/all.log\n$ActionQueueType LinkedList\nif $msg contains 'then @@x' then /var/log/x\n",
            ),
        ]);
        let r = collect_rsyslog(&RootFs::new(d.path())).unwrap().unwrap();
        let at: Vec<String> = r.forwards.iter().map(|l| l.at()).collect();
        assert_eq!(
            at,
            vec![
                "/etc/rsyslog.d/10-legacy.conf:1",
                "/etc/rsyslog.d/20-rs.conf:4"
            ]
        );
    }
}
