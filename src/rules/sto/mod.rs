//! STO — 保管する金庫・取り扱うエリア (safes, storage and restricted areas).

use crate::model::Outcome;
use crate::profile::RecordKind;
use crate::rules::kit::common::record_exists;
use crate::rules::kit::shares;
use crate::rules::{Context, ItemResult, Rule};
use std::collections::BTreeMap;

type Done = BTreeMap<String, ItemResult>;

pub const RULES: &[(&str, Rule)] = &[
    ("STO-02", sto02),
    ("STO-03", sto03),
    ("STO-06", shares::sto06),
];

fn sto02(ctx: &Context, _: &Done) -> Outcome {
    record_exists(
        ctx,
        RecordKind::KeyLending,
        "鍵の貸出記録",
        "key-lending log",
    )
}

fn sto03(ctx: &Context, _: &Done) -> Outcome {
    record_exists(ctx, RecordKind::AreaEntry, "入退室記録", "area-entry log")
}
