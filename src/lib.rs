//! timaudit: audits how a company protects its technical information for Japan's
//! Technology Information Management Certification scheme (技術情報管理認証制度).
//!
//! One pipeline: **collect** facts → **evaluate** checklist items → **report**.

/// `memchr::memmem::find(haystack, pattern)`, with the pattern's searcher built
/// once per call site instead of once per call (building it costs more than
/// searching one inventory line, and inventories have a line per file).
#[macro_export]
macro_rules! find_bytes {
    ($hay:expr, $pat:expr) => {{
        static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
            std::sync::LazyLock::new(|| memchr::memmem::Finder::new($pat));
        FINDER.find($hay)
    }};
}

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
