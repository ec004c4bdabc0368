//! Renderer tests on a fixed example report: snapshots of every text format, and
//! hostile names from the audited system in every renderer.

use super::model::{Coverage, Host, Inventory, Unreadable};
use super::{Report, build};
use crate::catalogue::Catalogue;
use crate::i18n::{Lang, Text};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::profile::Profile;
use crate::profile::model::Certification;
use crate::rules::ItemResult;
use chrono::NaiveDate;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Names an attacker could give files, hosts or principals on the audited system.
pub const SCRIPT: &str = "<script>alert(1)</script>";
pub const FORMULA: &str = "=cmd|'/c calc'!A1";
pub const NEWLINE: &str = "report.pdf\n# injected heading\n| x | y |";
pub const RTL: &str = "invoice\u{202e}fdp.exe";
pub const ESCAPES: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}";
/// `design/` + CP932 bytes (not UTF-8) + `.dwg`, as the walker reports it.
pub const LOSSY: &str = "/srv/share/design/\u{fffd}\u{fffd}.dwg";
pub const LOSSY_B64: &str = "L3Nydi9zaGFyZS9kZXNpZ24vgqCCoi5kd2c=";

/// A fixed report covering every status, every evidence field, a waiver, an
/// expired waiver, a control met by an alternative measure, who answered and
/// approved, a timeline, the scope, coverage, warnings and the approval block.
/// With `hostile`, every text that comes from the audited system or the profile
/// is an attack.
pub fn example(lang: Lang, hostile: bool) -> Report {
    let cat = Catalogue::builtin();
    let h = |plain: &str, evil: &str| {
        if hostile {
            evil.to_string()
        } else {
            plain.to_string()
        }
    };
    let mut results = Vec::new();
    // Statuses in turn (the alternative is given below, with its answer).
    let cycle: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| *s != Status::Alternative)
        .collect();
    for (i, item) in cat.items.iter().enumerate() {
        let status = cycle[i % cycle.len()];
        let mut evidence = Vec::new();
        let reason = match status {
            Status::Pass => Text::new("条件を満たしています", "the condition holds"),
            Status::Partial => Text::new(
                format!(
                    "{}: 一部の条件のみ満たしています（{}）",
                    h("docs/rules.pdf", FORMULA),
                    h("改訂日が古い", NEWLINE)
                ),
                format!(
                    "{}: only part of the condition holds ({})",
                    h("docs/rules.pdf", FORMULA),
                    h("revised too long ago", NEWLINE)
                ),
            ),
            Status::Fail => {
                evidence.push(
                    Evidence::new(EvidenceKind::File)
                        .path(h("/srv/share/design/mold-17.dwg", SCRIPT))
                        .asset("T-001")
                        .detail(Text::new("other が読めます", "mode 0644, other can read")),
                );
                evidence.push(
                    Evidence::new(EvidenceKind::File)
                        .path(h("/srv/share/design/図面.dwg", LOSSY))
                        .path_b64(hostile.then(|| LOSSY_B64.to_string()))
                        .principal(h("user:sato", FORMULA)),
                );
                evidence.push(
                    Evidence::new(EvidenceKind::Config)
                        .path("/etc/samba/smb.conf")
                        .line(41)
                        .excerpt(h("guest ok = yes", "+SUM(1,2) ; <b>guest ok = yes</b>"))
                        .sha256(Some("0f".repeat(32))),
                );
                Text::new(
                    format!("{} ほか 2 件が誰でも読めます", h("mold-17.dwg", SCRIPT)),
                    format!(
                        "{} and 2 more are readable by everyone",
                        h("mold-17.dwg", SCRIPT)
                    ),
                )
            }
            Status::NotApplicable => Text::new(
                "Samba も NFS もありません",
                "neither Samba nor NFS is configured",
            ),
            Status::Error => {
                evidence.push(
                    Evidence::new(EvidenceKind::Config)
                        .path(h("/etc/ssh/sshd_config", RTL))
                        .detail(Text::same(h("permission denied", ESCAPES))),
                );
                Text::new(
                    format!("読めません: {}", h("/etc/ssh/sshd_config", RTL)),
                    format!("cannot read {}", h("/etc/ssh/sshd_config", RTL)),
                )
            }
            Status::Unanswered => Text::new(
                format!("{} の回答がありません", item.id),
                format!("no answer for {}", item.id),
            ),
            Status::Alternative => unreachable!("not in the cycle"),
        };
        results.push(ItemResult {
            id: item.id.clone(),
            status,
            reason,
            evidence,
            waived: false,
            computed: None,
            expired_waiver: None,
        });
    }
    // A waiver on an automatic item, keeping its computed result beside it.
    let its05 = results.iter_mut().find(|r| r.id == "ITS-05").unwrap();
    its05.status = Status::Pass;
    its05.waived = true;
    its05.reason = Text::new(
        format!("回答: {}", h("ログは外部のSIEMに2年保存", FORMULA)),
        format!(
            "answer: {}",
            h("logs are kept 2 years in the SIEM", FORMULA)
        ),
    );
    its05.evidence = vec![
        Evidence::new(EvidenceKind::Answer)
            .date("2027-03-31")
            .detail(Text::same("justification")),
    ];
    its05.computed = Some(Outcome::fail(Text::new(
        "保存期間が 90 日です",
        "logs are kept 90 days",
    )));
    // A control met by another one (IPS on the UTM instead of an IDS on the host).
    let its07 = results.iter_mut().find(|r| r.id == "ITS-07").unwrap();
    its07.status = Status::Alternative;
    its07.reason = Text::new(
        format!("代替措置: {}", h("境界のUTMでIPSを運用", FORMULA)),
        format!(
            "alternative measure: {}",
            h("IPS runs on the perimeter UTM", FORMULA)
        ),
    );
    its07.evidence = vec![
        Evidence::new(EvidenceKind::Answer)
            .date("2027-03-31")
            .detail(Text::same("justification")),
        Evidence::new(EvidenceKind::Answer)
            .path(h("docs/utm-contract.pdf", "@docs/utm.pdf"))
            .sha256(Some("ab".repeat(32))),
    ];
    its07.computed = Some(
        Outcome::fail(Text::new("IDS/IPS が見つかりません", "no IDS/IPS found"))
            .with([Evidence::new(EvidenceKind::Note)
                .detail(Text::new("fail2ban なし", "no fail2ban jail enabled"))]),
    );
    let sto01 = results.iter_mut().find(|r| r.id == "STO-01").unwrap();
    sto01.status = Status::Unanswered;
    sto01.expired_waiver = Some(date("2026-03-31"));

    let mut profile = Profile::empty();
    let answer = |status, by: &str, on: &str, approver: Option<&str>, until: Option<&str>| {
        crate::profile::Answer {
            status,
            note: None,
            justification: None,
            evidence: vec![],
            expires_on: until.map(date),
            answered_by: Some(h(by, SCRIPT)),
            answered_on: Some(date(on)),
            approved_by: approver.map(|a| h(a, FORMULA)),
            pos: Default::default(),
        }
    };
    use crate::profile::AnswerStatus;
    for (id, a) in [
        (
            "ITS-07",
            answer(
                AnswerStatus::Alternative,
                "情報システム課 佐藤",
                "2026-11-20",
                Some("山田 太郎"),
                None,
            ),
        ),
        (
            "ITS-05",
            answer(
                AnswerStatus::Pass,
                "情報システム課 佐藤",
                "2026-11-20",
                Some("山田 太郎"),
                Some("2027-03-31"),
            ),
        ),
        (
            "ADM-05",
            answer(AnswerStatus::Pass, "総務部 鈴木", "2026-11-18", None, None),
        ),
    ] {
        profile.answers.insert(id.to_string(), a);
    }
    profile.approval = crate::profile::Approval {
        prepared_by: Some(h("情報システム課 佐藤", SCRIPT)),
        prepared_on: Some(date("2026-11-25")),
        approved_by: Some(h("代表取締役 山田 太郎", FORMULA)),
        approved_on: None,
    };
    profile.scope.shares = vec!["/srv/share".into(), h("/srv/design", NEWLINE)];
    profile.organization.name = h("株式会社サンプル製作所", &format!("{SCRIPT}{FORMULA}"));
    profile.organization.certification = Some(Certification {
        body: Some(h("一般社団法人サンプル認証機構", NEWLINE)),
        certificate_id: Some(h("TIM-2025-0123", RTL)),
        certified_on: Some(date("2025-04-01")),
    });
    let mut r = build::build(build::BuildInput {
        catalogue: cat,
        profile: &profile,
        results: &results,
        audit_date: date("2026-11-25"),
        lang,
        hosts: vec![Host {
            name: h("fileserver01", SCRIPT),
            root: h("/", ESCAPES),
            kind: "linux".into(),
        }],
        warnings: vec![h(
            "profile: people.csv line 4: unknown role `auditor`",
            &format!("{FORMULA} {NEWLINE}"),
        )],
        baseline: None,
        files: None,
        scope: super::scope::ScopeInput {
            root: Some("/".into()),
            scan: vec!["/home/cad".into()],
            evidence: vec!["evidence/pc-01".into()],
        },
    });
    r.generated_at = "2026-11-25T09:00:00+09:00".into();
    // Snapshots do not change with each release.
    r.tool.version = "0.0.0-test".into();
    r.inventory = Inventory {
        files: 120_034,
        bytes: 9_876_543_210,
        protected: 812,
        marked: 640,
        hashed: 120_034,
        ..Inventory::default()
    };
    r.coverage = Coverage {
        unreadable: vec![Unreadable {
            path: h("/srv/share/hr", NEWLINE),
            error: "permission denied".into(),
            path_b64: None,
        }],
        vanished: 1,
        loops: 2,
        skipped_special: 3,
        roots: vec![
            super::model::CoverageRoot {
                path: "/srv/share".into(),
                kind: "share".into(),
                ..Default::default()
            },
            super::model::CoverageRoot {
                path: h("/srv/design", NEWLINE),
                kind: "share".into(),
                error: Some("permission denied".into()),
                ..Default::default()
            },
            super::model::CoverageRoot {
                path: "/home/cad".into(),
                kind: "scan".into(),
                ..Default::default()
            },
        ],
        dirs: 3_456,
        ..Coverage::default()
    };
    // The scope is built from what the walk found; the walk is made up here.
    r.scope = super::scope::scope(&r, &profile, &input_scope());
    r.scope.tool.version = "0.0.0-test".into();
    r
}

