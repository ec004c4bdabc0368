//! What happened to each path during one debounce window, recorded from the
//! notify events, and the order and time its lines get.

use super::log::Event;
use crate::collect::walk::examine::Examiner;
use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind, RenameMode};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What happened to a path during one debounce window.
#[derive(Clone, Debug, Default)]
pub(super) struct Pending {
    pub(super) created: bool,
    pub(super) modified: bool,
    pub(super) removed: bool,
    pub(super) permissions: bool,
    pub(super) renamed_from: Option<Vec<u8>>,
    pub(super) renamed: bool,
    /// Renamed to another watched name, whose `renamed` line says so.
    pub(super) moved_away: bool,
    pub(super) last: Option<Instant>,
    /// When the first change of this window was seen: its log line carries this
    /// time, and a batch is logged in this order.
    pub(super) seen: Option<chrono::DateTime<chrono::Local>>,
}

/// Orders a batch by when each change was seen, not by path (stable: a path
/// without a time keeps its place).
pub(super) fn by_time_seen(hosts: &mut [Vec<u8>], pending: &BTreeMap<Vec<u8>, Pending>) {
    hosts.sort_by_key(|h| pending.get(h).and_then(|p| p.seen));
}

/// `ev` with the time its change was seen (not the time the batch was handled).
pub(super) fn seen_at(p: &Pending, mut ev: Event) -> Event {
    if let Some(t) = p.seen {
        ev.time = t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    }
    ev
}

/// Records one notify event in the pending window of its path(s). Returns the
/// folders it created, moved in or re-permissioned, which need watches of their
/// own.
pub(super) fn note(
    ex: &Examiner,
    log_real: &Path,
    pending: &mut BTreeMap<Vec<u8>, Pending>,
    ev: notify::Event,
) -> Vec<PathBuf> {
    let now = Instant::now();
    // (A folder whose permissions changed may have become readable: watchable.)
    let new_dirs = match ev.kind {
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => Vec::new(),
        EventKind::Create(_)
        | EventKind::Modify(ModifyKind::Name(_))
        | EventKind::Modify(ModifyKind::Metadata(_)) => ev
            .paths
            .iter()
            .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let hosts: Vec<Vec<u8>> = ev
        .paths
        .iter()
        .filter(|p| p.as_path() != log_real)
        .filter_map(|p| ex.host_of(p))
        .collect();
    let mut mark = |h: &Vec<u8>, f: &dyn Fn(&mut Pending)| {
        let e = pending.entry(h.clone()).or_default();
        f(e);
        e.last = Some(now);
        e.seen.get_or_insert_with(chrono::Local::now);
    };
    match ev.kind {
        EventKind::Create(_) => hosts.iter().for_each(|h| mark(h, &|p| p.created = true)),
        EventKind::Remove(_) => hosts.iter().for_each(|h| mark(h, &|p| p.removed = true)),
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => {}
        EventKind::Modify(ModifyKind::Metadata(_)) => hosts
            .iter()
            .for_each(|h| mark(h, &|p| p.permissions = true)),
        EventKind::Modify(ModifyKind::Name(RenameMode::Both)) if hosts.len() == 2 => {
            // One `renamed` line for the new name says where it came from.
            let from = hosts[0].clone();
            mark(&hosts[1], &move |p| {
                p.renamed = true;
                p.renamed_from = Some(from.clone());
            });
            mark(&hosts[0], &|p| p.moved_away = true);
        }
        EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
            hosts.iter().for_each(|h| mark(h, &|p| p.removed = true))
        }
        // Moved in from outside the watched shares: it appeared, as polling says
        // too (and as moving out is `removed`).
        EventKind::Modify(ModifyKind::Name(RenameMode::To)) => {
            hosts.iter().for_each(|h| mark(h, &|p| p.created = true))
        }
        EventKind::Modify(ModifyKind::Name(_)) => {
            hosts.iter().for_each(|h| mark(h, &|p| p.renamed = true))
        }
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
            hosts.iter().for_each(|h| mark(h, &|p| p.modified = true))
        }
        // Opens and reads (our own among them) change nothing.
        EventKind::Access(_) => {}
        _ => hosts.iter().for_each(|h| mark(h, &|p| p.modified = true)),
    }
    new_dirs
}

#[cfg(test)]
mod tests {
    use super::super::lines::event;
    use super::*;

    /// A batch is logged in the order its changes were seen, each line with its
    /// own time.
    #[test]
    fn a_batch_keeps_the_order_and_time_of_its_changes() {
        let t0 = chrono::Local::now();
        let mut pending = BTreeMap::new();
        for (name, ms) in [("a.txt", 300), ("b.txt", 100), ("c.txt", 200)] {
            pending.insert(
                name.as_bytes().to_vec(),
                Pending {
                    seen: Some(t0 + chrono::Duration::milliseconds(ms)),
                    ..Pending::default()
                },
            );
        }
        let mut hosts: Vec<Vec<u8>> = pending.keys().cloned().collect();
        by_time_seen(&mut hosts, &pending);
        assert_eq!(
            hosts,
            [b"b.txt".to_vec(), b"c.txt".to_vec(), b"a.txt".to_vec()]
        );
        let p = &pending[&b"b.txt".to_vec()];
        let ev = seen_at(
            p,
            event("modified", Some(b"b.txt"), Vec::new(), String::new()),
        );
        let expected = (t0 + chrono::Duration::milliseconds(100))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
        assert_eq!(ev.time, expected);
    }
}
