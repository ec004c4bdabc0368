//! Reading one regular file, read-only: open without following links and without
//! changing its access time, check it is the file the walk saw, scan its leading
//! bytes for markers and hash it. A file that changes meanwhile gets no hash.

use super::acl::{self, Acl};
use super::classify::Markers;
use crate::rootfs::dirs::{Meta, Place};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Read};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The largest `scope.content_scan_bytes` honoured (bounded memory per reader).
pub const MAX_SCAN_BYTES: usize = 8 << 20;
const CHUNK: usize = 256 << 10;

/// What `lstat` said during the walk; the identity and state a read must match.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
    pub nlink: u64,
}

impl Seen {
    pub fn of(m: &Meta) -> Seen {
        Seen {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            nlink: m.nlink(),
        }
    }
    fn same_state(&self, o: &Seen) -> bool {
        self.size == o.size && self.mtime == o.mtime && self.ctime == o.ctime
    }
}

/// Why a file's content is (partly) unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadProblem {
    /// Gone between the directory listing and the open.
    Vanished,
    /// Could not be opened or read: neither markers in the content nor hash.
    Unreadable(String),
    /// The content was scanned but there is no hash (changed while being read).
    Unhashed(String),
}

/// What reading a file found.
#[derive(Clone, Debug)]
pub struct Content {
    pub sha256: Option<[u8; 32]>,
    /// The hash came from the baseline (the file's state is unchanged).
    pub reused: bool,
    pub hash_error: Option<String>,
    pub markers: Vec<u16>,
    pub acl: Result<Option<Acl>, String>,
    pub problem: Option<ReadProblem>,
}

impl Content {
    fn new() -> Content {
        Content {
            sha256: None,
            reused: false,
            hash_error: None,
            markers: Vec::new(),
            acl: Ok(None),
            problem: None,
        }
    }
}

/// A hard-linked file's content, read once, and how many of its links are still to come.
type Shared = (Arc<OnceLock<Content>>, u64);

pub struct Reader {
    pub hash: bool,
    /// Baseline hashes of unchanged files (fast re-audit).
    pub reuse: Option<Arc<super::reuse::HashCache>>,
    pub scan_bytes: usize,
    pub markers: Arc<Markers>,
    /// Hard-linked files (dev, ino) → the one reading, shared, and links left to see.
    links: Mutex<HashMap<(u64, u64), Shared>>,
    pub bytes_read: AtomicU64,
}

impl Reader {
    pub fn new(hash: bool, scan_bytes: u64, markers: Arc<Markers>) -> Reader {
        let scan = if markers.is_empty() {
            0
        } else {
            (scan_bytes as usize).min(MAX_SCAN_BYTES)
        };
        Reader {
            hash,
            reuse: None,
            scan_bytes: scan,
            markers,
            links: Mutex::new(HashMap::new()),
            bytes_read: AtomicU64::new(0),
        }
    }

    /// Reads a regular file seen by the walk as `seen`. Hard links are read once.
    pub fn read(&self, place: &Place, seen: &Seen, buf: &mut Vec<u8>) -> Content {
        if seen.nlink > 1 {
            let key = (seen.dev, seen.ino);
            let cell = {
                let mut map = self.links.lock().unwrap_or_else(|e| e.into_inner());
                let e = map
                    .entry(key)
                    .or_insert_with(|| (Arc::new(OnceLock::new()), seen.nlink));
                e.1 = e.1.saturating_sub(1);
                let cell = e.0.clone();
                if e.1 == 0 {
                    map.remove(&key);
                }
                cell
            };
            let c = cell.get_or_init(|| self.read_once(place, seen, buf));
            if c.problem == Some(ReadProblem::Vanished) {
                // That name vanished; this one may still be there.
                return self.read_once(place, seen, buf);
            }
            return c.clone();
        }
        self.read_once(place, seen, buf)
    }

