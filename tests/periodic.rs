//! Periodic reports: --baseline, changes, and `timaudit diff`.

mod common;
use common::*;

fn company(org: &str, review: &str) -> Company {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.profile(&format!(
        "organization:\n  name: {org}\n  certification: {{certified_on: 2025-04-01}}\nreviews:\n  - kind: access\n    date: {review}\n"
    ));
    c
}

fn audit_out(c: &Company, date: &str, out: &str, extra: &[&str]) -> Audit {
    let dir = c.path().join(out);
    let mut args = vec!["--out", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    c.audit(date, &args)
}

#[test]
fn a_second_audit_lists_items_whose_status_changed_and_diff_names_them() {
    let c = company("株式会社テスト", "2025-10-01");
    let first = audit_out(&c, "2025-11-20", "y2025", &[]);
    assert!(first.code < 2, "{}", first.stderr);
    assert_eq!(first.status("ACC-06"), "pass");
    // A year later the access review is overdue.
    let baseline = c.path().join("y2025/report.json");
    let second = audit_out(
        &c,
        "2026-11-20",
        "y2026",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(second.code < 2, "{}", second.stderr);
    let j = second.json();
    let items = j["changes"]["items"].as_array().unwrap();
    let acc06 = items
        .iter()
        .find(|i| i["id"] == "ACC-06")
        .expect("ACC-06 listed");
    assert_eq!(
        (acc06["old"].as_str(), acc06["new"].as_str()),
        (Some("pass"), Some("fail"))
    );
    assert_eq!(acc06["direction"], "worse");
    assert_eq!(j["changes"]["baseline_audit_date"], "2025-11-20");
    let md = std::fs::read_to_string(c.path().join("y2026/report.md")).unwrap();
    assert!(
        md.contains("Changes since the last audit") && md.contains("ACC-06"),
        "{md}"
    );

    let mut cmd = timaudit();
    cmd.args(["diff", "--lang", "ja"])
        .arg(&baseline)
        .arg(c.path().join("y2026/report.json"));
    let d = run(cmd);
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(
        d.stdout.contains("定期報告")
            && d.stdout.contains("| ACC-06 |")
            && d.stdout.contains("悪化"),
        "{}",
        d.stdout
    );
    assert!(
        d.stdout.contains("2027-04-01"),
        "next periodic report due: {}",
        d.stdout
    );
    let mut cmd = timaudit();
    cmd.args(["diff", "--format", "json"])
        .arg(&baseline)
        .arg(c.path().join("y2026/report.json"));
    let d = run(cmd);
    let j: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    assert!(
        j["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "ACC-06")
    );
    assert_eq!(j["timeline"]["expires_on"], "2028-03-31");
}

#[test]
fn a_baseline_of_another_organisation_or_a_newer_schema_stops_the_run() {
    let a = company("A社", "2025-10-01");
    audit_out(&a, "2025-11-20", "old", &[]);
    let baseline = a.path().join("old/report.json");
    let b = company("B社", "2025-10-01");
    let r = b.audit("2026-11-20", &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`A社`") && r.stderr.contains("`B社`"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());

    let text = std::fs::read_to_string(&baseline).unwrap().replacen(
        "\"schema_version\": 1",
        "\"schema_version\": 9",
        1,
    );
    let newer = a.write("newer/report.json", text);
    let r = a.audit("2026-11-20", &["--baseline", newer.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("newer timaudit"), "{}", r.stderr);

    let mut cmd = timaudit();
    cmd.arg("diff")
        .arg(&baseline)
        .arg(b.write("x.json", "not json"));
    assert_eq!(run(cmd).code, 2);

    // Without a profile the audit names no organisation: it cannot be checked to
    // be the same company (and its register is empty, so every protected file
    // would look removed).
    let mut cmd = timaudit();
    cmd.arg("audit")
        .arg("--root")
        .arg(a.root())
        .args(["--date", "2026-11-20", "--baseline"])
        .arg(&baseline)
        .current_dir(b.write("empty/.keep", "").parent().unwrap());
    let r = run(cmd);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`A社`") && r.stderr.contains("names no organisation"),
        "{}",
        r.stderr
    );
}

#[test]
fn without_the_baseline_inventory_hdl10_is_an_error_with_a_warning_not_a_pass() {
    let c = company("株式会社テスト", "2025-10-01");
    audit_out(&c, "2025-11-20", "y2025", &[]);
    let _ = std::fs::remove_file(c.path().join("y2025/inventory.jsonl"));
    let baseline = c.path().join("y2025/report.json");
    let r = c.audit("2026-11-20", &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(r.status("HDL-10"), "error", "{}", r.item("HDL-10"));
    assert!(
        r.item("HDL-10")["reason"]
            .as_str()
            .unwrap()
            .contains("inventory.jsonl")
    );
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("inventory.jsonl"),
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["changes"]["files_compared"], false);
}

#[test]
fn the_baseline_bundle_is_never_overwritten_by_the_new_audit() {
    let c = company("株式会社テスト", "2025-10-01");
    audit_out(&c, "2025-11-20", "y2025", &[]);
    let baseline = c.path().join("y2025/report.json");
    let before = std::fs::read(&baseline).unwrap();
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2025",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("baseline's own folder"), "{}", r.stderr);
    assert_eq!(std::fs::read(&baseline).unwrap(), before);
}

#[test]
fn a_new_bundle_inside_the_baseline_folder_is_refused_so_the_old_one_still_verifies() {
    let c = company("株式会社テスト", "2025-10-01");
    audit_out(&c, "2025-11-20", "y2025", &[]);
    let baseline = c.path().join("y2025/report.json");
    for out in ["y2025/y2026", "y2025/sub/y2026"] {
        let r = audit_out(
            &c,
            "2026-11-20",
            out,
            &["--baseline", baseline.to_str().unwrap()],
        );
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert!(
            r.stderr.contains("inside the baseline's folder"),
            "{}",
            r.stderr
        );
        assert!(!c.path().join(out).exists(), "{out} was created");
    }
    let mut cmd = timaudit();
    cmd.arg("verify").arg(c.path().join("y2025"));
    let v = run(cmd);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    // Beside it is fine.
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2026",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(r.code < 2, "{}", r.stderr);
}

const SHARE_PROFILE: &str = "organization:
  name: 株式会社テスト
scope:
  shares: [/srv/share]
markers: [社外秘]
assets:
  - id: T-001
    name: 図面
    classification: 極秘
    paths: [\"/srv/share/design/**\"]
    authorized: [\"group:design\"]
    handlers: [tanaka]
";

#[test]
fn protected_file_changes_are_listed_and_hdl10_passes_and_diff_names_the_edited_file() {
    use std::os::unix::fs::PermissionsExt;
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    c.host_file("/srv/share/design/keep.dwg", "same");
    c.host_file("/srv/share/design/edit.dwg", "version 1");
    c.host_file("/srv/share/design/gone.dwg", "old drawing");
    c.host_file("/srv/share/design/perm.dwg", "perm");
    c.host_file("/srv/share/public/news.txt", "news");
    for f in ["keep", "edit", "gone", "perm"] {
        let p = c.root().join(format!("srv/share/design/{f}.dwg"));
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let first = audit_out(&c, "2025-11-20", "y2025", &[]);
    assert_eq!(first.status("ACC-03"), "pass", "{}", first.item("ACC-03"));
    assert!(first.code < 2, "{}", first.stderr);
    assert_eq!(first.status("HDL-10"), "not_applicable");

    c.host_file("/srv/share/design/edit.dwg", "version 2, longer");
    std::fs::remove_file(c.root().join("srv/share/design/gone.dwg")).unwrap();
    c.host_file("/srv/share/design/new.dwg", "new drawing");
    std::fs::set_permissions(
        c.root().join("srv/share/design/perm.dwg"),
        std::fs::Permissions::from_mode(0o604),
    )
    .unwrap();
    c.host_file("/srv/share/public/more.txt", "not protected");
    let baseline = c.path().join("y2025/report.json");
    let second = audit_out(
        &c,
        "2026-11-20",
        "y2026",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(second.code < 2, "{}", second.stderr);
    assert_eq!(second.status("HDL-10"), "pass", "{}", second.item("HDL-10"));
    let j = second.json();
    let ch = &j["changes"];
    assert_eq!(ch["files_compared"], true);
    let paths = |k: &str| -> Vec<String> {
        ch[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(paths("added"), ["/srv/share/design/new.dwg"]);
    assert_eq!(paths("removed"), ["/srv/share/design/gone.dwg"]);
    assert_eq!(
        paths("changed"),
        ["/srv/share/design/edit.dwg", "/srv/share/design/perm.dwg"]
    );
    let changed = ch["changed"].as_array().unwrap();
    assert_eq!(changed[0]["what"], serde_json::json!(["content"]));
    assert_eq!(changed[1]["what"], serde_json::json!(["mode"]));
    assert_eq!(changed[1]["new"]["mode"], "0604");
    // The loosened permission shows up as an item whose status changed.
    assert!(
        ch["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "ACC-03" && i["new"] == "fail"),
        "{ch}"
    );
    let hdl10 = second.evidence("HDL-10").join("\n");
    for p in ["new.dwg", "gone.dwg", "edit.dwg", "perm.dwg"] {
        assert!(hdl10.contains(p), "{p} in {hdl10}");
    }
    assert!(!hdl10.contains("keep.dwg") && !hdl10.contains("more.txt"));

    let mut cmd = timaudit();
    cmd.arg("diff")
        .arg(&baseline)
        .arg(c.path().join("y2026/report.json"));
    let d = run(cmd);
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(
        d.stdout
            .contains("/srv/share/design/edit.dwg [T-001]: content"),
        "{}",
        d.stdout
    );
    assert!(d.stdout.contains("| ACC-03 |"), "{}", d.stdout);

    // Without --out the comparison still runs (the inventory goes to a temp file).
    let third = c.audit("2026-11-21", &["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(third.status("HDL-10"), "pass");
    assert_eq!(
        third.json()["changes"]["added"].as_array().unwrap().len(),
        1
    );
}

/// Moves the baseline's recorded walk start `secs` later, as if the files had
/// been written well before that walk (the same-tick guard then trusts them).
fn shift_started_at(report: &std::path::Path, secs: i64) {
    let mut j: serde_json::Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    let s = j["inventory"]["started_at"]
        .as_str()
        .expect("started_at recorded")
        .to_string();
    let t = chrono::DateTime::parse_from_rfc3339(&s).unwrap() + chrono::Duration::seconds(secs);
    j["inventory"]["started_at"] = t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true).into();
    std::fs::write(report, serde_json::to_vec_pretty(&j).unwrap()).unwrap();
}

fn inventory(c: &Company, out: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(c.path().join(out).join("inventory.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_re_audit_reuses_hashes_of_unchanged_files_but_never_within_the_same_tick() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    for i in 0..20 {
        c.host_file(
            &format!("/srv/share/design/d{i:02}.dwg"),
            format!("drawing {i}"),
        );
    }
    c.host_file("/srv/share/design/edited.dwg", "AAAA");
    let first = audit_out(&c, "2025-11-20", "y1", &[]);
    assert!(first.code < 2, "{}", first.stderr);
    let hashed = first.json()["inventory"]["hashed"].as_u64().unwrap();
    assert_eq!(hashed, 21);
    let baseline = c.path().join("y1/report.json");

    // The files were written within the guard of the baseline's walk start: the
    // same clock tick, so nothing is reused.
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(
        r.json()["inventory"]["reused"],
        0,
        "{}",
        r.json()["inventory"]
    );
    assert_eq!(r.json()["inventory"]["hashed"], 21);

    // Same size, same mtime (restored), new content: ctime changed, so it is re-read.
    let edited = c.root().join("srv/share/design/edited.dwg");
    let mtime = std::fs::metadata(&edited).unwrap().modified().unwrap();
    std::fs::write(&edited, "BBBB").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&edited)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    shift_started_at(&baseline, 60);
    let r = audit_out(
        &c,
        "2026-11-20",
        "y3",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(r.code < 2, "{}", r.stderr);
    let inv = &r.json()["inventory"];
    assert_eq!(inv["hashed"], 21);
    assert_eq!(inv["reused"], 20, "{inv}");
    // Reused hashes are the true hashes, and the edit is found.
    let old = inventory(&c, "y1");
    let new = inventory(&c, "y3");
    for (o, n) in old.iter().zip(new.iter()) {
        assert_eq!(o["path"], n["path"]);
        if o["path"] != "/srv/share/design/edited.dwg" {
            assert_eq!(o["sha256"], n["sha256"]);
        }
    }
    let e = new
        .iter()
        .find(|l| l["path"] == "/srv/share/design/edited.dwg")
        .unwrap();
    assert_eq!(e["sha256"], crate_sha256(b"BBBB"));
    let changed = r.json()["changes"]["changed"].clone();
    assert_eq!(changed[0]["path"], "/srv/share/design/edited.dwg");
    assert_eq!(changed[0]["what"], serde_json::json!(["content"]));
    // --no-hash never reuses (nothing is hashed).
    let r = audit_out(
        &c,
        "2026-11-20",
        "y4",
        &["--baseline", baseline.to_str().unwrap(), "--no-hash"],
    );
    assert_eq!(r.json()["inventory"]["reused"], 0);
}

fn crate_sha256(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn a_baseline_inventory_cut_at_a_line_boundary_is_not_compared_never_a_wrong_diff() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    for i in 0..6 {
        c.host_file(
            &format!("/srv/share/design/d{i}.dwg"),
            format!("drawing {i}"),
        );
    }
    audit_out(&c, "2025-11-20", "y1", &[]);
    // Keep only the first lines (whole lines: every one still parses).
    let inv = c.path().join("y1/inventory.jsonl");
    let text = std::fs::read_to_string(&inv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 4, "{text}");
    std::fs::write(&inv, lines[..lines.len() - 3].join("\n") + "\n").unwrap();
    let baseline = c.path().join("y1/report.json");
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(r.code < 2, "{}", r.stderr);
    assert_eq!(r.status("HDL-10"), "error", "{}", r.item("HDL-10"));
    let reason = r.item("HDL-10")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("inventory.jsonl") && reason.contains("counted 6"),
        "{reason}"
    );
    let ch = &r.json()["changes"];
    assert_eq!(ch["files_compared"], false);
    assert_eq!(ch["removed"].as_array().unwrap().len(), 0, "{ch}");

    // `diff` of the same pair says the files were not compared, and lists none.
    let mut cmd = timaudit();
    cmd.args(["diff", "--format", "json"])
        .arg(&baseline)
        .arg(c.path().join("y2/report.json"));
    let d = run(cmd);
    assert_eq!(d.code, 0, "{}", d.stderr);
    let j: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    assert_eq!(j["files_compared"], false, "{j}");
    assert_eq!(j["removed"].as_array().unwrap().len(), 0, "{j}");
}

#[test]
fn japanese_reports_name_the_kind_of_change_in_japanese() {
    use std::os::unix::fs::PermissionsExt;
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    c.host_file("/srv/share/design/edit.dwg", "version 1");
    c.host_file("/srv/share/design/perm.dwg", "perm");
    for f in ["edit", "perm"] {
        let p = c.root().join(format!("srv/share/design/{f}.dwg"));
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    audit_out(&c, "2025-11-20", "y1", &["--lang", "ja"]);
    c.host_file("/srv/share/design/edit.dwg", "version 2");
    std::fs::set_permissions(
        c.root().join("srv/share/design/perm.dwg"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let baseline = c.path().join("y1/report.json");
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", baseline.to_str().unwrap(), "--lang", "ja"],
    );
    assert!(r.code < 2, "{}", r.stderr);
    let ev = r.evidence("HDL-10").join("\n");
    assert!(ev.contains("変更: 内容"), "{ev}");
    assert!(
        ev.contains("変更: アクセス権（モード） (0640 → 0644)"),
        "{ev}"
    );
    assert!(!ev.contains("content") && !ev.contains(": mode"), "{ev}");

    let md = std::fs::read_to_string(c.path().join("y2/report.md")).unwrap();
    let section = &md[md.find("## 前回の監査（2025-11-20）からの変化").expect(&md)..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    assert!(section.contains("### 保護対象ファイルの変化"), "{section}");
    assert!(
        section.contains("合計 ") && !section.contains("total"),
        "{section}"
    );
    assert!(section.contains("edit.dwg [T-001]: 内容"), "{section}");

    let html = std::fs::read_to_string(c.path().join("y2/report.html")).unwrap();
    let changes = &html[html.find("id=\"changes\"").unwrap()..];
    let changes = &changes[..changes.find("</section>").unwrap()];
    assert!(changes.contains("変更された保護対象ファイル"), "{changes}");
    assert!(
        changes.contains("— 内容") && changes.contains("— アクセス権（モード） (0640 → 0644)"),
        "{changes}"
    );
    assert!(!changes.contains("content"), "{changes}");
}

#[test]
fn japanese_reports_say_in_japanese_why_protected_files_were_not_compared() {
    let c = company("株式会社テスト", "2025-10-01");
    audit_out(&c, "2025-11-20", "y1", &[]);
    std::fs::remove_file(c.path().join("y1/inventory.jsonl")).unwrap();
    let baseline = c.path().join("y1/report.json");
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", baseline.to_str().unwrap(), "--lang", "ja"],
    );
    assert_eq!(r.status("HDL-10"), "error");
    let reason = r.item("HDL-10")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("inventory.jsonl がありません") && !reason.contains("there is no"),
        "{reason}"
    );
    let j = r.json();
    let note = j["changes"]["files_note"].as_str().unwrap();
    assert!(note.contains("がありません"), "{note}");
    let warnings = j["warnings"].to_string();
    assert!(
        warnings.contains("比較できませんでした") && !warnings.contains("were not compared"),
        "{warnings}"
    );
    let md = std::fs::read_to_string(c.path().join("y2/report.md")).unwrap();
    assert!(!md.contains("were not compared"), "{md}");
}

#[test]
fn a_baseline_of_another_host_gives_a_clear_warning() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    c.host_file("/etc/hostname", "fs01\n");
    c.host_file("/srv/share/design/a.dwg", "a");
    audit_out(&c, "2025-11-20", "y1", &[]);
    let baseline = c.path().join("y1/report.json");
    // The same server a year later: no warning.
    let same = audit_out(
        &c,
        "2026-11-20",
        "same",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(!same.stderr.contains("other hosts"), "{}", same.stderr);
    assert!(
        !same.json()["warnings"].to_string().contains("other hosts"),
        "{}",
        same.json()["warnings"]
    );

    c.host_file("/etc/hostname", "fs02\n");
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(r.code < 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning:") && r.stderr.contains("other hosts (fs01)"),
        "{}",
        r.stderr
    );
    assert!(
        r.json()["warnings"].to_string().contains("(fs02)"),
        "{}",
        r.json()["warnings"]
    );
    let mut cmd = timaudit();
    cmd.args(["diff", "--format", "json"])
        .arg(&baseline)
        .arg(c.path().join("y2/report.json"));
    let d = run(cmd);
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(d.stderr.contains("other hosts"), "{}", d.stderr);
    let j: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    assert!(j["warnings"].to_string().contains("fs01"), "{j}");
}

#[test]
fn without_hashes_hdl10_is_an_error_not_a_pass_that_missed_same_size_edits() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    c.host_file("/srv/share/design/a.dwg", "AAAA");
    c.host_file("/srv/share/design/b.dwg", "BBBB");
    audit_out(&c, "2025-11-20", "y1", &[]);
    // Same size, new content: only a hash can see it.
    c.host_file("/srv/share/design/a.dwg", "aaaa");
    let baseline = c.path().join("y1/report.json");
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", baseline.to_str().unwrap(), "--no-hash"],
    );
    assert!(r.code < 2, "{}", r.stderr);
    assert_eq!(r.status("HDL-10"), "error", "{}", r.item("HDL-10"));
    let reason = r.item("HDL-10")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("2 protected files have no SHA-256") && reason.contains("--no-hash"),
        "{reason}"
    );
    // Each file whose edit could not be seen is cited (the evidence was empty).
    let ev = r.item("HDL-10")["evidence"].to_string();
    assert!(
        ev.contains("/srv/share/design/a.dwg") && ev.contains("/srv/share/design/b.dwg"),
        "{ev}"
    );
    let ch = &r.json()["changes"];
    assert_eq!(ch["files_compared"], true);
    assert!(
        ch["files_note"].as_str().unwrap().contains("--no-hash"),
        "{ch}"
    );
    let md = std::fs::read_to_string(c.path().join("y2/report.md")).unwrap();
    assert!(md.contains("have no SHA-256"), "{md}");
    let mut cmd = timaudit();
    cmd.arg("diff")
        .arg(&baseline)
        .arg(c.path().join("y2/report.json"));
    let d = run(cmd);
    assert!(d.stdout.contains("have no SHA-256"), "{}", d.stdout);

    // Hashed again, the edit is found and the item passes.
    let r = audit_out(
        &c,
        "2026-11-21",
        "y3",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(r.status("HDL-10"), "pass", "{}", r.item("HDL-10"));
    assert_eq!(
        r.json()["changes"]["changed"][0]["path"],
        "/srv/share/design/a.dwg"
    );
}

#[test]
fn owner_group_and_acl_changes_of_protected_files_are_listed() {
    use std::os::unix::fs::PermissionsExt;
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    for f in ["owner", "acl"] {
        let p = c.host_file(&format!("/srv/share/design/{f}.dwg"), f);
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    audit_out(&c, "2025-11-20", "y1", &[]);
    if !need_root("changing a file's owner") {
        return;
    }
    let owner = c.root().join("srv/share/design/owner.dwg");
    chown(&owner, 1001, 2001);
    // A numeric uid: setfacl resolves names on the real host, and suzuki (1002)
    // exists only in the audited root's /etc/passwd. Missing setfacl fails under CI.
    let acl_set = setfacl(
        &["-m", "u:1002:r--"],
        &c.root().join("srv/share/design/acl.dwg"),
    );
    let baseline = c.path().join("y1/report.json");
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(r.status("HDL-10"), "pass", "{}", r.item("HDL-10"));
    let changed = r.json()["changes"]["changed"].as_array().unwrap().clone();
    let what = |name: &str| {
        changed
            .iter()
            .find(|c| c["path"] == format!("/srv/share/design/{name}.dwg"))
            .map(|c| c["what"].clone())
    };
    assert_eq!(
        what("owner"),
        Some(serde_json::json!(["owner", "group"])),
        "{changed:?}"
    );
    // The evidence says who owned it before and now (was only "changed: owner").
    let ev = r.item("HDL-10")["evidence"].to_string();
    assert!(
        ev.contains("owner (root → tanaka)") && ev.contains("group (root → design)"),
        "{ev}"
    );
    if acl_set {
        // setfacl also adds a mask entry; the mode's group bits follow the mask.
        let w = what("acl").expect("the ACL change is listed");
        assert!(w.as_array().unwrap().iter().any(|x| x == "acl"), "{w}");
        let new = &changed
            .iter()
            .find(|c| c["path"] == "/srv/share/design/acl.dwg")
            .unwrap()["new"];
        assert!(new["acl"].to_string().contains("user:suzuki:r--"), "{new}");
        // The evidence shows the entries before and after.
        let ev = r.item("HDL-10")["evidence"].to_string();
        assert!(
            ev.contains("acl (none → ") && ev.contains("user:suzuki:r--"),
            "{ev}"
        );
    }
}

#[test]
fn a_mismatched_baseline_is_explained_in_japanese_with_lang_ja() {
    let a = company("A社", "2025-10-01");
    audit_out(&a, "2025-11-20", "old", &[]);
    let baseline = a.path().join("old/report.json");
    let b = company("B社", "2025-10-01");
    let r = b.audit(
        "2026-11-20",
        &["--lang", "ja", "--baseline", baseline.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    // Was English only ("the baseline … is for organisation …").
    assert!(
        r.stderr.contains("`A社`") && r.stderr.contains("同じ組織"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(&baseline).unwrap().replacen(
        "\"schema_version\": 1",
        "\"schema_version\": 9",
        1,
    );
    let newer = a.write("newer/report.json", text);
    let r = a.audit(
        "2026-11-20",
        &["--lang", "ja", "--baseline", newer.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("新しい timaudit"), "{}", r.stderr);
    let mut cmd = timaudit();
    cmd.args(["diff", "--lang", "ja"])
        .arg(&newer)
        .arg(&baseline);
    let r = run(cmd);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("新しい timaudit"), "{}", r.stderr);
}

#[test]
fn the_baseline_may_be_given_as_last_years_bundle_folder() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(SHARE_PROFILE);
    c.host_file("/srv/share/design/a.dwg", "AAAA");
    audit_out(&c, "2025-11-20", "y1", &[]);
    c.host_file("/srv/share/design/b.dwg", "BBBB");
    let folder = c.path().join("y1");
    // `--baseline y1` (was: "cannot read …: Is a directory").
    let r = audit_out(
        &c,
        "2026-11-20",
        "y2",
        &["--baseline", folder.to_str().unwrap()],
    );
    assert!(r.code < 2, "{}", r.stderr);
    assert_eq!(r.status("HDL-10"), "pass", "{}", r.item("HDL-10"));
    assert_eq!(
        r.json()["changes"]["added"][0]["path"],
        "/srv/share/design/b.dwg"
    );
    // diff takes the folders too; its file lists sit one level below their section
    // (were `####` right under `## Protected files`).
    let mut cmd = timaudit();
    cmd.args(["diff", "--format", "md"])
        .arg(&folder)
        .arg(c.path().join("y2"));
    let d = run(cmd);
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(d.stdout.contains("\n### Added (1)\n"), "{}", d.stdout);
    assert!(d.stdout.contains("/srv/share/design/b.dwg"), "{}", d.stdout);
    // Its own folder is still refused, in Japanese with --lang ja.
    let r = audit_out(
        &c,
        "2026-11-20",
        "y1",
        &["--lang", "ja", "--baseline", folder.to_str().unwrap()],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("フォルダーそのもの"), "{}", r.stderr);
}

/// 有限会社 → 株式会社: last year's bundle, made under the earlier name, is
/// accepted as the baseline and by `diff` once the profile lists that name under
/// `organization.previous_names`, and the periodic draft says the company was
/// renamed. A name that is not listed is still refused, saying how to fix it.
#[test]
fn a_baseline_under_an_earlier_company_name_is_accepted_and_the_rename_shown() {
    let c = company("有限会社テスト工業", "2025-10-01");
    let first = audit_out(&c, "2025-11-20", "y2025", &[]);
    assert!(first.code < 2, "{}", first.stderr);
    let baseline = c.path().join("y2025/report.json");
    let profile = |name: &str, previous: &str| {
        c.profile(&format!(
            "organization:\n  name: {name}\n{previous}  certification: {{certified_on: 2025-04-01}}\nreviews:\n  - kind: access\n    date: 2026-10-01\n"
        ));
    };

    // Renamed without saying so: refused, in the run's language, with the way out.
    profile("株式会社テスト工業", "");
    let b = baseline.to_str().unwrap();
    let r = c.audit("2026-11-20", &["--baseline", b]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("`有限会社テスト工業`")
            && r.stderr.contains("`株式会社テスト工業`")
            && r.stderr.contains("organization.previous_names"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let r = c.audit("2026-11-20", &["--lang", "ja", "--baseline", b]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("旧社名を `organization.previous_names` に書きます"),
        "{}",
        r.stderr
    );

    // Another earlier name does not make this one acceptable.
    profile("株式会社テスト工業", "  previous_names: [テスト商会]\n");
    let r = c.audit("2026-11-20", &["--baseline", b]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`有限会社テスト工業`"), "{}", r.stderr);

    // Said in the profile: the audit compares with last year.
    profile(
        "株式会社テスト工業",
        "  previous_names: [テスト商会, 有限会社テスト工業]\n",
    );
    let second = audit_out(&c, "2026-11-20", "y2026", &["--baseline", b]);
    assert!(second.code < 2, "{}", second.stderr);
    let j = second.json();
    assert_eq!(j["organization"]["name"], "株式会社テスト工業");
    assert_eq!(
        j["organization"]["previous_names"],
        serde_json::json!(["テスト商会", "有限会社テスト工業"])
    );
    assert_eq!(j["changes"]["baseline_audit_date"], "2025-11-20");
    // The audit's own report says the comparison crossed the rename.
    assert_eq!(j["changes"]["renamed_from"], "有限会社テスト工業");
    let md = std::fs::read_to_string(c.path().join("y2026/report.md")).unwrap();
    assert!(
        md.contains("The last audit was under the earlier name 有限会社テスト工業"),
        "{md}"
    );
    let html = std::fs::read_to_string(c.path().join("y2026/report.html")).unwrap();
    assert!(html.contains("earlier name 有限会社テスト工業"), "{html}");
    let ja = audit_out(
        &c,
        "2026-11-20",
        "y2026ja",
        &["--lang", "ja", "--baseline", b],
    );
    assert!(ja.code < 2, "{}", ja.stderr);
    let md = std::fs::read_to_string(c.path().join("y2026ja/report.md")).unwrap();
    assert!(
        md.contains("前回の監査は旧社名 有限会社テスト工業 で行われました"),
        "{md}"
    );
    let new = c.path().join("y2026/report.json");

    // The periodic draft names both names; the JSON carries the earlier one.
    for (lang, line) in [
        (
            "ja",
            "- 組織名の変更: 有限会社テスト工業 → 株式会社テスト工業",
        ),
        (
            "en",
            "- Organisation renamed: 有限会社テスト工業 → 株式会社テスト工業",
        ),
    ] {
        let mut cmd = timaudit();
        cmd.args(["diff", "--lang", lang]).arg(&baseline).arg(&new);
        let d = run(cmd);
        assert_eq!(d.code, 0, "{}", d.stderr);
        assert!(d.stdout.contains(line), "{lang}: {}", d.stdout);
    }
    let mut cmd = timaudit();
    cmd.args(["diff", "--format", "json"])
        .arg(&baseline)
        .arg(&new);
    let d = run(cmd);
    assert_eq!(d.code, 0, "{}", d.stderr);
    let dj: serde_json::Value = serde_json::from_str(&d.stdout).unwrap();
    assert_eq!(dj["renamed_from"], "有限会社テスト工業");
    assert_eq!(dj["organization"], "株式会社テスト工業");

    // Two audits under the same name: no rename line, in the diff or the report.
    let mut cmd = timaudit();
    cmd.arg("diff").arg(&new).arg(&new);
    let d = run(cmd);
    assert_eq!(d.code, 0, "{}", d.stderr);
    assert!(!d.stdout.contains("renamed"), "{}", d.stdout);
    let same = c.audit("2026-11-21", &["--baseline", new.to_str().unwrap()]);
    assert!(same.code < 2, "{}", same.stderr);
    assert!(same.json()["changes"].get("renamed_from").is_none());

    // `diff` reads the names from the newer report: compared the wrong way
    // round (the old report does not list the new name), it is refused.
    let mut cmd = timaudit();
    cmd.arg("diff").arg(&new).arg(&baseline);
    let d = run(cmd);
    assert_eq!(d.code, 2, "{}", d.stdout);
    assert!(
        d.stderr.contains("organization.previous_names"),
        "{}",
        d.stderr
    );
}

const MARKER_PROFILE: &str = "organization:
  name: 株式会社テスト
scope:
  shares: [/srv/share]
markers: [社外秘]
";

fn content_markers(line: &serde_json::Value) -> Vec<String> {
    line["markers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["where"] == "content")
        .map(|m| m["marker"].as_str().unwrap().to_string())
        .collect()
}

fn line_of<'a>(inv: &'a [serde_json::Value], path: &str) -> &'a serde_json::Value {
    inv.iter().find(|l| l["path"] == path).unwrap()
}

#[test]
fn a_re_audit_reuses_the_markers_of_unchanged_files_without_opening_them() {
    use std::os::unix::fs::PermissionsExt;
    if !need_root("running without the read-override capabilities") {
        return;
    }
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(MARKER_PROFILE);
    let marked = c.host_file("/srv/share/plans/marked.txt", "社外秘 price list");
    c.host_file("/srv/share/plans/plain.txt", "just a memo");
    c.host_file("/srv/share/plans/conf.txt", "Confidential memo");
    let edited = c.host_file("/srv/share/plans/edited.txt", "xxxxxxxxx v1");
    // Readable only thanks to root's capabilities.
    std::fs::set_permissions(&marked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let first = audit_out(&c, "2025-11-20", "y1", &[]);
    assert!(first.code < 2, "{}", first.stderr);
    let old = inventory(&c, "y1");
    assert_eq!(
        content_markers(line_of(&old, "/srv/share/plans/marked.txt")),
        ["社外秘"]
    );
    let baseline = c.path().join("y1/report.json");
    shift_started_at(&baseline, 60);

    // Changed in place: same size, new content and mtime.
    std::fs::write(&edited, "社外秘 v1").unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&edited)
        .unwrap()
        .set_modified(later)
        .unwrap();

    // Without the capabilities the mode-000 file cannot be opened: its hash and
    // its marker can only come from the baseline.
    let r = c.audit_without_read_override(
        "2026-11-20",
        &[
            "--out",
            c.path().join("y2").to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ],
    );
    assert!(r.code < 2, "{}", r.stderr);
    let inv = &r.json()["inventory"];
    assert_eq!(inv["hashed"], 4, "{inv}");
    assert_eq!(inv["reused"], 3, "{inv}");
    let new = inventory(&c, "y2");
    for p in ["marked", "plain", "conf"] {
        let p = format!("/srv/share/plans/{p}.txt");
        let (o, n) = (line_of(&old, &p), line_of(&new, &p));
        assert_eq!(o["sha256"], n["sha256"], "{p}");
        assert_eq!(o["markers"], n["markers"], "{p}");
        assert!(n.get("hash_error").is_none(), "{n}");
    }
    let e = line_of(&new, "/srv/share/plans/edited.txt");
    assert_eq!(e["sha256"], crate_sha256("社外秘 v1".as_bytes()));
    assert_eq!(content_markers(e), ["社外秘"]);
    assert!(
        r.json()["coverage"]["unreadable"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{}",
        r.json()["coverage"]
    );

    // A new marker in the profile: the baseline's markers do not say whether an
    // unchanged file contains it, so every file's leading bytes are read again
    // (hashes are still reused).
    c.profile(&MARKER_PROFILE.replace("[社外秘]", "[社外秘, Confidential]"));
    let r = audit_out(
        &c,
        "2026-11-20",
        "y3",
        &["--baseline", baseline.to_str().unwrap()],
    );
    assert!(r.code < 2, "{}", r.stderr);
    assert_eq!(r.json()["inventory"]["reused"], 3);
    let new = inventory(&c, "y3");
    assert_eq!(
        content_markers(line_of(&new, "/srv/share/plans/conf.txt")),
        ["Confidential"]
    );
    // And read it is: without the capabilities the mode-000 file is now an error.
    let r = c.audit_without_read_override(
        "2026-11-20",
        &[
            "--out",
            c.path().join("y4").to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ],
    );
    assert!(r.code < 3, "{}", r.stderr);
    let new = inventory(&c, "y4");
    let m = line_of(&new, "/srv/share/plans/marked.txt");
    assert!(m["sha256"].is_null(), "{m}");
    assert!(
        m["hash_error"].as_str().unwrap().contains("ermission"),
        "{m}"
    );
}