fn input_scope() -> super::scope::ScopeInput {
    super::scope::ScopeInput {
        root: Some("/".into()),
        scan: vec!["/home/cad".into()],
        evidence: vec!["evidence/pc-01".into()],
    }
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!(
        "html_ja",
        super::html::render(&example(Lang::Ja, false), Lang::Ja)
    );
    insta::assert_snapshot!(
        "html_en",
        super::html::render(&example(Lang::En, false), Lang::En)
    );
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!(
        "markdown_en",
        super::markdown::render(&example(Lang::En, false), Lang::En)
    );
}

#[test]
fn snapshot_csv() {
    insta::assert_snapshot!(
        "csv_ja",
        super::csv::render(&example(Lang::Ja, false), Lang::Ja)
    );
    insta::assert_snapshot!(
        "csv_en",
        super::csv::render(&example(Lang::En, false), Lang::En)
    );
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!("json", super::json::render(&example(Lang::En, false)));
}

/// Raw characters that must never reach a page, a terminal or a cell as such.
fn assert_no_raw_controls(name: &str, out: &str, allowed: &[char]) {
    for c in out.chars() {
        let bad = (c.is_control() && !allowed.contains(&c))
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c);
        assert!(!bad, "{name}: raw {:?} in output", c);
    }
}

#[test]
fn hostile_names_are_harmless_in_html() {
    for lang in [Lang::Ja, Lang::En] {
        let out = super::html::render(&example(lang, true), lang);
        assert!(
            !out.to_ascii_lowercase().contains("<script"),
            "a script tag got through"
        );
        assert!(
            !out.contains("<b>guest"),
            "markup from an excerpt got through"
        );
        assert!(out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(out.contains("=cmd|&#39;/c calc&#39;!A1"));
        assert!(
            out.contains("invoice\\u{202e}fdp.exe"),
            "RTL override not shown"
        );
        assert!(
            out.contains(LOSSY_B64),
            "the exact bytes of a non-UTF-8 name are lost"
        );
        assert!(out.contains("report.pdf\\n# injected heading"));
        assert_no_raw_controls("html", &out, &['\n']);
        // Every item is on the page, once.
        for it in &Catalogue::builtin().items {
            assert_eq!(
                out.matches(&format!("id=\"item-{}\"", it.id)).count(),
                1,
                "{}",
                it.id
            );
        }
    }
}

#[test]
fn hostile_names_are_harmless_in_markdown_and_the_table() {
    let r = example(Lang::En, true);
    let md = super::markdown::render(&r, Lang::En);
    assert!(!md.to_ascii_lowercase().contains("<script"));
    assert!(md.contains("&lt;script&gt;"));
    assert!(
        !md.lines()
            .any(|l| l.starts_with("# injected") || l.starts_with("| x |")),
        "a newline in a name started a new Markdown block"
    );
    assert!(md.contains(LOSSY_B64));
    assert_no_raw_controls("markdown", &md, &['\n']);
    let table = super::table::render(&r, Lang::En);
    assert!(!table.contains("\u{1b}[2J") && !table.contains("\u{1b}]0;"));
    assert!(!table.lines().any(|l| l.starts_with("# injected")));
    assert_no_raw_controls("table", &table, &['\n', '\u{1b}']);
}

/// Every line of a box-drawn table fits the terminal.
fn assert_table_fits(what: &str, out: &str, width: usize) {
    use unicode_width::UnicodeWidthStr;
    for line in out.lines().filter(|l| l.starts_with(['┌', '│', '├', '└'])) {
        assert!(
            line.width() <= width,
            "{what}: {} columns, wider than {width}:\n{line}",
            line.width()
        );
    }
}

#[test]
fn terminal_tables_fit_80_to_120_columns() {
    for lang in [Lang::Ja, Lang::En] {
        let r = example(lang, false);
        for width in [80, 100, 120] {
            let t = super::table::render_width(&r, lang, width);
            assert_table_fits(&format!("audit table {lang:?}"), &t, width);
            for it in &r.items {
                assert!(t.contains(&it.id), "{} missing", it.id);
            }
            let f = super::checklist_form::table_width(Catalogue::builtin(), lang, width);
            assert_table_fits(&format!("checklist form {lang:?}"), &f, width);
            assert_eq!(
                f.matches("□").count(),
                4 * Catalogue::builtin().items.len(),
                "{lang:?} {width}"
            );
        }
    }
}

#[test]
fn the_table_does_not_repeat_an_answer_that_is_the_reason() {
    let mut r = example(Lang::En, false);
    let it = &mut r.items[4];
    it.status = Status::Partial;
    it.reason = "answer: NDAs signed, no yearly check".into();
    it.evidence = serde_json::from_value(serde_json::json!([
        {"kind": "answer", "detail": "answer: NDAs signed, no yearly check"},
        {"kind": "answer", "path": "docs/nda.pdf", "detail": "evidence file"}
    ]))
    .unwrap();
    let t = super::table::render_width(&r, Lang::En, 200);
    assert_eq!(t.matches("NDAs signed").count(), 1, "{t}");
    assert!(t.contains("• docs/nda.pdf evidence file"), "{t}");
    assert!(!t.contains("and 1 more"), "{t}");
}

#[test]
fn hostile_names_cannot_become_formulas_in_csv() {
    for lang in [Lang::Ja, Lang::En] {
        let r = example(lang, true);
        let out = super::csv::render(&r, lang);
        assert!(out.starts_with('\u{feff}'), "no BOM");
        assert_no_raw_controls("csv", &out, &['\r', '\n', '\u{feff}']);
        // One physical line per item: names with newlines cannot add rows.
        assert_eq!(out.lines().count(), r.items.len() + 1);
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), r.items.len());
        for (row, it) in rows.iter().zip(&r.items) {
            assert_eq!(&row[0], it.id);
            assert_eq!(&row[5], it.status.code());
            for f in row.iter() {
                assert!(!opens_formula(f), "formula cell {f:?}");
            }
        }
        let fail = rows.iter().find(|x| &x[5] == "fail").unwrap();
        let (fail_reason, partial_reason) = match lang {
            Lang::Ja => (
                format!("{SCRIPT} ほか 2 件が誰でも読めます"),
                "'=cmd|'/c calc'!A1: 一部の条件のみ満たしています（report.pdf\\n# injected heading\\n| x | y |）",
            ),
            Lang::En => (
                format!("{SCRIPT} and 2 more are readable by everyone"),
                "'=cmd|'/c calc'!A1: only part of the condition holds (report.pdf\\n# injected heading\\n| x | y |)",
            ),
        };
        assert_eq!(&fail[7], fail_reason);
        assert!(fail[9].contains(LOSSY_B64));
        let partial = rows.iter().find(|x| &x[5] == "partial").unwrap();
        assert_eq!(&partial[7], partial_reason);
    }
}

