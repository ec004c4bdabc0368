//! Machine checks as data: `policies/*.yaml`, embedded in the binary and
//! registered under their file names so a mistake points at file:line.
//!
//! A policy has a stable ID (`LNX-SSH-001`), the checklist item it serves, a title,
//! a description and a remediation in Japanese and English, and its check: which
//! files, settings and values decide it. Checks are plain data; the set of check
//! types is closed (an unknown type or field is an error), and none of them can
//! make the agent run a command.

use crate::i18n::Text;
use crate::yaml::{Node, Value};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// (file name, contents) of every embedded policy file.
pub const POLICY_FILES: &[(&str, &str)] = &[
    ("policies/usb.yaml", include_str!("../../policies/usb.yaml")),
    ("policies/ssh.yaml", include_str!("../../policies/ssh.yaml")),
    (
        "policies/firewall.yaml",
        include_str!("../../policies/firewall.yaml"),
    ),
    (
        "policies/audit.yaml",
        include_str!("../../policies/audit.yaml"),
    ),
    (
        "policies/logs.yaml",
        include_str!("../../policies/logs.yaml"),
    ),
    ("policies/ids.yaml", include_str!("../../policies/ids.yaml")),
    (
        "policies/updates.yaml",
        include_str!("../../policies/updates.yaml"),
    ),
    (
        "policies/passwords.yaml",
        include_str!("../../policies/passwords.yaml"),
    ),
    (
        "policies/shares.yaml",
        include_str!("../../policies/shares.yaml"),
    ),
    (
        "policies/accounts.yaml",
        include_str!("../../policies/accounts.yaml"),
    ),
    (
        "policies/time.yaml",
        include_str!("../../policies/time.yaml"),
    ),
];

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: String,
    /// The checklist item this policy serves (`ITS-02`).
    pub item: String,
    /// `linux` or `windows`.
    pub platform: String,
    pub title: Text,
    /// How the check decides, in plain words.
    pub description: Text,
    pub remediation: Text,
    pub check: Check,
    /// The file the policy came from (set when loading).
    #[serde(skip_deserializing, default)]
    pub file: String,
    /// The `check:` block as written in that file (`timaudit explain` shows it).
    #[serde(skip)]
    pub check_text: String,
}

