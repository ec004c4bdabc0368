//! The share walker (`rootfs/dirs.rs`) on hostile trees, through the real
//! binary: paths longer than PATH_MAX, a folder with very many entries, and folders
//! the auditor does not own (`O_NOATIME` refused: listed without it).

mod walk_common;
use rustix::fd::OwnedFd;
use rustix::fs::{Mode, OFlags};
use std::path::Path;
use std::process::Command;
use walk_common::*;

const DIR: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::CLOEXEC);

fn open(p: &Path) -> OwnedFd {
    rustix::fs::open(p, DIR, Mode::empty()).unwrap()
}

/// `levels` nested folders named `dd` below `top`, made and removed relative to
/// descriptors (their paths are too long for the path-based calls).
struct Chain {
    top: std::path::PathBuf,
    levels: usize,
}

impl Chain {
    fn new(top: &Path, levels: usize) -> Chain {
        let mut fd = open(top);
        for i in 0..levels {
            rustix::fs::mkdirat(&fd, "dd", Mode::from_raw_mode(0o755)).unwrap();
            fd = rustix::fs::openat(&fd, "dd", DIR, Mode::empty()).unwrap();
            if i % 500 == 0 {
                let f = rustix::fs::openat(
                    &fd,
                    "f.txt",
                    OFlags::WRONLY | OFlags::CREATE | OFlags::CLOEXEC,
                    Mode::from_raw_mode(0o644),
                )
                .unwrap();
                rustix::io::write(&f, b"x").unwrap();
            }
        }
        Chain {
            top: top.to_path_buf(),
            levels,
        }
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        let mut chain = vec![open(&self.top)];
        for _ in 0..self.levels {
            let Ok(next) = rustix::fs::openat(chain.last().unwrap(), "dd", DIR, Mode::empty())
            else {
                break;
            };
            chain.push(next);
        }
        while let Some(fd) = chain.pop() {
            let _ = rustix::fs::unlinkat(&fd, "f.txt", rustix::fs::AtFlags::empty());
            if let Some(parent) = chain.last() {
                let _ = rustix::fs::unlinkat(parent, "dd", rustix::fs::AtFlags::REMOVEDIR);
            }
        }
    }
}

#[test]
fn a_tree_deeper_than_path_max_is_listed_as_unreadable_and_the_walk_ends() {
    let c = Company::new();
    c.write("/srv/share/top.txt", "t");
    let _chain = Chain::new(&c.host("/srv/share"), 5000);
    let out = Command::new(bin())
        .args(["scan", "--no-hash", "--root"])
        .arg(c.root())
        .arg("/srv/share")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unread path: exit 1; {stderr}"
    );
    assert!(stderr.contains("file name too long"), "{stderr}");
    assert!(stdout.contains("\"/srv/share/top.txt\""));
    // Folders and files down to the limit are listed (one line each, no more).
    let lines: Vec<&str> = stdout.lines().collect();
    // `dd/` is 3 bytes: about 4096 / 3 levels, less the temp dir's prefix.
    assert!(lines.len() > 1200 && lines.len() < 1400, "{}", lines.len());
    // PATH_MAX counts the real path under --root, not the shorter host path shown:
    // the deepest folder listed is the last whose real path is under 4096 bytes.
    let real = c.host("/srv/share").as_os_str().len();
    let deepest = lines
        .iter()
        .filter(|l| l.contains("\"type\":\"dir\""))
        .map(|l| l.matches("/dd").count())
        .max()
        .unwrap();
    assert!(real + 3 * deepest < 4096, "{real} + 3 × {deepest}");
    assert!(real + 3 * (deepest + 1) >= 4096, "{real} + 3 × {deepest}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("\"/srv/share/{}f.txt\"", "dd/".repeat(1001)))),
        "files deep in the tree are listed"
    );

    // In an audit the unread folder is in the coverage; nothing crashes.
    let p = c.profile(
        "version: 1\norganization:\n  name: x\nscope:\n  shares: [/srv/share]\nmarkers: [社外秘]\n",
    );
    let (code, r, stderr) = c.audit(&p, &[]);
    // A report was written: exit 1 (items fail), never 2 (usage error / run stopped).
    assert_eq!(code, 1, "{stderr}");
    let unread = r["coverage"]["unreadable"].as_array().unwrap();
    assert_eq!(unread.len(), 1, "{unread:?}");
    assert!(
        unread[0]["error"]
            .as_str()
            .unwrap()
            .contains("file name too long"),
        "{unread:?}"
    );
}

#[test]
fn folders_the_auditor_does_not_own_are_listed_without_o_noatime() {
    let c = Company::new();
    c.write("/srv/share/a/b/deep.txt", "d");
    c.write("/srv/share/top.txt", "t");
    // All owned by root; the scan runs as nobody, for whom the kernel refuses
    // O_NOATIME (EPERM): each folder must still be listed.
    let Some((mut cmd, _guard)) = as_nobody() else {
        return;
    };
    if is_root() {
        let m = std::fs::metadata(c.host("/srv/share/a")).unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(m.uid(), 0);
    }
    let out = cmd
        .args(["scan", "--lang", "en", "--root"])
        .arg(c.root())
        .arg("/srv/share")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for p in [
        "/srv/share/a/b",
        "/srv/share/a/b/deep.txt",
        "/srv/share/top.txt",
    ] {
        assert!(
            stdout.contains(&format!("\"{p}\"")),
            "{p} missing: {stdout}"
        );
    }
    assert!(!stdout.contains("hash_error\":\"permission"), "{stdout}");
    if is_root() {
        // Said once on stderr: those access times may have changed.
        assert!(
            stderr.contains("were read without O_NOATIME; their access times may have changed"),
            "{stderr}"
        );
    }
}

#[test]
fn a_folder_with_many_entries_is_listed_whole() {
    let c = Company::new();
    let d = c.mkdir("/srv/share/many");
    let n = 20_000;
    for i in 0..n {
        std::fs::write(d.join(format!("f{i:05}")), "").unwrap();
    }
    let out = Command::new(bin())
        .args(["scan", "--no-hash", "--root"])
        .arg(c.root())
        .arg("/srv/share")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    if is_root() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("O_NOATIME"),
            "root: nothing opened without it"
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let files: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("\"/srv/share/many/f"))
        .collect();
    assert_eq!(files.len(), n);
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "sorted by path");
}
