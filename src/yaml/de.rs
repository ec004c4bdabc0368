//! serde over the span-aware tree: the embedded definitions (checklist,
//! policies) keep their `#[derive(Deserialize)]` types, and every error names
//! the line and column of the node it concerns.
//!
//! Plain scalars are resolved as YAML 1.2's core schema does when a type asks
//! for "anything" (serde's internally tagged enums such as a policy's `check`):
//! `true`/`false`, integers (decimal, `0x`, `0o`), floats (`1.5`, `.inf`,
//! `.nan`), the rest text. A field typed as text takes any scalar as written
//! (`no` stays the text `no`; YAML 1.1's yes/no booleans are not resolved).

use super::{Node, Pos, Value};
use crate::diag::Diagnostic;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use std::fmt;

/// A decoding error and, once known, the position of the node it concerns.
#[derive(Debug)]
pub struct DeError {
    msg: String,
    pos: Option<Pos>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            msg: msg.to_string(),
            pos: None,
        }
    }
}

impl DeError {
    /// Gives the error the position of `node` unless a node inside it already
    /// gave one. serde reports an unknown field after the whole mapping was
    /// read; it is placed at that field's key.
    fn at(mut self, node: &Node) -> Self {
        if self.pos.is_none() {
            let key = self
                .msg
                .strip_prefix("unknown field `")
                .and_then(|r| r.split('`').next());
            let key_pos = match (&node.value, key) {
                (Value::Map(entries), Some(k)) => entries
                    .iter()
                    .find(|(kn, _)| kn.as_str() == Some(k))
                    .map(|(kn, _)| kn.pos),
                _ => None,
            };
            self.pos = Some(key_pos.unwrap_or(node.pos));
        }
        self
    }
}

/// Parses `text` (see [`super::parse`]) and decodes it into `T`; errors are
/// diagnostics at `file:line:column`.
pub fn from_str<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, Diagnostic> {
    from_node(file, &super::parse(file, text)?)
}

/// Decodes a parsed node into `T`; the error is at the node it concerns.
pub fn from_node<T: DeserializeOwned>(file: &str, node: &Node) -> Result<T, Diagnostic> {
    T::deserialize(De(node)).map_err(|e| {
        let p = e.pos.unwrap_or(node.pos);
        Diagnostic::new(
            file,
            p.line,
            p.column,
            crate::tr!("定義の誤り: {}", "{}", e.msg),
        )
    })
}

/// A plain scalar as YAML 1.2's core schema reads it.
enum Resolved<'a> {
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(&'a str),
}

fn resolve(t: &str) -> Resolved<'_> {
    match t {
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::F64(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::F64(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::F64(f64::NAN),
        _ => {}
    }
    if let Some(h) = t.strip_prefix("0x")
        && !h.is_empty()
        && h.chars().all(|c| c.is_ascii_hexdigit())
        && let Ok(v) = u64::from_str_radix(h, 16)
    {
        return Resolved::U64(v);
    }
    if let Some(o) = t.strip_prefix("0o")
        && !o.is_empty()
        && o.chars().all(|c| ('0'..='7').contains(&c))
        && let Ok(v) = u64::from_str_radix(o, 8)
    {
        return Resolved::U64(v);
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        if t.starts_with('-') {
            if let Ok(v) = t.parse() {
                return Resolved::I64(v);
            }
        } else if let Ok(v) = digits.parse() {
            return Resolved::U64(v);
        }
    }
    if digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && let Ok(v) = t.parse()
    {
        return Resolved::F64(v);
    }
    Resolved::Str(t)
}

struct De<'a>(&'a Node);

