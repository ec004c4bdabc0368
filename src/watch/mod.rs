//! Watch mode: keep watching the shares and append one event per change to a
//! hash-chained log (`log.rs`). Each changed path is re-classified with the
//! walk's own rules (`collect::walk::examine`); nothing watched is ever changed.

mod kernel;
pub mod log;
mod overflow;
mod poll;
mod queue;

use crate::collect::walk::examine::{Examined, Examiner, watch_roots};
use crate::exit::{EXIT_OK, Fatal, warning_prefix};
use crate::i18n::{Lang, Text};
use crate::profile::Profile;
use crate::rootfs::RootFs;
use log::{ChainLog, Event};
use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind, RenameMode};
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

/// What happened to a path during one debounce window.
#[derive(Clone, Debug, Default)]
struct Pending {
    created: bool,
    modified: bool,
    removed: bool,
    permissions: bool,
    renamed_from: Option<Vec<u8>>,
    renamed: bool,
    /// Renamed to another watched name, whose `renamed` line says so.
    moved_away: bool,
    last: Option<Instant>,
    /// When the first change of this window was seen: its log line carries this
    /// time, and a batch is logged in this order.
    seen: Option<chrono::DateTime<chrono::Local>>,
}

/// Orders a batch by when each change was seen, not by path (stable: a path
/// without a time keeps its place).
fn by_time_seen(hosts: &mut [Vec<u8>], pending: &BTreeMap<Vec<u8>, Pending>) {
    hosts.sort_by_key(|h| pending.get(h).and_then(|p| p.seen));
}

/// `ev` with the time its change was seen (not the time the batch was handled).
fn seen_at(p: &Pending, mut ev: Event) -> Event {
    if let Some(t) = p.seen {
        ev.time = t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
    }
    ev
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

fn event(kind: &str, path: Option<&[u8]>, findings: Vec<String>, detail: String) -> Event {
    let (p, b64) = match path {
        Some(b) => {
            let pr = crate::collect::walk::PathRef::of(b);
            (Some(pr.path), pr.b64)
        }
        None => (None, None),
    };
    Event {
        seq: 0,
        time: now(),
        event: kind.to_string(),
        path: p,
        path_b64: b64,
        findings,
        detail,
        prev: String::new(),
        sig: None,
    }
}

/// The kernel's limit on inotify watches of the machine running the tool.
fn max_user_watches() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
        .ok()?
        .trim()
        .parse()
        .ok()
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

/// Starts learning of changes: polling with `--poll`, else inotify, or polling
/// every 30 s when the kernel's watch limit was reached (after how many folders).
fn start_source(c: &Loop, ex: &Examiner, fs: &RootFs) -> Result<(Source, Option<usize>), Fatal> {
    let mut limit_hit = None;
    let source = match c.opts.poll {
        Some(secs) => polling(c.tx.clone(), secs, ex, c.exclude),
        None => match watch_kernel(ex, fs, c.real_roots, c.tx.clone())? {
            Ok(k) => Source::Kernel(k),
            Err(watched) => {
                limit_hit = Some(watched);
                polling(c.tx.clone(), 30, ex, c.exclude)
            }
        },
    };
    Ok((source, limit_hit))
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

/// The full walk at the start (what is broken now, and the protected contents
/// for HDL-04) and the `started` line: roots, folders, how changes are learnt
/// of, findings, the rotated log this one continues.
fn log_start(
    ex: &mut Examiner,
    log: &mut ChainLog,
    source: &Source,
    limit_hit: Option<usize>,
    opts: &Options,
) -> Result<(), Fatal> {
    let lang = opts.lang;
    let t = |ja: String, en: String| Text::new(ja, en).get(lang).to_string();
    let facts = ex
        .walk_all()
        .map_err(|e| Fatal(format!("cannot walk the shares: {e}")))?;
    let dirs = facts.counts.dirs;
    let start_findings = findings_of(&facts);
    if let Some(watched) = limit_hit {
        eprintln!(
            "{}{}",
            warning_prefix(lang),
            limit_advice(watched, Some(dirs), lang)
        );
    }
    let mode = mode_text(source, limit_hit, lang);
    let roots_text: Vec<String> = ex
        .roots()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.host).into_owned())
        .collect();
    let summary = summarize(&start_findings, lang);
    let detail = t(
        format!(
            "監視開始: {}（ディレクトリ {dirs} 件、{mode}）。開始時点の問題: {summary}",
            roots_text.join(", ")
        ),
        format!(
            "watching {} ({dirs} directories, {mode}); findings at start: {summary}",
            roots_text.join(", ")
        ),
    );
    let detail = match (&opts.previous_log, log.is_new()) {
        (Some(prev), true) => format!("{detail}; {}", link_to(prev, lang)),
        _ => detail,
    };
    log.append(event("started", None, ids(&start_findings), detail))?;
    let log_name = opts.log.display();
    eprintln!(
        "{}",
        t(
            format!("timaudit watch: {log_name} に記録しています（Ctrl-C で停止）"),
            format!("timaudit watch: logging to {log_name} (Ctrl-C to stop)"),
        )
    );
    Ok(())
}

