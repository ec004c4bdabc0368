//! Exit codes and the error that stops a command: below `commands/` and
//! `watch/`, so both use them without importing each other.

use crate::i18n::Lang;

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// A failure that stops a command with exit code 2.
#[derive(Debug)]
pub struct Fatal(pub String);

impl Fatal {
    /// A fatal error in the run's language.
    pub fn text(t: crate::i18n::Text, lang: Lang) -> Fatal {
        Fatal(t.get(lang).to_string())
    }
}

impl<T: std::fmt::Display> From<T> for Fatal {
    fn from(e: T) -> Self {
        Fatal(e.to_string())
    }
}

/// The start of a warning line on stderr: `warning: ` (`注意: ` in Japanese).
pub fn warning_prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "注意: ",
        Lang::En => "warning: ",
    }
}

/// 1 when any item has a status listed in `--fail-on` (audit and merge).
pub fn exit_code(
    statuses: impl IntoIterator<Item = crate::model::Status>,
    fail_on: &[crate::model::Status],
) -> i32 {
    if statuses.into_iter().any(|s| fail_on.contains(&s)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
