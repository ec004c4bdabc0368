//! Small helpers shared by the rules.

use crate::i18n::Text;
use crate::model::{Evidence, EvidenceKind, Outcome, Status};
use crate::rules::Context;
use crate::tr;
use chrono::NaiveDate;

/// Collects findings of one rule; the result is the weakest finding.
pub struct Findings {
    status: Status,
    reasons: Vec<Text>,
    evidence: Vec<Evidence>,
}

impl Default for Findings {
    fn default() -> Self {
        Findings {
            status: Status::Pass,
            reasons: Vec::new(),
            evidence: Vec::new(),
        }
    }
}

impl Findings {
    pub fn new() -> Findings {
        Findings::default()
    }

    /// A finding that makes the item `status` (or weaker), with its reason.
    pub fn add(&mut self, status: Status, reason: Text) {
        self.status = self.status.weaker(status);
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }

    pub fn evidence(&mut self, e: Evidence) {
        self.evidence.push(e);
    }

    pub fn status(&self) -> Status {
        self.status
    }

    /// The outcome: `ok` as the reason when nothing was found.
    pub fn finish(self, ok: Text) -> Outcome {
        let reason = if self.status == Status::Pass || self.reasons.is_empty() {
            ok
        } else {
            let mut r = self.reasons[0].clone();
            for t in &self.reasons[1..] {
                r = r.join(t);
            }
            r
        };
        Outcome {
            status: self.status,
            reason,
            evidence: self.evidence,
        }
    }
}

/// Days from `from` to `to` (positive when `from` is earlier).
pub fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// Is `d` on or before the audit date and at most `window` days before it?
pub fn within(ctx: &Context, d: NaiveDate, window: u64) -> bool {
    let age = days(d, ctx.date);
    age >= 0 && age as u64 <= window
}

/// What was found at a company file named in the profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalFile {
    /// A regular file, read (its SHA-256 is in the evidence).
    Present,
    /// Nothing there, or not a regular file (a folder, a dangling link).
    Missing,
    /// It is there but could not be read (permission denied, I/O error): the item
    /// cannot be assessed.
    Unreadable(String),
}

/// A company file named in the profile (document, record, evidence): does it
/// exist, and the evidence citing it (with its SHA-256 when it does).
pub fn local_file(ctx: &Context, kind: EvidenceKind, written: &str) -> (bool, Evidence) {
    let (state, ev) = local_file_state(ctx, kind, written);
    (state == LocalFile::Present, ev)
}

/// Like [`local_file`], telling a missing file from one that cannot be read. The
/// file was read by `collect::records` (a symbolic link to the current version of
/// a document is followed there).
pub fn local_file_state(ctx: &Context, kind: EvidenceKind, written: &str) -> (LocalFile, Evidence) {
    use crate::collect::records::RecordFile;
    let ev = Evidence::new(kind).path(written);
    let Some((shown, state)) = ctx.facts.records.get(written) else {
        // Every file the profile names is collected; a rule asking for another
        // one is a bug, and never a silent verdict.
        return (
            LocalFile::Unreadable("not collected".into()),
            ev.detail(Text::new(
                format!("ファイルが収集されていません: {written}"),
                format!("file was not collected: {written}"),
            )),
        );
    };
    match state {
        RecordFile::Present { sha256 } => (LocalFile::Present, ev.sha256(Some(sha256.clone()))),
        RecordFile::NotFound => (
            LocalFile::Missing,
            ev.detail(Text::new(
                format!("ファイルがありません: {shown}"),
                format!("file not found: {shown}"),
            )),
        ),
        RecordFile::NotRegular => (
            LocalFile::Missing,
            ev.detail(Text::new(
                format!("通常のファイルではありません: {shown}"),
                format!("not a regular file: {shown}"),
            )),
        ),
        RecordFile::Unreadable(msg) => (
            LocalFile::Unreadable(msg.clone()),
            ev.detail(Text::new(
                format!("ファイルを読み取れません: {shown}（{msg}）"),
                format!("file could not be read: {shown} ({msg})"),
            )),
        ),
    }
}

/// The reason used when a rule needs facts from a collector this run did not have.
pub fn missing_collector(what_ja: &str, what_en: &str) -> Outcome {
    Outcome::error(Text::new(
        format!("{what_ja}の情報が収集されていないため判定できません"),
        format!("cannot be assessed: the {what_en} facts were not collected"),
    ))
}

/// Outcome for an item that needs the account database when it could not be read.
pub fn accounts_error(e: &str) -> Outcome {
    Outcome::error(Text::new(
        format!("監査対象のアカウント情報を読めません: {e}"),
        format!("cannot read the audited host's accounts: {e}"),
    ))
}

/// A `records` entry of `kind` whose file exists (HDL-08, HDL-09, STO-02, STO-03).
pub fn record_exists(
    ctx: &Context,
    kind: crate::profile::RecordKind,
    ja: &str,
    en: &str,
) -> Outcome {
    let k = kind.name();
    let entries: Vec<_> = ctx
        .profile
        .records
        .iter()
        .filter(|r| r.kind == kind)
        .collect();
    if entries.is_empty() {
        return Outcome::fail(Text::new(
            format!("{ja}（records の kind: {k}）が登録されていません"),
            format!("no {en} is registered (no `records` entry of kind {k})"),
        ));
    }
    let mut evidence = Vec::new();
    let mut found = None;
    let mut unreadable = None;
    for r in &entries {
        match &r.path {
            Some(path) => {
                let (state, ev) = local_file_state(ctx, EvidenceKind::Record, path);
                match state {
                    LocalFile::Present if found.is_none() => found = Some(path.clone()),
                    LocalFile::Unreadable(e) if unreadable.is_none() => {
                        unreadable = Some((path.clone(), e))
                    }
                    _ => {}
                }
                evidence.push(ev);
            }
            None => evidence.push(Evidence::new(EvidenceKind::Record).detail(Text::new(
                format!("{k} の記録に path がありません"),
                format!("the {k} record has no path"),
            ))),
        }
    }
    match (found, unreadable) {
        (Some(path), _) => Outcome::pass(Text::new(
            format!("{ja} {path} があります"),
            format!("the {en} {path} exists"),
        )),
        (None, Some((path, e))) => Outcome::error(Text::new(
            format!("{ja} {path} はありますが、読み取れないため確認できません（{e}）"),
            format!("cannot be assessed: the {en} {path} is there but could not be read ({e})"),
        )),
        (None, None) => Outcome::fail(Text::new(
            format!("{ja}のファイルが見つかりません"),
            format!("the {en} file was not found"),
        )),
    }
    .with(evidence)
}

