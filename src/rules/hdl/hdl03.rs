//! HDL-03 — 台帳の保存場所と実ファイルの一致 (Register entries point at existing files).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-03).

use crate::collect::walk::ShareFacts;
use crate::collect::walk::classify::is_posix_glob;
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome};
use crate::profile::Asset;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl03, hdl03);

fn hdl03(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let assets = &ctx.profile.assets;
    if assets.is_empty() {
        return Outcome::na(Text::new(
            "管理台帳（assets）に技術等情報が登録されていません（HDL-01 を参照）",
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
    let mut tally = Tally::default();
    for (i, a) in assets.iter().enumerate() {
        if !sf.asset_has_posix.get(i).copied().unwrap_or(false) {
            continue;
        }
        let label = a.label();
        let n = sf.asset_files.get(i).copied().unwrap_or(0);
        if n > 0 {
            tally.found.push(format!("{label}: {n}"));
            continue;
        }
        let (hidden, ev) = empty_asset(sf, i, a, &label);
        if hidden {
            tally.unknown.push(label.clone());
        } else {
            tally.missing.push(label.clone());
        }
        o.push(ev);
    }
    verdict(sf, o, tally)
}

/// The assets by what their paths matched.
#[derive(Default)]
struct Tally {
    /// `LABEL: N` for the assets with files.
    found: Vec<String>,
    /// Assets that match no file.
    missing: Vec<String>,
    /// Assets whose folders could not be read.
    unknown: Vec<String>,
}

/// An asset (number `i`) whose POSIX paths match no regular file: whether
/// that is unknown (a folder near it could not be read), and the evidence
/// that says why.
fn empty_asset(sf: &ShareFacts, i: usize, a: &Asset, label: &str) -> (bool, Evidence) {
    let paths = a
        .paths
        .iter()
        .filter(|p| is_posix_glob(p))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let bases = sf.asset_bases.get(i).cloned().unwrap_or_default();
    // A folder at, above or below the asset's base that could not be read may
    // hold its files: then "matches nothing" is not known.
    let hidden = sf.gaps.near_asset(i, DIRS) > 0;
    let detail = if hidden {
        tr!(
            "{paths} のフォルダを読み取れないため、一致するファイルがあるか分かりません",
            "its folder could not be read, so it is not known whether a file matches {paths}"
        )
    } else {
        no_match(sf, &bases, &paths)
    };
    let detail = with_folder_hint(a, detail);
    let ev = Evidence::new(EvidenceKind::Asset)
        .asset(label)
        .path(paths.clone())
        .detail(detail);
    (hidden, ev)
}

/// No regular file matches `paths`, naming the asset's base folders that do
/// not exist.
fn no_match(sf: &ShareFacts, bases: &[String], paths: &str) -> Text {
    let gone: Vec<&String> = bases
        .iter()
        .filter(|b| sf.roots.iter().any(|r| r.missing && &r.path.path == *b))
        .collect();
    if gone.is_empty() {
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
    }
}

/// A folder written without `/**` matches only the folder itself: say how to
/// write it.
fn with_folder_hint(a: &Asset, detail: Text) -> Text {
    let literal = a
        .paths
        .iter()
        .find(|p| is_posix_glob(p) && !p.contains(['*', '?', '[', '{']));
    match literal {
        Some(lp) => {
            let lp = lp.trim_end_matches('/');
            detail.join(&tr!(
                "{lp} がフォルダなら、中のファイルを指すには {lp}/** と書きます",
                "if {lp} is a folder, write {lp}/** for the files in it"
            ))
        }
        None => detail,
    }
}

/// Fail when an asset matches no file; error when the only doubt is folders
/// that could not be read; pass otherwise.
fn verdict(sf: &ShareFacts, mut o: Outcome, t: Tally) -> Outcome {
    if t.missing.is_empty() && !t.unknown.is_empty() {
        let list = t.unknown.join(", ");
        let o = Outcome::error(tr!(
            "保存場所のフォルダを読み取れないため、{list} に実在するファイルがあるか確認できません",
            "cannot be assessed: the folders of {list} could not be read, so it is not known whether files exist there"
        ))
        .with(o.evidence)
        .with(gaps_evidence(&sf.gaps_for(DIRS, ALL)));
        return o;
    }
    if t.missing.is_empty() {
        let list = t.found.join(", ");
        o.reason = tr!(
            "台帳の各資産の保存場所に実在するファイルがあります（資産ごとのファイル数 {list}）",
            "every asset's paths match existing files (files per asset: {list})"
        );
    } else {
        let n = t.missing.len();
        let list = t.missing.join(", ");
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
