//! STO-06 — 指定場所以外への保存がないこと (Stored only in designated locations).
//! Definition and texts: checklists/tim-selfcheck.yaml (STO-06).

use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};

// STO-06 reads the marked files that HDL-02's per-file check found, on every
// walked root (HDL-02 itself looks at the shares only).
pub static RULE: ItemRule = ItemRule::new(ItemId::Sto06, sto06);

fn sto06(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if ctx.profile.markers.is_empty() {
        return no_markers();
    }
    let o = if sf.findings(ItemId::Hdl02).is_empty() {
        Outcome::pass(Text::new(
            "走査したすべての場所で、表示付きファイルは台帳の保存場所の中だけにあります",
            "on every scanned path, marked files lie only inside the register's paths",
        ))
    } else {
        let n = sf.findings(ItemId::Hdl02).total();
        Outcome::fail(Text::new(
            format!("指定の保存場所（台帳の paths）の外に表示付きファイルが {n} 件あります"),
            format!(
                "{n} {} outside the designated locations (the assets' paths)",
                en_n(n, "marked file lies", "marked files lie")
            ),
        ))
        .with(findings_evidence(sf.findings(ItemId::Hdl02), ALL))
    };
    with_gaps(sf, o, CONTENT, ALL)
}
