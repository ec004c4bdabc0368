//! Rosters kept in spreadsheets: `people_file` and `training_file`.
//!
//! UTF-8 with or without BOM, or CP932 as Excel saves CSV in Japan. A header row is
//! required; columns may come in any order and extra columns are ignored.

use super::load::parse_date_text;
use super::model::{Person, PersonStatus, TrainingSession};
use crate::diag::Diagnostic;
use crate::i18n::Text;
use crate::tr;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// A roster column: the key timaudit uses, the headers that name it (English and
/// Japanese, compared without case or spaces), and whether the header row must have it.
pub struct Column {
    pub key: &'static str,
    pub headers: &'static [&'static str],
    pub required: bool,
}

const fn col(key: &'static str, headers: &'static [&'static str], required: bool) -> Column {
    Column {
        key,
        headers,
        required,
    }
}

/// The people roster's columns (`people_file`), as documented in the README.
pub const PEOPLE_COLUMNS: &[Column] = &[
    col(
        "account",
        &[
            "account",
            "アカウント",
            "アカウント名",
            "ユーザー名",
            "ログイン名",
        ],
        true,
    ),
    col("name", &["name", "氏名", "名前"], false),
    col("roles", &["roles", "role", "役割", "ロール"], true),
    col("status", &["status", "状態", "在籍状況"], false),
    col("joined_on", &["joined_on", "入社日"], true),
    col("left_on", &["left_on", "退社日", "退職日"], false),
    col(
        "pledge_signed_on",
        &["pledge_signed_on", "誓約書提出日"],
        true,
    ),
    col(
        "exit_pledge_signed_on",
        &["exit_pledge_signed_on", "退職時誓約書提出日"],
        false,
    ),
];

/// The training record's columns (`training_file`): one row per attendee.
pub const TRAINING_COLUMNS: &[Column] = &[
    col("date", &["date", "日付", "実施日"], true),
    col(
        "account",
        &["account", "アカウント", "アカウント名", "受講者"],
        true,
    ),
    col("title", &["title", "研修名", "タイトル"], true),
    col(
        "topics",
        &["topics", "topic", "内容", "トピック", "テーマ"],
        true,
    ),
];

/// A header cell as compared: no case, no spaces (half- or full-width).
fn header_key(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// One parsed CSV: header positions and rows with their line numbers.
struct Table {
    file: String,
    columns: HashMap<String, usize>,
    rows: Vec<(usize, csv::StringRecord)>,
}

/// The error for a file without even a header row.
fn empty_file(file: &str, spec: &[Column]) -> Diagnostic {
    Diagnostic::new(
        file,
        1,
        1,
        tr!(
            "ファイルが空です。1行目に見出しの行が必要です: {}",
            "the file is empty; a header row is required: {}",
            spec.iter()
                .filter(|c| c.required)
                .map(|c| c.key)
                .collect::<Vec<_>>()
                .join(",")
        ),
    )
}

/// Which field holds each column of `spec` the header names (compared without
/// case or spaces); a column named twice is an error at its header cell.
fn header_columns(
    file: &str,
    header: &csv::StringRecord,
    spec: &[Column],
    errs: &mut Vec<Diagnostic>,
) -> HashMap<String, usize> {
    let mut columns: HashMap<String, usize> = HashMap::new();
    let mut at = 1usize;
    for (i, h) in header.iter().enumerate() {
        let k = header_key(h);
        if let Some(c) = spec
            .iter()
            .find(|c| c.headers.iter().any(|n| header_key(n) == k))
        {
            if let Some(&first) = columns.get(c.key) {
                let (first, key) = (first + 1, c.key);
                errs.push(Diagnostic::new(
                    file,
                    1,
                    at,
                    tr!(
                        "列 `{h}` は {first} 列目と同じ `{key}` の列です（どちらか一方にしてください）",
                        "column `{h}` names `{key}` again (as column {first} does); keep one of them"
                    ),
                ));
            } else {
                columns.insert(c.key.to_string(), i);
            }
        }
        at += h.chars().count() + 1;
    }
    columns
}

/// An error for each required column the header does not name; true if any.
fn missing_columns(
    file: &str,
    spec: &[Column],
    columns: &HashMap<String, usize>,
    errs: &mut Vec<Diagnostic>,
) -> bool {
    let required: Vec<&Column> = spec.iter().filter(|c| c.required).collect();
    let names = required.iter().map(|c| c.key).collect::<Vec<_>>().join(",");
    let mut any = false;
    for m in required.iter().filter(|c| !columns.contains_key(c.key)) {
        let (key, alias) = (m.key, m.headers.get(1).copied().unwrap_or(""));
        errs.push(Diagnostic::new(
            file,
            1,
            1,
            tr!(
                "列 `{key}`（または `{alias}`）がありません（見出しの行に必要な列: {names}）",
                "missing column `{key}`; the header must name: {names}"
            ),
        ));
        any = true;
    }
    any
}

/// More fields than the header (`width`): usually a comma in an unquoted value,
/// which shifts every column after it. The row is not used.
fn too_wide(file: &str, line: usize, rec: &csv::StringRecord, width: usize) -> Option<Diagnostic> {
    if !rec.iter().skip(width).any(|f| !f.is_empty()) {
        return None;
    }
    Some(Diagnostic::new(
        file,
        line,
        1,
        tr!(
            "この行は列が {} 個あり、見出しの {} 個より多くなっています（値の中の `,` は値全体を \"…\" で囲んでください）。この行は読みません",
            "this row has {} fields, more than the header's {} (a `,` inside a value needs the value in \"…\"); the row is not used",
            rec.len(),
            width
        ),
    ))
}

impl Table {
    fn read(
        path: &Path,
        spec: &[Column],
        errs: &mut Vec<Diagnostic>,
    ) -> std::io::Result<Option<Table>> {
        let file = path.display().to_string();
        let Some(text) = Table::text(path, &file, errs)? else {
            return Ok(None);
        };
        // The csv crate reads leniently: an unterminated quote swallows the rest of
        // the file into one field, a stray quote is kept as text. Both are errors
        // here, and no row from an unterminated quote on is used.
        let quoting = quote_problems(&file, &text);
        let cut = quoting.cut_at;
        errs.extend(quoting.errors);
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut records = rdr.records();
        let header = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => {
                errs.push(csv_error(&file, &e));
                return Ok(None);
            }
            None => {
                errs.push(empty_file(&file, spec));
                return Ok(None);
            }
        };
        let columns = header_columns(&file, &header, spec, errs);
        if missing_columns(&file, spec, &columns, errs) {
            return Ok(None);
        }
        let mut rows = Vec::new();
        for r in records {
            match r {
                Ok(rec) => {
                    let line = rec.position().map_or(0, |p| p.line() as usize);
                    if cut.is_some_and(|c| line >= c) {
                        break;
                    }
                    if rec.iter().all(|f| f.is_empty()) {
                        continue;
                    }
                    if let Some(e) = too_wide(&file, line, &rec, header.len()) {
                        errs.push(e);
                        continue;
                    }
                    rows.push((line, rec));
                }
                Err(e) => errs.push(csv_error(&file, &e)),
            }
        }
        Ok(Some(Table {
            file,
            columns,
            rows,
        }))
    }

    /// The file's text (UTF-8 or Shift_JIS, line ends as `\n`); `None`, with
    /// the error, when it is neither.
    fn text(
        path: &Path,
        file: &str,
        errs: &mut Vec<Diagnostic>,
    ) -> std::io::Result<Option<String>> {
        let bytes = crate::rootfs::read_input(path, crate::rootfs::limits::CSV)?;
        let (text, enc, bad) = crate::text::decode(&bytes);
        if bad {
            errs.push(Diagnostic::new(
                file,
                1,
                1,
                tr!(
                    "このファイルは {} の文字として読めません。UTF-8 か Shift_JIS の CSV で保存し直してください",
                    "the file is not valid {} text; save it as UTF-8 or Shift_JIS CSV",
                    enc.name()
                ),
            ));
            return Ok(None);
        }
        // Excel writes CRLF; the csv crate then reports each record one line too
        // early, so the messages would point at the wrong row.
        Ok(Some(text.replace("\r\n", "\n")))
    }

    /// Reports an empty required field; true when it is present.
    fn required(
        &self,
        line: usize,
        rec: &csv::StringRecord,
        col: &str,
        errs: &mut Vec<Diagnostic>,
    ) -> bool {
        if !self.field(rec, col).is_empty() {
            return true;
        }
        errs.push(Diagnostic::new(
            &self.file,
            line,
            self.column_of(rec, col),
            tr!(
                "{col}: 空欄です（必須）。この行は読みません",
                "{col}: required, but empty; the row is not used"
            ),
        ));
        false
    }

    fn field<'r>(&self, rec: &'r csv::StringRecord, col: &str) -> &'r str {
        self.columns
            .get(col)
            .and_then(|&i| rec.get(i))
            .unwrap_or("")
    }

    /// The 1-based column (in characters) where field `col` starts, for messages.
    fn column_of(&self, rec: &csv::StringRecord, col: &str) -> usize {
        let idx = self.columns.get(col).copied().unwrap_or(0);
        1 + rec
            .iter()
            .take(idx)
            .map(|f| f.chars().count() + 1)
            .sum::<usize>()
    }

    fn date(
        &self,
        line: usize,
        rec: &csv::StringRecord,
        col: &str,
        errs: &mut Vec<Diagnostic>,
    ) -> Option<NaiveDate> {
        let v = self.field(rec, col);
        if v.is_empty() {
            return None;
        }
        // Excel rewrites dates in its own short format: 2025/04/01, or 2025/4/1 as
        // Japanese Excel saves them by default; accept those spellings too.
        match parse_date_text(&excel_date(v)) {
            Ok(d) => Some(d),
            Err(m) => {
                errs.push(Diagnostic::new(
                    &self.file,
                    line,
                    self.column_of(rec, col),
                    Text::new(format!("{col}: {}", m.ja), format!("{col}: {}", m.en)),
                ));
                None
            }
        }
    }
}

