//! The output folder, opened once; everything below it is reached with `openat`
//! and never through a symbolic link.

use crate::report;
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

/// The output folder, opened once; everything below it is reached with `openat`
/// and never through a symbolic link.
#[derive(Debug)]
pub struct OutDir {
    fd: OwnedFd,
    path: PathBuf,
}

/// What an entry under DIR is (links are never followed, so they are reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

/// One entry found under DIR: its relative path (`/`-separated bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub rel: Vec<u8>,
    pub kind: EntryKind,
}

pub(crate) fn errno(e: rustix::io::Errno) -> io::Error {
    io::Error::from(e)
}

/// The components of a path relative to DIR; anything but plain names (`..`,
/// `/`, `.`) is refused, so no path can leave DIR.
pub fn rel_components(rel: &Path) -> io::Result<Vec<&OsStr>> {
    let mut out = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => out.push(s),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("`{}` is not a plain path inside the bundle", rel.display()),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty path"));
    }
    Ok(out)
}

fn kind_of(mode: u32) -> EntryKind {
    match FileType::from_raw_mode(mode) {
        FileType::RegularFile => EntryKind::File,
        FileType::Directory => EntryKind::Dir,
        FileType::Symlink => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

impl OutDir {
    /// Opens an existing folder.
    pub fn open(path: &Path) -> io::Result<OutDir> {
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(errno)?;
        Ok(OutDir {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// Creates the folder (and its parents) when needed, then opens it.
    pub fn create(path: &Path) -> io::Result<OutDir> {
        std::fs::create_dir_all(path)?;
        OutDir::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder's descriptor (every file of the bundle is written relative to it).
    pub fn fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Opens the directory `dirs` (components below DIR) without following links,
    /// creating missing ones when `create` is set.
    fn open_dir(&self, dirs: &[&OsStr], create: bool) -> io::Result<OwnedFd> {
        let mut cur =
            rustix::fs::openat(self.fd.as_fd(), ".", DIR_FLAGS, Mode::empty()).map_err(errno)?;
        for (i, d) in dirs.iter().enumerate() {
            let next = match rustix::fs::openat(cur.as_fd(), *d, DIR_FLAGS, Mode::empty()) {
                Ok(fd) => fd,
                Err(rustix::io::Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(cur.as_fd(), *d, Mode::from_raw_mode(0o755)) {
                        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                        Err(e) => return Err(errno(e)),
                    }
                    rustix::fs::openat(cur.as_fd(), *d, DIR_FLAGS, Mode::empty())
                        .map_err(|e| self.not_a_dir(&dirs[..=i], e))?
                }
                Err(e) => return Err(self.not_a_dir(&dirs[..=i], e)),
            };
            cur = next;
        }
        Ok(cur)
    }

    fn not_a_dir(&self, dirs: &[&OsStr], e: rustix::io::Errno) -> io::Error {
        let shown: PathBuf = dirs.iter().collect();
        if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR {
            io::Error::other(format!(
                "{} is a symbolic link or not a folder; refusing to follow it",
                self.path.join(shown).display()
            ))
        } else {
            io::Error::new(
                io::Error::from(e).kind(),
                format!(
                    "{}: {}",
                    self.path.join(shown).display(),
                    io::Error::from(e)
                ),
            )
        }
    }

    /// Creates a new file (replacing a file or link of that name, never writing
    /// through a link), creating its folders under DIR.
    pub fn create_file(&self, rel: &Path) -> io::Result<File> {
        let comps = rel_components(rel)?;
        let (name, dirs) = comps.split_last().expect("non-empty");
        let dir = self.open_dir(dirs, true)?;
        match rustix::fs::unlinkat(dir.as_fd(), *name, AtFlags::empty()) {
            Ok(()) | Err(rustix::io::Errno::NOENT) => {}
            Err(e) => {
                return Err(io::Error::other(format!(
                    "cannot replace {}: {}",
                    self.path.join(rel).display(),
                    errno(e)
                )));
            }
        }
        let fd = rustix::fs::openat(
            dir.as_fd(),
            *name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        )
        .map_err(|e| {
            io::Error::new(
                errno(e).kind(),
                format!(
                    "cannot create {}: {}",
                    self.path.join(rel).display(),
                    errno(e)
                ),
            )
        })?;
        Ok(File::from(fd))
    }

    pub fn write_file(&self, rel: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = self.create_file(rel)?;
        f.write_all(bytes)?;
        f.flush()
    }

    /// Opens a regular file under DIR for reading, never through a link.
    pub fn open_read(&self, rel: &Path) -> io::Result<File> {
        let comps = rel_components(rel)?;
        let (name, dirs) = comps.split_last().expect("non-empty");
        let dir = self.open_dir(dirs, false)?;
        let fd = rustix::fs::openat(
            dir.as_fd(),
            *name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(errno)?;
        let st = rustix::fs::fstat(&fd).map_err(errno)?;
        if kind_of(st.st_mode) != EntryKind::File {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        Ok(File::from(fd))
    }

    /// Removes a file or link (never what a link points at).
    pub fn remove_file(&self, rel: &Path) -> io::Result<()> {
        let comps = rel_components(rel)?;
        let (name, dirs) = comps.split_last().expect("non-empty");
        let dir = self.open_dir(dirs, false)?;
        rustix::fs::unlinkat(dir.as_fd(), *name, AtFlags::empty()).map_err(errno)
    }

    /// Every entry under DIR, depth first, sorted by path bytes; links and
    /// special files are listed, never followed.
    pub fn list(&self) -> io::Result<Vec<Entry>> {
        let mut out = Vec::new();
        let root =
            rustix::fs::openat(self.fd.as_fd(), ".", DIR_FLAGS, Mode::empty()).map_err(errno)?;
        list_into(&root, &[], &mut out, 0)?;
        out.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(out)
    }
}

const MAX_DEPTH: usize = 256;

fn list_into(dir: &OwnedFd, prefix: &[u8], out: &mut Vec<Entry>, depth: usize) -> io::Result<()> {
    if depth > MAX_DEPTH {
        return Err(io::Error::other("folders nested too deeply"));
    }
    let mut names: Vec<OsString> = Vec::new();
    for e in rustix::fs::Dir::read_from(dir).map_err(errno)? {
        let e = e.map_err(errno)?;
        let name = e.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        names.push(OsString::from_vec(name.to_vec()));
    }
    names.sort();
    for name in names {
        let st = rustix::fs::statat(dir, &name, AtFlags::SYMLINK_NOFOLLOW).map_err(errno)?;
        let mut rel = prefix.to_vec();
        if !rel.is_empty() {
            rel.push(b'/');
        }
        rel.extend_from_slice(name.as_bytes());
        let kind = kind_of(st.st_mode);
        out.push(Entry {
            rel: rel.clone(),
            kind,
        });
        if kind == EntryKind::Dir {
            let sub = rustix::fs::openat(dir, &name, DIR_FLAGS, Mode::empty()).map_err(errno)?;
            list_into(&sub, &rel, out, depth + 1)?;
        }
    }
    Ok(())
}

pub(crate) fn rel_path(rel: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(rel))
}

/// A relative path for messages: control characters shown, never obeyed.
pub fn shown(rel: &[u8]) -> String {
    report::one_line(&String::from_utf8_lossy(rel))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::manifest::write_manifest;
    use std::os::unix::fs::symlink;

    #[test]
    fn writing_never_follows_a_link_planted_in_the_folder() {
        let d = tempfile::tempdir().unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("passwd"), "original").unwrap();
        let dir = d.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        symlink(&outside, dir.join("evidence")).unwrap();
        symlink(outside.join("passwd"), dir.join("report.json")).unwrap();
        let out = OutDir::open(&dir).unwrap();
        let e = out
            .write_file(Path::new("evidence/etc/passwd"), b"evil")
            .unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(!outside.join("etc").exists());
        // A link at a file's place is replaced by a file, its target untouched.
        out.write_file(Path::new("report.json"), b"{}").unwrap();
        assert_eq!(
            std::fs::read_to_string(outside.join("passwd")).unwrap(),
            "original"
        );
        assert!(
            !std::fs::symlink_metadata(dir.join("report.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(out.write_file(Path::new("../escape"), b"x").is_err());
        assert!(!d.path().join("escape").exists());
        // The manifest refuses a folder holding a link.
        assert!(write_manifest(&out).unwrap_err().contains("evidence"));
    }
}
