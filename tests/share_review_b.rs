//! Acceptance-review regressions for the file-share walk (blind review B).

mod walk_common;
use walk_common::*;

const PROFILE: &str = r#"version: 1
organization:
  name: 株式会社テスト製作所
scope:
  shares: [/srv/share, /srv/eng]
markers: [社外秘]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design/**"]
    authorized: ["group:design"]
    handlers: [tanaka]
"#;

/// A share root the auditor cannot list is one unread path (in coverage and on
/// stderr), not two.
#[test]
fn an_unreadable_share_root_is_listed_once() {
    let c = Company::new();
    c.write("/srv/share/design/a.dwg", "社外秘");
    c.write("/srv/eng/x.txt", "x");
    chmod(&c.host("/srv/eng"), 0o700);
    let profile = c.profile(PROFILE);
    let Some((mut cmd, _guard)) = as_nobody() else {
        return;
    };
    let out = cmd
        .args([
            "audit",
            "--format",
            "json",
            "--date",
            "2026-01-15",
            "--lang",
            "en",
        ])
        .arg("--profile")
        .arg(&profile)
        .arg("--root")
        .arg(c.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("report: {e}\n{stderr}"));
    let unread: Vec<&str> = report["coverage"]["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    assert_eq!(unread, vec!["/srv/eng"], "{stderr}");
    assert_eq!(stderr.matches("/srv/eng").count(), 1, "{stderr}");
    assert_eq!(status(&report, "HDL-02"), "error");
    assert!(evidence_paths(&report, "HDL-02").contains(&"/srv/eng".to_string()));
}

/// `audit --scan` of a folder above a share must not change the share's verdicts:
/// its marked files stay HDL-02 findings and the ACC-03 chain of folders starts at
/// the share root, not at the scanned folder (which others may not enter).
#[test]
fn scanning_a_folder_above_a_share_keeps_the_share_verdicts() {
    let c = Company::new();
    let a = c.write("/srv/share/design/a.dwg", "drawing");
    chmod(&a, 0o644);
    chmod(&c.mkdir("/srv/share/design"), 0o755);
    chmod(&c.mkdir("/srv/share"), 0o755);
    chmod(&c.mkdir("/srv"), 0o750);
    c.write("/srv/share/sales/社外秘.txt", "x");
    c.write("/srv/other/社外秘-other.txt", "y");
    c.mkdir("/srv/eng");
    let profile = c.profile(PROFILE);
    let (_, plain, e1) = c.audit(&profile, &[]);
    let (_, scanned, e2) = c.audit(&profile, &["--scan", "/srv"]);
    for (r, e) in [(&plain, &e1), (&scanned, &e2)] {
        assert_eq!(status(r, "HDL-02"), "fail", "{e}");
        assert_eq!(
            evidence_paths(r, "HDL-02"),
            vec!["/srv/share/sales/社外秘.txt"]
        );
        assert_eq!(status(r, "ACC-03"), "fail", "{e}");
        assert_eq!(evidence_paths(r, "ACC-03"), vec!["/srv/share/design/a.dwg"]);
    }
    // The scanned folder's own files still count for STO-06, each once.
    assert_eq!(
        evidence_paths(&scanned, "STO-06"),
        vec!["/srv/other/社外秘-other.txt", "/srv/share/sales/社外秘.txt"]
    );
    let inv = scanned["inventory"]["files"].as_u64().unwrap();
    assert_eq!(inv, 3);
}
