//! Checklist v2 host items (ACC-08 … ACC-10, ITS-14 … ITS-16): each test builds
//! a config tree (or a Windows evidence folder), runs the real binary and
//! asserts item verdicts by ID in report.json.

mod host_support;
use host_support::*;
use std::path::Path;

fn run_windows(dir: &Path) -> Report {
    let p = Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "");
    audit(None, &p, &["--evidence", dir.to_str().unwrap()])
}

/// A UTF-16LE evidence file (with BOM) as text, `\r\n` turned into `\n`.
fn read_utf16(p: &Path) -> String {
    let bytes = std::fs::read(p).unwrap();
    String::from_utf16(
        &bytes[2..]
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap()
    .replace("\r\n", "\n")
}

/// Replaces `key = …` in the fixture's secedit.inf (UTF-16LE, as secedit writes it).
fn set_secedit(dir: &Path, key: &str, value: Option<&str>) {
    let text = read_utf16(&dir.join("secedit.inf"));
    let out: Vec<String> = text
        .lines()
        .filter_map(|l| {
            if l.starts_with(&format!("{key} =")) {
                value.map(|v| format!("{key} = {v}"))
            } else {
                Some(l.to_string())
            }
        })
        .collect();
    std::fs::write(dir.join("secedit.inf"), utf16(&(out.join("\n") + "\n"))).unwrap();
}

// ------------------------------------------------------------------ ACC-08 lockout

/// An evidence entry's detail (`[POLICY] text`).
fn detail(e: &serde_json::Value) -> &str {
    e["detail"].as_str().unwrap_or_default()
}

const FAILLOCK_STACK: &str = "auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so nullok\nauth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\nauth required pam_permit.so\n";

#[test]
fn acc08_faillock_in_the_auth_stack_with_deny_from_the_conf_or_default() {
    let t = Tree::new();
    t.file("/etc/pam.d/common-auth", FAILLOCK_STACK)
        .corpus("/etc/security/faillock.conf", "faillock.conf.debian12");
    // deny unset anywhere: pam_faillock's default 3 applies, said so.
    let r = audit_tree(&t);
    r.expect("ACC-08", "pass");
    let ev = r.evidence_at("ACC-08", "/etc/pam.d/common-auth");
    assert!(
        ev.iter()
            .any(|e| e["line"] == 3 && e["detail"].as_str().unwrap().contains("default")),
        "{ev:?}"
    );
    // faillock.conf's deny counts for lines without an argument.
    t.file("/etc/security/faillock.conf", "# local\ndeny = 50\n");
    let r = audit_tree(&t);
    r.expect("ACC-08", "fail");
    r.reason_has("ACC-08", "50");
    // The line's own argument wins over the file.
    t.file(
        "/etc/pam.d/common-auth",
        &FAILLOCK_STACK.replace("authfail", "authfail deny=5"),
    );
    let r = audit_tree(&t);
    // The preauth line still takes 50 from the file.
    r.expect("ACC-08", "fail");
    t.file(
        "/etc/pam.d/common-auth",
        &FAILLOCK_STACK
            .replace("authfail", "authfail deny=5")
            .replace("preauth", "preauth deny=5"),
    );
    audit_tree(&t).expect("ACC-08", "pass");
    // deny=0 never locks.
    t.file("/etc/security/faillock.conf", "deny = 0\n")
        .file("/etc/pam.d/common-auth", FAILLOCK_STACK);
    audit_tree(&t).expect("ACC-08", "fail");
}

#[test]
fn acc08_cites_faillock_conf_deny_or_that_it_has_none() {
    // The auditor sees where the limit came from: faillock.conf's deny line...
    let t = Tree::new();
    t.file("/etc/pam.d/common-auth", FAILLOCK_STACK)
        .file("/etc/security/faillock.conf", "# local\ndeny = 4\n");
    let r = audit_tree(&t);
    r.expect("ACC-08", "pass");
    let ev = r.evidence_at("ACC-08", "/etc/security/faillock.conf");
    assert!(
        ev.iter()
            .any(|e| e["line"] == 2 && detail(e).ends_with("] deny = 4")),
        "{ev:?}"
    );
    // ...or the file itself, saying it sets no deny (the default applies).
    t.corpus("/etc/security/faillock.conf", "faillock.conf.debian12");
    let r = audit_tree(&t);
    r.expect("ACC-08", "pass");
    let ev = r.evidence_at("ACC-08", "/etc/security/faillock.conf");
    assert!(
        ev.iter()
            .any(|e| detail(e).ends_with("] no deny") && e["line"].is_null()),
        "{ev:?}"
    );
}

#[test]
fn acc08_without_authfail_is_partial_and_conf_alone_fails() {
    let t = Tree::new();
    t.file(
        "/etc/pam.d/system-auth",
        "auth required pam_faillock.so preauth silent deny=5\nauth sufficient pam_unix.so\n",
    );
    audit_tree(&t).expect("ACC-08", "partial");
    // The Debian default stack (no faillock) with a faillock.conf: nothing locks.
    let t = Tree::new();
    t.corpus("/etc/pam.d/common-auth", "pam-common-auth.debian12")
        .file("/etc/security/faillock.conf", "deny = 5\n");
    let r = audit_tree(&t);
    r.expect("ACC-08", "fail");
    assert!(r.reason("ACC-08").contains("pam_faillock"));
    // Nothing at all: a missing control fails, never not_applicable.
    let r = audit_tree(&Tree::new());
    r.expect("ACC-08", "fail");
    assert!(
        !r.evidence_at("ACC-08", "/etc/security/faillock.conf")
            .is_empty()
    );
}

#[test]
fn acc08_broken_or_unreadable_config_is_an_error() {
    let t = Tree::new();
    t.file("/etc/pam.d/common-auth", FAILLOCK_STACK)
        .file("/etc/security/faillock.conf", "deny = five\n");
    let r = audit_tree(&t);
    r.expect("ACC-08", "error");
    assert!(r.reason("ACC-08").contains("faillock.conf:1"));
    let t = Tree::new();
    t.file("/etc/pam.d/common-auth", FAILLOCK_STACK);
    unreadable(&t, "/etc/pam.d/common-auth");
    let p = Profile::new(&[], "");
    if let Some(r) = audit_as_nobody(&t, &p) {
        r.expect("ACC-08", "error");
    }
}

#[test]
fn acc08_windows_lockout_threshold_from_secedit() {
    let (_d, fs01) = win_fixture("en-fs01");
    let r = run_windows(&fs01);
    r.expect("ACC-08", "pass");
    set_secedit(&fs01, "LockoutBadCount", Some("0"));
    run_windows(&fs01).expect("ACC-08", "fail");
    set_secedit(&fs01, "LockoutBadCount", Some("25"));
    run_windows(&fs01).expect("ACC-08", "fail");
    set_secedit(&fs01, "LockoutBadCount", None);
    run_windows(&fs01).expect("ACC-08", "fail");
    std::fs::remove_file(fs01.join("secedit.inf")).unwrap();
    let r = run_windows(&fs01);
    r.expect("ACC-08", "error");
    assert!(r.reason("ACC-08").contains("secedit.inf"));
}

// ------------------------------------------------------------------ ACC-09 sudo

#[test]
fn acc09_upstream_sudoers_passes_and_nopasswd_all_in_a_dropin_fails() {
    let t = Tree::new();
    t.corpus("/etc/sudoers", "sudoers.upstream");
    let r = audit_tree(&t);
    r.expect("ACC-09", "pass");
    assert!(!r.evidence_at("ACC-09", "/etc/sudoers").is_empty());
    // Debian's layout: the main file includes sudoers.d; a drop-in grants ALL.
    t.file(
        "/etc/sudoers",
        "Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
    )
    .file("/etc/sudoers.d/README", "# files here are read\n")
    .file(
        "/etc/sudoers.d/90-cloud-init-users",
        "# Created by cloud-init\nadmin ALL=(ALL) NOPASSWD:ALL\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-09", "fail");
    let ev = r.evidence_at("ACC-09", "/etc/sudoers.d/90-cloud-init-users");
    assert_eq!(ev[0]["line"], 2);
    assert_eq!(
        ev[0]["sha256"],
        t.sha256("/etc/sudoers.d/90-cloud-init-users")
    );
    // A file name with a dot is skipped by sudo, so it does not count.
    std::fs::rename(
        t.root().join("etc/sudoers.d/90-cloud-init-users"),
        t.root().join("etc/sudoers.d/90-cloud-init-users.bak"),
    )
    .unwrap();
    audit_tree(&t).expect("ACC-09", "pass");
}

#[test]
fn acc09_narrow_nopasswd_is_partial_and_tags_carry_over_to_a_shell() {
    let t = Tree::new();
    t.file(
        "/etc/sudoers",
        "Cmnd_Alias BACKUP = /usr/bin/rsync, /usr/local/bin/backup.sh\nbackup ALL=(root) NOPASSWD: BACKUP\n%sudo ALL=(ALL:ALL) ALL\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-09", "partial");
    assert!(r.reason("ACC-09").contains("BACKUP"));
    // NOPASSWD: carries over to /bin/bash at the end of the list.
    t.file(
        "/etc/sudoers",
        "ops ALL=(root) NOPASSWD: /usr/bin/systemctl restart smbd, /bin/bash\n",
    );
    audit_tree(&t).expect("ACC-09", "fail");
    // Defaults !authenticate for a group turns every rule of the group password-less.
    t.file(
        "/etc/sudoers",
        "%sudo ALL=(ALL:ALL) ALL\nDefaults:%sudo !authenticate\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-09", "fail");
    assert!(r.reason("ACC-09").contains("!authenticate"));
    // rootpw: a shared password instead of the user's own.
    t.file("/etc/sudoers", "Defaults rootpw\n%wheel ALL=(ALL) ALL\n");
    audit_tree(&t).expect("ACC-09", "partial");
}

#[test]
fn acc09_absent_broken_and_unreadable() {
    audit_tree(&Tree::new()).expect("ACC-09", "not_applicable");
    let t = Tree::new();
    t.file("/etc/sudoers", "%sudo ALL=(ALL:ALL) ALL\nalice ALL\n");
    let r = audit_tree(&t);
    r.expect("ACC-09", "error");
    assert!(r.reason("ACC-09").contains("/etc/sudoers:2"));
    let t = Tree::new();
    t.file("/etc/sudoers", "@includedir /etc/sudoers.d\n")
        .file("/etc/sudoers.d/ops", "ops ALL=(ALL) NOPASSWD: ALL\n");
    unreadable(&t, "/etc/sudoers.d/ops");
    let p = Profile::new(&[], "");
    if let Some(r) = audit_as_nobody(&t, &p) {
        r.expect("ACC-09", "error");
    }
}

// ------------------------------------------------------------------ ACC-10 umask

#[test]
fn acc10_login_defs_umask_and_pam_umask() {
    // The upstream login.defs: UMASK 022, readable by everyone.
    let t = Tree::new();
    t.corpus("/etc/login.defs", "login.defs.shadow-upstream");
    let r = audit_tree(&t);
    r.expect("ACC-10", "fail");
    let ev = r.evidence_at("ACC-10", "/etc/login.defs");
    assert_eq!(ev[0]["line"], 202, "{ev:?}");
    t.file("/etc/login.defs", "PASS_MAX_DAYS 90\nUMASK\t\t027\n");
    audit_tree(&t).expect("ACC-10", "pass");
    t.file("/etc/login.defs", "UMASK 026\n");
    audit_tree(&t).expect("ACC-10", "partial");
    // pam_umask's own argument wins over login.defs.
    t.file("/etc/login.defs", "UMASK 077\n").file(
        "/etc/pam.d/common-session",
        "session required pam_unix.so\nsession optional pam_umask.so umask=0022\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-10", "fail");
    r.reason_has("ACC-10", "common-session:2");
    // Without an argument pam_umask uses login.defs.
    t.file(
        "/etc/pam.d/common-session",
        "session optional pam_umask.so usergroups\n",
    );
    audit_tree(&t).expect("ACC-10", "pass");
}

#[test]
fn acc10_absent_login_defs_is_the_default_022_and_broken_values_are_errors() {
    let r = audit_tree(&Tree::new());
    r.expect("ACC-10", "fail");
    assert!(r.reason("ACC-10").contains("022"));
    let t = Tree::new();
    t.file("/etc/login.defs", "UMASK u=rwx,g=rx\n");
    audit_tree(&t).expect("ACC-10", "error");
    let t = Tree::new();
    t.file("/etc/login.defs", "UMASK 027\n");
    unreadable(&t, "/etc/login.defs");
    let p = Profile::new(&[], "");
    if let Some(r) = audit_as_nobody(&t, &p) {
        r.expect("ACC-10", "error");
    }
}

#[test]
fn acc10_samba_shares_over_assets_need_closed_masks() {
    let t = Tree::new();
    t.file("/etc/login.defs", "UMASK 027\n").file(
        "/etc/samba/smb.conf",
        "[global]\n   workgroup = WG\n[design]\n   path = /srv/share/design\n   valid users = @design\n[public]\n   path = /srv/public\n",
    );
    // Samba's defaults (0744/0755) let everyone read what the share creates.
    let r = audit_tree(&t);
    r.expect("ACC-10", "fail");
    assert!(r.reason("ACC-10").contains("[design]"));
    assert!(!r.reason("ACC-10").contains("[public]"));
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n   create mode = 0660\n[design]\n   path = /srv/share/design\n   directory mask = 0770\n",
    );
    audit_tree(&t).expect("ACC-10", "pass");
    t.file(
        "/etc/samba/smb.conf",
        "[design]\n   path = /srv/share/design\n   create mask = 0660\n   directory mask = 0770\n   force create mode = 0664\n",
    );
    audit_tree(&t).expect("ACC-10", "fail");
    // A forced mode that adds nothing for others is fine.
    t.file(
        "/etc/samba/smb.conf",
        "[design]\n   path = /srv/share/design\n   create mask = 0660\n   directory mask = 0770\n   force create mode = 0660\n",
    );
    audit_tree(&t).expect("ACC-10", "pass");
    t.file(
        "/etc/samba/smb.conf",
        "[design]\n   path = /srv/share/design\n   create mask = rw\n   directory mask = 0770\n",
    );
    audit_tree(&t).expect("ACC-10", "error");
}

