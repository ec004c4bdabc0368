//! `timaudit diff`: the difference between two audits (`changes::diff`) as
//! JSON or as a Markdown draft for the periodic report (定期報告), and the
//! protected-file list report.md shares with it.

use super::markdown::{esc, score_text};
use crate::catalogue::Catalogue;
use crate::changes::FileChange;
use crate::changes::diff::{Diff, what_text};
use crate::i18n::Lang;
use std::fmt::Write;

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
    let mut o = String::new();
    diff_head(&mut o, d, lang);
    status_changes(&mut o, d, lang);
    new_items(&mut o, d, lang);
    score_changes(&mut o, d, lang);
    let _ = writeln!(
        o,
        "\n## {}\n",
        if lang == Lang::Ja {
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

/// The heading: organisation, both audit dates, a renaming, the certificate's
/// timeline and the warnings.
fn diff_head(o: &mut String, d: &Diff, lang: Lang) {
    let ja = lang == Lang::Ja;
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
}

/// The items whose status changed, with the direction of the change.
fn status_changes(o: &mut String, d: &Diff, lang: Lang) {
    let cat = Catalogue::builtin();
    let ja = lang == Lang::Ja;
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
}

/// Items of a newer checklist, which have no earlier status to compare.
fn new_items(o: &mut String, d: &Diff, lang: Lang) {
    let cat = Catalogue::builtin();
    let ja = lang == Lang::Ja;
    if !d.new_items.is_empty() {
        // A newer checklist: these items have no earlier status to compare.
        let _ = writeln!(
            o,
            "\n## {}\n\n| ID | {} | {} |\n|---|---|---|",
            if ja {
                "今回から加わった項目（前回の報告書にない項目）"
            } else {
                "Items new since the previous audit (not in its checklist)"
            },
            if ja { "項目" } else { "Item" },
            if ja { "今回" } else { "Now" }
        );
        for n in &d.new_items {
            let title = cat
                .item(&n.id)
                .map(|i| i.title.get(lang).to_string())
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                n.id,
                esc(&title),
                n.status.label(lang)
            );
        }
    }
}

/// The score of each criterion and in all, before and now.
fn score_changes(o: &mut String, d: &Diff, lang: Lang) {
    let cat = Catalogue::builtin();
    let ja = lang == Lang::Ja;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::diff::AuditRef;
    use crate::changes::{ItemChange, item_changes};
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
            new_items: vec![],
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

    /// Items the baseline's checklist did not have are listed with their
    /// status, not left out because they did not "change".
    #[test]
    fn items_new_in_this_checklist_are_listed_in_the_draft() {
        let mut d = diff_of(vec![]);
        assert!(!render_markdown(&d, crate::i18n::Lang::En).contains("Items new"));
        d.new_items = vec![crate::changes::diff::NewItem {
            id: "ADM-06".into(),
            status: Status::Partial,
        }];
        let en = render_markdown(&d, crate::i18n::Lang::En);
        assert!(
            en.contains("## Items new since the previous audit")
                && en.contains("| ADM-06 | Procedure for a suspected leak | partial |"),
            "{en}"
        );
        let ja = render_markdown(&d, crate::i18n::Lang::Ja);
        assert!(
            ja.contains("| ADM-06 | 漏えい時の対応手順 | 一部適合 |"),
            "{ja}"
        );
    }

    /// A rename accepted through `organization.previous_names` is said in the
    /// draft, with both names.
    #[test]
    fn a_renamed_organisation_is_shown_in_the_draft() {
        let mut d = diff_of(vec![]);
        d.renamed_from = Some("有限会社テスト".into());
        let en = render_markdown(&d, crate::i18n::Lang::En);
        assert!(
            en.contains("- Organisation renamed: 有限会社テスト → 株式会社テスト"),
            "{en}"
        );
        let ja = render_markdown(&d, crate::i18n::Lang::Ja);
        assert!(
            ja.contains("- 組織名の変更: 有限会社テスト → 株式会社テスト"),
            "{ja}"
        );
        d.renamed_from = None;
        assert!(!render_markdown(&d, crate::i18n::Lang::En).contains("renamed"));
    }

    /// A control now met by another one is shown as such, with the same score;
    /// a failed control met by an alternative is an improvement.
    #[test]
    fn an_alternative_measure_shows_in_the_diff() {
        let old = vec![
            crate::changes::BaselineItem {
                id: "ITS-07".into(),
                status: Status::Pass,
                title: None,
            },
            crate::changes::BaselineItem {
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
}
