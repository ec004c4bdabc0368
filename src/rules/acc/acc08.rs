//! ACC-08 — accounts are locked after repeated failed logins.
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-08); policies
//! LNX-LCK-001 and WIN-LCK-001 (policies/accounts.yaml).

use crate::collect::host::linux::lockout::{FaillockLine, Lockout};
use crate::rules::kit::host::*;
use crate::tr;

const LNX: &str = "LNX-LCK-001";

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc08, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    per_host(ctx, linux, |w| Verdict::Decided(windows(w)))
}

pub fn linux(lx: &LinuxFacts) -> Verdict {
    let (
        _,
        Check::PamFaillock {
            pam_files,
            conf_files,
            module,
            deny_default,
            deny_min,
            deny_max,
        },
    ) = check_of(LNX)
    else {
        return Verdict::Decided(Outcome::error(Text::same("policy LNX-LCK-001 is broken")));
    };
    let lim = Limits {
        module,
        deny_default: *deny_default,
        deny_min: *deny_min,
        deny_max: *deny_max,
    };
    let lk = match &lx.lockout {
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(lk)) => lk,
        None => return Verdict::Decided(no_lockout_files(pam_files, conf_files)),
    };
    let o = if lk.lines.is_empty() {
        no_module(lk, module)
    } else {
        deny_lines(lk, &lim)
    };
    Verdict::Decided(with_conf_deny(lk, o))
}

/// What policy LNX-LCK-001 asks of the faillock module.
struct Limits<'a> {
    module: &'a str,
    deny_default: u64,
    deny_min: u64,
    deny_max: u64,
}

/// Neither the PAM files nor faillock.conf exist: nothing locks accounts.
fn no_lockout_files(pam_files: &[String], conf_files: &[String]) -> Outcome {
    let looked = pam_files
        .iter()
        .chain(conf_files)
        .map(|p| file_missing(p, LNX));
    Outcome::fail(tr!(
        "ログインに何度失敗してもアカウントはロックされません（PAM の認証設定にも faillock.conf にも設定がありません）",
        "accounts are never locked after failed logins (neither the PAM auth stack nor faillock.conf sets a lockout)"
    ))
    .with(looked)
}

/// faillock.conf's deny (or its absence), cited on every verdict.
fn with_conf_deny(lk: &Lockout, o: Outcome) -> Outcome {
    match (&lk.conf_deny, &lk.conf) {
        (Some((v, l)), _) => o.with([line_ev(l, LNX, tr!("deny = {v}", "deny = {v}"))]),
        (None, Some(f)) => o.with([file_ev(f, LNX, Text::new("deny なし", "no deny"))]),
        _ => o,
    }
}

/// The PAM auth stack has no faillock line.
fn no_module(lk: &Lockout, module: &str) -> Outcome {
    Outcome::fail(tr!(
        "PAM の認証設定（auth 行）に {module} がないため、ログインに失敗してもアカウントはロックされません",
        "the PAM auth stack does not use {module}, so failed logins never lock an account"
    ))
    .with(
        lk.pam_files
            .iter()
            .map(|f| file_ev(f, LNX, tr!("{module} なし", "no {module}"))),
    )
}

/// Every faillock line must lock within the limits, and one must record
/// failures (authfail).
fn deny_lines(lk: &Lockout, lim: &Limits) -> Outcome {
    let mut parts: Vec<Alt> = lk.lines.iter().map(|l| deny_line(lk, l, lim)).collect();
    let module = lim.module;
    if !lk.lines.iter().any(|l| l.mode == "authfail") {
        parts.push(Alt::new(
            Status::Partial,
            tr!(
                "{module} の authfail の行がないため、ログインの失敗が記録されず、ロックされません",
                "no {module} line with authfail: failed logins are not counted, so nothing is locked"
            ),
        ));
    }
    let (deny_min, deny_max) = (lim.deny_min, lim.deny_max);
    all_of(
        parts,
        tr!(
            "ログインに続けて失敗するとアカウントがロックされます（{module}、{deny_min}〜{deny_max} 回）",
            "accounts are locked after repeated failed logins ({module}, {deny_min} to {deny_max} attempts)"
        ),
    )
}

