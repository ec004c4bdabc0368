//! ITS-03 — a firewall is enabled with inbound traffic denied by default.

use crate::collect::host::linux::firewall::{Firewalld, IptablesSave, NftChain, Nftables, Ufw};
use crate::collect::host::systemd::UnitState;
use crate::collect::host::windows::netsh::FwProfile;
use crate::rules::kit::host::*;
use crate::tr;

pub fn its03(ctx: &Context) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(lx)),
        |w| Verdict::Decided(windows(w)),
    )
}

fn service_alt(lx: &LinuxFacts, unit: &str, id: &str) -> Option<Alt> {
    match lx.units.state(unit) {
        UnitState::Enabled(_) => None,
        UnitState::Masked(_) => Some(
            Alt::new(
                Status::Fail,
                tr!("{unit} がマスクされています", "{unit} is masked"),
            )
            .ev(lx.units.evidence(unit).detail(pol(
                id,
                tr!("{unit} はマスクされています", "{unit} is masked"),
            ))),
        ),
        UnitState::Disabled => Some(
            Alt::new(
                Status::Fail,
                tr!("{unit} が有効化されていません", "{unit} is not enabled"),
            )
            .ev(lx.units.evidence(unit)),
        ),
    }
}

/// Which address families a firewall denies inbound by default.
#[derive(Clone, Copy, Default)]
struct Families {
    v4: bool,
    v6: bool,
}

impl Families {
    /// The reason for a firewall that leaves a family open, or None when both
    /// are denied. `what` names the firewall.
    fn open_reason(self, what: &str) -> Option<Text> {
        match (self.v4, self.v6) {
            (true, true) => None,
            (true, false) => Some(tr!(
                "{what} は IPv4 の受信を拒否していますが、IPv6 の受信は既定で許可されます",
                "{what} denies IPv4 inbound traffic, but IPv6 inbound traffic is accepted by default"
            )),
            (false, true) => Some(tr!(
                "{what} は IPv6 の受信を拒否していますが、IPv4 の受信は既定で許可されます",
                "{what} denies IPv6 inbound traffic, but IPv4 inbound traffic is accepted by default"
            )),
            (false, false) => Some(tr!(
                "{what} は受信を既定で許可しています",
                "{what} accepts inbound traffic by default"
            )),
        }
    }
}

/// Any of the four firewalls, each judged per address family: inbound traffic
/// must be denied for IPv4 and IPv6 alike.
pub fn linux(lx: &LinuxFacts) -> Outcome {
    let mut alts = Vec::new();
    alts.extend(nftables(lx));
    alts.extend(iptables(lx));
    alts.extend(ufw(lx));
    alts.extend(firewalld(lx));
    any_of(
        alts,
        Text::new(
            "受信を既定で拒否するファイアウォール（nftables、iptables、ufw、firewalld）が見つかりません",
            "no firewall denying inbound traffic by default was found (nftables, iptables, ufw, firewalld)",
        ),
        vec![
            note("/etc/nftables.conf", Text::new("なし", "absent")),
            note("/etc/iptables/rules.v4", Text::new("なし", "absent")),
            note("/etc/ufw/ufw.conf", Text::new("なし", "absent")),
            note(
                "/etc/systemd/system/multi-user.target.wants/firewalld.service",
                Text::new("なし", "absent"),
            ),
        ],
    )
}

