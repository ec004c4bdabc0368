//! ITS-16 — log files are readable only by administrators.
//! Definition and texts: checklists/tim-selfcheck.yaml (ITS-16); policies
//! LNX-LOG-008 and LNX-LOG-009 (policies/logs.yaml).

use crate::collect::host::linux::logperms::LogFile;
use crate::collect::host::linux::umask::parse_mask;
use crate::rules::kit::host::*;
use crate::tr;

const FILES: &str = "LNX-LOG-008";
const RSYSLOG: &str = "LNX-LOG-009";

pub static RULE: ItemRule = ItemRule::new(ItemId::Its16, eval);

fn eval(ctx: &Context, _: &Done) -> Outcome {
    per_host(
        ctx,
        |lx| Verdict::Decided(linux(lx)),
        |_| {
            Verdict::NoSource(Text::new(
                "Windows の証跡にログファイルのアクセス権はありません（イベントログは管理者だけが読めます）",
                "Windows evidence has no log file permissions (event logs are readable by administrators only)",
            ))
        },
    )
}

fn mode_ev(path: &str, id: &str, t: Text) -> Evidence {
    Evidence::new(EvidenceKind::Config)
        .path(path)
        .detail(pol(id, t))
}

pub fn linux(lx: &LinuxFacts) -> Outcome {
    let lp = &lx.log_perms;
    let mut parts: Vec<Alt> = lp.errors.iter().map(Alt::error).collect();
    parts.extend(lp.files.iter().map(log_file));
    parts.extend(rsyslog(lx));
    if parts.is_empty() {
        return no_log_files();
    }
    all_of(
        parts,
        Text::new(
            "ログファイルは管理者（所有者とグループ）だけが読めます",
            "the log files are readable by administrators (owner and group) only",
        ),
    )
}

/// LNX-LOG-008: a log file or folder grants nothing to others.
fn log_file(f: &LogFile) -> Alt {
    let (path, mode) = (&f.path, f.mode);
    let shown = format!("{mode:04o}");
    let what = if f.is_dir { "folder" } else { "file" };
    let ev = mode_ev(
        path,
        FILES,
        tr!(
            "アクセス権 {shown}（uid {}、gid {}）",
            "mode {shown} (uid {}, gid {})",
            f.uid,
            f.gid
        ),
    );
    if mode & 0o007 == 0 {
        Alt::new(Status::Pass, Text::default()).ev(ev)
    } else {
        Alt::new(
            Status::Fail,
            tr!(
                "{path} のアクセス権が {shown} で、全員が利用できます",
                "the {what} {path} has mode {shown}: open to everyone"
            ),
        )
        .ev(ev)
    }
}

/// LNX-LOG-009: rsyslog's mode for the files it creates.
fn rsyslog(lx: &LinuxFacts) -> Vec<Alt> {
    let (_, Check::RsyslogCreateMode { default, .. }) = check_of(RSYSLOG) else {
        return Vec::new();
    };
    match &lx.rsyslog {
        Some(Err(e)) => vec![Alt::error(e)],
        Some(Ok(r)) if r.create_modes.is_empty() => vec![
            Alt::new(
                Status::Fail,
                tr!(
                    "rsyslog の FileCreateMode が未設定で、既定値 {default} により新しいログファイルを全員が読めます",
                    "rsyslog's FileCreateMode is not set: its default {default} makes new log files readable by everyone"
                ),
            )
            .evs(r.files.iter().map(|f| {
                file_ev(
                    f,
                    RSYSLOG,
                    tr!(
                        "FileCreateMode なし（既定値 {default}）",
                        "no FileCreateMode (default {default})"
                    ),
                )
            })),
        ],
        Some(Ok(r)) => r.create_modes.iter().map(|(v, l)| create_mode(v, l)).collect(),
        None => Vec::new(),
    }
}

/// One FileCreateMode `v` (line `l`): it must grant nothing to others.
fn create_mode(v: &str, l: &Line) -> Alt {
    let ev = line_ev(l, RSYSLOG, tr!("FileCreateMode {v}", "FileCreateMode {v}"));
    match parse_mask(v) {
        None => Alt::new(
            Status::Error,
            tr!(
                "{} の FileCreateMode `{v}` を 8 進数として読めません",
                "cannot read FileCreateMode `{v}` at {} as an octal number",
                l.at()
            ),
        )
        .ev(ev),
        Some(m) if m & 0o007 == 0 => Alt::new(Status::Pass, Text::default()).ev(ev),
        Some(_) => Alt::new(
            Status::Fail,
            tr!(
                "{} で rsyslog が新しいログファイルを {v}（全員が読める）で作ります",
                "rsyslog creates new log files with mode {v} (readable by everyone) at {}",
                l.at()
            ),
        )
        .ev(ev),
    }
}

/// No log file was found (nor any error, nor rsyslog): not assessable.
fn no_log_files() -> Outcome {
    let (_, Check::LogFileModes { files, dirs }) = check_of(FILES) else {
        return Outcome::error(Text::same("policy LNX-LOG-008 is broken"));
    };
    Outcome::error(Text::new(
        "ログファイルが 1 つも見つからないため判定できません（--root に /var/log が含まれていない可能性があります）",
        "cannot be assessed: none of the log files exists (the --root copy may lack /var/log)",
    ))
    .with(
        files
            .iter()
            .chain(dirs)
            .map(|p| note(p, pol(FILES, Text::new("ありません", "not found")))),
    )
}
