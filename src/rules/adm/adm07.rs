//! ADM-07 — 管理状況の内部監査 (Internal audit of the management, at least yearly).
//! Definition and texts: checklists/tim-selfcheck.yaml (ADM-07).

use super::*;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Adm07, adm07);

fn adm07(ctx: &Context, _: &Done) -> Outcome {
    recent_review(ctx, ReviewKind::InternalAudit, "内部監査", "internal audit")
}
