//! Boundaries of the host rules, each named after the behaviour a user relies on:
//! logrotate retention exactly at the threshold passes (one day less fails; journald's
//! 365d/364d are in host_linux.rs's time-span table), every
//! `PermitRootLogin` value sshd treats like `prohibit-password` passes ITS-02, and a
//! config file the auditor cannot read makes its item `error`, never a silent pass
//! or a silent skip (an unreadable modprobe.d file included, even next to a
//! blocking install line). ITS-01's fail names where it looked; ITS-05 warns when
//! the journal may stay in memory and lists the journald.conf lines journald
//! ignores; ITS-03 cites each firewall setting it read; ITS-04 assesses any one
//! trace of auditd instead of calling it "nothing records access". Real binary,
//! small `--root` trees in temp dirs.

mod host_support;
use host_support::*;

// ------------------------------------------------------------------ ITS-05 retention

#[test]
fn its05_logrotate_retention_exactly_at_the_threshold_passes_one_day_less_fails() {
    // daily × rotate N keeps N days; the default threshold is 365 days.
    let t = Tree::new();
    t.file("/etc/logrotate.conf", "include /etc/logrotate.d\n");
    for (rotate, want) in [(365, "pass"), (364, "fail")] {
        t.file(
            "/etc/logrotate.d/rsyslog",
            &format!("/var/log/syslog {{\n  daily\n  rotate {rotate}\n}}\n"),
        );
        let r = audit_tree(&t);
        assert_eq!(
            r.status("ITS-05"),
            want,
            "daily × rotate {rotate}: {}",
            r.reason("ITS-05")
        );
    }
    // weekly × rotate 4 = 28 days against a profile threshold of 28, then 29.
    t.file(
        "/etc/logrotate.d/rsyslog",
        "/var/log/syslog {\n  weekly\n  rotate 4\n}\n",
    );
    for (days, want) in [(28, "pass"), (29, "fail")] {
        let p = Profile::new(&[], &format!("thresholds:\n  log_retention_days: {days}\n"));
        let r = audit(Some(t.root()), &p, &[]);
        assert_eq!(
            r.status("ITS-05"),
            want,
            "weekly × rotate 4 against {days} days: {}",
            r.reason("ITS-05")
        );
    }
}

#[test]
fn its05_the_reason_names_what_caps_logrotate_retention_rotate_or_maxage() {
    // rotate caps it (maxage is longer): the reason does not blame maxage.
    let t = Tree::new();
    t.file("/etc/logrotate.conf", "include /etc/logrotate.d\n");
    t.file(
        "/etc/logrotate.d/rsyslog",
        "/var/log/syslog {\n  daily\n  rotate 30\n  maxage 400\n}\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-05", "fail");
    let why = r.reason("ITS-05");
    assert!(
        why.contains(
            "keeps /var/log/syslog for 30 days (daily × rotate 30), short of the required 365"
        ),
        "{why}"
    );
    // maxage caps it: the reason names it.
    t.file(
        "/etc/logrotate.d/rsyslog",
        "/var/log/syslog {\n  daily\n  rotate 400\n  maxage 100\n}\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-05", "fail");
    let why = r.reason("ITS-05");
    assert!(
        why.contains("keeps /var/log/syslog for 100 days (daily × rotate 400, maxage 100)"),
        "{why}"
    );
}

// ------------------------------------------------------------------ ITS-02 sshd

#[test]
fn its02_every_value_that_forbids_root_passwords_passes() {
    // `without-password` is the old spelling of `prohibit-password`;
    // `forced-commands-only` allows root keys only with a forced command.
    let t = Tree::new();
    for v in [
        "no",
        "prohibit-password",
        "without-password",
        "forced-commands-only",
    ] {
        t.file("/etc/ssh/sshd_config", &format!("PermitRootLogin {v}\n"));
        let r = audit_tree(&t);
        assert_eq!(
            r.status("ITS-02"),
            "pass",
            "PermitRootLogin {v}: {}",
            r.reason("ITS-02")
        );
    }
    // The control: the one value that allows a root password fails.
    t.file("/etc/ssh/sshd_config", "PermitRootLogin yes\n");
    audit_tree(&t).expect("ITS-02", "fail");
}

