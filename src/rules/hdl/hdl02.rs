//! HDL-02 — 秘密表示のあるファイルの台帳登録 (Marked files covered by the register).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-02).

use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::collect::walk::{Finding, RootKind};
use crate::rules::kit::shares::*;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl02, hdl02);

fn hdl02(ctx: &Context, _: &Done) -> Outcome {
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
