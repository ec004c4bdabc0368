//! A depth-first directory walk (pre-order, never following links below the root) that
//! lists directories through descriptors opened with `O_NOATIME`, so auditing a share
//! never changes the access time of its folders. `walkdir` lists with plain
//! `opendir`, which on `relatime`/`strictatime` mounts stamps every folder it reads.
//!
//! The surface mirrors the part of `walkdir` the walker uses: entries with `depth`,
//! `path`, `file_name` and the `lstat` result; errors with `path`, `depth` and
//! `io_error`; and `skip_current_dir` right after a directory was yielded.

use rustix::fs::{Dir, Mode, OFlags};
use std::ffi::OsStr;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Directories kept open at once. Past it, the oldest open one has the rest of its
/// names read into memory and is closed (as `walkdir`'s `max_open` does), so the
/// folder being listed stays open and its subfolders are opened relative to its
/// descriptor (`openat`): a parent swapped for a link is not gone through. Only a
/// folder whose own descriptor was closed (more than `MAX_OPEN` levels above the
/// deepest folder open) has its subfolders opened by path, with `O_NOFOLLOW`.
const MAX_OPEN: usize = 64;

/// What a folder that was swapped for a link or a file between its listing and its
/// opening reads as (`O_NOFOLLOW | O_DIRECTORY` refused it; nothing is followed).
pub const REPLACED: &str = "replaced by a link or a file while being walked; not followed";

pub struct Entry {
    path: PathBuf,
    depth: usize,
    meta: Option<io::Result<std::fs::Metadata>>,
}

impl Entry {
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn depth(&self) -> usize {
        self.depth
    }
    pub fn file_name(&self) -> &OsStr {
        self.path.file_name().unwrap_or(self.path.as_os_str())
    }
    /// The entry with its metadata, or the error of reading it.
    pub fn with_metadata(mut self) -> Result<(Entry, std::fs::Metadata), Error> {
        match self.metadata() {
            Ok(m) => Ok((self, m)),
            Err(err) => Err(Error {
                path: self.path,
                depth: self.depth,
                err,
            }),
        }
    }

    /// The entry's own metadata (`lstat`; the root's links are followed). Once.
    pub fn metadata(&mut self) -> io::Result<std::fs::Metadata> {
        self.meta
            .take()
            .unwrap_or_else(|| std::fs::symlink_metadata(&self.path))
    }
}

#[derive(Debug)]
pub struct Error {
    path: PathBuf,
    depth: usize,
    err: io::Error,
}

impl Error {
    pub fn path(&self) -> Option<&Path> {
        Some(&self.path)
    }
    pub fn depth(&self) -> usize {
        self.depth
    }
    pub fn io_error(&self) -> Option<&io::Error> {
        Some(&self.err)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.err)
    }
}

enum Source {
    Open(Dir),
    /// The rest of a folder's names, read into memory when its descriptor was
    /// closed, and the error that stopped that reading (yielded after the names).
    Listed(std::vec::IntoIter<Vec<u8>>, Option<io::Error>),
}

struct Frame {
    source: Source,
    path: PathBuf,
    depth: usize,
}

impl Frame {
    fn next_name(&mut self) -> Option<io::Result<Vec<u8>>> {
        loop {
            let name = match &mut self.source {
                Source::Listed(it, err) => {
                    return match it.next() {
                        Some(n) => Some(Ok(n)),
                        None => err.take().map(Err),
                    };
                }
                Source::Open(d) => match d.read()? {
                    Ok(e) => e.file_name().to_bytes().to_vec(),
                    Err(e) => return Some(Err(errno(e))),
                },
            };
            if name != b"." && name != b".." {
                return Some(Ok(name));
            }
        }
    }

