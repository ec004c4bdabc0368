//! Reports: one renderer per format, dispatched in one place.

pub mod build;
pub mod cells;
pub mod checklist_doc;
pub mod checklist_form;
pub mod csv;
pub mod diff;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod scope;
pub mod table;
pub mod xlsx;

pub use model::Report;

use crate::i18n::Lang;

/// Output formats. Which commands accept which is checked by the CLI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Md,
    Csv,
    Html,
    Xlsx,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Md => "md",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Can this format be printed on stdout by this version? (XLSX is binary: it is
/// written to `--out DIR` only.)
pub fn render_kind(format: Format) -> Option<()> {
    (format != Format::Xlsx).then_some(())
}

/// Renders a report as text for stdout; `None` when this version cannot render the
/// format as text.
pub fn render(report: &Report, format: Format, lang: Lang) -> Option<String> {
    match format {
        Format::Table => Some(table::render(report, lang)),
        Format::Json => Some(json::render(report)),
        Format::Md => Some(markdown::render(report, lang)),
        Format::Csv => Some(csv::render(report, lang)),
        Format::Html => Some(html::render(report, lang)),
        Format::Xlsx => None,
    }
}

/// Text from the audited system made safe for one terminal or Markdown line:
/// control characters (newlines, escape sequences) are shown, never obeyed.
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c) =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// UI words of the reports, per language.
pub struct Words {
    pub title: &'static str,
    pub organization: &'static str,
    pub audit_date: &'static str,
    pub generated: &'static str,
    pub hosts: &'static str,
    pub score: &'static str,
    pub criterion: &'static str,
    pub item: &'static str,
    pub status: &'static str,
    pub reason: &'static str,
    pub evidence: &'static str,
    pub remediation: &'static str,
    pub question: &'static str,
    pub source: &'static str,
    pub rule: &'static str,
    pub why: &'static str,
    pub waived: &'static str,
    pub computed: &'static str,
    pub timeline: &'static str,
    pub certified_on: &'static str,
    pub expires_on: &'static str,
    pub next_report: &'static str,
    pub coverage: &'static str,
    pub warnings: &'static str,
    pub details: &'static str,
    pub answer: &'static str,
    pub remarks: &'static str,
    pub for_reference: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    const JA: Words = Words {
        title: "技術情報管理 セルフチェック結果",
        organization: "事業者",
        audit_date: "監査日",
        generated: "作成日時",
        hosts: "対象ホスト",
        score: "スコア",
        criterion: "管理基準",
        item: "項目",
        status: "判定",
        reason: "理由",
        evidence: "証跡",
        remediation: "改善方法",
        question: "確認事項",
        source: "判定方法",
        rule: "判定基準",
        why: "なぜ必要か",
        waived: "例外承認",
        computed: "自動判定",
        timeline: "認証の期限",
        certified_on: "認証日",
        expires_on: "有効期限",
        next_report: "次回定期報告の期限",
        coverage: "調査範囲",
        warnings: "注意",
        details: "不適合・要確認の項目",
        answer: "回答",
        remarks: "備考",
        for_reference: "参考",
    };
    const EN: Words = Words {
        title: "Technology information management self-check",
        organization: "Organization",
        audit_date: "Audit date",
        generated: "Generated",
        hosts: "Hosts",
        score: "Score",
        criterion: "Criterion",
        item: "Item",
        status: "Status",
        reason: "Reason",
        evidence: "Evidence",
        remediation: "How to fix",
        question: "Question",
        source: "Decided by",
        rule: "Rule",
        why: "Why it matters",
        waived: "waived",
        computed: "computed",
        timeline: "Certification timeline",
        certified_on: "Certified on",
        expires_on: "Expires on",
        next_report: "Next periodic report due",
        coverage: "Coverage",
        warnings: "Warnings",
        details: "Items that need attention",
        answer: "Answer",
        remarks: "Remarks",
        for_reference: "for reference",
    };
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// One evidence entry as a single line of text (for the table and Markdown).
pub fn evidence_line(e: &crate::model::Evidence<String>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = &e.path {
        match e.line {
            Some(l) => parts.push(format!("{}:{l}", one_line(p))),
            None => parts.push(one_line(p)),
        }
    }
    if let Some(b) = &e.path_b64 {
        // The exact bytes of a name that is not UTF-8 (`path` is lossy).
        parts.push(format!("(base64:{})", one_line(b)));
    }
    if let Some(p) = &e.principal {
        parts.push(one_line(p));
    }
    if let Some(a) = &e.asset {
        parts.push(format!("[{}]", one_line(a)));
    }
    if let Some(d) = &e.date {
        parts.push(d.clone());
    }
    if let Some(x) = &e.excerpt {
        parts.push(format!("`{}`", one_line(x)));
    }
    if let Some(d) = &e.detail {
        parts.push(one_line(d));
    }
    if let Some(h) = &e.sha256 {
        parts.push(format!("sha256:{}", &h[..h.len().min(16)]));
    }
    parts.join(" ")
}

#[cfg(test)]
pub(crate) mod tests;
