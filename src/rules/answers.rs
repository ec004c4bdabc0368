//! Layering the profile's answers over computed results, the same way for every item.
//!
//! - `manual` items take the answer; without one they are `unanswered`.
//! - Mixed items with a manual part (`auto+manual`, `manual+records`) need the
//!   answer too, and then take the weaker of the answer and the computed part.
//! - An answer on an `auto`/`records`/`auto+records` item is a waiver: its status
//!   wins, and the computed result is kept beside it. An expired waiver is ignored
//!   and the reason says so.
//! - An `alternative` answer (met by another control, with its evidence) takes its
//!   status on any item: it is not a waiver (the requirement was met, not
//!   exempted), and a computed result is kept beside it for the reader.
//! - Without a profile, items that read records or need answers are `unanswered`.

use crate::catalogue::Item;
use crate::i18n::Text;
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::profile::{Answer, AnswerStatus};
use crate::rules::kit::common::local_file;
use crate::rules::{Context, ItemResult};
use chrono::NaiveDate;

pub fn combine(item: &Item, computed: Option<Outcome>, ctx: &Context) -> ItemResult {
    let p = ctx.profile;
    let mut result = ItemResult {
        id: item.id.clone(),
        status: Status::Unanswered,
        reason: Text::default(),
        evidence: Vec::new(),
        waived: false,
        computed: None,
        expired_waiver: None,
    };

    if !p.is_loaded() && (item.source.uses_records() || item.source.needs_answer()) {
        result.reason = Text::new(
            "プロファイル（timaudit.yaml）が指定されていないため、記録と回答を確認できません",
            "no profile (timaudit.yaml) was given, so records and answers could not be checked",
        );
        return result;
    }

    let answer = p.answer(&item.id);
    let expired = answer.and_then(|a| a.expires_on.filter(|e| *e < ctx.date));
    let answer = answer.filter(|_| expired.is_none());

    if item.source.needs_answer() {
        let Some(a) = answer else {
            return unanswered(item, result, expired, computed);
        };
        let given = answer_outcome(a, ctx);
        if a.status == AnswerStatus::Alternative {
            return alternative(result, given, computed);
        }
        let out = match computed {
            None => given,
            Some(c) => merge(given, a.status, c),
        };
        result.status = out.status;
        result.reason = out.reason;
        result.evidence = out.evidence;
        return result;
    }

    let computed = computed.unwrap_or_else(|| {
        Outcome::error(Text::new(
            "判定規則がありません",
            "no rule computed this item",
        ))
    });
    match answer {
        Some(a) if a.status == AnswerStatus::Alternative => {
            let given = answer_outcome(a, ctx);
            alternative(result, given, Some(computed))
        }
        Some(a) => waived(result, a, computed, ctx),
        None => {
            result.status = computed.status;
            result.reason = match expired_note(expired) {
                Some(n) => n.join(&computed.reason),
                None => computed.reason,
            };
            result.evidence = computed.evidence;
            result.expired_waiver = expired;
            result
        }
    }
}

/// Says that the profile's answer expired on `expired` and was ignored.
fn expired_note(expired: Option<NaiveDate>) -> Option<Text> {
    expired.map(|d| {
        Text::new(
            format!("プロファイルの回答（期限 {d}）は期限切れのため無視しました"),
            format!("the answer in the profile expired on {d} and was ignored"),
        )
    })
}

/// An item that needs an answer and has none (or only an expired one): the
/// computed part, if any, is shown beside.
fn unanswered(
    item: &Item,
    mut result: ItemResult,
    expired: Option<NaiveDate>,
    computed: Option<Outcome>,
) -> ItemResult {
    result.status = Status::Unanswered;
    // An expired answer is there but no longer counts: say so rather
    // than claim the profile has no entry for the item.
    let mut reason = match expired {
        Some(_) => Text::new(
            format!(
                "未回答です（{} の回答の期限が切れています。確認し直して `expires_on` を更新してください）",
                item.id
            ),
            format!(
                "unanswered: the answer for {} has expired (check it again and renew `expires_on`)",
                item.id
            ),
        ),
        None => Text::new(
            format!(
                "未回答です（プロファイルの `answers:` に {} の回答がありません）",
                item.id
            ),
            format!(
                "unanswered: the profile's `answers:` has no entry for {}",
                item.id
            ),
        ),
    };
    if let Some(c) = &computed {
        reason = reason.join(&Text::new(
            format!(
                "自動判定部分は「{}」: {}",
                c.status.label(crate::i18n::Lang::Ja),
                c.reason.ja
            ),
            format!("the computed part is {}: {}", c.status.code(), c.reason.en),
        ));
        result.evidence = c.evidence.clone();
    }
    if let Some(n) = expired_note(expired) {
        reason = n.join(&reason);
    }
    result.reason = reason;
    result.expired_waiver = expired;
    result
}

