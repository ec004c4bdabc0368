//! ADM-02 — 技術情報管理規程の整備・改訂 (Management rules written and kept current).
//! Definition and texts: checklists/tim-selfcheck.yaml (ADM-02).

use super::*;
use crate::i18n::Text;
use crate::model::{EvidenceKind, Outcome};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Adm02, adm02);

fn adm02(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    let Some(doc) = p.documents.iter().find(|d| d.id == "rules") else {
        return Outcome::fail(Text::new(
            "管理規程（documents の id: rules）が登録されていません",
            "the management rules are not registered (no `documents` entry with `id: rules`)",
        ));
    };
    let Some(path) = &doc.path else {
        return Outcome::fail(Text::new(
            "管理規程のファイル（path）が指定されていません",
            "the rules document has no `path`",
        ));
    };
    let (state, mut ev) = local_file_state(ctx, EvidenceKind::Document, path);
    if let Some(d) = doc.revised_on {
        ev = ev.date(d);
    }
    match state {
        LocalFile::Present => {}
        LocalFile::Missing => {
            return Outcome::fail(tr!(
                "管理規程のファイル {path} が見つかりません",
                "the rules document {path} was not found"
            ))
            .with([ev]);
        }
        LocalFile::Unreadable(e) => {
            return Outcome::error(tr!(
                "管理規程のファイル {path} はありますが、読み取れないため確認できません（{e}）",
                "cannot be assessed: the rules document {path} is there but could not be read ({e})"
            ))
            .with([ev]);
        }
    }
    let limit = p.thresholds.review_interval_days.saturating_mul(3);
    match doc.revised_on {
        None => Outcome::partial(Text::new(
            "管理規程の改訂日（revised_on）が記録されていないため、最新かどうか確認できません",
            "the rules document has no revision date (revised_on), so it cannot be shown to be current",
        ))
        .with([ev]),
        // A revision dated after the audit date did not exist on that date (a
        // typo, or an audit replayed with an earlier --date): not shown current.
        Some(d) if d > ctx.date => Outcome::partial(tr!(
            "管理規程の改訂日 {d} が監査日より後のため、監査日時点で最新だったか確認できません",
            "the rules' revision date {d} is after the audit date, so they cannot be shown to be current on that date"
        ))
        .with([ev]),
        Some(d) if days(d, ctx.date) > i64::try_from(limit).unwrap_or(i64::MAX) => Outcome::partial(tr!(
            "管理規程の最終改訂は {d} で、{limit} 日以上見直されていません",
            "the rules were last revised on {d}, more than {limit} days ago"
        ))
        .with([ev]),
        Some(d) => Outcome::pass(tr!("管理規程 {path}（{d} 改訂）があります", "the rules document {path} exists, revised on {d}")).with([ev]),
    }
}
