//! `audit --out DIR` (the evidence bundle) and `verify DIR`, with the real binary.

mod bundle_common;

use bundle_common::*;
use std::io::Read;
use std::path::Path;
use std::process::Command;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sha256sum_check(dir: &Path) -> std::process::Output {
    Command::new("sha256sum")
        .args(["-c", "MANIFEST.sha256"])
        .current_dir(dir)
        .output()
        .expect("sha256sum (coreutils) is installed")
}

fn verify(dir: &Path) -> (i32, String) {
    let out = timaudit()
        .args(["verify", "--lang", "en"])
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_bundle_has_every_file_and_verifies_until_someone_touches_it() {
    let c = company();
    audit(&c, "en");
    let out = c.out();
    for f in [
        "report.json",
        "report.md",
        "report.html",
        "checklist.csv",
        "checklist.xlsx",
        "MANIFEST.sha256",
        // The configuration file the ACC-07 verdict cites, under its host path.
        "evidence/etc/group",
        // Company files named in the profile, by their path in the profile's folder.
        "evidence/profile/docs/appointment.pdf",
        "evidence/profile/docs/rules.pdf",
        "evidence/profile/docs/access-review.pdf",
        "evidence/profile/photos/cabinet.jpg",
    ] {
        assert!(out.join(f).is_file(), "{f} is missing from the bundle");
    }
    for name in [SCRIPT_NAME, ODD_NAME] {
        let p = out.join("evidence/profile/records").join(name);
        assert!(p.is_file(), "{name:?} is missing from the bundle");
    }
    assert!(out.join("evidence/profile").join(FORMULA_NAME).is_file());
    // The copies are the files the verdicts read.
    assert_eq!(
        read(&out.join("evidence/etc/group")),
        read(&c.root().join("etc/group"))
    );
    let report: serde_json::Value = serde_json::from_str(&read(&out.join("report.json"))).unwrap();
    let acc07 = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "ACC-07")
        .unwrap();
    assert_eq!(acc07["status"], "fail");
    assert!(
        acc07["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "config" && e["path"] == "/etc/group")
    );

    // The manifest lists every other file in DIR, in sha256sum's format.
    let manifest = std::fs::read(out.join("MANIFEST.sha256")).unwrap();
    let listed: Vec<&[u8]> = manifest
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut files = files_under(&out);
    files.retain(|f| f != b"MANIFEST.sha256");
    assert_eq!(
        listed.len(),
        files.len(),
        "{}",
        String::from_utf8_lossy(&manifest)
    );
    let text = String::from_utf8_lossy(&manifest);
    assert!(text.contains("  report.html\n"));
    // A name with a newline and a backslash is escaped as sha256sum does.
    assert!(
        text.contains("\\")
            && text
                .lines()
                .any(|l| l.starts_with('\\') && l.ends_with("records/odd\\nname\\\\x.csv")),
        "{text}"
    );

    let check = sha256sum_check(&out);
    assert!(
        check.status.success(),
        "sha256sum -c failed:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let (code, text) = verify(&out);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!("OK: all {} files match", files.len())),
        "{text}"
    );

    // One byte changed, one evidence file deleted, one file added.
    let group = out.join("evidence/etc/group");
    let mut bytes = std::fs::read(&group).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&group, bytes).unwrap();
    std::fs::remove_file(out.join("evidence/profile/docs/rules.pdf")).unwrap();
    std::fs::write(out.join("evidence/added.txt"), "later").unwrap();
    let (code, text) = verify(&out);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("changed: evidence/etc/group"), "{text}");
    assert!(
        text.contains("missing: evidence/profile/docs/rules.pdf"),
        "{text}"
    );
    assert!(text.contains("extra: evidence/added.txt"), "{text}");
    assert!(!sha256sum_check(&out).status.success());
}

#[test]
fn the_human_reports_show_every_item_and_hostile_names_escaped() {
    let c = company();
    audit(&c, "ja");
    let out = c.out();
    let report: serde_json::Value = serde_json::from_str(&read(&out.join("report.json"))).unwrap();
    let ids: Vec<String> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() > 40);

    let html = read(&out.join("report.html"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;.csv"));
    assert!(!html.to_ascii_lowercase().contains("<img"));
    assert!(!html.to_ascii_lowercase().contains("<script"));
    assert!(html.contains("株式会社テスト精密 &lt;b&gt;&amp;&lt;/b&gt;"));
    assert!(html.contains("<svg") && html.contains("class=\"scores\""));
    assert!(html.contains("<html lang=\"ja\">"));
    for id in &ids {
        assert!(
            html.contains(&format!("id=\"item-{id}\"")),
            "{id} not in the page"
        );
    }

    let csv = std::fs::read(out.join("checklist.csv")).unwrap();
    assert!(csv.starts_with(b"\xef\xbb\xbf"), "no BOM");
    let csv = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines.len(),
        ids.len() + 1,
        "one row per item plus the header"
    );
    for (line, id) in lines[1..].iter().zip(&ids) {
        assert!(line.starts_with(&format!("{id},")), "{line}");
    }
    // The record named like a formula is cited at the start of a cell: guarded.
    let sto02 = lines.iter().find(|l| l.starts_with("STO-02,")).unwrap();
    assert!(sto02.contains(",'=cmd|"), "{sto02}");
    assert!(
        !sto02.contains(",=cmd") && !sto02.contains(",\"=cmd"),
        "{sto02}"
    );

    let mut zip = zip::ZipArchive::new(std::fs::File::open(out.join("checklist.xlsx")).unwrap())
        .expect("the workbook is a zip file");
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut strings)
        .unwrap();
    for id in &ids {
        assert!(
            strings.contains(&format!(">{id}<")),
            "{id} not in the workbook"
        );
    }
    assert!(strings.contains("&lt;img src=x onerror=alert(1)&gt;.csv"));
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.to_string()).unwrap_or_default())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("xl/charts/chart")),
        "{names:?}"
    );
}

