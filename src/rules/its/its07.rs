//! ITS-07 — intrusion detection or prevention in place.

use crate::rules::kit::host::*;
use crate::tr;

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

    // LNX-IDS-001 Suricata / Snort
    if let (_, Check::ConfigAndService { services, .. }) = check_of("LNX-IDS-001") {
        for (conf, prefix) in [(&ids.suricata, "suricata"), (&ids.snort, "snort")] {
            let Some(f) = conf else { continue };
            let units: Vec<&String> = services.iter().filter(|s| s.starts_with(prefix)).collect();
            let enabled = units.iter().find(|u| lx.units.is_enabled(u));
            let alt = match enabled {
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
            };
            alts.push(alt.ev(file_ev(
                f,
                "LNX-IDS-001",
                Text::new("設定ファイル", "configuration"),
            )));
        }
    }

    // LNX-IDS-002 fail2ban
    match &lx.fail2ban {
        Some(Err(e)) => alts.push(Alt::error(e)),
        Some(Ok(f)) => {
            let id = "LNX-IDS-002";
            // Enabled in the end, by a line in jail.local or jail.d/ (the
            // distribution's jail.conf does not count, as the checklist says).
            let counts = |j: &&crate::collect::host::linux::fail2ban::Jail| {
                j.enabled
                    && j.line
                        .as_ref()
                        .is_some_and(|l| !l.path.ends_with("/jail.conf"))
            };
            let on: Vec<_> = f.jails.iter().filter(counts).collect();
            let only_conf: Vec<_> = f.jails.iter().filter(|j| j.enabled && !counts(j)).collect();
            if lx.units.is_masked("fail2ban.service") {
                alts.push(
                    Alt::new(
                        Status::Fail,
                        Text::new(
                            "fail2ban.service がマスクされています",
                            "fail2ban.service is masked",
                        ),
                    )
                    .ev(lx.units.evidence("fail2ban.service")),
                );
            } else if !on.is_empty() {
                let names: Vec<&str> = on.iter().map(|j| j.name.as_str()).collect();
                let list = names.join(", ");
                alts.push(
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
                            .map(|l| line_ev(l, id, tr!("[{name}] enabled", "[{name}] enabled")))
                    })),
                );
            } else if !f.bad_values.is_empty() {
                alts.push(
                    Alt::new(
                        Status::Error,
                        Text::new(
                            "fail2ban の enabled に真偽値でない値があります",
                            "a fail2ban `enabled` value is not a boolean",
                        ),
                    )
                    .evs(f.bad_values.iter().map(|l| {
                        line_ev(l, id, Text::new("真偽値ではありません", "not a boolean"))
                    })),
                );
            } else if !only_conf.is_empty() {
                alts.push(
                    Alt::new(
                        Status::Fail,
                        Text::new(
                            "fail2ban のジェイルは jail.conf でしか有効にされていません（有効にする設定は jail.local または jail.d/ に書きます）",
                            "fail2ban jails are enabled only in jail.conf (enable them in jail.local or jail.d/)",
                        ),
                    )
                    .evs(only_conf.iter().filter_map(|j| {
                        j.line.as_ref().map(|l| {
                            line_ev(l, id, Text::new("jail.conf の設定は数えません", "jail.conf does not count"))
                        })
                    })),
                );
            } else {
                alts.push(
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
                                id,
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
                            .map(|x| file_ev(x, id, Text::new("読んだ設定", "file read"))),
                    ),
                );
            }
        }
        None => {}
    }

    // LNX-IDS-003 OSSEC / Wazuh
    if let Some(f) = &ids.ossec {
        alts.push(
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
            )),
        );
    }

    // LNX-IDS-004 AIDE
    if let (_, Check::AideScheduled { timers, .. }) = check_of("LNX-IDS-004")
        && let Some(f) = &ids.aide
    {
        let id = "LNX-IDS-004";
        let timer: Vec<String> = timers
            .iter()
            .flat_map(|t| lx.units.matching(t))
            .filter(|u| lx.units.is_enabled(u))
            .collect();
        let conf = file_ev(f, id, Text::new("AIDE の設定", "AIDE configuration"));
        if let Some(t) = timer.first() {
            alts.push(
                Alt::new(
                    Status::Pass,
                    tr!(
                        "AIDE が設定され、{t} で定期実行されます",
                        "AIDE is configured and scheduled by {t}"
                    ),
                )
                .ev(conf)
                .ev(lx.units.evidence(t)),
            );
        } else if let Some(s) = ids.aide_cron_scripts.first() {
            alts.push(
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
                    id,
                    Text::new("cron のスクリプト", "cron script"),
                )),
            );
        } else if let Some(l) = ids.aide_cron.first() {
            alts.push(
                Alt::new(
                    Status::Pass,
                    tr!(
                        "AIDE が設定され、cron（{}）で定期実行されます",
                        "AIDE is configured and run from cron ({})",
                        l.at()
                    ),
                )
                .ev(conf)
                .ev(line_ev(l, id, Text::new("cron の行", "cron line"))),
            );
        } else {
            alts.push(
                Alt::new(
                    Status::Fail,
                    Text::new(
                        "AIDE の設定はありますが、定期実行（タイマー・cron）がありません",
                        "AIDE is configured but not scheduled (no timer or cron entry)",
                    ),
                )
                .ev(conf),
            );
        }
    }

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

pub static RULE: ItemRule = ItemRule::new(ItemId::Its07, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its07(ctx)
}
