//! TRN — 従業員向けトレーニング (training of staff).

pub mod trn01;
pub mod trn02;
pub mod trn03;
pub mod trn04;
pub mod trn05;

crate::rules::items! {
    trn01,
    trn02,
    trn03,
    trn04,
    trn05,
}

use crate::i18n::Text;
use crate::model::{Evidence, EvidenceKind, Outcome};
use crate::profile::{Person, Principal, REQUIRED_TOPICS};
use crate::rules::Context;
use crate::rules::adm::person_evidence;
use crate::rules::kit::common::{Findings, accounts_error, days, within};
use crate::tr;
use chrono::NaiveDate;

/// Who must be trained depends on group membership: a line of `/etc/group` for
/// an `authorized` group, or of `/etc/passwd` for a person of the roster, that
/// could not be parsed may hide someone, so the item cannot pass past it.
fn membership_guard(ctx: &Context, o: Outcome) -> Outcome {
    let p = ctx.profile;
    let groups: Vec<&str> = p
        .assets
        .iter()
        .flat_map(|a| &a.authorized)
        .filter_map(|x| match x {
            Principal::Group(g) => Some(g.as_str()),
            _ => None,
        })
        .collect();
    if groups.is_empty() {
        return o;
    }
    super::acc::unparsed_guard(ctx, o, |line| {
        let name = line.split(':').next().unwrap_or("").trim();
        groups.contains(&name) || p.person(name).is_some()
    })
}

/// Active people who can access protected information and so must be trained:
/// handlers of an asset, `user:` principals in `authorized`, and members (primary
/// or supplementary, per the audited root) of `group:` principals there.
/// Each with the reason they are in the set.
pub fn must_train<'p>(ctx: &Context<'p>) -> Result<Vec<(&'p Person, Text)>, Outcome> {
    let p = ctx.profile;
    let needs_groups = p.assets.iter().any(|a| {
        a.authorized
            .iter()
            .any(|x| matches!(x, Principal::Group(_)))
    });
    let accounts = match (&ctx.facts.accounts, needs_groups) {
        (Ok(a), _) => Some(a),
        (Err(e), true) => return Err(accounts_error(e)),
        (Err(_), false) => None,
    };
    let mut out = Vec::new();
    for person in p.people.iter().filter(|x| x.is_active()) {
        let acc = person.account.as_str();
        let mut why: Option<Text> = None;
        for a in &p.assets {
            let label = a.label();
            if a.handlers.iter().any(|h| h == acc) {
                why = Some(tr!("{label} の取扱者", "handler of {label}"));
                break;
            }
            for pr in &a.authorized {
                match pr {
                    Principal::User(u) if u == acc => {
                        why = Some(tr!(
                            "{label} のアクセス許可者（user:{u}）",
                            "authorized for {label} as user:{u}"
                        ));
                    }
                    Principal::Group(g) if accounts.is_some_and(|ac| ac.is_member(acc, g)) => {
                        why = Some(tr!(
                            "{label} のアクセス許可グループ {g} のメンバー",
                            "member of group {g}, authorized for {label}"
                        ));
                    }
                    _ => {}
                }
                if why.is_some() {
                    break;
                }
            }
            if why.is_some() {
                break;
            }
        }
        if let Some(w) = why {
            out.push((person, w));
        }
    }
    Ok(out)
}

/// Dates of the sessions `account` attended, up to the audit date.
fn attended(ctx: &Context, account: &str) -> Vec<NaiveDate> {
    let mut v: Vec<NaiveDate> = ctx
        .profile
        .training
        .iter()
        .filter(|s| s.attendees.iter().any(|a| a == account))
        .filter_map(|s| s.date)
        .filter(|d| *d <= ctx.date)
        .collect();
    v.sort();
    v
}

/// A required training topic as a Japanese manager calls it.
fn topic_ja(t: &str) -> &str {
    match t {
        "handling" => "取扱手続",
        "reporting" => "報告手続",
        "sanctions" => "違反時の処分",
        t => t,
    }
}

fn session_evidence(s: &crate::profile::TrainingSession) -> Evidence {
    let mut e = Evidence::new(EvidenceKind::Training).detail(Text::same(format!(
        "{} [{}] ({})",
        s.title.clone().unwrap_or_default(),
        s.topics.join(", "),
        s.attendees.join(", ")
    )));
    if let Some(d) = s.date {
        e = e.date(d);
    }
    e
}
