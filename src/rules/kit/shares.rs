//! The items decided from the file-share walk: HDL-02…06, ACC-02, ACC-03, the ACL
//! half of ACC-05, and STO-06. The facts come from `collect::walk`.
//!
//! A walk problem that could hide facts (an unreadable share root, directory or
//! file, a mount point not entered) never lets an item pass: an item that would
//! pass (or be partial or not applicable) is `error` instead, and a failing item
//! keeps `fail` with the problem added to its reason. Every unread path is evidence.

use crate::collect::walk::{Finding, Gap, GapKind, RootKind, ShareFacts};
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome};
use crate::rules::kit::common::{accounts_error, missing_collector};
use crate::rules::{Context, ItemResult};
use crate::tr;
use std::collections::BTreeMap;

type Done = BTreeMap<String, ItemResult>;

const ALL: &[RootKind] = &[RootKind::Share, RootKind::Asset, RootKind::Scan];
/// HDL-02 is about the shares (and the register's own folders), not `--scan` paths.
const SHARES: &[RootKind] = &[RootKind::Share, RootKind::Asset];
const DIRS: &[GapKind] = &[GapKind::Root, GapKind::Dir, GapKind::OtherFilesystem];
const CONTENT: &[GapKind] = &[
    GapKind::Root,
    GapKind::Dir,
    GapKind::OtherFilesystem,
    GapKind::Content,
];
const HASH: &[GapKind] = &[
    GapKind::Root,
    GapKind::Dir,
    GapKind::OtherFilesystem,
    GapKind::Content,
    GapKind::Hash,
];
const ACL: &[GapKind] = &[
    GapKind::Root,
    GapKind::Dir,
    GapKind::OtherFilesystem,
    GapKind::Acl,
];

fn share_facts<'a>(ctx: &'a Context) -> Result<&'a ShareFacts, Outcome> {
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
fn walked_facts<'a>(ctx: &'a Context) -> Result<&'a ShareFacts, Outcome> {
    let sf = share_facts(ctx)?;
    if sf.walked(ALL) {
        Ok(sf)
    } else {
        Err(nothing_walked())
    }
}

fn nothing_walked() -> Outcome {
    Outcome::na(Text::new(
        "走査するファイル共有がありません（scope.shares が空で、--scan の指定も、この環境上の台帳の保存場所もありません）",
        "nothing to walk: scope.shares is empty, no --scan path was given, and no register path is on this host",
    ))
}

fn no_protected() -> Outcome {
    Outcome::na(Text::new(
        "保護対象ファイル（台帳の paths に一致する通常ファイル）が見つかりませんでした（HDL-03 を参照）",
        "no protected file (a regular file matching an asset's paths) was found (see HDL-03)",
    ))
}