#[test]
fn a_second_audit_with_force_keeps_its_own_bundle_aside_but_never_takes_anyone_elses_folder() {
    let c = company();
    audit(&c, "en");
    let again = timaudit()
        .args(["audit", "--date", "2026-11-25", "--force", "--profile"])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .arg("--out")
        .arg(c.out())
        .output()
        .unwrap();
    assert!(matches!(again.status.code(), Some(0 | 1)), "{again:?}");
    assert_eq!(verify(&c.out()).0, 0);
    assert_eq!(verify(&c.path().join("out.previous")).0, 0);

    let mine = c.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
    let out = timaudit()
        .args(["audit", "--date", "2026-11-25", "--force", "--profile"])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .arg("--out")
        .arg(&mine)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert_eq!(read(&mine.join("notes.txt")), "keep me");
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}

#[test]
fn a_link_planted_in_the_bundle_folder_is_never_followed() {
    let c = company();
    audit(&c, "en");
    let outside = c.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    // Someone replaces evidence/ with a link to another folder before the next run.
    std::fs::rename(c.out().join("evidence"), c.path().join("moved")).unwrap();
    std::os::unix::fs::symlink(&outside, c.out().join("evidence")).unwrap();
    let out = timaudit()
        .args(["audit", "--date", "2026-11-25", "--profile"])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .arg("--out")
        .arg(c.out())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("evidence"));
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "something was written through the link"
    );
    // verify reports the link instead of following it.
    let (code, text) = verify(&c.out());
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("extra: evidence"), "{text}");
}

#[test]
fn verify_exits_2_when_there_is_nothing_to_check() {
    let d = tempfile::tempdir().unwrap();
    let (code, text) = verify(d.path());
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("MANIFEST.sha256"), "{text}");
    let (code, _) = verify(&d.path().join("missing"));
    assert_eq!(code, 2);
    std::fs::write(d.path().join("MANIFEST.sha256"), "not a manifest\n").unwrap();
    let (code, text) = verify(d.path());
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("line 1"), "{text}");
    let out = timaudit().arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // In Japanese with --lang ja (was English only).
    std::fs::remove_file(d.path().join("MANIFEST.sha256")).unwrap();
    let out = timaudit()
        .args(["verify", "--lang", "ja"])
        .arg(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("を読めません"), "{err}");
}

#[test]
fn csv_html_and_the_blank_workbook_on_stdout() {
    let c = company();
    let out = timaudit()
        .args([
            "audit",
            "--format",
            "csv",
            "--date",
            "2026-11-25",
            "--profile",
        ])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .output()
        .unwrap();
    assert!(
        out.stdout.starts_with(b"\xef\xbb\xbfID,"),
        "{:?}",
        &out.stdout[..20]
    );
    let out = timaudit()
        .args([
            "audit",
            "--format",
            "html",
            "--date",
            "2026-11-25",
            "--profile",
        ])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("<!DOCTYPE html>"));
    let out = timaudit()
        .args(["audit", "--format", "xlsx"])
        .arg("--root")
        .arg(c.root())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "xlsx is written with --out only"
    );

    let out = timaudit()
        .args(["checklist", "--format", "xlsx", "--lang", "en"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out.stdout)).unwrap();
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut strings)
        .unwrap();
    for id in ["ADM-01", "HDL-10", "TRN-05", "ACC-07", "STO-06", "ITS-13"] {
        assert!(strings.contains(&format!(">{id}<")), "{id}");
    }
}