/// How changes are learnt of, for the `started` line (polling, and why; or
/// inotify, warning when close to the kernel's watch limit), with the folders
/// that cannot be watched.
fn mode_text(source: &Source, limit_hit: Option<usize>, lang: Lang) -> String {
    let t = |ja: String, en: String| Text::new(ja, en).get(lang).to_string();
    match source {
        Source::Poll {
            secs, unreadable, ..
        } => {
            let m = match limit_hit {
                None => t(
                    format!("{secs} 秒ごとに確認"),
                    format!("polling every {secs} s"),
                ),
                Some(_) => t(
                    format!("inotify の監視数の上限に達したため {secs} 秒ごとに確認"),
                    format!("polling every {secs} s: the inotify watch limit was reached"),
                ),
            };
            unwatchable_note(m, unreadable, unreadable.len(), lang)
        }
        Source::Kernel(k) => {
            if let Some(limit) = max_user_watches()
                && (k.watched as u64) * 10 > limit * 9
            {
                let n = k.watched;
                eprintln!(
                    "{}{}",
                    warning_prefix(lang),
                    crate::tr!(
                        "{n} 個のディレクトリを監視していて、fs.inotify.max_user_watches = {limit} に近づいています。sysctl で上限を上げてください",
                        "{n} directories are watched, close to fs.inotify.max_user_watches = {limit}; raise it with sysctl"
                    )
                    .get(lang)
                );
            }
            unwatchable_note("inotify".into(), &k.unwatchable, k.unwatchable_count, lang)
        }
    }
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

/// A signed `checkpoint` (only when lines were added since the last one) or
/// the final `sealed` line.
fn checkpoint(
    log: &mut ChainLog,
    key: &crate::sign::Signer,
    kind: &str,
    lang: Lang,
) -> Result<(), Fatal> {
    if kind == log::CHECKPOINT && log.unsigned_lines() == 0 {
        return Ok(());
    }
    let (n, fp) = (log.unsigned_lines(), key.fingerprint());
    let detail = if kind == log::SEALED {
        crate::tr!(
            "監視を停止し、鍵 {fp} でログを封印しました",
            "the watcher stopped and sealed the log with key {fp}"
        )
    } else {
        crate::tr!(
            "チェックポイント: ここまでの {n} 行を鍵 {fp} で署名しました",
            "checkpoint: the {n} lines before it signed with key {fp}"
        )
    };
    let ev = event(kind, None, Vec::new(), detail.get(lang).to_string());
    log.append_signed(ev, key)?;
    Ok(())
}

/// The watch mode for the `started` line, with the folders that cannot be
/// watched (also warned about on stderr).
fn unwatchable_note(mode: String, named: &[(Vec<u8>, String)], n: usize, lang: Lang) -> String {
    if n == 0 {
        return mode;
    }
    let named: Vec<String> = named
        .iter()
        .take(5)
        .map(|(h, why)| {
            format!(
                "{} ({why})",
                crate::report::one_line(&String::from_utf8_lossy(h))
            )
        })
        .collect();
    let more = if n > named.len() { ", …" } else { "" };
    let text = Text::new(
        format!("監視できないフォルダ（{n} 件）: {}{more}", named.join(", ")),
        format!(
            "directories that cannot be watched ({n}): {}{more}",
            named.join(", ")
        ),
    )
    .get(lang)
    .to_string();
    eprintln!("{}{text}", warning_prefix(lang));
    format!("{mode}; {text}")
}

/// The `started` line's note on the rotated log this one continues.
fn link_to(prev: &Path, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    match log::verify(prev, None) {
        Ok(log::Verdict::Intact {
            lines,
            last_seq,
            last_hash,
            ..
        }) if lines > 0 => {
            if ja {
                format!(
                    "前のログ {} の続き（最終 seq {last_seq}、最終行の SHA-256 {last_hash}）",
                    prev.display()
                )
            } else {
                format!(
                    "continues {} (last seq {last_seq}, SHA-256 of its last line {last_hash})",
                    prev.display()
                )
            }
        }
        Ok(log::Verdict::Intact { .. }) => String::new(),
        Ok(log::Verdict::Broken { line, reason, .. }) => {
            let reason = reason.get(if ja { Lang::Ja } else { Lang::En });
            let p = prev.display();
            eprintln!(
                "{}{}",
                warning_prefix(lang),
                crate::tr!(
                    "前のログ {p} は {line} 行目で壊れています: {reason}",
                    "the previous log {p} is broken at line {line}: {reason}"
                )
                .get(lang)
            );
            if ja {
                format!(
                    "前のログ {} は {line} 行目でハッシュチェーンが切れています（{reason}）",
                    prev.display()
                )
            } else {
                format!(
                    "the previous log {} is broken at line {line} ({reason})",
                    prev.display()
                )
            }
        }
        Err(e) => {
            if ja {
                format!("前のログを読めません: {}", e.ja)
            } else {
                format!("the previous log cannot be read: {}", e.en)
            }
        }
    }
}

/// Polls the roots every `secs` seconds (lists them once now).
fn polling(tx: queue::Sink, secs: u64, ex: &Examiner, exclude: &[String]) -> Source {
    let trees = ex
        .roots()
        .iter()
        .map(|r| poll::Tree {
            host: r.host.clone(),
            fs: ex.fs().clone(),
        })
        .collect();
    let (poller, unreadable) =
        poll::Poller::start(trees, exclude, Duration::from_secs(secs.max(1)), tx);
    Source::Poll {
        _poller: poller,
        secs,
        unreadable,
    }
}

/// How changes are learnt of.
enum Source {
    /// inotify, one watch per directory.
    Kernel(kernel::Kernel),
    /// Polling every so many seconds (network shares, or above the watch limit).
    Poll {
        /// Kept alive: dropping it stops polling.
        _poller: poll::Poller,
        secs: u64,
        /// Folders that could not be listed (host path, why).
        unreadable: Vec<(Vec<u8>, String)>,
    },
}

/// Watches every share root, each folder in it, and each root's parent (without
/// its other content), so that a root removed and created again is seen.
/// `Err(n)`: the kernel's watch limit was reached after `n` folders.
fn watch_kernel(
    ex: &Examiner,
    fs: &RootFs,
    real_roots: &[PathBuf],
    tx: queue::Sink,
) -> Result<Result<kernel::Kernel, usize>, Fatal> {
    let mut k = kernel::Kernel::new(tx)
        .map_err(|e| Fatal(format!("cannot start the file watcher: {e}")))?;
    for real in real_roots {
        if let Some(parent) = real.parent()
            && parent.starts_with(fs.root())
            && k.add_one_in(fs, parent).is_err()
        {
            return Ok(Err(k.watched));
        }
        if k.add_tree(ex, real).is_err() {
            return Ok(Err(k.watched));
        }
    }
    Ok(Ok(k))
}

/// What to do when inotify watches ran out after `watched` of `dirs` folders.
/// The limit is shared by every program of the same user, so it can be reached
/// below it: the advice is always above the current limit.
fn limit_advice(watched: usize, dirs: Option<u64>, lang: Lang) -> String {
    let limit = max_user_watches();
    let need = dirs.unwrap_or(watched as u64);
    let raise_to = match limit {
        Some(l) => l + need.max(1024),
        None => (need * 2).max(65536),
    };
    let of = dirs.map(|d| format!(" of {d}")).unwrap_or_default();
    let of_ja = dirs.map(|d| format!(" / {d}")).unwrap_or_default();
    let limit = limit.map(|l| l.to_string()).unwrap_or_else(|| "?".into());
    crate::tr!(
        "inotify の監視数が {watched}{of_ja} 個のディレクトリで尽きました（fs.inotify.max_user_watches = {limit}、このユーザーのすべてのプログラムで共有）。\
         上限を上げる（sysctl -w fs.inotify.max_user_watches={raise_to}、残すには /etc/sysctl.d/ にも）か --poll を使ってください。それまでは 30 秒ごとに確認します",
        "inotify watches ran out after {watched}{of} directories (fs.inotify.max_user_watches = {limit}, shared by all programs of this user); \
         raise it (sysctl -w fs.inotify.max_user_watches={raise_to}, and in /etc/sysctl.d/ to keep it) or use --poll; polling every 30 s meanwhile"
    )
    .get(lang)
    .to_string()
}

/// Items broken somewhere in a full walk, with how many findings each, in
/// checklist order (as on each file's line).
fn findings_of(f: &crate::collect::walk::ShareFacts) -> Vec<(String, usize)> {
    f.findings
        .iter()
        .filter(|(id, list)| {
            !list.is_empty()
                && crate::rules::rule_for(**id)
                    .and_then(|r| r.file_check)
                    .is_some_and(|c| c.watched())
        })
        .map(|(id, list)| (id.to_string(), list.total() as usize))
        .collect()
}

fn ids(m: &[(String, usize)]) -> Vec<String> {
    m.iter().map(|(id, _)| id.clone()).collect()
}

fn summarize(m: &[(String, usize)], lang: Lang) -> String {
    if m.is_empty() {
        return Text::new("なし", "none").get(lang).to_string();
    }
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Records one notify event in the pending window of its path(s). Returns the
/// folders it created, moved in or re-permissioned, which need watches of their
/// own.
fn note(
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

/// Handles one path after its burst of events: re-classify and log.
/// Returns the paths below a directory that were examined with it.
/// Handles the pending changes of `hosts` in order; a folder's line covers the
/// paths below it, which are then dropped from `pending` without a line of their own.
fn handle_all(
    ex: &mut Examiner,
    log: &mut ChainLog,
    lang: Lang,
    pending: &mut BTreeMap<Vec<u8>, Pending>,
    mut hosts: Vec<Vec<u8>>,
) -> Result<(), Fatal> {
    by_time_seen(&mut hosts, pending);
    for host in hosts {
        // Already logged with the directory it is in.
        let Some(p) = pending.remove(&host) else {
            continue;
        };
        for h in handle(ex, log, lang, &host, &p)? {
            pending.remove(&h);
        }
    }
    Ok(())
}

fn handle(
    ex: &mut Examiner,
    log: &mut ChainLog,
    lang: Lang,
    host: &[u8],
    p: &Pending,
) -> Result<Vec<Vec<u8>>, Fatal> {
    let e = ex.examine(host);
    if !e.watched {
        return Ok(Vec::new());
    }
    if !e.exists {
        if p.created || p.renamed_from.is_some() || p.moved_away {
            // Created and gone again within one window (an editor's temporary
            // file): nothing to classify, and nothing existed before. Or renamed:
            // the line for its new name says where it came from.
            return Ok(Vec::new());
        }
        let d = Text::new(
            "削除されました（または移動されました）",
            "removed (or moved away)",
        );
        log.append(seen_at(
            p,
            event("removed", Some(host), Vec::new(), d.get(lang).into()),
        ))?;
        return Ok(Vec::new());
    }
    let kind = kind_of(p);
    let mut detail = details(&e, lang);
    if let Some(from) = &p.renamed_from {
        detail = with_origin(from, &detail, lang);
    }
    // A directory created, moved in or re-permissioned: everything below it too.
    if e.is_dir && (kind != "modified") {
        let below = ex.examine_tree(host);
        let ids = tree_ids(&e, &below);
        let n = below.len();
        // The folder's own "no findings" would contradict the files below it.
        if e.details.is_empty() && e.problem.is_none() {
            detail = match &p.renamed_from {
                Some(from) => {
                    let f = String::from_utf8_lossy(from);
                    Text::new(format!("移動元 {f}"), format!("from {f}"))
                        .get(lang)
                        .to_string()
                }
                None => String::new(),
            };
        }
        let d = if lang == Lang::Ja {
            format!("フォルダ（配下の問題のあるファイル {n} 件）{detail}")
        } else {
            format!("directory ({n} files below it break items) {detail}")
        };
        log.append(seen_at(
            p,
            event(kind, Some(host), ids, d.trim_end().to_string()),
        ))?;
        let mut covered = Vec::new();
        for (h, x) in below {
            let ids = x.findings.iter().map(|s| s.to_string()).collect();
            log.append(seen_at(p, event(kind, Some(&h), ids, details(&x, lang))))?;
            covered.push(h);
        }
        return Ok(covered);
    }
    let ids = e.findings.iter().map(|s| s.to_string()).collect();
    log.append(seen_at(p, event(kind, Some(host), ids, detail)))?;
    Ok(Vec::new())
}

/// The event a path's changes in one window make.
fn kind_of(p: &Pending) -> &'static str {
    if p.renamed || p.renamed_from.is_some() {
        "renamed"
    } else if p.created {
        "created"
    } else if p.permissions && !p.modified {
        "permissions"
    } else {
        "modified"
    }
}

/// `detail` after where the path was moved from.
fn with_origin(from: &[u8], detail: &str, lang: Lang) -> String {
    let f = String::from_utf8_lossy(from);
    format!(
        "{} {f}; {detail}",
        if lang == Lang::Ja {
            "移動元"
        } else {
            "from"
        }
    )
}

/// The items a folder and the files below it break, in checklist order, once each
/// (as on each file's line).
fn tree_ids(e: &Examined, below: &[(Vec<u8>, Examined)]) -> Vec<String> {
    let mut found = e.findings.clone();
    for (_, x) in below {
        found.extend(&x.findings);
    }
    found.sort();
    found.dedup();
    found.iter().map(|s| s.to_string()).collect()
}

fn details(e: &Examined, lang: Lang) -> String {
    let mut parts: Vec<String> = e.details.iter().map(|d| d.get(lang).to_string()).collect();
    if let Some(p) = &e.problem {
        parts.push(format!(
            "{}: {p}",
            if lang == Lang::Ja {
                "読み取れない部分があります"
            } else {
                "not fully readable"
            }
        ));
    }
    if parts.is_empty() {
        return Text::new("問題なし", "no findings").get(lang).to_string();
    }
    parts.join("; ")
}

/// After a lost event queue: walk everything again and log one `rescan` line.
fn rescan(ex: &mut Examiner, log: &mut ChainLog, lang: Lang, why: &Text) -> Result<(), Fatal> {
    let w = Text::new(
        format!("注意: イベントが失われました（{}）。再走査します", why.ja),
        format!("warning: events were lost ({}): rescanning", why.en),
    );
    eprintln!("{}", w.get(lang));
    let facts = ex
        .walk_all()
        .map_err(|e| Fatal(format!("cannot walk the shares: {e}")))?;
    let f = findings_of(&facts);
    let s = summarize(&f, lang);
    let d = if lang == Lang::Ja {
        format!("再走査しました（{}）。現在の問題: {s}", why.ja)
    } else {
        format!("rescanned ({}); findings now: {s}", why.en)
    };
    log.append(event("rescan", None, ids(&f), d))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rescan_walks_everything_again_and_logs_what_is_broken() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::create_dir_all(root.join("srv/share/public")).unwrap();
        std::fs::write(root.join("etc/passwd"), "root:x:0:0::/root:/bin/sh\n").unwrap();
        std::fs::write(root.join("etc/group"), "root:x:0:\n").unwrap();
        std::fs::write(root.join("srv/share/public/社外秘.txt"), "x").unwrap();
        // Readable by everyone: ACC-03, listed after HDL-02 as on each file's line.
        std::fs::create_dir_all(root.join("srv/share/design")).unwrap();
        std::fs::write(root.join("srv/share/design/a.dwg"), "a").unwrap();
        use std::os::unix::fs::PermissionsExt;
        for (p, m) in [
            ("srv/share", 0o755),
            ("srv/share/design", 0o755),
            ("srv/share/design/a.dwg", 0o644),
        ] {
            std::fs::set_permissions(root.join(p), std::fs::Permissions::from_mode(m)).unwrap();
        }
        let mut profile = Profile::empty();
        profile.scope.shares = vec!["/srv/share".into()];
        profile.markers = vec!["社外秘".into()];
        profile.assets = vec![crate::profile::Asset {
            paths: vec!["/srv/share/design/**".into()],
            ..Default::default()
        }];
        let fs = RootFs::new(&root);
        let checks = crate::rules::file_checks();
        let mut ex = Examiner::new(&fs, &profile, None, &checks, watch_roots(&profile));
        let mut log = ChainLog::open(&d.path().join("w.log")).unwrap();
        let why = Text::new(
            "キューがあふれました",
            "the kernel's event queue overflowed",
        );
        rescan(&mut ex, &mut log, Lang::En, &why).unwrap();
        rescan(&mut ex, &mut log, Lang::Ja, &why).unwrap();
        let text = std::fs::read_to_string(d.path().join("w.log")).unwrap();
        let l: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(l["event"], "rescan");
        assert_eq!(l["findings"], serde_json::json!(["HDL-02", "ACC-03"]));
        assert!(
            l["detail"]
                .as_str()
                .unwrap()
                .ends_with("findings now: HDL-02 1, ACC-03 1"),
            "{l}"
        );
        assert!(l["detail"].as_str().unwrap().contains("queue overflowed"));
        let l: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
        assert!(
            l["detail"]
                .as_str()
                .unwrap()
                .starts_with("再走査しました（キューがあふれました）"),
            "{l}"
        );
    }
}

#[cfg(test)]
mod seen_tests {
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
