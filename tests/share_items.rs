//! Verdicts of the file-share items (HDL-02…06, ACC-02, ACC-03, ACC-05, STO-06) on
//! company trees built in temp dirs, by running the real binary.

mod walk_common;
use std::os::unix::ffi::OsStrExt;
use walk_common::*;

const PROFILE: &str = r#"version: 1
organization:
  name: 株式会社テスト製作所
scope:
  shares: [/srv/share]
  exclude: ["**/.snapshot/**"]
markers: [社外秘, Confidential]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design/**"]
    authorized: ["group:design", "user:tanaka"]
    handlers: [tanaka]
  - id: T-002
    name: 旧図面
    classification: 社外秘
    paths: ["/srv/share/gone/**"]
    authorized: ["group:design"]
    handlers: [tanaka]
people:
  - account: tanaka
    name: 田中
    roles: [handler]
    status: active
  - account: suzuki
    name: 鈴木
    roles: [handler]
    status: active
  - account: sato
    name: 佐藤
    roles: []
    status: left
"#;

fn protected(c: &Company, p: &str, content: &str, mode: u32) -> std::path::PathBuf {
    let f = c.write(p, content);
    chown(&f, 1001, 2000);
    chmod(&f, mode);
    f
}

/// Two fields of each evidence entry of an item, as strings (missing: "").
fn pairs(r: &serde_json::Value, id: &str, a: &str, b: &str) -> Vec<(String, String)> {
    let field = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap_or_default().to_string();
    item(r, id)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (field(e, a), field(e, b)))
        .collect()
}

#[test]
fn planted_problems_get_the_spec_verdicts() {
    let c = Company::new();
    protected(
        &c,
        "/srv/share/design/mold-17_社外秘.dwg",
        "MOLD-17 geometry",
        0o640,
    );
    protected(&c, "/srv/share/design/plan.dwg", "plan", 0o640);
    protected(&c, "/srv/share/design/open_社外秘.dwg", "open", 0o644);
    // Other-readable, but its folder does not let others through.
    protected(
        &c,
        "/srv/share/design/hidden/secret_社外秘.dwg",
        "secret",
        0o644,
    );
    let hidden = c.host("/srv/share/design/hidden");
    chown(&hidden, 0, 2000);
    chmod(&hidden, 0o750);
    let acl = protected(&c, "/srv/share/design/acl_社外秘.dwg", "acl", 0o640);
    let masked = protected(&c, "/srv/share/design/masked_社外秘.dwg", "masked", 0o640);
    let member = protected(&c, "/srv/share/design/suzuki_社外秘.dwg", "suzuki", 0o640);
    let sales = protected(&c, "/srv/share/design/sales_社外秘.dwg", "sales", 0o640);
    chown(&sales, 1001, 3000);
    protected(&c, "/srv/share/design/tmp/old_社外秘.dwg", "old", 0o640);
    protected(&c, "/srv/share/design/empty.dwg", "", 0o640);
    let has_acl = setfacl(&["-m", "u:1002:r"], &acl)
        && setfacl(&["-m", "u:1004:r,m::---"], &masked)
        && setfacl(&["-m", "u:1003:r"], &member);

    c.write("/srv/share/public/copy.bin", "MOLD-17 geometry");
    c.write("/srv/share/public/empty.txt", "");
    // Outside every asset, readable by people not in any `authorized`: not an
    // ACC-02 concern (it covers protected files only).
    let notes = c.write("/srv/share/public/notes.txt", "minutes");
    chown(&notes, 1002, 3000);
    c.write("/srv/share/public/report_Confidential.txt", "quarterly");
    c.write(
        "/srv/share/.snapshot/daily/report_Confidential.txt",
        "quarterly",
    );
    c.write("/srv/share/public/<img src=x onerror=alert(1)>.txt", "html");
    std::fs::write(
        c.host("/srv/share/public")
            .join(std::ffi::OsStr::from_bytes(b"bad\xff.txt")),
        "raw",
    )
    .unwrap();
    mkfifo(&c.host("/srv/share/public/pipe"));
    std::os::unix::fs::symlink("loop2", c.host("/srv/share/public/loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", c.host("/srv/share/public/loop2")).unwrap();
    std::os::unix::fs::symlink("/srv/share", c.host("/srv/share/public/up")).unwrap();
    c.write("/home/sato/Downloads/x_社外秘.pdf", "pdf");

    let p = c.profile(PROFILE);
    let (code, r, stderr) = c.audit(&p, &["--scan", "/home"]);
    assert_eq!(code, 1, "{stderr}");

    assert_eq!(status(&r, "HDL-02"), "fail");
    assert_eq!(
        evidence_paths(&r, "HDL-02"),
        ["/srv/share/public/report_Confidential.txt"]
    );

    assert_eq!(status(&r, "HDL-03"), "fail");
    let e = &item(&r, "HDL-03")["evidence"];
    assert_eq!(e.as_array().unwrap().len(), 1);
    assert_eq!(e[0]["asset"], "T-002");

    assert_eq!(status(&r, "HDL-04"), "fail");
    let e = &item(&r, "HDL-04")["evidence"];
    assert_eq!(
        e.as_array().unwrap().len(),
        1,
        "zero-byte files are never copies: {e}"
    );
    assert_eq!(e[0]["path"], "/srv/share/public/copy.bin");
    assert_eq!(e[0]["excerpt"], "/srv/share/design/mold-17_社外秘.dwg");

    assert_eq!(status(&r, "HDL-05"), "fail");
    assert_eq!(
        evidence_paths(&r, "HDL-05"),
        [
            "/home/sato/Downloads/x_社外秘.pdf",
            "/srv/share/design/tmp/old_社外秘.dwg"
        ]
    );
    let detail = item(&r, "HDL-05")["evidence"][1]["detail"].to_string();
    assert!(
        detail.contains("under the temporary/discard folder `tmp`"),
        "{detail}"
    );

    // 2 of 10 protected files unmarked → partial.
    assert_eq!(status(&r, "HDL-06"), "partial");
    assert_eq!(
        evidence_paths(&r, "HDL-06"),
        ["/srv/share/design/empty.dwg", "/srv/share/design/plan.dwg"]
    );

    assert_eq!(status(&r, "ACC-02"), "fail");
    let grants = pairs(&r, "ACC-02", "path", "principal");
    let mut want = vec![(
        "/srv/share/design/sales_社外秘.dwg".to_string(),
        "group:sales".to_string(),
    )];
    if has_acl {
        want.insert(
            0,
            (
                "/srv/share/design/acl_社外秘.dwg".to_string(),
                "user:sato".to_string(),
            ),
        );
    }
    assert_eq!(
        grants, want,
        "masked yamada and design member suzuki are not listed"
    );

    assert_eq!(status(&r, "ACC-03"), "fail");
    assert_eq!(
        evidence_paths(&r, "ACC-03"),
        ["/srv/share/design/open_社外秘.dwg"]
    );
    assert!(
        item(&r, "ACC-03")["evidence"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("mode 0644, other can read")
    );

    if has_acl {
        assert_eq!(status(&r, "ACC-05"), "fail");
        assert_eq!(
            evidence_paths(&r, "ACC-05"),
            ["/srv/share/design/acl_社外秘.dwg"]
        );
    }

    assert_eq!(status(&r, "STO-06"), "fail");
    assert_eq!(
        evidence_paths(&r, "STO-06"),
        [
            "/home/sato/Downloads/x_社外秘.pdf",
            "/srv/share/public/report_Confidential.txt"
        ]
    );

    assert_eq!(r["inventory"]["protected"], 10);
    assert_eq!(r["coverage"]["skipped_special"], 1);
    assert_eq!(r["coverage"]["unreadable"], serde_json::json!([]));
}

const CLEAN: &str = r#"version: 1
organization:
  name: 株式会社テスト製作所
scope:
  shares: [/srv/share]
markers: [社外秘]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design_社外秘/**"]
    authorized: ["group:design"]
    handlers: [tanaka]
people:
  - account: tanaka
    name: 田中
    roles: [handler]
    status: active
  - account: sato
    name: 佐藤
    roles: []
    status: left
"#;

fn clean_company() -> Company {
    let c = Company::new();
    let d = c.mkdir("/srv/share/design_社外秘");
    chown(&d, 0, 2000);
    chmod(&d, 0o2770);
    for n in ["a.dwg", "b.dwg", "sub/c.dwg"] {
        let f = c.write(
            &format!("/srv/share/design_社外秘/{n}"),
            format!("drawing {n}"),
        );
        chown(&f, 1001, 2000);
        chmod(&f, 0o640);
    }
    let s = c.host("/srv/share/design_社外秘/sub");
    chown(&s, 0, 2000);
    chmod(&s, 0o2770);
    c.write("/srv/share/public/menu.txt", "lunch");
    c
}

const SHARE_ITEMS: &[&str] = &[
    "HDL-02", "HDL-03", "HDL-04", "HDL-05", "HDL-06", "ACC-02", "ACC-03", "ACC-05", "STO-06",
];

#[test]
fn a_tidy_company_passes_every_share_item() {
    let c = clean_company();
    let p = c.profile(CLEAN);
    let (_, r, stderr) = c.audit(&p, &[]);
    for id in SHARE_ITEMS {
        assert_eq!(status(&r, id), "pass", "{id}: {} / {stderr}", item(&r, id));
    }
    assert_eq!(r["inventory"]["files"], 4);
    assert_eq!(r["inventory"]["protected"], 3);
    assert_eq!(r["inventory"]["marked"], 3);
}

#[test]
fn no_hash_makes_hdl04_error_only() {
    let c = clean_company();
    let p = c.profile(CLEAN);
    let (_, r, _) = c.audit(&p, &["--no-hash"]);
    assert_eq!(status(&r, "HDL-04"), "error");
    assert!(
        item(&r, "HDL-04")["reason"]
            .as_str()
            .unwrap()
            .contains("--no-hash")
    );
    assert_eq!(status(&r, "HDL-06"), "pass");
    assert_eq!(r["inventory"]["hashed"], 0);
}

#[test]
fn unreadable_parts_make_items_error_never_pass() {
    let c = clean_company();
    // The auditor (nobody) can list the design folder but not open its files,
    // and cannot list /srv/share/private at all.
    let d = c.host("/srv/share/design_社外秘");
    chmod(&d, 0o2775);
    let hidden = c.write("/srv/share/private/x.txt", "x");
    let priv_dir = hidden.parent().unwrap().to_path_buf();
    chmod(&priv_dir, 0o700);
    chown(&priv_dir, 0, 0);
    let p = c.profile(CLEAN);
    let Some((_, r, _)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    chmod(&priv_dir, 0o755);
    for id in ["HDL-02", "HDL-05", "STO-06"] {
        assert_eq!(status(&r, id), "error", "{id}: {}", item(&r, id));
        assert!(evidence_paths(&r, id).contains(&"/srv/share/private".to_string()));
    }
    // The items about protected files are unknown because of the unreadable folder
    // inside the asset's folder; /srv/share/private, outside every asset's folder,
    // cannot hide a protected file and is not their evidence.
    for id in ["ACC-02", "ACC-03"] {
        assert_eq!(status(&r, id), "error", "{id}: {}", item(&r, id));
        let ev = evidence_paths(&r, id);
        assert!(
            ev.contains(&"/srv/share/design_社外秘/sub".to_string()),
            "{ev:?}"
        );
        assert!(!ev.contains(&"/srv/share/private".to_string()), "{ev:?}");
    }
    let unreadable = r["coverage"]["unreadable"].as_array().unwrap();
    assert!(
        unreadable
            .iter()
            .any(|u| u["path"] == "/srv/share/private" && u["error"] == "permission denied")
    );
    // The files nobody could not open: content unknown.
    assert!(
        unreadable
            .iter()
            .any(|u| u["path"] == "/srv/share/design_社外秘/a.dwg")
    );
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("could not be read"))
    );
}

#[test]
fn a_missing_share_is_error_and_no_shares_is_not_applicable() {
    let c = clean_company();
    let p = c.profile(&CLEAN.replace("shares: [/srv/share]", "shares: [/srv/share, /srv/typo]"));
    let (_, r, _) = c.audit(&p, &[]);
    // The missing share holds no asset's folder: only the items about every file
    // are unknown; those about protected files keep their verdict.
    let protected_items = ["ACC-05", "HDL-06", "ACC-02", "ACC-03"];
    for id in SHARE_ITEMS.iter().filter(|i| !protected_items.contains(*i)) {
        assert_eq!(status(&r, id), "error", "{id}");
    }
    for id in ["HDL-06", "ACC-02", "ACC-03"] {
        assert_eq!(status(&r, id), "pass", "{id}");
    }
    assert_eq!(r["coverage"]["roots"][1]["error"], "not found");

    let none = "version: 1\norganization:\n  name: x\nmarkers: [社外秘]\n";
    let p = c.profile(none);
    let (_, r, _) = c.audit(&p, &[]);
    for id in [
        "HDL-02", "HDL-04", "HDL-05", "HDL-06", "ACC-02", "ACC-03", "STO-06",
    ] {
        assert_eq!(status(&r, id), "not_applicable", "{id}");
        assert!(!item(&r, id)["reason"].as_str().unwrap().is_empty());
    }
}

#[test]
fn hdl06_fails_when_more_than_half_are_unmarked_and_assets_are_found_outside_shares() {
    let c = Company::new();
    for (n, body) in [("a.dwg", "社外秘"), ("b.dwg", "b"), ("c.dwg", "c")] {
        protected(&c, &format!("/data/cad/{n}"), body, 0o640);
    }
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nmarkers: [社外秘]\nassets:\n  - id: T-9\n    name: CAD\n    classification: 極秘\n    paths: [\"/data/cad/*.dwg\"]\n    authorized: [\"group:design\"]\n    handlers: [tanaka]\n",
    );
    let (_, r, _) = c.audit(&p, &[]);
    // No shares configured, but the register's folder is walked.
    assert_eq!(status(&r, "HDL-03"), "pass");
    assert_eq!(status(&r, "HDL-06"), "fail");
    assert_eq!(evidence_paths(&r, "HDL-06").len(), 2);
    assert_eq!(r["coverage"]["roots"][0]["kind"], "asset");
}

#[test]
fn hdl06_does_not_count_unreadable_files_as_unmarked() {
    // Three protected files carry their marker only in their content; nobody
    // cannot open them. Their content is unknown, so HDL-06 cannot be decided
    // (error), not "3 of 4 unmarked" (fail).
    let c = Company::new();
    let d = c.mkdir("/srv/share/cad");
    chmod(&d, 0o755);
    for n in ["a.dwg", "b.dwg", "c.dwg"] {
        protected(&c, &format!("/srv/share/cad/{n}"), "社外秘 drawing", 0o640);
    }
    let open = protected(&c, "/srv/share/cad/d.dwg", "社外秘 open", 0o644);
    chmod(&open, 0o644);
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\nassets:\n  - id: T-9\n    name: CAD\n    classification: 極秘\n    paths: [\"/srv/share/cad/*.dwg\"]\n    authorized: [\"group:design\"]\n    handlers: [tanaka]\n",
    );
    // Read by root: every file is marked.
    let (_, r, _) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-06"), "pass", "{}", item(&r, "HDL-06"));
    if !need_root("making files the auditor cannot read") {
        return;
    }
    let Some((_, r, _)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    assert_eq!(status(&r, "HDL-06"), "error", "{}", item(&r, "HDL-06"));
    let paths = evidence_paths(&r, "HDL-06");
    for n in ["a.dwg", "b.dwg", "c.dwg"] {
        assert!(paths.contains(&format!("/srv/share/cad/{n}")), "{paths:?}");
    }
    // None of them is listed as an unmarked protected file.
    let unmarked = item(&r, "HDL-06")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "file")
        .count();
    assert_eq!(unmarked, 0, "{}", item(&r, "HDL-06"));
}

#[test]
fn hdl02_with_only_scan_paths_says_so_and_sto06_decides_them() {
    let c = Company::new();
    c.write("/home/suzuki/社外秘メモ.txt", "memo");
    let p = c.profile("version: 1\norganization:\n  name: x\nmarkers: [社外秘]\n");
    let (_, r, _) = c.audit(&p, &["--scan", "/home"]);
    assert_eq!(status(&r, "HDL-02"), "not_applicable");
    let reason = item(&r, "HDL-02")["reason"].as_str().unwrap();
    assert!(
        !reason.contains("no --scan path was given") && reason.contains("STO-06"),
        "{reason}"
    );
    assert_eq!(status(&r, "STO-06"), "fail");
    assert_eq!(
        evidence_paths(&r, "STO-06"),
        vec!["/home/suzuki/社外秘メモ.txt".to_string()]
    );
}

#[test]
fn reasons_read_naturally_for_one_file_and_an_empty_shell() {
    let c = Company::new();
    c.write(
        "/etc/passwd",
        format!("{PASSWD}kato:x:1005:1005::/home/kato:\n"),
    );
    let f = protected(&c, "/srv/share/design/a.dwg", "社外秘", 0o644);
    chmod(&f, 0o644);
    c.write("/srv/share/public/社外秘メモ.txt", "memo");
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\nassets:\n  - id: T-1\n    name: 図面\n    classification: 極秘\n    paths: [\"/srv/share/design/**\"]\n    authorized: [\"group:design\"]\n    handlers: [tanaka]\npeople:\n  - {account: tanaka, roles: [handler], status: active}\n  - {account: kato, status: left}\n",
    );
    let (_, r, _) = c.audit(&p, &[]);
    let reason = |id: &str| item(&r, id)["reason"].as_str().unwrap().to_string();
    assert_eq!(reason("ACC-03"), "1 protected file is readable by everyone");
    assert_eq!(
        reason("HDL-01"),
        "the register lists 1 asset, each with id, name, classification and paths"
    );
    assert_eq!(
        reason("HDL-02"),
        "1 marked file lies outside all assets' paths"
    );
    assert_eq!(
        reason("ACC-02"),
        "on the protected file, only authorized principals have read access"
    );
    let hdl02 = &item(&r, "HDL-02")["evidence"][0]["detail"];
    assert_eq!(
        hdl02, "marked \"社外秘\" (name), but matches no asset's paths",
        "{hdl02}"
    );
    // An empty shell field is /bin/sh, and the reason says so.
    assert_eq!(status(&r, "ACC-05"), "fail");
    assert!(
        reason("ACC-05").contains("login shell (empty, so /bin/sh)"),
        "{}",
        reason("ACC-05")
    );
    let ja = item(&r, "ACC-05")["reason_i18n"]["ja"].as_str().unwrap();
    assert!(ja.contains("（空欄＝/bin/sh）"), "{ja}");
}

#[test]
fn hdl03_a_folder_written_without_a_glob_gets_a_hint() {
    let c = Company::new();
    protected(&c, "/srv/share/design/a.dwg", "社外秘", 0o640);
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\nassets:\n  - id: T-1\n    name: 図面\n    classification: 極秘\n    paths: [\"/srv/share/design/\"]\n    authorized: [\"group:design\"]\n    handlers: [tanaka]\n",
    );
    let (_, r, _) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-03"), "fail");
    let d = item(&r, "HDL-03")["evidence"][0]["detail"]
        .as_str()
        .unwrap();
    assert!(
        d.contains("write /srv/share/design/** for the files in it"),
        "{d}"
    );
}

#[test]
fn walk_warnings_follow_the_report_language() {
    let c = Company::new();
    c.mkdir("/srv/share");
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share, /srv/typo]\nmarkers: [社外秘]\n",
    );
    let warnings = |lang: &str| {
        let out = std::process::Command::new(bin())
            .args([
                "audit",
                "--format",
                "json",
                "--date",
                "2026-01-15",
                "--lang",
                lang,
            ])
            .arg("--profile")
            .arg(&p)
            .arg("--root")
            .arg(c.root())
            .output()
            .unwrap();
        let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let ja = warnings("ja");
    assert!(
        ja.iter()
            .any(|w| w.contains("走査中に 1 件のパスを読み取れませんでした")),
        "{ja:?}"
    );
    let en = warnings("en");
    assert!(
        en.iter()
            .any(|w| w.starts_with("1 path could not be read during the walk")),
        "{en:?}"
    );
}

#[test]
fn hdl03_an_unreadable_asset_folder_is_unknown_not_empty() {
    if !need_root("making a folder the auditor cannot read") {
        return;
    }
    let c = Company::new();
    c.write("/srv/share/old/a.txt", "a");
    c.write("/srv/share/new/b.txt", "b");
    let old = c.host("/srv/share/old");
    chmod(&old, 0o700);
    let asset = |id: &str, dir: &str| {
        format!(
            "  - {{id: {id}, name: n, classification: c, paths: [\"/srv/share/{dir}/**\"], authorized: [\"group:design\"], handlers: [tanaka]}}\n"
        )
    };
    let run = |assets: &str| {
        let p = c.profile(&format!(
            "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\nassets:\n{assets}"
        ));
        c.audit_as_nobody(&p, &[]).unwrap().1
    };
    if as_nobody().is_none() {
        return;
    }
    // O-1's folder cannot be listed: whether it holds files is unknown.
    let r = run(&format!("{}{}", asset("O-1", "old"), asset("O-2", "new")));
    assert_eq!(status(&r, "HDL-03"), "error", "{}", item(&r, "HDL-03"));
    // An asset that certainly matches nothing still fails, and only it is named.
    let r = run(&format!(
        "{}{}{}",
        asset("O-1", "old"),
        asset("O-2", "new"),
        asset("O-3", "gone")
    ));
    assert_eq!(status(&r, "HDL-03"), "fail", "{}", item(&r, "HDL-03"));
    let reason = item(&r, "HDL-03")["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("1 asset matches no file at all: O-3"),
        "{reason}"
    );
}

#[test]
fn acc05_a_leaver_in_a_group_fails_even_when_the_acl_half_cannot_be_assessed() {
    if !need_root("making a folder the auditor cannot read") || as_nobody().is_none() {
        return;
    }
    let c = Company::new();
    // suzuki has left but is still in the design group.
    protected(&c, "/srv/share/design/a.dwg", "社外秘", 0o644);
    c.write("/srv/share/design/private/x.txt", "x");
    chmod(&c.host("/srv/share/design/private"), 0o700);
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\nassets:\n  - {id: T-1, name: n, classification: c, paths: [\"/srv/share/design/**\"], authorized: [\"group:design\"], handlers: [tanaka]}\npeople:\n  - {account: tanaka, roles: [handler], status: active}\n  - {account: suzuki, status: left}\n",
    );
    let (_, r, _) = c.audit_as_nobody(&p, &[]).unwrap();
    assert_eq!(status(&r, "ACC-05"), "fail", "{}", item(&r, "ACC-05"));
    let paths = evidence_paths(&r, "ACC-05");
    assert!(
        paths.contains(&"/srv/share/design/private".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"/etc/group".to_string()), "{paths:?}");
}

#[test]
fn japanese_findings_read_naturally() {
    let c = Company::new();
    let sales = protected(&c, "/srv/share/design/sales_社外秘.dwg", "sales", 0o640);
    chown(&sales, 1001, 3000);
    c.write("/srv/share/public/report_Confidential.txt", "quarterly");
    let p = c.profile(PROFILE);
    let out = std::process::Command::new(bin())
        .args([
            "audit",
            "--format",
            "json",
            "--date",
            "2026-01-15",
            "--lang",
            "ja",
        ])
        .arg("--profile")
        .arg(&p)
        .arg("--root")
        .arg(c.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect(&stderr);
    assert_eq!(status(&r, "ACC-02"), "fail", "{stderr}");
    assert_eq!(
        item(&r, "ACC-02")["reason"],
        "保護対象ファイル 1 件で、許可されていない主体に読み取り権が 1 件付いています"
    );
    assert_eq!(status(&r, "HDL-02"), "fail");
    let detail = item(&r, "HDL-02")["evidence"][0]["detail"].to_string();
    assert!(
        detail.contains("表示「Confidential」（ファイル名）がありますが、"),
        "{detail}"
    );
}

/// ACC-02 counts a principal only when it can really read: the owner through
/// the owner's read bit, the owning group through the group read bit — or, with
/// an extended ACL, through `group::` limited by `mask::`.
#[test]
fn acc02_counts_the_owner_and_group_only_when_they_can_read() {
    let c = Company::new();
    let d = "/srv/share/design";
    // Owner sato (not authorised), group design (authorised).
    let f = protected(&c, &format!("{d}/a_owner_reads.dwg"), "a", 0o640);
    chown(&f, 1002, 2000);
    let f = protected(&c, &format!("{d}/b_owner_cannot.dwg"), "b", 0o240);
    chown(&f, 1002, 2000);
    // Owner tanaka (authorised), group sales (not).
    protected(&c, &format!("{d}/c_group_reads.dwg"), "c", 0o640);
    protected(&c, &format!("{d}/d_group_cannot.dwg"), "d", 0o600);
    let masked = protected(&c, &format!("{d}/e_acl_masked.dwg"), "e", 0o640);
    let no_group = protected(&c, &format!("{d}/f_acl_group_none.dwg"), "f", 0o640);
    let through = protected(&c, &format!("{d}/g_acl_group_reads.dwg"), "g", 0o640);
    // Owner tanaka, group design (both authorised); a named ACL entry for sales.
    let named = protected(&c, &format!("{d}/h_acl_named_group.dwg"), "h", 0o640);
    for p in [
        "c_group_reads",
        "d_group_cannot",
        "e_acl_masked",
        "f_acl_group_none",
        "g_acl_group_reads",
    ] {
        chown(&c.host(&format!("{d}/{p}.dwg")), 1001, 3000);
    }
    // suzuki (1003) is in design: authorised, whatever the mask.
    let has_acl = setfacl(&["-m", "u:1003:r,m::---"], &masked)
        && setfacl(&["-m", "g::---,u:1003:r"], &no_group)
        && setfacl(&["-m", "u:1003:r"], &through)
        && setfacl(&["-m", "g:3000:r"], &named);
    let (_, r, stderr) = c.audit(&c.profile(PROFILE), &[]);
    let grants: Vec<(String, String)> = pairs(&r, "ACC-02", "path", "principal")
        .into_iter()
        .map(|(path, who)| (path.rsplit('/').next().unwrap().to_string(), who))
        .collect();
    let mut want = vec![
        ("a_owner_reads.dwg".to_string(), "user:sato".to_string()),
        ("c_group_reads.dwg".to_string(), "group:sales".to_string()),
    ];
    if has_acl {
        want.push((
            "g_acl_group_reads.dwg".to_string(),
            "group:sales".to_string(),
        ));
        want.push((
            "h_acl_named_group.dwg".to_string(),
            "group:sales".to_string(),
        ));
    } else {
        // Without ACLs these three are plain 0640 files the sales group reads.
        for p in ["e_acl_masked", "f_acl_group_none", "g_acl_group_reads"] {
            want.push((format!("{p}.dwg"), "group:sales".to_string()));
        }
    }
    assert_eq!(grants, want, "{stderr}");
}

/// HDL-03 says a folder does not exist only for the asset whose folder is
/// really missing; an existing but empty folder only "matches no file".
#[test]
fn hdl03_names_the_missing_folder_only_where_it_is_missing() {
    let c = Company::new();
    protected(&c, "/srv/share/design/a_社外秘.dwg", "a", 0o640);
    c.mkdir("/srv/share/empty");
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\nassets:\n  - {id: T-1, name: a, classification: c, paths: [\"/srv/share/design/**\"], authorized: [\"group:design\"], handlers: [tanaka]}\n  - {id: T-2, name: b, classification: c, paths: [\"/srv/archive/**\"], authorized: [\"group:design\"], handlers: [tanaka]}\n  - {id: T-3, name: c, classification: c, paths: [\"/srv/share/empty/**\"], authorized: [\"group:design\"], handlers: [tanaka]}\n",
    );
    let (_, r, stderr) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-03"), "fail", "{stderr}");
    let details = pairs(&r, "HDL-03", "asset", "detail");
    assert_eq!(
        details,
        [
            (
                "T-2".to_string(),
                "no regular file matches /srv/archive/** (the folder /srv/archive does not exist)"
                    .to_string()
            ),
            (
                "T-3".to_string(),
                "no regular file matches /srv/share/empty/**".to_string()
            )
        ]
    );
}

/// HDL-06: at most half of the protected files unmarked is partial, more is a
/// fail.
#[test]
fn hdl06_half_unmarked_is_partial_and_more_is_a_fail() {
    let c = Company::new();
    protected(&c, "/srv/share/design/a_社外秘.dwg", "a", 0o640);
    protected(&c, "/srv/share/design/b.dwg", "b", 0o640);
    let p = c.profile(PROFILE);
    let (_, r, stderr) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-06"), "partial", "{stderr}");
    assert_eq!(
        item(&r, "HDL-06")["reason"],
        "1 of the 2 protected files carries no marker"
    );
    protected(&c, "/srv/share/design/c.dwg", "c", 0o640);
    let (_, r, _) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-06"), "fail");
    assert_eq!(
        item(&r, "HDL-06")["reason"],
        "2 of the 3 protected files carry no marker"
    );
}

/// ACC-05's ACL half looks at protected files only, and says in its pass that
/// the leavers' accounts are closed; when the ACL half cannot be assessed the
/// item is an error, not a fail.
#[test]
fn acc05_acl_half_covers_protected_files_and_an_unreadable_folder_is_an_error() {
    let c = clean_company();
    // sato has left (nologin, in no group). A file outside every asset still
    // names sato in its ACL: not a protected file, not ACC-05's concern.
    let menu = c.host("/srv/share/public/menu.txt");
    let has_acl = setfacl(&["-m", "u:1002:r"], &menu);
    let p = c.profile(&PROFILE.replace("/srv/share/design/**", "/srv/share/design_社外秘/**"));
    let (_, r, stderr) = c.audit(&p, &[]);
    assert!(has_acl);
    assert_eq!(
        status(&r, "ACC-05"),
        "pass",
        "{stderr}{}",
        item(&r, "ACC-05")
    );
    assert_eq!(
        item(&r, "ACC-05")["reason"],
        "the leaver's account and group memberships are closed, and none is named in a protected file's ACL"
    );
    // A folder of the asset nobody may read: the ACL half cannot be assessed.
    chmod(&c.host("/srv/share/design_社外秘/sub"), 0o700);
    let Some((_, r, _)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    assert_eq!(status(&r, "ACC-05"), "error", "{}", item(&r, "ACC-05"));
}
