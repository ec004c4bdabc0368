//! Intrusion detection and malware protection present on the host: Suricata,
//! Snort, Wazuh/OSSEC, AIDE (with its schedule) and ClamAV's freshclam.

use crate::catalogue::policies::{Check, policy};
use crate::collect::host::conf::{FileRef, HostError, Line, dir_files, read_opt};
use crate::rootfs::RootFs;

/// The first of `paths` that exists.
fn first_existing(fs: &RootFs, paths: &[&str]) -> Result<Option<FileRef>, HostError> {
    for p in paths {
        if let Some(f) = read_opt(fs, p)? {
            return Ok(Some(FileRef::of(&f)));
        }
    }
    Ok(None)
}

#[derive(Clone, Debug, Default)]
pub struct Ids {
    pub suricata: Option<FileRef>,
    pub snort: Option<FileRef>,
    pub ossec: Option<FileRef>,
    pub aide: Option<FileRef>,
    /// Cron entries that run AIDE (script files in cron.daily etc., or crontab lines).
    pub aide_cron: Vec<Line>,
    /// Cron scripts named after AIDE (cited by file).
    pub aide_cron_scripts: Vec<FileRef>,
    pub errors: Vec<HostError>,
}

/// The files of policy LNX-IDS-001 (`policies/ids.yaml`) in a folder named
/// `product` (`suricata` or `snort`): the policy is the single source of these
/// paths (a unit test checks that each file belongs to one product).
fn ids_files(product: &str) -> Vec<&'static str> {
    let Check::ConfigAndService { files, .. } = &policy("LNX-IDS-001").check else {
        unreachable!("LNX-IDS-001 is a config_and_service check (policies/ids.yaml)");
    };
    files
        .iter()
        .filter(|f| f.split('/').any(|c| c == product))
        .map(String::as_str)
        .collect()
}

/// The `files:` of policy LNX-IDS-003 (Wazuh/OSSEC).
fn ossec_files() -> Vec<&'static str> {
    let Check::FilePresent { files } = &policy("LNX-IDS-003").check else {
        unreachable!("LNX-IDS-003 is a file_present check (policies/ids.yaml)");
    };
    files.iter().map(String::as_str).collect()
}

/// Policy LNX-IDS-004 (AIDE): its configuration files, the cron folders whose
/// scripts may run it, the crontab files and the folders of crontabs.
struct AidePaths {
    files: Vec<&'static str>,
    script_dirs: Vec<&'static str>,
    crontab_files: Vec<&'static str>,
    crontab_dirs: Vec<&'static str>,
}

fn aide_paths() -> AidePaths {
    let Check::AideScheduled {
        files,
        cron_script_dirs,
        crontab_files,
        crontab_dirs,
        ..
    } = &policy("LNX-IDS-004").check
    else {
        unreachable!("LNX-IDS-004 is an aide_scheduled check (policies/ids.yaml)");
    };
    let strs =
        |v: &'static [String]| -> Vec<&'static str> { v.iter().map(String::as_str).collect() };
    AidePaths {
        files: strs(files),
        script_dirs: strs(cron_script_dirs),
        crontab_files: strs(crontab_files),
        crontab_dirs: strs(crontab_dirs),
    }
}

pub fn collect(fs: &RootFs) -> Ids {
    let mut ids = Ids::default();
    let take = |paths: &[&str], errors: &mut Vec<HostError>| match first_existing(fs, paths) {
        Ok(f) => f,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let mut errors = Vec::new();
    let aide = aide_paths();
    ids.suricata = take(&ids_files("suricata"), &mut errors);
    ids.snort = take(&ids_files("snort"), &mut errors);
    ids.ossec = take(&ossec_files(), &mut errors);
    ids.aide = take(&aide.files, &mut errors);
    ids.errors = errors;
    if ids.aide.is_none() {
        // Crontabs matter only for AIDE (and /var/spool/cron is often unreadable
        // to non-root users).
        return ids;
    }
    // AIDE from cron: a script in cron.{hourly,daily,weekly,monthly} named after
    // it, or an uncommented crontab line that runs `aide`.
    let word = regex::Regex::new(r"(^|[\s/;&|])aide(\s|$|;)").unwrap();
    for d in aide.script_dirs {
        match dir_files(fs, d, |n| n.to_ascii_lowercase().contains("aide")) {
            Ok(v) => {
                for p in v {
                    match read_opt(fs, &p) {
                        Ok(Some(f)) => ids.aide_cron_scripts.push(FileRef::of(&f)),
                        Ok(None) => {}
                        Err(e) => ids.errors.push(e),
                    }
                }
            }
            Err(e) => ids.errors.push(e),
        }
    }
    let mut tabs: Vec<String> = aide.crontab_files.iter().map(|f| f.to_string()).collect();
    for d in aide.crontab_dirs {
        match dir_files(fs, d, |_| true) {
            Ok(v) => tabs.extend(v),
            Err(e) => ids.errors.push(e),
        }
    }
    for p in tabs {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                for (i, raw) in f.text().lines().enumerate() {
                    let t = raw.trim();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    if word.is_match(t) {
                        ids.aide_cron.push(Line::new(&fr, i + 1, raw));
                    }
                }
            }
            Ok(None) => {}
            Err(e) => ids.errors.push(e),
        }
    }
    ids
}