/// How a dated `records` entry is read (ADM-06's procedure, HDL-11's register).
pub struct DatedRecord {
    pub kind: crate::profile::RecordKind,
    /// The profile key of the date (`reviewed_on`, `updated_on`) and its value.
    pub field: &'static str,
    pub date: fn(&crate::profile::Record) -> Option<NaiveDate>,
    /// What the record is ("漏えい時の対応手順", "incident procedure").
    pub what: (&'static str, &'static str),
    /// What the date says was done ("見直し・訓練", "reviewed or rehearsed").
    pub done: (&'static str, &'static str),
}

/// A `records` entry of `d.kind` whose file exists and whose date is within
/// `review_interval_days` before the audit date: pass. The file there but the
/// date older, missing or after the audit date: partial. No entry, or no file:
/// fail. The only file there unreadable: error with the reason.
pub fn dated_record(ctx: &Context, d: &DatedRecord) -> Outcome {
    let k = d.kind.name();
    let ((ja, en), (done_ja, done_en), field) = (d.what, d.done, d.field);
    let entries: Vec<_> = ctx
        .profile
        .records
        .iter()
        .filter(|r| r.kind == d.kind)
        .collect();
    if entries.is_empty() {
        return Outcome::fail(tr!(
            "{ja}（records の kind: {k}）が登録されていません",
            "no {en} is registered (no `records` entry of kind {k})"
        ));
    }
    let mut evidence = Vec::new();
    let mut present = Vec::new();
    let mut unreadable = None;
    for r in &entries {
        let Some(path) = &r.path else {
            evidence.push(Evidence::new(EvidenceKind::Record).detail(tr!(
                "{k} の記録に path がありません",
                "the {k} record has no path"
            )));
            continue;
        };
        let (state, mut ev) = local_file_state(ctx, EvidenceKind::Record, path);
        if let Some(day) = (d.date)(r) {
            ev = ev.date(day);
        }
        match state {
            LocalFile::Present => present.push((path.clone(), (d.date)(r))),
            LocalFile::Unreadable(e) if unreadable.is_none() => {
                unreadable = Some((path.clone(), e))
            }
            _ => {}
        }
        evidence.push(ev);
    }
    if present.is_empty() {
        return match unreadable {
            Some((path, e)) => Outcome::error(tr!(
                "{ja} {path} はありますが、読み取れないため確認できません（{e}）",
                "cannot be assessed: the {en} {path} is there but could not be read ({e})"
            )),
            None => Outcome::fail(tr!(
                "{ja}のファイルが見つかりません",
                "the {en} file was not found"
            )),
        }
        .with(evidence);
    }
    let window = ctx.profile.thresholds.review_interval_days;
    // The latest date on or before the audit date, among the files that are there.
    let last = present
        .iter()
        .filter_map(|(p, day)| day.filter(|x| *x <= ctx.date).map(|x| (x, p)))
        .max();
    let outcome = match last {
        Some((day, path)) if within(ctx, day, window) => Outcome::pass(tr!(
            "{ja} {path} があり、{day} に{done_ja}されています",
            "the {en} {path} exists and was {done_en} on {day}"
        )),
        Some((day, path)) => Outcome::partial(tr!(
            "{ja} {path} はありますが、最後の{done_ja}は {day} で、{window} 日以上前です",
            "the {en} {path} exists, but it was last {done_en} on {day}, more than {window} days before the audit"
        )),
        None if present.iter().any(|(_, day)| day.is_some()) => Outcome::partial(tr!(
            "{ja}の {field} が監査日より後のため、監査日時点で{done_ja}されていたか確認できません",
            "the {en}'s {field} is after the audit date, so it cannot be shown to have been {done_en} by then"
        )),
        None => Outcome::partial(tr!(
            "{ja} {path} はありますが、{done_ja}の日付（{field}）が記録されていないため、最新かどうか確認できません",
            "the {en} {path} exists, but no {field} date is recorded, so it cannot be shown to be {done_en} within the interval",
            path = present[0].0
        )),
    };
    outcome.with(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_that_stay_a_pass_finish_with_the_ok_text_and_others_with_every_reason() {
        let ok = Text::same("all good");
        let mut f = Findings::new();
        // A note recorded at pass level (ACC-05 adds its ACL half this way)
        // does not replace the item's own pass text.
        f.add(Status::Pass, Text::same("the ACL half passes"));
        let o = f.finish(ok.clone());
        assert_eq!((o.status, o.reason.en.as_str()), (Status::Pass, "all good"));

        let mut f = Findings::new();
        f.add(Status::Partial, Text::same("one"));
        f.add(Status::Fail, Text::same("two"));
        f.add(Status::Fail, Text::same("one"));
        let o = f.finish(ok);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.reason, Text::same("one").join(&Text::same("two")));
    }
}