/// The closed set of check types. Each names files, settings and values only.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// `install MODULE CMD` in modprobe.d with CMD ending in one of `command_endings`.
    ModprobeInstall {
        dirs: Vec<String>,
        modules: Vec<String>,
        command_endings: Vec<String>,
    },
    /// `blacklist MODULE` alone (a partial control). The lines come from the
    /// files modprobe reads, in the folders of the `modprobe_install` policy
    /// LNX-USB-001: one list, because modprobe reads its install and blacklist
    /// lines from the same files.
    ModprobeBlacklist { modules: Vec<String> },
    /// `modprobe.blacklist=MODULE` on a kernel command line variable.
    KernelCmdlineBlacklist {
        files: Vec<String>,
        variables: Vec<String>,
        modules: Vec<String>,
    },
    /// USBGuard's implicit target and its rules for an interface class.
    Usbguard {
        daemon_conf: String,
        implicit_targets: Vec<String>,
        interface_class: String,
    },
    /// A registry value equal to a number.
    RegistryValue {
        /// The registry export of the keys (`registry/usbstor.reg`).
        file: String,
        keys: Vec<String>,
        value: String,
        equals: u64,
    },
    /// Removable-storage policy: `deny_all` under `key`, or a deny value under the class key.
    RemovableStoragePolicy {
        /// The registry export of the policy key.
        file: String,
        key: String,
        deny_all: String,
        class_guid: String,
        deny_values: Vec<String>,
    },
    /// An sshd_config keyword's effective global value.
    SshdSetting {
        file: String,
        setting: String,
        allowed: Vec<String>,
        known: Vec<String>,
        default: String,
    },
    /// nftables: a base chain on `hook` with a policy in `policies`, service enabled.
    Nftables {
        files: Vec<String>,
        service: String,
        hook: String,
        policies: Vec<String>,
    },
    /// iptables-save: `:CHAIN POLICY` in the filter table.
    IptablesSave {
        /// iptables-save files of IPv4 (iptables) and of IPv6 (ip6tables).
        ipv4_files: Vec<String>,
        ipv6_files: Vec<String>,
        chain: String,
        policies: Vec<String>,
    },
    /// ufw enabled with a default input policy.
    Ufw {
        conf: String,
        defaults: String,
        input_policies: Vec<String>,
        service: String,
    },
    /// firewalld enabled, default zone not accepting everything.
    Firewalld {
        conf: String,
        service: String,
        zone_dirs: Vec<String>,
        accept_targets: Vec<String>,
    },
    /// Every Windows firewall profile on with an inbound policy in `inbound`.
    WindowsFirewall {
        /// `Get-NetFirewallProfile | ConvertTo-Json`, read first.
        json_file: String,
        /// netsh's output, read when `json_file` is absent.
        file: String,
        inbound: Vec<String>,
        /// Group Policy keys of the Domain, Private (Standard) and Public
        /// profiles, in the order the evidence lists the profiles.
        policy_keys: Vec<String>,
        /// The values under each key that override the profile's state
        /// (1 = on) and inbound action (1 = block).
        enable_value: String,
        inbound_value: String,
        /// The registry export of the Group Policy keys.
        policy_file: String,
    },
    /// auditd enabled and every asset's base directory watched for `perms`.
    AuditWatch {
        service: String,
        /// Folders of `*.rules` files (augenrules); when one has files, the
        /// last `-e` among them decides, not the one in `rule_files`.
        rule_dirs: Vec<String>,
        rule_files: Vec<String>,
        perms: Vec<String>,
    },
    /// A Samba share with a VFS module that logs access.
    SambaVfsAudit { file: String, module: String },
    /// An auditpol subcategory with success auditing.
    AuditpolSubcategory {
        file: String,
        guid: String,
        require_success: bool,
    },
    /// journald storage and retention.
    JournaldRetention {
        /// Main files: the first that exists is read.
        files: Vec<String>,
        /// Drop-in folders (`*.conf`), highest precedence first.
        dropin_dirs: Vec<String>,
        forbidden_storage: Vec<String>,
        retention_key: String,
    },
    /// logrotate stanzas for the listed logs keep enough days.
    LogrotateRetention { file: String, logs: Vec<String> },
    /// auditd.conf: keep logs, or rotate with forwarding.
    AuditdRetention {
        file: String,
        keep_actions: Vec<String>,
    },
    /// Windows event log retention (archive or do-not-overwrite).
    WindowsLogRetention {
        file: String,
        log: String,
        policy_key: String,
        /// The Group Policy value under `policy_key` (1 = do not overwrite).
        retention_value: String,
        /// The registry export of `policy_key`.
        policy_file: String,
    },
    /// rsyslog forwarding to another host.
    RsyslogForward { files: Vec<String> },
    /// The audit remote plugin active.
    AuditRemote {
        dirs: Vec<String>,
        plugins: Vec<String>,
    },
    /// One of the units enabled (not masked).
    ServiceEnabled { units: Vec<String> },
    /// Audit rules locked with `-e VALUE` (partial).
    AuditImmutable { value: String },
    /// A configuration file plus one of its services enabled.
    ConfigAndService {
        files: Vec<String>,
        services: Vec<String>,
    },
    /// fail2ban: a jail effectively enabled.
    Fail2banJail { files: Vec<String> },
    /// A file present.
    FilePresent { files: Vec<String> },
    /// AIDE configuration plus a timer or cron entry.
    AideScheduled {
        files: Vec<String>,
        timers: Vec<String>,
        /// cron folders whose scripts named after AIDE run it.
        cron_script_dirs: Vec<String>,
        /// crontab files and folders of crontabs searched for a line running `aide`.
        crontab_files: Vec<String>,
        crontab_dirs: Vec<String>,
    },
    /// ClamAV's freshclam configured and its service enabled.
    Freshclam { files: Vec<String>, service: String },
    /// Defender status property true.
    DefenderStatus { file: String, property: String },
    /// An apt.conf setting with a positive interval.
    AptPeriodic {
        /// Folders of apt.conf fragments, read first.
        dirs: Vec<String>,
        /// Files read after the folders.
        files: Vec<String>,
        setting: String,
    },
    /// dnf-automatic timers that apply updates.
    DnfAutomatic {
        apply_timers: Vec<String>,
        conditional_timers: Vec<String>,
        conf: String,
    },
    /// Minimum password length from pwquality and PAM.
    PasswordMinlen {
        conf_files: Vec<String>,
        pam_files: Vec<String>,
        modules: Vec<String>,
        pwquality_default: u32,
        cracklib_default: u32,
    },
    /// A numeric value in a secedit export; on a domain member, a property
    /// of the domain's password policy too.
    SeceditMinimum {
        file: String,
        section: String,
        key: String,
        /// The joined domain's policy (`Get-ADDefaultDomainPasswordPolicy`
        /// as JSON) and its property.
        domain_file: String,
        domain_key: String,
    },
    /// A Windows SMB server setting (`Get-SmbServerConfiguration`) that fails
    /// the item when it has the value `fails_when`.
    SmbServerSetting {
        file: String,
        property: String,
        fails_when: bool,
    },
    /// Samba's minimum server protocol not obsolete.
    SambaMinProtocol {
        file: String,
        obsolete: Vec<String>,
        known: Vec<String>,
    },
    /// No guest access on Samba shares over protected paths.
    SambaGuest { file: String },
    /// NFS exports over protected paths: no world clients, no `no_root_squash`.
    NfsExports {
        files: Vec<String>,
        world: Vec<String>,
    },
    /// Windows share permissions: no guest or anonymous principals.
    WindowsShareGuest {
        files: Vec<String>,
        principals: Vec<String>,
    },
    /// pam_faillock in the PAM auth stack with `deny` (argument, else the
    /// configuration file, else `deny_default`) between `deny_min` and `deny_max`.
    PamFaillock {
        pam_files: Vec<String>,
        conf_files: Vec<String>,
        module: String,
        deny_default: u64,
        deny_min: u64,
        deny_max: u64,
    },
    /// A numeric value in a secedit export between `min` and `max`.
    SeceditRange {
        file: String,
        section: String,
        key: String,
        min: u64,
        max: u64,
    },
    /// sudoers: rules that run commands without the user's own password.
    SudoAuthenticate {
        files: Vec<String>,
        /// Commands that amount to a full shell (a rule granting one counts like ALL).
        shells: Vec<String>,
    },
    /// The default umask (login.defs `UMASK`, pam_umask's `umask=`) removes
    /// every permission bit for others.
    DefaultUmask {
        files: Vec<String>,
        pam_files: Vec<String>,
        module: String,
        /// login.defs(5): the mask when `UMASK` is unset.
        default: String,
    },
    /// Samba shares over protected paths create files and folders without
    /// permission bits for others.
    SambaCreateMask {
        file: String,
        /// smb.conf(5) defaults of `create mask` and `directory mask`.
        create_default: String,
        directory_default: String,
    },
    /// A time-sync daemon enabled with a server configured (chrony, ntpd).
    NtpServers {
        files: Vec<String>,
        services: Vec<String>,
        directives: Vec<String>,
    },
    /// systemd-timesyncd enabled with `NTP=` or `FallbackNTP=`.
    Timesyncd {
        files: Vec<String>,
        dirs: Vec<String>,
        services: Vec<String>,
        keys: Vec<String>,
    },
    /// The Windows Time service synchronising with a server (registry export).
    WindowsTime {
        /// The registry export of the service's key.
        file: String,
        /// The registry export of the Group Policy key (wins when present).
        policy_file: String,
        service_key: String,
        parameters_keys: Vec<String>,
        /// `Type` values that sync with `NtpServer` (a server must be named).
        ntp_types: Vec<String>,
        /// `Type` values that sync with the domain hierarchy.
        domain_types: Vec<String>,
    },
    /// Audit rules for `mount` and for deleting/renaming under asset paths.
    AuditSyscalls {
        service: String,
        mount: Vec<String>,
        delete: Vec<String>,
        perms: Vec<String>,
    },
    /// Log files (and the files of log folders) grant nothing to others.
    LogFileModes {
        files: Vec<String>,
        dirs: Vec<String>,
    },
    /// rsyslog's mode for the files it creates grants nothing to others. The
    /// files read are LNX-LOG-004's (`RsyslogForward.files`): one rsyslog
    /// configuration serves both checks.
    RsyslogCreateMode { default: String },
    /// icacls: no broad principal may read protected paths.
    IcaclsBroad {
        dir: String,
        principals: Vec<String>,
        sids: Vec<String>,
        read_rights: Vec<String>,
    },
    /// icacls: no broad principal may write to protected paths.
    IcaclsBroadWrite {
        dir: String,
        principals: Vec<String>,
        sids: Vec<String>,
        write_rights: Vec<String>,
    },
}

