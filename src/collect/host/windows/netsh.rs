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
