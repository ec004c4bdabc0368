//! `reg export` files: `Windows Registry Editor Version 5.00` (UTF-16LE with BOM)
//! and `REGEDIT4` (ANSI, CP932 on Japanese Windows), values continued on the next
//! line after `\`.

use crate::collect::host::conf::{FileRef, HostError, Line};

#[derive(Clone, Debug, PartialEq)]
pub enum RegData {
    Dword(u32),
    Qword(u64),
    Sz(String),
    Binary(Vec<u8>),
    /// `hex(N):` of another type, raw bytes.
    Hex(u32, Vec<u8>),
    Delete,
}

impl RegData {
    /// A number, from a DWORD/QWORD or a string of digits (policies sometimes
    /// store `"1"`).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            RegData::Dword(v) => Some(*v as u64),
            RegData::Qword(v) => Some(*v),
            RegData::Sz(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegValue {
    /// The value name (`""` for the default value `@`).
    pub name: String,
    pub data: RegData,
    pub line: Line,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegKey {
    pub path: String,
    pub line: Line,
    pub values: Vec<RegValue>,
    /// `[-KEY]`: the export deletes the key.
    pub deleted: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegFile {
    pub file: FileRef,
    pub keys: Vec<RegKey>,
}

/// `HKLM\…` and `HKEY_LOCAL_MACHINE\…` compare equal, case-insensitively.
pub fn norm_key(k: &str) -> String {
    let k = k.trim().trim_matches('\\');
    let (hive, rest) = k.split_once('\\').unwrap_or((k, ""));
    let hive = match hive.to_ascii_uppercase().as_str() {
        "HKLM" | "HKEY_LOCAL_MACHINE" => "HKEY_LOCAL_MACHINE",
        "HKCU" | "HKEY_CURRENT_USER" => "HKEY_CURRENT_USER",
        "HKU" | "HKEY_USERS" => "HKEY_USERS",
        "HKCR" | "HKEY_CLASSES_ROOT" => "HKEY_CLASSES_ROOT",
        "HKCC" | "HKEY_CURRENT_CONFIG" => "HKEY_CURRENT_CONFIG",
        _ => return k.to_uppercase(),
    };
    if rest.is_empty() {
        hive.to_string()
    } else {
        format!("{hive}\\{}", rest.to_uppercase())
    }
}

fn parse_string(s: &str) -> Option<(String, &str)> {
    let s = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            '"' => return Some((out, &s[i + 1..])),
            c => out.push(c),
        }
    }
    None
}

fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    s.split(',')
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(|b| u8::from_str_radix(b, 16).map_err(|_| format!("bad hex byte `{b}`")))
        .collect()
}

fn parse_data(s: &str, unicode: bool) -> Result<RegData, String> {
    let s = s.trim();
    if s == "-" {
        return Ok(RegData::Delete);
    }
    if s.starts_with('"') {
        let (v, rest) = parse_string(s).ok_or("unterminated string")?;
        if !rest.trim().is_empty() {
            return Err(format!("unexpected text after string: `{}`", rest.trim()));
        }
        return Ok(RegData::Sz(v));
    }
    let lower = s.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("dword:") {
        return u32::from_str_radix(h.trim(), 16)
            .map(RegData::Dword)
            .map_err(|_| format!("bad dword `{h}`"));
    }
    if let Some(h) = lower.strip_prefix("hex:") {
        return hex_bytes(h).map(RegData::Binary);
    }
    if let Some(rest) = lower.strip_prefix("hex(") {
        let (t, h) = rest.split_once("):").ok_or("bad hex(type)")?;
        let ty = u32::from_str_radix(t, 16).map_err(|_| format!("bad type `{t}`"))?;
        let bytes = hex_bytes(h)?;
        return Ok(match ty {
            0xb if bytes.len() == 8 => {
                RegData::Qword(u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])))
            }
            2 | 1 => {
                let s = if unicode {
                    let u: Vec<u16> = bytes
                        .chunks(2)
                        .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                        .collect();
                    String::from_utf16_lossy(&u)
                } else {
                    encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned()
                };
                RegData::Sz(s.trim_end_matches('\0').to_string())
            }
            _ => RegData::Hex(ty, bytes),
        });
    }
    Err(format!(
        "unknown value data `{}`",
        crate::collect::host::conf::excerpt(s)
    ))
}

pub fn parse(file: &FileRef, text: &str) -> Result<RegFile, HostError> {
    let mut lines = text.lines().enumerate();
    let unicode = header(file, &mut lines)?;
    let mut keys: Vec<RegKey> = Vec::new();
    while let Some((i, raw)) = lines.next() {
        let n = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') {
            keys.push(key_line(file, n, raw)?);
            continue;
        }
        // A value, possibly continued with `\` at the end of the line.
        let mut full = t.to_string();
        while full.ends_with('\\') {
            full.pop();
            match lines.next() {
                Some((_, next)) => full.push_str(next.trim()),
                None => break,
            }
        }
        let Some(key) = keys.last_mut() else {
            return Err(HostError::at(&file.path, n, "value before any [key]"));
        };
        key.values.push(value_line(file, n, raw, &full, unicode)?);
    }
    Ok(RegFile {
        file: file.clone(),
        keys,
    })
}

