//! ACC-06 — アクセス権の定期見直し (Access rights reviewed periodically).
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-06).

use super::*;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc06, acc06);

fn acc06(ctx: &Context, _: &Done) -> Outcome {
    recent_review(
        ctx,
        ReviewKind::Access,
        "アクセス権の見直し",
        "access review",
    )
}
