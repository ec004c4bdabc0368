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
