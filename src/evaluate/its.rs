//! ITS — 情報システムのセキュリティ (information-system security).

use super::util::missing_collector;
use super::{Context, ItemResult, Rule};
use crate::model::Outcome;
use std::collections::BTreeMap;

type Done = BTreeMap<String, ItemResult>;

pub const RULES: &[(&str, Rule)] = &[
    ("ITS-01", host_item),
    ("ITS-02", host_item),
    ("ITS-03", host_item),
    ("ITS-04", host_item),
    ("ITS-05", host_item),
    ("ITS-06", host_item),
    ("ITS-07", host_item),
    ("ITS-08", host_item),
    ("ITS-09", host_item),
    ("ITS-10", host_item),
    ("ITS-11", host_item),
];

fn host_item(_: &Context, _: &Done) -> Outcome {
    missing_collector("ホスト設定", "host settings")
}
