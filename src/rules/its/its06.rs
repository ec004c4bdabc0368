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

/// This host's ITS-06 status (None: no source), for ITS-05's auditd rule.
pub fn linux_status(lx: &LinuxFacts) -> Option<Status> {
    match linux(lx) {
        Verdict::Decided(o) => Some(o.status),
        Verdict::NoSource(_) => None,
    }
}

pub fn linux(lx: &LinuxFacts) -> Verdict {
    let mut alts = Vec::new();
    let mut present = false;
    // LNX-LOG-004 rsyslog
    match &lx.rsyslog {
        Some(Err(e)) => {
            present = true;
            alts.push(Alt::error(e));
        }
        Some(Ok(r)) => {
            present = true;
            if !r.forwards.is_empty() {
                let at = r.forwards[0].at();
                alts.push(
                    Alt::new(
                        Status::Pass,
                        tr!(
                            "rsyslog がログを別のホストへ転送しています（{at}）",
                            "rsyslog forwards logs to another host ({at})"
                        ),
                    )
                    .evs(r.forwards.iter().map(|l| {
                        line_ev(l, "LNX-LOG-004", Text::new("転送の設定", "forwarding rule"))
                    })),
                );
            }
        }
        None => {}
    }
    // LNX-LOG-005 audisp-remote
    match &lx.audit_plugins {
        Some(Err(e)) => {
            present = true;
            alts.push(Alt::error(e));
        }
        Some(Ok(p)) => {
            present = true;
            if let Some((l, plugin)) = p.remote_active.first() {
                alts.push(
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
                    )),
                );
            }
        }
        None => {}
    }
    // LNX-LOG-006 systemd-journal-upload
    if let (_, Check::ServiceEnabled { units }) = check_of("LNX-LOG-006") {
        for u in units {
            match lx.units.state(u) {
                UnitState::Enabled(_) => {
                    present = true;
                    alts.push(
                        Alt::new(
                            Status::Pass,
                            tr!(
                                "{u} が有効で、ジャーナルを転送しています",
                                "{u} is enabled and uploads the journal"
                            ),
                        )
                        .ev(lx.units.evidence(u)),
                    );
                }
                UnitState::Masked(_) => present = true,
                UnitState::Disabled => {}
            }
        }
    }
    // LNX-LOG-007 -e 2 (partial)
    if let (_, Check::AuditImmutable { value }) = check_of("LNX-LOG-007") {
        match &lx.audit_rules {
            Some(Err(e)) => {
                present = true;
                alts.push(Alt::error(e));
            }
            Some(Ok(r)) => {
                present = true;
                if let Some((v, l)) = &r.last_enable
                    && v == value
                {
                    alts.push(
                        Alt::new(
                            Status::Partial,
                            tr!(
                                "ログの転送はなく、監査ルールが -e {value} で固定されているだけです（{}）",
                                "logs are not forwarded; the audit rules are only locked with -e {value} ({})",
                                l.at()
                            ),
                        )
                        .ev(line_ev(l, "LNX-LOG-007", Text::new("監査ルールの固定", "audit rules locked"))),
                    );
                }
            }
            None => {}
        }
    }
    if !present {
        return Verdict::NoSource(Text::new(
            "rsyslog、auditd、systemd-journal-upload の設定がありません",
            "there is no rsyslog, auditd or systemd-journal-upload configuration",
        ));
    }
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

pub static RULE: ItemRule = ItemRule::new(ItemId::Its06, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its06(ctx)
}
