//! How the watcher learns of changes: inotify (one watch per folder), or
//! polling (`--poll`, or when the kernel's watch limit is reached), and what
//! the `started` line and stderr say about it.

use super::{Loop, kernel, poll, queue};
use crate::collect::walk::examine::Examiner;
use crate::exit::{Fatal, warning_prefix};
use crate::i18n::{Lang, Text};
use crate::rootfs::RootFs;
use std::path::PathBuf;
use std::time::Duration;

/// The kernel's limit on inotify watches of the machine running the tool.
fn max_user_watches() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/fs/inotify/max_user_watches")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Starts learning of changes: polling with `--poll`, else inotify, or polling
/// every 30 s when the kernel's watch limit was reached (after how many folders).
pub(super) fn start_source(
    c: &Loop,
    ex: &Examiner,
    fs: &RootFs,
) -> Result<(Source, Option<usize>), Fatal> {
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

/// How changes are learnt of, for the `started` line (polling, and why; or
/// inotify, warning when close to the kernel's watch limit), with the folders
/// that cannot be watched.
pub(super) fn mode_text(source: &Source, limit_hit: Option<usize>, lang: Lang) -> String {
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

/// Polls the roots every `secs` seconds (lists them once now).
pub(super) fn polling(tx: queue::Sink, secs: u64, ex: &Examiner, exclude: &[String]) -> Source {
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
pub(super) enum Source {
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
pub(super) fn limit_advice(watched: usize, dirs: Option<u64>, lang: Lang) -> String {
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
