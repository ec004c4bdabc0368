//! ITS-03 — a firewall is enabled with inbound traffic denied by default.

use crate::collect::host::systemd::UnitState;
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

pub fn linux(lx: &LinuxFacts) -> Outcome {
    let mut alts = Vec::new();

    // LNX-FW-001 nftables
    if let (
        _,
        Check::Nftables {
            service,
            hook,
            policies,
            ..
        },
    ) = check_of("LNX-FW-001")
    {
        let id = "LNX-FW-001";
        match &lx.nft {
            Some(Err(e)) => alts.push(Alt::error(e)),
            Some(Ok(n)) => {
                let chains: Vec<_> = n
                    .chains
                    .iter()
                    .filter(|c| {
                        &c.hook == hook && ["ip", "ip6", "inet"].contains(&c.family.as_str())
                    })
                    .collect();
                let dropping: Vec<_> = chains
                    .iter()
                    .filter(|c| c.policy.as_ref().is_some_and(|p| policies.contains(p)))
                    .collect();
                let chain_ev = |c: &crate::collect::host::linux::firewall::NftChain| {
                    let name = format!("{} {} {}", c.family, c.table, c.name);
                    match (&c.policy, &c.policy_line) {
                        (Some(p), Some(l)) => {
                            line_ev(l, id, tr!("{name}: policy {p}", "{name}: policy {p}"))
                        }
                        _ => line_ev(
                            &c.line,
                            id,
                            tr!(
                                "{name}: policy なし（既定は accept）",
                                "{name}: no policy (defaults to accept)"
                            ),
                        ),
                    }
                };
                // A missing include is shown, not fatal: the chains are in the
                // files read, and a copied root often lacks the included tree.
                let missing: Vec<Evidence> = n
                    .missing_includes
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
                    .collect();
                if dropping.is_empty() {
                    let reason = if chains.is_empty() {
                        tr!(
                            "nftables の設定に hook {hook} のチェインがありません",
                            "the nftables ruleset has no chain on hook {hook}"
                        )
                    } else {
                        tr!(
                            "nftables の {hook} チェインに policy drop がなく、受信は既定で許可されます",
                            "the nftables {hook} chain has no policy drop, so inbound traffic is accepted by default"
                        )
                    };
                    alts.push(
                        Alt::new(Status::Fail, reason)
                            .evs(chains.iter().map(|c| chain_ev(c)))
                            .evs(n.files.first().map(|f| {
                                file_ev(f, id, Text::new("nftables の設定", "nftables ruleset"))
                            })),
                    );
                } else if let Some(a) = service_alt(lx, service, id) {
                    alts.push(a.evs(dropping.iter().map(|c| chain_ev(c))));
                } else {
                    alts.push(
                        Alt::new(
                            Status::Pass,
                            tr!(
                                "nftables が有効で、{hook} チェインの policy が drop です",
                                "nftables is enabled and its {hook} chain has policy drop"
                            ),
                        )
                        .evs(dropping.iter().map(|c| chain_ev(c)))
                        .ev(lx.units.evidence(service))
                        .evs(missing),
                    );
                }
            }
            None => {
                if lx.units.is_enabled(service) {
                    alts.push(
                        Alt::new(
                            Status::Fail,
                            Text::new(
                                "nftables.service は有効ですが /etc/nftables.conf がありません",
                                "nftables.service is enabled but there is no /etc/nftables.conf",
                            ),
                        )
                        .ev(lx.units.evidence(service)),
                    );
                }
            }
        }
    }

    // LNX-FW-002 iptables-save
    if let (_, Check::IptablesSave { policies, .. }) = check_of("LNX-FW-002") {
        let id = "LNX-FW-002";
        for r in &lx.iptables {
            match r {
                Err(e) => alts.push(Alt::error(e)),
                Ok(s) => match &s.input_policy {
                    Some((p, l)) if policies.iter().any(|x| x.eq_ignore_ascii_case(p)) => alts
                        .push(
                            Alt::new(
                                Status::Pass,
                                tr!(
                                    "{} の INPUT チェインの既定ポリシーが {p} です",
                                    "the INPUT chain in {} defaults to {p}",
                                    s.file.path
                                ),
                            )
                            .ev(line_ev(
                                l,
                                id,
                                tr!(":INPUT {p}", ":INPUT {p}"),
                            )),
                        ),
                    Some((p, l)) => alts.push(
                        Alt::new(
                            Status::Fail,
                            tr!(
                                "{} の INPUT チェインの既定ポリシーが {p} です",
                                "the INPUT chain in {} defaults to {p}",
                                s.file.path
                            ),
                        )
                        .ev(line_ev(
                            l,
                            id,
                            tr!(":INPUT {p}（受信を許可）", ":INPUT {p} (accepts inbound)"),
                        )),
                    ),
                    None => alts.push(
                        Alt::new(
                            Status::Fail,
                            tr!(
                                "{} の filter テーブルに INPUT の既定ポリシーがありません",
                                "{} sets no INPUT policy in the filter table",
                                s.file.path
                            ),
                        )
                        .ev(file_ev(
                            &s.file,
                            id,
                            Text::new(":INPUT の行がありません", "no :INPUT line"),
                        )),
                    ),
                },
            }
        }
    }

    // LNX-FW-003 ufw
    if let (
        _,
        Check::Ufw {
            input_policies,
            service,
            ..
        },
    ) = check_of("LNX-FW-003")
    {
        let id = "LNX-FW-003";
        match &lx.ufw {
            Some(Err(e)) => alts.push(Alt::error(e)),
            Some(Ok(u)) => {
                let enabled = u.enabled.as_ref().is_some_and(|(v, _)| v == "yes");
                let policy = u
                    .input_policy
                    .as_ref()
                    .map(|(p, _)| p.clone())
                    .unwrap_or_default();
                let policy_ok = input_policies
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&policy));
                let mut evs = Vec::new();
                match &u.enabled {
                    Some((v, l)) => evs.push(line_ev(l, id, tr!("ENABLED={v}", "ENABLED={v}"))),
                    None => evs.extend(u.conf.iter().map(|f| {
                        file_ev(f, id, Text::new("ENABLED がありません", "no ENABLED line"))
                    })),
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
                } else {
                    Alt::new(
                        Status::Pass,
                        tr!(
                            "ufw が有効で、受信の既定ポリシーが {policy} です",
                            "ufw is enabled with default inbound policy {policy}"
                        ),
                    )
                };
                alts.push(alt.evs(evs));
            }
            None => {}
        }
    }

    // LNX-FW-004 firewalld
    if let (
        _,
        Check::Firewalld {
            service,
            accept_targets,
            ..
        },
    ) = check_of("LNX-FW-004")
    {
        let id = "LNX-FW-004";
        let fw = match &lx.firewalld {
            Some(Err(e)) => {
                alts.push(Alt::error(e));
                None
            }
            Some(Ok(f)) => Some(f.clone()),
            None => None,
        };
        let state = lx.units.state(service);
        let present = fw.is_some() || state != UnitState::Disabled;
        if present && !matches!(lx.firewalld, Some(Err(_))) {
            let fw = fw.unwrap_or_default();
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
            alts.push(alt.evs(evs));
        }
    }

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

