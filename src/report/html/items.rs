//! The checklist form: the score table (one row per criterion) and one section
//! per criterion with each of its items.

use super::evidence::{EvidenceTable, evidence_table};
use super::labels::{Badge, badge};
use super::rich::{Block, rich};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::Status;
use crate::report::markdown::score_text;
use crate::report::model::ReportItem;
use crate::report::{Report, words};

/// One checklist item as the page shows it.
pub(super) struct ItemView<'a> {
    pub(super) it: &'a ReportItem,
    pub(super) title: &'a str,
    pub(super) badge: Badge,
    /// The question and its source label.
    pub(super) question: Option<(Vec<Block>, &'static str)>,
    pub(super) answered: Option<String>,
    pub(super) evidence: Option<EvidenceTable>,
    /// The computed status, the word after "computed", its reason and evidence.
    pub(super) computed: Option<(Badge, &'static str, String, Option<EvidenceTable>)>,
    pub(super) remediation: Option<Vec<Block>>,
}

fn item_view<'a>(it: &'a ReportItem, cat: &Catalogue, lang: Lang) -> ItemView<'a> {
    let w = words(lang);
    ItemView {
        it,
        title: it.title.get(lang),
        badge: badge(it.status, lang),
        question: cat
            .item(&it.id)
            .map(|def| (rich(def.question.get(lang)), def.source.label(lang))),
        answered: it
            .answer
            .as_ref()
            .and_then(|a| crate::report::scope::answer_line(a, lang)),
        evidence: evidence_table(&it.evidence, lang),
        computed: it.computed_status.map(|cs| {
            (
                badge(cs, lang),
                if it.waived { w.waived } else { w.for_reference },
                it.computed_reason.clone().unwrap_or_default(),
                it.computed_evidence
                    .as_deref()
                    .and_then(|ce| evidence_table(ce, lang)),
            )
        }),
        remediation: (!it.status.needs_no_fix()).then(|| rich(it.remediation.get(lang))),
    }
}

/// A section of the checklist form: one criterion (one printed page).
pub(super) struct Section<'a> {
    /// `None` for items of a criterion this version does not know.
    pub(super) id: Option<&'a str>,
    pub(super) title: &'a str,
    pub(super) score: String,
    pub(super) items: Vec<ItemView<'a>>,
}

pub(super) struct CriterionRow<'a> {
    pub(super) id: &'a str,
    pub(super) name: &'a str,
    pub(super) score: Option<String>,
    pub(super) counts: Vec<usize>,
}

/// The score table: each criterion's score and count per status.
pub(super) fn criterion_rows(r: &Report, lang: Lang) -> Vec<CriterionRow<'_>> {
    let cat = Catalogue::builtin();
    r.summary
        .criteria
        .iter()
        .map(|c| CriterionRow {
            id: &c.id,
            name: cat
                .criterion(&c.id)
                .map(|x| x.title.get(lang))
                .unwrap_or(""),
            score: c.score.map(|s| score_text(Some(s))),
            counts: Status::ALL
                .iter()
                .map(|s| c.counts.get(s).copied().unwrap_or(0))
                .collect(),
        })
        .collect()
}

/// One section per criterion with its items, and one for the items of a
/// criterion this version does not know.
pub(super) fn sections(r: &Report, lang: Lang) -> Vec<Section<'_>> {
    let cat = Catalogue::builtin();
    let mut sections: Vec<Section> = cat
        .criteria
        .iter()
        .map(|c| Section {
            id: Some(&c.id),
            title: c.title.get(lang),
            score: score_text(
                r.summary
                    .criteria
                    .iter()
                    .find(|x| x.id == c.id)
                    .and_then(|x| x.score),
            ),
            items: r
                .items
                .iter()
                .filter(|i| i.criterion == c.id)
                .map(|it| item_view(it, cat, lang))
                .collect(),
        })
        .collect();
    // Items of a criterion this version does not know (a report from a newer checklist).
    let unknown: Vec<_> = r
        .items
        .iter()
        .filter(|i| cat.criterion(&i.criterion).is_none())
        .map(|it| item_view(it, cat, lang))
        .collect();
    if !unknown.is_empty() {
        sections.push(Section {
            id: None,
            title: "",
            score: String::new(),
            items: unknown,
        });
    }
    sections
}
