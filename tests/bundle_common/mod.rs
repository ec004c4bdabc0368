//! A small company on disk for integration tests: a profile with its documents,
//! records and answer evidence, and an audited root with `etc/`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// Record file names an attacker (or an unlucky clerk) could choose.
pub const SCRIPT_NAME: &str = "<img src=x onerror=alert(1)>.csv";
pub const FORMULA_NAME: &str = "=cmd|'/c calc'!A1.csv";
pub const ODD_NAME: &str = "odd\nname\\x.csv";

pub struct Company {
    pub dir: tempfile::TempDir,
}

impl Company {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
    pub fn profile(&self) -> PathBuf {
        self.path().join("company/timaudit.yaml")
    }
    pub fn root(&self) -> PathBuf {
        self.path().join("root")
    }
    pub fn out(&self) -> PathBuf {
        self.path().join("out")
    }
}

fn write(p: &Path, content: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// 株式会社テスト精密: records, documents and answers in `company/`, the host in `root/`.
/// `yamada` is in the `sudo` group but not in the roster, so ACC-07 fails citing
/// `/etc/group`.
pub fn company() -> Company {
    let dir = tempfile::tempdir().unwrap();
    let c = dir.path().join("company");
    write(
        &c.join("timaudit.yaml"),
        r#"version: 1
organization:
  name: 株式会社テスト精密 <b>&</b>
  certification:
    body: 一般社団法人テスト認証機構
    certificate_id: TIM-2025-0999
    certified_on: 2025-04-01
scope:
  shares: [/srv/share]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design/**"]
    authorized: ["group:design", "user:tanaka"]
    handlers: [tanaka]
people:
  - account: tanaka
    name: 田中 一郎
    roles: [administrator, handler, system-admin]
    status: active
    joined_on: 2020-04-01
    pledge_signed_on: 2020-04-01
training:
  - date: 2026-06-10
    title: 技術情報管理研修
    topics: [handling, reporting, sanctions]
    attendees: [tanaka]
administrator:
  account: tanaka
  appointed_on: 2024-04-01
  document: docs/appointment.pdf
documents:
  - id: rules
    title: 技術情報管理規程
    path: docs/rules.pdf
    revised_on: 2025-01-10
reviews:
  - kind: access
    date: 2026-10-01
    document: docs/access-review.pdf
  - kind: management
    date: 2026-10-01
records:
  - kind: take-out
    path: "records/<img src=x onerror=alert(1)>.csv"
  - kind: disposal
    path: "records/odd\nname\\x.csv"
  - kind: key-lending
    path: "=cmd|'/c calc'!A1.csv"
answers:
  STO-01:
    status: pass
    note: 図面は施錠キャビネットで保管
    evidence: [photos/cabinet.jpg]
"#,
    );
    write(&c.join("docs/appointment.pdf"), "%PDF-1.4 appointment");
    write(&c.join("docs/rules.pdf"), "%PDF-1.4 rules");
    write(&c.join("docs/access-review.pdf"), "%PDF-1.4 review");
    write(
        &c.join("records").join(SCRIPT_NAME),
        "date,who\n2026-01-05,tanaka\n",
    );
    write(
        &c.join("records").join(ODD_NAME),
        "date,what\n2026-02-01,shredded\n",
    );
    write(&c.join(FORMULA_NAME), "date,key\n2026-03-01,K1\n");
    write(&c.join("photos/cabinet.jpg"), "JPEG");
    let r = dir.path().join("root");
    write(
        &r.join("etc/passwd"),
        "root:x:0:0:root:/root:/bin/bash\ntanaka:x:1001:1001::/home/tanaka:/bin/bash\nyamada:x:1002:1002::/home/yamada:/bin/bash\n",
    );
    write(
        &r.join("etc/group"),
        "root:x:0:\nsudo:x:27:yamada\ndesign:x:2000:tanaka\n",
    );
    write(&r.join("etc/hostname"), "fs01\n");
    Company { dir }
}

/// `timaudit` with the environment tests need (no LANG surprises).
pub fn timaudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("timaudit").unwrap();
    cmd.env_remove("LANG").env_remove("LC_ALL");
    cmd
}

/// Runs `audit --out` on the company; returns the exit code.
pub fn audit(c: &Company, lang: &str) -> i32 {
    let out = timaudit()
        .args(["audit", "--lang", lang, "--date", "2026-11-25", "--profile"])
        .arg(c.profile())
        .arg("--root")
        .arg(c.root())
        .arg("--out")
        .arg(c.out())
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "audit failed ({code}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    code
}

/// Every regular file under `dir`, relative, sorted by bytes.
pub fn files_under(dir: &Path) -> Vec<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    let mut out: Vec<Vec<u8>> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .as_os_str()
                .as_bytes()
                .to_vec()
        })
        .collect();
    out.sort();
    out
}