/// LNX-FW-001: an `inet` input chain with policy drop covers both families;
/// `ip` and `ip6` chains each cover theirs; a family with no such chain is open.
fn nftables(lx: &LinuxFacts) -> Option<Alt> {
    let id = "LNX-FW-001";
    let (
        _,
        Check::Nftables {
            service,
            hook,
            policies,
            ..
        },
    ) = check_of(id)
    else {
        return None;
    };
    let n = match &lx.nft {
        Some(Err(e)) => return Some(Alt::error(e)),
        Some(Ok(n)) => n,
        None => {
            return lx.units.is_enabled(service).then(|| {
                Alt::new(
                    Status::Fail,
                    Text::new(
                        "nftables.service は有効ですが /etc/nftables.conf がありません",
                        "nftables.service is enabled but there is no /etc/nftables.conf",
                    ),
                )
                .ev(lx.units.evidence(service))
            });
        }
    };
    let chains: Vec<&NftChain> = n
        .chains
        .iter()
        .filter(|c| &c.hook == hook && ["ip", "ip6", "inet"].contains(&c.family.as_str()))
        .collect();
    let drops = |c: &NftChain| c.policy.as_ref().is_some_and(|p| policies.contains(p));
    let fams = Families {
        v4: chains.iter().any(|c| drops(c) && c.family != "ip6"),
        v6: chains.iter().any(|c| drops(c) && c.family != "ip"),
    };
    let evs: Vec<Evidence> = chains.iter().map(|c| nft_chain_ev(c, id)).collect();
    if chains.is_empty() {
        return Some(
            Alt::new(
                Status::Fail,
                tr!(
                    "nftables の設定に hook {hook} のチェインがなく、受信は IPv4・IPv6 とも許可されます",
                    "the nftables ruleset has no chain on hook {hook}, so IPv4 and IPv6 inbound traffic is accepted"
                ),
            )
            .evs(n.files.first().map(|f| file_ev(f, id, Text::new("nftables の設定", "nftables ruleset")))),
        );
    }
    if let Some(reason) = fams.open_reason(&format!("nftables ({hook})")) {
        return Some(
            Alt::new(Status::Fail, reason).evs(evs).evs(
                n.files
                    .first()
                    .map(|f| file_ev(f, id, Text::new("nftables の設定", "nftables ruleset"))),
            ),
        );
    }
    if let Some(a) = service_alt(lx, service, id) {
        return Some(a.evs(evs));
    }
    Some(
        Alt::new(
            Status::Pass,
            tr!(
                "nftables が有効で、{hook} チェインの policy が IPv4・IPv6 とも drop です",
                "nftables is enabled and its {hook} chains drop by default for IPv4 and IPv6"
            ),
        )
        .evs(evs)
        .ev(lx.units.evidence(service))
        .evs(missing_includes(n, id)),
    )
}

fn nft_chain_ev(c: &NftChain, id: &str) -> Evidence {
    let name = format!("{} {} {}", c.family, c.table, c.name);
    match (&c.policy, &c.policy_line) {
        (Some(p), Some(l)) => line_ev(l, id, tr!("{name}: policy {p}", "{name}: policy {p}")),
        _ => line_ev(
            &c.line,
            id,
            tr!(
                "{name}: policy なし（既定は accept）",
                "{name}: no policy (defaults to accept)"
            ),
        ),
    }
}

/// A missing include is shown, not fatal: the chains are in the files read, and
/// a copied root often lacks the included tree.
fn missing_includes(n: &Nftables, id: &str) -> Vec<Evidence> {
    n.missing_includes
        .iter()
        .map(|l| {
            line_ev(
                l,
                id,
                Text::new(
                    "include 先のファイルが監査対象にありません（実機に無ければ nft はルールセット全体を読み込みません）",
                    "the included file is not in the audited tree (if it is missing on the host, nft loads no ruleset at all)",
                ),
            )
        })
        .collect()
}

/// LNX-FW-002: iptables-save files; rules.v4 covers IPv4, rules.v6 IPv6.
fn iptables(lx: &LinuxFacts) -> Vec<Alt> {
    let id = "LNX-FW-002";
    let (_, Check::IptablesSave { policies, .. }) = check_of(id) else {
        return Vec::new();
    };
    let mut out: Vec<Alt> = lx
        .iptables
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(Alt::error)
        .collect();
    let saves: Vec<&IptablesSave> = lx.iptables.iter().filter_map(|r| r.as_ref().ok()).collect();
    if saves.is_empty() {
        return out;
    }
    let drops = |s: &IptablesSave| {
        s.input_policy
            .as_ref()
            .is_some_and(|(p, _)| policies.iter().any(|x| x.eq_ignore_ascii_case(p)))
    };
    let fams = Families {
        v4: saves.iter().any(|s| drops(s) && s.family == "ipv4"),
        v6: saves.iter().any(|s| drops(s) && s.family == "ipv6"),
    };
    let evs = saves.iter().map(|s| match &s.input_policy {
        Some((p, l)) => line_ev(l, id, tr!("{}: :INPUT {p}", "{}: :INPUT {p}", s.family)),
        None => file_ev(
            &s.file,
            id,
            Text::new(":INPUT の行がありません", "no :INPUT line"),
        ),
    });
    let alt = match fams.open_reason("iptables") {
        None => Alt::new(
            Status::Pass,
            Text::new(
                "iptables と ip6tables の INPUT チェインの既定ポリシーが受信を拒否しています",
                "the INPUT chains of iptables and ip6tables deny inbound traffic by default",
            ),
        ),
        Some(r) => {
            let mut a = Alt::new(Status::Fail, r);
            if !saves.iter().any(|s| s.family == "ipv6") {
                a = a.ev(note(
                    "/etc/iptables/rules.v6",
                    pol(id, Text::new("IPv6 のルールがありません", "no IPv6 rules")),
                ));
            }
            a
        }
    };
    out.push(alt.evs(evs));
    out
}