// ------------------------------------------------------------------ ITS-14 time

#[test]
fn its14_chrony_needs_a_source_and_its_service() {
    let t = Tree::new();
    t.corpus("/etc/chrony.conf", "chrony.conf.example1");
    // Configured but not enabled.
    let r = audit_tree(&t);
    r.expect("ITS-14", "fail");
    assert!(r.reason("ITS-14").contains("not enabled"));
    t.enable("chronyd.service");
    let r = audit_tree(&t);
    r.expect("ITS-14", "pass");
    let ev = r.evidence_at("ITS-14", "/etc/chrony.conf");
    assert!(ev.iter().any(|e| e["line"] == 2), "{ev:?}");
    // Debian layout: the sources come from sourcedir.
    let t = Tree::new();
    t.file(
        "/etc/chrony/chrony.conf",
        "confdir /etc/chrony/conf.d\nsourcedir /run/chrony-dhcp\nsourcedir /etc/chrony/sources.d\ndriftfile /var/lib/chrony/chrony.drift\n",
    )
    .enable("chrony.service");
    audit_tree(&t).expect("ITS-14", "fail");
    t.file(
        "/etc/chrony/sources.d/corp.sources",
        "server ntp.example.co.jp iburst\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-14", "pass");
    assert!(r.reason("ITS-14").contains("ntp.example.co.jp"));
}

