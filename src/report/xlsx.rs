//! `checklist.xlsx`: the checklist as a workbook (`rust_xlsxwriter`).
//!
//! Sheets: the checklist laid out like the paper self-check form (one row per
//! item, printed on A4 with a page break between criteria), a summary with the
//! score per criterion and a native Excel radar chart, and every evidence entry.
//! The blank form (`timaudit checklist --format xlsx`) uses the same layout.
//!
//! Every cell from the audited system or the profile is written as a string cell
//! (never a formula); text that Excel would read as a formula when edited gets
//! Excel's quote-prefix style ([`super::cells`]).

use super::cells::{MAX_CELL_CHARS, fit, starts_formula};
use super::csv::flat;
use super::html::symbol;
use super::model::ReportItem;
use super::{Report, evidence_line, one_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::{Evidence, Status};
use rust_xlsxwriter::{
    Chart, ChartType, Color, DataValidation, DocProperties, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet, XlsxError,
};

/// How many evidence entries the checklist sheet lists in an item's cell; the
/// evidence sheet has every one.
pub const EVIDENCE_IN_CELL: usize = 20;

/// Excel's row limit, less a few rows for headings and the "more" note.
const MAX_ROWS: u32 = 1_048_570;

/// A4 in Excel's paper-size numbering.
const A4: u8 = 9;

pub(crate) struct Styles {
    title: Format,
    header: Format,
    text: Format,
    bold_text: Format,
    number: Format,
}

impl Styles {
    pub(crate) fn new() -> Styles {
        let border = Format::new().set_border(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            header: border
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            text: border.clone().set_text_wrap().set_align(FormatAlign::Top),
            bold_text: border
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            number: border.set_num_format("0.0").set_align(FormatAlign::Top),
        }
    }

    /// The status cell: fill colour plus symbol and text (readable without colour).
    pub(crate) fn status(&self, s: Status) -> Format {
        let (fill, ink) = match s {
            Status::Pass => (0xC6EFCE, 0x006100),
            Status::Alternative => (0xB2DFDB, 0x004D40),
            Status::Partial => (0xFFEB9C, 0x7F4F00),
            Status::Fail => (0xFFC7CE, 0x9C0006),
            Status::NotApplicable => (0xEDEDED, 0x404040),
            Status::Error => (0xE4D7F5, 0x4B1A7A),
            Status::Unanswered => (0xDDEBF7, 0x0B3F7A),
        };
        self.bold_text
            .clone()
            .set_background_color(Color::RGB(fill))
            .set_font_color(Color::RGB(ink))
    }
}

/// Writes text as a string cell; text that would start a formula gets Excel's
/// quote prefix, so it stays text even when someone edits the cell.
fn put(ws: &mut Worksheet, row: u32, col: u16, text: &str, f: &Format) -> Result<(), XlsxError> {
    let text: String = if text.chars().count() > MAX_CELL_CHARS {
        fit(text.to_string(), "…")
    } else {
        text.to_string()
    };
    if starts_formula(&text) {
        ws.write_string_with_format(row, col, text, &f.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, text, f)?;
    }
    Ok(())
}

/// Untrusted text on one line (control characters shown, never obeyed).
pub(crate) fn put_untrusted(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    f: &Format,
) -> Result<(), XlsxError> {
    put(ws, row, col, &one_line(text), f)
}

/// Points per line of wrapped text at the default 11 pt font, and the padding
/// of a row.
const LINE_PT: f64 = 15.0;
const ROW_PAD_PT: f64 = 3.0;
/// Excel's highest row.
const MAX_ROW_PT: f64 = 409.0;

/// How many lines `text` takes in a wrapped cell `width` characters wide
/// (Excel's column unit: one digit; a CJK character takes about two). One unit
/// is kept for the cell's padding, and lines break at words as the spreadsheet
/// breaks them.
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    let cols = (width - 1.0).floor().max(1.0) as usize;
    text.split('\n')
        .map(|l| super::table::wrap(l, cols).lines().count().max(1))
        .sum()
}

