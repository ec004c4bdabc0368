//! Every Windows evidence file walked through its failure cases, run through the
//! real binary on a copy of the passing `en-fs01` folder: the file absent (the
//! outcome docs/windows-evidence.md states), unreadable (a folder or a symbolic
//! link where the file should be, or mode 000 for an unprivileged run) and
//! broken (content its program never writes). An unreadable or broken file is
//! an `error` of the item that reads it, naming the file — never a silent pass.

mod host_support;
use host_support::*;
use std::path::{Path, PathBuf};

/// A writable copy of `en-fs01`, plus a `firewall.json` and a domain password
/// policy so that every evidence file the program reads is present.
fn fs01() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let dst = d.path().join("FS01");
    copy_dir(Path::new("tests/fixtures/windows/en-fs01"), &dst);
    (d, dst)
}

fn profile() -> Profile {
    Profile::new(&[("W-001", &["D:\\Share\\Design\\**"])], "")
}

fn run(dir: &Path) -> Report {
    audit(None, &profile(), &["--evidence", dir.to_str().unwrap()])
}

/// Windows items the fixture passes, and must keep passing when a file other
/// than theirs breaks.
const ITEMS: &[&str] = &[
    "ITS-01", "ITS-03", "ITS-04", "ITS-05", "ITS-08", "ITS-10", "ITS-11", "ACC-03", "ACC-04",
];

