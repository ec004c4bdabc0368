//! `report.html`: one self-contained page for people — summary, a radar chart of
//! the six criteria, every item with its status, reason, evidence and how to fix
//! it, coverage and warnings.
//!
//! Self-contained: no scripts at all, no external fonts, styles or images (a
//! Content-Security-Policy says so to the browser too, so even a mistake in
//! escaping could not run or load anything). Printable on A4, one criterion per
//! page; statuses are told apart by text and symbol, not only by colour, so a
//! black-and-white printout reads the same.
//!
//! The markup lives in askama templates next to this file
//! (`src/report/templates/`: `report.html`, its macros `report-parts.html`, the
//! style sheet `report.css` and the chart `radar.svg`), checked when the crate
//! is compiled. Every `{{ value }}` in them is escaped by [`Escaper`]; this file
//! only gathers the values (plain text, never markup) the templates print.
//! Text from the audited system or the profile goes through the `oneline`
//! filter as well, so control and bidi-override characters are shown, never
//! obeyed.

use super::markdown::score_text;
use super::model::ReportItem;
use super::scope::{ScopeRow, ScopeWords};
use super::{Report, Words, one_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::{Evidence, EvidenceKind, Status};
use askama::Template;

/// How many evidence entries the page shows per item; report.json has them all.
pub const EVIDENCE_SHOWN: usize = 500;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = write_escaped(&mut out, s);
    out
}

fn write_escaped<W: std::fmt::Write>(mut dest: W, s: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        dest.write_str(&s[last..i])?;
        dest.write_str(rep)?;
        last = i + 1;
    }
    dest.write_str(&s[last..])
}

/// The escaper of every template ending in `.html` or `.svg` (askama.toml names
/// it): the same five entities as [`esc`], so the page reads exactly as it did
/// when it was written by hand (askama's own escaper writes `&#60;` for `<`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Escaper;

impl askama::filters::Escaper for Escaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, dest: W, s: &str) -> std::fmt::Result {
        write_escaped(dest, s)
    }
}

/// Text from the audited system or the profile: control and bidi-override
/// characters shown, never obeyed, then escaped.
pub fn untrusted(s: &str) -> String {
    esc(&one_line(s))
}

/// Template filters.
mod filters {
    /// `{{ x|oneline }}`: text from the audited system or the profile, with
    /// control and bidi-override characters shown as `\n`, `\u{202e}`… (the
    /// escaper then escapes the result).
    #[askama::filter_fn]
    pub fn oneline(s: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::one_line(&s.to_string()))
    }
}

/// One piece of the checklist's own rich text: plain text or a `code` span.
pub struct Inline {
    pub code: bool,
    pub text: String,
}

/// A block of the checklist's rich text: a paragraph or a bullet list.
pub enum Block {
    Para(Vec<Inline>),
    List(Vec<Vec<Inline>>),
}