/// LNX-FW-003: ufw enabled, inbound denied, and IPV6=yes so IPv6 is filtered too.
fn ufw(lx: &LinuxFacts) -> Option<Alt> {
    let id = "LNX-FW-003";
    let (
        _,
        Check::Ufw {
            input_policies,
            service,
            ..
        },
    ) = check_of(id)
    else {
        return None;
    };
    let u = match &lx.ufw {
        Some(Err(e)) => return Some(Alt::error(e)),
        Some(Ok(u)) => u,
        None => return None,
    };
    let enabled = u.enabled.as_ref().is_some_and(|(v, _)| v == "yes");
    let policy = u
        .input_policy
        .as_ref()
        .map(|(p, _)| p.clone())
        .unwrap_or_default();
    let policy_ok = input_policies
        .iter()
        .any(|p| p.eq_ignore_ascii_case(&policy));
    let ipv6 = u.ipv6.as_ref().is_some_and(|(v, _)| v == "yes");
    let alt = if lx.units.is_masked(service) {
        Alt::new(
            Status::Fail,
            tr!(
                "{service} がマスクされているため ufw は起動しません",
                "{service} is masked, so ufw never starts"
            ),
        )
        .ev(lx.units.evidence(service))
    } else if !enabled {
        Alt::new(
            Status::Fail,
            Text::new(
                "ufw が無効です（ufw.conf が ENABLED=yes ではありません）",
                "ufw is disabled (ufw.conf does not say ENABLED=yes)",
            ),
        )
    } else if !policy_ok {
        Alt::new(
            Status::Fail,
            tr!(
                "ufw の受信の既定ポリシーが {policy} です",
                "ufw's default inbound policy is {policy}"
            ),
        )
    } else if !ipv6 {
        Alt::new(
            Status::Fail,
            Text::new(
                "ufw は IPv4 しか守っていません（/etc/default/ufw が IPV6=yes ではないため、IPv6 の受信は許可されます）",
                "ufw filters IPv4 only: /etc/default/ufw does not say IPV6=yes, so IPv6 inbound traffic is accepted",
            ),
        )
    } else {
        Alt::new(
            Status::Pass,
            tr!(
                "ufw が有効で、受信の既定ポリシーが IPv4・IPv6 とも {policy} です",
                "ufw is enabled with default inbound policy {policy} for IPv4 and IPv6"
            ),
        )
    };
    Some(alt.evs(ufw_evidence(u, id)))
}

fn ufw_evidence(u: &Ufw, id: &str) -> Vec<Evidence> {
    let mut evs = Vec::new();
    match &u.enabled {
        Some((v, l)) => evs.push(line_ev(l, id, tr!("ENABLED={v}", "ENABLED={v}"))),
        None => evs.extend(
            u.conf
                .iter()
                .map(|f| file_ev(f, id, Text::new("ENABLED がありません", "no ENABLED line"))),
        ),
    }
    match &u.input_policy {
        Some((p, l)) => evs.push(line_ev(
            l,
            id,
            tr!("DEFAULT_INPUT_POLICY={p}", "DEFAULT_INPUT_POLICY={p}"),
        )),
        None => evs.extend(u.defaults.iter().map(|f| {
            file_ev(
                f,
                id,
                Text::new(
                    "DEFAULT_INPUT_POLICY がありません",
                    "no DEFAULT_INPUT_POLICY",
                ),
            )
        })),
    }
    match &u.ipv6 {
        Some((v, l)) => evs.push(line_ev(l, id, tr!("IPV6={v}", "IPV6={v}"))),
        None => evs.extend(u.defaults.iter().map(|f| {
            file_ev(
                f,
                id,
                Text::new(
                    "IPV6 がありません（IPv6 は守られません）",
                    "no IPV6 (IPv6 is not filtered)",
                ),
            )
        })),
    }
    evs
}

