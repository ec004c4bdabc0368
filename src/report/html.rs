//! `report.html`: one self-contained page for people — summary, a radar chart of
//! the six criteria, every item with its status, reason, evidence and how to fix
//! it, coverage and warnings.
//!
//! Self-contained: no scripts at all, no external fonts, styles or images (a
//! Content-Security-Policy says so to the browser too, so even a mistake in
//! escaping could not run or load anything). Printable on A4, one criterion per
//! page; statuses are told apart by text and symbol, not only by colour, so a
//! black-and-white printout reads the same.

use super::markdown::score_text;
use super::{Report, one_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::{Evidence, EvidenceKind, Status};
use std::fmt::Write;

/// How many evidence entries the page shows per item; report.json has them all.
pub const EVIDENCE_SHOWN: usize = 500;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text from the audited system or the profile: control and bidi-override
/// characters shown, never obeyed, then escaped.
pub fn untrusted(s: &str) -> String {
    esc(&one_line(s))
}

/// The checklist's own text (trusted, but escaped all the same): lines starting
/// with `- ` or `・` become a list, and `code` spans are shown as code.
pub fn rich(s: &str) -> String {
    let inline = |t: &str| {
        let mut out = String::new();
        for (i, part) in t.split('`').enumerate() {
            if i % 2 == 1 {
                let _ = write!(out, "<code>{}</code>", esc(part));
            } else {
                out.push_str(&esc(part));
            }
        }
        out
    };
    let mut out = String::new();
    let mut in_list = false;
    for line in s.trim().lines().map(str::trim).filter(|l| !l.is_empty()) {
        let bullet = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix('・'))
            .or_else(|| line.strip_prefix("* "));
        match bullet {
            Some(b) => {
                if !in_list {
                    out.push_str("<ul class=\"plain\">");
                    in_list = true;
                }
                let _ = write!(out, "<li>{}</li>", inline(b.trim()));
            }
            None => {
                if in_list {
                    out.push_str("</ul>");
                    in_list = false;
                }
                let _ = write!(out, "<span class=\"para\">{}</span> ", inline(line));
            }
        }
    }
    if in_list {
        out.push_str("</ul>");
    }
    out
}

/// The symbol printed before each status (so print in black and white works).
pub fn symbol(s: Status) -> &'static str {
    match s {
        Status::Pass => "✔",
        Status::Alternative => "⇄",
        Status::Partial => "◐",
        Status::Fail => "✖",
        Status::NotApplicable => "—",
        Status::Error => "⚠",
        Status::Unanswered => "?",
    }
}

fn badge(s: Status, lang: Lang) -> String {
    format!(
        "<span class=\"badge st-{}\">{} {}</span>",
        s.code(),
        symbol(s),
        esc(s.label(lang))
    )
}

