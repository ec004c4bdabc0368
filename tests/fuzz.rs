//! A deterministic mutation fuzzer for every parser of untrusted input: the Linux
//! host configurations under `--root`, the Windows evidence folder, the profile
//! (YAML and the whole loader), the roster CSVs, `MANIFEST.sha256` and the watch
//! log. Each case mutates a real file (tests/fixtures/corpus, tests/fixtures/windows,
//! examples/sample-company) with a seeded PRNG and calls the parser in-process.
//! Asserted: no panic, no case slower than a bound (a hang), bounded peak memory.
//!
//! CI runs a few thousand cases. The long run (README, "Reliability"):
//!
//! ```sh
//! TIMAUDIT_FUZZ_CASES=100000 cargo test --release --test fuzz -- --nocapture
//! ```
//!
//! `TIMAUDIT_FUZZ_CASES` is the number of cases per target (the defaults below
//! otherwise), `TIMAUDIT_FUZZ_SEED` changes the seed. A failing case is written to
//! `target/fuzz-failures/` with its target, seed and case number.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use timaudit::rootfs::RootFs;

/// xorshift64*: small, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

/// Tokens that mean something to one of the parsers.
const TOKENS: &[&[u8]] = &[
    b"\0",
    b"\n",
    b"\r\n",
    b"\"",
    b"'",
    b"\\",
    b"[",
    b"]",
    b"{",
    b"}",
    b"*",
    b"?",
    b"&a ",
    b"*a",
    b"---\n",
    b"...\n",
    b"#",
    b"=",
    b",",
    b";",
    b":",
    b" ",
    b"\t",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xe7\xa4\xbe\xe5\xa4\x96\xe7\xa7\x98",
    b"\x82\xa0",
    b"99999999999999999999",
    b"-1",
    b"0",
    b"Include /etc/*/*\n",
    b"include ",
    b"$IncludeConfig /etc/**\n",
    b"Match all\n",
    b"- ",
    b"!!binary ",
    b"<<: *a\n",
    b"%YAML 1.2\n",
    b"@@",
    b"(",
    b")",
    b"/",
    b"..",
    b"~",
    b"2025/4/1",
    b"2025-02-30",
    b"yes",
    b"no",
    b"\x00\x00\xff\xfe",
];

/// Applies 1 to 8 random mutations.
fn mutate(rng: &mut Rng, input: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        let len = v.len();
        match rng.below(9) {
            // Flip a byte.
            0 if len > 0 => {
                let i = rng.below(len);
                v[i] ^= 1 << rng.below(8);
            }
            // Insert a token.
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let i = rng.below(len + 1);
                v.splice(i..i, t.iter().copied());
            }
            // Delete a range.
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                v.drain(i..i + n);
            }
            // Duplicate a range somewhere else.
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(512));
                let chunk = v[i..i + n].to_vec();
                let at = rng.below(len + 1);
                v.splice(at..at, chunk);
            }
            // Repeat one line many times (up to ~8 kB).
            4 => {
                let lines: Vec<&[u8]> = v.split(|&b| b == b'\n').collect();
                let l = lines[rng.below(lines.len())].to_vec();
                let times = 1 + rng.below(8 * 1024 / (l.len() + 1));
                let at = rng.below(len + 1);
                let mut rep = Vec::new();
                for _ in 0..times {
                    rep.extend_from_slice(&l);
                    rep.push(b'\n');
                }
                v.splice(at..at, rep);
            }
            // Truncate.
            5 if len > 0 => v.truncate(rng.below(len)),
            // Swap two lines.
            6 => {
                let mut lines: Vec<Vec<u8>> =
                    v.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
                v = lines.join(&b'\n');
            }
            // Splice in a line of another file.
            7 if !others.is_empty() => {
                let o = &others[rng.below(others.len())];
                let lines: Vec<&[u8]> = o.split(|&b| b == b'\n').collect();
                let l = lines[rng.below(lines.len())];
                let at = rng.below(len + 1);
                let mut ins = l.to_vec();
                ins.push(b'\n');
                v.splice(at..at, ins);
            }
            // A random byte anywhere.
            _ => {
                let i = rng.below(len + 1);
                v.insert(i, rng.next() as u8);
            }
        }
    }
    // Inputs stay around the size of real files (the corpus is under 20 kB a
    // file): a case is about parsing, size limits have their own tests.
    v.truncate(256 << 10);
    v
}