#[test]
fn its14_timesyncd_default_servers_are_partial_and_nothing_fails() {
    let t = Tree::new();
    t.corpus("/etc/systemd/timesyncd.conf", "timesyncd.conf.debian12")
        .link(
            "/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service",
            "/lib/systemd/system/systemd-timesyncd.service",
        );
    audit_tree(&t).expect("ITS-14", "partial");
    t.file(
        "/etc/systemd/timesyncd.conf.d/corp.conf",
        "[Time]\nNTP=ntp.example.co.jp\n",
    );
    audit_tree(&t).expect("ITS-14", "pass");
    t.mask("systemd-timesyncd.service");
    audit_tree(&t).expect("ITS-14", "fail");
    // No time synchronisation at all: fail, never not_applicable.
    let r = audit_tree(&Tree::new());
    r.expect("ITS-14", "fail");
    assert!(!r.evidence_at("ITS-14", "/etc/chrony.conf").is_empty());
}

#[test]
fn its14_broken_and_unreadable_config_is_an_error() {
    let t = Tree::new();
    t.file("/etc/chrony.conf", "pool\n")
        .enable("chronyd.service");
    let r = audit_tree(&t);
    r.expect("ITS-14", "error");
    assert!(r.reason("ITS-14").contains("/etc/chrony.conf:1"));
    let t = Tree::new();
    t.file("/etc/chrony.conf", "pool pool.ntp.org\n")
        .enable("chronyd.service");
    unreadable(&t, "/etc/chrony.conf");
    let p = Profile::new(&[], "");
    if let Some(r) = audit_as_nobody(&t, &p) {
        r.expect("ITS-14", "error");
    }
}

