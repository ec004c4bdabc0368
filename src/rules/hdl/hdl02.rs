//! HDL-02 — 秘密表示のあるファイルの台帳登録 (Marked files covered by the register).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-02).

use crate::collect::walk::check::{FileCheck, FileFacts};
use crate::collect::walk::classify::{Hit, Where};
use crate::collect::walk::{Finding, RootKind};
use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::profile::Profile;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl02, hdl02).file_check(&MarkedOutside);

fn hdl02(ctx: &Context, _: &Done) -> Outcome {
    let sf = match share_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if !sf.walked(SHARES) {
        if sf.walked(&[RootKind::Scan]) {
            return Outcome::na(Text::new(
                "ファイル共有（scope.shares）も、この環境上の台帳の保存場所もありません。--scan で指定したパスは STO-06 で確認します",
                "there is no file share (scope.shares) and no register path on this host; the --scan paths are checked under STO-06",
            ));
        }
        return nothing_walked();
    }
    if ctx.profile.markers.is_empty() {
        return no_markers();
    }
    let bad = sf.findings(ItemId::Hdl02);
    let n = bad.count(SHARES);
    let o = if n == 0 {
        Outcome::pass(Text::new(
            "表示付きファイルはすべて台帳に登録された保存場所にあります",
            "every marked file lies in a location listed in the register",
        ))
    } else {
        Outcome::fail(Text::new(
            format!("台帳のどの保存場所にも一致しない表示付きファイルが {n} 件あります"),
            format!(
                "{n} {} outside all assets' paths",
                en_n(n, "marked file lies", "marked files lie")
            ),
        ))
        .with(findings_evidence(bad, SHARES))
    };
    with_gaps(sf, o, CONTENT, SHARES)
}

/// A marked file outside every asset's paths.
struct MarkedOutside;

impl FileCheck for MarkedOutside {
    fn id(&self) -> ItemId {
        ItemId::Hdl02
    }

    fn on_file(&self, f: &FileFacts, out: &mut Vec<Finding>) {
        if !f.marked() || f.protected() {
            return;
        }
        let (fj, fe) = describe_hits(f.run.profile, f.hits);
        out.push(finding(
            f,
            Text::new(
                format!("表示{fj}がありますが、台帳のどの資産の保存場所（paths）にも一致しません"),
                format!("marked {fe}, but matches no asset's paths"),
            ),
        ));
    }
}

/// `「社外秘」（ファイル名）` / `"社外秘" (name)` lists of the markers found.
fn describe_hits(p: &Profile, hits: &[Hit]) -> (String, String) {
    let mut ja: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    for h in hits {
        let (pj, pe) = match h.place {
            Where::Name => ("ファイル名", "name"),
            Where::Directory => ("フォルダ名", "directory"),
            Where::Content => ("内容", "content"),
        };
        let m = &p.markers[h.marker as usize];
        let e = format!("\"{m}\" ({pe})");
        if !en.contains(&e) {
            en.push(e);
            ja.push(format!("「{m}」（{pj}）"));
        }
    }
    (ja.join("、"), en.join(", "))
}
