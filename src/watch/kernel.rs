//! Kernel events: one inotify watch per directory, added by us rather than by
//! notify's recursive mode, which gives up on the whole tree at the first folder
//! it may not read and cannot skip `scope.exclude`.
//!
//! inotify is driven directly (the `inotify` crate) instead of through notify's
//! watcher, because notify subscribes every watch to `IN_OPEN`: the watcher's own
//! start-up walk and every rescan open every file, each open was queued as an
//! event, and above ~65k files the queue overflowed, which triggered a rescan,
//! which opened every file again — a rescan every second and every change lost.
//! Here a watch asks only for what changes a file or folder (create, delete,
//! write, attributes, moves); opens, reads and closes after reading are never
//! subscribed to, so reading the shares costs no events at all. The events are
//! translated to notify's event types, as notify's own backend does, for the
//! main loop and the polling watcher to share one queue.

use crate::collect::walk::examine::Examiner;
use crate::rootfs::RootFs;
use crate::rootfs::dirs::{Meta, Place};
use inotify::{EventMask, Inotify, WatchDescriptor, WatchMask, Watches};
use notify::event::{
    AccessKind, AccessMode, CreateKind, DataChange, EventKind, MetadataKind, ModifyKind,
    RemoveKind, RenameMode,
};
use rustix::event::{EventfdFlags, PollFd, PollFlags};
use rustix::fd::OwnedFd;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// What each watch asks the kernel for. Not `IN_OPEN`, `IN_ACCESS` or
/// `IN_CLOSE_NOWRITE`: reading (ours or anyone's) changes nothing.
/// `IN_ONLYDIR` and `IN_DONT_FOLLOW`: a folder replaced by a link meanwhile is
/// not followed out of the share.
fn mask() -> WatchMask {
    WatchMask::CREATE
        | WatchMask::DELETE
        | WatchMask::MODIFY
        | WatchMask::CLOSE_WRITE
        | WatchMask::ATTRIB
        | WatchMask::MOVED_FROM
        | WatchMask::MOVED_TO
        | WatchMask::DELETE_SELF
        | WatchMask::MOVE_SELF
        | WatchMask::ONLYDIR
        | WatchMask::DONT_FOLLOW
}

/// The watches and the folder each one is on (shared with the reader thread,
/// which names the paths of events and drops the watches of folders moved away).
#[derive(Default)]
struct Table {
    paths: HashMap<WatchDescriptor, PathBuf>,
}

/// The inotify watches and the thread that reads their events.
pub struct Kernel {
    watches: Watches,
    table: Arc<Mutex<Table>>,
    /// Written to on drop: wakes the reader thread so that it ends.
    wake: Arc<OwnedFd>,
    reader: Option<std::thread::JoinHandle<()>>,
    /// Directories watched now (the kernel's watches held by this watcher).
    pub watched: usize,
    /// Directories that could not be watched (host path, why); the first few.
    pub unwatchable: Vec<(Vec<u8>, String)>,
    pub unwatchable_count: usize,
}

/// The kernel's limit on inotify watches was reached.
#[derive(Debug)]
pub struct LimitReached;

/// How many unwatchable folders are named (the rest are counted).
const NAMED: usize = 5;

fn lock(t: &Mutex<Table>) -> MutexGuard<'_, Table> {
    t.lock().unwrap_or_else(|p| p.into_inner())
}

impl Kernel {
    pub fn new(tx: super::queue::Sink) -> std::io::Result<Kernel> {
        let inotify = Inotify::init()?;
        let watches = inotify.watches();
        let table = Arc::new(Mutex::new(Table::default()));
        let wake = Arc::new(rustix::event::eventfd(0, EventfdFlags::CLOEXEC)?);
        let reader = {
            let (table, wake, watches) = (table.clone(), wake.clone(), watches.clone());
            std::thread::Builder::new()
                .name("timaudit inotify".into())
                .spawn(move || read_loop(inotify, watches, table, wake, tx))?
        };
        Ok(Kernel {
            watches,
            table,
            wake,
            reader: Some(reader),
            watched: 0,
            unwatchable: Vec::new(),
            unwatchable_count: 0,
        })
    }

    /// Adds (or renews) the watch of one folder.
    fn add(&mut self, path: &Path) -> std::io::Result<()> {
        self.add_as(path, path, mask())
    }

    /// Adds (or renews) the watch of the folder `target` names, recorded as `path`.
    fn add_as(&mut self, target: &Path, path: &Path, mask: WatchMask) -> std::io::Result<()> {
        let mut t = lock(&self.table);
        let wd = self.watches.add(target, mask)?;
        t.paths.insert(wd, path.to_path_buf());
        self.watched = t.paths.len();
        Ok(())
    }

