//! ITS-01 — USB mass storage blocked or controlled.

use crate::collect::host::linux::usb::{
    UsbGuard, UsbRule, cmdline_blacklist, install_blocks, norm_module,
};
use crate::collect::host::systemd::UnitState;
use crate::rules::kit::host::*;
use crate::tr;

pub fn its01(ctx: &Context) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(lx)),
        |w| Verdict::Decided(windows(w)),
    )
}

pub fn linux(lx: &LinuxFacts) -> Outcome {
    // Alternatives per mechanism: modprobe.d, GRUB, USBGuard.
    let mut mp: Vec<Alt> = usb_install_line(lx).into_iter().collect();
    mp.extend(usb_blacklist_alone(lx));
    let alts = with_errors(lx, mp, usb_cmdline(lx), usb_usbguard(lx));
    let usb = any_of(
        alts,
        Text::new(
            "USB 記憶装置を禁止・制御する設定（modprobe の install 行、カーネル起動オプション、USBGuard）が見つかりません",
            "nothing blocks or controls USB mass storage (no modprobe install line, kernel command line blacklist or USBGuard)",
        ),
        looked(),
    );
    with_other_buses(usb, other_buses(lx))
}

/// Module names of a policy, normalised (`-` → `_`).
fn norm_all(modules: &[String]) -> Vec<String> {
    modules.iter().map(|m| norm_module(m)).collect()
}

/// LNX-USB-001: the first install line for usb-storage decides.
fn usb_install_line(lx: &LinuxFacts) -> Option<Alt> {
    let (
        _,
        Check::ModprobeInstall {
            modules,
            command_endings,
            ..
        },
    ) = check_of("LNX-USB-001")
    else {
        return None;
    };
    let mods = norm_all(modules);
    first_install(
        lx,
        |m| mods.iter().any(|x| x == m),
        command_endings,
        "LNX-USB-001",
        |m, cmd, line| {
            tr!(
                "{} に `install {m} {cmd}` があり、USB 記憶装置のドライバーは読み込まれません",
                "{} has `install {m} {cmd}`, so the USB storage driver never loads",
                line.at()
            )
        },
        |m, cmd, line| {
            tr!(
                "{} の `install {m}` は `{cmd}` を実行するため、ドライバーの読み込みを止めていません",
                "the `install {m}` line at {} runs `{cmd}`, which does not stop the driver from loading",
                line.at()
            )
        },
    )
}

/// The first install line for a module that `is_module` accepts decides, as in
/// modprobe: it passes when its command ends in one of `endings` (`pass` gives
/// the reason), and fails otherwise (`fail`); later install lines are cited as
/// ignored. None when there is no install line for the module.
fn first_install(
    lx: &LinuxFacts,
    is_module: impl Fn(&str) -> bool,
    endings: &[String],
    id: &str,
    pass: impl Fn(&str, &str, &Line) -> Text,
    fail: impl Fn(&str, &str, &Line) -> Text,
) -> Option<Alt> {
    let mut installs = lx.modprobe.installs.iter().filter(|(m, _, _)| is_module(m));
    let (m, cmd, line) = installs.next()?;
    let alt = if install_blocks(cmd, endings) {
        Alt::new(Status::Pass, pass(m, cmd, line)).ev(line_ev(
            line,
            id,
            Text::new(
                "モジュールを読み込まないコマンド",
                "command that does not load the module",
            ),
        ))
    } else {
        Alt::new(Status::Fail, fail(m, cmd, line)).ev(line_ev(
            line,
            id,
            Text::new(
                "modprobe が使う最初の install 行",
                "the first install line, the one modprobe uses",
            ),
        ))
    };
    Some(alt.evs(installs.map(|(_, _, l)| {
        line_ev(
            l,
            id,
            Text::new(
                "後にある install 行は modprobe に無視されます",
                "later install lines are ignored by modprobe",
            ),
        )
    })))
}

