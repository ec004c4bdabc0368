//! USB mass storage: `modprobe.d` (install/blacklist), the kernel command line in
//! the GRUB defaults, and USBGuard's daemon configuration and rules. Every path
//! comes from the policies in `policies/usb.yaml`.

use crate::catalogue::policies::{Check, policy};
use crate::collect::host::conf::{
    FileRef, HostError, Line, dropins, join_continuations, listed_files, read_opt,
    strip_hash_comment, unquote,
};
use crate::collect::host::lex::{Continuation, GrammarToken, Lexer, logical_lines, shell_value};
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

/// The folders modprobe reads, highest precedence first (same file names: first
/// wins): the `dirs:` of policy LNX-USB-001 (`policies/usb.yaml`), the single
/// source of these paths. The blacklist lines (LNX-USB-004/007) come from the
/// same files; LNX-USB-005 names the same list (a unit test checks).
pub fn modprobe_dirs() -> Vec<&'static str> {
    match &policy("LNX-USB-001").check {
        Check::ModprobeInstall { dirs, .. } => dirs.iter().map(String::as_str).collect(),
        _ => unreachable!("LNX-USB-001 is a modprobe_install check (policies/usb.yaml)"),
    }
}

/// The GRUB defaults files, in reading order: the `files:` of policy
/// LNX-USB-002 (a `*.cfg` pattern: its folder's files, sorted); LNX-USB-006
/// names the same list (a unit test checks).
pub fn grub_files() -> &'static [String] {
    match &policy("LNX-USB-002").check {
        Check::KernelCmdlineBlacklist { files, .. } => files,
        _ => unreachable!("LNX-USB-002 is a kernel_cmdline_blacklist check (policies/usb.yaml)"),
    }
}

/// USBGuard's daemon configuration: the `daemon_conf:` of policy LNX-USB-003.
pub fn usbguard_daemon_conf() -> &'static str {
    match &policy("LNX-USB-003").check {
        Check::Usbguard { daemon_conf, .. } => daemon_conf,
        _ => unreachable!("LNX-USB-003 is a usbguard check (policies/usb.yaml)"),
    }
}

#[derive(Clone, Debug, Default)]
pub struct Modprobe {
    /// Files read (in the order modprobe reads them).
    pub files: Vec<FileRef>,
    /// `install MODULE CMD` lines in reading order; module names normalised
    /// (`-` → `_`). modprobe uses the first one for a module.
    pub installs: Vec<(String, String, Line)>,
    /// `blacklist MODULE` lines.
    pub blacklists: Vec<(String, Line)>,
}

/// Module names compare with `-` and `_` as the same character.
pub fn norm_module(m: &str) -> String {
    m.trim().replace('-', "_")
}

/// modprobe.d lines as kmod reads them: blank-separated words (no quotes), a
/// line whose first word starts with `#` is a comment, a trailing `\` continues it.
pub fn parse_modprobe(file: &FileRef, text: &str, into: &mut Modprobe) {
    for (n, l) in join_continuations(text) {
        // No quotes or brackets in kmod's lexer: every line splits.
        let words = Lexer::KMOD.words(&l).unwrap_or_default();
        let line = || Line::new(file, n, &l);
        match words.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            [w, ..] if w.starts_with('#') => {}
            ["install", m, ref cmd @ ..] => {
                into.installs.push((norm_module(m), cmd.join(" "), line()));
            }
            ["blacklist", m, ..] => into.blacklists.push((norm_module(m), line())),
            _ => {}
        }
    }
}

