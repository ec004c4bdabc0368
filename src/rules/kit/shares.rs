//! The items decided from the file-share walk: HDL-02…06, ACC-02, ACC-03, the ACL
//! half of ACC-05, and STO-06. The facts come from `collect::walk`.
//!
//! A walk problem that could hide facts (an unreadable share root, directory or
//! file, a mount point not entered) never lets an item pass: an item that would
//! pass (or be partial or not applicable) is `error` instead, and a failing item
//! keeps `fail` with the problem added to its reason. Every unread path is evidence.

use crate::collect::walk::check::FileFacts;
use crate::collect::walk::findings::FindingSet;
use crate::collect::walk::gaps::Selected;
use crate::collect::walk::{Finding, Gap, GapKind, RootKind, ShareFacts};
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome};
use crate::rules::Context;
use crate::rules::kit::common::missing_collector;
use crate::tr;

pub(crate) const ALL: &[RootKind] = &[RootKind::Share, RootKind::Asset, RootKind::Scan];
/// HDL-02 is about the shares (and the register's own folders), not `--scan` paths.
pub(crate) const SHARES: &[RootKind] = &[RootKind::Share, RootKind::Asset];
pub(crate) const DIRS: &[GapKind] = &[GapKind::Root, GapKind::Dir, GapKind::OtherFilesystem];
pub(crate) const CONTENT: &[GapKind] = &[
    GapKind::Root,
    GapKind::Dir,
    GapKind::OtherFilesystem,
    GapKind::Content,
];
pub(crate) const HASH: &[GapKind] = &[
    GapKind::Root,
    GapKind::Dir,
    GapKind::OtherFilesystem,
    GapKind::Content,
    GapKind::Hash,
];
pub(crate) const ACL: &[GapKind] = &[
    GapKind::Root,
    GapKind::Dir,
    GapKind::OtherFilesystem,
    GapKind::Acl,
];

pub(crate) fn share_facts<'a>(ctx: &'a Context) -> Result<&'a ShareFacts, Outcome> {
    if ctx.facts.files.is_none() && ctx.facts.host.as_ref().is_some_and(|h| h.linux.is_none()) {
        return Err(Outcome::na(Text::new(
            "この監査に Linux ホストは含まれません（--evidence の Windows 証跡のみ）。Windows の共有フォルダは icacls の証跡で ACC-03 として確認します",
            "no Linux host in this audit (Windows evidence only); Windows shared folders are checked from the icacls evidence under ACC-03",
        )));
    }
    ctx.facts
        .files
        .as_ref()
        .ok_or_else(|| missing_collector("ファイル共有（走査）", "file-share walk"))
}

/// The share facts of a walk that covered something (any root kind); otherwise
/// the outcome to report instead.
pub(crate) fn walked_facts<'a>(ctx: &'a Context) -> Result<&'a ShareFacts, Outcome> {
    let sf = share_facts(ctx)?;
    if sf.walked(ALL) {
        Ok(sf)
    } else {
        Err(nothing_walked())
    }
}

pub(crate) fn nothing_walked() -> Outcome {
    Outcome::na(Text::new(
        "走査するファイル共有がありません（scope.shares が空で、--scan の指定も、この環境上の台帳の保存場所もありません）",
        "nothing to walk: scope.shares is empty, no --scan path was given, and no register path is on this host",
    ))
}

pub(crate) fn no_protected() -> Outcome {
    Outcome::na(Text::new(
        "保護対象ファイル（台帳の paths に一致する通常ファイル）が見つかりませんでした（HDL-03 を参照）",
        "no protected file (a regular file matching an asset's paths) was found (see HDL-03)",
    ))
}

pub(crate) fn no_markers() -> Outcome {
    Outcome::na(Text::new(
        "秘密表示の文字列（markers）が定義されていません",
        "no marker strings are defined (markers)",
    ))
}

pub fn file_evidence(f: &Finding) -> Evidence {
    let mut e = Evidence::new(EvidenceKind::File)
        .path(&f.path.path)
        .path_b64(f.path.b64.clone())
        .sha256(f.sha256.clone())
        .detail(f.detail.clone());
    if let Some(a) = &f.asset {
        e = e.asset(a);
    }
    if let Some(p) = &f.principal {
        e = e.principal(p);
    }
    if let Some(x) = &f.excerpt {
        e = e.excerpt(x);
    }
    e
}

