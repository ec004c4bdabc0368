//! ADM-05 — 子会社・委託先への指導と確認 (Subsidiaries and contractors guided and checked).
//! Definition and texts: checklists/tim-selfcheck.yaml (ADM-05).

use crate::rules::{ItemId, ItemRule};

/// Answered in the profile only (source: manual): no computed part.
pub static RULE: ItemRule = ItemRule::manual(ItemId::Adm05);