/// The deny of a line: its own argument, else faillock.conf, else the
/// default; with where it comes from.
fn effective_deny(lk: &Lockout, l: &FaillockLine, deny_default: u64) -> (String, Text) {
    match (&l.deny, &lk.conf_deny) {
        (Some(d), _) => (d.clone(), tr!("行の引数", "the line's argument")),
        (None, Some((d, cl))) => (d.clone(), tr!("{} の設定", "set in {}", cl.at())),
        (None, None) => (
            deny_default.to_string(),
            tr!(
                "未設定のため pam_faillock の既定値",
                "unset: pam_faillock's default"
            ),
        ),
    }
}

/// One faillock line: its deny against the limits.
fn deny_line(lk: &Lockout, l: &FaillockLine, lim: &Limits) -> Alt {
    let (raw, from) = effective_deny(lk, l, lim.deny_default);
    let module = lim.module;
    let mode = if l.mode.is_empty() { "-" } else { &l.mode };
    let ev = line_ev(
        &l.line,
        LNX,
        Text::new(
            format!("{module} {mode}：deny={raw}（{}）", from.ja),
            format!("{module} {mode}: deny={raw} ({})", from.en),
        ),
    );
    let deny_max = lim.deny_max;
    let alt = match raw.parse::<u64>() {
        Err(_) => Alt::new(
            Status::Error,
            tr!(
                "{} の deny={raw} を数値として読めません",
                "cannot read deny={raw} at {} as a number",
                l.line.at()
            ),
        ),
        Ok(0) => Alt::new(
            Status::Fail,
            tr!(
                "{} で deny=0（ロックしない設定）です",
                "deny=0 at {} never locks",
                l.line.at()
            ),
        ),
        Ok(n) if (lim.deny_min..=deny_max).contains(&n) => Alt::new(Status::Pass, Text::default()),
        Ok(n) => Alt::new(
            Status::Fail,
            tr!(
                "{} でロックまでの回数が {n} 回で、基準の {deny_max} 回を超えています",
                "{n} failures are allowed before the lock at {}, more than {deny_max}",
                l.line.at()
            ),
        ),
    };
    alt.ev(ev)
}

pub fn windows(w: &WindowsHost) -> Outcome {
    let id = "WIN-LCK-001";
    let (
        _,
        Check::SeceditRange {
            file,
            section,
            key,
            min,
            max,
        },
    ) = check_of(id)
    else {
        return Outcome::error(Text::same("policy WIN-LCK-001 is broken"));
    };
    let s = match &w.secedit {
        None => return win_missing(w, file, id),
        Some(Err(e)) => return Outcome::error(e.text()).with([e.evidence()]),
        Some(Ok(s)) => s,
    };
    let Some((v, l)) = s.get(section, key) else {
        return Outcome::fail(tr!(
            "secedit.inf に {key} がなく、アカウント ロックアウトのしきい値が設定されていません",
            "secedit.inf has no {key}: no account lockout threshold is set"
        ))
        .with([note(
            &w.file_path(file),
            pol(
                id,
                tr!("[{section}] に {key} なし", "no {key} under [{section}]"),
            ),
        )]);
    };
    let ev = line_ev(l, id, tr!("{key} = {v}", "{key} = {v}"));
    match v.trim().parse::<u64>() {
        Err(_) => Outcome::error(tr!(
            "{key} = {v} を数値として読めません",
            "cannot read {key} = {v} as a number"
        )),
        Ok(0) => Outcome::fail(tr!(
            "アカウント ロックアウトのしきい値が 0（ロックしない）です",
            "the account lockout threshold is 0 (accounts are never locked)"
        )),
        Ok(n) if (*min..=*max).contains(&n) => Outcome::pass(tr!(
            "{n} 回続けてログインに失敗するとアカウントがロックされます",
            "accounts are locked after {n} failed logins"
        )),
        Ok(n) => Outcome::fail(tr!(
            "アカウント ロックアウトのしきい値が {n} 回で、基準の {max} 回を超えています",
            "the account lockout threshold is {n}, more than {max}"
        )),
    }
    .with([ev])
}