fn cases(default: usize) -> usize {
    std::env::var("TIMAUDIT_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn seed() -> u64 {
    std::env::var("TIMAUDIT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
}

/// Peak resident memory of this process, in KiB (`VmHWM`).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// The most one case may take (debug build, a shared 2-core machine): far above
/// any honest case, far below a hang.
const CASE_LIMIT: Duration = Duration::from_secs(20);
/// Peak memory of the whole fuzz process.
const RSS_LIMIT_KIB: u64 = 1 << 20;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(crate_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn save_failure(target: &str, case: usize, what: &str, input: &[u8]) -> PathBuf {
    let dir = crate_dir().join("target/fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("{target}-seed{}-case{case}", seed()));
    std::fs::write(&p, input).unwrap();
    std::fs::write(p.with_extension("txt"), what).unwrap();
    p
}

/// Runs `n` cases of one target on a worker thread (each case = mutated inputs
/// passed to `run`), watching each for panics and for taking too long.
fn fuzz<S: Send + 'static>(
    target: &'static str,
    n: usize,
    setup: impl FnOnce() -> S + Send + 'static,
    make: impl Fn(&mut Rng) -> Vec<u8> + Send + 'static,
    run: impl Fn(&S, &[u8]) + Send + 'static,
) {
    let (tx, rx) = mpsc::channel::<(usize, Vec<u8>, Option<String>)>();
    let start = Instant::now();
    std::thread::Builder::new()
        .name(format!("fuzz-{target}"))
        .stack_size(64 << 20)
        .spawn(move || {
            let state = setup();
            let mut rng =
                Rng::new(seed() ^ target.len() as u64 ^ (target.as_bytes()[0] as u64) << 32);
            for case in 0..n {
                let input = make(&mut rng);
                // Announce the case before running it, so a hang can be named.
                if tx.send((case, input.clone(), None)).is_err() {
                    return;
                }
                let r =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&state, &input)));
                let outcome = match r {
                    Ok(()) => "ok".to_string(),
                    Err(e) => e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "panic".into()),
                };
                if tx.send((case, input, Some(outcome))).is_err() {
                    return;
                }
            }
        })
        .unwrap();
    let mut panics = Vec::new();
    let mut done = 0;
    let mut current: Option<(usize, Vec<u8>, Instant)> = None;
    loop {
        match rx.recv_timeout(CASE_LIMIT) {
            Ok((case, input, None)) => current = Some((case, input, Instant::now())),
            Ok((case, input, Some(outcome))) => {
                current = None;
                done += 1;
                if outcome != "ok" {
                    let p = save_failure(target, case, &outcome, &input);
                    panics.push(format!("case {case}: {outcome} (input: {})", p.display()));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let (case, input, since) = current.take().expect("a case is running");
                let p = save_failure(target, case, "hang", &input);
                panic!(
                    "{target}: case {case} still running after {:?} (input: {})",
                    since.elapsed(),
                    p.display()
                );
            }
        }
    }
    let rss = peak_rss_kib();
    eprintln!(
        "fuzz {target}: {done} cases, {} panics, {:.1} s, peak RSS {} MiB",
        panics.len(),
        start.elapsed().as_secs_f64(),
        rss >> 10
    );
    assert_eq!(done, n, "{target}: the worker stopped early");
    assert!(
        panics.is_empty(),
        "{target}: panics:\n{}",
        panics.join("\n")
    );
    assert!(rss < RSS_LIMIT_KIB, "{target}: peak RSS {} MiB", rss >> 10);
}

