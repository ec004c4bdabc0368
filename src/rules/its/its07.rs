//! ITS-07 — intrusion detection or prevention in place.

use crate::collect::host::linux::fail2ban::{Fail2ban, Jail};
use crate::rules::kit::host::*;
use crate::tr;

const F2B: &str = "LNX-IDS-002";
const AIDE: &str = "LNX-IDS-004";

pub fn its07(ctx: &Context) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(lx)),
        |_| {
            Verdict::NoSource(Text::new(
                "Windows の証跡には IDS/IPS の情報がありません",
                "Windows evidence has no IDS/IPS facts",
            ))
        },
    )
}

pub fn linux(lx: &LinuxFacts) -> Outcome {
    let ids = &lx.ids;
    let mut alts: Vec<Alt> = ids.errors.iter().map(Alt::error).collect();
    alts.extend(suricata_snort(lx));
    match &lx.fail2ban {
        Some(Err(e)) => alts.push(Alt::error(e)),
        Some(Ok(f)) => alts.push(fail2ban(lx, f)),
        None => {}
    }
    alts.extend(ids.ossec.as_ref().map(ossec));
    alts.extend(aide(lx));
    any_of(
        alts,
        Text::new(
            "侵入検知・防御の仕組み（Suricata、Snort、fail2ban、Wazuh／OSSEC、AIDE）が見つかりません",
            "no intrusion detection or prevention was found (Suricata, Snort, fail2ban, Wazuh/OSSEC, AIDE)",
        ),
        vec![
            note("/etc/fail2ban", Text::new("なし", "absent")),
            note("/etc/suricata/suricata.yaml", Text::new("なし", "absent")),
            note("/var/ossec/etc/ossec.conf", Text::new("なし", "absent")),
            note("/etc/aide/aide.conf", Text::new("なし", "absent")),
        ],
    )
}

/// LNX-IDS-001: one verdict per configured engine (Suricata, Snort), by
/// whether one of its services is enabled.
fn suricata_snort(lx: &LinuxFacts) -> Vec<Alt> {
    let (_, Check::ConfigAndService { services, .. }) = check_of("LNX-IDS-001") else {
        return Vec::new();
    };
    let ids = &lx.ids;
    let mut alts = Vec::new();
    for (conf, prefix) in [(&ids.suricata, "suricata"), (&ids.snort, "snort")] {
        let Some(f) = conf else { continue };
        let units: Vec<&String> = services.iter().filter(|s| s.starts_with(prefix)).collect();
        let alt = engine_service(lx, prefix, &units);
        alts.push(alt.ev(file_ev(
            f,
            "LNX-IDS-001",
            Text::new("設定ファイル", "configuration"),
        )));
    }
    alts
}

/// A configured engine passes when one of its `units` is enabled.
fn engine_service(lx: &LinuxFacts, prefix: &str, units: &[&String]) -> Alt {
    match units.iter().find(|u| lx.units.is_enabled(u)) {
        Some(u) => Alt::new(
            Status::Pass,
            tr!(
                "{prefix} が設定され、{u} が有効です",
                "{prefix} is configured and {u} is enabled"
            ),
        )
        .ev(lx.units.evidence(u)),
        None => {
            let u = units.first().map(|s| s.as_str()).unwrap_or(prefix);
            Alt::new(
                Status::Fail,
                tr!(
                    "{prefix} の設定はありますが、{u} が有効ではありません",
                    "{prefix} is configured but {u} is not enabled"
                ),
            )
            .ev(lx.units.evidence(u))
        }
    }
}

/// A jail counts when it ends up enabled by a line in jail.local or jail.d/
/// (the distribution's jail.conf does not count, as the checklist says).
fn counts(j: &Jail) -> bool {
    j.enabled
        && j.line
            .as_ref()
            .is_some_and(|l| !l.path.ends_with("/jail.conf"))
}

/// LNX-IDS-002 fail2ban: masked service, enabled jails, broken values, jails
/// enabled only in jail.conf, or none enabled — in that order.
fn fail2ban(lx: &LinuxFacts, f: &Fail2ban) -> Alt {
    let on: Vec<&Jail> = f.jails.iter().filter(|j| counts(j)).collect();
    let only_conf: Vec<&Jail> = f.jails.iter().filter(|j| j.enabled && !counts(j)).collect();
    if lx.units.is_masked("fail2ban.service") {
        Alt::new(
            Status::Fail,
            Text::new(
                "fail2ban.service がマスクされています",
                "fail2ban.service is masked",
            ),
        )
        .ev(lx.units.evidence("fail2ban.service"))
    } else if !on.is_empty() {
        jails_enabled(&on)
    } else if !f.bad_values.is_empty() {
        bad_enabled_values(f)
    } else if !only_conf.is_empty() {
        only_in_jail_conf(&only_conf)
    } else {
        no_enabled_jail(f)
    }
}

