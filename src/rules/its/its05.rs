//! ITS-05 — logs are kept for the required period.

use crate::collect::host::linux::auditd::AuditdConf;
use crate::collect::host::linux::logs::Journald;
use crate::collect::host::systemd::parse_timespan;
use crate::collect::host::windows::wevtutil::LogConfig;
use crate::rules::kit::host::*;
use crate::tr;

const JOURNALD: &str = "LNX-LOG-001";
const AUDITD: &str = "LNX-LOG-003";

pub fn its05(ctx: &Context) -> Outcome {
    let days = ctx.profile.thresholds.log_retention_days;
    per_host(ctx, |lx| linux(lx, days), windows)
}

pub fn linux(lx: &LinuxFacts, need: u64) -> Verdict {
    let need_f = need as f64;
    let mut parts: Vec<Alt> = Vec::new();
    journald(lx, need, need_f, &mut parts);
    logrotate(lx, need, need_f, &mut parts);
    auditd(lx, &mut parts);
    if parts.is_empty() {
        // Logs exist on every Linux host; no configuration that keeps them is a
        // missing control, never "not applicable".
        return Verdict::Decided(
            Outcome::fail(tr!(
                "{need} 日以上ログを保存する設定がありません（journald.conf、対象ログの logrotate 設定、auditd.conf のいずれもありません）",
                "nothing keeps logs for {need} days: there is no journald.conf, no logrotate stanza for the listed logs and no auditd.conf"
            ))
            .with([
                file_missing("/etc/systemd/journald.conf", "LNX-LOG-001"),
                note("/etc/logrotate.conf", pol("LNX-LOG-002", Text::new("対象ログの設定がありません", "no stanza for the listed logs"))),
                file_missing("/etc/audit/auditd.conf", "LNX-LOG-003"),
            ]),
        );
    }
    let n = parts.len();
    let warnings: Vec<Evidence> = match &lx.journald {
        Some(Ok(j)) => j.warnings.iter().map(warning_ev).collect(),
        _ => Vec::new(),
    };
    if let Some(a) = parts.first_mut() {
        a.evidence.extend(warnings);
    }
    Verdict::Decided(all_of(
        parts,
        tr!(
            "見つかったログの設定（{n} 件）はすべて {need} 日以上ログを保存します",
            "every log source found ({n}) keeps logs for at least {need} days"
        ),
    ))
}

/// LNX-LOG-001: journald's storage and retention.
fn journald(lx: &LinuxFacts, need: u64, need_f: f64, parts: &mut Vec<Alt>) {
    let (
        _,
        Check::JournaldRetention {
            forbidden_storage,
            retention_key,
            ..
        },
    ) = check_of(JOURNALD)
    else {
        return;
    };
    match &lx.journald {
        Some(Err(e)) => parts.push(Alt::error(e)),
        Some(Ok(j)) => {
            let (storage, evs) = journald_storage(j);
            let alt = if !["volatile", "persistent", "auto", "none"].contains(&storage.as_str()) {
                Alt::new(
                    Status::Error,
                    tr!(
                        "journald の Storage={storage} は不正な値です",
                        "journald Storage={storage} is not a valid value"
                    ),
                )
                .evs(evs)
            } else if forbidden_storage.contains(&storage) {
                Alt::new(
                    Status::Fail,
                    tr!(
                        "journald が Storage={storage} のため、再起動でログが消えます（保存日数 0 日）",
                        "journald has Storage={storage}, so its logs are lost at reboot (kept 0 days)"
                    ),
                )
                .evs(evs)
            } else {
                journald_retention(j, retention_key, evs, need, need_f)
            };
            parts.push(alt);
        }
        None => {}
    }
}

