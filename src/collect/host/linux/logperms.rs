//! Who may read the log files (ITS-16): the mode, owner and group of each log
//! file of policy LNX-LOG-008 and of the files in its log folders. Nothing is
//! opened: only the metadata (`lstat` after resolving links inside the root).

use crate::collect::host::conf::HostError;
use crate::rootfs::RootFs;

#[derive(Clone, Debug, PartialEq)]
pub struct LogFile {
    /// The host path.
    pub path: String,
    /// Permission bits (`0o640`).
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub is_dir: bool,
}

#[derive(Clone, Debug, Default)]
pub struct LogPerms {
    pub files: Vec<LogFile>,
    /// Files or folders whose metadata could not be read.
    pub errors: Vec<HostError>,
}

/// Found and stat'ed through descriptors from `--root` ([`RootFs::locate`]): a
/// folder of the path swapped for a link meanwhile never reports the mode or
/// owner of a file outside the root.
fn stat(fs: &RootFs, host: &str) -> Result<Option<LogFile>, HostError> {
    let at = match fs.locate_str(host, true) {
        Ok(at) => at,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(HostError::io(host, &e)),
    };
    match at.metadata() {
        Ok(m) => Ok(Some(LogFile {
            path: host.to_string(),
            mode: m.mode() & 0o7777,
            uid: m.uid(),
            gid: m.gid(),
            is_dir: m.is_dir(),
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(HostError::io(host, &e)),
    }
}

pub fn collect(fs: &RootFs) -> LogPerms {
    use crate::catalogue::policies::{Check, policy};
    let Check::LogFileModes { files, dirs } = &policy("LNX-LOG-008").check else {
        unreachable!("LNX-LOG-008 is a log_file_modes check (policies/logs.yaml)");
    };
    let mut out = LogPerms::default();
    let one = |p: &str, out: &mut LogPerms| match stat(fs, p) {
        Ok(Some(f)) => out.files.push(f),
        Ok(None) => {}
        Err(e) => out.errors.push(e),
    };
    for f in files {
        one(f, &mut out);
    }
    for d in dirs {
        one(d, &mut out);
        match fs.list_dir(d) {
            Ok(names) => {
                for n in names {
                    let p = format!("{}/{n}", d.trim_end_matches('/'));
                    one(&p, &mut out);
                }
            }
            Err(e) => out.errors.push(HostError::io(d, &e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::host::linux::testutil::root;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn modes_of_log_files_and_the_audit_folder() {
        let d = root(&[
            ("/var/log/auth.log", "x"),
            ("/var/log/audit/audit.log", "x"),
            ("/var/log/audit/audit.log.1", "x"),
        ]);
        let set = |p: &str, m: u32| {
            std::fs::set_permissions(d.path().join(p), std::fs::Permissions::from_mode(m)).unwrap()
        };
        set("var/log/auth.log", 0o640);
        set("var/log/audit/audit.log.1", 0o644);
        set("var/log/audit", 0o700);
        let lp = collect(&RootFs::new(d.path()));
        let got: Vec<(&str, u32)> = lp.files.iter().map(|f| (f.path.as_str(), f.mode)).collect();
        assert_eq!(got[0], ("/var/log/auth.log", 0o640));
        assert!(got.contains(&("/var/log/audit", 0o700)));
        assert!(got.contains(&("/var/log/audit/audit.log.1", 0o644)));
        assert!(lp.errors.is_empty());
    }
}
