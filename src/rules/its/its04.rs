//! ITS-04 — access to protected locations is logged.

use crate::collect::host::linux::auditd::WatchKind;
use crate::collect::host::path_at_or_below;
use crate::collect::host::systemd::UnitState;
use crate::rules::kit::host::*;
use crate::tr;

pub fn its04(ctx: &Context) -> Outcome {
    per_host(ctx, |lx| linux(ctx, lx), |w| Verdict::Decided(windows(w)))
}

/// Samba shares with a full_audit VFS module: (share path, the vfs objects line).
fn audited_shares(lx: &LinuxFacts, module: &str) -> Vec<(String, Line)> {
    let mut out = Vec::new();
    if let Some(Ok(s)) = &lx.samba {
        for sh in s.shares() {
            let Some(path) = s.share_path(sh) else {
                continue;
            };
            if let Some(v) = s.effective(sh, "vfsobjects")
                && v.value.split([' ', ',', '\t']).any(|m| m.trim() == module)
            {
                out.push((path.value.trim_end_matches('/').to_string(), v.line.clone()));
            }
        }
    }
    out
}

pub fn linux(ctx: &Context, lx: &LinuxFacts) -> Verdict {
    let id = "LNX-AUD-001";
    let (_, Check::AuditWatch { service, perms, .. }) = check_of(id) else {
        return Verdict::Decided(Outcome::error(Text::same("policy LNX-AUD-001 is broken")));
    };
    let module = match check_of("LNX-AUD-002") {
        (_, Check::SambaVfsAudit { module, .. }) => module.clone(),
        _ => "full_audit".into(),
    };
    let shares = audited_shares(lx, &module);
    let state = lx.units.state(service);
    // The spec's sources: auditd (unit, rules, auditd.conf) and Samba shares
    // with full_audit. Neither → this host is not assessed.
    let present = lx.audit_rules.is_some()
        || lx.auditd_conf.is_some()
        || state != UnitState::Disabled
        || !shares.is_empty();
    if !present {
        return Verdict::NoSource(Text::new(
            "auditd の設定も、full_audit を使う Samba 共有もありません",
            "there is no auditd configuration and no Samba share with full_audit",
        ));
    }
    let assets = linux_asset_bases(ctx);
    if assets.is_empty() {
        return Verdict::NoSource(Text::new(
            "このホスト上のパスを持つ資産が台帳にありません",
            "the register has no asset with a path on this host",
        ));
    }
    let mut errors = Vec::new();
    if let Some(Err(e)) = &lx.audit_rules {
        errors.push(e.clone());
    }
    if let Some(Err(e)) = &lx.samba {
        errors.push(e.clone());
    }
    if !errors.is_empty() {
        return Verdict::Decided(
            Outcome::error(errors[0].text()).with(errors.iter().map(|e| e.evidence())),
        );
    }
    let enabled = matches!(state, UnitState::Enabled(_));
    let watches: Vec<_> = match &lx.audit_rules {
        Some(Ok(r)) => r
            .watches
            .iter()
            .filter(|w| {
                w.perms
                    .chars()
                    .any(|c| perms.iter().any(|p| p.starts_with(c)))
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut parts = Vec::new();
    for (label, pattern, base) in &assets {
        // `-F path=DIR` watches the directory's own inode, not the files in it:
        // it covers only an asset that is one literal file.
        let literal = !pattern.contains(['*', '?', '[', '{']);
        let by_audit = watches
            .iter()
            .find(|w| w.covers(base) && (literal || w.kind != WatchKind::Path));
        // smbd follows a link in the share's path (see ACC-04).
        let real_base = crate::rules::acc::acc04::real_host_path(ctx.fs, base);
        let by_samba = shares.iter().find(|(p, _)| {
            let real_p = crate::rules::acc::acc04::real_host_path(ctx.fs, p);
            [Some(base.as_str()), real_base.as_deref()]
                .into_iter()
                .flatten()
                .any(|b| {
                    [Some(p.as_str()), real_p.as_deref()]
                        .into_iter()
                        .flatten()
                        .any(|s| path_at_or_below(b, s))
                })
        });
        let asset_ev = Evidence::new(EvidenceKind::Asset)
            .asset(label)
            .path(base.clone());
        let alt = match (by_audit, enabled, by_samba) {
            (Some(w), true, _) => Alt::new(Status::Pass, Text::default()).ev(line_ev(
                &w.line,
                id,
                tr!("{label}（{pattern}）を監視", "watches {label} ({pattern})"),
            )),
            (_, _, Some((sp, l))) => Alt::new(Status::Pass, Text::default()).ev(line_ev(
                l,
                "LNX-AUD-002",
                tr!(
                    "共有 {sp} の full_audit が {label} をカバー",
                    "full_audit on share {sp} covers {label}"
                ),
            )),
            (Some(w), false, None) => Alt::new(
                Status::Fail,
                tr!(
                    "{label} の監視ルールはありますが auditd が有効ではありません",
                    "{label} has an audit rule but auditd is not enabled"
                ),
            )
            .ev(line_ev(
                &w.line,
                id,
                tr!("{label} の監視ルール", "audit rule for {label}"),
            ))
            .ev(asset_ev.detail(pol(
                id,
                Text::new(
                    "auditd が無効なため記録されません",
                    "not logged: auditd is not enabled",
                ),
            ))),
            (None, _, None) => Alt::new(
                Status::Fail,
                tr!(
                    "{label} の保存場所 {base} へのアクセスを記録する監査ルールがありません",
                    "no audit rule logs access to {label}'s location {base}"
                ),
            )
            .ev(asset_ev.detail(pol(
                id,
                Text::new("監視されていない資産", "asset not watched"),
            ))),
        };
        parts.push(alt);
    }
    let mut o = all_of(
        parts,
        tr!(
            "すべての資産（{}件）の保存場所へのアクセスが記録されています",
            "access to all {} asset locations is logged",
            assets.len()
        ),
    );
    if enabled || !watches.is_empty() {
        o.push(lx.units.evidence(service));
    }
    Verdict::Decided(o)
}

pub fn windows(w: &WindowsHost) -> Outcome {
    let id = "WIN-AUD-001";
    let (
        _,
        Check::AuditpolSubcategory {
            guid,
            require_success,
            ..
        },
    ) = check_of(id)
    else {
        return Outcome::error(Text::same("policy WIN-AUD-001 is broken"));
    };
    let a = match &w.auditpol {
        None => return win_missing(w, "auditpol.csv", id),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(a)) => a,
    };
    let g = guid.to_ascii_uppercase();
    if let Some(l) = a.unreadable.get(&g) {
        return Outcome::error(Text::new(
            "auditpol.csv のファイル システムの行の設定値を読み取れません",
            "cannot read the File System row's setting in auditpol.csv",
        ))
        .with([line_ev(l, id, Text::new("不明な設定値", "unknown setting"))]);
    }
    let Some(row) = a.rows.get(&g) else {
        return Outcome::error(tr!(
            "auditpol.csv にサブカテゴリ {g}（ファイル システム）の行がありません",
            "auditpol.csv has no row for subcategory {g} (File System)"
        ))
        .with([Evidence::new(EvidenceKind::Windows)
            .path(w.file_path("auditpol.csv"))
            .detail(pol(id, Text::new("行がありません", "row missing")))]);
    };
    let setting = match (row.success, row.failure) {
        (true, true) => Text::new("成功および失敗", "Success and Failure"),
        (true, false) => Text::new("成功", "Success"),
        (false, true) => Text::new("失敗のみ", "Failure only"),
        (false, false) => Text::new("監査なし", "No Auditing"),
    };
    let ev = line_ev(&row.line, id, setting.clone());
    if row.success || !require_success {
        Outcome::pass(Text::new(
            format!(
                "ファイル システムのオブジェクト アクセス監査が「{}」です",
                setting.ja
            ),
            format!("File System object-access auditing is {}", setting.en),
        ))
        .with([ev])
    } else {
        Outcome::fail(Text::new(
            format!("ファイル システムのオブジェクト アクセス監査が「{}」で、成功したアクセスが記録されません", setting.ja),
            format!("File System object-access auditing is {}, so successful access is not logged", setting.en),
        ))
        .with([ev])
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its04, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its04(ctx)
}