#[derive(Clone, Copy, Debug)]
enum How {
    /// The file is not there.
    Absent,
    /// A folder stands where the file should be (reading it fails).
    Folder,
    /// A symbolic link stands where the file should be (never followed).
    Link,
    /// Content its program never writes.
    Broken(&'static str),
}

struct Case {
    /// The evidence file, relative to the folder.
    file: &'static str,
    how: How,
    item: &'static str,
    want: &'static str,
    /// Text the reason must contain.
    says: &'static str,
}

const fn c(
    file: &'static str,
    how: How,
    item: &'static str,
    want: &'static str,
    says: &'static str,
) -> Case {
    Case {
        file,
        how,
        item,
        want,
        says,
    }
}

use How::*;

const CASES: &[Case] = &[
    // auditpol.csv → ITS-04
    c("auditpol.csv", Absent, "ITS-04", "error", "auditpol.csv"),
    c("auditpol.csv", Folder, "ITS-04", "error", "auditpol.csv"),
    c("auditpol.csv", Link, "ITS-04", "error", "auditpol.csv"),
    c(
        "auditpol.csv",
        Broken("this,is,not\n"),
        "ITS-04",
        "error",
        "auditpol.csv",
    ),
    c(
        "auditpol.csv",
        Broken(""),
        "ITS-04",
        "error",
        "auditpol.csv",
    ),
    // defender.json → ITS-08
    c("defender.json", Absent, "ITS-08", "error", "defender.json"),
    c("defender.json", Folder, "ITS-08", "error", "defender.json"),
    c("defender.json", Link, "ITS-08", "error", "defender.json"),
    c(
        "defender.json",
        Broken("{ not json"),
        "ITS-08",
        "error",
        "defender.json",
    ),
    // JSON without the setting: real-time protection is not shown on, a fail
    // (docs/windows-evidence.md), never a pass.
    c(
        "defender.json",
        Broken("{\"AMServiceEnabled\": true}"),
        "ITS-08",
        "fail",
        "RealTimeProtectionEnabled",
    ),
    c(
        "defender.json",
        Broken(""),
        "ITS-08",
        "error",
        "defender.json",
    ),
    // acl/*.txt → ACC-03
    c("acl/Design.txt", Folder, "ACC-03", "error", "Design.txt"),
    c("acl/Design.txt", Link, "ACC-03", "error", "Design.txt"),
    c(
        "acl/Design.txt",
        Broken("\u{0}\u{1}garbage\n"),
        "ACC-03",
        "error",
        "",
    ),
    c("acl", Absent, "ACC-03", "error", "W-001"),
    c(
        "acl",
        Broken("a file where the folder should be"),
        "ACC-03",
        "error",
        "acl",
    ),
    // firewall.txt → ITS-03 (netsh)
    c("firewall.txt", Absent, "ITS-03", "error", "firewall"),
    c("firewall.txt", Folder, "ITS-03", "error", "firewall.txt"),
    c("firewall.txt", Link, "ITS-03", "error", "firewall.txt"),
    c(
        "firewall.txt",
        Broken("Ok.\n"),
        "ITS-03",
        "error",
        "firewall.txt",
    ),
    c(
        "firewall.txt",
        Broken(""),
        "ITS-03",
        "error",
        "firewall.txt",
    ),
    // firewall.json → ITS-03 (read before firewall.txt; a broken one is not
    // replaced by the netsh output in silence)
    c("firewall.json", Folder, "ITS-03", "error", "firewall.json"),
    c("firewall.json", Link, "ITS-03", "error", "firewall.json"),
    c(
        "firewall.json",
        Broken("[{\"Name\": "),
        "ITS-03",
        "error",
        "firewall.json",
    ),
    c(
        "firewall.json",
        Broken("{\"nothing\": 1}"),
        "ITS-03",
        "error",
        "firewall.json",
    ),
    // registry/*.reg → ITS-01 (usbstor.reg), ITS-05 (eventlog-policy.reg)
    c("registry/usbstor.reg", Absent, "ITS-01", "error", "USBSTOR"),
    c(
        "registry/usbstor.reg",
        Folder,
        "ITS-01",
        "error",
        "usbstor.reg",
    ),
    c(
        "registry/usbstor.reg",
        Link,
        "ITS-01",
        "error",
        "usbstor.reg",
    ),
    c(
        "registry/usbstor.reg",
        Broken("not a registry export\n"),
        "ITS-01",
        "error",
        "usbstor.reg",
    ),
    c(
        "registry/usbstor.reg",
        Broken(""),
        "ITS-01",
        "error",
        "usbstor.reg",
    ),
    // The event log policy is optional: absent, the log's own setting decides.
    c("registry/eventlog-policy.reg", Absent, "ITS-05", "pass", ""),
    c(
        "registry/eventlog-policy.reg",
        Folder,
        "ITS-05",
        "error",
        "eventlog-policy.reg",
    ),
    c(
        "registry/eventlog-policy.reg",
        Link,
        "ITS-05",
        "error",
        "eventlog-policy.reg",
    ),
    c(
        "registry/eventlog-policy.reg",
        Broken("[HKEY_LOCAL_MACHINE\\x"),
        "ITS-05",
        "error",
        "eventlog-policy.reg",
    ),
    c("registry", Absent, "ITS-01", "error", "registry"),
    c(
        "registry",
        Broken("a file where the folder should be"),
        "ITS-01",
        "error",
        "registry",
    ),
    // secedit.inf → ITS-10
    c("secedit.inf", Absent, "ITS-10", "error", "secedit.inf"),
    c("secedit.inf", Folder, "ITS-10", "error", "secedit.inf"),
    c("secedit.inf", Link, "ITS-10", "error", "secedit.inf"),
    c(
        "secedit.inf",
        Broken("[Unicode]\nUnicode=yes\n"),
        "ITS-10",
        "error",
        "secedit.inf",
    ),
    c(
        "secedit.inf",
        Broken("[System Access]\nMinimumPasswordLength = many\n"),
        "ITS-10",
        "error",
        "secedit.inf",
    ),
    c("secedit.inf", Broken(""), "ITS-10", "error", "secedit.inf"),
    // smb-shares.csv, smb-share-access.csv → ACC-04
    c(
        "smb-shares.csv",
        Absent,
        "ACC-04",
        "error",
        "smb-shares.csv",
    ),
    c(
        "smb-shares.csv",
        Folder,
        "ACC-04",
        "error",
        "smb-shares.csv",
    ),
    c("smb-shares.csv", Link, "ACC-04", "error", "smb-shares.csv"),
    c(
        "smb-shares.csv",
        Broken("\"a\",\"b\"\n\"1\",\"2\"\n"),
        "ACC-04",
        "error",
        "smb-shares.csv",
    ),
    c(
        "smb-shares.csv",
        Broken(""),
        "ACC-04",
        "error",
        "smb-shares.csv",
    ),
    c(
        "smb-share-access.csv",
        Absent,
        "ACC-04",
        "error",
        "smb-share-access.csv",
    ),
    c(
        "smb-share-access.csv",
        Folder,
        "ACC-04",
        "error",
        "smb-share-access.csv",
    ),
    c(
        "smb-share-access.csv",
        Link,
        "ACC-04",
        "error",
        "smb-share-access.csv",
    ),
    c(
        "smb-share-access.csv",
        Broken("\"a\",\"b\"\n\"1\",\"2\"\n"),
        "ACC-04",
        "error",
        "smb-share-access.csv",
    ),
    c(
        "smb-share-access.csv",
        Broken(""),
        "ACC-04",
        "error",
        "smb-share-access.csv",
    ),
    // smb-server.json → ITS-11 (a file server: absent is an error)
    c(
        "smb-server.json",
        Absent,
        "ITS-11",
        "error",
        "smb-server.json",
    ),
    c(
        "smb-server.json",
        Folder,
        "ITS-11",
        "error",
        "smb-server.json",
    ),
    c(
        "smb-server.json",
        Link,
        "ITS-11",
        "error",
        "smb-server.json",
    ),
    c(
        "smb-server.json",
        Broken("{ not json"),
        "ITS-11",
        "error",
        "smb-server.json",
    ),
    c(
        "smb-server.json",
        Broken("{\"EnableSMB2Protocol\": true}"),
        "ITS-11",
        "error",
        "smb-server.json",
    ),
    // eventlog-security.txt → ITS-05
    c(
        "eventlog-security.txt",
        Absent,
        "ITS-05",
        "error",
        "eventlog-security.txt",
    ),
    c(
        "eventlog-security.txt",
        Folder,
        "ITS-05",
        "error",
        "eventlog-security.txt",
    ),
    c(
        "eventlog-security.txt",
        Link,
        "ITS-05",
        "error",
        "eventlog-security.txt",
    ),
    c(
        "eventlog-security.txt",
        Broken("name: Security\nenabled: true\n"),
        "ITS-05",
        "error",
        "eventlog-security.txt",
    ),
    c(
        "eventlog-security.txt",
        Broken("retention: perhaps\n"),
        "ITS-05",
        "error",
        "eventlog-security.txt",
    ),
    // Another log's settings (WIN-LOG-001's `log:` is Security).
    c(
        "eventlog-security.txt",
        Broken("name: Application\nlogging:\n  retention: true\n"),
        "ITS-05",
        "error",
        "the Application log, not of the Security log",
    ),
    // domain-password-policy.json → ITS-10, on a domain member (see below)
];

fn apply(dir: &Path, file: &str, how: How) {
    let p = dir.join(file);
    if p.is_dir() {
        std::fs::remove_dir_all(&p).unwrap();
    } else {
        let _ = std::fs::remove_file(&p);
    }
    match how {
        Absent => {}
        Folder => std::fs::create_dir_all(&p).unwrap(),
        Link => {
            // A link to a good copy of the file: a link in an evidence folder
            // is not followed, whatever it points at.
            let good = dir.parent().unwrap().join("good-copy");
            std::fs::write(&good, b"anything").unwrap();
            std::os::unix::fs::symlink(&good, &p).unwrap();
        }
        Broken(text) => std::fs::write(&p, text).unwrap(),
    }
}

/// A firewall.json that passes on its own (all profiles on, inbound blocked).
const FIREWALL_JSON: &str = r#"[
 {"Name": "Domain", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2},
 {"Name": "Private", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2},
 {"Name": "Public", "Enabled": 1, "DefaultInboundAction": 4, "DefaultOutboundAction": 2}
]"#;

