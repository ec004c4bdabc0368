//! The checklist catalogue: the six criteria and every item, embedded from
//! `checklists/tim-selfcheck.yaml`. Read once, never changed.

pub mod ids;
pub mod policies;

pub use ids::ItemId;

use crate::i18n::{Lang, Text};
use serde::Deserialize;
use std::sync::OnceLock;

/// Name the embedded checklist is registered under, so that a mistake inside it
/// still points at a file and line.
pub const CHECKLIST_FILE: &str = "checklists/tim-selfcheck.yaml";
pub const CHECKLIST_YAML: &str = include_str!("../../checklists/tim-selfcheck.yaml");

/// How an item is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Source {
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "records")]
    Records,
    #[serde(rename = "manual")]
    Manual,
    #[serde(rename = "auto+manual")]
    AutoManual,
    #[serde(rename = "auto+records")]
    AutoRecords,
    #[serde(rename = "manual+records")]
    ManualRecords,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Auto => "auto",
            Source::Records => "records",
            Source::Manual => "manual",
            Source::AutoManual => "auto+manual",
            Source::AutoRecords => "auto+records",
            Source::ManualRecords => "manual+records",
        }
    }
    /// The item needs an answer in the profile (it has a manual part).
    pub fn needs_answer(self) -> bool {
        matches!(
            self,
            Source::Manual | Source::AutoManual | Source::ManualRecords
        )
    }
    /// The item has a part the tool computes (automatic or from records).
    pub fn is_computed(self) -> bool {
        self != Source::Manual
    }
    /// The item reads the organisation's records.
    pub fn uses_records(self) -> bool {
        matches!(
            self,
            Source::Records | Source::AutoRecords | Source::ManualRecords
        )
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Ja, Source::Auto) => "自動",
            (Lang::Ja, Source::Records) => "記録",
            (Lang::Ja, Source::Manual) => "回答",
            (Lang::Ja, Source::AutoManual) => "自動＋回答",
            (Lang::Ja, Source::AutoRecords) => "自動＋記録",
            (Lang::Ja, Source::ManualRecords) => "回答＋記録",
            (Lang::En, s) => s.code(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub title: Text,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub criterion: String,
    pub source: Source,
    /// Short title for tables.
    pub title: Text,
    /// The question as the paper self-check form asks it.
    pub question: Text,
    /// How the tool decides it, with the profile keys and options (`explain`,
    /// docs/checklist.md).
    pub rule: Text,
    /// How it is decided in plain words, without profile keys or options: the
    /// 判定基準 column of the blank form, which is filled in on paper.
    #[serde(default)]
    pub basis: Text,
    /// Why it matters.
    pub why: Text,
    /// How to fix it.
    pub remediation: Text,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub id: String,
    pub version: String,
    pub criteria: Vec<Criterion>,
    pub items: Vec<Item>,
}

