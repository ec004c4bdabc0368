//! `timaudit scan`: inventory lines from real trees (modes, ACLs, FIFOs, symlink
//! loops, non-UTF-8 and HTML-looking names, unreadable folders).

mod walk_common;
use std::os::unix::ffi::OsStrExt;
use std::process::Command;
use walk_common::*;

fn scan(c: &Company, args: &[&str]) -> (i32, Vec<serde_json::Value>, Vec<u8>, String) {
    let out = Command::new(bin())
        .arg("scan")
        .arg("--root")
        .arg(c.root())
        .args(args)
        .output()
        .unwrap();
    let lines = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn line<'a>(lines: &'a [serde_json::Value], path: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["path"] == path)
        .unwrap_or_else(|| panic!("no inventory line for {path}"))
}

fn sha(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn inventory_lines_describe_every_entry_sorted_by_path() {
    let c = Company::new();
    let d = c.write("/srv/share/design/mold-17.dwg", "drawing 社外秘");
    chown(&d, 1001, 2000);
    chmod(&d, 0o640);
    let acl = setfacl(&["-m", "u:1002:r"], &d);
    c.write("/srv/share/a-b", "x");
    c.write("/srv/share/a/x", "y");
    c.write("/srv/share/a.txt", "");
    c.write("/srv/share/社外秘資料/notes.txt", "plain");
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("この文書は社外秘です");
    c.write("/srv/share/sjis.txt", &sjis);
    c.write("/srv/share/<img src=x onerror=alert(1)>.txt", "html");
    let bad = c
        .root()
        .join("srv/share")
        .join(std::ffi::OsStr::from_bytes(b"bad\xffname.txt"));
    std::fs::write(&bad, "raw").unwrap();
    std::os::unix::fs::symlink("loop2", c.host("/srv/share/loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", c.host("/srv/share/loop2")).unwrap();
    std::os::unix::fs::symlink("/etc", c.host("/srv/share/etc-link")).unwrap();
    let fifo = mkfifo(&c.host("/srv/share/pipe"));
    std::fs::hard_link(c.host("/srv/share/a-b"), c.host("/srv/share/hard")).unwrap();

    let (code, lines, raw, stderr) = scan(&c, &["/srv/share"]);
    assert_eq!(code, 0, "{stderr}");

    // Byte order of the paths, not walk order: /srv/share/a < a-b < a.txt < a/x.
    let keys: Vec<Vec<u8>> = lines
        .iter()
        .map(|l| match l.get("path_b64") {
            Some(b) => b64(b.as_str().unwrap()),
            None => l["path"].as_str().unwrap().as_bytes().to_vec(),
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let pos = |p: &str| keys.iter().position(|k| k == p.as_bytes()).unwrap();
    assert!(pos("/srv/share/a") < pos("/srv/share/a-b"));
    assert!(pos("/srv/share/a.txt") < pos("/srv/share/a/x"));
    assert_eq!(raw.iter().filter(|b| **b == b'\n').count(), lines.len());

    let m = line(&lines, "/srv/share/design/mold-17.dwg");
    assert_eq!(m["type"], "file");
    assert_eq!(m["mode"], "0640");
    assert_eq!(
        (m["uid"].as_u64(), m["gid"].as_u64()),
        (Some(1001), Some(2000))
    );
    assert_eq!(
        (m["user"].as_str(), m["group"].as_str()),
        (Some("tanaka"), Some("design"))
    );
    assert_eq!(m["size"], 17);
    assert_eq!(m["sha256"], sha("drawing 社外秘".as_bytes()));
    let mtime = m["mtime"].as_str().unwrap();
    assert!(
        mtime.ends_with('Z') && mtime.split('.').nth(1).unwrap().len() == 10,
        "RFC 3339 with nanoseconds: {mtime}"
    );
    assert_eq!(
        m["markers"],
        serde_json::json!([{"marker": "社外秘", "where": "content"}])
    );
    if acl {
        let acl: Vec<&str> = m["acl"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(acl.contains(&"user:sato:r--"), "{acl:?}");
        assert!(acl.contains(&"mask::r--"), "{acl:?}");
    }
    assert_eq!(line(&lines, "/srv/share/a-b")["acl"], serde_json::json!([]));

    // Markers in a parent directory's name and in CP932 content.
    let n = line(&lines, "/srv/share/社外秘資料/notes.txt");
    assert_eq!(
        n["markers"],
        serde_json::json!([{"marker": "社外秘", "where": "directory"}])
    );
    assert_eq!(
        line(&lines, "/srv/share/社外秘資料")["markers"][0]["where"],
        "name"
    );
    assert_eq!(
        line(&lines, "/srv/share/sjis.txt")["markers"][0]["where"],
        "content"
    );

    // Non-UTF-8 name: lossy path, exact bytes in path_b64.
    let b = lines.iter().find(|l| l.get("path_b64").is_some()).unwrap();
    assert_eq!(
        b64(b["path_b64"].as_str().unwrap()),
        b"/srv/share/bad\xffname.txt"
    );
    assert!(b["path"].as_str().unwrap().contains('\u{fffd}'));

    // HTML-looking names are data, written as they are (JSON-escaped).
    assert_eq!(
        line(&lines, "/srv/share/<img src=x onerror=alert(1)>.txt")["sha256"],
        sha(b"html")
    );

    // Symlinks are recorded, never followed; loops do not hang.
    let l = line(&lines, "/srv/share/loop1");
    assert_eq!(l["type"], "symlink");
    // Not read: readlink(2) would stamp the link's access time.
    assert!(l.get("target").is_none());
    assert_eq!(line(&lines, "/srv/share/etc-link")["type"], "symlink");
    assert!(!lines.iter().any(|l| {
        l["path"]
            .as_str()
            .unwrap()
            .starts_with("/srv/share/etc-link/")
    }));
    if fifo {
        let p = line(&lines, "/srv/share/pipe");
        assert_eq!(p["type"], "special");
        assert!(p["sha256"].is_null());
    }
    // Hard links: both listed with the same hash; zero-byte files hashed too.
    assert_eq!(line(&lines, "/srv/share/hard")["sha256"], sha(b"x"));
    assert_eq!(line(&lines, "/srv/share/a.txt")["sha256"], sha(b""));
    // Never the root prefix.
    let root = c.root().to_string_lossy().into_owned();
    assert!(!String::from_utf8_lossy(&raw).contains(&root));
}

fn b64(s: &str) -> Vec<u8> {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let v: Vec<u32> = s
        .bytes()
        .filter(|b| *b != b'=')
        .map(|b| T.iter().position(|t| *t == b).unwrap() as u32)
        .collect();
    for c in v.chunks(4) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, x)| n | x << (18 - 6 * i));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..c.len() - 1]);
    }
    out
}

