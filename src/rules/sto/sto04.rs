//! STO-04 — 金庫・錠・エリアの強度 (Safes, locks and areas strong enough).
//! Definition and texts: checklists/tim-selfcheck.yaml (STO-04).

use crate::rules::{ItemId, ItemRule};

/// Answered in the profile only (source: manual): no computed part.
pub static RULE: ItemRule = ItemRule::manual(ItemId::Sto04);