/// Does a cell's text open a formula in Excel or LibreOffice? The test's own
/// list, not the code's: `=`, `+`, `-`, `@` and their full-width forms after
/// any spaces, or a raw tab, CR or LF first.
fn opens_formula(s: &str) -> bool {
    let t = s.trim_start_matches([' ', '\u{3000}']);
    t.starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠']) || s.starts_with(['\t', '\r', '\n'])
}

/// Hostile reasons from the audited system, the exact text of their cell, and
/// whether the cell starts like a formula (quoted: `'` in CSV, Excel's quote
/// prefix style in XLSX). Tabs and CRs are shown as `\t` / `\r`, never written.
const HOSTILE_CELLS: &[(&str, &str, bool)] = &[
    ("=cmd|'/c calc'!A1", "'=cmd|'/c calc'!A1", true),
    ("+SUM(1,2)", "'+SUM(1,2)", true),
    ("-2+3", "'-2+3", true),
    ("@SUM(A1)", "'@SUM(A1)", true),
    ("  =1+1", "'  =1+1", true),
    ("\u{3000}=1+1", "'\u{3000}=1+1", true),
    ("＝1+1", "'＝1+1", true),
    ("＋1", "'＋1", true),
    ("－1", "'－1", true),
    ("＠SUM(A1)", "'＠SUM(A1)", true),
    ("\t=1+1", "\\t=1+1", false),
    ("\r=1+1", "\\r=1+1", false),
    ("\n=1+1", "\\n=1+1", false),
    ("a=b", "a=b", false),
    ("1-2", "1-2", false),
    ("• list item", "• list item", false),
];

