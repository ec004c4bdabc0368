//! ITS-13 — データセンター・クラウドの契約管理 (Data-centre and cloud services under contract).
//! Definition and texts: checklists/tim-selfcheck.yaml (ITS-13).

use crate::rules::{ItemId, ItemRule};

/// Answered in the profile only (source: manual): no computed part.
pub static RULE: ItemRule = ItemRule::manual(ItemId::Its13);
