//! ITS-11 — file-sharing protocols are not obsolete (Samba).

use crate::rules::kit::host::*;
use crate::tr;

pub fn its11(ctx: &Context) -> Outcome {
    per_host(ctx, linux, |_| {
        Verdict::NoSource(Text::new(
            "Windows の証跡には SMB プロトコルの設定はありません",
            "Windows evidence has no SMB protocol settings",
        ))
    })
}

pub fn linux(lx: &LinuxFacts) -> Verdict {
    let id = "LNX-SMB-001";
    let (
        _,
        Check::SambaMinProtocol {
            obsolete, known, ..
        },
    ) = check_of(id)
    else {
        return Verdict::Decided(Outcome::error(Text::same("policy LNX-SMB-001 is broken")));
    };
    let s = match &lx.samba {
        None => {
            return Verdict::NoSource(Text::new(
                "/etc/samba/smb.conf がありません",
                "there is no /etc/samba/smb.conf",
            ));
        }
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(s)) => s,
    };
    let skipped = samba_unresolved_includes(s, id);
    Verdict::Decided(decide(s, id, obsolete, known).with(skipped))
}

fn decide(
    s: &crate::collect::host::linux::samba::Samba,
    id: &str,
    obsolete: &[String],
    known: &[String],
) -> Outcome {
    let Some(p) = s.global().and_then(|g| g.get("serverminprotocol")) else {
        let ev = s.files.first().map(|f| {
            file_ev(
                f,
                id,
                Text::new(
                    "server min protocol は未設定（既定値 SMB2_02）",
                    "server min protocol not set (default SMB2_02)",
                ),
            )
        });
        return Outcome::pass(Text::new(
            "Samba の server min protocol は未設定で、既定値（SMB2 以上）が使われます",
            "Samba's server min protocol is unset, so the default (SMB2 or newer) applies",
        ))
        .with(ev);
    };
    let v = p.value.trim().to_ascii_uppercase();
    let ev = line_ev(
        &p.line,
        id,
        tr!("server min protocol = {v}", "server min protocol = {v}"),
    );
    if !known.iter().any(|k| k.eq_ignore_ascii_case(&v)) {
        Outcome::error(tr!(
            "server min protocol = {v} を Samba は受け付けません",
            "Samba does not accept server min protocol = {v}"
        ))
        .with([ev])
    } else if obsolete.iter().any(|o| o.eq_ignore_ascii_case(&v)) {
        Outcome::fail(tr!(
            "Samba が古いプロトコル {v} 以上を受け付けます（{}）",
            "Samba accepts the obsolete protocol {v} and newer ({})",
            p.line.at()
        ))
        .with([ev])
    } else {
        Outcome::pass(tr!(
            "Samba の最低プロトコルは {v} です",
            "Samba's minimum protocol is {v}"
        ))
        .with([ev])
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Its11, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    its11(ctx)
}