#[test]
fn the_fixture_passes_every_windows_item() {
    let (_d, dir) = fs01();
    std::fs::write(dir.join("firewall.json"), FIREWALL_JSON).unwrap();
    let r = run(&dir);
    for id in ITEMS {
        r.expect(id, "pass");
    }
}

#[test]
fn every_windows_evidence_file_absent_unreadable_or_broken() {
    let mut wrong = Vec::new();
    for case in CASES {
        let (_d, dir) = fs01();
        if case.file == "firewall.json" {
            std::fs::write(dir.join("firewall.json"), FIREWALL_JSON).unwrap();
        }
        apply(&dir, case.file, case.how);
        let r = run(&dir);
        let (st, reason) = (r.status(case.item), r.reason(case.item));
        if st != case.want || !reason.contains(case.says) {
            wrong.push(format!(
                "{} {:?}: {} {st} (want {} saying {:?}): {reason}",
                case.file, case.how, case.item, case.want, case.says
            ));
        }
        // The other items do not change.
        for id in ITEMS.iter().filter(|i| **i != case.item) {
            let other = r.status(id);
            // An unreadable registry folder may hide any Group Policy value:
            // every item that reads the registry is unsure.
            let reads_registry = ["ITS-01", "ITS-03", "ITS-05"].contains(id);
            let expected = (case.file == "registry" && reads_registry && other == "error")
                || (case.file.starts_with("smb-shares") && *id == "ITS-11");
            if other != "pass" && !expected {
                wrong.push(format!(
                    "{} {:?}: {id} became {other}: {}",
                    case.file,
                    case.how,
                    r.reason(id)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_domain_password_policy_absent_unreadable_or_broken() {
    let mut wrong = Vec::new();
    for (how, says) in [
        (Absent, "domain-password-policy.json"),
        (Folder, "domain-password-policy.json"),
        (Link, "domain-password-policy.json"),
        (Broken("{ not json"), "domain-password-policy.json"),
        (Broken("{\"maxPwdAge\": 42}"), "domain-password-policy.json"),
    ] {
        let (_d, dir) = fs01();
        std::fs::write(
            dir.join("host.json"),
            r#"{"hostname": "FS01", "domain": "example.local"}"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("domain-password-policy.json"),
            r#"{"minPwdLength": 12}"#,
        )
        .unwrap();
        let r = run(&dir);
        r.expect("ITS-10", "pass");
        apply(&dir, "domain-password-policy.json", how);
        let r = run(&dir);
        let (st, reason) = (r.status("ITS-10"), r.reason("ITS-10"));
        if st != "error" || !reason.contains(says) {
            wrong.push(format!("{how:?}: ITS-10 {st}: {reason}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Mode 000 files, read by an unprivileged run: permission denied on every
/// evidence file is an error for every item, naming the file.
#[test]
fn evidence_files_nobody_may_read_are_errors() {
    use std::os::unix::fs::PermissionsExt;
    let Some((mut cmd, _guard)) = as_nobody() else {
        return;
    };
    let (d, dir) = fs01();
    let p = profile();
    for x in [d.path(), dir.as_path(), p.dir.path()] {
        std::fs::set_permissions(x, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(p.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let files: Vec<PathBuf> = walk(&dir);
    for f in &files {
        if !f.ends_with("host.json") {
            std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
    }
    for sub in ["registry", "acl"] {
        std::fs::set_permissions(dir.join(sub), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = cmd
        .args([
            "audit",
            "--format",
            "json",
            "--lang",
            "en",
            "--date",
            "2026-06-01",
        ])
        .arg("--profile")
        .arg(p.path())
        .arg("--evidence")
        .arg(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let r = Report { json };
    for (id, file) in [
        ("ITS-01", "usbstor.reg"),
        ("ITS-03", "firewall.txt"),
        ("ITS-04", "auditpol.csv"),
        ("ITS-05", "eventlog-security.txt"),
        ("ITS-08", "defender.json"),
        ("ITS-10", "secedit.inf"),
        ("ITS-11", "smb-server.json"),
        ("ACC-03", "Design.txt"),
        ("ACC-04", "smb-share"),
    ] {
        r.expect(id, "error");
        let why = r.reason(id);
        assert!(why.contains(file), "{id}: {why}");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
