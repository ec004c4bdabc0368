//! timaudit: audits how a company protects its technical information for Japan's
//! Technology Information Management Certification scheme (技術情報管理認証制度).
//!
//! One pipeline: **collect** facts → **evaluate** checklist items → **report**.

pub mod bundle;
pub mod catalogue;
pub mod changes;
pub mod cli;
pub mod collect;
pub mod commands;
pub mod diag;
pub mod exit;
pub mod i18n;
pub mod init;
pub mod merge;
pub mod model;
pub mod profile;
pub mod report;
pub mod rootfs;
pub mod rules;
pub mod sign;
pub mod text;
pub mod timeline;
pub mod watch;
pub mod yaml;