#[derive(Clone, Debug, Default)]
pub struct Clamav {
    pub freshclam: Option<FileRef>,
    /// An uncommented `Example` line: freshclam refuses to run until it is removed.
    pub example_line: Option<Line>,
}

/// Reads the first existing `files:` of policy LNX-AV-001 (`policies/ids.yaml`).
pub fn collect_clamav(fs: &RootFs) -> Result<Clamav, HostError> {
    let Check::Freshclam { files, .. } = &policy("LNX-AV-001").check else {
        unreachable!("LNX-AV-001 is a freshclam check (policies/ids.yaml)");
    };
    for p in files {
        if let Some(f) = read_opt(fs, p)? {
            let fr = FileRef::of(&f);
            let example = f.text().lines().enumerate().find_map(|(i, raw)| {
                let t = raw.trim();
                (t == "Example" || t.starts_with("Example ") || t.starts_with("Example\t"))
                    .then(|| Line::new(&fr, i + 1, raw))
            });
            return Ok(Clamav {
                freshclam: Some(fr),
                example_line: example,
            });
        }
    }
    Ok(Clamav::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ids_paths_come_from_the_policies_in_their_order() {
        assert_eq!(ids_files("suricata"), ["/etc/suricata/suricata.yaml"]);
        assert_eq!(
            ids_files("snort"),
            ["/etc/snort/snort.conf", "/etc/snort/snort.lua"]
        );
        // Every file of LNX-IDS-001 is read for one product: none is dropped.
        let Check::ConfigAndService { files, .. } = &policy("LNX-IDS-001").check else {
            panic!("LNX-IDS-001 is a config_and_service check");
        };
        assert_eq!(
            ids_files("suricata").len() + ids_files("snort").len(),
            files.len()
        );
        assert_eq!(ossec_files(), ["/var/ossec/etc/ossec.conf"]);
        let a = aide_paths();
        assert_eq!(a.files, ["/etc/aide/aide.conf", "/etc/aide.conf"]);
        assert_eq!(
            a.script_dirs,
            [
                "/etc/cron.hourly",
                "/etc/cron.daily",
                "/etc/cron.weekly",
                "/etc/cron.monthly"
            ]
        );
        assert_eq!(a.crontab_files, ["/etc/crontab"]);
        assert_eq!(
            a.crontab_dirs,
            ["/etc/cron.d", "/var/spool/cron/crontabs", "/var/spool/cron"]
        );
    }

    #[test]
    fn aide_from_cron_and_freshclam_example() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        for (p, c) in [
            (
                "etc/aide/aide.conf",
                "database_in=file:/var/lib/aide/aide.db\n",
            ),
            (
                "etc/cron.d/checks",
                "# 0 5 * * * root /usr/bin/aide --check\n30 4 * * * root /usr/sbin/aide --check\n",
            ),
            (
                "etc/freshclam.conf",
                "# Comment\nExample\nDatabaseMirror database.clamav.net\n",
            ),
        ] {
            std::fs::create_dir_all(r.join(p).parent().unwrap()).unwrap();
            std::fs::write(r.join(p), c).unwrap();
        }
        let fs = RootFs::new(r);
        let ids = collect(&fs);
        assert!(ids.aide.is_some());
        assert_eq!(ids.aide_cron.len(), 1);
        assert_eq!(ids.aide_cron[0].line, 2);
        let c = collect_clamav(&fs).unwrap();
        assert_eq!(c.example_line.unwrap().line, 2);
    }
}
