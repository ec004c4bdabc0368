//! Loading and validating the profile: every problem is collected with its position.

use super::csv;
use super::model::*;
use crate::catalogue::Catalogue;
use crate::diag::{Diagnostic, Diagnostics};
use crate::i18n::Text;
use crate::tr;
use crate::yaml::{self, Node, Pos, Value};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Reads and validates a profile. On any error, returns every problem found.
pub fn load(path: &Path, cat: &Catalogue) -> Result<(Profile, Vec<Diagnostic>), Vec<Diagnostic>> {
    let file = path.display().to_string();
    let bytes = crate::rootfs::read_input(path, crate::rootfs::limits::PROFILE).map_err(|e| {
        vec![Diagnostic::new(&file, 1, 1, {
            let e = io_text(&e);
            Text::new(
                format!("プロファイルを読めません: {}", e.ja),
                format!("cannot read profile: {}", e.en),
            )
        })]
    })?;
    let digest = crate::rootfs::hex(&<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = line_col(e.as_bytes(), e.utf8_error().valid_up_to());
            return Err(vec![Diagnostic::new(
                &file,
                line,
                column,
                tr!(
                    "プロファイルの文字コードが UTF-8 ではありません（UTF-8 で保存し直してください）",
                    "the profile is not UTF-8 text (save it as UTF-8)"
                ),
            )]);
        }
    };
    let base_dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut diags = Diagnostics::default();
    let root = yaml::parse(&file, text.trim_start_matches('\u{feff}')).map_err(|d| vec![d])?;
    let mut profile = Profile::empty();
    profile.file = Some(path.to_path_buf());
    profile.file_sha256 = Some(digest);
    profile.base_dir = base_dir;
    Decoder {
        file: &file,
        diags: &mut diags,
        cat,
    }
    .profile(&root, &mut profile);
    if diags.has_errors() {
        Err(diags.sorted_errors())
    } else {
        Ok((profile, diags.warnings))
    }
}

fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// The keys of one mapping, checked against what is allowed there.
struct Fields<'n> {
    map: HashMap<&'n str, &'n Node>,
    key_pos: HashMap<&'n str, Pos>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.map.get(key).copied().filter(|n| !n.is_null())
    }
    fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }
}

struct Decoder<'a> {
    file: &'a str,
    diags: &'a mut Diagnostics,
    cat: &'a Catalogue,
}

