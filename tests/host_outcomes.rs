//! Every Linux host item walked through its cases, as docs/host-settings.md's
//! table states them: configuration absent (a missing control fails, with the
//! exceptions where the feature truly cannot apply), broken the way its program
//! would reject it (error citing FILE:LINE), and not applicable.

mod host_support;
use host_support::inproc::{enable, evaluate_item, write};
use timaudit::model::Status;

const DESIGN: &[&str] = &["/srv/share/design/**"];

struct Case {
    item: &'static str,
    what: &'static str,
    files: &'static [(&'static str, &'static str)],
    units: &'static [&'static str],
    assets: &'static [&'static str],
    want: Status,
    /// Text the reason must contain (a FILE:LINE for broken files).
    says: &'static str,
}

const CASES: &[Case] = &[
    // ---- absent: the control is missing → fail (never not_applicable)
    Case {
        item: "ITS-01",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "",
    },
    Case {
        item: "ITS-03",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "",
    },
    Case {
        item: "ITS-04",
        what: "absent (protected share, no auditd)",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "nothing records access",
    },
    Case {
        item: "ITS-05",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "nothing keeps logs",
    },
    Case {
        item: "ITS-06",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "neither forwarded",
    },
    Case {
        item: "ITS-07",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "",
    },
    Case {
        item: "ITS-08",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "",
    },
    Case {
        item: "ITS-09",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "",
    },
    Case {
        item: "ITS-10",
        what: "absent",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::Fail,
        says: "no minimum password length",
    },
    // ---- not applicable: the feature cannot apply here
    Case {
        item: "ITS-02",
        what: "no SSH server",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::NotApplicable,
        says: "no SSH server",
    },
    Case {
        item: "ITS-11",
        what: "no Samba",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::NotApplicable,
        says: "smb.conf",
    },
    Case {
        item: "ACC-04",
        what: "no shares",
        files: &[],
        units: &[],
        assets: DESIGN,
        want: Status::NotApplicable,
        says: "",
    },
    Case {
        item: "ITS-04",
        what: "no asset on the host",
        files: &[],
        units: &[],
        assets: &[],
        want: Status::NotApplicable,
        says: "no asset",
    },
    // ---- broken: the program would reject the file → error at FILE:LINE
    Case {
        item: "ITS-02",
        what: "unknown keyword",
        files: &[("/etc/ssh/sshd_config", "Port 22\nPermitRootLogn no\n")],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/ssh/sshd_config:2",
    },
    Case {
        item: "ITS-02",
        what: "bad quotes",
        files: &[("/etc/ssh/sshd_config", "AllowUsers \"alice\n")],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/ssh/sshd_config:1",
    },
    Case {
        item: "ITS-03",
        what: "nft policy dorp",
        files: &[(
            "/etc/nftables.conf",
            "table inet filter {\n chain input {\n  type filter hook input priority 0; policy dorp;\n }\n}\n",
        )],
        units: &["nftables.service"],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/nftables.conf:3",
    },
    Case {
        item: "ITS-03",
        what: "iptables without COMMIT",
        files: &[("/etc/iptables/rules.v4", "*filter\n:INPUT DROP [0:0]\n")],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/iptables/rules.v4:1",
    },
    Case {
        item: "ITS-04",
        what: "audit -p rwz",
        files: &[(
            "/etc/audit/rules.d/t.rules",
            "-w /srv/share/design -p rwz -k d\n",
        )],
        units: &["auditd.service"],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/audit/rules.d/t.rules:1",
    },
    Case {
        item: "ITS-04",
        what: "audit key of 32 characters",
        files: &[(
            "/etc/audit/rules.d/t.rules",
            "-w /srv/share/design -p rwa -k abcdefghijabcdefghijabcdefghijab\n",
        )],
        units: &["auditd.service"],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/audit/rules.d/t.rules:1",
    },
    Case {
        item: "ITS-05",
        what: "max_log_file_action = ROTAT",
        files: &[(
            "/etc/audit/auditd.conf",
            "num_logs = 5\nmax_log_file_action = ROTAT\n",
        )],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/audit/auditd.conf:2",
    },
    Case {
        item: "ITS-05",
        what: "num_logs = five",
        files: &[(
            "/etc/audit/auditd.conf",
            "num_logs = five\nmax_log_file_action = keep_logs\n",
        )],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/audit/auditd.conf:1",
    },
    Case {
        item: "ITS-05",
        what: "logrotate garbage",
        files: &[("/etc/logrotate.conf", "weekly\nrotate 60\nq8#kd zz\n")],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "/etc/logrotate.conf:3",
    },
    Case {
        item: "ITS-09",
        what: "apt line without ;",
        files: &[(
            "/etc/apt/apt.conf.d/20auto-upgrades",
            "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\"\n",
        )],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "20auto-upgrades:2",
    },
    Case {
        item: "ITS-10",
        what: "pwquality unknown setting",
        files: &[("/etc/security/pwquality.conf", "minln = 12\nminlen = 12\n")],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "pwquality.conf:1",
    },
    Case {
        item: "ITS-11",
        what: "smb.conf garbage",
        files: &[(
            "/etc/samba/smb.conf",
            "[global]\nserver min protocol = SMB2\nthis is not samba\n",
        )],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "smb.conf:3",
    },
    Case {
        item: "ITS-11",
        what: "unknown protocol",
        files: &[(
            "/etc/samba/smb.conf",
            "[global]\nserver min protocol = SMB9\n",
        )],
        units: &[],
        assets: DESIGN,
        want: Status::Error,
        says: "SMB9",
    },
];

#[test]
fn every_host_item_is_absent_broken_or_not_applicable_as_documented() {
    let mut wrong = Vec::new();
    for c in CASES {
        let d = tempfile::tempdir().unwrap();
        for (p, text) in c.files {
            write(d.path(), p, text);
        }
        for u in c.units {
            enable(d.path(), u);
        }
        let (st, reason, _) = evaluate_item(d.path(), c.assets, c.item);
        if st != c.want || !reason.contains(c.says) {
            wrong.push(format!(
                "{} {}: {st:?} (want {:?} saying {:?}): {reason}",
                c.item, c.what, c.want, c.says
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn defaults_are_named_in_the_reason() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "/etc/ssh/sshd_config", "Port 22\n");
    let (st, reason, _) = evaluate_item(d.path(), DESIGN, "ITS-02");
    assert_eq!(st, Status::Pass, "{reason}");
    assert!(
        reason.contains("PermitRootLogin unset: OpenSSH's default prohibit-password applies"),
        "{reason}"
    );
}

#[test]
fn lines_the_program_skips_are_warnings_in_the_report() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "/etc/systemd/journald.conf",
        "[Journal]\nStorage=persistent\nMaxRetentonSec=1month\n",
    );
    write(
        d.path(),
        "/etc/ssh/sshd_config",
        "Protocol 2\nPermitRootLogin no\n",
    );
    let (_, _, warnings) = evaluate_item(d.path(), DESIGN, "ITS-05");
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("/etc/systemd/journald.conf:3:") && w.contains("MaxRetentonSec")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("/etc/ssh/sshd_config:1:")),
        "{warnings:?}"
    );
}
