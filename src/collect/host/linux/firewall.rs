//! Firewalls: nftables (includes followed; a base chain without `policy` accepts),
//! iptables-save files, ufw, and firewalld with its default zone's target.

use crate::catalogue::policies::{Check, policy};
use crate::collect::host::conf::{
    FileRef, HostError, Line, glob_host, has_glob, key_values, read_opt, strip_hash_comment,
    unquote,
};
use crate::collect::host::lex::{Hash, LexError, Lexer, Split, Token};
use crate::rootfs::RootFs;

// ------------------------------------------------------------------ nftables

/// A chain declared with a `hook` (a base chain).
#[derive(Clone, Debug, PartialEq)]
pub struct NftChain {
    pub family: String,
    pub table: String,
    pub name: String,
    pub hook: String,
    /// `policy` as declared (None: the default, accept).
    pub policy: Option<String>,
    /// The line declaring the hook.
    pub line: Line,
    /// The line setting the policy.
    pub policy_line: Option<Line>,
}

#[derive(Clone, Debug, Default)]
pub struct Nftables {
    pub files: Vec<FileRef>,
    pub chains: Vec<NftChain>,
    /// Includes of a file that does not exist: `nft -f` refuses the whole ruleset.
    pub missing_includes: Vec<Line>,
}

/// The main nftables files (the first that exists is read): the `files:` of
/// policy LNX-FW-001 (`policies/firewall.yaml`), the single source of these paths.
pub fn nft_main() -> Vec<&'static str> {
    let Check::Nftables { files, .. } = &policy("LNX-FW-001").check else {
        unreachable!("LNX-FW-001 is an nftables check (policies/firewall.yaml)");
    };
    files.iter().map(String::as_str).collect()
}

pub fn collect_nft(fs: &RootFs) -> Option<Result<Nftables, HostError>> {
    let mut found = None;
    for p in nft_main() {
        match read_opt(fs, p) {
            Ok(Some(f)) => {
                found = Some(f);
                break;
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    let f = found?;
    let mut n = Nftables::default();
    let mut st = NftState::default();
    Some(nft_file(fs, &f, &mut n, &mut st, 0).map(|_| {
        n.chains = st.chains;
        n
    }))
}

#[derive(Default)]
struct NftState {
    chains: Vec<NftChain>,
}

#[derive(Clone, Debug)]
enum Block {
    Table(String, String),
    /// index into chains (or usize::MAX when the chain has no hook yet)
    Chain(String, String, String),
    Other,
}

/// A token of the nft language with its line number.
#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Open,
    Close,
    End,
}

/// nft's words (on the shared lexer): `"…"` groups a word and stays in it (the
/// parser unquotes where nft does), no escapes, `#` is left to
/// [`strip_hash_comment`]; a quote still open at the end of the line closes there.
const NFT: Lexer = Lexer {
    double: true,
    single: false,
    backslash: false,
    hash: Hash::Text,
    brackets: None,
};
/// `{`, `}` and `;` are tokens of their own.
const NFT_SPLIT: Split = Split {
    punct: &['{', '}', ';'],
    keep_quotes: true,
    open_quote_ends_at_eol: true,
};

/// The tokens of a ruleset file, each with its physical line. Continuation lines
/// are handled here, not by
/// [`logical_lines`](crate::collect::host::lex::logical_lines): a `#` comment is
/// stripped before the trailing `\` is looked for, and every token keeps the line
/// it is on (a chain's hook is cited at its own line).
fn nft_tokens(text: &str) -> Result<Vec<(Tok, usize)>, (usize, LexError)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = strip_hash_comment(raw).trim_end();
        let (body, cont) = match line.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        for t in NFT.tokens(body, &NFT_SPLIT).map_err(|e| (n, e))? {
            let tok = match t {
                Token::Word(w) => Tok::Word(w),
                Token::Punct('{') => Tok::Open,
                Token::Punct('}') => Tok::Close,
                Token::Punct(_) => Tok::End,
            };
            out.push((tok, n));
        }
        if !cont {
            out.push((Tok::End, n));
        }
    }
    Ok(out)
}