/// LNX-FW-004: firewalld's zones apply to IPv4 and IPv6 alike.
fn firewalld(lx: &LinuxFacts) -> Option<Alt> {
    let (
        _,
        Check::Firewalld {
            service,
            accept_targets,
            ..
        },
    ) = check_of("LNX-FW-004")
    else {
        return None;
    };
    let fw = match &lx.firewalld {
        Some(Err(e)) => return Some(Alt::error(e)),
        Some(Ok(f)) => Some(f),
        None => None,
    };
    if fw.is_none() && lx.units.state(service) == UnitState::Disabled {
        return None;
    }
    let fw = fw.cloned().unwrap_or_default();
    Some(firewalld_zone(lx, &fw, service, accept_targets))
}

/// firewalld present (configured, or its service enabled or masked): the
/// service, then the default zone's target, then zones with target ACCEPT
/// bound to interfaces.
fn firewalld_zone(
    lx: &LinuxFacts,
    fw: &Firewalld,
    service: &str,
    accept_targets: &[String],
) -> Alt {
    let id = "LNX-FW-004";
    let zone = fw.zone();
    let target = fw.effective_target();
    let mut evs = vec![lx.units.evidence(service)];
    if let Some((_, l)) = &fw.default_zone {
        evs.push(line_ev(
            l,
            id,
            tr!("既定ゾーン {zone}", "default zone {zone}"),
        ));
    }
    if let Some((t, l)) = &fw.zone_target {
        evs.push(line_ev(
            l,
            id,
            tr!("ゾーン {zone} の target={t}", "zone {zone} target={t}"),
        ));
    }
    let alt = if let Some(a) = service_alt(lx, service, id) {
        a
    } else if target
        .as_ref()
        .is_some_and(|t| accept_targets.iter().any(|a| a.eq_ignore_ascii_case(t)))
    {
        Alt::new(
            Status::Fail,
            tr!(
                "firewalld の既定ゾーン {zone} の target が ACCEPT で、すべての受信を許可しています",
                "firewalld's default zone {zone} has target ACCEPT and accepts all inbound traffic"
            ),
        )
    } else if target.is_none() {
        Alt::new(
            Status::Error,
            tr!(
                "firewalld の既定ゾーン {zone} の定義ファイルが見つからず、target を確認できません",
                "cannot find the definition of firewalld's default zone {zone} to check its target"
            ),
        )
    } else if let Some((zi, l)) = fw.accept_bound.first() {
        evs.push(line_ev(
            l,
            id,
            tr!("{zi} は target=ACCEPT", "{zi} has target=ACCEPT"),
        ));
        Alt::new(
            Status::Fail,
            tr!(
                "target が ACCEPT のゾーンがインターフェースに割り当てられています（{zi}）",
                "a zone with target ACCEPT is bound to an interface ({zi})"
            ),
        )
    } else {
        let t = target.unwrap_or_default();
        Alt::new(
            Status::Pass,
            tr!(
                "firewalld が有効で、既定ゾーン {zone} の target は {t} です",
                "firewalld is enabled; default zone {zone} has target {t}"
            ),
        )
    };
    alt.evs(evs)
}

pub fn windows(w: &WindowsHost) -> Outcome {
    let id = "WIN-FW-001";
    let (
        _,
        Check::WindowsFirewall {
            json_file,
            file,
            inbound,
            policy_keys,
            enable_value,
            inbound_value,
            ..
        },
    ) = check_of(id)
    else {
        return Outcome::error(Text::same("policy WIN-FW-001 is broken"));
    };
    // The locale-neutral firewall.json first; netsh's firewall.txt when there is
    // no firewall.json. A firewall.json that cannot be read or parsed is an
    // error, not replaced in silence by the localised netsh output: the two
    // may disagree (ActiveStore holds what Group Policy applied).
    let profiles = match (&w.firewall_json, &w.firewall) {
        (Some(Ok(p)), _) => p,
        (None, Some(Ok(p))) => p,
        (Some(Err(e)), _) | (None, Some(Err(e))) => {
            return Outcome::error(e.text()).with([e.evidence()]);
        }
        (None, None) => return win_missing(w, &format!("{json_file} / {file}"), id),
    };
    let mut parts: Vec<Alt> = profiles
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let gpo = policy_keys
                .get(i)
                .map(|k| (k.as_str(), enable_value.as_str(), inbound_value.as_str()));
            fw_profile(w, id, p, gpo, inbound)
        })
        .collect();
    let n = profiles.len();
    // Windows has three profiles and `show allprofiles` prints all of them: a
    // missing one is not known to be on, so the evidence cannot pass.
    if n < 3 {
        parts.push(
            Alt::new(
                Status::Error,
                tr!(
                    "{file} にはプロファイルが {n} 個しかなく、残りの状態がわかりません（Windows のプロファイルはドメイン・プライベート・パブリックの 3 つです。`netsh advfirewall show allprofiles` で収集し直してください）",
                    "{file} shows only {n} profile(s), so the state of the others is unknown (Windows has three: Domain, Private and Public; collect `netsh advfirewall show allprofiles` again)"
                ),
            )
            .ev(Evidence::new(EvidenceKind::Windows)
                .path(w.file_path(file))
                .detail(pol(
                    id,
                    Text::new("プロファイルが足りません", "profiles missing"),
                ))),
        );
    }
    let o = all_of(
        parts,
        tr!(
            "Windows ファイアウォールの全 {n} プロファイルがオンで、受信をブロックしています",
            "the Windows Firewall is on with inbound blocked in all {n} profiles"
        ),
    );
    let errs = w.reg_errors(&other_items_reg_exports(ItemId::Its03));
    with_reg_errors(o, &errs, false)
}

