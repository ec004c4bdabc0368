//! The checklist table on the terminal (`prettytable-rs`; Japanese aligned by
//! display width).

use super::markdown::score_text;
use super::model::ReportItem;
use super::{Report, evidence_line, one_line, words};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;
use crate::model::Status;
use prettytable::{Cell, Row, Table, format, row};
use unicode_width::UnicodeWidthChar;

/// Wraps text at `width` display columns (CJK characters count two). Lines break
/// at spaces, after `/` and next to CJK characters, so English words and path
/// components stay whole; a word longer than a line is cut. A line never starts
/// with closing punctuation such as 、。）.
pub fn wrap(s: &str, width: usize) -> String {
    let width = width.max(1);
    let mut out = String::new();
    let mut line = String::new();
    let mut col = 0;
    // Where the current line may be broken: byte offset in `line`.
    let mut brk: Option<usize> = None;
    let mut prev: Option<char> = None;
    // Whether `prev` follows another non-space character (a `/` only breaks
    // inside a path, not before its first component).
    let mut in_word = false;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if let Some(p) = prev
            && !line.is_empty()
            && (p != '/' || in_word)
            && can_break_between(p, c)
        {
            brk = Some(line.len());
        }
        if col + w > width && col > 0 {
            // (Never leave a bullet alone on its line.)
            match brk.filter(|&b| b > 0 && line[..b].trim_end() != "•") {
                // Move the unfinished word to the next line.
                Some(b) if c != ' ' => {
                    let rest = line.split_off(b);
                    out.push_str(line.trim_end_matches(' '));
                    out.push('\n');
                    line = rest.trim_start_matches(' ').to_string();
                }
                _ => {
                    out.push_str(line.trim_end_matches(' '));
                    out.push('\n');
                    line.clear();
                }
            }
            col = line.chars().map(|x| x.width().unwrap_or(0)).sum();
            brk = None;
            if c == ' ' && line.is_empty() {
                prev = Some(c);
                in_word = false;
                continue;
            }
        }
        line.push(c);
        col += w;
        in_word = prev.is_some_and(|p| p != ' ');
        prev = Some(c);
    }
    out.push_str(&line);
    out
}

/// May a line break between `a` and `b`?
fn can_break_between(a: char, b: char) -> bool {
    const NO_START: &str =
        "、。，．・：；！？）」』】〕｝〉》ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.;:!?)]}";
    const NO_END: &str = "（「『【〔｛〈《([{";
    if NO_START.contains(b) || NO_END.contains(a) {
        return false;
    }
    let wide = |c: char| c.width().unwrap_or(0) > 1;
    a == ' ' || a == '/' || wide(a) || wide(b)
}

/// The width the terminal tables are laid out for: `COLUMNS` when set, else the
/// width of the terminal stdout is, else 120 (a file or a pipe); never below 80.
pub fn layout_width() -> usize {
    let cols = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .or_else(terminal_width)
        .unwrap_or(120);
    cols.max(80)
}

/// The width of the terminal on stdout, if stdout is one.
fn terminal_width() -> Option<usize> {
    use std::os::fd::AsFd as _;
    let ws = rustix::termios::tcgetwinsize(std::io::stdout().as_fd()).ok()?;
    (ws.ws_col > 0).then_some(ws.ws_col as usize)
}

/// The display width of the widest line of `s`.
fn text_width(s: &str) -> usize {
    s.lines()
        .map(|l| l.chars().map(|c| c.width().unwrap_or(0)).sum())
        .max()
        .unwrap_or(0)
}

/// What the box borders and cell padding of a table with `n` columns take.
const fn frame(n: usize) -> usize {
    3 * n + 1
}

/// How many evidence lines the table shows per item; the rest are counted.
const EVIDENCE_SHOWN: usize = 3;

pub fn render(r: &Report, lang: Lang) -> String {
    render_width(r, lang, layout_width())
}

