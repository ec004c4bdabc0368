//! Loading and validating the profile: every problem is collected with its position.
//!
//! One file per part of the profile: `top` (version, organization, scope,
//! markers, administrator, approval, thresholds), `assets`, `people`, `training`,
//! `records` (documents, reviews, records), `answers`; `decode` holds the typed
//! readers they share (a mapping with known keys, a value, a date, a list).

use super::model::*;
use crate::catalogue::Catalogue;
use crate::diag::{Diagnostic, Diagnostics};
use crate::i18n::Text;
use crate::tr;
use crate::yaml::{self, Node, Pos};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

mod answers;
mod assets;
mod decode;
mod people;
mod records;
#[cfg(test)]
mod tests;
mod top;
mod training;

pub(super) use people::person_status;

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

/// Where a value was found: file, value, line, column.
type Found = (String, String, usize, usize);

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