#[test]
fn its14_windows_time_service_from_the_registry_export() {
    let (_d, fs01) = win_fixture("en-fs01");
    let r = run_windows(&fs01);
    r.expect("ITS-14", "pass");
    assert!(r.reason("ITS-14").contains("ntp.nict.jp"));
    let reg = |start: u32, ty: &str| {
        format!(
            "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W32Time]\n\"Start\"=dword:{start:08x}\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\W32Time\\Parameters]\n\"NtpServer\"=\"time.windows.com,0x9\"\n\"Type\"=\"{ty}\"\n\n"
        )
    };
    let file = fs01.join("registry/w32time.reg");
    std::fs::write(&file, utf16(&reg(4, "NTP"))).unwrap();
    run_windows(&fs01).expect("ITS-14", "fail");
    std::fs::write(&file, utf16(&reg(3, "NoSync"))).unwrap();
    run_windows(&fs01).expect("ITS-14", "fail");
    // A Group Policy value wins over the service's own.
    std::fs::write(
        fs01.join("registry/w32time-policy.reg"),
        utf16("Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\W32Time\\Parameters]\n\"Type\"=\"NT5DS\"\n\n"),
    )
    .unwrap();
    run_windows(&fs01).expect("ITS-14", "pass");
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_file(fs01.join("registry/w32time-policy.reg")).unwrap();
    let r = run_windows(&fs01);
    r.expect("ITS-14", "error");
    assert!(r.reason("ITS-14").contains("w32time.reg"));
    std::fs::write(&file, b"\xff\xfegarbage").unwrap();
    run_windows(&fs01).expect("ITS-14", "error");
}