impl Catalogue {
    /// The embedded checklist. Panics only if the embedded file is broken, which
    /// the test suite rules out.
    pub fn builtin() -> &'static Catalogue {
        static CAT: OnceLock<Catalogue> = OnceLock::new();
        CAT.get_or_init(|| match Catalogue::parse(CHECKLIST_FILE, CHECKLIST_YAML) {
            Ok(c) => c,
            Err(e) => panic!("built-in checklist is invalid: {e}"),
        })
    }

    /// Parses and checks a checklist; errors are `FILE:LINE:COLUMN: message`.
    pub fn parse(file: &str, text: &str) -> Result<Catalogue, String> {
        // The same span-aware YAML stack as the profile (aliases and nesting
        // bounded); the error is at the line and column of the node concerned.
        let cat: Catalogue = crate::yaml::from_str(file, text).map_err(|d| d.to_string())?;
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for item in &cat.items {
            if !seen.insert(item.id.as_str()) {
                problems.push(format!("{file}: duplicate item {}", item.id));
            }
            if !cat.criteria.iter().any(|c| c.id == item.criterion) {
                problems.push(format!(
                    "{file}: item {} names unknown criterion {}",
                    item.id, item.criterion
                ));
            }
            for (name, t) in [
                ("title", &item.title),
                ("question", &item.question),
                ("rule", &item.rule),
                ("basis", &item.basis),
                ("why", &item.why),
                ("remediation", &item.remediation),
            ] {
                if t.ja.trim().is_empty() || t.en.trim().is_empty() {
                    problems.push(format!("{file}: item {} has an empty {name}", item.id));
                }
            }
        }
        if problems.is_empty() {
            Ok(cat)
        } else {
            Err(problems.join("\n"))
        }
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id.eq_ignore_ascii_case(id))
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    pub fn items_of<'a>(&'a self, criterion: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.criterion == criterion)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IDs and sources of the contract (docs/checklist.md), in its order.
    const SPEC: &[(&str, &str)] = &[
        ("ADM-01", "records"),
        ("ADM-02", "records"),
        ("ADM-03", "records"),
        ("ADM-04", "records"),
        ("ADM-05", "manual"),
        ("ADM-06", "records"),
        ("ADM-07", "records"),
        ("HDL-01", "records"),
        ("HDL-02", "auto"),
        ("HDL-03", "auto"),
        ("HDL-04", "auto"),
        ("HDL-05", "auto"),
        ("HDL-06", "auto"),
        ("HDL-07", "auto+manual"),
        ("HDL-08", "records"),
        ("HDL-09", "records"),
        ("HDL-10", "auto"),
        ("HDL-11", "records"),
        ("TRN-01", "records"),
        ("TRN-02", "records"),
        ("TRN-03", "records"),
        ("TRN-04", "records"),
        ("TRN-05", "records"),
        ("ACC-01", "records"),
        ("ACC-02", "auto"),
        ("ACC-03", "auto"),
        ("ACC-04", "auto"),
        ("ACC-05", "auto+records"),
        ("ACC-06", "records"),
        ("ACC-07", "auto+records"),
        ("ACC-08", "auto"),
        ("ACC-09", "auto"),
        ("ACC-10", "auto"),
        ("ACC-11", "auto"),
        ("STO-01", "manual"),
        ("STO-02", "manual+records"),
        ("STO-03", "manual+records"),
        ("STO-04", "manual"),
        ("STO-05", "manual"),
        ("STO-06", "auto"),
        ("ITS-01", "auto"),
        ("ITS-02", "auto"),
        ("ITS-03", "auto"),
        ("ITS-04", "auto"),
        ("ITS-05", "auto"),
        ("ITS-06", "auto"),
        ("ITS-07", "auto"),
        ("ITS-08", "auto"),
        ("ITS-09", "auto"),
        ("ITS-10", "auto"),
        ("ITS-11", "auto"),
        ("ITS-12", "manual"),
        ("ITS-13", "manual"),
        ("ITS-14", "auto"),
        ("ITS-15", "auto"),
        ("ITS-16", "auto"),
    ];

    #[test]
    fn builtin_checklist_matches_the_spec_ids_criteria_and_sources() {
        let cat = Catalogue::builtin();
        let got: Vec<(&str, &str)> = cat
            .items
            .iter()
            .map(|i| (i.id.as_str(), i.source.code()))
            .collect();
        assert_eq!(got, SPEC);
        for item in &cat.items {
            assert_eq!(&item.id[..3], item.criterion, "{} criterion", item.id);
        }
        let crit: Vec<&str> = cat.criteria.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(crit, ["ADM", "HDL", "TRN", "ACC", "STO", "ITS"]);
    }

    #[test]
    fn every_item_is_documented_in_both_languages() {
        // parse() rejects empty texts; this also checks the Japanese is Japanese.
        let cat = Catalogue::builtin();
        for item in &cat.items {
            for t in [
                &item.title,
                &item.question,
                &item.rule,
                &item.basis,
                &item.why,
                &item.remediation,
            ] {
                assert!(
                    t.ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)
                        || ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{}: Japanese text lacks Japanese: {}",
                    item.id,
                    t.ja
                );
                assert!(
                    t.en.is_ascii() || t.en.chars().filter(|c| !c.is_ascii()).count() < 20,
                    "{}: English text looks untranslated: {}",
                    item.id,
                    t.en
                );
            }
        }
        for c in &cat.criteria {
            assert!(!c.title.ja.is_empty() && !c.title.en.is_empty());
        }
    }

    /// The blank form is filled in on paper by people who never see the
    /// profile: its 判定基準 column (`basis`) names no YAML key, option or file.
    #[test]
    fn the_form_basis_has_no_profile_keys_or_options() {
        let cat = Catalogue::builtin();
        for item in &cat.items {
            for t in [&item.basis.ja, &item.basis.en] {
                let bad = t.contains('`')
                    || t.contains("--")
                    || t.contains(':')
                    || t.contains("etc/")
                    || t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                        .any(|w| w.contains('_') || w.ends_with(".conf") || w.ends_with(".csv"));
                assert!(
                    !bad,
                    "{}: the form's basis shows a key or option: {t}",
                    item.id
                );
            }
        }
    }

    /// The paper form puts a 適合 box next to every question: a question asked
    /// in the negative (「〜ていませんか」) would make 適合 mean the opposite. The
    /// scheme's terms are spelled one way throughout.
    #[test]
    fn questions_are_positive_and_the_terms_consistent() {
        let cat = Catalogue::builtin();
        for item in &cat.items {
            let q = item.question.ja.trim();
            assert!(
                !q.contains("ませんか") && q.trim_end_matches('。').ends_with('か'),
                "{}: not a single positive question: {q}",
                item.id
            );
            assert!(
                q.matches("ますか").count() + q.matches("ですか").count() == 1,
                "{}: more than one question: {q}",
                item.id
            );
            for t in [
                &item.title.ja,
                &item.question.ja,
                &item.rule.ja,
                &item.basis.ja,
                &item.why.ja,
                &item.remediation.ja,
            ] {
                assert!(!t.contains("持ち出"), "{}: write 持出し: {t}", item.id);
                assert!(!t.contains("教え"), "{}: write 周知: {t}", item.id);
            }
        }
        // STO-05 asks where the company's own servers stand; data centres and
        // cloud services are ITS-13's question.
        let sto05 = &cat.item("STO-05").unwrap().question.ja;
        assert!(
            !sto05.contains("クラウド") && !sto05.contains("データセンター"),
            "{sto05}"
        );
    }

    #[test]
    fn a_broken_checklist_names_file_and_line() {
        let err = Catalogue::parse(
            "x.yaml",
            "id: a\nversion: '1'\ncriteria: []\nitems:\n  - id: 3\n    bogus: 1\n",
        )
        .unwrap_err();
        assert!(
            err.starts_with("x.yaml:6:5: unknown field `bogus`"),
            "{err}"
        );
        // An unknown source at its value, a checklist with a second document at
        // the `---`.
        let item = "  - {id: A-1, criterion: A, source: sometimes, title: {ja: a, en: a}, question: {ja: a, en: a}, rule: {ja: a, en: a}, why: {ja: a, en: a}, remediation: {ja: a, en: a}, basis: {ja: a, en: a}}\n";
        let text = format!(
            "id: a\nversion: '1'\ncriteria:\n  - {{id: A, title: {{ja: a, en: a}}}}\nitems:\n{item}"
        );
        let err = Catalogue::parse("checklists/x.yaml", &text).unwrap_err();
        assert!(
            err.starts_with("checklists/x.yaml:6:37: unknown variant `sometimes`"),
            "{err}"
        );
        assert!(Catalogue::parse("checklists/x.yaml", &text.replace("sometimes", "auto")).is_ok());
        let err =
            Catalogue::parse("checklists/x.yaml", &format!("{text}---\nid: b\n")).unwrap_err();
        assert!(
            err.starts_with("checklists/x.yaml:7:1: a second YAML document"),
            "{err}"
        );
        let err = Catalogue::parse(
            "x.yaml",
            "id: a\nversion: '1'\ncriteria: []\nitems:\n  - {id: A-1, criterion: ZZZ, source: auto, title: {ja: a, en: a}, question: {ja: a, en: a}, rule: {ja: a, en: a}, why: {ja: a, en: a}, remediation: {ja: '', en: a}}\n",
        )
        .unwrap_err();
        assert!(err.contains("unknown criterion ZZZ"), "{err}");
        assert!(err.contains("empty remediation"), "{err}");
    }
}
