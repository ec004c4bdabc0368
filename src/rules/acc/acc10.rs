//! ACC-10 — new files are created without access for everyone by default.
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-10); policies
//! LNX-UMK-001 and LNX-UMK-002 (policies/accounts.yaml).

use crate::collect::host::linux::passwords::LoginDefs;
use crate::collect::host::linux::samba::{Param, Samba, Section, share_dir};
use crate::collect::host::linux::umask::parse_mask;
use crate::rules::kit::host::*;
use crate::tr;

const SESSIONS: &str = "LNX-UMK-001";
const SHARES: &str = "LNX-UMK-002";

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc10, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(ctx, lx)),
        |_| {
            Verdict::NoSource(Text::new(
                "Windows の証跡に既定のアクセス権の情報源はありません",
                "Windows evidence has no source for default permissions",
            ))
        },
    )
}

/// A umask judged on the bits it removes for others.
fn judge_umask(raw: &str, from: Text, ev: Evidence) -> Alt {
    let Some(m) = parse_mask(raw) else {
        return Alt::new(
            Status::Error,
            Text::new(
                format!(
                    "umask の値 `{raw}` を 8 進数として読めません（{}）",
                    from.ja
                ),
                format!(
                    "cannot read the umask `{raw}` as an octal number ({})",
                    from.en
                ),
            ),
        )
        .ev(ev);
    };
    let (status, ja, en) = if m & 0o007 == 0o007 {
        (Status::Pass, "", "")
    } else if m & 0o004 != 0 {
        (
            Status::Partial,
            "新しいファイルは全員から読めませんが、その他の権限が一部残ります",
            "new files are not readable by everyone, but others keep some permission",
        )
    } else {
        (
            Status::Fail,
            "新しいファイルを全員が読めます",
            "new files are readable by everyone",
        )
    };
    Alt::new(
        status,
        Text::new(
            format!("既定の umask が {raw}（{}）：{ja}", from.ja),
            format!("the default umask is {raw} ({}): {en}", from.en),
        ),
    )
    .ev(ev)
}

fn sessions(lx: &LinuxFacts) -> Vec<Alt> {
    let (
        _,
        Check::DefaultUmask {
            default,
            module,
            files,
            ..
        },
    ) = check_of(SESSIONS)
    else {
        return vec![Alt::new(
            Status::Error,
            Text::same("policy LNX-UMK-001 is broken"),
        )];
    };
    if let Some(e) = [
        lx.login_defs.as_ref().and_then(|r| r.as_ref().err()),
        lx.session_umask.as_ref().and_then(|r| r.as_ref().err()),
    ]
    .into_iter()
    .flatten()
    .next()
    {
        return vec![Alt::error(e)];
    }
    let ld = lx.login_defs.as_ref().and_then(|r| r.as_ref().ok());
    let from_defs = || login_defs_umask(ld, default, &files[0]);
    let lines = lx
        .session_umask
        .as_ref()
        .and_then(|r| r.as_ref().ok())
        .map(|s| s.lines.as_slice())
        .unwrap_or_default();
    if lines.is_empty() {
        let (v, from, ev) = from_defs();
        return vec![judge_umask(&v, from, ev)];
    }
    lines
        .iter()
        .map(|l| match &l.umask {
            Some(v) => judge_umask(
                v,
                tr!(
                    "{} の {module} umask=",
                    "{module} umask= at {}",
                    l.line.at()
                ),
                line_ev(
                    &l.line,
                    SESSIONS,
                    tr!("{module} umask={v}", "{module} umask={v}"),
                ),
            ),
            None => {
                let (v, from, ev) = from_defs();
                judge_umask(&v, from, ev).ev(line_ev(
                    &l.line,
                    SESSIONS,
                    tr!(
                        "{module}（login.defs の UMASK を使用）",
                        "{module} (uses login.defs's UMASK)"
                    ),
                ))
            }
        })
        .collect()
}

/// login.defs's UMASK, or its `default` (`file` is where login.defs is looked
/// for): the value, where it comes from, and its evidence.
fn login_defs_umask(ld: Option<&LoginDefs>, default: &str, file: &str) -> (String, Text, Evidence) {
    let Some(d) = ld else {
        return (
            default.to_string(),
            tr!("login.defs がないため既定値", "no login.defs: the default"),
            file_missing(file, SESSIONS),
        );
    };
    match &d.umask {
        Some((v, l)) => (
            v.clone(),
            tr!("{} の UMASK", "UMASK at {}", l.at()),
            line_ev(l, SESSIONS, tr!("UMASK {v}", "UMASK {v}")),
        ),
        None => (
            default.to_string(),
            tr!("UMASK が未設定のため既定値", "UMASK unset: the default"),
            match &d.file {
                Some(f) => file_ev(
                    f,
                    SESSIONS,
                    tr!(
                        "UMASK なし（既定値 {default}）",
                        "no UMASK (default {default})"
                    ),
                ),
                None => note(file, Text::same("-")),
            },
        ),
    }
}

