//! `report.md`: the checklist form in Markdown, for people and for pasting.

use super::model::ReportItem;
use super::{Report, evidence_line, one_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::Status;
use std::fmt::Write;

/// Escapes text from the audited system (or the profile) for Markdown: nothing
/// in it can open a link, an HTML tag, a code span or a table cell.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '`' | '*' | '_' | '[' | ']' | '#' | '\\' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

pub fn score_text(s: Option<f64>) -> String {
    s.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
}

pub fn render(r: &Report, lang: Lang) -> String {
    let w = words(lang);
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", w.title);
    facts(&mut o, r, lang);
    score_section(&mut o, r, lang);
    if let Some(ch) = &r.changes {
        changes_section(&mut o, ch, lang);
    }
    criteria_tables(&mut o, r, lang);
    details_section(&mut o, r, lang);
    scope_section(&mut o, r, lang);
    if !r.warnings.is_empty() {
        let _ = writeln!(o, "\n## {}\n", w.warnings);
        for x in &r.warnings {
            let _ = writeln!(o, "- {}", esc(x));
        }
    }
    approval_section(&mut o, r, lang);
    o
}

/// The audit's facts under the title: organisation, certificate, dates, hosts,
/// the certification timeline.
fn facts(o: &mut String, r: &Report, lang: Lang) {
    let w = words(lang);
    let _ = writeln!(o, "- {}: {}", w.organization, esc(&r.organization.name));
    if let Some(id) = &r.organization.certificate_id {
        let _ = writeln!(
            o,
            "- {}: {}",
            if lang == Lang::Ja {
                "認証番号"
            } else {
                "Certificate"
            },
            esc(id)
        );
    }
    let _ = writeln!(o, "- {}: {}", w.audit_date, r.audit_date);
    let _ = writeln!(o, "- {}: {}", w.generated, r.generated_at);
    for h in &r.hosts {
        let _ = writeln!(
            o,
            "- {}: {} ({}, {})",
            w.hosts,
            esc(crate::collect::host_label(&h.name).get(lang)),
            h.kind,
            esc(&h.root)
        );
    }
    if let Some(t) = &r.timeline {
        let _ = writeln!(
            o,
            "- {}: {} {} / {} {} / {} {}",
            w.timeline,
            w.certified_on,
            t.certified_on,
            w.expires_on,
            t.expires_on,
            w.next_report,
            t.next_periodic_report_due
        );
        if t.renewal_due && !t.expired {
            let _ = writeln!(o, "- ⚠ {}", t.next_step(lang));
        }
    }
}

/// The score and the table of scores and counts per criterion.
fn score_section(o: &mut String, r: &Report, lang: Lang) {
    let w = words(lang);
    let cat = Catalogue::builtin();
    let _ = writeln!(o, "\n## {}: {}\n", w.score, score_text(r.summary.score));
    let _ = write!(o, "| {} | {} |", w.criterion, w.score);
    for s in Status::ALL {
        let _ = write!(o, " {} |", s.label(lang));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "|---|---:|{}", "---:|".repeat(Status::ALL.len()));
    for c in &r.summary.criteria {
        let title = cat
            .criterion(&c.id)
            .map(|x| x.title.get(lang).to_string())
            .unwrap_or_default();
        let _ = write!(o, "| {} {} | {} |", c.id, title, score_text(c.score));
        for s in Status::ALL {
            let _ = write!(o, " {} |", c.counts.get(&s).copied().unwrap_or(0));
        }
        let _ = writeln!(o);
    }
    let total = if lang == Lang::Ja { "合計" } else { "Total" };
    let _ = write!(o, "| **{total}** | **{}** |", score_text(r.summary.score));
    for s in Status::ALL {
        let _ = write!(o, " {} |", r.summary.counts.get(&s).copied().unwrap_or(0));
    }
    let _ = writeln!(o);
}

/// One table per criterion: every item's status and reason.
fn criteria_tables(o: &mut String, r: &Report, lang: Lang) {
    let w = words(lang);
    let cat = Catalogue::builtin();
    for c in &cat.criteria {
        let _ = writeln!(o, "\n## {} {}\n", c.id, c.title.get(lang));
        let _ = writeln!(o, "| ID | {} | {} | {} |", w.item, w.status, w.reason);
        let _ = writeln!(o, "|---|---|---|---|");
        for it in r.items.iter().filter(|i| i.criterion == c.id) {
            let waived = if it.waived {
                format!(" ({})", w.waived)
            } else {
                String::new()
            };
            // Who answered (and approved) stands beside the reason.
            let answered = it
                .answer
                .as_ref()
                .and_then(|a| super::scope::answer_line(a, lang))
                .map(|l| format!(" — {}", esc(&l)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "| {} | {} | {}{} | {}{answered} |",
                it.id,
                it.title.get(lang),
                it.status.label(lang),
                waived,
                esc(&it.reason)
            );
        }
    }
}

/// The details of the items that need attention (not passed, or waived).
fn details_section(o: &mut String, r: &Report, lang: Lang) {
    let w = words(lang);
    let attention: Vec<_> = r
        .items
        .iter()
        .filter(|i| !matches!(i.status, Status::Pass | Status::NotApplicable) || i.waived)
        .collect();
    if !attention.is_empty() {
        let _ = writeln!(o, "\n## {}\n", w.details);
        for it in attention {
            item_details(o, it, lang);
        }
    }
}

/// One item's details: reason, answer, evidence, computed part, remediation.
fn item_details(o: &mut String, it: &ReportItem, lang: Lang) {
    let w = words(lang);
    let _ = writeln!(
        o,
        "### {} {} — {}\n",
        it.id,
        it.title.get(lang),
        it.status.label(lang)
    );
    let _ = writeln!(o, "{}: {}\n", w.reason, esc(&it.reason));
    if let Some(line) = it
        .answer
        .as_ref()
        .and_then(|a| super::scope::answer_line(a, lang))
    {
        let _ = writeln!(o, "{}: {}\n", w.answer, esc(&line));
    }
    if !it.evidence.is_empty() {
        let _ = writeln!(o, "{}:\n", w.evidence);
        for e in &it.evidence {
            let _ = writeln!(o, "- {}", esc_evidence(e));
        }
        let _ = writeln!(o);
    }
    if let (Some(cs), Some(ce)) = (it.computed_status, &it.computed_evidence) {
        let why = if it.waived { w.waived } else { w.for_reference };
        let _ = writeln!(o, "{} ({}): {}\n", w.computed, why, cs.label(lang));
        for e in ce {
            let _ = writeln!(o, "- {}", esc_evidence(e));
        }
        if !ce.is_empty() {
            let _ = writeln!(o);
        }
    }
    if !it.status.needs_no_fix() {
        let _ = writeln!(o, "{}:\n\n{}\n", w.remediation, it.remediation.get(lang));
    }
}

/// The scope: what was walked and read (and what could not be), hosts,
/// evidence folders, the tool and the digest of its definitions.
fn scope_section(o: &mut String, r: &Report, lang: Lang) {
    let w = words(lang);
    let sw = super::scope::scope_words(lang);
    let sc = &r.scope;
    let _ = writeln!(o, "\n## {}\n", w.coverage);
    for row in super::scope::rows(sc, lang) {
        let v = if row.values.is_empty() {
            sw.none.to_string()
        } else {
            row.values
                .iter()
                .map(|x| esc(x))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(o, "- {}: {v}", row.label);
    }
    let cov = &r.coverage;
    if !cov.unreadable.is_empty() {
        let _ = writeln!(o, "\n{} ({}):\n", sw.unreadable, cov.unreadable_total());
        for u in &cov.unreadable {
            let _ = writeln!(o, "- ✖ {}: {}", esc(&u.path), esc(&u.error));
        }
        let (more, kept) = (cov.unreadable_more, cov.unreadable.len());
        if more > 0 {
            let _ = match lang {
                Lang::Ja => writeln!(o, "- … ほか {more} 件（パス順の最初の {kept} 件のみ記載）"),
                Lang::En => writeln!(
                    o,
                    "- … and {more} more (only the first {kept}, by path, are listed)"
                ),
            };
        }
    }
}

/// The approval block: prepared by, approved by the administrator, dates and a
/// column to sign or seal on paper.
fn approval_section(o: &mut String, r: &Report, lang: Lang) {
    let sw = super::scope::scope_words(lang);
    let a = &r.approval;
    let _ = writeln!(o, "\n## {}\n", sw.approval);
    let _ = writeln!(o, "| | {} | {} | {} |", sw.name, sw.date, sw.seal);
    let _ = writeln!(o, "|---|---|---|---|");
    for (label, who, on) in [
        (sw.prepared_by, &a.prepared_by, a.prepared_on),
        (sw.approved_by, &a.approved_by, a.approved_on),
    ] {
        let _ = writeln!(
            o,
            "| {label} | {} | {} | |",
            who.as_deref().map(esc).unwrap_or_default(),
            on.map(|d| d.to_string()).unwrap_or_default()
        );
    }
}

fn esc_evidence(e: &crate::model::Evidence<String>) -> String {
    esc(&evidence_line(e))
}

/// "Changes since the last audit": items whose status changed, scores, files.
fn changes_section(o: &mut String, ch: &crate::changes::Changes, lang: Lang) {
    let ja = lang == Lang::Ja;
    let _ = if ja {
        writeln!(
            o,
            "\n## 前回の監査（{}）からの変化\n",
            ch.baseline_audit_date
        )
    } else {
        writeln!(
            o,
            "\n## Changes since the last audit ({})\n",
            ch.baseline_audit_date
        )
    };
    if let Some(old) = &ch.renamed_from {
        let old = esc(old);
        let _ = writeln!(
            o,
            "{}\n",
            crate::tr!(
                "前回の監査は旧社名 {old} で行われました（organization.previous_names）。",
                "The last audit was under the earlier name {old} (organization.previous_names)."
            )
            .get(lang)
        );
    }
    changed_items(o, ch, lang);
    score_deltas(o, ch, lang);
    let _ = writeln!(
        o,
        "### {}\n",
        if ja {
            "保護対象ファイルの変化"
        } else {
            "Protected files"
        }
    );
    super::diff::files_markdown(
        o,
        "####",
        lang,
        ch.files_compared,
        ch.files_note.as_deref(),
        &ch.added,
        &ch.removed,
        &ch.changed,
    );
}

/// The items whose status changed since the last audit (a table), or a line
/// saying none did.
fn changed_items(o: &mut String, ch: &crate::changes::Changes, lang: Lang) {
    let ja = lang == Lang::Ja;
    let cat = Catalogue::builtin();
    if ch.items.is_empty() {
        let _ = writeln!(
            o,
            "{}\n",
            if ja {
                "判定が変わった項目はありません。"
            } else {
                "No item changed status."
            }
        );
    } else {
        let _ = writeln!(
            o,
            "| ID | {} | {} | {} |\n|---|---|---|---|",
            words(lang).item,
            if ja { "前回" } else { "Before" },
            if ja { "今回" } else { "Now" }
        );
        for c in &ch.items {
            let title = cat.item(&c.id).map(|i| i.title.get(lang)).unwrap_or("");
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                c.id,
                title,
                c.old.label(lang),
                c.new.label(lang)
            );
        }
        let _ = writeln!(o);
    }
}

/// The change of each criterion's score and of the total, on one line.
fn score_deltas(o: &mut String, ch: &crate::changes::Changes, lang: Lang) {
    let ja = lang == Lang::Ja;
    let deltas: Vec<String> = ch
        .scores
        .iter()
        .filter_map(|s| {
            let id = match (s.id.as_str(), ja) {
                ("total", true) => "合計",
                ("total", false) => "total",
                (id, _) => id,
            };
            s.delta.map(|d| format!("{id} {d:+.1}"))
        })
        .collect();
    if !deltas.is_empty() {
        let _ = writeln!(
            o,
            "{}: {}\n",
            if ja {
                "スコアの変化"
            } else {
                "Score change"
            },
            deltas.join(if ja { "、" } else { ", " })
        );
    }
}