// ------------------------------------------------------------------ ITS-15 media and deletions

#[test]
fn its15_mount_and_deletion_rules_under_the_asset() {
    let t = Tree::new();
    t.enable("auditd.service").file(
        "/etc/audit/rules.d/50-media.rules",
        "-a always,exit -F arch=b64 -S mount -F auid>=1000 -F auid!=unset -k media\n",
    );
    // Mount only: partial.
    let r = audit_tree(&t);
    r.expect("ITS-15", "partial");
    assert!(r.reason("ITS-15").contains("/srv/share/design"));
    // A deletion rule for another folder does not cover the asset.
    t.file(
        "/etc/audit/rules.d/60-delete.rules",
        "-a always,exit -F arch=b64 -S unlink,unlinkat,rename,renameat -F dir=/srv/other -k delete\n",
    );
    audit_tree(&t).expect("ITS-15", "partial");
    t.file(
        "/etc/audit/rules.d/60-delete.rules",
        "-a always,exit -F arch=b64 -S unlink -S unlinkat -S rename -S renameat -F dir=/srv/share -k delete\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-15", "pass");
    let ev = r.evidence_at("ITS-15", "/etc/audit/rules.d/60-delete.rules");
    assert_eq!(ev[0]["line"], 1);
    // A write watch covers deletions too; the STIG-style rule without a path covers all.
    t.file(
        "/etc/audit/rules.d/60-delete.rules",
        "-w /srv/share/design -p wa -k design\n",
    );
    audit_tree(&t).expect("ITS-15", "pass");
    t.file(
        "/etc/audit/rules.d/60-delete.rules",
        "-w /srv/share/design -p r -k design\n",
    );
    audit_tree(&t).expect("ITS-15", "partial");
    t.file(
        "/etc/audit/rules.d/60-delete.rules",
        "-a always,exit -F arch=b64 -S unlink,unlinkat,rename,renameat -F auid>=1000 -F auid!=unset -k delete\n",
    );
    audit_tree(&t).expect("ITS-15", "pass");
    // The same rules with auditd masked record nothing.
    t.mask("auditd.service");
    audit_tree(&t).expect("ITS-15", "fail");
}

