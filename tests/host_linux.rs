//! Linux host settings under `--root`: each test builds an etc/ tree in a temp
//! dir, runs the real binary and asserts item verdicts by ID in report.json.

mod host_support;
use host_support::*;

// ------------------------------------------------------------------ ITS-02 sshd

#[test]
fn its02_an_early_include_overrides_the_main_file() {
    let t = Tree::new();
    t.file(
        "/etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\n\nPermitRootLogin no\nPasswordAuthentication no\n",
    )
    .file(
        "/etc/ssh/sshd_config.d/50-cloud-init.conf",
        "PasswordAuthentication yes\n",
    )
    .file(
        "/etc/ssh/sshd_config.d/60-admin.conf",
        "# temporary\npermitrootlogin yes\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-02", "fail");
    let ev = r.evidence_at("ITS-02", "/etc/ssh/sshd_config.d/60-admin.conf");
    assert_eq!(ev[0]["line"], 2);
    assert_eq!(ev[0]["excerpt"], "permitrootlogin yes");
    assert_eq!(
        ev[0]["sha256"],
        t.sha256("/etc/ssh/sshd_config.d/60-admin.conf")
    );
    // The main file's later value is listed as ignored.
    let main = r.evidence_at("ITS-02", "/etc/ssh/sshd_config");
    assert!(main.iter().any(|e| e["line"] == 3), "{main:?}");
}

#[test]
fn its02_include_at_the_end_does_not_override_and_match_blocks_do_not_count() {
    let t = Tree::new();
    t.file(
        "/etc/ssh/sshd_config",
        "PermitRootLogin prohibit-password\nInclude sshd_config.d/*.conf\nMatch User backup\n    PermitRootLogin yes\n    PermitEmptyPasswords yes\n",
    )
    .file("/etc/ssh/sshd_config.d/zz.conf", "PermitRootLogin yes\n");
    let r = audit_tree(&t);
    r.expect("ITS-02", "pass");
    assert!(
        r.evidence("ITS-02")
            .iter()
            .any(|e| e["line"] == 4 && e["path"] == "/etc/ssh/sshd_config")
    );
}

#[test]
fn its02_defaults_empty_passwords_invalid_values_and_absence() {
    let t = Tree::new();
    t.corpus("/etc/ssh/sshd_config", "sshd_config.openssh-portable");
    audit_tree(&t).expect("ITS-02", "pass");
    t.file("/etc/ssh/sshd_config", "PermitEmptyPasswords yes\n");
    audit_tree(&t).expect("ITS-02", "fail");
    t.file("/etc/ssh/sshd_config", "PermitRootLogin maybe\n");
    audit_tree(&t).expect("ITS-02", "error");
    t.file("/etc/ssh/sshd_config", "Match all\nPermitRootLogin=yes\n");
    audit_tree(&t).expect("ITS-02", "fail");
    let t = Tree::new();
    audit_tree(&t).expect("ITS-02", "not_applicable");
}

#[test]
fn its02_match_all_inside_a_file_included_from_a_match_block_is_not_global() {
    let t = Tree::new();
    t.file(
        "/etc/ssh/sshd_config",
        "Match User alice\n    Include /etc/ssh/sshd_config.d/*.conf\nMatch all\nPermitRootLogin yes\n",
    )
    .file(
        "/etc/ssh/sshd_config.d/alice.conf",
        "Match all\nPermitRootLogin no\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-02", "fail");
    assert_eq!(
        r.evidence_at("ITS-02", "/etc/ssh/sshd_config")[0]["line"],
        4
    );
}

#[test]
fn its02_unreadable_config_is_an_error_not_a_pass() {
    let t = Tree::new();
    // A symlink loop cannot be read by anyone.
    t.link("/etc/ssh/sshd_config", "/etc/ssh/loop")
        .link("/etc/ssh/loop", "/etc/ssh/sshd_config");
    let r = audit_tree(&t);
    r.expect("ITS-02", "error");
    assert!(r.reason("ITS-02").contains("/etc/ssh/sshd_config"));
}

#[test]
fn permission_denied_on_a_config_file_is_an_error() {
    let t = Tree::new();
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n  server min protocol = SMB2\n",
    );
    unreadable(&t, "/etc/samba/smb.conf");
    let p = Profile::new(&[("T-001", &["/srv/share/design/**"])], "");
    // Run as nobody (when root), for whom mode 000 really is unreadable.
    let Some(r) = audit_as_nobody(&t, &p) else {
        return;
    };
    r.expect("ITS-11", "error");
    r.expect("ACC-04", "error");
    assert!(r.reason("ITS-11").contains("/etc/samba/smb.conf"));
}

// ------------------------------------------------------------------ ITS-01 USB, HDL-07

#[test]
fn its01_blacklist_only_is_partial_and_hdl07_takes_it() {
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/blacklist-usb.conf",
        "blacklist usb-storage\n",
    );
    let p = Profile::new(
        &[("T-001", &["/srv/share/design/**"])],
        "answers:\n  HDL-07:\n    status: pass\n    note: 持出し規程で USB 媒体を禁止\n",
    );
    let r = audit(Some(t.root()), &p, &[]);
    r.expect("ITS-01", "partial");
    r.expect("HDL-07", "partial");
    let ev = r.evidence_at("ITS-01", "/etc/modprobe.d/blacklist-usb.conf");
    assert_eq!(ev[0]["line"], 1);
    assert!(r.reason("HDL-07").contains("ITS-01"));
}

#[test]
fn its01_install_false_passes_and_hdl07_passes_with_the_answer() {
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb-storage.conf",
        "# no USB sticks\ninstall usb_storage /bin/false\nblacklist usb-storage\ninstall firewire-sbp2 /bin/false\ninstall thunderbolt /bin/true\n",
    );
    let p = Profile::new(
        &[("T-001", &["/srv/share/design/**"])],
        "answers:\n  HDL-07:\n    status: pass\n",
    );
    let r = audit(Some(t.root()), &p, &[]);
    r.expect("ITS-01", "pass");
    r.expect("HDL-07", "pass");
    // The first install line wins: an earlier one that loads the module decides.
    t.file(
        "/etc/modprobe.d/00-vendor.conf",
        "install usb-storage /sbin/modprobe --ignore-install usb-storage\n",
    );
    audit_tree(&t).expect("ITS-01", "partial");
}

