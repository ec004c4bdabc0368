//! HDL-05 — 一時フォルダ・ゴミ箱への放置がないこと (Nothing left in temp, download or trash folders).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-05).

use crate::collect::walk::Finding;
use crate::collect::walk::check::{FileCheck, FileFacts};
use crate::collect::walk::classify::is_discard_dir;
use crate::i18n::{Text, en_n};
use crate::model::Outcome;
use crate::rules::kit::shares::*;
use crate::rules::{Context, Done, ItemId, ItemRule};

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl05, hdl05).file_check(&InDiscard);

fn hdl05(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let o = if sf.findings(ItemId::Hdl05).is_empty() {
        Outcome::pass(Text::new(
            "一時フォルダ・ダウンロード・ゴミ箱の下に保護対象ファイルも表示付きファイルもありません",
            "no protected or marked file lies under a temporary, download or trash folder",
        ))
    } else {
        let n = sf.findings(ItemId::Hdl05).total();
        Outcome::fail(Text::new(
            format!("一時フォルダ・ダウンロード・ゴミ箱の下に保護対象または表示付きのファイルが {n} 件あります"),
            format!(
                "{n} protected or marked {} under temporary, download or trash folders",
                en_n(n, "file lies", "files lie")
            ),
        ))
        .with(findings_evidence(sf.findings(ItemId::Hdl05), ALL))
    };
    with_gaps(sf, o, CONTENT, ALL)
}

/// A protected or marked file under a temporary/discard folder.
struct InDiscard;

impl FileCheck for InDiscard {
    fn id(&self) -> ItemId {
        ItemId::Hdl05
    }

    fn on_file(&self, f: &FileFacts, out: &mut Vec<Finding>) {
        if !f.discard || !(f.protected() || f.marked()) {
            return;
        }
        let dir = discard_dir_of(f.host);
        let what = if f.protected() {
            Text::new("保護対象ファイル", "protected file")
        } else {
            Text::new("表示付きファイル", "marked file")
        };
        out.push(finding(
            f,
            Text::new(
                format!("{}が一時・廃棄用フォルダ「{dir}」の下にあります", what.ja),
                format!("{} under the temporary/discard folder `{dir}`", what.en),
            ),
        ));
    }
}

/// The first temporary/discard folder name in a path.
fn discard_dir_of(host: &[u8]) -> String {
    let comps: Vec<&[u8]> = host
        .split(|b| *b == b'/')
        .filter(|c| !c.is_empty())
        .collect();
    comps
        .iter()
        .take(comps.len().saturating_sub(1))
        .find(|c| is_discard_dir(c))
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .unwrap_or_default()
}
