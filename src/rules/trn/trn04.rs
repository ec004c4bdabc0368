//! TRN-04 — 入社時・退職時の誓約書 (Pledges signed on joining and on leaving).
//! Definition and texts: checklists/tim-selfcheck.yaml (TRN-04).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::{Outcome, Status};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Trn04, eval);

/// Never passes past an unparsed account line that may hide who must be trained.
fn eval(ctx: &Context, done: &Done) -> Outcome {
    membership_guard(ctx, trn04(ctx, done))
}

fn trn04(ctx: &Context, _: &Done) -> Outcome {
    let people = match must_train(ctx) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let mut f = Findings::new();
    for (person, why) in &people {
        if person.pledge_signed_on.is_none() {
            let acc = &person.account;
            f.add(
                Status::Fail,
                tr!(
                    "{acc} の入社時の誓約書（pledge_signed_on）がありません",
                    "{acc} has not signed the confidentiality pledge (pledge_signed_on)"
                ),
            );
            f.evidence(person_evidence(
                acc,
                why.join(&Text::new("誓約書なし", "no pledge")),
            ));
        }
    }
    let mut leavers = 0;
    for person in ctx.profile.people.iter().filter(|p| !p.is_active()) {
        leavers += 1;
        if person.exit_pledge_signed_on.is_none() {
            let acc = &person.account;
            f.add(
                Status::Fail,
                tr!(
                    "退職者 {acc} の退職時の誓約書（exit_pledge_signed_on）がありません",
                    "leaver {acc} has not signed the exit pledge (exit_pledge_signed_on)"
                ),
            );
            let mut e = person_evidence(acc, Text::new("退職時誓約書なし", "no exit pledge"));
            if let Some(d) = person.left_on {
                e = e.date(d);
            }
            f.evidence(e);
        }
    }
    let n = people.len();
    if n == 0 && leavers == 0 && f.status() == Status::Pass {
        return Outcome::pass(Text::new(
            "誓約書が必要な人（アクセス権のある在籍者・退職者）はいません",
            "no one needs a pledge (no active person with access, no leaver)",
        ));
    }
    let (mut ja, mut en) = (Vec::new(), Vec::new());
    if n > 0 {
        ja.push(format!("アクセス権のある在籍者 {n} 名"));
        en.push(en_n(
            n,
            "the 1 active person with access",
            &format!("all {n} active people with access"),
        ));
    }
    if leavers > 0 {
        ja.push(format!("退職者 {leavers} 名"));
        en.push(en_n(
            leavers,
            "the 1 leaver",
            &format!("all {leavers} leavers"),
        ));
    }
    f.finish(Text::new(
        format!("{}の誓約書がそろっています", ja.join("と")),
        format!("pledges are on file for {}", en.join(" and ")),
    ))
}
