//! An item's evidence as the page shows it: a table of kind, where and
//! details, at most [`EVIDENCE_SHOWN`] rows.

use super::labels::kind_label;
use crate::i18n::Lang;
use crate::model::Evidence;

/// How many evidence entries the page shows per item; report.json has them all.
pub const EVIDENCE_SHOWN: usize = 500;

/// One piece of an evidence row's "where" or "details" cell.
pub(super) enum Piece {
    /// A path, with its line when there is one.
    Path(String, Option<usize>),
    /// The exact bytes of a non-UTF-8 name.
    Base64(String),
    /// Code: a principal or a configuration excerpt.
    Code(String),
    /// An asset from the register.
    Asset(String),
    /// Plain text: a detail or a date.
    Text(String),
    Sha256(String),
}

pub(super) struct EvidenceRow {
    pub(super) kind: &'static str,
    pub(super) location: Vec<Piece>,
    pub(super) about: Vec<Piece>,
}

pub(super) struct EvidenceTable {
    pub(super) total: usize,
    pub(super) rows: Vec<EvidenceRow>,
    /// How many are not shown.
    pub(super) more: usize,
}

pub(super) fn evidence_table(ev: &[Evidence<String>], lang: Lang) -> Option<EvidenceTable> {
    if ev.is_empty() {
        return None;
    }
    let rows = ev
        .iter()
        .take(EVIDENCE_SHOWN)
        .map(|e| {
            let mut location = Vec::new();
            if let Some(p) = &e.path {
                location.push(Piece::Path(p.clone(), e.line));
            }
            if let Some(b) = &e.path_b64 {
                location.push(Piece::Base64(b.clone()));
            }
            if let Some(p) = &e.principal {
                location.push(Piece::Code(p.clone()));
            }
            if let Some(a) = &e.asset {
                location.push(Piece::Asset(a.clone()));
            }
            let mut about = Vec::new();
            if let Some(x) = &e.excerpt {
                about.push(Piece::Code(x.clone()));
            }
            if let Some(d) = &e.detail {
                about.push(Piece::Text(d.clone()));
            }
            if let Some(d) = &e.date {
                about.push(Piece::Text(d.clone()));
            }
            if let Some(h) = &e.sha256 {
                about.push(Piece::Sha256(h.clone()));
            }
            EvidenceRow {
                kind: kind_label(e.kind, lang),
                location,
                about,
            }
        })
        .collect();
    Some(EvidenceTable {
        total: ev.len(),
        rows,
        more: ev.len().saturating_sub(EVIDENCE_SHOWN),
    })
}
