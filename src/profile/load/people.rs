//! `people` and `people_file`: the roster, inline or from a CSV file.

use super::{Decoder, Fields, io_text, suggest};
use crate::diag::Diagnostic;
use crate::i18n::Text;
use crate::profile::csv;
use crate::profile::model::*;
use crate::tr;
use crate::yaml::{Node, Pos};
use std::collections::HashMap;

impl Decoder<'_> {
    pub(super) fn people(&mut self, f: &Fields, p: &mut Profile) {
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
        // Where each person is written (file and position), for the messages below.
        let at = if let Some(n) = f.get("people_file") {
            self.people_file(n, p)
        } else if let Some(n) = f.get("people") {
            self.people_inline(n, p)
        } else {
            Vec::new()
        };
        self.check_roster(p, &at);
    }

    /// The roster from the CSV file `people_file` names; where each person is.
    fn people_file(&mut self, n: &Node, p: &mut Profile) -> Vec<(String, Pos)> {
        let mut at = Vec::new();
        let Some(rel) = self.string(n, "people_file") else {
            return at;
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
        at
    }

    /// The roster written in the profile (`people:`); where each person is.
    fn people_inline(&mut self, n: &Node, p: &mut Profile) -> Vec<(String, Pos)> {
        let mut at = Vec::new();
        for (i, e) in self.seq(n, "people").iter().enumerate() {
            if let Some(person) = self.person(e, i) {
                at.push((self.file.to_string(), e.pos));
                p.people.push(person);
            }
        }
        at
    }

    /// The `i`th entry of `people:`; `None` without an `account`.
    fn person(&mut self, e: &Node, i: usize) -> Option<Person> {
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
        let ctx = format!("people[{}]", i + 1);
        let pf = self.fields(e, &ctx, KEYS)?;
        let Some(account) = self.opt_string(&pf, "account", &ctx) else {
            self.err(
                e.pos,
                tr!(
                    "{ctx}: `account`（アカウント名）は必須です",
                    "{ctx}: `account` is required"
                ),
            );
            return None;
        };
        let ctx = format!("people[{account}]");
        let status = self.status_of(&pf, &ctx);
        let left_on = self.opt_date(&pf, "left_on", &ctx);
        Some(Person {
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
        })
    }

    /// A person's `status`, if given and valid.
    fn status_of(&mut self, pf: &Fields, ctx: &str) -> Option<PersonStatus> {
        let sn = pf.get("status")?;
        let s = self.string(sn, &format!("{ctx}.status"))?;
        let st = parse_person_status(&s);
        if st.is_none() {
            self.err(
                sn.pos,
                tr!(
                    "{ctx}.status: `{s}` は status に使えません（`active`（在籍）か `left`（退職）を書いてください）",
                    "{ctx}.status: `{s}` is not a status (expected active or left)"
                ),
            );
        }
        st
    }

    /// Duplicate accounts and unknown roles, wherever the roster came from (`at`:
    /// where each person is written).
    fn check_roster(&mut self, p: &Profile, at: &[(String, Pos)]) {
        let mut seen = HashMap::new();
        for (person, (file, pos)) in p.people.iter().zip(at) {
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
                    self.unknown_role(file, pos, &person.account, r);
                }
            }
        }
    }

    /// A warning for a role timaudit does not use, with a close known one.
    fn unknown_role(&mut self, file: &str, pos: Pos, a: &str, r: &str) {
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

fn parse_person_status(s: &str) -> Option<PersonStatus> {
    match s.trim() {
        "active" | "在籍" | "在職" => Some(PersonStatus::Active),
        "left" | "退職" | "退社" => Some(PersonStatus::Left),
        _ => None,
    }
}

pub(in crate::profile) fn person_status(s: &str) -> Option<PersonStatus> {
    parse_person_status(s)
}
