//! HDL-08 — 持出しの記録 (Taking information out is logged).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-08).

use super::*;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl08, hdl08);

fn hdl08(ctx: &Context, _: &Done) -> Outcome {
    record_exists(ctx, RecordKind::TakeOut, "持出し記録", "take-out log")
}