fn jails_enabled(on: &[&Jail]) -> Alt {
    let names: Vec<&str> = on.iter().map(|j| j.name.as_str()).collect();
    let list = names.join(", ");
    Alt::new(
        Status::Pass,
        tr!(
            "fail2ban のジェイル {list} が有効です",
            "fail2ban jails enabled: {list}"
        ),
    )
    .evs(on.iter().filter_map(|j| {
        let name = &j.name;
        j.line
            .as_ref()
            .map(|l| line_ev(l, F2B, tr!("[{name}] enabled", "[{name}] enabled")))
    }))
}

fn bad_enabled_values(f: &Fail2ban) -> Alt {
    Alt::new(
        Status::Error,
        Text::new(
            "fail2ban の enabled に真偽値でない値があります",
            "a fail2ban `enabled` value is not a boolean",
        ),
    )
    .evs(
        f.bad_values
            .iter()
            .map(|l| line_ev(l, F2B, Text::new("真偽値ではありません", "not a boolean"))),
    )
}

fn only_in_jail_conf(only_conf: &[&Jail]) -> Alt {
    Alt::new(
        Status::Fail,
        Text::new(
            "fail2ban のジェイルは jail.conf でしか有効にされていません（有効にする設定は jail.local または jail.d/ に書きます）",
            "fail2ban jails are enabled only in jail.conf (enable them in jail.local or jail.d/)",
        ),
    )
    .evs(only_conf.iter().filter_map(|j| {
        j.line.as_ref().map(|l| {
            line_ev(l, F2B, Text::new("jail.conf の設定は数えません", "jail.conf does not count"))
        })
    }))
}

fn no_enabled_jail(f: &Fail2ban) -> Alt {
    Alt::new(
        Status::Fail,
        Text::new(
            "fail2ban に有効なジェイルがありません",
            "fail2ban has no enabled jail",
        ),
    )
    // The lines that leave each jail disabled (the last layer
    // that sets it: jail.local and jail.d/*.local win).
    .evs(f.jails.iter().filter(|j| !j.enabled).filter_map(|j| {
        let name = &j.name;
        j.line.as_ref().map(|l| {
            line_ev(
                l,
                F2B,
                tr!(
                    "この行で [{name}] が無効になっています（最終的に効く設定）",
                    "[{name}] disabled by this line (the one that takes effect)"
                ),
            )
        })
    }))
    .evs(
        f.files
            .iter()
            .map(|x| file_ev(x, F2B, Text::new("読んだ設定", "file read"))),
    )
}

/// LNX-IDS-003 OSSEC / Wazuh: an agent configuration is enough.
fn ossec(f: &FileRef) -> Alt {
    Alt::new(
        Status::Pass,
        Text::new(
            "Wazuh／OSSEC エージェントの設定があります",
            "a Wazuh/OSSEC agent is configured",
        ),
    )
    .ev(file_ev(
        f,
        "LNX-IDS-003",
        Text::new("エージェントの設定", "agent configuration"),
    ))
}

/// LNX-IDS-004 AIDE: configured, and scheduled by an enabled timer, a cron
/// script or a cron line (first found wins).
fn aide(lx: &LinuxFacts) -> Option<Alt> {
    let (_, Check::AideScheduled { timers, .. }) = check_of("LNX-IDS-004") else {
        return None;
    };
    let ids = &lx.ids;
    let f = ids.aide.as_ref()?;
    let timer: Vec<String> = timers
        .iter()
        .flat_map(|t| lx.units.matching(t))
        .filter(|u| lx.units.is_enabled(u))
        .collect();
    let conf = file_ev(f, AIDE, Text::new("AIDE の設定", "AIDE configuration"));
    let alt = if let Some(t) = timer.first() {
        Alt::new(
            Status::Pass,
            tr!(
                "AIDE が設定され、{t} で定期実行されます",
                "AIDE is configured and scheduled by {t}"
            ),
        )
        .ev(conf)
        .ev(lx.units.evidence(t))
    } else if let Some(s) = ids.aide_cron_scripts.first() {
        Alt::new(
            Status::Pass,
            tr!(
                "AIDE が設定され、{} で定期実行されます",
                "AIDE is configured and scheduled by {}",
                s.path
            ),
        )
        .ev(conf)
        .ev(file_ev(
            s,
            AIDE,
            Text::new("cron のスクリプト", "cron script"),
        ))
    } else if let Some(l) = ids.aide_cron.first() {
        Alt::new(
            Status::Pass,
            tr!(
                "AIDE が設定され、cron（{}）で定期実行されます",
                "AIDE is configured and run from cron ({})",
                l.at()
            ),
        )
        .ev(conf)
        .ev(line_ev(l, AIDE, Text::new("cron の行", "cron line")))
    } else {
        Alt::new(
            Status::Fail,
            Text::new(
                "AIDE の設定はありますが、定期実行（タイマー・cron）がありません",
                "AIDE is configured but not scheduled (no timer or cron entry)",
            ),
        )
        .ev(conf)
    };
    Some(alt)
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its07, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its07(ctx)
}
