//! The commands. `audit` = load → collect → evaluate → report.

use crate::catalogue::Catalogue;
use crate::cli::{AuditArgs, ChecklistArgs, Cli, Command, ExplainArgs, InitArgs, VerifyArgs};
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

impl Fatal {
    /// A fatal error in the run's language.
    pub fn text(t: crate::i18n::Text, lang: Lang) -> Fatal {
        Fatal(t.get(lang).to_string())
    }
}

impl<T: std::fmt::Display> From<T> for Fatal {
    fn from(e: T) -> Self {
        Fatal(e.to_string())
    }
}

pub fn run(cli: Cli) -> i32 {
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    let r = match cli.command {
        Command::Init(a) => cmd_init(a, lang),
        Command::Audit(a) => cmd_audit(a, lang),
        Command::Scan(a) => crate::collect::walk::cli::cmd_scan(a, lang),
        Command::Checklist(a) => cmd_checklist(a, lang),
        Command::Explain(a) => cmd_explain(a, lang),
        Command::Diff(a) => cmd_diff(a, lang),
        Command::Verify(a) => cmd_verify(a, lang),
        Command::Watch(a) => cmd_watch(a, lang),
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

/// The start of a warning line on stderr: `warning: ` (`注意: ` in Japanese).
pub fn warning_prefix(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "注意: ",
        Lang::En => "warning: ",
    }
}

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
fn print(s: &str) -> Result<(), Fatal> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Fatal(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

fn cmd_init(a: InitArgs, lang: Lang) -> Result<i32, Fatal> {
    let written = crate::init::init(&a.dir, a.force, lang)?;
    for w in &written {
        eprintln!("{}", crate::tr!("作成しました: {w}", "wrote {w}").get(lang));
    }
    let profile = a.dir.join("timaudit.yaml").display().to_string();
    eprintln!(
        "{}",
        crate::tr!(
            "次に {profile} を自社の内容に書き換え（コメントに説明があります）、`timaudit audit --profile {profile} --lang ja` を実行してください。項目の意味は `timaudit explain 項目ID` で確認できます。",
            "Next: edit {profile} for your organisation (its comments explain each key), then run `timaudit audit --profile {profile}`. `timaudit explain ID` explains any item.",
        )
        .get(lang)
    );
    Ok(EXIT_OK)
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
    let (profile, warnings) = load_profile(a.profile.as_deref(), cat, lang)?;
    check_root(a.root(), lang)?;
    let date = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let baseline = match &a.baseline {
        Some(p) => {
            let fatal = |t| Fatal::text(t, lang);
            let b = crate::changes::load_report(p).map_err(fatal)?;
            crate::changes::check_comparable(&b, &profile.organization.name, date)
                .map_err(fatal)?;
            if b.inventory.is_none() {
                let p = p.display();
                eprintln!(
                    "{}{}",
                    warning_prefix(lang),
                    crate::tr!(
                        "{p} と同じフォルダーに inventory.jsonl がないため、保護対象ファイルの変化を一覧にできません（HDL-10 は判定不能になります）。前回の `audit --out` のフォルダーにある report.json を指定してください",
                        "no inventory.jsonl beside {p}: protected-file changes cannot be listed (HDL-10 will be error); give the report.json inside last year's `audit --out` folder",
                    )
                    .get(lang)
                );
            }
            Some(b)
        }
        None => None,
    };
    if let (Some(b), Some(out)) = (&baseline, &a.out) {
        let same = |x: &Path, y: &Path| match (x.canonicalize(), y.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        };
        if b.path.parent().is_some_and(|d| same(d, out)) {
            let o = out.display();
            return Err(Fatal::text(
                crate::tr!(
                    "--out {o} は前回の報告書（--baseline）のフォルダーそのものです。前回の証跡一式を残すため、今回の監査は新しいフォルダーに書き出してください",
                    "--out {o} is the baseline's own folder; write this audit into a new folder so last year's bundle is kept"
                ),
                lang,
            ));
        }
        // A folder inside last year's bundle would add files its manifest does not
        // list, so that bundle would no longer verify.
        if let (Some(d), Some(o)) = (
            b.path.parent().and_then(|d| d.canonicalize().ok()),
            canonical_to_be(out),
        ) && o.starts_with(&d)
        {
            let (o, d) = (out.display(), d.display());
            return Err(Fatal::text(
                crate::tr!(
                    "--out {o} は前回の報告書のフォルダー {d} の中にあります。前回の証跡一式が検証できなくならないよう、その外の新しいフォルダーに書き出してください",
                    "--out {o} is inside the baseline's folder {d}; write this audit into a new folder outside it so last year's bundle stays intact"
                ),
                lang,
            ));
        }
    }
    // Before anything is collected, so a walker can stream inventory.jsonl into it.
    let out_dir = a
        .out
        .as_deref()
        .map(|d| crate::bundle::prepare(d, lang))
        .transpose()?;
    let fs = RootFs::new(a.root());
    let mut facts = Facts::collect(&fs);
    let linux = crate::collect::host::HostFacts::covers_linux(&fs, &a.evidence, a.root.is_some());
    let host_facts =
        crate::collect::host::HostFacts::collect(&fs, linux, &a.evidence).map_err(Fatal)?;
    let windows_hosts = host_facts.report_hosts();
    let host_warnings = host_facts.warnings();
    host_warnings
        .iter()
        .for_each(|w| eprintln!("{}{w}", warning_prefix(lang)));
    facts.host = Some(host_facts);
    let mut warnings = warnings;
    if let Some(b) = &baseline {
        let names: Vec<String> = std::iter::once(facts.hostname.clone())
            .filter(|_| linux)
            .chain(windows_hosts.iter().map(|h| h.name.clone()))
            .collect();
        if let Some(w) = crate::changes::host_mismatch(b, &names) {
            let w = w.get(lang).to_string();
            eprintln!("{}{w}", warning_prefix(lang));
            warnings.push(w);
        }
    }
    // Without --out the inventory still goes to a temporary file when a baseline
    // needs it for the comparison.
    let temp_inventory = match (&out_dir, &baseline) {
        (None, Some(_)) => Some(
            tempfile::NamedTempFile::new()
                .map_err(|e| Fatal(format!("cannot create a temporary inventory: {e}")))?,
        ),
        _ => None,
    };
    let inventory_file = match (&out_dir, &temp_inventory) {
        (Some(d), _) => Some(d.create_file(Path::new("inventory.jsonl")).map_err(|e| {
            Fatal(format!(
                "cannot write inventory.jsonl in {}: {e}",
                d.path().display()
            ))
        })?),
        (None, Some(t)) => Some(
            t.reopen()
                .map_err(|e| Fatal(format!("cannot write the temporary inventory: {e}")))?,
        ),
        _ => None,
    };
    let reuse = match &baseline {
        Some(b) if !a.no_hash => reuse_cache(b, lang),
        _ => None,
    };
    // The file shares are on the Linux host; an audit of Windows evidence alone
    // walks nothing on the machine running the tool.
    if linux {
        facts.files = Some(crate::collect::walk::cli::audit_walk(
            &fs,
            &profile,
            &facts,
            &a,
            inventory_file,
            reuse,
            &mut warnings,
            lang,
        )?);
    }
    let new_inventory: Option<std::path::PathBuf> = match (&out_dir, &temp_inventory) {
        (Some(d), _) => Some(d.path().join("inventory.jsonl")),
        (None, Some(t)) => Some(t.path().to_path_buf()),
        _ => None,
    };
    facts.baseline =
        baseline.map(|b| crate::changes::BaselineFacts::new(b, new_inventory.as_deref()));
    let ctx = Context {
        profile: &profile,
        date,
        fs: &fs,
        facts: &facts,
    };
    let results = evaluate::evaluate(cat, &ctx);
    let mut report = build::build(build::BuildInput {
        catalogue: cat,
        profile: &profile,
        results: &results,
        audit_date: date,
        lang,
        hosts: vec![report::model::Host {
            name: facts.hostname.clone(),
            root: a.root().display().to_string(),
            kind: "linux".into(),
        }]
        .into_iter()
        .filter(|_| linux)
        .chain(windows_hosts)
        .collect(),
        warnings: warnings.into_iter().chain(host_warnings).collect(),
        baseline: facts.baseline.as_ref(),
        files: facts.files.as_ref(),
    });

    if let Some(out) = &out_dir {
        let inputs =
            crate::bundle::inputs(facts.accounts.as_ref().ok().filter(|_| linux), &profile);
        let src = crate::bundle::Sources {
            fs: &fs,
            profile: &profile,
            evidence_dirs: &a.evidence,
            inputs: &inputs,
        };
        write_bundle(out, &mut report, &src, lang)?;
    }
    for f in &formats {
        if let Some(text) = report::render(&report, *f, lang) {
            print(&text)?;
        }
    }
    Ok(exit_code(&report, &a.fail_on))
}

/// The canonical form of a path that may not exist yet: its deepest existing
/// ancestor, canonicalized, with the rest appended.
fn canonical_to_be(p: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(p).ok()?;
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            return Some(rest.iter().rev().fold(c, |acc, n| acc.join(n)));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return None,
        }
    }
}