fn nft_file(
    fs: &RootFs,
    f: &crate::rootfs::HostFile,
    n: &mut Nftables,
    st: &mut NftState,
    depth: usize,
) -> Result<(), HostError> {
    // nft's own limit, and its message for a file that includes itself too:
    // lex::Includes would name the cycle instead.
    if depth > 16 {
        return Err(HostError::new(&f.path, "include nesting too deep"));
    }
    let fr = FileRef::of(f);
    n.files.push(fr.clone());
    let text = f.text();
    let raw_lines: Vec<&str> = text.lines().collect();
    let line_of = |ln: usize| Line::new(&fr, ln, raw_lines.get(ln - 1).copied().unwrap_or(""));
    let dir = f
        .path
        .rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default();
    let mut stack: Vec<Block> = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut first_line = 0usize;
    let tokens = nft_tokens(&text).map_err(|(ln, e)| HostError::at(&f.path, ln, e.message))?;
    for (tok, ln) in tokens {
        match tok {
            Tok::Word(w) => {
                if words.is_empty() {
                    first_line = ln;
                }
                words.push(w);
            }
            Tok::Open => {
                check_block(&words, &stack).map_err(|m| {
                    HostError::at(
                        &f.path,
                        first_line.max(ln),
                        format!("nft: {m} (nft -f rejects the ruleset)"),
                    )
                })?;
                let b = open_block(&words, &stack);
                stack.push(b);
                words.clear();
            }
            Tok::Close => {
                statement(fs, &words, first_line, &stack, n, st, &line_of, &dir, depth)?;
                words.clear();
                if stack.pop().is_none() {
                    return Err(HostError::at(&f.path, ln, "unbalanced `}`"));
                }
            }
            Tok::End => {
                statement(fs, &words, first_line, &stack, n, st, &line_of, &dir, depth)?;
                words.clear();
            }
        }
    }
    if !stack.is_empty() {
        return Err(HostError::new(&f.path, "unclosed `{` at end of file"));
    }
    Ok(())
}

const FAMILIES: &[&str] = &["ip", "ip6", "inet", "arp", "bridge", "netdev"];

/// Commands nft accepts at the top level of a ruleset file.
const TOP_COMMANDS: &[&str] = &[
    "table",
    "add",
    "create",
    "insert",
    "replace",
    "delete",
    "destroy",
    "flush",
    "define",
    "redefine",
    "undefine",
    "include",
    "list",
    "reset",
    "rename",
    "chain",
    "rule",
    "set",
    "map",
    "element",
    "flowtable",
    "counter",
    "quota",
    "ct",
    "limit",
];

/// Words that may start a statement directly inside a table block.
const TABLE_ITEMS: &[&str] = &[
    "chain",
    "set",
    "map",
    "flowtable",
    "counter",
    "quota",
    "ct",
    "limit",
    "secmark",
    "synproxy",
    "flags",
    "comment",
];

/// The grammar subset timaudit reads, checked as nft does: top-level commands,
/// table contents, a base chain's `type … hook … priority …` and its `policy`.
fn check_statement(words: &[String], stack: &[Block]) -> Result<(), String> {
    let w0 = words[0].as_str();
    match stack.last() {
        None if !TOP_COMMANDS.contains(&w0) && !w0.starts_with('$') => {
            Err(format!("syntax error, unexpected `{}`", excerpt_word(w0)))
        }
        Some(Block::Table(..)) if !TABLE_ITEMS.contains(&w0) => Err(format!(
            "syntax error in a table, unexpected `{}`",
            excerpt_word(w0)
        )),
        Some(Block::Chain(family, ..)) => check_chain_statement(words, family),
        _ => Ok(()),
    }
}

/// A block opened at the top level or inside a table: a known command, and a
/// `table` with a known family.
fn check_block(words: &[String], stack: &[Block]) -> Result<(), String> {
    let Some(w0) = words.first() else {
        return match stack.last() {
            None | Some(Block::Table(..)) => Err("`{` without a command".into()),
            _ => Ok(()),
        };
    };
    match stack.last() {
        None => {
            if !TOP_COMMANDS.contains(&w0.as_str()) {
                return Err(format!("syntax error, unexpected `{}`", excerpt_word(w0)));
            }
            let rest: Vec<&str> = words
                .iter()
                .skip_while(|w| ["add", "create"].contains(&w.as_str()))
                .map(String::as_str)
                .collect();
            if rest.first() == Some(&"table") {
                match &rest[1..] {
                    [f, _] if FAMILIES.contains(f) => {}
                    [_] => {}
                    [f, _] => return Err(format!("unknown address family `{}`", excerpt_word(f))),
                    _ => return Err("`table` needs [family] name".into()),
                }
            }
            Ok(())
        }
        Some(Block::Table(..)) if !TABLE_ITEMS.contains(&w0.as_str()) => Err(format!(
            "syntax error in a table, unexpected `{}`",
            excerpt_word(w0)
        )),
        _ => Ok(()),
    }
}

fn excerpt_word(w: &str) -> String {
    w.chars().take(40).collect()
}

