//! Watch mode: keep watching the shares and append one event per change to a
//! hash-chained log (`log.rs`). Each changed path is re-classified with the
//! walk's own rules (`collect::walk::examine`); nothing watched is ever changed.

//!
//! By concern: this file starts the watcher and runs its loop; `source.rs` how
//! changes are learnt of (inotify or polling, the watch limit), `pending.rs`
//! what happened to each path in one debounce window, `handle.rs` the line(s)
//! a path's changes make, `lines.rs` the other lines (started, checkpoint,
//! sealed, rescan, stopped).

mod handle;
mod kernel;
mod lines;
pub mod log;
mod overflow;
mod pending;
mod poll;
mod queue;
mod source;

use self::handle::handle_all;
use self::lines::{checkpoint, event, log_start, rescan};
use self::pending::{Pending, note};
use self::source::{Source, limit_advice, polling, start_source};
use crate::collect::walk::examine::{Examiner, watch_roots};
use crate::exit::{EXIT_OK, Fatal, warning_prefix};
use crate::i18n::{Lang, Text};
use crate::profile::Profile;
use crate::rootfs::RootFs;
use log::ChainLog;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Events the watcher's queue holds by default.
pub const QUEUE_CAPACITY: usize = queue::CAPACITY;

pub struct Options {
    pub log: PathBuf,
    /// Poll every this many seconds instead of kernel events (network shares).
    pub poll: Option<u64>,
    /// Quiet time before a burst of events on one path is handled.
    pub debounce: Duration,
    pub lang: Lang,
    /// The log this one follows after a rotation: its last line is recorded in
    /// the new log's `started` line, so the files link up.
    pub previous_log: Option<PathBuf>,
    /// Sign a checkpoint of the chain every `checkpoint_every` (when lines were
    /// added since the last one) and seal the log when stopping.
    pub signer: Option<crate::sign::Signer>,
    pub checkpoint_every: Duration,
    /// Events the watcher's queue holds (`queue::CAPACITY`; lower in tests).
    pub queue_capacity: usize,
}

pub fn run(profile: &Profile, fs: &RootFs, opts: Options) -> Result<i32, Fatal> {
    let lang = opts.lang;
    let t = |ja: String, en: String| Text::new(ja, en).get(lang).to_string();
    let accounts = crate::collect::accounts::Accounts::load(fs).ok();
    let checks = crate::rules::file_checks();
    let roots = watch_roots(profile);
    if roots.is_empty() {
        return Err(Fatal(t(
            "監視するものがありません: プロファイルに scope.shares がありません（このホストの台帳の paths もありません）".into(),
            "nothing to watch: the profile has no scope.shares (and no register paths on this host)".into(),
        )));
    }
    let probe = Examiner::new(fs, profile, None, &checks, roots.clone());
    let real_roots = real_roots(&probe, fs, lang)?;
    let mut log = ChainLog::open(&opts.log).map_err(|e| Fatal::text(e, lang))?;
    // The log itself may live inside a watched share: its own events are ignored,
    // and the walks leave it out (it quotes markers: it would be a finding itself).
    let log_real = std::fs::canonicalize(&opts.log).unwrap_or_else(|_| opts.log.clone());
    let profile = excluding(profile, &probe, &log_real);
    drop(probe);
    let profile = &profile;
    let mut ex = Examiner::new(fs, profile, accounts.as_ref(), &checks, roots);

    let stop = stop_on_signal()?;
    let (tx, rx) = queue::Sink::new(opts.queue_capacity.max(1));
    let c = Loop {
        opts: &opts,
        rx: &rx,
        tx: &tx,
        real_roots: &real_roots,
        exclude: &profile.scope.exclude,
        log_real: &log_real,
        stop: &stop,
    };
    // Watch first, then walk: a change made during the walk is not missed.
    let (mut source, limit_hit) = start_source(&c, &ex, fs)?;
    log_start(&mut ex, &mut log, &source, limit_hit, &opts)?;

    let mut pending: BTreeMap<Vec<u8>, Pending> = BTreeMap::new();
    let mut result = watch_loop(&c, &mut ex, &mut log, &mut source, &mut pending);
    drop(source);
    if result.is_ok() {
        // Changes seen before the stop are logged before the `stopped` line, also
        // those still inside their debounce window (a file dropped just before a
        // SIGTERM was left out of the log).
        while let Ok(m) = rx.try_recv() {
            if let Ok(ev) = m
                && !ev.need_rescan()
            {
                note(&ex, &log_real, &mut pending, ev);
            }
        }
        let hosts: Vec<Vec<u8>> = pending.keys().cloned().collect();
        if let Err(e) = handle_all(&mut ex, &mut log, lang, &mut pending, hosts) {
            result = Err(e);
        }
    }
    let why = if stop.load(Ordering::SeqCst) {
        t(
            "シグナルを受けて停止しました".into(),
            "stopped by a signal".into(),
        )
    } else {
        t("停止しました".into(), "stopped".into())
    };
    log.append(event("stopped", None, Vec::new(), why))?;
    if let Some(k) = &opts.signer {
        checkpoint(&mut log, k, log::SEALED, lang)?;
    }
    result
}