/// The checklist table and the score table laid out for a terminal `width`
/// columns wide (CJK characters count two).
pub fn render_width(r: &Report, lang: Lang, width: usize) -> String {
    let w = words(lang);
    let t = checklist_table(r, lang, width);
    let mut out = String::new();
    let (org, date) = (one_line(&r.organization.name), &r.audit_date);
    out.push_str(&match lang {
        Lang::Ja => format!("{} — {org}（{} {date}）\n", w.title, w.audit_date),
        Lang::En => format!("{} — {org} ({} {date})\n", w.title, w.audit_date),
    });
    out.push_str(&t.to_string());
    let (s, legend) = score_table(r, lang, width);
    out.push_str(&s.to_string());
    if let Some(l) = legend {
        out.push_str(&format!("{l}\n"));
    }
    if let Some(tl) = &r.timeline {
        out.push_str(&format!(
            "{}: {} {} / {} {}\n",
            w.timeline, w.expires_on, tl.expires_on, w.next_report, tl.next_periodic_report_due
        ));
        if tl.renewal_due && !tl.expired {
            out.push_str(&format!("⚠ {}\n", tl.next_step(lang)));
        }
    }
    out.push_str(&scope_footer(r, lang, width));
    for x in &r.warnings {
        out.push_str(&format!("{}: {}\n", w.warnings, one_line(x)));
    }
    out
}

/// The checklist table: ID, item, status and reason (with a few evidence lines)
/// of every item, the title and reason columns sharing what `width` leaves.
fn checklist_table(r: &Report, lang: Lang, width: usize) -> Table {
    let w = words(lang);
    // ID and status keep their width; the item title and the reason share the rest.
    let status_w = Status::ALL
        .iter()
        .map(|s| text_width(s.label(lang)))
        .chain([text_width(w.status), text_width(w.waived) + 2])
        .max()
        .unwrap_or(0);
    let free = width.saturating_sub(frame(4) + "ADM-01".len() + status_w);
    let title_w = (free * 3 / 10).clamp(14, 28);
    let reason_w = free.saturating_sub(title_w).clamp(24, 100);
    let mut t = Table::new();
    t.set_format(*format::consts::FORMAT_BOX_CHARS);
    t.set_titles(row!["ID", w.item, w.status, w.reason]);
    for it in &r.items {
        let reason = reason_cell(it, lang)
            .split('\n')
            .map(|l| wrap(l, reason_w))
            .collect::<Vec<_>>()
            .join("\n");
        let mut status = it.status.label(lang).to_string();
        if it.waived {
            status.push_str(&format!("\n({})", w.waived));
        }
        let style = match it.status {
            Status::Pass | Status::Alternative => "Fg",
            Status::Partial => "Fy",
            Status::Fail | Status::Error => "Fr",
            _ => "",
        };
        t.add_row(Row::new(vec![
            Cell::new(&it.id),
            Cell::new(&wrap(it.title.get(lang), title_w)),
            Cell::new(&status).style_spec(style),
            Cell::new(&reason),
        ]));
    }
    t
}

/// An item's reason cell before wrapping: the reason, the first evidence lines
/// and how many more there are, the answer that decided it.
fn reason_cell(it: &ReportItem, lang: Lang) -> String {
    let mut reason = one_line(&it.reason);
    // An evidence line that only repeats the reason (an answer's note) is left out.
    // Findings the report does not list (the note that counts them) are
    // counted with the lines not shown here.
    let shown = || it.evidence.iter().filter(|_| it.status != Status::Pass);
    let omitted: u64 = shown().filter_map(|e| e.omitted).sum();
    let lines: Vec<String> = shown()
        .filter(|e| e.omitted.is_none())
        .map(evidence_line)
        .filter(|l| *l != reason)
        .collect();
    let mut ev: Vec<String> = lines
        .iter()
        .take(EVIDENCE_SHOWN)
        .map(|l| format!("• {l}"))
        .collect();
    let more = (lines.len() - ev.len()) as u64 + omitted;
    if omitted > 0 {
        ev.push(if lang == Lang::Ja {
            format!("… ほか {more} 件（全件は証跡フォルダーの findings.jsonl）")
        } else {
            format!("… and {more} more (all in findings.jsonl of the evidence bundle)")
        });
    } else if more > 0 {
        ev.push(if lang == Lang::Ja {
            format!("… ほか {more} 件")
        } else {
            format!("… and {more} more")
        });
    }
    if !ev.is_empty() {
        reason = format!("{reason}\n{}", ev.join("\n"));
    }
    if let Some(line) = it
        .answer
        .as_ref()
        .and_then(|a| super::scope::answer_line(a, lang))
    {
        reason = format!("{reason}\n({})", one_line(&line));
    }
    reason
}

