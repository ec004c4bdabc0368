//! A hostile user who can write a share swaps one of its folders for a link to a
//! folder outside the audited root, over and over, while timaudit (run as root)
//! walks the share. Nothing outside the root may ever be read or reported: not the
//! size, owner, inode or SHA-256 of a file there, nor its content (issue 15).
//!
//! The swap is `renameat2(RENAME_EXCHANGE)` of the share's folder `sub` with a
//! link `sublink` → `outside/`, in a tight loop on another thread, while the real
//! binary runs `scan` (hashing) and `audit --out` many times. `outside/` holds
//! files with the same names as `sub/`, so an entry stat'ed or opened by its full
//! path (through a swapped parent) lands on the secret one.
//!
//! The same race one level up: a component of the share's own path (the share
//! root, a `--scan` path) or of a host configuration file's path is exchanged with
//! a link out of the root while `scan`, `audit` and `audit --out` (which copies
//! the configuration files into the bundle) run; the root of each walk and each
//! file copied are found through descriptors from `--root` (`RootFs::locate`).
//!
//! And while `watch` (polling and inotify) watches a share: the share exchanged
//! with a link out of the root, once (held for a few polls) and then in a tight
//! loop, while files outside change; no log line may name one of them.

mod walk_common;
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use walk_common::*;

/// Files in `sub/` (and, with the same names, in `outside/`).
const FILES: usize = 40;
/// The size of every secret file: no file inside the root has it.
const SECRET_SIZE: usize = 7919;
/// The owner of the secret files: no file inside the root has it.
const SECRET_UID: u32 = 4242;
const TOKEN: &str = "TOPSECRET-outside-the-root-5f1c";

struct Secrets {
    /// Hex SHA-256 of each secret file.
    hashes: Vec<String>,
    inodes: Vec<u64>,
}

fn setup(c: &Company) -> (PathBuf, Secrets) {
    let share = c.mkdir("/srv/share");
    std::fs::write(share.join("top.txt"), "top").unwrap();
    let sub = share.join("sub");
    std::fs::create_dir(&sub).unwrap();
    // Outside the root (the root is `<tmp>/root`; this is `<tmp>/outside`).
    let outside = c.dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let mut hashes = Vec::new();
    let mut inodes = Vec::new();
    for i in 0..FILES {
        let name = format!("f{i:02}.txt");
        std::fs::write(sub.join(&name), format!("inside {i}")).unwrap();
        let mut secret = format!("{TOKEN} {i} ").into_bytes();
        secret.resize(SECRET_SIZE, b'#');
        let p = outside.join(&name);
        std::fs::write(&p, &secret).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        if is_root() {
            std::os::unix::fs::chown(&p, Some(SECRET_UID), Some(SECRET_UID)).unwrap();
        }
        hashes.push(hex::encode(Sha256::digest(&secret)));
        use std::os::unix::fs::MetadataExt;
        inodes.push(std::fs::metadata(&p).unwrap().ino());
    }
    // A folder inside the secret one: reached through a swapped parent, it would be
    // listed too.
    std::fs::create_dir(outside.join("deeper")).unwrap();
    std::fs::write(outside.join("deeper/x.txt"), TOKEN).unwrap();
    std::fs::create_dir(sub.join("deeper")).unwrap();
    std::fs::write(sub.join("deeper/x.txt"), "inside").unwrap();
    std::os::unix::fs::symlink(&outside, share.join("sublink")).unwrap();
    (share, Secrets { hashes, inodes })
}

/// Swaps `sub` and `sublink` until stopped; counts the swaps.
struct Swapper {
    stop: Arc<AtomicBool>,
    swaps: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Swapper {
    fn start(share: &Path) -> Swapper {
        Swapper::exchanging(share, "sub", "sublink")
    }

    /// Exchanges the entries `a` and `b` of the folder `dir` until stopped.
    fn exchanging(dir: &Path, a: &'static str, b: &'static str) -> Swapper {
        let stop = Arc::new(AtomicBool::new(false));
        let swaps = Arc::new(AtomicU64::new(0));
        let dir = std::fs::File::open(dir).unwrap();
        let (s, n) = (stop.clone(), swaps.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                rustix::fs::renameat_with(&dir, a, &dir, b, rustix::fs::RenameFlags::EXCHANGE)
                    .unwrap();
                n.fetch_add(1, Ordering::Relaxed);
            }
        });
        Swapper {
            stop,
            swaps,
            thread: Some(thread),
        }
    }
}