#[test]
fn its01_commented_install_nothing_grub_and_usbguard() {
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb.conf",
        "#install usb-storage /bin/true\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "fail");
    t.file("/etc/default/grub", "GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX_DEFAULT modprobe.blacklist=usb-storage,firewire_sbp2,thunderbolt\"\n");
    audit_tree(&t).expect("ITS-01", "pass");

    let t = Tree::new();
    t.corpus(
        "/etc/usbguard/usbguard-daemon.conf",
        "usbguard-daemon.conf.in",
    )
    .corpus("/etc/usbguard/rules.conf", "usbguard-rules-pullclone.conf");
    let r = audit_tree(&t);
    r.expect("ITS-01", "fail");
    assert_eq!(
        r.evidence_at("ITS-01", "/etc/usbguard/rules.conf")[0]["line"],
        8
    );
    t.corpus(
        "/etc/usbguard/rules.conf",
        "usbguard-rules-maxhbr-extracted.conf",
    );
    audit_tree(&t).expect("ITS-01", "fail");
    t.file("/etc/usbguard/rules.conf", "allow id 1d6b:0002 hash \"x\" with-interface 09:00:00\nallow with-interface one-of { 03:00:01 03:01:01 }\n");
    // USBGuard covers USB only: FireWire and Thunderbolt stay open until blocked.
    let r = audit_tree(&t);
    r.expect("ITS-01", "partial");
    r.reason_has("ITS-01", "firewire-sbp2, thunderbolt");
    t.file(
        "/etc/modprobe.d/other-storage.conf",
        "install firewire_sbp2 /bin/false\ninstall thunderbolt /bin/false\n",
    );
    audit_tree(&t).expect("ITS-01", "pass");
    t.mask("usbguard.service");
    audit_tree(&t).expect("ITS-01", "fail");
}

#[test]
fn its01_usb_blocked_but_firewire_and_thunderbolt_open_is_partial_naming_them() {
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb-storage.conf",
        "install usb-storage /bin/false\n",
    );
    let p = Profile::new(
        &[("T-001", &["/srv/share/design/**"])],
        "answers:\n  HDL-07:\n    status: pass\n",
    );
    let r = audit(Some(t.root()), &p, &[]);
    r.expect("ITS-01", "partial");
    // HDL-07 takes ITS-01's computed part.
    r.expect("HDL-07", "partial");
    let why = r.reason("ITS-01");
    assert!(
        why.contains("FireWire/Thunderbolt storage (firewire-sbp2, thunderbolt) is not blocked"),
        "{why}"
    );
    // One module blocked: only the other is named.
    t.file(
        "/etc/modprobe.d/firewire.conf",
        "blacklist firewire-sbp2\ninstall firewire-sbp2 /bin/false\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "partial");
    r.reason_has("ITS-01", "(thunderbolt) is not blocked");
    // An install line that still loads the module does not block it.
    t.file(
        "/etc/modprobe.d/thunderbolt.conf",
        "install thunderbolt /sbin/modprobe --ignore-install thunderbolt\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "partial");
    r.reason_has("ITS-01", "/etc/modprobe.d/thunderbolt.conf:1");
    // USB storage open as well: fail stays fail, the other buses are named too.
    let t = Tree::new();
    let r = audit_tree(&t);
    r.expect("ITS-01", "fail");
    r.reason_has(
        "ITS-01",
        "(firewire-sbp2, thunderbolt) is not blocked either",
    );
}

#[test]
fn its01_usb_firewire_and_thunderbolt_all_blocked_passes() {
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb-storage.conf",
        "blacklist usb-storage\ninstall usb-storage /bin/false\nblacklist firewire-sbp2\ninstall firewire-sbp2 /bin/false\nblacklist thunderbolt\ninstall thunderbolt /bin/false\n",
    );
    let p = Profile::new(
        &[("T-001", &["/srv/share/design/**"])],
        "answers:\n  HDL-07:\n    status: pass\n",
    );
    let r = audit(Some(t.root()), &p, &[]);
    r.expect("ITS-01", "pass");
    r.expect("HDL-07", "pass");
    // Each module's install line is in the evidence, under its own policy.
    let ev = r.evidence_at("ITS-01", "/etc/modprobe.d/usb-storage.conf");
    for (line, id) in [
        (2, "[LNX-USB-001]"),
        (4, "[LNX-USB-005]"),
        (6, "[LNX-USB-005]"),
    ] {
        assert!(
            ev.iter()
                .any(|e| e["line"] == line && e["detail"].as_str().unwrap().starts_with(id)),
            "{ev:?}"
        );
    }
    // `_` spelling and the kernel command line count the same way.
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb.conf",
        "install usb_storage /bin/true\n",
    )
    .file(
        "/etc/default/grub",
        "GRUB_CMDLINE_LINUX=\"modprobe.blacklist=firewire_sbp2 module_blacklist=thunderbolt\"\n",
    );
    audit_tree(&t).expect("ITS-01", "pass");
}

#[test]
fn its01_firewire_blacklist_only_is_partial_like_usb_storage() {
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb-storage.conf",
        "install usb-storage /bin/false\ninstall thunderbolt /bin/false\nblacklist firewire-sbp2\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "partial");
    let why = r.reason("ITS-01");
    assert!(why.contains("(firewire-sbp2) is not blocked"), "{why}");
    assert!(
        why.contains("`blacklist firewire-sbp2` at /etc/modprobe.d/usb-storage.conf:3 only stops automatic loading"),
        "{why}"
    );
    let ev = r.evidence_at("ITS-01", "/etc/modprobe.d/usb-storage.conf");
    assert!(
        ev.iter()
            .any(|e| e["line"] == 3 && e["detail"].as_str().unwrap().starts_with("[LNX-USB-007]")),
        "{ev:?}"
    );
    // The install line added next to it makes the item pass.
    t.file(
        "/etc/modprobe.d/firewire.conf",
        "install firewire-sbp2 /bin/false\n",
    );
    audit_tree(&t).expect("ITS-01", "pass");
}

// ------------------------------------------------------------------ ITS-03 firewall

#[test]
fn its03_disabled_ufw_fails_enabled_passes_masked_fails() {
    let t = Tree::new();
    t.corpus("/etc/ufw/ufw.conf", "ufw.conf")
        .corpus("/etc/default/ufw", "ufw.defaults-etc-default-ufw");
    let r = audit_tree(&t);
    r.expect("ITS-03", "fail");
    assert_eq!(
        r.evidence_at("ITS-03", "/etc/ufw/ufw.conf")[0]["excerpt"],
        "ENABLED=no"
    );
    t.file("/etc/ufw/ufw.conf", "ENABLED=yes\nLOGLEVEL=low\n");
    audit_tree(&t).expect("ITS-03", "pass");
    t.file("/etc/default/ufw", "DEFAULT_INPUT_POLICY=\"ACCEPT\"\n");
    audit_tree(&t).expect("ITS-03", "fail");
    t.file("/etc/default/ufw", "DEFAULT_INPUT_POLICY=\"REJECT\"\n")
        .mask("ufw.service");
    audit_tree(&t).expect("ITS-03", "fail");
}