/// LNX-USB-002: modprobe.blacklist= on the kernel command line.
fn usb_cmdline(lx: &LinuxFacts) -> Vec<Alt> {
    let (
        _,
        Check::KernelCmdlineBlacklist {
            variables, modules, ..
        },
    ) = check_of("LNX-USB-002")
    else {
        return Vec::new();
    };
    let mods = norm_all(modules);
    cmdline_blacklists(
        lx,
        variables,
        |listed| listed.iter().any(|m| mods.contains(m)),
        "LNX-USB-002",
        |v, line| {
            tr!(
                "{} の {v} で usb_storage がブラックリストに指定されており、起動時から USB 記憶装置のドライバーを無効にしています",
                "{v} in {} blacklists usb_storage on the kernel command line",
                line.path
            )
        },
    )
}

/// One passing alternative per GRUB variable (of `variables`, as set last)
/// whose kernel command line blacklists what `hit` looks for.
fn cmdline_blacklists(
    lx: &LinuxFacts,
    variables: &[String],
    hit: impl Fn(&[String]) -> bool,
    id: &str,
    reason: impl Fn(&str, &Line) -> Text,
) -> Vec<Alt> {
    let Some(g) = &lx.grub else {
        return Vec::new();
    };
    variables
        .iter()
        .filter_map(|v| {
            let (val, line) = g.vars.get(v)?;
            hit(&cmdline_blacklist(val)).then(|| {
                Alt::new(Status::Pass, reason(v, line)).ev(line_ev(
                    line,
                    id,
                    Text::new("カーネル起動オプション", "kernel command line"),
                ))
            })
        })
        .collect()
}

/// LNX-USB-003: USBGuard, when its daemon configuration exists.
fn usb_usbguard(lx: &LinuxFacts) -> Vec<Alt> {
    match (check_of("LNX-USB-003"), &lx.usbguard) {
        (
            (
                _,
                Check::Usbguard {
                    daemon_conf,
                    implicit_targets,
                    interface_class,
                },
            ),
            Some(g),
        ) => vec![usbguard(
            lx,
            g,
            daemon_conf,
            implicit_targets,
            interface_class,
        )],
        _ => Vec::new(),
    }
}

/// LNX-USB-004: a blacklist line alone.
fn usb_blacklist_alone(lx: &LinuxFacts) -> Option<Alt> {
    let (_, Check::ModprobeBlacklist { modules }) = check_of("LNX-USB-004") else {
        return None;
    };
    let mods = norm_all(modules);
    blacklist_alone(
        lx,
        |m| mods.iter().any(|x| x == m),
        "LNX-USB-004",
        |at| {
            tr!(
                "{at} の `blacklist usb-storage` は自動読み込みを止めるだけで、明示的に読み込めば USB 記憶装置を使えます",
                "`blacklist usb-storage` at {at} only stops automatic loading; the driver can still be loaded on request"
            )
        },
    )
}

/// The blacklist lines for a module that `is_module` accepts: partial (they
/// only stop automatic loading), the reason citing the first one (`reason`
/// gets its place). None when there is no such line.
fn blacklist_alone(
    lx: &LinuxFacts,
    is_module: impl Fn(&str) -> bool,
    id: &str,
    reason: impl Fn(&str) -> Text,
) -> Option<Alt> {
    let lines: Vec<&Line> = lx
        .modprobe
        .blacklists
        .iter()
        .filter(|(m, _)| is_module(m))
        .map(|(_, l)| l)
        .collect();
    let at = lines.first()?.at();
    Some(
        Alt::new(Status::Partial, reason(&at)).evs(lines.iter().map(|l| {
            line_ev(
                l,
                id,
                Text::new(
                    "blacklist 行だけでは不十分です",
                    "a blacklist line alone is not enough",
                ),
            )
        })),
    )
}