impl Decoder<'_> {
    fn err(&mut self, pos: Pos, msg: Text) {
        self.diags
            .error(Diagnostic::new(self.file, pos.line, pos.column, msg));
    }

    fn warn(&mut self, pos: Pos, msg: Text) {
        self.diags
            .warn(Diagnostic::new(self.file, pos.line, pos.column, msg));
    }

    /// Checks that `node` is a mapping with only `allowed` keys, each once.
    fn fields<'n>(&mut self, node: &'n Node, ctx: &str, allowed: &[&str]) -> Option<Fields<'n>> {
        let Value::Map(entries) = &node.value else {
            if !node.is_null() {
                let t = node.type_text();
                self.err(
                    node.pos,
                    Text::new(
                        format!(
                            "{ctx}: 「キー: 値」の行を書くところに、{}が書かれています",
                            t.ja
                        ),
                        format!(
                            "{ctx}: expected a mapping (key: value lines), found {}",
                            t.en
                        ),
                    ),
                );
            }
            return None;
        };
        let mut fields = Fields {
            map: HashMap::new(),
            key_pos: HashMap::new(),
        };
        for (k, v) in entries {
            let Some(key) = k.as_str() else {
                self.err(
                    k.pos,
                    tr!(
                        "{ctx}: キーは名前で書いてください（リストや「キー: 値」の組はキーにできません）",
                        "{ctx}: keys must be plain names"
                    ),
                );
                continue;
            };
            if !allowed.contains(&key) {
                let hint = match suggest(key, allowed) {
                    Some(s) => tr!(
                        "`{s}` の書き間違いではありませんか？",
                        "; did you mean `{s}`?"
                    ),
                    None => {
                        let list = allowed.join(", ");
                        tr!("使えるキー: {list}", " (expected one of: {list})")
                    }
                };
                self.err(
                    k.pos,
                    Text::new(
                        format!("{ctx}: 不明なキー `{key}` です。{}", hint.ja),
                        format!("{ctx}: unknown key `{key}`{}", hint.en),
                    ),
                );
                continue;
            }
            if fields.map.insert(key, v).is_some() {
                self.err(
                    k.pos,
                    tr!(
                        "{ctx}: キー `{key}` が2回書かれています",
                        "{ctx}: key `{key}` is given twice"
                    ),
                );
            }
            fields.key_pos.insert(key, k.pos);
        }
        Some(fields)
    }

    fn string(&mut self, node: &Node, ctx: &str) -> Option<String> {
        match &node.value {
            Value::Scalar { text, .. } => Some(text.clone()),
            Value::Null => None,
            _ => {
                let t = node.type_text();
                self.err(
                    node.pos,
                    Text::new(
                        format!("{ctx}: 1つの値を書くところに、{}が書かれています", t.ja),
                        format!("{ctx}: expected a single value, found {}", t.en),
                    ),
                );
                None
            }
        }
    }

    fn opt_string(&mut self, f: &Fields, key: &str, ctx: &str) -> Option<String> {
        let n = f.get(key)?;
        self.string(n, &format!("{ctx}.{key}"))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    fn date(&mut self, node: &Node, ctx: &str) -> Option<NaiveDate> {
        let s = self.string(node, ctx)?;
        match parse_date_text(&s) {
            Ok(d) => Some(d),
            Err(m) => {
                self.err(
                    node.pos,
                    Text::new(format!("{ctx}: {}", m.ja), format!("{ctx}: {}", m.en)),
                );
                None
            }
        }
    }

    fn opt_date(&mut self, f: &Fields, key: &str, ctx: &str) -> Option<NaiveDate> {
        let n = f.get(key)?;
        self.date(n, &format!("{ctx}.{key}"))
    }

    fn uint(&mut self, node: &Node, ctx: &str) -> Option<u64> {
        let s = self.string(node, ctx)?;
        match s.trim().replace('_', "").parse::<u64>() {
            Ok(v) => Some(v),
            Err(_) => {
                self.err(
                    node.pos,
                    tr!(
                        "{ctx}: 0 以上の整数を書いてください（書かれている値: `{s}`）",
                        "{ctx}: expected a whole number ≥ 0, found `{s}`"
                    ),
                );
                None
            }
        }
    }

    /// A list of single values. `[]`, an empty value and a list are accepted.
    fn strings(&mut self, node: &Node, ctx: &str) -> Vec<(String, Pos)> {
        match &node.value {
            Value::Null => Vec::new(),
            Value::Seq(items) => {
                let mut out = Vec::new();
                for it in items {
                    if let Some(s) = self.string(it, ctx) {
                        out.push((s.trim().to_string(), it.pos));
                    } else if it.is_null() {
                        self.err(
                            it.pos,
                            tr!(
                                "{ctx}: リストに空の項目があります",
                                "{ctx}: empty list entry"
                            ),
                        );
                    }
                }
                out
            }
            _ => {
                let t = node.type_text();
                self.err(
                    node.pos,
                    Text::new(
                        format!(
                            "{ctx}: リスト（`[a, b]` または `- a` の行）を書くところに、{}が書かれています",
                            t.ja
                        ),
                        format!(
                            "{ctx}: expected a list (`[a, b]` or `- a` lines), found {}",
                            t.en
                        ),
                    ),
                );
                Vec::new()
            }
        }
    }

    fn opt_strings(&mut self, f: &Fields, key: &str, ctx: &str) -> Vec<String> {
        match f.get(key) {
            Some(n) => self
                .strings(n, &format!("{ctx}.{key}"))
                .into_iter()
                .map(|(s, _)| s)
                .collect(),
            None => Vec::new(),
        }
    }

    fn seq<'n>(&mut self, node: &'n Node, ctx: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            Value::Null => &[],
            _ => {
                let t = node.type_text();
                self.err(
                    node.pos,
                    Text::new(
                        format!("{ctx}: リストを書くところに、{}が書かれています", t.ja),
                        format!("{ctx}: expected a list, found {}", t.en),
                    ),
                );
                &[]
            }
        }
    }

    fn profile(&mut self, root: &Node, p: &mut Profile) {
        const TOP: &[&str] = &[
            "version",
            "organization",
            "scope",
            "markers",
            "assets",
            "people",
            "people_file",
            "training",
            "training_file",
            "administrator",
            "documents",
            "reviews",
            "records",
            "answers",
            "approval",
            "thresholds",
        ];
        if root.is_null() {
            self.err(
                root.pos,
                tr!(
                    "プロファイルが空です（`timaudit init` で雛形を作れます）",
                    "the profile is empty (run `timaudit init` for a starter)"
                ),
            );
            return;
        }
        let Some(f) = self.fields(root, "profile", TOP) else {
            return;
        };
        match f.get("version") {
            Some(n) => match self.uint(n, "version") {
                Some(1) => p.version = 1,
                Some(v) => self.err(
                    n.pos,
                    tr!(
                        "version: この timaudit が読めるのはプロファイルの version 1 です（書かれている値: {v}）",
                        "version: this timaudit reads profile version 1, not {v}"
                    ),
                ),
                None => {}
            },
            None => p.version = 1,
        }
        match f.get("organization") {
            Some(n) => self.organization(n, p),
            None => self.err(
                root.pos,
                tr!(
                    "profile: `organization`（とその `name`）は必須です",
                    "profile: `organization` (with its `name`) is required"
                ),
            ),
        }
        if let Some(n) = f.get("scope") {
            self.scope(n, p);
        }
        if f.has("markers") {
            p.markers = match f.get("markers") {
                Some(n) => {
                    let mut v = Vec::new();
                    for (m, pos) in self.strings(n, "markers") {
                        if m.is_empty() {
                            self.err(
                                pos,
                                tr!(
                                    "markers: 空のマーカーは使えません",
                                    "markers: a marker must not be empty"
                                ),
                            );
                        } else {
                            v.push(m);
                        }
                    }
                    v
                }
                None => Vec::new(),
            };
        }
        if let Some(n) = f.get("assets") {
            self.assets(n, p);
        }
        self.people(&f, p);
        self.training(&f, p);
        if let Some(n) = f.get("administrator") {
            self.administrator(n, p);
        }
        if let Some(n) = f.get("documents") {
            self.documents(n, p);
        }
        if let Some(n) = f.get("reviews") {
            self.reviews(n, p);
        }
        if let Some(n) = f.get("records") {
            self.records(n, p);
        }
        if let Some(n) = f.get("answers") {
            self.answers(n, p);
        }
        if let Some(n) = f.get("approval") {
            self.approval(n, p);
        }
        if let Some(n) = f.get("thresholds") {
            self.thresholds(n, p);
        }
        self.cross_checks(p);
    }

    fn organization(&mut self, n: &Node, p: &mut Profile) {
        let Some(f) = self.fields(
            n,
            "organization",
            &["name", "previous_names", "certification"],
        ) else {
            return;
        };
        p.organization.previous_names = self.opt_strings(&f, "previous_names", "organization");
        match self.opt_string(&f, "name", "organization") {
            Some(name) => p.organization.name = name,
            None => self.err(
                n.pos,
                tr!(
                    "organization: `name`（組織名）は必須です",
                    "organization: `name` is required"
                ),
            ),
        }
        if let Some(c) = f.get("certification") {
            let ctx = "organization.certification";
            if let Some(cf) = self.fields(c, ctx, &["body", "certificate_id", "certified_on"]) {
                p.organization.certification = Some(Certification {
                    body: self.opt_string(&cf, "body", ctx),
                    certificate_id: self.opt_string(&cf, "certificate_id", ctx),
                    certified_on: self.opt_date(&cf, "certified_on", ctx),
                });
            }
        }
    }

    fn scope(&mut self, n: &Node, p: &mut Profile) {
        let Some(f) = self.fields(n, "scope", &["shares", "exclude", "content_scan_bytes"]) else {
            return;
        };
        if let Some(s) = f.get("shares") {
            for (share, pos) in self.strings(s, "scope.shares") {
                if !share.starts_with('/') {
                    self.err(
                        pos,
                        tr!(
                            "scope.shares: `{share}` はホスト上の絶対パス（/srv/share のように / で始まる形）で書いてください",
                            "scope.shares: `{share}` must be an absolute host path (like /srv/share)"
                        ),
                    );
                } else {
                    p.scope.shares.push(share);
                }
            }
        }
        if let Some(s) = f.get("exclude") {
            for (g, pos) in self.strings(s, "scope.exclude") {
                match globset::Glob::new(&g) {
                    Ok(_) => p.scope.exclude.push(g),
                    Err(e) => self.err(
                        pos,
                        tr!(
                            "scope.exclude: `{g}` はパターン（glob）として正しくありません: {}",
                            "scope.exclude: `{g}` is not a valid glob: {}",
                            e.kind()
                        ),
                    ),
                }
            }
        }
        if let Some(b) = f.get("content_scan_bytes")
            && let Some(v) = self.uint(b, "scope.content_scan_bytes")
        {
            p.scope.content_scan_bytes = v;
        }
    }

    fn assets(&mut self, n: &Node, p: &mut Profile) {
        const KEYS: &[&str] = &[
            "id",
            "name",
            "classification",
            "paths",
            "authorized",
            "handlers",
        ];
        let mut seen: HashMap<String, Pos> = HashMap::new();
        for (i, a) in self.seq(n, "assets").iter().enumerate() {
            let ctx = format!("assets[{}]", i + 1);
            let Some(f) = self.fields(a, &ctx, KEYS) else {
                if a.is_null() {
                    self.err(
                        a.pos,
                        tr!(
                            "{ctx}: 中身のない資産の項目があります",
                            "{ctx}: empty asset entry"
                        ),
                    );
                }
                continue;
            };
            let id = self.opt_string(&f, "id", &ctx);
            let ctx = match &id {
                Some(id) => format!("assets[{id}]"),
                None => ctx,
            };
            if let Some(id) = &id {
                if let Some(first) = seen.get(id) {
                    let pos = f.get("id").map_or(a.pos, |n| n.pos);
                    self.err(
                        pos,
                        tr!(
                            "assets: 資産ID `{id}` が重複しています（最初は {} 行目）",
                            "assets: duplicate asset id `{id}` (first defined on line {})",
                            first.line
                        ),
                    );
                } else {
                    seen.insert(id.clone(), f.get("id").map_or(a.pos, |n| n.pos));
                }
            }
            let mut paths = Vec::new();
            if let Some(pn) = f.get("paths") {
                for (g, pos) in self.strings(pn, &format!("{ctx}.paths")) {
                    if let Err(m) = check_asset_glob(&g) {
                        self.err(
                            pos,
                            Text::new(
                                format!("{ctx}.paths: {}", m.ja),
                                format!("{ctx}.paths: {}", m.en),
                            ),
                        );
                    } else {
                        paths.push(g);
                    }
                }
            }
            let mut authorized = Vec::new();
            if let Some(an) = f.get("authorized") {
                for (s, pos) in self.strings(an, &format!("{ctx}.authorized")) {
                    match Principal::parse_text(&s) {
                        Ok(pr) => authorized.push(pr),
                        Err(m) => self.err(
                            pos,
                            Text::new(
                                format!("{ctx}.authorized: {}", m.ja),
                                format!("{ctx}.authorized: {}", m.en),
                            ),
                        ),
                    }
                }
            }
            let asset = Asset {
                id,
                name: self.opt_string(&f, "name", &ctx),
                classification: self.opt_string(&f, "classification", &ctx),
                paths,
                authorized,
                handlers: self.opt_strings(&f, "handlers", &ctx),
                index: i,
                pos: a.pos,
            };
            p.assets.push(asset);
        }
    }

    fn people(&mut self, f: &Fields, p: &mut Profile) {
        // Where each person is written (file and position), for the messages below.
        let mut at: Vec<(String, Pos)> = Vec::new();
        if f.get("people").is_some() && f.get("people_file").is_some() {
            let pos = f.key_pos["people_file"];
            self.err(
                pos,
                tr!(
                    "`people` と `people_file` は、どちらか一方だけを書いてください",
                    "give either `people` or `people_file`, not both"
                ),
            );
            return;
        }
        if let Some(n) = f.get("people_file") {
            let Some(rel) = self.string(n, "people_file") else {
                return;
            };
            let path = p.local_path(&rel);
            match csv::read_people_lines(&path) {
                Ok((people, errs)) => {
                    self.diags.errors.extend(errs);
                    let file = path.display().to_string();
                    for (person, line) in people {
                        at.push((file.clone(), Pos { line, column: 1 }));
                        p.people.push(person);
                    }
                    p.people_file = Some(path);
                }
                Err(e) => {
                    let (f, e) = (path.display(), io_text(&e));
                    self.err(
                        n.pos,
                        Text::new(
                            format!("people_file: `{f}` を読めません: {}", e.ja),
                            format!("people_file: cannot read `{f}`: {}", e.en),
                        ),
                    )
                }
            }
        } else if let Some(n) = f.get("people") {
            const KEYS: &[&str] = &[
                "account",
                "name",
                "roles",
                "status",
                "joined_on",
                "left_on",
                "pledge_signed_on",
                "exit_pledge_signed_on",
            ];
            for (i, e) in self.seq(n, "people").iter().enumerate() {
                let ctx = format!("people[{}]", i + 1);
                let Some(pf) = self.fields(e, &ctx, KEYS) else {
                    continue;
                };
                let Some(account) = self.opt_string(&pf, "account", &ctx) else {
                    self.err(
                        e.pos,
                        tr!(
                            "{ctx}: `account`（アカウント名）は必須です",
                            "{ctx}: `account` is required"
                        ),
                    );
                    continue;
                };
                let ctx = format!("people[{account}]");
                let status = match pf.get("status") {
                    Some(sn) => match self.string(sn, &format!("{ctx}.status")) {
                        Some(s) => match parse_person_status(&s) {
                            Some(st) => Some(st),
                            None => {
                                self.err(
                                    sn.pos,
                                    tr!(
                                        "{ctx}.status: `{s}` は status に使えません（`active`（在籍）か `left`（退職）を書いてください）",
                                        "{ctx}.status: `{s}` is not a status (expected active or left)"
                                    ),
                                );
                                None
                            }
                        },
                        None => None,
                    },
                    None => None,
                };
                let left_on = self.opt_date(&pf, "left_on", &ctx);
                let person = Person {
                    name: self.opt_string(&pf, "name", &ctx),
                    roles: self.opt_strings(&pf, "roles", &ctx),
                    status: status.unwrap_or(if left_on.is_some() {
                        PersonStatus::Left
                    } else {
                        PersonStatus::Active
                    }),
                    joined_on: self.opt_date(&pf, "joined_on", &ctx),
                    left_on,
                    pledge_signed_on: self.opt_date(&pf, "pledge_signed_on", &ctx),
                    exit_pledge_signed_on: self.opt_date(&pf, "exit_pledge_signed_on", &ctx),
                    account,
                };
                at.push((self.file.to_string(), e.pos));
                p.people.push(person);
            }
        }
        // Duplicate accounts and unknown roles, wherever the roster came from.
        let mut seen = HashMap::new();
        for (person, (file, pos)) in p.people.iter().zip(&at) {
            let (file, pos) = (file.as_str(), *pos);
            if let Some(first) = seen.insert(person.account.clone(), pos.line) {
                self.diags.error(Diagnostic::new(
                    file,
                    pos.line,
                    pos.column,
                    tr!(
                        "people: アカウント `{}` が2回書かれています（最初は {first} 行目）",
                        "people: account `{}` is listed twice (first on line {first})",
                        person.account
                    ),
                ));
            }
            for r in &person.roles {
                if !KNOWN_ROLES.contains(&r.as_str()) {
                    let hint = match suggest(r, KNOWN_ROLES) {
                        Some(s) => tr!(
                            "`{s}` の書き間違いではありませんか？",
                            " (did you mean `{s}`?)"
                        ),
                        None => {
                            let list = KNOWN_ROLES.join(", ");
                            tr!("使える役割: {list}", " (the roles it knows: {list})")
                        }
                    };
                    let a = &person.account;
                    self.diags.warn(Diagnostic::new(
                        file,
                        pos.line,
                        pos.column,
                        Text::new(
                            format!(
                                "people[{a}]: 役割 `{r}` は timaudit では使われません（{}）",
                                hint.ja
                            ),
                            format!(
                                "people[{a}]: role `{r}` has no meaning to timaudit{}",
                                hint.en
                            ),
                        ),
                    ));
                }
            }
        }
    }

    fn training(&mut self, f: &Fields, p: &mut Profile) {
        if f.get("training").is_some() && f.get("training_file").is_some() {
            let pos = f.key_pos["training_file"];
            self.err(
                pos,
                tr!(
                    "`training` と `training_file` は、どちらか一方だけを書いてください",
                    "give either `training` or `training_file`, not both"
                ),
            );
            return;
        }
        let (topics_at, attendees_at) = self.training_sessions(f, p);
        // An attendee the roster does not know is not counted as trained.
        if !p.people.is_empty() {
            let accounts: HashSet<&str> = p.people.iter().map(|x| x.account.as_str()).collect();
            let mut warned = HashSet::new();
            for (file, a, line, column) in &attendees_at {
                if !accounts.contains(a.as_str()) && warned.insert(a.clone()) {
                    self.diags.warn(Diagnostic::new(
                        file,
                        *line,
                        *column,
                        tr!(
                            "training: 受講者 `{a}` が従業員名簿（`people`）にいません（アカウント名の書き間違いではありませんか？）",
                            "training: attendee `{a}` is not in the people roster (a misspelt account?)"
                        ),
                    ));
                }
            }
        }
        // Topics are compared without regard to ASCII case (`Handling` as a
        // spreadsheet capitalises it counts as `handling`); a topic TRN-01 does
        // not know is named once, at the key, so a typo does not go unnoticed.
        let key = ["training_file", "training"]
            .into_iter()
            .find_map(|k| f.key_pos.get(k).copied());
        let mut unknown: Vec<String> = Vec::new();
        for s in &mut p.training {
            for t in &mut s.topics {
                let lower = t.to_ascii_lowercase();
                if REQUIRED_TOPICS.contains(&lower.as_str()) {
                    *t = lower;
                } else if !unknown.contains(t) {
                    unknown.push(t.clone());
                }
            }
        }
        if let Some(key_pos) = key {
            for t in unknown {
                let hint = match suggest(&t.to_ascii_lowercase(), REQUIRED_TOPICS) {
                    Some(s) => tr!(
                        "`{s}` の書き間違いではありませんか？",
                        " (did you mean `{s}`?)"
                    ),
                    None => {
                        let list = REQUIRED_TOPICS.join(", ");
                        tr!(
                            "TRN-01 が数えるテーマ: {list}",
                            " (the topics TRN-01 counts: {list})"
                        )
                    }
                };
                // At the topic's first place (the CSV's own line), else the key.
                let (file, pos) = topics_at.iter().find(|(_, x, _, _)| *x == t).map_or(
                    (self.file.to_string(), key_pos),
                    |(f, _, l, c)| {
                        (
                            f.clone(),
                            Pos {
                                line: *l,
                                column: *c,
                            },
                        )
                    },
                );
                self.diags.warn(Diagnostic::new(
                    &file,
                    pos.line,
                    pos.column,
                    Text::new(
                        format!(
                            "training: 研修テーマ `{t}` は timaudit では使われません（{}）",
                            hint.ja
                        ),
                        format!(
                            "training: topic `{t}` has no meaning to timaudit{}",
                            hint.en
                        ),
                    ),
                ));
            }
        }
    }

    /// Reads the sessions; returns where each topic and attendee first appears
    /// (file, value, line, column), for the warnings that follow.
    fn training_sessions(&mut self, f: &Fields, p: &mut Profile) -> (Vec<Found>, Vec<Found>) {
        let (mut topics_at, mut attendees_at) = (Vec::new(), Vec::new());
        if let Some(n) = f.get("training_file") {
            let Some(rel) = self.string(n, "training_file") else {
                return (topics_at, attendees_at);
            };
            let path = p.local_path(&rel);
            match csv::read_training(&path) {
                Ok(t) => {
                    self.diags.errors.extend(t.errors);
                    let file = path.display().to_string();
                    let found = |v: Vec<csv::Place>| {
                        v.into_iter()
                            .map(|(x, l, c)| (file.clone(), x, l, c))
                            .collect()
                    };
                    topics_at = found(t.topics_at);
                    attendees_at = found(t.attendees_at);
                    p.training = t.sessions;
                    p.training_file = Some(path);
                }
                Err(e) => {
                    let (f, e) = (path.display(), io_text(&e));
                    self.err(
                        n.pos,
                        Text::new(
                            format!("training_file: `{f}` を読めません: {}", e.ja),
                            format!("training_file: cannot read `{f}`: {}", e.en),
                        ),
                    )
                }
            }
        } else if let Some(n) = f.get("training") {
            for (i, e) in self.seq(n, "training").iter().enumerate() {
                let ctx = format!("training[{}]", i + 1);
                let Some(tf) = self.fields(e, &ctx, &["date", "title", "topics", "attendees"])
                else {
                    continue;
                };
                let session = TrainingSession {
                    date: self.opt_date(&tf, "date", &ctx),
                    title: self.opt_string(&tf, "title", &ctx),
                    topics: self.opt_strings(&tf, "topics", &ctx),
                    attendees: self.opt_strings(&tf, "attendees", &ctx),
                };
                let at = |k: &str| tf.get(k).map_or(e.pos, |n| n.pos);
                for (k, out) in [("topics", &mut topics_at), ("attendees", &mut attendees_at)] {
                    let pos = at(k);
                    let values = if k == "topics" {
                        &session.topics
                    } else {
                        &session.attendees
                    };
                    for v in values {
                        out.push((self.file.to_string(), v.clone(), pos.line, pos.column));
                    }
                }
                p.training.push(session);
            }
        }
        (topics_at, attendees_at)
    }

    fn administrator(&mut self, n: &Node, p: &mut Profile) {
        let ctx = "administrator";
        let Some(f) = self.fields(n, ctx, &["account", "appointed_on", "document"]) else {
            return;
        };
        p.administrator = Some(Administrator {
            account: self.opt_string(&f, "account", ctx),
            appointed_on: self.opt_date(&f, "appointed_on", ctx),
            document: self.opt_string(&f, "document", ctx),
        });
    }

    fn documents(&mut self, n: &Node, p: &mut Profile) {
        for (i, e) in self.seq(n, "documents").iter().enumerate() {
            let ctx = format!("documents[{}]", i + 1);
            let Some(f) = self.fields(e, &ctx, &["id", "title", "path", "revised_on"]) else {
                continue;
            };
            let Some(id) = self.opt_string(&f, "id", &ctx) else {
                self.err(
                    e.pos,
                    tr!(
                        "{ctx}: `id` は必須です（管理規程には `rules` を使います）",
                        "{ctx}: `id` is required (use `rules` for the management rules)"
                    ),
                );
                continue;
            };
            p.documents.push(Document {
                title: self.opt_string(&f, "title", &ctx),
                path: self.opt_string(&f, "path", &ctx),
                revised_on: self.opt_date(&f, "revised_on", &ctx),
                id,
            });
        }
    }

    fn reviews(&mut self, n: &Node, p: &mut Profile) {
        for (i, e) in self.seq(n, "reviews").iter().enumerate() {
            let ctx = format!("reviews[{}]", i + 1);
            let Some(f) = self.fields(e, &ctx, &["kind", "date", "document", "note"]) else {
                continue;
            };
            let kind = self.kind(&f, e, &ctx, ReviewKind::NAMES, ReviewKind::parse);
            let date = self.opt_date(&f, "date", &ctx);
            let document = self.opt_string(&f, "document", &ctx);
            let note = self.opt_string(&f, "note", &ctx);
            if let Some(kind) = kind {
                p.reviews.push(Review {
                    kind,
                    date,
                    document,
                    note,
                });
            }
        }
    }

    fn records(&mut self, n: &Node, p: &mut Profile) {
        for (i, e) in self.seq(n, "records").iter().enumerate() {
            let ctx = format!("records[{}]", i + 1);
            let Some(f) = self.fields(
                e,
                &ctx,
                &["kind", "path", "note", "reviewed_on", "updated_on"],
            ) else {
                continue;
            };
            let kind = self.kind(&f, e, &ctx, RecordKind::NAMES, RecordKind::parse);
            let path = self.opt_string(&f, "path", &ctx);
            let note = self.opt_string(&f, "note", &ctx);
            let reviewed_on = self.opt_date(&f, "reviewed_on", &ctx);
            let updated_on = self.opt_date(&f, "updated_on", &ctx);
            // A date on a kind that has no use for it is never read: say so
            // where it was written rather than let it look like it counts.
            for (key, wanted) in [
                ("reviewed_on", RecordKind::IncidentProcedure),
                ("updated_on", RecordKind::Media),
            ] {
                if let (Some(k), Some(at)) = (kind, f.key_pos.get(key))
                    && k != wanted
                {
                    let (k, w) = (k.name(), wanted.name());
                    self.warn(
                        *at,
                        tr!(
                            "{ctx}.{key}: `{key}` は kind: {w} の記録でだけ使われます（この記録は kind: {k} のため、この日付は判定に使われません）",
                            "{ctx}.{key}: `{key}` is only read for kind {w} (this record is kind {k}, so the date is not used)"
                        ),
                    );
                }
            }
            if let Some(kind) = kind {
                p.records.push(Record {
                    kind,
                    path,
                    note,
                    reviewed_on,
                    updated_on,
                });
            }
        }
    }

    fn kind<T>(
        &mut self,
        f: &Fields,
        e: &Node,
        ctx: &str,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let Some(kn) = f.get("kind") else {
            let names = names.join(" | ");
            self.err(
                e.pos,
                tr!(
                    "{ctx}: `kind` は必須です（{names}）",
                    "{ctx}: `kind` is required ({names})"
                ),
            );
            return None;
        };
        let s = self.string(kn, &format!("{ctx}.kind"))?;
        let k = parse(s.trim());
        if k.is_none() {
            let hint = did_you_mean(suggest(&s, names));
            let names = names.join(" | ");
            self.err(
                kn.pos,
                Text::new(
                    format!(
                        "{ctx}.kind: 不明な種類 `{s}` です（使えるもの: {names}）。{}",
                        hint.ja
                    ),
                    format!(
                        "{ctx}.kind: unknown kind `{s}` (expected {names}){}",
                        hint.en
                    ),
                ),
            );
        }
        k
    }

    fn answers(&mut self, n: &Node, p: &mut Profile) {
        let Value::Map(entries) = &n.value else {
            let t = n.type_text();
            self.err(
                n.pos,
                Text::new(
                    format!(
                        "answers: 項目IDごとの「キー: 値」を書くところに、{}が書かれています",
                        t.ja
                    ),
                    format!("answers: expected a mapping of item IDs, found {}", t.en),
                ),
            );
            return;
        };
        let ids: Vec<&str> = self.cat.items.iter().map(|i| i.id.as_str()).collect();
        let mut out = BTreeMap::new();
        for (k, v) in entries {
            let Some(id) = k.as_str() else {
                self.err(
                    k.pos,
                    tr!(
                        "answers: キーは STO-01 のようなチェックリストの項目IDで書いてください",
                        "answers: keys must be checklist item IDs such as STO-01"
                    ),
                );
                continue;
            };
            let Some(item) = self.cat.items.iter().find(|i| i.id == id) else {
                let hint = did_you_mean(suggest(id, &ids));
                self.err(
                    k.pos,
                    Text::new(
                        format!(
                            "answers: チェックリストに項目 `{id}` はありません。{}",
                            hint.ja
                        ),
                        format!("answers: unknown checklist item `{id}`{}", hint.en),
                    ),
                );
                continue;
            };
            if out.contains_key(id) {
                self.err(
                    k.pos,
                    tr!(
                        "answers: `{id}` への回答が2回書かれています",
                        "answers: `{id}` is answered twice"
                    ),
                );
                continue;
            }
            let ctx = format!("answers.{id}");
            let Some(f) = self.fields(
                v,
                &ctx,
                &[
                    "status",
                    "note",
                    "justification",
                    "evidence",
                    "expires_on",
                    "answered_by",
                    "answered_on",
                    "approved_by",
                ],
            ) else {
                if v.is_null() {
                    self.err(
                        v.pos,
                        tr!(
                            "{ctx}: 回答には少なくとも `status` が必要です",
                            "{ctx}: an answer needs at least `status`"
                        ),
                    );
                }
                continue;
            };
            let status = match f.get("status") {
                None => {
                    let names = AnswerStatus::NAMES.join(" | ");
                    self.err(
                        v.pos,
                        tr!(
                            "{ctx}: `status` は必須です（{names}）",
                            "{ctx}: `status` is required ({names})"
                        ),
                    );
                    None
                }
                Some(sn) => {
                    let s = self
                        .string(sn, &format!("{ctx}.status"))
                        .unwrap_or_default();
                    let st = AnswerStatus::parse(s.trim());
                    if st.is_none() {
                        let hint = did_you_mean(suggest(&s, AnswerStatus::NAMES));
                        let names = AnswerStatus::NAMES.join(" | ");
                        self.err(
                            sn.pos,
                            Text::new(
                                format!(
                                    "{ctx}.status: `{s}` は回答の status に使えません（使えるもの: {names}）。{}",
                                    hint.ja
                                ),
                                format!(
                                    "{ctx}.status: `{s}` is not an answer status (expected {names}){}",
                                    hint.en
                                ),
                            ),
                        );
                    }
                    st
                }
            };
            let justification = self.opt_string(&f, "justification", &ctx);
            let note = self.opt_string(&f, "note", &ctx);
            let evidence = self.opt_strings(&f, "evidence", &ctx);
            let alternative = status == Some(AnswerStatus::Alternative);
            if alternative {
                // An alternative measure must say what it is and show it.
                if note.is_none() && justification.is_none() {
                    self.err(
                        k.pos,
                        tr!(
                            "{ctx}: `status: alternative`（代替措置で適合）には、どの代替措置で満たしているかを `note` に書いてください",
                            "{ctx}: `status: alternative` needs a `note` saying which other control meets the item"
                        ),
                    );
                }
                if evidence.is_empty() {
                    self.err(
                        k.pos,
                        tr!(
                            "{ctx}: `status: alternative`（代替措置で適合）には、代替措置の証跡ファイルを `evidence` に1つ以上挙げてください",
                            "{ctx}: `status: alternative` needs at least one file in `evidence` that shows the other control"
                        ),
                    );
                }
            }
            if !item.source.needs_answer() && justification.is_none() && !alternative {
                let (how_ja, how_en) = match item.source {
                    crate::catalogue::Source::Records => ("記録から", "from records"),
                    _ => ("自動で", "automatically"),
                };
                let code = item.source.code();
                self.err(
                    k.pos,
                    Text::new(
                        format!(
                            "{ctx}: {id} は{how_ja}判定する項目です（{code}）。ここに回答を書くと判定を上書きする例外扱いになるため、`justification`（理由）が必要です"
                        ),
                        format!(
                            "{ctx}: {id} is decided {how_en} ({code}); an answer on it is a waiver and needs a `justification`"
                        ),
                    ),
                );
            }
            let answer = Answer {
                status: status.unwrap_or(AnswerStatus::Fail),
                note,
                justification,
                evidence,
                expires_on: self.opt_date(&f, "expires_on", &ctx),
                answered_by: self.opt_string(&f, "answered_by", &ctx),
                answered_on: self.opt_date(&f, "answered_on", &ctx),
                approved_by: self.opt_string(&f, "approved_by", &ctx),
                pos: k.pos,
            };
            if status.is_some() {
                out.insert(id.to_string(), answer);
            }
        }
        p.answers = out;
    }

    fn approval(&mut self, n: &Node, p: &mut Profile) {
        let ctx = "approval";
        let Some(f) = self.fields(
            n,
            ctx,
            &["prepared_by", "prepared_on", "approved_by", "approved_on"],
        ) else {
            return;
        };
        p.approval = Approval {
            prepared_by: self.opt_string(&f, "prepared_by", ctx),
            prepared_on: self.opt_date(&f, "prepared_on", ctx),
            approved_by: self.opt_string(&f, "approved_by", ctx),
            approved_on: self.opt_date(&f, "approved_on", ctx),
        };
    }

    fn thresholds(&mut self, n: &Node, p: &mut Profile) {
        let keys = [
            "log_retention_days",
            "training_interval_days",
            "review_interval_days",
            "min_password_length",
        ];
        let Some(f) = self.fields(n, "thresholds", &keys) else {
            return;
        };
        for key in keys {
            let Some(v) = f.get(key) else { continue };
            let ctx = format!("thresholds.{key}");
            let Some(x) = self.uint(v, &ctx) else {
                continue;
            };
            if x == 0 {
                self.err(
                    v.pos,
                    tr!(
                        "{ctx}: 1 以上の値にしてください",
                        "{ctx}: must be at least 1"
                    ),
                );
                continue;
            }
            // Day counts beyond a century are a typo, and would overflow the date
            // arithmetic (review_interval_days × 3, dates minus the interval).
            if key.ends_with("_days") && x > MAX_THRESHOLD_DAYS {
                self.err(
                    v.pos,
                    tr!(
                        "{ctx}: {x} 日は上限の {MAX_THRESHOLD_DAYS} 日（100 年）を超えています。間隔は日数で書いてください",
                        "{ctx}: {x} days is more than {MAX_THRESHOLD_DAYS} (100 years); give the interval in days"
                    ),
                );
                continue;
            }
            let t = &mut p.thresholds;
            match key {
                "log_retention_days" => t.log_retention_days = x,
                "training_interval_days" => t.training_interval_days = x,
                "review_interval_days" => t.review_interval_days = x,
                _ => t.min_password_length = x,
            }
        }
    }

    /// Consistency warnings that are not errors: things that will make items fail
    /// for a reason the user may not expect.
    fn cross_checks(&mut self, p: &Profile) {
        let accounts: HashSet<&str> = p.people.iter().map(|x| x.account.as_str()).collect();
        for a in &p.assets {
            for h in &a.handlers {
                if !accounts.contains(h.as_str()) {
                    let label = a.label();
                    self.warn(
                        a.pos,
                        tr!(
                            "assets[{label}]: 取扱者 `{h}` が従業員名簿（`people`）にいません",
                            "assets[{label}]: handler `{h}` is not in the people roster"
                        ),
                    );
                }
            }
        }
    }
}

