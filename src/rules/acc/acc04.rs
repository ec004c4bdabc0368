//! ACC-04 — shares that expose protected information allow no guest or
//! anonymous access (Samba, NFS, and Windows share permissions).

use crate::collect::host::linux::nfs::{Export, Exports};
use crate::collect::host::linux::samba::{Param, Samba, Section, share_dir};
use crate::collect::host::paths_related;
use crate::collect::host::windows::norm_win;
use crate::collect::host::windows::smb::{Share, ShareAce};
use crate::i18n::en_n;
use crate::rules::kit::host::*;
use crate::tr;

/// (asset label, pattern, base folder), as linux_asset_bases gives them.
type Assets = [(String, String, String)];

const SMB: &str = "LNX-SHR-001";
const NFS: &str = "LNX-SHR-002";

pub fn acc04(ctx: &Context) -> Outcome {
    per_host(ctx, |lx| linux(ctx, lx), |w| windows(ctx, w))
}

pub fn linux(ctx: &Context, lx: &LinuxFacts) -> Verdict {
    if lx.samba.is_none() && lx.exports.is_none() {
        return Verdict::NoSource(Text::new(
            "/etc/samba/smb.conf も /etc/exports もありません",
            "there is neither /etc/samba/smb.conf nor /etc/exports",
        ));
    }
    // smbd and exportfs follow links in a share's path, and an asset's folder may
    // be reached through a link too: related_assets compares as written and as resolved.
    let assets = linux_asset_bases(ctx);
    let mut parts = Vec::new();
    let mut checked = 0usize;
    match &lx.samba {
        Some(Err(e)) => parts.push(Alt::error(e)),
        Some(Ok(s)) => checked += samba(lx, s, &assets, &mut parts),
        None => {}
    }
    match &lx.exports {
        Some(Err(e)) => parts.push(Alt::error(e)),
        Some(Ok(ex)) => checked += nfs(lx, ex, &assets, &mut parts),
        None => {}
    }
    Verdict::Decided(linux_verdict(parts, checked))
}

/// LNX-SHR-001: one part per Samba share over an asset (plus the unresolved
/// includes); returns how many shares were checked.
fn samba(lx: &LinuxFacts, s: &Samba, assets: &Assets, parts: &mut Vec<Alt>) -> usize {
    let skipped = samba_unresolved_includes(s, SMB);
    if !skipped.is_empty() {
        parts.push(Alt::new(Status::Pass, Text::default()).evs(skipped));
    }
    let mut checked = 0;
    for sh in s.shares() {
        let Some(path) = s.share_path(sh) else {
            continue;
        };
        let labels = related_assets(assets, lx, &share_dir(&path.value));
        if labels.is_empty() {
            continue;
        }
        checked += 1;
        parts.push(samba_share(s, sh, path, &labels.join(", ")));
    }
    checked
}

/// One Samba share over the assets `list`: fails when guests may connect.
fn samba_share(s: &Samba, sh: &Section, path: &Param, list: &str) -> Alt {
    let name = &sh.name;
    let share_ev = line_ev(
        &path.line,
        SMB,
        tr!(
            "共有 [{name}] のパス（資産 {list}）",
            "share [{name}] path (assets {list})"
        ),
    );
    let (bad, errs) = guest_params(s, sh);
    if !errs.is_empty() {
        Alt::new(
            Status::Error,
            tr!(
                "共有 [{name}] の設定値を真偽値として読めません",
                "a value of share [{name}] is not a boolean"
            ),
        )
        .ev(share_ev)
        .evs(errs.iter().map(|p| {
            line_ev(
                &p.line,
                SMB,
                Text::new("真偽値ではありません", "not a boolean"),
            )
        }))
    } else if !bad.is_empty() {
        let what: Vec<&str> = bad.iter().map(|(l, _)| *l).collect();
        let what = what.join(", ");
        let dirp = &path.value;
        Alt::new(
            Status::Fail,
            tr!(
                "Samba 共有 [{name}]（{dirp}）が資産 {list} を含み、ゲストアクセス（{what}）を許可しています",
                "Samba share [{name}] ({dirp}) exposes assets {list} and allows guest access ({what})"
            ),
        )
        .ev(share_ev)
        .evs(bad.iter().map(|(l, p)| guest_param_ev(sh, l, p)))
    } else {
        Alt::new(Status::Pass, Text::default()).ev(share_ev)
    }
}

