//! The certification timeline: three-year validity and the yearly periodic report.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub certified_on: NaiveDate,
    /// The day before the third anniversary.
    pub expires_on: NaiveDate,
    /// The next anniversary on or after the audit date.
    pub next_periodic_report_due: NaiveDate,
    /// Days from the audit date to `next_periodic_report_due`.
    #[serde(default)]
    pub days_to_periodic_report: i64,
    /// The certificate had expired by the audit date.
    #[serde(default)]
    pub expired: bool,
    /// The next anniversary falls after the certificate expires (its third year):
    /// what is due before it is the renewal, not another periodic report.
    #[serde(default)]
    pub renewal_due: bool,
}

impl Timeline {
    /// One line for people: the next periodic report, or the renewal when the
    /// certificate expires first.
    pub fn next_step(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match (lang, self.renewal_due) {
            (Lang::Ja, true) => format!(
                "有効期限 {} までに更新審査が必要です（定期報告の期日 {} より前に期限が切れます）",
                self.expires_on, self.next_periodic_report_due
            ),
            (Lang::En, true) => format!(
                "renewal due before the certificate expires on {} (before the periodic-report date {})",
                self.expires_on, self.next_periodic_report_due
            ),
            (Lang::Ja, false) => format!("次回定期報告の期限 {}", self.next_periodic_report_due),
            (Lang::En, false) => {
                format!("next periodic report due {}", self.next_periodic_report_due)
            }
        }
    }
}

/// The `n`th anniversary; 29 February falls on 28 February in other years.
pub fn anniversary(d: NaiveDate, n: i32) -> NaiveDate {
    let y = d.year() + n;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, d.month(), d.day() - 1))
        .expect("a valid date")
}

pub fn timeline(certified_on: NaiveDate, audit: NaiveDate) -> Timeline {
    let expires_on = anniversary(certified_on, 3)
        .pred_opt()
        .expect("a valid date");
    let mut n = 1;
    while anniversary(certified_on, n) < audit {
        n += 1;
    }
    let next = anniversary(certified_on, n);
    Timeline {
        certified_on,
        expires_on,
        next_periodic_report_due: next,
        days_to_periodic_report: (next - audit).num_days(),
        expired: audit > expires_on,
        renewal_due: next > expires_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn spec_example() {
        let t = timeline(d("2025-04-01"), d("2026-11-25"));
        assert_eq!(t.expires_on, d("2028-03-31"));
        assert_eq!(t.next_periodic_report_due, d("2027-04-01"));
        assert!(!t.expired);
    }

    #[test]
    fn due_date_on_the_anniversary_itself_and_before_the_first() {
        assert_eq!(
            timeline(d("2025-04-01"), d("2026-04-01")).next_periodic_report_due,
            d("2026-04-01")
        );
        assert_eq!(
            timeline(d("2025-04-01"), d("2026-04-02")).next_periodic_report_due,
            d("2027-04-01")
        );
        assert_eq!(
            timeline(d("2025-04-01"), d("2025-04-01")).next_periodic_report_due,
            d("2026-04-01")
        );
    }

    #[test]
    fn leap_day_certification() {
        let t = timeline(d("2024-02-29"), d("2025-01-10"));
        assert_eq!(t.next_periodic_report_due, d("2025-02-28"));
        assert_eq!(t.expires_on, d("2027-02-27"));
        // In a leap year the anniversary is 29 February again.
        assert_eq!(
            timeline(d("2024-02-29"), d("2027-12-01")).next_periodic_report_due,
            d("2028-02-29")
        );
        assert!(timeline(d("2024-02-29"), d("2027-12-01")).expired);
    }

    #[test]
    fn in_the_third_year_the_renewal_comes_before_the_next_anniversary() {
        let t = timeline(d("2025-04-01"), d("2027-06-01"));
        assert_eq!(t.next_periodic_report_due, d("2028-04-01"));
        assert_eq!(t.expires_on, d("2028-03-31"));
        assert!(t.renewal_due);
        assert!(t.next_step(crate::i18n::Lang::Ja).contains("更新審査"));
        let t = timeline(d("2025-04-01"), d("2026-11-25"));
        assert!(!t.renewal_due);
        assert_eq!(
            t.next_step(crate::i18n::Lang::En),
            "next periodic report due 2027-04-01"
        );
    }
}
