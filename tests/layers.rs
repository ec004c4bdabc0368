//! The layering the README promises, read from the source: `collect/` imports
//! nothing from `commands/`, `rules/` or `report/`, and no import cycle crosses a
//! top-level module of `src/` (a top-level module is `src/<name>.rs` or
//! `src/<name>/`). Imports are every `crate::<name>` path, including those in
//! `use crate::{a, b::c}` groups; comments and a file's trailing
//! `#[cfg(test)] mod tests` are left out (tests may reach across layers).
//!
//! And policies are the single source of the host paths they name: a collector
//! that writes such a path as a literal fails here (see `policy_paths_*`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level modules a source text names through `crate::`.
fn imported_modules(text: &str) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let code: String = code
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first name of each top-level entry of the group.
            let mut depth = 1;
            let mut expect = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => expect = true,
                    c if depth == 1 && expect && (c.is_ascii_alphabetic() || c == '_') => {
                        out.insert(ident(&group[k..]));
                        expect = false;
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every file of `src/` with the top-level module it belongs to.
fn sources() -> Vec<(String, PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).unwrap();
            let first = rel.components().next().unwrap().as_os_str();
            let top = first.to_string_lossy().trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(&p).unwrap();
            (top, p, text)
        })
        .collect()
}

/// Top-level module → the modules it imports, with one file that does.
fn edges() -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let mut g: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for (top, path, text) in sources() {
        let entry = g.entry(top.clone()).or_default();
        for m in imported_modules(&text) {
            if m != top {
                entry.entry(m).or_insert_with(|| path.clone());
            }
        }
    }
    g
}

