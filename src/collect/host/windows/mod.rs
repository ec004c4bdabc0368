//! Windows evidence folders (`audit --evidence DIR`), as written by
//! `scripts/collect-windows-evidence.ps1`. Files are decoded by BOM, then UTF-8,
//! then CP932; each parser cites the evidence file, line and SHA-256.

pub mod auditpol;
pub mod defender;
pub mod icacls;
pub mod netsh;
pub mod reg;
pub mod secedit;
pub mod smb;
pub mod wevtutil;

use super::conf::{FileRef, HostError};
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
    /// Problems with `host.json` (missing or unparsable): reported, not fatal.
    pub host_json: Result<FileRef, HostError>,
    pub registry: Ev<Vec<reg::RegFile>>,
    pub auditpol: Ev<auditpol::Auditpol>,
    pub secedit: Ev<secedit::Secedit>,
    pub firewall: Ev<Vec<netsh::FwProfile>>,
    /// `acl/*.txt`, one per exported folder.
    pub acls: Ev<Vec<icacls::Icacls>>,
    pub smb_shares: Ev<Vec<smb::Share>>,
    pub smb_access: Ev<Vec<smb::ShareAce>>,
    pub defender: Ev<defender::Defender>,
    pub eventlog: Ev<wevtutil::LogConfig>,
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

/// Every file of a sub-folder with the extension, parsed; `None` when the
/// folder is missing or has none.
fn many<T>(
    dir: &Path,
    sub: &str,
    ext: &str,
    parse: impl Fn(&FileRef, &str) -> Result<T, HostError>,
) -> Ev<Vec<T>> {
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
    let mut out = Vec::new();
    for n in names {
        match one(dir, &format!("{sub}/{n}"), &parse) {
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => return Some(Err(e)),
            None => {}
        }
    }
    Some(Ok(out))
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
                        Ok(f)
                    }
                    Err(e) => Err(HostError::at(&f.path, e.line(), format!("not JSON: {e}"))),
                }
            }
        };
        Ok(WindowsHost {
            dir: dir.to_path_buf(),
            name,
            os,
            collected_at,
            host_json,
            registry: many(dir, "registry", ".reg", reg::parse),
            auditpol: one(dir, "auditpol.csv", auditpol::parse),
            secedit: one(dir, "secedit.inf", secedit::parse),
            firewall: one(dir, "firewall.txt", netsh::parse),
            acls: many(dir, "acl", ".txt", icacls::parse),
            smb_shares: one(dir, "smb-shares.csv", smb::parse_shares),
            smb_access: one(dir, "smb-share-access.csv", smb::parse_access),
            defender: one(dir, "defender.json", defender::parse),
            eventlog: one(dir, "eventlog-security.txt", wevtutil::parse),
        })
    }

    /// The path an evidence file would have (for "missing" evidence entries).
    pub fn file_path(&self, rel: &str) -> String {
        display(&self.dir, rel)
    }

    /// All registry values named `name` under `key` across the exports.
    pub fn reg_value(&self, key: &str, name: &str) -> Option<(&reg::RegKey, &reg::RegValue)> {
        match &self.registry {
            Some(Ok(files)) => files.iter().rev().find_map(|f| f.value(key, name)),
            _ => None,
        }
    }
    pub fn reg_has_key(&self, key: &str) -> Option<&reg::RegKey> {
        match &self.registry {
            Some(Ok(files)) => files.iter().find_map(|f| f.has_key(key)),
            _ => None,
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
