//! Mutation suite: configurations from the real corpus (tests/fixtures/corpus)
//! that make their item pass, broken in generated ways — truncated inside the
//! deciding line, replaced by garbage, a garbage line inserted, the keyword
//! misspelled, the value of the wrong type, the address family wrong — and
//! audited in-process (collectors + the item's rule, as `timaudit audit` runs
//! them). No broken variant may pass silently: the item must not be `pass`,
//! unless the program itself skips the broken line with a warning, in which case
//! the run must list that warning for the mutated file (journald does this).

mod host_support;
use host_support::inproc::{enable, evaluate_item, write};
use std::collections::BTreeMap;
use timaudit::model::Status;

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!("tests/fixtures/corpus/{name}")).unwrap()
}

/// A configuration that passes its item, with the lines that decide it.
struct Seed {
    name: &'static str,
    item: &'static str,
    /// Where the mutated file lives on the host.
    at: &'static str,
    text: String,
    /// Other files of the host: (path, content).
    with: Vec<(&'static str, String)>,
    units: &'static [&'static str],
    assets: &'static [&'static str],
    /// Deciding lines: (a substring that finds the line, its keyword, its value,
    /// wrong values to put in place of the value).
    keys: Vec<(
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
    )>,
    /// Whole-file replacements that put the wrong address family in place.
    families: Vec<(&'static str, &'static str)>,
}

fn seeds() -> Vec<Seed> {
    let sshd =
        corpus("sshd_config.openssh-portable") + "PermitRootLogin no\nPermitEmptyPasswords no\n";
    let auditd = corpus("auditd.conf").replace(
        "max_log_file_action = ROTATE",
        "max_log_file_action = KEEP_LOGS",
    );
    let smb = corpus("smb.conf.default").replace(
        "   workgroup = MYGROUP\n",
        "   workgroup = MYGROUP\n   server min protocol = SMB2_10\n",
    );
    let journald = corpus("journald.conf.rhel10") + "Storage=persistent\nMaxRetentionSec=100000h\n";
    let apt =
        "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n";
    let v4 = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n";
    vec![
        Seed {
            name: "sshd_config",
            item: "ITS-02",
            at: "/etc/ssh/sshd_config",
            text: sshd,
            with: vec![],
            units: &[],
            assets: &["/srv/share/design/**"],
            keys: vec![
                (
                    "PermitRootLogin no",
                    "PermitRootLogin",
                    "no",
                    &["yes", "five", "\"no", "no-ish"],
                ),
                (
                    "PermitEmptyPasswords no",
                    "PermitEmptyPasswords",
                    "no",
                    &["yes", "1x", "maybe"],
                ),
            ],
            families: vec![],
        },
        Seed {
            name: "nftables",
            item: "ITS-03",
            at: "/etc/nftables.conf",
            text: corpus("nftables-dfinity.conf"),
            with: vec![],
            units: &["nftables.service"],
            assets: &["/srv/share/design/**"],
            keys: vec![(
                "type filter hook input priority filter; policy drop;",
                "type",
                "drop",
                &["dorp", "accept", "reject", "DROP;x"],
            )],
            families: vec![
                ("table ip6 filter {", "table ip filter6 {"),
                ("table ip6 filter {", "table ipv6 filter {"),
                ("table ip filter {", "table ip6 filter4 {"),
                ("table ip filter {", "table ipv4 filter {"),
                ("table ip filter {", "table arp filter {"),
            ],
        },
        Seed {
            name: "iptables rules.v6",
            item: "ITS-03",
            at: "/etc/iptables/rules.v6",
            text: v4.to_string(),
            with: vec![("/etc/iptables/rules.v4", v4.to_string())],
            units: &[],
            assets: &["/srv/share/design/**"],
            keys: vec![(
                ":INPUT DROP [0:0]",
                ":INPUT",
                "DROP",
                &["ACCEPT", "DORP", "REJECT"],
            )],
            families: vec![
                ("*filter", "*nat"),
                (":INPUT DROP", ":FORWARD DROP\n:OUTPUT DROP"),
            ],
        },
        Seed {
            name: "ufw defaults",
            item: "ITS-03",
            at: "/etc/default/ufw",
            text: corpus("ufw.defaults-etc-default-ufw"),
            with: vec![("/etc/ufw/ufw.conf", "ENABLED=yes\n".into())],
            units: &["ufw.service"],
            assets: &["/srv/share/design/**"],
            keys: vec![
                (
                    "DEFAULT_INPUT_POLICY=\"DROP\"",
                    "DEFAULT_INPUT_POLICY",
                    "DROP",
                    &["ACCEPT", "DORP", "5"],
                ),
                ("IPV6=yes", "IPV6", "yes", &["no", "ja", "1x"]),
            ],
            families: vec![("IPV6=yes", "IPV6=no"), ("IPV6=yes", "#IPV6=yes")],
        },
        Seed {
            name: "audit rules",
            item: "ITS-04",
            at: "/etc/audit/rules.d/30-stig.rules",
            text: corpus("audit-30-stig.rules"),
            with: vec![],
            units: &["auditd.service"],
            assets: &["/etc/passwd"],
            keys: vec![(
                "-a always,exit -F arch=b32 -F path=/etc/passwd -F perm=wa -F key=identity",
                "-a",
                "/etc/passwd",
                &[
                    "/etc/passwd -F perm=rwz",
                    "/etc/passwd -F perm=",
                    "/etc/passwd -F key=an_audit_key_longer_than_thirty_one_chars",
                    "/etc/passwd -p",
                ],
            )],
            families: vec![],
        },
        Seed {
            name: "auditd.conf",
            item: "ITS-05",
            at: "/etc/audit/auditd.conf",
            text: auditd,
            with: vec![],
            units: &[],
            assets: &["/srv/share/design/**"],
            keys: vec![
                (
                    "max_log_file_action = KEEP_LOGS",
                    "max_log_file_action",
                    "KEEP_LOGS",
                    &["ROTAT", "ROTATE", "keep logs", "5"],
                ),
                ("num_logs = 5", "num_logs", "5", &["five", "5x", "-1"]),
                (
                    "flush = INCREMENTAL_ASYNC",
                    "flush",
                    "INCREMENTAL_ASYNC",
                    &["sometimes", "yes"],
                ),
            ],
            families: vec![],
        },
        Seed {
            name: "journald.conf",
            item: "ITS-05",
            at: "/etc/systemd/journald.conf",
            text: journald,
            with: vec![],
            units: &[],
            assets: &["/srv/share/design/**"],
            keys: vec![
                (
                    "Storage=persistent",
                    "Storage",
                    "persistent",
                    &["volatile", "none", "persistant", "disk"],
                ),
                (
                    "MaxRetentionSec=100000h",
                    "MaxRetentionSec",
                    "100000h",
                    &["1month", "2 yaers", "forever", "1d"],
                ),
            ],
            families: vec![],
        },
        Seed {
            name: "20auto-upgrades",
            item: "ITS-09",
            at: "/etc/apt/apt.conf.d/20auto-upgrades",
            text: apt.to_string(),
            with: vec![],
            units: &[],
            assets: &["/srv/share/design/**"],
            keys: vec![(
                "APT::Periodic::Unattended-Upgrade",
                "APT::Periodic::Unattended-Upgrade",
                "\"1\";",
                &["\"0\";", "\"1\"", "1;", "\"1\" \"2\";", "\"1\" }"],
            )],
            families: vec![],
        },
        Seed {
            name: "pwquality.conf",
            item: "ITS-10",
            at: "/etc/security/pwquality.conf",
            text: corpus("pwquality.conf"),
            with: vec![],
            units: &[],
            assets: &["/srv/share/design/**"],
            keys: vec![(
                "minlen = 15",
                "minlen",
                "15",
                &["5", "fifteen", "1 5", "-15"],
            )],
            families: vec![],
        },
        Seed {
            name: "smb.conf",
            item: "ITS-11",
            at: "/etc/samba/smb.conf",
            text: smb,
            with: vec![],
            units: &[],
            assets: &["/srv/share/design/**"],
            keys: vec![(
                "server min protocol = SMB2_10",
                "server min protocol",
                "SMB2_10",
                &["NT1", "SMB9", "LANMAN1", "CORE"],
            )],
            families: vec![],
        },
    ]
}

