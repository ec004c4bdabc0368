//! The Linux audit system: rules (`-w PATH -p PERMS` and the equivalent
//! `-a always,exit -F path=/dir= -F perm=`), `-e 2` (locked rules), `auditd.conf`
//! and the remote-logging plugin.

use crate::collect::host::conf::{FileRef, HostError, Line, dir_files, key_values, read_opt};
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

#[derive(Clone, Debug, Default)]
pub struct AuditRules {
    pub files: Vec<FileRef>,
    pub watches: Vec<Watch>,
    /// The last `-e` of the rules in `rules.d` (as augenrules compiles them), or of
    /// `audit.rules` when `rules.d` has none.
    pub last_enable: Option<(String, Line)>,
}

/// Shell-like split (double and single quotes).
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut q: Option<char> = None;
    let mut started = false;
    for c in s.chars() {
        match q {
            Some(qc) if c == qc => q = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                q = Some(c);
                started = true;
            }
            None if c.is_whitespace() => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
            }
            None => {
                cur.push(c);
                started = true;
            }
        }
    }
    if started {
        out.push(cur);
    }
    out
}

/// Parses one rules file; `enable` receives each `-e` value in order.
pub fn parse_rules(
    file: &FileRef,
    text: &str,
    watches: &mut Vec<Watch>,
    enable: &mut Option<(String, Line)>,
) -> Result<(), HostError> {
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !t.starts_with('-') {
            return Err(HostError::at(
                &file.path,
                n,
                format!(
                    "not an auditctl rule: `{}`",
                    crate::collect::host::conf::excerpt(t)
                ),
            ));
        }
        let w = words(t);
        let line = || Line::new(file, n, raw);
        let opt = |name: &str| -> Option<&str> {
            w.iter()
                .position(|x| x == name)
                .and_then(|i| w.get(i + 1))
                .map(String::as_str)
        };
        match w[0].as_str() {
            "-w" => {
                let Some(path) = w.get(1) else {
                    return Err(HostError::at(&file.path, n, "-w without a path"));
                };
                let perms = opt("-p").unwrap_or("rwxa").to_string();
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
                if !(parts.contains(&"always".to_string()) && parts.contains(&"exit".to_string())) {
                    continue;
                }
                let mut fields: Vec<(String, String)> = Vec::new();
                let mut k = 2;
                while k < w.len() {
                    if w[k] == "-F" {
                        if let Some(f) = w.get(k + 1)
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
                let perm = fields
                    .iter()
                    .find(|(a, _)| a == "perm")
                    .map(|(_, b)| b.clone());
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

pub fn collect_rules(fs: &RootFs) -> Option<Result<AuditRules, HostError>> {
    let d_files = match dir_files(fs, "/etc/audit/rules.d", |n| n.ends_with(".rules")) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let mut r = AuditRules::default();
    let mut any = false;
    let mut d_enable = None;
    for p in &d_files {
        match read_opt(fs, p) {
            Ok(Some(f)) => {
                any = true;
                let fr = FileRef::of(&f);
                if let Err(e) = parse_rules(&fr, &f.text(), &mut r.watches, &mut d_enable) {
                    return Some(Err(e));
                }
                r.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    let mut main_enable = None;
    match read_opt(fs, "/etc/audit/audit.rules") {
        Ok(Some(f)) => {
            any = true;
            let fr = FileRef::of(&f);
            if let Err(e) = parse_rules(&fr, &f.text(), &mut r.watches, &mut main_enable) {
                return Some(Err(e));
            }
            r.files.push(fr);
        }
        Ok(None) => {}
        Err(e) => return Some(Err(e)),
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

pub fn parse_auditd_conf(file: &FileRef, text: &str) -> AuditdConf {
    let mut c = AuditdConf {
        file: Some(file.clone()),
        ..Default::default()
    };
    for (k, v, l) in key_values(file, text, false) {
        match k.to_ascii_lowercase().as_str() {
            "max_log_file_action" => c.max_log_file_action = Some((v.to_ascii_lowercase(), l)),
            "num_logs" => c.num_logs = Some((v, l)),
            "max_log_file" => c.max_log_file = Some((v, l)),
            "plugin_dir" => c.plugin_dir = Some(v),
            _ => {}
        }
    }
    c
}

pub fn collect_conf(fs: &RootFs) -> Option<Result<AuditdConf, HostError>> {
    match read_opt(fs, "/etc/audit/auditd.conf") {
        Ok(Some(f)) => Some(Ok(parse_auditd_conf(&FileRef::of(&f), &f.text()))),
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

pub fn collect_plugins(
    fs: &RootFs,
    plugin_dir: Option<&str>,
) -> Option<Result<Plugins, HostError>> {
    let mut dirs = vec![plugin_dir.unwrap_or("/etc/audit/plugins.d").to_string()];
    if !dirs.contains(&"/etc/audisp/plugins.d".to_string()) {
        dirs.push("/etc/audisp/plugins.d".into());
    }
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
            let remote = plugin.ends_with("audisp-remote") || plugin.ends_with("audit-remote");
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
        let c = parse_auditd_conf(&fr("/etc/audit/auditd.conf"), &t);
        assert_eq!(c.max_log_file_action.unwrap().0, "rotate");
        assert_eq!(c.num_logs.unwrap().0, "5");
        assert_eq!(c.max_log_file.unwrap().0, "8");
    }
}