    /// Reads the rest of the names into memory and closes the descriptor.
    fn close(&mut self) {
        if !matches!(self.source, Source::Open(_)) {
            return;
        }
        let mut names = Vec::new();
        let mut err = None;
        while let Some(n) = self.next_name() {
            match n {
                Ok(n) => names.push(n),
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        self.source = Source::Listed(names.into_iter(), err);
    }
}

pub struct Walk {
    root: Option<PathBuf>,
    pending: Option<(PathBuf, usize)>,
    frames: Vec<Frame>,
    /// Frames whose descriptor is open (the last `open` frames).
    open: usize,
}

impl Walk {
    pub fn new(root: &Path) -> Walk {
        Walk {
            root: Some(root.to_path_buf()),
            pending: None,
            frames: Vec::new(),
            open: 0,
        }
    }

    /// Do not descend into the directory yielded last.
    pub fn skip_current_dir(&mut self) {
        self.pending = None;
    }

    fn descend(&mut self, path: PathBuf, depth: usize) -> Result<(), Error> {
        // The pending folder was listed by the top frame: its parent.
        let parent = match self.frames.last() {
            Some(Frame {
                source: Source::Open(d),
                depth: pd,
                ..
            }) if depth > 0 && *pd + 1 == depth => Some(d),
            _ => None,
        };
        let opened = match (parent, path.file_name()) {
            (Some(d), Some(name)) => open_dir_at(d, name),
            _ => open_dir(&path, depth > 0),
        };
        let dir = opened.map_err(|err| {
            let err = if depth > 0
                && matches!(
                    err.raw_os_error(),
                    Some(e) if e == rustix::io::Errno::LOOP.raw_os_error()
                        || e == rustix::io::Errno::NOTDIR.raw_os_error()
                ) {
                io::Error::other(REPLACED)
            } else {
                err
            };
            Error {
                path: path.clone(),
                depth,
                err,
            }
        })?;
        if self.open >= MAX_OPEN {
            let first = self.frames.len() - self.open;
            self.frames[first].close();
            self.open -= 1;
        }
        self.frames.push(Frame {
            source: Source::Open(dir),
            path,
            depth,
        });
        self.open += 1;
        Ok(())
    }

    fn pop(&mut self) -> Option<Frame> {
        let f = self.frames.pop()?;
        if matches!(f.source, Source::Open(_)) {
            self.open -= 1;
        }
        Some(f)
    }
}

impl Iterator for Walk {
    type Item = Result<Entry, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(root) = self.root.take() {
            // Like walkdir: a link given as the root itself is followed.
            return Some(match std::fs::metadata(&root) {
                Ok(m) => {
                    if m.is_dir() {
                        self.pending = Some((root.clone(), 0));
                    }
                    Ok(Entry {
                        path: root,
                        depth: 0,
                        meta: Some(Ok(m)),
                    })
                }
                Err(err) => Err(Error {
                    path: root,
                    depth: 0,
                    err,
                }),
            });
        }
        if let Some((path, depth)) = self.pending.take()
            && let Err(e) = self.descend(path, depth)
        {
            return Some(Err(e));
        }
        loop {
            let top = self.frames.last_mut()?;
            match top.next_name() {
                None => {
                    self.pop();
                }
                Some(Err(err)) => {
                    let f = self.pop()?;
                    return Some(Err(Error {
                        path: f.path,
                        depth: f.depth,
                        err,
                    }));
                }
                Some(Ok(name)) => {
                    let path = top.path.join(OsStr::from_bytes(&name));
                    let depth = top.depth + 1;
                    let meta = std::fs::symlink_metadata(&path);
                    if meta.as_ref().is_ok_and(|m| m.is_dir()) {
                        self.pending = Some((path.clone(), depth));
                    }
                    return Some(Ok(Entry {
                        path,
                        depth,
                        meta: Some(meta),
                    }));
                }
            }
        }
    }
}

/// The names in one folder (without `.` and `..`), listed through a descriptor
/// opened with `O_NOATIME` where the kernel allows, so reading the audited host's
/// folders never stamps their access times as `read_dir` does. A link to the
/// folder is followed (callers resolve host paths inside the root first).
pub fn list_names(path: &Path) -> io::Result<Vec<Vec<u8>>> {
    let mut f = Frame {
        source: Source::Open(open_dir(path, false)?),
        path: path.to_path_buf(),
        depth: 0,
    };
    let mut out = Vec::new();
    while let Some(name) = f.next_name() {
        out.push(name?);
    }
    Ok(out)
}

fn errno(e: rustix::io::Errno) -> io::Error {
    io::Error::from_raw_os_error(e.raw_os_error())
}

const FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::CLOEXEC);