/// Where ITS-01 looked when nothing blocks USB storage: the first folder or
/// file of each mechanism's policy.
fn looked() -> Vec<Evidence> {
    let mut out = Vec::new();
    if let (_, Check::ModprobeInstall { dirs, .. }) = check_of("LNX-USB-001")
        && let Some(d) = dirs.first()
    {
        out.push(note(
            d,
            Text::new("install／blacklist 行なし", "no install or blacklist line"),
        ));
    }
    if let (_, Check::KernelCmdlineBlacklist { files, .. }) = check_of("LNX-USB-002")
        && let Some(f) = files.first()
    {
        out.push(note(
            f,
            Text::new("modprobe.blacklist なし", "no modprobe.blacklist"),
        ));
    }
    if let (_, Check::Usbguard { daemon_conf, .. }) = check_of("LNX-USB-003") {
        out.push(note(
            daemon_conf,
            Text::new("USBGuard の設定なし", "no USBGuard configuration"),
        ));
    }
    out
}

/// A file that could not be read may hold an earlier (winning) install line,
/// a later GRUB assignment or an allow rule: that mechanism cannot pass.
fn with_errors(lx: &LinuxFacts, mp: Vec<Alt>, gr: Vec<Alt>, ug: Vec<Alt>) -> Vec<Alt> {
    let mut alts = Vec::new();
    for (found, errors) in [
        (mp, &lx.modprobe_errors),
        (gr, &lx.grub_errors),
        (ug, &lx.usbguard_errors),
    ] {
        if errors.is_empty() {
            alts.extend(found);
            continue;
        }
        for a in found {
            if a.status == Status::Fail {
                alts.push(a);
            } else {
                // The unreadable file itself is the next alternative's reason.
                let r = &a.reason;
                alts.push(
                    Alt::new(
                        Status::Error,
                        Text::new(
                            format!("{}（ただし、これを上書きしうるファイルを読めません）", r.ja),
                            format!(
                                "{} (but a file that could override it cannot be read)",
                                r.en
                            ),
                        ),
                    )
                    .evs(a.evidence),
                );
            }
        }
        alts.extend(errors.iter().map(Alt::error));
    }
    alts
}

/// The modules named by a policy, one entry per module (`-` and `_` are the
/// same; the first spelling is the one shown).
fn policy_modules(modules: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for m in modules {
        let n = norm_module(m);
        if !out.iter().any(|(k, _)| *k == n) {
            out.push((n, m.clone()));
        }
    }
    out
}

/// FireWire and Thunderbolt storage (LNX-USB-005…007): per module, the same
/// mechanisms as usb-storage (first install line, kernel command line,
/// blacklist alone = partial). USBGuard controls USB only, so it does not count.
/// Returns each module's name and outcome.
fn other_buses(lx: &LinuxFacts) -> Vec<(String, Outcome)> {
    let (
        _,
        Check::ModprobeInstall {
            modules,
            command_endings,
            ..
        },
    ) = check_of("LNX-USB-005")
    else {
        return Vec::new();
    };
    policy_modules(modules)
        .into_iter()
        .map(|(n, shown)| {
            let o = other_bus(lx, &n, &shown, command_endings);
            (shown, o)
        })
        .collect()
}

/// One FireWire/Thunderbolt module (`n` normalised, `shown` as the policy
/// spells it): its first install line (LNX-USB-005), the kernel command line
/// (LNX-USB-006) and a blacklist line alone (LNX-USB-007).
fn other_bus(lx: &LinuxFacts, n: &str, shown: &str, endings: &[String]) -> Outcome {
    let mut mp: Vec<Alt> = first_install(
        lx,
        |m| m == n,
        endings,
        "LNX-USB-005",
        |m, cmd, line| {
            tr!(
                "{} の `install {m} {cmd}` で {shown} は読み込まれません",
                "`install {m} {cmd}` at {} keeps {shown} from loading",
                line.at()
            )
        },
        |m, cmd, line| {
            tr!(
                "{} の `install {m}` は `{cmd}` を実行するため、{shown} の読み込みを止めていません",
                "the `install {m}` line at {} runs `{cmd}`, which does not stop {shown} from loading",
                line.at()
            )
        },
    )
    .into_iter()
    .collect();
    let gr = match check_of("LNX-USB-006") {
        (
            _,
            Check::KernelCmdlineBlacklist {
                variables, modules, ..
            },
        ) if norm_all(modules).iter().any(|m| m == n) => cmdline_blacklists(
            lx,
            variables,
            |listed| listed.iter().any(|m| m == n),
            "LNX-USB-006",
            |v, line| {
                tr!(
                    "{} の {v} で {shown} がブラックリストに指定されています",
                    "{v} in {} blacklists {shown} on the kernel command line",
                    line.path
                )
            },
        ),
        _ => Vec::new(),
    };
    if let (_, Check::ModprobeBlacklist { modules }) = check_of("LNX-USB-007")
        && norm_all(modules).iter().any(|m| m == n)
    {
        mp.extend(blacklist_alone(lx, |m| m == n, "LNX-USB-007", |at| {
            tr!(
                "{at} の `blacklist {shown}` は自動読み込みを止めるだけで、明示的に読み込めます",
                "`blacklist {shown}` at {at} only stops automatic loading; it can still be loaded on request"
            )
        }));
    }
    any_of(
        with_errors(lx, mp, gr, Vec::new()),
        // Nothing found: the module is named in the open list, no more to say.
        Text::default(),
        Vec::new(),
    )
}

