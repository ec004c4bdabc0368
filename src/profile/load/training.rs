//! `training` and `training_file`: the training sessions, inline or from a CSV
//! file, and the warnings about their attendees and topics.

use super::{Decoder, Fields, Found, io_text, suggest};
use crate::diag::Diagnostic;
use crate::i18n::Text;
use crate::profile::csv;
use crate::profile::model::*;
use crate::tr;
use crate::yaml::{Node, Pos};
use std::collections::HashSet;

impl Decoder<'_> {
    pub(super) fn training(&mut self, f: &Fields, p: &mut Profile) {
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
        self.unknown_attendees(p, &attendees_at);
        // Topics are compared without regard to ASCII case (`Handling` as a
        // spreadsheet capitalises it counts as `handling`); a topic TRN-01 does
        // not know is named once, at the key, so a typo does not go unnoticed.
        let key = ["training_file", "training"]
            .into_iter()
            .find_map(|k| f.key_pos.get(k).copied());
        let unknown = normalise_topics(p);
        if let Some(key_pos) = key {
            for t in unknown {
                self.unknown_topic(&t, &topics_at, key_pos);
            }
        }
    }

    /// An attendee the roster does not know is not counted as trained: a
    /// warning, once per account, where it first appears.
    fn unknown_attendees(&mut self, p: &Profile, attendees_at: &[Found]) {
        if p.people.is_empty() {
            return;
        }
        let accounts: HashSet<&str> = p.people.iter().map(|x| x.account.as_str()).collect();
        let mut warned = HashSet::new();
        for (file, a, line, column) in attendees_at {
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

    /// A warning for a topic TRN-01 does not count, at the topic's first place
    /// (the CSV's own line), else at the key.
    fn unknown_topic(&mut self, t: &str, topics_at: &[Found], key_pos: Pos) {
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
        let (file, pos) = topics_at.iter().find(|(_, x, _, _)| x == t).map_or(
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

    /// Reads the sessions; returns where each topic and attendee first appears
    /// (file, value, line, column), for the warnings that follow.
    fn training_sessions(&mut self, f: &Fields, p: &mut Profile) -> (Vec<Found>, Vec<Found>) {
        if let Some(n) = f.get("training_file") {
            self.training_file(n, p)
        } else if let Some(n) = f.get("training") {
            self.training_inline(n, p)
        } else {
            (Vec::new(), Vec::new())
        }
    }

    /// The sessions from the CSV file `training_file` names.
    fn training_file(&mut self, n: &Node, p: &mut Profile) -> (Vec<Found>, Vec<Found>) {
        let Some(rel) = self.string(n, "training_file") else {
            return (Vec::new(), Vec::new());
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
                let at = (found(t.topics_at), found(t.attendees_at));
                p.training = t.sessions;
                p.training_file = Some(path);
                at
            }
            Err(e) => {
                let (f, e) = (path.display(), io_text(&e));
                self.err(
                    n.pos,
                    Text::new(
                        format!("training_file: `{f}` を読めません: {}", e.ja),
                        format!("training_file: cannot read `{f}`: {}", e.en),
                    ),
                );
                (Vec::new(), Vec::new())
            }
        }
    }

    /// The sessions written in the profile (`training:`).
    fn training_inline(&mut self, n: &Node, p: &mut Profile) -> (Vec<Found>, Vec<Found>) {
        let (mut topics_at, mut attendees_at) = (Vec::new(), Vec::new());
        for (i, e) in self.seq(n, "training").iter().enumerate() {
            let ctx = format!("training[{}]", i + 1);
            let Some(tf) = self.fields(e, &ctx, &["date", "title", "topics", "attendees"]) else {
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
        (topics_at, attendees_at)
    }
}

/// Lower-cases the topics TRN-01 knows (whatever their ASCII case); returns the
/// ones it does not know, once each, in order.
fn normalise_topics(p: &mut Profile) -> Vec<String> {
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
    unknown
}