struct Ui {
    certificate: &'static str,
    body: &'static str,
    checklist: &'static str,
    tool: &'static str,
    total: &'static str,
    chart_title: &'static str,
    kind: &'static str,
    location: &'static str,
    about: &'static str,
    more: &'static str,
    days_left: &'static str,
    expired: &'static str,
    inventory: [&'static str; 5],
    coverage_counts: [&'static str; 3],
    unreadable: &'static str,
    nothing_missed: &'static str,
    no_warnings: &'static str,
    not_scored: &'static str,
    waiver_expired: &'static str,
    contents: &'static str,
}

fn ui(lang: Lang) -> &'static Ui {
    const JA: Ui = Ui {
        certificate: "認証番号",
        body: "認証機関",
        checklist: "チェックリスト",
        tool: "ツール",
        total: "合計",
        chart_title: "管理基準ごとのスコア（レーダーチャート）",
        kind: "種類",
        location: "場所",
        about: "内容",
        more: "件は表示を省略しました（report.json に全件あります）",
        days_left: "日後",
        expired: "認証の有効期限が切れています",
        inventory: [
            "ファイル数",
            "バイト数",
            "保護対象ファイル",
            "表示（マーク）付きファイル",
            "ハッシュ計算済み",
        ],
        coverage_counts: [
            "調査中に消えたファイル",
            "リンクのループ",
            "特殊ファイル（除外）",
        ],
        unreadable: "読めなかった場所",
        nothing_missed: "読めなかった場所はありません。",
        no_warnings: "注意事項はありません。",
        not_scored: "採点対象外（すべて該当なし）",
        waiver_expired: "例外承認の期限切れ（無視しました）",
        contents: "目次",
    };
    const EN: Ui = Ui {
        certificate: "Certificate",
        body: "Certification body",
        checklist: "Checklist",
        tool: "Tool",
        total: "Total",
        chart_title: "Score per criterion (radar chart)",
        kind: "Kind",
        location: "Where",
        about: "Details",
        more: "more not shown here (report.json lists them all)",
        days_left: "days from the audit date",
        expired: "The certificate has expired",
        inventory: [
            "Files",
            "Bytes",
            "Protected files",
            "Marked files",
            "Hashed",
        ],
        coverage_counts: [
            "Vanished during the walk",
            "Link loops",
            "Special files skipped",
        ],
        unreadable: "Could not be read",
        nothing_missed: "Nothing was left unread.",
        no_warnings: "No warnings.",
        not_scored: "not scored (all not applicable)",
        waiver_expired: "waiver expired (ignored)",
        contents: "Contents",
    };
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

fn kind_label(k: EvidenceKind, lang: Lang) -> &'static str {
    use EvidenceKind::*;
    match (lang, k) {
        (Lang::Ja, File) => "ファイル",
        (Lang::Ja, Config) => "設定",
        (Lang::Ja, Person) => "人",
        (Lang::Ja, Principal) => "アクセス主体",
        (Lang::Ja, Account) => "アカウント",
        (Lang::Ja, Document) => "文書",
        (Lang::Ja, Record) => "記録",
        (Lang::Ja, Asset) => "管理台帳",
        (Lang::Ja, Training) => "研修",
        (Lang::Ja, Review) => "見直し",
        (Lang::Ja, Answer) => "回答",
        (Lang::Ja, Windows) => "Windows",
        (Lang::Ja, Note) => "メモ",
        (Lang::En, File) => "file",
        (Lang::En, Config) => "config",
        (Lang::En, Person) => "person",
        (Lang::En, Principal) => "principal",
        (Lang::En, Account) => "account",
        (Lang::En, Document) => "document",
        (Lang::En, Record) => "record",
        (Lang::En, Asset) => "asset",
        (Lang::En, Training) => "training",
        (Lang::En, Review) => "review",
        (Lang::En, Answer) => "answer",
        (Lang::En, Windows) => "Windows",
        (Lang::En, Note) => "note",
    }
}

const STYLE: &str = r#"
:root { --ink:#1a1a1a; --muted:#555; --line:#bbb; --pass:#1b7f3b; --alternative:#00695c; --partial:#a86400; --fail:#b3261e; --na:#666; --error:#6a1b9a; --unanswered:#0b57a4; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1100px; padding: 24px; color: var(--ink); background: #fff;
  font-family: system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans CJK JP", "Noto Sans JP", "Yu Gothic UI", "Yu Gothic", Meiryo, "IPAexGothic", "IPAPGothic", sans-serif;
  font-size: 14px; line-height: 1.55; }
h1 { font-size: 24px; margin: 0 0 8px; }
h1, h2, h3, th { overflow-wrap: normal; word-break: keep-all; hyphens: manual; }
h2 { font-size: 19px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin: 28px 0 12px; }
h3 { font-size: 15px; margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK JP", monospace; font-size: 12px; overflow-wrap: anywhere; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
.meta dt { font-weight: bold; }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.summary { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.score-box { border: 3px solid var(--ink); padding: 12px 20px; text-align: center; min-width: 160px; }
.score-box .value { font-size: 44px; font-weight: bold; line-height: 1.1; }
.chart { flex: 1 1 460px; }
.chart { margin: 0; }
.chart svg { width: 100%; max-width: 680px; height: auto; display: block; }
.remediation ul, .question ul { margin: 2px 0; }
.badge { display: inline-block; padding: 1px 8px; border: 2px solid currentColor; border-radius: 4px; font-weight: bold; white-space: nowrap; }
.st-pass { color: var(--pass); }
.st-alternative { color: var(--alternative); border-style: solid; border-left-width: 6px; }
.st-partial { color: var(--partial); border-style: dashed; }
.st-fail { color: var(--fail); border-width: 3px; }
.st-not_applicable { color: var(--na); border-style: dotted; }
.st-error { color: var(--error); border-style: double; border-width: 4px; }
.st-unanswered { color: var(--unanswered); border-style: dotted; }
.item { border: 1px solid var(--line); border-left: 6px solid var(--line); padding: 10px 12px; margin: 0 0 12px; break-inside: avoid; page-break-inside: avoid; }
.item.s-pass { border-left-color: var(--pass); }
.item.s-alternative { border-left-color: var(--alternative); border-left-width: 10px; border-left-style: double; }
.item.s-partial { border-left-color: var(--partial); border-left-style: dashed; }
.item.s-fail { border-left-color: var(--fail); border-left-width: 10px; }
.item.s-not_applicable { border-left-color: var(--na); border-left-style: dotted; }
.item.s-error { border-left-color: var(--error); border-left-style: double; border-left-width: 10px; }
.item.s-unanswered { border-left-color: var(--unanswered); border-left-style: dotted; }
.item header { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; margin-bottom: 6px; }
.item .id { font-family: monospace; font-weight: bold; }
.item p { margin: 4px 0; }
.item .label { font-weight: bold; }
.question { color: var(--muted); }
.evidence { font-size: 12.5px; margin-top: 6px; }
.evidence td { overflow-wrap: anywhere; }
.evidence caption { text-align: left; }
.note { color: var(--muted); font-size: 12.5px; }
.warn { border: 2px solid var(--fail); padding: 8px 12px; }
.answered { color: var(--muted); font-size: 12.5px; }
table.scope th { white-space: nowrap; width: 1%; }
table.scores td:first-child { word-break: keep-all; overflow-wrap: normal; }
table.scope td { overflow-wrap: anywhere; }
.approval { margin-top: 28px; break-inside: avoid; page-break-inside: avoid; }
.approval table { width: auto; min-width: 60%; }
.approval td { min-width: 9em; height: 2.6em; }
.approval td.seal { width: 6em; }
ul.plain { padding-left: 20px; margin: 4px 0; }
nav ol { columns: 2; margin: 4px 0; }
section.criterion { break-before: page; page-break-before: always; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h1 { font-size: 17pt; }
  h2 { font-size: 14pt; }
  h3 { font-size: 11pt; }
  code, .mono, .evidence, .note, .answered, footer { font-size: 9pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  .summary { display: block; }
  .score-box { display: inline-block; }
  /* The chart fills the text width (186 mm, 780 units): its 16-unit labels
     print at about 10.8 pt, its 14.5-unit lines at 9.8 pt, ring numbers at 9.1 pt. */
  .chart svg { width: 100%; max-width: none; }
  table.scores th { font-size: 9pt; }
  table.scores { break-inside: avoid; page-break-inside: avoid; }
}
"#;

/// Wraps a label at `width` display columns, between words where there are
/// spaces (English) and between characters otherwise (Japanese).
pub fn wrap_words(s: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    // Words are separated by spaces; a Japanese label may also break before an
    // opening bracket (情報の取扱い / （管理・複製・廃棄等）), never inside a word.
    let mut words: Vec<(bool, &str)> = Vec::new();
    for w in s.split(' ').filter(|w| !w.is_empty()) {
        let mut spaced = true;
        let mut rest = w;
        while let Some(i) = rest
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '（')
            .map(|x| x.0)
        {
            words.push((spaced, &rest[..i]));
            spaced = false;
            rest = &rest[i..];
        }
        words.push((spaced, rest));
    }
    for (spaced, word) in words {
        let sep = usize::from(!cur.is_empty() && spaced);
        if cur.width() + sep + word.width() <= width {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if word.width() <= width {
            cur.push_str(word);
        } else {
            let mut parts: Vec<String> = super::table::wrap(word, width)
                .lines()
                .map(str::to_string)
                .collect();
            cur = parts.pop().unwrap_or_default();
            lines.extend(parts);
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The radar chart of the criteria's scores as a hand-written SVG.
/// `None` scores (every item not applicable) are drawn at the centre and labelled
/// "—".
pub fn radar_svg(points: &[(String, String, Option<f64>)], lang: Lang) -> String {
    let (w, h) = (780.0_f64, 470.0_f64);
    let (cx, cy, r) = (390.0_f64, 240.0_f64, 150.0_f64);
    let n = points.len().max(3);
    let at = |i: usize, v: f64| {
        let a = -std::f64::consts::FRAC_PI_2 + (i as f64) * std::f64::consts::TAU / n as f64;
        (cx + r * v * a.cos(), cy + r * v * a.sin())
    };
    let title = ui(lang).chart_title;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"radar-title\" class=\"radar\">\
<title id=\"radar-title\">{}</title>",
        esc(title)
    );
    // Grid: rings at 20 % steps and the axes.
    for ring in 1..=5 {
        let v = ring as f64 / 5.0;
        let pts: Vec<String> = (0..n)
            .map(|i| {
                let (x, y) = at(i, v);
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = write!(
            s,
            "<polygon points=\"{}\" fill=\"none\" stroke=\"#999\" stroke-width=\"{}\"/>",
            pts.join(" "),
            if ring == 5 { "1.5" } else { "0.7" }
        );
        let (_, y) = at(0, v);
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13.5\" fill=\"#555\">{}</text>",
            cx + 3.0,
            y + 14.0,
            ring * 20
        );
    }
    for i in 0..n {
        let (x, y) = at(i, 1.0);
        let _ = write!(
            s,
            "<line x1=\"{cx}\" y1=\"{cy}\" x2=\"{x:.1}\" y2=\"{y:.1}\" stroke=\"#999\" stroke-width=\"0.7\"/>"
        );
    }
    // The scores.
    let data: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let v = points.get(i).and_then(|p| p.2).unwrap_or(0.0);
            at(i, (v / 100.0).clamp(0.0, 1.0))
        })
        .collect();
    let pts: Vec<String> = data.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let _ = write!(
        s,
        "<polygon class=\"scores\" points=\"{}\" fill=\"#1b5fa8\" fill-opacity=\"0.25\" stroke=\"#1b5fa8\" stroke-width=\"2.5\"/>",
        pts.join(" ")
    );
    for (i, (x, y)) in data.iter().enumerate() {
        let scored = points.get(i).and_then(|p| p.2).is_some();
        let _ = write!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{}\" stroke=\"#1b5fa8\" stroke-width=\"2\"/>",
            if scored { "#1b5fa8" } else { "#fff" }
        );
    }
    // Labels outside the outer ring.
    for (i, (id, name, score)) in points.iter().enumerate() {
        let (x, y) = at(i, 1.13);
        let anchor = if (x - cx).abs() < 1.0 {
            "middle"
        } else if x > cx {
            "start"
        } else {
            "end"
        };
        let lines = wrap_words(name, 28);
        let height = 18.0 * (lines.len() as f64);
        let dy = if y < cy - 1.0 { -height } else { 4.0 };
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" font-size=\"16\"><tspan font-weight=\"bold\">{} {}</tspan>",
            y + dy,
            esc(id),
            esc(&score_text(*score)),
        );
        for l in lines {
            let _ = write!(
                s,
                "<tspan x=\"{x:.1}\" dy=\"17\" font-size=\"14.5\" fill=\"#333\">{}</tspan>",
                esc(l.trim())
            );
        }
        s.push_str("</text>");
    }
    s.push_str("</svg>");
    s
}

pub fn render(r: &Report, lang: Lang) -> String {
    let w = words(lang);
    let u = ui(lang);
    let cat = Catalogue::builtin();
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"generator\" content=\"{} {}\">\n<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.code(),
        esc(&r.tool.name),
        esc(&r.tool.version),
        esc(w.title),
        untrusted(&r.organization.name),
    );

    // Header: who, where, when.
    let _ = writeln!(
        o,
        "<header>\n<h1>{}</h1>\n<dl class=\"meta\">",
        esc(w.title)
    );
    let mut meta = |k: &str, v: String| {
        let _ = writeln!(o, "<dt>{}</dt><dd>{v}</dd>", esc(k));
    };
    meta(w.organization, untrusted(&r.organization.name));
    if let Some(b) = &r.organization.certification_body {
        meta(u.body, untrusted(b));
    }
    if let Some(id) = &r.organization.certificate_id {
        meta(u.certificate, untrusted(id));
    }
    meta(w.audit_date, esc(&r.audit_date.to_string()));
    meta(w.generated, untrusted(&r.generated_at));
    for h in &r.hosts {
        meta(
            w.hosts,
            format!(
                "{} <span class=\"note\">({}, root <code>{}</code>)</span>",
                untrusted(crate::collect::host_label(&h.name).get(lang)),
                untrusted(&h.kind),
                untrusted(&h.root)
            ),
        );
    }
    meta(
        u.checklist,
        format!(
            "{} {}",
            untrusted(&r.checklist.id),
            untrusted(&r.checklist.version)
        ),
    );
    meta(
        u.tool,
        format!("{} {}", untrusted(&r.tool.name), untrusted(&r.tool.version)),
    );
    if let Some(t) = &r.timeline {
        let mut v = format!(
            "{} {} / {} {} / {} {}",
            esc(w.certified_on),
            t.certified_on,
            esc(w.expires_on),
            t.expires_on,
            esc(w.next_report),
            t.next_periodic_report_due
        );
        if t.expired {
            let _ = write!(
                v,
                " <strong class=\"st-fail\">✖ {}</strong>",
                esc(u.expired)
            );
        } else if t.renewal_due {
            let _ = write!(
                v,
                " <strong class=\"st-partial\">⚠ {}</strong>",
                esc(&t.next_step(lang))
            );
        } else {
            let _ = write!(
                v,
                " <span class=\"note\">({} {})</span>",
                t.days_to_periodic_report,
                esc(u.days_left)
            );
        }
        meta(w.timeline, v);
    }
    let _ = writeln!(o, "</dl>\n</header>");

    // Summary: overall score, radar chart, counts per criterion.
    let _ = writeln!(
        o,
        "<section class=\"summary-section\">\n<h2>{}</h2>\n<div class=\"summary\">",
        esc(w.score)
    );
    let _ = writeln!(
        o,
        "<div class=\"score-box\"><div>{}</div><div class=\"value\" id=\"overall-score\">{}</div><div class=\"note\">/ 100</div></div>",
        esc(w.score),
        esc(&score_text(r.summary.score))
    );
    let points: Vec<(String, String, Option<f64>)> = r
        .summary
        .criteria
        .iter()
        .map(|c| {
            let name = cat
                .criterion(&c.id)
                .map(|x| x.title.get(lang).to_string())
                .unwrap_or_default();
            (c.id.clone(), name, c.score)
        })
        .collect();
    let _ = writeln!(
        o,
        "<figure class=\"chart\">{}</figure>",
        radar_svg(&points, lang)
    );
    let _ = writeln!(o, "</div>");
    let _ = write!(
        o,
        "<table class=\"scores\">\n<thead><tr><th>{}</th><th class=\"num\">{}</th>",
        esc(w.criterion),
        esc(w.score)
    );
    for s in Status::ALL {
        let _ = write!(
            o,
            "<th class=\"num\">{} {}</th>",
            symbol(s),
            esc(s.label(lang))
        );
    }
    let _ = writeln!(o, "</tr></thead>\n<tbody>");
    for c in &r.summary.criteria {
        let name = cat
            .criterion(&c.id)
            .map(|x| x.title.get(lang))
            .unwrap_or("");
        let _ = write!(
            o,
            "<tr><td><a href=\"#crit-{id}\">{id} {}</a></td><td class=\"num\">{}</td>",
            esc(name),
            match c.score {
                Some(_) => esc(&score_text(c.score)),
                None => format!("— <span class=\"note\">{}</span>", esc(u.not_scored)),
            },
            id = untrusted(&c.id),
        );
        for s in Status::ALL {
            let _ = write!(
                o,
                "<td class=\"num\">{}</td>",
                c.counts.get(&s).copied().unwrap_or(0)
            );
        }
        let _ = writeln!(o, "</tr>");
    }
    let _ = write!(
        o,
        "<tr><th>{}</th><th class=\"num\">{}</th>",
        esc(u.total),
        esc(&score_text(r.summary.score))
    );
    for s in Status::ALL {
        let _ = write!(
            o,
            "<th class=\"num\">{}</th>",
            r.summary.counts.get(&s).copied().unwrap_or(0)
        );
    }
    let _ = writeln!(o, "</tr>\n</tbody></table>");
    if !r.warnings.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"warn\">⚠ {}: {} — <a href=\"#warnings\">{}</a></p>",
            esc(w.warnings),
            r.warnings.len(),
            esc(w.warnings)
        );
    }
    let _ = writeln!(o, "<nav><strong>{}</strong><ol>", esc(u.contents));
    if r.changes.is_some() {
        let t = if lang == Lang::Ja {
            "前回の監査からの変化"
        } else {
            "Changes since the last audit"
        };
        let _ = writeln!(o, "<li><a href=\"#changes\">{}</a></li>", esc(t));
    }
    for c in &cat.criteria {
        let _ = writeln!(
            o,
            "<li><a href=\"#crit-{id}\">{id} {}</a></li>",
            esc(c.title.get(lang)),
            id = esc(&c.id)
        );
    }
    let _ = writeln!(
        o,
        "<li><a href=\"#coverage\">{}</a></li><li><a href=\"#approval\">{}</a></li><li><a href=\"#warnings\">{}</a></li></ol></nav>\n</section>",
        esc(w.coverage),
        esc(super::scope::scope_words(lang).approval),
        esc(w.warnings)
    );

