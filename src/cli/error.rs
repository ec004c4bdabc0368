//! Argument errors in Japanese: clap's error kind and context, written the way
//! clap writes them in English (message, tip, usage, where to read more).
//! English keeps clap's own rendering; the exit code is clap's (2) either way.

use crate::i18n::{Lang, TextError};
use clap::error::{ContextKind, ContextValue, ErrorKind};

fn string(e: &clap::Error, k: ContextKind) -> Option<String> {
    match e.get(k)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        _ => None,
    }
}

fn strings(e: &clap::Error, k: ContextKind) -> Vec<String> {
    match e.get(k) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(|s| s.to_string()).collect(),
        _ => vec![],
    }
}

fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The reason a value parser gave: the Japanese text of ours, or the parser's
/// own (English) words.
fn reason(e: &clap::Error) -> Option<String> {
    let source = std::error::Error::source(e)?;
    Some(match source.downcast_ref::<TextError>() {
        Some(t) => t.0.get(Lang::Ja).to_string(),
        None => source.to_string(),
    })
}

/// The message line (without `エラー: `) of an argument error.
fn message(e: &clap::Error) -> String {
    let arg = string(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = string(e, ContextKind::InvalidValue).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("'{arg}' に値がありません（値を 1 つ指定します）")
        }
        ErrorKind::InvalidValue => format!("'{arg}' に '{value}' は指定できません"),
        ErrorKind::ValueValidation => match reason(e) {
            Some(r) => format!("'{arg}' に '{value}' は指定できません: {r}"),
            None => format!("'{arg}' に '{value}' は指定できません"),
        },
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            format!("'{arg}' というオプションはありません")
        }
        ErrorKind::UnknownArgument => format!("余分な引数 '{arg}' があります"),
        ErrorKind::InvalidSubcommand => {
            let sub = string(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("'{sub}' というコマンドはありません")
        }
        ErrorKind::NoEquals => format!("'{arg}' の値は = を付けて指定します"),
        ErrorKind::TooManyValues => {
            format!("'{arg}' に余分な値 '{value}' があります（これ以上の値は取りません）")
        }
        ErrorKind::TooFewValues => {
            let min = string(e, ContextKind::MinValues).unwrap_or_default();
            let n = string(e, ContextKind::ActualNumValues).unwrap_or_default();
            format!("'{arg}' には値が {min} 個要りますが、{n} 個しかありません")
        }
        ErrorKind::WrongNumberOfValues => {
            let want = string(e, ContextKind::ExpectedNumValues).unwrap_or_default();
            let n = string(e, ContextKind::ActualNumValues).unwrap_or_default();
            format!("'{arg}' には値が {want} 個要りますが、{n} 個あります")
        }
        ErrorKind::ArgumentConflict => {
            let prior = strings(e, ContextKind::PriorArg);
            if prior.len() == 1 && prior[0] == arg {
                format!("'{arg}' は 1 回しか指定できません")
            } else if prior.is_empty() {
                format!("'{arg}' はほかに指定した引数と一緒には使えません")
            } else {
                format!("'{arg}' は {} と一緒には使えません", quoted(&prior))
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let list: String = strings(e, ContextKind::InvalidArg)
                .iter()
                .map(|a| format!("\n  {a}"))
                .collect();
            format!("次の引数を指定してください:{list}")
        }
        ErrorKind::MissingSubcommand => {
            let sub = string(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("'{sub}' にはコマンドを指定します")
        }
        ErrorKind::InvalidUtf8 => "引数が UTF-8 として読めません".to_string(),
        _ => {
            // Io, Format and anything new: clap's words, after a Japanese lead-in.
            let en = e.render().to_string();
            let first = en.lines().next().unwrap_or_default();
            format!(
                "引数を読めません: {}",
                first.strip_prefix("error: ").unwrap_or(first)
            )
        }
    }
}

/// The whole Japanese rendering of an argument error, as printed on stderr.
pub fn render_ja(e: &clap::Error) -> String {
    let mut out = format!("エラー: {}", message(e));
    let valid = strings(e, ContextKind::ValidValue);
    if !valid.is_empty() {
        out += &format!("\n  [指定できる値: {}]", valid.join(", "));
    }
    let mut tips = Vec::new();
    let similar = |kind: ContextKind, what: &str, tips: &mut Vec<String>| {
        let v = strings(e, kind);
        if !v.is_empty() {
            tips.push(format!("似た{what}があります: {}", quoted(&v)));
        }
    };
    similar(ContextKind::SuggestedSubcommand, "コマンド", &mut tips);
    similar(ContextKind::SuggestedArg, "オプション", &mut tips);
    similar(ContextKind::SuggestedValue, "値", &mut tips);
    if let Some(ContextValue::StyledStrs(v)) = e.get(ContextKind::Suggested) {
        for s in v {
            let s = s.to_string();
            // clap's one suggestion: a value that starts with `-` goes after `--`.
            tips.push(match s.strip_prefix("to pass '") {
                Some(rest) => match rest.split_once("' as a value, use '") {
                    Some((v, u)) => format!(
                        "'{v}' を値として渡すには '{}' と書きます",
                        u.trim_end_matches('\'')
                    ),
                    None => s.clone(),
                },
                None => s.clone(),
            });
        }
    }
    if !tips.is_empty() {
        out.push('\n');
        for t in tips {
            out += &format!("\n  ヒント: {t}");
        }
    }
    if let Some(usage) = string(e, ContextKind::Usage) {
        let usage = usage.trim_start();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim_start();
        out += &format!("\n\n使い方: {usage}");
    }
    out + "\n\n詳しくは '--help' を付けて実行してください。\n"
}