#[test]
fn its03_nftables_base_chain_without_policy_accepts() {
    let t = Tree::new();
    t.corpus(
        "/etc/nftables.conf",
        "nftables-upstream-inet-filter-noPolicy.nft",
    )
    .enable("nftables.service");
    audit_tree(&t).expect("ITS-03", "fail");
    t.corpus("/etc/nftables.conf", "nftables-dfinity.conf")
        .file(
            "/mnt/nftables/defs.ruleset",
            "define ssh_saddr = { 2001:db8::1 }\ndefine gw_saddr_v4 = { 192.0.2.1 }\n",
        );
    let r = audit_tree(&t);
    r.expect("ITS-03", "pass");
    assert!(
        r.evidence_at("ITS-03", "/etc/nftables.conf")
            .iter()
            .any(|e| e["line"] == 46)
    );
    // Without its include (a copied /etc): the chains still decide, the missing
    // file is shown.
    std::fs::remove_file(t.root().join("mnt/nftables/defs.ruleset")).unwrap();
    let r = audit_tree(&t);
    r.expect("ITS-03", "pass");
    assert_eq!(
        r.evidence_at("ITS-03", "/etc/nftables.conf")
            .iter()
            .filter(|e| e["line"] == 10)
            .count(),
        1
    );
    // A drop policy but the service not enabled.
    let t = Tree::new();
    t.file("/etc/nftables.conf", "table inet filter {\n chain input { type filter hook input priority 0; policy drop; }\n}\n");
    audit_tree(&t).expect("ITS-03", "fail");
    t.enable("nftables.service");
    audit_tree(&t).expect("ITS-03", "pass");
}

#[test]
fn its03_iptables_firewalld_and_nothing() {
    let t = Tree::new();
    audit_tree(&t).expect("ITS-03", "fail");
    t.file("/etc/iptables/rules.v4", "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n");
    // rules.v4 alone leaves IPv6 open (this test used to expect pass here).
    let r = audit_tree(&t);
    r.expect("ITS-03", "fail");
    r.reason_has("ITS-03", "IPv6 inbound traffic is accepted");
    t.file(
        "/etc/iptables/rules.v6",
        "*filter\n:INPUT DROP [0:0]\nCOMMIT\n",
    );
    audit_tree(&t).expect("ITS-03", "pass");
    let t = Tree::new();
    t.corpus("/etc/firewalld/firewalld.conf", "firewalld.conf")
        .corpus(
            "/usr/lib/firewalld/zones/public.xml",
            "firewalld-zone-public.xml",
        )
        .corpus(
            "/usr/lib/firewalld/zones/trusted.xml",
            "firewalld-zone-trusted.xml",
        );
    audit_tree(&t).expect("ITS-03", "fail"); // not enabled
    t.enable("firewalld.service");
    audit_tree(&t).expect("ITS-03", "pass");
    t.file("/etc/firewalld/firewalld.conf", "DefaultZone=trusted\n");
    audit_tree(&t).expect("ITS-03", "fail");
}

#[test]
fn its03_inbound_must_be_denied_for_ipv4_and_ipv6_alike() {
    let nft = |body: &str| {
        let t = Tree::new();
        t.file("/etc/nftables.conf", body)
            .enable("nftables.service");
        audit_tree(&t)
    };
    let chain = |fam: &str, pol: &str| {
        format!(
            "table {fam} filter {{\n chain input {{\n  type filter hook input priority 0; policy {pol};\n }}\n}}\n"
        )
    };
    // ip accepts, ip6 drops: all IPv4 traffic is accepted.
    let r = nft(&(chain("ip", "accept") + &chain("ip6", "drop")));
    r.expect("ITS-03", "fail");
    r.reason_has("ITS-03", "IPv4 inbound traffic is accepted");
    // ip6 alone: IPv4 has no input chain at all, so it is open.
    nft(&chain("ip6", "drop")).expect("ITS-03", "fail");
    nft(&chain("ip", "drop")).expect("ITS-03", "fail");
    // ip and ip6 both dropping, or one inet chain, cover both families.
    nft(&(chain("ip", "drop") + &chain("ip6", "drop"))).expect("ITS-03", "pass");
    nft(&chain("inet", "drop")).expect("ITS-03", "pass");
    // A policy nft rejects is an error at its line, never a pass or a fail.
    let r = nft(&chain("inet", "dorp"));
    r.expect("ITS-03", "error");
    r.reason_has("ITS-03", "/etc/nftables.conf:3");
    // ufw with IPV6=no filters IPv4 only.
    let t = Tree::new();
    t.file("/etc/ufw/ufw.conf", "ENABLED=yes\n")
        .file(
            "/etc/default/ufw",
            "IPV6=no\nDEFAULT_INPUT_POLICY=\"DROP\"\n",
        )
        .enable("ufw.service");
    audit_tree(&t).expect("ITS-03", "fail");
    t.file(
        "/etc/default/ufw",
        "IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\n",
    );
    audit_tree(&t).expect("ITS-03", "pass");
}

// ------------------------------------------------------------------ ITS-04 audit

