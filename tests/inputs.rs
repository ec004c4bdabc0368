//! Hostile or broken inputs (issue 15): every input timaudit reads refuses FIFOs,
//! devices and sockets without blocking, is read with a stated size limit, and a
//! broken profile or roster is a list of `FILE:LINE:COLUMN` errors with exit 2 —
//! never a hang, an abort or a panic.

mod common;
use common::*;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the real binary; a run that has not ended after 60 s is killed and the
/// test fails (a hang is what these tests are about).
fn run_bounded(args: &[&std::ffi::OsStr]) -> Audit {
    let exe = assert_cmd::cargo::cargo_bin("timaudit");
    let mut child = Command::new(exe)
        .args(args)
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Drain the pipes on threads so a large output cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            child.wait().ok();
            panic!("timaudit {args:?} hung (killed after 60 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let a = Audit {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
    };
    assert_ne!(a.code, 101, "panicked:\n{}", a.stderr);
    assert_ne!(a.code, -1, "killed by a signal (abort?):\n{}", a.stderr);
    a
}

fn os<'a>(v: &'a [&'a str]) -> Vec<&'a std::ffi::OsStr> {
    v.iter().map(std::ffi::OsStr::new).collect()
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo")
        .arg(p)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {} failed", p.display());
}

/// A sparse file of `len` bytes (nothing stored on disk).
fn sparse(p: &Path, len: u64) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::File::create(p).unwrap().set_len(len).unwrap();
}

const ORG: &str = "version: 1\norganization:\n  name: 株式会社テスト製作所\n";

fn audit(c: &Company, extra: &[&str]) -> Audit {
    let (p, r) = (c.profile_path(), c.root());
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "audit".as_ref(),
        "--profile".as_ref(),
        p.as_os_str(),
        "--root".as_ref(),
        r.as_os_str(),
        "--date".as_ref(),
        "2026-11-25".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ];
    args.extend(extra.iter().map(std::ffi::OsStr::new));
    run_bounded(&args)
}

// ------------------------------------------------------------ FIFOs, no hang

/// The run stopped with exit 2, saying the input is a FIFO.
fn refused_fifo(a: &Audit) {
    assert_eq!(a.code, 2, "{}", a.stderr);
    assert!(
        a.stderr.contains("not a regular file but a FIFO"),
        "{}",
        a.stderr
    );
}

#[test]
fn a_fifo_as_people_file_or_training_file_is_an_error_not_a_hang() {
    for key in ["people_file", "training_file"] {
        let c = Company::new();
        c.passwd(PASSWD);
        c.profile(&format!("{ORG}{key}: roster.csv\n"));
        mkfifo(&c.path().join("roster.csv"));
        let a = audit(&c, &[]);
        refused_fifo(&a);
        let want = format!("timaudit.yaml:4:{}: {key}: cannot read", key.len() + 3);
        assert!(a.stderr.contains(&want), "{key}: {}", a.stderr);
    }
}

#[test]
fn a_fifo_as_profile_baseline_diff_input_or_watch_log_is_an_error_not_a_hang() {
    let c = Company::new();
    c.passwd(PASSWD);
    let fifo = c.path().join("fifo");
    mkfifo(&fifo);
    let f = fifo.to_str().unwrap();

    let a = run_bounded(&os(&["audit", "--profile", f, "--format", "json"]));
    refused_fifo(&a);

    c.profile(ORG);
    let a = audit(&c, &["--baseline", f]);
    refused_fifo(&a);

    let report = c.write("report.json", "{}");
    let a = run_bounded(&os(&["diff", f, report.to_str().unwrap()]));
    refused_fifo(&a);

    let a = run_bounded(&os(&["verify", "--log", f]));
    refused_fifo(&a);
}

#[test]
fn a_fifo_as_a_host_config_makes_its_item_error() {
    let c = Company::new();
    c.passwd(PASSWD);
    c.profile(ORG);
    std::fs::create_dir_all(c.root().join("etc/ssh")).unwrap();
    mkfifo(&c.root().join("etc/ssh/sshd_config"));
    let a = audit(&c, &[]);
    assert_eq!(a.status("ITS-02"), "error", "{}", a.stdout);
    let ev = a.evidence("ITS-02").join("\n");
    assert!(ev.contains("/etc/ssh/sshd_config"), "{ev}");
    assert!(ev.contains("not a regular file but a FIFO"), "{ev}");
}

// ---------------------------------------------------------- sizes, no abort

