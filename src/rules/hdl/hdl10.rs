//! HDL-10 — 前回監査からの変更の把握 (Changes since the last audit are known).
//! Definition and texts: checklists/tim-selfcheck.yaml (HDL-10).

use crate::i18n::Text;
use crate::model::{Evidence, EvidenceKind, Outcome};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Hdl10, hdl10);

fn hdl10(ctx: &Context, _: &Done) -> Outcome {
    let Some(b) = &ctx.facts.baseline else {
        return Outcome::na(Text::new(
            "初回の監査です（前回の報告書が --baseline で指定されていません）",
            "first audit: no previous report was given with --baseline",
        ));
    };
    let since = b.baseline.report.audit_date;
    let fc = match &b.files {
        Ok(fc) => fc,
        Err(e) => {
            let (ja, en) = (&e.ja, &e.en);
            return Outcome::error(tr!(
                "前回（{since}）の監査と保護対象ファイルを比較できません: {ja}",
                "cannot compare protected files with the audit of {since}: {en}"
            ));
        }
    };
    let (a, r, c) = (fc.added.len(), fc.removed.len(), fc.changed.len());
    let mut out = match fc.note() {
        // Content changes that kept the size are unknown: never a pass.
        Some(note) => {
            let (nj, ne) = (&note.ja, &note.en);
            Outcome::error(tr!(
                "前回（{since}）の監査以降の変化を把握しきれていません: {nj}（分かった変化: 追加 {a} 件、削除 {r} 件、変更 {c} 件）",
                "changes since the audit of {since} are not all known: {ne} (known: {a} added, {r} removed, {c} changed)"
            ))
        }
        None => Outcome::pass(tr!(
            "前回（{since}）の監査以降の変化を把握しています: 追加 {a} 件、削除 {r} 件、変更 {c} 件",
            "changes since the audit of {since} are known: {a} added, {r} removed, {c} changed"
        )),
    };
    for (list, ja, en) in [
        (&fc.added, "追加", "added"),
        (&fc.removed, "削除", "removed"),
        (&fc.changed, "変更", "changed"),
    ] {
        for ch in list.iter() {
            use crate::changes::diff::what_text;
            let (wj, we) = (
                what_text(ch, crate::i18n::Lang::Ja),
                what_text(ch, crate::i18n::Lang::En),
            );
            let mut e = Evidence::new(EvidenceKind::File)
                .path(&ch.path)
                .path_b64(ch.path_b64.clone())
                .detail(if ch.what.is_empty() {
                    Text::new(ja, en)
                } else {
                    Text::new(format!("{ja}: {wj}"), format!("{en}: {we}"))
                });
            if let Some(a) = &ch.asset {
                e = e.asset(a);
            }
            out.push(e);
        }
    }
    // The files whose same-size edits could not be seen: why this is not a pass.
    for ch in &fc.unhashed {
        let mut e = Evidence::new(EvidenceKind::File)
            .path(&ch.path)
            .path_b64(ch.path_b64.clone())
            .detail(Text::new(
                "前回か今回に SHA-256 がないため、内容の変更を確かめられません",
                "no SHA-256 in one of the audits: a change of content cannot be checked",
            ));
        if let Some(a) = &ch.asset {
            e = e.asset(a);
        }
        out.push(e);
    }
    out
}
