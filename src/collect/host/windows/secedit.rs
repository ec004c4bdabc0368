//! `secedit /export /cfg secedit.inf` (UTF-16LE INF): sections and `Key = Value`.

use crate::collect::host::conf::{FileRef, HostError, Line};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Secedit {
    /// (section lowercase, key lowercase) → (value, line).
    pub values: BTreeMap<(String, String), (String, Line)>,
}

pub fn parse(file: &FileRef, text: &str) -> Result<Secedit, HostError> {
    let mut s = Secedit::default();
    let mut section = String::new();
    let mut any_section = false;
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim().trim_start_matches('\u{feff}');
        if t.is_empty() || t.starts_with(';') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            section = t[1..t.len() - 1].trim().to_ascii_lowercase();
            any_section = true;
            continue;
        }
        if let Some((k, v)) = t.split_once('=') {
            s.values.insert(
                (section.clone(), k.trim().to_ascii_lowercase()),
                (v.trim().to_string(), Line::new(file, i + 1, raw)),
            );
        }
    }
    if !any_section {
        return Err(HostError::new(
            &file.path,
            "not a secedit INF export (no [sections])",
        ));
    }
    Ok(s)
}

impl Secedit {
    pub fn get(&self, section: &str, key: &str) -> Option<&(String, Line)> {
        self.values
            .get(&(section.to_ascii_lowercase(), key.to_ascii_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_access_section() {
        let f = FileRef {
            kind: crate::model::EvidenceKind::Windows,
            path: "secedit.inf".into(),
            sha256: "x".into(),
        };
        let s = parse(&f, "[Unicode]\r\nUnicode=yes\r\n[System Access]\r\nMinimumPasswordAge = 0\r\nMinimumPasswordLength = 7\r\n").unwrap();
        assert_eq!(
            s.get("System Access", "minimumpasswordlength").unwrap().0,
            "7"
        );
        assert!(parse(&f, "MinimumPasswordLength = 8\n").is_err());
    }
}
