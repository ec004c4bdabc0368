//! STO-03 — 取扱いエリアの入退室管理 (Restricted areas with entry control and records).
//! Definition and texts: checklists/tim-selfcheck.yaml (STO-03).

use super::*;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Sto03, sto03);

fn sto03(ctx: &Context, _: &Done) -> Outcome {
    record_exists(ctx, RecordKind::AreaEntry, "入退室記録", "area-entry log")
}
