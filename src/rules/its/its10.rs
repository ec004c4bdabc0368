//! ITS-10 — passwords have a minimum length.

use crate::rules::kit::host::*;
use crate::tr;

pub fn its10(ctx: &Context) -> Outcome {
    let need = ctx.profile.thresholds.min_password_length;
    per_host(
        ctx,
        |lx| linux(lx, need),
        |w| Verdict::Decided(windows(w, need)),
    )
}

/// A minlen value judged against the threshold.
fn judge(need: u64, raw: &str, ev: Evidence, from: Text) -> Alt {
    match raw.trim().parse::<u64>().ok() {
        None => Alt::new(
            Status::Error,
            tr!(
                "minlen={raw} を数値として読めません",
                "cannot read minlen={raw} as a number"
            ),
        )
        .ev(ev),
        Some(n) if n >= need => Alt::new(Status::Pass, Text::default()).ev(ev),
        Some(n) => Alt::new(
            Status::Fail,
            Text::new(
                format!(
                    "パスワードの最低文字数が {n} 文字（{}）で、基準の {need} 文字に足りません",
                    from.ja
                ),
                format!(
                    "the minimum password length is {n} ({}), below the required {need}",
                    from.en
                ),
            ),
        )
        .ev(ev),
    }
}

/// `PASS_MIN_LEN` from login.defs, shown beside the verdict only.
fn login_defs_context(lx: &LinuxFacts, id: &str) -> Vec<Evidence> {
    let mut context = Vec::new();
    if let Some(Ok(ld)) = &lx.login_defs
        && let Some((v, l)) = &ld.pass_min_len
    {
        context.push(line_ev(
            l,
            id,
            tr!(
                "PASS_MIN_LEN {v}（PAM を使う passwd では使われません）",
                "PASS_MIN_LEN {v} (not used by PAM-based passwd)"
            ),
        ));
    }
    context
}

pub fn linux(lx: &LinuxFacts, need: u64) -> Verdict {
    let id = "LNX-PWD-001";
    let (_, Check::PasswordMinlen { modules, .. }) = check_of(id) else {
        return Verdict::Decided(Outcome::error(Text::same("policy LNX-PWD-001 is broken")));
    };
    for src in [
        lx.pwquality.as_ref().map(|r| r.as_ref().err()),
        lx.pam.as_ref().map(|r| r.as_ref().err()),
    ] {
        if let Some(Some(e)) = src {
            return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()]));
        }
    }
    let pq = lx.pwquality.as_ref().and_then(|r| r.as_ref().ok());
    let pam = lx.pam.as_ref().and_then(|r| r.as_ref().ok());
    let conf_minlen = pq.and_then(|p| p.minlen.as_ref());
    let mods: Vec<_> = pam
        .map(|p| {
            p.modules
                .iter()
                .filter(|m| modules.contains(&m.module))
                .collect()
        })
        .unwrap_or_default();
    let mut parts: Vec<Alt> = mods
        .iter()
        .map(|m| module_alt(m, conf_minlen, need))
        .collect();
    if mods.is_empty() {
        parts.push(match conf_minlen {
            Some((v, l)) => judge(
                need,
                v,
                line_ev(l, id, tr!("minlen = {v}", "minlen = {v}")),
                tr!("{} の設定", "set in {}", l.at()),
            ),
            None => nothing_set(lx),
        });
    }
    let mut o = all_of(
        parts,
        tr!(
            "パスワードの最低文字数が {need} 文字以上に設定されています",
            "the minimum password length is {need} or more"
        ),
    );
    o.evidence.extend(login_defs_context(lx, id));
    Verdict::Decided(o)
}

/// One PAM `password` line with pam_pwquality / pam_cracklib: its own
/// `minlen=` wins, else pwquality.conf's (for pwquality), else it fails.
fn module_alt(
    m: &crate::collect::host::linux::passwords::PamQuality,
    conf_minlen: Option<&(String, Line)>,
    need: u64,
) -> Alt {
    let id = "LNX-PWD-001";
    let (
        _,
        Check::PasswordMinlen {
            pwquality_default,
            cracklib_default,
            ..
        },
    ) = check_of(id)
    else {
        return Alt::new(Status::Error, Text::same("policy LNX-PWD-001 is broken"));
    };
    let module = &m.module;
    if let Some(v) = &m.minlen {
        return judge(
            need,
            v,
            line_ev(
                &m.line,
                id,
                tr!(
                    "{module} minlen={v}（設定ファイルより優先）",
                    "{module} minlen={v} (overrides the files)"
                ),
            ),
            tr!("{} の引数", "argument in {}", m.line.at()),
        );
    }
    if module == "pam_pwquality.so"
        && let Some((v, l)) = conf_minlen
    {
        return judge(
            need,
            v,
            line_ev(l, id, tr!("minlen = {v}", "minlen = {v}")),
            tr!("{} の設定", "set in {}", l.at()),
        )
        .ev(line_ev(
            &m.line,
            id,
            tr!("{module} が有効", "{module} in use"),
        ));
    }
    // The spec asks for minlen to be set; the module's built-in default is
    // shown but does not count.
    let d = if module == "pam_cracklib.so" {
        *cracklib_default
    } else {
        *pwquality_default
    };
    Alt::new(
        Status::Fail,
        tr!(
            "{module} を使っていますが minlen がどこにも設定されていません（モジュールの既定値は {d} 文字）",
            "{module} is used but minlen is set nowhere (the module's built-in default is {d})"
        ),
    )
    .ev(line_ev(
        &m.line,
        id,
        tr!("{module}（minlen なし）", "{module} (no minlen)"),
    ))
}