/// The checklist's own text (trusted, but escaped all the same): lines starting
/// with `- `, `* ` or `・` become a list, and `code` spans are shown as code.
pub fn rich(s: &str) -> Vec<Block> {
    let inline = |t: &str| {
        t.split('`')
            .enumerate()
            .filter(|(i, part)| i % 2 == 1 || !part.is_empty())
            .map(|(i, part)| Inline {
                code: i % 2 == 1,
                text: part.to_string(),
            })
            .collect::<Vec<_>>()
    };
    let mut out: Vec<Block> = Vec::new();
    for line in s.trim().lines().map(str::trim).filter(|l| !l.is_empty()) {
        let bullet = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix('・'))
            .or_else(|| line.strip_prefix("* "));
        match (bullet, out.last_mut()) {
            (Some(b), Some(Block::List(items))) => items.push(inline(b.trim())),
            (Some(b), _) => out.push(Block::List(vec![inline(b.trim())])),
            (None, _) => out.push(Block::Para(inline(line))),
        }
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

/// A status as the page shows it: class, symbol and word.
pub struct Badge {
    pub code: &'static str,
    pub symbol: &'static str,
    pub label: &'static str,
}

fn badge(s: Status, lang: Lang) -> Badge {
    Badge {
        code: s.code(),
        symbol: symbol(s),
        label: s.label(lang),
    }
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
    unread_more: &'static str,
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
        unread_more: "件は記載を省略しました（パス順の最初の 100 件のみ記載。件数は全件です）",
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
        unread_more: "more not listed (only the first 100, by path, are; the count covers them all)",
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

/// The radar chart of the criteria's scores, drawn by `templates/radar.svg`.
#[derive(Template)]
#[template(path = "radar.svg")]
pub struct Radar {
    title: &'static str,
    width: f64,
    height: f64,
    cx: f64,
    cy: f64,
    /// Rings at 20 % steps: points, stroke width, where the number goes, the number.
    rings: Vec<Ring>,
    /// The end of each axis.
    axes: Vec<(String, String)>,
    scores: String,
    /// Each score's point and whether it was scored (hollow when not).
    dots: Vec<(String, String, bool)>,
    labels: Vec<RadarLabel>,
}

struct Ring {
    points: String,
    stroke: &'static str,
    x: String,
    y: String,
    value: usize,
}

struct RadarLabel {
    x: String,
    y: String,
    anchor: &'static str,
    id: String,
    score: String,
    lines: Vec<String>,
}

fn num(v: f64) -> String {
    format!("{v:.1}")
}

impl Radar {
    /// `None` scores (every item not applicable) are drawn at the centre and
    /// labelled "—".
    pub fn new(points: &[(String, String, Option<f64>)], lang: Lang) -> Radar {
        let (width, height) = (780.0_f64, 470.0_f64);
        let g = Geometry {
            cx: 390.0,
            cy: 240.0,
            r: 150.0,
            n: points.len().max(3),
        };
        let axes = (0..g.n)
            .map(|i| {
                let (x, y) = g.at(i, 1.0);
                (num(x), num(y))
            })
            .collect();
        let data: Vec<(f64, f64)> = (0..g.n)
            .map(|i| {
                let v = points.get(i).and_then(|p| p.2).unwrap_or(0.0);
                g.at(i, (v / 100.0).clamp(0.0, 1.0))
            })
            .collect();
        let dots = data
            .iter()
            .enumerate()
            .map(|(i, (x, y))| (num(*x), num(*y), points.get(i).and_then(|p| p.2).is_some()))
            .collect();
        Radar {
            title: ui(lang).chart_title,
            width,
            height,
            cx: g.cx,
            cy: g.cy,
            rings: g.rings(),
            axes,
            scores: polygon(&data),
            dots,
            labels: g.labels(points),
        }
    }
}

/// The radar chart's centre, radius and number of axes.
struct Geometry {
    cx: f64,
    cy: f64,
    r: f64,
    n: usize,
}

impl Geometry {
    /// The point of value `v` (0 the centre, 1 the outer ring) on axis `i`, the
    /// first pointing up.
    fn at(&self, i: usize, v: f64) -> (f64, f64) {
        let a = -std::f64::consts::FRAC_PI_2 + (i as f64) * std::f64::consts::TAU / self.n as f64;
        (
            self.cx + self.r * v * a.cos(),
            self.cy + self.r * v * a.sin(),
        )
    }

    /// The five rings (20 to 100), each labelled on the first axis.
    fn rings(&self) -> Vec<Ring> {
        (1..=5)
            .map(|ring| {
                let v = ring as f64 / 5.0;
                let pts: Vec<_> = (0..self.n).map(|i| self.at(i, v)).collect();
                let (_, y) = self.at(0, v);
                Ring {
                    points: polygon(&pts),
                    stroke: if ring == 5 { "1.5" } else { "0.7" },
                    x: num(self.cx + 3.0),
                    y: num(y + 14.0),
                    value: ring * 20,
                }
            })
            .collect()
    }

    /// Each criterion's label beyond the end of its axis, anchored away from
    /// the centre, its name wrapped.
    fn labels(&self, points: &[(String, String, Option<f64>)]) -> Vec<RadarLabel> {
        let (cx, cy) = (self.cx, self.cy);
        points
            .iter()
            .enumerate()
            .map(|(i, (id, name, score))| {
                let (x, y) = self.at(i, 1.13);
                let anchor = if (x - cx).abs() < 1.0 {
                    "middle"
                } else if x > cx {
                    "start"
                } else {
                    "end"
                };
                let lines: Vec<String> = wrap_words(name, 28)
                    .iter()
                    .map(|l| l.trim().to_string())
                    .collect();
                let height = 18.0 * (lines.len() as f64);
                let dy = if y < cy - 1.0 { -height } else { 4.0 };
                RadarLabel {
                    x: num(x),
                    y: num(y + dy),
                    anchor,
                    id: id.clone(),
                    score: score_text(*score),
                    lines,
                }
            })
            .collect()
    }
}

/// Points as an SVG `points` attribute.
fn polygon(pts: &[(f64, f64)]) -> String {
    pts.iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The radar chart as SVG markup (see [`Radar`]).
pub fn radar_svg(points: &[(String, String, Option<f64>)], lang: Lang) -> String {
    Radar::new(points, lang).render().unwrap_or_default()
}

/// One line of the header's list: a label and what follows it.
enum MetaValue {
    /// Text from the report (printed through `oneline`).
    Text(String),
    /// A host: its label, kind and root.
    Host {
        label: String,
        kind: String,
        root: String,
    },
    /// The certification timeline.
    Timeline {
        certified_on: String,
        expires_on: String,
        next_report: String,
        state: TimelineState,
    },
}

enum TimelineState {
    Expired,
    RenewalDue(String),
    DaysLeft(i64),
}

/// One piece of an evidence row's "where" or "details" cell.
enum Piece {
    /// A path, with its line when there is one.
    Path(String, Option<usize>),
    /// The exact bytes of a non-UTF-8 name.
    Base64(String),
    /// Code: a principal or a configuration excerpt.
    Code(String),
    /// An asset from the register.
    Asset(String),
    /// Plain text: a detail or a date.
    Text(String),
    Sha256(String),
}

struct EvidenceRow {
    kind: &'static str,
    location: Vec<Piece>,
    about: Vec<Piece>,
}

struct EvidenceTable {
    total: usize,
    rows: Vec<EvidenceRow>,
    /// How many are not shown.
    more: usize,
}

fn evidence_table(ev: &[Evidence<String>], lang: Lang) -> Option<EvidenceTable> {
    if ev.is_empty() {
        return None;
    }
    let rows = ev
        .iter()
        .take(EVIDENCE_SHOWN)
        .map(|e| {
            let mut location = Vec::new();
            if let Some(p) = &e.path {
                location.push(Piece::Path(p.clone(), e.line));
            }
            if let Some(b) = &e.path_b64 {
                location.push(Piece::Base64(b.clone()));
            }
            if let Some(p) = &e.principal {
                location.push(Piece::Code(p.clone()));
            }
            if let Some(a) = &e.asset {
                location.push(Piece::Asset(a.clone()));
            }
            let mut about = Vec::new();
            if let Some(x) = &e.excerpt {
                about.push(Piece::Code(x.clone()));
            }
            if let Some(d) = &e.detail {
                about.push(Piece::Text(d.clone()));
            }
            if let Some(d) = &e.date {
                about.push(Piece::Text(d.clone()));
            }
            if let Some(h) = &e.sha256 {
                about.push(Piece::Sha256(h.clone()));
            }
            EvidenceRow {
                kind: kind_label(e.kind, lang),
                location,
                about,
            }
        })
        .collect();
    Some(EvidenceTable {
        total: ev.len(),
        rows,
        more: ev.len().saturating_sub(EVIDENCE_SHOWN),
    })
}

/// One checklist item as the page shows it.
struct ItemView<'a> {
    it: &'a ReportItem,
    title: &'a str,
    badge: Badge,
    /// The question and its source label.
    question: Option<(Vec<Block>, &'static str)>,
    answered: Option<String>,
    evidence: Option<EvidenceTable>,
    /// The computed status, the word after "computed", its reason and evidence.
    computed: Option<(Badge, &'static str, String, Option<EvidenceTable>)>,
    remediation: Option<Vec<Block>>,
}

fn item_view<'a>(it: &'a ReportItem, cat: &Catalogue, lang: Lang) -> ItemView<'a> {
    let w = words(lang);
    ItemView {
        it,
        title: it.title.get(lang),
        badge: badge(it.status, lang),
        question: cat
            .item(&it.id)
            .map(|def| (rich(def.question.get(lang)), def.source.label(lang))),
        answered: it
            .answer
            .as_ref()
            .and_then(|a| super::scope::answer_line(a, lang)),
        evidence: evidence_table(&it.evidence, lang),
        computed: it.computed_status.map(|cs| {
            (
                badge(cs, lang),
                if it.waived { w.waived } else { w.for_reference },
                it.computed_reason.clone().unwrap_or_default(),
                it.computed_evidence
                    .as_deref()
                    .and_then(|ce| evidence_table(ce, lang)),
            )
        }),
        remediation: (!it.status.needs_no_fix()).then(|| rich(it.remediation.get(lang))),
    }
}

/// A section of the checklist form: one criterion (one printed page).
struct Section<'a> {
    /// `None` for items of a criterion this version does not know.
    id: Option<&'a str>,
    title: &'a str,
    score: String,
    items: Vec<ItemView<'a>>,
}

struct CriterionRow<'a> {
    id: &'a str,
    name: &'a str,
    score: Option<String>,
    counts: Vec<usize>,
}