/// A firewall profile's state and inbound policy as exported, each with its
/// evidence lines; Group Policy's values take precedence: `gpo` is the policy
/// key of the profile at this position and the names of its state and
/// inbound-action values.
fn fw_profile(
    w: &WindowsHost,
    id: &str,
    p: &FwProfile,
    gpo: Option<(&str, &str, &str)>,
    inbound: &[String],
) -> Alt {
    let name = &p.heading;
    let mut evs = vec![line_ev(&p.heading_line, id, Text::same(name.clone()))];
    let mut on = p.state.as_ref().map(|(b, _)| *b);
    if let Some((_, l)) = &p.state {
        evs.push(line_ev(l, id, Text::new("状態", "state")));
    }
    if let Some(l) = &p.state_unread {
        evs.push(line_ev(
            l,
            id,
            Text::new("状態の値が不明", "unknown state value"),
        ));
    }
    let mut policy = p.inbound.as_ref().map(|(v, _)| v.clone());
    if let Some((_, l)) = &p.inbound {
        evs.push(line_ev(
            l,
            id,
            Text::new("ファイアウォール ポリシー", "firewall policy"),
        ));
    }
    if let Some((k, enable, action)) = gpo {
        if let Some((n, l)) = gpo_number(w, k, enable) {
            on = Some(n == 1);
            evs.push(line_ev(l, id, gpo_first()));
        }
        if let Some((n, l)) = gpo_number(w, k, action) {
            policy = Some(
                if n == 1 {
                    "BlockInbound"
                } else {
                    "AllowInbound"
                }
                .into(),
            );
            evs.push(line_ev(l, id, gpo_first()));
        }
    }
    let blocks = policy
        .as_ref()
        .is_some_and(|v| inbound.iter().any(|x| x.eq_ignore_ascii_case(v)));
    fw_verdict(name, on, blocks, policy).evs(evs)
}

/// A Group Policy registry value that is a number, with its line.
fn gpo_number<'a>(w: &'a WindowsHost, key: &str, name: &str) -> Option<(u64, &'a Line)> {
    let (_, v) = w.reg_value(key, name)?;
    Some((v.data.as_u64()?, &v.line))
}

fn gpo_first() -> Text {
    Text::new("グループポリシーが優先", "Group Policy takes precedence")
}

/// A profile passes when it is on and blocks inbound connections.
fn fw_verdict(name: &str, on: Option<bool>, blocks: bool, policy: Option<String>) -> Alt {
    match (on, blocks) {
        (Some(true), true) => Alt::new(
            Status::Pass,
            tr!("{name}: ON、受信ブロック", "{name}: ON, inbound blocked"),
        ),
        (Some(false), _) => Alt::new(
            Status::Fail,
            tr!(
                "{name} のファイアウォールがオフです",
                "the {name} firewall is OFF"
            ),
        ),
        (None, _) => Alt::new(
            Status::Error,
            tr!(
                "{name} の状態を読み取れません",
                "cannot read the state of {name}"
            ),
        ),
        (Some(true), false) => {
            let v = policy.unwrap_or_else(|| "?".into());
            Alt::new(
                Status::Fail,
                tr!(
                    "{name} の受信ポリシーが {v} です",
                    "{name} inbound policy is {v}"
                ),
            )
        }
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its03, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its03(ctx)
}
