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

pub fn linux(lx: &LinuxFacts, need: u64) -> Verdict {
    let id = "LNX-PWD-001";
    let (
        _,
        Check::PasswordMinlen {
            modules,
            pwquality_default,
            cracklib_default,
            ..
        },
    ) = check_of(id)
    else {
        return Verdict::Decided(Outcome::error(Text::same("policy LNX-PWD-001 is broken")));
    };
    if lx.pwquality.is_none() && lx.pam.is_none() {
        return Verdict::NoSource(Text::new(
            "pwquality.conf も PAM の common-password／system-auth もありません",
            "there is neither a pwquality.conf nor a PAM common-password / system-auth",
        ));
    }
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
    let conf_minlen = pq.and_then(|p| p.minlen.as_ref());
    let mut parts = Vec::new();
    let judge = |n: Option<u64>, raw: &str, ev: Evidence, from: Text| -> Alt {
        match n {
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
    };
    let mods: Vec<_> = pam
        .map(|p| {
            p.modules
                .iter()
                .filter(|m| modules.contains(&m.module))
                .collect()
        })
        .unwrap_or_default();
    for m in &mods {
        let module = &m.module;
        if let Some(v) = &m.minlen {
            parts.push(judge(
                v.parse().ok(),
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
            ));
        } else if module == "pam_pwquality.so"
            && let Some((v, l)) = conf_minlen
        {
            parts.push(judge(
                v.parse().ok(),
                v,
                line_ev(l, id, tr!("minlen = {v}", "minlen = {v}")),
                tr!("{} の設定", "set in {}", l.at()),
            ));
            parts.last_mut().unwrap().evidence.push(line_ev(
                &m.line,
                id,
                tr!("{module} が有効", "{module} in use"),
            ));
        } else {
            // The spec asks for minlen to be set; the module's built-in default
            // is shown but does not count.
            let d = if module == "pam_cracklib.so" {
                *cracklib_default
            } else {
                *pwquality_default
            };
            parts.push(
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
                )),
            );
        }
    }
    if mods.is_empty() {
        match conf_minlen {
            Some((v, l)) => parts.push(judge(
                v.parse().ok(),
                v,
                line_ev(l, id, tr!("minlen = {v}", "minlen = {v}")),
                tr!("{} の設定", "set in {}", l.at()),
            )),
            None => {
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
                parts.push(a);
            }
        }
    }
    let mut o = all_of(
        parts,
        tr!(
            "パスワードの最低文字数が {need} 文字以上に設定されています",
            "the minimum password length is {need} or more"
        ),
    );
    o.evidence.extend(context);
    Verdict::Decided(o)
}

pub fn windows(w: &WindowsHost, need: u64) -> Outcome {
    let id = "WIN-PWD-001";
    let (_, Check::SeceditMinimum { section, key, .. }) = check_of(id) else {
        return Outcome::error(Text::same("policy WIN-PWD-001 is broken"));
    };
    let s = match &w.secedit {
        None => return win_missing(w, "secedit.inf", id),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(s)) => s,
    };
    let Some((v, l)) = s.get(section, key) else {
        return Outcome::error(tr!(
            "secedit.inf の [{section}] に {key} がありません",
            "secedit.inf has no {key} in [{section}]"
        ))
        .with([Evidence::new(EvidenceKind::Windows)
            .path(w.file_path("secedit.inf"))
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
        Err(_) => Outcome::error(tr!(
            "{key} = {v} を数値として読めません",
            "cannot read {key} = {v} as a number"
        ))
        .with([ev]),
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its10, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its10(ctx)
}