#[test]
fn its15_absent_broken_and_unreadable_rules() {
    let r = audit_tree(&Tree::new());
    r.expect("ITS-15", "fail");
    let t = Tree::new();
    t.enable("auditd.service")
        .file("/etc/audit/rules.d/a.rules", "-w /srv/share -p wa\n");
    // Deletions but no mount rule: partial.
    audit_tree(&t).expect("ITS-15", "partial");
    t.file("/etc/audit/rules.d/b.rules", "-a always,exit -S\n");
    let r = audit_tree(&t);
    r.expect("ITS-15", "error");
    assert!(r.reason("ITS-15").contains("b.rules:1"));
    let t = Tree::new();
    t.enable("auditd.service")
        .file("/etc/audit/rules.d/a.rules", "-a always,exit -S mount\n");
    unreadable(&t, "/etc/audit/rules.d/a.rules");
    let p = Profile::new(&[], "");
    if let Some(r) = audit_as_nobody(&t, &p) {
        r.expect("ITS-15", "error");
    }
}

#[test]
fn its15_windows_removable_storage_auditing() {
    let (_d, fs01) = win_fixture("en-fs01");
    run_windows(&fs01).expect("ITS-15", "pass");
    let text = read_utf16(&fs01.join("auditpol.csv"));
    let off = text.replace(
        "Removable Storage,{0CCE9245-69AE-11D9-BED3-505054503030},Success,",
        "Removable Storage,{0CCE9245-69AE-11D9-BED3-505054503030},No Auditing,",
    );
    assert_ne!(off, text, "the fixture has the Removable Storage row");
    std::fs::write(fs01.join("auditpol.csv"), utf16(&off)).unwrap();
    run_windows(&fs01).expect("ITS-15", "fail");
    std::fs::remove_file(fs01.join("auditpol.csv")).unwrap();
    run_windows(&fs01).expect("ITS-15", "error");
}

// ------------------------------------------------------------------ ITS-16 log file modes

fn chmod(t: &Tree, host: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        t.root().join(host.trim_start_matches('/')),
        std::fs::Permissions::from_mode(mode),
    )
    .unwrap();
}

