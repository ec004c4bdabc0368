//! The audit profile (`timaudit.yaml`) as the rest of the tool sees it.
//!
//! Field names and meanings are documented in the README (profile section). Loading and validation live in
//! `load/` (one file per part of the profile); nothing here touches the disk.

use crate::yaml::Pos;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Markers used when the profile gives none (documented in the README).
pub const DEFAULT_MARKERS: &[&str] = &["社外秘", "極秘", "関係者外秘", "Confidential"];

#[derive(Clone, Debug, Default)]
pub struct Profile {
    /// The profile file, when one was loaded.
    pub file: Option<PathBuf>,
    /// SHA-256 (hex) of the profile's bytes as they were read and decoded: the
    /// report cites the exact answers the verdicts used, without reading the
    /// file again.
    pub file_sha256: Option<String>,
    /// Folder that relative paths in the profile are relative to.
    pub base_dir: PathBuf,
    pub version: u32,
    pub organization: Organization,
    pub scope: Scope,
    pub markers: Vec<String>,
    pub assets: Vec<Asset>,
    pub people: Vec<Person>,
    /// The CSV the roster came from, when `people_file` was used.
    pub people_file: Option<PathBuf>,
    pub training: Vec<TrainingSession>,
    pub training_file: Option<PathBuf>,
    pub administrator: Option<Administrator>,
    pub documents: Vec<Document>,
    pub reviews: Vec<Review>,
    pub records: Vec<Record>,
    pub answers: BTreeMap<String, Answer>,
    pub approval: Approval,
    pub thresholds: Thresholds,
}

impl Profile {
    /// The profile used when none is given: no records, default markers.
    pub fn empty() -> Profile {
        Profile {
            version: 1,
            markers: DEFAULT_MARKERS.iter().map(|s| s.to_string()).collect(),
            ..Profile::default()
        }
    }

    /// Is there a profile at all? Without one, records and manual items are unanswered.
    pub fn is_loaded(&self) -> bool {
        self.file.is_some()
    }

    /// A path written in the profile for a company file (document, record, evidence):
    /// relative paths are relative to the profile's folder.
    pub fn local_path(&self, p: &str) -> PathBuf {
        let path = Path::new(p);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    pub fn person(&self, account: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.account == account)
    }

    pub fn answer(&self, id: &str) -> Option<&Answer> {
        self.answers.get(id)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Organization {
    pub name: String,
    /// Earlier names (有限会社 → 株式会社): a baseline under one of them is comparable.
    pub previous_names: Vec<String>,
    pub certification: Option<Certification>,
}

#[derive(Clone, Debug, Default)]
pub struct Certification {
    pub body: Option<String>,
    pub certificate_id: Option<String>,
    pub certified_on: Option<NaiveDate>,
}

#[derive(Clone, Debug)]
pub struct Scope {
    pub shares: Vec<String>,
    pub exclude: Vec<String>,
    pub content_scan_bytes: u64,
}

impl Default for Scope {
    fn default() -> Self {
        Scope {
            shares: Vec::new(),
            exclude: Vec::new(),
            content_scan_bytes: 65536,
        }
    }
}

/// `user:NAME` or `group:NAME` in an asset's `authorized` list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    User(String),
    Group(String),
}

impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Principal::User(u) => write!(f, "user:{u}"),
            Principal::Group(g) => write!(f, "group:{g}"),
        }
    }
}

impl std::str::FromStr for Principal {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Principal::parse_text(s).map_err(|m| m.en)
    }
}

impl Principal {
    /// `user:NAME` or `group:NAME`; the reason in both languages otherwise.
    pub fn parse_text(s: &str) -> Result<Principal, crate::i18n::Text> {
        let s = s.trim();
        let (kind, name) = s.split_once(':').ok_or_else(|| {
            crate::tr!(
                "`{s}` は `user:名前` か `group:名前` の形で書いてください",
                "`{s}` must be written `user:NAME` or `group:NAME`"
            )
        })?;
        let name = name.trim();
        if name.is_empty() {
            return Err(crate::tr!(
                "`{s}`: `{kind}:` の後に名前がありません",
                "`{s}` has no name after `{kind}:`"
            ));
        }
        match kind.trim() {
            "user" => Ok(Principal::User(name.to_string())),
            "group" => Ok(Principal::Group(name.to_string())),
            other => Err(crate::tr!(
                "`{s}`: `{other}` という種類は使えません（`user:` か `group:` で書いてください）",
                "`{s}`: unknown principal kind `{other}` (expected `user:` or `group:`)"
            )),
        }
    }
}

/// One entry of the register of protected technical information (管理台帳).
#[derive(Clone, Debug, Default)]
pub struct Asset {
    pub id: Option<String>,
    pub name: Option<String>,
    pub classification: Option<String>,
    pub paths: Vec<String>,
    pub authorized: Vec<Principal>,
    pub handlers: Vec<String>,
    /// Index in the register (0-based), for naming assets without an id.
    pub index: usize,
    pub pos: Pos,
}

