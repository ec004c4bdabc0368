//! ITS-11 — file-sharing protocols are not obsolete (Samba; the Windows SMB
//! server's SMB1 setting).

use crate::rules::kit::host::*;
use crate::tr;

pub fn its11(ctx: &Context) -> Outcome {
    per_host(ctx, linux, windows)
}

pub fn windows(w: &WindowsHost) -> Verdict {
    let id = "WIN-SMB-001";
    let (
        _,
        Check::SmbServerSetting {
            file,
            property,
            fails_when,
        },
    ) = check_of(id)
    else {
        return Verdict::Decided(Outcome::error(Text::same("policy WIN-SMB-001 is broken")));
    };
    let j = match &w.smb_server {
        Some(Ok(j)) => j,
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        None => {
            // A file server must not drop out of ITS-11 for want of evidence.
            let served = match &w.smb_shares {
                Some(Ok(s)) => s.iter().any(|s| !s.special),
                Some(Err(_)) => true,
                None => false,
            };
            return if served {
                Verdict::Decided(win_missing(w, file, id))
            } else {
                Verdict::NoSource(tr!(
                    "Windows の証跡に SMB サーバーの設定（{file}）も共有もありません",
                    "the Windows evidence has neither SMB server settings ({file}) nor shares"
                ))
            };
        }
    };
    let o = match (j.bool(property), j.str("error")) {
        (Some((v, l)), _) => {
            let ev = line_ev(l, id, tr!("{property} = {v}", "{property} = {v}"));
            if v == *fails_when {
                Outcome::fail(tr!(
                    "Windows の SMB サーバーが古いプロトコル SMB1 を受け付けます（{property} = {v}、{}）",
                    "the Windows SMB server accepts the obsolete SMB1 protocol ({property} = {v}, {})",
                    l.at()
                ))
            } else {
                Outcome::pass(tr!(
                    "Windows の SMB サーバーで SMB1 は無効です（{property} = {v}）",
                    "SMB1 is disabled on the Windows SMB server ({property} = {v})"
                ))
            }
            .with([ev])
        }
        (None, Some((e, _))) => Outcome::error(tr!(
            "SMB サーバーの設定を取得できませんでした（{e}）",
            "the SMB server settings could not be read ({e})"
        )),
        (None, None) => Outcome::error(tr!(
            "{file} に {property} がありません",
            "{file} has no {property}"
        )),
    };
    Verdict::Decided(if o.evidence.is_empty() {
        o.with([file_ev(&j.file, id, Text::same(file.clone()))])
    } else {
        o
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
    let warned = s.warnings.iter().map(warning_ev);
    Verdict::Decided(decide(s, id, obsolete, known).with(skipped).with(warned))
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
