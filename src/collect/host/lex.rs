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
    /// Double quotes only, `#` is text (logrotate patterns).
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
        let tokens = self.tokens(line, &Split::WORDS)?;
        Ok(tokens
            .into_iter()
            .map(|t| match t {
                Token::Word(w) => w,
                Token::Punct(c) => c.to_string(),
            })
            .collect())
    }

    /// Splits one logical line into words and punctuation, with the extra rules
    /// of `split` (see [`Split`]).
    pub fn tokens(&self, line: &str, split: &Split) -> Result<Vec<Token>, LexError> {
        let mut scan = Scan::new(self, split);
        let mut chars = line.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            if scan.open.is_some() {
                scan.inside(c, &mut chars);
            } else if scan.outside(i, c, &mut chars) == Flow::EndOfLine {
                break;
            }
        }
        scan.finish()
    }
}

/// Rules beyond a [`Lexer`]'s that some formats need when splitting a line.
#[derive(Clone, Copy, Debug)]
pub struct Split {
    /// Characters that are tokens of their own outside quotes (nft's `{`, `}`, `;`).
    pub punct: &'static [char],
    /// Quote characters stay in the word (`"a b"` → `"a b"`), for formats whose
    /// parser looks at them later.
    pub keep_quotes: bool,
    /// A quote (or bracket) still open at the end of the line closes there
    /// instead of being an error.
    pub open_quote_ends_at_eol: bool,
}

impl Split {
    /// Plain words: no punctuation, quotes removed, an open quote is an error.
    pub const WORDS: Split = Split {
        punct: &[],
        keep_quotes: false,
        open_quote_ends_at_eol: false,
    };
}

/// A piece of a line split by [`Lexer::tokens`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Word(String),
    /// One of [`Split::punct`].
    Punct(char),
}

type Chars<'a> = std::iter::Peekable<std::iter::Enumerate<std::str::Chars<'a>>>;

#[derive(PartialEq, Eq)]
enum Flow {
    Next,
    EndOfLine,
}

/// The state of one line being split.
struct Scan<'a> {
    lexer: &'a Lexer,
    split: &'a Split,
    out: Vec<Token>,
    cur: String,
    /// A word has started (possibly empty so far: `""`).
    started: bool,
    /// The open quote or bracket: (closing char, 1-based column of the opener).
    open: Option<(char, usize)>,
}

impl<'a> Scan<'a> {
    fn new(lexer: &'a Lexer, split: &'a Split) -> Scan<'a> {
        Scan {
            lexer,
            split,
            out: Vec::new(),
            cur: String::new(),
            started: false,
            open: None,
        }
    }

    fn bracket_close(&self) -> Option<char> {
        self.lexer.brackets.map(|b| b.1)
    }

    /// One character inside quotes or brackets.
    fn inside(&mut self, c: char, chars: &mut Chars) {
        let Some((close, _)) = self.open else {
            return;
        };
        if self.lexer.backslash && c == '\\' && close == '"' {
            if let Some((_, n)) = chars.next() {
                self.cur.push(n);
            }
        } else if Some(close) == self.bracket_close() && c == '\\' {
            // `\]` keeps a bracket inside a PAM control value.
            if let Some(&(_, n)) = chars.peek()
                && n == close
            {
                chars.next();
                self.cur.push(n);
            } else {
                self.cur.push(c);
            }
        } else if c == close {
            self.open = None;
            if self.bracket_close() == Some(c) || self.split.keep_quotes {
                self.cur.push(c);
            }
        } else {
            self.cur.push(c);
        }
    }

    /// Opens a quote at 0-based character `i`.
    fn quote(&mut self, q: char, i: usize) {
        self.open = Some((q, i + 1));
        self.started = true;
        if self.split.keep_quotes {
            self.cur.push(q);
        }
    }

    /// One character outside quotes and brackets.
    fn outside(&mut self, i: usize, c: char, chars: &mut Chars) -> Flow {
        let lx = self.lexer;
        match c {
            '"' if lx.double => self.quote('"', i),
            '\'' if lx.single => self.quote('\'', i),
            '\\' if lx.backslash => {
                if let Some((_, n)) = chars.next() {
                    self.cur.push(n);
                }
                self.started = true;
            }
            '#' if lx.hash == Hash::Anywhere || (lx.hash == Hash::WordStart && !self.started) => {
                return Flow::EndOfLine;
            }
            c if self.split.punct.contains(&c) => {
                self.end_word();
                self.out.push(Token::Punct(c));
            }
            c if lx.brackets.map(|b| b.0) == Some(c) && !self.started => {
                self.open = Some((self.bracket_close().unwrap_or(']'), i + 1));
                self.cur.push(c);
                self.started = true;
            }
            c if c.is_whitespace() => self.end_word(),
            c => {
                self.cur.push(c);
                self.started = true;
            }
        }
        Flow::Next
    }

    fn end_word(&mut self) {
        if self.started {
            self.out.push(Token::Word(std::mem::take(&mut self.cur)));
            self.started = false;
        }
    }

    fn finish(mut self) -> Result<Vec<Token>, LexError> {
        if let Some((close, column)) = self.open
            && !self.split.open_quote_ends_at_eol
        {
            return Err(LexError {
                column,
                message: format!("unterminated `{close}`"),
            });
        }
        self.end_word();
        Ok(self.out)
    }
}

