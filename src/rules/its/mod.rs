//! ITS — 情報システムのセキュリティ (information-system security).
//! One module per item.

pub mod its01;
pub mod its02;
pub mod its03;
pub mod its04;
pub mod its05;
pub mod its06;
pub mod its07;
pub mod its08;
pub mod its09;
pub mod its10;
pub mod its11;

use crate::model::Outcome;
use crate::rules::{Context, ItemResult, Rule};
use std::collections::BTreeMap;

type Done = BTreeMap<String, ItemResult>;

pub const RULES: &[(&str, Rule)] = &[
    ("ITS-01", its01),
    ("ITS-02", its02),
    ("ITS-03", its03),
    ("ITS-04", its04),
    ("ITS-05", its05),
    ("ITS-06", its06),
    ("ITS-07", its07),
    ("ITS-08", its08),
    ("ITS-09", its09),
    ("ITS-10", its10),
    ("ITS-11", its11),
];

fn its01(ctx: &Context, _: &Done) -> Outcome {
    self::its01::its01(ctx)
}
fn its02(ctx: &Context, _: &Done) -> Outcome {
    self::its02::its02(ctx)
}
fn its03(ctx: &Context, _: &Done) -> Outcome {
    self::its03::its03(ctx)
}
fn its04(ctx: &Context, _: &Done) -> Outcome {
    self::its04::its04(ctx)
}
fn its05(ctx: &Context, _: &Done) -> Outcome {
    self::its05::its05(ctx)
}
fn its06(ctx: &Context, _: &Done) -> Outcome {
    self::its06::its06(ctx)
}
fn its07(ctx: &Context, _: &Done) -> Outcome {
    self::its07::its07(ctx)
}
fn its08(ctx: &Context, _: &Done) -> Outcome {
    self::its08::its08(ctx)
}
fn its09(ctx: &Context, _: &Done) -> Outcome {
    self::its09::its09(ctx)
}
fn its10(ctx: &Context, _: &Done) -> Outcome {
    self::its10::its10(ctx)
}
fn its11(ctx: &Context, _: &Done) -> Outcome {
    self::its11::its11(ctx)
}
