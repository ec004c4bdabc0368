//! Collecting facts: one module per source. Each returns facts plus per-entry
//! problems; none panics or aborts the run.

pub mod accounts;
pub mod host;
pub mod records;
pub mod walk;

use crate::rootfs::RootFs;
use accounts::Accounts;

/// Everything collected about the audited host(s) in one run.
pub struct Facts {
    /// `etc/passwd` and `etc/group` under the root, or why they could not be read.
    pub accounts: Result<Accounts, String>,
    /// The audited host's name (`etc/hostname` under the root).
    pub hostname: String,
    /// File-share facts from the walker; `None` when no walk ran.
    pub files: Option<walk::ShareFacts>,
    /// Host settings (Linux under `--root`, Windows evidence); `None` when not collected.
    pub host: Option<host::HostFacts>,
    /// The previous audit (`--baseline`), compared with this one.
    pub baseline: Option<crate::changes::BaselineFacts>,
    /// The company files the profile names (documents, records, evidence).
    pub records: records::Records,
}

impl Facts {
    /// Collects the accounts, the host name and the company files the profile
    /// names; the walk, host settings and baseline are added by the command.
    pub fn collect(fs: &RootFs, profile: &crate::profile::Profile) -> Facts {
        Facts {
            accounts: Accounts::load(fs),
            hostname: hostname(fs),
            files: None,
            host: None,
            baseline: None,
            records: records::Records::collect(profile),
        }
    }
}

/// `etc/hostname` under the root; for the live root, the kernel's name as fallback.
pub fn hostname(fs: &RootFs) -> String {
    if let Ok(Some(f)) = fs.read_opt("/etc/hostname") {
        let t = f.text();
        if let Some(l) = t
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
        {
            return l.to_string();
        }
    }
    if fs.root() == std::path::Path::new("/")
        && let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname")
    {
        return h.trim().to_string();
    }
    UNKNOWN_HOST.into()
}

/// The host name when the root has neither `etc/hostname` nor (live root) a kernel
/// name. report.json keeps this value as is (other tools compare host names);
/// reports and reasons show it with [`host_label`].
pub const UNKNOWN_HOST: &str = "unknown";

/// A host name as shown to a person: [`UNKNOWN_HOST`] reads 不明 in Japanese.
pub fn host_label(name: &str) -> crate::i18n::Text {
    if name == UNKNOWN_HOST {
        crate::i18n::Text::new("不明", UNKNOWN_HOST)
    } else {
        crate::i18n::Text::same(name)
    }
}
