//! ACC — 情報のアクセス制限 (restricting who can access).

pub mod acc03;
pub mod acc04;

use crate::collect::accounts::is_nologin_shell;
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::profile::{Principal, ReviewKind};
use crate::rules::adm::{person_evidence, recent_review};
use crate::rules::kit::common::{Findings, accounts_error, missing_collector};
use crate::rules::kit::shares;
use crate::rules::{Context, ItemResult, Rule};
use crate::tr;
use std::collections::BTreeMap;

type Done = BTreeMap<String, ItemResult>;

pub const RULES: &[(&str, Rule)] = &[
    ("ACC-01", acc01),
    ("ACC-02", shares::acc02),
    ("ACC-03", acc03),
    ("ACC-04", acc04),
    ("ACC-05", acc05_whole),
    ("ACC-06", acc06),
    ("ACC-07", acc07_whole),
];

/// ACC-05 that never passes past a line of the account files it could not read
/// naming a leaver (that line may be the leaver's live account or membership).
fn acc05_whole(ctx: &Context, done: &Done) -> Outcome {
    let leavers: Vec<&str> = ctx
        .profile
        .people
        .iter()
        .filter(|x| !x.is_active())
        .map(|x| x.account.as_str())
        .collect();
    unparsed_guard(ctx, acc05(ctx, done), |line| {
        line.split([':', ',']).any(|t| leavers.contains(&t.trim()))
    })
}

/// ACC-07 that never passes past an unreadable line of `/etc/passwd` or
/// `/etc/group`: it may hide a uid 0 account or a sudo/wheel/admin member.
fn acc07_whole(ctx: &Context, done: &Done) -> Outcome {
    unparsed_guard(ctx, acc07(ctx, done), |_| true)
}

/// Turns a pass into `error` when lines of the account files that `relevant`
/// picks could not be parsed: the verdict cannot be shown without them.
pub(super) fn unparsed_guard(
    ctx: &Context,
    o: Outcome,
    relevant: impl Fn(&str) -> bool,
) -> Outcome {
    let Ok(accounts) = &ctx.facts.accounts else {
        return o;
    };
    if o.status != Status::Pass {
        return o;
    }
    let bad: Vec<_> = accounts
        .problems
        .iter()
        .filter(|(_, _, text)| relevant(text))
        .collect();
    if bad.is_empty() {
        return o;
    }
    let n = bad.len();
    let evidence = bad.iter().map(|(file, line, text)| {
        let sha = if *file == accounts.group.path {
            &accounts.group.sha256
        } else {
            &accounts.passwd.sha256
        };
        Evidence::new(EvidenceKind::Config)
            .path(file)
            .line(*line)
            .excerpt(text)
            .sha256(Some(sha.clone()))
            .detail(Text::new(
                "この行を読み取れません（項目数または uid/gid が不正）",
                "this line cannot be parsed (wrong number of fields or a bad uid/gid)",
            ))
    });
    Outcome::error(Text::new(
        format!("/etc/passwd・/etc/group に読み取れない行が {n} 行あるため判定できません（その行のアカウントが見落とされている可能性があります）"),
        format!(
            "cannot be assessed: {} of /etc/passwd or /etc/group could not be parsed, so an account or membership on {} may be missed",
            en_n(n, "1 line", &format!("{n} lines")),
            en_n(n, "it", "them")
        ),
    ))
    .with(evidence)
}

/// ACC-03: the file-share walk's result, plus the Windows evidence (icacls).
fn acc03(ctx: &Context, done: &Done) -> Outcome {
    self::acc03::merge(shares::acc03(ctx, done), ctx)
}

fn acc04(ctx: &Context, _: &Done) -> Outcome {
    self::acc04::acc04(ctx)
}