/// USB storage blocked but FireWire/Thunderbolt open → partial, naming the open
/// modules (configuration cannot tell whether the hardware exists; see
/// docs/host-settings.md). A USB result other than pass stands, with the open
/// modules added to its reason.
fn with_other_buses(usb: Outcome, others: Vec<(String, Outcome)>) -> Outcome {
    let mut status = usb.status;
    let mut reason = usb.reason;
    let mut evidence = usb.evidence;
    let mut open: Vec<String> = Vec::new();
    let mut why = Text::default();
    for (m, o) in others {
        for e in o.evidence {
            if !evidence.contains(&e) {
                evidence.push(e);
            }
        }
        if o.status != Status::Pass
            && !reason.en.contains(&o.reason.en)
            && !why.en.contains(&o.reason.en)
        {
            why = why.join(&o.reason);
        }
        match o.status {
            Status::Pass => {}
            // A module that cannot be assessed makes a pass or partial an
            // error; a proven fail stays (the combining order of `worse`).
            Status::Error => status = worse(status, Status::Error),
            _ => open.push(m),
        }
    }
    if !open.is_empty() {
        let list = open.join(", ");
        reason = reason.join(&if status == Status::Pass {
            status = Status::Partial;
            tr!(
                "ただし FireWire／Thunderbolt の記憶装置の経路（{list}）は止められていません",
                "but FireWire/Thunderbolt storage ({list}) is not blocked"
            )
        } else {
            tr!(
                "FireWire／Thunderbolt の記憶装置の経路（{list}）も止められていません",
                "FireWire/Thunderbolt storage ({list}) is not blocked either"
            )
        });
    }
    if !why.ja.is_empty() {
        reason = reason.join(&why);
    }
    Outcome {
        status,
        reason,
        evidence,
    }
}

/// USBGuard's `ImplicitPolicyTarget` (lower case) and its evidence: the line
/// that sets it, or, unset, the daemon configuration (USBGuard's default, block).
fn implicit_target(g: &UsbGuard, daemon_conf: &str) -> (String, Evidence) {
    let id = "LNX-USB-003";
    match &g.implicit_target {
        Some((t, l)) => (
            t.to_ascii_lowercase(),
            line_ev(
                l,
                id,
                tr!("ImplicitPolicyTarget={t}", "ImplicitPolicyTarget={t}"),
            ),
        ),
        None => (
            "block".to_string(),
            g.daemon_conf
                .as_ref()
                .map(|f| {
                    file_ev(
                        f,
                        id,
                        Text::new(
                            "ImplicitPolicyTarget は未設定（既定値 block）",
                            "ImplicitPolicyTarget unset (default block)",
                        ),
                    )
                })
                .unwrap_or_else(|| note(daemon_conf, Text::same("-"))),
        ),
    }
}

