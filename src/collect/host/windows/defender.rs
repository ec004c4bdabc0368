//! `Get-MpComputerStatus | ConvertTo-Json`.

use crate::collect::host::conf::{FileRef, HostError, Line};

#[derive(Clone, Debug, PartialEq)]
pub struct Defender {
    /// `{"error": "…"}` written by the collector when Get-MpComputerStatus failed.
    pub error: Option<String>,
    pub realtime: Option<(bool, Line)>,
    pub antivirus: Option<(bool, Line)>,
}

fn line_of(file: &FileRef, text: &str, key: &str) -> Line {
    let pat = format!("\"{key}\"");
    let (n, raw) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(&pat))
        .unwrap_or((0, ""));
    Line::new(file, n + 1, raw)
}

pub fn parse(file: &FileRef, text: &str) -> Result<Defender, HostError> {
    let v: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| HostError::at(&file.path, e.line(), format!("not JSON: {e}")))?;
    let obj = match &v {
        serde_json::Value::Array(a) => a.first().cloned().unwrap_or(serde_json::Value::Null),
        o => o.clone(),
    };
    let Some(map) = obj.as_object() else {
        return Err(HostError::new(
            &file.path,
            "expected a JSON object from Get-MpComputerStatus",
        ));
    };
    let get = |k: &str| {
        map.get(k)
            .and_then(|v| match v {
                serde_json::Value::Bool(b) => Some(*b),
                serde_json::Value::String(s) => crate::collect::host::conf::parse_bool(s),
                serde_json::Value::Number(n) => n.as_i64().map(|n| n != 0),
                _ => None,
            })
            .map(|b| (b, line_of(file, text, k)))
    };
    Ok(Defender {
        error: map
            .get("error")
            .and_then(|e| e.as_str())
            .map(str::to_string),
        realtime: get("RealTimeProtectionEnabled"),
        antivirus: get("AntivirusEnabled"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_json_and_collector_errors() {
        let f = FileRef {
            kind: crate::model::EvidenceKind::Windows,
            path: "defender.json".into(),
            sha256: "x".into(),
        };
        let d = parse(&f, "\u{feff}{\n  \"AntivirusEnabled\":  true,\n  \"RealTimeProtectionEnabled\":  false\n}\n").unwrap();
        assert!(!d.realtime.as_ref().unwrap().0);
        assert_eq!(d.realtime.as_ref().unwrap().1.line, 3);
        let d = parse(&f, "{\"error\": \"0x800106ba\"}").unwrap();
        assert!(d.realtime.is_none());
        assert_eq!(d.error.as_deref(), Some("0x800106ba"));
        assert!(parse(&f, "[1, 2").is_err());
    }
}
