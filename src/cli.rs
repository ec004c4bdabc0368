//! Command-line definitions (clap) only; the work is in `app`.

use crate::i18n::Lang;
use crate::report::Format;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "timaudit",
    version,
    about = "Audits how a company protects its technical information, for Japan's Technology Information Management Certification (技術情報管理認証制度), and fills in the self-check checklist with evidence.",
    after_help = "Exit codes: 0 everything applicable passed, 1 items not passing (or verify found a mismatch), 2 usage, profile or I/O error."
)]
pub struct Cli {
    /// Language of the output: ja or en (default: from LANG, ja* → Japanese).
    #[arg(long, global = true, value_parser = parse_lang)]
    pub lang: Option<Lang>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a commented starter profile (timaudit.yaml) and example CSVs.
    Init(InitArgs),
    /// Evaluate the checklist: walk the shares, read records and host settings, print the checklist, write reports.
    Audit(AuditArgs),
    /// Inventory only: one JSON object per entry walked (JSON Lines on stdout), sorted by path.
    Scan(ScanArgs),
    /// Print the blank checklist form (every item, its criterion and how it is decided).
    Checklist(ChecklistArgs),
    /// Explain one checklist item or policy: what it asks, why, how it is decided, how to fix it.
    Explain(ExplainArgs),
    /// What changed between two audits: item status, scores, protected files, timeline.
    Diff(DiffArgs),
    /// Check an evidence bundle (audit --out DIR) against its MANIFEST.sha256, or with --log a watch log's hash chain.
    Verify(VerifyArgs),
    /// Keep watching the shares; append one event per change to a hash-chained log.
    Watch(WatchArgs),
    /// Merge the bundles of several hosts (audit --out) into one company bundle with a host × item matrix.
    Merge(crate::merge::MergeArgs),
}

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// The audit profile (default: ./timaudit.yaml when it exists).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// The audited host's root directory; the shares are watched under it.
    #[arg(long, default_value = "/")]
    pub root: PathBuf,
    /// The log to append to (continued when it exists).
    #[arg(long, default_value = "timaudit-watch.log")]
    pub log: PathBuf,
    /// Poll every SECONDS instead of kernel events (network filesystems send none).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..))]
    pub poll: Option<u64>,
    /// After rotating the log: the previous log, whose last line the new log's
    /// `started` line records (ignored when the log already has lines).
    #[arg(long, value_name = "FILE")]
    pub previous_log: Option<PathBuf>,
    /// Sign the log with this OpenSSH private key (or ssh-agent, given a .pub): a
    /// signed checkpoint of the chain every --checkpoint-every seconds, and a seal
    /// when the watch stops.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// Seconds between signed checkpoints (with --sign-key).
    #[arg(long, value_name = "SECONDS", default_value = "600", value_parser = clap::value_parser!(u64).range(1..))]
    pub checkpoint_every: u64,
    /// Quiet time in milliseconds before a burst of events on one file is handled.
    #[arg(long, default_value = "500", hide = true)]
    pub debounce_ms: u64,
    /// Events the watcher's queue holds before it rescans (tests lower it).
    #[arg(long, default_value_t = crate::watch::QUEUE_CAPACITY, hide = true)]
    pub queue_capacity: usize,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier report.json.
    pub old: PathBuf,
    /// The later report.json.
    pub new: PathBuf,
    /// md (a draft for the periodic report, default) or json.
    #[arg(long, default_value = "md", value_parser = formats(&["md", "json"], &[]))]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to write into.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// The audit profile (default: ./timaudit.yaml when it exists).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// The audited host's root directory; every host path is read under it
    /// (default `/`; with only --evidence and no --root, no Linux host is audited).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// A folder of evidence exported from a Windows machine (repeatable).
    #[arg(long)]
    pub evidence: Vec<PathBuf>,
    /// Walk this host path too (repeatable), besides the profile's shares.
    #[arg(long)]
    pub scan: Vec<PathBuf>,
    /// Write the evidence bundle (report.json, report.md, …) into this folder
    /// (new or empty; never inside a share or --scan path).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// With --out: when the folder holds a previous bundle, keep it as
    /// FOLDER.previous (.previous.2, …) and write the new bundle.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// With --out: sign MANIFEST.sha256 into MANIFEST.sha256.sig with this OpenSSH
    /// private key, or with ssh-agent when KEY is a .pub; check with `ssh-keygen -Y
    /// verify -n timaudit` or `timaudit verify --allowed-signers`. An encrypted key's
    /// passphrase is read from TIMAUDIT_SIGN_PASSPHRASE.
    #[arg(long, value_name = "KEY", requires = "out")]
    pub sign_key: Option<PathBuf>,
    /// The name the audited host is shown under in the report and in `merge`
    /// (e.g. its inventory name; default: the hostname read under --root).
    #[arg(long, value_name = "NAME", value_parser = parse_host_name)]
    pub host_name: Option<String>,
    /// What to print on stdout: table (default), json, md, csv, html. Repeatable only
    /// with --out (which also writes checklist.xlsx).
    #[arg(long, value_parser = formats(&["table", "json", "md", "csv", "html"], &["xlsx"]))]
    pub format: Vec<Format>,
    /// Last year's report.json, to report changes since then.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// The audit date used for every date rule (YYYY-MM-DD; default today).
    #[arg(long, value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Audit even though the profile is the unedited starter from `timaudit init`
    /// (organisation 株式会社サンプル製作所): a trial run on purpose.
    #[arg(long)]
    pub example: bool,
    /// Do not hash files (items that need hashes report error).
    #[arg(long)]
    pub no_hash: bool,
    /// Statuses that make the exit code 1: comma list of fail, partial, unanswered, error, alternative.
    #[arg(long, value_delimiter = ',', default_value = "fail", value_parser = parse_fail_on)]
    pub fail_on: Vec<crate::model::Status>,
    #[command(flatten)]
    pub walk: WalkArgs,
}