/// The baseline inventory's hashes of files that may be reused (fast re-audit):
/// only when the baseline says when its walk started. Problems only cost speed.
fn reuse_cache(
    b: &crate::changes::Baseline,
    lang: Lang,
) -> Option<std::sync::Arc<crate::collect::walk::reuse::HashCache>> {
    use crate::collect::walk::reuse::{HashCache, parse_time};
    let inv = b.inventory.as_ref()?;
    let started = b
        .report
        .inventory
        .as_ref()?
        .started_at
        .as_deref()
        .and_then(parse_time)?;
    match HashCache::load(inv, started) {
        Ok(c) => Some(std::sync::Arc::new(c)),
        Err(e) => {
            let msg = crate::tr!(
                "前回のハッシュ値は再利用せず、すべて読み直します: {e}",
                "hashes of the baseline are not reused: {e}"
            );
            eprintln!("{}{}", warning_prefix(lang), msg.get(lang));
            None
        }
    }
}

/// 1 when any item has a status listed in `--fail-on`.
pub fn exit_code(report: &Report, fail_on: &[Status]) -> i32 {
    if report.items.iter().any(|i| fail_on.contains(&i.status)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Writes the evidence bundle (see `bundle`) and tells the user the manifest's
/// SHA-256, to note down: it lets anyone check the bundle later.
fn write_bundle(
    out: &crate::bundle::OutDir,
    report: &mut Report,
    src: &crate::bundle::Sources,
    lang: Lang,
) -> Result<(), Fatal> {
    let w = crate::bundle::write(out, report, src, lang)?;
    let (dir, n, hash) = (out.path().display(), w.evidence_files, &w.manifest_sha256);
    let s = crate::i18n::en_n(n, "", "s");
    eprintln!(
        "{}",
        crate::tr!(
            "証跡一式を {dir} に書き出しました（証跡ファイル {n} 件）。MANIFEST.sha256 の SHA-256: {hash}（後で改ざんがないことを確かめられるよう、控えておいてください）",
            "wrote {dir} ({n} evidence file{s}); SHA-256 of MANIFEST.sha256: {hash}",
        )
        .get(lang)
    );
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

fn cmd_diff(a: crate::cli::DiffArgs, lang: Lang) -> Result<i32, Fatal> {
    let d = crate::changes::diff::diff(&a.old, &a.new, lang)?;
    for w in &d.warnings {
        eprintln!("{}{w}", warning_prefix(lang));
    }
    let text = match a.format {
        Format::Json => crate::changes::diff::render_json(&d),
        Format::Md => crate::changes::diff::render_markdown(&d, lang),
        other => {
            return Err(Fatal(format!(
                "diff cannot be printed as {}; use md or json",
                other.name()
            )));
        }
    };
    print(&text)?;
    Ok(EXIT_OK)
}

fn cmd_watch(a: crate::cli::WatchArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    let (profile, _) = load_profile(a.profile.as_deref(), cat, lang)?;
    if !profile.is_loaded() {
        return Err(Fatal::text(
            crate::i18n::Text::new(
                "watch には scope.shares を書いたプロファイルが必要です（--profile FILE、または ./timaudit.yaml）",
                "watch needs a profile with scope.shares (--profile FILE or ./timaudit.yaml)",
            ),
            lang,
        ));
    }
    check_root(&a.root, lang)?;
    // Kernel events name absolute paths: watch the root by its absolute path.
    let root = std::fs::canonicalize(&a.root)
        .map_err(|e| Fatal(format!("--root {}: {e}", a.root.display())))?;
    let fs = RootFs::new(root);
    crate::watch::run(
        &profile,
        &fs,
        crate::watch::Options {
            log: a.log,
            poll: a.poll,
            debounce: std::time::Duration::from_millis(a.debounce_ms),
            lang,
            previous_log: a.previous_log,
            queue_capacity: a.queue_capacity,
        },
    )
}

fn cmd_checklist(a: ChecklistArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    if a.format == Format::Xlsx {
        use std::io::IsTerminal;
        if std::io::stdout().is_terminal() {
            return Err(Fatal(
                "an xlsx workbook is binary: redirect it into a file, e.g. `timaudit checklist --format xlsx > checklist.xlsx`".into(),
            ));
        }
        let bytes = report::xlsx::blank_form(cat, lang)?;
        let mut out = std::io::stdout().lock();
        return match out.write_all(&bytes).and_then(|_| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Fatal(format!("cannot write to stdout: {e}")))
            }
            _ => Ok(EXIT_OK),
        };
    }
    let text = match a.format {
        Format::Table => report::checklist_form::table(cat, lang),
        Format::Md => report::checklist_form::markdown(cat, lang),
        Format::Csv => report::checklist_form::csv(cat, lang),
        other => {
            return Err(Fatal(format!(
                "checklist cannot be printed as {}; use table, md, csv or xlsx",
                other.name()
            )));
        }
    };
    print(&text)?;
    Ok(EXIT_OK)
}

/// `verify DIR`: 0 when every file matches the manifest, 1 naming every missing,
/// extra or changed file, 2 when DIR or its manifest cannot be read.
fn cmd_verify(a: VerifyArgs, lang: Lang) -> Result<i32, Fatal> {
    if let Some(log) = &a.log {
        return verify_log(log, lang);
    }
    let Some(dir) = a.dir else {
        return Err(Fatal(
            "give the bundle folder to check: timaudit verify DIR".into(),
        ));
    };
    let v = crate::bundle::verify(&dir, lang)?;
    print(&crate::bundle::verify_report(&v, lang))?;
    Ok(if v.is_clean() { EXIT_OK } else { EXIT_FINDINGS })
}

/// `verify --log FILE`: 0 when the chain holds, 1 naming the first broken line.
fn verify_log(log: &Path, lang: Lang) -> Result<i32, Fatal> {
    use crate::watch::log::{Verdict, verify};
    let ja = lang == Lang::Ja;
    match verify(log).map_err(|t| Fatal::text(t, lang))? {
        Verdict::Intact {
            lines, last_hash, ..
        } => {
            print(&if ja {
                format!(
                    "OK: {} の {lines} 行すべてのハッシュチェーンが正しくつながっています\n最終行の SHA-256: {last_hash}\n",
                    log.display()
                )
            } else {
                format!(
                    "OK: the hash chain of all {lines} lines of {} holds\nSHA-256 of the last line: {last_hash}\n",
                    log.display()
                )
            })?;
            Ok(EXIT_OK)
        }
        Verdict::Broken {
            line,
            reason,
            cause,
        } => {
            let cause = cause.text();
            let reason = reason.get(lang);
            print(&if ja {
                format!(
                    "NG: {}:{line}: ハッシュチェーンが切れています（{reason}）。{}\n",
                    log.display(),
                    cause.ja
                )
            } else {
                format!(
                    "BROKEN: {}:{line}: the hash chain breaks here ({reason}); {}\n",
                    log.display(),
                    cause.en
                )
            })?;
            Ok(EXIT_FINDINGS)
        }
    }
}

fn cmd_explain(a: ExplainArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    if let Some(p) = crate::catalogue::policies::Policies::builtin().get(a.id.trim()) {
        print(&crate::catalogue::policies::explain_text(p, lang))?;
        return Ok(EXIT_OK);
    }
    let Some(item) = cat.item(a.id.trim()) else {
        let items: Vec<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
        let policies: Vec<&str> = crate::catalogue::policies::Policies::builtin()
            .all
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        let id = &a.id;
        let wanted = a.id.trim().to_ascii_uppercase();
        let near = items
            .iter()
            .chain(&policies)
            .map(|c| (strsim::levenshtein(&wanted, c), *c))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, c)| c);
        let (items, policies) = (items.join(", "), policies.join(", "));
        let msg = match near {
            Some(c) => crate::tr!(
                "`{id}` という項目・ポリシーはありません。{c} のことですか？",
                "unknown item `{id}`; did you mean {c}?",
            ),
            None => crate::tr!(
                "`{id}` という項目・ポリシーはありません。項目: {items}。ポリシー: {policies}",
                "unknown item `{id}`; known items: {items}; policies: {policies}",
            ),
        };
        return Err(Fatal::text(msg, lang));
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
