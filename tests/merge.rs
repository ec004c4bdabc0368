//! `merge BUNDLE... --out DIR`: host bundles made by the real binary from copies
//! of the sample company (two Linux roots, one Windows evidence folder) merged
//! into one company bundle.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn timaudit() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_timaudit"));
    c.env_remove("LANG").env_remove("LC_ALL");
    c
}

fn run(c: &mut Command) -> (i32, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample company copied into a temp dir: `company/` (profile, records) and
/// `root1/`, `root2/` (two Linux hosts; on root2 the firewall is off).
struct Fleet {
    dir: tempfile::TempDir,
}

impl Fleet {
    fn new() -> Fleet {
        let dir = tempfile::tempdir().unwrap();
        let company = dir.path().join("company");
        let ok = Command::new("cp")
            .arg("-a")
            .arg(repo().join("examples/sample-company"))
            .arg(&company)
            .status()
            .unwrap();
        assert!(ok.success());
        for (n, host) in [(1, "fs01"), (2, "fs02")] {
            let root = dir.path().join(format!("root{n}"));
            let ok = Command::new("cp")
                .arg("-a")
                .arg(company.join("root"))
                .arg(&root)
                .status()
                .unwrap();
            assert!(ok.success());
            std::fs::write(root.join("etc/hostname"), format!("{host}\n")).unwrap();
        }
        // fs02: firewall off, so ITS-03 fails there and passes on fs01.
        std::fs::write(
            dir.path().join("root2/etc/ufw/ufw.conf"),
            "ENABLED=no\nLOGLEVEL=low\n",
        )
        .unwrap();
        Fleet { dir }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    /// `audit --out bundles/NAME` of a root (or Windows evidence); returns the bundle.
    fn audit(&self, name: &str, args: &[&str]) -> PathBuf {
        let out = self.path(&format!("bundles/{name}"));
        let (code, text) = run(timaudit()
            .current_dir(self.path("company"))
            .args([
                "audit",
                "--profile",
                "timaudit.yaml",
                "--date",
                "2026-12-01",
            ])
            .args(["--lang", "en", "--out"])
            .arg(&out)
            .args(args));
        assert!(code == 0 || code == 1, "audit {name}: {code}\n{text}");
        out
    }
    fn linux(&self, n: u32, extra: &[&str]) -> PathBuf {
        let root = self.path(&format!("root{n}"));
        let root = root.to_str().unwrap();
        let mut args = vec!["--root", root];
        args.extend_from_slice(extra);
        let name = extra.last().map_or(format!("root{n}"), |s| s.to_string());
        self.audit(&name, &args)
    }
    fn windows(&self) -> PathBuf {
        let ev = repo().join("tests/fixtures/windows/ja-pc01");
        self.audit("pc01", &["--evidence", ev.to_str().unwrap()])
    }
    fn merge(&self, bundles: &[&Path], extra: &[&str]) -> (i32, String, PathBuf) {
        let out = self.path("company-bundle");
        let (code, text) = run(timaudit()
            .args(["merge", "--lang", "en", "--out"])
            .arg(&out)
            .args(extra)
            .args(bundles));
        (code, text, out)
    }
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn status(report: &Value, id: &str) -> String {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The statuses of one matrix row, host by host.
fn row(matrix: &Value, id: &str) -> (String, Vec<String>) {
    let item = matrix["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap();
    let cells = item["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap().to_string())
        .collect();
    (item["company"].as_str().unwrap().to_string(), cells)
}

#[test]
fn the_company_status_is_the_worst_host_and_every_host_is_kept() {
    let f = Fleet::new();
    let a = f.linux(1, &[]);
    let b = f.linux(2, &["--host-name", "nas-b"]);
    let w = f.windows();
    let (code, text, out) = f.merge(&[&a, &b, &w], &[]);
    // The sample company fails items, so merge says so like audit does.
    assert_eq!(code, 1, "{text}");

    let m = json(&out.join("matrix.json"));
    let names: Vec<&str> = m["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["fs01", "nas-b", "SEKKEI-PC01"]);
    assert_eq!(m["hosts"][2]["evidence_only"], true);
    assert_eq!(m["hosts"][0]["evidence_only"], false);

    // Firewall: pass on fs01, fail on nas-b → the company fails.
    let (company, cells) = row(&m, "ITS-03");
    assert_eq!(cells[..2], ["pass", "fail"]);
    assert_eq!(company, "fail");
    // Updates: pass on both Linux hosts, not applicable on the Windows
    // evidence → pass (not applicable on one host does not count).
    let (company, cells) = row(&m, "ITS-09");
    assert_eq!(cells, ["pass", "pass", "not_applicable"]);
    assert_eq!(company, "pass");
    // No baseline anywhere: not applicable on every host → not applicable.
    let (company, cells) = row(&m, "HDL-10");
    assert!(cells.iter().all(|c| c == "not_applicable"));
    assert_eq!(company, "not_applicable");
    // An organisational item is decided once and marked so.
    let adm = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "ADM-01")
        .unwrap();
    assert_eq!(adm["scope"], "organization");

    // The company report.json says the same, names every host, and its reason
    // says which host failed.
    let r = json(&out.join("report.json"));
    assert_eq!(status(&r, "ITS-03"), "fail");
    assert_eq!(status(&r, "ITS-09"), "pass");
    assert_eq!(status(&r, "HDL-10"), "not_applicable");
    assert_eq!(r["hosts"].as_array().unwrap().len(), 3);
    let its03 = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "ITS-03")
        .unwrap();
    let reason = its03["reason"].as_str().unwrap();
    assert!(
        reason.contains("fail: nas-b") && reason.contains("pass: fs01"),
        "{reason}"
    );

    // Matrix in every format: HTML coloured cells, Markdown rows, CSV one row
    // per item × host, XLSX a workbook.
    let html = std::fs::read_to_string(out.join("matrix.html")).unwrap();
    assert!(html.contains("<tr id=\"item-ITS-03\">"));
    assert!(html.contains("class=\"s-fail\" title=\"nas-b: "));
    let md = std::fs::read_to_string(out.join("matrix.md")).unwrap();
    assert!(md.contains("| ITS-03 | "), "{md}");
    let csv = std::fs::read_to_string(out.join("matrix.csv")).unwrap();
    let items = r["items"].as_array().unwrap().len();
    assert_eq!(csv.lines().count(), 1 + items * 3);
    assert!(
        csv.lines()
            .any(|l| l.starts_with("ITS-03,") && l.contains(",nas-b,") && l.contains(",fail,"))
    );
    let xlsx = std::fs::read(out.join("matrix.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"));

    // The company bundle verifies, and so does each host's copy on its own; the
    // host manifests' digests are listed and match the originals.
    let (code, text) = run(timaudit().args(["verify", "--lang", "en"]).arg(&out));
    assert_eq!(code, 0, "{text}");
    for h in ["fs01", "nas-b", "SEKKEI-PC01"] {
        let (code, text) = run(timaudit().arg("verify").arg(out.join("hosts").join(h)));
        assert_eq!(code, 0, "{h}: {text}");
    }
    let listed = std::fs::read_to_string(out.join("hosts.sha256")).unwrap();
    let b_digest = sha256_file(&b.join("MANIFEST.sha256"));
    assert!(
        listed.contains(&format!("{b_digest}  hosts/nas-b/MANIFEST.sha256")),
        "{listed}"
    );
    let ok = Command::new("sha256sum")
        .args(["-c", "hosts.sha256"])
        .current_dir(&out)
        .status()
        .unwrap();
    assert!(ok.success());

    // A file changed in the company bundle afterwards is caught by verify.
    std::fs::write(out.join("hosts/nas-b/report.md"), "forged").unwrap();
    let (code, text) = run(timaudit().args(["verify", "--lang", "en"]).arg(&out));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("hosts/nas-b/report.md"), "{text}");
}

fn sha256_file(p: &Path) -> String {
    let out = Command::new("sha256sum").arg(p).output().unwrap();
    String::from_utf8_lossy(&out.stdout)[..64].to_string()
}

#[test]
fn a_tampered_host_bundle_is_refused_with_the_reason() {
    let f = Fleet::new();
    let a = f.linux(1, &[]);
    let b = f.linux(2, &[]);
    let sshd = b.join("evidence/etc/ssh/sshd_config");
    assert!(sshd.is_file());
    let mut text = std::fs::read_to_string(&sshd).unwrap();
    text.push_str("PermitRootLogin no\n");
    std::fs::write(&sshd, text).unwrap();
    let (code, text, out) = f.merge(&[&a, &b], &[]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("does not match its MANIFEST.sha256"),
        "{text}"
    );
    assert!(text.contains("evidence/etc/ssh/sshd_config"), "{text}");
    assert!(!out.exists(), "nothing is written when a bundle is refused");

    // A company bundle is not a host bundle.
    let (code, _, out) = f.merge(&[&a], &[]);
    assert!(code == 0 || code == 1);
    let (code, text) = run(timaudit()
        .args(["merge", "--lang", "en", "--out"])
        .arg(f.path("again"))
        .arg(&out));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("company bundle"), "{text}");
}

#[test]
fn the_same_host_twice_is_refused_unless_latest_keeps_the_newer() {
    let f = Fleet::new();
    let old = f.linux(1, &["--host-name", "old"]);
    // Same host name again, a second later (generated_at has seconds).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let root = f.path("root1");
    let new = f.audit(
        "new",
        &["--root", root.to_str().unwrap(), "--host-name", "old"],
    );
    let other = f.linux(2, &[]);
    let (code, text, out) = f.merge(&[&old, &other, &new], &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("same host old"), "{text}");
    assert!(!out.exists());

    let (code, text, out) = f.merge(&[&old, &other, &new], &["--latest"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("--latest"), "{text}");
    let m = json(&out.join("matrix.json"));
    let hosts = m["hosts"].as_array().unwrap();
    assert_eq!(hosts.len(), 2);
    let kept = hosts.iter().find(|h| h["name"] == "old").unwrap();
    assert_eq!(
        kept["manifest_sha256"],
        sha256_file(&new.join("MANIFEST.sha256"))
    );
    let r = json(&out.join("report.json"));
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("older bundle"))
    );
}

#[test]
fn bundles_of_another_organisation_are_refused() {
    let f = Fleet::new();
    let a = f.linux(1, &[]);
    let profile = f.path("company/timaudit.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    let other = text.replace("  name: 株式会社みなと精密", "  name: 株式会社よその会社");
    assert_ne!(text, other, "the sample profile names its organisation");
    std::fs::write(&profile, other).unwrap();
    let b = f.linux(2, &[]);
    let (code, text, out) = f.merge(&[&a, &b], &[]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("株式会社よその会社"), "{text}");
    assert!(!out.exists());
}
