//! `netsh advfirewall show allprofiles`: one block per profile. Labels are
//! localised, so rows are recognised by their value tokens (`ON`/`OFF`,
//! `BlockInbound,AllowOutbound`), which are not.

use crate::collect::host::conf::{FileRef, HostError, Line};

#[derive(Clone, Debug, PartialEq)]
pub struct FwProfile {
    /// The block's heading as printed (`Domain Profile Settings:`, `ドメイン プロファイル 設定:`).
    pub heading: String,
    pub heading_line: Line,
    pub state: Option<(bool, Line)>,
    /// The inbound half of `Firewall Policy` (`BlockInbound`, `AllowInbound`, `BlockInboundAlways`).
    pub inbound: Option<(String, Line)>,
}

pub fn parse(file: &FileRef, text: &str) -> Result<Vec<FwProfile>, HostError> {
    let lines: Vec<&str> = text.lines().collect();
    let policy = regex::Regex::new(
        r"(?i)\b((?:Block|Allow)Inbound(?:Always)?)\s*,\s*(?:Block|Allow)Outbound\b",
    )
    .unwrap();
    let mut out: Vec<FwProfile> = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let t = raw.trim();
        let next_is_rule = lines
            .get(i + 1)
            .is_some_and(|n| n.trim().len() >= 10 && n.trim().chars().all(|c| c == '-'));
        if next_is_rule && !t.is_empty() {
            out.push(FwProfile {
                heading: t
                    .trim_end_matches([':', '：'])
                    .trim_end()
                    .trim_end_matches("Settings")
                    .trim_end_matches("設定")
                    .trim_end()
                    .to_string(),
                heading_line: Line::new(file, i + 1, raw),
                state: None,
                inbound: None,
            });
            continue;
        }
        let Some(p) = out.last_mut() else { continue };
        if t.is_empty() || t.chars().all(|c| c == '-') {
            continue;
        }
        let value = t.split_whitespace().last().unwrap_or("");
        if p.state.is_none() {
            let v = value.to_ascii_uppercase();
            let on = match v.as_str() {
                "ON" | "オン" => Some(true),
                "OFF" | "オフ" => Some(false),
                _ => None,
            };
            if let Some(on) = on {
                p.state = Some((on, Line::new(file, i + 1, raw)));
                continue;
            }
        }
        if p.inbound.is_none()
            && let Some(c) = policy.captures(t)
        {
            p.inbound = Some((c[1].to_string(), Line::new(file, i + 1, raw)));
        }
    }
    if out.is_empty() {
        return Err(HostError::new(
            &file.path,
            "no firewall profile found (expected `netsh advfirewall show allprofiles` output)",
        ));
    }
    Ok(out)
}

impl FwProfile {
    pub fn blocks_inbound(&self) -> bool {
        self.inbound
            .as_ref()
            .is_some_and(|(v, _)| v.to_ascii_lowercase().starts_with("blockinbound"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr() -> FileRef {
        FileRef {
            kind: crate::model::EvidenceKind::Windows,
            path: "firewall.txt".into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn english_and_japanese_profiles() {
        let en = "\r\nDomain Profile Settings: \r\n----------------------------------------------------------------------\r\nState                                 ON\r\nFirewall Policy                       BlockInbound,AllowOutbound\r\n\r\nLogging:\r\nLogAllowedConnections                 Disable\r\n\r\nPublic Profile Settings: \r\n----------------------------------------------------------------------\r\nState                                 OFF\r\nFirewall Policy                       AllowInbound,AllowOutbound\r\nOk.\r\n";
        let p = parse(&fr(), en).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].heading, "Domain Profile");
        assert!(p[0].state.as_ref().unwrap().0 && p[0].blocks_inbound());
        assert!(!p[1].state.as_ref().unwrap().0 && !p[1].blocks_inbound());
        let ja = "プライベート プロファイル 設定:\n----------------------------------------------------------------------\n状態                                  オン\nファイアウォール ポリシー             BlockInboundAlways,AllowOutbound\n";
        let p = parse(&fr(), ja).unwrap();
        assert_eq!(p[0].heading, "プライベート プロファイル");
        assert!(p[0].state.as_ref().unwrap().0 && p[0].blocks_inbound());
        assert!(parse(&fr(), "Ok.\n").is_err());
    }
}
