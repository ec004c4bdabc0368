//! The blank checklist form (`timaudit checklist`): every item, its criterion and
//! how it is decided, ready to fill in.

use super::cells::guard;
use super::markdown::esc;
use super::table::wrap;
use super::words;
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use prettytable::{Table, format, row};
use std::fmt::Write;
use unicode_width::UnicodeWidthStr;

pub fn table(cat: &Catalogue, lang: Lang) -> String {
    table_width(cat, lang, super::table::layout_width())
}

/// The blank form laid out for a terminal `width` columns wide: the answer boxes
/// and the criterion's name wrap first, the question takes the rest.
pub fn table_width(cat: &Catalogue, lang: Lang, width: usize) -> String {
    let w = words(lang);
    let per_line = match width {
        0..100 => 1,
        100..150 => 2,
        _ => 4,
    };
    let crit_w = if width < 110 { 13 } else { 16 };
    // On a narrow terminal "auto+manual" goes on two lines.
    let source = |s: &str| {
        if width < 100 {
            s.replace('+', "+\n").replace('＋', "＋\n")
        } else {
            s.to_string()
        }
    };
    let source_w = cat
        .items
        .iter()
        .flat_map(|i| {
            source(i.source.label(lang))
                .lines()
                .map(|l| l.width())
                .collect::<Vec<_>>()
        })
        .chain([w.source.width()])
        .max()
        .unwrap_or(0);
    let boxes_w = boxes(lang, per_line)
        .lines()
        .map(|l| l.width())
        .chain([w.answer.width()])
        .max()
        .unwrap_or(0);
    let question_w = width
        .saturating_sub(16 + "ADM-01".len() + crit_w + source_w + boxes_w)
        .clamp(18, 70);
    let mut t = Table::new();
    t.set_format(*format::consts::FORMAT_BOX_CHARS);
    t.set_titles(row!["ID", w.criterion, w.question, w.source, w.answer]);
    for it in &cat.items {
        let crit = cat
            .criterion(&it.criterion)
            .map(|c| c.title.get(lang))
            .unwrap_or("");
        t.add_row(row![
            it.id,
            wrap(crit, crit_w),
            wrap(it.question.get(lang).trim(), question_w),
            source(it.source.label(lang)),
            boxes(lang, per_line)
        ]);
    }
    t.to_string()
}

/// The answer boxes of the paper form, `per_line` boxes on each line.
fn boxes(lang: Lang, per_line: usize) -> String {
    use crate::model::Status::*;
    [Pass, Partial, Fail, NotApplicable]
        .chunks(per_line.max(1))
        .map(|c| {
            c.iter()
                .map(|s| format!("□{}", s.label(lang)))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn markdown(cat: &Catalogue, lang: Lang) -> String {
    let w = words(lang);
    let mut o = String::new();
    let heading = if lang == Lang::Ja {
        "技術情報管理 セルフチェックシート"
    } else {
        "Technology information management self-check form"
    };
    let _ = writeln!(o, "# {heading} ({} {})\n", cat.id, cat.version);
    for c in &cat.criteria {
        let _ = writeln!(o, "## {} {}\n", c.id, c.title.get(lang));
        let _ = writeln!(
            o,
            "| ID | {} | {} | {} | {} |",
            w.question, w.source, w.status, w.remarks
        );
        let _ = writeln!(o, "|---|---|---|---|---|");
        for it in cat.items_of(&c.id) {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | |",
                it.id,
                esc(it.question.get(lang).trim()),
                it.source.label(lang),
                boxes(lang, 4),
            );
        }
        let _ = writeln!(o);
    }
    o
}

/// CSV of the blank form, UTF-8 with BOM so that Excel in Japan opens it; cells
/// guarded like the report's CSV ([`super::cells`]).
pub fn csv(cat: &Catalogue, lang: Lang) -> String {
    let w = words(lang);
    let mut wtr = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = wtr.write_record([
        "id",
        w.criterion,
        w.item,
        w.question,
        w.source,
        w.rule,
        w.status,
        w.remarks,
    ]);
    for it in &cat.items {
        let crit = cat
            .criterion(&it.criterion)
            .map(|c| c.title.get(lang))
            .unwrap_or("");
        let row = [
            it.id.as_str(),
            crit,
            it.title.get(lang),
            it.question.get(lang).trim(),
            it.source.label(lang),
            it.basis.get(lang).trim(),
            "",
            "",
        ];
        // The catalogue's own line breaks stay (quoted cells); only formula
        // prefixes are guarded.
        let _ = wtr.write_record(row.iter().map(|c| guard(c.to_string())));
    }
    let bytes = wtr.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}
