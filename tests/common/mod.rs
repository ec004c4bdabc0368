//! Helpers for integration tests: a company on disk (profile + audited root) and
//! running the real binary on it.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub mod require;
pub use require::*;

pub struct Company {
    pub dir: tempfile::TempDir,
}

impl Company {
    pub fn new() -> Company {
        let c = Company {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir_all(c.root().join("etc")).unwrap();
        c
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The audited host's root.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }

    pub fn profile_path(&self) -> PathBuf {
        self.dir.path().join("timaudit.yaml")
    }

    /// Writes a file relative to the company folder (creating parents).
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        p
    }

    /// Writes a file on the audited host (`host` is an absolute host path).
    pub fn host_file(&self, host: &str, content: impl AsRef<[u8]>) -> PathBuf {
        self.write(&format!("root{host}"), content)
    }

    pub fn profile(&self, yaml: &str) -> &Self {
        self.write("timaudit.yaml", yaml);
        self
    }

    pub fn passwd(&self, text: &str) -> &Self {
        self.host_file("/etc/passwd", text);
        self
    }

    pub fn group(&self, text: &str) -> &Self {
        self.host_file("/etc/group", text);
        self
    }

    /// `timaudit audit --profile P --root R --date D --format json` and extra args.
    pub fn audit(&self, date: &str, extra: &[&str]) -> Audit {
        let cmd = std::process::Command::new(env!("CARGO_BIN_EXE_timaudit"));
        self.audit_with(cmd, date, extra)
    }

    /// Like `audit`, run as nobody (when we are root) so that a mode-000 file is
    /// really unreadable; `None` when that is impossible (a failure under CI).
    pub fn audit_as_nobody(&self, date: &str, extra: &[&str]) -> Option<Audit> {
        use std::os::unix::fs::PermissionsExt;
        let (cmd, _guard) = as_nobody()?;
        std::fs::set_permissions(self.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        Some(self.audit_with(cmd, date, extra))
    }

    /// Like `audit`, as root but without the capabilities that let root read any
    /// file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): a mode-000 file is then
    /// really unreadable, while the output folder stays writable.
    pub fn audit_without_read_override(&self, date: &str, extra: &[&str]) -> Audit {
        let drop = "-dac_override,-dac_read_search";
        let mut cmd = std::process::Command::new("setpriv");
        cmd.arg(format!("--bounding-set={drop}"))
            .arg(format!("--inh-caps={drop}"))
            .arg("--")
            .arg(env!("CARGO_BIN_EXE_timaudit"));
        self.audit_with(cmd, date, extra)
    }

    fn audit_with(&self, mut cmd: std::process::Command, date: &str, extra: &[&str]) -> Audit {
        cmd.arg("audit")
            .arg("--profile")
            .arg(self.profile_path())
            .arg("--root")
            .arg(self.root())
            .arg("--date")
            .arg(date)
            .arg("--format")
            .arg("json")
            .args(extra)
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES");
        let out = cmd.output().unwrap();
        output(out)
    }
}

pub struct Audit {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Audit {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}); stderr:\n{}\nstdout:\n{}",
                self.stderr, self.stdout
            )
        })
    }

    pub fn item(&self, id: &str) -> Value {
        let j = self.json();
        j["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no item {id}"))
            .clone()
    }

    pub fn status(&self, id: &str) -> String {
        self.item(id)["status"].as_str().unwrap().to_string()
    }

    /// Every evidence entry of an item, as one string each (for `contains` checks).
    pub fn evidence(&self, id: &str) -> Vec<String> {
        self.item(id)["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }
}

pub fn run(mut cmd: Command) -> Audit {
    output(cmd.output().unwrap())
}

fn output(out: std::process::Output) -> Audit {
    Audit {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn timaudit() -> Command {
    let mut c = Command::cargo_bin("timaudit").unwrap();
    // The locale is LC_ALL, then LC_MESSAGES, then LANG: only LANG is set here.
    c.env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    c
}

pub const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
tanaka:x:1001:1001::/home/tanaka:/bin/bash
suzuki:x:1002:1002::/home/suzuki:/bin/bash
";

pub const GROUP: &str = "root:x:0:
sudo:x:27:tanaka
tanaka:x:1001:
suzuki:x:1002:
design:x:2001:tanaka,suzuki
";
