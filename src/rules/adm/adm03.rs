//! ADM-03 — 取扱者の指定 (Handlers designated for each asset).
//! Definition and texts: checklists/tim-selfcheck.yaml (ADM-03).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Adm03, adm03);

fn adm03(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    if p.assets.is_empty() {
        return Outcome::na(Text::new(
            "管理台帳（assets）に技術等情報が登録されていません（HDL-01 を参照）",
            "the register (assets) lists no technical information (see HDL-01)",
        ));
    }
    let mut f = Findings::new();
    for a in &p.assets {
        let label = a.label();
        if a.handlers.is_empty() {
            f.add(
                Status::Fail,
                tr!(
                    "{label} に取扱者（handlers）が指定されていません",
                    "{label} has no handlers"
                ),
            );
            f.evidence(
                Evidence::new(EvidenceKind::Asset)
                    .asset(&label)
                    .detail(Text::new("取扱者なし", "no handlers")),
            );
        }
        for h in &a.handlers {
            match p.person(h) {
                None => {
                    f.add(
                        Status::Fail,
                        tr!(
                            "{label} の取扱者 {h} が名簿にいません",
                            "handler {h} of {label} is not in the roster"
                        ),
                    );
                    f.evidence(
                        person_evidence(h, Text::new("名簿にいません", "not in the roster"))
                            .asset(&label),
                    );
                }
                Some(person) if !person.is_active() => {
                    f.add(
                        Status::Fail,
                        tr!(
                            "{label} の取扱者 {h} は退職者です",
                            "handler {h} of {label} has left"
                        ),
                    );
                    f.evidence(
                        person_evidence(h, Text::new("退職済み", "status: left")).asset(&label),
                    );
                }
                Some(_) => {}
            }
        }
    }
    let n = p.assets.len();
    f.finish(Text::new(
        format!("全 {n} 件の技術等情報に在籍中の取扱者が指定されています"),
        en_n(
            n,
            "the asset has active handlers",
            &format!("all {n} assets have active handlers"),
        ),
    ))
}
