//! A depth-first directory walk (pre-order, never following links below the root)
//! that reaches every entry relative to its parent folder's descriptor: folders are
//! opened with `openat(parent, name, O_NOFOLLOW | O_DIRECTORY | O_NOATIME)` and
//! checked to be the folder that was stat'ed (same device and inode), and every
//! entry is stat'ed with `fstatat(parent, name, AT_SYMLINK_NOFOLLOW)`. A folder
//! swapped for a link (or its parent swapped) while the walk runs is never gone
//! through: a race makes an entry vanish or read as an error, it never leads out of
//! the walk root. The descriptor of the folder an entry was found in travels with
//! the entry ([`Place`]), so its content is opened relative to it too.
//!
//! Folders are listed with `O_NOATIME`, so auditing a share never changes the access
//! time of its folders (`walkdir` lists with plain `opendir`, which on
//! `relatime`/`strictatime` mounts stamps every folder it reads).
//!
//! The surface mirrors the part of `walkdir` the walker uses: entries with `depth`,
//! `path`, `file_name` and the `lstat` result; errors with `path`, `depth` and
//! `io_error`; and `skip_current_dir` right after a directory was yielded.

use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use std::ffi::{CStr, CString, OsStr};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Directories kept open at once. Past it, the oldest open one has the rest of its
/// names read into memory and is closed (as `walkdir`'s `max_open` does). When the
/// walk comes back up to such a folder and needs its descriptor again (to stat the
/// rest of its names), the folder is reopened one component at a time, relative to
/// the deepest folder still open (or the walk root), each with `O_NOFOLLOW |
/// O_DIRECTORY` and checked to be the same device and inode as when it was first
/// opened: nothing is ever opened by its path below the root.
const MAX_OPEN: usize = 64;

/// The longest path the walk reports (with its NUL, as the kernel counts):
/// entries whose full path is longer are errors (`ENAMETOOLONG`) and not descended
/// into, as when they were reached by path, so inventory paths stay usable by
/// every tool that reads them.
pub const PATH_MAX: usize = 4096;

/// What a folder that was swapped for a link or a file between its listing and its
/// opening reads as (`O_NOFOLLOW | O_DIRECTORY` refused it; nothing is followed).
pub const REPLACED: &str = "replaced by a link or a file while being walked; not followed";

/// What a file that became a folder between its folder's listing and its stat
/// reads as (the new folder is not walked: it was not there when listed).
pub const REPLACED_BY_DIR: &str = "replaced by a folder while being walked; not listed";

/// An entry's own metadata (`lstat` of it, through `fstatat` relative to its
/// folder). The accessors are named as `std::os::unix::fs::MetadataExt`'s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    dev: u64,
    ino: u64,
    mode: u32,
    nlink: u64,
    uid: u32,
    gid: u32,
    size: u64,
    blocks: u64,
    mtime: i64,
    mtime_nsec: i64,
    ctime: i64,
    ctime_nsec: i64,
}

/// The type bits of a [`Meta`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileKind(u32);

impl FileKind {
    pub fn is_file(self) -> bool {
        self.0 == libc::S_IFREG
    }
    pub fn is_dir(self) -> bool {
        self.0 == libc::S_IFDIR
    }
    pub fn is_symlink(self) -> bool {
        self.0 == libc::S_IFLNK
    }
    pub fn is_fifo(self) -> bool {
        self.0 == libc::S_IFIFO
    }
    pub fn is_socket(self) -> bool {
        self.0 == libc::S_IFSOCK
    }
    pub fn is_char_device(self) -> bool {
        self.0 == libc::S_IFCHR
    }
    pub fn is_block_device(self) -> bool {
        self.0 == libc::S_IFBLK
    }
}