fn acc01(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    if p.assets.is_empty() {
        return Outcome::na(Text::new(
            "管理台帳（assets）に技術情報が登録されていません（HDL-01 を参照）",
            "the register (assets) lists no technical information (see HDL-01)",
        ));
    }
    let accounts = match &ctx.facts.accounts {
        Ok(a) => a,
        Err(e) => return accounts_error(e),
    };
    let mut f = Findings::new();
    for a in &p.assets {
        let label = a.label();
        if a.authorized.is_empty() {
            f.add(
                Status::Fail,
                tr!(
                    "{label} にアクセス許可者（authorized）が定義されていません",
                    "{label} defines no authorized principals"
                ),
            );
            f.evidence(
                Evidence::new(EvidenceKind::Asset)
                    .asset(&label)
                    .detail(Text::new("authorized が空です", "authorized is empty")),
            );
        }
        for pr in &a.authorized {
            let (exists, file) = match pr {
                Principal::User(u) => (accounts.user(u).is_some(), "/etc/passwd"),
                Principal::Group(g) => (accounts.group(g).is_some(), "/etc/group"),
            };
            if !exists {
                f.add(
                    Status::Fail,
                    tr!(
                        "{label} の許可者 {pr} が {file} にありません",
                        "{label}: authorized principal {pr} does not exist in {file}"
                    ),
                );
                f.evidence(
                    Evidence::new(EvidenceKind::Principal)
                        .principal(pr.to_string())
                        .asset(&label)
                        .detail(tr!("{file} に存在しません", "not found in {file}")),
                );
            }
        }
    }
    let n = p.assets.len();
    f.finish(Text::new(
        format!("全 {n} 件の技術情報にアクセス許可者が定義され、すべて監査対象ホストに存在します"),
        format!(
            "{}, and every principal exists on the audited host",
            en_n(
                n,
                "the asset defines who may access it",
                &format!("all {n} assets define who may access them")
            )
        ),
    ))
}

fn acc05(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    let leavers: Vec<_> = p.people.iter().filter(|x| !x.is_active()).collect();
    if leavers.is_empty() {
        return Outcome::pass(Text::new(
            "名簿に退職者はいません",
            "the roster has no leavers",
        ));
    }
    let accounts = match &ctx.facts.accounts {
        Ok(a) => a,
        Err(e) => return accounts_error(e),
    };
    let mut f = Findings::new();
    for person in &leavers {
        let acc = &person.account;
        if let Some(u) = accounts.user(acc)
            && !is_nologin_shell(&u.shell)
        {
            // An empty shell field means /bin/sh: say so rather than show "()".
            let (shj, she) = if u.shell.trim().is_empty() {
                ("空欄＝/bin/sh".to_string(), "empty, so /bin/sh".to_string())
            } else {
                (u.shell.clone(), u.shell.clone())
            };
            f.add(
                Status::Fail,
                Text::new(
                    format!("退職者 {acc} のアカウントがログイン可能なまま残っています（{shj}）"),
                    format!("leaver {acc} still has an account with a login shell ({she})"),
                ),
            );
            f.evidence(accounts.user_evidence(u).detail(Text::new(
                format!("ログインシェル {shj}"),
                format!("login shell {she}"),
            )));
        }
        for g in accounts
            .groups
            .iter()
            .filter(|g| g.members.iter().any(|m| m == acc))
        {
            let gn = &g.name;
            f.add(
                Status::Fail,
                tr!(
                    "退職者 {acc} がグループ {gn} に残っています",
                    "leaver {acc} is still a member of group {gn}"
                ),
            );
            f.evidence(
                accounts
                    .group_evidence(g)
                    .detail(tr!("{acc} がメンバー", "{acc} is a member")),
            );
        }
    }
    // The ACL half: leavers named in protected files' ACLs (from the walk).
    if let Some(acl) = shares::acc05_acl(ctx) {
        if acl.status == Status::Pass && f.status() == Status::Pass {
            let n = leavers.len();
            return Outcome::pass(Text::new(
                format!(
                    "退職者 {n} 名のアカウント・グループ所属は整理済みで、保護対象ファイルの ACL にも残っていません"
                ),
                format!(
                    "{}, and none is named in a protected file's ACL",
                    en_n(
                        n,
                        "the leaver's account and group memberships are closed",
                        &format!("the {n} leavers' accounts and group memberships are closed")
                    )
                ),
            ));
        }
        // A leaver certainly still able to log in or in a group keeps the item
        // failing when the ACL half could not be assessed (what was found is
        // certain); the unread paths are added to the reason and evidence.
        let status = if acl.status == Status::Error && f.status() == Status::Fail {
            Status::Fail
        } else {
            acl.status
        };
        f.add(status, acl.reason.clone());
        for e in acl.evidence {
            f.evidence(e);
        }
    }
    if f.status() != Status::Pass {
        return f.finish(Text::default());
    }
    // The accounts are closed; the ACL half needs the file-share walk.
    let mut o = missing_collector("ファイル共有（ACL）", "file-share walk (ACLs)");
    let n = leavers.len();
    o.reason = Text::new(
        format!("退職者 {n} 名のアカウントとグループは整理済みですが"),
        format!(
            "{}, but",
            en_n(
                n,
                "the leaver's account and group memberships are closed",
                &format!("the {n} leavers' accounts and group memberships are closed")
            )
        ),
    )
    .join(&o.reason);
    o
}

