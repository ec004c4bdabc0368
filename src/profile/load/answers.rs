//! `answers`: the company's answers to the checklist items it decides itself,
//! and waivers of the items timaudit decides.

use super::{Decoder, Fields, did_you_mean, suggest};
use crate::catalogue::{Catalogue, Item};
use crate::i18n::Text;
use crate::profile::model::*;
use crate::tr;
use crate::yaml::{Node, Value};
use std::collections::BTreeMap;

impl Decoder<'_> {
    pub(super) fn answers(&mut self, n: &Node, p: &mut Profile) {
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
        let cat = self.cat;
        let mut out = BTreeMap::new();
        for (k, v) in entries {
            let Some((id, item)) = self.answered_item(cat, k, &out) else {
                continue;
            };
            if let Some(answer) = self.answer(k, v, id, item) {
                out.insert(id.to_string(), answer);
            }
        }
        p.answers = out;
    }

    /// The checklist item a key of `answers` names, unless the key is not an
    /// item ID or the item is answered already (an error either way).
    fn answered_item<'k, 'c>(
        &mut self,
        cat: &'c Catalogue,
        k: &'k Node,
        out: &BTreeMap<String, Answer>,
    ) -> Option<(&'k str, &'c Item)> {
        let Some(id) = k.as_str() else {
            self.err(
                k.pos,
                tr!(
                    "answers: キーは STO-01 のようなチェックリストの項目IDで書いてください",
                    "answers: keys must be checklist item IDs such as STO-01"
                ),
            );
            return None;
        };
        let Some(item) = cat.items.iter().find(|i| i.id == id) else {
            let ids: Vec<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
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
            return None;
        };
        if out.contains_key(id) {
            self.err(
                k.pos,
                tr!(
                    "answers: `{id}` への回答が2回書かれています",
                    "answers: `{id}` is answered twice"
                ),
            );
            return None;
        }
        Some((id, item))
    }

    /// One answer (`v`, under the key `k` naming `item`); `None` without a
    /// valid `status`.
    fn answer(&mut self, k: &Node, v: &Node, id: &str, item: &Item) -> Option<Answer> {
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
            return None;
        };
        let status = self.answer_status(&f, v, &ctx);
        let justification = self.opt_string(&f, "justification", &ctx);
        let note = self.opt_string(&f, "note", &ctx);
        let evidence = self.opt_strings(&f, "evidence", &ctx);
        let alternative = status == Some(AnswerStatus::Alternative);
        if alternative {
            self.check_alternative(
                k,
                &ctx,
                note.is_some() || justification.is_some(),
                &evidence,
            );
        }
        if !item.source.needs_answer() && justification.is_none() && !alternative {
            self.waiver_without_justification(k, &ctx, id, item);
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
        status.map(|_| answer)
    }

    /// The answer's `status` (required, one of [`AnswerStatus::NAMES`]).
    fn answer_status(&mut self, f: &Fields, v: &Node, ctx: &str) -> Option<AnswerStatus> {
        let Some(sn) = f.get("status") else {
            let names = AnswerStatus::NAMES.join(" | ");
            self.err(
                v.pos,
                tr!(
                    "{ctx}: `status` は必須です（{names}）",
                    "{ctx}: `status` is required ({names})"
                ),
            );
            return None;
        };
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

    /// An alternative measure must say what it is (`said`: a `note` or a
    /// `justification`) and show it (`evidence`).
    fn check_alternative(&mut self, k: &Node, ctx: &str, said: bool, evidence: &[String]) {
        if !said {
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

    /// An answer on an item timaudit decides itself overrides the verdict: a
    /// waiver, which needs a `justification`.
    fn waiver_without_justification(&mut self, k: &Node, ctx: &str, id: &str, item: &Item) {
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
}
