//! HDL-06 — 秘密表示（ラベル付け） (Protected files are labelled).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-06).

use crate::collect::walk::Finding;
use crate::collect::walk::check::{FileCheck, FileFacts};
use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl06, hdl06).file_check(&Unmarked);

fn hdl06(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let p = sf.counts.protected;
    if p == 0 {
        return with_asset_gaps(sf, no_protected(), CONTENT);
    }
    let u = sf.findings(ItemId::Hdl06).total();
    let o = if u == 0 {
        Outcome::pass(Text::new(
            format!(
                "保護対象ファイル {p} 件すべてに秘密表示があります（ファイル名・フォルダ名・内容）"
            ),
            format!(
                "{} marked (by name, folder name or content)",
                en_n(
                    p,
                    "the protected file is",
                    &format!("all {p} protected files are")
                )
            ),
        ))
    } else {
        let r = Text::new(
            format!("保護対象ファイル {p} 件のうち {u} 件に秘密表示がありません"),
            format!(
                "{u} of the {p} protected {} no marker",
                en_n(u, "files carries", "files carry")
            ),
        );
        let o = if u * 2 <= p {
            Outcome::partial(r)
        } else {
            Outcome::fail(r)
        };
        o.with(findings_evidence(sf.findings(ItemId::Hdl06), ALL))
    };
    with_asset_gaps(sf, o, CONTENT)
}

/// A protected file that carries no marker. A file whose content could not be
/// read may carry its marker inside: it is a walk problem (HDL-06 cannot pass),
/// not a certainly unmarked file.
struct Unmarked;

impl FileCheck for Unmarked {
    fn id(&self) -> ItemId {
        ItemId::Hdl06
    }

    fn on_file(&self, f: &FileFacts, out: &mut Vec<Finding>) {
        if !f.protected() || f.marked() || f.content_unknown {
            return;
        }
        let lbl = f.label.unwrap_or_default();
        out.push(finding(
            f,
            tr!(
                "台帳 {lbl} の保護対象ですが、ファイル名・フォルダ名・内容のいずれにも表示（markers）がありません",
                "protected ({lbl}) but carries no marker in its name, its folders' names or its content"
            ),
        ));
    }

    /// Watch mode reports where files go and who can read them; a missing
    /// label is a matter for the next audit.
    fn watched(&self) -> bool {
        false
    }
}
