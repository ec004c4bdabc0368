//! Spreadsheet cells (CSV and XLSX): text from the audited system must never turn
//! into a formula or a control sequence when a person opens the file in Excel or
//! LibreOffice.
//!
//! Excel starts a formula (or DDE command, `=cmd|'/c calc'!A1`) at a cell whose
//! text begins with `=`, `+`, `-` or `@`, and also after a leading tab or carriage
//! return. Japanese Excel treats the full-width forms (`＝`, `＋`, `－`, `＠`) the
//! same way when a value is edited. Such a cell gets a leading apostrophe in CSV
//! (Excel's own "this is text" prefix) and Excel's quote-prefix style in XLSX.

use super::one_line;

/// Characters that start a formula when they open a cell.
const FORMULA_START: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// Does this text start (after any spaces) with a character that makes a
/// spreadsheet read it as a formula?
pub fn starts_formula(s: &str) -> bool {
    let t = s.trim_start_matches([' ', '\u{3000}']);
    t.starts_with(FORMULA_START) || s.starts_with(['\t', '\r', '\n'])
}

/// A single-line cell: control characters shown (never obeyed), and no formula.
pub fn cell(s: &str) -> String {
    guard(one_line(s))
}

/// Prefixes an apostrophe when the text would start a formula. The text is
/// otherwise unchanged (it may hold the newlines the caller put in on purpose).
pub fn guard(s: String) -> String {
    if starts_formula(&s) {
        format!("'{s}")
    } else {
        s
    }
}

/// Excel's limit on the characters in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Cuts a cell's text to what Excel can hold, saying so at the end.
pub fn fit(s: String, more: &str) -> String {
    if s.chars().count() <= MAX_CELL_CHARS {
        return s;
    }
    let keep = MAX_CELL_CHARS - more.chars().count() - 1;
    let mut out: String = s.chars().take(keep).collect();
    out.push('…');
    out.push_str(more);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_are_neutralised() {
        for s in [
            "=cmd|'/c calc'!A1",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "  =1",
            "＝1+1",
        ] {
            let c = cell(s);
            assert!(c.starts_with('\''), "{s:?} → {c:?}");
        }
        // A leading tab or CR is shown as text (`\t`), so nothing starts a formula.
        for s in ["\t=1", "\r=1", "\n=1"] {
            let c = cell(s);
            assert!(c.starts_with('\\') && !starts_formula(&c), "{s:?} → {c:?}");
            assert!(guard(s.to_string()).starts_with('\''));
        }
        assert_eq!(cell("ordinary text"), "ordinary text");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("line1\nline2"), "line1\\nline2");
    }

    #[test]
    fn long_cells_are_cut_with_a_note() {
        let s = "x".repeat(40_000);
        let f = fit(s, "(more)");
        assert_eq!(f.chars().count(), MAX_CELL_CHARS);
        assert!(f.ends_with("…(more)"));
        assert_eq!(fit("short".into(), "(more)"), "short");
    }
}