/// Value prefixes that are themselves complete, valid values (`SMB2` of
/// `SMB2_10`): a file truncated there is not broken.
const COMPLETE: &[&str] = &["SMB2"];

/// A small deterministic generator (xorshift), so every run tests the same cases.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn printable(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| match self.next() % 16 {
                0 => ' ',
                1 if len > 40 => '\n',
                _ => (b'!' + (self.next() % 94) as u8) as char,
            })
            .collect()
    }
    /// A garbage line that is not a comment in any of the formats.
    fn line(&mut self) -> String {
        let first = (b'a' + (self.next() % 26) as u8) as char;
        format!("{first}{}", self.printable(30).replace('\n', " "))
    }
}

struct Case {
    seed: usize,
    what: String,
    text: String,
    /// 1-based line of the mutation (for the warning check).
    line: usize,
    /// Replaces the seed's companion files (wrong-family cases drop one).
    drop_with: bool,
}

/// Misspellings of a keyword: a character dropped, doubled, swapped, replaced.
fn misspell(kw: &str) -> Vec<String> {
    let c: Vec<char> = kw.chars().collect();
    let mut out = Vec::new();
    let n = c.len();
    for i in [1, n / 2, n.saturating_sub(2)] {
        if i == 0 || i >= n {
            continue;
        }
        let mut d = c.clone();
        d.remove(i);
        out.push(d.iter().collect());
        let mut s = c.clone();
        s.swap(i - 1, i);
        out.push(s.iter().collect());
        let mut r = c.clone();
        r[i] = if r[i] == 'x' { 'q' } else { 'x' };
        out.push(r.iter().collect());
    }
    let mut dup = c.clone();
    dup.insert(n / 2, c[n / 2]);
    out.push(dup.iter().collect());
    out.sort();
    out.dedup();
    out.retain(|m: &String| !m.eq_ignore_ascii_case(kw));
    out
}

