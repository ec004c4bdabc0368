//! `icacls "<folder>" /t /c` output: the first line of an entry is `PATH ACE`,
//! further ACEs sit on lines indented to the first ACE's column, a blank line
//! separates entries, and a localised summary closes the output. Lines for paths
//! icacls could not read are `PATH: message`.

use crate::collect::host::conf::{FileRef, HostError, Line};

#[derive(Clone, Debug, PartialEq)]
pub struct Ace {
    /// `Everyone`, `BUILTIN\Users`, `CONTOSO\Domain Users`, or a raw SID.
    pub principal: String,
    /// The flag and right groups, e.g. `["OI", "CI", "RX"]` or `["I", "RD,RA"]`.
    pub groups: Vec<String>,
    pub line: Line,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AclEntry {
    pub path: String,
    pub aces: Vec<Ace>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Icacls {
    pub entries: Vec<AclEntry>,
    /// The summary line and its failure count.
    pub failed: Option<(u64, Line)>,
    /// Lines for paths icacls could not read.
    pub errors: Vec<Line>,
}

/// Principals that contain spaces, to split `PATH PRINCIPAL:(…)` on one line.
const SPACED: &[&str] = &[
    "nt authority\\",
    "creator owner",
    "creator group",
    "application package authority\\",
    "nt service\\",
    "mandatory label\\",
    "builtin\\",
    "everyone",
];

fn parse_ace(s: &str) -> Option<(String, Vec<String>)> {
    let idx = s.find(":(")?;
    let principal = s[..idx].trim().trim_start_matches('*').to_string();
    let mut groups = Vec::new();
    let mut rest = &s[idx + 1..];
    while let Some(r) = rest.strip_prefix('(') {
        let end = r.find(')')?;
        groups.push(r[..end].to_string());
        rest = &r[end + 1..];
    }
    rest.trim().is_empty().then_some((principal, groups))
}

/// Splits the first line of an entry into path and ACE text when the ACE
/// column is not known from a continuation line.
fn split_first(line: &str) -> Option<(String, String)> {
    let colon = line
        .char_indices()
        .skip(2)
        .find(|(i, _)| line[*i..].starts_with(":("))?
        .0;
    let before = &line[..colon];
    // ASCII lowercase keeps byte offsets equal to the original's.
    let lower = before.to_ascii_lowercase();
    // A known principal with spaces, or `\Domain Users`, at the end.
    for p in SPACED {
        if let Some(pos) = lower.rfind(&format!(" {p}")) {
            let cand = &before[pos + 1..];
            if !cand.contains(' ') || p.contains(' ') || p.ends_with('\\') {
                return Some((before[..pos].to_string(), line[pos + 1..].to_string()));
            }
        }
    }
    if lower.ends_with("\\domain users") {
        let dom_start = before
            .get(..before.len() - "\\domain users".len())?
            .rfind(' ')?;
        return Some((
            before[..dom_start].to_string(),
            line[dom_start + 1..].to_string(),
        ));
    }
    let sp = before.rfind(' ')?;
    Some((before[..sp].to_string(), line[sp + 1..].to_string()))
}

pub fn parse(file: &FileRef, text: &str) -> Result<Icacls, HostError> {
    let mut out = Icacls::default();
    let lines: Vec<&str> = text.lines().collect();
    let num = regex::Regex::new(r"\d+").unwrap();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i].trim_end_matches('\r');
        let n = i + 1;
        i += 1;
        if raw.trim().is_empty() {
            continue;
        }
        if raw.starts_with(char::is_whitespace) {
            return Err(HostError::at(
                &file.path,
                n,
                "indented ACE outside an entry",
            ));
        }
        if !raw.contains(":(") {
            let nums: Vec<u64> = num
                .find_iter(raw)
                .filter_map(|m| m.as_str().parse().ok())
                .collect();
            if nums.len() == 2 && !raw.contains('\\') {
                out.failed = Some((nums[1], Line::new(file, n, raw)));
            } else {
                out.errors.push(Line::new(file, n, raw));
            }
            continue;
        }
        // Continuation lines tell where the ACE column starts.
        let mut cont: Vec<(usize, &str)> = Vec::new();
        while i < lines.len()
            && lines[i].starts_with(char::is_whitespace)
            && !lines[i].trim().is_empty()
        {
            cont.push((i + 1, lines[i].trim_end_matches('\r')));
            i += 1;
        }
        let (path, first_ace) = match cont.first() {
            Some((_, c)) => {
                let indent_chars = c.chars().take_while(|c| c.is_whitespace()).count();
                let byte = raw.char_indices().nth(indent_chars).map(|(b, _)| b);
                match byte {
                    Some(b) if raw[..b].ends_with(' ') && parse_ace(&raw[b..]).is_some() => {
                        (raw[..b].trim_end().to_string(), raw[b..].to_string())
                    }
                    _ => split_first(raw)
                        .ok_or_else(|| HostError::at(&file.path, n, "cannot split path and ACE"))?,
                }
            }
            None => split_first(raw)
                .ok_or_else(|| HostError::at(&file.path, n, "cannot split path and ACE"))?,
        };
        let mut entry = AclEntry {
            path,
            aces: Vec::new(),
        };
        let (p, g) =
            parse_ace(&first_ace).ok_or_else(|| HostError::at(&file.path, n, "not an ACE"))?;
        entry.aces.push(Ace {
            principal: p,
            groups: g,
            line: Line::new(file, n, raw),
        });
        for (cn, c) in cont {
            let (p, g) =
                parse_ace(c.trim()).ok_or_else(|| HostError::at(&file.path, cn, "not an ACE"))?;
            entry.aces.push(Ace {
                principal: p,
                groups: g,
                line: Line::new(file, cn, c),
            });
        }
        out.entries.push(entry);
    }
    Ok(out)
}

