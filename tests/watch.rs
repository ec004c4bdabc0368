//! Watch mode as a process: start it, change files, assert on its log (bounded
//! waits, no fixed sleeps), stop it with SIGTERM, verify the chain.

mod walk_common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PROFILE: &str = "organization: {name: 監視テスト}
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

struct Site {
    dir: tempfile::TempDir,
    /// The log, relative to the site's folder.
    log_rel: &'static str,
}

impl Site {
    fn new() -> Site {
        let s = Site {
            dir: tempfile::tempdir().unwrap(),
            log_rel: "watch.log",
        };
        s.write(
            "root/etc/passwd",
            "root:x:0:0::/root:/bin/bash\ntanaka:x:1001:2000::/home/t:/bin/bash\n",
        );
        s.write("root/etc/group", "root:x:0:\ndesign:x:2000:tanaka\n");
        s.write("timaudit.yaml", PROFILE);
        s.write("root/srv/share/design/mold.dwg", "drawing v1");
        s.chmod("root/srv/share/design/mold.dwg", 0o640);
        std::fs::create_dir_all(s.p("root/srv/share/public")).unwrap();
        s
    }
    fn p(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn write(&self, rel: &str, content: &str) {
        let p = self.p(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    fn chmod(&self, rel: &str, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(self.p(rel), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    fn log(&self) -> PathBuf {
        self.p(self.log_rel)
    }
    fn start(&self, extra: &[&str]) -> Running {
        self.start_with(Command::new(env!("CARGO_BIN_EXE_timaudit")), extra)
    }
    fn start_with(&self, mut cmd: Command, extra: &[&str]) -> Running {
        let child = cmd
            .args(["watch", "--debounce-ms", "200", "--profile"])
            .arg(self.p("timaudit.yaml"))
            .arg("--root")
            .arg(self.p("root"))
            .arg("--log")
            .arg(self.log())
            .args(extra)
            .env("LANG", "C")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Running(Some(child))
    }
    fn lines(&self) -> Vec<Value> {
        std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }
    /// Waits (bounded) until a log line satisfies `f`; returns it and the wait.
    fn wait_for(
        &self,
        what: &str,
        limit: Duration,
        f: impl Fn(&Value) -> bool,
    ) -> (Value, Duration) {
        let start = Instant::now();
        loop {
            if let Some(l) = self.lines().into_iter().find(|l| f(l)) {
                return (l, start.elapsed());
            }
            assert!(
                start.elapsed() < limit,
                "no log line for {what} within {limit:?}; log:\n{:#?}",
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A watcher process; killed if the test fails before stopping it, so that no
/// watcher outlives its test.
struct Running(Option<Child>);

impl std::ops::Deref for Running {
    type Target = Child;
    fn deref(&self) -> &Child {
        self.0.as_ref().unwrap()
    }
}

impl std::ops::DerefMut for Running {
    fn deref_mut(&mut self) -> &mut Child {
        self.0.as_mut().unwrap()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn stop(mut w: Running) -> i32 {
    unsafe {
        libc::kill(w.id() as i32, libc::SIGTERM);
    }
    let start = Instant::now();
    loop {
        if let Some(st) = w.try_wait().unwrap() {
            return st.code().unwrap_or(-1);
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "watch did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The output of a watcher expected to refuse to start (bounded: killed and
/// failed if it keeps running).
fn exited(mut w: Running) -> std::process::Output {
    let start = Instant::now();
    while w.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "watch kept running where it should have refused to start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    w.0.take().unwrap().wait_with_output().unwrap()
}

fn verify(log: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_timaudit"))
        .args(["verify", "--log"])
        .arg(log)
        .env("LANG", "C")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn is(l: &Value, event: &str, path: &str) -> bool {
    l["event"] == event && l["path"] == path
}

fn has(l: &Value, id: &str) -> bool {
    l["findings"]
        .as_array()
        .is_some_and(|f| f.iter().any(|x| x == id))
}

#[test]
fn a_marked_file_dropped_in_a_public_folder_is_logged_and_the_log_is_tamper_evident() {
    let s = Site::new();
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });

    s.write("root/srv/share/public/見積_社外秘.txt", "price list");
    let (l, took) = s.wait_for("HDL-02", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/見積_社外秘.txt" && has(l, "HDL-02")
    });
    assert!(took < Duration::from_secs(10));
    assert_eq!(l["event"], "created");

    // A copy of protected content outside the register, and a loosened mode.
    std::fs::copy(
        s.p("root/srv/share/design/mold.dwg"),
        s.p("root/srv/share/public/mold-copy.dwg"),
    )
    .unwrap();
    s.wait_for("HDL-04", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/mold-copy.dwg" && has(l, "HDL-04")
    });
    s.chmod("root/srv/share/design/mold.dwg", 0o644);
    let (l, _) = s.wait_for("ACC-03", Duration::from_secs(10), |l| {
        is(l, "permissions", "/srv/share/design/mold.dwg")
    });
    assert!(has(&l, "ACC-03"), "{l}");
    // A protected file left in a temporary folder (created with the folder).
    std::fs::create_dir_all(s.p("root/srv/share/design/tmp")).unwrap();
    s.write("root/srv/share/design/tmp/old.dwg", "old");
    s.wait_for("HDL-05", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/design/tmp/old.dwg" && has(l, "HDL-05")
    });
    // A file removed.
    std::fs::remove_file(s.p("root/srv/share/public/mold-copy.dwg")).unwrap();
    s.wait_for("removed", Duration::from_secs(10), |l| {
        is(l, "removed", "/srv/share/public/mold-copy.dwg")
    });

    assert_eq!(stop(w), 0);
    let lines = s.lines();
    assert_eq!(lines.last().unwrap()["event"], "stopped");
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["seq"], i as u64 + 1);
    }
    assert_eq!(lines[0]["prev"], "0".repeat(64));
    let (code, out) = verify(&s.log());
    assert_eq!(code, 0, "{out}");

    // Restarting continues the chain from the last line.
    let w = s.start(&[]);
    s.wait_for("second start", Duration::from_secs(30), |l| {
        l["event"] == "started" && l["seq"].as_u64() > Some(2)
    });
    assert_eq!(stop(w), 0);
    assert_eq!(verify(&s.log()).0, 0);
    let n = s.lines().len();

    // One edited line is named itself: the line after it still links to the rest.
    let text = std::fs::read_to_string(s.log()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(n > 3);
    let changed_line = lines
        .iter()
        .position(|l| l.contains("見積_社外秘.txt"))
        .unwrap();
    assert!(changed_line + 2 < n, "not one of the last two lines");
    let tamper = |f: &dyn Fn(&mut Vec<String>)| {
        let mut ls: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        f(&mut ls);
        std::fs::write(s.log(), ls.join("\n") + "\n").unwrap();
        verify(&s.log())
    };
    let (code, out) = tamper(&|ls| {
        ls[changed_line] = ls[changed_line].replacen("見積_社外秘.txt", "見積_社外秘.TXT", 1)
    });
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("watch.log:{}:", changed_line + 1))
            && out.contains("this line was changed after it was written"),
        "{out}"
    );
    // A line deleted, two lines swapped: the first line out of place is named.
    let (code, out) = tamper(&|ls| {
        ls.remove(changed_line);
    });
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("watch.log:{}:", changed_line + 1))
            && out.contains("lines before this one were deleted"),
        "{out}"
    );
    let (code, out) = tamper(&|ls| ls.swap(changed_line, changed_line + 1));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("watch.log:{}:", changed_line + 1)) && out.contains("reordered"),
        "{out}"
    );
    tamper(&|ls| {
        ls[changed_line] = ls[changed_line].replacen("見積_社外秘.txt", "見積_社外秘.TXT", 1)
    });
    // Never appends to a broken log.
    let w = s.start(&[]);
    let out = exited(w);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken"));
}

#[test]
fn an_editors_save_is_one_event_and_its_temporary_file_leaves_no_line() {
    let s = Site::new();
    s.write("root/srv/share/public/memo.txt", "v1");
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    // Save as editors do: write a temporary file, then rename it over the target.
    s.write("root/srv/share/public/.memo.txt.swp", "x");
    s.write("root/srv/share/public/memo.txt.tmp", "v2 社外秘");
    std::fs::rename(
        s.p("root/srv/share/public/memo.txt.tmp"),
        s.p("root/srv/share/public/memo.txt"),
    )
    .unwrap();
    std::fs::remove_file(s.p("root/srv/share/public/.memo.txt.swp")).unwrap();
    let (l, _) = s.wait_for("memo", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/memo.txt"
    });
    assert!(has(&l, "HDL-02"), "{l}");
    assert_eq!(stop(w), 0);
    let lines = s.lines();
    let memo = lines
        .iter()
        .filter(|l| l["path"] == "/srv/share/public/memo.txt")
        .count();
    assert_eq!(memo, 1, "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l["path"]
            .as_str()
            .is_some_and(|p| p.contains(".swp") || p.ends_with(".tmp"))),
        "{lines:#?}"
    );
}

#[test]
fn polling_works_where_the_kernel_sends_no_events() {
    let s = Site::new();
    let w = s.start(&["--poll", "1"]);
    let (l, _) = s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    assert!(
        l["detail"].as_str().unwrap().contains("polling every 1 s"),
        "{l}"
    );
    s.write("root/srv/share/public/社外秘メモ.txt", "x");
    s.wait_for("HDL-02 by polling", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/社外秘メモ.txt" && has(l, "HDL-02")
    });
    assert_eq!(stop(w), 0);
    assert_eq!(verify(&s.log()).0, 0);
}

