//! ACC-02 — ファイルの実際のアクセス権 (File permissions grant read only to authorized).
//! Definition and texts: checklists/tim-selfcheck.yaml (ACC-02).

use super::*;
use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::rules::kit::shares::*;

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc02, acc02);

fn acc02(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if let Err(e) = &ctx.facts.accounts {
        return accounts_error(e);
    }
    if !sf.walked(ALL) {
        return nothing_walked();
    }
    let p = sf.counts.protected;
    if p == 0 {
        return with_asset_gaps(sf, no_protected(), ACL);
    }
    let o = if sf.unauthorized.is_empty() {
        Outcome::pass(Text::new(
            format!(
                "保護対象ファイル {p} 件の読み取り権は、すべて許可された主体（authorized）だけに付いています"
            ),
            format!(
                "on {}, only authorized principals have read access",
                en_n(p, "the protected file", &format!("all {p} protected files"))
            ),
        ))
    } else {
        let files = {
            let mut v: Vec<&str> = sf
                .unauthorized
                .iter()
                .map(|f| f.path.path.as_str())
                .collect();
            v.dedup();
            v.len()
        };
        let n = sf.unauthorized.len();
        Outcome::fail(Text::new(
            format!("保護対象ファイル {files} 件で、許可されていない主体に読み取り権が {n} 件付いています"),
            format!(
                "{files} protected {} read access to unauthorized principals ({n} {})",
                en_n(files, "file grants", "files grant"),
                en_n(n, "grant", "grants")
            ),
        ))
        .with(sf.unauthorized.iter().map(file_evidence))
    };
    with_asset_gaps(sf, o, ACL)
}
