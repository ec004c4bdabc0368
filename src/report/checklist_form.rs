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

pub fn table(cat: &Catalogue, lang: Lang) -> String {
    let w = words(lang);
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
            wrap(crit, 16),
            wrap(it.question.get(lang).trim(), 56),
            it.source.label(lang),
            boxes(lang)
        ]);
    }
    t.to_string()
}

/// The answer boxes of the paper form.
fn boxes(lang: Lang) -> String {
    use crate::model::Status::*;
    [Pass, Partial, Fail, NotApplicable]
        .iter()
        .map(|s| format!("□{}", s.label(lang)))
        .collect::<Vec<_>>()
        .join(" ")
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
                boxes(lang),
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
            it.rule.get(lang).trim(),
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
