//! One path at a time, as watch mode needs it: the same classification and the
//! same per-file checks as the walk (those whose `watched()` is true), with the
//! protected contents of the last full walk kept for the copy search.

use super::check::FileCheck;
use super::classify::{Excluder, Markers, is_discard_dir};
use super::collect::{Collector, Entry, FileType};
use super::read::{Reader, Seen};
use super::{Msg, RootKind, ShareFacts, WalkInput, WalkOptions, WalkRoot, run};
use crate::catalogue::ItemId;
use crate::collect::accounts::Accounts;
use crate::i18n::Text;
use crate::profile::Profile;
use crate::rootfs::RootFs;
use crate::rootfs::dirs::{Meta, Place};
use std::collections::HashMap;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What examining one path found.
#[derive(Clone, Debug, Default)]
pub struct Examined {
    /// The path is inside a watched root and not excluded.
    pub watched: bool,
    /// It exists (lstat).
    pub exists: bool,
    pub is_dir: bool,
    /// The checklist items the path now breaks, in checklist order.
    pub findings: Vec<ItemId>,
    /// One line per finding: what and why.
    pub details: Vec<Text>,
    /// It could not be read completely (permission denied, changed meanwhile).
    pub problem: Option<String>,
}

pub struct Examiner<'a> {
    fs: &'a RootFs,
    profile: &'a Profile,
    accounts: Option<&'a Accounts>,
    checks: &'a [&'a dyn FileCheck],
    roots: Vec<WalkRoot>,
    markers: Arc<Markers>,
    excluder: Excluder,
    reader: Reader,
    protected: HashMap<[u8; 32], super::Original>,
}