#[test]
fn polling_sees_permission_changes_and_tells_events_apart() {
    let s = Site::new();
    s.write("root/srv/share/public/old_社外秘.txt", "x");
    let w = s.start(&["--poll", "1"]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    // Only the change time tells a chmod or setfacl: ACC-03 must still be seen.
    s.chmod("root/srv/share/design/mold.dwg", 0o644);
    let (l, _) = s.wait_for("ACC-03 by polling", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/design/mold.dwg"
    });
    assert_eq!(l["event"], "permissions", "{l}");
    assert!(has(&l, "ACC-03"), "{l}");
    s.write("root/srv/share/public/new_社外秘.txt", "x");
    let (l, _) = s.wait_for("a new file by polling", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/new_社外秘.txt"
    });
    assert_eq!(l["event"], "created", "{l}");
    assert_eq!(stop(w), 0);
    // The folder's times changed with the new file: that is no permission change
    // of the folder, and its unchanged files are not logged again.
    let lines = s.lines();
    assert!(
        !lines
            .iter()
            .any(|l| l["path"] == "/srv/share/public/old_社外秘.txt"
                || is(l, "permissions", "/srv/share/public")),
        "{lines:#?}"
    );
}

#[test]
fn a_folder_moved_in_is_examined_with_everything_in_it() {
    let s = Site::new();
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    let outside = s.p("incoming");
    std::fs::create_dir_all(outside.join("sub")).unwrap();
    std::fs::write(outside.join("sub/図面_社外秘.pdf"), "x").unwrap();
    std::fs::rename(&outside, s.p("root/srv/share/public/incoming")).unwrap();
    s.wait_for("file inside moved folder", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/incoming/sub/図面_社外秘.pdf" && has(l, "HDL-02")
    });
    // The folder's own line names the problem below it and does not also say
    // "no findings" (it did: "directory (1 files below it break items) no findings").
    let (dir, _) = s.wait_for("moved folder", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/incoming"
    });
    assert!(has(&dir, "HDL-02"), "{dir}");
    // Moved in from outside the share: it appeared there (was `renamed` with no
    // old name; polling already said `created`).
    assert_eq!(dir["event"], "created", "{dir}");
    let detail = dir["detail"].as_str().unwrap();
    assert!(detail.contains("1 files below"), "{detail}");
    assert!(!detail.contains("no findings"), "{detail}");
    assert_eq!(stop(w), 0);
}