#[test]
fn its04_audit_watches_covering_some_assets_but_not_others() {
    let t = Tree::new();
    t.enable("auditd.service")
        .corpus("/etc/audit/rules.d/30-stig.rules", "audit-30-stig.rules")
        .file("/etc/audit/rules.d/50-tim.rules", "-w /srv/share/design -p rwa -k tim-design\n-a always,exit -F arch=b64 -F dir=/srv/share/cad -F perm=r -k tim-cad\n-w /srv/share/quality -p x -k exec-only\n");
    let p = Profile::new(
        &[
            ("T-001", &["/srv/share/design/**"]),
            ("T-002", &["/srv/share/cad/**/*.dwg"]),
            ("T-003", &["/srv/share/quality/**"]),
            ("T-004", &["/srv/share/sales/見積/**"]),
        ],
        "",
    );
    let r = audit(Some(t.root()), &p, &[]);
    r.expect("ITS-04", "fail");
    let uncovered: Vec<String> = r
        .evidence("ITS-04")
        .iter()
        .filter(|e| e["kind"] == "asset")
        .map(|e| e["asset"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(uncovered, vec!["T-003", "T-004"]);
    t.file(
        "/etc/audit/rules.d/60-more.rules",
        "-w /srv/share -p wa -k share\n",
    );
    audit(Some(t.root()), &p, &[]).expect("ITS-04", "pass");
    // Without auditd enabled the rules log nothing.
    std::fs::remove_file(
        t.root()
            .join("etc/systemd/system/multi-user.target.wants/auditd.service"),
    )
    .unwrap();
    audit(Some(t.root()), &p, &[]).expect("ITS-04", "fail");
}

#[test]
fn its04_path_on_a_directory_and_negated_dir_do_not_watch_the_files_in_it() {
    // `-F path=DIR` watches the directory inode only; `-F dir!=DIR` excludes.
    // Neither logs reads of the files inside; `path=` on a one-file asset does.
    let t = Tree::new();
    t.enable("auditd.service").file(
        "/etc/audit/rules.d/50-tim.rules",
        "-a always,exit -F arch=b64 -F path=/srv/share/design -F perm=r -k d\n-a always,exit -F dir!=/srv/share/quality -F perm=r -k q\n-a always,exit -F path=/srv/share/spec.pdf -F perm=r -k s\n",
    );
    let p = Profile::new(
        &[
            ("T-001", &["/srv/share/design/**"]),
            ("T-002", &["/srv/share/quality/**"]),
            ("T-003", &["/srv/share/spec.pdf"]),
        ],
        "",
    );
    let r = audit(Some(t.root()), &p, &[]);
    r.expect("ITS-04", "fail");
    let uncovered: Vec<String> = r
        .evidence("ITS-04")
        .iter()
        .filter(|e| e["kind"] == "asset")
        .map(|e| e["asset"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(uncovered, vec!["T-001", "T-002"]);
}

#[test]
fn its04_samba_full_audit_covers_assets_inside_the_share_and_fails_without_sources() {
    // A file server with a protected share and no auditd at all: nothing
    // records access, so the item fails with its fix (never not_applicable).
    let t = Tree::new();
    let r = audit_tree(&t);
    r.expect("ITS-04", "fail");
    r.reason_has("ITS-04", "nothing records access");
    assert!(r.evidence("ITS-04").iter().any(|e| e["asset"] == "T-001"));
    t.file(
        "/etc/samba/smb.conf",
        "[design]\n  path = /srv/share/design\n  vfs objects = full_audit recycle\n",
    );
    audit_tree(&t).expect("ITS-04", "pass");
    t.file(
        "/etc/samba/smb.conf",
        "[design]\n  path = /srv/share/design\n  vfs objects = recycle\n",
    );
    // Without full_audit and without auditd, nothing logs access.
    audit_tree(&t).expect("ITS-04", "fail");
    t.file(
        "/etc/audit/auditd.conf",
        "max_log_file_action = keep_logs\n",
    );
    audit_tree(&t).expect("ITS-04", "fail");
    t.file("/etc/audit/audit.rules", "this is not a rule\n");
    audit_tree(&t).expect("ITS-04", "error");
}

// ------------------------------------------------------------------ ITS-05 retention

#[test]
fn its05_volatile_journald_fails_even_when_main_file_says_persistent() {
    let t = Tree::new();
    t.file(
        "/etc/systemd/journald.conf",
        "[Journal]\nStorage=persistent\n",
    )
    .file(
        "/etc/systemd/journald.conf.d/90-ram.conf",
        "[Journal]\nStorage=volatile\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-05", "fail");
    let ev = r.evidence_at("ITS-05", "/etc/systemd/journald.conf.d/90-ram.conf");
    assert_eq!(ev[0]["line"], 2);
}

#[test]
fn its05_journald_time_spans() {
    let t = Tree::new();
    for (span, want) in [
        ("6month", "fail"),
        ("400d", "pass"),
        // Exactly the default 365-day threshold passes; a day less fails.
        ("365d", "pass"),
        ("364d", "fail"),
        ("1year", "pass"),
        ("52w", "fail"),
        ("0", "pass"),
        ("1fortnight", "error"),
    ] {
        t.file(
            "/etc/systemd/journald.conf",
            &format!("[Journal]\nStorage=persistent\nMaxRetentionSec={span}\n"),
        );
        let r = audit_tree(&t);
        assert_eq!(
            r.status("ITS-05"),
            want,
            "MaxRetentionSec={span}: {}",
            r.reason("ITS-05")
        );
    }
    // A longer threshold in the profile.
    t.file(
        "/etc/systemd/journald.conf",
        "[Journal]\nMaxRetentionSec=400d\n",
    );
    let p = Profile::new(&[], "thresholds:\n  log_retention_days: 730\n");
    audit(Some(t.root()), &p, &[]).expect("ITS-05", "fail");
}

#[test]
fn its05_short_logrotate_fails_with_computed_days() {
    let t = Tree::new();
    t.corpus("/etc/logrotate.conf", "logrotate.conf")
        .file("/etc/logrotate.d/rsyslog", "/var/log/syslog\n/var/log/auth.log\n{\n\trotate 4\n\tweekly\n\tmissingok\n\tpostrotate\n\t\t/usr/lib/rsyslog/rsyslog-rotate\n\tendscript\n}\n");
    let r = audit_tree(&t);
    r.expect("ITS-05", "fail");
    r.reason_has("ITS-05", "28 days");
    t.file(
        "/etc/logrotate.d/rsyslog",
        "/var/log/syslog\n/var/log/auth.log\n{\n\trotate 53\n\tweekly\n}\n",
    );
    audit_tree(&t).expect("ITS-05", "pass");
    // The corpus file's globals alone: daily × rotate 7 for a stanza without its own.
    t.file(
        "/etc/logrotate.d/rsyslog",
        "/var/log/messages {\n  missingok\n}\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-05", "fail");
    assert!(r.reason("ITS-05").contains("7 days"));
    // monthly × rotate 13 would be 390 days, but maxage 90 deletes older files:
    // the reason says what capped it.
    t.file(
        "/etc/logrotate.d/rsyslog",
        "/var/log/auth.log {\n  monthly\n  rotate 13\n  maxage 90\n}\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-05", "fail");
    r.reason_has("ITS-05", "90 days (monthly × rotate 13, maxage 90)");
}

#[test]
fn its05_auditd_rotation_needs_forwarding() {
    let t = Tree::new();
    t.corpus("/etc/audit/auditd.conf", "auditd.conf");
    audit_tree(&t).expect("ITS-05", "fail");
    t.file(
        "/etc/rsyslog.d/90-forward.conf",
        "*.* @@logs.example.jp:514\n",
    );
    audit_tree(&t).expect("ITS-05", "pass");
    let t = Tree::new();
    t.file(
        "/etc/audit/auditd.conf",
        "max_log_file_action = KEEP_LOGS\n",
    );
    audit_tree(&t).expect("ITS-05", "pass");
    // No log configuration at all keeps nothing: fail, not not_applicable.
    audit_tree(&Tree::new()).expect("ITS-05", "fail");
}

// ------------------------------------------------------------------ ITS-06 forwarding

#[test]
fn its06_commented_forwarding_fails_real_forwarding_passes_e2_is_partial() {
    let t = Tree::new();
    t.corpus("/etc/rsyslog.conf", "rsyslog.conf.redhat");
    audit_tree(&t).expect("ITS-06", "fail");
    t.corpus(
        "/etc/audit/rules.d/99-finalize.rules",
        "audit-99-finalize.rules",
    );
    audit_tree(&t).expect("ITS-06", "fail");
    t.corpus(
        "/etc/audit/rules.d/99-finalize.rules",
        "audit-konstruktoid-assembled.rules",
    );
    audit_tree(&t).expect("ITS-06", "partial");
    t.file(
        "/etc/rsyslog.d/50-forward.conf",
        "action(type=\"omfwd\" target=\"10.0.0.5\" port=\"514\" protocol=\"tcp\")\n",
    );
    audit_tree(&t).expect("ITS-06", "pass");
    // Nothing forwards or protects the logs every host writes: fail.
    audit_tree(&Tree::new()).expect("ITS-06", "fail");
    let t = Tree::new();
    t.enable("systemd-journal-upload.service");
    audit_tree(&t).expect("ITS-06", "pass");
}

// ------------------------------------------------------------------ ITS-07 / 08 / 09 / 10

#[test]
fn its06_rules_after_a_debian_style_include_config_line_are_read() {
    // `$IncludeConfig /etc/rsyslog.d/*.conf` contains `/*`, which is not a
    // comment there: a forwarding rule after it counts, and a file that the glob
    // does not include (`*.conf.disabled`) does not.
    let t = Tree::new();
    t.file(
        "/etc/rsyslog.conf",
        "$IncludeConfig /etc/rsyslog.d/*.conf\n*.*;auth,authpriv.none\t-/var/log/syslog\n*.* @@loghost.example.jp:514\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-06", "pass");
    assert_eq!(r.evidence_at("ITS-06", "/etc/rsyslog.conf")[0]["line"], 3);
    let t = Tree::new();
    t.file(
        "/etc/rsyslog.conf",
        "$IncludeConfig /etc/rsyslog.d/*.conf\n",
    )
    .file("/etc/rsyslog.d/50-fwd.conf.disabled", "*.* @@loghost:514\n");
    audit_tree(&t).expect("ITS-06", "fail");
    // Forwarding behind an expression or property filter is forwarding too; an
    // `@@` inside a quoted string is not.
    t.file(
        "/etc/rsyslog.d/60-auth.conf",
        "if $msg contains ' @@x' then /var/log/x\nif $programname == 'sshd' then @@10.0.0.5:514\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-06", "pass");
    let ev = r.evidence_at("ITS-06", "/etc/rsyslog.d/60-auth.conf");
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0]["line"], 2);
}

#[test]
fn its07_fail2ban_precedence_and_aide() {
    let t = Tree::new();
    audit_tree(&t).expect("ITS-07", "fail");
    t.file(
        "/etc/fail2ban/jail.conf",
        "[DEFAULT]\nenabled = false\n[sshd]\nport = ssh\n",
    )
    .file(
        "/etc/fail2ban/jail.d/defaults-debian.conf",
        "[sshd]\nenabled = true\n",
    );
    audit_tree(&t).expect("ITS-07", "pass");
    t.file("/etc/fail2ban/jail.local", "[sshd]\nenabled = false\n");
    let r = audit_tree(&t);
    r.expect("ITS-07", "fail");
    // The evidence names the line that disables the jail.
    let ev = r.evidence_at("ITS-07", "/etc/fail2ban/jail.local");
    assert!(ev.iter().any(|e| e["line"] == 2), "{ev:?}");
    assert_eq!(ev[0]["sha256"], t.sha256("/etc/fail2ban/jail.local"));
    // Enabled only in the distribution's jail.conf: does not count.
    std::fs::remove_file(t.root().join("etc/fail2ban/jail.local")).unwrap();
    std::fs::remove_file(t.root().join("etc/fail2ban/jail.d/defaults-debian.conf")).unwrap();
    t.file(
        "/etc/fail2ban/jail.conf",
        "[DEFAULT]\nenabled = false\n[sshd]\nport = ssh\nenabled = true\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-07", "fail");
    r.reason_has("ITS-07", "jail.conf");
    t.file(
        "/etc/aide/aide.conf",
        "database_in=file:/var/lib/aide/aide.db\n",
    );
    audit_tree(&t).expect("ITS-07", "fail");
    t.enable("dailyaidecheck.timer");
    audit_tree(&t).expect("ITS-07", "pass");
}

#[test]
fn its08_clamav_needs_freshclam_enabled() {
    let t = Tree::new();
    audit_tree(&t).expect("ITS-08", "fail");
    t.file(
        "/etc/clamav/freshclam.conf",
        "DatabaseMirror database.clamav.net\n",
    );
    audit_tree(&t).expect("ITS-08", "fail");
    t.enable("clamav-freshclam.service");
    audit_tree(&t).expect("ITS-08", "pass");
    t.file(
        "/etc/clamav/freshclam.conf",
        "Example\nDatabaseMirror database.clamav.net\n",
    );
    audit_tree(&t).expect("ITS-08", "fail");
}

#[test]
fn its09_unattended_upgrades_and_dnf_automatic() {
    let t = Tree::new();
    audit_tree(&t).expect("ITS-09", "fail");
    t.file(
        "/etc/apt/apt.conf.d/20auto-upgrades",
        "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
    );
    audit_tree(&t).expect("ITS-09", "pass");
    t.file(
        "/etc/apt/apt.conf.d/99local",
        "// turned off while testing\nAPT::Periodic::Unattended-Upgrade \"0\";\n",
    );
    audit_tree(&t).expect("ITS-09", "fail");
    t.file(
        "/etc/apt/apt.conf.d/99local.dpkg-old",
        "APT::Periodic::Unattended-Upgrade \"1\";\n",
    );
    audit_tree(&t).expect("ITS-09", "fail");
    let t = Tree::new();
    t.enable("dnf-automatic.timer").file(
        "/etc/dnf/automatic.conf",
        "[commands]\nupgrade_type = security\napply_updates = no\n",
    );
    audit_tree(&t).expect("ITS-09", "fail");
    t.file(
        "/etc/dnf/automatic.conf",
        "[commands]\napply_updates = yes\n",
    );
    audit_tree(&t).expect("ITS-09", "pass");
    let t = Tree::new();
    t.enable("dnf-automatic-install.timer");
    audit_tree(&t).expect("ITS-09", "pass");
}

#[test]
fn its09_an_apt_file_read_without_the_setting_is_cited_and_bundled() {
    let t = Tree::new();
    t.file(
        "/etc/apt/apt.conf.d/10periodic",
        "APT::Periodic::Update-Package-Lists \"1\";\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-09", "fail");
    let ev = r.evidence_at("ITS-09", "/etc/apt/apt.conf.d/10periodic");
    assert!(!ev.is_empty(), "the file that was read is cited");
    assert!(ev[0]["sha256"].is_string());
}

#[test]
fn its10_pwquality_and_pam_arguments() {
    let t = Tree::new();
    // No password configuration at all: no minimum length is enforced → fail.
    audit_tree(&t).expect("ITS-10", "fail");
    t.corpus("/etc/security/pwquality.conf", "pwquality.conf");
    audit_tree(&t).expect("ITS-10", "pass");
    t.file("/etc/pam.d/common-password", "password\trequisite\t\t\tpam_pwquality.so retry=3 minlen=6\npassword\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\n");
    let r = audit_tree(&t);
    r.expect("ITS-10", "fail");
    assert_eq!(
        r.evidence_at("ITS-10", "/etc/pam.d/common-password")[0]["line"],
        1
    );
    let p = Profile::new(&[], "thresholds:\n  min_password_length: 6\n");
    audit(Some(t.root()), &p, &[]).expect("ITS-10", "pass");
    t.corpus("/etc/login.defs", "login.defs.shadow-upstream");
    audit_tree(&t).expect("ITS-10", "fail");
}

// ------------------------------------------------------------------ ITS-11 / ACC-04 shares

#[test]
fn its11_nt1_fails_smb2_passes_unset_passes_bogus_errors() {
    let t = Tree::new();
    audit_tree(&t).expect("ITS-11", "not_applicable");
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n   workgroup = SEKKEI\n   Server Min Protocol = NT1\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-11", "fail");
    assert_eq!(r.evidence_at("ITS-11", "/etc/samba/smb.conf")[0]["line"], 3);
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n   min protocol = SMB2_10\n",
    );
    audit_tree(&t).expect("ITS-11", "pass");
    t.corpus("/etc/samba/smb.conf", "smb.conf.default");
    audit_tree(&t).expect("ITS-11", "pass");
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n   server min protocol = SMB9\n",
    );
    audit_tree(&t).expect("ITS-11", "error");
    t.file(
        "/etc/samba/smb.conf",
        "[global]\nthis line has no equals sign\n",
    );
    audit_tree(&t).expect("ITS-11", "error");
}

