//! ACC-11 — 全員が書き込めるファイル・フォルダがないこと (Nothing protected is
//! writable by everyone).
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-11).
//!
//! The walk calls [`WorldWritable`] for every file and for every folder of an
//! asset; a finding is a protected file or folder that other may write to, or
//! whose ACL (or owning group) gives write to a group that stands for everyone.

use crate::collect::walk::Finding;
use crate::collect::walk::acl;
use crate::collect::walk::check::{FileCheck, FileFacts};
use crate::i18n::{Text, en_n};
use crate::model::{Outcome, Status};
use crate::rules::acc::acc03::{BroadPolicy, WinAccess, broad_policy, broad_windows_access};
use crate::rules::kit::host::worse;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;
use std::sync::OnceLock;

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc11, acc11).file_check(&WorldWritable);

/// No broad Windows principal may write to protected Windows paths (icacls
/// evidence), cited as WIN-ACL-002.
const WRITE: WinAccess = WinAccess {
    policy: "WIN-ACL-002",
    can: ("書き込めます", "can write"),
    verb: ("書き込める", "write to"),
    none_en: "writable",
    ok: (
        "Windows 上の保護対象に Everyone・Users などの広いグループが書き込めるアクセス権はありません",
        "no broad group (Everyone, Users…) can write to protected Windows paths",
    ),
};

/// The file-share walk's result combined with the Windows evidence (icacls),
/// as ACC-03 combines them.
fn acc11(ctx: &Context, _: &Done) -> Outcome {
    let shares = acc11_shares(ctx);
    let Some(win) = broad_windows_access(ctx, &WRITE) else {
        return shares;
    };
    if shares.status == Status::NotApplicable {
        return win;
    }
    let status = worse(shares.status, win.status);
    let mut reason = shares.reason.clone();
    if win.status != Status::Pass || status == Status::Pass {
        reason = reason.join(&Text::new(
            format!("Windows：{}", win.reason.ja),
            format!("Windows: {}", win.reason.en),
        ));
    }
    let mut evidence = shares.evidence;
    evidence.extend(win.evidence);
    Outcome {
        status,
        reason,
        evidence,
    }
}

fn acc11_shares(ctx: &Context) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let p = sf.counts.protected;
    let found = sf.findings(ItemId::Acc11);
    if p == 0 && found.is_empty() {
        return with_asset_gaps(sf, no_protected(), ACL);
    }
    let o = if found.is_empty() {
        Outcome::pass(Text::new(
            format!("保護対象ファイル {p} 件とそのフォルダに、全員が書き込めるものはありません"),
            format!(
                "no protected file or folder is writable by everyone ({p} protected {} checked)",
                en_n(p, "file", "files")
            ),
        ))
    } else {
        let n = found.total();
        Outcome::fail(Text::new(
            format!("全員が書き込める保護対象のファイル・フォルダが {n} 件あります"),
            format!(
                "{n} protected {} writable by everyone",
                en_n(n, "file or folder is", "files or folders are")
            ),
        ))
        .with(findings_evidence(found, ALL))
    };
    with_asset_gaps(sf, o, ACL)
}

/// A group name that stands for every user of the host or domain: `users`,
/// or a broad principal of WIN-ACL-002 (`Domain Users` through winbind…).
fn everyone(name: &str) -> bool {
    // Looked up once: the walk asks for every group-writable protected file.
    static BROAD: OnceLock<Option<BroadPolicy>> = OnceLock::new();
    name.eq_ignore_ascii_case("users")
        || BROAD
            .get_or_init(|| broad_policy(WRITE.policy))
            .as_ref()
            .is_some_and(|b| b.broad(name))
}

struct WorldWritable;

impl WorldWritable {
    fn check(&self, f: &FileFacts, folder: bool, out: &mut Vec<Finding>) {
        if !f.protected() {
            return;
        }
        let (what_ja, what_en) = if folder {
            ("フォルダ", "folder")
        } else {
            ("ファイル", "file")
        };
        let mode = format!("{:04o}", f.mode & 0o7777);
        if f.mode & 0o002 != 0 {
            let mut x = finding(
                f,
                tr!(
                    "{what_ja}の mode {mode}：other（全員）が書き込めます",
                    "{what_en} mode {mode}: other (everyone) can write"
                ),
            );
            x.excerpt = Some(symbolic(f.mode));
            out.push(x);
            return;
        }
        let ext = f.acl.filter(|a| a.extended());
        let mask = ext.and_then(|a| a.mask()).unwrap_or(7);
        // The owning group's write: the mode's group bits, or under an extended
        // ACL the group entry as the mask lets it through.
        let group_write = match ext {
            Some(a) => a.group_obj().unwrap_or(0) & mask & 2 != 0,
            None => f.mode & 0o020 != 0,
        };
        if group_write
            && let Some(g) = f.run.group_name(f.gid)
            && everyone(g)
        {
            let mut x = finding(
                f,
                tr!(
                    "{what_ja}の所有グループ {g} は全員を表すグループで、書き込めます（mode {mode}）",
                    "the {what_en}'s owning group {g} stands for everyone and can write (mode {mode})"
                ),
            );
            x.principal = Some(format!("group:{g}"));
            x.excerpt = Some(symbolic(f.mode));
            out.push(x);
            return;
        }
        let Some(a) = ext else { return };
        for en in &a.entries {
            if en.tag != acl::GROUP || en.perm & mask & 2 == 0 {
                continue;
            }
            let Some(g) = f.run.group_name(en.id) else {
                continue;
            };
            if !everyone(g) {
                continue;
            }
            let entry = format!(
                "group:{g}:{} mask::{}",
                acl::perm_string(en.perm),
                acl::perm_string(mask)
            );
            let mut x = finding(
                f,
                tr!(
                    "{what_ja}の ACL が全員を表すグループ {g} に書き込みを許しています（{entry}）",
                    "the {what_en}'s ACL lets {g}, a group that stands for everyone, write ({entry})"
                ),
            );
            x.principal = Some(format!("group:{g}"));
            x.excerpt = Some(entry);
            out.push(x);
            return;
        }
    }
}

impl FileCheck for WorldWritable {
    fn id(&self) -> ItemId {
        ItemId::Acc11
    }

    fn on_file(&self, f: &FileFacts, out: &mut Vec<Finding>) {
        self.check(f, false, out);
    }

    fn on_dir(&self, d: &FileFacts, out: &mut Vec<Finding>) {
        self.check(d, true, out);
    }
}