impl Drop for Swapper {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What in `text` comes from outside the root, if anything.
fn leaked(text: &str, s: &Secrets) -> Option<String> {
    if text.contains(TOKEN) {
        return Some("the secret content".into());
    }
    if let Some(h) = s.hashes.iter().find(|h| text.contains(h.as_str())) {
        return Some(format!("a secret file's SHA-256 {h}"));
    }
    if text.contains(&format!("\"size\":{SECRET_SIZE},")) {
        return Some("a secret file's size".into());
    }
    if is_root() && text.contains(&format!("\"uid\":{SECRET_UID},")) {
        return Some("a secret file's owner".into());
    }
    if let Some(i) = s
        .inodes
        .iter()
        .find(|i| text.contains(&format!("\"ino\":{i},")))
    {
        return Some(format!("a secret file's inode {i}"));
    }
    None
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn a_folder_swapped_for_a_link_outside_the_root_while_walked_leaks_nothing() {
    let c = Company::new();
    let (share, secrets) = setup(&c);
    let profile = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [TOPSECRET]\n",
    );
    // Without the race, the share's own files are all there (the check below
    // would find a leak if there were one).
    let out = Command::new(bin())
        .args(["scan", "--root"])
        .arg(c.root())
        .arg("/srv/share")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("\"/srv/share/sub/f00.txt\""), "{text}");
    assert_eq!(leaked(&text, &secrets), None);

    let swapper = Swapper::start(&share);
    let started = Instant::now();
    let mut scans = 0;
    let mut inside = 0;
    // At least 200 scans and 5 seconds of racing, at most 60 seconds.
    while (scans < 200 || started.elapsed() < Duration::from_secs(5))
        && started.elapsed() < Duration::from_secs(60)
    {
        let args: &[&str] = if scans % 2 == 0 {
            &["scan", "--jobs", "2"]
        } else {
            &["scan", "--no-hash", "--jobs", "1"]
        };
        let out = Command::new(bin())
            .args(args)
            .arg("--root")
            .arg(c.root())
            .arg("/srv/share")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // 0, or 1 when a swapped folder could not be read: never a crash.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{:?}: {stderr}",
            out.status
        );
        if let Some(what) = leaked(&text, &secrets).or_else(|| leaked(&stderr, &secrets)) {
            panic!("scan {scans} reported {what} from outside the root:\n{text}\n{stderr}");
        }
        assert!(text.contains("\"/srv/share/top.txt\""), "{text}");
        if text.contains("\"/srv/share/sub/f00.txt\"")
            || text.contains("\"/srv/share/sublink/f00.txt\"")
        {
            inside += 1;
        }
        scans += 1;
    }
    // Audits writing a bundle: nothing of the secrets in any file of it.
    for i in 0..10 {
        let out_dir = c.dir.path().join(format!("bundle{i}"));
        let out = Command::new(bin())
            .args(["audit", "--lang", "en", "--date", "2026-01-15", "--profile"])
            .arg(&profile)
            .arg("--root")
            .arg(c.root())
            .arg("--out")
            .arg(&out_dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
        let files = files_in(&out_dir);
        assert!(
            files.iter().any(|f| f.ends_with("inventory.jsonl")),
            "{files:?} {stderr}"
        );
        for f in files {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
            if let Some(what) = leaked(&text, &secrets) {
                panic!(
                    "audit {i}: {} holds {what} from outside the root",
                    f.display()
                );
            }
        }
    }
    let swaps = swapper.swaps.load(Ordering::Relaxed);
    drop(swapper);
    assert!(swaps > 1000, "the race ran: {swaps} swaps");
    // The share's folder was walked while the race ran (not only refused).
    assert!(
        inside > 0,
        "{inside} of {scans} scans listed the folder's files"
    );
}

/// Fills `dir` with secret files named as the inside ones (`f00.txt`…) and
/// returns what identifies them.
fn secret_folder(dir: &Path, s: &mut Secrets) {
    use std::os::unix::fs::MetadataExt;
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..FILES {
        let mut secret = format!("{TOKEN} {i} ").into_bytes();
        secret.resize(SECRET_SIZE, b'#');
        let p = dir.join(format!("f{i:02}.txt"));
        std::fs::write(&p, &secret).unwrap();
        if is_root() {
            std::os::unix::fs::chown(&p, Some(SECRET_UID), Some(SECRET_UID)).unwrap();
        }
        s.hashes.push(hex::encode(Sha256::digest(&secret)));
        s.inodes.push(std::fs::metadata(&p).unwrap().ino());
    }
}