#[test]
fn acc04_the_pass_counts_the_shares_and_exports_over_assets() {
    let t = Tree::new();
    t.file(
        "/etc/samba/smb.conf",
        "[design]\n  path = /srv/share/design\n[public]\n  path = /srv/public\n  guest ok = yes\n",
    )
    .file(
        "/etc/exports",
        "/srv/share/design 10.0.0.0/24(ro)\n/srv/public *(ro)\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-04", "pass");
    assert_eq!(
        r.reason("ACC-04"),
        "none of the 2 shares and exports over protected locations allows guest or anonymous access"
    );
    // One of them.
    t.file("/etc/exports", "/srv/public *(ro)\n");
    let r = audit_tree(&t);
    r.expect("ACC-04", "pass");
    assert_eq!(
        r.reason("ACC-04"),
        "the share or export over a protected location does not allow guest or anonymous access"
    );
    // Only shares and exports elsewhere.
    t.file(
        "/etc/samba/smb.conf",
        "[public]\n  path = /srv/public\n  guest ok = yes\n",
    )
    .file("/etc/exports", "/srv/public *(ro)\n");
    let r = audit_tree(&t);
    r.expect("ACC-04", "pass");
    assert_eq!(
        r.reason("ACC-04"),
        "no share or export exposes a protected location"
    );
}