#[test]
fn verify_log_explains_a_broken_chain_in_japanese() {
    let d = tempfile::tempdir().unwrap();
    let log = d.path().join("w.log");
    // Two chained lines, then the first one edited.
    let l1 = r#"{"seq":1,"time":"2026-11-25T00:00:00Z","event":"started","path":null,"findings":[],"detail":"a","prev":"0000000000000000000000000000000000000000000000000000000000000000"}"#;
    use sha2::Digest;
    let h: String = sha2::Sha256::digest(l1.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let l2 = format!(
        r#"{{"seq":2,"time":"2026-11-25T00:00:01Z","event":"stopped","path":null,"findings":[],"detail":"b","prev":"{h}"}}"#
    );
    std::fs::write(&log, format!("{l1}\n{l2}\n")).unwrap();
    assert_eq!(verify(&log).0, 0);
    std::fs::write(&log, format!("{}\n{l2}\n", l1.replace("\"a\"", "\"A\""))).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_timaudit"))
        .args(["verify", "--lang", "ja", "--log"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("NG: "), "{text}");
    // Japanese throughout (the reason inside was English: "its prev is …").
    assert!(
        !text.contains("hashes to") && !text.contains("its prev"),
        "{text}"
    );
    assert!(text.contains("前の行の SHA-256"), "{text}");
}

#[test]
fn watch_refuses_without_shares_and_names_a_missing_root() {
    let s = Site::new();
    // Polling every 0 s is no interval (it polled every second, logging "0 s").
    let out = exited(s.start(&["--poll", "0"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--poll"));
    assert!(!s.log().exists());
    s.write("timaudit.yaml", "organization: {name: X}\n");
    let out = exited(s.start(&[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to watch"));
    s.write(
        "timaudit.yaml",
        &PROFILE.replace("/srv/share]", "/srv/nowhere]"),
    );
    let out = exited(s.start(&[]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/srv/nowhere"));
}

#[test]
fn a_rotated_log_is_linked_from_the_new_logs_first_line() {
    let s = Site::new();
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    assert_eq!(stop(w), 0);
    let old = s.p("watch.log.1");
    std::fs::rename(s.log(), &old).unwrap();
    let (code, out) = verify(&old);
    assert_eq!(code, 0);
    let last_hash = out
        .lines()
        .find_map(|l| l.rsplit(' ').next().filter(|h| h.len() == 64))
        .unwrap()
        .to_string();
    let w = s.start(&["--previous-log", old.to_str().unwrap()]);
    let (l, _) = s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    assert_eq!(l["seq"], 1);
    assert_eq!(l["prev"], "0".repeat(64));
    assert!(l["detail"].as_str().unwrap().contains(&last_hash), "{l}");
    assert_eq!(stop(w), 0);
    assert_eq!(verify(&s.log()).0, 0);
}

#[test]
fn a_symbolic_link_out_of_the_share_is_not_followed() {
    // The walk never follows links; the watcher must not either, or it reads (and
    // logs) files outside the audited root.
    let s = Site::new();
    let outside = s.p("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, s.p("root/srv/share/public/link")).unwrap();
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    std::fs::write(outside.join("社外秘_outside.txt"), "x").unwrap();
    // A change inside the share afterwards: once it is logged, the other would be too.
    s.write("root/srv/share/public/社外秘_inside.txt", "x");
    s.wait_for("the change inside", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/社外秘_inside.txt"
    });
    assert_eq!(stop(w), 0);
    let lines = s.lines();
    assert!(
        !lines
            .iter()
            .any(|l| l["path"].as_str().is_some_and(|p| p.contains("/link/"))),
        "{lines:#?}"
    );
}

#[test]
fn a_folder_it_may_not_read_does_not_stop_the_watch() {
    // Run as nobody (when root): one private folder must not keep the watcher from
    // starting, nor from seeing changes everywhere else; it is named at start, and
    // polling does not rescan for it again and again.
    for mode in [&[][..], &["--poll", "1"][..]] {
        let s = Site::new();
        let Some((cmd, _guard)) = walk_common::as_nobody() else {
            return;
        };
        std::fs::create_dir_all(s.p("root/srv/share/private/sub")).unwrap();
        s.chmod("root/srv/share/private", 0o000);
        // The site's folder (the log is written there): open to nobody.
        s.chmod("", 0o777);
        let w = s.start_with(cmd, mode);
        let (l, _) = s.wait_for("started", Duration::from_secs(30), |l| {
            l["event"] == "started"
        });
        let detail = l["detail"].as_str().unwrap().to_string();
        s.write("root/srv/share/public/社外秘.txt", "x");
        s.wait_for(
            "HDL-02 beside the private folder",
            Duration::from_secs(10),
            |l| l["path"] == "/srv/share/public/社外秘.txt" && has(l, "HDL-02"),
        );
        // Opened up: watched from then on.
        s.chmod("root/srv/share/private", 0o755);
        s.write("root/srv/share/private/sub/社外秘.txt", "x");
        s.wait_for(
            "HDL-02 in the folder opened up",
            Duration::from_secs(10),
            |l| l["path"] == "/srv/share/private/sub/社外秘.txt" && has(l, "HDL-02"),
        );
        s.write("root/srv/share/private/sub/later_社外秘.txt", "x");
        s.wait_for(
            "a later change in the folder opened up",
            Duration::from_secs(10),
            |l| l["path"] == "/srv/share/private/sub/later_社外秘.txt" && has(l, "HDL-02"),
        );
        assert_eq!(stop(w), 0);
        assert!(
            detail.contains("/srv/share/private (permission denied)"),
            "{mode:?}: {detail}"
        );
        let lines = s.lines();
        assert!(
            !lines.iter().any(|l| l["event"] == "rescan"),
            "{mode:?}: {lines:#?}"
        );
    }
}

#[test]
fn a_share_removed_and_created_again_is_watched_again() {
    let s = Site::new();
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    std::fs::remove_dir_all(s.p("root/srv/share")).unwrap();
    s.wait_for("the share removed", Duration::from_secs(10), |l| {
        is(l, "removed", "/srv/share")
    });
    // Restored (from a backup, say): its content and later changes are seen.
    s.write("root/srv/share/public/restored_社外秘.txt", "x");
    s.wait_for(
        "a file in the restored share",
        Duration::from_secs(10),
        |l| l["path"] == "/srv/share/public/restored_社外秘.txt" && has(l, "HDL-02"),
    );
    s.write("root/srv/share/public/later_社外秘.txt", "x");
    s.wait_for("a later change", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/later_社外秘.txt" && has(l, "HDL-02")
    });
    assert_eq!(stop(w), 0);
}

#[test]
fn a_log_kept_inside_a_watched_share_does_not_report_itself() {
    // The log quotes markers ("marked 社外秘"): walked like any file, it would be
    // an unregistered marked file itself at the next start.
    let mut s = Site::new();
    s.log_rel = "root/srv/share/public/watch.log";
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    s.write("root/srv/share/public/見積_社外秘.txt", "x");
    s.wait_for("HDL-02", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/見積_社外秘.txt" && has(l, "HDL-02")
    });
    assert_eq!(stop(w), 0);
    let w = s.start(&[]);
    let (l, _) = s.wait_for("second start", Duration::from_secs(30), |l| {
        l["event"] == "started" && l["seq"].as_u64() > Some(1)
    });
    assert_eq!(stop(w), 0);
    let detail = l["detail"].as_str().unwrap();
    assert!(detail.ends_with("findings at start: HDL-02 1"), "{detail}");
    let lines = s.lines();
    assert!(
        !lines
            .iter()
            .any(|l| l["path"] == "/srv/share/public/watch.log"),
        "{lines:#?}"
    );
    assert_eq!(verify(&s.log()).0, 0);
}

#[test]
fn above_the_inotify_watch_limit_it_polls_and_says_what_to_raise() {
    // A user namespace with its own low limit, so the machine's is left alone.
    let probe = Command::new("unshare")
        .args([
            "-U",
            "-r",
            "sh",
            "-c",
            "echo 2 > /proc/sys/user/max_inotify_watches",
        ])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        walk_common::cannot_run(
            "cannot lower the inotify watch limit in a user namespace (unshare -U -r)",
        );
        return;
    }
    let s = Site::new();
    let mut cmd = Command::new("unshare");
    cmd.args([
        "-U",
        "-r",
        "sh",
        "-c",
        "echo 2 > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\"",
        env!("CARGO_BIN_EXE_timaudit"),
    ]);
    let mut w = s.start_with(cmd, &[]);
    let mut stderr = w.stderr.take().unwrap();
    let (l, _) = s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    assert_eq!(stop(w), 0);
    assert!(
        l["detail"]
            .as_str()
            .unwrap()
            .contains("polling every 30 s: the inotify watch limit was reached"),
        "{l}"
    );
    let mut err = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut err).unwrap();
    let machine: u64 = std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let advised: u64 = err
        .split("sysctl -w fs.inotify.max_user_watches=")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no sysctl advice in: {err}"));
    assert!(advised > machine, "advised {advised} <= {machine}: {err}");
}

#[test]
fn a_rename_is_one_line_and_a_protected_file_moved_to_the_trash_breaks_hdl05() {
    let s = Site::new();
    std::fs::create_dir_all(s.p("root/srv/share/design/ゴミ箱")).unwrap();
    std::fs::create_dir_all(s.p("root/srv/share/design/old")).unwrap();
    s.write("root/srv/share/design/old/a.dwg", "a");
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    std::fs::rename(
        s.p("root/srv/share/design/mold.dwg"),
        s.p("root/srv/share/design/ゴミ箱/mold.dwg"),
    )
    .unwrap();
    let (l, _) = s.wait_for("HDL-05", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/design/ゴミ箱/mold.dwg"
    });
    assert_eq!(l["event"], "renamed", "{l}");
    assert!(has(&l, "HDL-05"), "{l}");
    assert!(
        l["detail"]
            .as_str()
            .unwrap()
            .contains("from /srv/share/design/mold.dwg"),
        "{l}"
    );
    // A folder renamed: one line too, and it is watched under its new name.
    std::fs::rename(
        s.p("root/srv/share/design/old"),
        s.p("root/srv/share/design/new"),
    )
    .unwrap();
    s.wait_for("the folder renamed", Duration::from_secs(10), |l| {
        is(l, "renamed", "/srv/share/design/new")
    });
    s.write("root/srv/share/design/new/tmp/b.dwg", "b");
    s.wait_for(
        "HDL-05 under the renamed folder",
        Duration::from_secs(10),
        |l| l["path"] == "/srv/share/design/new/tmp/b.dwg" && has(l, "HDL-05"),
    );
    assert_eq!(stop(w), 0);
    let lines = s.lines();
    assert!(
        !lines
            .iter()
            .any(|l| l["path"] == "/srv/share/design/mold.dwg"
                || l["path"] == "/srv/share/design/old"),
        "{lines:#?}"
    );
}

#[test]
fn an_overflowing_event_queue_gives_a_rescan_line_and_nothing_is_left_unwatched() {
    let max: usize = std::fs::read_to_string("/proc/sys/fs/inotify/max_queued_events")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(usize::MAX);
    if max > 200_000 {
        walk_common::cannot_run(&format!(
            "fs.inotify.max_queued_events = {max} is too large to overflow quickly"
        ));
        return;
    }
    let s = Site::new();
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    let bulk = s.p("root/srv/share/public/bulk");
    std::fs::create_dir_all(&bulk).unwrap();
    s.wait_for("bulk watched", Duration::from_secs(10), |l| {
        is(l, "created", "/srv/share/public/bulk")
    });
    // Stopped, the watcher reads nothing: each new file queues several events.
    unsafe {
        libc::kill(w.id() as i32, libc::SIGSTOP);
    }
    for i in 0..max / 2 {
        std::fs::write(bulk.join(format!("f{i}")), "x").unwrap();
    }
    // Created after the queue overflowed: only the rescan can find (and watch) it.
    s.write("root/srv/share/public/late/社外秘.txt", "x");
    unsafe {
        libc::kill(w.id() as i32, libc::SIGCONT);
    }
    let (l, _) = s.wait_for("rescan", Duration::from_secs(30), |l| {
        l["event"] == "rescan"
    });
    assert!(has(&l, "HDL-02"), "{l}");
    s.write("root/srv/share/public/late/later_社外秘.txt", "x");
    s.wait_for(
        "a change in the folder found by the rescan",
        Duration::from_secs(10),
        |l| l["path"] == "/srv/share/public/late/later_社外秘.txt" && has(l, "HDL-02"),
    );
    assert_eq!(stop(w), 0);
    assert_eq!(verify(&s.log()).0, 0);
}

#[test]
fn watch_refuses_a_broken_log_in_japanese_with_lang_ja() {
    let s = Site::new();
    // A log cut off mid-line (no newline at the end).
    std::fs::write(s.log(), "{\"seq\":1").unwrap();
    let out = exited(s.start(&["--lang", "ja"]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // Was English only ("the log's hash chain is broken (no newline at the end)").
    assert!(
        err.contains("ハッシュチェーンが切れています") && err.contains("改行がありません"),
        "{err}"
    );
    assert_eq!(std::fs::read(s.log()).unwrap(), b"{\"seq\":1");
}

#[test]
fn a_second_watcher_on_the_same_log_is_refused_so_the_chain_stays_whole() {
    let s = Site::new();
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    // Two writers interleaved their lines: verify then called the log tampered.
    let out = exited(s.start(&[]));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another timaudit watch"), "{err}");
    s.write("root/srv/share/public/見積_社外秘.txt", "price list");
    s.wait_for("HDL-02", Duration::from_secs(10), |l| has(l, "HDL-02"));
    assert_eq!(stop(w), 0);
    let (code, text) = verify(&s.log());
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        s.lines().iter().filter(|l| l["event"] == "started").count(),
        1
    );
}

#[test]
fn a_change_still_in_its_debounce_window_is_logged_before_stopped() {
    let s = Site::new();
    // A long debounce: the change below is certainly still pending at SIGTERM.
    let child = Command::new(env!("CARGO_BIN_EXE_timaudit"))
        .args(["watch", "--debounce-ms", "30000", "--profile"])
        .arg(s.p("timaudit.yaml"))
        .arg("--root")
        .arg(s.p("root"))
        .arg("--log")
        .arg(s.log())
        .env("LANG", "C")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let w = Running(Some(child));
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    s.write(
        "root/srv/share/public/最後_社外秘.txt",
        "dropped just before the stop",
    );
    // Let the kernel event reach the watcher (it is not logged for 30 s).
    std::thread::sleep(Duration::from_millis(1000));
    assert!(s.lines().iter().all(|l| l["event"] == "started"));
    assert_eq!(stop(w), 0);
    let lines = s.lines();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    // Was: started, stopped — the file was never logged.
    assert_eq!(events, ["started", "created", "stopped"], "{lines:#?}");
    assert!(has(&lines[1], "HDL-02"), "{}", lines[1]);
    assert_eq!(verify(&s.log()).0, 0);
}

/// `ssh-keygen` is needed; under CI its absence is a failure, not a skip.
fn have_ssh_keygen() -> bool {
    let ok = Command::new("ssh-keygen").arg("-?").output().is_ok();
    // A failure under CI (`CI` set, whatever its value), a loud skip elsewhere.
    ok || walk_common::cannot_run("ssh-keygen (openssh-client) is missing; .ci/run installs it")
}

#[test]
fn a_signed_watch_log_is_checkpointed_sealed_and_checkable_with_ssh_keygen() {
    if !have_ssh_keygen() {
        return;
    }
    let s = Site::new();
    let key = s.p("id_ed25519");
    let made = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "tanaka", "-f"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let pubkey = std::fs::read_to_string(s.p("id_ed25519.pub")).unwrap();
    let signers = s.p("allowed_signers");
    std::fs::write(&signers, format!("tanaka {pubkey}")).unwrap();
    let w = s.start(&[
        "--sign-key",
        key.to_str().unwrap(),
        "--checkpoint-every",
        "1",
    ]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    s.write("root/srv/share/public/見積_社外秘.txt", "price list");
    s.wait_for("checkpoint", Duration::from_secs(15), |l| {
        l["event"] == "checkpoint"
    });
    let check = |open: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_timaudit"));
        cmd.args(["verify", "--log"])
            .arg(s.log())
            .arg("--allowed-signers")
            .arg(&signers)
            .env("LANG", "C");
        if open {
            cmd.arg("--open");
        }
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // While it runs: open, not sealed.
    let (code, text) = check(true);
    assert_eq!(code, 0, "{text}");
    assert_eq!(stop(w), 0);
    let lines = s.lines();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(
        events[events.len() - 2..],
        ["stopped", "sealed"],
        "{events:?}"
    );
    let (code, text) = check(false);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("signed by tanaka"), "{text}");

    // Stock OpenSSH checks a checkpoint: the signature covers the fixed prefix
    // and the line without its `sig` (the last field).
    let raw = std::fs::read_to_string(s.log()).unwrap();
    let seal = raw.lines().last().unwrap();
    let v: Value = serde_json::from_str(seal).unwrap();
    std::fs::write(s.p("seal.sig"), v["sig"].as_str().unwrap()).unwrap();
    let cut = seal.rfind(",\"sig\":").unwrap();
    let message = format!("timaudit-watch-checkpoint v1\n{}}}", &seal[..cut]);
    std::fs::write(s.p("seal.msg"), &message).unwrap();
    let ssh = Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&signers)
        .args(["-I", "tanaka", "-n", "timaudit", "-s"])
        .arg(s.p("seal.sig"))
        .stdin(std::fs::File::open(s.p("seal.msg")).unwrap())
        .output()
        .unwrap();
    assert!(ssh.status.success(), "{ssh:?}");

    // The tail cut: the seal is gone.
    let all: Vec<&str> = raw.lines().collect();
    std::fs::write(s.log(), all[..all.len() - 2].join("\n") + "\n").unwrap();
    let (code, text) = check(false);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("NOT SEALED"), "{text}");
}

#[test]
fn the_watchers_own_reads_never_fill_its_queue_so_a_big_share_is_never_rescanned() {
    // Each of the watcher's own opens used to be an event (notify subscribes to
    // IN_OPEN): above 65,536 files the start-up walk overflowed the queue, the
    // rescan that followed opened every file again, and so on — a rescan line
    // every second and every change lost. 3,000 files against a queue of 500
    // events is the same share in small.
    let s = Site::new();
    for d in 0..10 {
        for i in 0..300 {
            s.write(&format!("root/srv/share/public/bulk/d{d}/f{i}.txt"), "x");
        }
    }
    let w = s.start(&["--queue-capacity", "500"]);
    s.wait_for("started", Duration::from_secs(60), |l| {
        l["event"] == "started"
    });
    s.write("root/srv/share/public/bulk/d3/f17.txt", "社外秘 draft");
    let (l, _) = s.wait_for("the edit", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/bulk/d3/f17.txt"
    });
    assert_eq!(l["event"], "modified", "{l}");
    assert!(has(&l, "HDL-02"), "{l}");
    // A second edit, seen like the first, and still no rescan in between.
    s.write("root/srv/share/public/bulk/d7/f299.txt", "社外秘 v2");
    s.wait_for("the second edit", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/public/bulk/d7/f299.txt" && has(l, "HDL-02")
    });
    assert_eq!(stop(w), 0);
    let lines = s.lines();
    assert!(
        !lines.iter().any(|l| l["event"] == "rescan"),
        "{:#?}",
        lines
            .iter()
            .filter(|l| l["event"] == "rescan")
            .collect::<Vec<_>>()
    );
    assert_eq!(verify(&s.log()).0, 0);
}

#[test]
fn a_protected_file_or_folder_made_writable_by_everyone_is_logged_as_acc11() {
    let s = Site::new();
    std::fs::create_dir_all(s.p("root/srv/share/design/sub")).unwrap();
    s.chmod("root/srv/share/design/sub", 0o750);
    let w = s.start(&["--poll", "1"]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    s.chmod("root/srv/share/design/mold.dwg", 0o646);
    let (l, _) = s.wait_for("ACC-11 on a file", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/design/mold.dwg"
    });
    assert!(has(&l, "ACC-11"), "{l}");
    s.chmod("root/srv/share/design/sub", 0o757);
    let (l, _) = s.wait_for("ACC-11 on a folder", Duration::from_secs(10), |l| {
        l["path"] == "/srv/share/design/sub"
    });
    assert!(has(&l, "ACC-11"), "{l}");
    assert_eq!(stop(w), 0);
}

/// Watch mode follows files, not the roster: an ACL naming a leaver is
/// logged as an unauthorised reader (ACC-02), but leavers (ACC-05) are the
/// audit's, which reads the roster and the accounts together.
#[test]
fn an_acl_naming_a_leaver_is_logged_as_acc02_not_acc05() {
    let s = Site::new();
    s.write(
        "root/etc/passwd",
        "root:x:0:0::/root:/bin/bash\ntanaka:x:1001:2000::/home/t:/bin/bash\nsato:x:1002:1002::/home/s:/usr/sbin/nologin\n",
    );
    s.write(
        "timaudit.yaml",
        &format!(
            "{PROFILE}people:\n  - {{account: tanaka, roles: [handler], status: active}}\n  - {{account: sato, status: left, left_on: 2026-01-31}}\n"
        ),
    );
    let w = s.start(&[]);
    s.wait_for("started", Duration::from_secs(30), |l| {
        l["event"] == "started"
    });
    let st = Command::new("setfacl")
        .args(["-m", "u:1002:r"])
        .arg(s.p("root/srv/share/design/mold.dwg"))
        .status()
        .expect("setfacl (the acl package) is needed");
    assert!(st.success());
    let (l, _) = s.wait_for("ACC-02", Duration::from_secs(10), |l| {
        is(l, "permissions", "/srv/share/design/mold.dwg")
    });
    assert!(has(&l, "ACC-02") && !has(&l, "ACC-05"), "{l}");
    assert_eq!(stop(w), 0);
}