pub fn collect_modprobe(fs: &RootFs) -> (Modprobe, Vec<HostError>) {
    let mut m = Modprobe::default();
    let mut errors = Vec::new();
    let files = match dropins(fs, &modprobe_dirs(), |n| n.ends_with(".conf")) {
        Ok(f) => f,
        Err(e) => return (m, vec![e]),
    };
    for p in files {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                parse_modprobe(&fr, &f.text(), &mut m);
                m.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (m, errors)
}

/// Does an install command stop the module from loading? It must end in `/true`
/// or `/false` (after a trailing shell comment is removed).
pub fn install_blocks(cmd: &str, endings: &[String]) -> bool {
    let c = strip_hash_comment(cmd).trim().trim_end_matches(';').trim();
    endings
        .iter()
        .any(|e| c.ends_with(e.as_str()) || c == e.trim_start_matches('/'))
}

/// Shell-style assignments of `/etc/default/grub` (and `grub.d/*.cfg`): the last
/// value of each variable, with `$VAR` expanded, and the line that set it.
#[derive(Clone, Debug, Default)]
pub struct GrubDefaults {
    pub files: Vec<FileRef>,
    pub vars: BTreeMap<String, (String, Line)>,
}

pub fn parse_grub(file: &FileRef, text: &str, into: &mut GrubDefaults) {
    for (n, l) in join_continuations(text) {
        let t = strip_hash_comment(&l).trim();
        let t = t.strip_prefix("export ").unwrap_or(t).trim();
        let Some((k, v)) = t.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let value = shell_value(v.trim(), |name| {
            into.vars.get(name).map(|(val, _)| val.clone())
        });
        into.vars
            .insert(k.to_string(), (value, Line::new(file, n, &l)));
    }
}

pub fn collect_grub(fs: &RootFs) -> (Option<GrubDefaults>, Vec<HostError>) {
    let mut errors = Vec::new();
    let mut g = GrubDefaults::default();
    let mut any = false;
    let mut paths = Vec::new();
    // One entry at a time: a folder that cannot be listed does not hide the
    // main file.
    for entry in grub_files() {
        match listed_files(fs, std::slice::from_ref(entry)) {
            Ok(v) => paths.extend(v),
            Err(e) => errors.push(e),
        }
    }
    for p in paths {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                any = true;
                let fr = FileRef::of(&f);
                parse_grub(&fr, &f.text(), &mut g);
                g.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (any.then_some(g), errors)
}

/// Modules blacklisted with `modprobe.blacklist=` in a kernel command line value,
/// or with `module_blacklist=`, which the kernel itself enforces (even against an
/// explicit `modprobe`).
pub fn cmdline_blacklist(value: &str) -> Vec<String> {
    value
        .split_whitespace()
        .filter_map(|w| {
            w.strip_prefix("modprobe.blacklist=")
                .or_else(|| w.strip_prefix("module_blacklist="))
        })
        .flat_map(|l| l.split(',').map(norm_module).collect::<Vec<_>>())
        .collect()
}

// ------------------------------------------------------------------ USBGuard

/// One USBGuard rule, reduced to what matters for mass storage.
#[derive(Clone, Debug, PartialEq)]
pub struct UsbRule {
    pub target: String,
    /// `with-interface`: (operator, patterns); operator `""` for a single value.
    pub interfaces: Option<(String, Vec<String>)>,
    /// The rule names a specific device (`id` without wildcards, `hash`,
    /// `serial`, `parent-hash`).
    pub specific: bool,
    /// Any condition besides `with-interface` (id, name, via-port, …).
    pub other_conditions: bool,
    pub line: Line,
}

#[derive(Clone, Debug, Default)]
pub struct UsbGuard {
    pub daemon_conf: Option<FileRef>,
    /// `ImplicitPolicyTarget` as set (None = USBGuard's default, block).
    pub implicit_target: Option<(String, Line)>,
    pub rule_files: Vec<FileRef>,
    pub rules: Vec<UsbRule>,
}

const SET_OPS: &[&str] = &[
    "all-of",
    "one-of",
    "none-of",
    "equals",
    "equals-ordered",
    "match-all",
];

/// One line of a USBGuard rule file; `None` for a blank or comment line.
pub fn parse_usbguard_rule(
    file: &FileRef,
    n: usize,
    raw: &str,
) -> Result<Option<UsbRule>, HostError> {
    let t = raw.trim();
    if t.is_empty() || t.starts_with('#') {
        return Ok(None);
    }
    let err = |m: String| HostError::at(&file.path, n, m);
    let toks = Lexer::USBGUARD
        .grammar_tokens(t, &['{', '}'])
        .map_err(|_| err("unterminated string".into()))?;
    let target = match &toks[0] {
        GrammarToken::Word(w)
            if ["allow", "block", "reject", "match", "device"].contains(&w.as_str()) =>
        {
            w.clone()
        }
        other => return Err(err(format!("unknown rule target `{}`", other.shown()))),
    };
    let mut rule = UsbRule {
        target,
        interfaces: None,
        specific: false,
        other_conditions: false,
        line: Line::new(file, n, raw),
    };
    let mut i = 1;
    while i < toks.len() {
        let attr = &toks[i];
        i += 1;
        let name = match attr {
            GrammarToken::Word(w) => w.as_str(),
            _ => "",
        };
        let Some((op, vals)) = rule_value(&toks, &mut i, attr).map_err(err)? else {
            // `if`: a condition, the rest of the rule.
            rule.other_conditions = true;
            break;
        };
        match name {
            "with-interface" => rule.interfaces = Some((op, vals)),
            "id" => {
                rule.other_conditions = true;
                if vals.len() == 1 && !vals[0].contains('*') && op.is_empty() {
                    rule.specific = true;
                }
            }
            "hash" | "serial" | "parent-hash" => {
                rule.other_conditions = true;
                rule.specific = true;
            }
            "name" | "via-port" | "with-connect-type" | "label" => rule.other_conditions = true,
            _ => {
                return Err(err(format!("unknown rule attribute `{}`", attr.shown())));
            }
        }
    }
    Ok(Some(rule))
}

/// An attribute's value from `toks[*i]` on: `[op] { … }` or one token, as
/// (operator or `""`, values); `*i` moves past it. `Ok(None)` for the
/// condition of `if`, which is the rest of the rule.
fn rule_value(
    toks: &[GrammarToken],
    i: &mut usize,
    attr: &GrammarToken,
) -> Result<Option<(String, Vec<String>)>, String> {
    let mut op = String::new();
    if let Some(GrammarToken::Word(w)) = toks.get(*i)
        && SET_OPS.contains(&w.as_str())
    {
        op = w.clone();
        *i += 1;
    }
    match toks.get(*i) {
        Some(GrammarToken::Punct('{')) => {
            let start = *i + 1;
            let len = toks[start..]
                .iter()
                .position(|t| *t == GrammarToken::Punct('}'))
                .ok_or("`{` without `}`")?;
            *i = start + len + 1;
            let vals = toks[start..start + len]
                .iter()
                .map(GrammarToken::text)
                .collect();
            Ok(Some((op, vals)))
        }
        Some(_) if *attr == GrammarToken::Word("if".into()) => Ok(None),
        Some(t) => {
            *i += 1;
            Ok(Some((op, vec![t.text()])))
        }
        None => Err(format!("attribute `{}` has no value", attr.shown())),
    }
}

fn class_of(pattern: &str) -> &str {
    pattern.split(':').next().unwrap_or("")
}

/// Can `pattern` (`CC:SS:PP`, `*` wildcards) match an interface of class `class`?
fn pattern_hits_class(pattern: &str, class: &str) -> bool {
    let c = class_of(pattern);
    c == "*" || c.eq_ignore_ascii_case(class)
}

/// Does `pattern` match every interface of class `class` (`08:*:*`, `*:*:*`)?
fn pattern_covers_class(pattern: &str, class: &str) -> bool {
    let parts: Vec<&str> = pattern.split(':').collect();
    pattern_hits_class(pattern, class) && parts.iter().skip(1).all(|p| *p == "*")
}

impl UsbRule {
    /// Does this allow rule let a device with an interface of `class` through?
    /// Documented in docs/host-settings.md.
    pub fn admits_class(&self, class: &str) -> bool {
        match &self.interfaces {
            None => !self.specific,
            Some((op, set)) => match op.as_str() {
                "none-of" => !set.iter().any(|p| pattern_covers_class(p, class)),
                "all-of" if set.is_empty() => true,
                _ => set.iter().any(|p| pattern_hits_class(p, class)),
            },
        }
    }

    /// Does this block/reject rule catch every device that has an interface of
    /// `class` (so later allow rules never see them)?
    pub fn catches_all_of_class(&self, class: &str) -> bool {
        if self.other_conditions {
            return false;
        }
        match &self.interfaces {
            None => true,
            Some((op, set)) => match op.as_str() {
                "one-of" => set.iter().any(|p| pattern_covers_class(p, class)),
                "all-of" | "" => set.len() == 1 && pattern_covers_class(&set[0], class),
                _ => false,
            },
        }
    }
}

pub fn collect_usbguard(fs: &RootFs) -> (Option<UsbGuard>, Vec<HostError>) {
    let mut errors = Vec::new();
    let conf = match read_opt(fs, usbguard_daemon_conf()) {
        Ok(c) => c,
        Err(e) => return (None, vec![e]),
    };
    let Some(conf) = conf else {
        return (None, errors);
    };
    let fr = FileRef::of(&conf);
    let mut g = UsbGuard {
        daemon_conf: Some(fr.clone()),
        ..Default::default()
    };
    let mut rule_file: Option<String> = None;
    let mut rule_folder: Option<String> = None;
    for (k, v, line) in crate::collect::host::conf::key_values(&fr, &conf.text(), false) {
        let v = subst_template(unquote(&v));
        match k.as_str() {
            "ImplicitPolicyTarget" => g.implicit_target = Some((v, line)),
            "RuleFile" => rule_file = Some(v).filter(|s| !s.is_empty()),
            "RuleFolder" => rule_folder = Some(v).filter(|s| !s.is_empty()),
            _ => {}
        }
    }
    let mut files: Vec<String> = rule_file.into_iter().collect();
    if let Some(dir) = rule_folder {
        match crate::collect::host::conf::dir_files(fs, &dir, |n| n.ends_with(".conf")) {
            Ok(v) => files.extend(v),
            Err(e) => errors.push(e),
        }
    }
    for p in files {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                for (n, raw) in logical_lines(&f.text(), Continuation::None) {
                    match parse_usbguard_rule(&fr, n, &raw) {
                        Ok(Some(r)) => g.rules.push(r),
                        Ok(None) => {}
                        Err(e) => errors.push(e),
                    }
                }
                g.rule_files.push(fr);
            }
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (Some(g), errors)
}

/// `%sysconfdir%` and `%localstatedir%` as a distribution build substitutes them.
fn subst_template(v: &str) -> String {
    v.replace("%sysconfdir%", "/etc")
        .replace("%localstatedir%", "/var")
}

/// What USBGuard does with mass storage: the allow rules that admit it (before
/// any rule that blocks all of it), and the block rule that catches it.
pub struct UsbGuardVerdict<'a> {
    pub admitting: Vec<&'a UsbRule>,
    pub blocked_by: Option<&'a UsbRule>,
}

impl UsbGuard {
    /// First match wins in USBGuard: allow rules after a rule that blocks every
    /// device of `class` never apply to such devices.
    pub fn class_verdict(&self, class: &str) -> UsbGuardVerdict<'_> {
        let mut admitting = Vec::new();
        for r in &self.rules {
            match r.target.as_str() {
                "block" | "reject" if r.catches_all_of_class(class) => {
                    return UsbGuardVerdict {
                        admitting,
                        blocked_by: Some(r),
                    };
                }
                "allow" if r.admits_class(class) => admitting.push(r),
                _ => {}
            }
        }
        UsbGuardVerdict {
            admitting,
            blocked_by: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modprobe_folders_come_from_the_policies_in_modprobe_order() {
        use crate::catalogue::policies::{Check, policy};
        assert_eq!(
            modprobe_dirs(),
            [
                "/etc/modprobe.d",
                "/run/modprobe.d",
                "/usr/local/lib/modprobe.d",
                "/usr/lib/modprobe.d",
                "/lib/modprobe.d"
            ]
        );
        // FireWire/Thunderbolt (LNX-USB-005…007): the same folders and GRUB
        // files, and the three policies name the same modules, so no mechanism
        // misses one.
        let (
            Check::ModprobeInstall { dirs, modules, .. },
            Check::ModprobeBlacklist { modules: bmods },
            Check::KernelCmdlineBlacklist {
                files: gfiles,
                modules: gmods,
                ..
            },
        ) = (
            &policy("LNX-USB-005").check,
            &policy("LNX-USB-007").check,
            &policy("LNX-USB-006").check,
        )
        else {
            panic!(
                "LNX-USB-005/006/007 are modprobe_install, kernel_cmdline_blacklist, modprobe_blacklist"
            );
        };
        assert_eq!(
            dirs.iter().map(String::as_str).collect::<Vec<_>>(),
            modprobe_dirs()
        );
        assert_eq!(gfiles.as_slice(), grub_files());
        let norm = |m: &Vec<String>| m.iter().map(|m| norm_module(m)).collect::<Vec<_>>();
        assert_eq!(norm(modules), ["firewire_sbp2", "thunderbolt"]);
        assert_eq!(norm(bmods), norm(modules));
        assert_eq!(norm(gmods), norm(modules));
    }

    #[test]
    fn grub_and_usbguard_paths_come_from_the_policies() {
        assert_eq!(
            grub_files(),
            ["/etc/default/grub", "/etc/default/grub.d/*.cfg"]
        );
        assert_eq!(usbguard_daemon_conf(), "/etc/usbguard/usbguard-daemon.conf");
    }

    use crate::model::EvidenceKind;

    fn fr(p: &str) -> FileRef {
        FileRef {
            kind: EvidenceKind::Config,
            path: p.into(),
            sha256: "0".into(),
        }
    }

    fn rules(text: &str) -> UsbGuard {
        let f = fr("/etc/usbguard/rules.conf");
        let mut g = UsbGuard::default();
        for (i, l) in text.lines().enumerate() {
            if let Some(r) = parse_usbguard_rule(&f, i + 1, l).unwrap() {
                g.rules.push(r);
            }
        }
        g
    }

    #[test]
    fn modprobe_install_and_blacklist_lines() {
        let mut m = Modprobe::default();
        parse_modprobe(
            &fr("/etc/modprobe.d/usb.conf"),
            "# install usb-storage /bin/true\ninstall usb-storage \\\n  /bin/false\nblacklist usb_storage\n",
            &mut m,
        );
        assert_eq!(m.installs.len(), 1);
        assert_eq!(m.installs[0].0, "usb_storage");
        assert_eq!(m.installs[0].1, "/bin/false");
        assert_eq!(m.installs[0].2.line, 2);
        assert_eq!(m.blacklists[0].0, "usb_storage");
        let e = vec!["/true".to_string(), "/false".to_string()];
        assert!(install_blocks("/bin/true", &e));
        assert!(install_blocks("/usr/bin/false # no usb", &e));
        assert!(!install_blocks(
            "/sbin/modprobe --ignore-install usb-storage",
            &e
        ));
        assert!(!install_blocks("/bin/truer", &e));
    }

    #[test]
    fn grub_variables_expand_and_last_wins() {
        let mut g = GrubDefaults::default();
        parse_grub(
            &fr("/etc/default/grub"),
            "GRUB_CMDLINE_LINUX=\"quiet\"\n#GRUB_CMDLINE_LINUX=\"modprobe.blacklist=usb-storage\"\nGRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX modprobe.blacklist=firewire_core,usb-storage\"\n",
            &mut g,
        );
        let (v, l) = &g.vars["GRUB_CMDLINE_LINUX"];
        assert_eq!(v, "quiet modprobe.blacklist=firewire_core,usb-storage");
        assert_eq!(
            cmdline_blacklist("quiet module_blacklist=nouveau,usb-storage modprobe.blacklistx=a"),
            vec!["nouveau", "usb_storage"]
        );
        assert_eq!(l.line, 3);
        assert_eq!(cmdline_blacklist(v), vec!["firewire_core", "usb_storage"]);
    }

    #[test]
    fn usbguard_rule_problems_name_the_line_and_the_token() {
        let f = fr("/etc/usbguard/rules.conf");
        let e = |l: &str| parse_usbguard_rule(&f, 7, l).unwrap_err();
        for (line, msg) in [
            ("allow id \"1234:5678", "unterminated string"),
            ("allow with-interface one-of { 08:*:*", "`{` without `}`"),
            ("allow name", "attribute `name` has no value"),
            (
                "allow with-interface one-of",
                "attribute `with-interface` has no value",
            ),
            ("\"allow\" id 1:2", "unknown rule target `\"allow\"`"),
            ("allow \"id\" 1:2", "unknown rule attribute `\"id\"`"),
            ("allow if one-of", "attribute `if` has no value"),
        ] {
            let err = e(line);
            assert_eq!(
                (err.path.as_str(), err.line),
                ("/etc/usbguard/rules.conf", Some(7))
            );
            assert_eq!(err.message, msg, "{line}");
        }
        // A condition is the rest of the rule; a quoted `{` is a value.
        let r = parse_usbguard_rule(
            &f,
            1,
            "allow if !allowed-matches(with-interface 08:*:*) id 1:2",
        )
        .unwrap()
        .unwrap();
        assert!(r.other_conditions && r.interfaces.is_none() && !r.specific);
        let r = parse_usbguard_rule(&f, 1, "allow with-interface one-of {08:*:* \"}\"} id 1:2")
            .unwrap()
            .unwrap();
        assert_eq!(
            r.interfaces,
            Some((
                "one-of".to_string(),
                vec!["08:*:*".to_string(), "}".to_string()]
            ))
        );
        assert!(r.specific);
    }

    #[test]
    fn usbguard_empty_all_of_admits_everything() {
        let g = rules(
            &std::fs::read_to_string("tests/fixtures/corpus/usbguard-rules-pullclone.conf")
                .unwrap(),
        );
        let v = g.class_verdict("08");
        assert_eq!(v.admitting.len(), 1);
        assert!(v.blocked_by.is_none());
    }

    #[test]
    fn usbguard_allowing_mass_storage_first_wins() {
        let g = rules(
            &std::fs::read_to_string("tests/fixtures/corpus/usbguard-rules-maxhbr-extracted.conf")
                .unwrap(),
        );
        let v = g.class_verdict("08");
        assert_eq!(v.admitting.len(), 1);
        assert_eq!(v.admitting[0].line.line, 1);
    }

    #[test]
    fn usbguard_generated_policy_and_block_first() {
        let g = rules(
            "allow id 1d6b:0002 serial \"0000:00:14.0\" name \"xHCI Host Controller\" hash \"abc=\" with-interface 09:00:00\n\
             allow id 046d:c52b serial \"\" name \"USB Receiver\" hash \"x\" with-interface { 03:01:01 03:01:02 03:00:00 }\n\
             allow with-interface none-of { 08:*:* }\n",
        );
        assert!(g.class_verdict("08").admitting.is_empty());
        let g = rules("block with-interface one-of { 08:*:* }\nallow\n");
        let v = g.class_verdict("08");
        assert!(v.admitting.is_empty());
        assert!(v.blocked_by.is_some());
        let g = rules(
            "allow id 0781:5567 with-interface 08:06:50\nallow id 1234:5678\nallow with-interface none-of { 03:*:* }\n",
        );
        let lines: Vec<usize> = g
            .class_verdict("08")
            .admitting
            .iter()
            .map(|r| r.line.line)
            .collect();
        assert_eq!(lines, vec![1, 3]);
        assert!(parse_usbguard_rule(&fr("/r"), 1, "permit all").is_err());
    }
}