#[test]
fn acc04_guest_shares_over_protected_paths_fail() {
    let t = Tree::new();
    audit_tree(&t).expect("ACC-04", "not_applicable");
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n  map to guest = Bad User\n[public]\n  path = /srv/public\n  guest ok = yes\n[design]\n  path = /srv/share/design\n  valid users = @design\n",
    );
    audit_tree(&t).expect("ACC-04", "pass");
    // A guest share over a parent of the asset path, spelled with a synonym.
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n  map to guest = Bad User\n[Share]\n  path = /srv/share\n  Public = Yes\n[design]\n  path = /srv/share/design\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-04", "fail");
    let detail = |r: &Report, line: u64| -> String {
        r.evidence_at("ACC-04", "/etc/samba/smb.conf")
            .iter()
            .find(|e| e["line"] == line)
            .map(|e| e["detail"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    // Set in the share itself: not "inherited".
    assert!(
        detail(&r, 5).ends_with("] guest ok / public"),
        "{}",
        detail(&r, 5)
    );
    // [global] guest ok applies to every share that does not say otherwise.
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n  guestok = yes\n[design]\n  path = /srv/share/design\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-04", "fail");
    assert!(
        detail(&r, 2).ends_with("] guest ok / public (inherited from [global])"),
        "{}",
        detail(&r, 2)
    );
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n  guest ok = yes\n[design]\n  path = /srv/share/design\n  guest ok = no\n",
    );
    audit_tree(&t).expect("ACC-04", "pass");
    // guest only, via an include, on a share inside the asset path.
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n  include = /etc/samba/shares.conf\n",
    )
    .file(
        "/etc/samba/shares.conf",
        "[drop]\n  path = /srv/share/design/incoming\n  only guest = yes\n",
    );
    audit_tree(&t).expect("ACC-04", "fail");
    // `copy =` brings in a template's guest ok.
    t.file(
        "/etc/samba/smb.conf",
        "[guest-template]\n  guest ok = yes\n  browseable = no\n[design]\n  copy = guest-template\n  path = /srv/share/design\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-04", "fail");
    assert!(
        r.evidence_at("ACC-04", "/etc/samba/smb.conf")
            .iter()
            .any(|e| e["line"] == 2)
    );
    // A per-client include cannot be followed: it is shown, not silently dropped.
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n  include = /etc/samba/smb.conf.%m\n[design]\n  path = /srv/share/design\n",
    );
    let r = audit_tree(&t);
    r.expect("ACC-04", "pass");
    r.expect("ITS-11", "pass");
    for item in ["ACC-04", "ITS-11"] {
        assert!(
            r.evidence_at(item, "/etc/samba/smb.conf")
                .iter()
                .any(|e| e["line"] == 2 && e["detail"].as_str().unwrap().contains("not followed")),
            "{item}: {:?}",
            r.evidence(item)
        );
    }
    // The samba3 test data: [tmp] is a world-writable guest share.
    let t = Tree::new();
    t.corpus("/etc/samba/smb.conf", "smb-samba3-testdata.conf");
    let p = Profile::new(&[("T-009", &["/tmp/cad/**"])], "");
    audit(Some(t.root()), &p, &[]).expect("ACC-04", "fail");
}

#[test]
fn acc04_nfs_world_exports_and_no_root_squash() {
    let t = Tree::new();
    t.file(
        "/etc/exports",
        "/srv/share 192.168.10.0/24(rw,sync,root_squash)\n",
    );
    audit_tree(&t).expect("ACC-04", "pass");
    t.file("/etc/exports", "/srv/share *(rw,sync,no_root_squash)\n");
    let r = audit_tree(&t);
    r.expect("ACC-04", "fail");
    assert_eq!(r.evidence_at("ACC-04", "/etc/exports")[0]["line"], 1);
    // The space before the options exports to the world.
    t.file("/etc/exports", "/srv/share/design 192.168.10.5 (rw)\n");
    audit_tree(&t).expect("ACC-04", "fail");
    t.file("/etc/exports", "").file(
        "/etc/exports.d/design.exports",
        "/srv/share/design/\\\n  cad01(rw,no_root_squash)\n",
    );
    audit_tree(&t).expect("ACC-04", "fail");
    t.file("/etc/exports.d/design.exports", "/srv/other *(ro)\n");
    audit_tree(&t).expect("ACC-04", "pass");
    let t = Tree::new();
    t.corpus("/etc/exports", "exports-nfsutils-manpage-sample");
    let p = Profile::new(&[("T-010", &["/pub/drawings/**"])], "");
    audit(Some(t.root()), &p, &[]).expect("ACC-04", "fail");
    let p = Profile::new(&[("T-011", &["/home/joe/**"])], "");
    audit(Some(t.root()), &p, &[]).expect("ACC-04", "fail"); // "/" is exported with no_root_squash
}

