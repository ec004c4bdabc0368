//! A YAML tree that remembers where every node came from.
//!
//! `serde_yaml` stops at the first problem and forgets positions, but a profile
//! must be checked completely and every problem named with its line and column. So
//! the profile is parsed into this small tree (from `saphyr-parser` events, aliases
//! resolved) and then decoded by hand, collecting every error.

use crate::diag::Diagnostic;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// A position in the source: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// A scalar; `plain` is false when it was quoted or a block scalar.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
}

impl Node {
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "nothing",
            Value::Scalar { .. } => "a single value",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// [`Node::type_name`] in both languages, for messages.
    pub fn type_text(&self) -> crate::i18n::Text {
        let ja = match &self.value {
            Value::Null => "空（何も書かれていない値）",
            Value::Scalar { .. } => "1つの値",
            Value::Seq(_) => "リスト",
            Value::Map(_) => "「キー: 値」の組",
        };
        crate::i18n::Text::new(ja, self.type_name())
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// Parses one YAML document. An empty document is `Null`.
pub fn parse(file: &str, text: &str) -> Result<Node, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    // Stack of open collections: (node under construction, anchor id, pending key).
    enum Open {
        Seq(Pos, usize, Vec<Node>),
        Map(Pos, usize, Vec<(Node, Node)>, Option<Node>),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut result: Option<Node> = None;

    let err = |span: &Span, msg: crate::i18n::Text| {
        let p = pos_of(span);
        Diagnostic::new(file, p.line, p.column, msg)
    };

    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let m = e.marker();
                return Err(Diagnostic::new(
                    file,
                    m.line(),
                    m.col() + 1,
                    crate::tr!(
                        "YAML の書き方に誤りがあります（字下げ・括弧・引用符を確かめてください）: {}",
                        "YAML syntax error: {}",
                        e.info()
                    ),
                ));
            }
        };
        let complete: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => None,
            Event::DocumentEnd => None,
            Event::StreamEnd => break,
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => Some((n.clone(), 0)),
                None => {
                    return Err(err(
                        &span,
                        crate::tr!(
                            "YAML の別名（`*名前`）が、先に `&名前` で定義されていません",
                            "unknown YAML alias"
                        ),
                    ));
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                let plain = style == ScalarStyle::Plain && tag.is_none();
                let value = if plain && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Value::Null
                } else {
                    Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    }
                };
                Some((
                    Node {
                        value,
                        pos: pos_of(&span),
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq(pos_of(&span), anchor, Vec::new()));
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map(pos_of(&span), anchor, Vec::new(), None));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(pos, anchor, items)) => Some((
                    Node {
                        value: Value::Seq(items),
                        pos,
                    },
                    anchor,
                )),
                _ => {
                    return Err(err(
                        &span,
                        crate::tr!(
                            "YAML のリストの始まりと終わりが対応していません",
                            "unbalanced YAML sequence"
                        ),
                    ));
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(pos, anchor, entries, _)) => Some((
                    Node {
                        value: Value::Map(entries),
                        pos,
                    },
                    anchor,
                )),
                _ => {
                    return Err(err(
                        &span,
                        crate::tr!(
                            "YAML の「キー: 値」の並びの始まりと終わりが対応していません",
                            "unbalanced YAML mapping"
                        ),
                    ));
                }
            },
        };
        if let Some((node, anchor)) = complete {
            if anchor != 0 {
                anchors.insert(anchor, node.clone());
            }
            match stack.last_mut() {
                None => {
                    if result.is_none() {
                        result = Some(node);
                    }
                }
                Some(Open::Seq(_, _, items)) => items.push(node),
                Some(Open::Map(_, _, entries, pending)) => match pending.take() {
                    None => *pending = Some(node),
                    Some(key) => entries.push((key, node)),
                },
            }
        }
    }
    Ok(result.unwrap_or(Node {
        value: Value::Null,
        pos: Pos { line: 1, column: 1 },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_point_at_values() {
        let n = parse("p.yaml", "a: 1\nb:\n  - x\n  - 'y'\nc:\n").unwrap();
        let Value::Map(entries) = &n.value else {
            panic!()
        };
        assert_eq!(entries[0].0.pos, Pos { line: 1, column: 1 });
        assert_eq!(entries[0].1.pos, Pos { line: 1, column: 4 });
        let Value::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(items[1].pos, Pos { line: 4, column: 5 });
        assert_eq!(
            items[1].value,
            Value::Scalar {
                text: "y".into(),
                plain: false
            }
        );
        assert!(entries[2].1.is_null());
    }

    #[test]
    fn aliases_resolve_and_duplicates_are_kept_for_the_decoder() {
        let n = parse("p.yaml", "a: &x [1, 2]\nb: *x\na: 3\n").unwrap();
        let Value::Map(entries) = &n.value else {
            panic!()
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].1.value, entries[1].1.value);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let e = parse("p.yaml", "a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.file, "p.yaml");
        assert!(e.line >= 1);
        assert!(e.message.en.contains("YAML") && e.message.ja.contains("YAML"));
    }
}