/// The score table (score and count per status of each criterion and in all)
/// for a terminal `width` columns wide, and the legend of the status symbols
/// when the headings had to become symbols.
fn score_table(r: &Report, lang: Lang, width: usize) -> (Table, Option<String>) {
    let w = words(lang);
    let cat = Catalogue::builtin();
    let mut s = Table::new();
    s.set_format(*format::consts::FORMAT_BOX_CHARS);
    // The column of alternatives is there when an item was met by one.
    let statuses: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|st| {
            *st != Status::Alternative || r.summary.counts.get(st).copied().unwrap_or(0) > 0
        })
        .collect();
    let (heads, legend, crit_w) = score_heads(r, &statuses, lang, width);
    let mut titles = vec![Cell::new(w.criterion)];
    titles.extend(heads.iter().map(|h| Cell::new(h)));
    s.set_titles(Row::new(titles));
    let counts = |m: &crate::model::Counts| {
        statuses
            .iter()
            .map(|st| Cell::new(&m.get(st).copied().unwrap_or(0).to_string()))
            .collect::<Vec<_>>()
    };
    for c in &r.summary.criteria {
        let name = cat
            .criterion(&c.id)
            .map(|x| x.title.get(lang))
            .unwrap_or("");
        let mut cells = vec![
            Cell::new(&wrap(&format!("{} {}", c.id, name), crit_w)),
            Cell::new(&score_text(c.score)),
        ];
        cells.extend(counts(&c.counts));
        s.add_row(Row::new(cells));
    }
    let mut cells = vec![
        Cell::new(if lang == Lang::Ja { "合計" } else { "Total" }),
        Cell::new(&score_text(r.summary.score)),
    ];
    cells.extend(counts(&r.summary.counts));
    s.add_row(Row::new(cells));
    (s, legend)
}

/// The headings of the score table's number columns, the legend when they are
/// symbols, and the width left for the criterion's name. The name takes what the
/// numbers leave; on a narrow terminal the status headings go one word per line,
/// and where even that is too wide they are the statuses' symbols, explained
/// below the table.
fn score_heads(
    r: &Report,
    statuses: &[Status],
    lang: Lang,
    width: usize,
) -> (Vec<String>, Option<String>, usize) {
    let w = words(lang);
    let mut heads: Vec<String> = std::iter::once(w.score)
        .chain(statuses.iter().map(|st| st.label(lang)))
        .map(str::to_string)
        .collect();
    let values = number_widths(r, statuses);
    let numbers = |h: &[String]| {
        h.iter()
            .zip(&values)
            .map(|(x, v)| x.lines().map(text_width).max().unwrap_or(0).max(*v))
            .sum::<usize>()
    };
    if width < numbers(&heads) + frame(heads.len() + 1) + 30 {
        heads = heads.iter().map(|h| h.replace(' ', "\n")).collect();
    }
    let mut legend = None;
    if width < numbers(&heads) + frame(heads.len() + 1) + 9 {
        heads = std::iter::once(w.score.to_string())
            .chain(
                statuses
                    .iter()
                    .map(|st| super::html::symbol(*st).to_string()),
            )
            .collect();
        legend = Some(
            statuses
                .iter()
                .map(|st| format!("{} {}", super::html::symbol(*st), st.label(lang)))
                .collect::<Vec<_>>()
                .join(if lang == Lang::Ja { "　" } else { "  " }),
        );
    }
    let crit_w = width
        .saturating_sub(numbers(&heads) + frame(heads.len() + 1))
        .clamp(9, 40);
    (heads, legend, crit_w)
}