    /// Adds the watch of a folder the walk found, through the descriptor of the
    /// folder itself (opened relative to its parent without following a link, and
    /// checked to be the folder the walk stat'ed): inotify is given
    /// `/proc/self/fd/N`, never the folder's path, so a component of the path
    /// swapped for a link meanwhile never puts a watch on a folder outside the
    /// root. Without `/proc`, the path (with `IN_DONT_FOLLOW`).
    fn add_found(&mut self, place: &Place, meta: &Meta, path: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::MetadataExt;
        let f = place.open()?;
        let m = f.metadata()?;
        if !m.is_dir() || m.dev() != meta.dev() || m.ino() != meta.ino() {
            return Err(std::io::Error::from_raw_os_error(libc::ENOENT));
        }
        self.add_opened(&f, path)
    }

    /// Adds the watch of the open folder `f` (through `/proc/self/fd/N`), recorded
    /// as `path`.
    fn add_opened(&mut self, f: &std::fs::File, path: &Path) -> std::io::Result<()> {
        use std::os::fd::AsRawFd;
        if !f.metadata()?.is_dir() {
            return Err(std::io::Error::from_raw_os_error(libc::ENOTDIR));
        }
        let fd_path = PathBuf::from(format!("/proc/self/fd/{}", f.as_raw_fd()));
        // The magic link itself is followed (to the folder opened).
        match self.add_as(&fd_path, path, mask() & !WatchMask::DONT_FOLLOW) {
            Err(e)
                if e.raw_os_error() == Some(libc::ENOENT)
                    && !Path::new("/proc/self/fd").is_dir() =>
            {
                self.add(path)
            }
            r => r,
        }
    }

    /// Watches `real` and every folder below it (links not followed, excluded
    /// folders skipped). A folder that cannot be watched (permission denied, gone
    /// meanwhile) is counted and skipped; only the kernel's limit stops it.
    pub fn add_tree(&mut self, ex: &Examiner, real: &Path) -> Result<(), LimitReached> {
        // Folders listed with O_NOATIME: never stamps their access times. Found
        // again through descriptors from --root (Examiner::locate_real): a
        // component of `real` swapped for a link never leads the walk outside.
        let Ok(at) = ex.locate_real(real) else {
            return Ok(());
        };
        let mut it = crate::rootfs::dirs::Walk::in_root(at);
        while let Some(next) = it.next() {
            let Ok(mut ent) = next else {
                // Unreadable below a watched folder: its own watch failed too
                // (inotify needs read permission), and is counted there.
                continue;
            };
            let meta = match ent.metadata() {
                Ok(m) if m.is_dir() => m,
                _ => continue,
            };
            let Some(host) = ex.host_of(ent.path()) else {
                it.skip_current_dir();
                continue;
            };
            if ex.excluded(&host) {
                it.skip_current_dir();
                continue;
            }
            match self.add_found(&ent.place(), &meta, ent.path()) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => return Err(LimitReached),
                // Gone, or replaced by a file or a link, meanwhile.
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::ENOENT) | Some(libc::ENOTDIR) | Some(libc::ELOOP)
                    ) => {}
                Err(e) => {
                    self.unwatchable_count += 1;
                    if self.unwatchable.len() < NAMED {
                        let why = crate::collect::walk::read::io_message(&e);
                        self.unwatchable.push((host, why));
                    }
                }
            }
        }
        Ok(())
    }

    /// Watches one folder under `--root` without what is below it (the parent of
    /// a share root, so that the root removed and created again is seen): found
    /// through descriptors from the root by its path below it ([`RootFs::locate`],
    /// links resolved inside the root) and watched through its descriptor, never
    /// by its path.
    pub fn add_one_in(&mut self, fs: &RootFs, real: &Path) -> Result<(), LimitReached> {
        let added = real
            .strip_prefix(fs.root())
            .map_err(|_| std::io::Error::from_raw_os_error(libc::ENOENT))
            .and_then(|rel| fs.locate(&Path::new("/").join(rel), true))
            .and_then(|at| at.open())
            .and_then(|f| self.add_opened(&f, real));
        match added {
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => Err(LimitReached),
            _ => Ok(()),
        }
    }
}

