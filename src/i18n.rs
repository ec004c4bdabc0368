//! Languages and bilingual text.
//!
//! Every text the tool shows to a person (titles, reasons, remediation) exists in
//! Japanese and English; the report language is chosen once per run.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    #[default]
    En,
}

impl Lang {
    /// The language of the locale: the first of `LC_ALL`, `LC_MESSAGES`, `LANG`
    /// that is set and not empty (the POSIX order); `ja*` → Japanese, English
    /// otherwise.
    pub fn from_env() -> Lang {
        Lang::from_locale(|k| std::env::var(k).ok())
    }

    /// [`Lang::from_env`] over any source of variables (tests).
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| var(k).filter(|v| !v.is_empty()));
        match locale {
            Some(v) if v.to_ascii_lowercase().starts_with("ja") => Lang::Ja,
            _ => Lang::En,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ja" | "jp" | "japanese" => Ok(Lang::Ja),
            "en" | "english" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (expected ja or en)")),
        }
    }
}

/// A text in both languages.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// The same text in both languages (names, paths, numbers).
    pub fn same(s: impl Into<String>) -> Text {
        let s = s.into();
        Text {
            ja: s.clone(),
            en: s,
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ja.trim().is_empty() && self.en.trim().is_empty()
    }

    /// Joins two texts with a separator suited to each language.
    pub fn join(&self, other: &Text) -> Text {
        if self.is_empty() {
            return other.clone();
        }
        if other.is_empty() {
            return self.clone();
        }
        Text {
            ja: format!("{}。{}", self.ja.trim_end_matches('。'), other.ja),
            en: format!("{}; {}", self.en.trim_end_matches('.'), other.en),
        }
    }
}

/// An error in both languages, for clap's value parsers: `Display` is the
/// English text (clap's own rendering), the Japanese rendering of argument errors
/// reads the Japanese one.
#[derive(Clone, Debug)]
pub struct TextError(pub Text);

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.en)
    }
}

impl std::error::Error for TextError {}

/// `tr!("日本語 {x}", "English {x}")` builds a [`Text`] with `format!` in each
/// language; extra arguments are passed to both (and evaluated twice).
#[macro_export]
macro_rules! tr {
    ($ja:literal, $en:literal $(,)?) => {
        $crate::i18n::Text::new(format!($ja), format!($en))
    };
    ($ja:literal, $en:literal, $($args:tt)+) => {
        $crate::i18n::Text::new(format!($ja, $($args)+), format!($en, $($args)+))
    };
}

/// English number agreement: `one` when `n` is 1, `many` otherwise ("1 file is",
/// "2 files are"). Japanese needs none.
pub fn en_n(n: impl TryInto<u64>, one: &str, many: &str) -> String {
    match n.try_into() {
        Ok(1) => one.to_string(),
        _ => many.to_string(),
    }
}
