//! Garbage in every configuration file and evidence file the host collectors read:
//! the run must finish (exit 0 or 1) with a report and never panic; every item
//! that does not pass says why.

mod host_support;
use host_support::*;

const LINUX_FILES: &[&str] = &[
    "/etc/modprobe.d/x.conf",
    "/etc/default/grub",
    "/etc/usbguard/usbguard-daemon.conf",
    "/etc/usbguard/rules.conf",
    "/etc/ssh/sshd_config",
    "/etc/nftables.conf",
    "/etc/iptables/rules.v4",
    "/etc/ufw/ufw.conf",
    "/etc/default/ufw",
    "/etc/firewalld/firewalld.conf",
    "/etc/firewalld/zones/public.xml",
    "/etc/audit/audit.rules",
    "/etc/audit/rules.d/x.rules",
    "/etc/audit/auditd.conf",
    "/etc/audit/plugins.d/au-remote.conf",
    "/etc/systemd/journald.conf",
    "/etc/logrotate.conf",
    "/etc/rsyslog.conf",
    "/etc/fail2ban/jail.local",
    "/etc/suricata/suricata.yaml",
    "/etc/aide/aide.conf",
    "/etc/crontab",
    "/etc/clamav/freshclam.conf",
    "/etc/apt/apt.conf.d/20auto-upgrades",
    "/etc/dnf/automatic.conf",
    "/etc/security/pwquality.conf",
    "/etc/pam.d/common-password",
    "/etc/login.defs",
    "/etc/samba/smb.conf",
    "/etc/exports",
];

const WINDOWS_FILES: &[&str] = &[
    "host.json",
    "registry/usbstor.reg",
    "auditpol.csv",
    "secedit.inf",
    "firewall.txt",
    "acl/x.txt",
    "smb-shares.csv",
    "smb-share-access.csv",
    "defender.json",
    "eventlog-security.txt",
];

/// A small deterministic generator of nasty text: brackets, quotes, braces,
/// continuations, multi-byte characters, control bytes, invalid UTF-8.
fn garbage(seed: u64, len: usize) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"[",
        b"]",
        b"{",
        b"}",
        b"(",
        b")",
        b"\"",
        b"'",
        b"\\",
        b"\n",
        b"\r\n",
        b"=",
        b":",
        b"#",
        b";",
        b" ",
        b"\t",
        b"*",
        b"%",
        b"$",
        b"@@",
        b"-",
        b"/",
        b"include ",
        b"Include ",
        b"Match ",
        b"allow ",
        b"with-interface all-of ",
        b"chain input ",
        b"hook input ",
        b"policy ",
        b"-w ",
        b"-a always,exit -F dir=",
        b"rotate ",
        b"weekly",
        b"path = ",
        "設計".as_bytes(),
        "ｶﾅ".as_bytes(),
        b"\xff\xfe",
        b"\x82\xa0",
        b"\x00",
        b"\xc3",
        b"Windows Registry Editor Version 5.00\r\n",
        b"dword:",
        b"hex(2):",
        b"0",
        b"4",
        b"yes",
        b"no",
        b"{0CCE921D-69AE-11D9-BED3-505054503030}",
        b",",
        b"Everyone:(",
    ];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = Vec::new();
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(PIECES[(x % PIECES.len() as u64) as usize]);
    }
    out
}

#[test]
fn garbage_never_crashes_the_run() {
    for seed in 1..=12u64 {
        let t = Tree::new();
        for (i, f) in LINUX_FILES.iter().enumerate() {
            t.bytes(f, &garbage(seed * 100 + i as u64, 400));
        }
        let ev = tempfile::tempdir().unwrap();
        for (i, f) in WINDOWS_FILES.iter().enumerate() {
            let p = ev.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, garbage(seed * 1000 + i as u64, 400)).unwrap();
        }
        let p = Profile::new(
            &[
                ("T-001", &["/srv/share/design/**"]),
                ("W-001", &["D:\\Share\\**"]),
            ],
            "",
        );
        let r = audit(
            Some(t.root()),
            &p,
            &["--evidence", ev.path().to_str().unwrap()],
        );
        for it in r.json["items"].as_array().unwrap() {
            let id = it["id"].as_str().unwrap();
            if id.starts_with("ITS") || id == "ACC-04" || id == "ACC-03" {
                assert!(
                    it["status"] == "pass" || !it["reason"].as_str().unwrap().trim().is_empty(),
                    "{id} has no reason"
                );
            }
        }
    }
}

#[test]
fn binary_configuration_files_are_errors_not_defaults() {
    // Random bytes in sshd_config or usbguard-daemon.conf set no keyword the
    // parser knows, so they used to read as "everything at its default" and
    // pass. A configuration file with NUL bytes is not text: error.
    let bin: Vec<u8> = (0..2048u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert!(bin.contains(&0));
    let t = Tree::new();
    t.bytes("/etc/ssh/sshd_config", &bin)
        .bytes("/etc/usbguard/usbguard-daemon.conf", &bin);
    let r = audit_tree(&t);
    r.expect("ITS-02", "error");
    r.expect("ITS-01", "error");
    r.reason_has("ITS-02", "NUL");
    // A drop-in that is binary blocks the pass too.
    let t = Tree::new();
    t.file(
        "/etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n",
    )
    .bytes("/etc/ssh/sshd_config.d/50-cloud-init.conf", &bin);
    audit_tree(&t).expect("ITS-02", "error");
}
