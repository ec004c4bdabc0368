//! The commands. `audit` = load → collect → evaluate → report.

use crate::catalogue::Catalogue;
use crate::cli::{AuditArgs, ChecklistArgs, Cli, Command, ExplainArgs, InitArgs};
use crate::collect::Facts;
use crate::evaluate::{self, Context};
use crate::i18n::Lang;
use crate::model::Status;
use crate::profile::{self, Profile};
use crate::report::{self, Format, Report, build};
use crate::rootfs::RootFs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// A failure that stops a command with exit code 2.
#[derive(Debug)]
pub struct Fatal(pub String);

impl<T: std::fmt::Display> From<T> for Fatal {
    fn from(e: T) -> Self {
        Fatal(e.to_string())
    }
}

pub fn run(cli: Cli) -> i32 {
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    let r = match cli.command {
        Command::Init(a) => cmd_init(a),
        Command::Audit(a) => cmd_audit(a, lang),
        Command::Checklist(a) => cmd_checklist(a, lang),
        Command::Explain(a) => cmd_explain(a, lang),
    };
    match r {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            if !msg.is_empty() {
                eprintln!("timaudit: error: {msg}");
            }
            EXIT_ERROR
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn print(s: &str) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fatal(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

fn cmd_init(a: InitArgs) -> Result<i32, Fatal> {
    let written = crate::init::init(&a.dir, a.force)?;
    for w in written {
        eprintln!("wrote {w}");
    }
    eprintln!(
        "次に / next: timaudit.yaml を編集して `timaudit audit --profile timaudit.yaml` を実行してください。"
    );
    Ok(EXIT_OK)
}

/// Loads the profile named, or `./timaudit.yaml` when it exists, or none.
/// Every problem is printed as `FILE:LINE:COLUMN: message`.
pub fn load_profile(path: Option<&Path>, cat: &Catalogue) -> Result<(Profile, Vec<String>), Fatal> {
    let path: Option<PathBuf> = match path {
        Some(p) => Some(p.to_path_buf()),
        None => Some(PathBuf::from("timaudit.yaml")).filter(|p| p.exists()),
    };
    let Some(path) = path else {
        return Ok((Profile::empty(), vec!["no profile given and no ./timaudit.yaml: records and manual items are reported as unanswered".into()]));
    };
    match profile::load(&path, cat) {
        Ok((p, warnings)) => {
            let warnings: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
            for w in &warnings {
                eprintln!("warning: {w}");
            }
            Ok((p, warnings))
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            Err(Fatal(format!(
                "the profile has {} problem{}; nothing was audited",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            )))
        }
    }
}

fn cmd_audit(a: AuditArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    if a.format.len() > 1 && a.out.is_none() {
        return Err(Fatal(
            "--format can be given more than once only with --out".into(),
        ));
    }
    let formats = if a.format.is_empty() {
        vec![Format::Table]
    } else {
        a.format.clone()
    };
    for f in &formats {
        if report::render_kind(*f).is_none() {
            return Err(Fatal(format!(
                "--format {} cannot be printed on stdout; use --out DIR to write it",
                f.name()
            )));
        }
    }
    let (profile, warnings) = load_profile(a.profile.as_deref(), cat)?;
    match std::fs::metadata(&a.root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Fatal(format!(
                "--root {} is not a directory",
                a.root.display()
            )));
        }
        Err(e) => return Err(Fatal(format!("--root {}: {e}", a.root.display()))),
    }
    let date = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let fs = RootFs::new(&a.root);
    let mut facts = Facts::collect(&fs);
    let linux =
        crate::collect::host::HostFacts::covers_linux(&fs, &a.evidence, flag_given("--root"));
    let host_facts =
        crate::collect::host::HostFacts::collect(&fs, linux, &a.evidence).map_err(Fatal)?;
    let windows_hosts = host_facts.report_hosts();
    let host_warnings = host_facts.warnings();
    host_warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    facts.host = Some(host_facts);
    let ctx = Context {
        profile: &profile,
        date,
        fs: &fs,
        facts: &facts,
    };
    let results = evaluate::evaluate(cat, &ctx);
    let report = build::build(build::BuildInput {
        catalogue: cat,
        profile: &profile,
        results: &results,
        audit_date: date,
        lang,
        hosts: vec![report::model::Host {
            name: facts.hostname.clone(),
            root: a.root.display().to_string(),
            kind: "linux".into(),
        }]
        .into_iter()
        .filter(|_| linux)
        .chain(windows_hosts)
        .collect(),
        warnings: warnings.into_iter().chain(host_warnings).collect(),
    });

    if let Some(out) = &a.out {
        write_bundle(out, &report, lang)?;
    }
    for f in &formats {
        if let Some(text) = report::render(&report, *f, lang) {
            print(&text)?;
        }
    }
    Ok(exit_code(&report, &a.fail_on))
}

/// Was `name` given on the command line (as `--name VALUE` or `--name=VALUE`)?
fn flag_given(name: &str) -> bool {
    std::env::args_os().skip(1).any(|a| {
        let a = a.to_string_lossy();
        a == name || a.starts_with(&format!("{name}="))
    })
}

/// 1 when any item has a status listed in `--fail-on`.
pub fn exit_code(report: &Report, fail_on: &[Status]) -> i32 {
    if report.items.iter().any(|i| fail_on.contains(&i.status)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Writes the report files into `dir` (created if needed).
fn write_bundle(dir: &Path, report: &Report, lang: Lang) -> Result<(), Fatal> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Fatal(format!("cannot create {}: {e}", dir.display())))?;
    let files = [
        ("report.json", report::json::render(report)),
        ("report.md", report::markdown::render(report, lang)),
    ];
    for (name, content) in files {
        write_new_file(&dir.join(name), content.as_bytes())?;
    }
    Ok(())
}

/// Writes a file in the output folder, replacing a previous one but never writing
/// through a symbolic link.
pub fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), Fatal> {
    if let Ok(m) = std::fs::symlink_metadata(path) {
        if m.file_type().is_symlink() || m.is_file() {
            std::fs::remove_file(path)
                .map_err(|e| Fatal(format!("cannot replace {}: {e}", path.display())))?;
        } else {
            return Err(Fatal(format!(
                "{} exists and is not a file",
                path.display()
            )));
        }
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
    f.write_all(bytes)
        .map_err(|e| Fatal(format!("cannot write {}: {e}", path.display())))?;
    Ok(())
}

fn cmd_checklist(a: ChecklistArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    let text = match a.format {
        Format::Table => report::checklist_form::table(cat, lang),
        Format::Md => report::checklist_form::markdown(cat, lang),
        Format::Csv => report::checklist_form::csv(cat, lang),
        other => {
            return Err(Fatal(format!(
                "checklist cannot be printed as {}; use table, md or csv",
                other.name()
            )));
        }
    };
    print(&text)?;
    Ok(EXIT_OK)
}

fn cmd_explain(a: ExplainArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    if let Some(p) = crate::catalogue::policies::Policies::builtin().get(a.id.trim()) {
        print(&crate::catalogue::policies::explain_text(p, lang))?;
        return Ok(EXIT_OK);
    }
    let Some(item) = cat.item(a.id.trim()) else {
        let ids: Vec<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
        return Err(Fatal(format!(
            "unknown item `{}`; known items: {}",
            a.id,
            ids.join(", ")
        )));
    };
    print(&explain_text(cat, item, lang))?;
    Ok(EXIT_OK)
}

pub fn explain_text(cat: &Catalogue, item: &crate::catalogue::Item, lang: Lang) -> String {
    let w = report::words(lang);
    let crit = cat
        .criterion(&item.criterion)
        .map(|c| c.title.get(lang))
        .unwrap_or("");
    format!(
        "{id}  {title}\n{crit_l}: {cid} {crit}\n{src_l}: {src}\n\n{q_l}:\n{q}\n\n{r_l}:\n{r}\n\n{w_l}:\n{why}\n\n{f_l}:\n{fix}\n",
        id = item.id,
        title = item.title.get(lang),
        crit_l = w.criterion,
        cid = item.criterion,
        src_l = w.source,
        src = item.source.label(lang),
        q_l = w.question,
        q = item.question.get(lang).trim(),
        r_l = w.rule,
        r = item.rule.get(lang).trim(),
        w_l = w.why,
        why = item.why.get(lang).trim(),
        f_l = w.remediation,
        fix = item.remediation.get(lang).trim(),
    )
}