/// journald's Storage= (lower case, `auto` when unset) and the evidence
/// that says where it comes from, with a warning when it may stay in memory.
fn journald_storage(j: &Journald) -> (String, Vec<Evidence>) {
    let storage = j
        .get("Storage")
        .map(|(v, l)| (v.to_ascii_lowercase(), Some(l.clone())));
    let (storage, sline) = storage.unwrap_or(("auto".into(), None));
    let mut evs = Vec::new();
    match &sline {
        Some(l) => evs.push(line_ev(
            l,
            JOURNALD,
            tr!("Storage={storage}", "Storage={storage}"),
        )),
        None => evs.extend(j.files.first().map(|f| {
            file_ev(
                f,
                JOURNALD,
                Text::new(
                    "Storage は未設定（既定値 auto）",
                    "Storage not set (default auto)",
                ),
            )
        })),
    }
    if storage == "auto" && !j.var_log_journal {
        evs.push(note(
            "/var/log/journal",
            pol(JOURNALD, Text::new(
                "Storage=auto で /var/log/journal がないため、ジャーナルはメモリー上にしか保存されない可能性があります（rsyslog などのファイルのログを確認してください）",
                "Storage=auto and /var/log/journal does not exist, so the journal may be kept in memory only (check file logs such as rsyslog's)",
            )),
        ));
    }
    (storage, evs)
}

/// journald on disk: its `retention_key` (no limit when unset) against the
/// `need` days.
fn journald_retention(
    j: &Journald,
    retention_key: &str,
    mut evs: Vec<Evidence>,
    need: u64,
    need_f: f64,
) -> Alt {
    let Some((v, l)) = j.get(retention_key) else {
        evs.push(Evidence::new(EvidenceKind::Note).detail(pol(
            JOURNALD,
            tr!(
                "journald: {retention_key} なし（期間の上限なし）",
                "journald: no {retention_key} (no time limit)"
            ),
        )));
        return Alt::new(Status::Pass, Text::default()).evs(evs);
    };
    let Some(secs) = parse_timespan(v) else {
        return Alt::new(
            Status::Error,
            tr!(
                "{retention_key}={v} を期間として解釈できません",
                "cannot read {retention_key}={v} as a time span"
            ),
        )
        .evs(evs)
        .ev(line_ev(
            l,
            JOURNALD,
            Text::new("解釈できない期間", "unreadable time span"),
        ));
    };
    let d = secs / 86_400.0;
    let unlimited = secs == 0.0 || secs.is_infinite();
    let shown = if unlimited {
        "∞".to_string()
    } else {
        days_text(d)
    };
    let ev = line_ev(
        l,
        JOURNALD,
        tr!("journald: {shown} 日", "journald: {shown} days"),
    );
    if unlimited || d + 1e-9 >= need_f {
        Alt::new(Status::Pass, Text::default()).evs(evs).ev(ev)
    } else {
        Alt::new(
            Status::Fail,
            tr!(
                "journald の {retention_key}={v} は {shown} 日で、必要な {need} 日に足りません",
                "journald's {retention_key}={v} is {shown} days, short of the required {need}"
            ),
        )
        .evs(evs)
        .ev(ev)
    }
}

/// LNX-LOG-002: logrotate stanzas of the listed logs.
fn logrotate(lx: &LinuxFacts, need: u64, need_f: f64, parts: &mut Vec<Alt>) {
    // LNX-LOG-002 logrotate
    if let (_, Check::LogrotateRetention { logs, .. }) = check_of("LNX-LOG-002") {
        let id = "LNX-LOG-002";
        match &lx.logrotate {
            Some(Err(e)) => parts.push(Alt::error(e)),
            Some(Ok(lr)) => {
                for log in logs {
                    let Some(st) = lr.stanzas.iter().find(|s| s.covers(log)) else {
                        continue;
                    };
                    let r = &st.settings;
                    let mut evs = vec![line_ev(
                        &st.line,
                        id,
                        tr!("{log} のローテーション設定", "rotation stanza for {log}"),
                    )];
                    if let Some((n, l)) = &r.rotate {
                        evs.push(line_ev(l, id, tr!("rotate {n}", "rotate {n}")));
                    }
                    if let Some((p, l)) = &r.period {
                        let name = p.name();
                        evs.push(line_ev(l, id, Text::same(name)));
                    }
                    if let Some((a, l)) = &r.maxage {
                        evs.push(line_ev(l, id, tr!("maxage {a}", "maxage {a}")));
                    }
                    if let Some(l) = &r.size {
                        parts.push(
                        Alt::new(
                            Status::Fail,
                            tr!(
                                "{log} はサイズでローテーションされ（{}）、保存期間を保証できません",
                                "{log} is rotated by size ({}), which guarantees no retention period",
                                l.at()
                            ),
                        )
                        .evs(evs)
                        .ev(line_ev(l, id, Text::new("サイズによるローテーション", "rotation by size"))),
                    );
                        continue;
                    }
                    let days = r.days();
                    let shown = days.map(days_text).unwrap_or_else(|| "∞".into());
                    let detail = tr!("{log}: {shown} 日", "{log}: {shown} days");
                    evs[0] = line_ev(&st.line, id, detail);
                    if days.is_none_or(|d| d + 1e-9 >= need_f) {
                        parts.push(Alt::new(Status::Pass, Text::default()).evs(evs));
                    } else {
                        let rotate = r.rotate.as_ref().map(|(n, _)| *n).unwrap_or(0);
                        let period = r.period.as_ref().map(|(p, _)| p.name()).unwrap_or("daily");
                        // Say what capped it: the rotation count, or maxage.
                        let how = match &r.maxage {
                            Some((a, _)) if days.is_some_and(|d| d + 1e-9 >= *a as f64) => {
                                format!("{period} × rotate {rotate}, maxage {a}")
                            }
                            _ => format!("{period} × rotate {rotate}"),
                        };
                        parts.push(
                        Alt::new(
                            Status::Fail,
                            tr!(
                                "logrotate は {log} を {shown} 日分（{how}）しか残さず、必要な {need} 日に足りません",
                                "logrotate keeps {log} for {shown} days ({how}), short of the required {need}"
                            ),
                        )
                        .evs(evs),
                    );
                    }
                }
            }
            None => {}
        }
    }
}

