//! The commands. `audit` = load → collect → evaluate → report.

pub mod audit;
pub mod checklist;
pub mod diff;
pub mod explain;
pub mod init;
pub mod verify;
pub mod walk;
pub mod watch;

use crate::catalogue::Catalogue;
use crate::cli::{AuditArgs, ChecklistArgs, Cli, Command, ExplainArgs, InitArgs, VerifyArgs};
use crate::collect::Facts;
use crate::i18n::Lang;
use crate::profile::{self, Profile};
use crate::report::{self, Format, Report, build};
use crate::rootfs::RootFs;
use crate::rules::{self, Context};
use std::io::Write;
use std::path::{Path, PathBuf};

pub use crate::exit::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, Fatal};

pub fn run(cli: Cli) -> i32 {
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    let r = match cli.command {
        Command::Init(a) => init::cmd_init(a, lang),
        Command::Audit(a) => audit::cmd_audit(a, lang),
        Command::Scan(a) => walk::cmd_scan(a, lang),
        Command::Checklist(a) => checklist::cmd_checklist(a, lang),
        Command::Explain(a) => explain::cmd_explain(a, lang),
        Command::Diff(a) => diff::cmd_diff(a, lang),
        Command::Verify(a) => verify::cmd_verify(a, lang),
        Command::Watch(a) => watch::cmd_watch(a, lang),
        Command::Merge(a) => crate::merge::run(a, lang),
    };
    match r {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            if !msg.is_empty() {
                let error = match lang {
                    Lang::Ja => "エラー",
                    Lang::En => "error",
                };
                eprintln!("timaudit: {error}: {msg}");
            }
            EXIT_ERROR
        }
    }
}

pub use crate::exit::warning_prefix;

/// `--root` must be a folder: the audited host's root (`/` on the host itself).
pub fn check_root(root: &Path, lang: Lang) -> Result<(), Fatal> {
    let r = root.display();
    let msg = match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => crate::tr!(
            "--root {r} はフォルダーではありません（監査対象ホストのルートのフォルダーを指定します。このホスト自身なら /）",
            "--root {r} is not a directory (give the audited host's root folder; / for this host)",
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => crate::tr!(
            "--root {r} がありません（監査対象ホストのルートのフォルダーを指定します。このホスト自身なら /）",
            "--root {r} does not exist (give the audited host's root folder; / for this host)",
        ),
        Err(e) => crate::tr!("--root {r} を読めません: {e}", "--root {r}: {e}"),
    };
    Err(Fatal::text(msg, lang))
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn print(s: &str, lang: Lang) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Fatal::text(
            crate::tr!(
                "標準出力に書き込めません: {e}",
                "cannot write to stdout: {e}"
            ),
            lang,
        )),
        _ => Ok(()),
    }
}

/// Loads the profile named, or `./timaudit.yaml` when it exists, or none.
/// Every problem is printed as `FILE:LINE:COLUMN: message`. Warnings for the
/// report are in `lang`.
pub fn load_profile(
    path: Option<&Path>,
    cat: &Catalogue,
    lang: Lang,
) -> Result<(Profile, Vec<String>), Fatal> {
    let path: Option<PathBuf> = match path {
        Some(p) => Some(p.to_path_buf()),
        None => Some(PathBuf::from("timaudit.yaml")).filter(|p| p.exists()),
    };
    let Some(path) = path else {
        let w = crate::i18n::Text::new(
            "プロファイルが指定されておらず ./timaudit.yaml もないため、記録と回答の項目はすべて「未回答」になります（`timaudit init` で雛形を作れます）",
            "no profile given and no ./timaudit.yaml: records and manual items are reported as unanswered",
        );
        return Ok((Profile::empty(), vec![w.get(lang).to_string()]));
    };
    match profile::load(&path, cat) {
        Ok((p, warnings)) => {
            let warnings: Vec<String> = warnings.iter().map(|w| w.render(lang)).collect();
            for w in &warnings {
                eprintln!("{}{w}", warning_prefix(lang));
            }
            Ok((p, warnings))
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{}", e.render(lang));
            }
            let n = errors.len();
            let s = crate::i18n::en_n(n, "", "s");
            Err(Fatal::text(
                crate::tr!(
                    "プロファイルに {n} 件の問題があるため、監査を行いませんでした（上に示した ファイル:行:列 の箇所を直してください）",
                    "the profile has {n} problem{s}; nothing was audited (fix each FILE:LINE:COLUMN above)",
                ),
                lang,
            ))
        }
    }
}
