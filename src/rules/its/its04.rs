//! ITS-04 — access to protected locations is logged.

use crate::collect::host::linux::auditd::{Watch, WatchKind};
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

/// The LNX-AUD-001 policy's values: the audit service and the permissions that count.
fn audit_policy() -> Option<(&'static str, &'static [String])> {
    match check_of("LNX-AUD-001") {
        (_, Check::AuditWatch { service, perms, .. }) => Some((service.as_str(), perms.as_slice())),
        _ => None,
    }
}

pub fn linux(ctx: &Context, lx: &LinuxFacts) -> Verdict {
    let id = "LNX-AUD-001";
    let Some((service, perms)) = audit_policy() else {
        return Verdict::Decided(Outcome::error(Text::same("policy LNX-AUD-001 is broken")));
    };
    let module = match check_of("LNX-AUD-002") {
        (_, Check::SambaVfsAudit { module, .. }) => module.clone(),
        _ => "full_audit".into(),
    };
    // The item is about assets: a host on which none lies cannot apply it.
    let assets = linux_asset_bases(ctx);
    if assets.is_empty() {
        return Verdict::NoSource(Text::new(
            "このホスト上のパスを持つ資産が台帳にありません",
            "the register has no asset with a path on this host",
        ));
    }
    let errors: Vec<&HostError> = [&lx.audit_rules.as_ref().and_then(|r| r.as_ref().err())]
        .into_iter()
        .flatten()
        .copied()
        .chain(lx.samba.as_ref().and_then(|r| r.as_ref().err()))
        .chain(lx.auditd_conf.as_ref().and_then(|r| r.as_ref().err()))
        .collect();
    if let Some(first) = errors.first() {
        return Verdict::Decided(
            Outcome::error(first.text()).with(errors.iter().map(|e| e.evidence())),
        );
    }
    let shares = audited_shares(lx, &module);
    let state = lx.units.state(service);
    let present = lx.audit_rules.is_some()
        || lx.auditd_conf.is_some()
        || state != UnitState::Disabled
        || !shares.is_empty();
    if !present {
        return Verdict::Decided(nothing_logs(&assets, id));
    }
    let enabled = matches!(state, UnitState::Enabled(_));
    let watches: Vec<&Watch> = match &lx.audit_rules {
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
    let parts = assets
        .iter()
        .map(|a| asset_alt(lx, a, &watches, enabled, &shares))
        .collect();
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

/// Neither auditd nor a full_audit share: nothing records access, so the item
/// fails (a missing control is never "not applicable").
fn nothing_logs(assets: &[(String, String, String)], id: &str) -> Outcome {
    let n = assets.len();
    Outcome::fail(tr!(
        "auditd の設定も、full_audit を使う Samba 共有もないため、資産（{n}件）の保存場所へのアクセスは記録されていません",
        "nothing records access to the {n} asset locations: there is no auditd configuration and no Samba share with full_audit"
    ))
    .with(assets.iter().map(|(label, _, base)| {
        Evidence::new(EvidenceKind::Asset)
            .asset(label)
            .path(base.clone())
            .detail(pol(id, Text::new("監視されていない資産", "asset not watched")))
    }))
    .with([
        note(
            "/etc/audit",
            pol(id, Text::new("auditd の設定がありません", "no auditd configuration")),
        ),
    ])
}

/// One asset's part: covered by an audit watch (with auditd enabled) or by a
/// full_audit share (LNX-AUD-002).
fn asset_alt(
    lx: &LinuxFacts,
    (label, pattern, base): &(String, String, String),
    watches: &[&Watch],
    enabled: bool,
    shares: &[(String, Line)],
) -> Alt {
    let id = "LNX-AUD-001";
    // `-F path=DIR` watches the directory's own inode, not the files in it:
    // it covers only an asset that is one literal file.
    let literal = !pattern.contains(['*', '?', '[', '{']);
    let by_audit = watches
        .iter()
        .find(|w| w.covers(base) && (literal || w.kind != WatchKind::Path));
    let by_samba = samba_cover(lx, base, shares);
    let asset_ev = Evidence::new(EvidenceKind::Asset)
        .asset(label)
        .path(base.clone());
    match (by_audit, enabled, by_samba) {
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
    }
}

/// The full_audit share whose path holds `base` (smbd follows a link in the
/// share's path, see ACC-04).
fn samba_cover<'a>(
    lx: &LinuxFacts,
    base: &str,
    shares: &'a [(String, Line)],
) -> Option<&'a (String, Line)> {
    let real_base = lx.real_paths.of(base);
    shares.iter().find(|(p, _)| {
        let real_p = lx.real_paths.of(p);
        [Some(base), real_base].into_iter().flatten().any(|b| {
            [Some(p.as_str()), real_p]
                .into_iter()
                .flatten()
                .any(|s| path_at_or_below(b, s))
        })
    })
}

pub fn windows(w: &WindowsHost) -> Outcome {
    let AuditpolSetting {
        setting,
        enough,
        ev,
    } = match auditpol_setting(
        w,
        "WIN-AUD-001",
        Text::new("ファイル システム", "File System"),
    ) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if enough {
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