/// LNX-LOG-003: auditd's rotation, which passes only with forwarding (ITS-06).
fn auditd(lx: &LinuxFacts, parts: &mut Vec<Alt>) {
    let (_, Check::AuditdRetention { keep_actions, .. }) = check_of(AUDITD) else {
        return;
    };
    match &lx.auditd_conf {
        Some(Err(e)) => parts.push(Alt::error(e)),
        Some(Ok(c)) => {
            let (action, evs) = auditd_action(c);
            if keep_actions.contains(&action) {
                parts.push(Alt::new(Status::Pass, Text::default()).evs(evs));
            } else {
                parts.push(auditd_rotation(lx, c, &action, evs));
            }
        }
        None => {}
    }
}

/// auditd's max_log_file_action (`rotate` when unset) and where it comes from.
fn auditd_action(c: &AuditdConf) -> (String, Vec<Evidence>) {
    match &c.max_log_file_action {
        Some((a, l)) => (
            a.clone(),
            vec![line_ev(
                l,
                AUDITD,
                tr!("max_log_file_action = {a}", "max_log_file_action = {a}"),
            )],
        ),
        None => (
            "rotate".to_string(),
            c.file
                .iter()
                .map(|f| {
                    file_ev(
                        f,
                        AUDITD,
                        Text::new(
                            "max_log_file_action は未設定（既定値 rotate）",
                            "max_log_file_action not set (default rotate)",
                        ),
                    )
                })
                .collect(),
        ),
    }
}

/// auditd deletes old logs by size (`action`): kept only when the logs are
/// forwarded (ITS-06).
fn auditd_rotation(lx: &LinuxFacts, c: &AuditdConf, action: &str, mut evs: Vec<Evidence>) -> Alt {
    let num = c
        .num_logs
        .as_ref()
        .map(|(v, _)| v.clone())
        .unwrap_or_else(|| "0".into());
    let size = c
        .max_log_file
        .as_ref()
        .map(|(v, _)| v.clone())
        .unwrap_or_else(|| "8".into());
    if let Some((v, l)) = &c.num_logs {
        evs.push(line_ev(
            l,
            AUDITD,
            tr!("ログファイルは {v} 個まで", "keeps {v} log files"),
        ));
    }
    if let Some((v, l)) = &c.max_log_file {
        evs.push(line_ev(
            l,
            AUDITD,
            tr!("1 ファイル {v} MB", "{v} MB per file"),
        ));
    }
    evs.push(
        Evidence::new(EvidenceKind::Note)
            .path(c.file.as_ref().map(|f| f.path.clone()).unwrap_or_default())
            .detail(pol(
                AUDITD,
                tr!(
                    "auditd: {num} 個 × {size} MB をサイズでローテーション（日数は計算できません）",
                    "auditd: rotates {num} files × {size} MB by size (no day count can be computed)"
                ),
            )),
    );
    if super::its06::linux_status(lx) == Some(Status::Pass) {
        Alt::new(Status::Pass, Text::default())
            .evs(evs)
            .ev(Evidence::new(EvidenceKind::Note).detail(pol(
                AUDITD,
                Text::new(
                    "ログは転送されています（ITS-06）",
                    "logs are forwarded (ITS-06)",
                ),
            )))
    } else {
        Alt::new(
            Status::Fail,
            tr!(
                "auditd は max_log_file_action={action} で古い監査ログを消し（{num} 個 × {size} MB）、ログの転送もありません",
                "auditd deletes old audit logs (max_log_file_action={action}, {num} files × {size} MB) and the logs are not forwarded"
            ),
        )
        .evs(evs)
    }
}

