//! `timaudit diff OLD.json NEW.json`: what changed between two audits, as JSON or
//! as a Markdown draft for the periodic report (定期報告).

use super::{
    Baseline, FileChange, ItemChange, ScoreChange, files, item_changes, load_report, score_changes,
};
use crate::catalogue::Catalogue;
use crate::i18n::{Lang, Text};
use crate::report::markdown::{esc, score_text};
use crate::timeline::Timeline;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt::Write;

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

pub fn render_json(d: &Diff) -> String {
    let mut s = serde_json::to_string_pretty(d).expect("a diff always serializes");
    s.push('\n');
    s
}

/// One file change as a Markdown list line.
pub fn change_line(c: &FileChange, lang: Lang) -> String {
    let asset = c
        .asset
        .as_deref()
        .map(|a| format!(" [{}]", esc(a)))
        .unwrap_or_default();
    let what = what_text(c, lang);
    if what.is_empty() {
        format!("- {}{asset}", esc(&c.path))
    } else {
        format!("- {}{asset}: {}", esc(&c.path), esc(&what))
    }
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

/// The Markdown section listing protected-file changes (shared with report.md);
/// `heading` is the level of its sub-headings (`###` under a `##` section).
#[allow(clippy::too_many_arguments)]
pub fn files_markdown(
    o: &mut String,
    heading: &str,
    lang: Lang,
    compared: bool,
    note: Option<&str>,
    added: &[FileChange],
    removed: &[FileChange],
    changed: &[FileChange],
) {
    let ja = lang == Lang::Ja;
    if let (true, Some(note)) = (compared, note) {
        let _ = writeln!(o, "> ⚠ {}\n", esc(note));
    }
    if !compared {
        let _ = writeln!(
            o,
            "{}: {}\n",
            if ja {
                "保護対象ファイルは比較できませんでした"
            } else {
                "Protected files were not compared"
            },
            esc(note.unwrap_or(""))
        );
        return;
    }
    for (title_ja, title_en, list) in [
        ("追加", "Added", added),
        ("削除", "Removed", removed),
        ("変更", "Changed", changed),
    ] {
        let _ = writeln!(
            o,
            "{heading} {} ({})\n",
            if ja { title_ja } else { title_en },
            list.len()
        );
        if list.is_empty() {
            let _ = writeln!(o, "{}\n", if ja { "なし" } else { "None" });
            continue;
        }
        for c in list {
            let _ = writeln!(o, "{}", change_line(c, lang));
        }
        let _ = writeln!(o);
    }
}

pub fn render_markdown(d: &Diff, lang: Lang) -> String {
    let cat = Catalogue::builtin();
    let ja = lang == Lang::Ja;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# {}: {}\n",
        if ja {
            "定期報告（下書き）"
        } else {
            "Periodic report (draft)"
        },
        esc(&d.organization)
    );
    let _ = writeln!(
        o,
        "- {}: {}\n- {}: {}",
        if ja {
            "前回の監査"
        } else {
            "Previous audit"
        },
        d.old.audit_date,
        if ja { "今回の監査" } else { "This audit" },
        d.new.audit_date
    );
    if let Some(old) = &d.renamed_from {
        let _ = writeln!(
            o,
            "- {}: {} → {}",
            if ja {
                "組織名の変更"
            } else {
                "Organisation renamed"
            },
            esc(old),
            esc(&d.organization)
        );
    }
    if let Some(t) = &d.timeline {
        let _ = writeln!(
            o,
            "- {}: {}\n- {}: {}",
            if ja {
                "次回の定期報告期限"
            } else {
                "Next periodic report due"
            },
            t.next_periodic_report_due,
            if ja {
                "認証の有効期限"
            } else {
                "Certificate expires"
            },
            t.expires_on
        );
        if t.renewal_due && !t.expired {
            let _ = writeln!(o, "- ⚠ {}", t.next_step(lang));
        }
    }
    for w in &d.warnings {
        let _ = writeln!(
            o,
            "\n> ⚠ {}: {}",
            if ja { "注意" } else { "Warning" },
            esc(w)
        );
    }
    let _ = writeln!(
        o,
        "\n## {}\n",
        if ja {
            "判定が変わった項目"
        } else {
            "Items whose status changed"
        }
    );
    if d.items.is_empty() {
        let _ = writeln!(o, "{}", if ja { "なし" } else { "None" });
    } else {
        let _ = writeln!(
            o,
            "| ID | {} | {} | {} | |\n|---|---|---|---|---|",
            if ja { "項目" } else { "Item" },
            if ja { "前回" } else { "Before" },
            if ja { "今回" } else { "Now" }
        );
        for c in &d.items {
            let title = cat
                .item(&c.id)
                .map(|i| i.title.get(lang).to_string())
                .unwrap_or_default();
            // pass ↔ alternative (met by another control) changes how an item is
            // met, not its score: say so.
            let same_score = c.old.score().is_some() && c.old.score() == c.new.score();
            let dir = match (ja, c.direction.as_str()) {
                (true, "better") => "改善",
                (true, "worse") => "悪化",
                (true, _) if same_score => "変化（採点は同じ）",
                (true, _) => "変化",
                (false, _) if same_score => "changed (same score)",
                (false, d) => d,
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {dir} |",
                c.id,
                title,
                c.old.label(lang),
                c.new.label(lang)
            );
        }
    }
    let _ = writeln!(o, "\n## {}\n", if ja { "スコアの変化" } else { "Scores" });
    let _ = writeln!(
        o,
        "| {} | {} | {} | {} |\n|---|---:|---:|---:|",
        if ja { "管理基準" } else { "Criterion" },
        if ja { "前回" } else { "Before" },
        if ja { "今回" } else { "Now" },
        if ja { "差" } else { "Change" }
    );
    for s in &d.scores {
        let name = if s.id == "total" {
            (if ja { "合計" } else { "Total" }).to_string()
        } else {
            format!(
                "{} {}",
                s.id,
                cat.criterion(&s.id)
                    .map(|c| c.title.get(lang))
                    .unwrap_or("")
            )
        };
        let delta = s
            .delta
            .map(|v| format!("{v:+.1}"))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            o,
            "| {name} | {} | {} | {delta} |",
            score_text(s.old),
            score_text(s.new)
        );
    }
    let _ = writeln!(
        o,
        "\n## {}\n",
        if ja {
            "保護対象ファイルの変化"
        } else {
            "Protected files"
        }
    );
    files_markdown(
        &mut o,
        "###",
        lang,
        d.files_compared,
        d.files_note.as_deref(),
        &d.added,
        &d.removed,
        &d.changed,
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn diff_of(items: Vec<ItemChange>) -> Diff {
        let at = |d: &str| AuditRef {
            report: format!("{d}/report.json"),
            audit_date: d.parse().unwrap(),
        };
        Diff {
            organization: "株式会社テスト".into(),
            renamed_from: None,
            old: at("2025-11-25"),
            new: at("2026-11-25"),
            items,
            scores: vec![],
            files_compared: false,
            files_note: None,
            added: vec![],
            removed: vec![],
            changed: vec![],
            timeline: None,
            warnings: vec![],
        }
    }

    /// A control now met by another one is shown as such, with the same score;
    /// a failed control met by an alternative is an improvement.
    #[test]
    fn an_alternative_measure_shows_in_the_diff() {
        let old = vec![
            super::super::BaselineItem {
                id: "ITS-07".into(),
                status: Status::Pass,
                title: None,
            },
            super::super::BaselineItem {
                id: "ITS-05".into(),
                status: Status::Fail,
                title: None,
            },
        ];
        let new = vec![
            ("ITS-07".to_string(), Status::Alternative),
            ("ITS-05".to_string(), Status::Alternative),
        ];
        let ch = item_changes(&old, &new);
        assert_eq!(ch[0].direction, "changed");
        assert_eq!(ch[1].direction, "better");
        let d = diff_of(ch);
        let ja = render_markdown(&d, Lang::Ja);
        assert!(
            ja.contains("| 適合 | 代替措置で適合 | 変化（採点は同じ） |"),
            "{ja}"
        );
        assert!(ja.contains("| 不適合 | 代替措置で適合 | 改善 |"), "{ja}");
        let en = render_markdown(&d, Lang::En);
        assert!(
            en.contains("| pass | met by alternative | changed (same score) |"),
            "{en}"
        );
        let json = render_json(&d);
        assert!(json.contains("\"new\": \"alternative\""), "{json}");
    }

    /// A diff across a rename says so, in both languages and in JSON.
    #[test]
    fn a_rename_shows_in_the_diff() {
        let mut d = diff_of(vec![]);
        assert!(!render_markdown(&d, Lang::En).contains("renamed"));
        assert!(!render_json(&d).contains("renamed_from"));
        d.renamed_from = Some("有限会社テスト".into());
        let ja = render_markdown(&d, Lang::Ja);
        assert!(
            ja.contains("- 組織名の変更: 有限会社テスト → 株式会社テスト"),
            "{ja}"
        );
        let en = render_markdown(&d, Lang::En);
        assert!(
            en.contains("- Organisation renamed: 有限会社テスト → 株式会社テスト"),
            "{en}"
        );
        assert!(render_json(&d).contains("\"renamed_from\": \"有限会社テスト\""));
    }
}
