//! `netsh advfirewall show allprofiles`: one block per profile. Labels and the
//! state value are localised (`State ON`, `状態 オン`, `État Actif`), so the
//! state is the first row of a block (netsh prints it first in every
//! language) read through a table of known words; the policy row is found by
//! its value (`BlockInbound,AllowOutbound`), which is never translated. A state
//! word not in the table is kept as [`FwProfile::state_unread`], an error, never
//! a guess. `firewall.json` (`Get-NetFirewallProfile -PolicyStore ActiveStore |
//! ConvertTo-Json`) is locale-neutral and read first ([`parse_json`]).

use crate::collect::host::conf::{FileRef, HostError, Line};

#[derive(Clone, Debug, PartialEq)]
pub struct FwProfile {
    /// The block's heading as printed (`Domain Profile Settings:`, `ドメイン プロファイル 設定:`).
    pub heading: String,
    pub heading_line: Line,
    pub state: Option<(bool, Line)>,
    /// The inbound half of `Firewall Policy` (`BlockInbound`, `AllowInbound`, `BlockInboundAlways`).
    pub inbound: Option<(String, Line)>,
    /// The state row when its value is not a known on/off word.
    pub state_unread: Option<Line>,
}

/// Known words for the profile state in netsh's languages.
const ON: &[&str] = &[
    "on",
    "オン",
    "actif",
    "activé",
    "ein",
    "aktiv",
    "attivo",
    "attiva",
    "activado",
    "activo",
    "ativado",
    "ligado",
    "aan",
    "på",
    "päällä",
    "zapnuto",
    "włączony",
    "вкл",
    "включено",
    "açık",
    "사용",
    "启用",
    "啟用",
    "開啟",
    "开",
];
const OFF: &[&str] = &[
    "off",
    "オフ",
    "inactif",
    "désactivé",
    "aus",
    "inaktiv",
    "disattivato",
    "disattiva",
    "desactivado",
    "inactivo",
    "desativado",
    "desligado",
    "uit",
    "av",
    "pois",
    "vypnuto",
    "wyłączony",
    "выкл",
    "отключено",
    "kapalı",
    "사용 안 함",
    "禁用",
    "停用",
    "關閉",
    "关",
];

/// On/off from a localised state word.
pub fn state_word(v: &str) -> Option<bool> {
    let l = v.trim().to_lowercase();
    if ON.contains(&l.as_str()) {
        Some(true)
    } else if OFF.contains(&l.as_str()) {
        Some(false)
    } else {
        None
    }
}

