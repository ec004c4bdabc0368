//! HDL-11 — 記録媒体の登録管理 (Removable media registered).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-11).

use crate::model::Outcome;
use crate::profile::RecordKind;
use crate::rules::kit::common::{DatedRecord, dated_record};
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl11, hdl11);

fn hdl11(ctx: &Context, _: &Done) -> Outcome {
    dated_record(
        ctx,
        &DatedRecord {
            kind: RecordKind::Media,
            field: "updated_on",
            date: |r| r.updated_on,
            what: ("記録媒体の管理簿", "removable-media register"),
            done: ("更新", "updated"),
        },
    )
}
