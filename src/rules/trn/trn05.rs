//! TRN-05 — 研修記録の保存 (Training records kept).
//! Definition and texts: checklists/tim-selfcheck.yaml (TRN-05).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Trn05, trn05);

fn trn05(ctx: &Context, _: &Done) -> Outcome {
    let t = &ctx.profile.training;
    let filled = |s: &&crate::profile::TrainingSession| {
        s.date.is_some() && s.title.is_some() && !s.attendees.is_empty()
    };
    // A session dated after the audit date is planned, not held: it does not count.
    let complete: Vec<_> = t
        .iter()
        .filter(filled)
        .filter(|s| s.date.is_some_and(|d| d <= ctx.date))
        .collect();
    if let Some(last) = complete.iter().max_by_key(|s| s.date) {
        let n = complete.len();
        Outcome::pass(Text::new(
            format!("日付・内容・受講者のそろった研修記録が {n} 件あります"),
            format!(
                "{n} training {} recorded with date, title and attendees",
                en_n(n, "session is", "sessions are")
            ),
        ))
        .with([session_evidence(last)])
    } else if t.is_empty() {
        Outcome::fail(Text::new(
            "研修の記録（training）がありません",
            "no training is recorded (`training`)",
        ))
    } else if t.iter().any(|s| filled(&s)) {
        let d = ctx.date;
        Outcome::fail(tr!(
            "研修の記録は監査日 {d} より後の日付のもの（予定）だけです",
            "the only training sessions recorded are dated after the audit date {d} (planned, not yet held)"
        ))
        .with(t.iter().map(session_evidence))
    } else {
        Outcome::fail(Text::new(
            "研修記録に日付・内容（title）・受講者のいずれかが欠けています",
            "the training records lack a date, a title or attendees",
        ))
        .with(t.iter().map(session_evidence))
    }
}
