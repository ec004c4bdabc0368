//! Helpers shared by the rules of several items.

pub mod common;
pub mod host;
pub mod shares;
