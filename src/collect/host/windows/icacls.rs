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
    /// Does the ACE grant reading the data?
    pub fn grants_read(&self) -> bool {
        self.grants(&["F", "M", "RX", "R", "GR", "GA", "MA", "RD"])
    }
    /// Does the ACE grant changing, adding or deleting data (full control,
    /// modify, write, generic write or all, write data, append/add
    /// subdirectory, delete)?
    pub fn grants_write(&self) -> bool {
        self.grants(&["F", "M", "W", "GW", "GA", "MA", "WD", "AD", "D"])
    }
    /// Does the ACE (allow, not inherit-only) carry one of `rights`
    /// (icacls's simple or specific rights, any case)?
    fn grants(&self, rights: &[&str]) -> bool {
        if self.is_deny() || self.inherit_only() {
            return false;
        }
        self.groups.iter().any(|g| {
            g.split(',')
                .any(|r| rights.contains(&r.trim().to_ascii_uppercase().as_str()))
        })
    }
    /// `Everyone`, `Authenticated Users`, `BUILTIN\Users`, `Domain Users`, by
    /// name or SID.
    pub fn broad_principal(&self) -> bool {
        is_broad(&self.principal)
    }
}

pub fn is_broad(principal: &str) -> bool {
    let p = principal.trim().trim_start_matches('*');
    let l = p.to_lowercase();
    if ["s-1-1-0", "s-1-5-11", "s-1-5-32-545"].contains(&l.as_str()) {
        return true;
    }
    if l.starts_with("s-1-5-21-") && l.ends_with("-513") {
        return true;
    }
    let name = l.rsplit('\\').next().unwrap_or(&l);
    l == "everyone"
        || l == "nt authority\\authenticated users"
        || l == "authenticated users"
        || l == "builtin\\users"
        || name == "domain users"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EvidenceKind;

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
        assert!(a.entries[0].aces[0].broad_principal() && a.entries[0].aces[0].grants_read());
        assert_eq!(a.entries[1].path, "D:\\Share\\Design Docs\\a b.dwg");
        assert_eq!(a.entries[1].aces[0].principal, "CONTOSO\\Domain Users");
        assert!(!a.entries[2].aces[0].grants_read());
        assert_eq!(a.failed.as_ref().unwrap().0, 1);
        assert_eq!(a.errors.len(), 1);
    }

    #[test]
    fn sids_and_rights_lists() {
        assert!(is_broad("S-1-5-21-1004336348-1177238915-682003330-513"));
        assert!(is_broad("*S-1-1-0"));
        assert!(!is_broad("S-1-5-21-1004336348-1177238915-682003330-1105"));
        assert!(!is_broad("CONTOSO\\design"));
        let a = parse(&fr(), "C:\\x S-1-5-32-545:(I)(RD,RA,REA)\n").unwrap();
        assert!(a.entries[0].aces[0].grants_read());
        let a = parse(&fr(), "C:\\x BUILTIN\\Users:(OI)(CI)(IO)(GR)\n").unwrap();
        assert!(!a.entries[0].aces[0].grants_read());
    }

    #[test]
    fn real_outputs_from_public_repositories() {
        // tests/fixtures/windows/real/SOURCES.md
        let read =
            |n: &str| std::fs::read_to_string(format!("tests/fixtures/windows/real/{n}")).unwrap();
        let a = parse(&fr(), &read("icacls-system-ini-icacls-human.txt")).unwrap();
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
            .filter(|a| a.broad_principal() && a.grants_read())
            .map(|a| a.principal.as_str())
            .collect();
        assert_eq!(broad, ["BUILTIN\\Users"]);
        assert_eq!(a.failed.as_ref().map(|f| f.0), Some(0));
        let a = parse(&fr(), &read("icacls-access-denied-icaclswrap.txt")).unwrap();
        assert!(a.entries.is_empty());
        assert_eq!(a.failed.as_ref().map(|f| f.0), Some(1));
        assert_eq!(a.errors.len(), 1);
        assert!(a.errors[0].text.contains("Access is denied"));
    }
}