fn acc06(ctx: &Context, _: &Done) -> Outcome {
    recent_review(
        ctx,
        ReviewKind::Access,
        "アクセス権の見直し",
        "access review",
    )
}

fn acc07(ctx: &Context, _: &Done) -> Outcome {
    let accounts = match &ctx.facts.accounts {
        Ok(a) => a,
        Err(e) => return accounts_error(e),
    };
    let p = ctx.profile;
    // account → why it is privileged
    let mut privileged: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for u in accounts
        .users
        .iter()
        .filter(|u| u.uid == 0 && u.name != "root")
    {
        privileged.entry(u.name.clone()).or_default().push(
            accounts
                .user_evidence(u)
                .detail(Text::new("uid 0（root 権限）", "uid 0 (root privileges)")),
        );
    }
    for gname in ["sudo", "wheel", "admin"] {
        // Every line of that name: a second `sudo` line still grants sudo.
        let lines: Vec<_> = accounts.groups.iter().filter(|g| g.name == gname).collect();
        let Some(first) = lines.first().copied() else {
            continue;
        };
        for m in accounts.members_of(gname) {
            if m == "root" {
                continue;
            }
            // Listed in /etc/group, or only through the primary gid in /etc/passwd:
            // cite the line that makes the account a member.
            let listed = lines.iter().find(|g| g.members.contains(&m)).copied();
            let ev = match (accounts.user(&m), listed) {
                (Some(u), None) => {
                    let gid = lines
                        .iter()
                        .find(|g| g.gid == u.gid)
                        .map_or(first.gid, |g| g.gid);
                    accounts.user_evidence(u).detail(tr!(
                        "主グループが {gname}（gid {gid}）",
                        "primary group {gname} (gid {gid})"
                    ))
                }
                (_, g) => accounts
                    .group_evidence(g.unwrap_or(first))
                    .principal(format!("user:{m}"))
                    .detail(tr!("{gname} グループのメンバー", "member of {gname}")),
            };
            privileged.entry(m.clone()).or_default().push(ev);
        }
    }
    let mut f = Findings::new();
    for (acc, evs) in &privileged {
        let problem = match p.person(acc) {
            None => Some(tr!(
                "特権アカウント {acc} が名簿にいません",
                "privileged account {acc} is not in the roster"
            )),
            Some(x) if !x.is_active() => Some(tr!(
                "特権アカウント {acc} は退職者です",
                "privileged account {acc} belongs to a leaver"
            )),
            Some(x) if !x.has_role("system-admin") => Some(tr!(
                "特権アカウント {acc} に system-admin の役割がありません",
                "privileged account {acc} lacks the system-admin role"
            )),
            Some(_) => None,
        };
        if let Some(t) = problem {
            f.add(Status::Fail, t.clone());
            for e in evs {
                f.evidence(e.clone());
            }
            f.evidence(person_evidence(acc, t));
        }
    }
    let n = privileged.len();
    if n == 0 {
        return Outcome::pass(Text::new(
            "root 以外に特権を持つアカウント（uid 0、sudo・wheel・admin グループのメンバー）はありません",
            "no account other than root has privileges (uid 0, or membership of sudo, wheel or admin)",
        ));
    }
    f.finish(Text::new(
        format!("特権アカウント {n} 件はすべて承認されたシステム管理者（system-admin）です"),
        format!(
            "{} to approved system administrators (system-admin)",
            en_n(
                n,
                "the privileged account belongs",
                &format!("all {n} privileged accounts belong")
            )
        ),
    ))
}