fn shares(ctx: &Context, lx: &LinuxFacts) -> Vec<Alt> {
    let (
        _,
        Check::SambaCreateMask {
            create_default,
            directory_default,
            ..
        },
    ) = check_of(SHARES)
    else {
        return vec![Alt::new(
            Status::Error,
            Text::same("policy LNX-UMK-002 is broken"),
        )];
    };
    let s = match &lx.samba {
        None => return Vec::new(),
        Some(Err(e)) => return vec![Alt::error(e)],
        Some(Ok(s)) => s,
    };
    let assets = linux_asset_bases(ctx);
    let mut out = Vec::new();
    for sh in s.shares() {
        let Some(path) = s.share_path(sh) else {
            continue;
        };
        let labels = related_assets(&assets, lx, &share_dir(&path.value));
        if labels.is_empty() {
            continue;
        }
        let share = Share {
            s,
            sh,
            path,
            list: labels.join(", "),
        };
        let name = &sh.name;
        let list = &share.list;
        let mut alt = Alt::new(Status::Pass, Text::default()).ev(line_ev(
            &path.line,
            SHARES,
            tr!(
                "共有 [{name}]（資産 {list}）",
                "share [{name}] (assets {list})"
            ),
        ));
        alt = share.mask(
            alt,
            "createmask",
            "create mask",
            create_default,
            "forcecreatemode",
        );
        alt = share.mask(
            alt,
            "directorymask",
            "directory mask",
            directory_default,
            "forcedirectorymode",
        );
        out.push(alt);
    }
    out
}

/// A Samba share over the assets `list`.
struct Share<'a> {
    s: &'a Samba,
    sh: &'a Section,
    path: &'a Param,
    list: String,
}

impl Share<'_> {
    /// Adds to `alt` the share's mask `canon` (smb.conf's `default` when
    /// unset) and its `force` mode: either may leave permissions for others.
    fn mask(&self, mut alt: Alt, canon: &str, label: &str, default: &str, force: &str) -> Alt {
        let (s, sh, name, list) = (self.s, self.sh, &self.sh.name, &self.list);
        let (raw, ev) = match s.effective(sh, canon) {
            Some(p) => (
                p.value.clone(),
                line_ev(
                    &p.line,
                    SHARES,
                    tr!("{label} = {}", "{label} = {}", p.value),
                ),
            ),
            None => (
                default.to_string(),
                line_ev(
                    &self.path.line,
                    SHARES,
                    tr!(
                        "{label} が未設定（Samba の既定値 {default}）",
                        "{label} not set (Samba's default {default})"
                    ),
                ),
            ),
        };
        alt = alt.ev(ev);
        let forced = s
            .effective(sh, force)
            .and_then(|p| parse_mask(&p.value).map(|m| (m, p)));
        match parse_mask(&raw) {
            None => {
                alt.status = worse(alt.status, Status::Error);
                alt.reason = alt.reason.join(&tr!(
                    "共有 [{name}] の {label} `{raw}` を 8 進数として読めません",
                    "share [{name}]: cannot read {label} `{raw}` as an octal number"
                ));
            }
            Some(m) if m & 0o007 != 0 => {
                alt.status = worse(alt.status, Status::Fail);
                alt.reason = alt.reason.join(&tr!(
                    "Samba 共有 [{name}]（資産 {list}）の {label} が {raw} で、作成されたものを全員が利用できます",
                    "Samba share [{name}] (assets {list}) has {label} {raw}: what it creates is open to everyone"
                ));
            }
            Some(_) => {}
        }
        if let Some((m, p)) = forced
            && m & 0o007 != 0
        {
            let v = &p.value;
            alt.status = worse(alt.status, Status::Fail);
            alt.reason = alt.reason.join(&tr!(
                "Samba 共有 [{name}] の {} {v} がその他の権限を付けます",
                "Samba share [{name}]: {} {v} adds permissions for others",
                p.name
            ));
            alt = alt.ev(line_ev(
                &p.line,
                SHARES,
                Text::same(format!("{} = {v}", p.name)),
            ));
        }
        alt
    }
}

pub fn linux(ctx: &Context, lx: &LinuxFacts) -> Outcome {
    let mut parts = sessions(lx);
    parts.extend(shares(ctx, lx));
    all_of(
        parts,
        Text::new(
            "新しいファイルは既定で「その他」（全員）の権限なしに作られます（umask と、保護対象を公開する Samba 共有の mask）",
            "new files are created without permissions for everyone by default (the umask, and the masks of Samba shares over protected paths)",
        ),
    )
}