impl Ace {
    pub fn is_deny(&self) -> bool {
        self.groups.iter().any(|g| g.eq_ignore_ascii_case("DENY"))
    }
    /// Inherit-only ACEs do not apply to the object itself.
    pub fn inherit_only(&self) -> bool {
        self.groups.iter().any(|g| g.eq_ignore_ascii_case("IO"))
    }
    /// Does the ACE (allow, not inherit-only) carry one of `rights`
    /// (icacls's simple or specific rights such as `F`, `RX`, `WD`, any case)?
    /// The rules pass the rights their policy names (WIN-ACL-001's
    /// `read_rights`, WIN-ACL-002's `write_rights`).
    pub fn grants_any(&self, rights: &[String]) -> bool {
        if self.is_deny() || self.inherit_only() {
            return false;
        }
        self.groups.iter().any(|g| {
            g.split(',')
                .any(|r| rights.iter().any(|x| x.eq_ignore_ascii_case(r.trim())))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::policies::{Check, policy};
    use crate::model::EvidenceKind;

    /// WIN-ACL-001's read rights.
    fn read() -> &'static [String] {
        let Check::IcaclsBroad { read_rights, .. } = &policy("WIN-ACL-001").check else {
            panic!("WIN-ACL-001");
        };
        read_rights
    }

    fn fr() -> FileRef {
        FileRef {
            kind: EvidenceKind::Windows,
            path: "acl/design.txt".into(),
            sha256: "x".into(),
        }
    }

    #[test]
    fn entries_with_spaces_in_paths_and_principals() {
        let t = "D:\\Share\\Design Docs NT AUTHORITY\\Authenticated Users:(OI)(CI)(RX)\r\n                    BUILTIN\\Administrators:(I)(OI)(CI)(F)\r\n\r\nD:\\Share\\Design Docs\\a b.dwg CONTOSO\\Domain Users:(I)(RX)\r\n\r\nD:\\Share\\Design Docs\\c.dwg Everyone:(DENY)(W)\r\n\r\nD:\\Share\\x: Access is denied.\r\nSuccessfully processed 3 files; Failed processing 1 files\r\n";
        let a = parse(&fr(), t).unwrap();
        assert_eq!(a.entries.len(), 3);
        assert_eq!(a.entries[0].path, "D:\\Share\\Design Docs");
        assert_eq!(
            a.entries[0].aces[0].principal,
            "NT AUTHORITY\\Authenticated Users"
        );
        assert!(a.entries[0].aces[0].grants_any(read()));
        assert_eq!(a.entries[1].path, "D:\\Share\\Design Docs\\a b.dwg");
        assert_eq!(a.entries[1].aces[0].principal, "CONTOSO\\Domain Users");
        assert!(!a.entries[2].aces[0].grants_any(read()));
        assert_eq!(a.failed.as_ref().unwrap().0, 1);
        assert_eq!(a.errors.len(), 1);
    }

    #[test]
    fn rights_lists_and_inherit_only() {
        let a = parse(&fr(), "C:\\x S-1-5-32-545:(I)(RD,RA,REA)\n").unwrap();
        assert!(a.entries[0].aces[0].grants_any(read()));
        assert!(!a.entries[0].aces[0].grants_any(&["WD".to_string()]));
        assert!(a.entries[0].aces[0].grants_any(&["rea".to_string()]));
        let a = parse(&fr(), "C:\\x BUILTIN\\Users:(OI)(CI)(IO)(GR)\n").unwrap();
        assert!(!a.entries[0].aces[0].grants_any(read()));
    }

    #[test]
    fn real_outputs_from_public_repositories() {
        // tests/fixtures/windows/real/SOURCES.md
        let fixture =
            |n: &str| std::fs::read_to_string(format!("tests/fixtures/windows/real/{n}")).unwrap();
        let a = parse(&fr(), &fixture("icacls-system-ini-icacls-human.txt")).unwrap();
        let e = &a.entries[0];
        assert_eq!((e.path.as_str(), e.aces.len()), (".\\system.ini", 5));
        assert_eq!(
            e.aces[3].principal,
            "APPLICATION PACKAGE AUTHORITY\\ALL APPLICATION PACKAGES"
        );
        // What a person reads: BUILTIN\Users can read the file, nobody else broad.
        let broad: Vec<&str> = e
            .aces
            .iter()
            .filter(|a| {
                crate::rules::acc::acc03::broad(&a.principal, "WIN-ACL-001") && a.grants_any(read())
            })
            .map(|a| a.principal.as_str())
            .collect();
        assert_eq!(broad, ["BUILTIN\\Users"]);
        assert_eq!(a.failed.as_ref().map(|f| f.0), Some(0));
        let a = parse(&fr(), &fixture("icacls-access-denied-icaclswrap.txt")).unwrap();
        assert!(a.entries.is_empty());
        assert_eq!(a.failed.as_ref().map(|f| f.0), Some(1));
        assert_eq!(a.errors.len(), 1);
        assert!(a.errors[0].text.contains("Access is denied"));
    }
}
