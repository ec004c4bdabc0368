//! Reading the audited host's files under `--root`, read-only.
//!
//! A host path such as `/etc/ssh/sshd_config` is looked up under the root
//! directory. Symbolic links met on the way are resolved as the audited host would
//! resolve them: an absolute target is relative to the root, and `..` never climbs
//! above it. So a copied root never makes the tool read the machine it runs on.

pub mod dirs;
pub mod locate;

use sha2::{Digest, Sha256};
use std::io;
use std::path::{Component, Path, PathBuf};

const MAX_LINKS: usize = 40;

#[derive(Clone, Debug)]
pub struct RootFs {
    root: PathBuf,
}

/// A file read from the audited host, with what a report needs to cite it.
#[derive(Clone, Debug)]
pub struct HostFile {
    /// The host path (`/etc/passwd`).
    pub path: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

impl HostFile {
    pub fn text(&self) -> String {
        crate::text::decode(&self.bytes).0
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex, as digests are written everywhere (manifest, report.json, logs).
pub fn hex(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    hex_into(bytes, &mut out);
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// [`hex`] appended to `out` (an inventory line, without a String per file).
pub fn hex_into(bytes: &[u8], out: &mut Vec<u8>) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        out.extend([DIGITS[(b >> 4) as usize], DIGITS[(b & 15) as usize]]);
    }
}

/// A SHA-256 from its 64 hex digits (either case); `None` for anything else.
pub fn unhex32(s: &[u8]) -> Option<[u8; 32]> {
    // Each byte's value as a hex digit, 0xff for a byte that is not one.
    const VALUE: [u8; 256] = {
        let mut t = [0xffu8; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            t[b'A' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t
    };
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        let (hi, lo) = (VALUE[pair[0] as usize], VALUE[pair[1] as usize]);
        bad |= hi | lo;
        *o = hi << 4 | (lo & 15);
    }
    // A valid digit's value fits in 4 bits; 0xff sets the high ones.
    (bad < 16).then_some(out)
}

impl RootFs {
    pub fn new(root: impl Into<PathBuf>) -> RootFs {
        RootFs { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `root` + host path, without resolving links (for display and for walking).
    pub fn join(&self, host: &str) -> PathBuf {
        let rel = host.trim_start_matches('/');
        if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// The real path of a host path under the root, links resolved inside the root.
    /// The last component is resolved too unless `follow_last` is false. A path
    /// to compare or display only: anything opened or stat'ed under the root is
    /// found through descriptors ([`RootFs::locate`]), since a component swapped
    /// for a link after this look-up would lead its path out of the root.
    pub fn resolve(&self, host: &str, follow_last: bool) -> io::Result<PathBuf> {
        let mut parts: Vec<std::ffi::OsString> = Vec::new();
        let mut pending: Vec<std::ffi::OsString> = components(Path::new(host));
        pending.reverse();
        let mut links = 0;
        while let Some(c) = pending.pop() {
            if c == ".." {
                parts.pop();
                continue;
            }
            if c == "." || c.is_empty() {
                continue;
            }
            let mut candidate = self.root.clone();
            candidate.extend(parts.iter());
            candidate.push(&c);
            let is_last = pending.is_empty();
            match std::fs::symlink_metadata(&candidate) {
                Ok(m) if m.file_type().is_symlink() && (follow_last || !is_last) => {
                    links += 1;
                    if links > MAX_LINKS {
                        return Err(io::Error::other(format!(
                            "too many levels of symbolic links at {host}"
                        )));
                    }
                    let target = std::fs::read_link(&candidate)?;
                    if target.is_absolute() {
                        parts.clear();
                    }
                    let mut t = components(&target);
                    t.reverse();
                    pending.extend(t);
                }
                Ok(_) => parts.push(c),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    // Keep the rest as written; the caller's open reports NotFound.
                    parts.push(c);
                    while let Some(rest) = pending.pop() {
                        parts.push(rest);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        let mut out = self.root.clone();
        out.extend(parts.iter());
        Ok(out)
    }

    /// Reads a regular file (never a FIFO or device: those would block or never
    /// end), found and opened through descriptors ([`RootFs::locate`]).
    pub fn read(&self, host: &str) -> io::Result<HostFile> {
        let f = self.locate_str(host, true)?.open()?;
        let bytes = read_file(f, limits::CONFIG)?;
        Ok(HostFile {
            path: normalize_host(host),
            sha256: sha256_hex(&bytes),
            bytes,
        })
    }

    /// Reads a file if it exists; `Ok(None)` when it does not.
    pub fn read_opt(&self, host: &str) -> io::Result<Option<HostFile>> {
        match self.read(host) {
            Ok(f) => Ok(Some(f)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Is the host path a folder (links resolved inside the root)? Found and
    /// stat'ed through descriptors ([`RootFs::locate`]), never by a resolved path:
    /// a folder swapped for a link meanwhile never makes one outside the root
    /// count.
    pub fn is_dir(&self, host: &str) -> bool {
        self.locate_str(host, true)
            .and_then(|at| at.metadata())
            .is_ok_and(|m| m.is_dir())
    }

    pub fn exists(&self, host: &str) -> bool {
        self.locate_str(host, true)
            .and_then(|at| at.metadata())
            .is_ok()
    }

    /// Names in a host directory, sorted; empty when it does not exist.
    pub fn list_dir(&self, host: &str) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        match self
            .open_dir_in_root(Path::new(host))
            .and_then(dirs::list_names_of)
        {
            Ok(found) => {
                for n in found {
                    names.push(String::from_utf8_lossy(&n).into_owned());
                }
            }
            Err(e)
                if e.kind() == io::ErrorKind::NotFound
                    || e.kind() == io::ErrorKind::NotADirectory => {}
            Err(e) => return Err(e),
        }
        names.sort();
        Ok(names)
    }

    /// The target of a symbolic link at a host path, if it is one (read relative
    /// to the folder that holds it).
    pub fn read_link(&self, host: &str) -> Option<PathBuf> {
        use std::os::unix::ffi::OsStringExt;
        let at = self.locate_str(host, false).ok()?;
        let t = rustix::fs::readlinkat(&*at.dir, at.name.as_c_str(), Vec::new()).ok()?;
        Some(PathBuf::from(std::ffi::OsString::from_vec(t.into_bytes())))
    }

    /// Does the host path exist as a link or file without following the last link?
    pub fn exists_nofollow(&self, host: &str) -> bool {
        self.locate_str(host, false)
            .and_then(|at| at.metadata())
            .is_ok()
    }
}

fn components(p: &Path) -> Vec<std::ffi::OsString> {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect()
}

/// `/etc//ssh/./x` → `/etc/ssh/x`.
pub fn normalize_host(host: &str) -> String {
    let mut out = String::new();
    for c in components(Path::new(host)) {
        if c == ".." {
            if let Some(i) = out.rfind('/') {
                out.truncate(i);
            }
            continue;
        }
        out.push('/');
        out.push_str(&c.to_string_lossy());
    }
    if out.is_empty() { "/".into() } else { out }
}

/// The most timaudit reads whole from one input. Anything larger is refused with a
/// clear error instead of exhausting memory (the README's "Reliability" section
/// lists them).
pub mod limits {
    /// A host configuration file under `--root` (`/etc/passwd`, sshd_config, …).
    pub const CONFIG: u64 = 32 << 20;
    /// A Windows evidence file, or a document or record the profile names.
    pub const EVIDENCE: u64 = 256 << 20;
    /// The profile (`timaudit.yaml`).
    pub const PROFILE: u64 = 4 << 20;
    /// A roster CSV (`people_file`, `training_file`).
    pub const CSV: u64 = 64 << 20;
    /// A `report.json` read by `--baseline` or `diff`.
    pub const REPORT: u64 = 512 << 20;
    /// A bundle's `MANIFEST.sha256` (`verify`, `audit --out` onto a bundle).
    pub const MANIFEST: u64 = 256 << 20;
    /// One line of an `inventory.jsonl` (a baseline's, for `--baseline` and `diff`).
    pub const INVENTORY_LINE: u64 = 1 << 20;
    /// One line of a watch log (`verify --log`).
    pub const LOG_LINE: u64 = 1 << 20;
}

/// Why an input was refused, in both languages (inside an `io::Error`, whose
/// `Display` is the English text; [`error_ja`] gives the Japanese one).
#[derive(Debug)]
pub struct Refused {
    pub ja: String,
    pub en: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for Refused {}

/// The Japanese text of an error from this module's readers, if it is one of ours.
pub fn error_ja(e: &io::Error) -> Option<&str> {
    e.get_ref()
        .and_then(|r| r.downcast_ref::<Refused>())
        .map(|r| r.ja.as_str())
}

/// The error for an input over its size limit (`InvalidData`, so it is never taken
/// for a missing file).
pub fn too_large(len: u64, limit: u64) -> io::Error {
    let mib = limit >> 20;
    io::Error::new(
        io::ErrorKind::InvalidData,
        Refused {
            ja: format!(
                "大きすぎます（{len} バイト。timaudit がこの種類のファイルから読むのは {mib} MiB まで）"
            ),
            en: format!(
                "too large: {len} bytes (timaudit reads at most {mib} MiB from such a file)"
            ),
        },
    )
}

/// The error for a FIFO, device, socket or folder where a file was expected.
pub fn not_regular(meta: &std::fs::Metadata) -> io::Error {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let (ja, en) = if t.is_fifo() {
        ("名前付きパイプ（FIFO）", "a FIFO (named pipe)")
    } else if t.is_char_device() || t.is_block_device() {
        ("デバイス", "a device")
    } else if t.is_socket() {
        ("ソケット", "a socket")
    } else if t.is_dir() {
        ("フォルダー", "a folder")
    } else {
        ("特殊なファイル", "a special file")
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        Refused {
            ja: format!("通常のファイルではなく{ja}です（読みません）"),
            en: format!("not a regular file but {en} (not read)"),
        },
    )
}

/// Reads a regular file without following a final symlink and without blocking on
/// FIFOs or devices, and without changing its access time where the kernel allows.
/// At most [`limits::EVIDENCE`] bytes.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    read_regular_limited(path, limits::EVIDENCE)
}

/// [`read_regular`] with a size limit.
pub fn read_regular_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_file(open_nofollow(path)?, limit)
}

/// Reads one of the company's own inputs (the profile, a roster CSV, a baseline
/// report): a final symbolic link is followed (the user named the file), but a
/// FIFO, device or socket is refused without blocking, the access time is left as
/// it was where the kernel allows it (`O_NOATIME` for the owner or root), and at
/// most `limit` bytes are read.
pub fn read_input(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_file(open_input(path)?, limit)
}

/// Opens one of the company's own inputs for reading: follows a final link,
/// `O_NONBLOCK | O_NOATIME` (without `O_NOATIME` where the kernel refuses it), and
/// refuses anything but a regular file. For callers that stream the file.
pub fn open_input(path: &Path) -> io::Result<std::fs::File> {
    let f = open_flags(path, false)?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(f)
}

/// Reads an open file whole: a regular file of at most `limit` bytes.
pub fn read_file(f: std::fs::File, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    // The file may grow while it is read: never read past the limit.
    f.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(too_large(buf.len() as u64, limit));
    }
    Ok(buf)
}

/// Lines of a stream, like `BufRead::split(b'\n')`, but a line longer than `limit`
/// bytes is an error instead of a buffer as large as the file.
pub struct BoundedLines<R> {
    reader: R,
    limit: u64,
    done: bool,
}

impl<R: io::BufRead> BoundedLines<R> {
    pub fn new(reader: R, limit: u64) -> Self {
        BoundedLines {
            reader,
            limit,
            done: false,
        }
    }
}

impl<R: io::BufRead> Iterator for BoundedLines<R> {
    type Item = io::Result<Vec<u8>>;
    fn next(&mut self) -> Option<Self::Item> {
        use std::io::{BufRead, Read};
        if self.done {
            return None;
        }
        let mut buf = Vec::new();
        match (&mut self.reader)
            .take(self.limit + 1)
            .read_until(b'\n', &mut buf)
        {
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
            Ok(0) => {
                self.done = true;
                None
            }
            Ok(_) => {
                if buf.last() == Some(&b'\n') {
                    buf.pop();
                } else if buf.len() as u64 > self.limit {
                    self.done = true;
                    return Some(Err(too_large(buf.len() as u64, self.limit)));
                }
                Some(Ok(buf))
            }
        }
    }
}

/// How many files and folders were opened without `O_NOATIME` because the kernel
/// refused it (`EPERM`: neither root nor the owner); their access times may change.
pub static NOATIME_REFUSED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The `open()` flags of [`open_nofollow`]: read-only, never following a final
/// symlink, never blocking on a FIFO or device, closed on exec, and (when `noatime`)
/// without changing the access time. Taken from `libc`, because their values differ
/// between architectures (on aarch64 `0o400000` is `O_LARGEFILE`, not `O_NOFOLLOW`).
#[cfg(target_os = "linux")]
fn flags_of(nofollow: bool, noatime: bool) -> i32 {
    let base = libc::O_NONBLOCK | libc::O_CLOEXEC | if nofollow { libc::O_NOFOLLOW } else { 0 };
    if noatime {
        base | libc::O_NOATIME
    } else {
        base
    }
}

/// Opens read-only with `O_NOFOLLOW | O_NONBLOCK | O_NOATIME` (falling back without
/// `O_NOATIME`, which only the owner or root may use).
pub fn open_nofollow(path: &Path) -> io::Result<std::fs::File> {
    open_flags(path, true)
}

#[cfg(target_os = "linux")]
fn open_flags(path: &Path, nofollow: bool) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let open = |flags: i32| {
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(flags)
            .open(path)
    };
    match open(flags_of(nofollow, true)) {
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
            NOATIME_REFUSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            open(flags_of(nofollow, false))
        }
        r => r,
    }
}

#[cfg(not(target_os = "linux"))]
fn open_flags(path: &Path, _nofollow: bool) -> io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_through_hex_and_nothing_else_decodes() {
        let d: [u8; 32] = std::array::from_fn(|i| (i * 37 + 5) as u8);
        let h = hex(&d);
        assert_eq!(h, ::hex::encode(d));
        assert_eq!(unhex32(h.as_bytes()), Some(d));
        assert_eq!(unhex32(h.to_uppercase().as_bytes()), Some(d));
        assert_eq!(unhex32(&h.as_bytes()[..62]), None, "too short");
        assert_eq!(unhex32(format!("{h}00").as_bytes()), None, "too long");
        for bad in [b'g', b'G', b' ', b'-', b'/', b':', b'@', b'`'] {
            let mut b = h.clone().into_bytes();
            b[17] = bad;
            assert_eq!(unhex32(&b), None, "{}", bad as char);
        }
    }

    #[test]
    fn listing_a_host_folder_leaves_its_access_time() {
        use std::os::unix::fs::MetadataExt;
        let d = tempfile::tempdir().unwrap();
        let conf = d.path().join("etc/ssh/sshd_config.d");
        std::fs::create_dir_all(&conf).unwrap();
        std::fs::write(conf.join("b.conf"), "x").unwrap();
        std::fs::write(conf.join("a.conf"), "x").unwrap();
        // Older than the modification time: any listing would stamp it.
        let old = std::fs::FileTimes::new()
            .set_accessed(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000));
        std::fs::File::open(&conf).unwrap().set_times(old).unwrap();
        let before = std::fs::metadata(&conf).unwrap().atime();
        let fs = RootFs::new(d.path());
        assert_eq!(
            fs.list_dir("/etc/ssh/sshd_config.d").unwrap(),
            ["a.conf", "b.conf"]
        );
        assert!(fs.list_dir("/etc/nope.d").unwrap().is_empty());
        assert_eq!(std::fs::metadata(&conf).unwrap().atime(), before);
    }

    #[test]
    fn absolute_links_resolve_inside_the_root() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("etc/ssh")).unwrap();
        std::fs::create_dir_all(r.join("usr/share")).unwrap();
        std::fs::write(r.join("usr/share/real.conf"), "inside").unwrap();
        std::os::unix::fs::symlink("/usr/share/real.conf", r.join("etc/ssh/sshd_config")).unwrap();
        std::os::unix::fs::symlink("../../../../../../etc/hostname", r.join("etc/escape")).unwrap();
        let fs = RootFs::new(r);
        assert_eq!(fs.read("/etc/ssh/sshd_config").unwrap().bytes, b"inside");
        // `..` cannot climb out of the root: /etc/hostname of the root, which is missing.
        assert_eq!(
            fs.read("/etc/escape").unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }

    #[test]
    fn link_loops_and_fifos_are_errors_not_hangs() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::os::unix::fs::symlink("/b", r.join("a")).unwrap();
        std::os::unix::fs::symlink("/a", r.join("b")).unwrap();
        let fs = RootFs::new(r);
        assert!(fs.read("/a").is_err());
        let fifo = r.join("fifo");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if ok {
            let e = fs.read("/fifo").unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn open_flags_are_this_architectures_libc_values() {
        assert_eq!(
            flags_of(true, true),
            libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOATIME
        );
        assert_eq!(
            flags_of(true, false),
            libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC
        );
        assert_eq!(flags_of(true, true) & libc::O_ACCMODE, libc::O_RDONLY);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_final_symlink_is_refused_not_followed() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("secret"), "x").unwrap();
        std::os::unix::fs::symlink("secret", d.path().join("link")).unwrap();
        let e = open_nofollow(&d.path().join("link")).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ELOOP));
        assert_eq!(
            read_regular(&d.path().join("secret")).unwrap(),
            b"x".to_vec()
        );
    }

    #[test]
    fn normalizes_host_paths() {
        assert_eq!(
            normalize_host("/etc//ssh/./sshd_config"),
            "/etc/ssh/sshd_config"
        );
        assert_eq!(normalize_host("etc/../x"), "/x");
    }
}
