//! `checklist.csv`: one row per checklist item, for Excel and other spreadsheets.
//!
//! UTF-8 with a BOM (Excel in Japan otherwise reads it as CP932), one line per
//! item (newlines inside values are shown as `\n`, never written), and every cell
//! guarded against formula injection ([`super::cells`]). Who answered an item,
//! who approved it and until when are columns of its row; the scope of the audit
//! does not fit one row per item and is in report.json, report.md, report.html
//! and the workbook's scope sheet.

use super::cells::{cell, fit};
use super::{Report, evidence_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;

/// How many evidence entries a CSV cell lists; the rest are counted.
pub const EVIDENCE_IN_CELL: usize = 50;

/// Column headings of the report CSV, in the report's language.
pub fn headers(lang: Lang) -> [&'static str; 16] {
    let w = words(lang);
    match lang {
        Lang::Ja => [
            "ID",
            w.criterion,
            w.item,
            w.source,
            w.status,
            "判定コード",
            w.waived,
            w.reason,
            "証跡件数",
            w.evidence,
            w.remediation,
            w.computed,
            "回答者",
            "回答日",
            "承認者",
            "期限",
        ],
        Lang::En => [
            "ID",
            w.criterion,
            w.item,
            w.source,
            w.status,
            "Status code",
            "Waived",
            w.reason,
            "Evidence count",
            w.evidence,
            w.remediation,
            "Computed (waived or alternative items)",
            "Answered by",
            "Answered on",
            "Approved by",
            "Expires on",
        ],
    }
}

/// Trusted multi-line text (the catalogue's) on one line. A Markdown list
/// marker `- ` opening a line becomes a bullet `• `: left as it is, a cell would
/// start with `-`, which spreadsheets take for a formula, and the guard's quote
/// would show in Excel (`'- Have the president…`). Text from the audited system
/// never comes through here; it keeps its guard ([`super::cells`]).
pub fn flat(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let t = line.trim_start();
        let t = match t.strip_prefix("- ") {
            Some(rest) => format!("• {rest}"),
            None => t.to_string(),
        };
        for w in t.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

/// The evidence of one item as one cell: at most [`EVIDENCE_IN_CELL`] entries.
pub fn evidence_cell(ev: &[crate::model::Evidence<String>], lang: Lang) -> String {
    let mut parts: Vec<String> = ev
        .iter()
        .take(EVIDENCE_IN_CELL)
        .map(evidence_line)
        .collect();
    if ev.len() > EVIDENCE_IN_CELL {
        let more = ev.len() - EVIDENCE_IN_CELL;
        parts.push(match lang {
            Lang::Ja => format!("… ほか {more} 件（report.json に全件）"),
            Lang::En => format!("… and {more} more (all in report.json)"),
        });
    }
    let more = match lang {
        Lang::Ja => "（省略。report.json に全件）",
        Lang::En => " (cut; all in report.json)",
    };
    fit(parts.join(" | "), more)
}

/// The report as CSV text, starting with a BOM.
pub fn render(r: &Report, lang: Lang) -> String {
    let cat = Catalogue::builtin();
    let w = words(lang);
    let mut wtr = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = wtr.write_record(headers(lang));
    for it in &r.items {
        let crit = cat
            .criterion(&it.criterion)
            .map(|c| format!("{} {}", c.id, c.title.get(lang)))
            .unwrap_or_else(|| it.criterion.clone());
        let source = cat
            .item(&it.id)
            .map(|i| i.source.label(lang).to_string())
            .unwrap_or_else(|| it.source.clone());
        let waived = if it.waived { w.waived } else { "" };
        let remediation = if it.status.needs_no_fix() {
            String::new()
        } else {
            flat(it.remediation.get(lang))
        };
        let computed = match (&it.computed_status, &it.computed_reason) {
            (Some(s), Some(reason)) => format!("{}: {}", s.label(lang), reason),
            (Some(s), None) => s.label(lang).to_string(),
            _ => String::new(),
        };
        let a = it.answer.clone().unwrap_or_default();
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let row = [
            it.id.clone(),
            crit,
            it.title.get(lang).to_string(),
            source,
            it.status.label(lang).to_string(),
            it.status.code().to_string(),
            waived.to_string(),
            it.reason.clone(),
            it.evidence.len().to_string(),
            evidence_cell(&it.evidence, lang),
            remediation,
            computed,
            a.answered_by.unwrap_or_default(),
            date(a.answered_on),
            a.approved_by.unwrap_or_default(),
            date(a.expires_on),
        ];
        let _ = wtr.write_record(row.iter().map(|c| cell(c)));
    }
    let bytes = wtr.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}