/// Where a value was found: file, value, line, column.
type Found = (String, String, usize, usize);

fn parse_person_status(s: &str) -> Option<PersonStatus> {
    match s.trim() {
        "active" | "在籍" | "在職" => Some(PersonStatus::Active),
        "left" | "退職" | "退社" => Some(PersonStatus::Left),
        _ => None,
    }
}

/// The largest day count a threshold may give (100 years).
pub const MAX_THRESHOLD_DAYS: u64 = 36_500;

/// A date as the profile accepts it (see [`super::dates`]).
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    parse_date_text(s).map_err(|m| m.en)
}

/// [`parse_date`] with the reason in both languages; the rule is in [`super::dates`].
pub fn parse_date_text(s: &str) -> Result<NaiveDate, Text> {
    super::dates::parse(s)
}

pub(super) fn person_status(s: &str) -> Option<PersonStatus> {
    parse_person_status(s)
}

fn check_asset_glob(g: &str) -> Result<(), Text> {
    if g.is_empty() {
        return Err(tr!("パスが空です", "an empty path"));
    }
    let windows = g.len() > 2 && g.as_bytes()[1] == b':' || g.starts_with("\\\\");
    if !g.starts_with('/') && !windows {
        return Err(tr!(
            "`{g}` はホスト上の絶対パス（/srv/share/design/** など）か Windows のパス（D:\\Share\\設計\\** など）で書いてください",
            "`{g}` must be an absolute host path (like /srv/share/design/**) or a Windows path (like D:\\Share\\設計\\**)"
        ));
    }
    if !windows {
        globset::Glob::new(g).map_err(|e| {
            tr!(
                "`{g}` はパターン（glob）として正しくありません: {}",
                "`{g}` is not a valid glob: {}",
                e.kind()
            )
        })?;
    }
    Ok(())
}