impl Drop for Kernel {
    fn drop(&mut self) {
        let _ = rustix::io::write(&*self.wake, &1u64.to_ne_bytes());
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

/// Reads events until the watcher is dropped or the main loop is gone. Sleeps in
/// `poll` while nothing happens (no CPU when idle).
fn read_loop(
    mut inotify: Inotify,
    mut watches: Watches,
    table: Arc<Mutex<Table>>,
    wake: Arc<OwnedFd>,
    tx: super::queue::Sink,
) {
    // Room for about 4,000 events per read: a burst is drained in few calls.
    let mut buf = vec![0u8; 64 * 1024];
    let mut moves = Moves::default();
    loop {
        let mut fds = [
            PollFd::new(&inotify, PollFlags::IN),
            PollFd::new(&*wake, PollFlags::IN),
        ];
        match rustix::event::poll(&mut fds, None) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => {
                let _ = tx.send(Err(notify::Error::io(e.into())));
                return;
            }
        }
        if !fds[1].revents().is_empty() {
            return;
        }
        loop {
            let events = match inotify.read_events(&mut buf) {
                Ok(events) => events,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.send(Err(notify::Error::io(e)));
                    return;
                }
            };
            let mut t = lock(&table);
            for ev in events {
                if ev.mask.contains(EventMask::Q_OVERFLOW) {
                    tx.note_overflow();
                    continue;
                }
                for out in translate(
                    &mut t,
                    &mut watches,
                    &mut moves,
                    ev.wd,
                    ev.mask,
                    ev.cookie,
                    ev.name,
                ) {
                    if !tx.send(out) {
                        return;
                    }
                }
            }
        }
    }
}

/// The last `IN_MOVED_FROM`, paired with the `IN_MOVED_TO` of the same cookie
/// that follows it into one rename with both names (as notify does).
#[derive(Default)]
struct Moves {
    from: Option<(u32, PathBuf)>,
}

/// One kernel event as notify events (notify's own translation, without opens
/// and reads). Folders moved away lose their watches (and those below them):
/// the main loop watches them again under their new name.
fn translate(
    t: &mut Table,
    watches: &mut Watches,
    moves: &mut Moves,
    wd: WatchDescriptor,
    mask: EventMask,
    cookie: u32,
    name: Option<&OsStr>,
) -> Vec<notify::Result<notify::Event>> {
    use notify::Event;
    let mut out = Vec::new();
    if mask.contains(EventMask::IGNORED) {
        // The watch is gone (its folder deleted, or removed by us).
        t.paths.remove(&wd);
        return out;
    }
    let Some(dir) = t.paths.get(&wd) else {
        return out;
    };
    let path = match name {
        Some(n) => dir.join(n),
        None => dir.clone(),
    };
    let is_dir = mask.contains(EventMask::ISDIR);
    let ev = |kind: EventKind| Event::new(kind).add_path(path.clone());
    if mask.contains(EventMask::UNMOUNT) {
        out.push(Err(notify::Error::generic(&format!(
            "the file system of {} was unmounted",
            path.display()
        ))));
        return out;
    }
    if mask.contains(EventMask::MOVED_FROM) {
        if is_dir {
            unwatch_below(t, watches, &path);
        }
        out.push(Ok(ev(EventKind::Modify(ModifyKind::Name(
            RenameMode::From,
        )))
        .set_tracker(cookie as usize)));
        moves.from = Some((cookie, path.clone()));
    } else if mask.contains(EventMask::MOVED_TO) {
        out.extend(moved_to(moves, cookie, &path).into_iter().map(Ok));
    }
    out.extend(kinds(mask, is_dir).into_iter().map(|k| Ok(ev(k))));
    out
}

/// The rename events of an `IN_MOVED_TO`: the new name, and both names when the
/// `IN_MOVED_FROM` of the same cookie came just before.
fn moved_to(moves: &mut Moves, cookie: u32, path: &Path) -> Vec<notify::Event> {
    use notify::Event;
    let mut out = vec![
        Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::To)))
            .add_path(path.to_path_buf())
            .set_tracker(cookie as usize),
    ];
    if moves.from.as_ref().is_some_and(|(c, _)| *c == cookie) {
        let (_, from) = moves.from.take().unwrap_or_default();
        out.push(
            Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
                .set_tracker(cookie as usize)
                .add_path(from)
                .add_path(path.to_path_buf()),
        );
    }
    out
}

/// The kinds of the other events in `mask` (besides moves), in this order.
fn kinds(mask: EventMask, is_dir: bool) -> Vec<EventKind> {
    let mut out = Vec::new();
    if mask.contains(EventMask::MOVE_SELF) {
        out.push(EventKind::Modify(ModifyKind::Name(RenameMode::From)));
    }
    if mask.contains(EventMask::CREATE) {
        out.push(EventKind::Create(if is_dir {
            CreateKind::Folder
        } else {
            CreateKind::File
        }));
    }
    if mask.contains(EventMask::DELETE) {
        out.push(EventKind::Remove(if is_dir {
            RemoveKind::Folder
        } else {
            RemoveKind::File
        }));
    }
    if mask.contains(EventMask::DELETE_SELF) {
        out.push(EventKind::Remove(RemoveKind::Folder));
    }
    if mask.contains(EventMask::MODIFY) {
        out.push(EventKind::Modify(ModifyKind::Data(DataChange::Any)));
    }
    if mask.contains(EventMask::CLOSE_WRITE) {
        out.push(EventKind::Access(AccessKind::Close(AccessMode::Write)));
    }
    if mask.contains(EventMask::ATTRIB) {
        out.push(EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)));
    }
    out
}

