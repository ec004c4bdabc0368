//! PowerShell objects saved as evidence: `… | ConvertTo-Json` (an object, or an
//! array whose first object is used), or the `Name : Value` list PowerShell
//! prints on screen (what people paste: `Get-MpComputerStatus`,
//! `Get-SmbServerConfiguration`), continued values indented. Property names
//! are not localised in either form.

use crate::collect::host::conf::{FileRef, HostError, Line, parse_bool};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct JsonEv {
    pub file: FileRef,
    /// Property → (value, line).
    pub props: Vec<(String, Value, Line)>,
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

fn list(file: &FileRef, text: &str) -> Vec<(String, Value, Line)> {
    let key = regex::Regex::new(r"^([A-Za-z][A-Za-z0-9_]*)\s*:(.*)$").unwrap();
    let mut out: Vec<(String, Value, Line)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim_start_matches('\u{feff}');
        if let Some(c) = key.captures(t) {
            let v = Value::String(c[2].trim().to_string());
            out.push((c[1].to_string(), v, Line::new(file, i + 1, raw)));
        } else if raw.starts_with([' ', '\t'])
            && !raw.trim().is_empty()
            && let Some((_, Value::String(v), _)) = out.last_mut()
        {
            v.push(' ');
            v.push_str(raw.trim());
        }
    }
    out
}

pub fn parse(file: &FileRef, text: &str) -> Result<JsonEv, HostError> {
    let body = text.trim_start_matches('\u{feff}');
    let props = match serde_json::from_str::<Value>(body) {
        Ok(v) => {
            let obj = match v {
                Value::Array(a) => a.into_iter().next().unwrap_or(Value::Null),
                o => o,
            };
            let Value::Object(map) = obj else {
                return Err(HostError::new(&file.path, "expected a JSON object"));
            };
            map.into_iter()
                .map(|(k, v)| {
                    let l = line_of(file, text, &k);
                    (k, v, l)
                })
                .collect()
        }
        Err(e) if body.trim_start().starts_with(['{', '[']) => {
            return Err(HostError::at(
                &file.path,
                e.line(),
                format!("not JSON: {e}"),
            ));
        }
        Err(_) => list(file, text),
    };
    if props.is_empty() {
        return Err(HostError::new(
            &file.path,
            "neither JSON (ConvertTo-Json) nor a `Name : Value` list",
        ));
    }
    Ok(JsonEv {
        file: file.clone(),
        props,
    })
}

impl JsonEv {
    pub fn get(&self, key: &str) -> Option<(&Value, &Line)> {
        self.props
            .iter()
            .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v, l)| (v, l))
    }
    /// A true/false property (`true`, `"True"`, `1`).
    pub fn bool(&self, key: &str) -> Option<(bool, &Line)> {
        let (v, l) = self.get(key)?;
        let b = match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) => parse_bool(s),
            Value::Number(n) => n.as_i64().map(|n| n != 0),
            _ => None,
        }?;
        Some((b, l))
    }
    pub fn u64(&self, key: &str) -> Option<(u64, &Line)> {
        let (v, l) = self.get(key)?;
        let n = match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }?;
        Some((n, l))
    }
    pub fn str(&self, key: &str) -> Option<(&str, &Line)> {
        match self.get(key)? {
            (Value::String(s), l) => Some((s.as_str(), l)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> FileRef {
        FileRef {
            kind: crate::model::EvidenceKind::Windows,
            path: "smb-server.json".into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn json_and_pasted_lists_give_the_same_properties() {
        let j = parse(
            &fr(),
            "\u{feff}{\r\n  \"EnableSMB1Protocol\":  false,\r\n  \"MaxMpxCount\": 50\r\n}",
        )
        .unwrap();
        assert_eq!(
            j.bool("enablesmb1protocol").map(|(b, l)| (b, l.line)),
            Some((false, 2))
        );
        assert_eq!(j.u64("MaxMpxCount").unwrap().0, 50);
        let l = parse(&fr(), "\r\nEnableSMB1Protocol              : True\r\nNullSessionPipes                : {a,\r\n                                  b}\r\n").unwrap();
        assert_eq!(
            l.bool("EnableSMB1Protocol").map(|(b, l)| (b, l.line)),
            Some((true, 2))
        );
        assert_eq!(l.str("NullSessionPipes").unwrap().0, "{a, b}");
        assert!(parse(&fr(), "{\"a\": ").is_err());
        assert!(parse(&fr(), "hello world\n").is_err());
    }

    #[test]
    fn defender_status_and_collector_errors() {
        // `Get-MpComputerStatus | ConvertTo-Json`, and the `{"error": …}` the
        // collector writes when it fails.
        let d = parse(&fr(), "\u{feff}{\n  \"AntivirusEnabled\":  true,\n  \"RealTimeProtectionEnabled\":  false\n}\n").unwrap();
        assert_eq!(
            d.bool("RealTimeProtectionEnabled")
                .map(|(b, l)| (b, l.line)),
            Some((false, 3))
        );
        let d = parse(&fr(), "{\"error\": \"0x800106ba\"}").unwrap();
        assert!(d.bool("RealTimeProtectionEnabled").is_none());
        assert_eq!(d.str("error").map(|(e, _)| e), Some("0x800106ba"));
        assert!(parse(&fr(), "[1, 2").is_err());
    }
}
