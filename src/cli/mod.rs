//! Command-line definitions (clap); the work is in `commands`.
//!
//! The help texts are not doc comments: every one is in [`text`]'s table, in
//! Japanese and English, and set on the command for the run's language (which
//! is read from argv and the locale before clap parses, see [`parse`]). Argument
//! errors are rendered in Japanese by [`error`].

mod error;
mod text;

pub use error::render_ja as render_error_ja;
pub use text::{command, lang_of};

use crate::i18n::{Lang, TextError};
use crate::report::Format;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "timaudit", version)]
pub struct Cli {
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<Lang>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    Init(InitArgs),
    Audit(AuditArgs),
    Scan(ScanArgs),
    Checklist(ChecklistArgs),
    Explain(ExplainArgs),
    Diff(DiffArgs),
    Verify(VerifyArgs),
    Watch(WatchArgs),
    Merge(crate::merge::MergeArgs),
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    #[arg(long)]
    pub profile: Option<PathBuf>,
    #[arg(long, default_value = "/")]
    pub root: PathBuf,
    #[arg(long, default_value = "timaudit-watch.log")]
    pub log: PathBuf,
    #[arg(long, value_name = "SECONDS", value_parser = positive)]
    pub poll: Option<u64>,
    #[arg(long, value_name = "FILE")]
    pub previous_log: Option<PathBuf>,
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    #[arg(long, value_name = "SECONDS", default_value = "600", value_parser = positive)]
    pub checkpoint_every: u64,
    #[arg(long, default_value = "500", hide = true)]
    pub debounce_ms: u64,
    #[arg(long, default_value_t = crate::watch::QUEUE_CAPACITY, hide = true)]
    pub queue_capacity: usize,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    pub old: PathBuf,
    pub new: PathBuf,
    #[arg(long, default_value = "md", value_parser = formats(&["md", "json"], &[]))]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[arg(long)]
    pub profile: Option<PathBuf>,
    #[arg(long)]
    pub root: Option<PathBuf>,
    #[arg(long)]
    pub evidence: Vec<PathBuf>,
    #[arg(long)]
    pub scan: Vec<PathBuf>,
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, requires = "out")]
    pub force: bool,
    #[arg(long, value_name = "KEY", requires = "out")]
    pub sign_key: Option<PathBuf>,
    #[arg(long, value_name = "NAME", value_parser = parse_host_name)]
    pub host_name: Option<String>,
    #[arg(long, value_parser = formats(&["table", "json", "md", "csv", "html"], &["xlsx"]))]
    pub format: Vec<Format>,
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    #[arg(long)]
    pub example: bool,
    #[arg(long)]
    pub no_hash: bool,
    #[arg(long, value_delimiter = ',', default_value = "fail", value_parser = parse_fail_on)]
    pub fail_on: Vec<crate::model::Status>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

// How the file shares are walked (audit and scan).
#[derive(Args, Debug, Clone)]
pub struct WalkArgs {
    #[arg(long)]
    pub cross_filesystems: bool,
    #[arg(long, value_name = "N", value_parser = count)]
    pub jobs: Option<usize>,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, default_value = "/")]
    pub root: PathBuf,
    #[arg(long)]
    pub profile: Option<PathBuf>,
    #[arg(long)]
    pub no_hash: bool,
    #[command(flatten)]
    pub walk: WalkArgs,
}

impl AuditArgs {
    /// The audited root: `--root`, or `/`.
    pub fn root(&self) -> &std::path::Path {
        self.root.as_deref().unwrap_or(std::path::Path::new("/"))
    }
}

#[derive(Args, Debug)]
pub struct ChecklistArgs {
    #[arg(long, default_value = "table", value_parser = formats(&["table", "md", "csv", "xlsx"], &[]))]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[arg(required_unless_present = "log", conflicts_with = "log")]
    pub dir: Option<PathBuf>,
    #[arg(long)]
    pub log: Option<PathBuf>,
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    #[arg(long, value_name = "HEX", conflicts_with = "log")]
    pub digest: Option<String>,
    #[arg(long, requires = "log")]
    pub open: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    pub id: String,
}

/// The formats a command accepts, listed in its help; `hidden` ones are accepted
/// too (so the command can say what to do instead) but not listed.
fn formats(
    shown: &'static [&'static str],
    hidden: &'static [&'static str],
) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::ValueEnum;
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = shown
        .iter()
        .map(|n| PossibleValue::new(*n))
        .chain(hidden.iter().map(|n| PossibleValue::new(*n).hide(true)));
    PossibleValuesParser::new(values)
        .map(|s| Format::from_str(&s, false).expect("a format name from this list"))
}

/// Parses the command line in `lang` (help texts and argument errors in that
/// language); the run's language is `--lang`, else `lang`.
pub fn parse(args: Vec<std::ffi::OsString>, lang: Lang) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let mut cmd = command(lang);
    let m = cmd.try_get_matches_from_mut(args)?;
    let mut cli = Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd))?;
    cli.lang.get_or_insert(lang);
    Ok(cli)
}

type Parsed<T> = Result<T, TextError>;

fn parse_lang(s: &str) -> Parsed<Lang> {
    s.parse().map_err(|_| {
        TextError(crate::tr!(
            "`{s}` という言語はありません（ja か en を指定します）",
            "unknown language `{s}` (expected ja or en)"
        ))
    })
}

fn parse_date(s: &str) -> Parsed<NaiveDate> {
    crate::profile::load::parse_date_text(s).map_err(TextError)
}

/// A whole number of 1 or more (seconds).
fn positive(s: &str) -> Parsed<u64> {
    match s.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(TextError(crate::i18n::Text::new(
            "1 以上の整数で指定します",
            "a whole number of 1 or more is expected",
        ))),
    }
}

/// A whole number of 0 or more (0: automatic).
fn count(s: &str) -> Parsed<usize> {
    s.trim().parse::<usize>().map_err(|_| {
        TextError(crate::i18n::Text::new(
            "0 以上の整数で指定します",
            "a whole number of 0 or more is expected",
        ))
    })
}

fn parse_fail_on(s: &str) -> Parsed<crate::model::Status> {
    use crate::model::Status;
    match s.trim() {
        "fail" => Ok(Status::Fail),
        "alternative" => Ok(Status::Alternative),
        "partial" => Ok(Status::Partial),
        "unanswered" => Ok(Status::Unanswered),
        "error" => Ok(Status::Error),
        other => Err(TextError(crate::tr!(
            "`{other}` は fail, partial, unanswered, error, alternative のどれでもありません",
            "`{other}` is not one of fail, partial, unanswered, error, alternative"
        ))),
    }
}

fn parse_host_name(s: &str) -> Parsed<String> {
    let t = s.trim();
    if t.is_empty() || t.len() > 253 || t.chars().any(char::is_control) {
        return Err(TextError(crate::tr!(
            "ホスト名は制御文字を含まない 1〜253 文字です",
            "a host name is 1 to 253 characters without control characters"
        )));
    }
    Ok(t.to_string())
}
