//! ITS-14 — clocks are synchronised so that log times hold up as evidence.
//! Definition and texts: checklists/tim-selfcheck.yaml (ITS-14); policies
//! LNX-NTP-001…003 and WIN-NTP-001 (policies/time.yaml).

use crate::collect::host::linux::timesync::NtpConf;
use crate::collect::host::systemd::UnitState;
use crate::collect::host::windows::reg::{RegKey, RegValue};
use crate::rules::kit::host::*;
use crate::tr;

const TIMESYNCD: &str = "LNX-NTP-002";

pub static RULE: ItemRule = ItemRule::new(ItemId::Its14, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(lx)),
        |w| Verdict::Decided(windows(w)),
    )
}

/// The first enabled unit of `services`, with its evidence; else the evidence
/// of why none is (masked or not enabled).
fn enabled(lx: &LinuxFacts, services: &[String]) -> Result<Evidence, Vec<Evidence>> {
    let mut why = Vec::new();
    for s in services {
        match lx.units.state(s) {
            UnitState::Enabled(_) => return Ok(lx.units.evidence(s)),
            UnitState::Masked(_) => why.push(lx.units.evidence(s)),
            UnitState::Disabled => {}
        }
    }
    Err(why)
}

fn ntp_alt(lx: &LinuxFacts, id: &str, conf: &NtpConf, services: &[String], name: &str) -> Alt {
    let unit = enabled(lx, services);
    let files = conf.files.iter().map(|f| file_ev(f, id, Text::same(name)));
    if conf.servers.is_empty() {
        return Alt::new(
            Status::Fail,
            tr!(
                "{name} の設定に server・pool・peer の行がなく、同期先がありません",
                "{name} has no server, pool or peer line: nothing to synchronise with"
            ),
        )
        .evs(files);
    }
    let servers: Vec<Evidence> = conf
        .servers
        .iter()
        .map(|(k, s, l)| line_ev(l, id, tr!("同期先 {k} {s}", "time source {k} {s}")))
        .collect();
    let list = conf
        .servers
        .iter()
        .map(|(_, s, _)| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match unit {
        Ok(ev) => Alt::new(
            Status::Pass,
            tr!(
                "{name} が有効で、{list} と時刻を同期しています",
                "{name} is enabled and synchronises with {list}"
            ),
        )
        .evs(servers)
        .ev(ev),
        Err(why) => {
            let units = services.join(", ");
            Alt::new(
                Status::Fail,
                tr!(
                    "{name} に同期先（{list}）はありますが、サービス（{units}）が有効になっていません",
                    "{name} names time sources ({list}) but its service ({units}) is not enabled"
                ),
            )
            .evs(servers)
            .evs(why)
        }
    }
}

pub fn linux(lx: &LinuxFacts) -> Outcome {
    let mut alts = Vec::new();
    let mut looked = Vec::new();
    for (id, src, name) in [
        ("LNX-NTP-001", &lx.timesync.chrony, "chrony"),
        ("LNX-NTP-003", &lx.timesync.ntpd, "ntpd"),
    ] {
        let (
            _,
            Check::NtpServers {
                services, files, ..
            },
        ) = check_of(id)
        else {
            alts.push(Alt::new(
                Status::Error,
                tr!("policy {id} is broken", "policy {id} is broken"),
            ));
            continue;
        };
        match src {
            None => looked.extend(files.iter().map(|f| file_missing(f, id))),
            Some(Err(e)) => alts.push(Alt::error(e)),
            Some(Ok(c)) => alts.push(ntp_alt(lx, id, c, services, name)),
        }
    }
    match timesyncd(lx) {
        Some(Ok(alt)) => alts.push(alt),
        Some(Err(absent)) => looked.extend(absent),
        None => {}
    }
    any_of(
        alts,
        Text::new(
            "時刻同期（chrony、systemd-timesyncd、ntpd）が設定されていないため、ログの時刻を証拠として示せません",
            "no time synchronisation (chrony, systemd-timesyncd, ntpd) is set up, so log times cannot be relied on as evidence",
        ),
        looked,
    )
}

/// LNX-NTP-002 systemd-timesyncd: its verdict, or (`Err`) only the files
/// looked at when it is neither configured nor enabled nor masked.
fn timesyncd(lx: &LinuxFacts) -> Option<Result<Alt, Vec<Evidence>>> {
    let (
        _,
        Check::Timesyncd {
            services,
            keys,
            files,
            ..
        },
    ) = check_of(TIMESYNCD)
    else {
        return None;
    };
    let unit = enabled(lx, services);
    let t = match &lx.timesync.timesyncd {
        Some(Err(e)) => return Some(Ok(Alt::error(e))),
        Some(Ok(t)) => Some(t),
        None => None,
    };
    let set: Vec<&(String, Line)> = match t {
        Some(t) => keys
            .iter()
            .filter_map(|k| t.settings.get(k))
            .filter(|(v, _)| !v.trim().is_empty())
            .collect(),
        None => Vec::new(),
    };
    let conf_files: Vec<Evidence> = match t {
        Some(t) => t
            .files
            .iter()
            .map(|f| file_ev(f, TIMESYNCD, Text::same("systemd-timesyncd")))
            .collect(),
        None => files.iter().map(|f| file_missing(f, TIMESYNCD)).collect(),
    };
    Some(match (unit, set.is_empty()) {
        (Ok(ev), false) => Ok(timesyncd_servers(&set, ev)),
        (Ok(ev), true) => Ok(Alt::new(
            Status::Partial,
            Text::new(
                "systemd-timesyncd は有効ですが NTP=・FallbackNTP= が設定されておらず、配布元が組み込んだ既定のサーバーを使います（設定から同期先を確認できません）",
                "systemd-timesyncd is enabled but neither NTP= nor FallbackNTP= is set: it uses the servers compiled in by the distribution, which the configuration cannot show",
            ),
        )
        .evs(conf_files)
        .ev(ev)),
        (Err(why), _) if t.is_some() || !why.is_empty() => Ok(Alt::new(
            Status::Fail,
            Text::new(
                "systemd-timesyncd が有効になっていません",
                "systemd-timesyncd is not enabled",
            ),
        )
        .evs(conf_files)
        .evs(why)),
        (Err(_), _) => Err(conf_files),
    })
}

/// systemd-timesyncd is enabled (`unit`) with the servers `set`.
fn timesyncd_servers(set: &[&(String, Line)], unit: Evidence) -> Alt {
    let list = set
        .iter()
        .map(|(v, _)| v.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Alt::new(
        Status::Pass,
        tr!(
            "systemd-timesyncd が有効で、{list} と時刻を同期しています",
            "systemd-timesyncd is enabled and synchronises with {list}"
        ),
    )
    .evs(
        set.iter()
            .map(|(v, l)| line_ev(l, TIMESYNCD, tr!("同期先 {v}", "time source {v}"))),
    )
    .ev(unit)
}

pub fn windows(w: &WindowsHost) -> Outcome {
    let id = "WIN-NTP-001";
    let (
        _,
        Check::WindowsTime {
            file,
            service_key,
            parameters_keys,
            ntp_types,
            domain_types,
            ..
        },
    ) = check_of(id)
    else {
        return Outcome::error(Text::same("policy WIN-NTP-001 is broken"));
    };
    match &w.registry {
        None => return win_missing(w, file, id),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(_)) => {}
    }
    let Some((_, start)) = w.reg_value(service_key, "Start") else {
        // The export is there but lacks the service's own key: say so, not
        // that the file is missing.
        let o = match w.reg_file(file) {
            Some(f) => Outcome::error(tr!(
                "{file} に {service_key} の Start 値がないため判定できません（W32Time のキー全体をエクスポートし直してください）",
                "cannot be assessed: {file} has no Start value under {service_key} (export the whole W32Time key again)"
            ))
            .with([file_ev(&f.file, id, tr!("{service_key} の Start なし", "no Start under {service_key}"))]),
            None => win_missing(w, file, id),
        };
        return with_reg_errors(o, &w.reg_errors(&[]), false);
    };
    let mut ev = vec![line_ev(&start.line, id, Text::same("W32Time Start"))];
    let param = |name: &str| parameters_keys.iter().find_map(|k| w.reg_value(k, name));
    let o = if start.data.as_u64() == Some(4) {
        Outcome::fail(Text::new(
            "Windows Time サービス（W32Time）が無効（Start=4）です",
            "the Windows Time service (W32Time) is disabled (Start=4)",
        ))
    } else {
        type_verdict(id, &param, ntp_types, domain_types, &mut ev)
    };
    with_reg_errors(
        o.with(ev),
        &w.reg_errors(&other_items_reg_exports(ItemId::Its14)),
        false,
    )
}

/// WIN-NTP-001 with the service not disabled: how `Type` (and, for the NTP
/// types, `NtpServer`) under the first Parameters key that has it syncs the
/// clock. Pushes the values' lines to `ev`.
fn type_verdict<'a>(
    id: &str,
    param: &dyn Fn(&str) -> Option<(&'a RegKey, &'a RegValue)>,
    ntp_types: &[String],
    domain_types: &[String],
    ev: &mut Vec<Evidence>,
) -> Outcome {
    match param("Type") {
        None => Outcome::fail(Text::new(
            "W32Time の Parameters に Type がなく、同期方法が設定されていません",
            "W32Time has no Type under Parameters: no synchronisation is set up",
        )),
        Some((_, t)) => {
            let ty = match &t.data {
                crate::collect::host::windows::reg::RegData::Sz(s) => s.trim().to_string(),
                other => format!("{other:?}"),
            };
            ev.push(line_ev(&t.line, id, tr!("Type = {ty}", "Type = {ty}")));
            let server = param("NtpServer").and_then(|(_, v)| match &v.data {
                crate::collect::host::windows::reg::RegData::Sz(s) if !s.trim().is_empty() => {
                    Some((s.trim().to_string(), v.line.clone()))
                }
                _ => None,
            });
            if domain_types.iter().any(|d| d.eq_ignore_ascii_case(&ty)) {
                Outcome::pass(tr!(
                    "Windows Time サービスがドメインの階層（{ty}）と時刻を同期しています",
                    "the Windows Time service synchronises with the domain hierarchy ({ty})"
                ))
            } else if ntp_types.iter().any(|d| d.eq_ignore_ascii_case(&ty)) {
                match server {
                    Some((s, l)) => {
                        ev.push(line_ev(&l, id, tr!("NtpServer = {s}", "NtpServer = {s}")));
                        Outcome::pass(tr!(
                            "Windows Time サービスが {s} と時刻を同期しています（{ty}）",
                            "the Windows Time service synchronises with {s} ({ty})"
                        ))
                    }
                    None => Outcome::fail(tr!(
                        "W32Time の Type は {ty} ですが NtpServer にサーバーがありません",
                        "W32Time Type is {ty} but NtpServer names no server"
                    )),
                }
            } else {
                Outcome::fail(tr!(
                    "W32Time の Type が {ty} で、時刻を同期しません",
                    "W32Time Type is {ty}: the clock is not synchronised"
                ))
            }
        }
    }
}