impl Check {
    /// The registry exports (`registry/NAME.reg`) the check reads its keys
    /// from; empty for a check that reads no registry.
    pub fn registry_exports(&self) -> Vec<&str> {
        match self {
            Check::RegistryValue { file, .. } | Check::RemovableStoragePolicy { file, .. } => {
                vec![file]
            }
            Check::WindowsFirewall { policy_file, .. }
            | Check::WindowsLogRetention { policy_file, .. } => vec![policy_file],
            Check::WindowsTime {
                file, policy_file, ..
            } => vec![file, policy_file],
            _ => Vec::new(),
        }
    }

    pub fn type_name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
            .unwrap_or_default()
    }
}

/// The lines of a policy's `check:` value as written in its file, without
/// their common indentation.
fn check_text(text: &str, policy: &Node) -> String {
    let Value::Map(entries) = &policy.value else {
        return String::new();
    };
    let Some((_, check)) = entries.iter().find(|(k, _)| k.as_str() == Some("check")) else {
        return String::new();
    };
    let indent = check.pos.column - 1;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(check.pos.line - 1) {
        if i + 1 == check.pos.line {
            // The value's first line, from its column (after `check:` when
            // written on the same line).
            out.push(line.chars().skip(indent).collect::<String>());
            continue;
        }
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if !line.trim().is_empty() && spaces < indent {
            break;
        }
        out.push(line.get(indent..).unwrap_or("").to_string());
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

pub struct Policies {
    pub all: Vec<Policy>,
}

impl Policies {
    /// Parses policy files; errors are `FILE:LINE:COLUMN: message`.
    pub fn parse(files: &[(&str, &str)]) -> Result<Policies, String> {
        let mut all = Vec::new();
        let mut problems = Vec::new();
        for (name, text) in files {
            // The same span-aware YAML stack as the profile (aliases and
            // nesting bounded); each policy is decoded on its own, so every
            // broken one is reported, at the line and column of the problem.
            let root = match crate::yaml::parse(name, text) {
                Ok(root) => root,
                Err(d) => {
                    problems.push(d.to_string());
                    continue;
                }
            };
            let Value::Seq(nodes) = &root.value else {
                problems.push(format!(
                    "{name}:{}:{}: a list of policies (`- id: …`) expected, found {}",
                    root.pos.line,
                    root.pos.column,
                    root.type_name()
                ));
                continue;
            };
            for node in nodes {
                match crate::yaml::from_node::<Policy>(name, node) {
                    Ok(mut p) => {
                        p.file = name.to_string();
                        p.check_text = check_text(text, node);
                        all.push(p);
                    }
                    Err(d) => problems.push(d.to_string()),
                }
            }
        }
        let mut seen = std::collections::HashSet::new();
        for p in &all {
            if !seen.insert(p.id.clone()) {
                problems.push(format!("{}: duplicate policy {}", p.file, p.id));
            }
            if p.platform != "linux" && p.platform != "windows" {
                problems.push(format!(
                    "{}: {} has platform `{}` (linux or windows)",
                    p.file, p.id, p.platform
                ));
            }
            for (what, t) in [
                ("title", &p.title),
                ("description", &p.description),
                ("remediation", &p.remediation),
            ] {
                if t.ja.trim().is_empty() || t.en.trim().is_empty() {
                    problems.push(format!("{}: {} has an empty {what}", p.file, p.id));
                }
            }
        }
        if problems.is_empty() {
            Ok(Policies { all })
        } else {
            Err(problems.join("\n"))
        }
    }

    /// The embedded policies. Panics only if an embedded file is broken, which
    /// the test suite rules out.
    pub fn builtin() -> &'static Policies {
        static P: OnceLock<Policies> = OnceLock::new();
        P.get_or_init(|| match Policies::parse(POLICY_FILES) {
            Ok(p) => p,
            Err(e) => panic!("built-in policies are invalid: {e}"),
        })
    }

    pub fn get(&self, id: &str) -> Option<&Policy> {
        self.all.iter().find(|p| p.id.eq_ignore_ascii_case(id))
    }

    pub fn for_item<'a>(&'a self, item: &'a str) -> impl Iterator<Item = &'a Policy> + 'a {
        self.all.iter().filter(move |p| p.item == item)
    }
}