#[test]
fn no_hash_excludes_and_profile_markers() {
    let c = Company::new();
    c.write("/srv/share/doc.txt", "CONFIDENTIAL");
    c.write("/srv/share/.snapshot/hourly/doc.txt", "CONFIDENTIAL");
    c.write("/srv/share/keep.tmp", "x");
    let p = c.profile(
        "version: 1\norganization:\n  name: テスト\nscope:\n  shares: [/srv/share]\n  exclude: [\"**/.snapshot/**\", \"**/*.tmp\"]\nmarkers: [Confidential]\n",
    );
    let (code, lines, _, stderr) = scan(
        &c,
        &["--no-hash", "--profile", p.to_str().unwrap(), "/srv/share"],
    );
    assert_eq!(code, 0, "{stderr}");
    let d = line(&lines, "/srv/share/doc.txt");
    assert!(d["sha256"].is_null());
    assert!(d["hash_error"].as_str().unwrap().contains("--no-hash"));
    // Content is still scanned without hashing; ASCII case-insensitive.
    assert_eq!(d["markers"][0]["marker"], "Confidential");
    assert!(
        !lines
            .iter()
            .any(|l| l["path"].as_str().unwrap().contains("/.snapshot/"))
    );
    assert!(!lines.iter().any(|l| l["path"] == "/srv/share/keep.tmp"));
}