/// The profile with `log` (when it lies in a watched share) excluded from the walks.
fn excluding(profile: &Profile, probe: &Examiner, log: &Path) -> Profile {
    let mut profile = profile.clone();
    if let Some(host) = probe.host_of(log)
        && let Ok(host) = std::str::from_utf8(&host)
    {
        profile.scope.exclude.push(globset::escape(host));
    }
    profile
}

/// A flag set by SIGINT or SIGTERM.
fn stop_on_signal() -> Result<Arc<AtomicBool>, Fatal> {
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst))
            .map_err(|e| Fatal(format!("cannot handle SIGINT/SIGTERM: {e}")))?;
    }
    Ok(stop)
}

/// The real folder of each watched root under `--root`; every one must exist.
fn real_roots(probe: &Examiner, fs: &RootFs, lang: Lang) -> Result<Vec<PathBuf>, Fatal> {
    let real_roots: Vec<PathBuf> = probe.roots().iter().map(|r| probe.real_root(r)).collect();
    for r in probe.roots() {
        // Through descriptors from --root, like every walk of it.
        let host =
            Path::new(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(&r.host));
        if !fs
            .locate(host, true)
            .and_then(|at| at.metadata())
            .is_ok_and(|m| m.is_dir())
        {
            let (h, root) = (String::from_utf8_lossy(&r.host), fs.root().display());
            return Err(Fatal(
                Text::new(
                    format!("監視する共有 {h} が {root} の下にありません"),
                    format!("the watched root {h} does not exist under {root}"),
                )
                .get(lang)
                .to_string(),
            ));
        }
    }
    Ok(real_roots)
}

/// What the watch loop works with besides the examiner, the log and the source.
struct Loop<'a> {
    opts: &'a Options,
    rx: &'a std::sync::mpsc::Receiver<queue::Item>,
    tx: &'a queue::Sink,
    real_roots: &'a [PathBuf],
    /// The profile's exclusions (the log's own path among them).
    exclude: &'a [String],
    log_real: &'a Path,
    stop: &'a AtomicBool,
}

