//! HDL-03 — 台帳の保存場所と実ファイルの一致 (Register entries point at existing files).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-03).

use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome};
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
