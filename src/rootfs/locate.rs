//! Finding a host path under `--root` through descriptors, one component at a
//! time, so that nothing a share user swaps while timaudit runs can lead it out
//! of the root (issue 15).
//!
//! Each component is opened relative to the folder before it with `O_PATH |
//! O_NOFOLLOW` (nothing is read, no access time changes) and what it is — folder,
//! link, anything else — is decided with `fstat` on that descriptor, never by a
//! second look-up by path. A link is read through the same descriptor
//! (`readlinkat(fd, "")`) and resolved as the audited host would, but inside the
//! root: an absolute target starts again at the root, and `..` never climbs above
//! it. The result is the folder that holds the last component (an open
//! descriptor) and its name there: callers stat and open it relative to that
//! descriptor without following a link ([`InRoot`]). A component swapped for a link
//! between two steps is therefore either resolved inside the root or refused;
//! a folder swapped for another one after it was passed is not gone back through.
//!
//! `openat2(RESOLVE_IN_ROOT)` would do the same in the kernel (Linux 5.6), but it
//! refuses every `..` that a concurrent rename could make escape (`EAGAIN`) and
//! is missing on older kernels and in some container sandboxes; one portable path
//! that the tests exercise everywhere is preferred (see docs/file-shares.md).

use super::dirs::{Meta, Place};
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{Mode, OFlags};
use std::ffi::{CString, OsString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Symbolic links followed while looking up one host path, at most (as the
/// kernel's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// A host path found under the root: the open folder that holds it and its name
/// there (`.` for a folder that is the end of the path itself, such as the root).
#[derive(Clone, Debug)]
pub struct InRoot {
    pub dir: Arc<OwnedFd>,
    pub name: CString,
    /// Where it is, as a path (the root, the resolved folders and the name): for
    /// display and for telling a host path from a real one, never for opening.
    pub path: PathBuf,
}

impl InRoot {
    /// Where it is, to stat and open it relative to its folder.
    pub fn place(&self) -> Place {
        Place::At(self.dir.clone(), self.name.clone())
    }

    /// Its own metadata (`fstatat` with `AT_SYMLINK_NOFOLLOW`).
    pub fn metadata(&self) -> io::Result<Meta> {
        self.place().metadata()
    }

    /// Opened for reading, without following a link and without blocking.
    pub fn open(&self) -> io::Result<std::fs::File> {
        self.place().open()
    }
}

fn errno(e: rustix::io::Errno) -> io::Error {
    io::Error::from_raw_os_error(e.raw_os_error())
}

const PATH_FLAGS: OFlags = OFlags::PATH.union(OFlags::CLOEXEC);

/// The root folder itself, by its path (the user named it; a link is followed).
fn open_root(root: &Path) -> io::Result<Arc<OwnedFd>> {
    rustix::fs::open(root, PATH_FLAGS | OFlags::DIRECTORY, Mode::empty())
        .map(Arc::new)
        .map_err(errno)
}

/// The components of a host path, as the lookup consumes them (`.` and empty
/// ones dropped, `..` kept).
fn components(p: &Path) -> Vec<OsString> {
    use std::path::Component;
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect()
}

/// The walk down from the root: the folders passed (descriptor and name), and
/// the components still to go (last one first).
struct Lookup {
    root: Arc<OwnedFd>,
    root_path: PathBuf,
    passed: Vec<(Arc<OwnedFd>, OsString)>,
    pending: Vec<OsString>,
    links: usize,
}

/// What one component turned out to be.
enum Step {
    /// The end: the folder that holds it and its name.
    Found(InRoot),
    /// Go on with the next component.
    Next,
}

impl Lookup {
    fn current(&self) -> Arc<OwnedFd> {
        self.passed
            .last()
            .map(|(fd, _)| fd.clone())
            .unwrap_or_else(|| self.root.clone())
    }

    fn found(&self, name: &[u8]) -> io::Result<InRoot> {
        let mut path = self.root_path.clone();
        path.extend(self.passed.iter().map(|(_, n)| n));
        if name != b"." {
            path.push(std::ffi::OsStr::from_bytes(name));
        }
        Ok(InRoot {
            dir: self.current(),
            name: CString::new(name)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a path"))?,
            path,
        })
    }

    /// Looks at component `c` of the current folder.
    fn step(&mut self, c: OsString, follow_last: bool, host: &Path) -> io::Result<Step> {
        let is_last = self.pending.is_empty();
        if is_last && !follow_last {
            return self.found(c.as_bytes()).map(Step::Found);
        }
        let name = CString::new(c.as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a path"))?;
        let fd = match rustix::fs::openat(
            self.current().as_fd(),
            name.as_c_str(),
            PATH_FLAGS | OFlags::NOFOLLOW,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            // Missing at the end: the caller's stat or open says so.
            Err(rustix::io::Errno::NOENT) if is_last => {
                return self.found(c.as_bytes()).map(Step::Found);
            }
            Err(e) => return Err(errno(e)),
        };
        let meta = rustix::fs::fstat(&fd)
            .map(|st| Meta::from_stat(&st))
            .map_err(errno)?;
        if meta.is_symlink() {
            self.links += 1;
            if self.links > MAX_LINKS {
                return Err(io::Error::other(format!(
                    "too many levels of symbolic links at {}",
                    host.display()
                )));
            }
            // Read through the descriptor: the link looked at, not a new look-up.
            let target = rustix::fs::readlinkat(&fd, c"", Vec::new()).map_err(errno)?;
            let target = PathBuf::from(OsString::from_vec(target.into_bytes()));
            if target.is_absolute() {
                self.passed.clear();
            }
            let mut t = components(&target);
            t.reverse();
            self.pending.extend(t);
            return Ok(Step::Next);
        }
        if is_last {
            return self.found(c.as_bytes()).map(Step::Found);
        }
        if !meta.is_dir() {
            return Err(errno(rustix::io::Errno::NOTDIR));
        }
        self.passed.push((Arc::new(fd), c));
        Ok(Step::Next)
    }
}

impl super::RootFs {
    /// Finds a host path under the root through descriptors (see the module
    /// documentation): links on the way are resolved inside the root, the last
    /// one too unless `follow_last` is false. A missing last component is not an
    /// error here (stat or open the result to learn it); a missing folder on the
    /// way is `NotFound`, a file on the way `NotADirectory`.
    pub fn locate(&self, host: &Path, follow_last: bool) -> io::Result<InRoot> {
        let root = open_root(self.root())?;
        let mut pending = components(host);
        pending.reverse();
        let mut l = Lookup {
            root,
            root_path: self.root().to_path_buf(),
            passed: Vec::new(),
            pending,
            links: 0,
        };
        while let Some(c) = l.pending.pop() {
            if c == ".." {
                l.passed.pop();
                continue;
            }
            if c == "." || c.is_empty() {
                continue;
            }
            if let Step::Found(found) = l.step(c, follow_last, host)? {
                return Ok(found);
            }
        }
        // Nothing left: the folder reached (the root, or where a link led).
        l.found(b".")
    }

    /// [`RootFs::locate`] for a host path given as a `str`.
    pub fn locate_str(&self, host: &str, follow_last: bool) -> io::Result<InRoot> {
        self.locate(Path::new(host), follow_last)
    }

    /// Opens a host folder under the root for listing, through descriptors
    /// ([`RootFs::locate`], links inside the root followed), with `O_NOFOLLOW |
    /// O_DIRECTORY | O_NOATIME` relative to its parent.
    pub fn open_dir_in_root(&self, host: &Path) -> io::Result<OwnedFd> {
        let at = self.locate(host, true)?;
        super::dirs::open_dir_at(at.dir.as_fd(), &at.name)
    }
}

#[cfg(test)]
mod tests {
    use super::super::RootFs;
    use std::io;
    use std::os::unix::fs::symlink;
    use std::path::Path;

    #[test]
    fn links_are_resolved_inside_the_root_through_descriptors() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("root");
        std::fs::create_dir_all(r.join("srv/real/projects")).unwrap();
        std::fs::write(r.join("srv/real/projects/a.txt"), "in").unwrap();
        std::fs::create_dir_all(d.path().join("etc")).unwrap();
        std::fs::write(d.path().join("etc/secret"), "out").unwrap();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        // Absolute and relative links, and `..` past the root, all stay inside.
        symlink("/srv/real", r.join("srv/share")).unwrap();
        symlink("../../../../../..", r.join("srv/up")).unwrap();
        let fs = RootFs::new(&r);
        let at = fs
            .locate(Path::new("/srv/share/projects/a.txt"), true)
            .unwrap();
        assert_eq!(at.path, r.join("srv/real/projects/a.txt"));
        let mut s = String::new();
        io::Read::read_to_string(&mut at.open().unwrap(), &mut s).unwrap();
        assert_eq!(s, "in");
        let up = fs.locate(Path::new("/srv/up/etc/secret"), true).unwrap();
        assert_eq!(up.path, r.join("etc/secret"));
        assert_eq!(up.open().unwrap_err().kind(), io::ErrorKind::NotFound);
        // The root itself, and a link not followed at the end.
        assert_eq!(fs.locate(Path::new("/"), true).unwrap().path, r);
        let link = fs.locate(Path::new("/srv/share"), false).unwrap();
        assert!(link.metadata().unwrap().is_symlink());
        // A missing folder on the way, and a file on the way.
        let e = fs.locate(Path::new("/nope/x"), true).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let e = fs
            .locate(Path::new("/srv/real/projects/a.txt/x"), true)
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotADirectory);
    }

    #[test]
    fn a_folder_swapped_for_a_link_after_it_was_passed_is_not_gone_through() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("root");
        std::fs::create_dir_all(r.join("srv/share/projects")).unwrap();
        std::fs::write(r.join("srv/share/projects/f"), "in").unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("f"), "out").unwrap();
        let fs = RootFs::new(&r);
        let at = fs.locate(Path::new("/srv/share/projects/f"), true).unwrap();
        // `projects` becomes a link to a folder outside the root: the descriptor
        // found keeps leading to the folder that was passed, moved or not.
        std::fs::rename(r.join("srv/share/projects"), r.join("srv/moved")).unwrap();
        symlink(&outside, r.join("srv/share/projects")).unwrap();
        let mut s = String::new();
        io::Read::read_to_string(&mut at.open().unwrap(), &mut s).unwrap();
        assert_eq!(s, "in");
        // Looked up again, the link is resolved inside the root (where `outside`
        // does not exist), never followed out of it.
        let again = fs.locate(Path::new("/srv/share/projects/f"), true);
        assert!(again.is_err() || again.unwrap().open().is_err());
    }

    #[test]
    fn link_loops_are_an_error() {
        let d = tempfile::tempdir().unwrap();
        symlink("/b", d.path().join("a")).unwrap();
        symlink("/a", d.path().join("b")).unwrap();
        let fs = RootFs::new(d.path());
        let e = fs.locate(Path::new("/a/x"), true).unwrap_err();
        assert!(e.to_string().contains("too many levels"), "{e}");
    }
}
