//! Log retention and forwarding: journald (drop-ins, time spans), logrotate
//! (globals, per-file blocks, `include`) and rsyslog (legacy `@host` and
//! RainerScript `action(type="omfwd")`, includes followed).

use crate::catalogue::policies::{Check, policy};
use crate::collect::host::conf::{
    FileRef, HostError, Line, check_glob, dropins, glob_host, has_glob, read_opt, unquote,
};
use crate::rootfs::RootFs;
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
/// `files:` of policy LNX-LOG-004 (`policies/logs.yaml`); LNX-LOG-009 names the
/// same list (a unit test checks).
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
    for (n, l) in crate::collect::host::conf::join_continuations_with(text, " ") {
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
    let mut lr = Logrotate::default();
    let mut globals = Retention::default();
    let mut seen = Vec::new();
    Some(logrotate_file(fs, &main, &mut lr, &mut globals, &mut seen, 0).map(|_| lr))
}

fn logrotate_file(
    fs: &RootFs,
    f: &crate::rootfs::HostFile,
    lr: &mut Logrotate,
    globals: &mut Retention,
    seen: &mut Vec<String>,
    depth: usize,
) -> Result<(), HostError> {
    if depth > 8 || seen.contains(&f.path) {
        return Ok(()); // logrotate skips files it has already read
    }
    seen.push(f.path.clone());
    let fr = FileRef::of(f);
    lr.files.push(fr.clone());
    let text = f.text();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    let mut pending: Vec<(String, usize)> = Vec::new(); // patterns waiting for `{`
    let mut in_stanza: Option<Stanza> = None;
    while i < lines.len() {
        let raw = lines[i];
        let n = i + 1;
        i += 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let line = Line::new(&fr, n, raw);
        if let Some(st) = in_stanza.as_mut() {
            let words: Vec<&str> = t.split_whitespace().collect();
            if t == "}" || t.starts_with('}') {
                lr.stanzas.push(in_stanza.take().unwrap());
                continue;
            }
            if [
                "postrotate",
                "prerotate",
                "firstaction",
                "lastaction",
                "preremove",
            ]
            .contains(&words[0])
            {
                while i < lines.len() && lines[i].trim() != "endscript" {
                    i += 1;
                }
                i += 1;
                continue;
            }
            apply_directive(&mut st.settings, &words, &line)
                .map_err(|m| HostError::at(&f.path, n, m))?;
            continue;
        }
        // Outside a stanza: patterns (possibly ending with `{`), a lone `{`, or a global.
        let starts_path =
            t.starts_with('/') || t.starts_with('"') || t.starts_with('~') || t.starts_with('*');
        if starts_path || t.starts_with('{') || !pending.is_empty() {
            let (before, opens) = match t.find('{') {
                Some(p) => (&t[..p], true),
                None => (t, false),
            };
            for w in split_patterns(before) {
                check_glob(&w).map_err(|m| HostError::at(&f.path, n, m))?;
                pending.push((w, n));
            }
            if opens {
                if pending.is_empty() {
                    return Err(HostError::at(&f.path, n, "`{` without a log file"));
                }
                let first = pending[0].1;
                in_stanza = Some(Stanza {
                    patterns: pending.drain(..).map(|(p, _)| p).collect(),
                    line: Line::new(&fr, first, lines[first - 1]),
                    settings: globals.clone(),
                });
                // `{ … }` on one line.
                let after = &t[t.find('{').unwrap() + 1..];
                if let Some(close) = after.find('}') {
                    for d in after[..close]
                        .split(';')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                    {
                        let words: Vec<&str> = d.split_whitespace().collect();
                        if let Some(st) = in_stanza.as_mut() {
                            apply_directive(&mut st.settings, &words, &line)
                                .map_err(|m| HostError::at(&f.path, n, m))?;
                        }
                    }
                    lr.stanzas.push(in_stanza.take().unwrap());
                }
            }
            continue;
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        if words[0] == "include" {
            let Some(target) = words.get(1) else {
                return Err(HostError::at(&f.path, n, "include without a path"));
            };
            let target = unquote(target);
            let is_dir = fs.is_dir(target);
            let files: Vec<String> = if is_dir {
                fs.list_dir(target)
                    .map_err(|e| HostError::io(target, &e))?
                    .into_iter()
                    .filter(|n| !taboo(n))
                    .map(|n| format!("{}/{n}", target.trim_end_matches('/')))
                    .collect()
            } else if has_glob(target) {
                glob_host(fs, target).map_err(|e| e.cited(&f.path, n))?
            } else {
                vec![target.to_string()]
            };
            for p in files {
                if fs.is_dir(&p) {
                    continue;
                }
                if let Some(inc) = read_opt(fs, &p)? {
                    logrotate_file(fs, &inc, lr, globals, seen, depth + 1)?;
                }
            }
            continue;
        }
        apply_directive(globals, &words, &line).map_err(|m| HostError::at(&f.path, n, m))?;
    }
    if in_stanza.is_some() {
        return Err(HostError::new(&f.path, "missing `}` at end of file"));
    }
    Ok(())
}

fn split_patterns(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    for c in s.chars() {
        match c {
            '"' => in_q = !in_q,
            c if c.is_whitespace() && !in_q => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
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

fn rsyslog_file(
    fs: &RootFs,
    f: &crate::rootfs::HostFile,
    r: &mut Rsyslog,
    seen: &mut Vec<String>,
    depth: usize,
) -> Result<(), HostError> {
    if depth > 8 || seen.contains(&f.path) {
        return Ok(());
    }
    seen.push(f.path.clone());
    let fr = FileRef::of(f);
    r.files.push(fr.clone());
    let text = f.text();
    let raw: Vec<&str> = text.lines().collect();
    let lines = strip_rsyslog_comments(&text);
    let legacy = regex::Regex::new(r#"^\s*[^\s$][^"]*?\s(@@?[\[\(A-Za-z0-9]|:omrelp:)"#).unwrap();
    let amp = regex::Regex::new(r#"^\s*&\s*(@@?[\[\(A-Za-z0-9]|:omrelp:)"#).unwrap();
    // A legacy action after an expression filter (`if $programname == 'sshd'
    // then @@host`) or a property filter (`:programname, isequal, "sshd" @@host`).
    let then = regex::Regex::new(r#"\bthen\s+(@@?[\[\(A-Za-z0-9]|:omrelp:)"#).unwrap();
    let prop = regex::Regex::new(
        r#"^\s*:[^,]+,\s*!?[A-Za-z_-]+\s*,\s*"(?:[^"\\]|\\.)*"\s*(@@?[\[\(A-Za-z0-9]|:omrelp:)"#,
    )
    .unwrap();
    let quoted = regex::Regex::new(r#""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"#).unwrap();
    let inc_legacy = regex::Regex::new(r#"^\s*\$IncludeConfig\s+(\S+)"#).unwrap();
    let inc_rs = regex::Regex::new(r#"include\s*\(\s*file\s*=\s*"([^"]+)""#).unwrap();
    // RainerScript actions may span lines: scan the joined text.
    let joined = lines.join("\n");
    let action = regex::Regex::new(r#"(?s)action\s*\(([^)]*)\)"#).unwrap();
    let fwd_type = regex::Regex::new(r#"(?i)type\s*=\s*"(omfwd|omrelp)""#).unwrap();
    for m in action.captures_iter(&joined) {
        if fwd_type.is_match(&m[1]) {
            let start = m.get(0).unwrap().start();
            let ln = joined[..start].matches('\n').count();
            r.forwards
                .push(Line::new(&fr, ln + 1, raw.get(ln).copied().unwrap_or("")));
        }
    }
    let create_legacy = regex::Regex::new(r#"^\s*\$FileCreateMode\s+(\S+)"#).unwrap();
    let create_rs = regex::Regex::new(r#"(?i)\bfileCreateMode\s*=\s*"([^"]*)""#).unwrap();
    for (i, l) in lines.iter().enumerate() {
        if let Some(c) = create_legacy.captures(l) {
            r.create_modes
                .push((c[1].to_string(), Line::new(&fr, i + 1, raw[i])));
        }
        for c in create_rs.captures_iter(l) {
            r.create_modes
                .push((c[1].to_string(), Line::new(&fr, i + 1, raw[i])));
        }
        let unquoted = quoted.replace_all(l, "\"\"");
        // `@@` inside a quoted string (a template, a message filter) is text.
        let u = unquoted.as_ref();
        if legacy.is_match(u) || amp.is_match(u) || then.is_match(u) || prop.is_match(u) {
            r.forwards.push(Line::new(&fr, i + 1, raw[i]));
        }
        let inc = inc_legacy
            .captures(l)
            .or_else(|| inc_rs.captures(l))
            .map(|c| c[1].to_string());
        if let Some(target) = inc {
            let is_dir = fs.is_dir(&target);
            let files = if is_dir {
                glob_host(fs, &format!("{}/*", target.trim_end_matches('/')))
                    .map_err(|e| e.cited(&f.path, i + 1))?
            } else {
                glob_host(fs, &target).map_err(|e| e.cited(&f.path, i + 1))?
            };
            for p in files {
                if let Some(inc) = read_opt(fs, &p)? {
                    rsyslog_file(fs, &inc, r, seen, depth + 1)?;
                }
            }
        }
    }
    r.forwards
        .sort_by(|a, b| (a.path.as_str(), a.line).cmp(&(b.path.as_str(), b.line)));
    r.forwards.dedup();
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
        let Check::RsyslogCreateMode { files, .. } = &policy("LNX-LOG-009").check else {
            panic!("LNX-LOG-009 is an rsyslog_create_mode check");
        };
        assert_eq!(
            files,
            &rsyslog_files(),
            "LNX-LOG-009 reads what LNX-LOG-004 reads"
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
