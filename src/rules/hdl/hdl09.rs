//! HDL-09 — 廃棄の手順と記録 (Disposal by procedure, logged).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-09).

use super::*;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl09, hdl09);

fn hdl09(ctx: &Context, _: &Done) -> Outcome {
    record_exists(ctx, RecordKind::Disposal, "廃棄記録", "disposal log")
}
