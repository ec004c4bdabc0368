//! The configuration lexer every host parser shares: quote-aware words, comments,
//! continuation lines and `include` bookkeeping with a depth limit. Each parser
//! states its program's rules (which quotes, whether `\` escapes, where a `#`
//! starts a comment) in a [`Lexer`] value instead of hand-rolling a tokeniser.

use super::conf::HostError;

/// Where a `#` starts a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// `#` is an ordinary character.
    Text,
    /// A word that starts with `#` (outside quotes) ends the line (sshd).
    WordStart,
    /// A `#` anywhere outside quotes ends the line (shell-like files).
    Anywhere,
}

/// How one program splits a line into words.
#[derive(Clone, Copy, Debug)]
pub struct Lexer {
    /// Double quotes group a word.
    pub double: bool,
    /// Single quotes group a word.
    pub single: bool,
    /// `\` escapes the next character (inside double quotes and outside quotes).
    pub backslash: bool,
    pub hash: Hash,
    /// Brackets that group a word, spaces included (PAM's `[ … ]`).
    pub brackets: Option<(char, char)>,
}

/// A line the lexer could not split (an unterminated quote or bracket).
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    /// 1-based character column where the open quote or bracket is.
    pub column: usize,
    pub message: String,
}

impl Lexer {
    /// sshd's `argv_split`: `"…"` and `'…'`, `\` escapes, `#` word ends the line.
    pub const SSHD: Lexer = Lexer {
        double: true,
        single: true,
        backslash: true,
        hash: Hash::WordStart,
        brackets: None,
    };
    /// A shell-like split: `"…"` and `'…'`, no escapes, `#` is text (auditctl
    /// reads `#` only at the start of a line).
    pub const SHELL: Lexer = Lexer {
        double: true,
        single: true,
        backslash: false,
        hash: Hash::Text,
        brackets: None,
    };
    /// Double quotes only, `#` is text (exports, logrotate patterns).
    pub const DOUBLE: Lexer = Lexer {
        double: true,
        single: false,
        backslash: false,
        hash: Hash::Text,
        brackets: None,
    };
    /// PAM: `[ … ]` groups a word (with `\]` inside), no quotes.
    pub const PAM: Lexer = Lexer {
        double: false,
        single: false,
        backslash: false,
        hash: Hash::Anywhere,
        brackets: Some(('[', ']')),
    };

    /// Splits one logical line into words.
    pub fn words(&self, line: &str) -> Result<Vec<String>, LexError> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut started = false;
        // (closing char, column of the opener)
        let mut open: Option<(char, usize)> = None;
        let mut chars = line.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if let Some((close, _)) = open {
                if self.backslash && c == '\\' && close == '"' {
                    if let Some((_, n)) = chars.next() {
                        cur.push(n);
                    }
                } else if Some(close) == self.brackets.map(|b| b.1) && c == '\\' {
                    // `\]` keeps a bracket inside a PAM control value.
                    if let Some(&(_, n)) = chars.peek()
                        && n == close
                    {
                        chars.next();
                        cur.push(n);
                    } else {
                        cur.push(c);
                    }
                } else if c == close {
                    open = None;
                    if self.brackets.map(|b| b.1) == Some(c) {
                        cur.push(c);
                    }
                } else {
                    cur.push(c);
                }
                continue;
            }
            match c {
                '"' if self.double => {
                    open = Some(('"', i + 1));
                    started = true;
                }
                '\'' if self.single => {
                    open = Some(('\'', i + 1));
                    started = true;
                }
                '\\' if self.backslash => {
                    if let Some((_, n)) = chars.next() {
                        cur.push(n);
                    }
                    started = true;
                }
                '#' if self.hash == Hash::Anywhere
                    || (self.hash == Hash::WordStart && !started) =>
                {
                    break;
                }
                c if self.brackets.map(|b| b.0) == Some(c) && !started => {
                    open = Some((self.brackets.map(|b| b.1).unwrap_or(']'), i + 1));
                    cur.push(c);
                    started = true;
                }
                c if c.is_whitespace() => {
                    if started {
                        out.push(std::mem::take(&mut cur));
                        started = false;
                    }
                }
                c => {
                    cur.push(c);
                    started = true;
                }
            }
        }
        if let Some((close, column)) = open {
            return Err(LexError {
                column,
                message: format!("unterminated `{close}`"),
            });
        }
        if started {
            out.push(cur);
        }
        Ok(out)
    }
}

/// How a line continues on the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Continuation {
    /// Every line stands alone.
    None,
    /// A trailing `\` joins the next line; the next line's leading whitespace is
    /// dropped and `sep` put where the backslash was (kmod, Samba, exports: "";
    /// systemd: " ").
    Backslash(&'static str),
}