#[test]
fn its02_lines_sshd_ignores_are_cited_under_their_own_setting() {
    // sshd takes the first PermitRootLogin; the later one and the one inside a
    // Match block do not set the global value. The evidence shows both lines,
    // each under the policy of its own setting (LNX-SSH-001), so a reader sees
    // why `yes` in the file does not fail the item.
    let t = Tree::new();
    t.file(
        "/etc/ssh/sshd_config",
        "PermitRootLogin no\nPermitEmptyPasswords no\nPermitRootLogin yes\nMatch User backup\n    PermitRootLogin yes\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-02", "pass");
    let ev = r.evidence_at("ITS-02", "/etc/ssh/sshd_config");
    let at = |line: u64| -> Vec<String> {
        ev.iter()
            .filter(|e| e["line"] == line)
            .map(|e| e["detail"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(
        at(3),
        vec!["[LNX-SSH-001] ignored: an earlier value wins".to_string()],
        "{ev:#?}"
    );
    let in_match = at(5);
    assert_eq!(in_match.len(), 1, "{ev:#?}");
    assert!(
        in_match[0].starts_with("[LNX-SSH-001] inside `Match User backup`"),
        "{in_match:?}"
    );
}

// ------------------------------------------------------------------ unreadable configs

/// A config the auditor (nobody) may not read: the item is `error` and names the file.
fn unreadable_config_is_an_error(t: &Tree, id: &str, host: &str) {
    unreadable(t, host);
    let p = Profile::new(&[("T-001", &["/srv/share/design/**"])], "");
    let Some(r) = audit_as_nobody(t, &p) else {
        return;
    };
    assert_eq!(r.status(id), "error", "{id}: {}", r.reason(id));
    assert!(r.reason(id).contains(host), "{id}: {}", r.reason(id));
}

#[test]
fn its05_an_unreadable_journald_conf_is_an_error() {
    let t = Tree::new();
    t.file(
        "/etc/systemd/journald.conf",
        "[Journal]\nStorage=persistent\nMaxRetentionSec=400d\n",
    );
    unreadable_config_is_an_error(&t, "ITS-05", "/etc/systemd/journald.conf");
}

#[test]
fn its03_an_unreadable_nftables_conf_is_an_error() {
    let t = Tree::new();
    t.file(
        "/etc/nftables.conf",
        "table inet filter {\n chain input { type filter hook input priority 0; policy drop; }\n}\n",
    )
    .enable("nftables.service");
    unreadable_config_is_an_error(&t, "ITS-03", "/etc/nftables.conf");
}

#[test]
fn its06_an_unreadable_rsyslog_conf_is_an_error() {
    // It may hold the forwarding rule: ITS-06 cannot fail as "nothing forwards".
    let t = Tree::new();
    t.file("/etc/rsyslog.conf", "*.* @@loghost.example:514\n");
    unreadable_config_is_an_error(&t, "ITS-06", "/etc/rsyslog.conf");
}

#[test]
fn its01_an_unreadable_modprobe_file_keeps_a_blocking_install_line_from_passing() {
    // Every module is blocked by install lines, but a file modprobe reads first
    // (00-…) cannot be read: it may hold an earlier install line that wins.
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb-storage.conf",
        "install usb-storage /bin/false\ninstall firewire-sbp2 /bin/false\ninstall thunderbolt /bin/false\n",
    );
    let p = Profile::new(&[("T-001", &["/srv/share/design/**"])], "");
    assert_eq!(
        audit(Some(t.root()), &p, &[]).status("ITS-01"),
        "pass",
        "the blocking lines alone pass"
    );
    t.file("/etc/modprobe.d/00-vendor.conf", "# vendor\n");
    unreadable(&t, "/etc/modprobe.d/00-vendor.conf");
    let Some(r) = audit_as_nobody(&t, &p) else {
        return;
    };
    assert_eq!(r.status("ITS-01"), "error", "{}", r.reason("ITS-01"));
    let reason = r.reason("ITS-01");
    assert!(
        reason.contains("a file that could override it cannot be read"),
        "{reason}"
    );
}

#[test]
fn its01_a_host_that_blocks_nothing_shows_where_each_mechanism_was_looked_for() {
    let t = Tree::new();
    t.dir("/etc/modprobe.d");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-01"), "fail", "{}", r.reason("ITS-01"));
    for (path, says) in [
        ("/etc/modprobe.d", "no install or blacklist line"),
        ("/etc/default/grub", "no modprobe.blacklist"),
        (
            "/etc/usbguard/usbguard-daemon.conf",
            "no USBGuard configuration",
        ),
    ] {
        let ev = r.evidence_at("ITS-01", path);
        assert!(
            ev.iter()
                .any(|e| e["detail"].as_str().is_some_and(|d| d.contains(says))),
            "{path}: {:#?}",
            r.evidence("ITS-01")
        );
    }
}

// ------------------------------------------------------------------ ITS-05 journald

#[test]
fn its05_warns_that_the_journal_may_stay_in_memory_only_when_storage_is_auto_without_var_log_journal()
 {
    const WARNING: &str = "may be kept in memory only";
    for (storage, journal_dir, warned) in [
        ("", false, true),
        ("Storage=auto\n", false, true),
        ("Storage=auto\n", true, false),
        ("Storage=persistent\n", false, false),
        ("Storage=persistent\n", true, false),
    ] {
        let t = Tree::new();
        t.file(
            "/etc/systemd/journald.conf",
            &format!("[Journal]\n{storage}MaxRetentionSec=400d\n"),
        );
        if journal_dir {
            t.dir("/var/log/journal");
        }
        let r = audit_tree(&t);
        let notes = r.details_at("ITS-05", "/var/log/journal");
        assert_eq!(
            notes.iter().any(|d| d.contains(WARNING)),
            warned,
            "{storage:?} with /var/log/journal {journal_dir}: {notes:?}"
        );
    }
}

#[test]
fn its05_lines_journald_ignores_are_listed_as_warnings_in_its_evidence() {
    let t = Tree::new();
    t.file(
        "/etc/systemd/journald.conf",
        "[Journal]\nStorage=persistent\nMaxRetentionSecs=400d\nMaxRetentionSec=400d\n",
    );
    let r = audit_tree(&t);
    let details = r.details_at("ITS-05", "/etc/systemd/journald.conf");
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("warning: /etc/systemd/journald.conf:3:")
                && d.contains("unknown key 'MaxRetentionSecs'")),
        "{details:#?}"
    );
}