/// Sets a row's height from its tallest wrapped cell. Programs that write xlsx
/// files leave rows at one line: Excel grows them only when a cell is edited,
/// and LibreOffice never does on opening, so wrapped text would be cut off.
fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(f64, &str)]) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(w, t)| wrapped_lines(t, *w))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        let h = (lines as f64 * LINE_PT + ROW_PAD_PT).min(MAX_ROW_PT);
        ws.set_row_height(row, h)?;
    }
    Ok(())
}

/// The width of a status column of the summary: its heading on one line
/// (代替措置で適合 is not broken inside the word), at least 11.
fn status_width(s: Status, lang: Lang) -> f64 {
    use unicode_width::UnicodeWidthStr;
    (status_text(s, lang).width() as f64 + 2.0).max(11.0)
}

pub(crate) fn status_text(s: Status, lang: Lang) -> String {
    format!("{} {}", symbol(s), s.label(lang))
}

fn sheet_names(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::Ja => ["チェックリスト", "集計", "証跡", "調査範囲"],
        Lang::En => ["Checklist", "Summary", "Evidence", "Scope"],
    }
}

fn err(e: XlsxError) -> String {
    format!("cannot build the workbook: {e}")
}

/// The evidence of an item for its checklist cell, one entry per line.
fn evidence_summary(ev: &[Evidence<String>], lang: Lang) -> String {
    let mut lines: Vec<String> = ev
        .iter()
        .take(EVIDENCE_IN_CELL)
        .map(evidence_line)
        .collect();
    if ev.len() > EVIDENCE_IN_CELL {
        let more = ev.len() - EVIDENCE_IN_CELL;
        lines.push(match lang {
            Lang::Ja => format!("… ほか {more} 件（「証跡」シート参照）"),
            Lang::En => format!("… and {more} more (see the Evidence sheet)"),
        });
    }
    lines.join("\n")
}

fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_paper_size(A4);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(())
}

/// The filled-in workbook of an audit.
pub fn render(r: &Report, lang: Lang) -> Result<Vec<u8>, String> {
    build(r, lang).map_err(err)
}

fn build(r: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let w = words(lang);
    let st = Styles::new();
    let names = sheet_names(lang);
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} — {}", w.title, one_line(&r.organization.name)))
            .set_company(one_line(&r.organization.name))
            .set_author(format!("{} {}", r.tool.name, r.tool.version)),
    );
    // 1. The checklist form.
    let ws = wb.add_worksheet();
    ws.set_name(names[0])?;
    checklist_sheet(ws, r, lang, &st)?;
    // 2. The summary with the radar chart.
    let ws = wb.add_worksheet();
    ws.set_name(names[1])?;
    summary_sheet(ws, names[1], r, lang, &st)?;
    // 3. Every evidence entry.
    let ws = wb.add_worksheet();
    ws.set_name(names[2])?;
    evidence_sheet(ws, r, lang, &st)?;
    // 4. The scope of the audit.
    let ws = wb.add_worksheet();
    ws.set_name(names[3])?;
    scope_sheet(ws, r, lang, &st)?;

    wb.worksheet_from_index(0)?.set_active(true);
    wb.save_to_buffer()
}

/// Column widths of the checklist sheet.
const CHECKLIST_WIDTHS: [f64; 8] = [18.0, 9.0, 48.0, 12.0, 40.0, 60.0, 28.0, 40.0];