    fn read_once(&self, place: &Place, seen: &Seen, buf: &mut Vec<u8>) -> Content {
        let mut c = Content::new();
        if let Some(r) = self.reuse.as_ref().and_then(|r| r.get(seen))
            && let Some(markers) = r.markers
        {
            // Unchanged since the baseline (identity and state as the walk's lstat
            // saw them), whose hash and content markers are known: not opened.
            c.acl = match acl::read_place(place) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    c.problem = Some(ReadProblem::Vanished);
                    return c;
                }
                r => r.map_err(|e| e.to_string()),
            };
            c.sha256 = Some(r.sha256);
            c.markers = markers.to_vec();
            c.reused = true;
            return c;
        }
        let need_content = self.hash || self.scan_bytes > 0;
        if !need_content {
            c.acl = acl::read_place(place).map_err(|e| e.to_string());
            if !self.hash {
                c.hash_error = Some("not hashed (--no-hash)".into());
            }
            return c;
        }
        let mut f = match place.open() {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                c.problem = Some(ReadProblem::Vanished);
                return c;
            }
            Err(e) => {
                let msg = if e.raw_os_error() == Some(libc::ELOOP) {
                    "replaced by a symbolic link while being read".to_string()
                } else {
                    io_message(&e)
                };
                c.acl = acl::read_place(place).map_err(|e| e.to_string());
                c.hash_error = Some(msg.clone());
                c.problem = Some(ReadProblem::Unreadable(msg));
                return c;
            }
        };
        c.acl = acl::read_fd(f.as_raw_fd()).map_err(|e| e.to_string());
        // What is read is checked on the open descriptor: a regular file, the one
        // the walk stat'ed (a race swapping in another file is never read).
        let (before, stored) = match fstat(&f) {
            Ok(m) if m.is_file() && m.dev() == seen.dev && m.ino() == seen.ino => {
                (Seen::of(&m), m.blocks().saturating_mul(512))
            }
            Ok(_) => return changed(c, "replaced while being read", true),
            Err(e) => {
                let msg = io_message(&e);
                c.hash_error = Some(msg.clone());
                c.problem = Some(ReadProblem::Unreadable(msg));
                return c;
            }
        };
        if !before.same_state(seen) {
            return changed(c, "changed while being read", true);
        }
        if let Some(sha) = self
            .reuse
            .as_ref()
            .and_then(|r| r.get(&before))
            .map(|r| r.sha256)
        {
            // Unchanged since the baseline: only the leading bytes for markers.
            if self.scan_bytes > 0 {
                if buf.len() < self.scan_bytes {
                    buf.resize(self.scan_bytes, 0);
                }
                let want = self
                    .scan_bytes
                    .min(usize::try_from(before.size).unwrap_or(usize::MAX));
                let n = match fill(&mut f, &mut buf[..want]) {
                    Ok(n) => n,
                    Err(e) => {
                        let msg = io_message(&e);
                        c.hash_error = Some(msg.clone());
                        c.problem = Some(ReadProblem::Unreadable(msg));
                        return c;
                    }
                };
                self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
                c.markers = self.markers.in_content(&buf[..n]);
            }
            c.sha256 = Some(sha);
            c.reused = true;
            return c;
        }
        if self.hash && too_sparse(before.size, stored) {
            // Its holes read as zeros: hashing a 1 TB file with nothing on disk
            // would take many minutes. The leading bytes are still scanned.
            let msg = format!(
                "sparse file: {} bytes long, {} bytes stored on disk; not hashed (timaudit reads at most {SPARSE_RATIO} bytes per byte stored, plus {} MiB)",
                before.size,
                stored,
                SPARSE_SLACK >> 20
            );
            if self.scan_bytes > 0 {
                if buf.len() < self.scan_bytes {
                    buf.resize(self.scan_bytes, 0);
                }
                if let Ok(n) = fill(&mut f, &mut buf[..self.scan_bytes]) {
                    self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
                    c.markers = self.markers.in_content(&buf[..n]);
                }
            }
            c.hash_error = Some(msg.clone());
            c.problem = Some(ReadProblem::Unhashed(msg));
            return c;
        }
        let first = self.scan_bytes.max(CHUNK);
        if buf.len() < first {
            buf.resize(first, 0);
        }
        let mut hasher = self.hash.then(Sha256::new);
        let mut total: u64 = 0;
        let mut scanned = false;
        loop {
            // Fill the buffer (the first one completely, for the marker scan), up to
            // the size `fstat` gave: no read is spent on finding the end (a file that
            // grew or shrank meanwhile fails the checks after the loop).
            let cap = if scanned {
                CHUNK
            } else if self.hash {
                first
            } else {
                self.scan_bytes
            };
            let want =
                cap.min(usize::try_from(before.size - total.min(before.size)).unwrap_or(cap));
            let n = match fill(&mut f, &mut buf[..want]) {
                Ok(n) => n,
                Err(e) => {
                    let msg = io_message(&e);
                    c.hash_error = Some(msg.clone());
                    c.problem = Some(if scanned {
                        ReadProblem::Unhashed(msg)
                    } else {
                        ReadProblem::Unreadable(msg)
                    });
                    return c;
                }
            };
            total += n as u64;
            self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
            if !scanned {
                scanned = true;
                let s = n.min(self.scan_bytes);
                if s > 0 {
                    c.markers = self.markers.in_content(&buf[..s]);
                }
            }
            match &mut hasher {
                Some(h) => h.update(&buf[..n]),
                None => break,
            }
            if n < want || total >= before.size {
                break;
            }
        }
        let Some(h) = hasher else {
            c.hash_error = Some("not hashed (--no-hash)".into());
            return c;
        };
        let after = fstat(&f).map(|m| Seen::of(&m));
        match after {
            Ok(a) if a.same_state(&before) && total == before.size => {
                c.sha256 = Some(h.finalize().into());
            }
            _ => return changed(c, "changed while being read", false),
        }
        c
    }
}

