//! STO-05 — サーバー・NAS の設置場所 (Servers and NAS in a restricted area).
//! Definition and texts: checklists/tim-selfcheck.yaml (STO-05).

use crate::rules::{ItemId, ItemRule};

/// Answered in the profile only (source: manual): no computed part.
pub static RULE: ItemRule = ItemRule::manual(ItemId::Sto05);
