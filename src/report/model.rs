//! `report.json`: the machine-readable result (spec/report.md). Other tools read
//! it, so field names are a contract; more fields may be added.

use crate::i18n::{Lang, Text};
use crate::model::{Evidence, Status};
use crate::rules::score::Summary;
use crate::timeline::Timeline;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::model::SCHEMA_VERSION;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub generated_at: String,
    pub audit_date: NaiveDate,
    /// The language of `reason` and evidence `detail` texts.
    #[serde(default)]
    pub lang: Lang,
    pub organization: Organization,
    pub hosts: Vec<Host>,
    pub checklist: ChecklistRef,
    pub summary: Summary,
    pub items: Vec<ReportItem>,
    pub inventory: Inventory,
    pub coverage: Coverage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<crate::changes::Changes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// Problems that did not stop the run (profile warnings, expired waivers).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// What this audit covered: shares and paths walked, hosts, evidence folders,
    /// the tool and the digest of its built-in definitions, coverage counts.
    #[serde(default)]
    pub scope: Scope,
    /// Who prepared the report and who approves it (`approval:` in the profile).
    #[serde(default)]
    pub approval: Approval,
}

/// The scope of the audit, stated in the report so that a reader who has only
/// the report knows what was (and was not) looked at.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Scope {
    /// The root the host was read under (`--root`; `/` for the live host);
    /// empty when only Windows evidence was audited.
    pub root: String,
    /// `scope.shares` of the profile.
    pub shares: Vec<String>,
    /// `scope.exclude` of the profile.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// `--scan` paths.
    #[serde(default)]
    pub scan: Vec<String>,
    /// Every folder the walk started from (shares, asset folders outside them,
    /// `--scan` paths), with why it could not be walked when it could not.
    #[serde(default)]
    pub walked: Vec<CoverageRoot>,
    pub hosts: Vec<Host>,
    /// `--evidence` folders (Windows evidence).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// The profile file, when one was given, and its SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_sha256: Option<String>,
    pub tool: Tool,
    pub checklist: ChecklistRef,
    /// SHA-256 of the built-in checklist and policies: the SHA-256 of the
    /// `sha256sum` listing of `definitions` (as printed by
    /// `sha256sum checklists/*.yaml policies/*.yaml`).
    pub definitions_sha256: String,
    pub definitions: Vec<DefinitionFile>,
    /// Counts of the walk.
    pub counts: ScopeCounts,
}

/// One embedded definition file and its SHA-256.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DefinitionFile {
    pub file: String,
    pub sha256: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ScopeCounts {
    pub files: u64,
    pub dirs: u64,
    pub protected: u64,
    pub hashed: u64,
    /// Paths that could not be read (`coverage.unreadable`).
    pub unreadable: u64,
    pub vanished: u64,
    pub loops: u64,
    pub skipped_special: u64,
    pub excluded: u64,
    /// Mount points not entered.
    pub other_filesystems: u64,
}

/// The approval block of the report.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Approval {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepared_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepared_on: Option<NaiveDate>,
    /// `approval.approved_by`, else the administrator (roster name, else account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<NaiveDate>,
    /// `profile` when `approval.approved_by` names the approver, `administrator`
    /// when it was taken from `administrator.account`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by_from: Option<String>,
}

/// Who answered an item (or granted its waiver or alternative) and until when,
/// from the profile's `answers:` entry that decided it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AnswerInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Organization {
    pub name: String,
    /// Earlier names of the organisation (`organization.previous_names`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certification_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_id: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Host {
    pub name: String,
    pub root: String,
    pub kind: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ChecklistRef {
    pub id: String,
    pub version: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportItem {
    pub id: String,
    pub criterion: String,
    pub title: Text,
    pub source: String,
    pub status: Status,
    pub waived: bool,
    /// In the report's language.
    pub reason: String,
    /// The reason in both languages.
    pub reason_i18n: Text,
    pub evidence: Vec<Evidence<String>>,
    pub remediation: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_evidence: Option<Vec<Evidence<String>>>,
    /// A waiver that had expired by the audit date and was ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver_expired_on: Option<NaiveDate>,
    /// The profile's answer that decided this item: who gave it, who approved
    /// it, until when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerInfo>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Inventory {
    pub files: u64,
    pub bytes: u64,
    pub protected: u64,
    pub marked: u64,
    pub hashed: u64,
    /// Of `hashed`: hashes reused from the baseline for unchanged files.
    #[serde(default)]
    pub reused: u64,
    /// When the walk started (RFC 3339, ns). A re-audit reuses a baseline hash only
    /// for files whose mtime and ctime are safely before this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// SHA-256 of the content-marker scan settings (marker list, bytes scanned). A
    /// re-audit with the same digest reuses the content markers of unchanged files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_scan: Option<String>,
}

/// A path the walk could not (fully) read, or another walk event, with why.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Unreadable {
    pub path: String,
    /// The exact bytes of a non-UTF-8 path, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_b64: Option<String>,
    pub error: String,
}

/// A walk root: a share (`scope.shares`), an asset's base folder outside the
/// shares, or a `--scan` path.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CoverageRoot {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_b64: Option<String>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Coverage {
    /// Directories and files that could not be read (and files without a hash
    /// because they changed while being read).
    pub unreadable: Vec<Unreadable>,
    /// Unreadable paths counted but not listed (only the first 100 by path are).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unreadable_more: u64,
    pub vanished: u64,
    pub loops: u64,
    pub skipped_special: u64,
    /// What was walked.
    #[serde(default)]
    pub roots: Vec<CoverageRoot>,
    #[serde(default)]
    pub vanished_paths: Vec<Unreadable>,
    #[serde(default)]
    pub loop_paths: Vec<Unreadable>,
    /// Mount points not entered (without `--cross-filesystems`).
    #[serde(default)]
    pub other_filesystems: Vec<Unreadable>,
    /// Mount points counted but not listed (only the first 100 by path are).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other_filesystems_more: u64,
    /// Entries skipped by `scope.exclude`.
    #[serde(default)]
    pub excluded: u64,
    #[serde(default)]
    pub dirs: u64,
    #[serde(default)]
    pub symlinks: u64,
}

impl Coverage {
    /// Every path that could not be read, listed or not.
    pub fn unreadable_total(&self) -> u64 {
        self.unreadable.len() as u64 + self.unreadable_more
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