// ---------------------------------------------------------------- targets

/// Host path of each corpus file (as tests/host_*.rs place them).
const LINUX: &[(&str, &str)] = &[
    (
        "/etc/ssh/sshd_config",
        "tests/fixtures/corpus/sshd_config.openssh-portable",
    ),
    (
        "/etc/ssh/sshd_config.d/50-vendor.conf",
        "examples/sample-company/root/etc/ssh/sshd_config.d/50-vendor.conf",
    ),
    (
        "/etc/audit/auditd.conf",
        "tests/fixtures/corpus/auditd.conf",
    ),
    (
        "/etc/audit/rules.d/30-stig.rules",
        "tests/fixtures/corpus/audit-30-stig.rules",
    ),
    (
        "/etc/audit/rules.d/99-finalize.rules",
        "tests/fixtures/corpus/audit-konstruktoid-assembled.rules",
    ),
    (
        "/etc/default/ufw",
        "tests/fixtures/corpus/ufw.defaults-etc-default-ufw",
    ),
    ("/etc/ufw/ufw.conf", "tests/fixtures/corpus/ufw.conf"),
    (
        "/etc/ufw/user.rules",
        "tests/fixtures/corpus/ufw-user.rules-template",
    ),
    (
        "/etc/exports",
        "tests/fixtures/corpus/exports-nfsutils-manpage-sample",
    ),
    (
        "/etc/firewalld/firewalld.conf",
        "tests/fixtures/corpus/firewalld.conf",
    ),
    (
        "/etc/firewalld/zones/public.xml",
        "tests/fixtures/corpus/firewalld-zone-public.xml",
    ),
    (
        "/etc/login.defs",
        "tests/fixtures/corpus/login.defs.shadow-upstream",
    ),
    (
        "/etc/logrotate.conf",
        "tests/fixtures/corpus/logrotate.conf",
    ),
    (
        "/etc/logrotate.d/rsyslog",
        "examples/sample-company/root/etc/logrotate.d/rsyslog",
    ),
    (
        "/etc/nftables.conf",
        "tests/fixtures/corpus/nftables-dfinity.conf",
    ),
    (
        "/etc/rsyslog.conf",
        "tests/fixtures/corpus/rsyslog.conf.redhat",
    ),
    (
        "/etc/samba/smb.conf",
        "tests/fixtures/corpus/smb-samba3-testdata.conf",
    ),
    (
        "/etc/security/pwquality.conf",
        "tests/fixtures/corpus/pwquality.conf",
    ),
    (
        "/etc/usbguard/rules.conf",
        "tests/fixtures/corpus/usbguard-rules-pullclone.conf",
    ),
    (
        "/etc/usbguard/usbguard-daemon.conf",
        "tests/fixtures/corpus/usbguard-daemon.conf.in",
    ),
    (
        "/etc/systemd/journald.conf",
        "tests/fixtures/corpus/journald.conf.rhel10",
    ),
    (
        "/etc/fail2ban/jail.local",
        "tests/fixtures/corpus/fail2ban-tests-jail.conf",
    ),
    (
        "/etc/modprobe.d/usb-storage.conf",
        "examples/sample-company/root/etc/modprobe.d/usb-storage.conf",
    ),
    (
        "/etc/apt/apt.conf.d/20auto-upgrades",
        "examples/sample-company/root/etc/apt/apt.conf.d/20auto-upgrades",
    ),
    ("/etc/passwd", "examples/sample-company/root/etc/passwd"),
    ("/etc/group", "examples/sample-company/root/etc/group"),
];

