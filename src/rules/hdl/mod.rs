//! HDL — 情報の取扱い (handling: register, labels, copies, take-out, disposal).

use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::profile::RecordKind;
use crate::rules::kit::common::{Findings, record_exists};
use crate::rules::kit::shares;
use crate::rules::{Context, ItemResult, Rule};
use crate::tr;
use std::collections::BTreeMap;

type Done = BTreeMap<String, ItemResult>;

pub const RULES: &[(&str, Rule)] = &[
    ("HDL-01", hdl01),
    ("HDL-02", shares::hdl02),
    ("HDL-03", shares::hdl03),
    ("HDL-04", shares::hdl04),
    ("HDL-05", shares::hdl05),
    ("HDL-06", shares::hdl06),
    ("HDL-07", hdl07),
    ("HDL-08", hdl08),
    ("HDL-09", hdl09),
    ("HDL-10", hdl10),
];

fn hdl01(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    if p.assets.is_empty() {
        return Outcome::fail(Text::new(
            "管理台帳（assets）に保護すべき技術情報が1件も登録されていません",
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
        format!("管理台帳に {n} 件の技術情報が ID・名称・区分・保存場所つきで登録されています"),
        format!(
            "the register lists {n} {}, each with id, name, classification and paths",
            en_n(n, "asset", "assets")
        ),
    ))
}

/// HDL-07's automatic half is ITS-01's result.
fn hdl07(_: &Context, done: &Done) -> Outcome {
    match done.get("ITS-01") {
        Some(r) => Outcome::new(
            r.status,
            Text::new(
                format!("技術的対策（ITS-01）: {}", r.reason.ja),
                format!("technical control (ITS-01): {}", r.reason.en),
            ),
        )
        .with(r.evidence.iter().cloned()),
        None => Outcome::error(Text::new(
            "ITS-01 の結果がありません",
            "ITS-01 was not evaluated",
        )),
    }
}

fn hdl08(ctx: &Context, _: &Done) -> Outcome {
    record_exists(ctx, RecordKind::TakeOut, "持出し記録", "take-out log")
}

fn hdl09(ctx: &Context, _: &Done) -> Outcome {
    record_exists(ctx, RecordKind::Disposal, "廃棄記録", "disposal log")
}

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