/// A built-in policy by ID (the rules name their policies; a test checks each exists).
pub fn policy(id: &str) -> &'static Policy {
    match Policies::builtin().get(id) {
        Some(p) => p,
        None => panic!("unknown built-in policy {id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_policy_is_documented_in_both_languages_and_serves_an_item() {
        let cat = crate::catalogue::Catalogue::builtin();
        let ps = Policies::builtin();
        assert!(ps.all.len() >= 30);
        let re = regex::Regex::new(r"^(LNX|WIN)-[A-Z]{2,4}-\d{3}$").unwrap();
        for p in &ps.all {
            let item = cat
                .item(&p.item)
                .unwrap_or_else(|| panic!("{} serves unknown item {}", p.id, p.item));
            assert!(
                item.source.is_computed(),
                "{} serves {} which the tool does not compute",
                p.id,
                p.item
            );
            for t in [&p.title, &p.description, &p.remediation] {
                assert!(
                    t.ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)
                        || ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{}: Japanese text lacks Japanese: {}",
                    p.id,
                    t.ja
                );
                assert!(
                    t.en.chars().filter(|c| !c.is_ascii()).count() < 20,
                    "{}: English looks untranslated",
                    p.id
                );
            }
            assert!(re.is_match(&p.id), "{} is not a stable policy ID", p.id);
            assert_eq!(p.id.starts_with("LNX"), p.platform == "linux", "{}", p.id);
        }
    }

    #[test]
    fn unknown_check_types_and_fields_are_rejected_with_file_and_line() {
        let bad = "- id: LNX-X-001\n  item: ITS-01\n  platform: linux\n  title: {ja: あ, en: a}\n  description: {ja: あ, en: a}\n  remediation: {ja: あ, en: a}\n  check:\n    type: run_command\n    command: rm -rf /\n";
        let e = Policies::parse(&[("policies/x.yaml", bad)]).err().unwrap();
        // At the unknown type's value: line 8, column 11.
        assert!(
            e.starts_with("policies/x.yaml:8:11: unknown variant `run_command`"),
            "{e}"
        );
        let bad = bad.replace(
            "type: run_command\n    command: rm -rf /",
            "type: file_present\n    files: [/x]\n    command: rm",
        );
        let e = Policies::parse(&[("policies/x.yaml", &bad)]).err().unwrap();
        // At the unknown field's key.
        assert!(
            e.starts_with("policies/x.yaml:10:5: unknown field `command`"),
            "{e}"
        );
    }

    #[test]
    fn a_broken_definition_points_at_its_file_line_and_column() {
        let good = "- id: LNX-X-001\n  item: ITS-01\n  platform: linux\n  title: {ja: あ, en: a}\n  description: {ja: あ, en: a}\n  remediation: {ja: あ, en: a}\n  check:\n    type: file_present\n    files: [/x]\n";
        assert!(Policies::parse(&[("policies/x.yaml", good)]).is_ok());
        // A list where a text is expected, a missing title in a second
        // policy: both reported, each at its place.
        let bad = format!(
            "{}{}",
            good.replace("platform: linux", "platform: [linux]"),
            good.replace("X-001", "X-002")
                .replace("  title: {ja: あ, en: a}\n", "")
        );
        let e = Policies::parse(&[("policies/x.yaml", &bad)]).err().unwrap();
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(
            lines,
            [
                "policies/x.yaml:3:13: invalid type: sequence, expected a string",
                "policies/x.yaml:10:3: missing field `title`"
            ],
            "{e}"
        );
        // Inside `check:`, serde reads the block as a whole before its
        // fields: a wrong value is reported at the block (its `type:` line),
        // an unknown field at its key.
        let e = Policies::parse(&[("policies/x.yaml", &good.replace("files: [/x]", "files: 3"))])
            .err()
            .unwrap();
        assert_eq!(
            e,
            "policies/x.yaml:8:5: invalid type: integer `3`, expected a sequence"
        );
        // A YAML syntax error and an alias bomb stop at their line too, and
        // a file that is not a list says so.
        let e = Policies::parse(&[("policies/x.yaml", "- id: [x\n- y\n")])
            .err()
            .unwrap();
        assert!(e.starts_with("policies/x.yaml:"), "{e}");
        assert!(e.contains("YAML syntax error"), "{e}");
        let bomb = crate::yaml::tests::alias_bomb();
        let e = Policies::parse(&[(
            "policies/x.yaml",
            &format!("- {}", bomb.replace('\n', "\n  ")),
        )])
        .err()
        .unwrap();
        assert!(e.starts_with("policies/x.yaml:7:"), "{e}");
        assert!(e.contains("aliases expand to too much"), "{e}");
        let e = Policies::parse(&[("policies/x.yaml", "id: LNX-X-001\n")])
            .err()
            .unwrap();
        assert!(
            e.starts_with("policies/x.yaml:1:1: a list of policies"),
            "{e}"
        );
    }

    #[test]
    fn explain_shows_the_check_as_written() {
        let p = policy("LNX-SSH-001");
        assert_eq!(
            p.check_text.lines().next(),
            Some("type: sshd_setting"),
            "{}",
            p.check_text
        );
        assert!(p.check_text.contains("setting: PermitRootLogin"));
        // Every policy's text starts with its type and ends before the next policy.
        for p in &Policies::builtin().all {
            let first = p.check_text.lines().next().unwrap_or("");
            assert_eq!(first, format!("type: {}", p.check.type_name()), "{}", p.id);
            assert!(!p.check_text.contains("- id:"), "{}", p.id);
        }
    }

    #[test]
    fn explain_names_every_registry_export_a_policy_reads() {
        // `timaudit explain` prints the description: it must say which
        // export the user has to collect, in both languages.
        let mut n = 0;
        for p in &Policies::builtin().all {
            for f in p.check.registry_exports() {
                n += 1;
                assert!(p.description.ja.contains(f), "{}: ja lacks {f}", p.id);
                assert!(p.description.en.contains(f), "{}: en lacks {f}", p.id);
                assert!(p.check_text.contains(f), "{}: check lacks {f}", p.id);
            }
        }
        assert_eq!(n, 6, "the policies that read registry exports");
    }

    #[test]
    fn no_check_type_can_carry_a_command() {
        // Every field name of every embedded check: none names something to run.
        for p in &Policies::builtin().all {
            let v = serde_json::to_value(&p.check).unwrap();
            for k in v.as_object().unwrap().keys() {
                assert!(
                    !["command", "cmd", "exec", "run", "shell", "script"].contains(&k.as_str()),
                    "{}: field {k}",
                    p.id
                );
            }
        }
    }
}
