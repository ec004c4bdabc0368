//! Samba's `smb.conf` read as smbd reads it: parameter names compared without
//! case and spaces, synonyms (`public` = `guest ok`, `writable` = not `read only`,
//! `min protocol` = `server min protocol`…), `\` line continuations, `include =`
//! processed where it stands, sections of the same name merged, later values
//! overriding earlier ones, and `[global]` values as defaults for every share.

use crate::collect::host::conf::{FileRef, HostError, Line, parse_bool, read_opt};
use crate::rootfs::RootFs;

/// smb.conf's path: the `file:` of the Samba policies (samba_guest,
/// samba_min_protocol, samba_vfs_audit, samba_create_mask), which read one
/// parse of it; a unit test checks that they all name the same file.
pub fn main_path() -> &'static str {
    use crate::catalogue::policies::{Check, Policies};
    Policies::builtin()
        .all
        .iter()
        .find_map(|p| match &p.check {
            Check::SambaGuest { file }
            | Check::SambaMinProtocol { file, .. }
            | Check::SambaVfsAudit { file, .. }
            | Check::SambaCreateMask { file, .. } => Some(file.as_str()),
            _ => None,
        })
        .unwrap_or_else(|| unreachable!("the built-in policies have Samba checks"))
}

/// One assignment as written, with its canonical name.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Canonical name, lowercase without spaces (`guestok`).
    pub name: String,
    /// The value, inverted for inverted synonyms (`writable = yes` → `no`).
    pub value: String,
    pub line: Line,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// As first written (`[Design]`); compared case-insensitively.
    pub name: String,
    pub line: Line,
    pub params: Vec<Param>,
}

#[derive(Clone, Debug, Default)]
pub struct Samba {
    pub files: Vec<FileRef>,
    /// `[global]` first when present, then shares in order of appearance.
    pub sections: Vec<Section>,
    /// `include =` lines whose path uses `%` substitutions and cannot be resolved.
    pub unresolved_includes: Vec<Line>,
    /// Parameters Samba ignores with a warning ("Unknown parameter encountered").
    pub warnings: Vec<HostError>,
}

/// The parameters timaudit reads (normalised): a name one or two edits away
/// from one of them is a misspelling Samba would ignore.
const READ_PARAMS: &[&str] = &[
    "serverminprotocol",
    "minprotocol",
    "guestok",
    "public",
    "guestonly",
    "onlyguest",
    "path",
    "directory",
    "vfsobjects",
    "readonly",
    "writable",
    "writeable",
    "writeok",
    "include",
    "configfile",
    "available",
    "printable",
    "printok",
    "copy",
    "maptoguest",
    "security",
    "createmask",
    "directorymask",
];

/// Why Samba would ignore this parameter name, if it would: characters no
/// parameter has, or a near miss of a parameter timaudit reads.
fn unknown_parameter(name: &str) -> Option<String> {
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || "_-:.".contains(c))
    {
        return Some(format!(
            "Unknown parameter encountered: `{}` (Samba ignores it)",
            crate::collect::host::conf::excerpt(name)
        ));
    }
    if READ_PARAMS.contains(&name) || name.contains(':') {
        return None;
    }
    READ_PARAMS
        .iter()
        .find(|p| p.len() > 5 && strsim::damerau_levenshtein(name, p) <= 2)
        .map(|p| {
            format!(
                "Unknown parameter encountered: `{name}` (did you mean `{p}`? Samba ignores it)"
            )
        })
}