/// Reads up to the header line: `true` for `Windows Registry Editor Version
/// 5.00` (Unicode), `false` for `REGEDIT4` (ANSI).
fn header<'a>(
    file: &FileRef,
    lines: &mut impl Iterator<Item = (usize, &'a str)>,
) -> Result<bool, HostError> {
    for (n, l) in lines {
        let t = l.trim().trim_start_matches('\u{feff}');
        if t.is_empty() {
            continue;
        }
        if t == "Windows Registry Editor Version 5.00" {
            return Ok(true);
        }
        if t == "REGEDIT4" {
            return Ok(false);
        }
        return Err(HostError::at(
            &file.path,
            n + 1,
            "not a registry export (expected `Windows Registry Editor Version 5.00` or `REGEDIT4`)",
        ));
    }
    Err(HostError::new(
        &file.path,
        "empty file: not a registry export",
    ))
}

/// `[KEY]`, or `[-KEY]` when the export deletes the key.
fn key_line(file: &FileRef, n: usize, raw: &str) -> Result<RegKey, HostError> {
    let t = raw.trim();
    let Some(end) = t.rfind(']') else {
        return Err(HostError::at(&file.path, n, "key without `]`"));
    };
    let inner = &t[1..end];
    let (deleted, path) = match inner.strip_prefix('-') {
        Some(p) => (true, p),
        None => (false, inner),
    };
    Ok(RegKey {
        path: path.to_string(),
        line: Line::new(file, n, raw),
        values: Vec::new(),
        deleted,
    })
}

/// `"NAME"=DATA` or `@=DATA` (the default value), continuation lines joined
/// into `full`; cited at its first line `raw`.
fn value_line(
    file: &FileRef,
    n: usize,
    raw: &str,
    full: &str,
    unicode: bool,
) -> Result<RegValue, HostError> {
    let (name, rest) = if let Some(r) = full.strip_prefix('@') {
        (String::new(), r)
    } else {
        match parse_string(full) {
            Some((name, rest)) => (name, rest),
            None => return Err(HostError::at(&file.path, n, "value name is not quoted")),
        }
    };
    let Some(data) = rest.trim_start().strip_prefix('=') else {
        return Err(HostError::at(&file.path, n, "value without `=`"));
    };
    let data = parse_data(data, unicode).map_err(|m| HostError::at(&file.path, n, m))?;
    Ok(RegValue {
        name,
        data,
        line: Line::new(file, n, raw),
    })
}

impl RegFile {
    /// The value `name` of the key `key` (case-insensitive), last one written.
    pub fn value(&self, key: &str, name: &str) -> Option<(&RegKey, &RegValue)> {
        let k = norm_key(key);
        self.keys
            .iter()
            .rev()
            .filter(|x| !x.deleted && norm_key(&x.path) == k)
            .find_map(|x| {
                x.values
                    .iter()
                    .rev()
                    .find(|v| v.name.eq_ignore_ascii_case(name))
                    .map(|v| (x, v))
            })
    }
    pub fn has_key(&self, key: &str) -> Option<&RegKey> {
        let k = norm_key(key);
        self.keys
            .iter()
            .find(|x| !x.deleted && norm_key(&x.path) == k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

    fn fr() -> FileRef {
        FileRef {
            kind: EvidenceKind::Windows,
            path: "registry/usbstor.reg".into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn unicode_export_with_continuations() {
        let t = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR]\r\n\"DisplayName\"=\"@usbstor.inf,%usbstor.svcdesc%;USB Mass Storage Driver\"\r\n\"ImagePath\"=hex(2):5c,00,53,00,79,00,73,00,74,00,65,00,6d,00,52,00,6f,00,6f,00,\\\r\n  74,00,00,00\r\n\"Start\"=dword:00000004\r\n\"Type\"=dword:00000001\r\n";
        let r = parse(&fr(), t).unwrap();
        let (_, v) = r
            .value(
                "HKLM\\SYSTEM\\CurrentControlSet\\Services\\usbstor",
                "start",
            )
            .unwrap();
        assert_eq!(v.data, RegData::Dword(4));
        assert_eq!(v.line.line, 7);
        let (_, p) = r
            .value(
                "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR",
                "ImagePath",
            )
            .unwrap();
        assert_eq!(p.data, RegData::Sz("\\SystemRoot".into()));
    }

    #[test]
    fn regedit4_and_errors() {
        let t = "REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\RemovableStorageDevices]\n\"Deny_All\"=dword:00000001\n\"説明\"=\"リムーバブル\"\n";
        let r = parse(&fr(), t).unwrap();
        assert_eq!(r.keys[0].values.len(), 2);
        assert!(parse(&fr(), "hello\n").is_err());
        assert!(parse(&fr(), "REGEDIT4\n[HKLM\\X]\n\"A\"=dword:zz\n").is_err());
    }
}