/// Words that may start a statement in a chain body (nft's rule grammar).
const CHAIN_STARTS: &[&str] = &[
    "type",
    "policy",
    "devices",
    "comment",
    "ip",
    "ip6",
    "inet",
    "tcp",
    "udp",
    "udplite",
    "sctp",
    "dccp",
    "ah",
    "esp",
    "comp",
    "icmp",
    "icmpv6",
    "igmp",
    "ether",
    "vlan",
    "arp",
    "meta",
    "ct",
    "iif",
    "oif",
    "iifname",
    "oifname",
    "iiftype",
    "oiftype",
    "mark",
    "counter",
    "log",
    "limit",
    "accept",
    "drop",
    "reject",
    "queue",
    "continue",
    "return",
    "jump",
    "goto",
    "masquerade",
    "snat",
    "dnat",
    "redirect",
    "notrack",
    "th",
    "rt",
    "fib",
    "socket",
    "osf",
    "ipsec",
    "quota",
    "numgen",
    "jhash",
    "symhash",
    "set",
    "add",
    "update",
    "delete",
    "tproxy",
    "synproxy",
    "flow",
    "l4proto",
    "nfproto",
    "skuid",
    "skgid",
    "pkttype",
    "cpu",
    "cgroup",
    "day",
    "hour",
    "time",
    "exthdr",
    "hbh",
    "frag",
    "dst",
    "mh",
    "srh",
    "rt0",
    "rt2",
    "rt4",
    "tunnel",
    "vxlan",
    "geneve",
    "gre",
    "gretap",
    "ipip",
    "dup",
    "fwd",
    "priority",
    "length",
    "protocol",
    "nexthdr",
    "saddr",
    "daddr",
    "sport",
    "dport",
    "vmap",
    "map",
    "last",
    "secmark",
    "xt",
];

fn check_chain_statement(words: &[String], family: &str) -> Result<(), String> {
    let w0 = words[0].as_str();
    if !CHAIN_STARTS.contains(&w0) && !w0.starts_with(['$', '@']) {
        return Err(format!(
            "syntax error in a chain, unexpected `{}`",
            excerpt_word(w0)
        ));
    }
    if w0 != "type" && words.iter().any(|w| w == "hook") {
        return Err("`hook` outside a `type … hook … priority …` statement".into());
    }
    let after = |k: &str| {
        words.iter().position(|w| w == k).map(|i| {
            words
                .get(i + 1)
                .map(|s| s.trim_end_matches(';').to_string())
        })
    };
    if words[0] == "type" {
        let ty = words.get(1).map(String::as_str).unwrap_or("");
        if !["filter", "nat", "route"].contains(&ty) {
            return Err(format!("unknown chain type `{}`", excerpt_word(ty)));
        }
        let hooks: &[&str] = match family {
            "ip" | "ip6" | "inet" => &[
                "prerouting",
                "input",
                "forward",
                "output",
                "postrouting",
                "ingress",
            ],
            "arp" => &["input", "output"],
            "bridge" => &["prerouting", "input", "forward", "output", "postrouting"],
            _ => &["ingress", "egress"],
        };
        match after("hook") {
            Some(Some(h)) if hooks.contains(&h.as_str()) => {}
            Some(Some(h)) => return Err(format!("unknown hook `{h}` for family {family}")),
            _ => return Err("base chain without `hook`".into()),
        }
        if !matches!(after("priority"), Some(Some(_))) {
            return Err("base chain without `priority`".into());
        }
    }
    if words[0] == "policy" {
        match after("policy") {
            Some(Some(p)) if ["accept", "drop"].contains(&p.to_ascii_lowercase().as_str()) => {}
            Some(Some(p)) => {
                return Err(format!(
                    "policy `{}` is neither accept nor drop",
                    excerpt_word(&p)
                ));
            }
            _ => return Err("policy without a value".into()),
        }
    }
    Ok(())
}

fn open_block(words: &[String], stack: &[Block]) -> Block {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let w: &[&str] = match w.first() {
        Some(&"add") | Some(&"create") | Some(&"table") | Some(&"chain") => {
            if w[0] == "add" || w[0] == "create" {
                &w[1..]
            } else {
                &w[..]
            }
        }
        _ => return Block::Other,
    };
    let fam = |s: &str| FAMILIES.contains(&s);
    match w.first() {
        Some(&"table") => {
            let args = &w[1..];
            match args {
                [f, name] if fam(f) => Block::Table(f.to_string(), name.to_string()),
                [name] => Block::Table("ip".into(), name.to_string()),
                _ => Block::Other,
            }
        }
        Some(&"chain") => {
            let args = &w[1..];
            let (family, table) = match stack.iter().rev().find_map(|b| match b {
                Block::Table(f, t) => Some((f.clone(), t.clone())),
                _ => None,
            }) {
                Some(t) if args.len() == 1 => t,
                _ => match args {
                    [f, t, _] if fam(f) => (f.to_string(), t.to_string()),
                    [t, _] => ("ip".to_string(), t.to_string()),
                    _ => return Block::Other,
                },
            };
            let name = args
                .last()
                .map(|s| s.trim_matches('"').to_string())
                .unwrap_or_default();
            Block::Chain(family, table, name)
        }
        _ => Block::Other,
    }
}

