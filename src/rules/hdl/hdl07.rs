//! HDL-07 — USB メモリ等への記録の管理 (Recording to removable media controlled).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-07).

use crate::i18n::Text;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl07, hdl07).reads(&[ItemId::Its01]);

/// HDL-07's automatic half is ITS-01's result.
fn hdl07(_: &Context, done: &Done) -> Outcome {
    match done.get(&ItemId::Its01) {
        Some(r) => Outcome::new(
            r.status,
            Text::new(
                format!("技術的対策（ITS-01）: {}", r.reason.ja),
                format!("technical control (ITS-01): {}", r.reason.en),
            ),
        )
        .with(r.evidence.iter().cloned()),
        None => Outcome::error(Text::new(
            "ITS-01 の結果がありません",
            "ITS-01 was not evaluated",
        )),
    }
}