#[test]
fn unreadable_folders_are_listed_and_the_walk_goes_on() {
    let c = Company::new();
    c.write("/srv/share/open/a.txt", "a");
    c.write("/srv/share/closed/secret.txt", "s");
    c.write("/srv/share/z.txt", "z");
    let f = c.write("/srv/share/locked.txt", "l");
    chmod(&f, 0o600);
    chown(&f, 0, 0);
    let closed = c.host("/srv/share/closed");
    chmod(&closed, 0o700);
    chown(&closed, 0, 0);
    let Some((mut cmd, _guard)) = as_nobody() else {
        return;
    };
    let out = cmd
        .arg("scan")
        .arg("--root")
        .arg(c.root())
        .arg("/srv/share")
        .output()
        .unwrap();
    chmod(&closed, 0o755);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "incomplete walk → exit 1; {stderr}"
    );
    assert!(
        stderr.contains("warning: /srv/share/closed: could not be read: permission denied"),
        "{stderr}"
    );
    assert!(
        stderr.contains("/srv/share/locked.txt: could not be read: permission denied"),
        "{stderr}"
    );
    assert!(stdout.contains("\"/srv/share/z.txt\""), "the walk went on");
    assert!(stdout.contains("\"/srv/share/closed\""));
    assert!(!stdout.contains("secret.txt"));
    assert!(stdout.contains("\"hash_error\":\"permission denied\""));
}

#[test]
fn deep_trees_and_missing_paths() {
    let c = Company::new();
    let mut p = String::from("/srv/share");
    for i in 0..120 {
        p.push_str(&format!("/level-{i:03}-ディレクトリ"));
    }
    c.write(&format!("{p}/bottom.txt"), "deep");
    let (code, lines, _, stderr) = scan(&c, &["/srv/share", "/srv/nothing"]);
    assert_eq!(code, 1, "a missing path makes the walk incomplete");
    assert!(stderr.contains("/srv/nothing"), "{stderr}");
    assert_eq!(
        line(&lines, &format!("{p}/bottom.txt"))["sha256"],
        sha(b"deep")
    );
}

#[test]
fn audit_out_writes_the_same_inventory() {
    let c = Company::new();
    c.write("/srv/share/design/a.dwg", "a");
    c.write("/srv/share/b.txt", "b");
    let p =
        c.profile("version: 1\norganization:\n  name: テスト\nscope:\n  shares: [/srv/share]\n");
    let out = c.dir.path().join("out");
    let st = Command::new(bin())
        .args(["audit", "--format", "json", "--date", "2026-01-15"])
        .arg("--profile")
        .arg(&p)
        .arg("--root")
        .arg(c.root())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(st.status.code() == Some(0) || st.status.code() == Some(1));
    let inv = std::fs::read(out.join("inventory.jsonl")).unwrap();
    let (_, _, raw, _) = scan(&c, &["--profile", p.to_str().unwrap(), "/srv/share"]);
    // Same lines (mtimes of directories are the same: nothing changed between).
    assert_eq!(String::from_utf8_lossy(&inv), String::from_utf8_lossy(&raw));
    let report: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
    assert_eq!(report["inventory"]["files"], 2);
    assert_eq!(report["inventory"]["hashed"], 2);
    assert_eq!(report["coverage"]["roots"][0]["path"], "/srv/share");
}

/// Unmounts on drop, so a failing test leaves no mount behind.
struct Mounted(Vec<std::path::PathBuf>);
impl Drop for Mounted {
    fn drop(&mut self) {
        for m in self.0.iter().rev() {
            let _ = Command::new("umount").arg(m).status();
        }
    }
}