impl Meta {
    pub fn from_stat(st: &rustix::fs::Stat) -> Meta {
        #[allow(clippy::unnecessary_cast)]
        Meta {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            mode: st.st_mode as u32,
            nlink: st.st_nlink as u64,
            uid: st.st_uid as u32,
            gid: st.st_gid as u32,
            size: st.st_size as u64,
            blocks: st.st_blocks as u64,
            mtime: st.st_mtime as i64,
            mtime_nsec: st.st_mtime_nsec as i64,
            ctime: st.st_ctime as i64,
            ctime_nsec: st.st_ctime_nsec as i64,
        }
    }
    pub fn dev(&self) -> u64 {
        self.dev
    }
    pub fn ino(&self) -> u64 {
        self.ino
    }
    pub fn mode(&self) -> u32 {
        self.mode
    }
    pub fn nlink(&self) -> u64 {
        self.nlink
    }
    pub fn uid(&self) -> u32 {
        self.uid
    }
    pub fn gid(&self) -> u32 {
        self.gid
    }
    pub fn size(&self) -> u64 {
        self.size
    }
    pub fn len(&self) -> u64 {
        self.size
    }
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }
    pub fn blocks(&self) -> u64 {
        self.blocks
    }
    pub fn mtime(&self) -> i64 {
        self.mtime
    }
    pub fn mtime_nsec(&self) -> i64 {
        self.mtime_nsec
    }
    pub fn ctime(&self) -> i64 {
        self.ctime
    }
    pub fn ctime_nsec(&self) -> i64 {
        self.ctime_nsec
    }
    pub fn file_type(&self) -> FileKind {
        FileKind(self.mode & libc::S_IFMT)
    }
    pub fn is_dir(&self) -> bool {
        self.file_type().is_dir()
    }
    pub fn is_file(&self) -> bool {
        self.file_type().is_file()
    }
    pub fn is_symlink(&self) -> bool {
        self.file_type().is_symlink()
    }
}

impl From<&std::fs::Metadata> for Meta {
    fn from(m: &std::fs::Metadata) -> Meta {
        use std::os::unix::fs::MetadataExt;
        Meta {
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            nlink: m.nlink(),
            uid: m.uid(),
            gid: m.gid(),
            size: m.size(),
            blocks: m.blocks(),
            mtime: m.mtime(),
            mtime_nsec: m.mtime_nsec(),
            ctime: m.ctime(),
            ctime_nsec: m.ctime_nsec(),
        }
    }
}

/// Where an entry is: its name in the open folder it was listed in (everything the
/// walk found), or a path (a walk root, or one path watch mode examines).
#[derive(Clone, Debug)]
pub enum Place {
    At(Arc<OwnedFd>, CString),
    Path(PathBuf),
}

/// The `open()` flags for reading an entry: read-only, never following a final
/// link, never blocking on a FIFO or device, closed on exec.
const FILE_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::NONBLOCK)
    .union(OFlags::CLOEXEC);

impl Place {
    /// Opens the entry for reading without following a final link, without
    /// blocking, and with `O_NOATIME` where the kernel allows (see
    /// [`crate::rootfs::open_nofollow`]).
    pub fn open(&self) -> io::Result<std::fs::File> {
        match self {
            Place::Path(p) => crate::rootfs::open_nofollow(p),
            Place::At(dir, name) => {
                let open = |extra: OFlags| {
                    rustix::fs::openat(&**dir, name.as_c_str(), FILE_FLAGS | extra, Mode::empty())
                };
                let fd = match open(OFlags::NOATIME) {
                    Err(rustix::io::Errno::PERM) => {
                        crate::rootfs::NOATIME_REFUSED
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        open(OFlags::empty())
                    }
                    r => r,
                }
                .map_err(errno)?;
                Ok(std::fs::File::from(fd))
            }
        }
    }

    /// The entry's own metadata, not following a final link.
    pub fn metadata(&self) -> io::Result<Meta> {
        match self {
            Place::Path(p) => std::fs::symlink_metadata(p).map(|m| Meta::from(&m)),
            Place::At(dir, name) => stat_at(dir.as_fd(), name),
        }
    }
}

