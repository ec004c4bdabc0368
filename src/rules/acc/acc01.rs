//! ACC-01 — アクセス許可者の定義 (Authorized users defined per asset).
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-01).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc01, acc01);

fn acc01(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    if p.assets.is_empty() {
        return Outcome::na(Text::new(
            "管理台帳（assets）に技術等情報が登録されていません（HDL-01 を参照）",
            "the register (assets) lists no technical information (see HDL-01)",
        ));
    }
    let accounts = match &ctx.facts.accounts {
        Ok(a) => a,
        Err(e) => return accounts_error(e),
    };
    let mut f = Findings::new();
    for a in &p.assets {
        let label = a.label();
        if a.authorized.is_empty() {
            f.add(
                Status::Fail,
                tr!(
                    "{label} にアクセス許可者（authorized）が定義されていません",
                    "{label} defines no authorized principals"
                ),
            );
            f.evidence(
                Evidence::new(EvidenceKind::Asset)
                    .asset(&label)
                    .detail(Text::new("authorized が空です", "authorized is empty")),
            );
        }
        for pr in &a.authorized {
            let (exists, file) = match pr {
                Principal::User(u) => (accounts.user(u).is_some(), "/etc/passwd"),
                Principal::Group(g) => (accounts.group(g).is_some(), "/etc/group"),
            };
            if !exists {
                f.add(
                    Status::Fail,
                    tr!(
                        "{label} の許可者 {pr} が {file} にありません",
                        "{label}: authorized principal {pr} does not exist in {file}"
                    ),
                );
                f.evidence(
                    Evidence::new(EvidenceKind::Principal)
                        .principal(pr.to_string())
                        .asset(&label)
                        .detail(tr!("{file} に存在しません", "not found in {file}")),
                );
            }
        }
    }
    let n = p.assets.len();
    f.finish(Text::new(
        format!(
            "全 {n} 件の技術等情報にアクセス許可者が定義され、すべて監査対象ホストに存在します"
        ),
        format!(
            "{}, and every principal exists on the audited host",
            en_n(
                n,
                "the asset defines who may access it",
                &format!("all {n} assets define who may access them")
            )
        ),
    ))
}
