//! NFS `exports(5)`: `/etc/exports` and `/etc/exports.d/*.exports`, read the way
//! exportfs reads them (a port of nfs-utils support/nfs/xio.c and the client
//! loop of exports.c `getexportent`; docs/host-settings.md lists the rules). A
//! client is written directly before its options (`host(rw)`); options after a
//! space (`host (rw)`) apply to the world. `-opts` set default options.

use crate::collect::host::conf::{FileRef, HostError, Line, listed_files, read_opt};
use crate::rootfs::RootFs;

#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    /// `*`, a host, `@netgroup`, a network; empty when the options stood alone
    /// (which exports to everyone).
    pub host: String,
    /// Effective options: the line's defaults, then the client's own.
    pub options: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub path: String,
    pub clients: Vec<Client>,
    pub line: Line,
}

#[derive(Clone, Debug, Default)]
pub struct Exports {
    pub files: Vec<FileRef>,
    pub exports: Vec<Export>,
}

/// The longest path and client token exportfs reads (`e_path` is
/// `NFS_MAXPATHLEN + 1` bytes, a client `exp[512]`); a longer one is a syntax
/// error that ends its reading of the file.
const MAX_PATH_TOKEN: usize = 1025;
const MAX_CLIENT_TOKEN: usize = 512;

/// Pushes one byte of a token and decodes a `\ooo` escape it completes, the way
/// `xgettok` (nfs-utils support/nfs/xio.c) does while it reads: when the last
/// four bytes are `\` and three octal digits naming a value below 256, they
/// become that byte (`\777` stays as written). A decoded byte can start a new
/// escape with the digits after it, as in exportfs (`\134040` ends as a space).
fn push_decoding(out: &mut Vec<u8>, c: u8) {
    out.push(c);
    let n = out.len();
    if n >= 4 && out[n - 4] == b'\\' && out[n - 3..].iter().all(|d| (b'0'..=b'7').contains(d)) {
        let v = out[n - 3..]
            .iter()
            .fold(0u32, |v, d| v * 8 + u32::from(d - b'0'));
        if let Ok(b) = u8::try_from(v) {
            out.truncate(n - 4);
            out.push(b);
        }
    }
}

/// C's `isspace` in the C locale: blank, tab, newline, VT, FF, CR.
fn c_space(c: u8) -> bool {
    c.is_ascii_whitespace() || c == 0x0b
}

/// A token that could not be read: too long, or an unterminated `"`.
enum BadToken {
    TooLong,
    Unterminated,
}

/// exportfs's reader of the exports file, a port of nfs-utils
/// support/nfs/xio.c: the file is a stream of bytes, not of lines.
struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    /// 1-based line of the next byte.
    line: usize,
}

