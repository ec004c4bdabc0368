//! Shared helpers for the host-settings integration tests: build an audited root
//! in a temp dir, write a profile, run the real binary, read report.json.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};

#[path = "../common/require.rs"]
mod require;
pub use require::*;

pub struct Tree {
    pub dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        // An audited root has an etc directory and an account database.
        let t = Tree { dir };
        t.file("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
        t.file("/etc/group", "root:x:0:\n");
        t.file("/etc/hostname", "fs01\n");
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, host: &str) -> PathBuf {
        self.dir.path().join(host.trim_start_matches('/'))
    }

    pub fn file(&self, host: &str, content: &str) -> &Tree {
        self.bytes(host, content.as_bytes())
    }

    pub fn bytes(&self, host: &str, content: &[u8]) -> &Tree {
        let p = self.path(host);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
        self
    }

    pub fn corpus(&self, host: &str, name: &str) -> &Tree {
        let c = std::fs::read(format!("tests/fixtures/corpus/{name}")).unwrap();
        self.bytes(host, &c)
    }

    pub fn link(&self, host: &str, target: &str) -> &Tree {
        let p = self.path(host);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&p);
        std::os::unix::fs::symlink(target, p).unwrap();
        self
    }

    pub fn dir(&self, host: &str) -> &Tree {
        std::fs::create_dir_all(self.path(host)).unwrap();
        self
    }

    /// `systemctl enable UNIT` as it looks on disk.
    pub fn enable(&self, unit: &str) -> &Tree {
        let wants = if unit.ends_with(".timer") {
            "timers.target.wants"
        } else {
            "multi-user.target.wants"
        };
        self.link(
            &format!("/etc/systemd/system/{wants}/{unit}"),
            &format!("/lib/systemd/system/{unit}"),
        )
    }

    /// `systemctl mask UNIT`.
    pub fn mask(&self, unit: &str) -> &Tree {
        self.link(&format!("/etc/systemd/system/{unit}"), "/dev/null")
    }

    pub fn sha256(&self, host: &str) -> String {
        timaudit::rootfs::sha256_hex(&std::fs::read(self.path(host)).unwrap())
    }
}

/// A profile with the given assets (id, paths) and extra YAML appended.
pub struct Profile {
    pub dir: tempfile::TempDir,
}

impl Profile {
    pub fn new(assets: &[(&str, &[&str])], extra: &str) -> Profile {
        let dir = tempfile::tempdir().unwrap();
        let mut y = String::from("version: 1\norganization:\n  name: 株式会社テスト製作所\n");
        if !assets.is_empty() {
            y.push_str("assets:\n");
            for (id, paths) in assets {
                let ps: Vec<String> = paths.iter().map(|p| format!("{:?}", p)).collect();
                y.push_str(&format!(
                    "  - id: {id}\n    name: 図面 {id}\n    classification: 極秘\n    paths: [{}]\n    authorized: [\"group:root\"]\n    handlers: [root]\n",
                    ps.join(", ")
                ));
            }
        }
        y.push_str(extra);
        std::fs::write(dir.path().join("timaudit.yaml"), y).unwrap();
        Profile { dir }
    }
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("timaudit.yaml")
    }
}

pub struct Report {
    pub json: Value,
}

impl Report {
    pub fn item(&self, id: &str) -> &Value {
        self.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no item {id}"))
    }
    pub fn status(&self, id: &str) -> String {
        self.item(id)["status"].as_str().unwrap().to_string()
    }
    pub fn reason(&self, id: &str) -> String {
        self.item(id)["reason"].as_str().unwrap().to_string()
    }
    /// Asserts that `id`'s reason contains `text`, printing the reason when not.
    #[track_caller]
    pub fn reason_has(&self, id: &str, text: &str) {
        let reason = self.reason(id);
        assert!(reason.contains(text), "{reason}");
    }
    pub fn evidence(&self, id: &str) -> Vec<Value> {
        self.item(id)["evidence"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
    /// Asserts the status, printing the item when it differs.
    #[track_caller]
    pub fn expect(&self, id: &str, status: &str) {
        let it = self.item(id);
        assert_eq!(
            it["status"].as_str().unwrap(),
            status,
            "{id}: {}",
            serde_json::to_string_pretty(it).unwrap()
        );
        if status != "pass" {
            assert!(
                !it["reason"].as_str().unwrap().trim().is_empty(),
                "{id} has no reason"
            );
        }
    }
    /// The details of `id`'s evidence entries at `path`.
    pub fn details_at(&self, id: &str, path: &str) -> Vec<String> {
        self.evidence_at(id, path)
            .iter()
            .map(|e| e["detail"].as_str().unwrap_or("").to_string())
            .collect()
    }
    /// Evidence entries whose path equals `path`.
    pub fn evidence_at(&self, id: &str, path: &str) -> Vec<Value> {
        self.evidence(id)
            .into_iter()
            .filter(|e| e["path"] == path)
            .collect()
    }
}

/// Runs `timaudit audit --root ROOT --profile P --format json` (+ extra args).
pub fn audit(root: Option<&Path>, profile: &Profile, extra: &[&str]) -> Report {
    let cmd = std::process::Command::new(env!("CARGO_BIN_EXE_timaudit"));
    audit_with(cmd, root, profile, extra)
}

/// Like `audit`, run as nobody (when we are root) so that a file with mode 000 is
/// really unreadable; `None` when that is impossible (a failure under CI).
pub fn audit_as_nobody(t: &Tree, profile: &Profile) -> Option<Report> {
    use std::os::unix::fs::PermissionsExt;
    let (cmd, _guard) = as_nobody()?;
    for d in [t.root(), profile.dir.path()] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    Some(audit_with(cmd, Some(t.root()), profile, &[]))
}

/// Makes a file of the tree unreadable (mode 000) for `audit_as_nobody`.
pub fn unreadable(t: &Tree, host: &str) {
    use std::os::unix::fs::PermissionsExt;
    let p = t.root().join(host.trim_start_matches('/'));
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o000)).unwrap();
}