/// The example report with the hostile reasons above on its first items.
fn hostile_cells_report(lang: Lang) -> Report {
    let mut r = example(lang, false);
    for (it, (input, _, _)) in r.items.iter_mut().zip(HOSTILE_CELLS) {
        it.reason = format!("{input} #{}", it.id);
    }
    r
}

#[test]
fn every_formula_prefix_is_quoted_in_csv_cells() {
    for lang in [Lang::Ja, Lang::En] {
        let r = hostile_cells_report(lang);
        let out = super::csv::render(&r, lang);
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
        for (row, (input, want, _)) in rows.iter().zip(HOSTILE_CELLS) {
            assert_eq!(&row[7], format!("{want} #{}", &row[0]), "{input:?}");
        }
    }
}

/// Every string cell of every sheet: (sheet, cell, text, quote prefix set).
pub fn xlsx_cells(
    parts: &std::collections::BTreeMap<String, String>,
) -> Vec<(String, String, String, bool)> {
    let text_of = |n: roxmltree::Node| -> String {
        n.descendants()
            .filter(|d| d.has_tag_name("t"))
            .filter_map(|d| d.text())
            .collect()
    };
    let strings: Vec<String> = roxmltree::Document::parse(&parts["xl/sharedStrings.xml"])
        .unwrap()
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("si"))
        .map(text_of)
        .collect();
    let styles = roxmltree::Document::parse(&parts["xl/styles.xml"]).unwrap();
    let quoted: Vec<bool> = styles
        .descendants()
        .find(|n| n.has_tag_name("cellXfs"))
        .expect("cellXfs")
        .children()
        .filter(|n| n.has_tag_name("xf"))
        .map(|xf| xf.attribute("quotePrefix") == Some("1"))
        .collect();
    let mut out = Vec::new();
    for (name, xml) in parts
        .iter()
        .filter(|(k, _)| k.starts_with("xl/worksheets/sheet"))
    {
        let doc = roxmltree::Document::parse(xml).unwrap();
        for c in doc.descendants().filter(|n| n.has_tag_name("c")) {
            let text = match c.attribute("t") {
                Some("s") => {
                    let v = c.children().find(|n| n.has_tag_name("v")).unwrap();
                    strings[v.text().unwrap().parse::<usize>().unwrap()].clone()
                }
                Some("inlineStr") => text_of(c),
                _ => continue,
            };
            let style: usize = c.attribute("s").map(|s| s.parse().unwrap()).unwrap_or(0);
            out.push((
                name.clone(),
                c.attribute("r").unwrap_or("").to_string(),
                text,
                quoted[style],
            ));
        }
    }
    out
}

