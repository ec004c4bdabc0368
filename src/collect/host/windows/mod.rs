//! Windows evidence folders (`audit --evidence DIR`), as written by
//! `scripts/collect-windows-evidence.ps1`. Files are decoded by BOM, then UTF-8,
//! then CP932; each parser cites the evidence file, line and SHA-256.

pub mod auditpol;
pub mod icacls;
pub mod jsonev;
pub mod netsh;
pub mod reg;
pub mod secedit;
pub mod smb;
pub mod wevtutil;

use super::conf::{FileRef, HostError};
use crate::catalogue::policies::{Check, policy};
use crate::model::EvidenceKind;
use std::path::{Path, PathBuf};

/// `None`: the evidence file is absent; `Some(Err)`: present but unreadable or
/// unparsable.
pub type Ev<T> = Option<Result<T, HostError>>;

#[derive(Debug)]
pub struct WindowsHost {
    /// The evidence folder as given on the command line.
    pub dir: PathBuf,
    /// From `host.json` (`hostname`), else the folder's name.
    pub name: String,
    pub os: Option<String>,
    pub collected_at: Option<String>,
    /// `host.json`'s `domain` when the machine is joined to a domain.
    pub domain: Option<String>,
    /// Problems with `host.json` (missing or unparsable): reported, not fatal.
    pub host_json: Result<FileRef, HostError>,
    /// `registry/*.reg` (the folder: [`registry_dir`]), each file parsed on
    /// its own: one broken file is an
    /// error shown by every item that reads the registry, not a loss of the rest.
    pub registry: Ev<Vec<Result<reg::RegFile, HostError>>>,
    pub auditpol: Ev<auditpol::Auditpol>,
    pub secedit: Ev<secedit::Secedit>,
    /// `firewall.json` (`Get-NetFirewallProfile -PolicyStore ActiveStore`), read
    /// before the localised `firewall.txt`.
    pub firewall_json: Ev<Vec<netsh::FwProfile>>,
    pub firewall: Ev<Vec<netsh::FwProfile>>,
    /// `acl/*.txt`, one per exported folder, each parsed on its own.
    pub acls: Ev<Vec<Result<icacls::Icacls, HostError>>>,
    pub smb_shares: Ev<Vec<smb::Share>>,
    pub smb_access: Ev<Vec<smb::ShareAce>>,
    /// `defender.json` (`Get-MpComputerStatus`).
    pub defender: Ev<jsonev::JsonEv>,
    pub eventlog: Ev<wevtutil::LogConfig>,
    /// `smb-server.json` (`Get-SmbServerConfiguration`).
    pub smb_server: Ev<jsonev::JsonEv>,
    /// `domain-password-policy.json`: the domain's password policy (joined machines).
    pub domain_policy: Ev<jsonev::JsonEv>,
}

// The evidence file names come from the policies that read them
// (`policies/*.yaml`, the single source of these names: `timaudit explain`
// prints them). Where two policies read one file, the first one's name is
// loaded and a unit test checks that the other names the same.

/// The folder of registry exports (`registry`): the folder of WIN-USB-001's
/// `file:` (`registry/usbstor.reg`). Every export is read, each parsed on its
/// own; a unit test checks that every registry export a policy names
/// (`Check::registry_exports`) lies in this folder.
pub fn registry_dir() -> &'static str {
    let Check::RegistryValue { file, .. } = &policy("WIN-USB-001").check else {
        unreachable!("WIN-USB-001 is a registry_value check (policies/usb.yaml)");
    };
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `auditpol.csv`: the `file:` of WIN-AUD-001 (and of WIN-AUD-002).
pub fn auditpol_file() -> &'static str {
    let Check::AuditpolSubcategory { file, .. } = &policy("WIN-AUD-001").check else {
        unreachable!("WIN-AUD-001 is an auditpol_subcategory check (policies/audit.yaml)");
    };
    file
}

/// `secedit.inf`: the `file:` of WIN-PWD-001 (and of WIN-LCK-001).
pub fn secedit_file() -> &'static str {
    let Check::SeceditMinimum { file, .. } = &policy("WIN-PWD-001").check else {
        unreachable!("WIN-PWD-001 is a secedit_minimum check (policies/passwords.yaml)");
    };
    file
}