/// Runs the binary; fails on a crash or on anything from outside the root in
/// its output. Returns stdout.
fn run_checked(cmd: &mut Command, what: &str, s: &Secrets) -> String {
    let out = cmd.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{what}: {:?}: {stderr}",
        out.status
    );
    if let Some(leak) = leaked(&text, s).or_else(|| leaked(&stderr, s)) {
        panic!("{what} reported {leak} from outside the root:\n{text}\n{stderr}");
    }
    text
}

/// Fails if any file of the bundle holds anything from outside the root.
fn check_bundle(out_dir: &Path, what: &str, s: &Secrets) -> Vec<PathBuf> {
    let files = files_in(out_dir);
    for f in &files {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        if let Some(leak) = leaked(&text, s) {
            panic!("{what}: {} holds {leak} from outside the root", f.display());
        }
    }
    files
}

#[test]
fn a_share_root_component_swapped_for_a_link_outside_the_root_leaks_nothing() {
    let c = Company::new();
    // The share root `projects` and a `--scan` path below it (`projects/cad`);
    // `projects` is exchanged with `projlink` → a folder outside the root that
    // has the same names (and a `cad` of its own).
    let projects = c.mkdir("/srv/share/projects");
    std::fs::create_dir(projects.join("cad")).unwrap();
    for i in 0..FILES {
        std::fs::write(projects.join(format!("f{i:02}.txt")), format!("in {i}")).unwrap();
        std::fs::write(projects.join(format!("cad/f{i:02}.txt")), "cad").unwrap();
    }
    let outside = c.dir.path().join("outside-root");
    let mut secrets = Secrets {
        hashes: Vec::new(),
        inodes: Vec::new(),
    };
    secret_folder(&outside, &mut secrets);
    secret_folder(&outside.join("cad"), &mut secrets);
    std::os::unix::fs::symlink(&outside, c.host("/srv/share/projlink")).unwrap();
    let profile = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share/projects]\nmarkers: [TOPSECRET]\n",
    );
    let scan = |path: &str| {
        let mut cmd = Command::new(bin());
        cmd.args(["scan", "--root"]).arg(c.root()).arg(path);
        cmd
    };
    // Without the race the share's own files are listed (so the check below
    // would see a leak if there were one).
    let text = run_checked(&mut scan("/srv/share/projects"), "scan", &secrets);
    assert!(text.contains("\"/srv/share/projects/f00.txt\""), "{text}");
    let text = run_checked(&mut scan("/srv/share/projects/cad"), "scan", &secrets);
    assert!(
        text.contains("\"/srv/share/projects/cad/f00.txt\""),
        "{text}"
    );

    let swapper = Swapper::exchanging(&c.host("/srv/share"), "projects", "projlink");
    let started = Instant::now();
    let (mut runs, mut inside) = (0, 0);
    // At least 200 scans and 5 seconds of racing, at most 60 seconds (without
    // descriptors, main leaked in about one scan of 70).
    while (runs < 200 || started.elapsed() < Duration::from_secs(5))
        && started.elapsed() < Duration::from_secs(60)
    {
        let path = if runs % 2 == 0 {
            "/srv/share/projects"
        } else {
            "/srv/share/projects/cad"
        };
        let text = run_checked(&mut scan(path), &format!("scan {runs} of {path}"), &secrets);
        inside += usize::from(text.contains("/f00.txt\""));
        runs += 1;
    }
    for i in 0..10 {
        let out_dir = c.dir.path().join(format!("bundle{i}"));
        let mut cmd = Command::new(bin());
        cmd.args(["audit", "--lang", "en", "--date", "2026-01-15", "--profile"])
            .arg(&profile)
            .arg("--root")
            .arg(c.root())
            .arg("--out")
            .arg(&out_dir);
        run_checked(&mut cmd, &format!("audit {i}"), &secrets);
        let files = check_bundle(&out_dir, &format!("audit {i}"), &secrets);
        assert!(
            files.iter().any(|f| f.ends_with("inventory.jsonl")),
            "{files:?}"
        );
    }
    let swaps = swapper.swaps.load(Ordering::Relaxed);
    drop(swapper);
    assert!(swaps > 1000, "the race ran: {swaps} swaps");
    assert!(
        inside > 0,
        "{inside} of {runs} scans listed the share's files"
    );
}

