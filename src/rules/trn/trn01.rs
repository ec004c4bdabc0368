//! TRN-01 — 研修内容（取扱手続・報告手続・処分） (Training covers handling, reporting, sanctions).
//! Definition and texts: checklists/tim-selfcheck.yaml (TRN-01).

use super::*;
use crate::i18n::Text;
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Trn01, trn01);

fn trn01(ctx: &Context, _: &Done) -> Outcome {
    let window = ctx.profile.thresholds.training_interval_days;
    let recent: Vec<_> = ctx
        .profile
        .training
        .iter()
        .filter(|s| s.date.is_some_and(|d| within(ctx, d, window)))
        .collect();
    let mut covered: Vec<&str> = Vec::new();
    let mut evidence = Vec::new();
    for s in &recent {
        for t in &s.topics {
            if REQUIRED_TOPICS.contains(&t.as_str()) && !covered.contains(&t.as_str()) {
                covered.push(t);
            }
        }
        evidence.push(session_evidence(s));
    }
    let missing: Vec<&str> = REQUIRED_TOPICS
        .iter()
        .copied()
        .filter(|t| !covered.contains(t))
        .collect();
    let m = missing.join(", ");
    let m_ja = missing
        .iter()
        .map(|t| format!("{}（{t}）", topic_ja(t)))
        .collect::<Vec<_>>()
        .join("、");
    if recent.is_empty() {
        Outcome::fail(tr!(
            "直近 {window} 日間に研修の実施記録がありません",
            "no training session was held in the last {window} days"
        ))
    } else if missing.is_empty() {
        Outcome::pass(tr!(
            "直近 {window} 日間の研修で取扱手続・報告手続・違反時の処分をすべて扱っています",
            "the training sessions of the last {window} days cover handling, reporting and sanctions"
        ))
    } else if covered.is_empty() {
        Outcome::fail(tr!(
            "直近 {window} 日間の研修で、取扱手続（handling）・報告手続（reporting）・違反時の処分（sanctions）のいずれも扱っていません",
            "the sessions of the last {window} days cover none of handling, reporting, sanctions"
        ))
    } else {
        Outcome::partial(Text::new(
            format!("直近 {window} 日間の研修で扱っていないテーマがあります: {m_ja}"),
            format!("the sessions of the last {window} days do not cover: {m}"),
        ))
    }
    .with(evidence)
}