/// `domain-password-policy.json`: the `domain_file:` of WIN-PWD-001.
pub fn domain_policy_file() -> &'static str {
    let Check::SeceditMinimum { domain_file, .. } = &policy("WIN-PWD-001").check else {
        unreachable!("WIN-PWD-001 is a secedit_minimum check (policies/passwords.yaml)");
    };
    domain_file
}

/// `firewall.json` (`Get-NetFirewallProfile`) and netsh's `firewall.txt`: the
/// `json_file:` and `file:` of WIN-FW-001.
pub fn firewall_files() -> (&'static str, &'static str) {
    let Check::WindowsFirewall {
        json_file, file, ..
    } = &policy("WIN-FW-001").check
    else {
        unreachable!("WIN-FW-001 is a windows_firewall check (policies/firewall.yaml)");
    };
    (json_file, file)
}

/// The folder of icacls exports (`acl`): the `dir:` of WIN-ACL-001 (and of
/// WIN-ACL-002).
pub fn acl_dir() -> &'static str {
    let Check::IcaclsBroad { dir, .. } = &policy("WIN-ACL-001").check else {
        unreachable!("WIN-ACL-001 is an icacls_broad check (policies/shares.yaml)");
    };
    dir
}

/// `smb-shares.csv` and `smb-share-access.csv`: the `files:` of WIN-SHR-001
/// (shares, then their permissions).
pub fn smb_files() -> (&'static str, &'static str) {
    let Check::WindowsShareGuest { files, .. } = &policy("WIN-SHR-001").check else {
        unreachable!("WIN-SHR-001 is a windows_share_guest check (policies/shares.yaml)");
    };
    match files.as_slice() {
        [shares, access] => (shares, access),
        _ => unreachable!("WIN-SHR-001 names two files: shares, then their permissions"),
    }
}

/// `defender.json`: the `file:` of WIN-AV-001.
pub fn defender_file() -> &'static str {
    let Check::DefenderStatus { file, .. } = &policy("WIN-AV-001").check else {
        unreachable!("WIN-AV-001 is a defender_status check (policies/ids.yaml)");
    };
    file
}

/// `eventlog-security.txt`: the `file:` of WIN-LOG-001.
pub fn eventlog_file() -> &'static str {
    let Check::WindowsLogRetention { file, .. } = &policy("WIN-LOG-001").check else {
        unreachable!("WIN-LOG-001 is a windows_log_retention check (policies/logs.yaml)");
    };
    file
}

/// `smb-server.json`: the `file:` of WIN-SMB-001.
pub fn smb_server_file() -> &'static str {
    let Check::SmbServerSetting { file, .. } = &policy("WIN-SMB-001").check else {
        unreachable!("WIN-SMB-001 is an smb_server_setting check (policies/shares.yaml)");
    };
    file
}

/// A display path for an evidence file: the folder as given, then the file.
fn display(dir: &Path, rel: &str) -> String {
    dir.join(rel).display().to_string()
}