    if let Some(ch) = &r.changes {
        changes(&mut o, ch, cat, lang);
    }

    // The checklist form: one section (printed page) per criterion.
    for c in &cat.criteria {
        let score = r
            .summary
            .criteria
            .iter()
            .find(|x| x.id == c.id)
            .and_then(|x| x.score);
        let _ = writeln!(
            o,
            "<section class=\"criterion\" id=\"crit-{id}\">\n<h2>{id} {} <span class=\"note\">— {} {}</span></h2>",
            esc(c.title.get(lang)),
            esc(w.score),
            esc(&score_text(score)),
            id = esc(&c.id)
        );
        for it in r.items.iter().filter(|i| i.criterion == c.id) {
            item(&mut o, it, cat, lang);
        }
        let _ = writeln!(o, "</section>");
    }
    // Items of a criterion this version does not know (a report from a newer checklist).
    let unknown: Vec<_> = r
        .items
        .iter()
        .filter(|i| cat.criterion(&i.criterion).is_none())
        .collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            o,
            "<section class=\"criterion\" id=\"crit-other\">\n<h2>—</h2>"
        );
        for it in unknown {
            item(&mut o, it, cat, lang);
        }
        let _ = writeln!(o, "</section>");
    }

    coverage(&mut o, r, lang);
    approval(&mut o, r, lang);

    let _ = writeln!(o, "<section id=\"warnings\">\n<h2>{}</h2>", esc(w.warnings));
    if r.warnings.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(u.no_warnings));
    } else {
        let _ = writeln!(o, "<ul class=\"plain\">");
        for x in &r.warnings {
            let _ = writeln!(o, "<li>{}</li>", untrusted(x));
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(
        o,
        "</section>\n<footer>{} {} — {} {} — {}</footer>\n</body>\n</html>",
        untrusted(&r.tool.name),
        untrusted(&r.tool.version),
        esc(w.generated),
        untrusted(&r.generated_at),
        untrusted(&r.organization.name)
    );
    o
}

fn item(o: &mut String, it: &super::model::ReportItem, cat: &Catalogue, lang: Lang) {
    let w = words(lang);
    let u = ui(lang);
    let _ = writeln!(
        o,
        "<article class=\"item s-{}\" id=\"item-{id}\">\n<header><span class=\"id\">{id}</span><h3>{}</h3>{}{}</header>",
        it.status.code(),
        esc(it.title.get(lang)),
        badge(it.status, lang),
        if it.waived {
            format!(" <span class=\"badge\">{}</span>", esc(w.waived))
        } else {
            String::new()
        },
        id = untrusted(&it.id),
    );
    if let Some(def) = cat.item(&it.id) {
        let _ = writeln!(
            o,
            "<div class=\"question\">{} <span class=\"note\">({}: {})</span></div>",
            rich(def.question.get(lang)),
            esc(w.source),
            esc(def.source.label(lang))
        );
    }
    let _ = writeln!(
        o,
        "<p><span class=\"label\">{}:</span> {}</p>",
        esc(w.reason),
        if it.reason.is_empty() {
            "—".to_string()
        } else {
            untrusted(&it.reason)
        }
    );
    if let Some(d) = it.waiver_expired_on {
        let _ = writeln!(
            o,
            "<p class=\"st-partial\">⚠ {} ({d})</p>",
            esc(u.waiver_expired)
        );
    }
    if let Some(line) = it
        .answer
        .as_ref()
        .and_then(|a| super::scope::answer_line(a, lang))
    {
        let _ = writeln!(o, "<p class=\"answered\">{}</p>", untrusted(&line));
    }
    evidence_table(o, &it.evidence, lang);
    if let Some(cs) = it.computed_status {
        let _ = writeln!(
            o,
            "<p><span class=\"label\">{} ({}):</span> {} {}</p>",
            esc(w.computed),
            esc(if it.waived { w.waived } else { w.for_reference }),
            badge(cs, lang),
            it.computed_reason
                .as_deref()
                .map(untrusted)
                .unwrap_or_default()
        );
        if let Some(ce) = &it.computed_evidence {
            evidence_table(o, ce, lang);
        }
    }
    if !it.status.needs_no_fix() {
        let _ = writeln!(
            o,
            "<div class=\"remediation\"><span class=\"label\">{}:</span> {}</div>",
            esc(w.remediation),
            rich(it.remediation.get(lang))
        );
    }
    let _ = writeln!(o, "</article>");
}

fn evidence_table(o: &mut String, ev: &[Evidence<String>], lang: Lang) {
    if ev.is_empty() {
        return;
    }
    let w = words(lang);
    let u = ui(lang);
    let _ = writeln!(
        o,
        "<table class=\"evidence\"><caption class=\"label\">{} ({})</caption>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(w.evidence),
        ev.len(),
        esc(u.kind),
        esc(u.location),
        esc(u.about)
    );
    for e in ev.iter().take(EVIDENCE_SHOWN) {
        let mut loc = Vec::new();
        if let Some(p) = &e.path {
            let mut s = format!("<code>{}</code>", untrusted(p));
            if let Some(l) = e.line {
                let _ = write!(s, ":{l}");
            }
            loc.push(s);
        }
        if let Some(b) = &e.path_b64 {
            loc.push(format!(
                "<span class=\"note\">base64: <code>{}</code></span>",
                untrusted(b)
            ));
        }
        if let Some(p) = &e.principal {
            loc.push(format!("<code>{}</code>", untrusted(p)));
        }
        if let Some(a) = &e.asset {
            loc.push(format!("[{}]", untrusted(a)));
        }
        let mut about = Vec::new();
        if let Some(x) = &e.excerpt {
            about.push(format!("<code>{}</code>", untrusted(x)));
        }
        if let Some(d) = &e.detail {
            about.push(untrusted(d));
        }
        if let Some(d) = &e.date {
            about.push(untrusted(d));
        }
        if let Some(h) = &e.sha256 {
            about.push(format!(
                "<span class=\"note\">sha256 <code>{}</code></span>",
                untrusted(h)
            ));
        }
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(kind_label(e.kind, lang)),
            loc.join("<br>"),
            about.join("<br>")
        );
    }
    let _ = writeln!(o, "</tbody></table>");
    if ev.len() > EVIDENCE_SHOWN {
        let _ = writeln!(
            o,
            "<p class=\"note\">… {} {}</p>",
            ev.len() - EVIDENCE_SHOWN,
            esc(u.more)
        );
    }
}