/// One statement (the words up to `;`, a line end, `{` or `}`): checked as nft
/// does, then `flush ruleset`, `include` and a chain's hook and policy are read.
#[allow(clippy::too_many_arguments)]
fn statement(
    fs: &RootFs,
    words: &[String],
    first_line: usize,
    stack: &[Block],
    n: &mut Nftables,
    st: &mut NftState,
    line_of: &dyn Fn(usize) -> Line,
    dir: &str,
    depth: usize,
) -> Result<(), HostError> {
    if words.is_empty() {
        return Ok(());
    }
    check_statement(words, stack).map_err(|m| {
        let l = line_of(first_line);
        HostError::at(
            l.path,
            l.line,
            format!("nft: {m} (nft -f rejects the ruleset)"),
        )
    })?;
    if words[0] == "flush"
        && words.get(1).map(String::as_str) == Some("ruleset")
        && stack.is_empty()
    {
        st.chains.clear();
        return Ok(());
    }
    if words[0] == "include" && words.len() >= 2 {
        return include(fs, &words[1], line_of(first_line), dir, n, st, depth);
    }
    // Statements directly inside a chain body: `type filter hook input …`, `policy drop`.
    if let Some(Block::Chain(fam, table, name)) = stack.last() {
        chain_setting(words, [fam, table, name], line_of(first_line), st);
    }
    Ok(())
}

/// `include "FILE"` at line `at`: a relative path is looked up beside the
/// including file, then under /etc; a glob may match nothing, a plain path that
/// exists nowhere is a missing include.
fn include(
    fs: &RootFs,
    arg: &str,
    at: Line,
    dir: &str,
    n: &mut Nftables,
    st: &mut NftState,
    depth: usize,
) -> Result<(), HostError> {
    let arg = unquote(arg).to_string();
    let candidates: Vec<String> = if arg.starts_with('/') {
        vec![arg.clone()]
    } else {
        vec![format!("{dir}/{arg}"), format!("/etc/{arg}")]
    };
    let glob = has_glob(&arg);
    let mut found_any = false;
    for c in &candidates {
        let paths = if glob {
            glob_host(fs, c).map_err(|e| e.cited(&at.path, at.line))?
        } else {
            vec![c.clone()]
        };
        for p in paths {
            if let Some(inc) = read_opt(fs, &p)? {
                found_any = true;
                nft_file(fs, &inc, n, st, depth + 1)?;
            }
        }
        if found_any {
            break;
        }
    }
    if !found_any && !glob {
        n.missing_includes.push(at);
    }
    Ok(())
}

/// A chain's `hook` and `policy` (family, table, name in `chain`), set by the
/// statement at line `at`.
fn chain_setting(words: &[String], chain: [&String; 3], at: Line, st: &mut NftState) {
    let [fam, table, name] = chain;
    let hook = words
        .iter()
        .position(|w| w == "hook")
        .and_then(|i| words.get(i + 1))
        .cloned();
    let policy = words
        .iter()
        .position(|w| w == "policy")
        .and_then(|i| words.get(i + 1))
        .map(|p| p.trim_end_matches(';').to_ascii_lowercase());
    if hook.is_none() && policy.is_none() {
        return;
    }
    let idx = match st
        .chains
        .iter()
        .position(|c| &c.family == fam && &c.table == table && &c.name == name)
    {
        Some(i) => i,
        None => {
            st.chains.push(NftChain {
                family: fam.clone(),
                table: table.clone(),
                name: name.clone(),
                hook: String::new(),
                policy: None,
                line: at.clone(),
                policy_line: None,
            });
            st.chains.len() - 1
        }
    };
    let c = &mut st.chains[idx];
    if let Some(h) = hook {
        c.hook = h;
        c.line = at.clone();
    }
    if let Some(p) = policy {
        c.policy = Some(p);
        c.policy_line = Some(at);
    }
}

impl Nftables {
    /// Base chains on the input hook of an IP family.
    pub fn input_chains(&self) -> impl Iterator<Item = &NftChain> {
        self.chains
            .iter()
            .filter(|c| c.hook == "input" && ["ip", "ip6", "inet"].contains(&c.family.as_str()))
    }
}

// ------------------------------------------------------------------ iptables

#[derive(Clone, Debug, PartialEq)]
pub struct IptablesSave {
    pub file: FileRef,
    /// `ipv4` (iptables) or `ipv6` (ip6tables).
    pub family: &'static str,
    pub input_policy: Option<(String, Line)>,
}

/// iptables-save files: (path, address family), from the `ipv4_files:` and
/// `ipv6_files:` of policy LNX-FW-002 (`policies/firewall.yaml`).
pub fn iptables_files() -> Vec<(&'static str, &'static str)> {
    let Check::IptablesSave {
        ipv4_files,
        ipv6_files,
        ..
    } = &policy("LNX-FW-002").check
    else {
        unreachable!("LNX-FW-002 is an iptables_save check (policies/firewall.yaml)");
    };
    let v4 = ipv4_files.iter().map(|f| (f.as_str(), "ipv4"));
    let v6 = ipv6_files.iter().map(|f| (f.as_str(), "ipv6"));
    v4.chain(v6).collect()
}