/// Fails: the target evidence, then the first of `admitting` (allow rules that let mass storage through,
/// in rule order) is cited in the reason, each with why it matches.
fn admitting_rules(admitting: &[&UsbRule], class: &str, target_ev: Evidence) -> Alt {
    let at = admitting[0].line.at();
    Alt::new(
        Status::Fail,
        tr!(
            "USBGuard のルール {at} がマスストレージ（インターフェースクラス {class}）を許可しています",
            "the USBGuard rule at {at} allows mass storage (interface class {class})"
        ),
    )
    .ev(target_ev)
    .evs(admitting.iter().map(|r| {
        let why = match &r.interfaces {
            Some((op, set)) if op == "all-of" && set.is_empty() => Text::new(
                "空の all-of { } はすべての機器に一致します",
                "an empty all-of { } matches every device",
            ),
            None => Text::new(
                "インターフェースの条件がなく、どの機器にも一致します",
                "no interface condition: matches any device",
            ),
            _ => tr!("クラス {class} を許可", "allows class {class}"),
        };
        line_ev(&r.line, "LNX-USB-003", why)
    }))
}

/// LNX-USB-003: fails when usbguard.service is masked, when the implicit target
/// lets devices without a rule through, or when a rule admits `class`.
fn usbguard(
    lx: &LinuxFacts,
    g: &UsbGuard,
    daemon_conf: &str,
    targets: &[String],
    class: &str,
) -> Alt {
    let id = "LNX-USB-003";
    if let UnitState::Masked(_) = lx.units.state("usbguard.service") {
        return Alt::new(
            Status::Fail,
            Text::new(
                "usbguard.service がマスクされているため、USBGuard は動作しません",
                "usbguard.service is masked, so USBGuard never runs",
            ),
        )
        .ev(lx.units.evidence("usbguard.service"));
    }
    let (target, target_ev) = implicit_target(g, daemon_conf);
    if !targets.iter().any(|t| t.eq_ignore_ascii_case(&target)) {
        return Alt::new(
            Status::Fail,
            tr!(
                "USBGuard の ImplicitPolicyTarget が {target} のため、ルールにない機器も使えます",
                "USBGuard's ImplicitPolicyTarget is {target}, so devices without a rule are allowed"
            ),
        )
        .ev(target_ev);
    }
    let v = g.class_verdict(class);
    if !v.admitting.is_empty() {
        return admitting_rules(&v.admitting, class, target_ev);
    }
    let mut alt = Alt::new(
        Status::Pass,
        tr!(
            "USBGuard が既定でブロック（{target}）し、マスストレージ（クラス {class}）を許可するルールはありません",
            "USBGuard blocks by default ({target}) and no rule allows mass storage (class {class})"
        ),
    )
    .ev(target_ev);
    if let Some(r) = v.blocked_by {
        alt = alt.ev(line_ev(
            &r.line,
            id,
            tr!(
                "クラス {class} を拒否するルール",
                "rule blocking class {class}"
            ),
        ));
    }
    alt.evs(
        g.rule_files
            .iter()
            .map(|f| file_ev(f, id, Text::new("ルールファイル", "rule file"))),
    )
}

pub fn windows(w: &WindowsHost) -> Outcome {
    match &w.registry {
        None => return win_missing(w, &registry_glob(), "WIN-USB-001"),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(_)) => {}
    }
    let (usbstor_seen, usbstor) = usbstor_start(w);
    let mut alts: Vec<Alt> = usbstor.into_iter().collect();
    alts.extend(removable_storage_policy(w));
    let errs = w.reg_errors(&other_items_reg_exports(ItemId::Its01));
    if !usbstor_seen && !alts.iter().any(|a| a.status == Status::Pass) {
        return with_reg_errors(no_usb_control(w), &errs, true);
    }
    let o = any_of(
        alts,
        Text::new(
            "USB 記憶装置を禁止する設定（USBSTOR の Start=4、リムーバブル記憶域のポリシー）がありません",
            "nothing blocks USB mass storage (USBSTOR Start=4 or a removable storage policy)",
        ),
        vec![],
    );
    with_reg_errors(o, &errs, true)
}

