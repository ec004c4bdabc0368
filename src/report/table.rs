//! The checklist table on the terminal (`prettytable-rs`; Japanese aligned by
//! display width).

use super::markdown::score_text;
use super::{Report, evidence_line, one_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::Status;
use prettytable::{Cell, Row, Table, format, row};
use unicode_width::UnicodeWidthChar;

/// Wraps text at `width` display columns (CJK characters count two).
pub fn wrap(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if col + w > width && col > 0 {
            out.push('\n');
            col = 0;
            if c == ' ' {
                continue;
            }
        }
        out.push(c);
        col += w;
    }
    out
}

/// How many evidence lines the table shows per item; the rest are counted.
const EVIDENCE_SHOWN: usize = 3;

pub fn render(r: &Report, lang: Lang) -> String {
    let w = words(lang);
    let cat = Catalogue::builtin();
    let mut t = Table::new();
    t.set_format(*format::consts::FORMAT_BOX_CHARS);
    t.set_titles(row!["ID", w.item, w.status, w.reason]);
    for it in &r.items {
        let mut reason = one_line(&it.reason);
        let mut ev: Vec<String> = it
            .evidence
            .iter()
            .filter(|_| it.status != Status::Pass)
            .take(EVIDENCE_SHOWN)
            .map(|e| format!("• {}", evidence_line(e)))
            .collect();
        let shown = ev.len();
        if it.status != Status::Pass && it.evidence.len() > shown {
            let more = it.evidence.len() - shown;
            ev.push(if lang == Lang::Ja {
                format!("… ほか {more} 件")
            } else {
                format!("… and {more} more")
            });
        }
        if !ev.is_empty() {
            reason = format!("{reason}\n{}", ev.join("\n"));
        }
        let reason = reason
            .split('\n')
            .map(|l| wrap(l, 60))
            .collect::<Vec<_>>()
            .join("\n");
        let mut status = it.status.label(lang).to_string();
        if it.waived {
            status.push_str(&format!("\n({})", w.waived));
        }
        let style = match it.status {
            Status::Pass => "Fg",
            Status::Partial => "Fy",
            Status::Fail | Status::Error => "Fr",
            _ => "",
        };
        t.add_row(Row::new(vec![
            Cell::new(&it.id),
            Cell::new(&wrap(it.title.get(lang), 28)),
            Cell::new(&status).style_spec(style),
            Cell::new(&reason),
        ]));
    }
    let mut out = String::new();
    out.push_str(&format!(
        "{} — {} ({} {})\n",
        w.title,
        one_line(&r.organization.name),
        w.audit_date,
        r.audit_date
    ));
    out.push_str(&t.to_string());
    let mut s = Table::new();
    s.set_format(*format::consts::FORMAT_BOX_CHARS);
    let mut titles = vec![Cell::new(w.criterion), Cell::new(w.score)];
    titles.extend(Status::ALL.iter().map(|st| Cell::new(st.label(lang))));
    s.set_titles(Row::new(titles));
    for c in &r.summary.criteria {
        let name = cat
            .criterion(&c.id)
            .map(|x| x.title.get(lang))
            .unwrap_or("");
        let mut cells = vec![
            Cell::new(&format!("{} {}", c.id, name)),
            Cell::new(&score_text(c.score)),
        ];
        cells.extend(
            Status::ALL
                .iter()
                .map(|st| Cell::new(&c.counts.get(st).copied().unwrap_or(0).to_string())),
        );
        s.add_row(Row::new(cells));
    }
    let mut cells = vec![
        Cell::new(if lang == Lang::Ja { "合計" } else { "Total" }),
        Cell::new(&score_text(r.summary.score)),
    ];
    cells.extend(
        Status::ALL
            .iter()
            .map(|st| Cell::new(&r.summary.counts.get(st).copied().unwrap_or(0).to_string())),
    );
    s.add_row(Row::new(cells));
    out.push_str(&s.to_string());
    if let Some(tl) = &r.timeline {
        out.push_str(&format!(
            "{}: {} {} / {} {}\n",
            w.timeline, w.expires_on, tl.expires_on, w.next_report, tl.next_periodic_report_due
        ));
        if tl.renewal_due && !tl.expired {
            out.push_str(&format!("⚠ {}\n", tl.next_step(lang)));
        }
    }
    for x in &r.warnings {
        out.push_str(&format!("{}: {}\n", w.warnings, one_line(x)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wraps_by_display_width() {
        let s = wrap("技術情報管理認証制度のセルフチェック", 10);
        for line in s.lines() {
            assert!(line.width() <= 10, "{line}");
        }
        assert_eq!(s.replace('\n', ""), "技術情報管理認証制度のセルフチェック");
    }
}