/// No minlen anywhere and no quality module: fail, citing the files that were
/// read (or where the tool looked when there are none). A missing password
/// policy is a missing control, never "not applicable".
fn nothing_set(lx: &LinuxFacts) -> Alt {
    let id = "LNX-PWD-001";
    let pq = lx.pwquality.as_ref().and_then(|r| r.as_ref().ok());
    let pam = lx.pam.as_ref().and_then(|r| r.as_ref().ok());
    let mut a = Alt::new(
        Status::Fail,
        Text::new(
            "パスワードの最低文字数（minlen）が設定されておらず、PAM にも pam_pwquality／pam_cracklib がありません",
            "no minimum password length (minlen) is set, and PAM uses neither pam_pwquality nor pam_cracklib",
        ),
    );
    for f in pq
        .map(|p| p.files.iter())
        .into_iter()
        .flatten()
        .chain(pam.map(|p| p.files.iter()).into_iter().flatten())
    {
        a = a.ev(file_ev(f, id, Text::new("minlen なし", "no minlen")));
    }
    if pq.is_none() && pam.is_none() {
        for p in ["/etc/security/pwquality.conf", "/etc/pam.d/common-password"] {
            a = a.ev(file_missing(p, id));
        }
    }
    a
}

/// Local accounts (secedit) and, on a domain member, domain accounts.
pub fn windows(w: &WindowsHost, need: u64) -> Outcome {
    let local = windows_local(w, need);
    let Some(domain) = windows_domain(w, need) else {
        return local;
    };
    let ok = local.reason.join(&domain.reason);
    all_of(vec![local.into(), domain.into()], ok)
}

/// `domain-password-policy.json` (`minPwdLength` of the joined domain); `None`
/// when the computer is not joined and the file is absent.
fn windows_domain(w: &WindowsHost, need: u64) -> Option<Outcome> {
    let id = "WIN-PWD-001";
    let (
        _,
        Check::SeceditMinimum {
            domain_file: rel,
            domain_key: key,
            ..
        },
    ) = check_of(id)
    else {
        return Some(Outcome::error(Text::same("policy WIN-PWD-001 is broken")));
    };
    let j = match (&w.domain_policy, &w.domain) {
        (None, None) => return None,
        (None, Some(_)) => return Some(win_missing(w, rel, id)),
        (Some(Err(e)), _) => return Some(Outcome::error(e.text()).with([e.evidence()])),
        (Some(Ok(j)), _) => j,
    };
    let dom = j
        .str("domain")
        .map(|(d, _)| d.to_string())
        .or_else(|| w.domain.clone())
        .unwrap_or_default();
    Some(match (j.u64(key), j.str("error")) {
        (Some((n, l)), _) => {
            let ev = line_ev(l, id, tr!("{key} = {n}", "{key} = {n}"));
            if n >= need {
                Outcome::pass(tr!(
                    "ドメイン {dom} のパスワードの最低文字数は {n} 文字です",
                    "the minimum password length of the domain {dom} is {n}"
                ))
            } else {
                Outcome::fail(tr!(
                    "ドメイン {dom} のパスワードの最低文字数が {n} 文字で、基準の {need} 文字に足りません",
                    "the minimum password length of the domain {dom} is {n}, below the required {need}"
                ))
            }
            .with([ev])
        }
        (None, e) => {
            let missing = format!("{key} missing");
            let e = e.map(|(e, _)| e).unwrap_or(&missing);
            Outcome::error(tr!(
                "ドメイン {dom} のパスワード ポリシーを {rel} から読めません（{e}）",
                "cannot read the password policy of the domain {dom} from {rel} ({e})"
            ))
            .with([file_ev(&j.file, id, Text::same(rel.as_str()))])
        }
    })
}

fn windows_local(w: &WindowsHost, need: u64) -> Outcome {
    let id = "WIN-PWD-001";
    let (
        _,
        Check::SeceditMinimum {
            file, section, key, ..
        },
    ) = check_of(id)
    else {
        return Outcome::error(Text::same("policy WIN-PWD-001 is broken"));
    };
    let s = match &w.secedit {
        None => return win_missing(w, file, id),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(s)) => s,
    };
    let Some((v, l)) = s.get(section, key) else {
        return Outcome::error(tr!(
            "{file} の [{section}] に {key} がありません",
            "{file} has no {key} in [{section}]"
        ))
        .with([Evidence::new(EvidenceKind::Windows)
            .path(w.file_path(file))
            .detail(pol(id, Text::new("値がありません", "value missing")))]);
    };
    let ev = line_ev(l, id, tr!("{key} = {v}", "{key} = {v}"));
    match v.trim().parse::<u64>() {
        Ok(n) if n >= need => Outcome::pass(tr!(
            "Windows のパスワードの最低文字数は {n} 文字です",
            "the Windows minimum password length is {n}"
        ))
        .with([ev]),
        Ok(n) => Outcome::fail(tr!(
            "Windows のパスワードの最低文字数が {n} 文字で、基準の {need} 文字に足りません",
            "the Windows minimum password length is {n}, below the required {need}"
        ))
        .with([ev]),
        Err(_) => Outcome::error({
            let at = l.at();
            tr!(
                "{at}: {key} = {v} を数値として読めません",
                "{at}: cannot read {key} = {v} as a number"
            )
        })
        .with([ev]),
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its10, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its10(ctx)
}
