//! The audit is read-only: walking, hashing, ACL reading and `scan` leave the access,
//! modification and change times of every file, folder and link as they were.

mod walk_common;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use walk_common::*;

const PROFILE: &str = r#"version: 1
organization:
  name: 株式会社テスト製作所
scope:
  shares: [/srv/share]
markers: [社外秘]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design/**"]
    authorized: ["group:design"]
    handlers: [tanaka]
"#;

fn times(paths: &[PathBuf]) -> Vec<(PathBuf, i64, i64, i64, i64, i64, i64)> {
    paths
        .iter()
        .map(|p| {
            let m = std::fs::symlink_metadata(p).unwrap();
            (
                p.clone(),
                m.atime(),
                m.atime_nsec(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec(),
            )
        })
        .collect()
}

fn all_paths(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        let p = out[i].clone();
        i += 1;
        if std::fs::symlink_metadata(&p).unwrap().is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                out.push(e.unwrap().path());
            }
        }
    }
    out
}

struct Unmount(Option<PathBuf>);
impl Drop for Unmount {
    fn drop(&mut self) {
        if let Some(m) = &self.0 {
            let _ = Command::new("umount").arg(m).status();
        }
    }
}

/// Mounts a `strictatime` tmpfs on the share when we are root (every read stamps the
/// access time there, not only the first since the last change as under `relatime`).
fn strictatime_share(c: &Company) -> Unmount {
    let at = c.mkdir("/srv/share");
    if !is_root() {
        eprintln!("note: not root; the share stays on the temp dir's filesystem");
        return Unmount(None);
    }
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "strictatime,mode=0755", "tmpfs"])
        .arg(&at)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("note: cannot mount a strictatime tmpfs; the share stays where it is");
        return Unmount(None);
    }
    Unmount(Some(at))
}

/// The test proves something only where reading does stamp access times: a plain
/// listing of a folder and a plain read of a file must change them here.
fn assert_reads_stamp_atime(folder: &Path, file: &Path) {
    let t = |p: &Path| {
        let m = std::fs::symlink_metadata(p).unwrap();
        (m.atime(), m.atime_nsec())
    };
    let (d0, f0) = (t(folder), t(file));
    let _ = std::fs::read_dir(folder).unwrap().count();
    let _ = std::fs::read(file).unwrap();
    assert_ne!(d0, t(folder), "listing {} left its atime", folder.display());
    assert_ne!(f0, t(file), "reading {} left its atime", file.display());
}

#[test]
fn audit_and_scan_change_no_time_of_any_file_folder_or_link() {
    let c = Company::new();
    let _mount = strictatime_share(&c);
    c.write("/srv/share/design/a.dwg", "社外秘 drawing");
    c.write("/srv/share/design/sub/deeper/b.dwg", "drawing b");
    c.write("/srv/share/sales/copy.dwg", "drawing b");
    c.write("/srv/share/sales/empty.txt", "");
    let acl = setfacl(&["-m", "u:1002:r--"], &c.host("/srv/share/design/a.dwg"));
    std::os::unix::fs::symlink("../design/a.dwg", c.host("/srv/share/sales/link")).unwrap();
    std::os::unix::fs::symlink("loop", c.host("/srv/share/sales/loop")).unwrap();
    mkfifo(&c.host("/srv/share/sales/pipe"));
    let profile = c.profile(PROFILE);
    let share = c.host("/srv/share");
    let paths = all_paths(&share);
    // Access times older than the modification time: under relatime (the usual
    // mount option) and strictatime, any read would now stamp them.
    let st = Command::new("touch")
        .args(["-h", "-a", "-d", "2020-01-01 00:00:00"])
        .args(&paths)
        .status()
        .unwrap();
    assert!(st.success());
    let before = times(&paths);
    assert!(
        before.iter().all(|t| t.1 < t.3),
        "atime not older than mtime"
    );

    let out = c.dir.path().join("out");
    let (code, report, stderr) = c.audit(&profile, &["--out", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(status(&report, "HDL-04"), "fail");
    if acl {
        assert_eq!(status(&report, "ACC-02"), "fail");
    }
    let o = Command::new(bin())
        .args(["scan", "/srv/share", "--profile"])
        .arg(&profile)
        .arg("--root")
        .arg(c.root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("/srv/share/sales/link"));

    let after = times(&paths);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "times of {} changed", b.0.display());
    }
    // And the filesystem does record reads: the same check would catch a walker
    // that lists or reads without O_NOATIME.
    assert_reads_stamp_atime(
        &c.host("/srv/share/design/sub"),
        &c.host("/srv/share/design/a.dwg"),
    );
}
