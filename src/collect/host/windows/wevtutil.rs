//! `wevtutil gl Security`: `name: value` lines (the keys are not localised).

use crate::collect::host::conf::{FileRef, HostError, Line};

#[derive(Clone, Debug, PartialEq)]
pub struct LogConfig {
    pub name: Option<String>,
    pub retention: Option<(bool, Line)>,
    pub auto_backup: Option<(bool, Line)>,
    pub max_size: Option<(u64, Line)>,
}

pub fn parse(file: &FileRef, text: &str) -> Result<LogConfig, HostError> {
    let mut c = LogConfig {
        name: None,
        retention: None,
        auto_backup: None,
        max_size: None,
    };
    for (i, raw) in text.lines().enumerate() {
        let Some((k, v)) = raw.trim().split_once(':') else {
            continue;
        };
        let v = v.trim();
        let line = || Line::new(file, i + 1, raw);
        match k.trim() {
            "name" => c.name = Some(v.to_string()),
            "retention" => {
                c.retention = crate::collect::host::conf::parse_bool(v).map(|b| (b, line()))
            }
            "autoBackup" => {
                c.auto_backup = crate::collect::host::conf::parse_bool(v).map(|b| (b, line()))
            }
            "maxSize" => c.max_size = v.parse().ok().map(|n| (n, line())),
            _ => {}
        }
    }
    if c.retention.is_none() {
        return Err(HostError::new(
            &file.path,
            "no `retention:` line (expected `wevtutil gl Security` output)",
        ));
    }
    Ok(c)
}

impl LogConfig {
    /// Archive (retention + autoBackup) or do-not-overwrite (retention alone).
    pub fn keeps_events(&self) -> bool {
        self.retention.as_ref().is_some_and(|(b, _)| *b)
    }
    pub fn mode(&self) -> crate::i18n::Text {
        let r = self.keeps_events();
        let a = self.auto_backup.as_ref().is_some_and(|(b, _)| *b);
        match (r, a) {
            (true, true) => crate::i18n::Text::new(
                "いっぱいになったらアーカイブ（上書きしない）",
                "archive when full (no overwrite)",
            ),
            (true, false) => crate::i18n::Text::new(
                "上書きしない（手動でクリア）",
                "do not overwrite (clear manually)",
            ),
            _ => crate::i18n::Text::new("必要に応じて上書き", "overwrite as needed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_modes() {
        let f = FileRef {
            kind: crate::model::EvidenceKind::Windows,
            path: "eventlog-security.txt".into(),
            sha256: "x".into(),
        };
        let c = parse(&f, "name: Security\nenabled: true\nlogging:\n  logFileName: x\n  retention: true\n  autoBackup: true\n  maxSize: 20971520\n").unwrap();
        assert!(c.keeps_events());
        assert_eq!(c.max_size.as_ref().unwrap().0, 20971520);
        assert_eq!(c.retention.as_ref().unwrap().1.line, 5);
        let c = parse(&f, "logging:\n  retention: false\n").unwrap();
        assert!(!c.keeps_events());
        assert!(parse(&f, "名前: Security\n").is_err());
    }
}