impl<'a> De<'a> {
    fn unexpected(&self) -> de::Unexpected<'a> {
        match &self.0.value {
            Value::Null => de::Unexpected::Unit,
            Value::Scalar { text, .. } => de::Unexpected::Str(text),
            Value::Seq(_) => de::Unexpected::Seq,
            Value::Map(_) => de::Unexpected::Map,
        }
    }

    fn any<'de, V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Null => v.visit_unit(),
            Value::Scalar { text, plain: false } => v.visit_str(text),
            Value::Scalar { text, plain: true } => match resolve(text) {
                Resolved::Bool(b) => v.visit_bool(b),
                Resolved::U64(n) => v.visit_u64(n),
                Resolved::I64(n) => v.visit_i64(n),
                Resolved::F64(f) => v.visit_f64(f),
                Resolved::Str(s) => v.visit_str(s),
            },
            Value::Seq(items) => v.visit_seq(Seq(items.iter())),
            Value::Map(entries) => v.visit_map(Map {
                entries: entries.iter(),
                value: None,
                seen: Vec::new(),
            }),
        }
    }
}

/// Implements the typed `deserialize_*` methods by forwarding to one of `De`'s.
macro_rules! forward {
    ($($method:ident => $how:ident),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
                let node = self.0;
                forward!(@call self, v, $how).map_err(|e| e.at(node))
            }
        )*
    };
    (@call $s:ident, $v:ident, any) => { $s.any($v) };
    (@call $s:ident, $v:ident, text) => { $s.text($v) };
}

impl<'a> De<'a> {
    /// Any scalar as written, for a field typed as text (numbers and booleans
    /// are resolved only when the type asks for them).
    fn text<'de, V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match &self.0.value {
            Value::Scalar { text, .. } => v.visit_str(text),
            _ => self.any(v),
        }
    }
}

impl<'de> de::Deserializer<'de> for De<'_> {
    type Error = DeError;

    forward! {
        deserialize_any => any,
        deserialize_bool => any,
        deserialize_i8 => any,
        deserialize_i16 => any,
        deserialize_i32 => any,
        deserialize_i64 => any,
        deserialize_i128 => any,
        deserialize_u8 => any,
        deserialize_u16 => any,
        deserialize_u32 => any,
        deserialize_u64 => any,
        deserialize_u128 => any,
        deserialize_f32 => any,
        deserialize_f64 => any,
        deserialize_char => text,
        deserialize_str => text,
        deserialize_string => text,
        deserialize_identifier => text,
        deserialize_bytes => any,
        deserialize_byte_buf => any,
        deserialize_unit => any,
        deserialize_seq => any,
        deserialize_map => any,
        deserialize_ignored_any => any,
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let node = self.0;
        match node.value {
            Value::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
        .map_err(|e| e.at(node))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        let node = self.0;
        v.visit_newtype_struct(self).map_err(|e| e.at(node))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(v)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(v)
    }

    /// `variant` (a unit variant) or `{variant: content}`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let node = self.0;
        match &node.value {
            Value::Scalar { .. } => v.visit_enum(Enum(node, None)),
            Value::Map(entries) if entries.len() == 1 => {
                v.visit_enum(Enum(&entries[0].0, Some(&entries[0].1)))
            }
            _ => Err(de::Error::invalid_type(
                self.unexpected(),
                &"a variant name or a mapping with one key",
            )),
        }
        .map_err(|e| e.at(node))
    }
}

struct Seq<'a>(std::slice::Iter<'a, Node>);

impl<'de> SeqAccess<'de> for Seq<'_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.0.next() {
            None => Ok(None),
            Some(n) => seed.deserialize(De(n)).map(Some).map_err(|e| e.at(n)),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
    /// Keys read so far: a key given twice is an error at its second place.
    seen: Vec<&'a str>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((k, v)) = self.entries.next() else {
            return Ok(None);
        };
        if let Some(name) = k.as_str() {
            if self.seen.contains(&name) {
                return Err(DeError {
                    msg: format!("duplicate key `{name}`"),
                    pos: Some(k.pos),
                });
            }
            self.seen.push(name);
        }
        self.value = Some(v);
        seed.deserialize(De(k)).map(Some).map_err(|e| e.at(k))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| <DeError as de::Error>::custom("a value without its key"))?;
        seed.deserialize(De(v)).map_err(|e| e.at(v))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum variant: its name node and, unless a unit variant, its content.
struct Enum<'a>(&'a Node, Option<&'a Node>);

