//! A YAML tree that remembers where every node came from: the one YAML stack of
//! the tool.
//!
//! Every YAML file (the profile, the embedded checklist and policies) is parsed
//! into this small tree from `saphyr-parser` events, aliases resolved within the
//! limits below. The profile is then decoded by hand, collecting every error; the
//! definitions are decoded through serde ([`from_node`]), with each error at the
//! line and column of the node it concerns.

mod de;

pub use de::{from_node, from_str};

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

/// The deepest nesting of lists and mappings accepted (a profile needs about 6).
pub const MAX_DEPTH: usize = 64;
/// The most nodes a document may have once its aliases are expanded, a scalar
/// counting one node per started 32 bytes of text (so about 32 MB of text): a few
/// aliases are fine, an alias bomb ("billion laughs") stops here, long before it
/// fills memory.
pub const MAX_NODES: usize = 1_000_000;

/// What a node counts against [`MAX_NODES`] by itself.
fn weight(v: &Value) -> usize {
    match v {
        Value::Scalar { text, .. } => 1 + text.len() / 32,
        _ => 1,
    }
}

/// Number of nodes in a tree and its depth (for the expansion budget).
fn size(n: &Node) -> (usize, usize) {
    let mut nodes = weight(&n.value);
    let mut depth = 0;
    let mut add = |(s, d): (usize, usize)| {
        nodes += s;
        depth = depth.max(d);
    };
    match &n.value {
        Value::Seq(items) => items.iter().for_each(|i| add(size(i))),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            add(size(k));
            add(size(v));
        }),
        _ => {}
    }
    (nodes, depth + 1)
}

/// Parses one YAML document. An empty document is `Null`. A second document,
/// nesting deeper than [`MAX_DEPTH`] or more than [`MAX_NODES`] nodes after alias
/// expansion are errors with their position.
pub fn parse(file: &str, text: &str) -> Result<Node, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        file,
        anchors: HashMap::new(),
        nodes: 0,
        documents: 0,
        stack: Vec::new(),
        result: None,
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
        if matches!(event, Event::StreamEnd) {
            break;
        }
        if let Some((node, anchor)) = b.event(event, &span)? {
            b.complete(node, anchor);
        }
    }
    Ok(b.result.unwrap_or(Node {
        value: Value::Null,
        pos: Pos { line: 1, column: 1 },
    }))
}

/// A collection being built: (its position, anchor id, what it holds so far,
/// and for a mapping the key waiting for its value).
enum Open {
    Seq(Pos, usize, Vec<Node>),
    Map(Pos, usize, Vec<(Node, Node)>, Option<Node>),
}

/// The document being built from the parser's events.
struct Builder<'f> {
    file: &'f str,
    /// Each anchor with its node, that node's size and its depth.
    anchors: HashMap<usize, (Node, usize, usize)>,
    /// Values so far, aliases expanded (see [`MAX_NODES`]).
    nodes: usize,
    documents: usize,
    stack: Vec<Open>,
    result: Option<Node>,
}

