//! More findings than the report lists (a first audit of a folder of unmarked,
//! world-readable files): the verdicts count every one, the report lists the
//! first 100 per item by path and says how many more there are, in every format
//! and both languages, and `findings.jsonl` in the bundle holds all of them and
//! is covered by the manifest.

mod walk_common;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
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

/// Protected, unmarked and readable by everyone (HDL-06 and ACC-03 each).
const PROTECTED: usize = 250;
/// Marked files on the share outside every asset (HDL-02 and STO-06).
const MARKED_SHARE: usize = 120;
/// Marked files under a `--scan` path (STO-06 only).
const MARKED_SCAN: usize = 5;
const KEPT: usize = 100;

fn lines_of(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read(path)
        .unwrap()
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

fn run(c: &Company, profile: &std::path::Path, lang: &str, out: &std::path::Path) {
    let o = std::process::Command::new(bin())
        .args([
            "audit",
            "--date",
            "2026-01-15",
            "--lang",
            lang,
            "--format",
            "table",
        ])
        .arg("--profile")
        .arg(profile)
        .arg("--root")
        .arg(c.root())
        .args(["--scan", "/home"])
        .arg("--out")
        .arg(out)
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(out.with_extension("table.txt"), &o.stdout).unwrap();
}

fn xlsx_strings(p: &std::path::Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    s
}

#[test]
fn every_finding_is_counted_the_report_lists_the_first_100_and_the_bundle_has_them_all() {
    let c = Company::new();
    for i in 0..PROTECTED {
        let f = c.write(&format!("/srv/share/design/part-{i:04}.dwg"), "geometry");
        chmod(&f, 0o644);
    }
    // A name that is not UTF-8 sorts after every ASCII name ("\u{fffd}" as printed).
    let odd = c
        .host("/srv/share/design")
        .join(std::ffi::OsStr::from_bytes(b"\xff.dwg"));
    std::fs::write(&odd, "geometry").unwrap();
    chmod(&odd, 0o644);
    for i in 0..MARKED_SHARE {
        c.write(&format!("/srv/share/sales/memo-{i:04}_社外秘.txt"), "memo");
    }
    for i in 0..MARKED_SCAN {
        c.write(&format!("/home/tanaka/copy-{i}_社外秘.txt"), "memo");
    }
    let profile = c.profile(PROFILE);
    let out = c.dir.path().join("out-en");
    run(&c, &profile, "en", &out);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();

    let protected = PROTECTED + 1;
    let more = protected - KEPT;
    // (item, findings counted, its reason)
    let cases = [
        (
            "HDL-06",
            protected,
            format!("{protected} of the {protected} protected files carry no marker"),
        ),
        (
            "ACC-03",
            protected,
            format!("{protected} protected files are readable by everyone"),
        ),
        (
            "HDL-02",
            MARKED_SHARE,
            format!("{MARKED_SHARE} marked files lie outside all assets' paths"),
        ),
        (
            "STO-06",
            MARKED_SHARE + MARKED_SCAN,
            format!("{} marked files lie outside", MARKED_SHARE + MARKED_SCAN),
        ),
    ];
    for (id, n, reason) in &cases {
        let it = item(&report, id);
        assert_eq!(it["status"], "fail", "{id}: {it}");
        assert!(
            it["reason"].as_str().unwrap().contains(reason.as_str()),
            "{id}: {}",
            it["reason"]
        );
        let ev = it["evidence"].as_array().unwrap();
        // The note first, then the first 100 files by path.
        assert_eq!(ev[0]["kind"], "note", "{id}");
        assert_eq!(ev[0]["omitted"], (n - KEPT) as u64, "{id}");
        let d = ev[0]["detail"].as_str().unwrap();
        assert!(
            d.contains(&format!("and {} more", n - KEPT)) && d.contains("findings.jsonl"),
            "{id}: {d}"
        );
        assert_eq!(ev.len(), KEPT + 1, "{id}");
    }
    let hdl06 = evidence_paths(&report, "HDL-06");
    let want: Vec<String> = (0..KEPT)
        .map(|i| format!("/srv/share/design/part-{i:04}.dwg"))
        .collect();
    assert_eq!(hdl06, want);
    // HDL-02 is about the shares: no --scan path among its evidence; STO-06 has them.
    assert!(
        evidence_paths(&report, "HDL-02")
            .iter()
            .all(|p| p.starts_with("/srv/share/"))
    );
    assert!(
        evidence_paths(&report, "STO-06")
            .iter()
            .any(|p| p.starts_with("/home/"))
    );
    // report.json stays small: 100 files per item, not every finding.
    let size = std::fs::metadata(out.join("report.json")).unwrap().len();
    assert!(size < 400_000, "report.json is {size} bytes");

    // findings.jsonl: every finding, by item (checklist order) and path.
    let lines = lines_of(&out.join("findings.jsonl"));
    let count = |id: &str| lines.iter().filter(|l| l["item"] == id).count();
    assert_eq!(count("HDL-06"), protected);
    assert_eq!(count("ACC-03"), protected);
    assert_eq!(count("HDL-02"), MARKED_SHARE + MARKED_SCAN);
    assert_eq!(lines.len(), 2 * protected + MARKED_SHARE + MARKED_SCAN);
    let first_hdl06: Vec<String> = lines
        .iter()
        .filter(|l| l["item"] == "HDL-06")
        .take(KEPT)
        .map(|l| l["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        first_hdl06, want,
        "the report lists the first lines of the file"
    );
    let odd_line = lines
        .iter()
        .find(|l| l["item"] == "ACC-03" && l.get("path_b64").is_some())
        .expect("the non-UTF-8 name is in findings.jsonl");
    assert_eq!(odd_line["path_b64"], "L3Nydi9zaGFyZS9kZXNpZ24v/y5kd2c=");
    assert_eq!(odd_line["root"], "share");
    assert_eq!(odd_line["asset"], "T-001");
    assert!(odd_line["detail"]["ja"].as_str().unwrap().contains("全員"));
    assert!(
        odd_line["excerpt"]
            .as_str()
            .unwrap()
            .starts_with("-rw-r--r--")
    );
    let scan = lines
        .iter()
        .filter(|l| l["item"] == "HDL-02" && l["root"] == "scan")
        .count();
    assert_eq!(scan, MARKED_SCAN);

    // The human reports say how many more, in English …
    let note = format!("and {more} more");
    for f in ["report.md", "report.html", "checklist.csv"] {
        let t = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(t.contains(&note), "{f} lacks {note:?}");
    }
    assert!(xlsx_strings(&out.join("checklist.xlsx")).contains(&note));
    let table = std::fs::read_to_string(out.with_extension("table.txt")).unwrap();
    assert!(
        table.contains(&format!(
            "… and {} more (all in findings.jsonl",
            protected - 3
        )),
        "{table}"
    );

    // … and in Japanese.
    let out_ja = c.dir.path().join("out-ja");
    run(&c, &profile, "ja", &out_ja);
    let note = format!("ほか {more} 件");
    for f in ["report.md", "report.html", "checklist.csv"] {
        let t = std::fs::read_to_string(out_ja.join(f)).unwrap();
        assert!(t.contains(&note), "{f} lacks {note:?}");
    }
    assert!(xlsx_strings(&out_ja.join("checklist.xlsx")).contains(&note));
    let table = std::fs::read_to_string(out_ja.with_extension("table.txt")).unwrap();
    assert!(
        table.contains(&format!(
            "… ほか {} 件（全件は証跡フォルダーの findings.jsonl）",
            protected - 3
        )),
        "{table}"
    );

    // The manifest covers findings.jsonl: the bundle verifies, and not once it is cut.
    let manifest = std::fs::read_to_string(out.join("MANIFEST.sha256")).unwrap();
    assert!(manifest.contains("  findings.jsonl\n"), "{manifest}");
    let verify = |d: &std::path::Path| {
        std::process::Command::new(bin())
            .args(["verify", "--lang", "en"])
            .arg(d)
            .output()
            .unwrap()
    };
    assert_eq!(verify(&out).status.code(), Some(0));
    let f = out.join("findings.jsonl");
    let mut bytes = std::fs::read(&f).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&f, bytes).unwrap();
    let v = verify(&out);
    assert_eq!(v.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&v.stdout).contains("changed: findings.jsonl"),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

/// ACC-02 objects to each principal that may read: two per file here (the owner
/// and the owning group), so 60 files make 120 findings. The verdict counts both
/// exactly though the report lists only the first 100 grants.
#[test]
fn acc02_counts_files_and_grants_beyond_the_listed_ones() {
    let c = Company::new();
    const FILES: usize = 60;
    for i in 0..FILES {
        let f = c.write(&format!("/srv/share/design/plan-{i:03}_社外秘.dwg"), "plan");
        chown(&f, 1004, 3000); // yamada:sales, neither authorized
        chmod(&f, 0o640);
    }
    let (_, report, stderr) = c.audit(&c.profile(PROFILE), &[]);
    let it = item(&report, "ACC-02");
    assert_eq!(it["status"], "fail", "{stderr}");
    assert!(
        it["reason"].as_str().unwrap().contains(&format!(
            "{FILES} protected files grant read access to unauthorized principals ({} grants)",
            2 * FILES
        )),
        "{}",
        it["reason"]
    );
    let ev = it["evidence"].as_array().unwrap();
    assert_eq!(ev[0]["omitted"], (2 * FILES - KEPT) as u64);
    let principals: Vec<&str> = ev[1..]
        .iter()
        .map(|e| e["principal"].as_str().unwrap())
        .collect();
    assert_eq!(principals.len(), KEPT);
    // By path, then principal: both grants of a file side by side.
    assert_eq!(&principals[..2], ["group:sales", "user:yamada"]);
    assert_eq!(
        ev[KEPT]["path"],
        format!("/srv/share/design/plan-{:03}_社外秘.dwg", KEPT / 2 - 1)
    );
}
