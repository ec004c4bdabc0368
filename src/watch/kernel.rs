//! Kernel events: one inotify watch per directory, added by us rather than by
//! notify's recursive mode, which gives up on the whole tree at the first folder
//! it may not read and cannot skip `scope.exclude`.

use crate::collect::walk::examine::Examiner;
use notify::{RecursiveMode, Watcher};
use std::path::Path;

/// The inotify watcher and what it watches.
pub struct Kernel {
    watcher: notify::INotifyWatcher,
    /// Directories watched (added; some may have gone since).
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

impl Kernel {
    pub fn new(tx: super::queue::Sink) -> notify::Result<Kernel> {
        let watcher =
            notify::INotifyWatcher::new(tx, notify::Config::default().with_follow_symlinks(false))?;
        Ok(Kernel {
            watcher,
            watched: 0,
            unwatchable: Vec::new(),
            unwatchable_count: 0,
        })
    }

    /// Watches `real` and every folder below it (links not followed, excluded
    /// folders skipped). A folder that cannot be watched (permission denied, gone
    /// meanwhile) is counted and skipped; only the kernel's limit stops it.
    pub fn add_tree(&mut self, ex: &Examiner, real: &Path) -> Result<(), LimitReached> {
        // Folders listed with O_NOATIME: never stamps their access times.
        let mut it = crate::rootfs::dirs::Walk::new(real);
        while let Some(next) = it.next() {
            let Ok(mut ent) = next else {
                // Unreadable below a watched folder: its own watch failed too
                // (inotify needs read permission), and is counted there.
                continue;
            };
            if !ent.metadata().is_ok_and(|m| m.is_dir()) {
                continue;
            }
            let Some(host) = ex.host_of(ent.path()) else {
                it.skip_current_dir();
                continue;
            };
            if ex.excluded(&host) {
                it.skip_current_dir();
                continue;
            }
            match self.watcher.watch(ent.path(), RecursiveMode::NonRecursive) {
                Ok(()) => self.watched += 1,
                Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                    return Err(LimitReached);
                }
                Err(e) if matches!(e.kind, notify::ErrorKind::PathNotFound) => {}
                Err(e) => {
                    self.unwatchable_count += 1;
                    if self.unwatchable.len() < NAMED {
                        let why = match &e.kind {
                            notify::ErrorKind::Io(io) => crate::collect::walk::read::io_message(io),
                            _ => e.to_string(),
                        };
                        self.unwatchable.push((host, why));
                    }
                }
            }
        }
        Ok(())
    }

    /// Watches one folder without what is below it (the parent of a share root,
    /// so that the root removed and created again is seen).
    pub fn add_one(&mut self, real: &Path) -> Result<(), LimitReached> {
        match self.watcher.watch(real, RecursiveMode::NonRecursive) {
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => Err(LimitReached),
            _ => Ok(()),
        }
    }
}
