//! The Linux audit system: rules (`-w PATH -p PERMS` and the equivalent
//! `-a always,exit -F path=/dir= -F perm=`), `-e 2` (locked rules), `auditd.conf`
//! and the remote-logging plugin.

use crate::catalogue::policies::{Check, policy};
use crate::collect::host::conf::{FileRef, HostError, Line, dir_files, key_values, read_opt};
use crate::collect::host::lex::Lexer;
use crate::rootfs::RootFs;

/// How a rule names what it watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchKind {
    /// `-w PATH`: a directory is watched recursively, a file exactly.
    W,
    /// `-F dir=PATH`: the directory tree.
    Dir,
    /// `-F path=PATH`: exactly that path.
    Path,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    pub kind: WatchKind,
    pub path: String,
    /// Permission letters (`rwxa`); `-w` without `-p` means all four.
    pub perms: String,
    pub line: Line,
}

impl Watch {
    pub fn reads_or_writes(&self) -> bool {
        self.perms.contains(['r', 'w'])
    }
    /// Is `target` (a host path) at or below what this rule watches?
    pub fn covers(&self, target: &str) -> bool {
        let p = self.path.trim_end_matches('/');
        let p = if p.is_empty() { "/" } else { p };
        match self.kind {
            WatchKind::Path => target == p,
            WatchKind::W | WatchKind::Dir => crate::collect::host::path_at_or_below(target, p),
        }
    }
}

/// An `-a …,always,exit -S SYSCALL…` rule: which syscalls it records and the
/// `dir=`/`path=` fields that narrow it (none: every file).
#[derive(Clone, Debug, PartialEq)]
pub struct SyscallRule {
    pub syscalls: Vec<String>,
    pub paths: Vec<(WatchKind, String)>,
    pub line: Line,
}

impl SyscallRule {
    /// Does the rule record `target` (a host path)? A rule without paths
    /// records every file.
    pub fn covers(&self, target: &str) -> bool {
        self.paths.is_empty()
            || self.paths.iter().any(|(k, p)| {
                Watch {
                    kind: *k,
                    path: p.clone(),
                    perms: String::new(),
                    line: self.line.clone(),
                }
                .covers(target)
            })
    }
}

#[derive(Clone, Debug, Default)]
pub struct AuditRules {
    pub files: Vec<FileRef>,
    pub watches: Vec<Watch>,
    /// Rules with `-S` (ITS-15: mount, unlink, rename …).
    pub syscalls: Vec<SyscallRule>,
    /// The last `-e` of the rules in `rules.d` (as augenrules compiles them), or of
    /// `audit.rules` when `rules.d` has none.
    pub last_enable: Option<(String, Line)>,
}

/// auditctl's options: (option, takes an argument).
const AUDITCTL_OPTIONS: &[(&str, bool)] = &[
    ("-a", true),
    ("-A", true),
    ("-d", true),
    ("-w", true),
    ("-W", true),
    ("-p", true),
    ("-k", true),
    ("-F", true),
    ("-S", true),
    ("-C", true),
    ("-e", true),
    ("-b", true),
    ("-f", true),
    ("-r", true),
    ("-t", false),
    ("-D", false),
    ("-l", false),
    ("-s", false),
    ("-c", false),
    ("-i", false),
    ("-q", true),
    ("-R", true),
    ("-v", false),
    ("-m", true),
    ("-h", false),
    ("--backlog_wait_time", true),
    ("--loginuid-immutable", false),
    ("--reset-lost", false),
    ("--reset_backlog_wait_time_actual", false),
    ("--signal", true),
];

/// The longest key auditctl accepts on a rule (AUDIT_MAX_KEY_LEN for watches).
pub const MAX_KEY_LEN: usize = 31;

/// Checks one rule line the way auditctl does before loading it: known options,
/// each with its argument, permissions from `rwxa`, `list,action` pairs, `-F`
/// comparisons, keys of at most 31 characters, `-e`/`-f` values.
fn check_rule(w: &[String]) -> Result<(), String> {
    let mut i = 0;
    while i < w.len() {
        let o = w[i].as_str();
        let Some((_, takes)) = AUDITCTL_OPTIONS.iter().find(|(n, _)| *n == o) else {
            return Err(format!("auditctl: unknown option `{o}`"));
        };
        if !takes {
            i += 1;
            continue;
        }
        let Some(v) = w.get(i + 1) else {
            return Err(format!("auditctl: option `{o}` requires an argument"));
        };
        check_option_value(o, v)?;
        i += 2;
    }
    Ok(())
}