impl<'de, 'a> EnumAccess<'de> for Enum<'a> {
    type Error = DeError;
    type Variant = Variant<'a>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Variant<'a>), DeError> {
        let name = self.0;
        let v = seed.deserialize(De(name)).map_err(|e| e.at(name))?;
        Ok((v, Variant(name, self.1)))
    }
}

struct Variant<'a>(&'a Node, Option<&'a Node>);

impl<'de> VariantAccess<'de> for Variant<'_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        match self.1 {
            None => Ok(()),
            Some(n) => de::Deserialize::deserialize(De(n)).map_err(|e: DeError| e.at(n)),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        let n = self.content()?;
        seed.deserialize(De(n)).map_err(|e| e.at(n))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        let n = self.content()?;
        de::Deserializer::deserialize_seq(De(n), v)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let n = self.content()?;
        de::Deserializer::deserialize_map(De(n), v)
    }
}

impl<'a> Variant<'a> {
    fn content(&self) -> Result<&'a Node, DeError> {
        self.1.ok_or_else(|| DeError {
            msg: "this variant needs a value (`variant: …`)".into(),
            pos: Some(self.0.pos),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct T {
        name: String,
        n: u32,
        on: bool,
        list: Vec<String>,
        opt: Option<String>,
        kind: Kind,
        #[serde(default)]
        check: Option<Check>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Kind {
        #[serde(rename = "auto")]
        Auto,
        #[serde(rename = "a+b")]
        AandB,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    enum Check {
        Value { equals: u64, files: Vec<String> },
    }

    const GOOD: &str = "name: x\nn: 0x10\non: true\nlist: [no, \"yes\", 1.5]\nopt: ~\nkind: a+b\ncheck:\n  type: value\n  equals: 7\n  files: [a, b]\n";

    #[test]
    fn decodes_through_serde_with_yaml_scalars() {
        let t: T = from_str("d.yaml", GOOD).unwrap();
        assert_eq!(
            t,
            T {
                name: "x".into(),
                n: 16,
                on: true,
                list: vec!["no".into(), "yes".into(), "1.5".into()],
                opt: None,
                kind: Kind::AandB,
                check: Some(Check::Value {
                    equals: 7,
                    files: vec!["a".into(), "b".into()],
                }),
            }
        );
    }

    fn err(text: &str) -> String {
        from_str::<T>("d.yaml", text).unwrap_err().to_string()
    }

    #[test]
    fn every_error_is_at_the_node_it_concerns() {
        // A wrong type: at the value.
        assert!(
            err(&GOOD.replace("n: 0x10", "n: many")).starts_with("d.yaml:2:4: invalid type"),
            "{}",
            err(&GOOD.replace("n: 0x10", "n: many"))
        );
        // An unknown variant: at its name.
        let e = err(&GOOD.replace("kind: a+b", "kind: manual"));
        assert!(e.starts_with("d.yaml:6:7: unknown variant `manual`"), "{e}");
        // An unknown field of a struct: at its key.
        let e = err(&format!("{GOOD}extra: 1\n"));
        assert!(e.starts_with("d.yaml:11:1: unknown field `extra`"), "{e}");
        // An unknown field inside an internally tagged enum: at its key too.
        let e = err(&GOOD.replace("  equals: 7\n", "  equals: 7\n  command: rm\n"));
        assert!(e.starts_with("d.yaml:10:3: unknown field `command`"), "{e}");
        // A missing field: at the mapping that lacks it.
        let e = err(&GOOD.replace("on: true\n", ""));
        assert!(e.starts_with("d.yaml:1:1: missing field `on`"), "{e}");
        // A key given twice: at the second one.
        let e = err(&GOOD.replace("opt: ~\n", "opt: ~\nname: y\n"));
        assert!(e.starts_with("d.yaml:6:1: duplicate key `name`"), "{e}");
        // A syntax error keeps the parser's position.
        let e = err("name: [x\n");
        assert!(e.starts_with("d.yaml:"), "{e}");
    }
}