/// The "did you mean" hint after a message (empty when there is no close word).
fn did_you_mean(s: Option<&str>) -> Text {
    match s {
        Some(s) => tr!(
            "`{s}` の書き間違いではありませんか？",
            "; did you mean `{s}`?"
        ),
        None => Text::default(),
    }
}

/// Why a file could not be read, in both languages (the OS text in English).
pub(super) fn io_text(e: &std::io::Error) -> Text {
    let ja = match e.kind() {
        std::io::ErrorKind::NotFound => "ファイルがありません".to_string(),
        std::io::ErrorKind::PermissionDenied => "読む権限がありません".to_string(),
        std::io::ErrorKind::IsADirectory => "ファイルではなくフォルダーです".to_string(),
        _ if crate::rootfs::error_ja(e).is_some() => {
            crate::rootfs::error_ja(e).unwrap_or_default().to_string()
        }
        _ => format!("読み取りエラー（{e}）"),
    };
    Text::new(ja, e.to_string())
}

/// The closest allowed word, for "did you mean".
fn suggest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| {
            (
                strsim::damerau_levenshtein(&word.to_ascii_lowercase(), &a.to_ascii_lowercase()),
                *a,
            )
        })
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every diagnostic of `load`, errors and warnings.
    fn diagnostics(dir: &Path, yaml: &[u8]) -> Vec<Diagnostic> {
        let p = dir.join("timaudit.yaml");
        std::fs::write(&p, yaml).unwrap();
        match load(&p, Catalogue::builtin()) {
            Ok((_, warnings)) => warnings,
            Err(errors) => errors,
        }
    }

    /// One profile (and CSV files) per kind of mistake; each must give exactly the
    /// expected messages at their LINE:COLUMN, each in Japanese and in English.
    #[test]
    fn every_diagnostic_has_a_japanese_and_an_english_text() {
        let d = tempfile::tempdir().unwrap();
        let w = |name: &str, bytes: &[u8]| std::fs::write(d.path().join(name), bytes).unwrap();
        const PEOPLE_HEADER: &str =
            "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\n";
        w("bad-encoding.csv", b"\xef\xbb\xbf\xff\xfe\n");
        w("empty.csv", b"");
        w("missing-column.csv", b"account,name\ntanaka,T\n");
        w(
            "bad-rows.csv",
            format!(
                "{PEOPLE_HEADER}tanaka,T,,gone,,,,\n,X,,,,,,\nsuzuki,S,,active,2025-13-01,,,\n\
                 sato,S,,active,2025/4/31,,,\nsato,S,,active,,,,\n"
            )
            .as_bytes(),
        );
        w(
            "training-bad.csv",
            b"date,account,title,topics\n01-04-2025,tanaka,x,handling\n",
        );
        // Each broken profile and exactly what it must say: `[CSV:]LINE:COLUMN: `
        // and the whole English text (lists of accepted values included), every
        // message in order and no other. Fragments follow a valid `organization`
        // line (so their first line is line 2).
        let whole: &[(&str, &[&str])] = &[
            (
                "",
                &["1:1: the profile is empty (run `timaudit init` for a starter)"],
            ),
            (
                "a: [unclosed\n",
                &["2:1: YAML syntax error: while parsing a flow sequence, expected ',' or ']'"],
            ),
            (
                "a: *nowhere\n",
                &["1:4: YAML syntax error: while parsing node, found unknown anchor"],
            ),
            (
                "- a\n",
                &["1:1: profile: expected a mapping (key: value lines), found a list"],
            ),
            (
                "? [a]\n: b\norganization: {name: X}\n",
                &["1:3: profile: keys must be plain names"],
            ),
            (
                "organization: {name: X, nmae: y}\nzzzzzz: 1\n",
                &[
                    "1:25: organization: unknown key `nmae`; did you mean `name`?",
                    "2:1: profile: unknown key `zzzzzz` (expected one of: version, organization, scope, markers, assets, people, people_file, training, training_file, administrator, documents, reviews, records, answers, approval, thresholds)",
                ],
            ),
            (
                "organization: {name: X}\norganization: {name: Y}\n",
                &["2:1: profile: key `organization` is given twice"],
            ),
            (
                "organization: {name: [a]}\n",
                &[
                    "1:15: organization: `name` is required",
                    "1:22: organization.name: expected a single value, found a list",
                ],
            ),
            (
                "organization: {certification: {certified_on: 2025-02-30}}\n",
                &[
                    "1:15: organization: `name` is required",
                    "1:46: organization.certification.certified_on: `2025-02-30` is not a valid calendar date",
                ],
            ),
            (
                "version: 2\norganization: {name: X}\n",
                &["1:10: version: this timaudit reads profile version 1, not 2"],
            ),
            (
                "version: x\norganization: {name: X}\n",
                &["1:10: version: expected a whole number ≥ 0, found `x`"],
            ),
            (
                "version: 1\n",
                &["1:1: profile: `organization` (with its `name`) is required"],
            ),
        ];
        let fragments: &[(&str, &[&str])] = &[
            (
                "markers: ['', ~]\n",
                &[
                    "2:11: markers: a marker must not be empty",
                    "2:15: markers: empty list entry",
                ],
            ),
            (
                "scope: {shares: /srv, exclude: ['[']}\n",
                &[
                    "2:17: scope.shares: expected a list (`[a, b]` or `- a` lines), found a single value",
                    "2:33: scope.exclude: `[` is not a valid glob: unclosed character class; missing ']'",
                ],
            ),
            (
                "scope: {shares: [srv]}\n",
                &["2:18: scope.shares: `srv` must be an absolute host path (like /srv/share)"],
            ),
            (
                "assets: x\n",
                &["2:9: assets: expected a list, found a single value"],
            ),
            ("assets: [~]\n", &["2:10: assets[1]: empty asset entry"]),
            (
                "assets:\n  - {id: A, paths: ['', rel, '/a/['], authorized: [design, 'user:', 'team:x'], handlers: [nobody]}\n  - {id: A}\n",
                &[
                    "3:21: assets[A].paths: an empty path",
                    "3:25: assets[A].paths: `rel` must be an absolute host path (like /srv/share/design/**) or a Windows path (like D:\\Share\\設計\\**)",
                    "3:30: assets[A].paths: `/a/[` is not a valid glob: unclosed character class; missing ']'",
                    "3:52: assets[A].authorized: `design` must be written `user:NAME` or `group:NAME`",
                    "3:60: assets[A].authorized: `user:` has no name after `user:`",
                    "3:69: assets[A].authorized: `team:x`: unknown principal kind `team` (expected `user:` or `group:`)",
                    "4:10: assets: duplicate asset id `A` (first defined on line 3)",
                ],
            ),
            (
                "people: [{name: X}]\npeople_file: p.csv\n",
                &["3:1: give either `people` or `people_file`, not both"],
            ),
            (
                "people:\n  - {name: X}\n  - {account: a, status: gone, joined_on: 1/1/2025}\n  - {account: b, roles: [handlr, manager]}\n  - {account: b}\n",
                &[
                    "3:5: people[1]: `account` is required",
                    "4:26: people[a].status: `gone` is not a status (expected active or left)",
                    "4:43: people[a].joined_on: `1/1/2025` is not a date (write YYYY-MM-DD, YYYY/M/D, or a Japanese-era date such as R7.4.1)",
                    "6:5: people: account `b` is listed twice (first on line 5)",
                ],
            ),
            (
                "people:\n  - {account: a, roles: [handlr, manager]}\n",
                &[
                    "3:5: people[a]: role `handlr` has no meaning to timaudit (did you mean `handler`?)",
                    "3:5: people[a]: role `manager` has no meaning to timaudit (the roles it knows: administrator, handler, system-admin)",
                ],
            ),
            (
                "people: [{account: a}]\nassets: [{id: A, handlers: [nobody]}]\n",
                &["3:10: assets[A]: handler `nobody` is not in the people roster"],
            ),
            (
                "people_file: nowhere.csv\n",
                &[
                    "2:14: people_file: cannot read `DIR/nowhere.csv`: No such file or directory (os error 2)",
                ],
            ),
            (
                "people_file: bad-encoding.csv\n",
                &[
                    "bad-encoding.csv:1:1: the file is not valid UTF-8 (BOM) text; save it as UTF-8 or Shift_JIS CSV",
                ],
            ),
            (
                "people_file: empty.csv\n",
                &[
                    "empty.csv:1:1: the file is empty; a header row is required: account,roles,joined_on,pledge_signed_on",
                ],
            ),
            (
                "people_file: missing-column.csv\n",
                &[
                    // `name`, `status`, `left_on` and `exit_pledge_signed_on` may be absent.
                    "missing-column.csv:1:1: missing column `joined_on`; the header must name: account,roles,joined_on,pledge_signed_on",
                    "missing-column.csv:1:1: missing column `pledge_signed_on`; the header must name: account,roles,joined_on,pledge_signed_on",
                    "missing-column.csv:1:1: missing column `roles`; the header must name: account,roles,joined_on,pledge_signed_on",
                ],
            ),
            (
                "people_file: bad-rows.csv\n",
                &[
                    "bad-rows.csv:2:11: status: `gone` is not a status (expected active or left)",
                    "bad-rows.csv:3:1: account: required",
                    "bad-rows.csv:4:18: joined_on: `2025-13-01` is not a valid calendar date",
                    "bad-rows.csv:5:16: joined_on: `2025-04-31` is not a valid calendar date",
                    "bad-rows.csv:6:1: people: account `sato` is listed twice (first on line 5)",
                ],
            ),
            (
                "training_file: nowhere.csv\n",
                &[
                    "2:16: training_file: cannot read `DIR/nowhere.csv`: No such file or directory (os error 2)",
                ],
            ),
            (
                "training_file: training-bad.csv\n",
                &[
                    "training-bad.csv:2:1: date: `01-04-2025` is not a date (write YYYY-MM-DD, YYYY/M/D, or a Japanese-era date such as R7.4.1)",
                ],
            ),
            (
                "training: []\ntraining_file: t.csv\n",
                &["3:1: give either `training` or `training_file`, not both"],
            ),
            (
                "training:\n  - {date: 2025-04-01, topics: [handlnig, astrology]}\n",
                &[
                    "3:32: training: topic `handlnig` has no meaning to timaudit (did you mean `handling`?)",
                    "3:32: training: topic `astrology` has no meaning to timaudit (the topics TRN-01 counts: handling, reporting, sanctions)",
                ],
            ),
            (
                "documents: [{title: x}]\n",
                &["2:13: documents[1]: `id` is required (use `rules` for the management rules)"],
            ),
            (
                "reviews: [{date: 2025-04-01}, {kind: audt}]\nrecords: [{kind: zzzzzz}]\n",
                &[
                    "2:11: reviews[1]: `kind` is required (access | management | internal-audit)",
                    "2:38: reviews[2].kind: unknown kind `audt` (expected access | management | internal-audit)",
                    "3:18: records[1].kind: unknown kind `zzzzzz` (expected take-out | disposal | key-lending | area-entry | media | incident-procedure)",
                ],
            ),
            (
                "answers: [a]\n",
                &["2:10: answers: expected a mapping of item IDs, found a list"],
            ),
            (
                "answers:\n  ? [a]\n  : b\n",
                &["3:5: answers: keys must be checklist item IDs such as STO-01"],
            ),
            (
                "answers:\n  XYZ-99: {status: pass}\n  STO-01: ~\n",
                &[
                    "3:3: answers: unknown checklist item `XYZ-99`",
                    "4:11: answers.STO-01: an answer needs at least `status`",
                ],
            ),
            (
                "answers:\n  ADM-01: {status: pass, justification: x}\n  ADM-01: {status: pass, justification: x}\n",
                &["4:3: answers: `ADM-01` is answered twice"],
            ),
            (
                "answers:\n  ITS-07: {note: x}\n  STO-01: {status: maybe}\n  ACC-03: {status: pass}\n",
                &[
                    "3:3: answers.ITS-07: ITS-07 is decided automatically (auto); an answer on it is a waiver and needs a `justification`",
                    "3:11: answers.ITS-07: `status` is required (pass | alternative | partial | fail | not_applicable)",
                    "4:20: answers.STO-01.status: `maybe` is not an answer status (expected pass | alternative | partial | fail | not_applicable)",
                    "5:3: answers.ACC-03: ACC-03 is decided automatically (auto); an answer on it is a waiver and needs a `justification`",
                ],
            ),
            (
                "thresholds: {log_retention_days: 0, review_interval_days: 40000, min_password_length: -1}\n",
                &[
                    "2:34: thresholds.log_retention_days: must be at least 1",
                    "2:59: thresholds.review_interval_days: 40000 days is more than 36500 (100 years); give the interval in days",
                    "2:87: thresholds.min_password_length: expected a whole number ≥ 0, found `-1`",
                ],
            ),
        ];
        // `[CSV:]LINE:COLUMN: English text`, whole (the profile's own name left
        // out, the temporary folder written `DIR`).
        let dir = d.path().display().to_string();
        let show = |x: &Diagnostic| {
            let f = Path::new(&x.file).file_name().unwrap().to_string_lossy();
            let f = if f == "timaudit.yaml" {
                String::new()
            } else {
                format!("{f}:")
            };
            format!("{f}{}:{}: {}", x.line, x.column, x.message.en).replace(&dir, "DIR")
        };
        // Every mismatch, all cases at once.
        let wrong = std::cell::RefCell::new(Vec::new());
        let check = |profile: &[u8], ds: &[Diagnostic], want: &[&str]| {
            let got: Vec<String> = ds.iter().map(show).collect();
            if got != want {
                wrong.borrow_mut().push(format!(
                    "{}\ngot:  {got:#?}\nwant: {want:#?}",
                    String::from_utf8_lossy(profile)
                ));
            }
        };
        // A profile that cannot be read at all.
        let mut all = load(&d.path().join("none.yaml"), Catalogue::builtin()).unwrap_err();
        check(
            b"(none.yaml)",
            &all,
            &["none.yaml:1:1: cannot read profile: No such file or directory (os error 2)"],
        );
        let cases = whole.iter().map(|(c, w)| (c.to_string(), *w)).chain(
            fragments
                .iter()
                .map(|(c, w)| (format!("organization: {{name: X}}\n{c}"), *w)),
        );
        for (c, want) in cases {
            let ds = diagnostics(d.path(), c.as_bytes());
            check(c.as_bytes(), &ds, want);
            all.extend(ds);
        }
        let ds = diagnostics(d.path(), b"organization: {name: \xff}\n");
        check(
            b"(not UTF-8)",
            &ds,
            &["1:22: the profile is not UTF-8 text (save it as UTF-8)"],
        );
        all.extend(ds);
        let wrong = wrong.into_inner();
        assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
        for x in &all {
            let (ja, en) = (x.message.ja.trim(), x.message.en.trim());
            assert!(!ja.is_empty() && !en.is_empty(), "{x:?}");
            assert_ne!(ja, en, "not translated: {x}");
            assert!(
                ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
                "no Japanese in `{ja}`"
            );
            assert!(
                en.is_ascii() || en.contains("設計") || en.contains('≥'),
                "Japanese in the English text `{en}`"
            );
        }
    }

    #[test]
    fn dates_and_principals_say_what_is_wrong_in_both_languages() {
        let e = parse_date_text("2025-13-01").unwrap_err();
        assert_eq!(e.en, "`2025-13-01` is not a valid calendar date");
        assert!(e.ja.starts_with("日付 `2025-13-01` は"), "{}", e.ja);
        let e = parse_date_text("6/10/2025").unwrap_err();
        assert!(e.ja.contains("2025/4/1、令和7年4月1日"), "{}", e.ja);
        assert_eq!(
            parse_date("x").unwrap_err(),
            "`x` is not a date (write YYYY-MM-DD, YYYY/M/D, or a Japanese-era date such as R7.4.1)"
        );
        let e = Principal::parse_text("design").unwrap_err();
        assert!(e.ja.contains("`user:名前` か `group:名前`"), "{}", e.ja);
        assert_eq!(
            "design".parse::<Principal>().unwrap_err(),
            "`design` must be written `user:NAME` or `group:NAME`"
        );
    }
}