#[test]
fn a_config_folder_swapped_for_a_link_outside_the_root_is_never_copied_into_the_bundle() {
    let c = Company::new();
    c.mkdir("/srv/share");
    let conf = "PermitRootLogin no\nPasswordAuthentication no\n";
    c.write("/etc/ssh/sshd_config", conf);
    // `/etc/ssh` is exchanged with `/etc/sshlink` → a folder outside the root
    // whose `sshd_config` is a secret (a valid config, so a verdict would cite it).
    let outside = c.dir.path().join("outside-ssh");
    std::fs::create_dir(&outside).unwrap();
    let secret = format!(
        "# {TOKEN}\nPermitRootLogin yes\n{}\n",
        "#".repeat(SECRET_SIZE)
    );
    std::fs::write(outside.join("sshd_config"), &secret).unwrap();
    let secrets = Secrets {
        hashes: vec![hex::encode(Sha256::digest(secret.as_bytes()))],
        inodes: Vec::new(),
    };
    std::os::unix::fs::symlink(&outside, c.host("/etc/sshlink")).unwrap();
    let profile =
        c.profile("version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\n");
    let audit = |out_dir: &Path| {
        let mut cmd = Command::new(bin());
        cmd.args(["audit", "--lang", "en", "--date", "2026-01-15", "--profile"])
            .arg(&profile)
            .arg("--root")
            .arg(c.root())
            .arg("--out")
            .arg(out_dir);
        cmd
    };
    // Without the race the configuration is copied into the bundle.
    let first = c.dir.path().join("bundle-first");
    run_checked(&mut audit(&first), "audit", &secrets);
    assert_eq!(
        std::fs::read_to_string(first.join("evidence/etc/ssh/sshd_config")).unwrap(),
        conf
    );

    let swapper = Swapper::exchanging(&c.host("/etc"), "ssh", "sshlink");
    let started = Instant::now();
    let (mut runs, mut copied) = (0, 0);
    while (runs < 40 || started.elapsed() < Duration::from_secs(5))
        && started.elapsed() < Duration::from_secs(60)
    {
        let out_dir = c.dir.path().join(format!("bundle{runs}"));
        let what = format!("audit {runs}");
        run_checked(&mut audit(&out_dir), &what, &secrets);
        check_bundle(&out_dir, &what, &secrets);
        let copy = out_dir.join("evidence/etc/ssh/sshd_config");
        if let Ok(got) = std::fs::read_to_string(&copy) {
            assert_eq!(got, conf, "{what}: the copy is the file inside the root");
            copied += 1;
        }
        std::fs::remove_dir_all(&out_dir).unwrap();
        runs += 1;
    }
    let swaps = swapper.swaps.load(Ordering::Relaxed);
    drop(swapper);
    assert!(swaps > 1000, "the race ran: {swaps} swaps");
    assert!(
        copied > 0,
        "{copied} of {runs} bundles held the configuration"
    );
}

/// A name part no file inside the root has: a watch log line naming it names a
/// file outside the root.
const OUTSIDE_NAME: &str = "OUTSIDE-9d2e";

/// A `watch` process (killed if the test fails before stopping it).
struct Watcher(Option<std::process::Child>);

impl Watcher {
    fn start(c: &Company, profile: &Path, log: &Path, extra: &[&str]) -> Watcher {
        let child = Command::new(bin())
            .args(["watch", "--lang", "en", "--debounce-ms", "100", "--profile"])
            .arg(profile)
            .arg("--root")
            .arg(c.root())
            .arg("--log")
            .arg(log)
            .args(extra)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let w = Watcher(Some(child));
        wait_log(log, "started", |l| l.contains("\"event\":\"started\""));
        w
    }