#[test]
fn a_3_gb_config_makes_its_item_error_instead_of_exhausting_memory() {
    let c = Company::new();
    c.passwd(PASSWD);
    c.profile(ORG);
    sparse(&c.root().join("etc/ssh/sshd_config"), 3 << 30);
    let a = audit(&c, &[]);
    assert_eq!(a.status("ITS-02"), "error", "{}", a.stderr);
    let ev = a.evidence("ITS-02").join("\n");
    assert!(
        ev.contains("too large: 3221225472 bytes (timaudit reads at most 32 MiB"),
        "{ev}"
    );
}

#[test]
fn a_2_gb_people_csv_is_a_profile_error_with_the_limit() {
    let c = Company::new();
    c.passwd(PASSWD);
    c.profile(&format!("{ORG}people_file: people.csv\n"));
    sparse(&c.path().join("people.csv"), 2 << 30);
    let a = audit(&c, &[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    assert!(
        a.stderr.contains("people_file: cannot read `")
            && a.stderr
                .contains("too large: 2147483648 bytes (timaudit reads at most 64 MiB"),
        "{}",
        a.stderr
    );
}

#[test]
fn a_watch_log_line_without_end_is_an_error_not_a_whole_file_in_memory() {
    let c = Company::new();
    let log = c.path().join("watch.log");
    sparse(&log, 3 << 30);
    let a = run_bounded(&os(&["verify", "--log", log.to_str().unwrap()]));
    assert_ne!(a.code, 0, "{}", a.stdout);
    assert!(
        format!("{}{}", a.stdout, a.stderr).contains("too large"),
        "{}\n{}",
        a.stdout,
        a.stderr
    );
}

#[test]
fn a_1_tb_sparse_file_is_listed_unhashed_with_the_reason_not_read() {
    let d = tempfile::tempdir().unwrap();
    let share = d.path().join("share");
    sparse(&share.join("vm.img"), 1 << 40);
    std::fs::write(share.join("notes.txt"), "社外秘\n").unwrap();
    let a = run_bounded(&os(&["scan", share.to_str().unwrap()]));
    // Exit 1: a path could not be fully read (hashed).
    assert_eq!(a.code, 1, "{}", a.stderr);
    let lines: Vec<serde_json::Value> = a
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let img = lines
        .iter()
        .find(|l| l["path"].as_str().unwrap().ends_with("vm.img"))
        .unwrap();
    assert_eq!(img["sha256"], serde_json::Value::Null);
    assert!(
        img["hash_error"]
            .as_str()
            .unwrap()
            .starts_with("sparse file: 1099511627776 bytes long, 0 bytes stored on disk"),
        "{img}"
    );
    assert!(a.stderr.contains("vm.img"), "{}", a.stderr);
    let notes = lines
        .iter()
        .find(|l| l["path"].as_str().unwrap().ends_with("notes.txt"))
        .unwrap();
    assert!(notes["sha256"].is_string());
}

// --------------------------------------------------- YAML: bombs, documents

#[test]
fn an_alias_bomb_in_the_profile_is_a_positioned_error_with_exit_2() {
    let c = Company::new();
    c.passwd(PASSWD);
    let mut y = format!("{ORG}lol0: &a0 [\"lol\", \"lol\"]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        y.push_str(&format!("lol{i}: &a{i} [{refs}]\n"));
    }
    c.profile(&y);
    let a = audit(&c, &[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    // Line 10 holds lol6, where the expansion passes a million values.
    assert!(
        a.stderr.contains("timaudit.yaml:10:")
            && a.stderr.contains("YAML aliases expand to too much"),
        "{}",
        a.stderr
    );
}

#[test]
fn a_second_yaml_document_in_the_profile_is_an_error_at_its_start() {
    let c = Company::new();
    c.passwd(PASSWD);
    c.profile(&format!("{ORG}---\nassets: []\n"));
    let a = audit(&c, &[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    assert!(
        a.stderr
            .contains("timaudit.yaml:4:1: a second YAML document (after `---`)"),
        "{}",
        a.stderr
    );
}

// ------------------------------------------------------------ CSV rosters

#[test]
fn every_malformed_roster_row_is_listed_with_its_line_and_exit_2() {
    let c = Company::new();
    c.passwd(PASSWD);
    c.profile(&format!(
        "{ORG}people_file: people.csv\ntraining_file: training.csv\n"
    ));
    c.write(
        "people.csv",
        "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\n\
         tanaka,田中,handler,active,2020-04-01,,2020-04-01,\n\
         ,名無し,handler,active,2020-04-01,,,\n\
         mori,森,handler,active,2020-04-01,,2020-04-01,\n",
    );
    c.write(
        "training.csv",
        "date,account,title,topics\n\
         2026-06-10,tanaka,情報管理研修,handling\n\
         ,sato,情報管理研修,handling\n\
         2026-06-10,,情報管理研修,handling\n\
         2026-06-10,kato,,handling\n\
         2026-06-10,mori,\"情報管理研修,handling\n\
         2026-06-11,tanaka,その後の行,handling\n",
    );
    let a = audit(&c, &[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    for want in [
        "people.csv:3:1: account: required",
        "training.csv:3:1: date: required, but empty",
        "training.csv:4:12: account: required, but empty",
        "training.csv:5:17: title: required, but empty",
        "training.csv:6:17: unterminated quote",
    ] {
        assert!(
            a.stderr.contains(want),
            "missing {want:?} in:\n{}",
            a.stderr
        );
    }
}

// ------------------------------------------------------------ globs

#[test]
fn a_400_kb_include_glob_makes_its_item_error_citing_the_line_not_a_panic() {
    let c = Company::new();
    c.passwd(PASSWD);
    c.profile(ORG);
    let glob = format!("/etc/ssh/sshd_config.d/{}", "[a-z]*".repeat(70_000));
    c.host_file(
        "/etc/ssh/sshd_config",
        format!("PermitRootLogin no\nInclude {glob}\n"),
    );
    let a = audit(&c, &[]);
    assert_eq!(a.status("ITS-02"), "error", "{}", a.stderr);
    let ev = a.evidence("ITS-02").join("\n");
    assert!(ev.contains("/etc/ssh/sshd_config:2: "), "{ev}");
    assert!(ev.contains("more than the 4096 a path can have"), "{ev}");
    assert!(ev.len() < 20_000, "the whole pattern is not dumped");
    assert!(a.stderr.len() < 20_000, "{}", a.stderr.len());
}

// ------------------------------------------------------------ access times

struct Unmount(PathBuf);
impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn the_company_files_keep_their_access_times_on_a_strictatime_filesystem() {
    // A failure under CI (`CI` set, whatever its value), a loud skip elsewhere.
    if !need_root("mounting a strictatime tmpfs") {
        return;
    }
    let c = Company::new();
    let at = c.path().join("company");
    std::fs::create_dir_all(&at).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "strictatime,mode=0755", "tmpfs"])
        .arg(&at)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "cannot mount a tmpfs");
    let _u = Unmount(at.clone());
    c.passwd(PASSWD);
    let files = [
        (
            "timaudit.yaml",
            format!(
                "{ORG}people_file: people.csv\ntraining_file: training.csv\ndocuments:\n  - id: rules\n    title: 規程\n    path: rules.txt\n    revised_on: 2026-04-01\n"
            ),
        ),
        (
            "people.csv",
            "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\ntanaka,田中,administrator,active,2020-04-01,,2020-04-01,\n".to_string(),
        ),
        (
            "training.csv",
            "date,account,title,topics\n2026-06-10,tanaka,研修,handling\n".to_string(),
        ),
        ("rules.txt", "技術情報管理規程\n".to_string()),
    ];
    let old = std::fs::FileTimes::new()
        .set_accessed(std::time::UNIX_EPOCH + Duration::from_secs(1_000_000_000));
    for (name, text) in &files {
        std::fs::write(at.join(name), text).unwrap();
        std::fs::File::options()
            .write(true)
            .open(at.join(name))
            .unwrap()
            .set_times(old)
            .unwrap();
    }
    let before: Vec<(i64, i64)> = files
        .iter()
        .map(|(n, _)| {
            let m = std::fs::metadata(at.join(n)).unwrap();
            (m.atime(), m.ctime())
        })
        .collect();
    let (p, r) = (at.join("timaudit.yaml"), c.root());
    let out = c.path().join("bundle");
    let a = run_bounded(&[
        "audit".as_ref(),
        "--profile".as_ref(),
        p.as_os_str(),
        "--root".as_ref(),
        r.as_os_str(),
        "--date".as_ref(),
        "2026-11-25".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(a.code == 0 || a.code == 1, "{}", a.stderr);
    assert!(out.join("report.json").exists());
    for ((n, _), b) in files.iter().zip(before) {
        let m = std::fs::metadata(at.join(n)).unwrap();
        assert_eq!((m.atime(), m.ctime()), b, "{n}: access time changed");
    }
}

/// Issue 15 item 6 for the host's own files: the configuration files and
/// folders under `--root` that an audit reads (through descriptors, `O_NOATIME`)
/// keep their access times; only symbolic links that are resolved are stamped,
/// which Linux does on every link lookup (the README's "Access times that Linux
/// always changes").
#[test]
fn the_host_configs_under_root_keep_their_access_times_on_a_strictatime_filesystem() {
    if !need_root("mounting a strictatime tmpfs") {
        return;
    }
    let c = Company::new();
    let etc = c.root().join("etc");
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "strictatime,mode=0755", "tmpfs"])
        .arg(&etc)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "cannot mount a tmpfs");
    let _u = Unmount(etc.clone());
    c.passwd(PASSWD);
    c.group("root:x:0:\n");
    c.host_file(
        "/etc/ssh/sshd_config",
        "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n",
    );
    c.host_file(
        "/etc/ssh/sshd_config.d/a.conf",
        "PasswordAuthentication no\n",
    );
    c.host_file("/etc/login.defs", "PASS_MIN_LEN 12\n");
    std::os::unix::fs::symlink("/etc/login.defs", etc.join("login.link")).unwrap();
    c.profile(ORG);
    let mut paths = vec![etc.clone()];
    for e in walkdir::WalkDir::new(&etc).min_depth(1) {
        let e = e.unwrap();
        if !e.path_is_symlink() {
            paths.push(e.into_path());
        }
    }
    // Access times older than the modification times: any read stamps them.
    let st = Command::new("touch")
        .args(["-h", "-a", "-d", "2020-01-01 00:00:00"])
        .args(&paths)
        .status()
        .unwrap();
    assert!(st.success());
    let times = |p: &PathBuf| {
        let m = std::fs::symlink_metadata(p).unwrap();
        (m.atime(), m.atime_nsec(), m.ctime())
    };
    let before: Vec<_> = paths.iter().map(times).collect();
    let out = c.path().join("bundle");
    let a = audit(&c, &["--out", out.to_str().unwrap()]);
    assert!(a.code == 0 || a.code == 1, "{}", a.stderr);
    // The files were read: their copies are in the bundle.
    assert!(
        out.join("evidence/etc/ssh/sshd_config").exists(),
        "{}",
        a.stderr
    );
    for (p, b) in paths.iter().zip(&before) {
        assert_eq!(times(p), *b, "{}: access time changed", p.display());
    }
    // And the filesystem does record reads, so the check above can fail.
    let defs = paths
        .iter()
        .position(|p| p.ends_with("login.defs"))
        .unwrap();
    std::fs::read(&paths[defs]).unwrap();
    assert_ne!(times(&paths[defs]), before[defs], "reads are not recorded");
}

#[test]
fn a_baseline_inventory_with_a_3_gb_line_is_an_error_not_an_abort() {
    let c = Company::new();
    c.passwd(PASSWD);
    c.profile(&format!(
        "{ORG}scope:\n  shares: [/srv/share]\nassets:\n  - id: A-1\n    name: 図面\n    classification: 極秘\n    paths: [\"/srv/share/**\"]\n    authorized: [\"user:tanaka\"]\n"
    ));
    c.host_file("/srv/share/a.dwg", "x");
    let last = c.path().join("last");
    let a = audit(&c, &["--out", last.to_str().unwrap(), "--format", "json"]);
    assert!(a.code == 0 || a.code == 1, "{}", a.stderr);
    // The inventory replaced by 3 GB without a newline (sparse: nothing on disk).
    sparse(&last.join("inventory.jsonl"), 3 << 30);
    let a = audit(&c, &["--baseline", last.to_str().unwrap()]);
    assert!(a.code == 1 || a.code == 2, "{}", a.stderr);
    let all = format!("{}{}", a.stdout, a.stderr);
    assert!(
        all.contains("inventory.jsonl:1: ") && all.contains("too large"),
        "{all}"
    );
    let b = run_bounded(&os(&[
        "diff",
        last.join("report.json").to_str().unwrap(),
        last.join("report.json").to_str().unwrap(),
    ]));
    // diff reports what it could not compare inside its output.
    let all = format!("{}{}", b.stdout, b.stderr);
    assert!(
        all.contains("inventory.jsonl:1: ") && all.contains("too large"),
        "{all}"
    );
}