fn no_markers() -> Outcome {
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

fn gap_evidence(g: &Gap) -> Evidence {
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
fn with_gaps(sf: &ShareFacts, o: Outcome, what: &[GapKind], kinds: &[RootKind]) -> Outcome {
    apply_gaps(o, sf.gaps_for(what, kinds))
}

/// For the items about protected files (HDL-06, ACC-02, ACC-03, ACC-05): only the
/// walk problems at, above or below an asset's base folder can hide a protected
/// file; an unreadable folder elsewhere (another department's, a snapshot mount)
/// cannot, and does not make these items `error`.
fn with_asset_gaps(sf: &ShareFacts, o: Outcome, what: &[GapKind]) -> Outcome {
    let gaps = sf
        .gaps_for(what, ALL)
        .into_iter()
        .filter(|g| {
            let gp = g.path.path.as_str();
            sf.asset_bases
                .iter()
                .flatten()
                .any(|b| under(gp, b) || under(b, gp))
        })
        .collect();
    apply_gaps(o, gaps)
}

fn apply_gaps(mut o: Outcome, gaps: Vec<&Gap>) -> Outcome {
    if gaps.is_empty() {
        return o;
    }
    let n = gaps.len();
    let first = &gaps[0];
    let (p, e) = (&first.path.path, &first.error);
    let e_ja = crate::collect::walk::read::io_message_ja(e);
    let ev: Vec<Evidence> = gaps.iter().map(|g| gap_evidence(g)).collect();
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

fn findings<'a>(list: &'a [Finding], kinds: &'a [RootKind]) -> impl Iterator<Item = &'a Finding> {
    list.iter().filter(move |f| kinds.contains(&f.kind))
}

pub fn hdl02(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if !sf.walked(SHARES) {
        if sf.walked(&[RootKind::Scan]) {
            return Outcome::na(Text::new(
                "ファイル共有（scope.shares）も、この環境上の台帳の保存場所もありません。--scan で指定したパスは STO-06 で確認します",
                "there is no file share (scope.shares) and no register path on this host; the --scan paths are checked under STO-06",
            ));
        }
        return nothing_walked();
    }
    if ctx.profile.markers.is_empty() {
        return no_markers();
    }
    let bad: Vec<&Finding> = findings(&sf.marked_unregistered, SHARES).collect();
    let o = if bad.is_empty() {
        Outcome::pass(Text::new(
            "表示付きファイルはすべて台帳に登録された保存場所にあります",
            "every marked file lies in a location listed in the register",
        ))
    } else {
        let n = bad.len();
        Outcome::fail(Text::new(
            format!("台帳のどの保存場所にも一致しない表示付きファイルが {n} 件あります"),
            format!(
                "{n} {} outside all assets' paths",
                en_n(n, "marked file lies", "marked files lie")
            ),
        ))
        .with(bad.into_iter().map(file_evidence))
    };
    with_gaps(sf, o, CONTENT, SHARES)
}

pub fn hdl03(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let assets = &ctx.profile.assets;
    if assets.is_empty() {
        return Outcome::na(Text::new(
            "管理台帳（assets）に技術情報が登録されていません（HDL-01 を参照）",
            "the register (assets) lists no technical information (see HDL-01)",
        ));
    }
    if !sf.asset_has_posix.iter().any(|b| *b) {
        return Outcome::na(Text::new(
            "台帳の保存場所はすべて Windows のパスです（Linux 上では照合しません）",
            "every asset path is a Windows path; none is checked on this Linux host",
        ));
    }
    let mut o = Outcome::pass(Text::default());
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut found = Vec::new();
    for (i, a) in assets.iter().enumerate() {
        if !sf.asset_has_posix.get(i).copied().unwrap_or(false) {
            continue;
        }
        let label = a.label();
        let n = sf.asset_files.get(i).copied().unwrap_or(0);
        if n > 0 {
            found.push(format!("{label}: {n}"));
            continue;
        }
        let paths = a
            .paths
            .iter()
            .filter(|p| crate::collect::walk::classify::is_posix_glob(p))
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let bases = sf.asset_bases.get(i).cloned().unwrap_or_default();
        let gone: Vec<&String> = bases
            .iter()
            .filter(|b| sf.roots.iter().any(|r| r.missing && &r.path.path == *b))
            .collect();
        // A folder at, above or below the asset's base that could not be read may
        // hold its files: then "matches nothing" is not known.
        let hidden = sf.gaps_for(DIRS, ALL).into_iter().any(|g| {
            let gp = g.path.path.as_str();
            bases.iter().any(|b| under(gp, b) || under(b, gp))
        });
        let detail = if hidden {
            tr!(
                "{paths} のフォルダを読み取れないため、一致するファイルがあるか分かりません",
                "its folder could not be read, so it is not known whether a file matches {paths}"
            )
        } else if gone.is_empty() {
            tr!(
                "{paths} に一致する通常ファイルがありません",
                "no regular file matches {paths}"
            )
        } else {
            let g = gone
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            tr!(
                "{paths} に一致する通常ファイルがありません（フォルダ {g} が存在しません）",
                "no regular file matches {paths} (the folder {g} does not exist)"
            )
        };
        // A folder written without `/**` matches only the folder itself.
        let literal = a.paths.iter().find(|p| {
            crate::collect::walk::classify::is_posix_glob(p) && !p.contains(['*', '?', '[', '{'])
        });
        let detail = match literal {
            Some(lp) => {
                let lp = lp.trim_end_matches('/');
                detail.join(&tr!(
                    "{lp} がフォルダなら、中のファイルを指すには {lp}/** と書きます",
                    "if {lp} is a folder, write {lp}/** for the files in it"
                ))
            }
            None => detail,
        };
        if hidden {
            unknown.push(label.clone());
        } else {
            missing.push(label.clone());
        }
        o.push(
            Evidence::new(EvidenceKind::Asset)
                .asset(&label)
                .path(paths.clone())
                .detail(detail),
        );
    }
    if missing.is_empty() && !unknown.is_empty() {
        let list = unknown.join(", ");
        let o = Outcome::error(tr!(
            "保存場所のフォルダを読み取れないため、{list} に実在するファイルがあるか確認できません",
            "cannot be assessed: the folders of {list} could not be read, so it is not known whether files exist there"
        ))
        .with(o.evidence)
        .with(sf.gaps_for(DIRS, ALL).into_iter().map(gap_evidence));
        return o;
    }
    if missing.is_empty() {
        let list = found.join(", ");
        o.reason = tr!(
            "台帳の各資産の保存場所に実在するファイルがあります（資産ごとのファイル数 {list}）",
            "every asset's paths match existing files (files per asset: {list})"
        );
    } else {
        let n = missing.len();
        let list = missing.join(", ");
        o.status = crate::model::Status::Fail;
        o.reason = Text::new(
            format!("保存場所（paths）にファイルが1件もない資産が {n} 件あります: {list}"),
            format!(
                "{n} {} no file at all: {list}",
                en_n(n, "asset matches", "assets match")
            ),
        );
    }
    with_gaps(sf, o, DIRS, ALL)
}

/// Is host path `p` at or below folder `dir`?
fn under(p: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    p == dir || dir.is_empty() || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

pub fn hdl04(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if !sf.hashing {
        return Outcome::error(Text::new(
            "--no-hash が指定されたためハッシュを計算しておらず、複製を照合できません",
            "cannot be assessed: the run used --no-hash, so no hashes were computed to find copies",
        ));
    }
    if !sf.walked(ALL) {
        return nothing_walked();
    }
    if sf.counts.protected == 0 {
        return with_gaps(sf, no_protected(), HASH, ALL);
    }
    let p = sf.counts.protected;
    let o = if sf.copies.is_empty() {
        Outcome::pass(Text::new(
            format!(
                "保護対象ファイル {p} 件と同じ内容のファイルは、台帳の保存場所の外にありません"
            ),
            format!(
                "no file outside the register's paths has the content of {}",
                en_n(
                    p,
                    "the protected file",
                    &format!("any of the {p} protected files")
                )
            ),
        ))
    } else {
        let n = sf.copies.len();
        Outcome::fail(Text::new(
            format!("保護対象ファイルと同じ内容（SHA-256 が一致）のファイルが台帳の保存場所の外に {n} 件あります"),
            format!(
                "{n} {} the same SHA-256 as a protected file",
                en_n(n, "file outside the register's paths has", "files outside the register's paths have")
            ),
        ))
        .with(sf.copies.iter().map(file_evidence))
    };
    with_gaps(sf, o, HASH, ALL)
}

pub fn hdl05(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let o = if sf.in_discard.is_empty() {
        Outcome::pass(Text::new(
            "一時フォルダ・ダウンロード・ゴミ箱の下に保護対象ファイルも表示付きファイルもありません",
            "no protected or marked file lies under a temporary, download or trash folder",
        ))
    } else {
        let n = sf.in_discard.len();
        Outcome::fail(Text::new(
            format!("一時フォルダ・ダウンロード・ゴミ箱の下に保護対象または表示付きのファイルが {n} 件あります"),
            format!(
                "{n} protected or marked {} under temporary, download or trash folders",
                en_n(n, "file lies", "files lie")
            ),
        ))
        .with(sf.in_discard.iter().map(file_evidence))
    };
    with_gaps(sf, o, CONTENT, ALL)
}

pub fn hdl06(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let p = sf.counts.protected;
    if p == 0 {
        return with_asset_gaps(sf, no_protected(), CONTENT);
    }
    let u = sf.unmarked_protected.len() as u64;
    let o = if u == 0 {
        Outcome::pass(Text::new(
            format!(
                "保護対象ファイル {p} 件すべてに秘密表示があります（ファイル名・フォルダ名・内容）"
            ),
            format!(
                "{} marked (by name, folder name or content)",
                en_n(
                    p,
                    "the protected file is",
                    &format!("all {p} protected files are")
                )
            ),
        ))
    } else {
        let r = Text::new(
            format!("保護対象ファイル {p} 件のうち {u} 件に秘密表示がありません"),
            format!(
                "{u} of the {p} protected {} no marker",
                en_n(u, "files carries", "files carry")
            ),
        );
        let o = if u * 2 <= p {
            Outcome::partial(r)
        } else {
            Outcome::fail(r)
        };
        o.with(sf.unmarked_protected.iter().map(file_evidence))
    };
    with_asset_gaps(sf, o, CONTENT)
}

pub fn acc02(ctx: &Context, _: &Done) -> Outcome {
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
    let o = if sf.unauthorized.is_empty() {
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
        let files = {
            let mut v: Vec<&str> = sf
                .unauthorized
                .iter()
                .map(|f| f.path.path.as_str())
                .collect();
            v.dedup();
            v.len()
        };
        let n = sf.unauthorized.len();
        Outcome::fail(Text::new(
            format!("保護対象ファイル {files} 件で、許可されていない主体に読み取り権が {n} 件付いています"),
            format!(
                "{files} protected {} read access to unauthorized principals ({n} {})",
                en_n(files, "file grants", "files grant"),
                en_n(n, "grant", "grants")
            ),
        ))
        .with(sf.unauthorized.iter().map(file_evidence))
    };
    with_asset_gaps(sf, o, ACL)
}

pub fn acc03(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let p = sf.counts.protected;
    if p == 0 {
        return with_asset_gaps(sf, no_protected(), DIRS);
    }
    let o = if sf.world_readable.is_empty() {
        Outcome::pass(Text::new(
            format!("保護対象ファイル {p} 件のうち、誰でも読めるものはありません"),
            format!(
                "{} readable by everyone",
                en_n(
                    p,
                    "the protected file is not",
                    &format!("none of the {p} protected files is")
                )
            ),
        ))
    } else {
        let n = sf.world_readable.len();
        Outcome::fail(Text::new(
            format!("誰でも読める保護対象ファイルが {n} 件あります"),
            format!(
                "{n} protected {} readable by everyone",
                en_n(n, "file is", "files are")
            ),
        ))
        .with(sf.world_readable.iter().map(file_evidence))
    };
    with_asset_gaps(sf, o, DIRS)
}

/// ACC-05's ACL half: leavers named in protected files' ACLs. `None` when the walk
/// did not run.
pub fn acc05_acl(ctx: &Context) -> Option<Outcome> {
    let sf = ctx.facts.files.as_ref()?;
    let o = if sf.leaver_acl.is_empty() {
        Outcome::pass(Text::new(
            "保護対象ファイルの ACL に退職者は残っていません",
            "no leaver is named in a protected file's ACL",
        ))
    } else {
        let n = sf.leaver_acl.len();
        Outcome::fail(Text::new(
            format!("保護対象ファイルの ACL に退職者が残っています（{n} 件）"),
            format!(
                "leavers are still named in protected files' ACLs ({n} {})",
                en_n(n, "entry", "entries")
            ),
        ))
        .with(sf.leaver_acl.iter().map(file_evidence))
    };
    Some(with_asset_gaps(sf, o, ACL))
}

pub fn sto06(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if ctx.profile.markers.is_empty() {
        return no_markers();
    }
    let o = if sf.marked_unregistered.is_empty() {
        Outcome::pass(Text::new(
            "走査したすべての場所で、表示付きファイルは台帳の保存場所の中だけにあります",
            "on every scanned path, marked files lie only inside the register's paths",
        ))
    } else {
        let n = sf.marked_unregistered.len();
        Outcome::fail(Text::new(
            format!("指定の保存場所（台帳の paths）の外に表示付きファイルが {n} 件あります"),
            format!(
                "{n} {} outside the designated locations (the assets' paths)",
                en_n(n, "marked file lies", "marked files lie")
            ),
        ))
        .with(sf.marked_unregistered.iter().map(file_evidence))
    };
    with_gaps(sf, o, CONTENT, ALL)
}