/// The guest parameters that are on for the share (with their label), and
/// the ones whose value is not a boolean.
fn guest_params<'a>(
    s: &'a Samba,
    sh: &'a Section,
) -> (Vec<(&'static str, &'a Param)>, Vec<&'a Param>) {
    let mut bad = Vec::new();
    let mut errs = Vec::new();
    for (canon, label) in [
        ("guestok", "guest ok / public"),
        ("guestonly", "guest only"),
    ] {
        match s.bool_param(sh, canon) {
            Ok(Some((true, p))) => bad.push((label, p)),
            Ok(_) => {}
            Err(p) => errs.push(p),
        }
    }
    (bad, errs)
}

/// The line that lets guests in, saying when the share inherits it from [global].
fn guest_param_ev(sh: &Section, l: &str, p: &Param) -> Evidence {
    let inherited = p.line.line != 0 && sh.get(&p.name).is_none();
    let d = if inherited {
        tr!(
            "{l}（[global] の値を継承）",
            "{l} (inherited from [global])"
        )
    } else {
        tr!("{l}", "{l}")
    };
    line_ev(&p.line, SMB, d)
}

/// LNX-SHR-002: one part per NFS export over an asset; returns how many
/// exports were checked.
fn nfs(lx: &LinuxFacts, ex: &Exports, assets: &Assets, parts: &mut Vec<Alt>) -> usize {
    let mut checked = 0;
    for e in &ex.exports {
        let labels = related_assets(assets, lx, &e.path);
        if labels.is_empty() {
            continue;
        }
        checked += 1;
        parts.push(nfs_export(e, &labels.join(", ")));
    }
    checked
}

/// One NFS export over the assets `list`: fails when it is exported to
/// everyone or with no_root_squash.
fn nfs_export(e: &Export, list: &str) -> Alt {
    let p = &e.path;
    let problems = export_problems(e);
    if problems.is_empty() {
        return Alt::new(Status::Pass, Text::default()).ev(line_ev(
            &e.line,
            NFS,
            tr!(
                "エクスポート {p}（資産 {list}）",
                "export {p} (assets {list})"
            ),
        ));
    }
    let mut a = Alt::new(
        Status::Fail,
        tr!(
            "NFS エクスポート {p} が資産 {list} を含み、全体公開または no_root_squash になっています（{}）",
            "NFS export {p} exposes assets {list} to everyone or with no_root_squash ({})",
            e.line.at()
        ),
    );
    for t in problems {
        a = a.ev(line_ev(&e.line, NFS, t));
    }
    a
}

/// What is wrong with each client of the export, in client order.
fn export_problems(e: &Export) -> Vec<Text> {
    let mut problems = Vec::new();
    for c in &e.clients {
        let cl = c.label();
        if c.is_world() {
            let why = if c.host.is_empty() {
                tr!(
                    "{cl}: クライアントの指定がなく全体に公開（空白の後のオプション、またはパスだけの行）",
                    "{cl}: no client, exported to everyone (options after a space, or a path alone)"
                )
            } else {
                tr!("{cl}: 全体に公開", "{cl}: exported to everyone")
            };
            problems.push(why);
        }
        if c.no_root_squash() {
            problems.push(tr!("{cl}: no_root_squash", "{cl}: no_root_squash"));
        }
    }
    problems
}

/// Pass with what was looked at when no share or export covers an asset;
/// otherwise every checked share and export must pass.
fn linux_verdict(parts: Vec<Alt>, checked: usize) -> Outcome {
    if checked == 0 && parts.iter().all(|p| p.status == Status::Pass) {
        Outcome::pass(Text::new(
            "保護対象の保存場所を公開している共有・エクスポートはありません",
            "no share or export exposes a protected location",
        ))
        .with(parts.into_iter().flat_map(|p| p.evidence))
    } else {
        all_of(
            parts,
            Text::new(
                format!(
                    "保護対象を含む共有・エクスポート {checked} 件はすべてゲスト・匿名アクセスを許可していません"
                ),
                en_n(
                    checked,
                    "the share or export over a protected location does not allow guest or anonymous access",
                    &format!(
                        "none of the {checked} shares and exports over protected locations allows guest or anonymous access"
                    ),
                ),
            ),
        )
    }
}

