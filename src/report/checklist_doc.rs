//! docs/checklist.md: every item of the embedded checklist (ID, criterion,
//! source, question and how it is decided, in Japanese and English), generated
//! from `checklists/tim-selfcheck.yaml`. The test `tests/docs_checklist.rs`
//! fails when the committed file differs; `UPDATE_DOCS=1 cargo test --test
//! docs_checklist` rewrites it.

use crate::catalogue::{Catalogue, Item};
use crate::i18n::Lang;
use std::fmt::Write;

/// The whole of docs/checklist.md.
pub fn markdown(cat: &Catalogue) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# チェックリスト項目一覧 / Checklist items ({} {})\n",
        cat.id, cat.version
    );
    o.push_str(
        "<!-- Generated from checklists/tim-selfcheck.yaml: do not edit by hand. \
         Regenerate with `UPDATE_DOCS=1 cargo test --test docs_checklist`. -->\n\n",
    );
    o.push_str(INTRO);
    o.push_str(
        "| ID | 管理基準 / Criterion | 項目 / Item | 判定の方法 / Source |\n|---|---|---|---|\n",
    );
    for it in &cat.items {
        let _ = writeln!(
            o,
            "| [{id}](#{anchor}) | {crit} | {ja} / {en} | {sja} / {sen} |",
            id = it.id,
            anchor = it.id.to_lowercase(),
            crit = it.criterion,
            ja = cell(&it.title.ja),
            en = cell(&it.title.en),
            sja = it.source.label(Lang::Ja),
            sen = it.source.code(),
        );
    }
    o.push('\n');
    for c in &cat.criteria {
        let _ = writeln!(o, "## {} {} / {}\n", c.id, c.title.ja, c.title.en);
        for it in cat.items_of(&c.id) {
            item(&mut o, it);
        }
    }
    o
}

const INTRO: &str = "\
この一覧は timaudit のチェックリストの契約です。項目ID は変わりません（報告書、\
プロファイルの `answers:`、前年との比較が ID で項目を指すため、番号の振り直しや再利用はしません）。\
「判定基準」は記入用紙（`timaudit checklist`）に載る平易な説明、「判定方法」はツールが実際に判定する\
規則です。理由と対処方法は `timaudit explain 項目ID` で表示できます。\n\n\
This list is timaudit's checklist contract. Item IDs never change meaning (reports, the \
profile's `answers:` and year-to-year comparisons refer to items by ID; IDs are never \
renumbered or reused). \"Basis\" is the plain description printed on the blank form \
(`timaudit checklist`); \"Rule\" is exactly how the tool decides. `timaudit explain ID` \
adds why the item matters and how to fix it.\n\n\
判定の方法 / Source: 自動 (auto) = the audited host and file shares; 記録 (records) = the \
company's records named in the profile; 回答 (manual) = the company's answer in `answers:`; \
combinations take the weaker result. Statuses: 適合 pass, 一部適合 partial, 不適合 fail, \
該当なし not applicable, 判定不能 error, 未回答 unanswered.\n\n";

fn item(o: &mut String, it: &Item) {
    let _ = writeln!(o, "### {}\n", it.id);
    let _ = writeln!(
        o,
        "**{}** / **{}**\n",
        it.title.ja.trim(),
        it.title.en.trim()
    );
    let _ = writeln!(
        o,
        "- 管理基準 / Criterion: {}\n- 判定の方法 / Source: {} / {}\n",
        it.criterion,
        it.source.label(Lang::Ja),
        it.source.code()
    );
    let _ = writeln!(o, "質問:\n\n> {}\n", it.question.ja.trim());
    let _ = writeln!(o, "Question:\n\n> {}\n", it.question.en.trim());
    let _ = writeln!(o, "判定基準:\n\n> {}\n", it.basis.ja.trim());
    let _ = writeln!(o, "Basis:\n\n> {}\n", it.basis.en.trim());
    let _ = writeln!(o, "判定方法:\n\n{}\n", lines(&it.rule.ja));
    let _ = writeln!(o, "Rule:\n\n{}\n", lines(&it.rule.en));
}

/// A rule text as Markdown: `・` and `- ` lines become list items, nested
/// `  - ` lines stay nested, other lines are paragraphs.
fn lines(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut in_list = false;
    for l in text.trim().lines() {
        let l = l.trim_end();
        if let Some(rest) = l.strip_prefix('・').or_else(|| l.strip_prefix("- ")) {
            out.push(format!("- {}", rest.trim()));
            in_list = true;
        } else if let Some(rest) = l.strip_prefix("  - ") {
            out.push(format!("  - {}", rest.trim()));
        } else if !l.is_empty() {
            if in_list || !out.is_empty() {
                out.push(String::new());
            }
            out.push(l.to_string());
            in_list = false;
        }
    }
    out.join("\n")
}

fn cell(s: &str) -> String {
    s.trim().replace('|', "\\|").replace('\n', " ")
}
