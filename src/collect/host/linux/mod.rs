//! Linux host settings read under `--root`. Every parser reads through `RootFs`
//! (links resolved inside the root) and returns facts that cite file, line and
//! SHA-256; a file that exists but cannot be read or parsed is a `HostError`.

pub mod auditd;
pub mod fail2ban;
pub mod firewall;
pub mod ids;
pub mod lockout;
pub mod logperms;
pub mod logs;
pub mod nfs;
pub mod pam;
pub mod passwords;
pub mod samba;
pub mod sshd;
pub mod sudoers;
pub mod timesync;
pub mod umask;
pub mod updates;
pub mod usb;

/// Helpers for the parsers' unit tests.
#[cfg(test)]
pub(crate) mod testutil {
    /// A root holding `files` (host path, content).
    pub fn root(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for (p, c) in files {
            let path = d.path().join(p.trim_start_matches('/'));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, c).unwrap();
        }
        d
    }

    /// A real-world configuration file from tests/fixtures/corpus/.
    pub fn corpus(name: &str) -> String {
        std::fs::read_to_string(format!("tests/fixtures/corpus/{name}")).unwrap()
    }
}

use super::conf::HostError;
use super::systemd::Units;
use crate::rootfs::RootFs;

/// `None`: the source does not exist; `Some(Err)`: it exists but could not be
/// read or parsed.
pub type Src<T> = Option<Result<T, HostError>>;

#[derive(Debug)]
pub struct LinuxFacts {
    pub units: Units,
    pub modprobe: usb::Modprobe,
    pub modprobe_errors: Vec<HostError>,
    pub grub: Option<usb::GrubDefaults>,
    pub grub_errors: Vec<HostError>,
    pub usbguard: Option<usb::UsbGuard>,
    pub usbguard_errors: Vec<HostError>,
    pub sshd: Src<sshd::Sshd>,
    pub nft: Src<firewall::Nftables>,
    pub iptables: Vec<Result<firewall::IptablesSave, HostError>>,
    pub ufw: Src<firewall::Ufw>,
    pub firewalld: Src<firewall::Firewalld>,
    pub audit_rules: Src<auditd::AuditRules>,
    pub auditd_conf: Src<auditd::AuditdConf>,
    pub audit_plugins: Src<auditd::Plugins>,
    pub journald: Src<logs::Journald>,
    pub logrotate: Src<logs::Logrotate>,
    pub rsyslog: Src<logs::Rsyslog>,
    pub fail2ban: Src<fail2ban::Fail2ban>,
    pub ids: ids::Ids,
    pub clamav: Result<ids::Clamav, HostError>,
    pub apt: Src<updates::Apt>,
    pub dnf: Result<updates::DnfAutomatic, HostError>,
    pub pwquality: Src<passwords::Pwquality>,
    pub pam: Src<passwords::Pam>,
    pub login_defs: Src<passwords::LoginDefs>,
    /// pam_faillock and faillock.conf (ACC-08).
    pub lockout: Src<lockout::Lockout>,
    /// sudoers and its includes (ACC-09).
    pub sudoers: Src<sudoers::Sudoers>,
    /// pam_umask session lines (ACC-10).
    pub session_umask: Src<umask::SessionUmask>,
    /// chrony, ntpd, timesyncd (ITS-14).
    pub timesync: timesync::TimeSync,
    /// Modes of the log files (ITS-16).
    pub log_perms: logperms::LogPerms,
    pub samba: Src<samba::Samba>,
    pub exports: Src<nfs::Exports>,
    /// Where each share path and asset folder really leads (see [`RealPaths`]).
    pub real_paths: RealPaths,
}

/// Host paths with their symbolic links resolved inside the audited root, for
/// the paths the share rules compare: every Samba share's path (as written and
/// as the folder it stands for), every NFS export, every asset's base folder.
/// smbd and exportfs follow links in a share's path, and an asset's folder may
/// be reached through a link too, so ACC-04 and ITS-04 compare both.
#[derive(Debug, Default, Clone)]
pub struct RealPaths(std::collections::BTreeMap<String, String>);

