//! ACC-02 — ファイルの実際のアクセス権 (File permissions grant read only to authorized).
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-02).

use super::*;
use crate::collect::accounts::Accounts;
use crate::collect::walk::Finding;
use crate::collect::walk::acl::{self, Acl};
use crate::collect::walk::check::{FileCheck, FileFacts, WalkContext};
use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::profile::Principal;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc02, acc02).file_check(&Unauthorized);

fn acc02(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if let Err(e) = &ctx.facts.accounts {
        return accounts_error(e);
    }
    if !sf.walked(ALL) {
        return nothing_walked();
    }
    let p = sf.counts.protected;
    if p == 0 {
        return with_asset_gaps(sf, no_protected(), ACL);
    }
    let o = if sf.findings(ItemId::Acc02).is_empty() {
        Outcome::pass(Text::new(
            format!(
                "保護対象ファイル {p} 件の読み取り権は、すべて許可された主体（authorized）だけに付いています"
            ),
            format!(
                "on {}, only authorized principals have read access",
                en_n(p, "the protected file", &format!("all {p} protected files"))
            ),
        ))
    } else {
        let files = sf.findings(ItemId::Acc02).files(ALL);
        let n = sf.findings(ItemId::Acc02).total();
        Outcome::fail(Text::new(
            format!("保護対象ファイル {files} 件で、許可されていない主体に読み取り権が {n} 件付いています"),
            format!(
                "{files} protected {} read access to unauthorized principals ({n} {})",
                en_n(files, "file grants", "files grant"),
                en_n(n, "grant", "grants")
            ),
        ))
        .with(findings_evidence(sf.findings(ItemId::Acc02), ALL))
    };
    with_asset_gaps(sf, o, ACL)
}

/// A principal that may read a protected file without being in its assets'
/// `authorized` (owner, owning group, named ACL entries; root is not counted).
struct Unauthorized;

/// (principal, is a user, its name, permission string, how in ja, how in en)
type Reader = (
    String,
    bool,
    Option<String>,
    String,
    &'static str,
    &'static str,
);

impl FileCheck for Unauthorized {
    fn id(&self) -> ItemId {
        ItemId::Acc02
    }

    fn on_file(&self, f: &FileFacts, out: &mut Vec<Finding>) {
        if !f.protected() || f.acl_unknown {
            return;
        }
        let Some(accounts) = f.run.accounts else {
            return;
        };
        let run = f.run;
        let authorized: Vec<&Principal> = f
            .assets
            .iter()
            .flat_map(|a| run.profile.assets[*a].authorized.iter())
            .collect();
        for r in readers(f) {
            if !is_authorized(accounts, &authorized, &r) {
                out.push(unauthorized_finding(f, r));
            }
        }
    }
}

/// Everyone who may read the file: the owner, the owning group (through the
/// ACL mask when there is one) and the named ACL entries; root is not counted.
fn readers(f: &FileFacts) -> Vec<Reader> {
    let run = f.run;
    let ext = f.acl.filter(|a| a.extended());
    let mask = ext.and_then(|a| a.mask()).unwrap_or(7);
    let mask_note = match ext.and_then(|a| a.mask()) {
        Some(m) => format!(" mask::{}", acl::perm_string(m)),
        None => String::new(),
    };
    let mut readers: Vec<Reader> = Vec::new();
    if f.mode & 0o400 != 0 && f.uid != 0 {
        readers.push((
            run.user_principal(f.uid),
            true,
            run.user_name(f.uid).map(String::from),
            format!("{} (owner)", symbolic(f.mode)),
            "所有者",
            "owner",
        ));
    }
    let group_read = match ext {
        Some(a) => a.group_obj().unwrap_or(0) & mask & 4 != 0,
        None => f.mode & 0o040 != 0,
    };
    if group_read && f.gid != 0 {
        let perm = match ext {
            Some(a) => format!(
                "group::{}{mask_note}",
                acl::perm_string(a.group_obj().unwrap_or(0))
            ),
            None => format!("{} (owning group)", symbolic(f.mode)),
        };
        readers.push((
            run.group_principal(f.gid),
            false,
            run.group_name(f.gid).map(String::from),
            perm,
            "所有グループ",
            "owning group",
        ));
    }
    if let Some(a) = ext {
        readers.extend(acl_readers(run, a, mask, &mask_note));
    }
    readers
}

/// The named user and group entries of an extended ACL that can read
/// through the `mask` (root's id is not counted).
fn acl_readers(run: &WalkContext, a: &Acl, mask: u16, mask_note: &str) -> Vec<Reader> {
    let mut readers = Vec::new();
    for en in &a.entries {
        if en.perm & mask & 4 == 0 || en.id == 0 {
            continue;
        }
        let (is_user, name, principal, tag) = match en.tag {
            acl::USER => (
                true,
                run.user_name(en.id),
                run.user_principal(en.id),
                "user",
            ),
            acl::GROUP => (
                false,
                run.group_name(en.id),
                run.group_principal(en.id),
                "group",
            ),
            _ => continue,
        };
        let name = name.map(String::from);
        let shown = name.clone().unwrap_or(en.id.to_string());
        readers.push((
            principal,
            is_user,
            name,
            format!("{tag}:{shown}:{}{mask_note}", acl::perm_string(en.perm)),
            "ACL エントリ",
            "ACL entry",
        ));
    }
    readers
}

/// A user is authorized by name or through a group; a group only by name.
/// An id unknown to the audited host never is.
fn is_authorized(accounts: &Accounts, authorized: &[&Principal], r: &Reader) -> bool {
    let (_, is_user, name, ..) = r;
    match (name, is_user) {
        (None, _) => false,
        (Some(n), true) => authorized.iter().any(|p| match p {
            Principal::User(u) => u == n,
            Principal::Group(g) => accounts.is_member(n, g),
        }),
        (Some(n), false) => authorized
            .iter()
            .any(|p| matches!(p, Principal::Group(g) if g == n)),
    }
}

/// The finding for a reader that is not authorized.
fn unauthorized_finding(f: &FileFacts, r: Reader) -> Finding {
    let (principal, _, name, perm, how_ja, how_en) = r;
    let mode = format!("{:04o}", f.mode & 0o7777);
    let why_ja = if name.is_none() {
        "監査対象の passwd/group にない ID です"
    } else {
        "authorized に含まれていません"
    };
    let why_en = if name.is_none() {
        "an id unknown to the audited host's passwd/group"
    } else {
        "not in authorized"
    };
    Finding {
        path: f.path.clone(),
        kind: f.kind,
        asset: f.asset(),
        principal: Some(principal.clone()),
        excerpt: Some(perm),
        sha256: None,
        detail: Text::new(
            format!("mode {mode}：{how_ja} {principal} が読み取れますが、{why_ja}"),
            format!("mode {mode}: {how_en} {principal} can read, {why_en}"),
        ),
    }
}