/// The checklist sheet: a title, the audit line, then one row per item laid out
/// like the paper form, a page break between criteria.
fn checklist_sheet(
    ws: &mut Worksheet,
    r: &Report,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    let w = words(lang);
    put(
        ws,
        0,
        0,
        &format!("{} — {}", w.title, one_line(&r.organization.name)),
        &st.title,
    )?;
    put(
        ws,
        1,
        0,
        &format!(
            "{} {}　{} {}　{} {}",
            w.audit_date,
            r.audit_date,
            w.score,
            super::markdown::score_text(r.summary.score),
            w.generated,
            one_line(&r.generated_at)
        ),
        &Format::new(),
    )?;
    let header_row = 3;
    let headers = [
        w.criterion,
        "ID",
        w.question,
        w.status,
        w.reason,
        w.evidence,
        w.remarks,
        w.remediation,
    ];
    for (c, h) in headers.iter().enumerate() {
        put(ws, header_row, c as u16, h, &st.header)?;
    }
    for (c, width) in CHECKLIST_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    let mut row = header_row + 1;
    let mut breaks = Vec::new();
    let mut last_crit: Option<&str> = None;
    for it in &r.items {
        if last_crit.is_some_and(|c| c != it.criterion) {
            breaks.push(row);
        }
        last_crit = Some(&it.criterion);
        checklist_row(ws, row, it, lang, st)?;
        row += 1;
    }
    ws.autofilter(header_row, 0, row.saturating_sub(1).max(header_row), 7)?;
    ws.set_page_breaks(&breaks)?;
    print_setup(ws, header_row)
}

/// One item's row of the checklist sheet.
fn checklist_row(
    ws: &mut Worksheet,
    row: u32,
    it: &ReportItem,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    let cat = Catalogue::builtin();
    let crit = cat
        .criterion(&it.criterion)
        .map(|c| format!("{} {}", c.id, c.title.get(lang)))
        .unwrap_or_else(|| it.criterion.clone());
    let question = cat
        .item(&it.id)
        .map(|i| format!("{}\n{}", it.title.get(lang), flat(i.question.get(lang))))
        .unwrap_or_else(|| it.title.get(lang).to_string());
    let remarks = remarks(it, lang);
    let remediation = if it.status.needs_no_fix() {
        String::new()
    } else {
        flat(it.remediation.get(lang))
    };
    put(ws, row, 0, &crit, &st.text)?;
    put_untrusted(ws, row, 1, &it.id, &st.bold_text)?;
    put(ws, row, 2, &question, &st.text)?;
    put(
        ws,
        row,
        3,
        &status_text(it.status, lang),
        &st.status(it.status),
    )?;
    let reason = one_line(&it.reason);
    let evidence = evidence_summary(&it.evidence, lang);
    let remarks = remarks.join("\n");
    let status = status_text(it.status, lang);
    put(ws, row, 4, &reason, &st.text)?;
    put(ws, row, 5, &evidence, &st.text)?;
    put(ws, row, 6, &remarks, &st.text)?;
    put(ws, row, 7, &remediation, &st.text)?;
    let texts = [
        crit.as_str(),
        &it.id,
        &question,
        &status,
        &reason,
        &evidence,
        &remarks,
        &remediation,
    ];
    let cells: Vec<(f64, &str)> = CHECKLIST_WIDTHS.iter().copied().zip(texts).collect();
    fit_row(ws, row, &cells)
}

/// The remarks of an item: waived, the answer that decided it, the computed
/// status of a waived or answered item, an expired waiver.
fn remarks(it: &ReportItem, lang: Lang) -> Vec<String> {
    let w = words(lang);
    let mut remarks = Vec::new();
    if it.waived {
        remarks.push(w.waived.to_string());
    }
    if let Some(line) = it
        .answer
        .as_ref()
        .and_then(|a| super::scope::answer_line(a, lang))
    {
        remarks.push(one_line(&line));
    }
    if let Some(cs) = it.computed_status {
        remarks.push(format!(
            "{}{}: {}{}",
            w.computed,
            if it.waived {
                String::new()
            } else {
                format!(" ({})", w.for_reference)
            },
            cs.label(lang),
            it.computed_reason
                .as_deref()
                .map(|r| format!(" — {}", one_line(r)))
                .unwrap_or_default()
        ));
    }
    if let Some(d) = it.waiver_expired_on {
        remarks.push(match lang {
            Lang::Ja => format!("例外承認は {d} に期限切れ（無視）"),
            Lang::En => format!("waiver expired on {d} (ignored)"),
        });
    }
    remarks
}

