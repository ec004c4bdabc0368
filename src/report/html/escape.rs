//! Escaping for the HTML report: the five entities of [`esc`], the askama
//! [`Escaper`] that uses them, and [`untrusted`] for text from the audited
//! system or the profile.

use crate::report::one_line;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = write_escaped(&mut out, s);
    out
}

fn write_escaped<W: std::fmt::Write>(mut dest: W, s: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        dest.write_str(&s[last..i])?;
        dest.write_str(rep)?;
        last = i + 1;
    }
    dest.write_str(&s[last..])
}

/// The escaper of every template ending in `.html` or `.svg` (askama.toml names
/// it): the same five entities as [`esc`], so the page reads exactly as it did
/// when it was written by hand (askama's own escaper writes `&#60;` for `<`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Escaper;

impl askama::filters::Escaper for Escaper {
    fn write_escaped_str<W: std::fmt::Write>(&self, dest: W, s: &str) -> std::fmt::Result {
        write_escaped(dest, s)
    }
}

/// Text from the audited system or the profile: control and bidi-override
/// characters shown, never obeyed, then escaped.
pub fn untrusted(s: &str) -> String {
    esc(&one_line(s))
}