/// `/etc/exports` read the way exportfs reads it (nfs-utils xio.c): what the
/// server serves is what ACC-04 judges.
#[test]
fn acc04_nfs_exports_are_read_as_exportfs_reads_them() {
    let t = Tree::new();
    let verdict = |exports: &str| {
        t.file("/etc/exports", exports);
        let r = audit_tree(&t);
        let s = r.item("ACC-04")["status"].as_str().unwrap().to_string();
        (s, r)
    };
    // A continuation is a blank: /srv/share/ is exported to the host `design`,
    // not /srv/share/design to everyone.
    let (s, r) = verdict("/srv/share/\\\ndesign\n");
    assert_eq!(s, "pass");
    let ev = r.evidence_at("ACC-04", "/etc/exports");
    assert_eq!(ev[0]["excerpt"], "/srv/share/ design", "{ev:?}");
    // ... and `*` on the next line is a client of /srv/share, not part of its name.
    assert_eq!(verdict("/srv/share\\\n    *(ro)\n").0, "fail");
    // A comment ends at its newline even after a backslash.
    assert_eq!(
        verdict("# /srv/old 10.0.0.0/8(rw) \\\n/srv/share/design *(rw)\n").0,
        "fail"
    );
    // `#` inside a client is no comment: the world-wide *(ro) after it counts.
    let (s, r) = verdict("/srv/share/design cad#1(rw) *(ro)\n");
    assert_eq!(s, "fail");
    assert!(
        r.evidence_at("ACC-04", "/etc/exports")
            .iter()
            .any(|e| e["detail"]
                .as_str()
                .unwrap()
                .contains("*(ro): exported to everyone")),
        "{:?}",
        r.evidence("ACC-04")
    );
    // Quotes anywhere and octal escapes: /srv/share/design to `*`.
    assert_eq!(verdict("/srv/\"share\"/design \"*\"(ro)\n").0, "fail");
    assert_eq!(verdict("/srv/share/design \\052(ro)\n").0, "fail");
    assert_eq!(verdict("/srv/share/design cad\\04001(ro)\n").0, "pass");
    // A `-` default-options token with no client after it exports to everyone.
    assert_eq!(verdict("/srv/share/design -ro,sync cad01\n").0, "pass");
    let (s, r) = verdict("/srv/share/design cad01(rw) -ro\n");
    assert_eq!(s, "fail");
    assert!(
        r.evidence("ACC-04")
            .iter()
            .any(|e| e["detail"].as_str().unwrap().contains("(everyone)(ro)")),
        "{:?}",
        r.evidence("ACC-04")
    );
    // Networks, netgroups and wildcards are clients; a zero mask or an
    // all-`*` wildcard admits everyone.
    assert_eq!(
        verdict("/srv/share/design 192.168.10.0/24(rw) fd00::/64(rw) @design(rw) *.koujou.example(ro) cad[0-9](rw)\n").0,
        "pass"
    );
    assert_eq!(verdict("/srv/share/design 10.0.0.0/0(ro)\n").0, "fail");
    assert_eq!(verdict("/srv/share/design **(ro)\n").0, "fail");
    // An empty CRLF line ends exportfs's reading of the file: error, not pass.
    let (s, r) = verdict("/srv/share/design cad01(rw)\r\n\r\n/srv/share/design *(rw)\r\n");
    assert_eq!(s, "error");
    assert_eq!(r.evidence_at("ACC-04", "/etc/exports")[0]["line"], 2);
}

// ------------------------------------------------------------------ a company not seen before