/// Lowercase, spaces and tabs removed: how Samba compares parameter names.
pub fn norm_name(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Synonyms → (canonical name, inverted boolean).
fn canonical(n: &str) -> (&str, bool) {
    match n {
        "public" => ("guestok", false),
        "onlyguest" => ("guestonly", false),
        "writable" | "writeable" | "writeok" => ("readonly", true),
        "directory" => ("path", false),
        "minprotocol" => ("serverminprotocol", false),
        "vfsobject" => ("vfsobjects", false),
        "allowhosts" => ("hostsallow", false),
        "denyhosts" => ("hostsdeny", false),
        "browsable" => ("browseable", false),
        "protocol" | "maxprotocol" => ("servermaxprotocol", false),
        "createmode" => ("createmask", false),
        "directorymode" => ("directorymask", false),
        other => (other, false),
    }
}

pub fn collect(fs: &RootFs) -> Option<Result<Samba, HostError>> {
    let main = match read_opt(fs, main_path()) {
        Ok(Some(f)) => f,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    let mut s = Samba::default();
    let mut current: Option<usize> = None;
    let mut stack = Vec::new();
    Some(file(fs, &main, &mut s, &mut current, &mut stack).map(|_| {
        // [global] first.
        if let Some(i) = s
            .sections
            .iter()
            .position(|x| x.name.eq_ignore_ascii_case("global"))
        {
            let g = s.sections.remove(i);
            s.sections.insert(0, g);
        }
        s
    }))
}

fn file(
    fs: &RootFs,
    f: &crate::rootfs::HostFile,
    s: &mut Samba,
    current: &mut Option<usize>,
    stack: &mut Vec<String>,
) -> Result<(), HostError> {
    if stack.contains(&f.path) || stack.len() > 16 {
        return Ok(()); // smbd refuses to include a file recursively
    }
    stack.push(f.path.clone());
    let fr = FileRef::of(f);
    s.files.push(fr.clone());
    let text = f.text();
    for (n, l) in crate::collect::host::conf::join_continuations(&text) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let line = Line::new(&fr, n, &l);
        if t.starts_with('[') {
            *current = Some(section(s, t, line).map_err(|m| HostError::at(&f.path, n, m))?);
            continue;
        }
        let Some((k, v)) = t.split_once('=') else {
            return Err(HostError::at(&f.path, n, format!("not a parameter: `{t}`")));
        };
        let name = norm_name(k);
        let value = v.trim().to_string();
        if let Some(w) = unknown_parameter(&name) {
            s.warnings.push(HostError::at(&f.path, n, w));
            continue;
        }
        if name == "include" || name == "configfile" {
            if value.contains('%') {
                s.unresolved_includes.push(line);
                continue;
            }
            if let Some(inc) = read_opt(fs, &value)? {
                file(fs, &inc, s, current, stack)?;
            }
            continue;
        }
        parameter(s, current, &name, value, line);
    }
    stack.pop();
    Ok(())
}

/// A `[name]` header: the index of its section (a name seen before reopens it).
fn section(s: &mut Samba, t: &str, line: Line) -> Result<usize, String> {
    let Some(end) = t.find(']') else {
        return Err("section header without `]`".into());
    };
    let name = t[1..end].trim().to_string();
    if let Some(i) = s
        .sections
        .iter()
        .position(|x| x.name.eq_ignore_ascii_case(&name))
    {
        return Ok(i);
    }
    s.sections.push(Section {
        name,
        line,
        params: Vec::new(),
    });
    Ok(s.sections.len() - 1)
}

/// `name = value` (`name` normalised) in the current section; before any
/// section it belongs to [global].
fn parameter(s: &mut Samba, current: &mut Option<usize>, name: &str, value: String, line: Line) {
    let idx = match current {
        Some(i) => *i,
        None => {
            s.sections.push(Section {
                name: "global".into(),
                line: line.clone(),
                params: Vec::new(),
            });
            *current = Some(s.sections.len() - 1);
            s.sections.len() - 1
        }
    };
    if name == "copy" {
        // `copy = share`: that (earlier) section's parameters, as they stand
        // now, are copied here; later lines override them. An unknown source
        // is ignored, as smbd does.
        if let Some(src) = s
            .sections
            .iter()
            .position(|x| x.name.eq_ignore_ascii_case(&value))
            .filter(|&i| i != idx)
        {
            let copied = s.sections[src].params.clone();
            s.sections[idx].params.extend(copied);
        }
        return;
    }
    let (canon, inverted) = canonical(name);
    let value = if inverted {
        match parse_bool(&value) {
            Some(b) => if b { "no" } else { "yes" }.to_string(),
            None => value,
        }
    } else {
        value
    };
    s.sections[idx].params.push(Param {
        name: canon.to_string(),
        value,
        line,
    });
}

impl Section {
    /// The last value set in this section for a canonical name.
    pub fn get(&self, canon: &str) -> Option<&Param> {
        self.params.iter().rev().find(|p| p.name == canon)
    }
    pub fn is_global(&self) -> bool {
        self.name.eq_ignore_ascii_case("global")
    }
}

impl Samba {
    pub fn global(&self) -> Option<&Section> {
        self.sections.first().filter(|s| s.is_global())
    }
    pub fn shares(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.is_global())
    }
    /// A share's effective parameter: its own, else `[global]`'s.
    pub fn effective<'a>(&'a self, share: &'a Section, canon: &str) -> Option<&'a Param> {
        share
            .get(canon)
            .or_else(|| self.global().and_then(|g| g.get(canon)))
    }
    /// A boolean share parameter; `Err` with the line when the value is not a
    /// boolean. `None` when unset.
    pub fn bool_param<'a>(
        &'a self,
        share: &'a Section,
        canon: &str,
    ) -> Result<Option<(bool, &'a Param)>, &'a Param> {
        match self.effective(share, canon) {
            None => Ok(None),
            Some(p) => match parse_bool(&p.value) {
                Some(b) => Ok(Some((b, p))),
                None => Err(p),
            },
        }
    }
    /// The share's `path`, if it serves files (not a printer, not disabled).
    pub fn share_path<'a>(&'a self, share: &'a Section) -> Option<&'a Param> {
        if matches!(self.bool_param(share, "printable"), Ok(Some((true, _)))) {
            return None;
        }
        if matches!(self.bool_param(share, "available"), Ok(Some((false, _)))) {
            return None;
        }
        share.get("path")
    }
}

