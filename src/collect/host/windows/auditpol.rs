//! `auditpol /get /category:* /r` (6 columns, localised headers and values) and
//! `auditpol /backup` (7 columns, numeric `Setting Value`) CSV. Rows are keyed on
//! the Subcategory GUID and columns read by position. Lines before the header
//! (`Active code page: 437` when captured through `chcp`, blank lines) are
//! skipped. Only rows of the system policy target count: `auditpol /backup` also
//! holds per-user rows (target = a SID or account), which never replace the
//! system setting.

use crate::collect::host::conf::{FileRef, HostError, Line};
use std::collections::BTreeMap;

/// File System object access.
pub const FILE_SYSTEM: &str = "{0CCE921D-69AE-11D9-BED3-505054503030}";
/// Removable Storage.
pub const REMOVABLE_STORAGE: &str = "{0CCE9245-69AE-11D9-BED3-505054503030}";

#[derive(Clone, Debug, PartialEq)]
pub struct AuditSetting {
    pub subcategory: String,
    pub success: bool,
    pub failure: bool,
    pub line: Line,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Auditpol {
    /// GUID (upper case, with braces) → setting.
    pub rows: BTreeMap<String, AuditSetting>,
    /// Rows whose setting could not be read: GUID → line.
    pub unreadable: BTreeMap<String, Line>,
    /// Per-user rows (not the system policy), left out: GUID → line.
    pub per_user: BTreeMap<String, Line>,
}

/// Is a Policy Target a user (a SID or an account) rather than the system
/// policy (`System`, `システム`, `Système`…, or empty in GPO audit.csv)?
pub fn per_user_target(t: &str) -> bool {
    let t = t.trim();
    t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("s-1-")) || t.contains(['\\', '@'])
}

/// (success, failure) from a localised inclusion setting.
pub fn parse_setting(s: &str) -> Option<(bool, bool)> {
    let l = s.trim().to_lowercase();
    if l.is_empty() || l == "no auditing" || l == "監査なし" || l == "なし" {
        return Some((false, false));
    }
    let success = l.contains("success") || l.contains("成功");
    let failure = l.contains("failure") || l.contains("失敗");
    (success || failure).then_some((success, failure))
}

pub fn parse(file: &FileRef, text: &str) -> Result<Auditpol, HostError> {
    let mut a = Auditpol::default();
    let raw_lines: Vec<&str> = text.lines().collect();
    let mut header_seen = false;
    for (i, raw) in raw_lines.iter().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(raw.as_bytes());
        let Some(Ok(rec)) = rdr.records().next() else {
            return Err(HostError::at(&file.path, i + 1, "not a CSV line"));
        };
        let cols: Vec<&str> = rec.iter().map(str::trim).collect();
        if !header_seen {
            // Banner lines (`Active code page: 437`) come before the header.
            if cols.len() >= 6 {
                header_seen = true;
            }
            continue;
        }
        if cols.len() < 5 {
            continue;
        }
        let guid = cols[3].to_ascii_uppercase();
        if !guid.starts_with('{') {
            continue; // Option:… and global SACL rows have no GUID
        }
        let line = Line::new(file, i + 1, raw);
        if per_user_target(cols[1]) {
            a.per_user.insert(guid, line);
            continue;
        }
        let numeric = cols.get(6).and_then(|v| v.parse::<u8>().ok());
        let setting = match numeric {
            Some(v) if v <= 3 => Some((v & 1 != 0, v & 2 != 0)),
            _ => parse_setting(cols[4]),
        };
        match setting {
            Some((success, failure)) => {
                a.rows.insert(
                    guid,
                    AuditSetting {
                        subcategory: cols[2].to_string(),
                        success,
                        failure,
                        line,
                    },
                );
            }
            None => {
                a.unreadable.insert(guid, line);
            }
        }
    }
    if !header_seen {
        return Err(HostError::new(
            &file.path,
            "not auditpol CSV (no header line with at least 6 columns)",
        ));
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

    fn fr() -> FileRef {
        FileRef {
            kind: EvidenceKind::Windows,
            path: "auditpol.csv".into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn backup_csv_from_the_corpus() {
        let t =
            std::fs::read_to_string("tests/fixtures/corpus/auditpol-backup-simeononsecurity.csv")
                .unwrap();
        let a = parse(&fr(), &t).unwrap();
        let fsys = &a.rows[FILE_SYSTEM];
        assert!(fsys.success && fsys.failure);
        assert!(a.rows.contains_key(REMOVABLE_STORAGE));
        assert!(a.unreadable.is_empty());
    }

    #[test]
    fn japanese_get_r_output() {
        let t = "\r\nコンピューター名,ポリシー ターゲット,サブカテゴリ,サブカテゴリ GUID,包含設定,除外設定\r\nFS01,システム,ファイル システム,{0CCE921D-69AE-11D9-BED3-505054503030},失敗,\r\nFS01,システム,リムーバブル記憶域,{0CCE9245-69AE-11D9-BED3-505054503030},成功および失敗,\r\nFS01,システム,レジストリ,{0CCE921E-69AE-11D9-BED3-505054503030},監査なし,\r\n";
        let a = parse(&fr(), t).unwrap();
        let f = &a.rows[FILE_SYSTEM];
        assert!(!f.success && f.failure);
        assert_eq!(f.line.line, 3);
        assert!(a.rows[REMOVABLE_STORAGE].success);
        assert!(parse(&fr(), "hello,world\n").is_err());
    }

    #[test]
    fn banner_lines_and_per_user_rows() {
        let t = "Active code page: 437\r\n\r\nMachine Name,Policy Target,Subcategory,Subcategory GUID,Inclusion Setting,Exclusion Setting,Setting Value\r\nPC,System,File System,{0CCE921D-69AE-11D9-BED3-505054503030},Failure,,2\r\nPC,S-1-5-21-1-2-3-1001,File System,{0CCE921D-69AE-11D9-BED3-505054503030},Success,,1\r\nPC,CONTOSO\\bob,Registry,{0CCE921E-69AE-11D9-BED3-505054503030},Success,,1\r\n";
        let a = parse(&fr(), t).unwrap();
        let f = &a.rows[FILE_SYSTEM];
        assert!(!f.success && f.failure, "the per-user row must not win");
        assert_eq!(f.line.line, 4);
        assert_eq!(a.per_user.len(), 2);
        assert!(
            !a.rows
                .contains_key("{0CCE921E-69AE-11D9-BED3-505054503030}")
        );
    }
}
