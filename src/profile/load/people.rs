//! `people` and `people_file`: the roster, inline or from a CSV file.

use super::{Decoder, Fields, io_text, suggest};
use crate::diag::Diagnostic;
use crate::i18n::Text;
use crate::profile::csv;
use crate::profile::model::*;
use crate::tr;
use crate::yaml::Pos;
use std::collections::HashMap;

impl Decoder<'_> {
    pub(super) fn people(&mut self, f: &Fields, p: &mut Profile) {
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
