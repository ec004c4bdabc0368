//! `matrix.xlsx`: the host × item matrix as a workbook: rows items, columns
//! hosts, cells coloured by status (with the status's symbol and word, so it
//! reads in black and white too), and a sheet listing the hosts.
//!
//! Host names and reasons are written as string cells, never formulas; text that
//! Excel would read as a formula when edited gets the quote-prefix style.

use super::matrix::{Matrix, kind_text, status_text, words};
use crate::i18n::Lang;
use crate::model::Status;
use crate::report::cells::MAX_CELL_CHARS;
use crate::report::one_line;
use crate::report::xlsx::{Styles, put_untrusted as put};
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Note, Workbook, XlsxError};

fn e(e: XlsxError) -> String {
    format!("cannot build the matrix workbook: {e}")
}

pub fn render(m: &Matrix, lang: Lang) -> Result<Vec<u8>, String> {
    let w = words(lang);
    let styles = Styles::new();
    let status_format = |s: Status| styles.status(s);
    let mut wb = Workbook::new();
    let border = Format::new().set_border(FormatBorder::Thin);
    let header = border
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let text = border.clone().set_text_wrap().set_align(FormatAlign::Top);
    let (sheet_matrix, sheet_hosts) = match lang {
        Lang::Ja => ("ホスト別", "ホスト一覧"),
        Lang::En => ("Matrix", "Hosts"),
    };
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_matrix).map_err(e)?;
        put(
            ws,
            0,
            0,
            w.title,
            &Format::new().set_bold().set_font_size(14),
        )
        .map_err(e)?;
        put(
            ws,
            1,
            0,
            &format!("{}: {}", w.organization, m.organization),
            &Format::new(),
        )
        .map_err(e)?;
        put(ws, 2, 0, m.rule.get(lang), &Format::new()).map_err(e)?;
        let top = 4;
        put(ws, top, 0, "ID", &header).map_err(e)?;
        put(ws, top, 1, w.item, &header).map_err(e)?;
        put(ws, top, 2, w.company, &header).map_err(e)?;
        for (k, h) in m.hosts.iter().enumerate() {
            let col = 3 + k as u16;
            put(ws, top, col, &h.name, &header).map_err(e)?;
            ws.set_column_width(col, 14).map_err(e)?;
        }
        ws.set_column_width(0, 8).map_err(e)?;
        ws.set_column_width(1, 40).map_err(e)?;
        ws.set_column_width(2, 14).map_err(e)?;
        for (r, i) in m.items.iter().enumerate() {
            let row = top + 1 + r as u32;
            put(ws, row, 0, &i.id, &text).map_err(e)?;
            let title = if i.scope == "organization" {
                format!("{} ({})", i.title.get(lang), w.org_item)
            } else {
                i.title.get(lang).to_string()
            };
            put(ws, row, 1, &title, &text).map_err(e)?;
            put(
                ws,
                row,
                2,
                &status_text(i.company, lang),
                &status_format(i.company),
            )
            .map_err(e)?;
            for (k, c) in i.cells.iter().enumerate() {
                let col = 3 + k as u16;
                match c {
                    Some(c) => {
                        put(
                            ws,
                            row,
                            col,
                            &status_text(c.status, lang),
                            &status_format(c.status),
                        )
                        .map_err(e)?;
                        let reason: String = one_line(c.reason.get(lang))
                            .chars()
                            .take(MAX_CELL_CHARS / 4)
                            .collect();
                        if !reason.is_empty() && m.hosts.len() * m.items.len() <= 20_000 {
                            ws.insert_note(row, col, &Note::new(reason).add_author_prefix(false))
                                .map_err(e)?;
                        }
                    }
                    None => put(ws, row, col, "·", &text).map_err(e)?,
                }
            }
        }
        ws.set_freeze_panes(top + 1, 3).map_err(e)?;
        ws.set_landscape();
        ws.set_paper_size(9);
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_hosts).map_err(e)?;
        let head = [
            w.host,
            w.kind,
            w.audit_date,
            w.score,
            w.bundle,
            "MANIFEST.sha256",
        ];
        for (c, h) in head.iter().enumerate() {
            put(ws, 0, c as u16, h, &header).map_err(e)?;
        }
        for (r, h) in m.hosts.iter().enumerate() {
            let row = 1 + r as u32;
            put(ws, row, 0, &h.name, &text).map_err(e)?;
            put(ws, row, 1, &kind_text(h, lang), &text).map_err(e)?;
            put(ws, row, 2, &h.audit_date.to_string(), &text).map_err(e)?;
            match h.score {
                Some(s) => ws
                    .write_number_with_format(row, 3, s, &text.clone().set_num_format("0.0"))
                    .map(|_| ())
                    .map_err(e)?,
                None => put(ws, row, 3, "—", &text).map_err(e)?,
            }
            put(ws, row, 4, &h.bundle, &text).map_err(e)?;
            put(ws, row, 5, &h.manifest_sha256, &text).map_err(e)?;
        }
        for (c, width) in [
            (0u16, 24.0),
            (1, 22.0),
            (2, 12.0),
            (3, 8.0),
            (4, 28.0),
            (5, 66.0),
        ] {
            ws.set_column_width(c, width).map_err(e)?;
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}