/// `2025/4/1` or `2025/04/01` → `2025-04-01`; anything else unchanged (and then
/// judged by `parse_date`).
fn excel_date(v: &str) -> String {
    let parts: Vec<&str> = v.split('/').collect();
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    match parts[..] {
        [y, m, d] if digits(y, 4..=4) && digits(m, 1..=2) && digits(d, 1..=2) => {
            format!("{y}-{m:0>2}-{d:0>2}")
        }
        _ => v.replace('/', "-"),
    }
}

/// Quoting problems the csv crate reads past, and the line from which nothing can
/// be trusted (an unterminated quote).
struct Quoting {
    errors: Vec<Diagnostic>,
    cut_at: Option<usize>,
}

/// Scans CSV text (LF line ends) as RFC 4180 and Excel write it: a field is either
/// unquoted (no `"` in it) or wholly quoted (`""` for a quote inside).
fn quote_problems(file: &str, text: &str) -> Quoting {
    #[derive(PartialEq)]
    enum St {
        Start,
        Plain,
        Quoted,
        QuoteInQuoted,
    }
    let mut out = Quoting {
        errors: Vec::new(),
        cut_at: None,
    };
    let (mut line, mut col) = (1usize, 0usize);
    let (mut open_line, mut open_col) = (1usize, 1usize);
    let mut st = St::Start;
    let mut bad_line = 0usize;
    let mut stray = |out: &mut Quoting, line: usize, col: usize| {
        // One message per row is enough.
        if bad_line != line {
            bad_line = line;
            out.errors.push(Diagnostic::new(
                file,
                line,
                col,
                tr!(
                    "引用符 `\"` の位置が正しくありません（`\"` を含む値は値全体を \"…\" で囲み、中の `\"` は `\"\"` と2つ重ねてください）",
                    "misplaced quote `\"` (a value containing `\"` must be wholly in \"…\", with each `\"` inside doubled)"
                ),
            ));
        }
    };
    for c in text.chars() {
        col += 1;
        st = match (st, c) {
            (St::Quoted, '"') => St::QuoteInQuoted,
            (St::Quoted, _) => St::Quoted,
            (St::Start, '"') => {
                (open_line, open_col) = (line, col);
                St::Quoted
            }
            (St::QuoteInQuoted, '"') => St::Quoted,
            (St::Start | St::Plain | St::QuoteInQuoted, ',') => St::Start,
            (St::Start | St::Plain | St::QuoteInQuoted, '\n') => St::Start,
            (St::Plain, '"') => {
                stray(&mut out, line, col);
                St::Plain
            }
            (St::QuoteInQuoted, c) if c == ' ' || c == '\t' => St::QuoteInQuoted,
            (St::QuoteInQuoted, _) => {
                stray(&mut out, line, col);
                St::Plain
            }
            (_, _) => St::Plain,
        };
        if c == '\n' {
            line += 1;
            col = 0;
        }
    }
    if st == St::Quoted {
        out.errors.push(Diagnostic::new(
            file,
            open_line,
            open_col,
            tr!(
                "ここで始まる引用符 `\"` が閉じていません（ファイルの終わりまでが1つの値になってしまうため、この行から後は読みません）",
                "unterminated quote: the `\"` here never closes (everything to the end of the file would be one value, so no row from here on is used)"
            ),
        ));
        out.cut_at = Some(open_line);
    }
    out
}