#[test]
fn every_formula_prefix_has_the_quote_prefix_in_its_own_xlsx_cell() {
    for lang in [Lang::Ja, Lang::En] {
        let r = hostile_cells_report(lang);
        let cells = xlsx_cells(&xlsx_parts(&super::xlsx::render(&r, lang).unwrap()));
        for (it, (input, want, quote)) in r.items.iter().zip(HOSTILE_CELLS) {
            // The XLSX cell holds the text itself; Excel's quote prefix is a style.
            let want = want.strip_prefix('\'').unwrap_or(want);
            let text = format!("{want} #{}", it.id);
            let found: Vec<_> = cells.iter().filter(|c| c.2 == text).collect();
            assert!(!found.is_empty(), "{input:?}: no cell {text:?}");
            for (sheet, at, _, q) in found {
                assert_eq!(*q, *quote, "{input:?} in {sheet} {at}");
            }
        }
    }
}

#[test]
fn the_tools_own_list_items_are_bullets_not_quoted_formulas() {
    // The catalogue's English remediation texts are Markdown lists (`- `):
    // in CSV a leading `-` would be guarded and Excel would show `'- Have…`.
    for lang in [Lang::Ja, Lang::En] {
        let mut r = example(lang, false);
        for it in r.items.iter_mut() {
            it.status = Status::Fail;
        }
        let out = super::csv::render(&r, lang);
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(out.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), r.items.len());
        for row in &rows {
            let fix = &row[10];
            assert!(!fix.is_empty(), "{}", &row[0]);
            assert!(!fix.starts_with('\''), "{} {lang:?}: {fix}", &row[0]);
            assert!(!opens_formula(fix), "{} {lang:?}: {fix}", &row[0]);
            assert!(
                !fix.contains(" - "),
                "{} {lang:?}: a list marker left: {fix}",
                &row[0]
            );
        }
        if lang == Lang::En {
            let adm01 = rows.iter().find(|x| &x[0] == "ADM-01").unwrap();
            assert!(
                adm01[10].starts_with("• Have the president sign"),
                "{}",
                &adm01[10]
            );
        }
        let cells = xlsx_cells(&xlsx_parts(&super::xlsx::render(&r, lang).unwrap()));
        assert!(
            cells
                .iter()
                .filter(|c| c.2.starts_with("• ") || c.2.starts_with('・'))
                .all(|c| !c.3),
            "a bullet cell carries the quote prefix"
        );
        // Untrusted text keeps its guard.
        let hostile = super::csv::render(&example(lang, true), lang);
        assert!(hostile.contains("'=cmd|"));
    }
}

