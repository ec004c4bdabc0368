//! TRN — 従業員向けトレーニング (training of staff).

use crate::i18n::{Text, en_n};
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::profile::{Person, Principal, REQUIRED_TOPICS};
use crate::rules::adm::person_evidence;
use crate::rules::kit::common::{Findings, accounts_error, days, within};
use crate::rules::{Context, ItemResult, Rule};
use crate::tr;
use chrono::NaiveDate;
use std::collections::BTreeMap;

type Done = BTreeMap<String, ItemResult>;

pub const RULES: &[(&str, Rule)] = &[
    ("TRN-01", trn01),
    ("TRN-02", |c, d| membership_guard(c, trn02(c, d))),
    ("TRN-03", |c, d| membership_guard(c, trn03(c, d))),
    ("TRN-04", |c, d| membership_guard(c, trn04(c, d))),
    ("TRN-05", trn05),
];

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

fn trn01(ctx: &Context, _: &Done) -> Outcome {
    let window = ctx.profile.thresholds.training_interval_days;
    let recent: Vec<_> = ctx
        .profile
        .training
        .iter()
        .filter(|s| s.date.is_some_and(|d| within(ctx, d, window)))
        .collect();
    let mut covered: Vec<&str> = Vec::new();
    let mut evidence = Vec::new();
    for s in &recent {
        for t in &s.topics {
            if REQUIRED_TOPICS.contains(&t.as_str()) && !covered.contains(&t.as_str()) {
                covered.push(t);
            }
        }
        evidence.push(session_evidence(s));
    }
    let missing: Vec<&str> = REQUIRED_TOPICS
        .iter()
        .copied()
        .filter(|t| !covered.contains(t))
        .collect();
    let m = missing.join(", ");
    let m_ja = missing
        .iter()
        .map(|t| format!("{}（{t}）", topic_ja(t)))
        .collect::<Vec<_>>()
        .join("、");
    if recent.is_empty() {
        Outcome::fail(tr!(
            "直近 {window} 日間に研修の実施記録がありません",
            "no training session was held in the last {window} days"
        ))
    } else if missing.is_empty() {
        Outcome::pass(tr!(
            "直近 {window} 日間の研修で取扱手続・報告手続・違反時の処分をすべて扱っています",
            "the training sessions of the last {window} days cover handling, reporting and sanctions"
        ))
    } else if covered.is_empty() {
        Outcome::fail(tr!(
            "直近 {window} 日間の研修で、取扱手続（handling）・報告手続（reporting）・違反時の処分（sanctions）のいずれも扱っていません",
            "the sessions of the last {window} days cover none of handling, reporting, sanctions"
        ))
    } else {
        Outcome::partial(Text::new(
            format!("直近 {window} 日間の研修で扱っていないテーマがあります: {m_ja}"),
            format!("the sessions of the last {window} days do not cover: {m}"),
        ))
    }
    .with(evidence)
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

fn trn02(ctx: &Context, _: &Done) -> Outcome {
    let people = match must_train(ctx) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let window = ctx.profile.thresholds.training_interval_days;
    let mut f = Findings::new();
    for (person, why) in &people {
        let last = attended(ctx, &person.account).last().copied();
        let acc = &person.account;
        match last {
            Some(d) if within(ctx, d, window) => {}
            Some(d) => {
                f.add(
                    Status::Fail,
                    tr!(
                        "{acc} の最終受講は {d} です",
                        "{acc} was last trained on {d}"
                    ),
                );
                f.evidence(
                    person_evidence(acc, why.join(&tr!("最終受講 {d}", "last trained {d}")))
                        .date(d),
                );
            }
            None => {
                f.add(
                    Status::Fail,
                    tr!(
                        "{acc} は受講記録がありません",
                        "{acc} has no training record"
                    ),
                );
                f.evidence(person_evidence(
                    acc,
                    why.join(&Text::new("受講記録なし", "never trained")),
                ));
            }
        }
    }
    let n = people.len();
    if n == 0 {
        return Outcome::pass(Text::new(
            "保護対象の情報にアクセスできる在籍者はいません",
            "no active person has access to protected information",
        ));
    }
    let mut o = f.finish(Text::new(
        format!("保護対象にアクセスできる在籍者 {n} 名全員が直近 {window} 日以内に受講しています"),
        format!(
            "{} in the last {window} days",
            en_n(
                n,
                "the 1 active person with access to protected information was trained",
                &format!("all {n} active people with access to protected information were trained")
            )
        ),
    ));
    if o.status != Status::Pass {
        let k = o.evidence.len();
        o.reason = Text::new(
            format!("{k} 名が直近 {window} 日以内に受講していません"),
            format!(
                "{k} of {n} {} not trained in the last {window} days",
                en_n(k, "people with access was", "people with access were")
            ),
        )
        .join(&o.reason);
    }
    o
}

fn trn03(ctx: &Context, _: &Done) -> Outcome {
    let people = match must_train(ctx) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let window = ctx.profile.thresholds.training_interval_days;
    let mut f = Findings::new();
    let mut newcomers = 0;
    for (person, why) in &people {
        let Some(joined) = person.joined_on else {
            continue;
        };
        if !within(ctx, joined, window) {
            continue;
        }
        newcomers += 1;
        let acc = &person.account;
        let deadline = joined + chrono::Days::new(30);
        let dates = attended(ctx, acc);
        if dates.iter().any(|d| *d <= deadline) {
            continue;
        }
        if days(joined, ctx.date) < 30 {
            continue; // not yet due
        }
        match dates.first() {
            Some(d) => {
                f.add(Status::Fail, tr!("{acc}（{joined} 入社）の初回受講は {d} で、30 日を過ぎています", "{acc} (joined {joined}) was first trained on {d}, more than 30 days after joining"));
                f.evidence(
                    person_evidence(
                        acc,
                        why.join(&tr!(
                            "入社 {joined}、初回受講 {d}",
                            "joined {joined}, first trained {d}"
                        )),
                    )
                    .date(d),
                );
            }
            None => {
                f.add(
                    Status::Fail,
                    tr!(
                        "{acc}（{joined} 入社）は入社後 30 日を過ぎても受講していません",
                        "{acc} (joined {joined}) was not trained within 30 days of joining"
                    ),
                );
                f.evidence(
                    person_evidence(
                        acc,
                        why.join(&tr!(
                            "入社 {joined}、受講記録なし",
                            "joined {joined}, never trained"
                        )),
                    )
                    .date(joined),
                );
            }
        }
    }
    if newcomers == 0 {
        return Outcome::pass(tr!(
            "直近 {window} 日間に入社した、研修が必要な人はいません",
            "no one who needs training joined in the last {window} days"
        ));
    }
    f.finish(Text::new(
        format!("直近 {window} 日間の入社者 {newcomers} 名は入社後 30 日以内に受講しています（または期限前です）"),
        format!(
            "{} within 30 days of joining (or {} not yet due)",
            en_n(
                newcomers,
                &format!("the 1 person who joined in the last {window} days was trained"),
                &format!("the {newcomers} people who joined in the last {window} days were trained")
            ),
            en_n(newcomers, "is", "are")
        ),
    ))
}

fn trn04(ctx: &Context, _: &Done) -> Outcome {
    let people = match must_train(ctx) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let mut f = Findings::new();
    for (person, why) in &people {
        if person.pledge_signed_on.is_none() {
            let acc = &person.account;
            f.add(
                Status::Fail,
                tr!(
                    "{acc} の入社時の誓約書（pledge_signed_on）がありません",
                    "{acc} has not signed the confidentiality pledge (pledge_signed_on)"
                ),
            );
            f.evidence(person_evidence(
                acc,
                why.join(&Text::new("誓約書なし", "no pledge")),
            ));
        }
    }
    let mut leavers = 0;
    for person in ctx.profile.people.iter().filter(|p| !p.is_active()) {
        leavers += 1;
        if person.exit_pledge_signed_on.is_none() {
            let acc = &person.account;
            f.add(
                Status::Fail,
                tr!(
                    "退職者 {acc} の退職時の誓約書（exit_pledge_signed_on）がありません",
                    "leaver {acc} has not signed the exit pledge (exit_pledge_signed_on)"
                ),
            );
            let mut e = person_evidence(acc, Text::new("退職時誓約書なし", "no exit pledge"));
            if let Some(d) = person.left_on {
                e = e.date(d);
            }
            f.evidence(e);
        }
    }
    let n = people.len();
    if n == 0 && leavers == 0 && f.status() == Status::Pass {
        return Outcome::pass(Text::new(
            "誓約書が必要な人（アクセス権のある在籍者・退職者）はいません",
            "no one needs a pledge (no active person with access, no leaver)",
        ));
    }
    let (mut ja, mut en) = (Vec::new(), Vec::new());
    if n > 0 {
        ja.push(format!("アクセス権のある在籍者 {n} 名"));
        en.push(en_n(
            n,
            "the 1 active person with access",
            &format!("all {n} active people with access"),
        ));
    }
    if leavers > 0 {
        ja.push(format!("退職者 {leavers} 名"));
        en.push(en_n(
            leavers,
            "the 1 leaver",
            &format!("all {leavers} leavers"),
        ));
    }
    f.finish(Text::new(
        format!("{}の誓約書がそろっています", ja.join("と")),
        format!("pledges are on file for {}", en.join(" and ")),
    ))
}

fn trn05(ctx: &Context, _: &Done) -> Outcome {
    let t = &ctx.profile.training;
    let filled = |s: &&crate::profile::TrainingSession| {
        s.date.is_some() && s.title.is_some() && !s.attendees.is_empty()
    };
    // A session dated after the audit date is planned, not held: it does not count.
    let complete: Vec<_> = t
        .iter()
        .filter(filled)
        .filter(|s| s.date.is_some_and(|d| d <= ctx.date))
        .collect();
    if let Some(last) = complete.iter().max_by_key(|s| s.date) {
        let n = complete.len();
        Outcome::pass(Text::new(
            format!("日付・内容・受講者のそろった研修記録が {n} 件あります"),
            format!(
                "{n} training {} recorded with date, title and attendees",
                en_n(n, "session is", "sessions are")
            ),
        ))
        .with([session_evidence(last)])
    } else if t.is_empty() {
        Outcome::fail(Text::new(
            "研修の記録（training）がありません",
            "no training is recorded (`training`)",
        ))
    } else if t.iter().any(|s| filled(&s)) {
        let d = ctx.date;
        Outcome::fail(tr!(
            "研修の記録は監査日 {d} より後の日付のもの（予定）だけです",
            "the only training sessions recorded are dated after the audit date {d} (planned, not yet held)"
        ))
        .with(t.iter().map(session_evidence))
    } else {
        Outcome::fail(Text::new(
            "研修記録に日付・内容（title）・受講者のいずれかが欠けています",
            "the training records lack a date, a title or attendees",
        ))
        .with(t.iter().map(session_evidence))
    }
}