fn coverage(o: &mut String, r: &Report, lang: Lang) {
    let w = words(lang);
    let u = ui(lang);
    let inv = &r.inventory;
    let cov = &r.coverage;
    let _ = writeln!(
        o,
        "<section id=\"coverage\">\n<h2>{}</h2>\n<table class=\"inventory\"><tbody>",
        esc(w.coverage)
    );
    for (label, v) in
        u.inventory
            .iter()
            .zip([inv.files, inv.bytes, inv.protected, inv.marked, inv.hashed])
    {
        let _ = writeln!(
            o,
            "<tr><th>{}</th><td class=\"num\">{v}</td></tr>",
            esc(label)
        );
    }
    for (label, v) in u
        .coverage_counts
        .iter()
        .zip([cov.vanished, cov.loops, cov.skipped_special])
    {
        let _ = writeln!(
            o,
            "<tr><th>{}</th><td class=\"num\">{v}</td></tr>",
            esc(label)
        );
    }
    let _ = writeln!(o, "</tbody></table>");
    scope_table(o, r, lang);
    if cov.unreadable.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", esc(u.nothing_missed));
    } else {
        let _ = writeln!(
            o,
            "<h3>{} ({})</h3>\n<ul class=\"plain\">",
            esc(u.unreadable),
            cov.unreadable.len()
        );
        for x in &cov.unreadable {
            let _ = writeln!(
                o,
                "<li><code>{}</code>: {}</li>",
                untrusted(&x.path),
                untrusted(&x.error)
            );
        }
        let _ = writeln!(o, "</ul>");
    }
    let _ = writeln!(o, "</section>");
}