pub fn windows(w: &WindowsHost) -> Verdict {
    let errs = w.reg_errors(&other_items_reg_exports(ItemId::Its05));
    match windows_local(w) {
        Verdict::Decided(o) => Verdict::Decided(with_reg_errors(o, &errs, false)),
        v => v,
    }
}

fn windows_local(w: &WindowsHost) -> Verdict {
    let id = "WIN-LOG-001";
    let (
        _,
        Check::WindowsLogRetention {
            file,
            log,
            policy_key,
            retention_value,
            ..
        },
    ) = check_of(id)
    else {
        return Verdict::Decided(Outcome::error(Text::same("policy WIN-LOG-001 is broken")));
    };
    // Group Policy first.
    if let Some((_, v)) = w.reg_value(policy_key, retention_value)
        && let Some(n) = v.data.as_u64()
    {
        let ev = line_ev(
            &v.line,
            id,
            Text::new("グループポリシーの設定", "Group Policy setting"),
        );
        return Verdict::Decided(if n == 1 {
            Outcome::pass(Text::new(
                "グループポリシーでセキュリティ ログを上書きしない設定です",
                "Group Policy keeps the Security log from being overwritten",
            ))
            .with([ev])
        } else {
            Outcome::fail(Text::new(
                "グループポリシーでセキュリティ ログが必要に応じて上書きされる設定です",
                "Group Policy lets the Security log overwrite old events",
            ))
            .with([ev])
        });
    }
    let c = match &w.eventlog {
        None => return Verdict::Decided(win_missing(w, file, id)),
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(c)) => c,
    };
    if let Some(o) = other_log(w, c, id, file, log) {
        return Verdict::Decided(o);
    }
    let mode = c.mode();
    let mut evs = Vec::new();
    if let Some((_, l)) = &c.retention {
        evs.push(line_ev(l, id, mode.clone()));
    }
    if let Some((_, l)) = &c.auto_backup {
        evs.push(line_ev(l, id, Text::same("autoBackup")));
    }
    Verdict::Decided(if c.keeps_events() {
        Outcome::pass(Text::new(
            format!("セキュリティ ログの保持方法は「{}」です", mode.ja),
            format!("the Security log is set to {}", mode.en),
        ))
        .with(evs)
    } else {
        Outcome::fail(Text::new(
            format!(
                "セキュリティ ログの保持方法が「{}」で、古いイベントが消えます",
                mode.ja
            ),
            format!(
                "the Security log is set to {}, so old events are lost",
                mode.en
            ),
        ))
        .with(evs)
    })
}

/// The export of another log (`wevtutil gl Application`) says nothing about
/// `log`: an error naming both.
fn other_log(w: &WindowsHost, c: &LogConfig, id: &str, file: &str, log: &str) -> Option<Outcome> {
    let n = c.name.as_deref().filter(|n| !n.eq_ignore_ascii_case(log))?;
    Some(
        Outcome::error(tr!(
            "{file} は {n} ログの設定で、{log} ログのものではありません（`wevtutil gl {log}` で収集し直してください）",
            "{file} holds the settings of the {n} log, not of the {log} log (collect `wevtutil gl {log}` again)"
        ))
        .with([Evidence::new(EvidenceKind::Windows)
            .path(w.file_path(file))
            .detail(pol(id, Text::same(format!("name: {n}"))))]),
    )
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its05, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its05(ctx)
}
