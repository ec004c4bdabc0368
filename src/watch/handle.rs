//! The line(s) one path's changes make once its burst is over: re-classified
//! with the walk's rules; a folder's line covers the paths below it.

use super::lines::event;
use super::log::ChainLog;
use super::pending::{Pending, by_time_seen, seen_at};
use crate::collect::walk::examine::{Examined, Examiner};
use crate::exit::Fatal;
use crate::i18n::{Lang, Text};
use std::collections::BTreeMap;

/// Handles one path after its burst of events: re-classify and log.
/// Returns the paths below a directory that were examined with it.
/// Handles the pending changes of `hosts` in order; a folder's line covers the
/// paths below it, which are then dropped from `pending` without a line of their own.
pub(super) fn handle_all(
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
