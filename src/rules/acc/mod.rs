//! ACC — 情報のアクセス制限 (restricting who can access).

pub mod acc01;
pub mod acc02;
pub mod acc03;
pub mod acc04;
pub mod acc05;
pub mod acc06;
pub mod acc07;
pub mod acc08;
pub mod acc09;
pub mod acc10;
pub mod acc11;

crate::rules::items! {
    acc01,
    acc02,
    acc03,
    acc04,
    acc05,
    acc06,
    acc07,
    acc08,
    acc09,
    acc10,
    acc11,
}

use crate::collect::accounts::is_nologin_shell;
use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::profile::{Principal, ReviewKind};
use crate::rules::Context;
use crate::rules::adm::{person_evidence, recent_review};
use crate::rules::kit::common::{Findings, accounts_error, missing_collector};
use std::collections::BTreeMap;

/// Turns a pass into `error` when lines of the account files that `relevant`
/// picks could not be parsed: the verdict cannot be shown without them.
pub(super) fn unparsed_guard(
    ctx: &Context,
    o: Outcome,
    relevant: impl Fn(&str) -> bool,
) -> Outcome {
    let Ok(accounts) = &ctx.facts.accounts else {
        return o;
    };
    if o.status != Status::Pass {
        return o;
    }
    let bad: Vec<_> = accounts
        .problems
        .iter()
        .filter(|(_, _, text)| relevant(text))
        .collect();
    if bad.is_empty() {
        return o;
    }
    let n = bad.len();
    let evidence = bad.iter().map(|(file, line, text)| {
        let sha = if *file == accounts.group.path {
            &accounts.group.sha256
        } else {
            &accounts.passwd.sha256
        };
        Evidence::new(EvidenceKind::Config)
            .path(file)
            .line(*line)
            .excerpt(text)
            .sha256(Some(sha.clone()))
            .detail(Text::new(
                "この行を読み取れません（項目数または uid/gid が不正）",
                "this line cannot be parsed (wrong number of fields or a bad uid/gid)",
            ))
    });
    Outcome::error(Text::new(
        format!("/etc/passwd・/etc/group に読み取れない行が {n} 行あるため判定できません（その行のアカウントが見落とされている可能性があります）"),
        format!(
            "cannot be assessed: {} of /etc/passwd or /etc/group could not be parsed, so an account or membership on {} may be missed",
            en_n(n, "1 line", &format!("{n} lines")),
            en_n(n, "it", "them")
        ),
    ))
    .with(evidence)
}
