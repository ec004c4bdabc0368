//! Changes since the last audit (the annual periodic report): the baseline
//! report, protected files added/removed/changed, items whose status changed, and
//! score changes per criterion.

pub mod diff;
pub mod files;

use crate::i18n::{Lang, Text};
use crate::model::Status;
use crate::model::Summary;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use files::{FileChange, FileChanges, FileState};

/// The fields of an earlier `report.json` that a comparison needs. Unknown fields
/// are ignored, so reports of other versions with the same schema still load.
#[derive(Clone, Debug, Deserialize)]
pub struct BaselineReport {
    pub schema_version: u32,
    pub tool: BaselineTool,
    #[serde(default)]
    pub generated_at: String,
    pub audit_date: NaiveDate,
    pub organization: BaselineOrg,
    #[serde(default)]
    pub hosts: Vec<BaselineHost>,
    pub summary: Summary,
    pub items: Vec<BaselineItem>,
    #[serde(default)]
    pub changes: Option<Changes>,
    #[serde(default)]
    pub timeline: Option<crate::timeline::Timeline>,
    #[serde(default)]
    pub inventory: Option<BaselineInventory>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct BaselineInventory {
    /// When the baseline's walk started; without it no hash is reused.
    #[serde(default)]
    pub started_at: Option<String>,
    /// Digest of the content-marker scan settings; without it (or when it differs
    /// from today's) content markers are not reused.
    #[serde(default)]
    pub content_scan: Option<String>,
    /// Protected files in the baseline's walk: its inventory.jsonl must list as many.
    #[serde(default)]
    pub protected: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct BaselineTool {
    pub name: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct BaselineOrg {
    pub name: String,
    #[serde(default)]
    pub previous_names: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct BaselineHost {
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct BaselineItem {
    pub id: String,
    pub status: Status,
    #[serde(default)]
    pub title: Option<Text>,
}

/// A report loaded for comparison, with the inventory written beside it.
#[derive(Clone, Debug)]
pub struct Baseline {
    pub path: PathBuf,
    pub report: BaselineReport,
    /// `inventory.jsonl` in the same folder, when it exists.
    pub inventory: Option<PathBuf>,
}

impl Baseline {
    /// `inventory.protected` of the report (how many protected lines its
    /// inventory.jsonl holds), when recorded.
    pub fn protected_count(&self) -> Option<u64> {
        self.report.inventory.as_ref().and_then(|i| i.protected)
    }
}

/// Reads `report.json` (and notes `inventory.jsonl` beside it). Errors are fatal
/// (exit 2): a comparison with the wrong file must never be reported.
pub fn load_report(path: &Path) -> Result<Baseline, Text> {
    // The folder of a previous `audit --out` stands for its report.json.
    let joined;
    let path = if path.is_dir() {
        joined = path.join("report.json");
        joined.as_path()
    } else {
        path
    };
    let p = path.display();
    let bytes = crate::rootfs::read_input(path, crate::rootfs::limits::REPORT)
        .map_err(|e| crate::tr!("{p} を読めません: {e}", "cannot read {p}: {e}"))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| crate::tr!("{p} は JSON ではありません: {e}", "{p} is not JSON: {e}"))?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    let ours = crate::model::SCHEMA_VERSION;
    match version {
        None => {
            return Err(crate::tr!(
                "{p} は timaudit の report.json ではありません（schema_version がありません）。前回の `audit --out` のフォルダーにある report.json を指定してください",
                "{p} is not a timaudit report.json (no schema_version)"
            ));
        }
        Some(v) if v > u64::from(ours) => {
            return Err(crate::tr!(
                "{p} は新しい timaudit で作られた報告書です（報告書スキーマ {v}。この版が読めるのはスキーマ {ours} まで）。新しい timaudit を使ってください",
                "{p} was written by a newer timaudit (report schema {v}); this version reads schema {ours} — use the newer timaudit"
            ));
        }
        Some(_) => {}
    }
    let report: BaselineReport = serde_json::from_value(value).map_err(|e| {
        crate::tr!(
            "{p} は timaudit の報告書として使えません: {e}",
            "{p} is not a usable timaudit report: {e}"
        )
    })?;
    if report.tool.name != "timaudit" {
        let t = &report.tool.name;
        return Err(crate::tr!(
            "{p} は timaudit で作られたものではありません（tool `{t}`）",
            "{p} was not written by timaudit (tool `{t}`)"
        ));
    }
    let inventory = path
        .parent()
        .map(|d| d.join("inventory.jsonl"))
        .filter(|p| p.is_file());
    Ok(Baseline {
        path: path.to_path_buf(),
        report,
        inventory,
    })
}

/// What the evaluation knows about the baseline: the report and the protected-file
/// comparison (or why it could not be made).
#[derive(Clone, Debug)]
pub struct BaselineFacts {
    pub baseline: Baseline,
    pub files: Result<FileChanges, Text>,
    /// The baseline's organisation name when it is an earlier name of this one
    /// (accepted through `organization.previous_names`, see [`check_comparable`]).
    pub renamed_from: Option<String>,
}

impl BaselineFacts {
    /// Compares the baseline's inventory with this run's (when there is one).
    pub fn new(baseline: Baseline, new_inventory: Option<&Path>) -> BaselineFacts {
        let files = match (&baseline.inventory, new_inventory) {
            (None, _) => {
                let p = baseline.path.display();
                Err(crate::tr!(
                    "前回の報告書 {p} と同じフォルダに inventory.jsonl がありません",
                    "there is no inventory.jsonl beside the baseline {p}"
                ))
            }
            (Some(_), None) => Err(Text::new(
                "今回の監査ではファイル共有を調べていないため、比べる inventory がありません",
                "this run wrote no inventory (no file shares were walked)",
            )),
            (Some(old), Some(new)) => {
                files::compare_files(old, new, [baseline.protected_count(), None])
            }
        };
        BaselineFacts {
            baseline,
            files,
            renamed_from: None,
        }
    }

    /// `changes` for the report, given this run's item results and summary
    /// (`files_note` in the report's language).
    pub fn changes(&self, items: &[(String, Status)], summary: &Summary, lang: Lang) -> Changes {
        let (compared, note, fc) = match &self.files {
            Ok(fc) => (true, fc.note().map(|t| t.get(lang).to_string()), fc.clone()),
            Err(e) => (false, Some(e.get(lang).to_string()), FileChanges::default()),
        };
        Changes {
            baseline: self.baseline.path.display().to_string(),
            baseline_audit_date: self.baseline.report.audit_date,
            renamed_from: self.renamed_from.clone(),
            added: fc.added,
            removed: fc.removed,
            changed: fc.changed,
            files_compared: compared,
            files_note: note,
            items: item_changes(&self.baseline.report.items, items),
            scores: score_changes(&self.baseline.report.summary, summary),
        }
    }
}

/// Checks that a baseline can be compared with an audit of `org` (formerly any of
/// `previous`) on `date`. `Some(old name)` when the baseline is under an earlier name.
pub fn check_comparable(
    b: &Baseline,
    org: &str,
    previous: &[String],
    date: NaiveDate,
) -> Result<Option<String>, Text> {
    let old = b.report.organization.name.trim();
    let p = b.path.display();
    if org.trim().is_empty() && !old.is_empty() {
        return Err(crate::tr!(
            "前回の報告書 {p} は組織 `{old}` の監査ですが、今回の監査には組織名がありません（プロファイルの指定漏れ？）。その組織のプロファイルで監査してください",
            "the baseline {p} is for organisation `{old}`, but this audit names no organisation (no profile?); audit with that organisation's profile"
        ));
    }
    let new = org.trim();
    let renamed = (!new.is_empty() && old != new && previous.iter().any(|x| x.trim() == old))
        .then(|| old.to_string());
    if !new.is_empty() && !old.is_empty() && old != new && renamed.is_none() {
        return Err(crate::tr!(
            "前回の報告書 {p} は組織 `{old}` の監査ですが、今回の監査は `{new}` です。同じ組織の監査どうしを比べてください（社名を変えたときは、旧社名を `organization.previous_names` に書きます）",
            "the baseline {p} is for organisation `{old}`, but this audit is for `{new}`; compare audits of the same organisation (after a rename, list the old name under `organization.previous_names`)"
        ));
    }
    if b.report.audit_date > date {
        let od = b.report.audit_date;
        return Err(crate::tr!(
            "前回の報告書 {p} の監査日 {od} が、今回の監査日 {date} より後です",
            "the baseline {p} is dated {od}, after this audit's date {date}"
        ));
    }
    Ok(renamed)
}

/// A warning when the baseline audited other hosts than `hosts` (a report of
/// another server of the same company): its protected files would all show as
/// removed and this audit's as added. Not an error: a server may be renamed.
pub fn host_mismatch(b: &Baseline, hosts: &[String]) -> Option<Text> {
    let mut old: Vec<&str> = b.report.hosts.iter().map(|h| h.name.trim()).collect();
    let mut new: Vec<&str> = hosts.iter().map(|h| h.trim()).collect();
    old.sort_unstable();
    old.dedup();
    new.sort_unstable();
    new.dedup();
    if old.is_empty() || new.is_empty() || old == new {
        return None;
    }
    let (p, o, n) = (b.path.display(), old.join(", "), new.join(", "));
    Some(crate::tr!(
        "前回の報告書 {p} は別のホスト（{o}）の監査です（今回は {n}）。同じサーバーの名前を変えたのでなければ、保護対象ファイルの変化は別々のサーバーを比べたもので、1 年間の変化ではありません",
        "the baseline {p} audited other hosts ({o}) than this audit ({n}); unless the same server was renamed, the protected-file changes compare two different servers, not one server over time"
    ))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemChange {
    pub id: String,
    pub old: Status,
    pub new: Status,
    /// `better` or `worse` by the items' scores; `changed` when either status is
    /// not scored (not applicable) or both score the same (fail → error).
    pub direction: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreChange {
    /// A criterion ID, or `total`.
    pub id: String,
    pub old: Option<f64>,
    pub new: Option<f64>,
    pub delta: Option<f64>,
}

/// `changes` in report.json.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// The baseline report as given.
    pub baseline: String,
    pub baseline_audit_date: NaiveDate,
    /// The organisation's name in the baseline, when it was renamed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Protected files added, removed and changed (empty when `files_compared` is false).
    pub added: Vec<FileChange>,
    pub removed: Vec<FileChange>,
    pub changed: Vec<FileChange>,
    /// False when the file comparison could not be made (and why, in `files_note`).
    pub files_compared: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_note: Option<String>,
    /// Items whose status changed since the baseline.
    pub items: Vec<ItemChange>,
    /// Score change per criterion and in total.
    pub scores: Vec<ScoreChange>,
}

/// Item and score changes between two sets of results.
pub fn item_changes(old: &[BaselineItem], new: &[(String, Status)]) -> Vec<ItemChange> {
    let mut out = Vec::new();
    for (id, st) in new {
        if let Some(o) = old.iter().find(|o| &o.id == id)
            && o.status != *st
        {
            let direction = match (o.status.score(), st.score()) {
                (Some(a), Some(b)) if b > a => "better",
                (Some(a), Some(b)) if b < a => "worse",
                _ => "changed",
            };
            out.push(ItemChange {
                id: id.clone(),
                old: o.status,
                new: *st,
                direction: direction.into(),
            });
        }
    }
    out
}

pub fn score_changes(old: &Summary, new: &Summary) -> Vec<ScoreChange> {
    let delta = |o: Option<f64>, n: Option<f64>| match (o, n) {
        (Some(o), Some(n)) => Some(((n - o) * 10.0).round() / 10.0),
        _ => None,
    };
    let mut out: Vec<ScoreChange> = new
        .criteria
        .iter()
        .map(|c| {
            let o = old
                .criteria
                .iter()
                .find(|x| x.id == c.id)
                .and_then(|x| x.score);
            ScoreChange {
                id: c.id.clone(),
                old: o,
                new: c.score,
                delta: delta(o, c.score),
            }
        })
        .collect();
    out.push(ScoreChange {
        id: "total".into(),
        old: old.score,
        new: new.score,
        delta: delta(old.score, new.score),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, s: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, s).unwrap();
        p
    }

    const MIN: &str = r#"{"schema_version":1,"tool":{"name":"timaudit","version":"0.1.0"},"audit_date":"2025-11-20",
        "organization":{"name":"A社"},"summary":{"score":50.0,"counts":{},"criteria":[]},"items":[{"id":"ADM-01","status":"fail"}]}"#;

    #[test]
    fn loads_a_report_and_rejects_newer_schemas_other_tools_and_other_organisations() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "report.json", MIN);
        let b = load_report(&p).unwrap();
        assert!(b.inventory.is_none());
        let day: NaiveDate = "2026-11-20".parse().unwrap();
        assert_eq!(check_comparable(&b, "A社", &[], day), Ok(None));
        let e = check_comparable(&b, "B社", &[], day).unwrap_err().en;
        assert!(e.contains("`A社`") && e.contains("`B社`"), "{e}");
        assert!(e.contains("organization.previous_names"), "{e}");
        // After a rename, the baseline under the earlier name is comparable.
        let before = ["有限会社A".to_string(), "A社".to_string()];
        assert_eq!(
            check_comparable(&b, "株式会社A", &before, day),
            Ok(Some("A社".to_string()))
        );
        let e = check_comparable(&b, " ", &[], "2026-11-20".parse().unwrap())
            .unwrap_err()
            .en;
        assert!(
            e.contains("`A社`") && e.contains("names no organisation"),
            "{e}"
        );
        let e = check_comparable(&b, "A社", &[], "2025-01-01".parse().unwrap())
            .unwrap_err()
            .en;
        assert!(e.contains("after this audit's date"), "{e}");
        let p = write(
            d.path(),
            "newer.json",
            &MIN.replace("\"schema_version\":1", "\"schema_version\":2"),
        );
        assert!(load_report(&p).unwrap_err().en.contains("newer timaudit"));
        let p = write(
            d.path(),
            "other.json",
            &MIN.replace("\"name\":\"timaudit\"", "\"name\":\"x\""),
        );
        assert!(
            load_report(&p)
                .unwrap_err()
                .en
                .contains("not written by timaudit")
        );
        let p = write(d.path(), "junk.json", "{\"a\": 1}");
        assert!(
            load_report(&p)
                .unwrap_err()
                .en
                .contains("no schema_version")
        );
        write(d.path(), "inventory.jsonl", "");
        assert!(
            load_report(&d.path().join("report.json"))
                .unwrap()
                .inventory
                .is_some()
        );
        // The bundle folder itself stands for its report.json.
        let b = load_report(d.path()).unwrap();
        assert_eq!(b.path, d.path().join("report.json"));
        assert!(b.inventory.is_some());
    }

    #[test]
    fn item_changes_say_better_or_worse() {
        let old = vec![
            BaselineItem {
                id: "A".into(),
                status: Status::Fail,
                title: None,
            },
            BaselineItem {
                id: "B".into(),
                status: Status::Pass,
                title: None,
            },
            BaselineItem {
                id: "C".into(),
                status: Status::Pass,
                title: None,
            },
            BaselineItem {
                id: "D".into(),
                status: Status::NotApplicable,
                title: None,
            },
        ];
        let new = vec![
            ("A".into(), Status::Pass),
            ("B".into(), Status::Partial),
            ("C".into(), Status::Pass),
            ("D".into(), Status::Error),
        ];
        let ch = item_changes(&old, &new);
        assert_eq!(ch.len(), 3);
        assert_eq!(ch[2].direction, "changed");
        assert_eq!(
            (ch[0].id.as_str(), ch[0].direction.as_str()),
            ("A", "better")
        );
        assert_eq!(
            (ch[1].id.as_str(), ch[1].direction.as_str()),
            ("B", "worse")
        );
    }
}