/// Watches until stopped (or the queue is gone): checkpoints when due, notes
/// what the watcher queued, rescans after lost events (at most one per
/// `overflow::MIN_GAP`), watches new folders, and logs each path whose burst of
/// changes is over.
fn watch_loop(
    c: &Loop,
    ex: &mut Examiner,
    log: &mut ChainLog,
    source: &mut Source,
    pending: &mut BTreeMap<Vec<u8>, Pending>,
) -> Result<i32, Fatal> {
    let (opts, lang) = (c.opts, c.opts.lang);
    let mut gate = overflow::Gate::new(overflow::MIN_GAP);
    let mut last_checkpoint = Instant::now();
    while !c.stop.load(Ordering::SeqCst) {
        if let Some(k) = &opts.signer
            && last_checkpoint.elapsed() >= opts.checkpoint_every
        {
            last_checkpoint = Instant::now();
            checkpoint(log, k, log::CHECKPOINT, lang)?;
        }
        let Some((mut new_dirs, why_rescan)) = drain(c, ex, pending) else {
            break;
        };
        let why_rescan = queue_losses(c, pending).or(why_rescan);
        // At most one rescan per MIN_GAP; losses meanwhile wait for it.
        let mut why_rescan = gate.due(why_rescan, Instant::now());
        // Folders created or moved in are watched at once; what was created in
        // them before is examined with them once their burst is over.
        if let Source::Kernel(k) = source {
            if why_rescan.is_some() {
                new_dirs = c.real_roots.to_vec();
            }
            if new_dirs.iter().any(|d| k.add_tree(ex, d).is_err()) {
                eprintln!(
                    "{}{}",
                    warning_prefix(lang),
                    limit_advice(k.watched, None, lang)
                );
                *source = polling(c.tx.clone(), 30, ex, c.exclude);
                why_rescan = Some(Text::new(
                    "inotify の監視数の上限に達したため、以後 30 秒ごとに確認します",
                    "the inotify watch limit was reached; polling every 30 s",
                ));
            }
        }
        if let Some(why) = why_rescan {
            rescan(ex, log, lang, &why)?;
        }
        let now = Instant::now();
        let due: Vec<Vec<u8>> = pending
            .iter()
            .filter(|(_, p)| {
                p.last
                    .is_some_and(|l| now.duration_since(l) >= opts.debounce)
            })
            .map(|(k, _)| k.clone())
            .collect();
        handle_all(ex, log, lang, pending, due)?;
    }
    Ok(EXIT_OK)
}

/// Notes everything queued (for up to 100 ms) before anything is handled: a
/// burst costs one pass over the pending paths, not one per event. Returns the
/// folders to watch and why to rescan, or `None` when the queue is gone.
fn drain(
    c: &Loop,
    ex: &Examiner,
    pending: &mut BTreeMap<Vec<u8>, Pending>,
) -> Option<(Vec<PathBuf>, Option<Text>)> {
    use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
    let mut new_dirs = Vec::new();
    let mut why_rescan = None;
    let mut next = c.rx.recv_timeout(Duration::from_millis(100));
    let drained = Instant::now();
    loop {
        match next {
            Ok(Ok(ev)) => {
                if ev.need_rescan() {
                    // What came before is lost in part: the rescan covers it.
                    pending.clear();
                    why_rescan = Some(Text::new(
                        "カーネルのイベントキューがあふれました",
                        "the kernel's event queue overflowed",
                    ));
                } else {
                    new_dirs.extend(note(ex, c.log_real, pending, ev));
                }
            }
            // A watch error (a lost watch): rescan to stay right.
            Ok(Err(e)) => {
                why_rescan = Some(Text::new(
                    format!("監視のエラー: {e}"),
                    format!("watcher error: {e}"),
                ))
            }
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
        if drained.elapsed() > Duration::from_millis(100) {
            break;
        }
        next = c.rx.try_recv().map_err(|e| match e {
            TryRecvError::Empty => RecvTimeoutError::Timeout,
            TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
        });
    }
    Some((new_dirs, why_rescan))
}

/// Why to rescan when events were lost on the way: the kernel's queue or the
/// watcher's own overflowed (what is pending is then incomplete and dropped).
fn queue_losses(c: &Loop, pending: &mut BTreeMap<Vec<u8>, Pending>) -> Option<Text> {
    if c.tx.take_overflow() {
        // What is still queued is incomplete; the rescan covers it.
        while c.rx.try_recv().is_ok() {}
        pending.clear();
        Some(overflow::kernel_overflow())
    } else if c.tx.take_lost() {
        pending.clear();
        Some(Text::new(
            "変更が多すぎて監視のキューがあふれました",
            "changes came faster than they could be handled and the watcher's queue overflowed",
        ))
    } else {
        None
    }
}