fn audit_with(
    mut cmd: std::process::Command,
    root: Option<&Path>,
    profile: &Profile,
    extra: &[&str],
) -> Report {
    cmd.arg("audit").arg("--profile").arg(profile.path()).args([
        "--format",
        "json",
        "--date",
        "2026-06-01",
        "--lang",
        "en",
    ]);
    if let Some(r) = root {
        cmd.arg("--root").arg(r);
    }
    cmd.args(extra);
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    Report { json }
}

/// Audits a tree with a profile of one asset under /srv/share/design.
pub fn audit_tree(t: &Tree) -> Report {
    let p = Profile::new(&[("T-001", &["/srv/share/design/**"])], "");
    audit(Some(t.root()), &p, &[])
}

/// Auditing one item in-process (collectors + the item's rule, as `timaudit
/// audit` runs them), for suites with hundreds of cases.
pub mod inproc {
    use std::collections::BTreeMap;
    use std::path::Path;
    use timaudit::catalogue::Catalogue;
    use timaudit::catalogue::ItemId;
    use timaudit::collect::Facts;
    use timaudit::collect::host::HostFacts;
    use timaudit::model::Status;
    use timaudit::rootfs::RootFs;
    use timaudit::rules::{Context, rule_for};

    pub fn write(root: &Path, host: &str, content: &str) {
        let p = root.join(host.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }

    /// `systemctl enable UNIT` as it looks on disk.
    pub fn enable(root: &Path, unit: &str) {
        let l = root
            .join("etc/systemd/system/multi-user.target.wants")
            .join(unit);
        std::fs::create_dir_all(l.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(format!("/lib/systemd/system/{unit}"), l).unwrap();
    }

    /// Evaluates `item` on the Linux root `r` (account files and a host name are
    /// added) with one asset at `assets`: (status, English reason, report warnings).
    pub fn evaluate_item(r: &Path, assets: &[&str], item: &str) -> (Status, String, Vec<String>) {
        write(r, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
        write(r, "/etc/group", "root:x:0:\n");
        write(r, "/etc/hostname", "fs01\n");
        let paths: Vec<String> = assets.iter().map(|a| format!("{a:?}")).collect();
        let pd = tempfile::tempdir().unwrap();
        let profile_path = pd.path().join("timaudit.yaml");
        let mut y = String::from("version: 1\norganization:\n  name: テスト\n");
        if !assets.is_empty() {
            y.push_str(&format!(
                "assets:\n  - id: T-001\n    name: 図面\n    classification: 極秘\n    paths: [{}]\n    authorized: [\"group:root\"]\n    handlers: [root]\n",
                paths.join(", ")
            ));
        }
        std::fs::write(&profile_path, y).unwrap();
        let cat = Catalogue::builtin();
        let (profile, _) = timaudit::profile::load::load(&profile_path, cat)
            .unwrap_or_else(|e| panic!("profile: {e:?}"));
        let fs = RootFs::new(r);
        let mut facts = Facts::collect(&fs, &profile);
        let host = HostFacts::collect(&fs, true, &[], &profile).unwrap();
        let warnings = host.warnings();
        facts.host = Some(host);
        let ctx = Context {
            profile: &profile,
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            facts: &facts,
        };
        let id = ItemId::parse(item).unwrap_or_else(|| panic!("no item {item}"));
        let eval = rule_for(id).and_then(|r| r.eval).expect("a computed item");
        let o = eval(&ctx, &BTreeMap::new());
        (o.status, o.reason.en, warnings)
    }
}

/// A writable copy of a Windows evidence fixture folder (tests/fixtures/windows/NAME).
pub fn win_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let dst = d.path().join(name);
    copy_dir(&Path::new("tests/fixtures/windows").join(name), &dst);
    (d, dst)
}

/// Copies a folder tree (regular files and folders).
pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), to).unwrap();
        }
    }
}

/// Text as Windows tools write it: UTF-16LE with a BOM and CRLF line ends.
pub fn utf16(text: &str) -> Vec<u8> {
    let mut v = vec![0xff, 0xfe];
    for u in text.replace('\n', "\r\n").encode_utf16() {
        v.extend(u.to_le_bytes());
    }
    v
}
