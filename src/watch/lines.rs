//! The watcher's own lines: `started` (after the full walk at the start, linked
//! to the rotated log it continues), signed `checkpoint` and `sealed`,
//! `rescan` after lost events, and the event value every line is made from.

use super::Options;
use super::log::{self, ChainLog, Event};
use super::source::{Source, limit_advice, mode_text};
use crate::collect::walk::examine::Examiner;
use crate::exit::{Fatal, warning_prefix};
use crate::i18n::{Lang, Text};
use std::path::Path;

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

pub(super) fn event(
    kind: &str,
    path: Option<&[u8]>,
    findings: Vec<String>,
    detail: String,
) -> Event {
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

/// The full walk at the start (what is broken now, and the protected contents
/// for HDL-04) and the `started` line: roots, folders, how changes are learnt
/// of, findings, the rotated log this one continues.
pub(super) fn log_start(
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

/// A signed `checkpoint` (only when lines were added since the last one) or
/// the final `sealed` line.
pub(super) fn checkpoint(
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

/// After a lost event queue: walk everything again and log one `rescan` line.
pub(super) fn rescan(
    ex: &mut Examiner,
    log: &mut ChainLog,
    lang: Lang,
    why: &Text,
) -> Result<(), Fatal> {
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
    use crate::collect::walk::examine::watch_roots;
    use crate::profile::Profile;
    use crate::rootfs::RootFs;

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