/// A waiver on a computed item: the answer's status wins, and the computed
/// result is kept beside it.
fn waived(mut result: ItemResult, a: &Answer, computed: Outcome, ctx: &Context) -> ItemResult {
    let given = answer_outcome(a, ctx);
    result.status = given.status;
    result.reason = Text::new(
        format!(
            "例外承認（waiver）により「{}」としています。自動判定は「{}」",
            a.status.status().label(crate::i18n::Lang::Ja),
            computed.status.label(crate::i18n::Lang::Ja)
        ),
        format!(
            "waived as {} (the computed result is {})",
            a.status.status().code(),
            computed.status.code()
        ),
    )
    .join(&given.reason);
    result.evidence = given.evidence;
    result.waived = true;
    result.computed = Some(computed);
    result
}

/// An item met by another control: the answer's status and evidence, and the
/// computed result (if any) beside it.
fn alternative(mut result: ItemResult, given: Outcome, computed: Option<Outcome>) -> ItemResult {
    result.status = Status::Alternative;
    result.reason = match &computed {
        Some(c) => Text::new(
            format!(
                "代替措置で適合としています（自動判定は「{}」）",
                c.status.label(crate::i18n::Lang::Ja)
            ),
            format!(
                "met by an alternative measure (the computed result is {})",
                c.status.code()
            ),
        )
        .join(&given.reason),
        None => given.reason,
    };
    result.evidence = given.evidence;
    result.computed = computed;
    result
}

/// The answer as an outcome: its status, its note (or justification) as the reason,
/// and each attached evidence file (with its SHA-256, or "missing").
fn answer_outcome(a: &Answer, ctx: &Context) -> Outcome {
    let status = a.status.status();
    let text = a
        .justification
        .iter()
        .chain(a.note.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join(" / ");
    let mut reason = if a.status == AnswerStatus::Alternative {
        Text::new(
            format!("代替措置: {text}"),
            format!("alternative measure: {text}"),
        )
    } else if text.is_empty() {
        Text::new(
            format!("回答: {}", status.label(crate::i18n::Lang::Ja)),
            format!("answered {}", status.code()),
        )
    } else {
        Text::new(format!("回答: {text}"), format!("answer: {text}"))
    };
    let mut first = Evidence::new(EvidenceKind::Answer).detail(reason.clone());
    if let Some(d) = a.expires_on {
        first = first.date(d);
    }
    let mut evidence = vec![first];
    let mut missing = Vec::new();
    for e in &a.evidence {
        let (exists, ev) = local_file(ctx, EvidenceKind::Answer, e);
        if !exists {
            missing.push(e.clone());
        }
        evidence.push(ev);
    }
    if !missing.is_empty() {
        reason = reason.join(&Text::new(
            format!("回答の証跡ファイルが見つかりません: {}", missing.join(", ")),
            format!("answer evidence not found: {}", missing.join(", ")),
        ));
    }
    Outcome {
        status,
        reason,
        evidence,
    }
}

/// A mixed item: the weaker of the answer and the computed part.
fn merge(given: Outcome, answered: AnswerStatus, computed: Outcome) -> Outcome {
    if answered == AnswerStatus::NotApplicable {
        return given;
    }
    let mut evidence = given.evidence.clone();
    evidence.extend(computed.evidence.iter().cloned());
    let (status, reason) = match computed.status {
        Status::Error => (Status::Error, computed.reason.join(&given.reason)),
        Status::NotApplicable => (given.status, given.reason.join(&computed.reason)),
        cs => {
            let status = given.status.weaker(cs);
            let reason = if cs.weaker(given.status) == cs && cs != Status::Pass {
                computed.reason.join(&given.reason)
            } else {
                given.reason.join(&computed.reason)
            };
            (status, reason)
        }
    };
    Outcome {
        status,
        reason,
        evidence,
    }
}