#[test]
fn its01_each_usbguard_rule_that_admits_mass_storage_says_why_it_matches() {
    // Line 1 names a vendor's devices (a wildcard, no one device) without an
    // interface condition; line 2 an empty all-of; lines 3 and 4 the class itself.
    let t = Tree::new();
    t.file(
        "/etc/usbguard/usbguard-daemon.conf",
        "RuleFile=/etc/usbguard/rules.conf\nImplicitPolicyTarget=block\n",
    )
    .file(
        "/etc/usbguard/rules.conf",
        "allow id 1d6b:*\nallow with-interface all-of { }\nallow with-interface equals { 08:06:50 }\nallow with-interface all-of { 08:*:* }\n",
    );
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-01"), "fail", "{}", r.reason("ITS-01"));
    r.reason_has(
        "ITS-01",
        "the USBGuard rule at /etc/usbguard/rules.conf:1 allows mass storage",
    );
    let ev = r.evidence_at("ITS-01", "/etc/usbguard/rules.conf");
    let why = |line: u64| -> String {
        ev.iter()
            .filter(|e| e["line"] == line)
            .map(|e| e["detail"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(
        why(1).contains("no interface condition: matches any device"),
        "{ev:#?}"
    );
    assert!(
        why(2).contains("an empty all-of { } matches every device"),
        "{ev:#?}"
    );
    assert!(why(3).contains("allows class 08"), "{ev:#?}");
    assert!(why(4).contains("allows class 08"), "{ev:#?}");
}

// ------------------------------------------------------------------ ITS-03 evidence

#[test]
fn its03_each_nftables_chain_is_cited_with_its_policy_or_the_accept_default() {
    let t = Tree::new();
    t.file(
        "/etc/nftables.conf",
        "table inet filter {\n chain input { type filter hook input priority 0; policy drop; }\n chain forward { type filter hook forward priority 0; }\n}\n",
    )
    .enable("nftables.service");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-03"), "pass", "{}", r.reason("ITS-03"));
    let d = r.details_at("ITS-03", "/etc/nftables.conf");
    assert!(
        d.iter()
            .any(|x| x.contains("inet filter input: policy drop")),
        "{d:#?}"
    );
    assert!(
        !d.iter().any(|x| x.contains("inet filter input: no policy")),
        "{d:#?}"
    );
}

#[test]
fn its03_iptables_without_ipv6_rules_says_rules_v6_is_missing() {
    let t = Tree::new();
    t.file(
        "/etc/iptables/rules.v4",
        "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n",
    );
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-03"), "fail", "{}", r.reason("ITS-03"));
    let missing = |r: &Report| {
        r.details_at("ITS-03", "/etc/iptables/rules.v6")
            .iter()
            .any(|x| x.contains("no IPv6 rules"))
    };
    assert!(missing(&r), "{:#?}", r.evidence("ITS-03"));
    // rules.v6 exists but accepts: still a fail, and rules.v6 is not "missing".
    t.file(
        "/etc/iptables/rules.v6",
        "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n",
    );
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-03"), "fail", "{}", r.reason("ITS-03"));
    assert!(!missing(&r), "{:#?}", r.evidence("ITS-03"));
}

#[test]
fn its03_firewalld_configured_but_not_enabled_fails_as_not_enabled() {
    let t = Tree::new();
    t.file("/etc/firewalld/firewalld.conf", "DefaultZone=public\n");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-03"), "fail", "{}", r.reason("ITS-03"));
    r.reason_has("ITS-03", "firewalld.service is not enabled");
}

#[test]
fn its03_firewalld_enabled_with_its_built_in_defaults_is_assessed_not_ignored() {
    // firewalld.service enabled and no configuration of its own: the built-in
    // default zone (public, target default: rejects) applies. It is a firewall;
    // the item is never "nothing filters inbound traffic".
    let t = Tree::new();
    t.enable("firewalld.service");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-03"), "pass", "{}", r.reason("ITS-03"));
    r.reason_has(
        "ITS-03",
        "firewalld is enabled; default zone public has target default",
    );
}

// ------------------------------------------------------------------ ITS-04 sources

/// The ITS-04 evidence details that speak of auditd.service.
fn auditd_unit_details(r: &Report) -> Vec<String> {
    r.evidence("ITS-04")
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .filter(|d| d.contains("auditd.service is"))
        .map(str::to_string)
        .collect()
}

#[test]
fn its04_any_one_trace_of_auditd_is_assessed_not_reported_as_nothing_logs() {
    // Each alone is a (broken) auditd set-up to be assessed per asset, never
    // "there is no auditd configuration".
    const NOTHING: &str = "nothing records access";
    let rules = || {
        let t = Tree::new();
        t.file(
            "/etc/audit/rules.d/design.rules",
            "-w /srv/share/design -p rwa -k design\n",
        );
        t
    };
    let conf = || {
        let t = Tree::new();
        t.file(
            "/etc/audit/auditd.conf",
            "log_file = /var/log/audit/audit.log\n",
        );
        t
    };
    let unit = || {
        let t = Tree::new();
        t.enable("auditd.service");
        t
    };
    for (what, t, unit_cited) in [
        (
            "rules without the service",
            rules(),
            Some("auditd.service is not enabled"),
        ),
        ("auditd.conf alone", conf(), None),
        (
            "the service alone",
            unit(),
            Some("auditd.service is enabled"),
        ),
    ] {
        let r = audit_tree(&t);
        assert_eq!(r.status("ITS-04"), "fail", "{what}: {}", r.reason("ITS-04"));
        assert!(
            !r.reason("ITS-04").contains(NOTHING),
            "{what}: {}",
            r.reason("ITS-04")
        );
        let cited = auditd_unit_details(&r);
        match unit_cited {
            Some(says) => assert!(cited.iter().any(|d| d.contains(says)), "{what}: {cited:#?}"),
            None => assert!(cited.is_empty(), "{what}: {cited:#?}"),
        }
    }
    let r = audit_tree(&Tree::new());
    r.reason_has("ITS-04", NOTHING);
}

// ------------------------------------------------------------------ ITS-06, 07, 09 decisions

#[test]
fn its06_only_lock_level_2_counts_as_locked_audit_rules() {
    // `-e 2` locks the rules until reboot (partial: nothing is forwarded);
    // `-e 1` only enables auditing, which protects nothing.
    for (line, want) in [("-e 2", "partial"), ("-e 1", "fail"), ("-e 0", "fail")] {
        let t = Tree::new();
        t.file(
            "/etc/audit/rules.d/99-finalize.rules",
            &format!("-w /etc/passwd -p wa -k identity\n{line}\n"),
        );
        let r = audit_tree(&t);
        assert_eq!(r.status("ITS-06"), want, "{line}: {}", r.reason("ITS-06"));
        assert_eq!(
            r.reason("ITS-06").contains("only locked with -e 2"),
            want == "partial",
            "{line}: {}",
            r.reason("ITS-06")
        );
    }
}

#[test]
fn its07_a_jail_local_that_turns_jails_off_has_no_enabled_jail() {
    // Jails switched off in jail.local are not "enabled only in jail.conf".
    let t = Tree::new();
    t.file(
        "/etc/fail2ban/jail.local",
        "[sshd]\nenabled = false\n\n[recidive]\nenabled = false\n",
    )
    .enable("fail2ban.service");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-07"), "fail", "{}", r.reason("ITS-07"));
    let reason = r.reason("ITS-07");
    assert!(reason.contains("fail2ban has no enabled jail"), "{reason}");
    assert!(!reason.contains("only in jail.conf"), "{reason}");
}

#[test]
fn its09_an_enabled_download_only_dnf_timer_fails_by_name_and_a_masked_one_is_ignored() {
    const ONLY: &str = "only downloads or notifies; it applies nothing";
    let t = Tree::new();
    t.enable("dnf-automatic-download.timer");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-09"), "fail", "{}", r.reason("ITS-09"));
    r.reason_has("ITS-09", &format!("dnf-automatic-download.timer {ONLY}"));
    // Masked, not enabled: it runs nothing, so it is not cited as one.
    let t = Tree::new();
    t.mask("dnf-automatic-notifyonly.timer");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-09"), "fail", "{}", r.reason("ITS-09"));
    assert!(!r.reason("ITS-09").contains(ONLY), "{}", r.reason("ITS-09"));
}

// ------------------------------------------------------------------ ITS-10, ITS-14

#[test]
fn its10_names_the_modules_built_in_default_and_cites_only_files_that_exist() {
    // pam_pwquality without minlen: its built-in default (8) is named, not
    // pam_cracklib's (9), and it does not count.
    let t = Tree::new();
    t.file(
        "/etc/pam.d/common-password",
        "password requisite pam_pwquality.so retry=3\npassword [success=1 default=ignore] pam_unix.so obscure yescrypt\n",
    )
    .file("/etc/login.defs", "PASS_MIN_LEN 12\n");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-10"), "fail", "{}", r.reason("ITS-10"));
    r.reason_has(
        "ITS-10",
        "pam_pwquality.so is used but minlen is set nowhere (the module's built-in default is 8)",
    );
    // login.defs' PASS_MIN_LEN is shown beside the verdict, never counted.
    let ld = r.details_at("ITS-10", "/etc/login.defs");
    assert!(
        ld.iter()
            .any(|d| d.contains("PASS_MIN_LEN 12 (not used by PAM-based passwd)")),
        "{ld:#?}"
    );
    t.file(
        "/etc/pam.d/common-password",
        "password requisite pam_cracklib.so retry=3\n",
    );
    let r = audit_tree(&t);
    r.reason_has("ITS-10", "the module's built-in default is 9");
    // No quality module: the PAM file that was read is cited as read, and only
    // the absent pwquality.conf is called missing.
    t.file(
        "/etc/pam.d/common-password",
        "password [success=1 default=ignore] pam_unix.so obscure yescrypt\n",
    );
    let r = audit_tree(&t);
    r.reason_has("ITS-10", "no minimum password length");
    let pam = r.details_at("ITS-10", "/etc/pam.d/common-password");
    assert!(pam.iter().any(|d| d.contains("no minlen")), "{pam:#?}");
    assert!(!pam.iter().any(|d| d.contains("file missing")), "{pam:#?}");
}

#[test]
fn its14_a_configured_but_disabled_timesyncd_fails_as_not_enabled() {
    let t = Tree::new();
    t.file(
        "/etc/systemd/timesyncd.conf",
        "[Time]\nNTP=ntp.example.co.jp\n",
    );
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-14"), "fail", "{}", r.reason("ITS-14"));
    r.reason_has("ITS-14", "systemd-timesyncd is not enabled");
}

// ------------------------------------------------------------------ ITS-15, ITS-16

#[test]
fn its15_auditd_running_with_no_rule_recorded_at_all_fails_and_one_rule_is_partial() {
    let t = Tree::new();
    t.file(
        "/etc/audit/rules.d/other.rules",
        "-w /etc/passwd -p wa -k identity\n",
    )
    .enable("auditd.service");
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-15"), "fail", "{}", r.reason("ITS-15"));
    t.file(
        "/etc/audit/rules.d/media.rules",
        "-a always,exit -F arch=b64 -S mount -k media\n",
    );
    let r = audit_tree(&t);
    assert_eq!(r.status("ITS-15"), "partial", "{}", r.reason("ITS-15"));
}

#[test]
fn its16_an_rsyslog_file_create_mode_that_opens_logs_to_everyone_fails() {
    for (mode, want) in [("0640", "pass"), ("0644", "fail"), ("0601", "fail")] {
        let t = Tree::new();
        t.file("/etc/rsyslog.conf", &format!("$FileCreateMode {mode}\n"));
        let r = audit_tree(&t);
        assert_eq!(r.status("ITS-16"), want, "{mode}: {}", r.reason("ITS-16"));
        if want == "fail" {
            assert!(
                r.reason("ITS-16").contains(&format!(
                    "rsyslog creates new log files with mode {mode} (readable by everyone)"
                )),
                "{mode}: {}",
                r.reason("ITS-16")
            );
        }
    }
}