/// Opens `O_NOATIME`, and without it when the kernel refuses (`EPERM`: only the
/// owner of a folder, or root, may open it so), so the folder is still listed.
fn open_noatime(
    open: impl Fn(OFlags) -> rustix::io::Result<rustix::fd::OwnedFd>,
) -> io::Result<Dir> {
    let fd = match open(OFlags::NOATIME) {
        Err(rustix::io::Errno::PERM) => {
            crate::rootfs::NOATIME_REFUSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            open(OFlags::empty())
        }
        r => r,
    }
    .map_err(errno)?;
    Dir::new(fd).map_err(errno)
}

/// Opens a directory for listing by its path (the root, whose links are followed;
/// below it with `O_NOFOLLOW`).
fn open_dir(path: &Path, nofollow: bool) -> io::Result<Dir> {
    let mut flags = FLAGS;
    if nofollow {
        flags |= OFlags::NOFOLLOW;
    }
    open_noatime(|extra| rustix::fs::open(path, flags | extra, Mode::empty()))
}

/// Opens the folder `name` of the open folder `parent` for listing, with
/// `O_NOFOLLOW | O_DIRECTORY`: a folder swapped for a link (or a file) after it was
/// listed is refused, and a parent swapped for a link is not gone through either.
fn open_dir_at(parent: &Dir, name: &OsStr) -> io::Result<Dir> {
    let pfd = parent.fd().map_err(errno)?;
    open_noatime(|extra| {
        rustix::fs::openat(pfd, name, FLAGS | OFlags::NOFOLLOW | extra, Mode::empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(root: &Path) -> Vec<(usize, String)> {
        let mut out: Vec<(usize, String)> = Walk::new(root)
            .map(|e| {
                let e = e.unwrap();
                (
                    e.depth(),
                    e.path()
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn walks_pre_order_without_following_links_and_skips_on_request() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("a/b")).unwrap();
        std::fs::write(r.join("a/b/f"), "x").unwrap();
        std::fs::create_dir_all(r.join("skip/inner")).unwrap();
        std::os::unix::fs::symlink(".", r.join("a/loop")).unwrap();
        assert_eq!(
            names(r),
            vec![
                (0, "".into()),
                (1, "a".into()),
                (1, "skip".into()),
                (2, "a/b".into()),
                (2, "a/loop".into()),
                (2, "skip/inner".into()),
                (3, "a/b/f".into()),
            ]
        );
        let mut w = Walk::new(r);
        let mut seen = Vec::new();
        while let Some(e) = w.next() {
            let e = e.unwrap();
            if e.file_name() == "skip" {
                w.skip_current_dir();
            }
            seen.push(e.path().to_path_buf());
        }
        assert!(seen.contains(&r.join("skip")));
        assert!(!seen.contains(&r.join("skip/inner")));
        assert!(seen.contains(&r.join("a/b/f")));
    }

    #[test]
    fn deep_trees_beyond_the_open_limit_are_walked_completely() {
        let d = tempfile::tempdir().unwrap();
        let mut p = d.path().to_path_buf();
        for _ in 0..(MAX_OPEN + 10) {
            p.push("d");
        }
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("leaf"), "x").unwrap();
        std::fs::write(d.path().join("d/top"), "x").unwrap();
        let all: Vec<_> = Walk::new(d.path()).map(|e| e.unwrap()).collect();
        assert_eq!(all.len(), 1 + MAX_OPEN + 10 + 2);
        assert!(all.iter().any(|e| e.path() == p.join("leaf")));
    }

    fn collect(root: &Path) -> Vec<Result<Entry, Error>> {
        Walk::new(root).collect()
    }

    #[test]
    fn a_folder_swapped_for_a_link_after_listing_is_not_followed() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("share");
        let outside = d.path().join("outside");
        std::fs::create_dir_all(r.join("a")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "s").unwrap();
        let mut w = Walk::new(&r);
        assert_eq!(w.next().unwrap().unwrap().depth(), 0);
        let a = w.next().unwrap().unwrap();
        assert!(a.path().ends_with("a"));
        // Listed as a folder; now swapped for a link to a folder outside the share.
        std::fs::remove_dir(r.join("a")).unwrap();
        std::os::unix::fs::symlink(&outside, r.join("a")).unwrap();
        let e = w.next().unwrap().err().expect("the link is refused");
        assert_eq!(e.path(), Some(r.join("a").as_path()));
        assert_eq!(e.io_error().unwrap().to_string(), REPLACED);
        assert!(w.next().is_none(), "nothing of the link's target is listed");

        // A folder swapped for a file: the same.
        std::fs::remove_file(r.join("a")).unwrap();
        std::fs::create_dir(r.join("a")).unwrap();
        let mut w = Walk::new(&r);
        w.next();
        w.next();
        std::fs::remove_dir(r.join("a")).unwrap();
        std::fs::write(r.join("a"), "f").unwrap();
        let e = w.next().unwrap().err().unwrap();
        assert_eq!(e.io_error().unwrap().to_string(), REPLACED);
    }

    #[test]
    fn a_parent_swapped_for_a_link_is_not_gone_through() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("share");
        std::fs::create_dir_all(r.join("p/c")).unwrap();
        std::fs::write(r.join("p/c/inside"), "i").unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir_all(outside.join("c")).unwrap();
        std::fs::write(outside.join("c/secret"), "s").unwrap();
        let mut w = Walk::new(&r);
        w.next(); // root
        w.next(); // p
        let c = w.next().unwrap().unwrap();
        assert!(c.path().ends_with("p/c"));
        // `p` is moved away and replaced by a link before `p/c` is opened.
        std::fs::rename(r.join("p"), d.path().join("moved")).unwrap();
        std::os::unix::fs::symlink(&outside, r.join("p")).unwrap();
        let rest: Vec<PathBuf> = w.flatten().map(|e| e.path().to_path_buf()).collect();
        assert!(
            !rest.iter().any(|p| p.ends_with("secret")),
            "listed the link's target: {rest:?}"
        );
        assert!(rest.iter().any(|p| p.ends_with("inside")), "{rest:?}");
    }

    #[test]
    fn a_folder_removed_while_walked_is_an_error_and_the_walk_goes_on() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join("a/gone")).unwrap();
        std::fs::write(r.join("a/gone/f"), "x").unwrap();
        std::fs::write(r.join("a/stays"), "x").unwrap();
        let mut got = Vec::new();
        for e in Walk::new(r) {
            match e {
                Ok(e) => {
                    if e.path().ends_with("gone") {
                        std::fs::remove_file(r.join("a/gone/f")).unwrap();
                        std::fs::remove_dir(r.join("a/gone")).unwrap();
                    }
                    got.push(Ok(e.path().to_path_buf()));
                }
                Err(e) => got.push(Err((
                    e.path().unwrap().to_path_buf(),
                    e.io_error().unwrap().kind(),
                ))),
            }
        }
        assert!(
            got.contains(&Err((r.join("a/gone"), io::ErrorKind::NotFound))),
            "{got:?}"
        );
        assert!(got.contains(&Ok(r.join("a/stays"))), "{got:?}");
    }

    #[test]
    fn paths_longer_than_path_max_are_errors_and_the_walk_ends() {
        // 3000 levels of `dd/`: 9000 bytes, over PATH_MAX (4096).
        let d = tempfile::tempdir().unwrap();
        let top = std::fs::File::open(d.path()).unwrap();
        let mut fd: rustix::fd::OwnedFd = top.into();
        for _ in 0..3000 {
            rustix::fs::mkdirat(&fd, "dd", Mode::from_raw_mode(0o755)).unwrap();
            fd = rustix::fs::openat(&fd, "dd", FLAGS, Mode::empty()).unwrap();
        }
        let all = collect(d.path());
        let ok = all.iter().filter(|e| e.is_ok()).count();
        assert!(ok > 1000 && ok < 2100, "{ok}");
        let too_long: Vec<_> = all
            .into_iter()
            .filter_map(|e| match e {
                Ok(mut e) => e.metadata().err(),
                Err(e) => Some(e.err),
            })
            .collect();
        assert_eq!(too_long.len(), 1);
        assert_eq!(
            too_long[0].raw_os_error(),
            Some(rustix::io::Errno::NAMETOOLONG.raw_os_error())
        );
        // Removing it needs relative paths too.
        let mut fd: rustix::fd::OwnedFd = std::fs::File::open(d.path()).unwrap().into();
        let mut chain = Vec::new();
        for _ in 0..3000 {
            let next = rustix::fs::openat(&fd, "dd", FLAGS, Mode::empty()).unwrap();
            chain.push(fd);
            fd = next;
        }
        drop(fd);
        while let Some(p) = chain.pop() {
            rustix::fs::unlinkat(&p, "dd", rustix::fs::AtFlags::REMOVEDIR).unwrap();
        }
    }

    #[test]
    fn names_that_are_not_utf8_are_kept_as_bytes() {
        let d = tempfile::tempdir().unwrap();
        let name = OsStr::from_bytes(b"caf\xe9");
        std::fs::create_dir(d.path().join(name)).unwrap();
        std::fs::write(d.path().join(name).join(name), "x").unwrap();
        let got = names(d.path());
        assert_eq!(got.len(), 3);
        let all: Vec<PathBuf> = Walk::new(d.path())
            .flatten()
            .map(|e| e.path().into())
            .collect();
        assert!(all.contains(&d.path().join(name).join(name)));
    }

    #[test]
    fn at_most_max_open_descriptors_are_held() {
        let d = tempfile::tempdir().unwrap();
        let mut p = d.path().to_path_buf();
        for i in 0..(MAX_OPEN * 3) {
            p.push("d");
            std::fs::create_dir(&p).unwrap();
            // Siblings after the subfolder make each level's rest be read into memory.
            std::fs::write(p.with_file_name(format!("z{i}")), "x").unwrap();
        }
        let mut w = Walk::new(d.path());
        let mut most = 0;
        let mut n = 0;
        while let Some(e) = w.next() {
            e.unwrap();
            n += 1;
            most = most.max(w.open);
            assert!(
                w.frames
                    .iter()
                    .rev()
                    .take(w.open)
                    .all(|f| matches!(f.source, Source::Open(_)))
            );
        }
        assert_eq!(most, MAX_OPEN);
        assert_eq!(n, 1 + 2 * MAX_OPEN * 3);
    }

    #[test]
    fn a_root_that_is_a_link_is_followed_and_can_be_skipped() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("real/sub")).unwrap();
        std::fs::write(d.path().join("real/sub/f"), "x").unwrap();
        let root = d.path().join("link");
        std::os::unix::fs::symlink("real", &root).unwrap();
        let got = names(&root);
        assert_eq!(
            got,
            vec![(0, "".into()), (1, "sub".into()), (2, "sub/f".into())]
        );
        let mut w = Walk::new(&root);
        let mut first = w.next().unwrap().unwrap();
        assert!(first.metadata().unwrap().is_dir(), "the link's target");
        w.skip_current_dir();
        assert!(w.next().is_none());
    }

    #[test]
    fn a_missing_root_is_an_error_at_depth_zero() {
        let d = tempfile::tempdir().unwrap();
        let mut w = Walk::new(&d.path().join("nope"));
        let e = w.next().unwrap().err().unwrap();
        assert_eq!(e.depth(), 0);
        assert_eq!(e.io_error().unwrap().kind(), io::ErrorKind::NotFound);
        assert!(w.next().is_none());
    }
}
