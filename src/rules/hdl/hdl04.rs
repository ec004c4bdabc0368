//! HDL-04 — 管理外の複製がないこと (No uncontrolled copies of protected files).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-04).

use crate::collect::walk::Finding;
use crate::collect::walk::check::{FileCheck, SameContent};
use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl04, hdl04).file_check(&Copies);

fn hdl04(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if !sf.hashing {
        return Outcome::error(Text::new(
            "--no-hash が指定されたためハッシュを計算しておらず、複製を照合できません",
            "cannot be assessed: the run used --no-hash, so no hashes were computed to find copies",
        ));
    }
    if !sf.walked(ALL) {
        return nothing_walked();
    }
    if sf.counts.protected == 0 {
        return with_gaps(sf, no_protected(), HASH, ALL);
    }
    let p = sf.counts.protected;
    let o = if sf.findings(ItemId::Hdl04).is_empty() {
        Outcome::pass(Text::new(
            format!(
                "保護対象ファイル {p} 件と同じ内容のファイルは、台帳の保存場所の外にありません"
            ),
            format!(
                "no file outside the register's paths has the content of {}",
                en_n(
                    p,
                    "the protected file",
                    &format!("any of the {p} protected files")
                )
            ),
        ))
    } else {
        let n = sf.findings(ItemId::Hdl04).total();
        Outcome::fail(Text::new(
            format!("保護対象ファイルと同じ内容（SHA-256 が一致）のファイルが台帳の保存場所の外に {n} 件あります"),
            format!(
                "{n} {} the same SHA-256 as a protected file",
                en_n(n, "file outside the register's paths has", "files outside the register's paths have")
            ),
        ))
        .with(findings_evidence(sf.findings(ItemId::Hdl04), ALL))
    };
    with_gaps(sf, o, HASH, ALL)
}

/// A file outside the assets with a protected file's content. The walker finds
/// equal contents by SHA-256 after the walk; this check words the finding.
struct Copies;

impl FileCheck for Copies {
    fn id(&self) -> ItemId {
        ItemId::Hdl04
    }

    fn on_copy(&self, c: &SameContent, out: &mut Vec<Finding>) {
        let o = &c.original.path;
        let label = c.asset;
        out.push(Finding {
            path: c.path.clone(),
            kind: c.kind,
            asset: Some(label.to_string()),
            principal: None,
            excerpt: Some(o.clone()),
            sha256: Some(crate::rootfs::hex(c.sha256)),
            detail: tr!(
                "保護対象ファイル {o}（{label}）と同じ内容（SHA-256 が一致）です",
                "same content (SHA-256) as the protected file {o} ({label})"
            ),
        });
    }
}