#[test]
fn the_import_reader_sees_plain_paths_groups_and_skips_comments() {
    let seen = imported_modules(
        "use crate::{rules::score::Summary, report};\nuse crate::model::{A, B};\n\
         // crate::commands in a comment\nfn f() { crate::i18n::tr(); }\n\
         #[cfg(test)]\nmod tests { use crate::watch; }\n",
    );
    let want: BTreeSet<String> = ["rules", "report", "model", "i18n"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(seen, want);
}

#[test]
fn collectors_import_nothing_from_commands_rules_or_report() {
    let mut bad = Vec::new();
    for (top, path, text) in sources() {
        if top != "collect" {
            continue;
        }
        for m in imported_modules(&text) {
            if ["commands", "rules", "report"].contains(&m.as_str()) {
                bad.push(format!("{} imports crate::{m}", path.display()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "collect/ reaches up the layers:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_import_cycle_crosses_a_top_level_module() {
    let g = edges();
    // Depth-first search for a path back to the start, from every module.
    fn path_back(
        g: &BTreeMap<String, BTreeMap<String, PathBuf>>,
        start: &str,
        at: &str,
        seen: &mut BTreeSet<String>,
        trail: &mut Vec<String>,
    ) -> bool {
        for next in g.get(at).into_iter().flat_map(|m| m.keys()) {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                trail.push(next.clone());
                if path_back(g, start, next, seen, trail) {
                    return true;
                }
                trail.pop();
            }
        }
        false
    }
    for start in g.keys() {
        let mut trail = vec![start.clone()];
        if path_back(&g, start, start, &mut BTreeSet::new(), &mut trail) {
            trail.push(start.clone());
            let why: Vec<String> = trail
                .windows(2)
                .map(|w| format!("{} → {} ({})", w[0], w[1], g[&w[0]][&w[1]].display()))
                .collect();
            panic!("import cycle:\n{}", why.join("\n"));
        }
    }
}

#[test]
fn the_lower_layers_do_not_import_the_upper_ones() {
    // Modules below the pipeline's stages, and what they must never import.
    let forbidden: &[(&str, &[&str])] = &[
        (
            "rootfs",
            &["collect", "rules", "report", "commands", "watch"],
        ),
        (
            "model",
            &["collect", "rules", "report", "commands", "changes"],
        ),
        ("catalogue", &["collect", "rules", "report", "commands"]),
        ("profile", &["collect", "rules", "report", "commands"]),
        ("collect", &["commands", "rules", "report"]),
        ("rules", &["report", "commands", "watch"]),
        ("changes", &["rules", "report", "commands"]),
        ("report", &["commands", "watch"]),
        ("watch", &["commands"]),
        ("exit", &["commands", "watch"]),
    ];
    let g = edges();
    let mut bad = Vec::new();
    for (from, tos) in forbidden {
        for to in *tos {
            if let Some(file) = g.get(*from).and_then(|m| m.get(*to)) {
                bad.push(format!("{from} → {to} ({})", file.display()));
            }
        }
    }
    assert!(bad.is_empty(), "forbidden imports:\n{}", bad.join("\n"));
}

/// Host paths that collectors still hard-code although a policy's `dirs:` or
/// `files:` names them too (collector file under `src/collect/host/`, path):
/// issue 13 item 3, what is left to move. Take an entry out when its collector
/// reads the policy instead (as `linux/usb.rs` does for the modprobe folders);
/// never add one.
const NOT_YET_FROM_POLICIES: &[(&str, &str)] = &[];

/// Every path in a `*dirs`/`*files` field of a built-in policy, and the folder
/// of each glob (`/etc/default/grub.d/*.cfg` → `/etc/default/grub.d`).
fn policy_paths() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in &timaudit::catalogue::policies::Policies::builtin().all {
        let check = serde_json::to_value(&p.check).unwrap();
        let serde_json::Value::Object(m) = check else {
            continue;
        };
        for (key, v) in &m {
            if !(key.ends_with("dirs") || key.ends_with("files")) {
                continue;
            }
            for path in v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str())
            {
                out.insert(path.to_string());
                if path.contains('*')
                    && let Some((dir, _)) = path.rsplit_once('/')
                {
                    out.insert(dir.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn policy_paths_are_not_hard_coded_again_in_collectors() {
    let named = policy_paths();
    assert!(
        named.contains("/etc/modprobe.d"),
        "the policies were not read"
    );
    let literal = regex::Regex::new(r#""(/[^"\\]*)""#).unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/collect/host");
    let mut found = BTreeSet::new();
    for (top, path, text) in sources() {
        let Ok(rel) = path.strip_prefix(&base) else {
            continue;
        };
        assert_eq!(top, "collect");
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        for c in literal.captures_iter(code) {
            if named.contains(&c[1]) {
                found.insert((rel.to_string_lossy().to_string(), c[1].to_string()));
            }
        }
    }
    let allowed: BTreeSet<(String, String)> = NOT_YET_FROM_POLICIES
        .iter()
        .map(|(f, p)| (f.to_string(), p.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&allowed).collect();
    assert!(
        new.is_empty(),
        "collectors hard-code paths a policy names; read them from the policy:\n{new:#?}"
    );
    let stale: Vec<_> = allowed.difference(&found).collect();
    assert!(
        stale.is_empty(),
        "these paths now come from the policies: take them out of NOT_YET_FROM_POLICIES:\n{stale:#?}"
    );
}

/// Every evidence file or folder name a Windows policy names (`file:`,
/// `json_file:`, `files:`, `dir:` …): `auditpol.csv`, `acl`, … For a name in
/// a folder, its parts too: `registry/usbstor.reg` gives `registry` and
/// `usbstor.reg` (code that joins or compares the parts hard-codes them just
/// the same).
fn windows_evidence_names() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for p in &timaudit::catalogue::policies::Policies::builtin().all {
        if p.platform != "windows" {
            continue;
        }
        let serde_json::Value::Object(m) = serde_json::to_value(&p.check).unwrap() else {
            continue;
        };
        let ends = ["file", "files", "dir", "dirs"];
        for (_, v) in m
            .iter()
            .filter(|(k, _)| ends.iter().any(|e| k.ends_with(e)))
        {
            match v {
                serde_json::Value::String(s) => {
                    out.insert(s.clone());
                }
                serde_json::Value::Array(a) => {
                    out.extend(a.iter().filter_map(|x| x.as_str()).map(str::to_string));
                }
                _ => {}
            }
        }
    }
    let parts: Vec<String> = out
        .iter()
        .filter(|n| n.contains('/'))
        .flat_map(|n| n.split('/').map(str::to_string).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect();
    out.extend(parts);
    out
}

/// The string literals of a source text (unit tests and comment lines left
/// out) that are one of `names`.
fn literals_named(text: &str, names: &BTreeSet<String>) -> BTreeSet<String> {
    let code = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    let literal = regex::Regex::new(r#""([^"\\]*)""#).unwrap();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| {
            literal
                .captures_iter(l)
                .map(|c| c[1].to_string())
                .collect::<Vec<_>>()
        })
        .filter(|s| names.contains(s))
        .collect()
}

/// Windows collectors and rules: neither hard-codes an evidence file name,
/// registry exports included (`reg_errors(&["usbstor.reg"])`), that a policy
/// names.
#[test]
fn windows_evidence_names_are_not_hard_coded_again_in_collectors() {
    let named = windows_evidence_names();
    for n in [
        "auditpol.csv",
        "acl",
        "smb-share-access.csv",
        "defender.json",
        "firewall.json",
        "registry/usbstor.reg",
        "registry",
        "usbstor.reg",
        "removable-storage-policy.reg",
        "firewall-policy.reg",
        "eventlog-policy.reg",
        "w32time.reg",
        "w32time-policy.reg",
    ] {
        assert!(named.contains(n), "the policies were not read: {n}");
    }
    // The reader sees a name passed as a literal, not one in a comment.
    let seen = literals_named(
        "// one(dir, \"secedit.inf\")\nlet a = one(dir, \"auditpol.csv\", auditpol::parse);\n",
        &named,
    );
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["auditpol.csv"]);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bases = [
        root.join("src/collect/host/windows"),
        root.join("src/rules"),
    ];
    let mut found = Vec::new();
    for (_, path, text) in sources() {
        if bases.iter().any(|b| path.starts_with(b)) {
            for n in literals_named(&text, &named) {
                found.push(format!("{}: \"{n}\"", path.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "Windows collectors or rules hard-code evidence names a policy names; read them from the policy:\n{}",
        found.join("\n")
    );
}

/// Fields of built-in policies that no code outside the unit tests reads
/// (`TYPE.field`), each with why: issue 13, policies are the single source of
/// what a check reads. Never add an entry for new data; read it instead.
const NOT_YET_READ: &[&str] = &[];

/// `snake_case` check type → the `Check` variant's name.
fn variant_name(type_name: &str) -> String {
    type_name
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `Variant.field` for every field named in a `Check::Variant { … }` pattern
/// of the code (unit-test modules left out).
fn fields_read_by_code() -> BTreeSet<String> {
    let pattern = regex::Regex::new(r"Check::([A-Za-z0-9]+)\s*\{([^}]*)\}").unwrap();
    let mut out = BTreeSet::new();
    for (_, _, text) in sources() {
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        for c in pattern.captures_iter(code) {
            for part in c[2].split(',') {
                let field = part.split(':').next().unwrap_or("").trim();
                if !field.is_empty() && field != ".." {
                    out.insert(format!("{}.{field}", &c[1]));
                }
            }
        }
    }
    out
}

#[test]
fn the_field_reader_sees_multi_line_and_renamed_fields() {
    let seen: BTreeSet<String> = {
        let pattern = regex::Regex::new(r"Check::([A-Za-z0-9]+)\s*\{([^}]*)\}").unwrap();
        let code = "let Check::AuditRemote { dirs: named, .. } = x;\nif let (_, Check::Nftables {\n    service,\n    hook,\n    ..\n}) = y {}";
        pattern
            .captures_iter(code)
            .flat_map(|c| {
                c[2].split(',')
                    .map(|p| p.split(':').next().unwrap().trim().to_string())
                    .filter(|f| !f.is_empty() && f != "..")
                    .map(|f| format!("{}.{f}", &c[1]))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let want: BTreeSet<String> = ["AuditRemote.dirs", "Nftables.service", "Nftables.hook"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(seen, want);
    assert_eq!(variant_name("aide_scheduled"), "AideScheduled");
    assert!(fields_read_by_code().contains("ModprobeInstall.dirs"));
}

#[test]
fn every_policy_field_is_read_by_some_code() {
    let read = fields_read_by_code();
    let mut named = BTreeSet::new();
    for p in &timaudit::catalogue::policies::Policies::builtin().all {
        let serde_json::Value::Object(m) = serde_json::to_value(&p.check).unwrap() else {
            panic!("{}: a check is a map", p.id);
        };
        let ty = m["type"].as_str().unwrap().to_string();
        for key in m.keys().filter(|k| *k != "type") {
            named.insert(format!("{}.{key}", variant_name(&ty)));
        }
    }
    let allowed: BTreeSet<String> = NOT_YET_READ.iter().map(|s| s.to_string()).collect();
    let dead: Vec<_> = named
        .difference(&read)
        .filter(|f| !allowed.contains(*f))
        .collect();
    assert!(
        dead.is_empty(),
        "policy fields that no code reads (dead policy data; read them, or drop them):\n{dead:#?}"
    );
    let stale: Vec<_> = allowed
        .difference(&named)
        .chain(allowed.intersection(&read))
        .collect();
    assert!(
        stale.is_empty(),
        "these fields are read now (or gone): take them out of NOT_YET_READ:\n{stale:#?}"
    );
}

/// Functions longer than this many lines (signature to closing brace) need a
/// `// LONG: reason` comment just above them (issue 13: the layout explains
/// the program; a long function says why it is long).
const LONG_FN_LINES: usize = 80;

/// Every function outside the unit tests over [`LONG_FN_LINES`] lines, as
/// `path:line fn name (N lines)`, that has no `// LONG:` comment within the
/// eight lines above its `fn` line.
fn long_functions_without_reason() -> Vec<String> {
    let head = regex::Regex::new(r"^(\s*)(pub(\([^)]*\))? )?(const )?(async )?(unsafe )?fn (\w+)")
        .unwrap();
    let mut out = Vec::new();
    for (_, path, text) in sources() {
        if path.file_name().is_some_and(|n| n == "tests.rs")
            || path.components().any(|c| c.as_os_str() == "tests")
        {
            continue;
        }
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(i) => &text[..i],
            None => &text[..],
        };
        let lines: Vec<&str> = code.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(c) = head.captures(line) else {
                continue;
            };
            if line.trim_end().ends_with(';') {
                continue; // a declaration without a body
            }
            let indent = c[1].len();
            let close = format!("{}}}", &c[1]);
            let end = lines[i + 1..]
                .iter()
                .position(|l| l.starts_with(&close) && l.len() - l.trim_start().len() == indent)
                .map_or(lines.len(), |p| i + 1 + p);
            let len = end - i + 1;
            let reasoned = lines[i.saturating_sub(8)..i]
                .iter()
                .any(|l| l.contains("// LONG:"));
            if len > LONG_FN_LINES && !reasoned {
                let rel = path
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&path);
                out.push(format!(
                    "{}:{} fn {} ({len} lines)",
                    rel.display(),
                    i + 1,
                    &c[7]
                ));
            }
        }
    }
    out
}

#[test]
fn long_functions_say_why() {
    let found = long_functions_without_reason();
    assert!(
        found.is_empty(),
        "functions over {LONG_FN_LINES} lines: split them, or write `// LONG: reason` just above:\n{}",
        found.join("\n")
    );
}