impl Reader<'_> {
    /// `xgetc`: a `\` directly before a newline reads as one blank (a token
    /// separator), and the blanks and tabs that start the next line are skipped.
    fn getc(&mut self) -> Option<u8> {
        let c = *self.b.get(self.pos)?;
        self.pos += 1;
        if c == b'\\' && self.b.get(self.pos) == Some(&b'\n') {
            self.pos += 1;
            self.line += 1;
            while matches!(self.b.get(self.pos), Some(b' ' | b'\t')) {
                self.pos += 1;
            }
            return Some(b' ');
        }
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// `xungetc` of the byte just read (never a continuation: callers give
    /// back only a newline or a byte that is not a blank).
    fn unget(&mut self, c: u8) {
        self.pos -= 1;
        if c == b'\n' {
            self.line -= 1;
        }
    }

    /// `xskipcomment`: to the end of the line; a `\` there continues nothing.
    fn skip_comment(&mut self) -> Option<u8> {
        while let Some(&c) = self.b.get(self.pos) {
            self.pos += 1;
            if c == b'\n' {
                self.line += 1;
                return Some(c);
            }
        }
        None
    }

    /// `xskip`: passes the bytes of `set`; a `#` here, where a token would
    /// start, is a comment to the end of the line.
    fn skip(&mut self, set: &[u8]) {
        while let Some(mut c) = self.getc() {
            if c == b'#' {
                match self.skip_comment() {
                    Some(n) => c = n,
                    None => return,
                }
            }
            if !set.contains(&c) {
                self.unget(c);
                return;
            }
        }
    }

    /// `xgettok`: one token, up to a C blank outside double quotes. Every `"`
    /// is dropped wherever it stands (`"/srv/my share"`, `/srv/"a b"`), and
    /// `\ooo` escapes are decoded. `None` when it ends before a byte was kept
    /// (end of line or file, or a CR, VT or FF).
    fn token(&mut self, max: usize) -> Result<Option<String>, BadToken> {
        let mut tok = Vec::new();
        let mut quoted = false;
        while tok.len() < max {
            let Some(c) = self.getc() else { break };
            if !quoted && c_space(c) {
                if c == b'\n' {
                    self.unget(c);
                }
                break;
            }
            if c == b'"' {
                quoted = !quoted;
                continue;
            }
            push_decoding(&mut tok, c);
        }
        if tok.len() >= max {
            return Err(BadToken::TooLong);
        }
        if quoted {
            // exportfs would read on to the next `"` or the end of the file,
            // newlines included, as one name.
            return Err(BadToken::Unterminated);
        }
        Ok((!tok.is_empty()).then(|| String::from_utf8_lossy(&tok).into_owned()))
    }
}

fn split_opts(s: &str) -> Vec<String> {
    s.split(',')
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect()
}

/// A client token (`host`, `host(opts)`, `(opts)` for everyone), its options
/// after the line's defaults. As in getexportent, the list runs from the first
/// `(` to the first `)`, which must end the token (`h(rw)(ro)` is an error).
fn client(tok: &str, defaults: &[String]) -> Result<Client, String> {
    let (host, opts) = match tok.find('(') {
        Some(p) => {
            let list = &tok[p + 1..];
            if list.find(')') != Some(list.len() - 1) {
                return Err(format!("bad option list in `{tok}`"));
            }
            (tok[..p].to_string(), split_opts(&list[..list.len() - 1]))
        }
        None => (tok.to_string(), Vec::new()),
    };
    let mut options = defaults.to_vec();
    options.extend(opts);
    Ok(Client { host, options })
}

fn bad_token(file: &FileRef, n: usize, e: BadToken, what: &str) -> HostError {
    let m = match e {
        BadToken::TooLong => format!("{what} longer than exportfs reads"),
        BadToken::Unterminated => format!("unterminated `\"` in {what}"),
    };
    HostError::at(&file.path, n, m)
}

/// The clients of one entry, as getexportent (exports.c) reads them, one per
/// call: a token that starts with `-` adds default options for the rest of the
/// line, and the token after it is a client even if it starts with `-` too.
/// Nothing after the path, or after a `-` token, is the anonymous client:
/// everyone. `end` moves past the last token read; errors cite line `n`.
fn read_clients(
    r: &mut Reader,
    end: &mut usize,
    file: &FileRef,
    n: usize,
) -> Result<Vec<Client>, HostError> {
    let next = |r: &mut Reader, end: &mut usize| {
        r.skip(b" \t");
        let t = r
            .token(MAX_CLIENT_TOKEN)
            .map_err(|e| bad_token(file, n, e, "a client"))?;
        if t.is_some() {
            *end = r.pos;
        }
        Ok::<_, HostError>(t)
    };
    let mut defaults: Vec<String> = Vec::new();
    let mut clients = Vec::new();
    let mut first = true;
    loop {
        let mut tok = next(r, end)?;
        let mut after_defaults = false;
        if let Some(d) = tok.as_deref().and_then(|t| t.strip_prefix('-')) {
            defaults.extend(split_opts(d));
            after_defaults = true;
            tok = next(r, end)?;
        }
        match tok {
            Some(t) => {
                clients.push(client(&t, &defaults).map_err(|m| HostError::at(&file.path, n, m))?)
            }
            None => {
                if first || after_defaults {
                    clients.push(Client {
                        host: String::new(),
                        options: defaults,
                    });
                }
                return Ok(clients);
            }
        }
        first = false;
    }
}

