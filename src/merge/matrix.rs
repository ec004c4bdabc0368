//! The host × item matrix of a company bundle: `matrix.json`, `matrix.md`,
//! `matrix.html`, `matrix.csv` (and `matrix.xlsx` in [`super::xlsx`]).
//!
//! Rows are checklist items, columns hosts; each cell is the host's status (its
//! reason in `matrix.json`, `matrix.csv` and the HTML cell's tooltip). Host names
//! and reasons come from the audited systems: escaped in HTML and Markdown,
//! guarded against formulas in CSV/XLSX, with the report renderers' helpers.

use super::HostBundle;
use crate::i18n::{Lang, Text};
use crate::model::Status;
use crate::report::Report;
use crate::report::cells::cell;
use crate::report::html::{esc, symbol, untrusted};
use crate::report::markdown;
use serde::Serialize;
use std::fmt::Write;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Matrix {
    pub schema_version: u32,
    pub organization: String,
    pub audit_date: chrono::NaiveDate,
    pub generated_at: String,
    pub score: Option<f64>,
    /// How the company status was decided, in words.
    pub rule: Text,
    pub hosts: Vec<MatrixHost>,
    pub items: Vec<MatrixItem>,
}

#[derive(Debug, Serialize)]
pub struct MatrixHost {
    /// The column name (host names of the bundle joined with `+`).
    pub name: String,
    /// linux, windows, linux+windows.
    pub kind: String,
    /// Only exported Windows evidence (no Linux host walked).
    pub evidence_only: bool,
    /// The host bundle's folder in the company bundle.
    pub bundle: String,
    /// SHA-256 of that bundle's MANIFEST.sha256.
    pub manifest_sha256: String,
    pub audit_date: chrono::NaiveDate,
    pub generated_at: String,
    pub score: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct MatrixItem {
    pub id: String,
    pub criterion: String,
    pub title: Text,
    pub source: String,
    /// `host` (worst over the hosts) or `organization` (decided once).
    pub scope: &'static str,
    pub company: Status,
    /// One cell per host, in the order of `hosts`; `None` when the host's
    /// report lacks the item.
    pub cells: Vec<Option<Cell>>,
}

#[derive(Debug, Serialize)]
pub struct Cell {
    pub status: Status,
    pub reason: Text,
}

impl Matrix {
    pub fn new(r: &Report, bundles: &[HostBundle]) -> Matrix {
        let cat = crate::catalogue::Catalogue::builtin();
        Matrix {
            schema_version: SCHEMA_VERSION,
            organization: r.organization.name.clone(),
            audit_date: r.audit_date,
            generated_at: r.generated_at.clone(),
            score: r.summary.score,
            rule: rule_text(),
            hosts: bundles
                .iter()
                .map(|b| MatrixHost {
                    name: b.label.clone(),
                    kind: b.kind(),
                    evidence_only: b.evidence_only(),
                    bundle: format!("hosts/{}", b.dir),
                    manifest_sha256: b.manifest_sha256.clone(),
                    audit_date: b.audit_date,
                    generated_at: b.generated_at.clone(),
                    score: b.score,
                })
                .collect(),
            items: r
                .items
                .iter()
                .map(|i| MatrixItem {
                    id: i.id.clone(),
                    criterion: i.criterion.clone(),
                    title: i.title.clone(),
                    source: i.source.clone(),
                    scope: if super::per_host(cat, &i.id, &i.source) {
                        "host"
                    } else {
                        "organization"
                    },
                    company: i.status,
                    cells: bundles
                        .iter()
                        .map(|b| {
                            b.item(&i.id).map(|h| Cell {
                                status: h.status,
                                reason: h.reason.clone(),
                            })
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    pub fn json(&self) -> String {
        let s = serde_json::to_string_pretty(self).expect("a matrix always serializes");
        let mut out = String::with_capacity(s.len() + 1);
        for c in s.chars() {
            if crate::report::json::is_bidi_control(c) {
                let _ = write!(out, "\\u{:04x}", c as u32);
            } else {
                out.push(c);
            }
        }
        out.push('\n');
        out
    }

    pub fn markdown(&self, lang: Lang) -> String {
        let w = words(lang);
        let mut o = String::new();
        let _ = writeln!(o, "# {}\n", w.title);
        let _ = writeln!(
            o,
            "- {}: {}",
            w.organization,
            markdown::esc(&self.organization)
        );
        let _ = writeln!(o, "- {}: {}", w.audit_date, self.audit_date);
        let _ = writeln!(o, "- {}: {}", w.score, markdown::score_text(self.score));
        let _ = writeln!(o, "- {}\n", self.rule.get(lang));
        let _ = writeln!(o, "## {}\n", w.hosts);
        let _ = writeln!(
            o,
            "| # | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|",
            w.host, w.kind, w.audit_date, w.score, w.bundle
        );
        for (k, h) in self.hosts.iter().enumerate() {
            let _ = writeln!(
                o,
                "| H{} | {} | {} | {} | {} | {} |",
                k + 1,
                markdown::esc(&h.name),
                kind_text(h, lang),
                h.audit_date,
                markdown::score_text(h.score),
                markdown::esc(&h.bundle)
            );
        }
        let _ = writeln!(o, "\n## {}\n", w.matrix);
        let mut head = format!("| ID | {} | {} |", w.item, w.company);
        let mut rule = String::from("|---|---|---|");
        for (k, _) in self.hosts.iter().enumerate() {
            let _ = write!(head, " H{} |", k + 1);
            rule.push_str("---|");
        }
        let _ = writeln!(o, "{head}\n{rule}");
        for i in &self.items {
            let _ = write!(
                o,
                "| {} | {}{} | {} |",
                i.id,
                markdown::esc(i.title.get(lang)),
                if i.scope == "organization" {
                    format!(" ({})", w.org_item)
                } else {
                    String::new()
                },
                status_text(i.company, lang)
            );
            for c in &i.cells {
                let _ = write!(o, " {} |", c.as_ref().map_or("·", |c| symbol(c.status)));
            }
            o.push('\n');
        }
        let _ = writeln!(o, "\n{}", legend(lang));
        o
    }

    pub fn html(&self, lang: Lang) -> String {
        let w = words(lang);
        let mut o = String::new();
        let _ = write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
            lang.code(),
            esc(w.title),
            esc(w.title)
        );
        let _ = writeln!(
            o,
            "<p>{}: {} · {}: {} · {}: {} · <a href=\"report.html\">report.html</a></p>\n<p class=\"note\">{}</p>",
            esc(w.organization),
            untrusted(&self.organization),
            esc(w.audit_date),
            self.audit_date,
            esc(w.score),
            markdown::score_text(self.score),
            esc(self.rule.get(lang))
        );
        self.html_hosts(&mut o, lang);
        let _ = writeln!(o, "</tbody></table>\n<h2>{}</h2>", esc(w.matrix));
        let _ = write!(
            o,
            "<table class=\"matrix\"><thead><tr><th>ID</th><th>{}</th><th>{}</th>",
            esc(w.item),
            esc(w.company)
        );
        for (k, h) in self.hosts.iter().enumerate() {
            let _ = write!(
                o,
                "<th title=\"{}\">H{}<br>{}</th>",
                untrusted(&h.name),
                k + 1,
                untrusted(&h.name)
            );
        }
        o.push_str("</tr></thead>\n<tbody>\n");
        for i in &self.items {
            self.html_row(&mut o, i, lang);
        }
        let _ = writeln!(
            o,
            "</tbody></table>\n<p class=\"note\">{}</p>\n</body>\n</html>",
            esc(&legend(lang))
        );
        o
    }

    /// The hosts table: each host's column label, name (a link to its report),
    /// kind, audit date, score and manifest digest.
    fn html_hosts(&self, o: &mut String, lang: Lang) {
        let w = words(lang);
        let _ = writeln!(
            o,
            "<h2>{}</h2>\n<table class=\"hosts\"><thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>MANIFEST.sha256</th></tr></thead><tbody>",
            esc(w.hosts),
            esc(w.host),
            esc(w.kind),
            esc(w.audit_date),
            esc(w.score)
        );
        for (k, h) in self.hosts.iter().enumerate() {
            let _ = writeln!(
                o,
                "<tr><td>H{}</td><td><a href=\"{}/report.html\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                k + 1,
                esc(&url_path(&h.bundle)),
                untrusted(&h.name),
                esc(&kind_text(h, lang)),
                h.audit_date,
                markdown::score_text(h.score),
                esc(&h.manifest_sha256)
            );
        }
    }

    /// One item's row of the matrix: its company status and one cell per host,
    /// the host's reason as the cell's tooltip.
    fn html_row(&self, o: &mut String, i: &MatrixItem, lang: Lang) {
        let w = words(lang);
        let org = if i.scope == "organization" {
            format!(" <span class=\"note\">({})</span>", esc(w.org_item))
        } else {
            String::new()
        };
        let _ = write!(
            o,
            "<tr id=\"item-{id}\"><th class=\"id\"><a href=\"report.html#item-{id}\">{id}</a></th><td>{}{org}</td><td class=\"s-{}\">{}</td>",
            esc(i.title.get(lang)),
            i.company.code(),
            esc(&status_text(i.company, lang)),
            id = esc(&i.id),
        );
        for (c, h) in i.cells.iter().zip(&self.hosts) {
            match c {
                Some(c) => {
                    let _ = write!(
                        o,
                        "<td class=\"s-{}\" title=\"{}: {}\"><a href=\"{}/report.html#item-{}\">{}</a></td>",
                        c.status.code(),
                        untrusted(&h.name),
                        untrusted(c.reason.get(lang)),
                        esc(&url_path(&h.bundle)),
                        esc(&i.id),
                        esc(&status_text(c.status, lang))
                    );
                }
                None => o.push_str("<td class=\"missing\">·</td>"),
            }
        }
        o.push_str("</tr>\n");
    }

    /// One row per item × host (long format, for a pivot table), UTF-8 with a BOM.
    pub fn csv(&self, lang: Lang) -> String {
        let w = words(lang);
        let mut out = String::from("\u{feff}");
        let mut wr = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let head = [
            "ID",
            w.criterion,
            w.item,
            w.scope,
            w.company,
            w.company_code,
            w.host,
            w.kind,
            w.host_status,
            w.host_code,
            w.reason,
        ];
        let _ = wr.write_record(head);
        for i in &self.items {
            for (c, h) in i.cells.iter().zip(&self.hosts) {
                let (st, code, reason) = match c {
                    Some(c) => (
                        status_text(c.status, lang),
                        c.status.code().to_string(),
                        c.reason.get(lang).to_string(),
                    ),
                    None => (String::new(), String::new(), String::new()),
                };
                let _ = wr.write_record([
                    cell(&i.id),
                    cell(&i.criterion),
                    cell(i.title.get(lang)),
                    cell(i.scope),
                    cell(&status_text(i.company, lang)),
                    cell(i.company.code()),
                    cell(&h.name),
                    cell(&kind_text(h, lang)),
                    cell(&st),
                    cell(&code),
                    cell(&reason),
                ]);
            }
        }
        let bytes = wr.into_inner().unwrap_or_default();
        out.push_str(&String::from_utf8_lossy(&bytes));
        out
    }
}

/// Relative link to a host folder: each segment percent-encoded where needed.
fn url_path(p: &str) -> String {
    let mut o = String::new();
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.') {
            o.push(b as char);
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

pub(crate) use crate::report::xlsx::status_text;

pub fn kind_text(h: &MatrixHost, lang: Lang) -> String {
    if h.evidence_only {
        match lang {
            Lang::Ja => format!("{}（証跡のみ）", h.kind),
            Lang::En => format!("{} (evidence only)", h.kind),
        }
    } else {
        h.kind.clone()
    }
}

pub fn rule_text() -> Text {
    Text::new(
        "全社の判定: ホストに依存する項目（自動判定を含む項目）は、該当するホストのうち最も悪い判定（不適合 > 判定不能 > 未回答 > 一部適合 > 代替措置で適合 > 適合）。「該当なし」はすべてのホストで該当なしの場合だけ。組織の項目（記録・回答による項目）は基準ホスト（最初の証跡一式）の判定。",
        "Company status: for host items (those with an automatic part) the worst over the hosts where the item applies (fail > error > unanswered > partial > met by alternative > pass); not applicable only when it is so on every host. Organisational items (records, answers) are decided once, by the reference host (the first bundle).",
    )
}

fn legend(lang: Lang) -> String {
    let list = Status::ALL
        .iter()
        .map(|s| status_text(*s, lang))
        .collect::<Vec<_>>()
        .join(" · ");
    match lang {
        Lang::Ja => format!("凡例: {list} · · 項目なし"),
        Lang::En => format!("Legend: {list} · · item missing"),
    }
}

pub struct Words {
    pub title: &'static str,
    pub organization: &'static str,
    pub audit_date: &'static str,
    pub score: &'static str,
    pub hosts: &'static str,
    pub host: &'static str,
    pub kind: &'static str,
    pub bundle: &'static str,
    pub matrix: &'static str,
    pub item: &'static str,
    pub criterion: &'static str,
    pub company: &'static str,
    pub company_code: &'static str,
    pub host_status: &'static str,
    pub host_code: &'static str,
    pub reason: &'static str,
    pub scope: &'static str,
    pub org_item: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    const JA: Words = Words {
        title: "技術情報管理 セルフチェック 全社（ホスト別）",
        organization: "事業者",
        audit_date: "監査日",
        score: "スコア",
        hosts: "対象ホスト",
        host: "ホスト",
        kind: "種類",
        bundle: "証跡一式",
        matrix: "ホスト × 項目",
        item: "項目",
        criterion: "管理基準",
        company: "全社",
        company_code: "全社の判定コード",
        host_status: "ホストの判定",
        host_code: "ホストの判定コード",
        reason: "理由",
        scope: "範囲",
        org_item: "組織の項目",
    };
    const EN: Words = Words {
        title: "Technology information management self-check: company by host",
        organization: "Organization",
        audit_date: "Audit date",
        score: "Score",
        hosts: "Hosts",
        host: "Host",
        kind: "Kind",
        bundle: "Bundle",
        matrix: "Host × item",
        item: "Item",
        criterion: "Criterion",
        company: "Company",
        company_code: "Company status code",
        host_status: "Host status",
        host_code: "Host status code",
        reason: "Reason",
        scope: "Scope",
        org_item: "organisational item",
    };
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

const CSS: &str = "body{font-family:system-ui,'Hiragino Sans','Noto Sans CJK JP','IPAGothic',sans-serif;margin:1.5em;color:#222}\
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:top}\
thead th{background:#d9d9d9;position:sticky;top:0}.matrix td{white-space:nowrap}.matrix td a{color:inherit;text-decoration:none}\
.note{color:#555;font-size:12px}.id{text-align:left}\
.s-pass{background:#c6efce;color:#006100}.s-partial{background:#ffeb9c;color:#7f4f00}\
.s-fail{background:#ffc7ce;color:#9c0006;font-weight:bold}.s-not_applicable{background:#ededed;color:#404040}\
.s-error{background:#e4d7f5;color:#4b1a7a;font-weight:bold}.s-unanswered{background:#ddebf7;color:#0b3f7a}\
.missing{background:#fff;color:#999}\
@media print{thead th{position:static}}";