pub fn windows(w: &WindowsHost) -> Outcome {
    let id = "WIN-FW-001";
    let (
        _,
        Check::WindowsFirewall {
            inbound,
            policy_keys,
            ..
        },
    ) = check_of(id)
    else {
        return Outcome::error(Text::same("policy WIN-FW-001 is broken"));
    };
    let profiles = match &w.firewall {
        None => return win_missing(w, "firewall.txt", id),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(p)) => p,
    };
    let mut parts = Vec::new();
    for (i, p) in profiles.iter().enumerate() {
        let name = &p.heading;
        let gpo = policy_keys.get(i);
        let mut evs = vec![line_ev(&p.heading_line, id, Text::same(name.clone()))];
        let mut on = p.state.as_ref().map(|(b, _)| *b);
        if let Some((_, l)) = &p.state {
            evs.push(line_ev(l, id, Text::new("状態", "state")));
        }
        let mut policy = p.inbound.as_ref().map(|(v, _)| v.clone());
        if let Some((_, l)) = &p.inbound {
            evs.push(line_ev(
                l,
                id,
                Text::new("ファイアウォール ポリシー", "firewall policy"),
            ));
        }
        if let Some(k) = gpo {
            if let Some((_, v)) = w.reg_value(k, "EnableFirewall")
                && let Some(n) = v.data.as_u64()
            {
                on = Some(n == 1);
                evs.push(line_ev(
                    &v.line,
                    id,
                    Text::new("グループポリシーが優先", "Group Policy takes precedence"),
                ));
            }
            if let Some((_, v)) = w.reg_value(k, "DefaultInboundAction")
                && let Some(n) = v.data.as_u64()
            {
                policy = Some(if n == 1 {
                    "BlockInbound".into()
                } else {
                    "AllowInbound".into()
                });
                evs.push(line_ev(
                    &v.line,
                    id,
                    Text::new("グループポリシーが優先", "Group Policy takes precedence"),
                ));
            }
        }
        let blocks = policy
            .as_ref()
            .is_some_and(|v| inbound.iter().any(|x| x.eq_ignore_ascii_case(v)));
        let alt = match (on, blocks) {
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
                let v = policy.clone().unwrap_or_else(|| "?".into());
                Alt::new(
                    Status::Fail,
                    tr!(
                        "{name} の受信ポリシーが {v} です",
                        "{name} inbound policy is {v}"
                    ),
                )
            }
        };
        parts.push(alt.evs(evs));
    }
    let n = parts.len();
    // Windows has three profiles and `show allprofiles` prints all of them: a
    // missing one is not known to be on, so the evidence cannot pass.
    if n < 3 {
        parts.push(
            Alt::new(
                Status::Error,
                tr!(
                    "firewall.txt にはプロファイルが {n} 個しかなく、残りの状態がわかりません（Windows のプロファイルはドメイン・プライベート・パブリックの 3 つです。`netsh advfirewall show allprofiles` で収集し直してください）",
                    "firewall.txt shows only {n} profile(s), so the state of the others is unknown (Windows has three: Domain, Private and Public; collect `netsh advfirewall show allprofiles` again)"
                ),
            )
            .ev(Evidence::new(EvidenceKind::Windows)
                .path(w.file_path("firewall.txt"))
                .detail(pol(
                    id,
                    Text::new("プロファイルが足りません", "profiles missing"),
                ))),
        );
    }
    all_of(
        parts,
        tr!(
            "Windows ファイアウォールの全 {n} プロファイルがオンで、受信をブロックしています",
            "the Windows Firewall is on with inbound blocked in all {n} profiles"
        ),
    )
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its03, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its03(ctx)
}
