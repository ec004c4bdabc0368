//! STO-02 — 鍵の管理と貸出記録 (Keys managed, lending logged).
//! Definition and texts: checklists/tim-selfcheck.yaml (STO-02).

use super::*;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Sto02, sto02);

fn sto02(ctx: &Context, _: &Done) -> Outcome {
    record_exists(
        ctx,
        RecordKind::KeyLending,
        "鍵の貸出記録",
        "key-lending log",
    )
}
