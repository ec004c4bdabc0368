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
/// A file's `hash_error` under `--no-hash`.
const NOT_HASHED: &str = "not hashed (--no-hash)";

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
    /// Why there is no hash (a fixed text is not allocated for every file).
    pub hash_error: Option<std::borrow::Cow<'static, str>>,
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

    /// Does reading a file need its content (a hash, or a marker scan)?
    fn needs_content(&self) -> bool {
        self.hash || self.scan_bytes > 0
    }

    /// Opens a file the listing said is a regular file *before* stat'ing it, so
    /// that its one `fstat` on the open descriptor both fills in its entry and
    /// checks what is read (one system call fewer per file than `fstatat` and then
    /// `open`). Only when the file's content is read anyway and no baseline may
    /// spare opening it: `None` otherwise, and when the open failed for another
    /// reason than the file being gone (the caller stats it and reports what it
    /// now is: a link swapped in, a FIFO, a file it may not read).
    ///
    /// The open is the same as [`Reader::read`]'s: read-only, `O_NOFOLLOW`,
    /// `O_NONBLOCK` (a FIFO or device swapped in since the listing never blocks;
    /// the caller reads nothing from what `fstat` does not show to be a regular
    /// file), `O_NOATIME`.
    pub fn open_listed(&self, place: &Place) -> Option<io::Result<(std::fs::File, Meta)>> {
        if !self.needs_content() || self.reuse.is_some() {
            return None;
        }
        match place.open() {
            Ok(f) => Some(fstat(&f).map(|m| (f, m))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Some(Err(e)),
            Err(_) => None,
        }
    }

    /// Reads a regular file opened by [`Reader::open_listed`] (`m`: its `fstat`).
    pub fn read_opened(
        &self,
        f: std::fs::File,
        m: &Meta,
        place: &Place,
        buf: &mut Vec<u8>,
    ) -> Content {
        let seen = Seen::of(m);
        if seen.nlink > 1 {
            // Hard links are read once, through the shared cell.
            drop(f);
            return self.read(place, &seen, buf);
        }
        let mut c = Content::new();
        c.acl = acl::read_fd(f.as_raw_fd()).map_err(|e| e.to_string());
        self.read_content(c, f, seen, m.blocks().saturating_mul(512), buf)
    }

    fn read_once(&self, place: &Place, seen: &Seen, buf: &mut Vec<u8>) -> Content {
        if let Some(c) = self.reused_unopened(place, seen) {
            return c;
        }
        let mut c = Content::new();
        if !self.needs_content() {
            c.acl = acl::read_place(place).map_err(|e| e.to_string());
            if !self.hash {
                c.hash_error = Some(NOT_HASHED.into());
            }
            return c;
        }
        let f = match place.open() {
            Ok(f) => f,
            Err(e) => return unopened(c, place, e),
        };
        c.acl = acl::read_fd(f.as_raw_fd()).map_err(|e| e.to_string());
        // What is read is checked on the open descriptor: a regular file, the one
        // the walk stat'ed (a race swapping in another file is never read).
        let (before, stored) = match fstat(&f) {
            Ok(m) if m.is_file() && m.dev() == seen.dev && m.ino() == seen.ino => {
                (Seen::of(&m), m.blocks().saturating_mul(512))
            }
            Ok(_) => return changed(c, "replaced while being read", true),
            Err(e) => return unreadable(c, &e),
        };
        if !before.same_state(seen) {
            return changed(c, "changed while being read", true);
        }
        self.read_content(c, f, before, stored, buf)
    }

    /// A file unchanged since the baseline (identity and state as the walk's
    /// lstat saw them) whose hash and content markers are both known: not opened,
    /// only its ACL read. `None` when the baseline does not spare opening it.
    fn reused_unopened(&self, place: &Place, seen: &Seen) -> Option<Content> {
        let r = self.reuse.as_ref()?.get(seen)?;
        let markers = r.markers?;
        let mut c = Content::new();
        c.acl = match acl::read_place(place) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                c.problem = Some(ReadProblem::Vanished);
                return Some(c);
            }
            r => r.map_err(|e| e.to_string()),
        };
        c.sha256 = Some(r.sha256);
        c.markers = markers.to_vec();
        c.reused = true;
        Some(c)
    }

    /// The content of an open regular file in the state `before` (checked against
    /// the walk's): hash reused, too sparse to hash, or read, scanned and hashed.
    fn read_content(
        &self,
        mut c: Content,
        mut f: std::fs::File,
        before: Seen,
        stored: u64,
        buf: &mut Vec<u8>,
    ) -> Content {
        if let Some(sha) = self
            .reuse
            .as_ref()
            .and_then(|r| r.get(&before))
            .map(|r| r.sha256)
        {
            // Unchanged since the baseline: only the leading bytes for markers.
            if self.scan_bytes > 0 {
                let want = self
                    .scan_bytes
                    .min(usize::try_from(before.size).unwrap_or(usize::MAX));
                match self.scan_leading(&mut f, want, buf) {
                    Ok(m) => c.markers = m,
                    Err(e) => return unreadable(c, &e),
                }
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
            if self.scan_bytes > 0
                && let Ok(m) = self.scan_leading(&mut f, self.scan_bytes, buf)
            {
                c.markers = m;
            }
            c.hash_error = Some(msg.clone().into());
            c.problem = Some(ReadProblem::Unhashed(msg));
            return c;
        }
        self.scan_and_hash(c, f, before, buf)
    }

    /// Reads up to `want` leading bytes and returns the markers in them.
    fn scan_leading(
        &self,
        f: &mut std::fs::File,
        want: usize,
        buf: &mut Vec<u8>,
    ) -> io::Result<Vec<u16>> {
        if buf.len() < self.scan_bytes {
            buf.resize(self.scan_bytes, 0);
        }
        let n = fill(f, &mut buf[..want.min(self.scan_bytes)])?;
        self.bytes_read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(self.markers.in_content(&buf[..n]))
    }

    /// Reads the file to the end (the size `fstat` gave): the first buffer is
    /// scanned for markers, everything hashed (with hashing on); then checks that
    /// it did not change meanwhile.
    fn scan_and_hash(
        &self,
        mut c: Content,
        mut f: std::fs::File,
        before: Seen,
        buf: &mut Vec<u8>,
    ) -> Content {
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
                Err(e) if scanned => {
                    let msg = io_message(&e);
                    c.hash_error = Some(msg.clone().into());
                    c.problem = Some(ReadProblem::Unhashed(msg));
                    return c;
                }
                Err(e) => return unreadable(c, &e),
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
            c.hash_error = Some(NOT_HASHED.into());
            return c;
        };
        match fstat(&f).map(|m| Seen::of(&m)) {
            Ok(a) if a.same_state(&before) && total == before.size => {
                c.sha256 = Some(h.finalize().into());
                c
            }
            _ => changed(c, "changed while being read", false),
        }
    }
}

/// A file that could not be opened: gone, replaced by a link, or unreadable (its
/// ACL is still read through its folder).
fn unopened(mut c: Content, place: &Place, e: io::Error) -> Content {
    if e.kind() == io::ErrorKind::NotFound {
        c.problem = Some(ReadProblem::Vanished);
        return c;
    }
    let msg = if e.raw_os_error() == Some(libc::ELOOP) {
        "replaced by a symbolic link while being read".to_string()
    } else {
        io_message(&e)
    };
    c.acl = acl::read_place(place).map_err(|e| e.to_string());
    c.hash_error = Some(msg.clone().into());
    c.problem = Some(ReadProblem::Unreadable(msg));
    c
}

/// A file opened whose content could not be read at all.
fn unreadable(mut c: Content, e: &io::Error) -> Content {
    let msg = io_message(e);
    c.hash_error = Some(msg.clone().into());
    c.problem = Some(ReadProblem::Unreadable(msg));
    c
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

fn changed(mut c: Content, why: &'static str, before_scan: bool) -> Content {
    c.hash_error = Some(why.into());
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