impl Builder<'_> {
    fn err(&self, span: &Span, msg: crate::i18n::Text) -> Diagnostic {
        let p = pos_of(span);
        Diagnostic::new(self.file, p.line, p.column, msg)
    }

    /// Takes one event; returns a node it completes, with its anchor id.
    fn event(&mut self, event: Event, span: &Span) -> Result<Option<(Node, usize)>, Diagnostic> {
        Ok(match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd | Event::StreamEnd => None,
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(self.err(
                        span,
                        crate::tr!(
                            "2つ目の YAML 文書（`---` の後）があります。このファイルは1つの文書で書いてください（2つ目は読まれません）",
                            "a second YAML document (after `---`): this file must be one document (the second would be ignored)"
                        ),
                    ));
                }
                None
            }
            Event::Alias(id) => Some(self.alias(id, span)?),
            Event::Scalar(text, style, anchor, tag) => {
                self.nodes += 1 + text.len() / 32;
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
                let pos = pos_of(span);
                Some((Node { value, pos }, anchor))
            }
            Event::SequenceStart(anchor, _) => {
                self.open(Open::Seq(pos_of(span), anchor, Vec::new()), span)?
            }
            Event::MappingStart(anchor, _) => {
                self.open(Open::Map(pos_of(span), anchor, Vec::new(), None), span)?
            }
            Event::SequenceEnd => Some(self.close(true, span)?),
            Event::MappingEnd => Some(self.close(false, span)?),
        })
    }

    /// An alias: a copy of its anchor's node, counted as large and as deep as it.
    fn alias(&mut self, id: usize, span: &Span) -> Result<(Node, usize), Diagnostic> {
        let Some((n, n_size, n_depth)) = self.anchors.get(&id) else {
            return Err(self.err(
                span,
                crate::tr!(
                    "YAML の別名（`*名前`）が、先に `&名前` で定義されていません",
                    "unknown YAML alias"
                ),
            ));
        };
        self.nodes += n_size;
        if self.stack.len() + n_depth > MAX_DEPTH {
            return Err(self.err(
                span,
                crate::tr!(
                    "YAML の入れ子が深すぎます（別名の展開を含めて {} 段まで）",
                    "YAML nested too deeply (at most {} levels, aliases expanded)",
                    MAX_DEPTH
                ),
            ));
        }
        if self.nodes > MAX_NODES {
            return Err(self.err(
                span,
                crate::tr!(
                    "YAML の別名（`*名前`）の展開が大きすぎます（展開後 {} 個を超える値）。別名の入れ子を減らしてください",
                    "YAML aliases expand to too much (more than {} values): reduce the nested aliases",
                    MAX_NODES
                ),
            ));
        }
        Ok((n.clone(), 0))
    }

    /// A sequence or mapping starts (at most [`MAX_DEPTH`] levels).
    fn open(&mut self, o: Open, span: &Span) -> Result<Option<(Node, usize)>, Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.err(
                span,
                crate::tr!(
                    "YAML の入れ子が深すぎます（{} 段まで）",
                    "YAML nested too deeply (at most {} levels)",
                    MAX_DEPTH
                ),
            ));
        }
        self.nodes += 1;
        self.stack.push(o);
        Ok(None)
    }

    /// The innermost sequence (`seq`) or mapping ends: the node it makes.
    fn close(&mut self, seq: bool, span: &Span) -> Result<(Node, usize), Diagnostic> {
        match (self.stack.pop(), seq) {
            (Some(Open::Seq(pos, anchor, items)), true) => Ok((
                Node {
                    value: Value::Seq(items),
                    pos,
                },
                anchor,
            )),
            (Some(Open::Map(pos, anchor, entries, _)), false) => Ok((
                Node {
                    value: Value::Map(entries),
                    pos,
                },
                anchor,
            )),
            (_, true) => Err(self.err(
                span,
                crate::tr!(
                    "YAML のリストの始まりと終わりが対応していません",
                    "unbalanced YAML sequence"
                ),
            )),
            (_, false) => Err(self.err(
                span,
                crate::tr!(
                    "YAML の「キー: 値」の並びの始まりと終わりが対応していません",
                    "unbalanced YAML mapping"
                ),
            )),
        }
    }

    /// A node is complete: kept under its anchor, and put where it belongs.
    fn complete(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            let (n_size, n_depth) = size(&node);
            self.anchors.insert(anchor, (node.clone(), n_size, n_depth));
        }
        match self.stack.last_mut() {
            None => {
                if self.result.is_none() {
                    self.result = Some(node);
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

#[cfg(test)]
pub(crate) mod tests {
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

    /// The classic "billion laughs": nine levels of nine aliases each.
    pub(crate) fn alias_bomb() -> String {
        let mut t = String::from("a0: &a0 [\"lol\", \"lol\"]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            t.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        t
    }

    #[test]
    fn an_alias_bomb_is_an_error_at_the_alias_not_an_exhausted_memory() {
        let e = parse("p.yaml", &alias_bomb()).unwrap_err();
        // Stopped at the first alias past the budget, on the line of a6 (a5 has
        // about 185 000 nodes; the sixth copy of it passes a million).
        assert_eq!(e.line, 7, "{e}");
        assert!(e.column > 1);
        assert!(e.message.en.contains("aliases expand to too much"), "{e}");
        assert!(e.message.ja.contains("別名"));
        // A few aliases are still fine.
        assert!(parse("p.yaml", "a: &x [1, 2]\nb: [*x, *x, *x]\n").is_ok());
    }

    #[test]
    fn an_aliased_long_text_counts_by_its_length() {
        let long = "x".repeat(1 << 20);
        let refs = vec!["*t"; 100].join(", ");
        let e = parse("p.yaml", &format!("t: &t \"{long}\"\nu: [{refs}]\n")).unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn a_second_document_is_an_error_with_its_position() {
        let e = parse("p.yaml", "a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.en.contains("second YAML document"));
        // One explicit document is fine.
        assert!(parse("p.yaml", "---\na: 1\n...\n").is_ok());
    }

    #[test]
    fn nesting_is_bounded_even_through_aliases() {
        // Flow style: saphyr-parser's own limit (255 levels) answers first.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse("p.yaml", &deep).is_err());
        // Block style: ours, at the list that would be one level too deep.
        let deep = format!("{}x\n", "- ".repeat(1000));
        let e = parse("p.yaml", &deep).unwrap_err();
        assert_eq!((e.line, e.column), (1, 2 * MAX_DEPTH + 1), "{e}");
        assert!(e.message.en.contains("nested too deeply"), "{e}");
        let mut chain = String::from("a0: &a0 [1]\n");
        for i in 1..200 {
            chain.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
        }
        let e = parse("p.yaml", &chain).unwrap_err();
        assert!(e.message.en.contains("nested too deeply"), "{e}");
        assert!(e.line > 50 && e.line < 70, "{e}");
    }
}
