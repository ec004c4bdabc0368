//! `Get-MpComputerStatus | ConvertTo-Json`, or its on-screen `Name : Value`
//! list pasted into `defender.json` (see [`super::jsonev`]).

use super::jsonev;
use crate::collect::host::conf::{FileRef, HostError, Line};

#[derive(Clone, Debug, PartialEq)]
pub struct Defender {
    /// `{"error": "…"}` written by the collector when Get-MpComputerStatus failed.
    pub error: Option<String>,
    pub realtime: Option<(bool, Line)>,
    pub antivirus: Option<(bool, Line)>,
}

pub fn parse(file: &FileRef, text: &str) -> Result<Defender, HostError> {
    let j = jsonev::parse(file, text)?;
    let get = |k: &str| j.bool(k).map(|(b, l)| (b, l.clone()));
    Ok(Defender {
        error: j.str("error").map(|(e, _)| e.to_string()),
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
