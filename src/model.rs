//! Result values shared by the evaluate and report stages.
//!
//! Definitions (checklist items, policies) never change; evaluating an item returns
//! a new [`Outcome`], and the report is built from those values.

use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of `report.json`'s schema (the report writes it; a baseline is
/// checked against it).
pub const SCHEMA_VERSION: u32 = 1;

/// The verdict of one checklist item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    /// Met by another control (an alternative measure the profile states, with
    /// its evidence): scores like `pass`, shown apart from it and from a waiver.
    Alternative,
    Partial,
    Fail,
    NotApplicable,
    Error,
    Unanswered,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Pass,
        Status::Alternative,
        Status::Partial,
        Status::Fail,
        Status::NotApplicable,
        Status::Error,
        Status::Unanswered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Alternative => "alternative",
            Status::Partial => "partial",
            Status::Fail => "fail",
            Status::NotApplicable => "not_applicable",
            Status::Error => "error",
            Status::Unanswered => "unanswered",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Ja, Status::Pass) => "適合",
            (Lang::Ja, Status::Alternative) => "代替措置で適合",
            (Lang::Ja, Status::Partial) => "一部適合",
            (Lang::Ja, Status::Fail) => "不適合",
            (Lang::Ja, Status::NotApplicable) => "該当なし",
            (Lang::Ja, Status::Error) => "判定不能",
            (Lang::Ja, Status::Unanswered) => "未回答",
            (Lang::En, Status::Pass) => "pass",
            (Lang::En, Status::Alternative) => "met by alternative",
            (Lang::En, Status::Partial) => "partial",
            (Lang::En, Status::Fail) => "fail",
            (Lang::En, Status::NotApplicable) => "not applicable",
            (Lang::En, Status::Error) => "error",
            (Lang::En, Status::Unanswered) => "unanswered",
        }
    }

    /// The score an item with this status contributes; `None` when it is left out.
    /// A control met by an alternative measure counts like `pass`.
    pub fn score(self) -> Option<f64> {
        match self {
            Status::Pass | Status::Alternative => Some(1.0),
            Status::Partial => Some(0.5),
            Status::NotApplicable => None,
            _ => Some(0.0),
        }
    }

    /// Is the item met or not applicable, so a report shows no remediation?
    pub fn needs_no_fix(self) -> bool {
        matches!(
            self,
            Status::Pass | Status::Alternative | Status::NotApplicable
        )
    }

    /// Rank for "the weaker of two parts": error < fail < partial < pass.
    fn strength(self) -> u8 {
        match self {
            Status::Error | Status::Unanswered => 0,
            Status::Fail => 1,
            Status::Partial => 2,
            Status::Pass | Status::Alternative | Status::NotApplicable => 3,
        }
    }

    /// The weaker of two statuses (fail < partial < pass; error is weakest).
    pub fn weaker(self, other: Status) -> Status {
        if other.strength() < self.strength() {
            other
        } else {
            self
        }
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.code() == s)
            .ok_or_else(|| format!("unknown status `{s}`"))
    }
}

/// What kind of thing a piece of evidence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A file on the audited host (a protected or marked file, usually).
    File,
    /// A line of a configuration file on the audited host.
    Config,
    /// A person from the profile's roster.
    Person,
    /// A user or group that has (or is listed for) access.
    Principal,
    /// An account or group on the audited host.
    Account,
    /// A document named in the profile (rules, appointment, review).
    Document,
    /// A record file (take-out, disposal, key lending, area entry, media).
    Record,
    /// An asset of the register.
    Asset,
    /// A training session.
    Training,
    /// A review entry.
    Review,
    /// An answer (or waiver) from the profile, or a file attached to it.
    Answer,
    /// A Windows evidence file.
    Windows,
    /// Anything else worth saying.
    Note,
}

