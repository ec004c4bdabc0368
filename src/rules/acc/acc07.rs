//! ACC-07 — 管理者権限を持つアカウントの限定 (Privileged accounts limited to approved admins).
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-07).

use super::*;
use crate::collect::accounts::{Accounts, Group};
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, Outcome, Status};
use crate::profile::Profile;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc07, acc07_whole);

/// ACC-07 that never passes past an unreadable line of `/etc/passwd` or
/// `/etc/group`: it may hide a uid 0 account or a sudo/wheel/admin member.
fn acc07_whole(ctx: &Context, done: &Done) -> Outcome {
    unparsed_guard(ctx, acc07(ctx, done), |_| true)
}

fn acc07(ctx: &Context, _: &Done) -> Outcome {
    let accounts = match &ctx.facts.accounts {
        Ok(a) => a,
        Err(e) => return accounts_error(e),
    };
    let p = ctx.profile;
    let privileged = privileged_accounts(accounts);
    let mut f = Findings::new();
    for (acc, evs) in &privileged {
        if let Some(t) = not_approved(p, acc) {
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

/// Every account other than root with privileges (uid 0, or a member of
/// sudo, wheel or admin) → the lines that make it privileged.
fn privileged_accounts(accounts: &Accounts) -> BTreeMap<String, Vec<Evidence>> {
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
        let lines: Vec<&Group> = accounts.groups.iter().filter(|g| g.name == gname).collect();
        if lines.is_empty() {
            continue;
        }
        for m in accounts.members_of(gname) {
            if m == "root" {
                continue;
            }
            let ev = membership_ev(accounts, gname, &lines, &m);
            privileged.entry(m.clone()).or_default().push(ev);
        }
    }
    privileged
}

/// The line that makes `m` a member of `gname` (whose group lines are
/// `lines`, not empty): listed in /etc/group, or only through the primary gid
/// in /etc/passwd.
fn membership_ev(accounts: &Accounts, gname: &str, lines: &[&Group], m: &str) -> Evidence {
    let first = lines[0];
    let listed = lines
        .iter()
        .find(|g| g.members.iter().any(|x| x == m))
        .copied();
    match (accounts.user(m), listed) {
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
    }
}

/// Why the privileged account `acc` is not an approved administrator: not in
/// the roster, a leaver, or without the system-admin role.
fn not_approved(p: &Profile, acc: &str) -> Option<Text> {
    match p.person(acc) {
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
    }
}