#[test]
fn its16_log_file_modes_and_rsyslog_create_mode() {
    let t = Tree::new();
    t.file("/var/log/auth.log", "Jun  1 10:00:00 fs01 sshd[1]: x\n")
        .file("/var/log/syslog", "x\n")
        .file("/var/log/audit/audit.log", "type=DAEMON_START\n")
        .file(
            "/etc/rsyslog.conf",
            "module(load=\"imuxsock\")\n$FileOwner root\n$FileGroup adm\n$FileCreateMode 0640\n*.* -/var/log/syslog\n",
        );
    chmod(&t, "/var/log/auth.log", 0o640);
    chmod(&t, "/var/log/syslog", 0o640);
    chmod(&t, "/var/log/audit/audit.log", 0o600);
    chmod(&t, "/var/log/audit", 0o700);
    let r = audit_tree(&t);
    r.expect("ITS-16", "pass");
    let ev = r.evidence_at("ITS-16", "/var/log/auth.log");
    assert!(ev[0]["detail"].as_str().unwrap().contains("0640"), "{ev:?}");
    // A rotated audit log readable by everyone.
    t.file("/var/log/audit/audit.log.1", "x\n");
    chmod(&t, "/var/log/audit/audit.log.1", 0o644);
    let r = audit_tree(&t);
    r.expect("ITS-16", "fail");
    assert!(r.reason("ITS-16").contains("/var/log/audit/audit.log.1"));
    chmod(&t, "/var/log/audit/audit.log.1", 0o600);
    audit_tree(&t).expect("ITS-16", "pass");
    // rsyslog without FileCreateMode creates files with 0644.
    t.file("/etc/rsyslog.conf", "*.* -/var/log/syslog\n");
    let r = audit_tree(&t);
    r.expect("ITS-16", "fail");
    assert!(r.reason("ITS-16").contains("0644"));
    t.file(
        "/etc/rsyslog.conf",
        "module(load=\"builtin:omfile\" fileCreateMode=\"0600\")\n",
    );
    audit_tree(&t).expect("ITS-16", "pass");
    t.file("/etc/rsyslog.conf", "$FileCreateMode rw-r-----\n");
    audit_tree(&t).expect("ITS-16", "error");
}

#[test]
fn its16_no_log_files_and_unreadable_metadata_are_errors() {
    let r = audit_tree(&Tree::new());
    r.expect("ITS-16", "error");
    assert!(r.reason("ITS-16").contains("/var/log"));
    // A folder nobody may enter: the modes of its files cannot be read.
    let t = Tree::new();
    t.file("/var/log/audit/audit.log", "x\n");
    chmod(&t, "/var/log/audit/audit.log", 0o600);
    chmod(&t, "/var/log/audit", 0o700);
    audit_tree(&t).expect("ITS-16", "pass");
    let p = Profile::new(&[], "");
    if let Some(r) = audit_as_nobody(&t, &p) {
        r.expect("ITS-16", "error");
    }
}

// ------------------------------------------------------------------ ITS-02 forwarding and MaxAuthTries

#[test]
fn its02_port_forwarding_is_partial_only_where_protected_shares_are_served() {
    let t = Tree::new();
    t.file(
        "/etc/ssh/sshd_config",
        "PermitRootLogin no\nMaxAuthTries 3\n",
    );
    // No share: forwarding (default yes) is shown, not judged.
    let r = audit_tree(&t);
    r.expect("ITS-02", "pass");
    let ev = r.evidence_at("ITS-02", "/etc/ssh/sshd_config");
    assert!(
        ev.iter()
            .any(|e| e["line"] == 2 && e["detail"].as_str().unwrap().contains("MaxAuthTries 3")),
        "{ev:?}"
    );
    assert!(
        ev.iter()
            .any(|e| e["detail"].as_str().unwrap().contains("AllowTcpForwarding")),
        "{ev:?}"
    );
    // A Samba share over the asset: open forwarding gives partial.
    t.file(
        "/etc/samba/smb.conf",
        "[design]\n   path = /srv/share/design\n   valid users = @design\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-02", "partial");
    r.reason_has("ITS-02", "T-001");
    t.file(
        "/etc/ssh/sshd_config",
        "PermitRootLogin no\nAllowTcpForwarding no\n",
    );
    audit_tree(&t).expect("ITS-02", "pass");
    t.file(
        "/etc/ssh/sshd_config",
        "PermitRootLogin no\nAllowTcpForwarding sometimes\n",
    );
    audit_tree(&t).expect("ITS-02", "error");
}
