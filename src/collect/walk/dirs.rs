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

/// Directories kept open at once; deeper ones are listed into memory and closed.
const MAX_OPEN: usize = 64;

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
    Listed(std::vec::IntoIter<Vec<u8>>),
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
                Source::Listed(it) => return it.next().map(Ok),
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
}

pub struct Walk {
    root: Option<PathBuf>,
    pending: Option<(PathBuf, usize)>,
    frames: Vec<Frame>,
}

impl Walk {
    pub fn new(root: &Path) -> Walk {
        Walk {
            root: Some(root.to_path_buf()),
            pending: None,
            frames: Vec::new(),
        }
    }

    /// Do not descend into the directory yielded last.
    pub fn skip_current_dir(&mut self) {
        self.pending = None;
    }

    fn descend(&mut self, path: PathBuf, depth: usize) -> Result<(), Error> {
        let dir = open_dir(&path, depth > 0).map_err(|err| Error {
            path: path.clone(),
            depth,
            err,
        })?;
        let source = if self.frames.len() < MAX_OPEN {
            Source::Open(dir)
        } else {
            let mut frame = Frame {
                source: Source::Open(dir),
                path: path.clone(),
                depth,
            };
            let mut names = Vec::new();
            while let Some(n) = frame.next_name() {
                names.push(n.map_err(|err| Error {
                    path: path.clone(),
                    depth,
                    err,
                })?);
            }
            Source::Listed(names.into_iter())
        };
        self.frames.push(Frame {
            source,
            path,
            depth,
        });
        Ok(())
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
                    self.frames.pop();
                }
                Some(Err(err)) => {
                    let f = self.frames.pop()?;
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

fn errno(e: rustix::io::Errno) -> io::Error {
    io::Error::from_raw_os_error(e.raw_os_error())
}

/// Opens a directory for listing with `O_NOATIME` (without it when the kernel refuses,
/// which it does for folders the auditor does not own unless running as root), and
/// below the root with `O_NOFOLLOW`, so a folder swapped for a link is not entered.
fn open_dir(path: &Path, nofollow: bool) -> io::Result<Dir> {
    let mut flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if nofollow {
        flags |= OFlags::NOFOLLOW;
    }
    let fd = match rustix::fs::open(path, flags | OFlags::NOATIME, Mode::empty()) {
        Err(rustix::io::Errno::PERM) => rustix::fs::open(path, flags, Mode::empty()),
        r => r,
    }
    .map_err(errno)?;
    Dir::new(fd).map_err(errno)
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