pub fn parse(file: &FileRef, text: &str) -> Result<Vec<FwProfile>, HostError> {
    let lines: Vec<&str> = text.lines().collect();
    let policy = regex::Regex::new(
        r"(?i)\b((?:Block|Allow)Inbound(?:Always)?)\s*,\s*(?:Block|Allow)Outbound\b",
    )
    .unwrap();
    let gap = regex::Regex::new(r"\s{2,}|\t").unwrap();
    let mut out: Vec<FwProfile> = Vec::new();
    let mut first_row = false;
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
                state_unread: None,
            });
            first_row = true;
            continue;
        }
        let Some(p) = out.last_mut() else { continue };
        if t.is_empty() || t.chars().all(|c| c == '-') {
            continue;
        }
        if std::mem::take(&mut first_row) {
            // The value follows the label after a run of spaces; it may
            // contain single spaces (`사용 안 함`).
            let value = gap.split(t).last().unwrap_or(t);
            match state_word(value).or_else(|| state_word(t.split_whitespace().last()?)) {
                Some(on) => p.state = Some((on, Line::new(file, i + 1, raw))),
                None => p.state_unread = Some(Line::new(file, i + 1, raw)),
            }
            continue;
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

/// `Get-NetFirewallProfile -PolicyStore ActiveStore | Select-Object Name,
/// Enabled, DefaultInboundAction, … | ConvertTo-Json`: enum values as names
/// (`True`, `Block`) or numbers (GpoBoolean 0/1/2, Action 0/2/4). In the
/// active store `NotConfigured` means the Windows default: enabled, inbound
/// blocked.
pub fn parse_json(file: &FileRef, text: &str) -> Result<Vec<FwProfile>, HostError> {
    use serde_json::Value;
    let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| HostError::at(&file.path, e.line(), format!("not JSON: {e}")))?;
    let items = match v {
        Value::Array(a) => a,
        o => vec![o],
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0usize;
    let find = |key: &str, from: usize| -> (usize, Line) {
        let pat = format!("\"{key}\"");
        let n = (from..lines.len())
            .find(|&n| lines[n].contains(&pat))
            .unwrap_or(from);
        (
            n,
            Line::new(file, n + 1, lines.get(n).copied().unwrap_or("")),
        )
    };
    let mut out = Vec::new();
    for it in items {
        if let Some(e) = it.get("error").and_then(Value::as_str) {
            return Err(HostError::new(
                &file.path,
                format!("the collector could not run Get-NetFirewallProfile: {e}"),
            ));
        }
        let Some(name) = it.get("Name").and_then(Value::as_str) else {
            return Err(HostError::new(
                &file.path,
                "a firewall profile without a Name",
            ));
        };
        let (start, heading_line) = find("Name", at);
        at = start + 1;
        let word = |k: &str| match it.get(k) {
            Some(Value::String(s)) => Some(s.to_ascii_lowercase()),
            Some(Value::Number(n)) => n.as_u64().map(|n| n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            _ => None,
        };
        let (_, state_line) = find("Enabled", start);
        let state = match word("Enabled").as_deref() {
            Some("true" | "1" | "notconfigured" | "2") => Some((true, state_line)),
            Some("false" | "0") => Some((false, state_line)),
            _ => None,
        };
        let (_, in_line) = find("DefaultInboundAction", start);
        let inbound = match word("DefaultInboundAction").as_deref() {
            Some("block" | "4" | "notconfigured" | "0") => {
                Some(("BlockInbound".to_string(), in_line))
            }
            Some("allow" | "2") => Some(("AllowInbound".to_string(), in_line)),
            _ => None,
        };
        out.push(FwProfile {
            heading: name.to_string(),
            heading_line,
            state_unread: state
                .is_none()
                .then(|| Line::new(file, start + 1, lines.get(start).copied().unwrap_or(""))),
            state,
            inbound,
        });
    }
    if out.is_empty() {
        return Err(HostError::new(
            &file.path,
            "no firewall profile in firewall.json",
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

    #[test]
    fn localised_state_words_and_unknown_ones() {
        let fr_ = "Paramètres Profil de domaine :\r\n----------------------------------------------------------------------\r\nÉtat                                  Actif\r\nStratégie de pare-feu                 BlockInbound,AllowOutbound\r\nInboundUserNotification               Activer\r\n\r\nParamètres Profil public :\r\n----------------------------------------------------------------------\r\nÉtat                                  Inactif\r\nStratégie de pare-feu                 BlockInbound,AllowOutbound\r\n";
        let p = parse(&fr(), fr_).unwrap();
        assert_eq!(
            p[0].state.as_ref().map(|s| (s.0, s.1.line)),
            Some((true, 3))
        );
        assert_eq!(p[1].state.as_ref().map(|s| s.0), Some(false));
        let ko = "도메인 프로필 설정:\n----------------------------------------------------------------------\n상태                                  사용 안 함\n";
        assert_eq!(
            parse(&fr(), ko).unwrap()[0].state.as_ref().map(|s| s.0),
            Some(false)
        );
        let xx = "Profil:\n----------------------------------------------------------------------\nZustand                               Vielleicht\n";
        let p = parse(&fr(), xx).unwrap();
        assert!(p[0].state.is_none());
        assert_eq!(p[0].state_unread.as_ref().unwrap().line, 3);
    }

    #[test]
    fn firewall_json_names_and_numbers() {
        let t = "[\r\n  {\r\n    \"Name\":  \"Domain\",\r\n    \"Enabled\":  \"True\",\r\n    \"DefaultInboundAction\":  \"NotConfigured\"\r\n  },\r\n  {\r\n    \"Name\":  \"Public\",\r\n    \"Enabled\":  0,\r\n    \"DefaultInboundAction\":  2\r\n  }\r\n]";
        let p = parse_json(&fr(), t).unwrap();
        assert_eq!(p.len(), 2);
        assert!(p[0].state.as_ref().unwrap().0 && p[0].blocks_inbound());
        assert_eq!(
            p[1].state.as_ref().map(|s| (s.0, s.1.line)),
            Some((false, 9))
        );
        assert!(!p[1].blocks_inbound());
        assert!(parse_json(&fr(), "[{\"Enabled\": 1}]").is_err());
        let e = parse_json(&fr(), "{\"error\": \"Access denied\"}").unwrap_err();
        assert!(e.message.contains("Access denied"), "{}", e.message);
    }
}
