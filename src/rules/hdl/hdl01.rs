//! HDL-01 — 管理台帳による技術等情報の特定 (Register of protected technical information).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-01).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl01, hdl01);

fn hdl01(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    if p.assets.is_empty() {
        return Outcome::fail(Text::new(
            "管理台帳（assets）に保護すべき技術等情報が1件も登録されていません",
            "the register (assets) lists no protected technical information",
        ));
    }
    let mut f = Findings::new();
    for a in &p.assets {
        let mut missing = Vec::new();
        if a.id.is_none() {
            missing.push("id");
        }
        if a.name.is_none() {
            missing.push("name");
        }
        if a.classification.is_none() {
            missing.push("classification");
        }
        if a.paths.is_empty() {
            missing.push("paths");
        }
        if !missing.is_empty() {
            let label = a.label();
            let m = missing.join(", ");
            f.add(
                Status::Fail,
                tr!(
                    "台帳の {label} に {m} がありません",
                    "register entry {label} lacks {m}"
                ),
            );
            f.evidence(
                Evidence::new(EvidenceKind::Asset)
                    .asset(&label)
                    .detail(tr!("不足: {m}", "missing: {m}")),
            );
        }
    }
    let n = p.assets.len();
    f.finish(Text::new(
        format!("管理台帳に {n} 件の技術等情報が ID・名称・区分・保存場所つきで登録されています"),
        format!(
            "the register lists {n} {}, each with id, name, classification and paths",
            en_n(n, "asset", "assets")
        ),
    ))
}
