//! ADM-04 — 管理状況の定期点検 (Periodic management review).
//! Definition and texts: checklists/tim-selfcheck.yaml (ADM-04).

use super::*;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Adm04, adm04);

fn adm04(ctx: &Context, _: &Done) -> Outcome {
    recent_review(
        ctx,
        ReviewKind::Management,
        "管理状況の見直し",
        "management review",
    )
}
