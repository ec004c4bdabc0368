//! TRN-03 — 新規の対象者への早期研修 (New staff trained as they get access).
//! Definition and texts: checklists/tim-selfcheck.yaml (TRN-03).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::{Outcome, Status};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Trn03, eval);

/// Never passes past an unparsed account line that may hide who must be trained.
fn eval(ctx: &Context, done: &Done) -> Outcome {
    membership_guard(ctx, trn03(ctx, done))
}

fn trn03(ctx: &Context, _: &Done) -> Outcome {
    let people = match must_train(ctx) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let window = ctx.profile.thresholds.training_interval_days;
    let mut f = Findings::new();
    let mut newcomers = 0;
    for (person, why) in &people {
        let Some(joined) = person.joined_on else {
            continue;
        };
        if !within(ctx, joined, window) {
            continue;
        }
        newcomers += 1;
        let acc = &person.account;
        let deadline = joined + chrono::Days::new(30);
        let dates = attended(ctx, acc);
        if dates.iter().any(|d| *d <= deadline) {
            continue;
        }
        if days(joined, ctx.date) < 30 {
            continue; // not yet due
        }
        match dates.first() {
            Some(d) => {
                f.add(Status::Fail, tr!("{acc}（{joined} 入社）の初回受講は {d} で、30 日を過ぎています", "{acc} (joined {joined}) was first trained on {d}, more than 30 days after joining"));
                f.evidence(
                    person_evidence(
                        acc,
                        why.join(&tr!(
                            "入社 {joined}、初回受講 {d}",
                            "joined {joined}, first trained {d}"
                        )),
                    )
                    .date(d),
                );
            }
            None => {
                f.add(
                    Status::Fail,
                    tr!(
                        "{acc}（{joined} 入社）は入社後 30 日を過ぎても受講していません",
                        "{acc} (joined {joined}) was not trained within 30 days of joining"
                    ),
                );
                f.evidence(
                    person_evidence(
                        acc,
                        why.join(&tr!(
                            "入社 {joined}、受講記録なし",
                            "joined {joined}, never trained"
                        )),
                    )
                    .date(joined),
                );
            }
        }
    }
    if newcomers == 0 {
        return Outcome::pass(tr!(
            "直近 {window} 日間に入社した、研修が必要な人はいません",
            "no one who needs training joined in the last {window} days"
        ));
    }
    f.finish(Text::new(
        format!("直近 {window} 日間の入社者 {newcomers} 名は入社後 30 日以内に受講しています（または期限前です）"),
        format!(
            "{} within 30 days of joining (or {} not yet due)",
            en_n(
                newcomers,
                &format!("the 1 person who joined in the last {window} days was trained"),
                &format!("the {newcomers} people who joined in the last {window} days were trained")
            ),
            en_n(newcomers, "is", "are")
        ),
    ))
}
