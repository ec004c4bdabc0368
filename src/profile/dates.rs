//! The one date rule of the profile, in YAML and CSV alike.
//!
//! Accepted spellings (full-width digits too, as Japanese IMEs type them):
//! - Western: `2024-04-01`, `2024-4-1`, `2024/4/1`, `2024/04/01`, `2024.4.1`, `2024年4月1日`
//! - 和暦 (Japanese era): `令和6年4月1日`, `令和元年5月1日`, `R6.4.1`, `R6/4/1`, `R6-4-1`,
//!   `H31.4.30`, `平成31年4月30日`, `S64.1.7`, `昭和64年1月7日`
//!
//! Everything is converted to a calendar date; reports show it as `YYYY-MM-DD`.
//! An era date outside its era (`平成32年`, `令和1年4月1日`) is an error, not a guess.

use crate::i18n::Text;
use crate::tr;
use chrono::NaiveDate;

/// Japanese eras: names, first day, last day (inclusive, `None` = current).
struct Era {
    kanji: &'static str,
    roman: &'static str,
    letter: char,
    first: (i32, u32, u32),
    last: Option<(i32, u32, u32)>,
}

const ERAS: &[Era] = &[
    Era {
        kanji: "令和",
        roman: "Reiwa",
        letter: 'R',
        first: (2019, 5, 1),
        last: None,
    },
    Era {
        kanji: "平成",
        roman: "Heisei",
        letter: 'H',
        first: (1989, 1, 8),
        last: Some((2019, 4, 30)),
    },
    Era {
        kanji: "昭和",
        roman: "Showa",
        letter: 'S',
        first: (1926, 12, 25),
        last: Some((1989, 1, 7)),
    },
];

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("era boundary is a date")
}

/// Full-width digits and separators to ASCII; `元` (first year) to `1`.
fn normalise(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '／' => '/',
            '－' | 'ー' | '‐' => '-',
            '．' => '.',
            'Ｒ' | 'ｒ' => 'R',
            'Ｈ' | 'ｈ' => 'H',
            'Ｓ' | 'ｓ' => 'S',
            c => c.to_ascii_uppercase(),
        })
        .collect::<String>()
        .replace('元', "1")
}

/// Splits `Y?M?D` (separators `-`, `/`, `.`, or `年` `月` `日`) into three numbers.
fn three_numbers(s: &str) -> Option<(u32, u32, u32)> {
    let kanji = s.contains('年');
    let parts: Vec<&str> = if kanji {
        let s = s.strip_suffix('日')?;
        let (y, rest) = s.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        vec![y.trim(), m.trim(), d.trim()]
    } else {
        let sep = ['-', '/', '.'].into_iter().find(|c| s.contains(*c))?;
        s.split(sep).collect()
    };
    let [y, m, d] = parts[..] else { return None };
    let num = |p: &str, max_len: usize| {
        (!p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    Some((num(y, 4)?, num(m, 2)?, num(d, 2)?))
}

fn shape_error(t: &str) -> Text {
    tr!(
        "日付 `{t}` が正しくありません（2025-04-01、2025/4/1、令和7年4月1日、R7.4.1 のどれかの形で書いてください）",
        "`{t}` is not a date (write YYYY-MM-DD, YYYY/M/D, or a Japanese-era date such as R7.4.1)"
    )
}

fn calendar_error(t: &str) -> Text {
    tr!(
        "日付 `{t}` は存在しない日付です（月と日を確かめてください）",
        "`{t}` is not a valid calendar date"
    )
}

/// Parses a date written by hand or by Excel; the reason in both languages.
pub fn parse(s: &str) -> Result<NaiveDate, Text> {
    let t = s.trim();
    let n = normalise(t);
    for era in ERAS {
        let rest = n
            .strip_prefix(era.kanji)
            .or_else(|| n.strip_prefix(era.letter));
        let Some(rest) = rest else { continue };
        // `R6.4.1`: the separator follows the year; `令和6年…` has 年.
        let Some((y, m, d)) = three_numbers(rest.trim()) else {
            return Err(shape_error(t));
        };
        if y == 0 || y > 99 {
            return Err(shape_error(t));
        }
        let year = era.first.0 - 1 + y as i32;
        let date = NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| calendar_error(t))?;
        let (first, last) = (ymd(era.first), era.last.map(ymd));
        if date < first || last.is_some_and(|l| date > l) {
            let range = match last {
                Some(l) => format!("{first} – {l}"),
                None => format!("{first} –"),
            };
            let (kanji, roman) = (era.kanji, era.roman);
            return Err(tr!(
                "日付 `{t}`（{date}）は{kanji}の期間（{range}）に入りません",
                "`{t}` ({date}) is outside the {roman} era ({range})"
            ));
        }
        return Ok(date);
    }
    let Some((y, m, d)) = three_numbers(&n) else {
        return Err(shape_error(t));
    };
    if !(1000..=9999).contains(&y) {
        return Err(shape_error(t));
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| calendar_error(t))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use chrono::NaiveDate;

    fn d(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn western_spellings_excel_writes_are_one_date() {
        for s in [
            "2024-04-01",
            "2024-4-1",
            "2024/4/1",
            "2024/04/01",
            "2024.4.1",
            "2024年4月1日",
            "２０２４／４／１",
            " 2024-04-01 ",
        ] {
            assert_eq!(parse(s), Ok(d(2024, 4, 1)), "{s}");
        }
    }

    #[test]
    fn japanese_era_dates_are_converted() {
        for s in [
            "令和6年4月1日",
            "R6.4.1",
            "R6/4/1",
            "r6-4-1",
            "R06.04.01",
            "令和６年４月１日",
        ] {
            assert_eq!(parse(s), Ok(d(2024, 4, 1)), "{s}");
        }
        assert_eq!(parse("令和元年5月1日"), Ok(d(2019, 5, 1)));
        assert_eq!(parse("H31.4.30"), Ok(d(2019, 4, 30)));
        assert_eq!(parse("平成2年4月1日"), Ok(d(1990, 4, 1)));
        assert_eq!(parse("S64.1.7"), Ok(d(1989, 1, 7)));
    }

    #[test]
    fn impossible_dates_say_why() {
        let e = parse("平成32年1月1日").unwrap_err();
        assert!(
            e.en.contains("(2020-01-01) is outside the Heisei era"),
            "{}",
            e.en
        );
        assert!(
            parse("令和1年4月1日")
                .unwrap_err()
                .ja
                .contains("令和の期間")
        );
        assert_eq!(
            parse("2025-13-01").unwrap_err().en,
            "`2025-13-01` is not a valid calendar date"
        );
        for bad in [
            "01-04-2025",
            "4/1/2025",
            "2025/4/123",
            "x",
            "",
            "2025-04",
            "R.4.1",
        ] {
            assert!(
                parse(bad).unwrap_err().en.contains("is not a date"),
                "{bad}"
            );
        }
    }
}
