//! ACC-05 — 退職者のアクセス権削除 (Leavers lose access).
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-05).

use super::*;
use crate::collect::accounts::Accounts;
use crate::collect::walk::Finding;
use crate::collect::walk::acl;
use crate::collect::walk::check::{FileCheck, FileFacts};
use crate::i18n::{Text, en_n};
use crate::model::{Outcome, Status};
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc05, acc05_whole).file_check(&LeaverAcl);

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
        login_left(&mut f, accounts, &person.account);
        groups_left(&mut f, accounts, &person.account);
    }
    let n = leavers.len();
    // The ACL half: leavers named in protected files' ACLs (from the walk).
    if let Some(acl) = acc05_acl(ctx) {
        if acl.status == Status::Pass && f.status() == Status::Pass {
            return Outcome::pass(Text::new(
                format!(
                    "退職者 {n} 名のアカウント・グループ所属は整理済みで、保護対象ファイルの ACL にも残っていません"
                ),
                format!(
                    "{}, and none is named in a protected file's ACL",
                    accounts_closed_en(n)
                ),
            ));
        }
        add_acl_half(&mut f, acl);
    }
    if f.status() != Status::Pass {
        return f.finish(Text::default());
    }
    // The accounts are closed; the ACL half needs the file-share walk.
    let mut o = missing_collector("ファイル共有（ACL）", "file-share walk (ACLs)");
    o.reason = Text::new(
        format!("退職者 {n} 名のアカウントとグループは整理済みですが"),
        format!("{}, but", accounts_closed_en(n)),
    )
    .join(&o.reason);
    o
}

/// "the leaver's account … are closed", for `n` leavers.
fn accounts_closed_en(n: usize) -> String {
    en_n(
        n,
        "the leaver's account and group memberships are closed",
        &format!("the {n} leavers' accounts and group memberships are closed"),
    )
}

/// Fails when the leaver `acc` still has an account with a login shell.
fn login_left(f: &mut Findings, accounts: &Accounts, acc: &str) {
    let Some(u) = accounts.user(acc) else {
        return;
    };
    if is_nologin_shell(&u.shell) {
        return;
    }
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

/// Fails for each group the leaver `acc` is still a member of.
fn groups_left(f: &mut Findings, accounts: &Accounts, acc: &str) {
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

/// Adds the ACL half's verdict. A leaver certainly still able to log in or in
/// a group keeps the item failing when the ACL half could not be assessed
/// (what was found is certain); the unread paths are added to the reason and
/// evidence.
fn add_acl_half(f: &mut Findings, acl: Outcome) {
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

/// ACC-05's ACL half: leavers named in protected files' ACLs. `None` when the walk
/// did not run.
pub fn acc05_acl(ctx: &Context) -> Option<Outcome> {
    let sf = ctx.facts.files.as_ref()?;
    let o = if sf.findings(ItemId::Acc05).is_empty() {
        Outcome::pass(Text::new(
            "保護対象ファイルの ACL に退職者は残っていません",
            "no leaver is named in a protected file's ACL",
        ))
    } else {
        let n = sf.findings(ItemId::Acc05).total();
        Outcome::fail(Text::new(
            format!("保護対象ファイルの ACL に退職者が残っています（{n} 件）"),
            format!(
                "leavers are still named in protected files' ACLs ({n} {})",
                en_n(n, "entry", "entries")
            ),
        ))
        .with(findings_evidence(sf.findings(ItemId::Acc05), ALL))
    };
    Some(with_asset_gaps(sf, o, ACL))
}

/// A leaver named in a protected file's ACL.
struct LeaverAcl;

impl FileCheck for LeaverAcl {
    fn id(&self) -> ItemId {
        ItemId::Acc05
    }

    fn on_file(&self, f: &FileFacts, out: &mut Vec<Finding>) {
        if !f.protected() || f.acl_unknown {
            return;
        }
        let Some(a) = f.acl else { return };
        for en in a.entries.iter().filter(|x| x.tag == acl::USER) {
            let Some(name) = f.run.user_name(en.id) else {
                continue;
            };
            if !f.run.leavers.contains(name) {
                continue;
            }
            let perm = format!("user:{name}:{}", acl::perm_string(en.perm));
            out.push(Finding {
                path: f.path.clone(),
                kind: f.kind,
                asset: f.asset(),
                principal: Some(format!("user:{name}")),
                excerpt: Some(perm.clone()),
                sha256: None,
                detail: tr!(
                    "退職者 {name} が ACL に残っています（{perm}）",
                    "leaver {name} is still named in the ACL ({perm})"
                ),
            });
        }
    }

    /// Watch mode follows files, not the roster: a leaver is found by the audit.
    fn watched(&self) -> bool {
        false
    }
}