/// Reads and decodes an evidence file (never following a final symlink).
fn read(dir: &Path, rel: &str) -> Ev<(FileRef, String)> {
    let p = dir.join(rel);
    let shown = display(dir, rel);
    match crate::rootfs::read_regular(&p) {
        Ok(bytes) => {
            let text = decode(&bytes);
            Some(Ok((
                FileRef {
                    kind: EvidenceKind::Windows,
                    path: shown,
                    sha256: crate::rootfs::sha256_hex(&bytes),
                },
                text,
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(Err(HostError::io(&shown, &e))),
    }
}

/// Detects by BOM, then UTF-16LE without a BOM (some tools write it when
/// redirected: every other byte of ASCII text is zero), then UTF-8, then CP932.
pub fn decode(bytes: &[u8]) -> String {
    let no_bom = !bytes.starts_with(b"\xff\xfe")
        && !bytes.starts_with(b"\xfe\xff")
        && !bytes.starts_with(b"\xef\xbb\xbf");
    if no_bom && bytes.len() >= 4 && bytes.len().is_multiple_of(2) {
        let odd_zero = bytes
            .iter()
            .skip(1)
            .step_by(2)
            .take(64)
            .filter(|b| **b == 0)
            .count();
        let even_zero = bytes
            .iter()
            .step_by(2)
            .take(64)
            .filter(|b| **b == 0)
            .count();
        let n = bytes.len().min(128) / 2;
        if odd_zero * 4 >= n * 3 && even_zero == 0 {
            return encoding_rs::UTF_16LE
                .decode_without_bom_handling(bytes)
                .0
                .into_owned();
        }
    }
    crate::text::decode(bytes).0
}

fn one<T>(dir: &Path, rel: &str, parse: impl Fn(&FileRef, &str) -> Result<T, HostError>) -> Ev<T> {
    read(dir, rel).map(|r| r.and_then(|(f, t)| parse(&f, &t)))
}

/// Every file of a sub-folder with the extension, each parsed on its own;
/// `None` when the folder is missing or has none.
#[allow(clippy::type_complexity)]
fn many<T>(
    dir: &Path,
    sub: &str,
    ext: &str,
    parse: impl Fn(&FileRef, &str) -> Result<T, HostError>,
) -> Ev<Vec<Result<T, HostError>>> {
    let d = dir.join(sub);
    let rd = match std::fs::read_dir(&d) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => return Some(Err(HostError::io(&d.display().to_string(), &e))),
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_ascii_lowercase().ends_with(ext) && !n.starts_with('.'))
        .collect();
    names.sort();
    if names.is_empty() {
        return None;
    }
    let out = names
        .iter()
        .filter_map(|n| one(dir, &format!("{sub}/{n}"), &parse))
        .collect();
    Some(Ok(out))
}

/// The last part of a path written with `/` or `\` (`registry/w32time.reg` →
/// `w32time.reg`).
fn file_name(p: &str) -> &str {
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}

impl WindowsHost {
    /// Loads an evidence folder. A folder that does not exist is an error that
    /// stops the run (a mistyped path must not turn into "not applicable").
    pub fn load(dir: &Path) -> Result<WindowsHost, String> {
        match std::fs::metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(format!("--evidence {} is not a directory", dir.display())),
            Err(e) => return Err(format!("--evidence {}: {e}", dir.display())),
        }
        let fallback = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| dir.display().to_string());
        let mut name = fallback;
        let mut os = None;
        let mut collected_at = None;
        let mut domain = None;
        let host_json = match read(dir, "host.json") {
            None => Err(HostError::new(display(dir, "host.json"), "missing")),
            Some(Err(e)) => Err(e),
            Some(Ok((f, text))) => {
                match serde_json::from_str::<serde_json::Value>(text.trim_start_matches('\u{feff}'))
                {
                    Ok(v) => {
                        let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
                        if let Some(h) = s("hostname").filter(|h| !h.trim().is_empty()) {
                            name = h;
                        }
                        os = s("os");
                        collected_at = s("collected_at");
                        domain = s("domain").filter(|d| !d.trim().is_empty());
                        Ok(f)
                    }
                    Err(e) => Err(HostError::at(&f.path, e.line(), format!("not JSON: {e}"))),
                }
            }
        };
        let (smb_shares, smb_access) = smb_files();
        let (firewall_json, firewall_txt) = firewall_files();
        Ok(WindowsHost {
            dir: dir.to_path_buf(),
            name,
            os,
            collected_at,
            domain,
            host_json,
            registry: many(dir, registry_dir(), ".reg", reg::parse),
            auditpol: one(dir, auditpol_file(), auditpol::parse),
            secedit: one(dir, secedit_file(), secedit::parse),
            firewall_json: one(dir, firewall_json, netsh::parse_json),
            firewall: one(dir, firewall_txt, netsh::parse),
            acls: many(dir, acl_dir(), ".txt", icacls::parse),
            smb_shares: one(dir, smb_shares, smb::parse_shares),
            smb_access: one(dir, smb_access, smb::parse_access),
            defender: one(dir, defender_file(), jsonev::parse),
            eventlog: one(dir, eventlog_file(), wevtutil::parse),
            smb_server: one(dir, smb_server_file(), jsonev::parse),
            domain_policy: one(dir, domain_policy_file(), jsonev::parse),
        })
    }

    /// The path an evidence file would have (for "missing" evidence entries).
    pub fn file_path(&self, rel: &str) -> String {
        display(&self.dir, rel)
    }

    /// The registry exports that parsed.
    fn reg_files(&self) -> impl DoubleEndedIterator<Item = &reg::RegFile> {
        let files = match &self.registry {
            Some(Ok(files)) => files.as_slice(),
            _ => &[],
        };
        files.iter().filter_map(|f| f.as_ref().ok())
    }
    /// All registry values named `name` under `key` across the exports.
    pub fn reg_value(&self, key: &str, name: &str) -> Option<(&reg::RegKey, &reg::RegValue)> {
        self.reg_files().rev().find_map(|f| f.value(key, name))
    }
    /// The registry export `rel` (e.g. `registry/w32time.reg`), when it parsed.
    pub fn reg_file(&self, rel: &str) -> Option<&reg::RegFile> {
        let name = file_name(rel);
        self.reg_files()
            .find(|f| file_name(&f.file.path).eq_ignore_ascii_case(name))
    }
    pub fn reg_has_key(&self, key: &str) -> Option<&reg::RegKey> {
        self.reg_files().find_map(|f| f.has_key(key))
    }
    /// `.reg` files that did not parse (or the unreadable folder), with
    /// whether the item can trust its verdict without them: `false` unless
    /// the file is one of the exports of other items' policies (`others`,
    /// file names without the folder, e.g. WIN-USB-001's for ITS-03).
    pub fn reg_errors(&self, others: &[&str]) -> Vec<(&HostError, bool)> {
        let unrelated = |e: &HostError| {
            let name = file_name(&e.path);
            others.iter().any(|o| o.eq_ignore_ascii_case(name))
        };
        match &self.registry {
            Some(Err(e)) => vec![(e, false)],
            Some(Ok(files)) => files
                .iter()
                .filter_map(|f| f.as_ref().err())
                .map(|e| (e, unrelated(e)))
                .collect(),
            None => Vec::new(),
        }
    }
}

/// Is a profile path a Windows path (`D:\…`, `\\server\share\…`)?
pub fn is_windows_path(p: &str) -> bool {
    let b = p.as_bytes();
    (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/'))
        || p.starts_with("\\\\")
}

/// A Windows path for comparing: `/` separators, lowercase, no trailing slash.
pub fn norm_win(p: &str) -> String {
    p.replace('\\', "/").trim_end_matches('/').to_lowercase()
}

#[cfg(test)]
mod tests {
    use crate::catalogue::policies::{Check, policy};

    #[test]
    fn policies_that_share_an_evidence_file_name_the_same_one() {
        // The collector loads the first policy's name; the other must agree.
        let Check::AuditpolSubcategory { file, .. } = &policy("WIN-AUD-002").check else {
            panic!("WIN-AUD-002");
        };
        assert_eq!(file, super::auditpol_file());
        let Check::SeceditRange { file, .. } = &policy("WIN-LCK-001").check else {
            panic!("WIN-LCK-001");
        };
        assert_eq!(file, super::secedit_file());
        let Check::IcaclsBroadWrite { dir, .. } = &policy("WIN-ACL-002").check else {
            panic!("WIN-ACL-002");
        };
        assert_eq!(dir, super::acl_dir());
    }

    #[test]
    fn every_registry_export_a_policy_names_is_in_the_folder_the_collector_reads() {
        let dir = super::registry_dir();
        assert!(!dir.is_empty(), "WIN-USB-001's file has no folder");
        let mut names = Vec::new();
        for p in &crate::catalogue::policies::Policies::builtin().all {
            for f in p.check.registry_exports() {
                let (d, name) = f.rsplit_once('/').unwrap_or(("", f));
                assert_eq!(d, dir, "{}: {f} is not in {dir}/", p.id);
                assert!(name.to_ascii_lowercase().ends_with(".reg"), "{}: {f}", p.id);
                names.push(name.to_ascii_lowercase());
            }
        }
        // USB (2), firewall, event log and time (2).
        assert_eq!(names.len(), 6, "{names:?}");
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 6, "two policies name one export: {names:?}");
    }

    #[test]
    fn decodes_utf16le_without_a_bom_and_cp932() {
        let b: Vec<u8> = "State ON\r\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(super::decode(&b), "State ON\r\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("状態 ON");
        assert_eq!(super::decode(&sjis), "状態 ON");
        assert_eq!(super::decode(b"ab"), "ab");
    }
}
