//! Linux host settings read under `--root`. Every parser reads through `RootFs`
//! (links resolved inside the root) and returns facts that cite file, line and
//! SHA-256; a file that exists but cannot be read or parsed is a `HostError`.

pub mod auditd;
pub mod fail2ban;
pub mod firewall;
pub mod ids;
pub mod logs;
pub mod nfs;
pub mod passwords;
pub mod samba;
pub mod sshd;
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
    pub samba: Src<samba::Samba>,
    pub exports: Src<nfs::Exports>,
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

    pub fn collect(fs: &RootFs) -> LinuxFacts {
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
            samba: samba::collect(fs),
            exports: nfs::collect(fs),
        }
    }
}
