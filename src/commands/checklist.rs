//! `timaudit checklist`: the blank self-check form.

use super::*;

pub(super) fn cmd_checklist(a: ChecklistArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    if a.format == Format::Xlsx {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            return Err(Fatal::text(
                crate::i18n::Text::new(
                    "xlsx のブックはバイナリです。ファイルにリダイレクトしてください（例: `timaudit checklist --format xlsx > checklist.xlsx`）",
                    "an xlsx workbook is binary: redirect it into a file, e.g. `timaudit checklist --format xlsx > checklist.xlsx`",
                ),
                lang,
            ));
        }
        let bytes = report::xlsx::blank_form(cat, lang)?;
        let mut out = std::io::stdout().lock();
        return match out.write_all(&bytes).and_then(|_| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Fatal::text(
                crate::tr!(
                    "標準出力に書き込めません: {e}",
                    "cannot write to stdout: {e}"
                ),
                lang,
            )),
            _ => Ok(EXIT_OK),
        };
    }
    let text = match a.format {
        Format::Table => report::checklist_form::table(cat, lang),
        Format::Md => report::checklist_form::markdown(cat, lang),
        Format::Csv => report::checklist_form::csv(cat, lang),
        other => {
            let n = other.name();
            return Err(Fatal::text(
                crate::tr!(
                    "checklist は {n} では表示できません。table、md、csv、xlsx のどれかにしてください",
                    "checklist cannot be printed as {n}; use table, md, csv or xlsx"
                ),
                lang,
            ));
        }
    };
    print(&text, lang)?;
    Ok(EXIT_OK)
}
