//! Host settings: Linux configuration under `--root` and Windows evidence folders.
//!
//! Collection reads everything once (read-only) into [`HostFacts`]; the host
//! items' rule files in `rules/` decide from these facts and the policies in
//! `policies/`.

pub mod conf;
pub mod lex;
pub mod linux;
pub mod systemd;
pub mod windows;

use crate::rootfs::RootFs;
use std::path::PathBuf;

/// Facts from the host's configuration files and Windows evidence.
#[derive(Debug, Default)]
pub struct HostFacts {
    /// The Linux host under `--root`.
    pub linux: Option<linux::LinuxFacts>,
    /// One entry per `--evidence DIR`.
    pub windows: Vec<windows::WindowsHost>,
}

impl HostFacts {
    /// Reads the Linux settings under the root (when `linux` is true) and every
    /// evidence folder. An evidence folder that does not exist stops the run.
    /// `profile` names the assets whose folders the share rules compare with
    /// the share paths.
    pub fn collect(
        fs: &RootFs,
        linux: bool,
        evidence: &[PathBuf],
        profile: &crate::profile::Profile,
    ) -> Result<HostFacts, String> {
        let bases: Vec<String> = profile
            .assets
            .iter()
            .flat_map(|a| &a.paths)
            .filter(|p| p.starts_with('/'))
            .map(|p| asset_base(p))
            .collect();
        let mut windows = Vec::new();
        for d in evidence {
            windows.push(windows::WindowsHost::load(d)?);
        }
        Ok(HostFacts {
            linux: linux.then(|| linux::LinuxFacts::collect(fs, &bases)),
            windows,
        })
    }

    /// Does the run cover the Linux host under `--root`? Always without
    /// `--evidence`; with it, only when `--root` was given explicitly and the root
    /// has an `etc` directory (so auditing Windows evidence on a laptop does not
    /// audit the laptop). See docs/windows-evidence.md.
    pub fn covers_linux(fs: &RootFs, evidence: &[PathBuf], root_given: bool) -> bool {
        evidence.is_empty() || (root_given && fs.is_dir("/etc"))
    }

    /// Problems that did not stop the run (an evidence folder without a usable
    /// host.json is named after the folder).
    pub fn warnings(&self) -> Vec<String> {
        let linux = self
            .linux
            .iter()
            .flat_map(|l| l.warnings())
            .map(|e| match e.line {
                Some(n) => format!("{}:{n}: {}", e.path, e.message),
                None => format!("{}: {}", e.path, e.message),
            });
        self.windows
            .iter()
            .filter_map(|w| match &w.host_json {
                Err(e) => Some(format!(
                    "{}: host.json: {} (the host is named {})",
                    w.dir.display(),
                    e.message,
                    w.name
                )),
                Ok(_) => None,
            })
            .chain(linux)
            .collect()
    }
}

/// Is host path `p` equal to `base` or inside it (component-wise)?
pub fn path_at_or_below(p: &str, base: &str) -> bool {
    let p = p.trim_end_matches('/');
    let base = base.trim_end_matches('/');
    if base.is_empty() {
        return true;
    }
    p == base || p.strip_prefix(base).is_some_and(|r| r.starts_with('/'))
}

/// The directory an asset path pattern lives in: the part before the first glob
/// character, cut back to a directory (`/srv/share/design/**` →
/// `/srv/share/design`). A pattern without glob characters names a file; it is
/// its own base.
pub fn asset_base(pattern: &str) -> String {
    match pattern.find(['*', '?', '[', '{']) {
        None => {
            let t = pattern.trim_end_matches('/');
            if t.is_empty() {
                "/".into()
            } else {
                t.to_string()
            }
        }
        Some(i) => {
            let prefix = &pattern[..i];
            match prefix.rfind('/') {
                Some(0) | None => "/".into(),
                Some(j) => prefix[..j].to_string(),
            }
        }
    }
}

/// Are two host paths related as ancestor/equal/descendant?
pub fn paths_related(a: &str, b: &str) -> bool {
    path_at_or_below(a, b) || path_at_or_below(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_bases_and_path_relations() {
        assert_eq!(asset_base("/srv/share/design/**"), "/srv/share/design");
        assert_eq!(asset_base("/srv/share/d*/x"), "/srv/share");
        assert_eq!(asset_base("/srv/share/spec.pdf"), "/srv/share/spec.pdf");
        assert_eq!(asset_base("/**/*.dwg"), "/");
        assert!(path_at_or_below("/srv/share/design/a", "/srv/share/design"));
        assert!(path_at_or_below("/srv/share/design", "/srv/share/design/"));
        assert!(!path_at_or_below("/srv/share/designs", "/srv/share/design"));
        assert!(path_at_or_below("/srv", "/"));
        assert!(paths_related("/srv", "/srv/share/design"));
        assert!(!paths_related("/srv/cad", "/srv/share"));
    }
}