impl Asset {
    /// The ID, or `#N` for an entry without one.
    pub fn label(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("#{}", self.index + 1))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonStatus {
    Active,
    Left,
}

#[derive(Clone, Debug)]
pub struct Person {
    pub account: String,
    pub name: Option<String>,
    pub roles: Vec<String>,
    pub status: PersonStatus,
    pub joined_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    pub pledge_signed_on: Option<NaiveDate>,
    pub exit_pledge_signed_on: Option<NaiveDate>,
}

impl Person {
    pub fn is_active(&self) -> bool {
        self.status == PersonStatus::Active
    }
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
    /// `tanaka (田中 一郎)` or `tanaka`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) if !n.is_empty() => format!("{} ({})", self.account, n),
            _ => self.account.clone(),
        }
    }
}

/// Roles the tool gives meaning to.
pub const KNOWN_ROLES: &[&str] = &["administrator", "handler", "system-admin"];

#[derive(Clone, Debug, Default)]
pub struct TrainingSession {
    pub date: Option<NaiveDate>,
    pub title: Option<String>,
    pub topics: Vec<String>,
    pub attendees: Vec<String>,
}

/// Topics that TRN-01 requires the programme to cover.
pub const REQUIRED_TOPICS: &[&str] = &["handling", "reporting", "sanctions"];

#[derive(Clone, Debug, Default)]
pub struct Administrator {
    pub account: Option<String>,
    pub appointed_on: Option<NaiveDate>,
    pub document: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Document {
    pub id: String,
    pub title: Option<String>,
    pub path: Option<String>,
    pub revised_on: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewKind {
    Access,
    Management,
    InternalAudit,
}

impl ReviewKind {
    pub const NAMES: &'static [&'static str] = &["access", "management", "internal-audit"];
    pub fn parse(s: &str) -> Option<ReviewKind> {
        match s {
            "access" => Some(ReviewKind::Access),
            "management" => Some(ReviewKind::Management),
            "internal-audit" => Some(ReviewKind::InternalAudit),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Review {
    pub kind: ReviewKind,
    pub date: Option<NaiveDate>,
    pub document: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    TakeOut,
    Disposal,
    KeyLending,
    AreaEntry,
    Media,
    /// The procedure for a suspected leak (ADM-06).
    IncidentProcedure,
}

impl RecordKind {
    pub const NAMES: &'static [&'static str] = &[
        "take-out",
        "disposal",
        "key-lending",
        "area-entry",
        "media",
        "incident-procedure",
    ];
    pub fn parse(s: &str) -> Option<RecordKind> {
        match s {
            "take-out" => Some(RecordKind::TakeOut),
            "disposal" => Some(RecordKind::Disposal),
            "key-lending" => Some(RecordKind::KeyLending),
            "area-entry" => Some(RecordKind::AreaEntry),
            "media" => Some(RecordKind::Media),
            "incident-procedure" => Some(RecordKind::IncidentProcedure),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::TakeOut => "take-out",
            RecordKind::Disposal => "disposal",
            RecordKind::KeyLending => "key-lending",
            RecordKind::AreaEntry => "area-entry",
            RecordKind::Media => "media",
            RecordKind::IncidentProcedure => "incident-procedure",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Record {
    pub kind: RecordKind,
    pub path: Option<String>,
    pub note: Option<String>,
    /// When the procedure was last reviewed or rehearsed (`incident-procedure`, ADM-06).
    pub reviewed_on: Option<NaiveDate>,
    /// When the register was last brought up to date (`media`, HDL-11).
    pub updated_on: Option<NaiveDate>,
}

/// Statuses an answer may give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerStatus {
    Pass,
    /// Met by another control: needs a `note` saying which, and `evidence`.
    Alternative,
    Partial,
    Fail,
    NotApplicable,
}

impl AnswerStatus {
    pub const NAMES: &'static [&'static str] =
        &["pass", "alternative", "partial", "fail", "not_applicable"];
    pub fn parse(s: &str) -> Option<AnswerStatus> {
        match s {
            "pass" => Some(AnswerStatus::Pass),
            "alternative" => Some(AnswerStatus::Alternative),
            "partial" => Some(AnswerStatus::Partial),
            "fail" => Some(AnswerStatus::Fail),
            "not_applicable" => Some(AnswerStatus::NotApplicable),
            _ => None,
        }
    }
    pub fn status(self) -> crate::model::Status {
        use crate::model::Status;
        match self {
            AnswerStatus::Pass => Status::Pass,
            AnswerStatus::Alternative => Status::Alternative,
            AnswerStatus::Partial => Status::Partial,
            AnswerStatus::Fail => Status::Fail,
            AnswerStatus::NotApplicable => Status::NotApplicable,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub status: AnswerStatus,
    pub note: Option<String>,
    pub justification: Option<String>,
    pub evidence: Vec<String>,
    pub expires_on: Option<NaiveDate>,
    /// Who answered (a name or an account of the roster), and when.
    pub answered_by: Option<String>,
    pub answered_on: Option<NaiveDate>,
    /// Who approved a waiver or an alternative measure.
    pub approved_by: Option<String>,
    pub pos: Pos,
}

/// `approval:`: who prepared the report and who approved it. Without
/// `approved_by`, the administrator (`administrator.account`, by the roster's
/// name) is the approver.
#[derive(Clone, Debug, Default)]
pub struct Approval {
    pub prepared_by: Option<String>,
    pub prepared_on: Option<NaiveDate>,
    pub approved_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thresholds {
    pub log_retention_days: u64,
    pub training_interval_days: u64,
    pub review_interval_days: u64,
    pub min_password_length: u64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            log_retention_days: 365,
            training_interval_days: 365,
            review_interval_days: 365,
            min_password_length: 8,
        }
    }
}