/// The widest value of each number column of the score table (the score, then
/// one per status): the total of 56 items has two digits where a symbol heading
/// has one, so a column is as wide as its heading's longest line or this.
fn number_widths(r: &Report, statuses: &[Status]) -> Vec<usize> {
    let count_w = |st: &Status| {
        r.summary
            .criteria
            .iter()
            .map(|c| &c.counts)
            .chain([&r.summary.counts])
            .map(|m| m.get(st).copied().unwrap_or(0).to_string().len())
            .max()
            .unwrap_or(1)
    };
    let score_w = r
        .summary
        .criteria
        .iter()
        .map(|c| c.score)
        .chain([r.summary.score])
        .map(|x| score_text(x).len())
        .max()
        .unwrap_or(1);
    std::iter::once(score_w)
        .chain(statuses.iter().map(count_w))
        .collect()
}

/// The coverage footer: what was walked and read, what could not be, and the
/// tool and definitions the verdicts came from. The reasons that say "see
/// coverage" point here.
fn scope_footer(r: &Report, lang: Lang, width: usize) -> String {
    let w = words(lang);
    let sc = &r.scope;
    let mut out = format!("{}:\n", w.coverage);
    // Each entry wrapped to the terminal, its continuation lines indented.
    let mut line = |k: &str, v: String| {
        let text = wrap(&format!("{k}: {}", one_line(&v)), width.saturating_sub(4));
        for (i, l) in text.lines().enumerate() {
            let indent = if i == 0 { "  " } else { "    " };
            out.push_str(&format!("{indent}{l}\n"));
        }
    };
    // The rows that say something (an empty share list is in "walked" anyway).
    for row in super::scope::rows(sc, lang) {
        if !row.values.is_empty() {
            line(row.label, row.values.join("; "));
        }
    }
    const SHOWN: usize = 5;
    for u in r.coverage.unreadable.iter().take(SHOWN) {
        out.push_str(&format!(
            "  ✖ {}: {}\n",
            one_line(&u.path),
            one_line(&u.error)
        ));
    }
    let listed = r.coverage.unreadable.len();
    let more = listed.saturating_sub(SHOWN) as u64 + r.coverage.unreadable_more;
    if r.coverage.unreadable_more > 0 {
        out.push_str(&match lang {
            Lang::Ja => format!(
                "  … ほか {more} 件（report.json の coverage にパス順の最初の {listed} 件）\n"
            ),
            Lang::En => format!(
                "  … and {more} more (the first {listed} by path in report.json, coverage)\n"
            ),
        });
    } else if more > 0 {
        out.push_str(&match lang {
            Lang::Ja => format!("  … ほか {more} 件（report.json の coverage に全件）\n"),
            Lang::En => format!("  … and {more} more (all in report.json, coverage)\n"),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wraps_by_display_width() {
        let s = wrap("技術情報管理認証制度のセルフチェック", 10);
        for line in s.lines() {
            assert!(line.width() <= 10, "{line}");
        }
        assert_eq!(s.replace('\n', ""), "技術情報管理認証制度のセルフチェック");
    }

    #[test]
    fn wraps_english_at_spaces_and_paths_after_a_slash() {
        assert_eq!(
            wrap("the appointment document exists", 20),
            "the appointment\ndocument exists"
        );
        // A path breaks after one of its slashes, never before its first one.
        assert_eq!(
            wrap("as the file /srv/share/design/mold.dwg", 24),
            "as the file /srv/share/\ndesign/mold.dwg"
        );
        assert_eq!(wrap("x /srv/share/design", 10), "x /srv/\nshare/\ndesign");
        // A word longer than the line is cut.
        assert_eq!(wrap("sha256:0123456789", 10), "sha256:012\n3456789");
        // A bullet stays with its text.
        assert!(!wrap("• /a-very-long-name-without-slashes", 12).starts_with("•\n"));
    }

    #[test]
    fn japanese_lines_do_not_start_with_closing_punctuation() {
        let s = wrap("選任文書があります（任命書）。次の項目", 18);
        for line in s.lines() {
            assert!(line.width() <= 18, "{line}");
            assert!(!line.starts_with(['、', '。', '）', '」']), "{s}");
        }
        assert_eq!(
            s.replace('\n', ""),
            "選任文書があります（任命書）。次の項目"
        );
    }
}