fn stat_at(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<Meta> {
    rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
        .map(|st| Meta::from_stat(&st))
        .map_err(errno)
}

pub struct Entry {
    path: PathBuf,
    depth: usize,
    meta: Option<io::Result<Meta>>,
    /// The folder it was listed in and its name there (`None` for the root).
    at: Option<(Arc<OwnedFd>, CString)>,
    /// Listed as a regular file and not stat'ed yet ([`Walk::lazy_files`]).
    listed_file: bool,
}

impl Entry {
    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn depth(&self) -> usize {
        self.depth
    }
    /// Listed as a regular file (`d_type`) and not stat'ed yet: only with
    /// [`Walk::lazy_files`]. [`Entry::metadata`] stats it (it may have changed).
    pub fn listed_file(&self) -> bool {
        self.listed_file
    }
    pub fn file_name(&self) -> &OsStr {
        match &self.at {
            Some((_, name)) if self.depth > 0 => OsStr::from_bytes(name.to_bytes()),
            _ => self.path.file_name().unwrap_or(self.path.as_os_str()),
        }
    }
    /// Where the entry is, to open or read it relative to its folder.
    pub fn place(&self) -> Place {
        match &self.at {
            Some((dir, name)) => Place::At(dir.clone(), name.clone()),
            None => Place::Path(self.path.clone()),
        }
    }
    /// The entry's path and [`Entry::place`], taking the entry (nothing copied
    /// but a root's path).
    pub fn into_parts(self) -> (PathBuf, Place) {
        match self.at {
            Some((dir, name)) => (self.path, Place::At(dir, name)),
            None => (self.path.clone(), Place::Path(self.path)),
        }
    }
    /// The entry with its metadata, or the error of reading it.
    pub fn with_metadata(mut self) -> Result<(Entry, Meta), Error> {
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
    pub fn metadata(&mut self) -> io::Result<Meta> {
        self.meta.take().unwrap_or_else(|| self.place().metadata())
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
    Listed(std::vec::IntoIter<(CString, FileType)>, Option<io::Error>),
}

struct Frame {
    source: Source,
    /// The folder's descriptor, for stat'ing and opening its entries (`None` once
    /// closed past [`MAX_OPEN`]; reopened when needed).
    fd: Option<Arc<OwnedFd>>,
    path: PathBuf,
    depth: usize,
    /// Its name in its parent (empty for the root), and its identity.
    name: CString,
    dev: u64,
    ino: u64,
}

impl Frame {
    /// The next name and the type the listing gave for it (`d_type`; `Unknown`
    /// where the filesystem does not say).
    fn next_name(&mut self) -> Option<io::Result<(CString, FileType)>> {
        loop {
            let (name, kind) = match &mut self.source {
                Source::Listed(it, err) => {
                    return match it.next() {
                        Some(n) => Some(Ok(n)),
                        None => err.take().map(Err),
                    };
                }
                Source::Open(d) => match d.read()? {
                    Ok(e) => (e.file_name().to_owned(), e.file_type()),
                    Err(e) => return Some(Err(errno(e))),
                },
            };
            if name.as_bytes() != b"." && name.as_bytes() != b".." {
                return Some(Ok((name, kind)));
            }
        }
    }

    /// Reads the rest of the names into memory and closes the descriptor.
    fn close(&mut self) {
        self.fd = None;
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

/// A folder yielded and not yet opened: opened on the next call unless skipped.
struct Pending {
    path: PathBuf,
    depth: usize,
    name: CString,
    dev: u64,
    ino: u64,
}

/// Where a walk starts: a path (followed if it is a link), or a host path found
/// under `--root` through descriptors ([`super::locate::InRoot`]), opened relative
/// to its folder without following a link.
enum Start {
    Path(PathBuf),
    At(super::locate::InRoot),
}

pub struct Walk {
    root: Option<Start>,
    pending: Option<Pending>,
    frames: Vec<Frame>,
    /// Frames whose descriptor is open (the last `open` frames).
    open: usize,
    /// The walk root's descriptor, kept while the walk runs (folders closed past
    /// [`MAX_OPEN`] are reopened from it when no folder above them is open).
    root_fd: Option<Arc<OwnedFd>>,
    /// The folder that holds the start and its name there, for a walk started
    /// [`Walk::in_root`].
    root_at: Option<(Arc<OwnedFd>, CString)>,
    lazy_files: bool,
    /// Bytes the paths shown leave out of the real ones (counted against
    /// `PATH_MAX`): [`Walk::shown_without`].
    hidden_prefix: usize,
}

impl Walk {
    pub fn new(root: &Path) -> Walk {
        Walk::start(Start::Path(root.to_path_buf()))
    }

    /// A walk of a host path found under `--root` ([`super::RootFs::locate`]):
    /// the start is stat'ed and opened relative to the folder that holds it, never
    /// by its path, so a component swapped for a link after the look-up leads
    /// nowhere. Entry paths are below `at.path`.
    pub fn in_root(at: super::locate::InRoot) -> Walk {
        Walk::start(Start::At(at))
    }

    fn start(root: Start) -> Walk {
        Walk {
            root: Some(root),
            pending: None,
            frames: Vec::new(),
            open: 0,
            root_fd: None,
            root_at: None,
            lazy_files: false,
            hidden_prefix: 0,
        }
    }

    /// The start's path shown is shorter than its real path by `n` bytes (a host
    /// path shown for its copy under `--root`): `PATH_MAX` still counts them.
    pub fn shown_without(mut self, n: usize) -> Walk {
        self.hidden_prefix = n;
        self
    }

    /// Entries the listing says are regular files are yielded without being
    /// stat'ed ([`Entry::listed_file`]): the caller stats them, relative to their
    /// folder, where it reads them (the share walk's reader threads), so the stats
    /// run in parallel. Folders, links and the rest are stat'ed here as before.
    pub fn lazy_files(mut self, yes: bool) -> Walk {
        self.lazy_files = yes;
        self
    }

    /// Do not descend into the directory yielded last.
    pub fn skip_current_dir(&mut self) {
        self.pending = None;
    }

    fn descend(&mut self, p: Pending) -> Result<(), Error> {
        let opened = if p.depth == 0 {
            match &self.root_at {
                Some((dir, name)) => open_dir_at(dir.as_fd(), name),
                None => open_dir(&p.path),
            }
        } else {
            // The pending folder was listed by the top frame: its parent, whose
            // descriptor was used to stat it (so it is open).
            match self.frames.last() {
                Some(Frame { fd: Some(fd), .. }) => open_dir_at(fd.as_fd(), &p.name),
                _ => Err(io::Error::other("internal: the parent folder is not open")),
            }
        };
        let fail = |err: io::Error| Error {
            path: p.path.clone(),
            depth: p.depth,
            err,
        };
        let fd = opened.map_err(|err| fail(replaced(err, p.depth)))?;
        // The folder opened is the one stat'ed (not another folder swapped in).
        same_dir(&fd, p.dev, p.ino).map_err(fail)?;
        let shared = rustix::io::fcntl_dupfd_cloexec(&fd, 0)
            .map(Arc::new)
            .map_err(|e| fail(errno(e)))?;
        let dir = Dir::new(fd).map_err(|e| fail(errno(e)))?;
        if p.depth == 0 {
            self.root_fd = Some(shared.clone());
        }
        if self.open >= MAX_OPEN {
            let first = self.frames.len() - self.open;
            self.frames[first].close();
            self.open -= 1;
        }
        self.frames.push(Frame {
            source: Source::Open(dir),
            fd: Some(shared),
            path: p.path,
            depth: p.depth,
            name: p.name,
            dev: p.dev,
            ino: p.ino,
        });
        self.open += 1;
        Ok(())
    }

    fn pop(&mut self) -> Option<Frame> {
        let f = self.frames.pop()?;
        if f.fd.is_some() {
            self.open -= 1;
        }
        Some(f)
    }

    /// The descriptor of the top frame, reopened if it was closed past
    /// [`MAX_OPEN`]: from the deepest frame still open (or the root), one name at a
    /// time, without following links, each checked to be the folder first opened.
    fn top_fd(&mut self) -> io::Result<Arc<OwnedFd>> {
        let k = self.frames.len() - 1;
        if let Some(fd) = &self.frames[k].fd {
            return Ok(fd.clone());
        }
        let j = (0..k).rev().find(|&i| self.frames[i].fd.is_some());
        let (mut base, start) = match j {
            Some(j) => (self.frames[j].fd.clone().expect("open"), j + 1),
            None => (
                self.root_fd
                    .clone()
                    .ok_or_else(|| io::Error::other("internal: no root descriptor"))?,
                1,
            ),
        };
        for f in &self.frames[start..=k] {
            let fd = open_dir_at(base.as_fd(), &f.name).map_err(|e| replaced(e, f.depth))?;
            same_dir(&fd, f.dev, f.ino)?;
            base = Arc::new(fd);
        }
        self.frames[k].fd = Some(base.clone());
        self.open += 1;
        Ok(base)
    }
}

/// `dir/name` in one allocation of its exact size (`Path::join` copies the folder
/// first and grows the copy for the name: two allocations per entry).
fn join(dir: &Path, name: &[u8]) -> PathBuf {
    let dir = dir.as_os_str().as_bytes();
    let slash = !dir.is_empty() && !dir.ends_with(b"/");
    let mut p = Vec::with_capacity(dir.len() + usize::from(slash) + name.len());
    p.extend_from_slice(dir);
    if slash {
        p.push(b'/');
    }
    p.extend_from_slice(name);
    PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(p))
}

/// A folder that could not be opened because it is now a link or a file reads as
/// [`REPLACED`] (below the root).
fn replaced(err: io::Error, depth: usize) -> io::Error {
    if depth > 0
        && matches!(
            err.raw_os_error(),
            Some(e) if e == rustix::io::Errno::LOOP.raw_os_error()
                || e == rustix::io::Errno::NOTDIR.raw_os_error()
        )
    {
        io::Error::other(REPLACED)
    } else {
        err
    }
}

/// Is the open folder the one stat'ed as `dev`/`ino`? Otherwise [`REPLACED`].
fn same_dir(fd: &OwnedFd, dev: u64, ino: u64) -> io::Result<()> {
    let m = rustix::fs::fstat(fd)
        .map(|st| Meta::from_stat(&st))
        .map_err(errno)?;
    if m.dev() == dev && m.ino() == ino {
        Ok(())
    } else {
        Err(io::Error::other(REPLACED))
    }
}

impl Walk {
    /// The start of the walk, yielded first (and made pending if a folder).
    fn first(&mut self, root: Start) -> Result<Entry, Error> {
        let (path, meta, at) = match root {
            // Like walkdir: a link given as the root itself is followed.
            Start::Path(p) => {
                let m = std::fs::metadata(&p).map(|m| Meta::from(&m));
                (p, m, None)
            }
            Start::At(at) => (
                at.path,
                stat_at(at.dir.as_fd(), &at.name),
                Some((at.dir, at.name)),
            ),
        };
        let m = match meta {
            Ok(m) => m,
            Err(err) => {
                return Err(Error {
                    path,
                    depth: 0,
                    err,
                });
            }
        };
        if m.is_dir() {
            self.pending = Some(Pending {
                path: path.clone(),
                depth: 0,
                name: CString::default(),
                dev: m.dev(),
                ino: m.ino(),
            });
        }
        self.root_at = at.clone();
        Ok(Entry {
            path,
            depth: 0,
            meta: Some(Ok(m)),
            at,
            listed_file: false,
        })
    }
}

impl Iterator for Walk {
    type Item = Result<Entry, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(root) = self.root.take() {
            return Some(self.first(root));
        }
        if let Some(p) = self.pending.take()
            && let Err(e) = self.descend(p)
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
                Some(Ok((name, kind))) => {
                    let (path, depth) = (join(&top.path, name.as_bytes()), top.depth + 1);
                    return self.listed(path, depth, name, kind);
                }
            }
        }
    }
}

impl Walk {
    /// A name the top folder listed, as an entry (stat'ed relative to the
    /// folder unless listed as a regular file with [`Walk::lazy_files`]).
    fn listed(
        &mut self,
        path: PathBuf,
        depth: usize,
        name: CString,
        kind: FileType,
    ) -> Option<Result<Entry, Error>> {
        if path.as_os_str().len() + self.hidden_prefix >= PATH_MAX {
            return Some(Ok(Entry {
                path,
                depth,
                meta: Some(Err(errno(rustix::io::Errno::NAMETOOLONG))),
                at: None,
                listed_file: false,
            }));
        }
        let dir = match self.top_fd() {
            Ok(fd) => fd,
            Err(err) => {
                // The folder itself is gone or replaced: the rest of
                // its names are not read through anything else.
                let f = self.pop()?;
                return Some(Err(Error {
                    path: f.path,
                    depth: f.depth,
                    err,
                }));
            }
        };
        if self.lazy_files && kind == FileType::RegularFile {
            // Listed as a regular file: stat'ed by whoever reads it
            // (`Entry::metadata`), which may be another thread.
            return Some(Ok(Entry {
                path,
                depth,
                meta: None,
                at: Some((dir, name)),
                listed_file: true,
            }));
        }
        let meta = stat_at(dir.as_fd(), &name);
        if let Ok(m) = &meta
            && m.is_dir()
        {
            self.pending = Some(Pending {
                path: path.clone(),
                depth,
                name: name.clone(),
                dev: m.dev(),
                ino: m.ino(),
            });
        }
        Some(Ok(Entry {
            path,
            depth,
            meta: Some(meta),
            at: Some((dir, name)),
            listed_file: false,
        }))
    }
}

/// The names in one folder (without `.` and `..`), listed through a descriptor
/// opened with `O_NOATIME` where the kernel allows, so reading the audited host's
/// folders never stamps their access times as `read_dir` does. A link to the
/// folder is followed (callers under `--root` use [`list_names_of`] with a folder
/// opened by [`super::RootFs::open_dir_in_root`]).
pub fn list_names(path: &Path) -> io::Result<Vec<Vec<u8>>> {
    list_names_of(open_dir(path)?)
}

/// The names in an open folder (without `.` and `..`).
pub fn list_names_of(dir: OwnedFd) -> io::Result<Vec<Vec<u8>>> {
    let mut f = Frame {
        source: Source::Open(Dir::new(dir).map_err(errno)?),
        fd: None,
        path: PathBuf::new(),
        depth: 0,
        name: CString::default(),
        dev: 0,
        ino: 0,
    };
    let mut out = Vec::new();
    while let Some(name) = f.next_name() {
        out.push(name?.0.into_bytes());
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
fn open_noatime(open: impl Fn(OFlags) -> rustix::io::Result<OwnedFd>) -> io::Result<OwnedFd> {
    match open(OFlags::NOATIME) {
        Err(rustix::io::Errno::PERM) => {
            crate::rootfs::NOATIME_REFUSED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            open(OFlags::empty())
        }
        r => r,
    }
    .map_err(errno)
}

/// Opens a directory for listing by its path (a walk root, whose links are
/// followed, or a host folder `list_names` was given).
fn open_dir(path: &Path) -> io::Result<OwnedFd> {
    open_noatime(|extra| rustix::fs::open(path, FLAGS | extra, Mode::empty()))
}

/// Opens the folder `name` of the open folder `parent`, with `O_NOFOLLOW |
/// O_DIRECTORY`: a folder swapped for a link (or a file) after it was listed is
/// refused, and a parent swapped for a link is not gone through either.
pub(super) fn open_dir_at(parent: BorrowedFd<'_>, name: &CStr) -> io::Result<OwnedFd> {
    open_noatime(|extra| {
        rustix::fs::openat(
            parent,
            name,
            FLAGS | OFlags::NOFOLLOW | extra,
            Mode::empty(),
        )
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
    fn entry_paths_are_joined_as_path_join_does() {
        for (dir, name) in [("/", "a"), ("/srv", "a b"), ("/srv/", "x"), ("rel", "y")] {
            assert_eq!(
                join(Path::new(dir), name.as_bytes()),
                Path::new(dir).join(name)
            );
        }
        let odd = join(Path::new("/s"), b"caf\xe9");
        assert_eq!(odd.as_os_str().as_bytes(), b"/s/caf\xe9");
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
            assert!(w.frames.iter().rev().take(w.open).all(|f| f.fd.is_some()));
        }
        assert_eq!(most, MAX_OPEN);
        assert_eq!(n, 1 + 2 * MAX_OPEN * 3);
    }

    /// A chain of `levels` folders `d` below `top`, each with three files of
    /// `size` bytes (made first, so that where the listing order is the reverse
    /// of creation, as on tmpfs, they come after the subfolder).
    fn chain(top: &Path, levels: usize, size: usize) {
        let mut p = top.to_path_buf();
        for level in 0..levels {
            std::fs::create_dir_all(&p).unwrap();
            // Other names at each level: where the listing order is a hash of the
            // name (ext4), `d` is not last everywhere.
            for z in 0..3 {
                std::fs::write(p.join(format!("z{level}-{z}")), vec![b'x'; size]).unwrap();
            }
            p.push("d");
        }
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("leaf"), "x").unwrap();
    }

    #[test]
    fn a_closed_folder_is_reopened_relative_and_a_swapped_ancestor_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let levels = MAX_OPEN + 8;
        let r = d.path().join("share");
        chain(&r, levels, 1);
        // Unchanged, the walk reopens closed folders and lists everything.
        let all: Vec<_> = Walk::new(&r).map(|e| e.unwrap()).collect();
        assert_eq!(all.len(), 1 + levels * 4 + 1);

        // The same names outside the share, with files of another size.
        let outside = d.path().join("outside");
        chain(&outside, levels, 5);
        for swap_with_link in [false, true] {
            let mut w = Walk::new(&r);
            for e in w.by_ref() {
                if e.unwrap().path().ends_with("leaf") {
                    break;
                }
            }
            assert!(
                w.frames.iter().any(|f| f.fd.is_none()),
                "some folders closed"
            );
            // A closed ancestor (`share/d`) is replaced by the outside folder.
            std::fs::rename(r.join("d"), d.path().join("moved")).unwrap();
            if swap_with_link {
                std::os::unix::fs::symlink(outside.join("d"), r.join("d")).unwrap();
            } else {
                std::fs::rename(outside.join("d"), r.join("d")).unwrap();
            }
            let mut replaced = 0;
            for e in w {
                match e {
                    Ok(mut e) => {
                        let m = e.metadata().unwrap();
                        assert!(
                            !(m.is_file() && m.size() == 5),
                            "{} was stat'ed outside the share",
                            e.path().display()
                        );
                    }
                    Err(e) => {
                        assert_eq!(e.io_error().unwrap().to_string(), REPLACED);
                        replaced += 1;
                    }
                }
            }
            assert!(replaced > 0, "a closed folder had names left to read");
            // Put things back for the next round.
            if swap_with_link {
                std::fs::remove_file(r.join("d")).unwrap();
            } else {
                std::fs::rename(r.join("d"), outside.join("d")).unwrap();
            }
            std::fs::rename(d.path().join("moved"), r.join("d")).unwrap();
        }
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