/// A list of protected files in "changes since the last audit".
struct FileList {
    title: &'static str,
    /// Path, asset, what changed.
    files: Vec<(String, Option<String>, Option<String>)>,
}

struct ChangesView<'a> {
    title: &'static str,
    previous: &'static str,
    baseline_audit_date: String,
    /// The earlier company name the baseline was made under (organization.previous_names).
    renamed: Option<String>,
    no_change: &'static str,
    before: &'static str,
    now: &'static str,
    /// ID, title, old and new status.
    items: Vec<(&'a str, &'a str, Badge, Badge)>,
    files_compared: bool,
    not_compared: &'static str,
    files_note: Option<&'a str>,
    lists: Vec<FileList>,
}

fn changes_view<'a>(
    ch: &'a crate::changes::Changes,
    cat: &'a Catalogue,
    lang: Lang,
) -> ChangesView<'a> {
    let ja = lang == Lang::Ja;
    let t = |j: &'static str, e: &'static str| if ja { j } else { e };
    let list = |title, list: &[crate::changes::files::FileChange]| FileList {
        title,
        files: list
            .iter()
            .map(|c| {
                (
                    c.path.clone(),
                    c.asset.clone(),
                    (!c.what.is_empty()).then(|| crate::changes::diff::what_text(c, lang)),
                )
            })
            .collect(),
    };
    ChangesView {
        title: t("前回の監査からの変化", "Changes since the last audit"),
        previous: t("前回", "previous audit"),
        baseline_audit_date: ch.baseline_audit_date.to_string(),
        renamed: ch.renamed_from.as_ref().map(|old| {
            crate::tr!(
                "前回の監査は旧社名 {old} で行われました（organization.previous_names）。",
                "The last audit was under the earlier name {old} (organization.previous_names)."
            )
            .get(lang)
            .to_string()
        }),
        no_change: t(
            "判定が変わった項目はありません。",
            "No item changed status.",
        ),
        before: t("前回", "Before"),
        now: t("今回", "Now"),
        items: ch
            .items
            .iter()
            .map(|c| {
                let title = cat.item(&c.id).map(|i| i.title.get(lang)).unwrap_or("");
                (c.id.as_str(), title, badge(c.old, lang), badge(c.new, lang))
            })
            .collect(),
        files_compared: ch.files_compared,
        not_compared: t(
            "保護対象ファイルは比較できませんでした",
            "Protected files were not compared",
        ),
        files_note: ch.files_note.as_deref(),
        lists: vec![
            list(
                t("追加された保護対象ファイル", "Protected files added"),
                &ch.added,
            ),
            list(
                t("削除された保護対象ファイル", "Protected files removed"),
                &ch.removed,
            ),
            list(
                t("変更された保護対象ファイル", "Protected files changed"),
                &ch.changed,
            ),
        ],
    }
}