/// The logical lines of a file: (1-based number of the first physical line, text).
/// `\r` line ends are removed.
pub fn logical_lines(text: &str, cont: Continuation) -> Vec<(usize, String)> {
    let sep = match cont {
        Continuation::None => {
            return text
                .lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l).to_string()))
                .collect();
        }
        Continuation::Backslash(sep) => sep,
    };
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let (body, more) = match raw.trim_end().strip_suffix('\\') {
            Some(b) => (format!("{b}{sep}"), true),
            None => (raw.to_string(), false),
        };
        match cur.as_mut() {
            Some((_, acc)) => acc.push_str(body.trim_start()),
            None => cur = Some((i + 1, body)),
        }
        if !more && let Some(c) = cur.take() {
            out.push(c);
        }
    }
    out.extend(cur);
    out
}

/// Guards `include` recursion the way the programs do: a file that includes
/// itself (directly or through others) or nesting deeper than `max_depth` is an
/// error that names the including line.
#[derive(Debug)]
pub struct Includes {
    stack: Vec<String>,
    max_depth: usize,
}

impl Includes {
    pub fn new(max_depth: usize) -> Includes {
        Includes {
            stack: Vec::new(),
            max_depth,
        }
    }

    /// Enters `path`; `from` is the including file and line (None for the main file).
    pub fn enter(&mut self, path: &str, from: Option<(&str, usize)>) -> Result<(), HostError> {
        let problem = if self.stack.iter().any(|p| p == path) {
            Some(format!("{path} includes itself"))
        } else if self.stack.len() > self.max_depth {
            Some(format!(
                "includes nested deeper than {} files",
                self.max_depth
            ))
        } else {
            None
        };
        if let Some(m) = problem {
            return Err(match from {
                Some((f, l)) => HostError::at(f, l, m),
                None => HostError::new(path, m),
            });
        }
        self.stack.push(path.to_string());
        Ok(())
    }

    pub fn leave(&mut self) {
        self.stack.pop();
    }

    pub fn depth(&self) -> usize {
        self.stack.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sshd_words_honour_both_quotes_escapes_and_hash_words() {
        let w = Lexer::SSHD
            .words(r#"AllowUsers "a b" 'c d' e\ f #x y"#)
            .unwrap();
        assert_eq!(w, vec!["AllowUsers", "a b", "c d", "e f"]);
        assert_eq!(
            Lexer::SSHD.words("Banner a#b").unwrap(),
            vec!["Banner", "a#b"]
        );
        let e = Lexer::SSHD.words("AllowUsers \"abc").unwrap_err();
        assert_eq!(e.column, 12);
    }

    #[test]
    fn pam_brackets_keep_spaces_and_escaped_brackets() {
        let w = Lexer::PAM
            .words("password [success=1 default=ignore] pam_unix.so obscure # c")
            .unwrap();
        assert_eq!(
            w,
            vec![
                "password",
                "[success=1 default=ignore]",
                "pam_unix.so",
                "obscure"
            ]
        );
        assert!(Lexer::PAM.words("password [success=1").is_err());
    }

    #[test]
    fn shell_words_keep_hash_as_text() {
        assert_eq!(
            Lexer::SHELL.words("-w /a#b -k 'x y'").unwrap(),
            vec!["-w", "/a#b", "-k", "x y"]
        );
    }

    #[test]
    fn continuation_lines_join() {
        let j = logical_lines("a \\\n  b\nc\r\nd\\\n", Continuation::Backslash(""));
        assert_eq!(j, vec![(1, "a b".into()), (3, "c".into()), (4, "d".into())]);
        let j = logical_lines("A=x\\\n y\n", Continuation::Backslash(" "));
        assert_eq!(j, vec![(1, "A=x y".into())]);
        let j = logical_lines("a\\\nb\n", Continuation::None);
        assert_eq!(j, vec![(1, "a\\".into()), (2, "b".into())]);
    }

    #[test]
    fn includes_stop_recursion_and_depth() {
        let mut inc = Includes::new(2);
        inc.enter("/a", None).unwrap();
        let e = inc.enter("/a", Some(("/a", 3))).unwrap_err();
        assert_eq!((e.path.as_str(), e.line), ("/a", Some(3)));
        inc.enter("/b", Some(("/a", 3))).unwrap();
        inc.enter("/c", Some(("/b", 1))).unwrap();
        assert!(inc.enter("/d", Some(("/c", 1))).is_err());
        inc.leave();
        assert_eq!(inc.depth(), 2);
    }
}