/// One concrete thing behind a verdict.
///
/// Inside the tool `detail` is bilingual ([`Text`]); the report holds the
/// `Evidence<String>` of its language (see [`Evidence::localize`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence<D = Text> {
    pub kind: EvidenceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The exact bytes of a non-UTF-8 path, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_b64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// An account, group or principal (`user:tanaka`, `group:design`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The register asset this concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Explanation in both languages; the report prints the one of its language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<D>,
    /// On the note that stands for findings not listed: how many more there are
    /// (all of them are in the bundle's `findings.jsonl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted: Option<u64>,
}

impl Evidence {
    pub fn new(kind: EvidenceKind) -> Evidence {
        Evidence {
            kind,
            path: None,
            path_b64: None,
            line: None,
            excerpt: None,
            sha256: None,
            principal: None,
            asset: None,
            date: None,
            detail: None,
            omitted: None,
        }
    }

    pub fn path(mut self, p: impl Into<String>) -> Self {
        self.path = Some(p.into());
        self
    }
    pub fn path_b64(mut self, p: Option<String>) -> Self {
        self.path_b64 = p;
        self
    }
    pub fn line(mut self, l: usize) -> Self {
        self.line = Some(l);
        self
    }
    pub fn excerpt(mut self, e: impl Into<String>) -> Self {
        self.excerpt = Some(e.into());
        self
    }
    pub fn sha256(mut self, h: Option<String>) -> Self {
        self.sha256 = h;
        self
    }
    pub fn principal(mut self, p: impl Into<String>) -> Self {
        self.principal = Some(p.into());
        self
    }
    pub fn asset(mut self, a: impl Into<String>) -> Self {
        self.asset = Some(a.into());
        self
    }
    pub fn date(mut self, d: impl ToString) -> Self {
        self.date = Some(d.to_string());
        self
    }
    pub fn detail(mut self, t: Text) -> Self {
        self.detail = Some(t);
        self
    }

    /// The evidence as a report of language `lang` prints it.
    pub fn localize(&self, lang: Lang) -> Evidence<String> {
        Evidence {
            kind: self.kind,
            path: self.path.clone(),
            path_b64: self.path_b64.clone(),
            line: self.line,
            excerpt: self.excerpt.clone(),
            sha256: self.sha256.clone(),
            principal: self.principal.clone(),
            asset: self.asset.clone(),
            date: self.date.clone(),
            detail: self.detail.as_ref().map(|t| t.get(lang).to_string()),
            omitted: self.omitted,
        }
    }
}

/// The computed result of one rule: what an item's automatic or records part found.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: Status,
    pub reason: Text,
    pub evidence: Vec<Evidence>,
}

impl Outcome {
    pub fn new(status: Status, reason: Text) -> Outcome {
        Outcome {
            status,
            reason,
            evidence: Vec::new(),
        }
    }
    pub fn pass(reason: Text) -> Outcome {
        Outcome::new(Status::Pass, reason)
    }
    pub fn partial(reason: Text) -> Outcome {
        Outcome::new(Status::Partial, reason)
    }
    pub fn fail(reason: Text) -> Outcome {
        Outcome::new(Status::Fail, reason)
    }
    pub fn na(reason: Text) -> Outcome {
        Outcome::new(Status::NotApplicable, reason)
    }
    pub fn error(reason: Text) -> Outcome {
        Outcome::new(Status::Error, reason)
    }
    pub fn with(mut self, ev: impl IntoIterator<Item = Evidence>) -> Outcome {
        self.evidence.extend(ev);
        self
    }
    pub fn push(&mut self, ev: Evidence) {
        self.evidence.push(ev);
    }
}

// The score summary (computed in `rules::score`, compared by `changes`).

/// Counts per status; every status is present (0 when none).
pub type Counts = BTreeMap<Status, usize>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub id: String,
    /// `None` when every item of the criterion is not applicable.
    pub score: Option<f64>,
    pub counts: Counts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub score: Option<f64>,
    pub counts: Counts,
    pub criteria: Vec<CriterionScore>,
}