fn mount(args: &[&str], at: &std::path::Path) -> bool {
    Command::new("mount")
        .args(args)
        .arg(at)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

#[test]
fn bind_mount_loops_and_other_filesystems() {
    let c = Company::new();
    c.write("/srv/share/a/file.txt", "a");
    let loop_at = c.mkdir("/srv/share/a/loop");
    let tmpfs_at = c.mkdir("/srv/share/mnt");
    let share = c.host("/srv/share");
    if !need_root("mount --bind (to build a directory loop)") {
        return;
    }
    if !mount(&["--bind", share.to_str().unwrap()], &loop_at) {
        cannot_run("mount --bind failed (to build a directory loop)");
        return;
    }
    let mut guard = Mounted(vec![loop_at.clone()]);
    if !mount(&["-t", "tmpfs", "none"], &tmpfs_at) {
        cannot_run("cannot mount a tmpfs");
        return;
    }
    guard.0.push(tmpfs_at.clone());
    std::fs::write(tmpfs_at.join("inside.txt"), "tmpfs").unwrap();

    let (code, lines, _, stderr) = scan(&c, &["/srv/share"]);
    assert_eq!(code, 0, "loops and mounts are not read errors: {stderr}");
    assert!(
        stderr.contains("/srv/share/a/loop: filesystem loop"),
        "{stderr}"
    );
    assert!(stderr.contains("/srv/share/mnt: not walked"), "{stderr}");
    assert_eq!(line(&lines, "/srv/share/a/loop")["type"], "dir");
    assert!(
        !lines
            .iter()
            .any(|l| l["path"] == "/srv/share/a/loop/a/file.txt")
    );
    assert!(
        !lines
            .iter()
            .any(|l| l["path"] == "/srv/share/mnt/inside.txt")
    );

    let (_, lines, _, _) = scan(&c, &["--cross-filesystems", "/srv/share"]);
    assert_eq!(
        line(&lines, "/srv/share/mnt/inside.txt")["sha256"],
        sha(b"tmpfs")
    );

    // In an audit, a mount point not entered keeps the items from passing.
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\n",
    );
    let (_, r, _) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-05"), "error");
    assert_eq!(r["coverage"]["loops"], 1);
    assert_eq!(
        r["coverage"]["other_filesystems"][0]["path"],
        "/srv/share/mnt"
    );
    let (_, r, _) = c.audit(&p, &["--cross-filesystems"]);
    assert_eq!(status(&r, "HDL-05"), "pass");
    drop(guard);
}

#[test]
fn audit_names_the_first_walk_problems_on_stderr_and_counts_the_rest() {
    let c = Company::new();
    c.write("/srv/share/a.txt", "a");
    let p = c.profile("version: 1\norganization:\n  name: X\nscope:\n  shares: [/srv/share]\n");
    let missing: Vec<String> = (0..25).map(|i| format!("/srv/nothing-{i:02}")).collect();
    let mut cmd = Command::new(bin());
    cmd.env("LANG", "C")
        .args([
            "audit",
            "--format",
            "json",
            "--date",
            "2026-01-15",
            "--profile",
        ])
        .arg(&p)
        .arg("--root")
        .arg(c.root());
    for m in &missing {
        cmd.args(["--scan", m]);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let named = stderr
        .lines()
        .filter(|l| l.contains("could not be read"))
        .count();
    assert_eq!(named, 20, "{stderr}");
    assert!(
        stderr.contains("and 5 more (see the report's coverage)"),
        "{stderr}"
    );
    // The report still lists every one.
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["coverage"]["unreadable"].as_array().unwrap().len(),
        25
    );
    // scan names every path: it has no report to point to.
    let args: Vec<&str> = missing.iter().map(String::as_str).collect();
    let (code, _, _, stderr) = scan(&c, &args);
    assert_eq!(code, 1);
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains("could not be read"))
            .count(),
        25
    );
}