/// The summary sheet (named `sheet`, which the chart refers to): the audit's
/// facts, the approval block, the score, the table per criterion and the radar chart.
fn summary_sheet(
    ws: &mut Worksheet,
    sheet: &str,
    r: &Report,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    let w = words(lang);
    put(ws, 0, 0, w.title, &st.title)?;
    let mut row = summary_info(ws, r, lang, st)?;
    row = approval_block(ws, row + 1, r, lang, st)?;
    put(ws, row, 0, w.score, &st.bold_text)?;
    match r.summary.score {
        Some(s) => ws.write_number_with_format(row, 1, s, &st.number)?,
        None => ws.write_string_with_format(row, 1, "—", &st.text)?,
    };
    row += 2;
    let (first, last) = criteria_table(ws, row, r, lang, st)?;
    ws.set_column_width(0, 40.0)?;
    ws.set_column_width(1, 14.0)?;
    for (i, s) in Status::ALL.iter().enumerate() {
        ws.set_column_width(2 + i as u16, status_width(*s, lang))?;
    }
    if last >= first {
        let chart = radar_chart(sheet, first, last, lang);
        // Below the table's total row.
        ws.insert_chart(last + 3, 0, &chart)?;
    }
    ws.set_paper_size(A4);
    ws.set_print_fit_to_pages(1, 1);
    Ok(())
}

/// The facts of the summary sheet from row 1 on (organisation, dates, hosts,
/// certification timeline), each value spanning the score table's columns;
/// returns the next free row.
fn summary_info(ws: &mut Worksheet, r: &Report, lang: Lang, st: &Styles) -> Result<u32, XlsxError> {
    let w = words(lang);
    let info: Vec<(&str, String)> = [
        (w.organization, one_line(&r.organization.name)),
        (w.audit_date, r.audit_date.to_string()),
        (w.generated, one_line(&r.generated_at)),
    ]
    .into_iter()
    .chain(r.hosts.iter().map(|h| {
        (
            w.hosts,
            format!(
                "{} ({}, {})",
                one_line(crate::collect::host_label(&h.name).get(lang)),
                one_line(&h.kind),
                one_line(&h.root)
            ),
        )
    }))
    .chain(r.timeline.iter().flat_map(|t| {
        [
            (w.certified_on, t.certified_on.to_string()),
            (w.expires_on, t.expires_on.to_string()),
            (w.next_report, t.next_periodic_report_due.to_string()),
        ]
    }))
    .collect();
    let mut row = 1;
    // Values span the columns of the score table below (B to the last status).
    let last_col = 1 + Status::ALL.len() as u16;
    let span = 14.0
        + Status::ALL
            .iter()
            .map(|s| status_width(*s, lang))
            .sum::<f64>();
    for (k, v) in &info {
        put(ws, row, 0, k, &st.bold_text)?;
        let v = &fit(v.clone(), "…");
        let f = if starts_formula(v) {
            st.text.clone().set_quote_prefix()
        } else {
            st.text.clone()
        };
        ws.merge_range(row, 1, row, last_col, v, &f)?;
        fit_row(ws, row, &[(40.0, k), (span, v)])?;
        row += 1;
    }
    Ok(row)
}

/// The score table from `row` on: a heading, one row per criterion (score and
/// count per status), a total row. Returns the first and last criterion rows.
fn criteria_table(
    ws: &mut Worksheet,
    mut row: u32,
    r: &Report,
    lang: Lang,
    st: &Styles,
) -> Result<(u32, u32), XlsxError> {
    let w = words(lang);
    let cat = Catalogue::builtin();
    put(ws, row, 0, w.criterion, &st.header)?;
    put(ws, row, 1, w.score, &st.header)?;
    let heads: Vec<String> = Status::ALL.iter().map(|s| status_text(*s, lang)).collect();
    for (i, h) in heads.iter().enumerate() {
        put(ws, row, 2 + i as u16, h, &st.header)?;
    }
    let cells: Vec<(f64, &str)> = Status::ALL
        .iter()
        .zip(&heads)
        .map(|(s, h)| (status_width(*s, lang), h.as_str()))
        .collect();
    fit_row(ws, row, &cells)?;
    row += 1;
    let first = row;
    for c in &r.summary.criteria {
        let name = cat
            .criterion(&c.id)
            .map(|x| format!("{} {}", c.id, x.title.get(lang)))
            .unwrap_or_else(|| c.id.clone());
        put(ws, row, 0, &name, &st.text)?;
        // Left blank: the chart shows a gap rather than a made-up 0.
        score_and_counts(ws, row, c.score, &c.counts, st)?;
        row += 1;
    }
    let last = row - 1;
    let total = if lang == Lang::Ja { "合計" } else { "Total" };
    put(ws, row, 0, total, &st.bold_text)?;
    score_and_counts(ws, row, r.summary.score, &r.summary.counts, st)?;
    Ok((first, last))
}