pub(crate) fn gap_evidence(g: &Gap) -> Evidence {
    let err = &g.error;
    let err_ja = crate::collect::walk::read::io_message_ja(err);
    let d = match g.what {
        GapKind::Root => tr!(
            "走査の起点を読み取れません: {err_ja}",
            "walk root could not be read: {err}"
        ),
        GapKind::Dir => tr!(
            "フォルダを読み取れません: {err_ja}",
            "folder could not be listed: {err}"
        ),
        GapKind::OtherFilesystem => tr!(
            "別のファイルシステムのため走査していません（--cross-filesystems で走査、または scope.exclude で除外）",
            "another filesystem, not walked (walk it with --cross-filesystems, or exclude it)"
        ),
        GapKind::Content => tr!(
            "ファイルを読み取れません: {err_ja}",
            "file could not be read: {err}"
        ),
        GapKind::Hash => tr!(
            "ハッシュを計算できません: {err_ja}",
            "file could not be hashed: {err}"
        ),
        GapKind::Acl => tr!(
            "ACL を読み取れません: {err_ja}",
            "ACL could not be read: {err}"
        ),
    };
    Evidence::new(EvidenceKind::Note)
        .path(&g.path.path)
        .path_b64(g.path.b64.clone())
        .detail(d)
}

/// Applies the walk problems relevant to an item to its outcome.
pub(crate) fn with_gaps(
    sf: &ShareFacts,
    o: Outcome,
    what: &[GapKind],
    kinds: &[RootKind],
) -> Outcome {
    apply_gaps(o, sf.gaps_for(what, kinds))
}

/// For the items about protected files (HDL-06, ACC-02, ACC-03, ACC-05): only the
/// walk problems at, above or below an asset's base folder can hide a protected
/// file; an unreadable folder elsewhere (another department's, a snapshot mount)
/// cannot, and does not make these items `error`.
pub(crate) fn with_asset_gaps(sf: &ShareFacts, o: Outcome, what: &[GapKind]) -> Outcome {
    apply_gaps(o, sf.gaps.near_assets(what, ALL))
}

/// The evidence of some walk problems: the first `findings::KEPT` by path and,
/// when there are more, a note first that says how many more there are.
pub(crate) fn gaps_evidence(gaps: &Selected) -> Vec<Evidence> {
    let mut ev = Vec::with_capacity(gaps.sample.len() + 1);
    if gaps.more() > 0 {
        let (more, total, kept) = (gaps.more(), gaps.count, gaps.sample.len());
        let mut e = Evidence::new(EvidenceKind::Note).detail(Text::new(
            format!(
                "ほか {more} 件（読み取れなかった全 {total} 件のうちパス順の最初の {kept} 件のみ以下に記載）"
            ),
            format!(
                "and {more} more (only the first {kept} of the {total} paths that could not be read, by path, are listed below)"
            ),
        ));
        e.omitted = Some(more);
        ev.push(e);
    }
    ev.extend(gaps.sample.iter().map(|g| gap_evidence(g)));
    ev
}

pub(crate) fn apply_gaps(mut o: Outcome, gaps: Selected) -> Outcome {
    if gaps.is_empty() {
        return o;
    }
    let n = gaps.count;
    let first = &gaps.sample[0];
    let (p, e) = (&first.path.path, &first.error);
    let e_ja = crate::collect::walk::read::io_message_ja(e);
    let ev = gaps_evidence(&gaps);
    if o.status == crate::model::Status::Fail {
        let paths = en_n(n, "path", "paths");
        o.reason = o.reason.join(&Text::new(
            format!("ほかに {n} 件のパスを読み取れませんでした（例: {p}: {e_ja}。報告書の「調査範囲」を参照）"),
            format!("also, {n} {paths} could not be read (e.g. {p}: {e}; see coverage)"),
        ));
        return o.with(ev);
    }
    let r = &o.reason;
    let (rj, re) = (&r.ja, &r.en);
    let paths = en_n(n, "path", "paths");
    Outcome::error(Text::new(
        format!("{n} 件のパスを読み取れなかったため判定できません（例: {p}: {e_ja}。報告書の「調査範囲」を参照）。読み取れた範囲では: {rj}"),
        format!("cannot be assessed: {n} {paths} could not be read (e.g. {p}: {e}; see coverage); within what was read: {re}"),
    ))
    .with(o.evidence)
    .with(ev)
}