/// The whole page (`templates/report.html`).
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    lang: &'static str,
    r: &'a Report,
    w: &'static Words,
    u: &'static Ui,
    sw: &'static ScopeWords,
    meta: Vec<(&'static str, MetaValue)>,
    overall: String,
    radar: String,
    /// Symbol and word of every status, for the heads of the count columns.
    statuses: Vec<(&'static str, &'static str)>,
    criteria: Vec<CriterionRow<'a>>,
    totals: Vec<usize>,
    changes_title: &'static str,
    changes: Option<ChangesView<'a>>,
    /// ID and title of every criterion, for the contents.
    contents: Vec<(&'a str, &'a str)>,
    sections: Vec<Section<'a>>,
    /// Inventory and coverage counts with their labels.
    counts: Vec<(&'static str, u64)>,
    scope: Vec<ScopeRow>,
    /// Prepared by / approved by: label, who, when.
    approval: Vec<(&'static str, Option<String>, Option<String>)>,
}

pub fn render(r: &Report, lang: Lang) -> String {
    let w = words(lang);
    let u = ui(lang);
    let cat = Catalogue::builtin();
    let sw = super::scope::scope_words(lang);
    let page = Page {
        lang: lang.code(),
        r,
        w,
        u,
        sw,
        meta: meta_rows(r, lang),
        overall: score_text(r.summary.score),
        radar: radar_svg(&radar_points(r, lang), lang),
        statuses: Status::ALL
            .iter()
            .map(|s| (symbol(*s), s.label(lang)))
            .collect(),
        criteria: criterion_rows(r, lang),
        totals: Status::ALL
            .iter()
            .map(|s| r.summary.counts.get(s).copied().unwrap_or(0))
            .collect(),
        changes_title: if lang == Lang::Ja {
            "前回の監査からの変化"
        } else {
            "Changes since the last audit"
        },
        changes: r.changes.as_ref().map(|ch| changes_view(ch, cat, lang)),
        contents: cat
            .criteria
            .iter()
            .map(|c| (c.id.as_str(), c.title.get(lang)))
            .collect(),
        sections: sections(r, lang),
        counts: counts(r, lang),
        scope: super::scope::rows(&r.scope, lang),
        approval: approval_rows(r, lang),
    };
    // Rendering into a String fails only if a value's Display fails, which
    // none of these (strings, numbers, dates) does.
    let mut out = page.render().unwrap_or_default();
    // askama drops the newline at the end of a template file; the page ends
    // with one.
    out.push('\n');
    out
}

/// The list under the title: organisation, certification, dates, hosts,
/// checklist, tool, certification timeline.
fn meta_rows(r: &Report, lang: Lang) -> Vec<(&'static str, MetaValue)> {
    let w = words(lang);
    let u = ui(lang);
    let mut meta = vec![(w.organization, MetaValue::Text(r.organization.name.clone()))];
    if let Some(b) = &r.organization.certification_body {
        meta.push((u.body, MetaValue::Text(b.clone())));
    }
    if let Some(id) = &r.organization.certificate_id {
        meta.push((u.certificate, MetaValue::Text(id.clone())));
    }
    meta.push((w.audit_date, MetaValue::Text(r.audit_date.to_string())));
    meta.push((w.generated, MetaValue::Text(r.generated_at.clone())));
    for h in &r.hosts {
        meta.push((
            w.hosts,
            MetaValue::Host {
                label: crate::collect::host_label(&h.name).get(lang).to_string(),
                kind: h.kind.clone(),
                root: h.root.clone(),
            },
        ));
    }
    meta.push((
        u.checklist,
        MetaValue::Text(format!("{} {}", r.checklist.id, r.checklist.version)),
    ));
    meta.push((
        u.tool,
        MetaValue::Text(format!("{} {}", r.tool.name, r.tool.version)),
    ));
    if let Some(t) = &r.timeline {
        meta.push((
            w.timeline,
            MetaValue::Timeline {
                certified_on: t.certified_on.to_string(),
                expires_on: t.expires_on.to_string(),
                next_report: t.next_periodic_report_due.to_string(),
                state: if t.expired {
                    TimelineState::Expired
                } else if t.renewal_due {
                    TimelineState::RenewalDue(t.next_step(lang))
                } else {
                    TimelineState::DaysLeft(t.days_to_periodic_report)
                },
            },
        ));
    }
    meta
}

/// The radar chart's points: each criterion's ID, name and score.
fn radar_points(r: &Report, lang: Lang) -> Vec<(String, String, Option<f64>)> {
    let cat = Catalogue::builtin();
    r.summary
        .criteria
        .iter()
        .map(|c| {
            let name = cat
                .criterion(&c.id)
                .map(|x| x.title.get(lang).to_string())
                .unwrap_or_default();
            (c.id.clone(), name, c.score)
        })
        .collect()
}

/// The score table: each criterion's score and count per status.
fn criterion_rows(r: &Report, lang: Lang) -> Vec<CriterionRow<'_>> {
    let cat = Catalogue::builtin();
    r.summary
        .criteria
        .iter()
        .map(|c| CriterionRow {
            id: &c.id,
            name: cat
                .criterion(&c.id)
                .map(|x| x.title.get(lang))
                .unwrap_or(""),
            score: c.score.map(|s| score_text(Some(s))),
            counts: Status::ALL
                .iter()
                .map(|s| c.counts.get(s).copied().unwrap_or(0))
                .collect(),
        })
        .collect()
}

/// One section per criterion with its items, and one for the items of a
/// criterion this version does not know.
fn sections(r: &Report, lang: Lang) -> Vec<Section<'_>> {
    let cat = Catalogue::builtin();
    let mut sections: Vec<Section> = cat
        .criteria
        .iter()
        .map(|c| Section {
            id: Some(&c.id),
            title: c.title.get(lang),
            score: score_text(
                r.summary
                    .criteria
                    .iter()
                    .find(|x| x.id == c.id)
                    .and_then(|x| x.score),
            ),
            items: r
                .items
                .iter()
                .filter(|i| i.criterion == c.id)
                .map(|it| item_view(it, cat, lang))
                .collect(),
        })
        .collect();
    // Items of a criterion this version does not know (a report from a newer checklist).
    let unknown: Vec<_> = r
        .items
        .iter()
        .filter(|i| cat.criterion(&i.criterion).is_none())
        .map(|it| item_view(it, cat, lang))
        .collect();
    if !unknown.is_empty() {
        sections.push(Section {
            id: None,
            title: "",
            score: String::new(),
            items: unknown,
        });
    }
    sections
}

