//! ITS-02 — server access controlled (sshd_config).

use crate::collect::host::linux::sshd::Sshd;
use crate::rules::kit::host::*;
use crate::tr;

const FORWARDING: &str = "LNX-SSH-003";

pub fn its02(ctx: &Context) -> Outcome {
    per_host(
        ctx,
        |lx| linux(ctx, lx),
        |_| {
            Verdict::NoSource(Text::new(
                "Windows の証跡に SSH の設定はありません",
                "Windows evidence has no SSH settings",
            ))
        },
    )
}

/// Labels of the assets this host exposes through a Samba share or an NFS export.
fn exposed_assets(ctx: &Context, lx: &LinuxFacts) -> Vec<String> {
    use crate::collect::host::linux::samba::share_dir;
    let assets = linux_asset_bases(ctx);
    let mut out: Vec<String> = Vec::new();
    let mut add = |labels: Vec<String>| {
        for l in labels {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    };
    if let Some(Ok(s)) = &lx.samba {
        for sh in s.shares() {
            if let Some(p) = s.share_path(sh) {
                add(related_assets(&assets, lx, &share_dir(&p.value)));
            }
        }
    }
    if let Some(Ok(ex)) = &lx.exports {
        for e in &ex.exports {
            add(related_assets(&assets, lx, &e.path));
        }
    }
    out
}

pub fn linux(ctx: &Context, lx: &LinuxFacts) -> Verdict {
    let s = match &lx.sshd {
        None => {
            return Verdict::NoSource(Text::new(
                "/etc/ssh/sshd_config がありません（SSH サーバーがありません）",
                "there is no /etc/ssh/sshd_config (no SSH server)",
            ));
        }
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(s)) => s,
    };
    let mut parts = Vec::new();
    let mut values = Vec::new();
    for id in ["LNX-SSH-001", "LNX-SSH-002"] {
        if let Some((alt, value)) = setting_alt(s, id) {
            parts.push(alt);
            values.push(value);
        }
    }
    let vj = values
        .iter()
        .map(|t| t.ja.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let ve = values
        .iter()
        .map(|t| t.en.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    parts.extend(port_forwarding(ctx, lx, s));
    parts.extend(max_auth_tries(s));
    let mut o = all_of(
        parts,
        Text::new(
            format!(
                "SSH で root のパスワードログインと空のパスワードでのログインが禁止されています（{vj}）"
            ),
            format!("SSH allows neither root login with a password nor empty passwords ({ve})"),
        ),
    );
    o.evidence.extend(s.warnings.iter().map(warning_ev));
    Verdict::Decided(o)
}

/// LNX-SSH-003: port forwarding matters only on a host that exposes
/// protected shares (partial there); elsewhere it is shown, not judged.
fn port_forwarding(ctx: &Context, lx: &LinuxFacts, s: &Sshd) -> Option<Alt> {
    let (mut alt, value) = setting_alt(s, FORWARDING)?;
    let exposed = exposed_assets(ctx, lx);
    if alt.status == Status::Fail {
        if exposed.is_empty() {
            // Shown, not judged: nothing protected is served here.
            alt.status = Status::Pass;
        } else {
            let list = exposed.join(", ");
            alt.status = Status::Partial;
            alt.reason = Text::new(
                format!(
                    "{}（資産 {list} を共有しているため、SSH のポート転送で共有に接続できます）",
                    value.ja
                ),
                format!(
                    "{} on a host sharing assets {list}: SSH port forwarding reaches the shares",
                    value.en
                ),
            );
        }
    }
    Some(alt)
}

/// MaxAuthTries, shown (not judged) beside LNX-SSH-003.
fn max_auth_tries(s: &Sshd) -> Option<Alt> {
    match s.global.get("maxauthtries") {
        Some(st) => Some(Alt::new(Status::Pass, Text::default()).ev(line_ev(
            &st.line,
            FORWARDING,
            tr!("MaxAuthTries {}", "MaxAuthTries {}", st.value),
        ))),
        None => s.files.first().map(|f| {
            Alt::new(Status::Pass, Text::default()).ev(file_ev(
                f,
                FORWARDING,
                tr!(
                    "MaxAuthTries は未設定（既定値 6）",
                    "MaxAuthTries not set (default 6)"
                ),
            ))
        }),
    }
}

/// One policy's sshd setting: its effective value (or OpenSSH's default, said so),
/// judged against the allowed values, with the lines sshd ignores beside it.
fn setting_alt(s: &Sshd, id: &str) -> Option<(Alt, Text)> {
    let (
        _,
        Check::SshdSetting {
            setting,
            allowed,
            known,
            default,
            ..
        },
    ) = check_of(id)
    else {
        return None;
    };
    let key = setting.to_ascii_lowercase();
    let (value, ev) = effective_value(s, id, setting, default);
    let value_text = if s.global.contains_key(&key) {
        Text::same(format!("{setting} {value}"))
    } else {
        tr!(
            "{setting} は未設定：OpenSSH の既定値 {value} が適用されます",
            "{setting} unset: OpenSSH's default {value} applies"
        )
    };
    let lower = value.to_ascii_lowercase();
    let alt = if !known.iter().any(|k| k.eq_ignore_ascii_case(&lower)) {
        Alt::new(
            Status::Error,
            tr!(
                "{setting} の値 `{value}` を sshd は受け付けません（sshd が起動しない設定です）",
                "sshd does not accept `{value}` for {setting} (sshd would refuse to start)"
            ),
        )
    } else if allowed.iter().any(|a| a.eq_ignore_ascii_case(&lower)) {
        Alt::new(
            Status::Pass,
            tr!("{setting} は {value}", "{setting} is {value}"),
        )
    } else {
        let at = s.global.get(&key).map(|x| x.line.at()).unwrap_or_default();
        Alt::new(
            Status::Fail,
            tr!(
                "{at} で {setting} が {value} に設定されています",
                "{setting} is {value} ({at})"
            ),
        )
    }
    .ev(ev);
    Some((with_ignored_lines(alt, s, id, &key), value_text))
}

/// The value sshd uses for `setting` (its first global line, else OpenSSH's
/// `default`), with the evidence of where it comes from.
fn effective_value(s: &Sshd, id: &str, setting: &str, default: &str) -> (String, Evidence) {
    match s.global.get(&setting.to_ascii_lowercase()) {
        Some(st) => (
            st.value.clone(),
            line_ev(
                &st.line,
                id,
                tr!(
                    "有効な値（最初に現れた値）",
                    "effective value (the first one sshd reads)"
                ),
            ),
        ),
        None => (
            default.to_string(),
            s.files
                .first()
                .map(|f| {
                    file_ev(
                        f,
                        id,
                        tr!(
                            "{setting} は未設定（既定値 {default}）",
                            "{setting} not set (default {default})"
                        ),
                    )
                })
                .unwrap_or_else(|| note("/etc/ssh/sshd_config", Text::same("-"))),
        ),
    }
}

/// Adds the lines of `key` that sshd ignores: later global ones (the first
/// wins) and those inside Match blocks.
fn with_ignored_lines(mut alt: Alt, s: &Sshd, id: &str, key: &str) -> Alt {
    for (k, st) in &s.shadowed {
        if *k == key {
            alt = alt.ev(line_ev(
                &st.line,
                id,
                Text::new(
                    "先に現れた値が優先されるため、この行は無視されます",
                    "ignored: an earlier value wins",
                ),
            ));
        }
    }
    for (m, k, st) in &s.in_match {
        if *k == key {
            let ml = m.text.clone();
            alt = alt.ev(line_ev(
                &st.line,
                id,
                tr!(
                    "`{ml}` ブロック内の設定（全体の値には含めません）",
                    "inside `{ml}` (not counted for the global value)"
                ),
            ));
        }
    }
    alt
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its02, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its02(ctx)
}