#[test]
fn hostile_names_survive_json_exactly() {
    let r = example(Lang::En, true);
    let out = super::json::render(&r);
    let back: Report = serde_json::from_str(&out).unwrap();
    assert_eq!(back.organization.name, format!("{SCRIPT}{FORMULA}"));
    let fail = back
        .items
        .iter()
        .find(|i| i.status == Status::Fail)
        .unwrap();
    assert_eq!(fail.evidence[0].path.as_deref(), Some(SCRIPT));
    assert_eq!(fail.evidence[1].path_b64.as_deref(), Some(LOSSY_B64));
    assert_eq!(back.hosts[0].root, ESCAPES);
    // Control characters and bidi overrides are escaped: none raw in the file.
    assert_no_raw_controls("json", &out, &['\n']);
    assert!(out.contains("invoice\\u202efdp.exe"));
}

/// The parts of an xlsx file (a zip of XML files).
pub fn xlsx_parts(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(name, s);
        }
    }
    out
}

#[test]
fn hostile_names_cannot_become_formulas_in_xlsx() {
    for lang in [Lang::Ja, Lang::En] {
        let r = example(lang, true);
        let bytes = super::xlsx::render(&r, lang).unwrap();
        let parts = xlsx_parts(&bytes);
        let sheets: Vec<&String> = parts
            .iter()
            .filter(|(k, _)| k.starts_with("xl/worksheets/sheet"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(sheets.len(), 4, "{:?}", parts.keys().collect::<Vec<_>>());
        for s in &sheets {
            assert!(!s.contains("<f>") && !s.contains("<f "), "a formula cell");
        }
        let strings = &parts["xl/sharedStrings.xml"];
        assert!(strings.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(strings.contains("=cmd|'/c calc'!A1"));
        assert!(strings.contains(LOSSY_B64));
        assert!(!strings.contains('\u{202e}'));
        // Every cell that starts like a formula carries Excel's quote prefix.
        let cells = xlsx_cells(&parts);
        let quoted = cells.iter().filter(|c| c.3).count();
        assert!(quoted > 0, "the hostile report has formula-like cells");
        for (sheet, at, text, q) in &cells {
            assert!(
                !opens_formula(text) || *q,
                "{sheet} {at}: {text:?} unquoted"
            );
        }
        // The radar chart.
        let chart = parts
            .iter()
            .find(|(k, _)| k.starts_with("xl/charts/chart"))
            .map(|(_, v)| v)
            .expect("a chart");
        assert!(chart.contains("<c:radarChart>"), "{chart}");
        for it in &r.items {
            assert!(
                strings.contains(&format!(">{}<", it.id)),
                "{} missing",
                it.id
            );
        }
    }
}

#[test]
fn blank_form_workbook_names_every_item() {
    let cat = Catalogue::builtin();
    let parts = xlsx_parts(&super::xlsx::blank_form(cat, Lang::Ja).unwrap());
    let strings = &parts["xl/sharedStrings.xml"];
    for it in &cat.items {
        assert!(strings.contains(&format!(">{}<", it.id)), "{}", it.id);
    }
    assert!(parts["xl/worksheets/sheet1.xml"].contains("<dataValidation"));
}

#[test]
fn xlsx_rows_are_as_high_as_their_wrapped_text() {
    use super::xlsx::wrapped_lines;
    assert_eq!(wrapped_lines("short", 20.0), 1);
    assert_eq!(wrapped_lines("a\nb\nc", 20.0), 3);
    // 30 CJK characters are 60 columns: four lines in a column 18 wide.
    assert_eq!(wrapped_lines(&"技".repeat(30), 18.0), 4);
    let r = example(Lang::Ja, false);
    let parts = xlsx_parts(&super::xlsx::render(&r, Lang::Ja).unwrap());
    let sheet = &parts["xl/worksheets/sheet1.xml"];
    // Every item row (from row 5 on) has a height set for its wrapped question.
    let re =
        regex::Regex::new(r#"<row r="(\d+)"[^>]*?ht="([0-9.]+)"[^>]*customHeight="1""#).unwrap();
    let heights: std::collections::BTreeMap<u32, f64> = re
        .captures_iter(sheet)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect();
    for row in 5..5 + r.items.len() as u32 {
        let h = heights.get(&row).copied().unwrap_or(0.0);
        assert!(h >= 33.0, "row {row} is {h} pt high: {heights:?}");
    }
    // The approval block and the scope sheet.
    let strings = &parts["xl/sharedStrings.xml"];
    for s in [
        "承認者（技術情報管理責任者）",
        "署名・印",
        "組み込み定義の SHA-256",
        &r.scope.definitions_sha256,
    ] {
        assert!(strings.contains(s), "{s} not in the workbook");
    }
}

/// More unreadable paths than the report keeps: every format says how many
/// there are in all and how many are not listed; report.json carries the count.
#[test]
fn unreadable_paths_not_kept_are_counted_in_every_format() {
    for lang in [Lang::Ja, Lang::En] {
        let mut r = example(lang, false);
        r.coverage.unreadable_more = 1234;
        r.scope = super::scope::scope(&r, &crate::profile::Profile::empty(), &input_scope());
        assert_eq!(r.scope.counts.unreadable, 1235);
        let md = super::markdown::render(&r, lang);
        let html = super::html::render(&r, lang);
        let table = super::table::render(&r, lang);
        let (md_more, html_more, table_more) = match lang {
            Lang::Ja => (
                "ほか 1234 件（パス順の最初の 1 件のみ記載）",
                "… 1234 件は記載を省略",
                "ほか 1234 件",
            ),
            Lang::En => (
                "and 1234 more (only the first 1, by path, are listed)",
                "… 1234 more not listed",
                "and 1234 more (the first 1 by path",
            ),
        };
        assert!(md.contains("(1235):"), "{md}");
        assert!(md.contains(md_more), "{md}");
        assert!(html.contains("(1235)</h3>"), "html heading");
        assert!(html.contains(html_more), "html note");
        assert!(table.contains(table_more), "{table}");
        let json: serde_json::Value = serde_json::from_str(&super::json::render(&r)).unwrap();
        assert_eq!(json["coverage"]["unreadable_more"], 1234);
        assert_eq!(json["scope"]["counts"]["unreadable"], 1235);
    }
    // Nothing left out: no field, so reports of small shares are unchanged.
    let r = example(Lang::En, false);
    let json: serde_json::Value = serde_json::from_str(&super::json::render(&r)).unwrap();
    assert!(json["coverage"].get("unreadable_more").is_none());
    assert!(json["coverage"].get("other_filesystems_more").is_none());
}