// ----------------------------------------------- token grammars, raw words, shell values

/// One token of [`Lexer::grammar_tokens`] (a token grammar, unlike the
/// shell-like [`Token`] of [`Lexer::tokens`]: a quoted string is its own token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrammarToken {
    /// One of the punctuation characters given to [`Lexer::grammar_tokens`], outside quotes.
    Punct(char),
    /// A bare word: up to a blank, a punctuation character or a quote.
    Word(String),
    /// A quoted string, quotes removed and escapes resolved.
    Quoted(String),
}

impl GrammarToken {
    /// The text: a word's or string's content, a punctuation character itself.
    pub fn text(&self) -> String {
        match self {
            GrammarToken::Punct(c) => c.to_string(),
            GrammarToken::Word(s) | GrammarToken::Quoted(s) => s.clone(),
        }
    }

    /// The token as written (a string in double quotes), for messages.
    pub fn shown(&self) -> String {
        match self {
            GrammarToken::Quoted(s) => format!("\"{s}\""),
            t => t.text(),
        }
    }
}

impl Lexer {
    /// kmod (`modprobe.d`): words split at blanks only, no quotes or escapes,
    /// `#` is text (a line whose first word starts with `#` is a comment; the
    /// caller checks, as kmod does).
    pub const KMOD: Lexer = Lexer {
        double: false,
        single: false,
        backslash: false,
        hash: Hash::Text,
        brackets: None,
    };
    /// USBGuard rules, a token grammar: `"…"` strings with `\` escapes, `#` is
    /// text; `{` and `}` are tokens of their own (given to [`Lexer::grammar_tokens`]).
    pub const USBGUARD: Lexer = Lexer {
        double: true,
        single: false,
        backslash: true,
        hash: Hash::Text,
        brackets: None,
    };

    /// Splits a line of a token grammar (USBGuard rules). Unlike the shell-like
    /// [`Lexer::words`], a quoted string is always a token of its own (`a"b"` is
    /// `a`, then the string `b`), `\` escapes only inside double quotes, and each
    /// of `punct` outside quotes is a token even without blanks around it. A `#`
    /// that starts a token ends the line unless `hash` is [`Hash::Text`]
    /// ([`Hash::Anywhere`]: also inside a bare word). `brackets` is not used.
    pub fn grammar_tokens(
        &self,
        line: &str,
        punct: &[char],
    ) -> Result<Vec<GrammarToken>, LexError> {
        let quote = |c: char| (c == '"' && self.double) || (c == '\'' && self.single);
        let mut out = Vec::new();
        let mut chars = line.chars().enumerate().peekable();
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if punct.contains(&c) {
                chars.next();
                out.push(GrammarToken::Punct(c));
            } else if quote(c) {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\\')) if self.backslash && c == '"' => {
                            if let Some((_, n)) = chars.next() {
                                s.push(n);
                            }
                        }
                        Some((_, q)) if q == c => break,
                        Some((_, x)) => s.push(x),
                        None => {
                            return Err(LexError {
                                column: i + 1,
                                message: format!("unterminated `{c}`"),
                            });
                        }
                    }
                }
                out.push(GrammarToken::Quoted(s));
            } else if c == '#' && self.hash != Hash::Text {
                break;
            } else {
                let mut w = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace()
                        || punct.contains(&c)
                        || quote(c)
                        || (c == '#' && self.hash == Hash::Anywhere)
                    {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                out.push(GrammarToken::Word(w));
            }
        }
        Ok(out)
    }
}

