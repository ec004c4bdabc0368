//! NFS `exports(5)`: `/etc/exports` and `/etc/exports.d/*.exports`. A client is
//! written directly before its options (`host(rw)`); options after a space
//! (`host (rw)`) apply to the world. `-opts` set default options for the line.

use crate::collect::host::conf::{FileRef, HostError, Line, listed_files, read_opt};
use crate::collect::host::lex::raw_words;
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

/// A token as exportfs reads it (xio.c `xgettok`): every `"` is dropped
/// wherever it stands (`"/srv/my share"`, `/srv/"a b"`, `"*"(rw)`), and `\ooo`
/// escapes are decoded.
fn decode_token(t: &str) -> String {
    decode_octal(&t.replace('"', ""))
}

/// exportfs's `\ooo` escapes, decoded the way `xgettok` (nfs-utils
/// support/nfs/xio.c) does while it reads a token: after each byte, the last
/// four bytes `\` + three octal digits become the byte they name when it is
/// below 256 (`\777` stays as written). A decoded byte can start a new escape
/// with the digits after it, as in exportfs (`\134040` ends as a space).
fn decode_octal(tok: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(tok.len());
    for &c in tok.as_bytes() {
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
    String::from_utf8_lossy(&out).into_owned()
}

fn split_opts(s: &str) -> Vec<String> {
    s.split(',')
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect()
}

pub fn parse(file: &FileRef, text: &str) -> Result<Vec<Export>, HostError> {
    let mut out = Vec::new();
    for (n, l) in crate::collect::host::conf::join_continuations(text) {
        // exportfs (xio.c `xskip`) sees a `#` only where a token would start:
        // `/srv/a#b` and `host#1(rw)` are names, `host(rw) #note` a comment.
        let mut toks = raw_words(&l);
        if let Some(c) = toks.iter().position(|t| t.starts_with('#')) {
            toks.truncate(c);
        }
        if toks.is_empty() {
            continue;
        }
        let path = decode_token(&toks[0]);
        if !path.starts_with('/') {
            return Err(HostError::at(
                &file.path,
                n,
                format!("export path `{path}` is not absolute"),
            ));
        }
        let mut defaults: Vec<String> = Vec::new();
        let mut clients = Vec::new();
        for tok in &toks[1..] {
            // exportfs decodes escapes while it reads the token, before it looks
            // for `-` or `(`: `\050` is a `(`.
            let tok = &decode_token(tok);
            if let Some(d) = tok.strip_prefix('-') {
                defaults = split_opts(d);
                continue;
            }
            let (host, opts) = match tok.find('(') {
                Some(p) => {
                    if !tok.ends_with(')') {
                        return Err(HostError::at(
                            &file.path,
                            n,
                            format!("unbalanced `(` in `{tok}`"),
                        ));
                    }
                    (tok[..p].to_string(), split_opts(&tok[p + 1..tok.len() - 1]))
                }
                None => (tok.clone(), Vec::new()),
            };
            let mut options = defaults.clone();
            options.extend(opts);
            clients.push(Client { host, options });
        }
        if clients.is_empty() {
            // A path alone is exported to everyone with the default options.
            clients.push(Client {
                host: String::new(),
                options: defaults,
            });
        }
        out.push(Export {
            path,
            clients,
            line: Line::new(file, n, &l),
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

impl Client {
    /// Does this client stand for everyone?
    pub fn is_world(&self) -> bool {
        use crate::catalogue::policies::{Check, policy};
        let Check::NfsExports { world, .. } = &policy("LNX-SHR-002").check else {
            unreachable!("LNX-SHR-002 is an nfs_exports check (policies/shares.yaml)");
        };
        let h = self.host.trim();
        h.is_empty() || world.iter().any(|w| w == h)
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
}
