//! STO-01 — 紙・記録媒体の施錠保管 (Paper and media kept locked away).
//! Definition and texts: checklists/tim-selfcheck.yaml (STO-01).

use crate::rules::{ItemId, ItemRule};

/// Answered in the profile only (source: manual): no computed part.
pub static RULE: ItemRule = ItemRule::manual(ItemId::Sto01);
