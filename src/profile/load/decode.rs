//! The typed readers of the profile's values: a mapping with known keys, a
//! single value, a date, a whole number, a list; each problem an error at its
//! position.

use super::{Decoder, Fields, parse_date_text, suggest};
use crate::diag::Diagnostic;
use crate::i18n::Text;
use crate::tr;
use crate::yaml::{Node, Pos, Value};
use chrono::NaiveDate;
use std::collections::HashMap;

impl Decoder<'_> {
    pub(super) fn err(&mut self, pos: Pos, msg: Text) {
        self.diags
            .error(Diagnostic::new(self.file, pos.line, pos.column, msg));
    }

    pub(super) fn warn(&mut self, pos: Pos, msg: Text) {
        self.diags
            .warn(Diagnostic::new(self.file, pos.line, pos.column, msg));
    }

    /// Checks that `node` is a mapping with only `allowed` keys, each once.
    pub(super) fn fields<'n>(
        &mut self,
        node: &'n Node,
        ctx: &str,
        allowed: &[&str],
    ) -> Option<Fields<'n>> {
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

    pub(super) fn string(&mut self, node: &Node, ctx: &str) -> Option<String> {
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

    pub(super) fn opt_string(&mut self, f: &Fields, key: &str, ctx: &str) -> Option<String> {
        let n = f.get(key)?;
        self.string(n, &format!("{ctx}.{key}"))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    pub(super) fn date(&mut self, node: &Node, ctx: &str) -> Option<NaiveDate> {
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

    pub(super) fn opt_date(&mut self, f: &Fields, key: &str, ctx: &str) -> Option<NaiveDate> {
        let n = f.get(key)?;
        self.date(n, &format!("{ctx}.{key}"))
    }

    pub(super) fn uint(&mut self, node: &Node, ctx: &str) -> Option<u64> {
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
    pub(super) fn strings(&mut self, node: &Node, ctx: &str) -> Vec<(String, Pos)> {
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

    pub(super) fn opt_strings(&mut self, f: &Fields, key: &str, ctx: &str) -> Vec<String> {
        match f.get(key) {
            Some(n) => self
                .strings(n, &format!("{ctx}.{key}"))
                .into_iter()
                .map(|(s, _)| s)
                .collect(),
            None => Vec::new(),
        }
    }

    pub(super) fn seq<'n>(&mut self, node: &'n Node, ctx: &str) -> &'n [Node] {
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
}
