//! `merge` of host bundles whose items have more findings than their reports
//! list (each report keeps the first 100 per item and counts all of them): the
//! company report says exactly how many of each host's findings it does not
//! show, in every format it writes and in both languages.

mod walk_common;
use std::io::Read;
use std::path::{Path, PathBuf};
use walk_common::*;

const PROFILE: &str = r#"version: 1
organization:
  name: 株式会社テスト製作所
scope:
  shares: [/srv/share]
markers: [社外秘]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design/**"]
    authorized: ["group:design"]
    handlers: [tanaka]
people:
  - account: tanaka
    name: 田中
    roles: [handler]
    status: active
"#;

/// What a host report lists per item, and the company report per host.
const KEPT: usize = 100;
const PER_HOST: usize = 5;

/// A host with `files` protected, unmarked, world-readable files (each a finding
/// of HDL-06 and of ACC-03), audited into `bundles/NAME`.
fn host_bundle(dir: &Path, name: &str, files: usize) -> (Company, PathBuf) {
    let c = Company::new();
    for i in 0..files {
        let f = c.write(&format!("/srv/share/design/part-{i:04}.dwg"), "geometry");
        chmod(&f, 0o644);
    }
    let profile = c.profile(PROFILE);
    let out = dir.join(name);
    let o = std::process::Command::new(bin())
        .args(["audit", "--date", "2026-01-15", "--lang", "en"])
        .args(["--format", "json", "--host-name", name])
        .arg("--profile")
        .arg(&profile)
        .arg("--root")
        .arg(c.root())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (c, out)
}

fn merge(bundles: &[&Path], lang: &str, out: &Path) {
    let o = std::process::Command::new(bin())
        .args(["merge", "--lang", lang, "--out"])
        .arg(out)
        .args(bundles)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn xlsx_strings(p: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

/// As report.md prints it (brackets escaped).
fn md(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

fn details(report: &serde_json::Value, id: &str) -> Vec<String> {
    item(report, id)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_company_report_counts_every_finding_a_host_did_not_list() {
    let tmp = tempfile::tempdir().unwrap();
    let (_fs01, b1) = host_bundle(tmp.path(), "fs01", 251);
    let (_fs02, b2) = host_bundle(tmp.path(), "fs02", 130);
    // Each host report lists the first 100 findings and counts the others.
    let host: serde_json::Value =
        serde_json::from_slice(&std::fs::read(b1.join("report.json")).unwrap()).unwrap();
    let ev = item(&host, "HDL-06")["evidence"].as_array().unwrap();
    assert_eq!(ev.len(), KEPT + 1);
    assert_eq!(ev[0]["omitted"], 251 - KEPT as u64);

    let out = tmp.path().join("company-en");
    merge(&[&b1, &b2], "en", &out);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    let notes = [
        format!(
            "[fs01] and {} more (251 in all: the first 100 in hosts/fs01/report.json, every one in hosts/fs01/findings.jsonl)",
            251 - PER_HOST
        ),
        format!(
            "[fs02] and {} more (130 in all: the first 100 in hosts/fs02/report.json, every one in hosts/fs02/findings.jsonl)",
            130 - PER_HOST
        ),
    ];
    for id in ["HDL-06", "ACC-03"] {
        assert_eq!(status(&report, id), "fail");
        let d = details(&report, id);
        for n in &notes {
            assert!(d.contains(n), "{id} lacks {n:?}: {d:#?}");
        }
        // Five files of each host, then its note; the hosts' own notes are not copied.
        assert_eq!(d.len(), 2 * (PER_HOST + 1), "{id}: {d:#?}");
        assert!(
            item(&report, id)["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e.get("omitted").is_none())
        );
    }
    for f in ["report.md", "report.html", "checklist.csv"] {
        let t = std::fs::read_to_string(out.join(f)).unwrap();
        for n in &notes {
            let n = if f == "report.md" { md(n) } else { n.clone() };
            assert!(t.contains(&n), "{f} lacks {n:?}");
        }
    }
    let x = xlsx_strings(&out.join("checklist.xlsx"));
    for n in &notes {
        assert!(x.contains(n.as_str()), "checklist.xlsx lacks {n:?}");
    }
    // The note is true: the copied host bundle holds every finding.
    let lines = std::fs::read_to_string(out.join("hosts/fs01/findings.jsonl")).unwrap();
    let hdl06 = lines.lines().filter(|l| l.contains("\"HDL-06\"")).count();
    assert_eq!(hdl06, 251);

    let out = tmp.path().join("company-ja");
    merge(&[&b1, &b2], "ja", &out);
    let note = format!(
        "[fs01] ほか {} 件（全 251 件。hosts/fs01/report.json に最初の 100 件、全件は hosts/fs01/findings.jsonl）",
        251 - PER_HOST
    );
    let fs02 = format!("[fs02] ほか {} 件（全 130 件。", 130 - PER_HOST);
    for f in ["report.json", "report.md", "report.html", "checklist.csv"] {
        let t = std::fs::read_to_string(out.join(f)).unwrap();
        for n in [&note, &fs02] {
            let n = if f == "report.md" { md(n) } else { n.clone() };
            assert!(t.contains(&n), "{f} lacks {n:?}");
        }
    }
    assert!(xlsx_strings(&out.join("checklist.xlsx")).contains(&note));
}