/// Reads an iptables-save file as iptables-restore does: `*table` … `COMMIT`
/// sections holding `:CHAIN POLICY` and `-A` lines; anything else, a built-in
/// chain policy other than ACCEPT/DROP or a table without COMMIT is an error.
pub fn parse_iptables_save(
    file: &FileRef,
    text: &str,
    family: &'static str,
) -> Result<IptablesSave, HostError> {
    let err = |n: usize, m: String| {
        HostError::at(
            &file.path,
            n,
            format!("{m} (iptables-restore rejects the file)"),
        )
    };
    // The chain whose policy counts: the `chain:` of policy LNX-FW-002.
    let Check::IptablesSave {
        chain: input_chain, ..
    } = &policy("LNX-FW-002").check
    else {
        unreachable!("LNX-FW-002 is an iptables_save check (policies/firewall.yaml)");
    };
    let mut table: Option<(String, usize)> = None;
    let mut input_policy = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(tb) = t.strip_prefix('*') {
            if let Some((_, at)) = &table {
                return Err(err(*at, "table without COMMIT".into()));
            }
            table = Some((tb.trim().to_string(), n));
        } else if t == "COMMIT" {
            if table.take().is_none() {
                return Err(err(n, "COMMIT outside a table".into()));
            }
        } else if let Some(rest) = t.strip_prefix(':') {
            let Some((tb, _)) = &table else {
                return Err(err(n, "chain outside a table".into()));
            };
            let mut w = rest.split_whitespace();
            let (chain, pol) = (w.next().unwrap_or(""), w.next().unwrap_or(""));
            let pol = pol.to_ascii_uppercase();
            if !["ACCEPT", "DROP", "-"].contains(&pol.as_str()) {
                return Err(err(n, format!("bad policy `{pol}` for chain {chain}")));
            }
            if tb == "filter" && chain == input_chain {
                input_policy = Some((pol, Line::new(file, n, raw)));
            }
        } else if t.starts_with('-') {
            if table.is_none() {
                return Err(err(n, "rule outside a table".into()));
            }
        } else {
            return Err(err(n, format!("unexpected line `{}`", excerpt_word(t))));
        }
    }
    if let Some((_, at)) = table {
        return Err(err(at, "table without COMMIT".into()));
    }
    Ok(IptablesSave {
        file: file.clone(),
        family,
        input_policy,
    })
}

pub fn collect_iptables(fs: &RootFs) -> Vec<Result<IptablesSave, HostError>> {
    let mut out = Vec::new();
    for (p, family) in iptables_files() {
        match read_opt(fs, p) {
            Ok(Some(f)) => out.push(parse_iptables_save(&FileRef::of(&f), &f.text(), family)),
            Ok(None) => {}
            Err(e) => out.push(Err(e)),
        }
    }
    out
}

// ------------------------------------------------------------------ ufw

#[derive(Clone, Debug, Default)]
pub struct Ufw {
    pub conf: Option<FileRef>,
    pub defaults: Option<FileRef>,
    pub enabled: Option<(String, Line)>,
    pub input_policy: Option<(String, Line)>,
    /// `IPV6=` in /etc/default/ufw: ufw filters IPv6 only with `yes`.
    pub ipv6: Option<(String, Line)>,
}

/// Reads the `conf:` and `defaults:` of policy LNX-FW-003 (`policies/firewall.yaml`).
pub fn collect_ufw(fs: &RootFs) -> Option<Result<Ufw, HostError>> {
    let Check::Ufw { conf, defaults, .. } = &policy("LNX-FW-003").check else {
        unreachable!("LNX-FW-003 is a ufw check (policies/firewall.yaml)");
    };
    let conf = match read_opt(fs, conf) {
        Ok(c) => c,
        Err(e) => return Some(Err(e)),
    };
    let defaults = match read_opt(fs, defaults) {
        Ok(c) => c,
        Err(e) => return Some(Err(e)),
    };
    if conf.is_none() && defaults.is_none() {
        return None;
    }
    let mut u = Ufw::default();
    if let Some(f) = conf {
        let fr = FileRef::of(&f);
        for (k, v, l) in key_values(&fr, &f.text(), false) {
            if k == "ENABLED" {
                let v = unquote(&v).to_ascii_lowercase();
                if v != "yes" && v != "no" {
                    return Some(Err(HostError::at(
                        &fr.path,
                        l.line,
                        format!("ENABLED={v} is neither yes nor no"),
                    )));
                }
                u.enabled = Some((v, l));
            }
        }
        u.conf = Some(fr);
    }
    if let Some(f) = defaults {
        let fr = FileRef::of(&f);
        if let Err(e) = shell_assignments_only(&fr, &f.text()) {
            return Some(Err(e));
        }
        for (k, v, l) in key_values(&fr, &f.text(), false) {
            let v = unquote(&v).to_string();
            match k.as_str() {
                "DEFAULT_INPUT_POLICY" => {
                    let p = v.to_ascii_uppercase();
                    if !["ACCEPT", "DROP", "REJECT"].contains(&p.as_str()) {
                        return Some(Err(HostError::at(
                            &fr.path,
                            l.line,
                            format!(
                                "DEFAULT_INPUT_POLICY={v} is not ACCEPT, DROP or REJECT (ufw refuses to start)"
                            ),
                        )));
                    }
                    u.input_policy = Some((p, l));
                }
                "IPV6" => u.ipv6 = Some((v.to_ascii_lowercase(), l)),
                _ => {}
            }
        }
        u.defaults = Some(fr);
    }
    Some(Ok(u))
}

