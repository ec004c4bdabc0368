//! ADM-06 — 漏えい時の対応手順 (Procedure for a suspected leak, reviewed or rehearsed).
//! Definition and texts: checklists/tim-selfcheck.yaml (ADM-06).

use crate::model::Outcome;
use crate::profile::RecordKind;
use crate::rules::kit::common::{DatedRecord, dated_record};
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Adm06, adm06);

fn adm06(ctx: &Context, _: &Done) -> Outcome {
    dated_record(
        ctx,
        &DatedRecord {
            kind: RecordKind::IncidentProcedure,
            field: "reviewed_on",
            date: |r| r.reviewed_on,
            what: ("漏えい時の対応手順", "incident procedure"),
            done: ("見直しまたは訓練", "reviewed or rehearsed"),
        },
    )
}