/// Words split at blanks outside double quotes, the quotes kept in the word; an
/// unterminated quote runs to the end of the line. For formats that read the
/// quotes themselves: allowed_signers' `namespaces="a,b"` option. (exports(5)
/// is read by exportfs's own stream reader in `linux/nfs.rs`: its continuations,
/// comments and quotes cross line boundaries.)
pub fn raw_words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_q = false;
    for c in line.chars() {
        match c {
            '"' => {
                in_q = !in_q;
                cur.push(c);
            }
            c if c.is_whitespace() && !in_q => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The value of a shell assignment (`/etc/default/grub`): the first word, quotes
/// removed, `$VAR` and `${VAR}` replaced by `var(name)` outside single quotes
/// (an unknown variable is empty, a `$` without a name stays). Ends at the first
/// blank outside quotes.
pub fn shell_value(v: &str, var: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = v.chars().collect();
    let mut i = 0;
    let mut in_s = false;
    let mut in_d = false;
    while i < chars.len() {
        match chars[i] {
            '\'' if !in_d => in_s = !in_s,
            '"' if !in_s => in_d = !in_d,
            '$' if !in_s => {
                let (name, next) = shell_var_name(&chars, i);
                if name.is_empty() {
                    out.push('$');
                    i += 1;
                    continue;
                }
                if let Some(val) = var(&name) {
                    out.push_str(&val);
                }
                i = next;
                continue;
            }
            c if c.is_whitespace() && !in_s && !in_d => break,
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// The variable name after the `$` at `chars[at]` (`$NAME` or `${NAME}`) and
/// where the text after it starts; an empty name for a lone `$` or an unclosed `${`.
fn shell_var_name(chars: &[char], at: usize) -> (String, usize) {
    if chars.get(at + 1) == Some(&'{') {
        let end = chars[at + 2..]
            .iter()
            .position(|c| *c == '}')
            .map(|p| p + at + 2);
        match end {
            Some(e) => (chars[at + 2..e].iter().collect(), e + 1),
            None => (String::new(), at + 1),
        }
    } else {
        let len = chars[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
            .count();
        (chars[at + 1..at + 1 + len].iter().collect(), at + 1 + len)
    }
}

/// How a line continues on the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Continuation {
    /// Every line stands alone.
    None,
    /// A trailing `\` joins the next line; the next line's leading whitespace is
    /// dropped and `sep` put where the backslash was (kmod, Samba: "";
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
    fn usbguard_tokens_keep_strings_apart_from_braces() {
        use GrammarToken::*;
        let t = Lexer::USBGUARD
            .grammar_tokens(
                r#"allow name "a \"b\" {c}" with-interface one-of {08:*:* "{"}"#,
                &['{', '}'],
            )
            .unwrap();
        assert_eq!(
            t,
            vec![
                Word("allow".into()),
                Word("name".into()),
                Quoted(r#"a "b" {c}"#.into()),
                Word("with-interface".into()),
                Word("one-of".into()),
                Punct('{'),
                Word("08:*:*".into()),
                Quoted("{".into()),
                Punct('}'),
            ]
        );
        // A string is a token of its own; `\` outside quotes is text.
        let t = Lexer::USBGUARD.grammar_tokens(r#"a"b"c \x"#, &[]).unwrap();
        assert_eq!(
            t,
            vec![
                Word("a".into()),
                Quoted("b".into()),
                Word("c".into()),
                Word("\\x".into())
            ]
        );
        assert_eq!(t[1].shown(), "\"b\"");
        let e = Lexer::USBGUARD.grammar_tokens("id \"abc", &[]).unwrap_err();
        assert_eq!(e.column, 4);
        assert_eq!(
            Lexer::KMOD
                .words("install  usb-storage /bin/true #x")
                .unwrap(),
            vec!["install", "usb-storage", "/bin/true", "#x"]
        );
    }

    #[test]
    fn tokens_split_punctuation_and_can_keep_quotes() {
        let nft = Lexer {
            double: true,
            single: false,
            backslash: false,
            hash: Hash::Text,
            brackets: None,
        };
        let split = Split {
            punct: &['{', '}', ';'],
            keep_quotes: true,
            open_quote_ends_at_eol: false,
        };
        let t = nft
            .tokens(r#"chain "in put"{type filter;}'a'"#, &split)
            .unwrap();
        let w = |s: &str| Token::Word(s.into());
        assert_eq!(
            t,
            vec![
                w("chain"),
                w("\"in put\""),
                Token::Punct('{'),
                w("type"),
                w("filter"),
                Token::Punct(';'),
                Token::Punct('}'),
                w("'a'")
            ]
        );
        assert_eq!(nft.tokens("a \"b c", &split).unwrap_err().column, 3);
        let lenient = Split {
            open_quote_ends_at_eol: true,
            ..split
        };
        assert_eq!(
            nft.tokens("a \"b c", &lenient).unwrap(),
            vec![w("a"), w("\"b c")]
        );
        // Plain words: an empty quoted word is a word.
        assert_eq!(
            Lexer::DOUBLE.words(r#"a "" b"#).unwrap(),
            vec!["a", "", "b"]
        );
    }

    #[test]
    fn raw_words_keep_quotes_and_shell_values_expand() {
        assert_eq!(
            raw_words(r#""/srv/a b" h(rw) namespaces="x,y" k"#),
            vec![r#""/srv/a b""#, "h(rw)", r#"namespaces="x,y""#, "k"]
        );
        assert_eq!(raw_words(r#"a "b c"#), vec!["a", r#""b c"#]);
        let var = |n: &str| (n == "A").then(|| "x y".to_string());
        assert_eq!(shell_value(r#""$A ${A}-$B" tail"#, var), "x y x y-");
        assert_eq!(shell_value(r#"'$A'"$" ${A"#, var), "$A$");
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
