//! ADM — 管理者の選任 (appointment of an administrator).

pub mod adm01;
pub mod adm02;
pub mod adm03;
pub mod adm04;
pub mod adm05;
pub mod adm06;
pub mod adm07;

crate::rules::items! {
    adm01,
    adm02,
    adm03,
    adm04,
    adm05,
    adm06,
    adm07,
}

use crate::i18n::Text;
use crate::model::{Evidence, EvidenceKind, Outcome};
use crate::profile::ReviewKind;
use crate::rules::Context;
use crate::rules::kit::common::{Findings, LocalFile, days, local_file_state, within};
use crate::tr;

/// Evidence for a person of the roster.
pub fn person_evidence(account: &str, detail: Text) -> Evidence {
    Evidence::new(EvidenceKind::Person)
        .principal(format!("user:{account}"))
        .detail(detail)
}

/// A `reviews` entry of `kind` within `review_interval_days` (ADM-04, ADM-07, ACC-06).
pub fn recent_review(ctx: &Context, kind: ReviewKind, ja: &str, en: &str) -> Outcome {
    let p = ctx.profile;
    let window = p.thresholds.review_interval_days;
    let mut dated: Vec<_> = p
        .reviews
        .iter()
        .filter(|r| r.kind == kind)
        .filter_map(|r| r.date.map(|d| (d, r)))
        .filter(|(d, _)| *d <= ctx.date)
        .collect();
    dated.sort_by_key(|(d, _)| *d);
    let Some((last, r)) = dated.last() else {
        return Outcome::fail(tr!(
            "{ja}の実施記録（reviews の kind: {k}）がありません",
            "no {en} is recorded (no `reviews` entry of kind {k})",
            k = kind_name(kind)
        ));
    };
    let (state, ev) = match &r.document {
        Some(doc) => local_file_state(ctx, EvidenceKind::Review, doc),
        None => (LocalFile::Present, Evidence::new(EvidenceKind::Review)),
    };
    let mut ev = ev.date(last);
    // The record of the review is there but cannot be read: what it shows is
    // unknown, and the item is not decided on the date alone.
    if let (LocalFile::Unreadable(e), Some(doc)) = (&state, &r.document) {
        return Outcome::error(tr!(
            "{ja}の記録 {doc} はありますが、読み取れないため確認できません（{e}）",
            "cannot be assessed: the {en} record {doc} is there but could not be read ({e})"
        ))
        .with([ev]);
    }
    if ev.detail.is_none() {
        ev = ev.detail(tr!("{ja}の記録", "{en} record"));
    }
    let in_window = within(ctx, *last, window);
    // The review is said to have a record, and the record is not there (or is
    // not a regular file): the date alone is a claim, not a record an auditor
    // can look at. Not a pass; not a fail either, since the review may well
    // have taken place. A review older than the interval fails as usual.
    if let (LocalFile::Missing, Some(doc), true) = (&state, &r.document, in_window) {
        return Outcome::partial(tr!(
            "{ja}を {last} に実施したとされていますが、その記録 {doc} が見つかりません",
            "the last {en} is dated {last}, but its record {doc} was not found"
        ))
        .with([ev]);
    }
    if in_window {
        Outcome::pass(tr!(
            "{ja}を {last} に実施しています",
            "the last {en} was on {last}"
        ))
        .with([ev])
    } else {
        Outcome::fail(tr!(
            "最後の{ja}は {last} で、{window} 日以上前です",
            "the last {en} was on {last}, more than {window} days before the audit"
        ))
        .with([ev])
    }
}

fn kind_name(k: ReviewKind) -> &'static str {
    match k {
        ReviewKind::Access => "access",
        ReviewKind::Management => "management",
        ReviewKind::InternalAudit => "internal-audit",
    }
}