fn cases(seeds: &[Seed]) -> Vec<Case> {
    let mut rng = Rng(0x7469_6d61_7564_6974);
    let mut out = Vec::new();
    for (si, s) in seeds.iter().enumerate() {
        for (find, kw, value, wrong) in &s.keys {
            // The last occurrence: the deciding line (earlier ones may be comments).
            let at = s
                .text
                .rfind(find)
                .unwrap_or_else(|| panic!("{}: no {find:?}", s.name));
            let start = s.text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_no = s.text[..start].matches('\n').count() + 1;
            let end = s.text[start..]
                .find('\n')
                .map_or(s.text.len(), |i| start + i);
            let line = &s.text[start..end];
            let kw_at = line.find(kw).unwrap();
            let v_at = line[kw_at..].find(value).map(|i| kw_at + i).unwrap();
            // Truncated inside the keyword, or inside the value (never after it:
            // the file would then be complete up to that point).
            let mut cuts: Vec<usize> = (1..=kw.len().min(6))
                .map(|i| kw_at + i * kw.len() / 6)
                .collect();
            cuts.extend((1..value.len()).map(|i| v_at + i));
            cuts.sort();
            cuts.dedup();
            for k in cuts {
                let k = k.min(v_at + value.len() - 1);
                let prefix = &line[v_at.min(k)..k];
                if k == 0 || !line.is_char_boundary(k) || COMPLETE.contains(&prefix) {
                    continue;
                }
                out.push(Case {
                    seed: si,
                    what: format!("truncated at {:?}", &line[..k]),
                    text: s.text[..start + k].to_string(),
                    line: line_no,
                    drop_with: false,
                });
            }
            for m in misspell(kw) {
                let bad = format!("{}{m}{}", &line[..kw_at], &line[kw_at + kw.len()..]);
                out.push(Case {
                    seed: si,
                    what: format!("misspelled {m:?}"),
                    text: format!("{}{bad}{}", &s.text[..start], &s.text[end..]),
                    line: line_no,
                    drop_with: false,
                });
            }
            for w in *wrong {
                let bad = format!("{}{w}{}", &line[..v_at], &line[v_at + value.len()..]);
                out.push(Case {
                    seed: si,
                    what: format!("wrong value {w:?}"),
                    text: format!("{}{bad}{}", &s.text[..start], &s.text[end..]),
                    line: line_no,
                    drop_with: false,
                });
            }
            for _ in 0..4 {
                let g = rng.line();
                out.push(Case {
                    seed: si,
                    what: format!("garbage line {g:?} before {kw}"),
                    text: format!("{}{g}\n{}", &s.text[..start], &s.text[start..]),
                    line: line_no,
                    drop_with: false,
                });
            }
        }
        for i in 0..12 {
            let len = 20 + (rng.next() % 400) as usize;
            let g = rng.line() + "\n" + &rng.printable(len);
            out.push(Case {
                seed: si,
                what: format!("replaced by garbage #{i}"),
                text: g,
                line: 1,
                drop_with: false,
            });
        }
        for (from, to) in &s.families {
            out.push(Case {
                seed: si,
                what: format!("wrong family {from:?} → {to:?}"),
                text: s.text.replacen(from, to, 1),
                line: 1,
                drop_with: false,
            });
        }
        if !s.with.is_empty() {
            out.push(Case {
                seed: si,
                what: "companion files removed".into(),
                text: s.text.clone(),
                line: 1,
                drop_with: true,
            });
        }
    }
    out
}

/// Audits one host in-process: (status, reason, report warnings).
fn audit(s: &Seed, text: &str, with: bool) -> (Status, String, Vec<String>) {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    write(r, s.at, text);
    if with {
        for (p, c) in &s.with {
            write(r, p, c);
        }
    }
    for u in s.units {
        enable(r, u);
    }
    evaluate_item(r, s.assets, s.item)
}

#[test]
fn every_seed_passes_unbroken() {
    for s in seeds() {
        let (st, reason, _) = audit(&s, &s.text, true);
        assert_eq!(st, Status::Pass, "{} → {}: {reason}", s.name, s.item);
    }
}

#[test]
fn no_broken_variant_of_a_real_configuration_passes() {
    let seeds = seeds();
    let cases = cases(&seeds);
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let mut silent = Vec::new();
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for c in &cases {
        let s = &seeds[c.seed];
        let (st, reason, warnings) = audit(s, &c.text, !c.drop_with);
        let warned = warnings.iter().any(|w| {
            w.starts_with(&format!("{}:{}:", s.at, c.line)) || w.starts_with(&format!("{}:", s.at))
        });
        *by_status
            .entry(if st == Status::Pass {
                "pass+warning".into()
            } else {
                format!("{st:?}")
            })
            .or_default() += 1;
        if st == Status::Pass && !warned {
            silent.push(format!("{} {} ({}): {reason}", s.name, c.what, s.item));
        }
    }
    eprintln!("{} mutation cases: {by_status:?}", cases.len());
    assert!(
        silent.is_empty(),
        "{} of {} broken configurations pass silently:\n{}",
        silent.len(),
        cases.len(),
        silent.join("\n")
    );
}