/// The text of an entry for its excerpt: continuations shown as one blank.
fn entry_text(raw: &str) -> String {
    raw.split("\\\n")
        .map(|s| s.trim_start_matches([' ', '\t']))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads the exports file the way exportfs does (nfs-utils support/nfs/xio.c
/// and exports.c `getexportent`): each entry is a path, then clients up to the
/// end of the line, where a `\` before the newline continues the entry and
/// separates tokens like a blank.
pub fn parse(file: &FileRef, text: &str) -> Result<Vec<Export>, HostError> {
    let mut r = Reader {
        b: text.as_bytes(),
        pos: 0,
        line: 1,
    };
    let mut out = Vec::new();
    loop {
        r.skip(b" \t\n");
        let n = r.line;
        let start = r.pos;
        let path = match r.token(MAX_PATH_TOKEN) {
            Ok(Some(p)) => p,
            Ok(None) if r.pos >= r.b.len() => break,
            Ok(None) => {
                return Err(HostError::at(
                    &file.path,
                    n,
                    "a carriage return (or vertical tab, form feed) where exportfs expects an export path: exportfs stops reading the file here (a Windows line end on an empty line?)",
                ));
            }
            Err(e) => return Err(bad_token(file, n, e, "an export path")),
        };
        if !path.starts_with('/') {
            return Err(HostError::at(
                &file.path,
                n,
                format!("export path `{path}` is not absolute"),
            ));
        }
        let mut end = r.pos;
        let clients = read_clients(&mut r, &mut end, file, n)?;
        out.push(Export {
            path,
            clients,
            line: Line::new(file, n, &entry_text(&text[start..end])),
        });
    }
    Ok(out)
}

/// The `files:` of policy LNX-SHR-002 (`policies/shares.yaml`), the single
/// source of these paths (a `*.exports` pattern: its folder's files).
fn exports_files() -> &'static [String] {
    use crate::catalogue::policies::{Check, policy};
    match &policy("LNX-SHR-002").check {
        Check::NfsExports { files, .. } => files,
        _ => unreachable!("LNX-SHR-002 is an nfs_exports check (policies/shares.yaml)"),
    }
}

pub fn collect(fs: &RootFs) -> Option<Result<Exports, HostError>> {
    let paths = match listed_files(fs, exports_files()) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let mut ex = Exports::default();
    for p in paths {
        match read_opt(fs, &p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                match parse(&fr, &f.text()) {
                    Ok(v) => ex.exports.extend(v),
                    Err(e) => return Some(Err(e)),
                }
                ex.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    (!ex.files.is_empty()).then_some(Ok(ex))
}

/// A client that admits every host although it is not in the policy's
/// `world:` list, judged by its type the way exportfs's `client_gettype`
/// (nfs-utils support/export/client.c) tells types apart: a wildcard made of
/// `*` and `?` only (`**`, `?*`) matches every host name, and a network whose
/// mask is zero (`10.0.0.0/0`, `192.168.1.0/0.0.0.0`, `fd00::/0`) every
/// address. A netgroup (`@group`) or `gss/...` is never everyone.
fn matches_everyone(h: &str) -> bool {
    if h.starts_with('@') || h.starts_with("gss/") {
        return false;
    }
    let b = h.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'*' | b'?' | b'[' => {
                return h.contains('*') && h.bytes().all(|c| c == b'*' || c == b'?');
            }
            b'/' => return zero_mask(&h[i + 1..]),
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    false
}

/// A netmask (`0`, `0.0.0.0`, `::`) or prefix length that keeps no bit.
fn zero_mask(m: &str) -> bool {
    if m.contains(['.', ':']) {
        m.parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_unspecified())
    } else {
        m.parse::<u32>() == Ok(0)
    }
}

impl Client {
    /// Does this client stand for everyone?
    pub fn is_world(&self) -> bool {
        use crate::catalogue::policies::{Check, policy};
        let Check::NfsExports { world, .. } = &policy("LNX-SHR-002").check else {
            unreachable!("LNX-SHR-002 is an nfs_exports check (policies/shares.yaml)");
        };
        let h = self.host.trim();
        h.is_empty() || world.iter().any(|w| w == h) || matches_everyone(h)
    }
    /// The last of `root_squash` / `no_root_squash` wins; the default squashes.
    pub fn no_root_squash(&self) -> bool {
        self.options
            .iter()
            .rev()
            .find(|o| *o == "root_squash" || *o == "no_root_squash")
            .is_some_and(|o| o == "no_root_squash")
    }
    pub fn label(&self) -> String {
        let h = if self.host.is_empty() {
            "(everyone)"
        } else {
            &self.host
        };
        format!("{h}({})", self.options.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

    #[test]
    fn the_exports_paths_come_from_the_policy() {
        assert_eq!(
            exports_files(),
            ["/etc/exports", "/etc/exports.d/*.exports"]
        );
        // The world-wide clients are the policy's `world:` (and a missing host).
        for (h, world) in [
            ("*", true),
            ("0.0.0.0/0", true),
            ("0.0.0.0/0.0.0.0", true),
            ("::/0", true),
            ("0/0", true),
            ("", true),
            ("10.0.0.0/8", false),
            ("@office", false),
            // Not listed in the policy, yet every host or address.
            ("**", true),
            ("?*", true),
            ("10.0.0.0/0", true),
            ("192.168.1.0/00", true),
            ("192.168.1.0/0.0.0.0", true),
            ("fd00::/0", true),
            ("fd00::/::", true),
            ("*.example.jp", false),
            ("cad?", false),
            ("cad[0-9]", false),
            ("192.168.1.0/255.255.255.0", false),
            ("10.0.0.0/1", false),
            ("@*", false),
            ("gss/krb5", false),
        ] {
            let c = Client {
                host: h.into(),
                options: vec![],
            };
            assert_eq!(c.is_world(), world, "{h}");
        }
    }

    fn fr() -> FileRef {
        FileRef {
            kind: EvidenceKind::Config,
            path: "/etc/exports".into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn the_exports_manpage_sample() {
        let t = std::fs::read_to_string("tests/fixtures/corpus/exports-nfsutils-manpage-sample")
            .unwrap();
        let e = parse(&fr(), &t).unwrap();
        assert_eq!(e.len(), 8);
        let root = &e[0];
        assert_eq!(root.path, "/");
        assert!(
            root.clients
                .iter()
                .any(|c| c.host == "trusty" && c.no_root_squash())
        );
        assert!(!root.clients[0].no_root_squash());
        let pubx = e.iter().find(|x| x.path == "/pub").unwrap();
        assert!(pubx.clients[0].is_world());
        let www = e.iter().find(|x| x.path == "/srv/www").unwrap();
        assert_eq!(www.clients.len(), 3);
        assert_eq!(www.clients[0].options, vec!["sync", "rw"]);
        assert_eq!(www.clients[2].options, vec!["sync", "rw", "ro"]);
        let foo = e.iter().find(|x| x.path == "/foo").unwrap();
        assert_eq!(foo.clients[0].host, "2001:db8:9:e54::/64");
        assert!(
            e.iter()
                .all(|x| x.clients.iter().all(|c| x.path == "/pub" || !c.is_world()))
        );
    }

    #[test]
    fn a_space_before_options_exports_to_the_world() {
        let e = parse(&fr(), "/srv/share   192.168.1.10 (rw,no_root_squash)\n\"/srv/my\\040docs\" *.example.jp(ro)\n/srv/lone\n").unwrap();
        assert_eq!(e[0].clients.len(), 2);
        assert_eq!(e[0].clients[0].host, "192.168.1.10");
        assert!(e[0].clients[0].options.is_empty());
        assert!(e[0].clients[1].is_world());
        assert!(e[0].clients[1].no_root_squash());
        assert_eq!(e[1].path, "/srv/my docs");
        assert!(!e[1].clients[0].is_world());
        assert!(e[2].clients[0].is_world());
    }

    #[test]
    fn octal_escapes_are_decoded_in_every_token_as_exportfs_does() {
        let e = parse(
            &fr(),
            r"/srv/\350\250\255\350\250\210 cad\04001(rw) \052(ro)
/srv/a\777b \134040x host\050rw,no_root_squash\051
",
        )
        .unwrap();
        // UTF-8 bytes written as escapes make the Japanese name 設計.
        assert_eq!(e[0].path, "/srv/設計");
        assert_eq!(e[0].clients[0].host, "cad 01");
        // `\052` is `*`: everyone.
        assert!(e[0].clients[1].is_world());
        // `\777` (511) is no byte and stays as written; a decoded `\` starts a new escape.
        assert_eq!(e[1].path, "/srv/a\\777b");
        assert_eq!(e[1].clients[0].host, " x");
        // `\050` and `\051` are the parentheses of an option list.
        assert_eq!(e[1].clients[1].host, "host");
        assert!(e[1].clients[1].no_root_squash());
    }

    #[test]
    fn a_hash_is_a_comment_only_where_a_token_starts() {
        let e = parse(
            &fr(),
            "# all\n/srv/share/design#old *(rw) # note\n/srv/share/design cad#1(rw) *(ro)\n/srv/it's 10.0.0.1(ro) #x *(rw)\n",
        )
        .unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].path, "/srv/share/design#old");
        assert_eq!(e[0].clients.len(), 1);
        // Cutting at the `#` inside `cad#1(rw)` would hide the world export after it.
        assert_eq!(e[1].clients[0].host, "cad#1");
        assert!(e[1].clients[1].is_world());
        // A single quote is no quote for exportfs; the comment still ends the line.
        assert_eq!(e[2].path, "/srv/it's");
        assert_eq!(e[2].clients.len(), 1);
        assert!(!e[2].clients[0].is_world());
    }

    #[test]
    fn double_quotes_are_removed_anywhere_in_a_token() {
        let e = parse(
            &fr(),
            "\"/srv/my share\" cad01(rw)\n/srv/\"a b\"/c \"*\"(ro)\n/srv/x \"cad 01\"(rw) \"*(rw,no_root_squash)\"\n",
        )
        .unwrap();
        assert_eq!(e[0].path, "/srv/my share");
        assert_eq!(e[1].path, "/srv/a b/c");
        assert!(e[1].clients[0].is_world());
        assert_eq!(e[2].clients[0].host, "cad 01");
        assert!(e[2].clients[1].is_world() && e[2].clients[1].no_root_squash());
    }

    #[test]
    fn a_continuation_separates_tokens_like_a_blank() {
        let t = "/srv/share/\\\ndesign\n/srv/share\\\n  *(ro)\n# /srv/old 10.0.0.0/8(rw) \\\n/srv/share/design *(rw)\n/srv/a cad01(rw) # note \\\n/srv/b 10.0.0.1(rw)\n\"/srv/my\\\n  share\" cad01(rw)\n";
        let e = parse(&fr(), t).unwrap();
        let got: Vec<(&str, usize, Vec<&str>)> = e
            .iter()
            .map(|x| {
                (
                    x.path.as_str(),
                    x.line.line,
                    x.clients.iter().map(|c| c.host.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                // Not /srv/share/design exported to everyone: the host `design`.
                ("/srv/share/", 1, vec!["design"]),
                ("/srv/share", 3, vec!["*"]),
                // A comment ends at its newline, backslash or not.
                ("/srv/share/design", 6, vec!["*"]),
                ("/srv/a", 7, vec!["cad01"]),
                ("/srv/b", 8, vec!["10.0.0.1"]),
                // Inside quotes the continuation is a blank of the name.
                ("/srv/my share", 9, vec!["cad01"]),
            ]
        );
        assert_eq!(e[0].line.text, "/srv/share/ design");
        assert!(!e[0].clients[0].is_world());
        // A backslash with a blank after it continues nothing: `\` is a client
        // and the next line is an entry of its own.
        let e = parse(&fr(), "/srv/a cad01(rw) \\ \n/srv/b *(ro)\n").unwrap();
        assert_eq!(e[0].clients[1].host, "\\");
        assert_eq!(e[1].path, "/srv/b");
    }

    #[test]
    fn windows_line_ends_unterminated_quotes_and_long_tokens() {
        let e = parse(&fr(), "/srv/a *(ro)\r\n# c\r\n/srv/b cad01(rw) \r\n").unwrap();
        assert_eq!(e.len(), 2);
        assert!(e[0].clients[0].is_world());
        assert_eq!(e[1].clients[0].host, "cad01");
        // `\` before CR LF continues nothing: CR is a blank, `\` a client.
        let e = parse(&fr(), "/srv/a cad01(rw) \\\r\n/srv/b *(ro)\r\n").unwrap();
        assert_eq!(e[0].clients[1].host, "\\");
        assert_eq!(e[1].path, "/srv/b");
        // On an empty CRLF line exportfs finds no path and stops reading the file.
        let err = parse(&fr(), "/srv/a cad01(rw)\r\n\r\n/srv/b *(rw)\r\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("stops reading"), "{}", err.message);
        let err = parse(&fr(), "/srv/a cad01(rw)\n/srv/\"b *(rw)\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("unterminated"));
        let long = format!("/srv/{} *(rw)\n", "a".repeat(1100));
        assert!(parse(&fr(), &long).unwrap_err().message.contains("longer"));
        let long = format!("/srv/a {}(rw)\n", "h".repeat(600));
        assert!(parse(&fr(), &long).unwrap_err().message.contains("client"));
    }

    #[test]
    fn default_options_add_up_and_a_trailing_one_exports_to_everyone() {
        let e = parse(
            &fr(),
            "/srv/a -rw cad01 -no_root_squash cad02(ro)\n/srv/b cad01(rw) -no_root_squash\n/srv/c -ro\n/srv/d -ro -rw\n",
        )
        .unwrap();
        // Defaults apply to the clients after them and add up.
        assert_eq!(e[0].clients[0].options, vec!["rw"]);
        assert!(!e[0].clients[0].no_root_squash());
        assert_eq!(e[0].clients[1].options, vec!["rw", "no_root_squash", "ro"]);
        assert!(e[0].clients[1].no_root_squash());
        // A `-` token with nothing after it is a client: everyone.
        assert_eq!(e[1].clients.len(), 2);
        assert!(e[1].clients[1].is_world() && e[1].clients[1].no_root_squash());
        assert!(e[2].clients[0].is_world());
        assert_eq!(e[2].clients[0].options, vec!["ro"]);
        // Right after a `-` token, `-rw` is a host name, as in getexportent.
        assert_eq!(e[3].clients.len(), 1);
        assert_eq!(e[3].clients[0].host, "-rw");
    }

    #[test]
    fn an_option_list_ends_at_its_first_parenthesis() {
        for bad in ["cad01(rw)(ro)", "cad01(rw", "cad01(r)w)", "cad01(rw))"] {
            let err = parse(&fr(), &format!("/srv/a {bad}\n")).unwrap_err();
            assert!(err.message.contains("bad option list"), "{bad}");
        }
        let e = parse(&fr(), "/srv/a (rw) cad01() cad02(ro,sync)\n").unwrap();
        assert!(e[0].clients[0].is_world());
        assert!(e[0].clients[1].options.is_empty());
        assert_eq!(e[0].clients[2].options, vec!["ro", "sync"]);
    }
}