impl<'a> Examiner<'a> {
    pub fn new(
        fs: &'a RootFs,
        profile: &'a Profile,
        accounts: Option<&'a Accounts>,
        checks: &'a [&'a dyn FileCheck],
        roots: Vec<WalkRoot>,
    ) -> Examiner<'a> {
        let markers = Arc::new(Markers::new(&profile.markers));
        Examiner {
            fs,
            profile,
            accounts,
            checks,
            roots,
            excluder: Excluder::new(&profile.scope.exclude),
            reader: Reader::new(true, profile.scope.content_scan_bytes, markers.clone()),
            markers,
            protected: HashMap::new(),
        }
    }

    pub fn roots(&self) -> &[WalkRoot] {
        &self.roots
    }

    /// The audited root, to find host paths under it through descriptors.
    pub fn fs(&self) -> &'a RootFs {
        self.fs
    }

    /// A real path under a watched root, found again through descriptors from
    /// `--root` by its host path ([`RootFs::locate`]): what a walk starts from, so
    /// that a component of the path swapped for a link since it was learnt never
    /// leads the walk out of the root. `NotFound` outside every watched root.
    pub fn locate_real(&self, real: &Path) -> std::io::Result<crate::rootfs::locate::InRoot> {
        let host = self
            .host_of(real)
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))?;
        self.fs
            .locate(Path::new(std::ffi::OsStr::from_bytes(&host)), true)
    }

    /// The real path of a watched root on this machine.
    pub fn real_root(&self, r: &WalkRoot) -> PathBuf {
        match std::str::from_utf8(&r.host) {
            Ok(h) => self.fs.resolve(h, true).unwrap_or_else(|_| self.fs.join(h)),
            Err(_) => self
                .fs
                .root()
                .join(std::ffi::OsStr::from_bytes(&r.host[1..])),
        }
    }

    /// A full walk (at start and after a lost event queue): its facts, and the
    /// protected contents kept for the copy search of later events.
    pub fn walk_all(&mut self) -> std::io::Result<ShareFacts> {
        let input = WalkInput {
            fs: self.fs,
            profile: self.profile,
            accounts: self.accounts,
            checks: self.checks,
            roots: self.roots.clone(),
            options: WalkOptions {
                progress: false,
                ..WalkOptions::default()
            },
        };
        let mut facts = run(input, None)?;
        self.protected = std::mem::take(&mut facts.protected_hashes);
        Ok(facts)
    }

    /// The root a host path is in (the longest), and the path's components below it.
    fn root_of<'h>(&self, host: &'h [u8]) -> Option<(&WalkRoot, Vec<&'h [u8]>)> {
        self.roots
            .iter()
            .filter(|r| {
                host == r.host.as_slice()
                    || r.host == b"/"
                    || (host.starts_with(&r.host) && host.get(r.host.len()) == Some(&b'/'))
            })
            .max_by_key(|r| r.host.len())
            .map(|r| {
                let rest = if r.host == b"/" {
                    host
                } else {
                    &host[r.host.len()..]
                };
                (
                    r,
                    rest.split(|b| *b == b'/')
                        .filter(|c| !c.is_empty())
                        .collect(),
                )
            })
    }

    /// Examines one host path (a file, directory, link or special file).
    pub fn examine(&mut self, host: &[u8]) -> Examined {
        let mut out = Examined::default();
        let Some((root, below)) = self.root_of(host) else {
            return out;
        };
        let root = root.clone();
        if self.excluded(host) {
            return out;
        }
        out.watched = true;
        let (place, modes) = match self.reach(&root, &below) {
            Ok(Some(r)) => r,
            Ok(None) => return out,
            Err(problem) => {
                out.problem = Some(problem);
                return out;
            }
        };
        let meta = match place.metadata() {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return out,
            Err(e) => {
                out.exists = true;
                out.problem = Some(super::read::io_message(&e));
                return out;
            }
        };
        out.exists = true;
        out.is_dir = meta.is_dir();
        let mut entry = self.entry(host, &root, &below, &modes, &meta);
        match entry.ftype {
            FileType::File => {
                let c = self.reader.read(&place, &Seen::of(&meta), &mut Vec::new());
                if let Some(p) = &c.problem {
                    out.problem = Some(format!("{p:?}"));
                }
                entry.content = Some(c);
            }
            FileType::Dir => {
                entry.acl =
                    Some(super::acl::read_place(&place).map_err(|e| super::read::io_message(&e)));
            }
            _ => {}
        }
        self.check(entry, &mut out);
        out
    }

    /// Reaches a path as the walk does: the root opened, then each folder below it
    /// opened relative to its parent without following links, and the entry left
    /// to stat relative to its folder (a folder swapped for a link meanwhile is not
    /// gone through; the path then does not exist: `None`). With the place, the
    /// modes of the root and of each folder down to the parent.
    fn reach(&self, root: &WalkRoot, below: &[&[u8]]) -> Result<Option<(Place, Vec<u32>)>, String> {
        // The root is found through descriptors from --root (a component of its
        // path swapped for a link meanwhile never leads out of it).
        let located = match self
            .fs
            .locate(Path::new(std::ffi::OsStr::from_bytes(&root.host)), true)
        {
            Ok(at) => at,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(super::read::io_message(&e)),
        };
        if below.is_empty() {
            return Ok(Some((located.place(), Vec::new())));
        }
        let gone = |e: &std::io::Error| {
            matches!(
                e.raw_os_error(),
                Some(libc::ENOENT | libc::ENOTDIR | libc::ELOOP)
            )
        };
        let mode = |dir: &rustix::fd::OwnedFd| {
            rustix::fs::fstat(dir)
                .map(|st| Meta::from_stat(&st).mode())
                .map_err(|e| super::read::io_message(&e.into()))
        };
        let mut dir = match open_path_dir(&located.dir, located.name.as_bytes()) {
            Ok(fd) => fd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(super::read::io_message(&e)),
        };
        let mut modes = Vec::new();
        for c in below.iter().take(below.len() - 1) {
            modes.push(mode(&dir)?);
            dir = match open_path_dir(&dir, c) {
                Ok(fd) => fd,
                Err(e) if gone(&e) => return Ok(None),
                Err(e) => return Err(super::read::io_message(&e)),
            };
        }
        modes.push(mode(&dir)?);
        let last = below.last().copied().unwrap_or(b"");
        let Ok(name) = std::ffi::CString::new(last) else {
            return Ok(None);
        };
        Ok(Some((Place::At(Arc::new(dir), name), modes)))
    }

    /// The path's entry with the state of its parent as the walk computes it on
    /// the way down: names above the root, the root itself, then each folder
    /// below it (`modes`: theirs, from the root down).
    fn entry(
        &self,
        host: &[u8],
        root: &WalkRoot,
        below: &[&[u8]],
        modes: &[u32],
        meta: &Meta,
    ) -> Entry {
        let mut markers: Vec<u16> = Vec::new();
        let mut discard = false;
        let comps: Vec<&[u8]> = root
            .host
            .split(|b| *b == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        for c in comps.iter().take(comps.len().saturating_sub(1)) {
            merge(&mut markers, self.markers.in_name(c));
            discard |= is_discard_dir(c);
        }
        let mut others_x = true;
        let mut dirs: Vec<&[u8]> = Vec::new();
        if !below.is_empty() {
            dirs.push(comps.last().copied().unwrap_or(b""));
            dirs.extend(below.iter().take(below.len() - 1));
        }
        for (name, mode) in dirs.iter().zip(modes) {
            others_x &= mode & 0o001 != 0;
            merge(&mut markers, self.markers.in_name(name));
            discard |= is_discard_dir(name);
        }
        let name = below
            .last()
            .copied()
            .unwrap_or_else(|| comps.last().copied().unwrap_or(b""));
        let mut entry = Entry::new(host.to_vec(), root.kind, meta);
        entry.name_markers = self.markers.in_name(name);
        entry.dir_markers = markers;
        entry.discard = discard;
        entry.others_x = others_x;
        entry
    }

    /// Runs the checks on the entry (with the protected contents known) and
    /// records in `out` the findings of the checks watch mode reports.
    fn check(&mut self, entry: Entry, out: &mut Examined) {
        let mut collector = Collector::new(self.profile, self.accounts, self.checks, true, false);
        collector.seed_protected(std::mem::take(&mut self.protected));
        collector.add(Msg::Entry(Box::new(entry)));
        let facts = match collector.finish(None) {
            Ok(f) => f,
            Err(e) => {
                out.problem = Some(e.to_string());
                return;
            }
        };
        // The map is in checklist order; only the checks watch mode reports.
        for (id, list) in &facts.findings {
            if self.checks.iter().any(|c| c.id() == *id && c.watched()) && !list.is_empty() {
                out.findings.push(*id);
                for f in list.sample(&[RootKind::Share, RootKind::Asset, RootKind::Scan]) {
                    let who = f
                        .principal
                        .as_deref()
                        .map(|p| format!("{p}: "))
                        .unwrap_or_default();
                    out.details.push(Text::new(
                        format!("{id} {who}{}", f.detail.ja),
                        format!("{id} {who}{}", f.detail.en),
                    ));
                }
            }
        }
        self.protected = facts.protected_hashes;
    }

    /// Every path below a directory (for directories created, moved in, or whose
    /// permissions changed), examined one by one; only those with findings.
    pub fn examine_tree(&mut self, host: &[u8]) -> Vec<(Vec<u8>, Examined)> {
        if self.root_of(host).is_none() {
            return Vec::new();
        }
        // Found through descriptors from --root (a component swapped for a link
        // since the event never leads the walk out of it; each path below is
        // examined again without following links).
        let Ok(at) = self
            .fs
            .locate(Path::new(std::ffi::OsStr::from_bytes(host)), true)
        else {
            return Vec::new();
        };
        let base_len = at.path.as_os_str().len();
        let mut out = Vec::new();
        for ent in crate::rootfs::dirs::Walk::in_root(at)
            .flatten()
            .filter(|e| e.depth() > 0)
        {
            let suffix = &ent.path().as_os_str().as_bytes()[base_len..];
            let h = [host, suffix].concat();
            let e = self.examine(&h);
            if !e.findings.is_empty() {
                out.push((h, e));
            }
        }
        out
    }

    /// `scope.exclude` leaves this host path out (or everything in it).
    pub fn excluded(&self, host: &[u8]) -> bool {
        let hp = Path::new(std::ffi::OsStr::from_bytes(host));
        self.excluder.excluded(hp) || self.excluder.prunes(hp)
    }

    /// A host path for a real path under the root (`None` outside it).
    pub fn host_of(&self, real: &Path) -> Option<Vec<u8>> {
        for r in &self.roots {
            let rr = self.real_root(r);
            if let Ok(rest) = real.strip_prefix(&rr) {
                let suffix = rest.as_os_str().as_bytes();
                if suffix.is_empty() {
                    return Some(r.host.clone());
                }
                let mut h = r.host.clone();
                if h != b"/" {
                    h.push(b'/');
                }
                h.extend_from_slice(suffix);
                return Some(h);
            }
        }
        None
    }
}

fn merge(into: &mut Vec<u16>, more: Vec<u16>) {
    for m in more {
        if !into.contains(&m) {
            into.push(m);
        }
    }
}

/// Opens a folder to look names up in (`O_PATH`: nothing is read, no access time
/// changes), relative to its parent without following a link.
fn open_path_dir(
    parent: &rustix::fd::OwnedFd,
    name: &[u8],
) -> std::io::Result<rustix::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    let name = std::ffi::OsStr::from_bytes(name);
    rustix::fs::openat(parent, name, flags, Mode::empty()).map_err(std::io::Error::from)
}

/// The watched roots: the profile's shares (and asset folders outside them).
pub fn watch_roots(profile: &Profile) -> Vec<WalkRoot> {
    super::audit_roots(profile, &[])
        .into_iter()
        .filter(|r| matches!(r.kind, RootKind::Share | RootKind::Asset))
        .collect()
}