fn write_at(root: &Path, host: &str, bytes: &[u8]) {
    let p = root.join(host.trim_start_matches('/'));
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// Each case: one configuration file of a whole host replaced by a mutant, then
/// every Linux collector run over the root (includes and drop-ins included).
#[test]
fn fuzz_linux_host_configs() {
    let originals: Vec<Vec<u8>> = LINUX.iter().map(|(_, f)| read(f)).collect();
    let others = originals.clone();
    // The case's file index travels in the first byte of the input.
    fuzz(
        "linux",
        cases(150),
        move || {
            let d = tempfile::tempdir().unwrap();
            for ((host, _), bytes) in LINUX.iter().zip(&read_all()) {
                write_at(d.path(), host, bytes);
            }
            d
        },
        move |rng| {
            let i = rng.below(LINUX.len());
            let mut v = vec![i as u8];
            v.extend(mutate(rng, &originals[i], &others));
            v
        },
        |d, input| {
            let (i, bytes) = (input[0] as usize, &input[1..]);
            let host = LINUX[i].0;
            write_at(d.path(), host, bytes);
            let fs = RootFs::new(d.path());
            std::hint::black_box(timaudit::collect::host::linux::LinuxFacts::collect(
                &fs,
                &[],
            ));
            let _ = timaudit::collect::accounts::Accounts::load(&fs);
            // Put the original back for the next case.
            write_at(d.path(), host, &read(LINUX[i].1));
        },
    );
}

fn read_all() -> Vec<Vec<u8>> {
    LINUX.iter().map(|(_, f)| read(f)).collect()
}

const WINDOWS: &[&str] = &[
    "auditpol.csv",
    "defender.json",
    "eventlog-security.txt",
    "firewall.txt",
    "host.json",
    "secedit.inf",
    "smb-share-access.csv",
    "smb-shares.csv",
    "acl/Design.txt",
    "acl/Public.txt",
    "registry/eventlog-policy.reg",
    "registry/usbstor.reg",
];

/// Each case: one file of a Windows evidence folder replaced by a mutant (and,
/// one time in four, re-encoded as UTF-16 as PowerShell writes it).
#[test]
fn fuzz_windows_evidence() {
    let base = crate_dir().join("tests/fixtures/windows/en-fs01");
    let originals: Vec<Vec<u8>> = WINDOWS
        .iter()
        .map(|f| std::fs::read(base.join(f)).unwrap())
        .collect();
    let others = originals.clone();
    fuzz(
        "windows",
        cases(300),
        move || {
            let d = tempfile::tempdir().unwrap();
            for f in WINDOWS {
                write_at(d.path(), f, &std::fs::read(base.join(f)).unwrap());
            }
            (d, base)
        },
        move |rng| {
            let i = rng.below(WINDOWS.len());
            let mut m = mutate(rng, &originals[i], &others);
            if rng.chance(4) {
                let text = String::from_utf8_lossy(&m).into_owned();
                m = b"\xff\xfe".to_vec();
                m.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
            }
            let mut v = vec![i as u8];
            v.extend(m);
            v
        },
        |(d, base), input| {
            let (i, bytes) = (input[0] as usize, &input[1..]);
            write_at(d.path(), WINDOWS[i], bytes);
            let host = timaudit::collect::host::windows::WindowsHost::load(d.path());
            std::hint::black_box(host.is_ok());
            write_at(
                d.path(),
                WINDOWS[i],
                &std::fs::read(base.join(WINDOWS[i])).unwrap(),
            );
        },
    );
}

/// The YAML tree on its own (cheap: many cases), from the example profile.
#[test]
fn fuzz_profile_yaml() {
    let original = read("examples/sample-company/timaudit.yaml");
    fuzz(
        "yaml",
        cases(1500),
        || (),
        move |rng| mutate(rng, &original, &[]),
        |_, input| {
            let text = String::from_utf8_lossy(input);
            let _ = timaudit::yaml::parse("timaudit.yaml", &text);
        },
    );
}

/// The whole profile loader (decoding, validation, the CSV files it names).
#[test]
fn fuzz_profile_load() {
    let original = read("examples/sample-company/timaudit.yaml");
    fuzz(
        "profile",
        cases(400),
        || {
            let d = tempfile::tempdir().unwrap();
            let ex = crate_dir().join("examples/sample-company");
            for f in ["people.csv", "training.csv"] {
                std::fs::copy(ex.join(f), d.path().join(f)).unwrap();
            }
            // The unmutated example loads: the cases start from a working profile.
            let p = d.path().join("timaudit.yaml");
            std::fs::copy(ex.join("timaudit.yaml"), &p).unwrap();
            let cat = timaudit::catalogue::Catalogue::builtin();
            let (profile, _) = timaudit::profile::load::load(&p, cat).unwrap();
            assert!(!profile.people.is_empty() && !profile.training.is_empty());
            d
        },
        move |rng| mutate(rng, &original, &[]),
        |d, input| {
            let p = d.path().join("timaudit.yaml");
            std::fs::write(&p, input).unwrap();
            let cat = timaudit::catalogue::Catalogue::builtin();
            let _ = timaudit::profile::load::load(&p, cat);
        },
    );
}

/// The roster CSVs (UTF-8, CP932, with and without BOM).
#[test]
fn fuzz_roster_csv() {
    let people = read("examples/sample-company/people.csv");
    let training = read("examples/sample-company/training.csv");
    let others = vec![people.clone(), training.clone()];
    fuzz(
        "csv",
        cases(600),
        || tempfile::tempdir().unwrap(),
        move |rng| {
            let which = rng.below(2);
            let src = if which == 0 { &people } else { &training };
            let mut m = mutate(rng, src, &others);
            if rng.chance(4) {
                let text = String::from_utf8_lossy(&m).into_owned();
                m = encoding_rs::SHIFT_JIS.encode(&text).0.into_owned();
            }
            let mut v = vec![which as u8];
            v.extend(m);
            v
        },
        |d, input| {
            let p = d.path().join("roster.csv");
            std::fs::write(&p, &input[1..]).unwrap();
            if input[0] == 0 {
                let _ = timaudit::profile::csv::read_people(&p);
            } else {
                let _ = timaudit::profile::csv::read_training(&p);
            }
        },
    );
}

/// `MANIFEST.sha256` as `verify` parses it.
#[test]
fn fuzz_manifest() {
    let mut manifest = Vec::new();
    for (i, name) in [
        "report.json",
        "report.html",
        "evidence/etc/ssh/sshd_config",
        "evidence/社外秘/a b.txt",
        "inventory.jsonl",
    ]
    .iter()
    .enumerate()
    {
        manifest.extend(format!("{:064x}  {name}\n", i * 7919).as_bytes());
    }
    manifest.extend(b"\\0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  back\\\\slash\\nnewline\n");
    fuzz(
        "manifest",
        cases(1500),
        || (),
        move |rng| mutate(rng, &manifest, &[]),
        |_, input| {
            let _ = timaudit::bundle::parse_manifest(input);
        },
    );
}

/// A watch log as `verify --log` checks it.
#[test]
fn fuzz_watch_log() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("w.log");
    {
        let mut log = timaudit::watch::log::ChainLog::open(&p).unwrap();
        for (i, event) in [
            "started",
            "created",
            "modified",
            "permissions",
            "renamed",
            "removed",
            "stopped",
        ]
        .iter()
        .enumerate()
        {
            log.append(timaudit::watch::log::Event {
                seq: 0,
                time: format!("2026-11-25T10:00:0{i}+09:00"),
                event: event.to_string(),
                path: Some(format!("/srv/share/設計/{i}.dwg")),
                path_b64: None,
                findings: vec!["HDL-02".into()],
                detail: "x".into(),
                prev: String::new(),
                sig: None,
            })
            .unwrap();
        }
    }
    let original = std::fs::read(&p).unwrap();
    fuzz(
        "watch-log",
        cases(600),
        || tempfile::tempdir().unwrap(),
        move |rng| mutate(rng, &original, &[]),
        |d, input| {
            let p = d.path().join("w.log");
            std::fs::write(&p, input).unwrap();
            let _ = timaudit::watch::log::verify(&p, None);
        },
    );
    drop(d);
}