impl RealPaths {
    /// Resolves each of `paths`; keeps those whose real path differs.
    pub fn resolve<'a>(fs: &RootFs, paths: impl IntoIterator<Item = &'a str>) -> RealPaths {
        let mut map = std::collections::BTreeMap::new();
        for p in paths {
            if let Some(real) = real_host_path(fs, p) {
                map.insert(p.to_string(), real);
            }
        }
        RealPaths(map)
    }

    /// The path `p` really leads to, when it differs from `p` as written.
    pub fn of(&self, p: &str) -> Option<&str> {
        self.0.get(p).map(String::as_str)
    }
}

/// A host path with symbolic links resolved inside the audited root, when it
/// differs from the path as written.
fn real_host_path(fs: &RootFs, p: &str) -> Option<String> {
    let real = fs.resolve(p, true).ok()?;
    let rel = real.strip_prefix(fs.root()).ok()?;
    let host = crate::rootfs::normalize_host(&format!("/{}", rel.to_string_lossy()));
    (host != crate::rootfs::normalize_host(p)).then_some(host)
}

/// The share paths whose real paths the rules compare (see [`RealPaths`]).
fn share_paths(samba: &Src<samba::Samba>, exports: &Src<nfs::Exports>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Ok(s)) = samba {
        for sh in s.shares() {
            if let Some(path) = s.share_path(sh) {
                out.push(samba::share_dir(&path.value));
                out.push(path.value.trim_end_matches('/').to_string());
            }
        }
    }
    if let Some(Ok(ex)) = exports {
        out.extend(ex.exports.iter().map(|e| e.path.clone()));
    }
    out
}

impl LinuxFacts {
    /// Lines the programs accept but skip or ignore with a warning (sshd's
    /// deprecated options, journald's lines without `=` or unknown keys): listed
    /// in the report's warnings and beside the items that read them.
    pub fn warnings(&self) -> Vec<&HostError> {
        let mut out: Vec<&HostError> = Vec::new();
        if let Some(Ok(s)) = &self.sshd {
            out.extend(&s.warnings);
        }
        if let Some(Ok(j)) = &self.journald {
            out.extend(&j.warnings);
        }
        if let Some(Ok(s)) = &self.samba {
            out.extend(&s.warnings);
        }
        out
    }

    /// Reads every setting under the root; `asset_bases` are the base folders
    /// of the profile's Linux asset paths, whose real paths the share rules need.
    pub fn collect(fs: &RootFs, asset_bases: &[String]) -> LinuxFacts {
        let samba = samba::collect(fs);
        let exports = nfs::collect(fs);
        let shares = share_paths(&samba, &exports);
        let real_paths =
            RealPaths::resolve(fs, shares.iter().chain(asset_bases).map(String::as_str));
        let (modprobe, modprobe_errors) = usb::collect_modprobe(fs);
        let (grub, grub_errors) = usb::collect_grub(fs);
        let (usbguard, usbguard_errors) = usb::collect_usbguard(fs);
        let auditd_conf = auditd::collect_conf(fs);
        let plugin_dir = match &auditd_conf {
            Some(Ok(c)) => c.plugin_dir.clone(),
            _ => None,
        };
        LinuxFacts {
            units: Units::collect(fs),
            modprobe,
            modprobe_errors,
            grub,
            grub_errors,
            usbguard,
            usbguard_errors,
            sshd: sshd::collect(fs),
            nft: firewall::collect_nft(fs),
            iptables: firewall::collect_iptables(fs),
            ufw: firewall::collect_ufw(fs),
            firewalld: firewall::collect_firewalld(fs),
            audit_rules: auditd::collect_rules(fs),
            audit_plugins: auditd::collect_plugins(fs, plugin_dir.as_deref()),
            auditd_conf,
            journald: logs::collect_journald(fs),
            logrotate: logs::collect_logrotate(fs),
            rsyslog: logs::collect_rsyslog(fs),
            fail2ban: fail2ban::collect(fs),
            ids: ids::collect(fs),
            clamav: ids::collect_clamav(fs),
            apt: updates::collect_apt(fs),
            dnf: updates::collect_dnf(fs),
            pwquality: passwords::collect_pwquality(fs),
            pam: passwords::collect_pam(fs),
            login_defs: passwords::collect_login_defs(fs),
            lockout: lockout::collect(fs),
            sudoers: sudoers::collect(fs),
            session_umask: umask::collect(fs),
            timesync: timesync::collect(fs),
            log_perms: logperms::collect(fs),
            samba,
            exports,
            real_paths,
        }
    }
}