/// The inventory and coverage counts with their labels.
fn counts(r: &Report, lang: Lang) -> Vec<(&'static str, u64)> {
    let u = ui(lang);
    let (inv, cov) = (&r.inventory, &r.coverage);
    u.inventory
        .iter()
        .zip([inv.files, inv.bytes, inv.protected, inv.marked, inv.hashed])
        .chain(
            u.coverage_counts
                .iter()
                .zip([cov.vanished, cov.loops, cov.skipped_special]),
        )
        .map(|(l, v)| (*l, v))
        .collect()
}

/// Prepared by / approved by: label, who, when.
fn approval_rows(r: &Report, lang: Lang) -> Vec<(&'static str, Option<String>, Option<String>)> {
    let sw = super::scope::scope_words(lang);
    let a = &r.approval;
    vec![
        (
            sw.prepared_by,
            a.prepared_by.clone(),
            a.prepared_on.map(|d| d.to_string()),
        ),
        (
            sw.approved_by,
            a.approved_by.clone(),
            a.approved_on.map(|d| d.to_string()),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out hostile texts, each numbered so the test can tell it reached
    /// the page: markup, a break out of a quoted attribute, an entity, a
    /// `javascript:` URL, and (every third one) a lossy non-UTF-8 name.
    struct Evil {
        n: usize,
        /// What each number was given to.
        fields: Vec<&'static str>,
    }

    impl Evil {
        fn next(&mut self, field: &'static str) -> String {
            self.n += 1;
            self.fields.push(field);
            let n = self.n;
            let lossy = if n.is_multiple_of(3) {
                super::super::tests::LOSSY
            } else {
                ""
            };
            format!(
                "<script>x{n}</script>\"'><img src=x onerror=alert({n})>&amp;javascript:alert({n})/{lossy}"
            )
        }

        /// How the text numbered `n` must read on the page.
        fn escaped(n: usize) -> String {
            let lossy = if n.is_multiple_of(3) {
                super::super::tests::LOSSY
            } else {
                ""
            };
            format!(
                "&lt;script&gt;x{n}&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert({n})&gt;&amp;amp;javascript:alert({n})/{lossy}"
            )
        }
    }

    /// A report in which every text the page prints from the audited system,
    /// the profile or a baseline report is an attack.
    fn all_hostile(lang: Lang, files_compared: bool) -> (Report, Evil) {
        use crate::changes::files::{FileChange, FileState};
        let mut e = Evil {
            n: 0,
            fields: Vec::new(),
        };
        let mut r = super::super::tests::example(lang, true);
        r.organization.name = e.next("organization.name");
        r.organization.certification_body = Some(e.next("certification_body"));
        r.organization.certificate_id = Some(e.next("certificate_id"));
        r.generated_at = e.next("generated_at");
        r.hosts[0].name = e.next("host name");
        r.hosts[0].kind = e.next("host kind");
        r.hosts[0].root = e.next("host root");
        r.checklist.id = e.next("checklist.id");
        r.checklist.version = e.next("checklist.version");
        r.tool.name = e.next("tool.name");
        r.tool.version = e.next("tool.version");
        r.summary.criteria[0].id = e.next("summary criterion id");
        // The first failing item with evidence: every evidence field, its id,
        // title, reason and remediation.
        let it = r
            .items
            .iter_mut()
            .find(|i| i.status == Status::Fail && !i.evidence.is_empty())
            .unwrap();
        it.id = e.next("item id");
        it.title = crate::i18n::Text::same(e.next("item title"));
        it.reason = e.next("item reason");
        it.remediation = crate::i18n::Text::same(e.next("item remediation"));
        let mut ev = Evidence::new(EvidenceKind::File);
        ev.path = Some(e.next("evidence path"));
        ev.path_b64 = Some(e.next("evidence path_b64"));
        ev.line = Some(7);
        ev.excerpt = Some(e.next("evidence excerpt"));
        ev.sha256 = Some(e.next("evidence sha256"));
        ev.principal = Some(e.next("evidence principal"));
        ev.asset = Some(e.next("evidence asset"));
        ev.date = Some(e.next("evidence date"));
        ev.detail = Some(crate::i18n::Text::same(e.next("evidence detail")));
        it.evidence = vec![ev.localize(lang)];
        // The waived item: its computed reason and evidence, who answered and
        // approved.
        let it = r.items.iter_mut().find(|i| i.waived).unwrap();
        it.computed_reason = Some(e.next("computed reason"));
        let mut ev = Evidence::new(EvidenceKind::Note);
        ev.detail = Some(crate::i18n::Text::same(e.next("computed evidence")));
        it.computed_evidence = Some(vec![ev.localize(lang)]);
        let a = it.answer.as_mut().unwrap();
        a.answered_by = Some(e.next("answered_by"));
        a.approved_by = Some(e.next("answer approved_by"));
        // An item of a criterion this version does not know.
        let last = r.items.len() - 1;
        // (The page does not print its criterion's name, only "—".)
        r.items[last].criterion = "<b>NEW</b>".into();
        r.items[last].reason = e.next("reason in the unknown criterion");
        let state = |user, acl| FileState {
            sha256: None,
            size: None,
            mtime: None,
            mode: None,
            uid: None,
            gid: None,
            user,
            group: None,
            acl,
        };
        let hostile_file = |e: &mut Evil, what: &'static str| FileChange {
            path: e.next(what),
            path_b64: Some(super::super::tests::LOSSY_B64.into()),
            asset: Some(e.next("changed file asset")),
            what: vec!["owner".into(), "acl".into()],
            old: Some(state(Some(e.next("old owner")), vec![e.next("old acl")])),
            new: Some(state(Some(e.next("new owner")), vec![])),
        };
        r.changes = Some(crate::changes::Changes {
            baseline: e.next("baseline"),
            baseline_audit_date: r.audit_date,
            renamed_from: Some(e.next("earlier company name")),
            added: vec![hostile_file(&mut e, "added file")],
            removed: vec![hostile_file(&mut e, "removed file")],
            changed: vec![hostile_file(&mut e, "changed file")],
            files_compared,
            files_note: Some(e.next("files note")),
            items: vec![crate::changes::ItemChange {
                id: e.next("changed item id"),
                old: Status::Pass,
                new: Status::Fail,
                direction: "worse".into(),
            }],
            scores: vec![],
        });
        r.coverage.unreadable[0].path = e.next("unreadable path");
        r.coverage.unreadable[0].error = e.next("unreadable error");
        let sc = &mut r.scope;
        sc.root = e.next("scope root");
        sc.shares = vec![e.next("scope share")];
        sc.exclude = vec![e.next("scope exclude")];
        sc.scan = vec![e.next("scope scan")];
        sc.walked[0].path = e.next("walked path");
        sc.walked[0].error = Some(e.next("walked error"));
        sc.hosts[0].name = e.next("scope host");
        sc.evidence = vec![e.next("scope evidence")];
        sc.profile = Some(e.next("scope profile"));
        sc.profile_sha256 = Some(e.next("scope profile sha256"));
        sc.tool.name = e.next("scope tool");
        sc.checklist.id = e.next("scope checklist");
        sc.definitions_sha256 = e.next("definitions sha256");
        r.approval.prepared_by = Some(e.next("prepared_by"));
        r.approval.approved_by = Some(e.next("approved_by"));
        r.warnings = vec![e.next("warning")];
        (r, e)
    }

    /// The tags the templates write; anything else on the page came from outside.
    const TAGS: &[&str] = &[
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "dl", "dt", "dd", "span", "code", "strong", "section", "div", "figure", "svg", "polygon",
        "text", "line", "circle", "tspan", "table", "thead", "tbody", "tr", "th", "td", "a", "p",
        "nav", "ol", "ul", "li", "article", "caption", "br", "footer",
    ];

    #[test]
    fn every_text_from_outside_is_escaped_wherever_the_page_prints_it() {
        let tag = regex::Regex::new(r"<(/?)([^\s>/]+)([^>]*)>").unwrap();
        let quoted = regex::Regex::new(r#""[^"]*""#).unwrap();
        let well_formed = regex::Regex::new(r#"^(\s+[a-zA-Z0-9:-]+(="")?)*\s*/?$"#).unwrap();
        let on_attr = regex::Regex::new(r"(?i)\son[a-z]+\s*=").unwrap();
        for lang in [Lang::Ja, Lang::En] {
            for compared in [true, false] {
                let (r, e) = all_hostile(lang, compared);
                let out = render(&r, lang);
                // Each hostile text reached the page, escaped (the changed-file
                // lists only when the files were compared).
                for (i, field) in e.fields.iter().enumerate() {
                    let listed = compared
                        || !matches!(
                            *field,
                            "added file"
                                | "removed file"
                                | "changed file"
                                | "changed file asset"
                                | "old owner"
                                | "new owner"
                                | "old acl"
                        );
                    // The baseline's own path is not printed, only its date.
                    if !listed || *field == "baseline" {
                        continue;
                    }
                    assert!(
                        out.contains(&Evil::escaped(i + 1)),
                        "{lang:?}: {field} (#{}) is not on the page escaped",
                        i + 1
                    );
                }
                // Nothing from outside became markup: every tag is one the
                // templates write, no tag has an event handler or a script URL,
                // and every link stays on the page.
                for c in tag.captures_iter(&out) {
                    let name = &c[2];
                    assert!(TAGS.contains(&name), "{lang:?}: unexpected tag <{name}");
                    let attrs = &c[3];
                    // Attribute names only: every quoted value emptied.
                    let names = quoted.replace_all(attrs, "\"\"");
                    assert!(
                        !on_attr.is_match(&names),
                        "{lang:?}: handler in <{name}{attrs}>"
                    );
                    // Only links on the page: `#` then text (a `javascript:`
                    // after the `#` is a harmless fragment).
                    if let Some(h) = attrs.split("href=\"").nth(1) {
                        assert!(h.starts_with('#'), "{lang:?}: link off the page: {attrs}");
                    }
                }
                let lower = out.to_ascii_lowercase();
                assert!(!lower.contains("<script") && !lower.contains("<img"));
                // Every tag is well formed: names with double-quoted values,
                // nothing else (a value broken out of would leave a stray
                // quote or word).
                for c in tag.captures_iter(&out) {
                    let names = quoted.replace_all(&c[3], "\"\"");
                    assert!(well_formed.is_match(&names), "{lang:?}: {}", &c[0]);
                }
                // A non-UTF-8 name keeps its exact bytes.
                assert!(out.contains(super::super::tests::LOSSY_B64));
            }
        }
    }

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
