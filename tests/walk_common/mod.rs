//! Helpers for the integration tests: an audited root in a temp dir, a profile,
//! running the real binary.
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../common/require.rs"]
mod require;
pub use require::*;

pub struct Company {
    pub dir: tempfile::TempDir,
}

pub const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash
tanaka:x:1001:2000:田中:/home/tanaka:/bin/bash
sato:x:1002:1002:佐藤:/home/sato:/usr/sbin/nologin
suzuki:x:1003:1003:鈴木:/home/suzuki:/bin/bash
yamada:x:1004:1004:山田:/home/yamada:/bin/bash
";
pub const GROUP: &str = "root:x:0:
design:x:2000:suzuki
sales:x:3000:yamada
sato:x:1002:
suzuki:x:1003:
yamada:x:1004:
";

impl Company {
    pub fn new() -> Company {
        let dir = tempfile::tempdir().unwrap();
        // Readable by the unprivileged user some tests run as.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let c = Company { dir };
        c.write("/etc/passwd", PASSWD);
        c.write("/etc/group", GROUP);
        c
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn host(&self, p: &str) -> PathBuf {
        self.root().join(p.trim_start_matches('/'))
    }

    pub fn write(&self, p: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.host(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn mkdir(&self, p: &str) -> PathBuf {
        let path = self.host(p);
        std::fs::create_dir_all(&path).unwrap();
        path
    }

    pub fn profile(&self, yaml: &str) -> PathBuf {
        let p = self.dir.path().join("timaudit.yaml");
        std::fs::write(&p, yaml).unwrap();
        p
    }

    /// `timaudit audit … --format json`: (exit code, report, stderr).
    pub fn audit(&self, profile: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
        run_audit(Command::new(bin()), &self.root(), profile, extra)
    }

    /// The same audit run as nobody (see `as_nobody`); `None`, with the reason
    /// printed, when that is impossible.
    pub fn audit_as_nobody(
        &self,
        profile: &Path,
        extra: &[&str],
    ) -> Option<(i32, serde_json::Value, String)> {
        let (cmd, _guard) = as_nobody()?;
        Some(run_audit(cmd, &self.root(), profile, extra))
    }
}

/// Runs `cmd` (the binary, or setpriv and the binary) as `audit --format json` on
/// a fixed date in English.
fn run_audit(
    mut cmd: Command,
    root: &Path,
    profile: &Path,
    extra: &[&str],
) -> (i32, serde_json::Value, String) {
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
        .arg(profile)
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("report.json: {e}\nstderr: {stderr}"));
    (out.status.code().unwrap_or(-1), report, stderr)
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_timaudit"))
}

pub fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub fn mkfifo(p: &Path) -> bool {
    Command::new("mkfifo")
        .arg(p)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The item with this ID in a report.
pub fn item<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

pub fn status(report: &serde_json::Value, id: &str) -> String {
    item(report, id)["status"].as_str().unwrap().to_string()
}

/// Evidence paths of an item.
pub fn evidence_paths(report: &serde_json::Value, id: &str) -> Vec<String> {
    item(report, id)["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str().map(String::from))
        .collect()
}