    /// Stops it with SIGTERM (all it saw is logged before `stopped`).
    fn stop(mut self) {
        let mut child = self.0.take().unwrap();
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "watch did not stop"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Waits (bounded) until a line of the log satisfies `f`.
fn wait_log(log: &Path, what: &str, f: impl Fn(&str) -> bool) {
    let started = Instant::now();
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if text.lines().any(&f) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no log line for {what}:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Changes the files of `outside` (new names, new content) until stopped.
fn churn(outside: PathBuf, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut n = 0u64;
        // In the folder and in its sub-folders (a watch added through a swapped
        // parent would be on one of those).
        let dirs = [
            outside.clone(),
            outside.join("cad"),
            outside.join(format!("{OUTSIDE_NAME}-dir")),
        ];
        while !stop.load(Ordering::Relaxed) {
            let i = n % 20;
            for d in &dirs {
                std::fs::write(
                    d.join(format!("{OUTSIDE_NAME}-{i}.txt")),
                    format!("{TOKEN} {n}"),
                )
                .unwrap();
            }
            std::fs::write(
                outside.join(format!("f{:02}.txt", i)),
                format!("{TOKEN} {n}"),
            )
            .unwrap();
            if n.is_multiple_of(3) {
                let _ = std::fs::remove_file(
                    outside.join(format!("{OUTSIDE_NAME}-{}.txt", (i + 7) % 20)),
                );
            }
            n += 1;
            std::thread::sleep(Duration::from_millis(5));
        }
        n
    })
}

#[test]
fn a_watched_share_swapped_for_a_link_outside_the_root_never_logs_anything_from_there() {
    let c = Company::new();
    // The watched share `projects` and `projlink` → a folder outside the root
    // with files of its own names (and of the share's), changed all the time.
    let projects = c.mkdir("/srv/share/projects");
    std::fs::create_dir(projects.join("cad")).unwrap();
    for i in 0..5 {
        std::fs::write(projects.join(format!("f{i:02}.txt")), "in").unwrap();
    }
    let outside = c.dir.path().join("outside-root");
    std::fs::create_dir_all(outside.join("cad")).unwrap();
    std::fs::create_dir_all(outside.join(format!("{OUTSIDE_NAME}-dir"))).unwrap();
    std::os::unix::fs::symlink(&outside, c.host("/srv/share/projlink")).unwrap();
    let profile = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share/projects]\nmarkers: [TOPSECRET]\n",
    );
    let exchange = || {
        let dir = std::fs::File::open(c.host("/srv/share")).unwrap();
        rustix::fs::renameat_with(
            &dir,
            "projects",
            &dir,
            "projlink",
            rustix::fs::RenameFlags::EXCHANGE,
        )
        .unwrap();
    };
    for (k, mode) in [&["--poll", "1"][..], &[][..]].iter().enumerate() {
        let log = c.dir.path().join(format!("watch{k}.log"));
        let w = Watcher::start(&c, &profile, &log, mode);
        let stop = Arc::new(AtomicBool::new(false));
        let writer = churn(outside.clone(), stop.clone());
        // Once, then held for a few polls: the share is a link out of the root.
        exchange();
        std::thread::sleep(Duration::from_millis(2500));
        exchange();
        // Then exchanged in a tight loop for a few seconds.
        let swapper = Swapper::exchanging(&c.host("/srv/share"), "projects", "projlink");
        std::thread::sleep(Duration::from_secs(4));
        let swaps = swapper.swaps.load(Ordering::Relaxed);
        drop(swapper);
        if std::fs::symlink_metadata(c.host("/srv/share/projlink"))
            .unwrap()
            .is_dir()
        {
            exchange();
        }
        stop.store(true, Ordering::SeqCst);
        let changes = writer.join().unwrap();
        // The share is watched still: a file created in it is logged (once the
        // watcher has caught up with the race: the flood of events may have
        // overflowed its queue, and a rescan re-adds the watches).
        let started = Instant::now();
        for n in 0.. {
            std::fs::write(projects.join(format!("after{n}.txt")), "in").unwrap();
            std::thread::sleep(Duration::from_millis(500));
            let text = std::fs::read_to_string(&log).unwrap();
            if text.contains("/srv/share/projects/after") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "watch {mode:?}: the share is not watched after the race:\n{text}"
            );
        }
        w.stop();
        for e in std::fs::read_dir(&projects).unwrap() {
            let e = e.unwrap();
            if e.file_name().to_string_lossy().starts_with("after") {
                std::fs::remove_file(e.path()).unwrap();
            }
        }
        let text = std::fs::read_to_string(&log).unwrap();
        for (i, line) in text.lines().enumerate() {
            assert!(
                !line.contains(OUTSIDE_NAME) && !line.contains(TOKEN),
                "watch {mode:?}, line {}: a file outside the root was logged:\n{line}",
                i + 1
            );
        }
        assert!(swaps > 1000, "the race ran: {swaps} swaps");
        assert!(changes > 100, "the outside folder changed: {changes} times");
    }
}
