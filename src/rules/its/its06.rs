//! ITS-06 — logs are copied off the host or protected against change.

use crate::collect::host::systemd::UnitState;
use crate::rules::kit::host::*;
use crate::tr;

pub fn its06(ctx: &Context) -> Outcome {
    per_host(ctx, linux, |_| {
        Verdict::NoSource(Text::new(
            "Windows の証跡にはログ転送の情報がありません",
            "Windows evidence has no log-forwarding facts",
        ))
    })
}

/// This host's ITS-06 status, for ITS-05's auditd rule.
pub fn linux_status(lx: &LinuxFacts) -> Option<Status> {
    match linux(lx) {
        Verdict::Decided(o) => Some(o.status),
        Verdict::NoSource(_) => None,
    }
}

/// Every Linux host writes logs, so a host with none of the mechanisms fails
/// (a missing control is never "not applicable").
pub fn linux(lx: &LinuxFacts) -> Verdict {
    let mut alts = Vec::new();
    alts.extend(rsyslog(lx));
    alts.extend(audisp_remote(lx));
    alts.extend(journal_upload(lx));
    alts.extend(rules_locked(lx));
    Verdict::Decided(any_of(
        alts,
        Text::new(
            "ログを別のホストへ転送する設定も、改ざんを防ぐ設定もありません",
            "logs are neither forwarded to another host nor protected against change",
        ),
        vec![
            note(
                "/etc/rsyslog.conf",
                Text::new(
                    "転送の設定なし（コメントアウトされた行は数えません）",
                    "no forwarding rule (commented lines do not count)",
                ),
            ),
            note(
                "/etc/audit/plugins.d",
                Text::new("audisp-remote は無効", "audisp-remote not active"),
            ),
        ],
    ))
}

/// LNX-LOG-004: rsyslog forwards to another host.
fn rsyslog(lx: &LinuxFacts) -> Option<Alt> {
    match &lx.rsyslog {
        Some(Err(e)) => Some(Alt::error(e)),
        Some(Ok(r)) if !r.forwards.is_empty() => {
            let at = r.forwards[0].at();
            Some(
                Alt::new(
                    Status::Pass,
                    tr!(
                        "rsyslog がログを別のホストへ転送しています（{at}）",
                        "rsyslog forwards logs to another host ({at})"
                    ),
                )
                .evs(
                    r.forwards.iter().map(|l| {
                        line_ev(l, "LNX-LOG-004", Text::new("転送の設定", "forwarding rule"))
                    }),
                ),
            )
        }
        _ => None,
    }
}

/// LNX-LOG-005: an active audisp-remote plugin.
fn audisp_remote(lx: &LinuxFacts) -> Option<Alt> {
    match &lx.audit_plugins {
        Some(Err(e)) => Some(Alt::error(e)),
        Some(Ok(p)) => p.remote_active.first().map(|(l, plugin)| {
            Alt::new(
                Status::Pass,
                tr!(
                    "監査ログを {plugin} で転送しています",
                    "audit logs are forwarded by {plugin}"
                ),
            )
            .ev(line_ev(
                l,
                "LNX-LOG-005",
                Text::new("active = yes", "active = yes"),
            ))
        }),
        None => None,
    }
}

/// LNX-LOG-006: systemd-journal-upload enabled.
fn journal_upload(lx: &LinuxFacts) -> Vec<Alt> {
    let (_, Check::ServiceEnabled { units }) = check_of("LNX-LOG-006") else {
        return Vec::new();
    };
    units
        .iter()
        .filter(|u| matches!(lx.units.state(u), UnitState::Enabled(_)))
        .map(|u| {
            Alt::new(
                Status::Pass,
                tr!(
                    "{u} が有効で、ジャーナルを転送しています",
                    "{u} is enabled and uploads the journal"
                ),
            )
            .ev(lx.units.evidence(u))
        })
        .collect()
}

/// LNX-LOG-007: audit rules locked with `-e 2` (partial).
fn rules_locked(lx: &LinuxFacts) -> Option<Alt> {
    let (_, Check::AuditImmutable { value }) = check_of("LNX-LOG-007") else {
        return None;
    };
    match &lx.audit_rules {
        Some(Err(e)) => Some(Alt::error(e)),
        Some(Ok(r)) => match &r.last_enable {
            Some((v, l)) if v == value => Some(
                Alt::new(
                    Status::Partial,
                    tr!(
                        "ログの転送はなく、監査ルールが -e {value} で固定されているだけです（{}）",
                        "logs are not forwarded; the audit rules are only locked with -e {value} ({})",
                        l.at()
                    ),
                )
                .ev(line_ev(
                    l,
                    "LNX-LOG-007",
                    Text::new("監査ルールの固定", "audit rules locked"),
                )),
            ),
            _ => None,
        },
        None => None,
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its06, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its06(ctx)
}
