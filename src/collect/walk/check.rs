//! The per-file hook of the walk. An item that must look at every file (HDL-02,
//! ACC-03 …) or folder (ACC-11) implements [`FileCheck`] in its own rule file; the walker and watch
//! mode's examiner call every check they are given for each regular file and
//! keep what it reports under the check's item. The walker itself does not know
//! which items exist or what they decide.
//!
//! `on_file` runs for every file of shares with millions of them: it must return
//! early for the files it does not care about and allocate only for a finding.

use super::acl::Acl;
use super::classify::Hit;
use super::{Finding, PathRef, RootKind};
use crate::catalogue::ItemId;
use crate::collect::accounts::Accounts;
use crate::profile::Profile;
use std::collections::{HashMap, HashSet};

/// A per-file check of one item.
pub trait FileCheck: Sync {
    /// The item whose findings this check reports.
    fn id(&self) -> ItemId;

    /// Looks at one regular file; pushes a finding to `out` for a file the item
    /// objects to.
    fn on_file(&self, _file: &FileFacts, _out: &mut Vec<Finding>) {}

    /// Looks at one directory the walk (or watch mode's examiner) sees that
    /// belongs to an asset (ACC-11: a protected folder everyone may write to).
    /// `assets` holds the assets whose paths match the folder or whose base
    /// folder it is; `size`, `hits` and the content fields mean nothing here.
    fn on_dir(&self, _dir: &FileFacts, _out: &mut Vec<Finding>) {}

    /// Looks at a file outside the assets whose content equals a protected file's
    /// (found after the walk, by SHA-256).
    fn on_copy(&self, _copy: &SameContent, _out: &mut Vec<Finding>) {}

    /// Watch mode reports this check's findings as files change.
    fn watched(&self) -> bool {
        true
    }
}

/// What the walk knows of the run, for every file: the profile, the audited
/// host's accounts and the names of its ids.
pub struct WalkContext<'a> {
    pub profile: &'a Profile,
    /// `None` when the account database could not be read.
    pub accounts: Option<&'a Accounts>,
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
    /// Accounts of people the roster marks as gone.
    pub leavers: HashSet<String>,
}

impl<'a> WalkContext<'a> {
    pub fn new(profile: &'a Profile, accounts: Option<&'a Accounts>) -> WalkContext<'a> {
        let mut users = HashMap::new();
        let mut groups = HashMap::new();
        if let Some(a) = accounts {
            for u in &a.users {
                users.entry(u.uid).or_insert_with(|| u.name.clone());
            }
            for g in &a.groups {
                groups.entry(g.gid).or_insert_with(|| g.name.clone());
            }
        }
        WalkContext {
            profile,
            accounts,
            users,
            groups,
            leavers: profile
                .people
                .iter()
                .filter(|p| !p.is_active())
                .map(|p| p.account.clone())
                .collect(),
        }
    }

    pub fn user_name(&self, uid: u32) -> Option<&str> {
        self.users.get(&uid).map(String::as_str)
    }

    pub fn group_name(&self, gid: u32) -> Option<&str> {
        self.groups.get(&gid).map(String::as_str)
    }

    /// `user:NAME`, or `uid:N` for an id the host does not name.
    pub fn user_principal(&self, uid: u32) -> String {
        match self.user_name(uid) {
            Some(n) => format!("user:{n}"),
            None => format!("uid:{uid}"),
        }
    }

    /// `group:NAME`, or `gid:N` for an id the host does not name.
    pub fn group_principal(&self, gid: u32) -> String {
        match self.group_name(gid) {
            Some(n) => format!("group:{n}"),
            None => format!("gid:{gid}"),
        }
    }
}

/// One regular file as the checks see it.
pub struct FileFacts<'a> {
    pub run: &'a WalkContext<'a>,
    /// Host path as bytes.
    pub host: &'a [u8],
    pub path: &'a PathRef,
    pub kind: RootKind,
    pub size: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Indexes (register order) of the assets whose paths match: protected when
    /// not empty.
    pub assets: &'a [usize],
    /// The first matching asset's label.
    pub label: Option<&'a str>,
    /// The markers found in its name, its folders' names and its content.
    pub hits: &'a [Hit],
    /// Under a temporary/discard folder.
    pub discard: bool,
    /// Every directory from the walk root down to the parent has o+x.
    pub others_x: bool,
    /// The access ACL, when it has one and it was read.
    pub acl: Option<&'a Acl>,
    /// The ACL could not be read (a walk problem, counted as a gap).
    pub acl_unknown: bool,
    /// Non-empty, but its content could not be read although a marker may be in it.
    pub content_unknown: bool,
}

impl FileFacts<'_> {
    pub fn protected(&self) -> bool {
        !self.assets.is_empty()
    }

    pub fn marked(&self) -> bool {
        !self.hits.is_empty()
    }

    /// The label of the first matching asset, owned (for a finding).
    pub fn asset(&self) -> Option<String> {
        self.label.map(String::from)
    }
}

/// A file outside the assets with the same content as a protected file.
pub struct SameContent<'a> {
    pub path: PathRef,
    pub kind: RootKind,
    /// The protected file it equals (the first by path) and its asset.
    pub original: &'a PathRef,
    pub asset: &'a str,
    pub sha256: &'a [u8; 32],
}
