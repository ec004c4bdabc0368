//! Scoring: pass 1, partial 0.5, anything else 0; not_applicable left out.

use super::ItemResult;
use crate::catalogue::Catalogue;
use crate::model::Status;

pub use crate::model::{Counts, CriterionScore, Summary};

fn counts<'a>(results: impl Iterator<Item = &'a ItemResult>) -> Counts {
    let mut c: Counts = Status::ALL.iter().map(|s| (*s, 0)).collect();
    for r in results {
        *c.entry(r.status).or_default() += 1;
    }
    c
}

/// Mean × 100 rounded to one decimal, over applicable items.
fn score<'a>(results: impl Iterator<Item = &'a ItemResult>) -> Option<f64> {
    let scores: Vec<f64> = results.filter_map(|r| r.status.score()).collect();
    if scores.is_empty() {
        return None;
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    Some((mean * 1000.0).round() / 10.0)
}

pub fn summarize(cat: &Catalogue, results: &[ItemResult]) -> Summary {
    let criteria = cat
        .criteria
        .iter()
        .map(|c| {
            let of = || {
                results
                    .iter()
                    .filter(|r| r.id.starts_with(&format!("{}-", c.id)))
            };
            CriterionScore {
                id: c.id.clone(),
                score: score(of()),
                counts: counts(of()),
            }
        })
        .collect();
    Summary {
        score: score(results.iter()),
        counts: counts(results.iter()),
        criteria,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Text;

    fn r(id: &str, status: Status) -> ItemResult {
        ItemResult {
            id: id.into(),
            status,
            reason: Text::default(),
            evidence: vec![],
            waived: false,
            computed: None,
            expired_waiver: None,
        }
    }

    #[test]
    fn scores_leave_out_not_applicable_and_round_to_one_decimal() {
        let cat = Catalogue::builtin();
        let rs = vec![
            r("ADM-01", Status::Pass),
            r("ADM-02", Status::Partial),
            r("ADM-03", Status::NotApplicable),
            r("ADM-04", Status::Unanswered),
            r("HDL-01", Status::Error),
            r("HDL-02", Status::Pass),
            r("STO-01", Status::NotApplicable),
        ];
        let s = summarize(cat, &rs);
        let adm = &s.criteria[0];
        assert_eq!(adm.score, Some(50.0)); // (1 + 0.5 + 0) / 3
        assert_eq!(adm.counts[&Status::NotApplicable], 1);
        assert_eq!(s.criteria[1].score, Some(50.0));
        assert_eq!(s.criteria[4].score, None);
        // (1 + .5 + 0 + 0 + 1) / 5 = 50.0
        assert_eq!(s.score, Some(50.0));
        let s = summarize(
            cat,
            &[
                r("ADM-01", Status::Pass),
                r("ADM-02", Status::Pass),
                r("ADM-03", Status::Fail),
            ],
        );
        assert_eq!(s.score, Some(66.7));
    }
}