#[test]
fn a_small_manufacturer_file_server() {
    let t = Tree::new();
    t.file(
        "/etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication yes\n",
    )
    .file("/etc/ssh/sshd_config.d/99-vendor.conf", "PermitRootLogin yes\n")
    .file("/etc/modprobe.d/blacklist.conf", "blacklist usb_storage\nblacklist firewire-core\n")
    .file("/etc/systemd/journald.conf", "[Journal]\nStorage=volatile\n")
    .corpus("/etc/logrotate.conf", "logrotate.conf")
    .file("/etc/logrotate.d/rsyslog", "/var/log/syslog\n{\n\trotate 4\n\tweekly\n}\n")
    .corpus("/etc/ufw/ufw.conf", "ufw.conf")
    .corpus("/etc/default/ufw", "ufw.defaults-etc-default-ufw")
    .file(
        "/etc/samba/smb.conf",
        "[global]\n   workgroup = KOUJOU\n   server min protocol = NT1\n   map to guest = bad user\n\n[設計]\n   path = /srv/share/design\n   guest ok = yes\n   read only = no\n",
    )
    .file("/etc/exports", "/srv/share *(rw,no_root_squash)\n")
    .enable("auditd.service")
    .file("/etc/audit/rules.d/tim.rules", "-w /srv/share/design -p rwa -k design\n");
    let p = Profile::new(
        &[
            ("T-001", &["/srv/share/design/**"]),
            ("T-002", &["/srv/share/mold/**"]),
        ],
        "answers:\n  HDL-07:\n    status: pass\n",
    );
    let r = audit(Some(t.root()), &p, &[]);
    r.expect("ITS-01", "partial");
    r.expect("HDL-07", "partial");
    r.expect("ITS-02", "fail");
    r.expect("ITS-03", "fail");
    r.expect("ITS-04", "fail");
    r.expect("ITS-05", "fail");
    r.expect("ITS-06", "fail");
    r.expect("ITS-07", "fail");
    r.expect("ITS-08", "fail");
    r.expect("ITS-09", "fail");
    r.expect("ITS-10", "fail");
    r.expect("ITS-11", "fail");
    r.expect("ACC-04", "fail");
    assert_eq!(r.json["hosts"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["hosts"][0]["kind"], "linux");
    // Every config evidence names a host path (never the temp root) with its hash.
    for it in r.json["items"].as_array().unwrap() {
        for e in it["evidence"].as_array().unwrap() {
            if let Some(p) = e["path"].as_str() {
                assert!(!p.contains(t.root().to_str().unwrap()), "{p}");
            }
            if e["kind"] == "config" && e["line"].is_number() {
                assert_eq!(e["sha256"].as_str().unwrap().len(), 64, "{e}");
            }
        }
    }
}

#[test]
fn japanese_reports_read_naturally() {
    let t = Tree::new();
    t.file("/etc/modprobe.d/usb.conf", "blacklist usb-storage\n");
    let p = Profile::new(&[], "");
    let out = assert_cmd::Command::cargo_bin("timaudit")
        .unwrap()
        .args([
            "audit",
            "--format",
            "json",
            "--lang",
            "ja",
            "--date",
            "2026-06-01",
            "--root",
        ])
        .arg(t.root())
        .arg("--profile")
        .arg(p.path())
        .output()
        .unwrap();
    let r = Report {
        json: serde_json::from_slice(&out.stdout).unwrap(),
    };
    r.reason_has("ITS-01", "自動読み込み");
    let ev = r.evidence_at("ITS-01", "/etc/modprobe.d/usb.conf");
    assert!(
        ev[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("[LNX-USB-004]")
    );
}

#[test]
fn explain_shows_a_policy_by_id() {
    let out = assert_cmd::Command::cargo_bin("timaudit")
        .unwrap()
        .args(["--lang", "en", "explain", "LNX-SSH-001"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("LNX-SSH-001") && s.contains("ITS-02") && s.contains("PermitRootLogin"),
        "{s}"
    );
    assert!(s.contains("policies/ssh.yaml"));
    let out = assert_cmd::Command::cargo_bin("timaudit")
        .unwrap()
        .args(["--lang", "ja", "explain", "win-usb-001"])
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("USBSTOR") && s.contains("判定基準"), "{s}");
}

#[test]
fn an_unreadable_file_that_could_override_blocks_the_pass() {
    // modprobe uses the first install line: an unreadable earlier file may hold one.
    let t = Tree::new();
    t.file(
        "/etc/modprobe.d/usb.conf",
        "install usb-storage /bin/false\n",
    )
    .link(
        "/etc/modprobe.d/00-vendor.conf",
        "/etc/modprobe.d/00-vendor.conf",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "error");
    r.reason_has("ITS-01", "/etc/modprobe.d/00-vendor.conf");
    // The reason names the unreadable file once, beside the line it puts in doubt.
    assert_eq!(
        r.reason("ITS-01").matches("cannot read").count(),
        1,
        "{}",
        r.reason("ITS-01")
    );
    assert!(r.reason("ITS-01").contains("/etc/modprobe.d/usb.conf:1"));
    // A separate mechanism that passes still passes; the unreadable file stays in the evidence.
    t.file(
        "/etc/default/grub",
        "GRUB_CMDLINE_LINUX=\"modprobe.blacklist=usb_storage,firewire_sbp2,thunderbolt\"\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "pass");
    assert!(
        !r.evidence_at("ITS-01", "/etc/modprobe.d/00-vendor.conf")
            .is_empty()
    );
    // With usb_storage alone on the kernel command line, the unreadable file may
    // hold the FireWire/Thunderbolt install lines: error, the file named once, not per module.
    t.file(
        "/etc/default/grub",
        "GRUB_CMDLINE_LINUX=\"modprobe.blacklist=usb_storage\"\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "error");
    assert_eq!(
        r.reason("ITS-01").matches("cannot read").count(),
        1,
        "{}",
        r.reason("ITS-01")
    );
}

#[test]
fn its10_module_without_minlen_fails_even_with_its_default() {
    let t = Tree::new();
    t.file(
        "/etc/pam.d/common-password",
        "password requisite pam_pwquality.so retry=3\n",
    )
    .file("/etc/security/pwquality.conf", "# minlen = 8\n");
    let r = audit_tree(&t);
    r.expect("ITS-10", "fail");
    r.reason_has("ITS-10", "minlen");
    t.file("/etc/security/pwquality.conf", "minlen = 10\n");
    audit_tree(&t).expect("ITS-10", "pass");
}

// ------------------------------------------------------- bundle of host evidence

#[test]
fn bundle_does_not_warn_about_unit_links_it_cannot_copy() {
    // Enablement is cited by its link (or by the *.wants/ place where none is):
    // the bundle copies the configuration files, and says nothing about links.
    let t = Tree::new();
    t.file("/etc/ufw/ufw.conf", "ENABLED=no\n")
        .file("/etc/clamav/freshclam.conf", "DatabaseMirror x\n")
        .file("/etc/audit/rules.d/a.rules", "-w /srv/share/design -p wa\n")
        .file("/etc/suricata/suricata.yaml", "%YAML 1.1\n---\nvars: {}\n")
        .enable("firewalld.service")
        .mask("firewalld.service")
        .enable("auditd.service")
        .enable("clamav-freshclam.service")
        .mask("clamav-freshclam.service");
    let p = Profile::new(&[("T-001", &["/srv/share/design/**"])], "");
    let out = tempfile::tempdir().unwrap();
    let bundle = out.path().join("b");
    let o = assert_cmd::Command::cargo_bin("timaudit")
        .unwrap()
        .args(["audit", "--lang", "en", "--date", "2026-06-01", "--profile"])
        .arg(p.path())
        .arg("--root")
        .arg(t.root())
        .arg("--out")
        .arg(&bundle)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("could not copy"), "{err}");
    // The configuration files themselves are in the bundle.
    assert!(bundle.join("evidence/etc/ufw/ufw.conf").is_file());
    assert!(bundle.join("evidence/etc/suricata/suricata.yaml").is_file());
}

#[test]
fn its05_auditd_size_rotation_without_forwarding_fails_and_says_what_each_line_means() {
    let t = Tree::new();
    t.file(
        "/etc/audit/auditd.conf",
        "log_file = /var/log/audit/audit.log\nnum_logs = 5\nmax_log_file = 8\nmax_log_file_action = ROTATE\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-05", "fail");
    let ev = r.evidence_at("ITS-05", "/etc/audit/auditd.conf");
    let detail = |line: i64| {
        ev.iter()
            .find(|e| e["line"] == line)
            .map(|e| e["detail"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(detail(2).contains("keeps 5 log files"), "{ev:?}");
    assert!(detail(3).contains("8 MB per file"), "{ev:?}");
    // With forwarding (ITS-06), size rotation is accepted.
    t.file("/etc/rsyslog.conf", "*.* @@loghost:514\n");
    audit_tree(&t).expect("ITS-05", "pass");
}

#[test]
fn its01_module_blacklist_on_the_kernel_command_line_blocks_usb_storage() {
    let t = Tree::new();
    t.file(
        "/etc/default/grub",
        "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet module_blacklist=nouveau,usb_storage,firewire-sbp2,thunderbolt\"\n",
    );
    let r = audit_tree(&t);
    r.expect("ITS-01", "pass");
    assert_eq!(r.evidence_at("ITS-01", "/etc/default/grub")[0]["line"], 1);
    // A look-alike parameter does not count.
    t.file(
        "/etc/default/grub",
        "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet my_module_blacklist=usb_storage\"\n",
    );
    audit_tree(&t).expect("ITS-01", "fail");
}

#[test]
fn acc04_a_share_or_export_reaching_an_asset_through_a_link_counts() {
    // smbd and exportfs follow the link in the share's path: a guest share of
    // /export/design (a link to /srv/share/design) exposes the asset.
    let t = Tree::new();
    t.dir("/srv/share/design")
        .file("/srv/share/design/a.dwg", "x")
        .link("/export/design", "/srv/share/design")
        .link("/export/all", "../srv")
        .file(
            "/etc/samba/smb.conf",
            "[global]\n[cad]\npath = /export/design\nguest ok = yes\n",
        );
    let r = audit_tree(&t);
    r.expect("ACC-04", "fail");
    r.reason_has("ACC-04", "[cad]");
    t.file("/etc/samba/smb.conf", "[global]\n")
        .file("/etc/exports", "/export/all *(ro)\n");
    let r = audit_tree(&t);
    r.expect("ACC-04", "fail");
    // A link elsewhere is still unrelated.
    t.link("/export/other", "/srv/other")
        .dir("/srv/other")
        .file("/etc/exports", "/export/other *(ro)\n");
    audit_tree(&t).expect("ACC-04", "pass");
}

#[test]
fn its04_full_audit_on_a_share_whose_path_is_a_link_to_the_asset_covers_it() {
    let t = Tree::new();
    t.dir("/srv/share/design")
        .file("/srv/share/design/a.dwg", "x")
        .link("/export/design", "/srv/share/design")
        .file(
            "/etc/samba/smb.conf",
            "[global]\n[cad]\npath = /export/design\nvfs objects = full_audit\n",
        );
    audit_tree(&t).expect("ITS-04", "pass");
    t.file(
        "/etc/samba/smb.conf",
        "[global]\n[cad]\npath = /export/other\nvfs objects = full_audit\n",
    )
    .dir("/srv/other")
    .link("/export/other", "/srv/other");
    audit_tree(&t).expect("ITS-04", "fail");
}