/// Drops the watches of `dir` and of every folder below it (moved away: their
/// events would carry the old names).
fn unwatch_below(t: &mut Table, watches: &mut Watches, dir: &Path) {
    let gone: Vec<WatchDescriptor> = t
        .paths
        .iter()
        .filter(|(_, p)| p.starts_with(dir))
        .map(|(wd, _)| wd.clone())
        .collect();
    for wd in gone {
        let _ = watches.remove(wd.clone());
        t.paths.remove(&wd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn next(rx: &std::sync::mpsc::Receiver<super::super::queue::Item>) -> Option<notify::Event> {
        rx.recv_timeout(Duration::from_secs(5))
            .ok()
            .map(|r| r.unwrap())
    }

    #[test]
    fn reading_files_queues_nothing_and_a_write_is_seen() {
        let d = tempfile::tempdir().unwrap();
        for i in 0..50 {
            std::fs::write(d.path().join(format!("f{i}")), "x").unwrap();
        }
        let (sink, rx) = super::super::queue::Sink::new(16);
        let mut k = Kernel::new(sink.clone()).unwrap();
        k.add_one_in(&RootFs::new("/"), d.path()).unwrap();
        assert_eq!(k.watched, 1);
        // 50 opens and reads, more than the queue holds: none is queued.
        for i in 0..50 {
            std::fs::read(d.path().join(format!("f{i}"))).unwrap();
        }
        std::fs::read_dir(d.path()).unwrap().for_each(drop);
        std::fs::write(d.path().join("f7"), "changed").unwrap();
        let ev = next(&rx).expect("the write is seen");
        assert_eq!(ev.paths, vec![d.path().join("f7")], "{ev:?}");
        assert!(!sink.take_lost(), "the reads filled the queue");
        drop(k);
    }

    #[test]
    fn a_watch_through_a_parent_swapped_for_a_link_out_of_the_root_is_never_added_outside() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        std::fs::create_dir_all(root.join("srv/share/sub")).unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir_all(outside.join("sub")).unwrap();
        // `share` becomes a link to `outside` after its path was learnt.
        std::fs::rename(root.join("srv/share"), root.join("srv/moved")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("srv/share")).unwrap();
        let (sink, rx) = super::super::queue::Sink::new(16);
        let mut k = Kernel::new(sink).unwrap();
        let fs = RootFs::new(&root);
        k.add_one_in(&fs, &root.join("srv/share/sub")).unwrap();
        // The link is resolved inside the root, where `outside` does not exist.
        assert_eq!(k.watched, 0);
        std::fs::write(outside.join("sub/secret"), "x").unwrap();
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "an event from outside the root"
        );
        // The folder inside the root, found through descriptors, is watched.
        k.add_one_in(&fs, &root.join("srv/moved/sub")).unwrap();
        assert_eq!(k.watched, 1);
        std::fs::write(root.join("srv/moved/sub/f"), "x").unwrap();
        let ev = next(&rx).expect("the write is seen");
        assert_eq!(ev.paths, vec![root.join("srv/moved/sub/f")], "{ev:?}");
    }

    #[test]
    fn a_rename_is_paired_and_a_folder_moved_away_loses_its_watches() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("a/b")).unwrap();
        let (sink, rx) = super::super::queue::Sink::new(64);
        let mut k = Kernel::new(sink).unwrap();
        k.add_one_in(&RootFs::new("/"), d.path()).unwrap();
        k.add_one_in(&RootFs::new("/"), &d.path().join("a"))
            .unwrap();
        k.add_one_in(&RootFs::new("/"), &d.path().join("a/b"))
            .unwrap();
        assert_eq!(k.watched, 3);
        std::fs::rename(d.path().join("a"), d.path().join("z")).unwrap();
        let mut both = None;
        while let Some(ev) = next(&rx) {
            if ev.kind == EventKind::Modify(ModifyKind::Name(RenameMode::Both)) {
                both = Some(ev);
                break;
            }
        }
        let both = both.expect("a rename with both names");
        assert_eq!(both.paths, vec![d.path().join("a"), d.path().join("z")]);
        // The watches of a and a/b are gone (only the top folder stays).
        let start = std::time::Instant::now();
        while lock(&k.table).paths.len() != 1 {
            assert!(start.elapsed() < Duration::from_secs(5));
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