#[test]
fn the_account_files_and_the_roster_and_training_csvs_every_verdict_read_are_in_the_bundle() {
    let d = tempfile::tempdir().unwrap();
    let c = d.path().join("company");
    let r = d.path().join("root");
    let files = [
        (
            c.join("timaudit.yaml"),
            "version: 1\norganization:\n  name: 株式会社名簿\npeople_file: people.csv\ntraining_file: training.csv\n",
        ),
        (
            c.join("people.csv"),
            "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\ntanaka,田中,handler,active,2020-04-01,,2020-04-01,\n",
        ),
        (
            c.join("training.csv"),
            "date,account,title,topics\n2026-06-01,tanaka,研修,handling;reporting;sanctions\n",
        ),
        (
            r.join("etc/passwd"),
            "root:x:0:0:root:/root:/bin/bash\ntanaka:x:1001:1001::/home/tanaka:/bin/bash\n",
        ),
        (r.join("etc/group"), "root:x:0:\ntanaka:x:1001:\n"),
        (r.join("etc/shadow"), "tanaka:$6$secret:19000::::::\n"),
    ];
    for (p, text) in &files {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let out = d.path().join("out");
    let o = timaudit()
        .args(["audit", "--lang", "en", "--date", "2026-11-25", "--profile"])
        .arg(c.join("timaudit.yaml"))
        .arg("--root")
        .arg(&r)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        o.status.code().unwrap() < 2,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for (copy, original) in [
        ("evidence/etc/passwd", r.join("etc/passwd")),
        ("evidence/etc/group", r.join("etc/group")),
        ("evidence/profile/people.csv", c.join("people.csv")),
        ("evidence/profile/training.csv", c.join("training.csv")),
    ] {
        assert_eq!(read(&out.join(copy)), read(&original), "{copy}");
    }
    assert!(!out.join("evidence/etc/shadow").exists());
    let (code, text) = verify(&out);
    assert_eq!(code, 0, "{text}");

    // The same with paths relative to the working folder, as a user types
    // them: the roster was looked for under company/company/ and not copied.
    let o = timaudit()
        .current_dir(d.path())
        .args(["audit", "--lang", "en", "--date", "2026-11-25"])
        .args(["--profile", "company/timaudit.yaml", "--root", "root"])
        .args(["--out", "out-relative"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code().unwrap() < 2, "{stderr}");
    assert!(!stderr.contains("could not copy"), "{stderr}");
    let out = d.path().join("out-relative");
    for (copy, original) in [
        ("evidence/profile/people.csv", c.join("people.csv")),
        ("evidence/profile/training.csv", c.join("training.csv")),
    ] {
        assert_eq!(read(&out.join(copy)), read(&original), "{copy}");
    }
}

#[test]
fn a_roster_csv_is_in_the_bundle_when_the_profile_is_given_by_a_relative_path() {
    let d = tempfile::tempdir().unwrap();
    let c = d.path().join("company");
    std::fs::create_dir_all(&c).unwrap();
    std::fs::create_dir_all(d.path().join("root/etc")).unwrap();
    std::fs::write(
        c.join("timaudit.yaml"),
        "version: 1\norganization:\n  name: 株式会社相対\npeople_file: people.csv\n",
    )
    .unwrap();
    std::fs::write(
        c.join("people.csv"),
        "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\ntanaka,田中,handler,active,2020-04-01,,2020-04-01,\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("root/etc/passwd"),
        "root:x:0:0::/root:/bin/bash\n",
    )
    .unwrap();
    std::fs::write(d.path().join("root/etc/group"), "root:x:0:\n").unwrap();
    // `--profile company/timaudit.yaml` from the folder above: the roster was
    // looked for at company/company/people.csv and left out with a warning.
    let o = timaudit()
        .current_dir(d.path())
        .args(["audit", "--lang", "en", "--date", "2026-11-25"])
        .args([
            "--profile",
            "company/timaudit.yaml",
            "--root",
            "root",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code().unwrap() < 2, "{stderr}");
    assert!(!stderr.contains("could not copy"), "{stderr}");
    assert_eq!(
        read(&d.path().join("out/evidence/profile/people.csv")),
        read(&c.join("people.csv"))
    );
    assert_eq!(verify(&d.path().join("out")).0, 0);
}

#[test]
fn windows_evidence_given_by_a_relative_path_is_copied_into_the_bundle() {
    let d = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/windows/ja-pc01");
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        let to = d
            .path()
            .join("pc01")
            .join(e.path().strip_prefix(&src).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    // `--evidence pc01`: the items cite `pc01/firewall.txt`, which was looked
    // for at pc01/pc01/firewall.txt and left out with a warning.
    let o = timaudit()
        .current_dir(d.path())
        .args(["audit", "--lang", "en", "--date", "2026-11-25"])
        .args(["--evidence", "pc01", "--out", "out"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.code().unwrap() < 2, "{stderr}");
    assert!(!stderr.contains("not copied"), "{stderr}");
    let copy = d.path().join("out/evidence/windows/pc01/firewall.txt");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        std::fs::read(d.path().join("pc01/firewall.txt")).unwrap()
    );
    assert_eq!(verify(&d.path().join("out")).0, 0);
}
