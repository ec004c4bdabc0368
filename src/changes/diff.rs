//! `timaudit diff OLD.json NEW.json`: what changed between two audits (the
//! values; `report/diff.rs` renders them as JSON or as a Markdown draft for the
//! periodic report, 定期報告).

use super::{
    Baseline, FileChange, ItemChange, ScoreChange, files, item_changes, load_report, score_changes,
};
use crate::i18n::{Lang, Text};
use crate::timeline::Timeline;
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct AuditRef {
    pub report: String,
    pub audit_date: NaiveDate,
}

#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    pub organization: String,
    /// The baseline's organisation name when it was an earlier name of this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    pub old: AuditRef,
    pub new: AuditRef,
    pub items: Vec<ItemChange>,
    /// Items of this audit that the baseline does not have (a newer checklist
    /// version): their status now, in checklist order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub new_items: Vec<NewItem>,
    pub scores: Vec<ScoreChange>,
    pub files_compared: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_note: Option<String>,
    pub added: Vec<FileChange>,
    pub removed: Vec<FileChange>,
    pub changed: Vec<FileChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// Doubts about the comparison (reports of different hosts), in `lang`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// An item the previous audit did not have.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewItem {
    pub id: String,
    pub status: crate::model::Status,
}

/// Compares two reports. Errors (exit 2) when they cannot be compared. Notes
/// (why files were not compared) are in `lang`.
pub fn diff(
    old_path: &std::path::Path,
    new_path: &std::path::Path,
    lang: Lang,
) -> Result<Diff, String> {
    let text = |t: Text| t.get(lang).to_string();
    let old = load_report(old_path).map_err(text)?;
    let new = load_report(new_path).map_err(text)?;
    let renamed_from = super::check_comparable(
        &old,
        &new.report.organization.name,
        &new.report.organization.previous_names,
        new.report.audit_date,
    )
    .map_err(text)?;
    let new_items: Vec<(String, crate::model::Status)> = new
        .report
        .items
        .iter()
        .map(|i| (i.id.clone(), i.status))
        .collect();
    let (files_compared, files_note, fc) = file_changes(&old, &new);
    let files_note = files_note.map(|t| t.get(lang).to_string());
    let new_hosts: Vec<String> = new.report.hosts.iter().map(|h| h.name.clone()).collect();
    let warnings: Vec<String> = super::host_mismatch(&old, &new_hosts)
        .map(|t| t.get(lang).to_string())
        .into_iter()
        .collect();
    Ok(Diff {
        organization: new.report.organization.name.clone(),
        renamed_from,
        old: AuditRef {
            report: old_path.display().to_string(),
            audit_date: old.report.audit_date,
        },
        new: AuditRef {
            report: new_path.display().to_string(),
            audit_date: new.report.audit_date,
        },
        items: item_changes(&old.report.items, &new_items),
        new_items: new_items
            .iter()
            .filter(|(id, _)| !old.report.items.iter().any(|o| &o.id == id))
            .map(|(id, status)| NewItem {
                id: id.clone(),
                status: *status,
            })
            .collect(),
        scores: score_changes(&old.report.summary, &new.report.summary),
        files_compared,
        files_note,
        added: fc.added,
        removed: fc.removed,
        changed: fc.changed,
        timeline: new.report.timeline.clone(),
        warnings,
    })
}

/// The protected-file changes: from the inventories beside both reports, or from
/// the new report's own `changes` when it was audited against this very baseline.
fn file_changes(old: &Baseline, new: &Baseline) -> (bool, Option<Text>, files::FileChanges) {
    if let (Some(oi), Some(ni)) = (&old.inventory, &new.inventory) {
        return match files::compare_files(oi, ni, [old.protected_count(), new.protected_count()]) {
            Ok(fc) => (true, fc.note(), fc),
            Err(e) => (false, Some(e), files::FileChanges::default()),
        };
    }
    if let Some(ch) = &new.report.changes
        && ch.baseline_audit_date == old.report.audit_date
        && ch.files_compared
    {
        return (
            true,
            ch.files_note.clone().map(Text::same),
            files::FileChanges {
                added: ch.added.clone(),
                removed: ch.removed.clone(),
                changed: ch.changed.clone(),
                unhashed: Vec::new(),
            },
        );
    }
    let missing: Vec<String> = [(old, "old"), (new, "new")]
        .iter()
        .filter(|(b, _)| b.inventory.is_none())
        .map(|(b, _)| {
            b.path
                .parent()
                .map(|p| p.join("inventory.jsonl"))
                .unwrap_or_default()
                .display()
                .to_string()
        })
        .collect();
    let missing = missing.join(", ");
    (
        false,
        Some(crate::tr!("{missing} がありません", "missing {missing}")),
        files::FileChanges::default(),
    )
}

/// What changed in a file, in the report's language: `内容, アクセス権（モード）
/// (0640 → 0644)` / `content, mode (0640 → 0644)`; empty for added and removed files.
pub fn what_text(c: &FileChange, lang: Lang) -> String {
    // Who owned it before and now: a name, else the number.
    fn who(name: &Option<String>, id: Option<u32>) -> String {
        match (name, id) {
            (Some(n), _) => n.clone(),
            (None, Some(i)) => i.to_string(),
            (None, None) => "?".into(),
        }
    }
    c.what
        .iter()
        .map(|w| {
            let label = what_label(w, lang);
            let (Some(o), Some(n)) = (&c.old, &c.new) else {
                return label.to_string();
            };
            let (from, to) = match w.as_str() {
                "mode" => (
                    o.mode.clone().unwrap_or_else(|| "?".into()),
                    n.mode.clone().unwrap_or_else(|| "?".into()),
                ),
                "owner" => (who(&o.user, o.uid), who(&n.user, n.uid)),
                "group" => (who(&o.group, o.gid), who(&n.group, n.gid)),
                "acl" => {
                    let list = |a: &[String]| match (a.is_empty(), lang) {
                        (true, Lang::Ja) => "なし".to_string(),
                        (true, Lang::En) => "none".to_string(),
                        _ => a.join(" "),
                    };
                    (list(&o.acl), list(&n.acl))
                }
                _ => return label.to_string(),
            };
            format!("{label} ({from} → {to})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn what_label(w: &str, lang: Lang) -> &str {
    match (lang, w) {
        (Lang::Ja, "content") => "内容",
        (Lang::Ja, "mode") => "アクセス権（モード）",
        (Lang::Ja, "owner") => "所有者",
        (Lang::Ja, "group") => "グループ",
        (Lang::Ja, "acl") => "ACL",
        (Lang::Ja, "asset") => "台帳の区分",
        (_, w) => w,
    }
}