pub fn windows(ctx: &Context, w: &WindowsHost) -> Verdict {
    let id = "WIN-SHR-001";
    let (_, Check::WindowsShareGuest { files, principals }) = check_of(id) else {
        return Verdict::Decided(Outcome::error(Text::same("policy WIN-SHR-001 is broken")));
    };
    let [shares_file, access_file] = files.as_slice() else {
        return Verdict::Decided(Outcome::error(Text::same("policy WIN-SHR-001 is broken")));
    };
    if w.smb_shares.is_none() && w.smb_access.is_none() {
        return Verdict::NoSource(tr!(
            "証跡に {shares_file} と {access_file} がありません",
            "the evidence has no {shares_file} or {access_file}"
        ));
    }
    let shares = match &w.smb_shares {
        None => return Verdict::Decided(win_missing(w, shares_file, id)),
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(s)) => s,
    };
    let access = match &w.smb_access {
        None => return Verdict::Decided(win_missing(w, access_file, id)),
        Some(Err(e)) => return Verdict::Decided(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(a)) => a,
    };
    let assets: Vec<(String, String)> = windows_asset_paths(ctx)
        .into_iter()
        .map(|(l, p)| (l, crate::collect::host::asset_base(&norm_win(&p))))
        .collect();
    let check = ShareCheck {
        id,
        access,
        access_file,
        guests: principals,
    };
    let mut parts = Vec::new();
    let mut checked = 0usize;
    for sh in shares.iter().filter(|s| !s.special && !s.path.is_empty()) {
        let sp = norm_win(&sh.path);
        let labels: Vec<&str> = assets
            .iter()
            .filter(|(_, b)| paths_related(&sp, b))
            .map(|(l, _)| l.as_str())
            .collect();
        if labels.is_empty() {
            continue;
        }
        checked += 1;
        parts.push(check.share(sh, &labels.join(", ")));
    }
    Verdict::Decided(all_of(
        parts,
        Text::new(
            format!(
                "保護対象を含む Windows 共有 {checked} 件はゲスト・匿名アクセスを許可していません"
            ),
            en_n(
                checked,
                "the Windows share over protected paths does not allow guest or anonymous access",
                &format!(
                    "none of the {checked} Windows shares over protected paths allows guest or anonymous access"
                ),
            ),
        ),
    ))
}

/// The share permissions of one Windows evidence folder, checked for the
/// guest and anonymous principals of WIN-SHR-001.
struct ShareCheck<'a> {
    id: &'a str,
    access: &'a [ShareAce],
    /// The permissions' evidence file (`smb-share-access.csv`).
    access_file: &'a str,
    /// The policy's `principals:`.
    guests: &'a [String],
}

impl ShareCheck<'_> {
    /// A share over the assets `list`: no permissions exported (an error),
    /// none for a guest (pass), or the guests it lets in (fail).
    fn share(&self, sh: &Share, list: &str) -> Alt {
        let (id, name, access_file) = (self.id, &sh.name, self.access_file);
        let bad: Vec<&ShareAce> = self
            .access
            .iter()
            .filter(|a| {
                a.share.eq_ignore_ascii_case(&sh.name)
                    && a.allow
                    && principal_in(a.account.trim(), self.guests)
            })
            .collect();
        let share_ev = line_ev(
            &sh.line,
            id,
            tr!("共有 {name}（資産 {list}）", "share {name} (assets {list})"),
        );
        let listed = self
            .access
            .iter()
            .any(|a| a.share.eq_ignore_ascii_case(&sh.name));
        if !listed {
            // Every share has permissions: none exported means the export is
            // incomplete, and guest access cannot be ruled out.
            Alt::new(
                Status::Error,
                tr!(
                    "{access_file} に共有 {name}（資産 {list}）のアクセス許可がないため判定できません。収集し直してください",
                    "{access_file} has no permissions for share {name} (assets {list}), so guest access cannot be ruled out; collect the evidence again"
                ),
            )
            .ev(share_ev)
        } else if bad.is_empty() {
            Alt::new(Status::Pass, Text::default()).ev(share_ev)
        } else {
            let who: Vec<&str> = bad.iter().map(|a| a.account.as_str()).collect();
            let who = who.join(", ");
            Alt::new(
                Status::Fail,
                tr!(
                    "Windows 共有 {name} が資産 {list} を含み、{who} にアクセスを許可しています",
                    "Windows share {name} exposes assets {list} and grants access to {who}"
                ),
            )
            .ev(share_ev)
            .evs(bad.iter().map(|a| {
                let (acc, r) = (&a.account, &a.right);
                line_ev(&a.line, id, tr!("{acc}: 許可 {r}", "{acc}: allow {r}"))
                    .principal(acc.clone())
            }))
        }
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc04, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    acc04(ctx)
}
