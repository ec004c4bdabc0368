//! `report.html`: one self-contained page for people — summary, a radar chart of
//! the six criteria, every item with its status, reason, evidence and how to fix
//! it, coverage and warnings.
//!
//! Self-contained: no scripts at all, no external fonts, styles or images (a
//! Content-Security-Policy says so to the browser too, so even a mistake in
//! escaping could not run or load anything). Printable on A4, one criterion per
//! page; statuses are told apart by text and symbol, not only by colour, so a
//! black-and-white printout reads the same.
//!
//! The markup lives in askama templates next to this folder
//! (`src/report/templates/`: `report.html`, its macros `report-parts.html`, the
//! style sheet `report.css` and the chart `radar.svg`), checked when the crate
//! is compiled. Every `{{ value }}` in them is escaped by [`Escaper`]; these
//! files only gather the values (plain text, never markup) the templates print.
//! Text from the audited system or the profile goes through the `oneline`
//! filter as well, so control and bidi-override characters are shown, never
//! obeyed.
//!
//! This file puts the page together; by concern: `escape.rs` (the escaper and
//! [`untrusted`]), `labels.rs` (the page's own words and status badges),
//! `rich.rs` (the checklist's rich text), `radar.rs` (the radar chart),
//! `evidence.rs` (evidence tables), `items.rs` (score table and one section per
//! criterion with its items), `changes.rs` (changes since the last audit).

mod changes;
mod escape;
mod evidence;
mod items;
mod labels;
mod radar;
mod rich;

pub use escape::{Escaper, esc, untrusted};
pub use evidence::EVIDENCE_SHOWN;
pub use labels::{Badge, symbol};
pub use radar::{Radar, radar_svg, wrap_words};
pub use rich::{Block, Inline, rich};

use self::changes::{ChangesView, changes_view};
use self::evidence::Piece;
use self::items::{CriterionRow, Section, criterion_rows, sections};
use self::labels::{Ui, ui};
use super::markdown::score_text;
use super::scope::{ScopeRow, ScopeWords};
use super::{Report, Words, one_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::Status;
use askama::Template;

/// Template filters.
mod filters {
    /// `{{ x|oneline }}`: text from the audited system or the profile, with
    /// control and bidi-override characters shown as `\n`, `\u{202e}`… (the
    /// escaper then escapes the result).
    #[askama::filter_fn]
    pub fn oneline(s: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::one_line(&s.to_string()))
    }
}

/// One line of the header's list: a label and what follows it.
enum MetaValue {
    /// Text from the report (printed through `oneline`).
    Text(String),
    /// A host: its label, kind and root.
    Host {
        label: String,
        kind: String,
        root: String,
    },
    /// The certification timeline.
    Timeline {
        certified_on: String,
        expires_on: String,
        next_report: String,
        state: TimelineState,
    },
}

enum TimelineState {
    Expired,
    RenewalDue(String),
    DaysLeft(i64),
}