/// WIN-USB-001: the USB storage driver's `Start` under the first of the
/// policy's keys that has it. Whether the registry evidence exports
/// Services\USBSTOR at all, and the verdict on its value when there is one.
fn usbstor_start(w: &WindowsHost) -> (bool, Option<Alt>) {
    let (
        _,
        Check::RegistryValue {
            keys,
            value,
            equals,
            ..
        },
    ) = check_of("WIN-USB-001")
    else {
        return (false, None);
    };
    let Some((k, v)) = keys.iter().find_map(|k| w.reg_value(k, value)) else {
        return (keys.iter().any(|k| w.reg_has_key(k).is_some()), None);
    };
    let n = v.data.as_u64();
    let shown = n
        .map(|n| n.to_string())
        .unwrap_or_else(|| format!("{:?}", v.data));
    let path = &k.path;
    let alt = if n == Some(*equals) {
        Alt::new(
            Status::Pass,
            tr!(
                "{path} の {value} が {shown}（無効）です",
                "{value} under {path} is {shown} (disabled)"
            ),
        )
        .ev(line_ev(
            &v.line,
            "WIN-USB-001",
            Text::new(
                "USB 記憶装置ドライバーは無効",
                "USB storage driver disabled",
            ),
        ))
    } else {
        Alt::new(
            Status::Fail,
            tr!(
                "{path} の {value} が {shown} で、USB 記憶装置ドライバーが有効です",
                "{value} under {path} is {shown}: the USB storage driver is enabled"
            ),
        )
        .ev(line_ev(
            &v.line,
            "WIN-USB-001",
            tr!("{equals} でない", "not {equals}"),
        ))
    };
    (true, Some(alt))
}

/// WIN-USB-002: the removable storage policy's deny-all value, and the deny
/// values under the removable-disk class key; one passing part for each set.
fn removable_storage_policy(w: &WindowsHost) -> Vec<Alt> {
    let (
        _,
        Check::RemovableStoragePolicy {
            key,
            deny_all,
            class_guid,
            deny_values,
            ..
        },
    ) = check_of("WIN-USB-002")
    else {
        return Vec::new();
    };
    let mut alts = Vec::new();
    if let Some((_, v)) = w.reg_value(key, deny_all)
        && v.data.as_u64() == Some(1)
    {
        alts.push(
            Alt::new(
                Status::Pass,
                tr!(
                    "リムーバブル記憶域のポリシー {deny_all}=1 がすべてのアクセスを拒否しています",
                    "the removable storage policy {deny_all}=1 denies all access"
                ),
            )
            .ev(line_ev(
                &v.line,
                "WIN-USB-002",
                Text::new("すべて拒否", "deny all"),
            )),
        );
    }
    let class_key = format!("{key}\\{class_guid}");
    for dv in deny_values {
        if let Some((_, v)) = w.reg_value(&class_key, dv)
            && v.data.as_u64() == Some(1)
        {
            alts.push(
                Alt::new(
                    Status::Pass,
                    tr!(
                        "リムーバブル ディスクのポリシー {dv}=1 が設定されています",
                        "the removable-disk policy sets {dv}=1"
                    ),
                )
                .ev(line_ev(&v.line, "WIN-USB-002", tr!("{dv} = 1", "{dv} = 1"))),
            );
        }
    }
    alts
}

/// Neither Services\USBSTOR nor a removable storage policy in the registry
/// evidence: nothing to judge by (Enum\USBSTOR is device history).
fn no_usb_control(w: &WindowsHost) -> Outcome {
    Outcome::error(Text::new(
        "レジストリの証跡に Services\\USBSTOR のエクスポートがなく、リムーバブル記憶域のポリシーもないため判定できません（Enum\\USBSTOR は接続履歴で、制御の証拠になりません）",
        "cannot be assessed: the registry evidence has no export of Services\\USBSTOR and no removable storage policy (Enum\\USBSTOR is device history, not a control)",
    ))
    .with([Evidence::new(EvidenceKind::Windows).path(w.file_path(crate::collect::host::windows::registry_dir())).detail(pol(
        "WIN-USB-001",
        Text::new("Services\\USBSTOR のエクスポートがありません", "no export of Services\\USBSTOR"),
    ))])
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its01, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its01(ctx)
}