/// A file is hashed when its length is at most this many times the bytes it has
/// on disk (`st_blocks`) plus [`SPARSE_SLACK`]: so the time spent on a file is
/// bounded by what is stored, and a huge sparse file (a 1 TB image with nothing
/// written) is reported unhashed instead of keeping the scan busy for minutes.
/// Compressed filesystems (ZFS, btrfs) store text in well under its length, hence
/// the generous ratio.
pub const SPARSE_RATIO: u64 = 16;
pub const SPARSE_SLACK: u64 = 64 << 20;

fn too_sparse(size: u64, stored: u64) -> bool {
    size > SPARSE_SLACK.saturating_add(stored.saturating_mul(SPARSE_RATIO))
}

/// `fstat` on the open file (`File::metadata` uses `statx` with an empty path,
/// which costs a path lookup).
fn fstat(f: &std::fs::File) -> io::Result<Meta> {
    rustix::fs::fstat(f)
        .map(|st| Meta::from_stat(&st))
        .map_err(io::Error::from)
}

/// Reads until `buf` is full or the file ends; the number of bytes read.
fn fill(f: &mut std::fs::File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn changed(mut c: Content, why: &str, before_scan: bool) -> Content {
    c.hash_error = Some(why.to_string());
    c.problem = Some(if before_scan {
        ReadProblem::Unreadable(why.to_string())
    } else {
        ReadProblem::Unhashed(why.to_string())
    });
    if before_scan {
        c.markers.clear();
    }
    c
}

/// "permission denied" rather than "Permission denied (os error 13)".
pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotFound => "not found".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// An [`io_message`] for Japanese text: the common ones translated, others as
/// they are (the message itself stays English in report.json's coverage).
pub fn io_message_ja(msg: &str) -> String {
    match msg {
        "permission denied" => "アクセス権がありません".into(),
        "not found" => "見つかりません".into(),
        crate::rootfs::dirs::REPLACED => {
            "走査中にリンクまたはファイルに置き換えられました（たどっていません）".into()
        }
        crate::rootfs::dirs::REPLACED_BY_DIR => {
            "走査中にフォルダーに置き換えられました（中は見ていません）".into()
        }
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_io_problems_read_as_japanese() {
        let e = io::Error::from(io::ErrorKind::NotFound);
        assert_eq!(io_message_ja(&io_message(&e)), "見つかりません");
        let e = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(io_message_ja(&io_message(&e)), "アクセス権がありません");
        assert_eq!(io_message_ja("filesystem loop"), "filesystem loop");
    }

    fn reader(hash: bool) -> Reader {
        Reader::new(hash, 65536, Arc::new(Markers::new(&["社外秘".to_string()])))
    }

    #[test]
    fn hashes_scans_and_notices_changes() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.txt");
        std::fs::write(&p, "これは社外秘です").unwrap();
        let seen = Seen::of(&Meta::from(&std::fs::symlink_metadata(&p).unwrap()));
        let mut buf = Vec::new();
        let c = reader(true).read(&Place::Path(p.clone()), &seen, &mut buf);
        assert_eq!(
            crate::rootfs::hex(&c.sha256.unwrap()),
            crate::rootfs::sha256_hex("これは社外秘です".as_bytes())
        );
        assert_eq!(c.markers, [0]);
        assert_eq!(c.problem, None);
        // The file changed after the walk saw it: no hash, never a wrong one.
        std::fs::write(&p, "something else, longer").unwrap();
        let c = reader(true).read(&Place::Path(p.clone()), &seen, &mut buf);
        assert!(c.sha256.is_none());
        assert_eq!(c.hash_error.as_deref(), Some("changed while being read"));
        // --no-hash still scans the content.
        let seen = Seen::of(&Meta::from(&std::fs::symlink_metadata(&p).unwrap()));
        let c = reader(false).read(&Place::Path(p.clone()), &seen, &mut buf);
        assert!(c.sha256.is_none() && c.problem.is_none());
        // Vanished.
        std::fs::remove_file(&p).unwrap();
        let c = reader(true).read(&Place::Path(p.clone()), &seen, &mut buf);
        assert_eq!(c.problem, Some(ReadProblem::Vanished));
    }

    #[test]
    fn a_symlink_swapped_in_is_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a");
        std::fs::write(&p, "x").unwrap();
        let seen = Seen::of(&Meta::from(&std::fs::symlink_metadata(&p).unwrap()));
        std::fs::remove_file(&p).unwrap();
        std::fs::write(d.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink("secret", &p).unwrap();
        let c = reader(true).read(&Place::Path(p.clone()), &seen, &mut Vec::new());
        assert!(c.sha256.is_none());
        assert!(matches!(c.problem, Some(ReadProblem::Unreadable(_))));
    }
}
