//! HDL-05 — 一時フォルダ・ゴミ箱への放置がないこと (Nothing left in temp, download or trash folders).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-05).

use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::rules::kit::shares::*;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl05, hdl05);

fn hdl05(ctx: &Context, _: &Done) -> Outcome {
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