/// How the file shares are walked (audit and scan).
#[derive(Args, Debug, Clone)]
pub struct WalkArgs {
    /// Also walk into other filesystems mounted below a share or scanned path
    /// (by default mount points are listed in the coverage and not entered).
    #[arg(long)]
    pub cross_filesystems: bool,
    /// Files read (hashed) in parallel (default: twice the CPU cores, at least 4).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Host paths to walk (read under --root).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The audited host's root directory; every host path is read under it.
    #[arg(long, default_value = "/")]
    pub root: PathBuf,
    /// The audit profile, for markers, the register's paths and scope.exclude
    /// (default: ./timaudit.yaml when it exists).
    #[arg(long)]
    pub profile: Option<PathBuf>,
    /// Do not hash files (sha256 is null with hash_error).
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
    /// table (default), md, csv or xlsx (xlsx is written to stdout only when it is
    /// redirected: `timaudit checklist --format xlsx > form.xlsx`).
    #[arg(long, default_value = "table", value_parser = formats(&["table", "md", "csv", "xlsx"], &[]))]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The bundle folder written by `audit --out DIR`.
    #[arg(required_unless_present = "log", conflicts_with = "log")]
    pub dir: Option<PathBuf>,
    /// Check a watch log's hash chain, checkpoints and seal instead, naming the
    /// first broken line.
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// An OpenSSH allowed_signers file: the bundle's MANIFEST.sha256.sig (or the
    /// log's checkpoints) must be signed by a key listed there for namespace timaudit.
    #[arg(long, value_name = "FILE")]
    pub allowed_signers: Option<PathBuf>,
    /// The SHA-256 of MANIFEST.sha256 noted when the bundle was made.
    #[arg(long, value_name = "HEX", conflicts_with = "log")]
    pub digest: Option<String>,
    /// With --log: the watcher is still running, so a log without a final seal
    /// is not an error (lines after the last checkpoint are still unprotected).
    #[arg(long, requires = "log")]
    pub open: bool,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A checklist item ID such as ACC-03, or a policy ID such as LNX-SSH-001
    /// (upper or lower case).
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

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    crate::profile::load::parse_date(s)
}

fn parse_fail_on(s: &str) -> Result<crate::model::Status, String> {
    use crate::model::Status;
    match s.trim() {
        "fail" => Ok(Status::Fail),
        "alternative" => Ok(Status::Alternative),
        "partial" => Ok(Status::Partial),
        "unanswered" => Ok(Status::Unanswered),
        "error" => Ok(Status::Error),
        other => Err(format!(
            "`{other}` is not one of fail, partial, unanswered, error, alternative"
        )),
    }
}

fn parse_host_name(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() || t.len() > 253 || t.chars().any(char::is_control) {
        return Err("a host name is 1 to 253 characters without control characters".into());
    }
    Ok(t.to_string())
}
