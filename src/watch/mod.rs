//! Watch mode: continuous monitoring of the shares with a tamper-evident log.

pub mod log;