/// A row's score (blank when there is none) and its count per status.
fn score_and_counts(
    ws: &mut Worksheet,
    row: u32,
    score: Option<f64>,
    counts: &crate::model::Counts,
    st: &Styles,
) -> Result<(), XlsxError> {
    match score {
        Some(s) => ws.write_number_with_format(row, 1, s, &st.number)?,
        None => ws.write_blank(row, 1, &st.number)?,
    };
    for (i, s) in Status::ALL.iter().enumerate() {
        let n = counts.get(s).copied().unwrap_or(0);
        ws.write_number_with_format(row, 2 + i as u16, n as f64, &st.text)?;
    }
    Ok(())
}

/// The radar chart of the scores in rows `first..=last` of `sheet`.
fn radar_chart(sheet: &str, first: u32, last: u32, lang: Lang) -> Chart {
    let mut chart = Chart::new(ChartType::RadarWithMarkers);
    chart
        .add_series()
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, 1, last, 1))
        .set_name(words(lang).score);
    chart.title().set_name(match lang {
        Lang::Ja => "管理基準ごとのスコア",
        Lang::En => "Score per criterion",
    });
    chart.y_axis().set_min(0).set_max(100).set_major_unit(20);
    chart.legend().set_hidden();
    chart.set_width(620).set_height(440);
    chart
}

/// The headings of the evidence sheet.
fn evidence_headers(lang: Lang) -> [&'static str; 13] {
    match lang {
        Lang::Ja => [
            "ID",
            "判定",
            "区分",
            "種類",
            "パス",
            "行",
            "アクセス主体",
            "管理台帳",
            "日付",
            "抜粋",
            "内容",
            "SHA-256",
            "パス（base64）",
        ],
        Lang::En => [
            "ID",
            "Status",
            "Part",
            "Kind",
            "Path",
            "Line",
            "Principal",
            "Asset",
            "Date",
            "Excerpt",
            "Details",
            "SHA-256",
            "Path (base64)",
        ],
    }
}

/// The evidence sheet: every evidence entry of every item (its result's and its
/// computed part's), one row each, up to Excel's row limit.
fn evidence_sheet(
    ws: &mut Worksheet,
    r: &Report,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    for (c, h) in evidence_headers(lang).iter().enumerate() {
        put(ws, 0, c as u16, h, &st.header)?;
    }
    for (c, width) in [
        9.0, 12.0, 10.0, 10.0, 50.0, 6.0, 18.0, 10.0, 11.0, 40.0, 50.0, 20.0, 20.0,
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *width)?;
    }
    let mut row = 1u32;
    let mut left_out = 0usize;
    for it in &r.items {
        let lists = std::iter::once((false, &it.evidence))
            .chain(it.computed_evidence.iter().map(|e| (true, e)));
        for (computed, ev) in lists {
            for e in ev {
                if row >= MAX_ROWS {
                    left_out += 1;
                    continue;
                }
                evidence_row(ws, row, it, computed, e, lang)?;
                row += 1;
            }
        }
    }
    if left_out > 0 {
        put(
            ws,
            row,
            0,
            &match lang {
                Lang::Ja => {
                    format!("… ほか {left_out} 件（Excel の行数の上限。report.json に全件）")
                }
                Lang::En => {
                    format!("… and {left_out} more (Excel's row limit; all in report.json)")
                }
            },
            &st.bold_text,
        )?;
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 12)?;
    ws.set_freeze_panes(1, 0)?;
    ws.set_paper_size(A4);
    ws.set_landscape();
    Ok(())
}

