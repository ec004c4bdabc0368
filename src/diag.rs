//! Diagnostics with a position: `FILE:LINE:COLUMN: message`.
//!
//! The message is bilingual ([`Text`]); [`Diagnostic::render`] prints it in the
//! run's language, `Display` in English (logs, tests, `{:?}`-free contexts).

use crate::i18n::{Lang, Text};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    pub message: Text,
}

impl Diagnostic {
    pub fn new(file: impl Into<String>, line: usize, column: usize, msg: Text) -> Self {
        Diagnostic {
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
            message: msg,
        }
    }

    /// `FILE:LINE:COLUMN: message` with the message in `lang`; the position
    /// prefix is the same in every language (editors jump to it).
    pub fn render(&self, lang: Lang) -> String {
        format!(
            "{}:{}:{}: {}",
            self.file,
            self.line,
            self.column,
            self.message.get(lang)
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// A list of diagnostics gathered while loading one or more files.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }
    pub fn warn(&mut self, d: Diagnostic) {
        self.warnings.push(d);
    }
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }
    /// Errors in file, line, column order (each once).
    pub fn sorted_errors(&self) -> Vec<Diagnostic> {
        let mut v = self.errors.clone();
        v.sort();
        v.dedup();
        v
    }
}
