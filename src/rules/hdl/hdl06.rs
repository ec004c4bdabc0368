//! HDL-06 — 秘密表示（ラベル付け） (Protected files are labelled).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-06).

use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::rules::kit::shares::*;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl06, hdl06);

fn hdl06(ctx: &Context, _: &Done) -> Outcome {
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