/// What was audited: root, shares, paths walked, hosts, evidence folders, the
/// tool and the digest of its definitions.
fn scope_table(o: &mut String, r: &Report, lang: Lang) {
    let sw = super::scope::scope_words(lang);
    let _ = writeln!(o, "<table class=\"scope\"><tbody>");
    for row in super::scope::rows(&r.scope, lang) {
        let v = if row.values.is_empty() {
            esc(sw.none)
        } else {
            row.values
                .iter()
                .map(|x| {
                    if row.code {
                        format!("<code>{}</code>", untrusted(x))
                    } else {
                        untrusted(x)
                    }
                })
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let _ = writeln!(o, "<tr><th>{}</th><td>{v}</td></tr>", esc(row.label));
    }
    let _ = writeln!(o, "</tbody></table>");
}

/// The approval block: prepared by, approved by the administrator, dates, and a
/// box for a signature or seal.
fn approval(o: &mut String, r: &Report, lang: Lang) {
    let sw = super::scope::scope_words(lang);
    let a = &r.approval;
    let cell = |v: Option<String>| v.map(|x| untrusted(&x)).unwrap_or_default();
    let _ = writeln!(
        o,
        "<section class=\"approval\" id=\"approval\">\n<h2>{}</h2>\n<table><thead><tr><th></th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(sw.approval),
        esc(sw.name),
        esc(sw.date),
        esc(sw.seal)
    );
    for (label, who, on) in [
        (sw.prepared_by, a.prepared_by.clone(), a.prepared_on),
        (sw.approved_by, a.approved_by.clone(), a.approved_on),
    ] {
        let _ = writeln!(
            o,
            "<tr><th>{}</th><td>{}</td><td>{}</td><td class=\"seal\"></td></tr>",
            esc(label),
            cell(who),
            cell(on.map(|d| d.to_string()))
        );
    }
    let _ = writeln!(o, "</tbody></table>\n</section>");
}

/// "Changes since the last audit" (with `--baseline`).
fn changes(o: &mut String, ch: &crate::changes::Changes, cat: &Catalogue, lang: Lang) {
    let ja = lang == Lang::Ja;
    let t = |j: &'static str, e: &'static str| if ja { j } else { e };
    let _ = writeln!(
        o,
        "<section id=\"changes\">\n<h2>{} <span class=\"note\">({} {})</span></h2>",
        esc(t("前回の監査からの変化", "Changes since the last audit")),
        esc(t("前回", "previous audit")),
        ch.baseline_audit_date
    );
    if let Some(old) = &ch.renamed_from {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            esc(crate::tr!(
                "前回の監査は旧社名 {old} で行われました（organization.previous_names）。",
                "The last audit was under the earlier name {old} (organization.previous_names)."
            )
            .get(lang))
        );
    }
    if ch.items.is_empty() {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            esc(t(
                "判定が変わった項目はありません。",
                "No item changed status."
            ))
        );
    } else {
        let _ = writeln!(
            o,
            "<table class=\"scores\"><thead><tr><th>ID</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            esc(words(lang).item),
            esc(t("前回", "Before")),
            esc(t("今回", "Now"))
        );
        for c in &ch.items {
            let title = cat.item(&c.id).map(|i| i.title.get(lang)).unwrap_or("");
            let _ = writeln!(
                o,
                "<tr><td><a href=\"#item-{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(title),
                badge(c.old, lang),
                badge(c.new, lang),
                id = untrusted(&c.id)
            );
        }
        let _ = writeln!(o, "</tbody></table>");
    }
    if !ch.files_compared {
        let _ = writeln!(
            o,
            "<p class=\"warn\">⚠ {}: {}</p>",
            esc(t(
                "保護対象ファイルは比較できませんでした",
                "Protected files were not compared"
            )),
            untrusted(ch.files_note.as_deref().unwrap_or(""))
        );
    } else {
        if let Some(note) = &ch.files_note {
            let _ = writeln!(o, "<p class=\"warn\">⚠ {}</p>", untrusted(note));
        }
        for (title, list) in [
            (
                t("追加された保護対象ファイル", "Protected files added"),
                &ch.added,
            ),
            (
                t("削除された保護対象ファイル", "Protected files removed"),
                &ch.removed,
            ),
            (
                t("変更された保護対象ファイル", "Protected files changed"),
                &ch.changed,
            ),
        ] {
            let _ = writeln!(o, "<h3>{} ({})</h3>", esc(title), list.len());
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(o, "<ul class=\"plain\">");
            for c in list.iter() {
                let what = if c.what.is_empty() {
                    String::new()
                } else {
                    format!(
                        " — {}",
                        untrusted(&crate::changes::diff::what_text(c, lang))
                    )
                };
                let asset = c
                    .asset
                    .as_deref()
                    .map(|a| format!(" [{}]", untrusted(a)))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "<li><code>{}</code>{asset}{what}</li>",
                    untrusted(&c.path)
                );
            }
            let _ = writeln!(o, "</ul>");
        }
    }
    let _ = writeln!(o, "</section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_shows_controls() {
        assert_eq!(
            untrusted("<script>alert('x')</script>&\"\n\u{202e}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\\n\\u{202e}"
        );
    }

    #[test]
    fn labels_wrap_between_words() {
        assert_eq!(
            wrap_words("Handling: register, labels, copies, take-out, disposal", 30),
            ["Handling: register, labels,", "copies, take-out, disposal"]
        );
        // A Japanese label breaks before its bracket, not inside a word (it used
        // to print 廃棄 / 等）), and a label that fits keeps no added space.
        assert_eq!(
            wrap_words("情報の取扱い（管理・複製・廃棄等）", 28),
            ["情報の取扱い", "（管理・複製・廃棄等）"]
        );
        assert_eq!(
            wrap_words("情報のアクセス制限（人）", 28),
            ["情報のアクセス制限（人）"]
        );
    }

    #[test]
    fn radar_has_one_point_per_criterion() {
        let pts: Vec<_> = ["ADM", "HDL", "TRN", "ACC", "STO", "ITS"]
            .iter()
            .enumerate()
            .map(|(i, id)| {
                (
                    id.to_string(),
                    "x".to_string(),
                    (i != 4).then_some(20.0 * i as f64),
                )
            })
            .collect();
        let svg = radar_svg(&pts, Lang::En);
        assert_eq!(svg.matches("<circle").count(), 6);
        assert!(svg.contains("STO —"), "{svg}");
        // ADM scores 0 → its point is the centre; ITS 100 → the outer ring (top-left).
        assert!(svg.contains("cx=\"390.0\" cy=\"240.0\""));
        let (x, y) = (
            390.0
                + 150.0 * (-std::f64::consts::FRAC_PI_2 + 5.0 * std::f64::consts::TAU / 6.0).cos(),
            240.0
                + 150.0 * (-std::f64::consts::FRAC_PI_2 + 5.0 * std::f64::consts::TAU / 6.0).sin(),
        );
        assert!(
            svg.contains(&format!("cx=\"{x:.1}\" cy=\"{y:.1}\"")),
            "{svg}"
        );
    }
}
