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
    let Some((_, report, stderr)) = c.audit_as_nobody(&profile, &[]) else {
        return;
    };
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

/// An unreadable folder outside every asset's folder cannot hide a protected file:
/// the protected-file items (HDL-06, ACC-02, ACC-03) keep their verdict, while the
/// items about every file (HDL-02, STO-06) become `error`. The same folder inside
/// an asset's folder makes them `error`.
#[test]
fn an_unreadable_folder_matters_to_protected_file_items_only_near_an_asset() {
    let c = Company::new();
    let a = c.write("/srv/share/design/社外秘-a.dwg", "drawing");
    chmod(&a, 0o644);
    chmod(&c.mkdir("/srv/share/design"), 0o755);
    c.mkdir("/srv/eng");
    c.write("/srv/share/hr/x.txt", "x");
    chmod(&c.mkdir("/srv/share/hr"), 0o700);
    let profile = c.profile(PROFILE);
    let Some((_, r, e)) = c.audit_as_nobody(&profile, &[]) else {
        return;
    };
    for id in ["HDL-06", "ACC-02"] {
        assert_eq!(status(&r, id), "pass", "{id}: {e}");
    }
    // World-readable: a failure, with nothing about the unrelated folder.
    assert_eq!(status(&r, "ACC-03"), "fail", "{e}");
    assert_eq!(
        evidence_paths(&r, "ACC-03"),
        vec!["/srv/share/design/社外秘-a.dwg"]
    );
    for id in ["HDL-02", "STO-06"] {
        assert_eq!(status(&r, id), "error", "{id}: {e}");
        assert!(evidence_paths(&r, id).contains(&"/srv/share/hr".to_string()));
    }

    // Now the unreadable folder is inside the asset's folder.
    chmod(&c.mkdir("/srv/share/hr"), 0o755);
    c.write("/srv/share/design/locked/y.dwg", "y");
    chmod(&c.mkdir("/srv/share/design/locked"), 0o700);
    let (_, r, e) = c.audit_as_nobody(&profile, &[]).unwrap();
    for id in ["HDL-06", "ACC-02", "ACC-03"] {
        let want = if id == "ACC-03" { "fail" } else { "error" };
        assert_eq!(status(&r, id), want, "{id}: {e}");
        assert!(evidence_paths(&r, id).contains(&"/srv/share/design/locked".to_string()));
    }
}

/// When several protected files have the same content, HDL-04 names the first of
/// them by path as the original, whatever order the walk and the readers met them.
#[test]
fn hdl04_names_the_first_protected_original_by_path() {
    let c = Company::new();
    c.mkdir("/srv/eng");
    for i in (0..24).rev() {
        c.write(&format!("/srv/share/design/p{i:02}.dwg"), "same drawing");
    }
    c.write("/srv/share/sales/copy.dwg", "same drawing");
    let profile = c.profile(PROFILE);
    let (_, r, e) = c.audit(&profile, &[]);
    assert_eq!(status(&r, "HDL-04"), "fail", "{e}");
    let ev = &item(&r, "HDL-04")["evidence"][0];
    assert_eq!(ev["path"], "/srv/share/sales/copy.dwg");
    assert_eq!(ev["excerpt"], "/srv/share/design/p00.dwg");
}

/// `scope.exclude: ["*.bak"]` leaves out backup files at any depth (a pattern that
/// is not a host path could otherwise never match and would exclude nothing).
#[test]
fn an_exclude_pattern_without_a_folder_matches_at_any_depth() {
    let c = Company::new();
    c.mkdir("/srv/eng");
    c.write("/srv/share/design/a.dwg", "社外秘 drawing");
    c.write("/srv/share/sales/old/a.dwg.bak", "社外秘 drawing");
    let profile = c.profile(&PROFILE.replace(
        "  shares: [/srv/share, /srv/eng]\n",
        "  shares: [/srv/share, /srv/eng]\n  exclude: [\"*.bak\"]\n",
    ));
    let (_, r, e) = c.audit(&profile, &[]);
    for id in ["HDL-02", "HDL-04", "STO-06"] {
        assert_eq!(status(&r, id), "pass", "{id}: {e}");
    }
    assert_eq!(r["coverage"]["excluded"], 1);
}

/// `--scan` of a folder inside an asset's folder (outside the shares) must not
/// stop the rest of the asset's folder from being walked.
#[test]
fn scanning_inside_an_asset_folder_keeps_the_whole_folder() {
    let c = Company::new();
    c.mkdir("/srv/share");
    c.mkdir("/srv/eng");
    c.write("/data/cad/a.dwg", "社外秘 a");
    c.write("/data/cad/sub/b.txt", "b");
    let profile = c.profile(&PROFILE.replace("/srv/share/design/**", "/data/cad/*.dwg"));
    let (_, plain, _) = c.audit(&profile, &[]);
    let (_, scanned, e) = c.audit(&profile, &["--scan", "/data/cad/sub"]);
    for r in [&plain, &scanned] {
        assert_eq!(status(r, "HDL-03"), "pass", "{e}");
        assert_eq!(r["inventory"]["protected"], 1);
        assert_eq!(status(r, "HDL-06"), "pass");
    }
}