/// The directory a share path stands for: up to a `%` substitution, cut back to a directory.
pub fn share_dir(path: &str) -> String {
    match path.find('%') {
        Some(i) => crate::collect::host::asset_base(&format!("{}*", &path[..i])),
        None => path.trim_end_matches('/').to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{corpus, root};
    use super::*;

    #[test]
    fn every_samba_policy_names_the_smb_conf_that_is_read() {
        use crate::catalogue::policies::{Check, Policies};
        assert_eq!(main_path(), "/etc/samba/smb.conf");
        let mut n = 0;
        for p in &Policies::builtin().all {
            if let Check::SambaGuest { file }
            | Check::SambaMinProtocol { file, .. }
            | Check::SambaVfsAudit { file, .. }
            | Check::SambaCreateMask { file, .. } = &p.check
            {
                assert_eq!(file, main_path(), "{}", p.id);
                n += 1;
            }
        }
        assert_eq!(n, 4);
    }

    #[test]
    fn samba3_testdata_has_public_shares_and_a_guest_only_tmp() {
        let d = root(&[(main_path(), &corpus("smb-samba3-testdata.conf"))]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        let tmp = s.shares().find(|x| x.name == "tmp").unwrap();
        assert_eq!(s.share_path(tmp).unwrap().value, "/tmp");
        assert!(s.bool_param(tmp, "guestok").unwrap().unwrap().0);
        assert!(s.bool_param(tmp, "guestonly").unwrap().unwrap().0);
        assert!(!s.bool_param(tmp, "readonly").unwrap().unwrap().0);
        assert_eq!(s.shares().count(), 4);
    }

    #[test]
    fn smb_conf_default_comments_synonyms_and_printers() {
        let d = root(&[(main_path(), &corpus("smb.conf.default"))]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        let names: Vec<&str> = s.shares().map(|x| x.name.as_str()).collect();
        assert_eq!(names, vec!["homes", "printers"]);
        let homes = s.shares().next().unwrap();
        // writable = yes is read only = no.
        assert!(!s.bool_param(homes, "readonly").unwrap().unwrap().0);
        let printers = s.shares().nth(1).unwrap();
        assert!(s.share_path(printers).is_none());
        assert!(s.global().unwrap().get("serverminprotocol").is_none());
    }

    #[test]
    fn copy_takes_the_source_sections_parameters_and_later_lines_override() {
        let d = root(&[(
            "/etc/samba/smb.conf",
            "[tmpl]\n  guest ok = yes\n  path = /srv/other\n[design]\n  copy = TMPL\n  path = /srv/share/design\n[safe]\n  copy = tmpl\n  guest ok = no\n[none]\n  copy = missing\n",
        )]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        let sec = |n: &str| s.shares().find(|x| x.name == n).unwrap();
        assert_eq!(sec("design").get("guestok").unwrap().value, "yes");
        assert_eq!(sec("design").get("guestok").unwrap().line.line, 2);
        assert_eq!(
            sec("design").get("path").unwrap().value,
            "/srv/share/design"
        );
        assert_eq!(sec("safe").get("guestok").unwrap().value, "no");
        assert!(sec("none").params.is_empty());
    }

    #[test]
    fn names_ignore_case_and_spaces_globals_are_defaults_includes_merge() {
        let d = root(&[
            (
                main_path(),
                "[global]\n  GuestOK = Yes\n  min protocol = NT1\n  include = /etc/samba/shares.conf\n[design]\n  path = /srv/share/\\\ndesign\n",
            ),
            (
                "/etc/samba/shares.conf",
                "[Design]\n  read only = no\n[cad]\n  path=/srv/cad\n  guest ok = no\n",
            ),
        ]);
        let s = collect(&RootFs::new(d.path())).unwrap().unwrap();
        let design = s.shares().find(|x| x.name == "Design").unwrap();
        assert_eq!(s.share_path(design).unwrap().value, "/srv/share/design");
        let (g, p) = s.bool_param(design, "guestok").unwrap().unwrap();
        assert!(g);
        assert_eq!(p.line.path, main_path());
        let cad = s.shares().find(|x| x.name == "cad").unwrap();
        assert!(!s.bool_param(cad, "guestok").unwrap().unwrap().0);
        assert_eq!(
            s.global().unwrap().get("serverminprotocol").unwrap().value,
            "NT1"
        );
        assert_eq!(s.files.len(), 2);
    }
}
