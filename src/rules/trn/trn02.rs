//! TRN-02 — アクセスできる人全員の定期受講 (Everyone with access trained recently).
//! Definition and texts: checklists/tim-selfcheck.yaml (TRN-02).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::{Outcome, Status};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Trn02, eval);

/// Never passes past an unparsed account line that may hide who must be trained.
fn eval(ctx: &Context, done: &Done) -> Outcome {
    membership_guard(ctx, trn02(ctx, done))
}

fn trn02(ctx: &Context, _: &Done) -> Outcome {
    let people = match must_train(ctx) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let window = ctx.profile.thresholds.training_interval_days;
    let mut f = Findings::new();
    for (person, why) in &people {
        let last = attended(ctx, &person.account).last().copied();
        let acc = &person.account;
        match last {
            Some(d) if within(ctx, d, window) => {}
            Some(d) => {
                f.add(
                    Status::Fail,
                    tr!(
                        "{acc} の最終受講は {d} です",
                        "{acc} was last trained on {d}"
                    ),
                );
                f.evidence(
                    person_evidence(acc, why.join(&tr!("最終受講 {d}", "last trained {d}")))
                        .date(d),
                );
            }
            None => {
                f.add(
                    Status::Fail,
                    tr!(
                        "{acc} は受講記録がありません",
                        "{acc} has no training record"
                    ),
                );
                f.evidence(person_evidence(
                    acc,
                    why.join(&Text::new("受講記録なし", "never trained")),
                ));
            }
        }
    }
    let n = people.len();
    if n == 0 {
        return Outcome::pass(Text::new(
            "保護対象の情報にアクセスできる在籍者はいません",
            "no active person has access to protected information",
        ));
    }
    let mut o = f.finish(Text::new(
        format!("保護対象にアクセスできる在籍者 {n} 名全員が直近 {window} 日以内に受講しています"),
        format!(
            "{} in the last {window} days",
            en_n(
                n,
                "the 1 active person with access to protected information was trained",
                &format!("all {n} active people with access to protected information were trained")
            )
        ),
    ));
    if o.status != Status::Pass {
        let k = o.evidence.len();
        o.reason = Text::new(
            format!("{k} 名が直近 {window} 日以内に受講していません"),
            format!(
                "{k} of {n} {} not trained in the last {window} days",
                en_n(k, "people with access was", "people with access were")
            ),
        )
        .join(&o.reason);
    }
    o
}
