//! `report.json`.

use super::Report;

/// Is this a character that reorders the text around it (bidi override or
/// isolate)? Shown raw, it can make a file name read differently in an editor or
/// a terminal (`invoice\u{202e}fdp.exe`).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

pub fn render(report: &Report) -> String {
    let s = serde_json::to_string_pretty(report).expect("a report always serializes");
    // Such characters can only stand inside JSON strings (the structure is ASCII),
    // so writing them as `\uXXXX` escapes keeps every value exactly as it was.
    let mut out = String::with_capacity(s.len() + 1);
    for c in s.chars() {
        if is_bidi_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}