fn csv_error(file: &str, e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(1, |p| p.line() as usize);
    Diagnostic::new(
        file,
        line,
        1,
        tr!(
            "CSV として読み取れません（列の区切りや引用符を確かめてください）: {e}",
            "CSV error: {e}"
        ),
    )
}

fn list(v: &str) -> Vec<String> {
    v.split([';', '；'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Reads the people roster. An I/O error means the file could not be read at all.
pub fn read_people(path: &Path) -> std::io::Result<(Vec<Person>, Vec<Diagnostic>)> {
    let (people, errs) = read_people_lines(path)?;
    Ok((people.into_iter().map(|(p, _)| p).collect(), errs))
}

/// People with the CSV line each is on.
pub type PeopleLines = Vec<(Person, usize)>;

/// [`read_people`], with the line each person is on (for later messages). Every
/// problem of a row is reported; a row with any error is not used.
pub fn read_people_lines(path: &Path) -> std::io::Result<(PeopleLines, Vec<Diagnostic>)> {
    let mut errs = Vec::new();
    let Some(t) = Table::read(path, PEOPLE_COLUMNS, &mut errs)? else {
        return Ok((Vec::new(), errs));
    };
    let mut people = Vec::new();
    for (line, rec) in &t.rows {
        let line = *line;
        let account = t.field(rec, "account").to_string();
        if account.is_empty() {
            errs.push(Diagnostic::new(
                &t.file,
                line,
                t.column_of(rec, "account"),
                tr!(
                    "account: アカウント名が空欄です（必須）",
                    "account: required"
                ),
            ));
        }
        let joined_on = t.date(line, rec, "joined_on", &mut errs);
        let left_on = t.date(line, rec, "left_on", &mut errs);
        let pledge_signed_on = t.date(line, rec, "pledge_signed_on", &mut errs);
        let exit_pledge_signed_on = t.date(line, rec, "exit_pledge_signed_on", &mut errs);
        let status_s = t.field(rec, "status");
        let status = if status_s.is_empty() {
            Some(if left_on.is_some() {
                PersonStatus::Left
            } else {
                PersonStatus::Active
            })
        } else {
            let s = super::load::person_status(status_s);
            if s.is_none() {
                errs.push(Diagnostic::new(
                    &t.file,
                    line,
                    t.column_of(rec, "status"),
                    tr!(
                        "status: `{status_s}` は status に使えません（`active`（在籍）か `left`（退職）を書いてください）",
                        "status: `{status_s}` is not a status (expected active or left)"
                    ),
                ));
            }
            s
        };
        // A row with an error in another field is still kept (the run stops on the
        // errors anyway), so that a duplicate account or an unknown role in it is
        // reported in the same run: every problem at once.
        let (Some(status), false) = (status, account.is_empty()) else {
            continue;
        };
        let name = t.field(rec, "name");
        people.push((
            Person {
                name: (!name.is_empty()).then(|| name.to_string()),
                roles: list(t.field(rec, "roles")),
                status,
                joined_on,
                left_on,
                pledge_signed_on,
                exit_pledge_signed_on,
                account,
            },
            line,
        ));
    }
    sort(&mut errs);
    Ok((people, errs))
}

/// A value's first place in a CSV: text, line, column.
pub type Place = (String, usize, usize);

/// A training record read from CSV, with where each topic and attendee first appears
/// (so later warnings point at the CSV's own line).
#[derive(Debug, Default)]
pub struct TrainingCsv {
    pub sessions: Vec<TrainingSession>,
    pub errors: Vec<Diagnostic>,
    pub topics_at: Vec<Place>,
    pub attendees_at: Vec<Place>,
}

/// Reads training records: one row per attendee, grouped into sessions by date and title.
pub fn read_training(path: &Path) -> std::io::Result<TrainingCsv> {
    let mut out = TrainingCsv::default();
    let errs = &mut out.errors;
    let Some(t) = Table::read(path, TRAINING_COLUMNS, errs)? else {
        return Ok(out);
    };
    let sessions = &mut out.sessions;
    for (line, rec) in &t.rows {
        let mut complete = true;
        for col in ["date", "account", "title"] {
            complete &= t.required(*line, rec, col, errs);
        }
        let date = t.date(*line, rec, "date", errs);
        if !complete || date.is_none() {
            continue;
        }
        let title = t.field(rec, "title");
        let title = (!title.is_empty()).then(|| title.to_string());
        let account = t.field(rec, "account").to_string();
        let idx = match sessions
            .iter()
            .position(|s| s.date == date && s.title == title)
        {
            Some(i) => i,
            None => {
                sessions.push(TrainingSession {
                    date,
                    title,
                    topics: Vec::new(),
                    attendees: Vec::new(),
                });
                sessions.len() - 1
            }
        };
        let s = &mut sessions[idx];
        let topics_col = t.column_of(rec, "topics");
        for topic in list(t.field(rec, "topics")) {
            if !out.topics_at.iter().any(|(x, _, _)| *x == topic) {
                out.topics_at.push((topic.clone(), *line, topics_col));
            }
            if !s.topics.contains(&topic) {
                s.topics.push(topic);
            }
        }
        if !out.attendees_at.iter().any(|(x, _, _)| *x == account) {
            out.attendees_at
                .push((account.clone(), *line, t.column_of(rec, "account")));
        }
        if !s.attendees.contains(&account) {
            s.attendees.push(account);
        }
    }
    sort(errs);
    Ok(out)
}

/// In file order, as a reader goes through the file.
fn sort(errs: &mut [Diagnostic]) {
    errs.sort_by_key(|e| (e.line, e.column));
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_short_dates_are_read() {
        assert_eq!(super::excel_date("2025/4/1"), "2025-04-01");
        assert_eq!(super::excel_date("2025/04/10"), "2025-04-10");
        assert_eq!(super::excel_date("2025-04-01"), "2025-04-01");
        // Not a Y/M/D spelling: left for parse_date to reject.
        assert_eq!(super::excel_date("4/1/2025"), "4-1-2025");
        assert_eq!(super::excel_date("2025/4/123"), "2025-4-123");
    }

    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn reads_cp932_people_with_columns_in_any_order() {
        let d = tempfile::tempdir().unwrap();
        let text = "name,account,status,roles,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on,部署\r\n\
                    田中 一郎,tanaka,active,administrator;handler,2020-04-01,,2020/04/01,,設計部\r\n\
                    佐藤 花子,sato,left,handler,2019-04-01,2025-03-31,2019-04-01,,\r\n";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let p = write(&d, "people.csv", &bytes);
        let (people, errs) = read_people(&p).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(people.len(), 2);
        assert_eq!(people[0].name.as_deref(), Some("田中 一郎"));
        assert_eq!(people[0].roles, ["administrator", "handler"]);
        assert_eq!(
            people[0].pledge_signed_on,
            NaiveDate::from_ymd_opt(2020, 4, 1)
        );
        assert_eq!(people[1].status, PersonStatus::Left);
        assert_eq!(people[1].exit_pledge_signed_on, None);
    }

    #[test]
    fn missing_columns_and_bad_dates_are_reported_with_positions() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            &d,
            "people.csv",
            b"\xef\xbb\xbfaccount,name,roles,status\ntanaka,T,,active\n",
        );
        let (_, errs) = read_people(&p).unwrap();
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        // Only the columns that must be there: `left_on` and the exit pledge may be absent.
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].ends_with("people.csv:1:1: missing column `joined_on`; the header must name: account,roles,joined_on,pledge_signed_on"), "{msgs:?}");
        assert!(msgs[1].contains("`pledge_signed_on`"), "{msgs:?}");
        assert!(
            errs[0]
                .message
                .ja
                .contains("`joined_on`（または `入社日`）")
        );

        let p = write(&d, "t.csv", b"date,account,title,topics\n2025-13-01,tanaka,x,handling\n2025-06-10,suzuki,x,handling;reporting\n2025-06-10,tanaka,x,sanctions\n");
        let TrainingCsv {
            sessions,
            errors: errs,
            ..
        } = read_training(&p).unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].column), (2, 1));
        assert!(errs[0].message.en.contains("2025-13-01"));
        assert!(errs[0].message.ja.contains("日付 `2025-13-01`"));
        let s = sessions.iter().find(|s| s.date.is_some()).unwrap();
        assert_eq!(s.attendees, ["suzuki", "tanaka"]);
        assert_eq!(s.topics, ["handling", "reporting", "sanctions"]);
    }

    fn messages(errs: &[Diagnostic]) -> Vec<(usize, usize, String)> {
        errs.iter()
            .map(|e| (e.line, e.column, e.message.en.clone()))
            .collect()
    }

    #[test]
    fn an_unterminated_quote_is_an_error_and_no_later_row_is_used() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            &d,
            "t.csv",
            b"date,account,title,topics\n2025-06-10,tanaka,\"Kick-off,handling\n2025-06-10,mori,Kick-off,handling\n",
        );
        let TrainingCsv {
            sessions,
            errors: errs,
            ..
        } = read_training(&p).unwrap();
        let m = messages(&errs);
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!((m[0].0, m[0].1), (2, 19));
        assert!(m[0].2.contains("unterminated quote"), "{m:?}");
        assert!(errs[0].message.ja.contains("閉じていません"));
        assert!(sessions.is_empty(), "{sessions:?}");
    }

    #[test]
    fn every_empty_required_training_field_is_listed_with_its_line() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            &d,
            "t.csv",
            "date,account,title,topics\r\n\
             ,tanaka,Kick-off,handling\r\n\
             2025-06-10,,Kick-off,handling\r\n\
             2025-06-10,mori,,handling\r\n\
             2025-06-10,sato,Kick-off,handling\r\n\
             2025-06-10,kato,Kick-off,handling,extra\r\n"
                .as_bytes(),
        );
        let TrainingCsv {
            sessions,
            errors: errs,
            ..
        } = read_training(&p).unwrap();
        let m = messages(&errs);
        assert_eq!(m.len(), 4, "{m:?}");
        assert_eq!((m[0].0, m[0].1), (2, 1));
        assert!(m[0].2.starts_with("date: required"), "{m:?}");
        assert_eq!((m[1].0, m[1].1), (3, 12));
        assert!(m[1].2.starts_with("account: required"), "{m:?}");
        assert_eq!((m[2].0, m[2].1), (4, 17));
        assert!(m[2].2.starts_with("title: required"), "{m:?}");
        assert_eq!(m[3].0, 6);
        assert!(
            m[3].2.contains("5 fields, more than the header's 4"),
            "{m:?}"
        );
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].attendees, ["sato"]);
    }

    #[test]
    fn stray_quotes_are_errors_and_doubled_quotes_are_not() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            &d,
            "people.csv",
            b"account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\n\
              tanaka,\"Tanaka \"\"Ichi\"\"\",handler,,,,,\n\
              mori,Mo\"ri,handler,,,,,\n\
              sato,\"Sato\"x,handler,,,,,\n",
        );
        let (people, errs) = read_people(&p).unwrap();
        let m = messages(&errs);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!((m[0].0, m[0].1), (3, 8));
        assert_eq!((m[1].0, m[1].1), (4, 12));
        assert!(m[0].2.contains("misplaced quote"));
        assert_eq!(people[0].name.as_deref(), Some("Tanaka \"Ichi\""));
    }
}

