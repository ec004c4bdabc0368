//! ITS-09 — security updates applied automatically or on a schedule.

use crate::collect::host::conf::parse_bool;
use crate::collect::host::linux::updates::{Apt, DnfAutomatic, periodic_on};
use crate::rules::kit::host::*;
use crate::tr;

const APT: &str = "LNX-UPD-001";
const DNF: &str = "LNX-UPD-002";

pub fn its09(ctx: &Context) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(lx)),
        |_| {
            Verdict::NoSource(Text::new(
                "Windows の証跡には更新設定の情報がありません",
                "Windows evidence has no update settings",
            ))
        },
    )
}

pub fn linux(lx: &LinuxFacts) -> Outcome {
    let mut alts = Vec::new();
    // apt files read without the setting: cited (and so bundled) if nothing passes.
    let mut apt_read = Vec::new();
    if let (_, Check::AptPeriodic { setting, .. }) = check_of(APT) {
        match &lx.apt {
            Some(Err(e)) => alts.push(Alt::error(e)),
            Some(Ok(apt)) => match apt.settings.get(&setting.to_ascii_lowercase()) {
                Some((v, l)) => alts.push(apt_periodic(setting, v, l)),
                None => apt_read = apt_files_without(apt, setting),
            },
            None => {}
        }
    }
    alts.extend(dnf_automatic(lx));
    any_of(
        alts,
        Text::new(
            "セキュリティ更新を自動で適用する設定（unattended-upgrades、dnf-automatic）が見つかりません",
            "no automatic security updates were found (unattended-upgrades, dnf-automatic)",
        ),
        apt_read
            .into_iter()
            .chain([
                note(
                    "/etc/apt/apt.conf.d",
                    Text::new(
                        "APT::Periodic::Unattended-Upgrade なし",
                        "no APT::Periodic::Unattended-Upgrade",
                    ),
                ),
                note(
                    "/etc/systemd/system/timers.target.wants",
                    Text::new("dnf-automatic のタイマーなし", "no dnf-automatic timer"),
                ),
            ])
            .collect(),
    )
}

/// LNX-UPD-001: the effective value `v` of the APT::Periodic `setting` (line `l`).
fn apt_periodic(setting: &str, v: &str, l: &Line) -> Alt {
    if periodic_on(v) {
        Alt::new(
            Status::Pass,
            tr!(
                "{setting} \"{v}\" により自動更新が有効です",
                "automatic updates are on: {setting} \"{v}\""
            ),
        )
        .ev(line_ev(
            l,
            APT,
            Text::new(
                "有効な値（後のファイルが優先）",
                "effective value (later files override)",
            ),
        ))
    } else {
        Alt::new(
            Status::Fail,
            tr!(
                "{setting} が \"{v}\" で、自動更新が無効です",
                "{setting} is \"{v}\": automatic updates are off"
            ),
        )
        .ev(line_ev(l, APT, Text::new("無効", "disabled")))
    }
}

/// The apt files read, none of which sets `setting`.
fn apt_files_without(apt: &Apt, setting: &str) -> Vec<Evidence> {
    apt.files
        .iter()
        .map(|f| {
            file_ev(
                f,
                APT,
                Text::new(
                    format!("{setting} の設定がありません"),
                    format!("does not set {setting}"),
                ),
            )
        })
        .collect()
}

/// LNX-UPD-002: the dnf-automatic timers that apply updates, those that
/// apply them only with apply_updates = yes, and those that never do.
fn dnf_automatic(lx: &LinuxFacts) -> Vec<Alt> {
    let (
        _,
        Check::DnfAutomatic {
            apply_timers,
            conditional_timers,
            ..
        },
    ) = check_of(DNF)
    else {
        return Vec::new();
    };
    let mut alts = Vec::new();
    for t in apply_timers {
        if lx.units.is_enabled(t) {
            alts.push(
                Alt::new(
                    Status::Pass,
                    tr!(
                        "{t} が有効で、更新を自動で適用します",
                        "{t} is enabled and applies updates"
                    ),
                )
                .ev(lx.units.evidence(t)),
            );
        }
    }
    let dnf = match &lx.dnf {
        Ok(d) => Some(d),
        Err(e) => {
            alts.push(Alt::error(e));
            None
        }
    };
    for t in conditional_timers {
        if !lx.units.is_enabled(t) {
            continue;
        }
        let Some(d) = dnf else { continue };
        alts.push(conditional_timer(lx, t, d));
    }
    alts.extend(download_only_timers(lx));
    alts
}

/// An enabled timer `t` that applies updates only when apply_updates is true.
fn conditional_timer(lx: &LinuxFacts, t: &str, d: &DnfAutomatic) -> Alt {
    match (d.apply_updates.as_ref(), &d.conf) {
        (Some((v, l)), _) if parse_bool(v) == Some(true) => Alt::new(
            Status::Pass,
            tr!(
                "{t} が有効で、apply_updates = yes です",
                "{t} is enabled with apply_updates = yes"
            ),
        )
        .ev(lx.units.evidence(t))
        .ev(line_ev(l, DNF, Text::same("apply_updates = yes"))),
        (None, None) => Alt::new(Status::Pass, tr!("{t} が有効です", "{t} is enabled"))
            .ev(lx.units.evidence(t))
            .ev(note(
                "/etc/dnf/automatic.conf",
                pol(
                    DNF,
                    Text::new("設定ファイルがありません", "no configuration file"),
                ),
            )),
        (Some((v, l)), _) => Alt::new(
            Status::Fail,
            tr!(
                "{t} は有効ですが apply_updates = {v} のため、更新をダウンロードするだけです",
                "{t} is enabled but apply_updates = {v}, so updates are only downloaded"
            ),
        )
        .ev(lx.units.evidence(t))
        .ev(line_ev(
            l,
            DNF,
            Text::new("更新を適用しません", "updates are not applied"),
        )),
        (None, Some(f)) => Alt::new(
            Status::Fail,
            tr!(
                "{t} は有効ですが apply_updates が未設定（既定値 no）のため、更新をダウンロードするだけです",
                "{t} is enabled but apply_updates is unset (default no), so updates are only downloaded"
            ),
        )
        .ev(lx.units.evidence(t))
        .ev(file_ev(
            f,
            DNF,
            Text::new("apply_updates がありません", "no apply_updates"),
        )),
    }
}

/// Enabled dnf-automatic timers that only download or notify.
fn download_only_timers(lx: &LinuxFacts) -> Vec<Alt> {
    lx.units
        .matching("dnf*-automatic-*.timer")
        .into_iter()
        .filter(|t| (t.contains("download") || t.contains("notifyonly")) && lx.units.is_enabled(t))
        .map(|t| {
            Alt::new(
                Status::Fail,
                tr!(
                    "{t} は更新をダウンロード・通知するだけで適用しません",
                    "{t} only downloads or notifies; it applies nothing"
                ),
            )
            .ev(lx.units.evidence(&t))
        })
        .collect()
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its09, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its09(ctx)
}