/// The whole page (`templates/report.html`).
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    lang: &'static str,
    r: &'a Report,
    w: &'static Words,
    u: &'static Ui,
    sw: &'static ScopeWords,
    meta: Vec<(&'static str, MetaValue)>,
    overall: String,
    radar: String,
    /// Symbol and word of every status, for the heads of the count columns.
    statuses: Vec<(&'static str, &'static str)>,
    criteria: Vec<CriterionRow<'a>>,
    totals: Vec<usize>,
    changes_title: &'static str,
    changes: Option<ChangesView<'a>>,
    /// ID and title of every criterion, for the contents.
    contents: Vec<(&'a str, &'a str)>,
    sections: Vec<Section<'a>>,
    /// Inventory and coverage counts with their labels.
    counts: Vec<(&'static str, u64)>,
    scope: Vec<ScopeRow>,
    /// Prepared by / approved by: label, who, when.
    approval: Vec<(&'static str, Option<String>, Option<String>)>,
}

pub fn render(r: &Report, lang: Lang) -> String {
    let w = words(lang);
    let u = ui(lang);
    let cat = Catalogue::builtin();
    let sw = super::scope::scope_words(lang);
    let page = Page {
        lang: lang.code(),
        r,
        w,
        u,
        sw,
        meta: meta_rows(r, lang),
        overall: score_text(r.summary.score),
        radar: radar_svg(&radar_points(r, lang), lang),
        statuses: Status::ALL
            .iter()
            .map(|s| (symbol(*s), s.label(lang)))
            .collect(),
        criteria: criterion_rows(r, lang),
        totals: Status::ALL
            .iter()
            .map(|s| r.summary.counts.get(s).copied().unwrap_or(0))
            .collect(),
        changes_title: if lang == Lang::Ja {
            "前回の監査からの変化"
        } else {
            "Changes since the last audit"
        },
        changes: r.changes.as_ref().map(|ch| changes_view(ch, cat, lang)),
        contents: cat
            .criteria
            .iter()
            .map(|c| (c.id.as_str(), c.title.get(lang)))
            .collect(),
        sections: sections(r, lang),
        counts: counts(r, lang),
        scope: super::scope::rows(&r.scope, lang),
        approval: approval_rows(r, lang),
    };
    // Rendering into a String fails only if a value's Display fails, which
    // none of these (strings, numbers, dates) does.
    let mut out = page.render().unwrap_or_default();
    // askama drops the newline at the end of a template file; the page ends
    // with one.
    out.push('\n');
    out
}

/// The list under the title: organisation, certification, dates, hosts,
/// checklist, tool, certification timeline.
fn meta_rows(r: &Report, lang: Lang) -> Vec<(&'static str, MetaValue)> {
    let w = words(lang);
    let u = ui(lang);
    let mut meta = vec![(w.organization, MetaValue::Text(r.organization.name.clone()))];
    if let Some(b) = &r.organization.certification_body {
        meta.push((u.body, MetaValue::Text(b.clone())));
    }
    if let Some(id) = &r.organization.certificate_id {
        meta.push((u.certificate, MetaValue::Text(id.clone())));
    }
    meta.push((w.audit_date, MetaValue::Text(r.audit_date.to_string())));
    meta.push((w.generated, MetaValue::Text(r.generated_at.clone())));
    for h in &r.hosts {
        meta.push((
            w.hosts,
            MetaValue::Host {
                label: crate::collect::host_label(&h.name).get(lang).to_string(),
                kind: h.kind.clone(),
                root: h.root.clone(),
            },
        ));
    }
    meta.push((
        u.checklist,
        MetaValue::Text(format!("{} {}", r.checklist.id, r.checklist.version)),
    ));
    meta.push((
        u.tool,
        MetaValue::Text(format!("{} {}", r.tool.name, r.tool.version)),
    ));
    if let Some(t) = &r.timeline {
        meta.push((
            w.timeline,
            MetaValue::Timeline {
                certified_on: t.certified_on.to_string(),
                expires_on: t.expires_on.to_string(),
                next_report: t.next_periodic_report_due.to_string(),
                state: if t.expired {
                    TimelineState::Expired
                } else if t.renewal_due {
                    TimelineState::RenewalDue(t.next_step(lang))
                } else {
                    TimelineState::DaysLeft(t.days_to_periodic_report)
                },
            },
        ));
    }
    meta
}

/// The radar chart's points: each criterion's ID, name and score.
fn radar_points(r: &Report, lang: Lang) -> Vec<(String, String, Option<f64>)> {
    let cat = Catalogue::builtin();
    r.summary
        .criteria
        .iter()
        .map(|c| {
            let name = cat
                .criterion(&c.id)
                .map(|x| x.title.get(lang).to_string())
                .unwrap_or_default();
            (c.id.clone(), name, c.score)
        })
        .collect()
}

/// The inventory and coverage counts with their labels.
fn counts(r: &Report, lang: Lang) -> Vec<(&'static str, u64)> {
    let u = ui(lang);
    let (inv, cov) = (&r.inventory, &r.coverage);
    u.inventory
        .iter()
        .zip([inv.files, inv.bytes, inv.protected, inv.marked, inv.hashed])
        .chain(
            u.coverage_counts
                .iter()
                .zip([cov.vanished, cov.loops, cov.skipped_special]),
        )
        .map(|(l, v)| (*l, v))
        .collect()
}

/// Prepared by / approved by: label, who, when.
fn approval_rows(r: &Report, lang: Lang) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let sw = super::scope::scope_words(lang);
    let a = &r.approval;
    vec![
        (
            sw.prepared_by,
            a.prepared_by.clone(),
            a.prepared_on.map(|d| d.to_string()),
        ),
        (
            sw.approved_by,
            a.approved_by.clone(),
            a.approved_on.map(|d| d.to_string()),
        ),
    ]
}

#[cfg(test)]
mod tests;