#[cfg(test)]
mod japanese {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn japanese_headers_era_dates_and_absent_optional_columns_are_read() {
        let d = tempfile::tempdir().unwrap();
        // As Japanese Excel saves it: Japanese headers, no 退社日 / 退職時誓約書提出日
        // columns, dates in three spellings, 在籍/退職 for the status.
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(
            "氏名,アカウント,役割,状態,入社日,誓約書提出日\r\n\
             田中 一郎,tanaka,administrator;handler,在籍,平成31年4月1日,R6.4.1\r\n\
             鈴木 次郎,suzuki,handler,退職,2021/4/1,2021-4-1\r\n",
        );
        let p = d.path().join("people.csv");
        std::fs::write(&p, &bytes).unwrap();
        let (people, errs) = read_people(&p).unwrap();
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(people[0].account, "tanaka");
        assert_eq!(people[0].name.as_deref(), Some("田中 一郎"));
        assert_eq!(people[0].joined_on, date(2019, 4, 1));
        assert_eq!(people[0].pledge_signed_on, date(2024, 4, 1));
        assert_eq!(people[0].left_on, None);
        assert_eq!(people[1].status, PersonStatus::Left);
        assert_eq!(people[1].joined_on, date(2021, 4, 1));

        let p = write(
            &d,
            "t.csv",
            "日付,アカウント,研修名,内容\n令和7年6月10日,tanaka,研修,handling;reporting\n",
        );
        let t = read_training(&p).unwrap();
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        assert_eq!(t.sessions[0].date, date(2025, 6, 10));
        assert_eq!(t.topics_at[1], ("reporting".to_string(), 2, 21));
        assert_eq!(t.attendees_at[0], ("tanaka".to_string(), 2, 11));
    }