// ------------------------------------------------------------------ firewalld

/// A file the shell sources (`/etc/default/ufw`): only `NAME=value` lines and
/// comments. Anything else would run as a command when ufw starts.
fn shell_assignments_only(fr: &FileRef, text: &str) -> Result<(), HostError> {
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ok = t.split_once('=').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if !ok {
            return Err(HostError::at(
                &fr.path,
                i + 1,
                "not a NAME=value line (the shell that reads this file would run it as a command)",
            ));
        }
    }
    Ok(())
}

#[derive(Clone, Debug, Default)]
pub struct Firewalld {
    pub conf: Option<FileRef>,
    /// `DefaultZone` as set (None: `public`).
    pub default_zone: Option<(String, Line)>,
    /// The default zone's file and its `target` (None: the zone's built-in default).
    pub zone_file: Option<FileRef>,
    pub zone_target: Option<(String, Line)>,
    /// Zones (other than the default) with target ACCEPT bound to interfaces.
    pub accept_bound: Vec<(String, Line)>,
}

/// firewalld's zone folders, highest precedence first: the `zone_dirs:` of
/// policy LNX-FW-004 (`policies/firewall.yaml`).
pub fn zone_dirs() -> Vec<&'static str> {
    let Check::Firewalld { zone_dirs, .. } = &policy("LNX-FW-004").check else {
        unreachable!("LNX-FW-004 is a firewalld check (policies/firewall.yaml)");
    };
    zone_dirs.iter().map(String::as_str).collect()
}

/// The target firewalld gives its shipped zones when no file says otherwise.
pub fn builtin_zone_target(zone: &str) -> Option<&'static str> {
    match zone {
        "trusted" => Some("ACCEPT"),
        "drop" => Some("DROP"),
        "block" => Some("%%REJECT%%"),
        "public" | "external" | "dmz" | "work" | "home" | "internal" | "nm-shared" => {
            Some("default")
        }
        _ => None,
    }
}

/// A value with the line that set it.
pub type Setting = (String, Line);

/// `<zone target="…">` and `<interface name="…"/>` from a zone file, read with an
/// XML parser (attributes may sit on any line of a multi-line element; comments
/// and CDATA are not read as settings). The cited line is the attribute's.
/// A file that is not well-formed XML is an error: firewalld does not load it.
pub fn parse_zone(
    file: &FileRef,
    text: &str,
) -> Result<(Option<Setting>, Vec<Setting>), HostError> {
    let doc = roxmltree::Document::parse(text).map_err(|e| {
        HostError::at(
            &file.path,
            e.pos().row as usize,
            format!("not a well-formed firewalld zone file: {e}"),
        )
    })?;
    let lines: Vec<&str> = text.lines().collect();
    let setting = |a: roxmltree::Attribute| {
        let row = doc.text_pos_at(a.range().start).row as usize;
        let raw = lines.get(row.saturating_sub(1)).copied().unwrap_or("");
        (a.value().to_string(), Line::new(file, row, raw))
    };
    fn attr<'a, 'i>(
        n: roxmltree::Node<'a, 'i>,
        name: &str,
    ) -> Option<roxmltree::Attribute<'a, 'i>> {
        n.attributes()
            .find(|a| a.name() == name && a.namespace().is_none())
    }
    let zone = doc.root_element();
    let target = (zone.tag_name().name() == "zone")
        .then(|| attr(zone, "target").map(setting))
        .flatten();
    let ifaces = zone
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "interface")
        .filter_map(|n| attr(n, "name").map(setting))
        .collect();
    Ok((target, ifaces))
}

