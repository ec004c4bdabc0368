//! `matrix.xlsx`: the host × item matrix as a workbook: rows items, columns
//! hosts, cells coloured by status (with the status's symbol and word, so it
//! reads in black and white too), and a sheet listing the hosts.
//!
//! Host names and reasons are written as string cells, never formulas; text that
//! Excel would read as a formula when edited gets the quote-prefix style.

use super::matrix::{Matrix, MatrixItem, kind_text, status_text, words};
use crate::i18n::Lang;
use crate::report::cells::MAX_CELL_CHARS;
use crate::report::one_line;
use crate::report::xlsx::{Styles, put_untrusted as put};
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};

fn e(e: XlsxError) -> String {
    format!("cannot build the matrix workbook: {e}")
}

pub fn render(m: &Matrix, lang: Lang) -> Result<Vec<u8>, String> {
    build(m, lang).map_err(e)
}

/// The cell formats of both sheets.
struct Formats {
    styles: Styles,
    header: Format,
    text: Format,
}

fn build(m: &Matrix, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let border = Format::new().set_border(FormatBorder::Thin);
    let f = Formats {
        styles: Styles::new(),
        header: border
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(0xD9D9D9))
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        text: border.clone().set_text_wrap().set_align(FormatAlign::Top),
    };
    let (sheet_matrix, sheet_hosts) = match lang {
        Lang::Ja => ("ホスト別", "ホスト一覧"),
        Lang::En => ("Matrix", "Hosts"),
    };
    let ws = wb.add_worksheet();
    ws.set_name(sheet_matrix)?;
    matrix_sheet(ws, m, lang, &f)?;
    let ws = wb.add_worksheet();
    ws.set_name(sheet_hosts)?;
    hosts_sheet(ws, m, lang, &f)?;
    wb.save_to_buffer()
}

/// The matrix sheet: title, organisation and the rule, then one row per item:
/// its company status and one coloured cell per host (the reason as a note).
fn matrix_sheet(ws: &mut Worksheet, m: &Matrix, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let w = words(lang);
    put(
        ws,
        0,
        0,
        w.title,
        &Format::new().set_bold().set_font_size(14),
    )?;
    put(
        ws,
        1,
        0,
        &format!("{}: {}", w.organization, m.organization),
        &Format::new(),
    )?;
    put(ws, 2, 0, m.rule.get(lang), &Format::new())?;
    let top = 4;
    put(ws, top, 0, "ID", &f.header)?;
    put(ws, top, 1, w.item, &f.header)?;
    put(ws, top, 2, w.company, &f.header)?;
    for (k, h) in m.hosts.iter().enumerate() {
        let col = 3 + k as u16;
        put(ws, top, col, &h.name, &f.header)?;
        ws.set_column_width(col, 14)?;
    }
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, 40)?;
    ws.set_column_width(2, 14)?;
    for (r, i) in m.items.iter().enumerate() {
        item_row(ws, top + 1 + r as u32, m, i, lang, f)?;
    }
    ws.set_freeze_panes(top + 1, 3)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    Ok(())
}

/// One item's row of the matrix sheet.
fn item_row(
    ws: &mut Worksheet,
    row: u32,
    m: &Matrix,
    i: &MatrixItem,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    let w = words(lang);
    put(ws, row, 0, &i.id, &f.text)?;
    let title = if i.scope == "organization" {
        format!("{} ({})", i.title.get(lang), w.org_item)
    } else {
        i.title.get(lang).to_string()
    };
    put(ws, row, 1, &title, &f.text)?;
    put(
        ws,
        row,
        2,
        &status_text(i.company, lang),
        &f.styles.status(i.company),
    )?;
    for (k, c) in i.cells.iter().enumerate() {
        let col = 3 + k as u16;
        match c {
            Some(c) => {
                put(
                    ws,
                    row,
                    col,
                    &status_text(c.status, lang),
                    &f.styles.status(c.status),
                )?;
                let reason: String = one_line(c.reason.get(lang))
                    .chars()
                    .take(MAX_CELL_CHARS / 4)
                    .collect();
                if !reason.is_empty() && m.hosts.len() * m.items.len() <= 20_000 {
                    ws.insert_note(row, col, &Note::new(reason).add_author_prefix(false))?;
                }
            }
            None => put(ws, row, col, "·", &f.text)?,
        }
    }
    Ok(())
}

/// The hosts sheet: each host's kind, audit date, score, folder and manifest digest.
fn hosts_sheet(ws: &mut Worksheet, m: &Matrix, lang: Lang, f: &Formats) -> Result<(), XlsxError> {
    let w = words(lang);
    let text = &f.text;
    let head = [
        w.host,
        w.kind,
        w.audit_date,
        w.score,
        w.bundle,
        "MANIFEST.sha256",
    ];
    for (c, h) in head.iter().enumerate() {
        put(ws, 0, c as u16, h, &f.header)?;
    }
    for (r, h) in m.hosts.iter().enumerate() {
        let row = 1 + r as u32;
        put(ws, row, 0, &h.name, text)?;
        put(ws, row, 1, &kind_text(h, lang), text)?;
        put(ws, row, 2, &h.audit_date.to_string(), text)?;
        match h.score {
            Some(s) => ws
                .write_number_with_format(row, 3, s, &text.clone().set_num_format("0.0"))
                .map(|_| ())?,
            None => put(ws, row, 3, "—", text)?,
        }
        put(ws, row, 4, &h.bundle, text)?;
        put(ws, row, 5, &h.manifest_sha256, text)?;
    }
    for (c, width) in [
        (0u16, 24.0),
        (1, 22.0),
        (2, 12.0),
        (3, 8.0),
        (4, 28.0),
        (5, 66.0),
    ] {
        ws.set_column_width(c, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
