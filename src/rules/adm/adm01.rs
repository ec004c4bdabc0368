//! ADM-01 — 技術情報管理責任者の選任 (Administrator appointed).
//! Definition and texts: checklists/tim-selfcheck.yaml (ADM-01).

use super::*;
use crate::i18n::Text;
use crate::model::{EvidenceKind, Outcome, Status};
use crate::profile::{Administrator, Profile};
use crate::rules::{Context, Done, ItemId, ItemRule};
use crate::tr;

pub static RULE: ItemRule = ItemRule::new(ItemId::Adm01, adm01);

fn adm01(ctx: &Context, _: &Done) -> Outcome {
    let p = ctx.profile;
    let Some(adm) = &p.administrator else {
        return Outcome::fail(Text::new(
            "管理責任者がプロファイルの `administrator:` に記載されていません",
            "no administrator is named in the profile (`administrator:`)",
        ));
    };
    let mut f = Findings::new();
    check_account(&mut f, p, adm);
    check_appointed_on(&mut f, ctx, adm);
    check_document(&mut f, ctx, adm);
    let acc = adm.account.clone().unwrap_or_default();
    let on = adm.appointed_on.map(|d| d.to_string()).unwrap_or_default();
    f.finish(tr!(
        "{acc} が {on} に管理責任者に選任され、選任文書があります",
        "{acc} was appointed administrator on {on} and the appointment document exists"
    ))
}

/// The administrator's account is set and names an active person of the roster.
fn check_account(f: &mut Findings, p: &Profile, adm: &Administrator) {
    let Some(acc) = &adm.account else {
        f.add(
            Status::Fail,
            Text::new(
                "administrator.account が未設定です",
                "administrator.account is not set",
            ),
        );
        return;
    };
    match p.person(acc) {
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
    }
}

/// The appointment date is recorded and not after the audit date.
fn check_appointed_on(f: &mut Findings, ctx: &Context, adm: &Administrator) {
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
}

/// The appointment document is named, present and readable.
fn check_document(f: &mut Findings, ctx: &Context, adm: &Administrator) {
    let Some(doc) = &adm.document else {
        f.add(
            Status::Partial,
            Text::new(
                "選任を示す文書（document）が指定されていません",
                "no appointment document is named (administrator.document)",
            ),
        );
        return;
    };
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