/// Reads the `conf:` of policy LNX-FW-004 and its zone files.
pub fn collect_firewalld(fs: &RootFs) -> Option<Result<Firewalld, HostError>> {
    let Check::Firewalld { conf, .. } = &policy("LNX-FW-004").check else {
        unreachable!("LNX-FW-004 is a firewalld check (policies/firewall.yaml)");
    };
    let conf = match read_opt(fs, conf) {
        Ok(c) => c,
        Err(e) => return Some(Err(e)),
    };
    let mut fw = Firewalld::default();
    if let Some(f) = &conf {
        let fr = FileRef::of(f);
        for (k, v, l) in key_values(&fr, &f.text(), false) {
            if k == "DefaultZone" {
                fw.default_zone = Some((unquote(&v).to_string(), l));
            }
        }
        fw.conf = Some(fr);
    }
    let zone = fw
        .default_zone
        .as_ref()
        .map(|(z, _)| z.clone())
        .unwrap_or_else(|| "public".into());
    // Zone files: etc overrides usr/lib by name.
    let files = match crate::collect::host::conf::dropins(fs, &zone_dirs(), |n| n.ends_with(".xml"))
    {
        Ok(f) => f,
        Err(e) => return Some(Err(e)),
    };
    for p in files {
        let name = p
            .rsplit('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".xml")
            .to_string();
        let f = match read_opt(fs, &p) {
            Ok(Some(f)) => f,
            Ok(None) => continue,
            Err(e) => return Some(Err(e)),
        };
        let fr = FileRef::of(&f);
        let (target, ifaces) = match parse_zone(&fr, &f.text()) {
            Ok(z) => z,
            Err(e) => return Some(Err(e)),
        };
        if name == zone {
            fw.zone_file = Some(fr);
            fw.zone_target = target;
        } else if let Some((t, tl)) = target
            && t.eq_ignore_ascii_case("ACCEPT")
        {
            for (i, _) in ifaces.into_iter().filter(|(i, _)| i != "lo") {
                fw.accept_bound.push((format!("{name}:{i}"), tl.clone()));
            }
        }
    }
    if conf.is_none() && fw.zone_file.is_none() {
        return None;
    }
    Some(Ok(fw))
}

impl Firewalld {
    pub fn zone(&self) -> String {
        self.default_zone
            .as_ref()
            .map(|(z, _)| z.clone())
            .unwrap_or_else(|| "public".into())
    }

    /// The default zone's effective target (`None` when unknown).
    pub fn effective_target(&self) -> Option<String> {
        match &self.zone_target {
            Some((t, _)) => Some(t.clone()),
            None if self.zone_file.is_some() => Some("default".into()),
            None => builtin_zone_target(&self.zone()).map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{corpus, root};
    use super::*;

    #[test]
    fn the_firewall_paths_come_from_the_policies_in_their_order() {
        assert_eq!(
            nft_main(),
            ["/etc/nftables.conf", "/etc/sysconfig/nftables.conf"]
        );
        assert_eq!(
            iptables_files(),
            [
                ("/etc/iptables/rules.v4", "ipv4"),
                ("/etc/sysconfig/iptables", "ipv4"),
                ("/etc/iptables/rules.v6", "ipv6"),
                ("/etc/sysconfig/ip6tables", "ipv6"),
            ]
        );
        assert_eq!(
            zone_dirs(),
            [
                "/etc/firewalld/zones",
                "/usr/lib/firewalld/zones",
                "/lib/firewalld/zones"
            ]
        );
    }

    #[test]
    fn upstream_inet_filter_has_input_chain_without_policy() {
        let d = root(&[(
            "/etc/nftables.conf",
            &corpus("nftables-upstream-inet-filter-noPolicy.nft"),
        )]);
        let n = collect_nft(&RootFs::new(d.path())).unwrap().unwrap();
        let inputs: Vec<_> = n.input_chains().collect();
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].family, "inet");
        assert_eq!(inputs[0].policy, None);
        assert_eq!(inputs[0].line.line, 4);
    }

    #[test]
    fn dfinity_ruleset_drops_input_and_reports_a_missing_include() {
        let d = root(&[("/etc/nftables.conf", &corpus("nftables-dfinity.conf"))]);
        let n = collect_nft(&RootFs::new(d.path())).unwrap().unwrap();
        let inputs: Vec<_> = n.input_chains().collect();
        assert_eq!(inputs.len(), 2);
        assert!(inputs.iter().all(|c| c.policy.as_deref() == Some("drop")));
        assert_eq!(n.missing_includes.len(), 1);
        let d = root(&[
            ("/etc/nftables.conf", &corpus("nftables-dfinity.conf")),
            ("/mnt/nftables/defs.ruleset", "define ssh_saddr = { ::1 }\n"),
        ]);
        let n = collect_nft(&RootFs::new(d.path())).unwrap().unwrap();
        assert!(n.missing_includes.is_empty());
        assert_eq!(n.files.len(), 2);
    }

    #[test]
    fn includes_are_followed_and_flush_ruleset_resets() {
        let d = root(&[
            (
                "/etc/nftables.conf",
                "table inet old { chain input { type filter hook input priority 0; policy drop; } }\nflush ruleset\ninclude \"/etc/nftables.d/*.nft\"\n",
            ),
            (
                "/etc/nftables.d/10-filter.nft",
                "table inet filter {\n  chain input {\n    type filter hook input priority filter\n    policy accept\n  }\n}\n",
            ),
        ]);
        let n = collect_nft(&RootFs::new(d.path())).unwrap().unwrap();
        let inputs: Vec<_> = n.input_chains().collect();
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].table, "filter");
        assert_eq!(inputs[0].policy.as_deref(), Some("accept"));
        assert_eq!(
            inputs[0].policy_line.as_ref().unwrap().path,
            "/etc/nftables.d/10-filter.nft"
        );
    }

    #[test]
    fn add_chain_one_liners() {
        let d = root(&[(
            "/etc/nftables.conf",
            "add table inet f\nadd chain inet f input { type filter hook input priority 0 ; policy drop ; }\n",
        )]);
        let n = collect_nft(&RootFs::new(d.path())).unwrap().unwrap();
        let c: Vec<_> = n.input_chains().collect();
        assert_eq!(c[0].policy.as_deref(), Some("drop"));
    }

    #[test]
    fn iptables_save_input_policy_in_filter_table_only() {
        let f = FileRef {
            kind: crate::model::EvidenceKind::Config,
            path: "/etc/iptables/rules.v4".into(),
            sha256: "x".into(),
        };
        let t = "*nat\n:INPUT ACCEPT [0:0]\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\nCOMMIT\n";
        let s = parse_iptables_save(&f, t, "ipv4").unwrap();
        assert_eq!(s.input_policy.as_ref().unwrap().0, "DROP");
        assert_eq!(s.input_policy.as_ref().unwrap().1.line, 5);
        // ufw's user.rules are iptables-restore syntax without an INPUT policy.
        for name in ["ufw-user.rules-template", "ufw-user.rules-from-testresult"] {
            let s = parse_iptables_save(&f, &corpus(name), "ipv4").unwrap();
            assert!(s.input_policy.is_none(), "{name}");
        }
        // What iptables-restore rejects.
        for (bad, line) in [
            ("*filter\n:INPUT DROP [0:0]\n", 1),
            ("*filter\n:INPUT DORP [0:0]\nCOMMIT\n", 2),
            ("garbage\n", 1),
            ("-A INPUT -j DROP\n", 1),
        ] {
            let e = parse_iptables_save(&f, bad, "ipv4").unwrap_err();
            assert_eq!(e.line, Some(line), "{bad:?}");
        }
    }

    #[test]
    fn shipped_ufw_conf_is_disabled_and_defaults_drop() {
        let d = root(&[
            ("/etc/ufw/ufw.conf", &corpus("ufw.conf")),
            ("/etc/default/ufw", &corpus("ufw.defaults-etc-default-ufw")),
        ]);
        let u = collect_ufw(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(u.enabled.as_ref().unwrap().0, "no");
        assert_eq!(u.input_policy.as_ref().unwrap().0, "DROP");
    }

    #[test]
    fn firewalld_default_zone_target() {
        let d = root(&[
            ("/etc/firewalld/firewalld.conf", &corpus("firewalld.conf")),
            (
                "/usr/lib/firewalld/zones/public.xml",
                &corpus("firewalld-zone-public.xml"),
            ),
            (
                "/usr/lib/firewalld/zones/trusted.xml",
                &corpus("firewalld-zone-trusted.xml"),
            ),
        ]);
        let fw = collect_firewalld(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(fw.zone(), "public");
        assert_eq!(fw.effective_target().as_deref(), Some("default"));
        let d = root(&[
            ("/etc/firewalld/firewalld.conf", "DefaultZone=trusted\n"),
            (
                "/usr/lib/firewalld/zones/trusted.xml",
                &corpus("firewalld-zone-trusted.xml"),
            ),
        ]);
        let fw = collect_firewalld(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(fw.effective_target().as_deref(), Some("ACCEPT"));
        assert_eq!(fw.zone_target.as_ref().unwrap().1.line, 2);
    }

    #[test]
    fn firewalld_zone_attributes_are_read_across_lines() {
        let zone = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
                    <!-- <zone target=\"DROP\"> in a comment is not a setting -->\n\
                    <zone\n  version=\"1.0\"\n  target=\"ACCEPT\">\n\
                    <short>Office</short>\n\
                    <interface\n    name=\"eth1\"/>\n\
                    <interface name=\"lo\"/>\n</zone>\n";
        let d = root(&[
            ("/etc/firewalld/firewalld.conf", "DefaultZone=public\n"),
            ("/etc/firewalld/zones/office.xml", zone),
        ]);
        // Another zone with target ACCEPT bound to eth1 (lo does not count).
        let fw = collect_firewalld(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(fw.accept_bound.len(), 1, "{:?}", fw.accept_bound);
        assert_eq!(fw.accept_bound[0].0, "office:eth1");
        assert_eq!(fw.accept_bound[0].1.line, 5);
        assert!(fw.accept_bound[0].1.text.contains("target=\"ACCEPT\""));
        // The same file as the default zone: its target is ACCEPT, cited at line 5.
        let d = root(&[
            ("/etc/firewalld/firewalld.conf", "DefaultZone=office\n"),
            ("/etc/firewalld/zones/office.xml", zone),
        ]);
        let fw = collect_firewalld(&RootFs::new(d.path())).unwrap().unwrap();
        assert_eq!(fw.effective_target().as_deref(), Some("ACCEPT"));
        assert_eq!(fw.zone_target.as_ref().unwrap().1.line, 5);
    }

    #[test]
    fn a_zone_file_that_is_not_xml_is_an_error_with_its_line() {
        let d = root(&[
            ("/etc/firewalld/firewalld.conf", "DefaultZone=public\n"),
            (
                "/etc/firewalld/zones/public.xml",
                "<?xml version=\"1.0\"?>\n<zone target=\"DROP\">\n<short>x</short>\n",
            ),
        ]);
        let e = collect_firewalld(&RootFs::new(d.path()))
            .unwrap()
            .unwrap_err();
        assert_eq!(e.path, "/etc/firewalld/zones/public.xml");
        assert!(e.line.is_some(), "{e:?}");
    }
}