    #[test]
    fn every_problem_of_a_row_is_reported_at_its_column() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            &d,
            "people.csv",
            "account,roles,status,joined_on,pledge_signed_on\n\
             ,handler,gone,2020-13-01,R6.2.30\n\
             sato,handler,active,2020-04-01,2020-04-01\n",
        );
        let (people, errs) = read_people(&p).unwrap();
        let m: Vec<(usize, usize, &str)> = errs
            .iter()
            .map(|e| (e.line, e.column, e.message.en.as_str()))
            .collect();
        assert_eq!(m.len(), 4, "{m:?}");
        assert_eq!((m[0].0, m[0].1), (2, 1));
        assert!(m[0].2.starts_with("account: required"));
        assert_eq!((m[1].0, m[1].1), (2, 10));
        assert!(m[1].2.starts_with("status: `gone`"));
        assert_eq!((m[2].0, m[2].1), (2, 15));
        assert!(m[2].2.contains("`2020-13-01` is not a valid calendar date"));
        assert_eq!((m[3].0, m[3].1), (2, 26));
        assert!(m[3].2.contains("`R6.2.30` is not a valid calendar date"));
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].account, "sato");
    }

    #[test]
    fn a_column_named_twice_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            &d,
            "people.csv",
            "account,アカウント,roles,joined_on,pledge_signed_on\na,b,handler,,\n",
        );
        let (_, errs) = read_people(&p).unwrap();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (1, 9));
        assert!(
            errs[0]
                .message
                .en
                .contains("names `account` again (as column 1 does)")
        );
    }
}
