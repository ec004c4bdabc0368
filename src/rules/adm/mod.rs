//! ADM — 管理者の選任 (appointment of an administrator).

use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::profile::ReviewKind;
use crate::rules::kit::common::{Findings, LocalFile, days, local_file, local_file_state, within};
use crate::rules::{Context, ItemResult, Rule};
use crate::tr;
use std::collections::BTreeMap;

pub const RULES: &[(&str, Rule)] = &[
    ("ADM-01", adm01),
    ("ADM-02", adm02),
    ("ADM-03", adm03),
    ("ADM-04", adm04),
];

type Done = BTreeMap<String, ItemResult>;

/// Evidence for a person of the roster.
pub fn person_evidence(account: &str, detail: Text) -> Evidence {
    Evidence::new(EvidenceKind::Person)
        .principal(format!("user:{account}"))
        .detail(detail)
}

fn adm01(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    let Some(adm) = &p.administrator else {
        return Outcome::fail(Text::new(
            "管理責任者がプロファイルの `administrator:` に記載されていません",
            "no administrator is named in the profile (`administrator:`)",
        ));
    };
    let mut f = Findings::new();
    match &adm.account {
        None => f.add(
            Status::Fail,
            Text::new(
                "administrator.account が未設定です",
                "administrator.account is not set",
            ),
        ),
        Some(acc) => match p.person(acc) {
            None => {
                f.add(
                    Status::Fail,
                    tr!(
                        "管理責任者 {acc} が名簿（people）にいません",
                        "administrator {acc} is not in the people roster"
                    ),
                );
                f.evidence(person_evidence(
                    acc,
                    Text::new("名簿にいません", "not in the roster"),
                ));
            }
            Some(person) if !person.is_active() => {
                f.add(
                    Status::Fail,
                    tr!(
                        "管理責任者 {acc} は退職者（left）です",
                        "administrator {acc} has left the company"
                    ),
                );
                f.evidence(person_evidence(acc, Text::new("退職済み", "status: left")));
            }
            Some(person) => f.evidence(person_evidence(
                acc,
                tr!("管理責任者: {}", "administrator: {}", person.label()),
            )),
        },
    }
    match adm.appointed_on {
        None => f.add(
            Status::Fail,
            Text::new(
                "選任日（appointed_on）が記録されていません",
                "the appointment date (appointed_on) is not recorded",
            ),
        ),
        Some(d) if d > ctx.date => f.add(
            Status::Fail,
            tr!(
                "選任日 {d} が監査日より後です",
                "the appointment date {d} is after the audit date"
            ),
        ),
        Some(_) => {}
    }
    match &adm.document {
        None => f.add(
            Status::Partial,
            Text::new(
                "選任を示す文書（document）が指定されていません",
                "no appointment document is named (administrator.document)",
            ),
        ),
        Some(doc) => {
            let (state, ev) = local_file_state(ctx, EvidenceKind::Document, doc);
            match state {
                LocalFile::Present => {}
                LocalFile::Missing => f.add(
                    Status::Partial,
                    tr!(
                        "選任文書 {doc} が見つかりません",
                        "the appointment document {doc} was not found"
                    ),
                ),
                LocalFile::Unreadable(e) => f.add(
                    Status::Error,
                    tr!(
                        "選任文書 {doc} はありますが、読み取れないため確認できません（{e}）",
                        "cannot be assessed: the appointment document {doc} is there but could not be read ({e})"
                    ),
                ),
            }
            f.evidence(ev);
        }
    }
    let acc = adm.account.clone().unwrap_or_default();
    let on = adm.appointed_on.map(|d| d.to_string()).unwrap_or_default();
    f.finish(tr!(
        "{acc} が {on} に管理責任者に選任され、選任文書があります",
        "{acc} was appointed administrator on {on} and the appointment document exists"
    ))
}

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

fn adm03(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    if p.assets.is_empty() {
        return Outcome::na(Text::new(
            "管理台帳（assets）に技術情報が登録されていません（HDL-01 を参照）",
            "the register (assets) lists no technical information (see HDL-01)",
        ));
    }
    let mut f = Findings::new();
    for a in &p.assets {
        let label = a.label();
        if a.handlers.is_empty() {
            f.add(
                Status::Fail,
                tr!(
                    "{label} に取扱者（handlers）が指定されていません",
                    "{label} has no handlers"
                ),
            );
            f.evidence(
                Evidence::new(EvidenceKind::Asset)
                    .asset(&label)
                    .detail(Text::new("取扱者なし", "no handlers")),
            );
        }
        for h in &a.handlers {
            match p.person(h) {
                None => {
                    f.add(
                        Status::Fail,
                        tr!(
                            "{label} の取扱者 {h} が名簿にいません",
                            "handler {h} of {label} is not in the roster"
                        ),
                    );
                    f.evidence(
                        person_evidence(h, Text::new("名簿にいません", "not in the roster"))
                            .asset(&label),
                    );
                }
                Some(person) if !person.is_active() => {
                    f.add(
                        Status::Fail,
                        tr!(
                            "{label} の取扱者 {h} は退職者です",
                            "handler {h} of {label} has left"
                        ),
                    );
                    f.evidence(
                        person_evidence(h, Text::new("退職済み", "status: left")).asset(&label),
                    );
                }
                Some(_) => {}
            }
        }
    }
    let n = p.assets.len();
    f.finish(Text::new(
        format!("全 {n} 件の技術情報に在籍中の取扱者が指定されています"),
        en_n(
            n,
            "the asset has active handlers",
            &format!("all {n} assets have active handlers"),
        ),
    ))
}

/// A `reviews` entry of `kind` within `review_interval_days` (ADM-04, ACC-06).
pub fn recent_review(ctx: &Context, kind: ReviewKind, ja: &str, en: &str) -> Outcome {
    let p = ctx.profile;
    let window = p.thresholds.review_interval_days;
    let mut dated: Vec<_> = p
        .reviews
        .iter()
        .filter(|r| r.kind == kind)
        .filter_map(|r| r.date.map(|d| (d, r)))
        .filter(|(d, _)| *d <= ctx.date)
        .collect();
    dated.sort_by_key(|(d, _)| *d);
    let Some((last, r)) = dated.last() else {
        return Outcome::fail(tr!(
            "{ja}の実施記録（reviews の kind: {k}）がありません",
            "no {en} is recorded (no `reviews` entry of kind {k})",
            k = kind_name(kind)
        ));
    };
    let mut ev = match &r.document {
        Some(doc) => local_file(ctx, EvidenceKind::Review, doc).1,
        None => Evidence::new(EvidenceKind::Review),
    }
    .date(last);
    if ev.detail.is_none() {
        ev = ev.detail(tr!("{ja}の記録", "{en} record"));
    }
    if within(ctx, *last, window) {
        Outcome::pass(tr!(
            "{ja}を {last} に実施しています",
            "the last {en} was on {last}"
        ))
        .with([ev])
    } else {
        Outcome::fail(tr!(
            "最後の{ja}は {last} で、{window} 日以上前です",
            "the last {en} was on {last}, more than {window} days before the audit"
        ))
        .with([ev])
    }
}

fn kind_name(k: ReviewKind) -> &'static str {
    match k {
        ReviewKind::Access => "access",
        ReviewKind::Management => "management",
        ReviewKind::InternalAudit => "internal-audit",
    }
}

fn adm04(ctx: &Context, _: &Done) -> Outcome {
    recent_review(
        ctx,
        ReviewKind::Management,
        "管理状況の見直し",
        "management review",
    )
}