fn check_option_value(o: &str, v: &str) -> Result<(), String> {
    let perms_ok = |p: &str| !p.is_empty() && p.chars().all(|c| "rwxa".contains(c));
    match o {
        "-p" if !perms_ok(v) => Err(format!(
            "auditctl: permission `{v}` is not made of r, w, x, a"
        )),
        "-k" if v.len() > MAX_KEY_LEN => Err(format!(
            "auditctl: key `{v}` is longer than {MAX_KEY_LEN} characters"
        )),
        "-a" | "-A" | "-d" => {
            let parts: Vec<String> = v
                .split(',')
                .map(|x| x.trim().to_ascii_lowercase())
                .collect();
            let lists = [
                "task",
                "exit",
                "user",
                "exclude",
                "filesystem",
                "io_uring",
                "entry",
            ];
            let ok = parts.len() == 2
                && parts.iter().filter(|p| lists.contains(&p.as_str())).count() == 1
                && parts
                    .iter()
                    .filter(|p| *p == "always" || *p == "never")
                    .count()
                    == 1;
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "auditctl: `{v}` is not a list,action pair (e.g. always,exit)"
                ))
            }
        }
        "-F" | "-C" => {
            let ops = ["!=", "<=", ">=", "&=", "=", "<", ">", "&"];
            let Some(op) = ops.iter().find(|op| v.contains(**op)) else {
                return Err(format!("auditctl: `{v}` has no comparison operator"));
            };
            let (field, value) = v.split_once(op).unwrap_or_default();
            if field.is_empty() || value.is_empty() {
                return Err(format!("auditctl: `{v}` needs a field and a value"));
            }
            if field == "perm" && !perms_ok(value) {
                return Err(format!(
                    "auditctl: permission `{value}` is not made of r, w, x, a"
                ));
            }
            if field == "key" && value.len() > MAX_KEY_LEN {
                return Err(format!(
                    "auditctl: key `{value}` is longer than {MAX_KEY_LEN} characters"
                ));
            }
            Ok(())
        }
        "-e" if !["0", "1", "2"].contains(&v) => {
            Err(format!("auditctl: -e takes 0, 1 or 2, not `{v}`"))
        }
        "-f" if !["0", "1", "2"].contains(&v) => {
            Err(format!("auditctl: -f takes 0, 1 or 2, not `{v}`"))
        }
        "-b" | "-r" | "--backlog_wait_time" if v.parse::<u64>().is_err() => {
            Err(format!("auditctl: {o} takes a number, not `{v}`"))
        }
        _ => Ok(()),
    }
}

/// Parses one rules file; `enable` receives each `-e` value in order.
pub fn parse_rules(
    file: &FileRef,
    text: &str,
    watches: &mut Vec<Watch>,
    enable: &mut Option<(String, Line)>,
) -> Result<(), HostError> {
    parse_rules_with_syscalls(file, text, watches, &mut Vec::new(), enable)
}