/// The evidence of an item's findings under roots of one of `kinds`: the first
/// `findings::KEPT` by path and, when there are more, a note first that says how many
/// more there are and where the full list is.
pub(crate) fn findings_evidence(set: &FindingSet, kinds: &[RootKind]) -> Vec<Evidence> {
    let sample = set.sample(kinds);
    let total = set.count(kinds);
    let kept = sample.len() as u64;
    let mut ev = Vec::with_capacity(sample.len() + 1);
    if total > kept {
        ev.push(omitted_note(total, kept));
    }
    ev.extend(sample.into_iter().map(file_evidence));
    ev
}

/// "N more": the note that stands for the findings the report does not list.
pub(crate) fn omitted_note(total: u64, kept: u64) -> Evidence {
    let more = total - kept;
    let mut e = Evidence::new(EvidenceKind::Note).detail(Text::new(
        format!(
            "ほか {more} 件（全 {total} 件のうちパス順の最初の {kept} 件のみ以下に記載）。全件は証跡フォルダー（audit --out）の findings.jsonl にあります"
        ),
        format!(
            "and {more} more (only the first {kept} of {total}, by path, are listed below); every one is in findings.jsonl of the evidence bundle (audit --out)"
        ),
    ));
    e.omitted = Some(more);
    e
}

/// A finding on the file `f` (its path, root kind and asset) with `detail`.
pub(crate) fn finding(f: &FileFacts, detail: Text) -> Finding {
    Finding {
        path: f.path.clone(),
        kind: f.kind,
        asset: f.asset(),
        principal: None,
        excerpt: None,
        sha256: None,
        detail,
    }
}

/// `-rw-r-----` for a regular file mode.
pub fn symbolic(mode: u32) -> String {
    let mut s = String::from("-");
    for shift in [6, 3, 0] {
        let p = ((mode >> shift) & 7) as u16;
        s.push_str(&crate::collect::walk::acl::perm_string(p));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::Facts;
    use crate::collect::host::HostFacts;
    use crate::model::Status;
    use crate::profile::Profile;

    fn facts(files: Option<ShareFacts>, host: Option<HostFacts>) -> Facts {
        Facts {
            accounts: Err("not read".into()),
            hostname: String::new(),
            files,
            host,
            baseline: None,
            records: Default::default(),
        }
    }

    /// `share_facts` on these facts: Ok, or the outcome's status.
    fn outcome(f: &Facts) -> Result<(), Status> {
        let profile = Profile::default();
        let ctx = Context {
            profile: &profile,
            date: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            facts: f,
        };
        share_facts(&ctx).map(|_| ()).map_err(|o| o.status)
    }

    #[test]
    fn share_items_are_not_applicable_only_to_windows_evidence_without_a_walk() {
        let windows_only = || Some(HostFacts::default());
        // Windows evidence only, nothing walked: the share items do not apply.
        assert_eq!(
            outcome(&facts(None, windows_only())),
            Err(Status::NotApplicable)
        );
        // A walk with Windows evidence beside it: the walk is judged.
        assert_eq!(
            outcome(&facts(Some(ShareFacts::default()), windows_only())),
            Ok(())
        );
        // No walk and no host facts at all: a missing collector, never "n/a".
        assert_eq!(outcome(&facts(None, None)), Err(Status::Error));
    }

    #[test]
    fn walk_problems_get_an_and_n_more_note_only_when_some_are_left_out() {
        use crate::collect::walk::PathRef;
        let gaps: Vec<Gap> = ["/srv/share/a", "/srv/share/b"]
            .iter()
            .map(|p| Gap {
                path: PathRef::of(p.as_bytes()),
                kind: RootKind::Share,
                what: GapKind::Dir,
                error: "permission denied".into(),
            })
            .collect();
        let sample: Vec<&Gap> = gaps.iter().collect();
        // All of them listed: one entry each, no note.
        let ev = gaps_evidence(&Selected {
            count: 2,
            sample: sample.clone(),
        });
        assert_eq!(ev.len(), 2);
        assert!(ev.iter().all(|e| e.omitted.is_none()));
        // Three more counted than listed: the note comes first and says so.
        let ev = gaps_evidence(&Selected { count: 5, sample });
        assert_eq!(ev.len(), 3);
        assert_eq!(ev[0].omitted, Some(3));
        assert!(
            ev[0]
                .detail
                .as_ref()
                .is_some_and(|d| d.en.starts_with("and 3 more")),
            "{:?}",
            ev[0].detail
        );
    }
}
