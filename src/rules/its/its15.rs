//! ITS-15 — copies to removable media and deletions of protected files are
//! recorded. Definition and texts: checklists/tim-selfcheck.yaml (ITS-15);
//! policies LNX-AUD-003 and WIN-AUD-002 (policies/audit.yaml).

use crate::collect::host::linux::auditd::{SyscallRule, Watch};
use crate::collect::host::systemd::UnitState;
use crate::rules::kit::host::*;
use crate::tr;

const LNX: &str = "LNX-AUD-003";

pub static RULE: ItemRule = ItemRule::new(ItemId::Its15, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(ctx, lx)),
        |w| Verdict::Decided(windows(w)),
    )
}

pub fn linux(ctx: &Context, lx: &LinuxFacts) -> Outcome {
    let (
        _,
        Check::AuditSyscalls {
            service,
            mount,
            delete,
            perms,
        },
    ) = check_of(LNX)
    else {
        return Outcome::error(Text::same("policy LNX-AUD-003 is broken"));
    };
    let rules = match &lx.audit_rules {
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(r)) => Some(r),
        None => None,
    };
    let state = lx.units.state(service);
    let UnitState::Enabled(_) = state else {
        return audit_off(lx, service, rules.is_none());
    };
    let syscalls = rules.map(|r| r.syscalls.as_slice()).unwrap_or_default();
    let watches = rules.map(|r| r.watches.as_slice()).unwrap_or_default();
    let mut parts = vec![mount_rule(syscalls, mount)];
    for (label, _, base) in linux_asset_bases(ctx) {
        let by_call = syscalls
            .iter()
            .find(|r| r.syscalls.iter().any(|c| delete.contains(c)) && r.covers(&base));
        let by_watch = watches.iter().find(|w| {
            w.perms.chars().any(|c| perms.iter().any(|p| p.contains(c))) && w.covers(&base)
        });
        parts.push(deletion_rule(by_call, by_watch, &label, &base));
    }
    let mut o = recorded(parts, 1 + linux_asset_bases(ctx).len());
    if let UnitState::Enabled(_) = state {
        o.evidence.push(lx.units.evidence(service));
    }
    o
}

/// The audit service is not enabled: nothing is recorded.
fn audit_off(lx: &LinuxFacts, service: &str, no_rules: bool) -> Outcome {
    let mut o = Outcome::fail(tr!(
        "監査サービス（{service}）が有効でないため、媒体のマウントもファイルの削除も記録されません",
        "the audit service ({service}) is not enabled, so neither mounting media nor deleting files is recorded"
    ))
    .with([lx.units.evidence(service)]);
    if no_rules {
        o = o.with([note(
            "/etc/audit/rules.d",
            pol(LNX, Text::new("監査ルールがありません", "no audit rules")),
        )]);
    }
    o
}

/// (1) A syscall rule records the `mount` calls.
fn mount_rule(syscalls: &[SyscallRule], mount: &[String]) -> Alt {
    let mounts: Vec<_> = syscalls
        .iter()
        .filter(|r| r.syscalls.iter().any(|c| mount.contains(c)))
        .collect();
    if mounts.is_empty() {
        Alt::new(
            Status::Fail,
            Text::new(
                "mount システムコールの監査ルールがなく、USB メモリなどのマウントが記録されません",
                "no audit rule for the mount syscall: mounting a USB stick or other media is not recorded",
            ),
        )
    } else {
        Alt::new(Status::Pass, Text::default()).evs(
            mounts
                .iter()
                .map(|r| line_ev(&r.line, LNX, Text::new("mount を記録", "records mount"))),
        )
    }
}

/// (2) Deletions and renames under an asset's folder `base`: recorded by a
/// syscall rule, or watched.
fn deletion_rule(
    by_call: Option<&SyscallRule>,
    by_watch: Option<&Watch>,
    label: &str,
    base: &str,
) -> Alt {
    match (by_call, by_watch) {
        (Some(r), _) => Alt::new(Status::Pass, Text::default()).ev(line_ev(
            &r.line,
            LNX,
            tr!(
                "資産 {label}（{base}）の削除・名前変更を記録",
                "records deleting and renaming under asset {label} ({base})"
            ),
        )),
        (None, Some(w)) => Alt::new(Status::Pass, Text::default()).ev(line_ev(
            &w.line,
            LNX,
            tr!(
                "資産 {label}（{base}）への書き込み・属性変更を監視",
                "watches writes and attribute changes under asset {label} ({base})"
            ),
        )),
        (None, None) => Alt::new(
            Status::Fail,
            tr!(
                "資産 {label}（{base}）の削除・名前変更を記録する監査ルールがありません",
                "no audit rule records deleting or renaming under asset {label} ({base})"
            ),
        ),
    }
}

/// All recorded passes; some of the `total` recorded is partial, unless
/// nothing is.
fn recorded(parts: Vec<Alt>, total: usize) -> Outcome {
    let failed = parts.iter().filter(|p| p.status == Status::Fail).count();
    let mut o = all_of(
        parts,
        Text::new(
            "媒体のマウントと、保護対象のファイルの削除・名前変更が監査ログに記録されます",
            "mounting media and deleting or renaming protected files are recorded in the audit log",
        ),
    );
    if o.status == Status::Fail && failed < total {
        o.status = Status::Partial;
    }
    o
}

pub fn windows(w: &WindowsHost) -> Outcome {
    let AuditpolSetting {
        setting,
        enough,
        ev,
    } = match auditpol_setting(
        w,
        "WIN-AUD-002",
        Text::new("リムーバブル記憶域", "Removable Storage"),
    ) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if enough {
        Outcome::pass(Text::new(
            format!("リムーバブル記憶域の監査が「{}」です", setting.ja),
            format!("Removable Storage auditing is {}", setting.en),
        ))
    } else {
        Outcome::fail(Text::new(
            format!(
                "リムーバブル記憶域の監査が「{}」で、媒体へのコピーが記録されません",
                setting.ja
            ),
            format!(
                "Removable Storage auditing is {}, so copies to media are not recorded",
                setting.en
            ),
        ))
    }
    .with([ev])
}
