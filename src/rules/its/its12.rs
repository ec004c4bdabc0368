//! ITS-12 — リモートアクセスの認証と暗号化 (Remote access authenticated and encrypted).
//! Definition and texts: checklists/tim-selfcheck.yaml (ITS-12).

use crate::rules::{ItemId, ItemRule};

/// Answered in the profile only (source: manual): no computed part.
pub static RULE: ItemRule = ItemRule::manual(ItemId::Its12);