/// One evidence entry of item `it` (of its computed part when `computed`) as a
/// row of the evidence sheet.
fn evidence_row(
    ws: &mut Worksheet,
    row: u32,
    it: &ReportItem,
    computed: bool,
    e: &Evidence<String>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let plain = Format::new().set_align(FormatAlign::Top);
    let part = match (lang, computed) {
        (Lang::Ja, false) => "判定",
        (Lang::Ja, true) => "自動判定",
        (Lang::En, false) => "result",
        (Lang::En, true) => "computed",
    };
    let kind = serde_json::to_value(e.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    put_untrusted(ws, row, 0, &it.id, &plain)?;
    put(ws, row, 1, &status_text(it.status, lang), &plain)?;
    put(ws, row, 2, part, &plain)?;
    put(ws, row, 3, &kind, &plain)?;
    let cells: [(u16, &Option<String>); 8] = [
        (4, &e.path),
        (6, &e.principal),
        (7, &e.asset),
        (8, &e.date),
        (9, &e.excerpt),
        (10, &e.detail),
        (11, &e.sha256),
        (12, &e.path_b64),
    ];
    for (c, v) in cells {
        if let Some(v) = v {
            put_untrusted(ws, row, c, v, &plain)?;
        }
    }
    if let Some(l) = e.line {
        ws.write_number_with_format(row, 5, l as f64, &plain)?;
    }
    Ok(())
}

/// The approval block (prepared by, approved by the administrator, dates, and
/// an empty cell to sign or seal) from `row` on; returns the next free row.
fn approval_block(
    ws: &mut Worksheet,
    row: u32,
    r: &Report,
    lang: Lang,
    st: &Styles,
) -> Result<u32, XlsxError> {
    let sw = super::scope::scope_words(lang);
    let a = &r.approval;
    put(ws, row, 0, sw.approval, &st.header)?;
    put(ws, row, 1, sw.name, &st.header)?;
    put(ws, row, 2, sw.date, &st.header)?;
    put(ws, row, 3, sw.seal, &st.header)?;
    let mut row = row + 1;
    for (label, who, on) in [
        (sw.prepared_by, &a.prepared_by, a.prepared_on),
        (sw.approved_by, &a.approved_by, a.approved_on),
    ] {
        put(ws, row, 0, label, &st.bold_text)?;
        put_untrusted(ws, row, 1, who.as_deref().unwrap_or(""), &st.text)?;
        put(
            ws,
            row,
            2,
            &on.map(|d| d.to_string()).unwrap_or_default(),
            &st.text,
        )?;
        ws.write_blank(row, 3, &st.text)?;
        // Room for a handwritten signature or a seal (印).
        ws.set_row_height(row, 36.0)?;
        row += 1;
    }
    Ok(row)
}

/// The scope sheet: root, shares, paths walked, hosts, evidence folders, the
/// tool, the digest of its definitions and the coverage counts.
fn scope_sheet(ws: &mut Worksheet, r: &Report, lang: Lang, st: &Styles) -> Result<(), XlsxError> {
    let sw = super::scope::scope_words(lang);
    let w = words(lang);
    let sc = &r.scope;
    const WIDTHS: [f64; 2] = [36.0, 90.0];
    ws.set_column_width(0, WIDTHS[0])?;
    ws.set_column_width(1, WIDTHS[1])?;
    put(ws, 0, 0, w.coverage, &st.title)?;
    let rows: Vec<(&str, String)> = super::scope::rows(sc, lang)
        .into_iter()
        .map(|row| {
            let v = if row.values.is_empty() {
                sw.none.to_string()
            } else {
                row.values
                    .iter()
                    .map(|x| one_line(x))
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            (row.label, v)
        })
        .collect();
    for (row, (k, v)) in (2..).zip(&rows) {
        put(ws, row, 0, k, &st.bold_text)?;
        put(ws, row, 1, v, &st.text)?;
        fit_row(ws, row, &[(WIDTHS[0], k), (WIDTHS[1], v)])?;
    }
    ws.set_paper_size(A4);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The blank self-check form as a workbook (`timaudit checklist --format xlsx`):
/// every item, how it is decided, and empty cells to fill in, with a drop-down of
/// the answers in the status column.
pub fn blank_form(cat: &Catalogue, lang: Lang) -> Result<Vec<u8>, String> {
    build_blank(cat, lang).map_err(err)
}

fn build_blank(cat: &Catalogue, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let w = words(lang);
    let st = Styles::new();
    let mut wb = Workbook::new();
    let (sheet, heading) = match lang {
        Lang::Ja => ("セルフチェックシート", "技術情報管理 セルフチェックシート"),
        Lang::En => (
            "Self-check form",
            "Technology information management self-check form",
        ),
    };
    wb.set_properties(&DocProperties::new().set_title(heading));
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    put(
        ws,
        0,
        0,
        &format!("{heading} ({} {})", cat.id, cat.version),
        &st.title,
    )?;
    put(
        ws,
        1,
        0,
        &format!("{}:　　　　　　　{}:", w.organization, w.audit_date),
        &Format::new(),
    )?;
    let header_row = 3;
    let headers = [
        w.criterion,
        "ID",
        w.question,
        w.source,
        w.rule,
        w.status,
        w.reason,
        w.remarks,
    ];
    for (c, h) in headers.iter().enumerate() {
        put(ws, header_row, c as u16, h, &st.header)?;
    }
    for (c, width) in BLANK_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *width)?;
    }
    let mut row = header_row + 1;
    let mut breaks = Vec::new();
    for c in &cat.criteria {
        if row > header_row + 1 {
            breaks.push(row);
        }
        for it in cat.items_of(&c.id) {
            blank_row(ws, row, c, it, lang, &st)?;
            row += 1;
        }
    }
    let last = row - 1;
    // An alternative measure is recorded in the profile with its evidence, not
    // ticked on the blank form.
    let choices: Vec<&str> = [
        Status::Pass,
        Status::Partial,
        Status::Fail,
        Status::NotApplicable,
    ]
    .iter()
    .map(|s| s.label(lang))
    .collect();
    let dv = DataValidation::new().allow_list_strings(&choices)?;
    ws.add_data_validation(header_row + 1, 5, last, 5, &dv)?;
    ws.autofilter(header_row, 0, last, 7)?;
    ws.set_page_breaks(&breaks)?;
    print_setup(ws, header_row)?;
    wb.save_to_buffer()
}

/// Column widths of the blank form.
const BLANK_WIDTHS: [f64; 8] = [18.0, 9.0, 48.0, 10.0, 48.0, 12.0, 36.0, 28.0];

/// One item's row of the blank form: what it asks and how it is decided, and
/// empty cells for the status, reason and remarks.
fn blank_row(
    ws: &mut Worksheet,
    row: u32,
    c: &crate::catalogue::Criterion,
    it: &crate::catalogue::Item,
    lang: Lang,
    st: &Styles,
) -> Result<(), XlsxError> {
    put(
        ws,
        row,
        0,
        &format!("{} {}", c.id, c.title.get(lang)),
        &st.text,
    )?;
    put(ws, row, 1, &it.id, &st.bold_text)?;
    put(
        ws,
        row,
        2,
        &format!("{}\n{}", it.title.get(lang), flat(it.question.get(lang))),
        &st.text,
    )?;
    put(ws, row, 3, it.source.label(lang), &st.text)?;
    put(ws, row, 4, &flat(it.basis.get(lang)), &st.text)?;
    let crit = format!("{} {}", c.id, c.title.get(lang));
    let question = format!("{}\n{}", it.title.get(lang), flat(it.question.get(lang)));
    let rule = flat(it.basis.get(lang));
    fit_row(
        ws,
        row,
        &[
            (BLANK_WIDTHS[0], &crit),
            (BLANK_WIDTHS[2], &question),
            (BLANK_WIDTHS[3], it.source.label(lang)),
            (BLANK_WIDTHS[4], &rule),
        ],
    )?;
    for col in 5..=7 {
        ws.write_blank(row, col, &st.text)?;
    }
    Ok(())
}