/// [`parse_rules`], also keeping the `-S` rules.
pub fn parse_rules_with_syscalls(
    file: &FileRef,
    text: &str,
    watches: &mut Vec<Watch>,
    syscalls: &mut Vec<SyscallRule>,
    enable: &mut Option<(String, Line)>,
) -> Result<(), HostError> {
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let w = rule_words(t).map_err(|m| HostError::at(&file.path, n, m))?;
        let line = || Line::new(file, n, raw);
        match w[0].as_str() {
            "-w" => {
                let Some(path) = w.get(1) else {
                    return Err(HostError::at(&file.path, n, "-w without a path"));
                };
                let perms = option(&w, "-p").unwrap_or("rwxa").to_string();
                watches.push(Watch {
                    kind: WatchKind::W,
                    path: path.clone(),
                    perms,
                    line: line(),
                });
            }
            "-a" | "-A" => {
                let Some(la) = w.get(1) else {
                    return Err(HostError::at(&file.path, n, "-a without list,action"));
                };
                let parts: Vec<String> = la
                    .split(',')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .collect();
                if parts.contains(&"always".to_string()) && parts.contains(&"exit".to_string()) {
                    always_exit_rule(&w[2..], &line, watches, syscalls);
                }
            }
            "-e" => {
                if let Some(v) = w.get(1) {
                    *enable = Some((v.clone(), line()));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The words of one rule line (auditctl's split: quotes group, `#` is text),
/// checked as auditctl does.
fn rule_words(t: &str) -> Result<Vec<String>, String> {
    if !t.starts_with('-') {
        return Err(format!(
            "not an auditctl rule: `{}`",
            crate::collect::host::conf::excerpt(t)
        ));
    }
    let w = Lexer::SHELL
        .words(t)
        .map_err(|e| format!("auditctl: {}", e.message))?;
    check_rule(&w)?;
    Ok(w)
}

/// The value after option `name` in a rule's words.
fn option<'a>(w: &'a [String], name: &str) -> Option<&'a str> {
    w.iter()
        .position(|x| x == name)
        .and_then(|i| w.get(i + 1))
        .map(String::as_str)
}

/// An `-a always,exit` rule (`args`: its words after the list,action): its
/// `-S` system calls make a syscall rule, its `-F dir=`/`-F path=` fields
/// watches (with its `perm`).
fn always_exit_rule(
    args: &[String],
    line: &dyn Fn() -> Line,
    watches: &mut Vec<Watch>,
    syscalls: &mut Vec<SyscallRule>,
) {
    let (fields, calls) = fields_and_syscalls(args);
    let perm = fields
        .iter()
        .find(|(a, _)| a == "perm")
        .map(|(_, b)| b.clone());
    if !calls.is_empty() {
        syscalls.push(SyscallRule {
            syscalls: calls,
            paths: fields
                .iter()
                .filter_map(|(a, b)| match a.as_str() {
                    "dir" => Some((WatchKind::Dir, b.clone())),
                    "path" => Some((WatchKind::Path, b.clone())),
                    _ => None,
                })
                .collect(),
            line: line(),
        });
    }
    for (a, b) in &fields {
        let kind = match a.as_str() {
            "dir" => WatchKind::Dir,
            "path" => WatchKind::Path,
            _ => continue,
        };
        watches.push(Watch {
            kind,
            path: b.clone(),
            perms: perm.clone().unwrap_or_default(),
            line: line(),
        });
    }
}

/// The selecting `-F field=value` pairs and the `-S` system calls (lowercase)
/// of a rule's words.
fn fields_and_syscalls(args: &[String]) -> (Vec<(String, String)>, Vec<String>) {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut calls: Vec<String> = Vec::new();
    let mut k = 0;
    while k < args.len() {
        if args[k] == "-S" {
            if let Some(v) = args.get(k + 1) {
                calls.extend(v.split(',').map(|c| c.trim().to_ascii_lowercase()));
            }
            k += 2;
        } else if args[k] == "-F" {
            if let Some(f) = args.get(k + 1)
                && let Some((a, b)) = f.split_once('=')
            {
                // `dir!=`/`path!=`/`perm!=` exclude rather than
                // select: they never make a watch.
                if !a.ends_with('!') {
                    fields.push((a.to_string(), b.to_string()));
                }
            }
            k += 2;
        } else {
            k += 1;
        }
    }
    (fields, calls)
}

/// The folders of `*.rules` files augenrules compiles and the rule files auditd
/// loads: the `rule_dirs:` and `rule_files:` of policy LNX-AUD-001
/// (`policies/audit.yaml`), the single source of these paths.
fn rule_paths() -> (Vec<&'static str>, Vec<&'static str>) {
    let Check::AuditWatch {
        rule_dirs,
        rule_files,
        ..
    } = &policy("LNX-AUD-001").check
    else {
        unreachable!("LNX-AUD-001 is an audit_watch check (policies/audit.yaml)");
    };
    (
        rule_dirs.iter().map(String::as_str).collect(),
        rule_files.iter().map(String::as_str).collect(),
    )
}

pub fn collect_rules(fs: &RootFs) -> Option<Result<AuditRules, HostError>> {
    let (rule_dirs, rule_files) = rule_paths();
    let mut d_files = Vec::new();
    for d in rule_dirs {
        match dir_files(fs, d, |n| n.ends_with(".rules")) {
            Ok(v) => d_files.extend(v),
            Err(e) => return Some(Err(e)),
        }
    }
    let mut r = AuditRules::default();
    let mut any = false;
    // Reads one group of rule files into `r`, with the group's last `-e`.
    let mut read_group = |files: Vec<&str>, enable: &mut Option<_>| -> Result<(), HostError> {
        for p in files {
            let Some(f) = read_opt(fs, p)? else { continue };
            any = true;
            let fr = FileRef::of(&f);
            parse_rules_with_syscalls(&fr, &f.text(), &mut r.watches, &mut r.syscalls, enable)?;
            r.files.push(fr);
        }
        Ok(())
    };
    let (mut d_enable, mut main_enable) = (None, None);
    if let Err(e) = read_group(d_files.iter().map(String::as_str).collect(), &mut d_enable) {
        return Some(Err(e));
    }
    if let Err(e) = read_group(rule_files, &mut main_enable) {
        return Some(Err(e));
    }
    r.last_enable = if d_files.is_empty() {
        main_enable
    } else {
        d_enable
    };
    any.then_some(Ok(r))
}

// ------------------------------------------------------------------ auditd.conf

#[derive(Clone, Debug, Default)]
pub struct AuditdConf {
    pub file: Option<FileRef>,
    pub max_log_file_action: Option<(String, Line)>,
    pub num_logs: Option<(String, Line)>,
    pub max_log_file: Option<(String, Line)>,
    pub plugin_dir: Option<String>,
}

/// The value domain of one auditd.conf keyword, as auditd checks it at start.
#[derive(Clone, Copy)]
enum Domain {
    Number,
    /// A number, or a percentage (`space_left = 25%`).
    NumberOrPercent,
    Bool,
    OneOf(&'static [&'static str]),
    /// `exec /path` or one of the listed words.
    ActionOrExec(&'static [&'static str]),
    Text,
}

const DISK_ACTIONS: &[&str] = &[
    "ignore", "syslog", "rotate", "email", "suspend", "single", "halt",
];

/// Every keyword auditd (3.x) accepts in auditd.conf and its value domain. An
/// unknown keyword or a value outside the domain stops auditd ("The audit daemon
/// is exiting").
const AUDITD_KEYS: &[(&str, Domain)] = &[
    ("local_events", Domain::Bool),
    ("write_logs", Domain::Bool),
    ("log_file", Domain::Text),
    ("log_group", Domain::Text),
    ("log_format", Domain::OneOf(&["raw", "enriched", "nolog"])),
    (
        "flush",
        Domain::OneOf(&["none", "incremental", "incremental_async", "data", "sync"]),
    ),
    ("freq", Domain::Number),
    ("num_logs", Domain::Number),
    ("dispatcher", Domain::Text),
    ("disp_qos", Domain::OneOf(&["lossy", "lossless"])),
    (
        "name_format",
        Domain::OneOf(&["none", "hostname", "fqd", "numeric", "user"]),
    ),
    ("name", Domain::Text),
    ("max_log_file", Domain::Number),
    (
        "max_log_file_action",
        Domain::OneOf(&["ignore", "syslog", "suspend", "rotate", "keep_logs"]),
    ),
    ("verify_email", Domain::Bool),
    ("action_mail_acct", Domain::Text),
    ("space_left", Domain::NumberOrPercent),
    ("space_left_action", Domain::ActionOrExec(DISK_ACTIONS)),
    ("admin_space_left", Domain::NumberOrPercent),
    (
        "admin_space_left_action",
        Domain::ActionOrExec(DISK_ACTIONS),
    ),
    ("disk_full_action", Domain::ActionOrExec(DISK_ACTIONS)),
    ("disk_error_action", Domain::ActionOrExec(DISK_ACTIONS)),
    ("report_interval", Domain::Number),
    ("tcp_listen_port", Domain::Number),
    ("tcp_listen_queue", Domain::Number),
    ("tcp_max_per_addr", Domain::Number),
    ("use_libwrap", Domain::Bool),
    ("tcp_client_ports", Domain::Text),
    ("tcp_client_max_idle", Domain::Number),
    ("transport", Domain::OneOf(&["tcp", "krb5"])),
    ("enable_krb5", Domain::Bool),
    ("krb5_principal", Domain::Text),
    ("krb5_key_file", Domain::Text),
    ("distribute_network", Domain::Bool),
    ("q_depth", Domain::Number),
    (
        "overflow_action",
        Domain::OneOf(&["ignore", "syslog", "suspend", "single", "halt"]),
    ),
    ("max_restarts", Domain::Number),
    ("plugin_dir", Domain::Text),
    ("end_of_event_timeout", Domain::Number),
    ("priority_boost", Domain::Number),
];

fn check_auditd_value(key: &str, v: &str) -> Result<(), String> {
    let Some((_, dom)) = AUDITD_KEYS.iter().find(|(k, _)| *k == key) else {
        return Err(format!(
            "auditd: unknown keyword `{key}` (auditd will not start)"
        ));
    };
    let lv = v.to_ascii_lowercase();
    let num = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
    let ok = match dom {
        Domain::Number => num(v),
        Domain::NumberOrPercent => num(v.strip_suffix('%').unwrap_or(v)),
        Domain::Bool => lv == "yes" || lv == "no",
        Domain::OneOf(words) => words.contains(&lv.as_str()),
        Domain::ActionOrExec(words) => {
            words.contains(&lv.as_str()) || lv.starts_with("exec ") && v.len() > 5
        }
        Domain::Text => !v.is_empty(),
    };
    if ok {
        Ok(())
    } else {
        let want = match dom {
            Domain::Number => "a number".to_string(),
            Domain::NumberOrPercent => "a number or a percentage".to_string(),
            Domain::Bool => "yes or no".to_string(),
            Domain::OneOf(w) => w.join(", "),
            Domain::ActionOrExec(w) => format!("{} or exec PATH", w.join(", ")),
            Domain::Text => "a value".to_string(),
        };
        Err(format!(
            "auditd: `{key} = {v}` is not valid (expected {want}; auditd will not start)"
        ))
    }
}

/// Reads auditd.conf as auditd does: `keyword = value` lines, `#` comments; an
/// unknown keyword, a line without `=` or a value outside its domain is an error
/// at its line (auditd refuses to start).
pub fn parse_auditd_conf(file: &FileRef, text: &str) -> Result<AuditdConf, HostError> {
    let mut c = AuditdConf {
        file: Some(file.clone()),
        ..Default::default()
    };
    for (n, raw) in crate::collect::host::lex::logical_lines(
        text,
        crate::collect::host::lex::Continuation::None,
    ) {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            return Err(HostError::at(
                &file.path,
                n,
                "auditd: missing `=` (auditd will not start)",
            ));
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
        check_auditd_value(&k, &v).map_err(|m| HostError::at(&file.path, n, m))?;
        let l = Line::new(file, n, &raw);
        match k.as_str() {
            "max_log_file_action" => c.max_log_file_action = Some((v.to_ascii_lowercase(), l)),
            "num_logs" => c.num_logs = Some((v, l)),
            "max_log_file" => c.max_log_file = Some((v, l)),
            "plugin_dir" => c.plugin_dir = Some(v),
            _ => {}
        }
    }
    Ok(c)
}

/// Reads the `file:` of policy LNX-LOG-003 (`policies/logs.yaml`).
pub fn collect_conf(fs: &RootFs) -> Option<Result<AuditdConf, HostError>> {
    let Check::AuditdRetention { file, .. } = &policy("LNX-LOG-003").check else {
        unreachable!("LNX-LOG-003 is an auditd_retention check (policies/logs.yaml)");
    };
    match read_opt(fs, file) {
        Ok(Some(f)) => Some(parse_auditd_conf(&FileRef::of(&f), &f.text())),
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    }
}

/// The remote-logging plugin (`audisp-remote`) with `active = yes`.
#[derive(Clone, Debug, Default)]
pub struct Plugins {
    pub files: Vec<FileRef>,
    /// (`active = yes` line, the plugin's `path`) for audisp-remote / audit-remote.
    pub remote_active: Vec<(Line, String)>,
}

/// The plugin folders read: the `dirs:` of policy LNX-LOG-005
/// (`policies/logs.yaml`), the first replaced by auditd.conf's `plugin_dir`
/// when it is set (the others are still read, once each).
fn plugin_dirs(plugin_dir: Option<&str>) -> Vec<String> {
    let Check::AuditRemote { dirs: named, .. } = &policy("LNX-LOG-005").check else {
        unreachable!("LNX-LOG-005 is an audit_remote check (policies/logs.yaml)");
    };
    let mut dirs: Vec<String> = Vec::new();
    for (i, d) in named.iter().enumerate() {
        let d = match (i, plugin_dir) {
            (0, Some(p)) => p,
            _ => d.as_str(),
        };
        if !dirs.iter().any(|x| x == d) {
            dirs.push(d.to_string());
        }
    }
    dirs
}

pub fn collect_plugins(
    fs: &RootFs,
    plugin_dir: Option<&str>,
) -> Option<Result<Plugins, HostError>> {
    let dirs = plugin_dirs(plugin_dir);
    // The remote-logging plugins: the `plugins:` of policy LNX-LOG-005.
    let Check::AuditRemote {
        plugins: remote_plugins,
        ..
    } = &policy("LNX-LOG-005").check
    else {
        unreachable!("LNX-LOG-005 is an audit_remote check (policies/logs.yaml)");
    };
    let mut p = Plugins::default();
    for d in &dirs {
        let files = match dir_files(fs, d, |n| n.ends_with(".conf")) {
            Ok(v) => v,
            Err(e) => return Some(Err(e)),
        };
        for path in files {
            let f = match read_opt(fs, &path) {
                Ok(Some(f)) => f,
                Ok(None) => continue,
                Err(e) => return Some(Err(e)),
            };
            let fr = FileRef::of(&f);
            let kv = key_values(&fr, &f.text(), false);
            let active = kv
                .iter()
                .rev()
                .find(|(k, _, _)| k == "active")
                .filter(|(_, v, _)| v.eq_ignore_ascii_case("yes"));
            let plugin = kv
                .iter()
                .rev()
                .find(|(k, _, _)| k == "path")
                .map(|(_, v, _)| v.clone())
                .unwrap_or_default();
            let remote = remote_plugins.iter().any(|n| plugin.ends_with(n.as_str()));
            if let Some((_, _, l)) = active
                && remote
            {
                p.remote_active.push((l.clone(), plugin));
            }
            p.files.push(fr);
        }
    }
    (!p.files.is_empty()).then_some(Ok(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

    #[test]
    fn the_audit_paths_come_from_the_policies_and_plugin_dir_replaces_the_first() {
        assert_eq!(
            rule_paths(),
            (vec!["/etc/audit/rules.d"], vec!["/etc/audit/audit.rules"])
        );
        assert_eq!(
            plugin_dirs(None),
            ["/etc/audit/plugins.d", "/etc/audisp/plugins.d"]
        );
        assert_eq!(
            plugin_dirs(Some("/opt/audit/plugins")),
            ["/opt/audit/plugins", "/etc/audisp/plugins.d"]
        );
        assert_eq!(
            plugin_dirs(Some("/etc/audisp/plugins.d")),
            ["/etc/audisp/plugins.d"]
        );
    }

    fn fr(p: &str) -> FileRef {
        FileRef {
            kind: EvidenceKind::Config,
            path: p.into(),
            sha256: "x".into(),
        }
    }

    fn parse(name: &str) -> (Vec<Watch>, Option<(String, Line)>) {
        let t = std::fs::read_to_string(format!("tests/fixtures/corpus/{name}")).unwrap();
        let mut w = Vec::new();
        let mut e = None;
        parse_rules(
            &fr(&format!("/etc/audit/rules.d/{name}")),
            &t,
            &mut w,
            &mut e,
        )
        .unwrap();
        (w, e)
    }

    #[test]
    fn both_rule_forms_watch_etc_passwd_for_writes() {
        for name in ["audit-30-stig.rules", "audit-30-stig-2018-watchstyle.rules"] {
            let (w, _) = parse(name);
            assert!(
                w.iter()
                    .any(|w| w.covers("/etc/passwd") && w.perms.contains('w')),
                "{name}"
            );
            assert!(!w.iter().any(|w| w.covers("/srv/share/design")), "{name}");
        }
    }

    #[test]
    fn every_corpus_rules_file_parses_and_e2_is_found_only_uncommented() {
        for name in [
            "audit-10-base-config.rules",
            "audit-43-module-load.rules",
            "audit-konstruktoid-base.rules",
        ] {
            assert!(parse(name).1.is_none(), "{name}");
        }
        assert!(parse("audit-99-finalize.rules").1.is_none());
        let (w, e) = parse("audit-konstruktoid-assembled.rules");
        assert_eq!(e.unwrap().0, "2");
        // `-F dir=/home/` with a trailing slash still covers /home/x, but has no perm.
        let home: Vec<_> = w.iter().filter(|w| w.kind == WatchKind::Dir).collect();
        assert!(
            home.iter()
                .any(|w| w.covers("/home/alice") && !w.reads_or_writes())
        );
    }

    #[test]
    fn watch_coverage_rules() {
        let mut w = Vec::new();
        let mut e = None;
        parse_rules(
            &fr("/etc/audit/rules.d/t.rules"),
            "-w /srv/share/design -p rwa -k d\n-a always,exit -F arch=b64 -F dir=/srv/share/cad/ -F perm=r -k c\n-a never,exit -F dir=/srv/x -F perm=rw\n-w /srv/share/exec -p x\n-a exit,always -F path=/srv/share/spec.pdf -F perm=wa\n",
            &mut w,
            &mut e,
        )
        .unwrap();
        assert_eq!(w.len(), 4);
        assert!(w[0].covers("/srv/share/design") && w[0].covers("/srv/share/design/sub"));
        assert!(!w[0].covers("/srv/share/designs"));
        assert!(w[1].covers("/srv/share/cad") && w[1].reads_or_writes());
        assert!(!w[2].reads_or_writes());
        assert!(w[3].covers("/srv/share/spec.pdf") && !w[3].covers("/srv/share/spec.pdf/x"));
        assert!(parse_rules(&fr("/x"), "watch /srv\n", &mut w, &mut e).is_err());
    }

    #[test]
    fn upstream_auditd_conf_rotates() {
        let t = std::fs::read_to_string("tests/fixtures/corpus/auditd.conf").unwrap();
        let c = parse_auditd_conf(&fr("/etc/audit/auditd.conf"), &t).unwrap();
        assert_eq!(c.max_log_file_action.unwrap().0, "rotate");
        assert_eq!(c.num_logs.unwrap().0, "5");
        assert_eq!(c.max_log_file.unwrap().0, "8");
    }

    #[test]
    fn auditd_conf_values_outside_their_domain_are_errors_at_their_line() {
        let f = fr("/etc/audit/auditd.conf");
        for (text, line) in [
            ("max_log_file = 8\nmax_log_file_action = ROTAT\n", 2),
            ("num_logs = five\n", 1),
            ("# c\n\nnum_log = 5\n", 3),
            ("write_logs = maybe\n", 1),
            ("garbage line\n", 1),
            ("space_left_action = exec\n", 1),
        ] {
            let e = parse_auditd_conf(&f, text).unwrap_err();
            assert_eq!(e.line, Some(line), "{text:?}: {}", e.message);
        }
        let ok = "space_left = 25%\nspace_left_action = exec /usr/bin/x\nflush = data\n";
        assert!(parse_auditd_conf(&f, ok).is_ok());
    }

    #[test]
    fn auditctl_grammar_is_checked_before_reading_a_rule() {
        let f = fr("/etc/audit/rules.d/t.rules");
        for bad in [
            "-w /srv -p rwz\n",
            "-w /srv -p rw -k this_key_is_much_longer_than_31_chars\n",
            "-a always,exit -F dir=/srv -F perm=rq\n",
            "-a alway,exit -F dir=/srv\n",
            "-a always,exit -F dir\n",
            "-w /srv -p\n",
            "-w /srv -x rw\n",
            "-e 3\n",
            "-w '/srv\n",
        ] {
            let (mut w, mut e) = (Vec::new(), None);
            assert!(parse_rules(&f, bad, &mut w, &mut e).is_err(), "{bad:?}");
        }
    }
}
