//! `timaudit audit`: collect, evaluate, build the report, write the bundle.

use super::*;

pub(super) fn cmd_audit(a: AuditArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    let formats = stdout_formats(&a, lang)?;
    let (profile, warnings) = load_profile(a.profile.as_deref(), cat, lang)?;
    refuse_starter(&profile, &a, lang)?;
    // The profile file itself goes into the bundle (the answers the verdicts used).
    let profile_path = a
        .profile
        .clone()
        .or_else(|| Some(PathBuf::from("timaudit.yaml")).filter(|p| p.exists()));
    check_root(a.root(), lang)?;
    let date = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let (baseline, renamed_from) = load_baseline(&a, &profile, date, lang)?;
    let fs = RootFs::new(a.root());
    // The key is read before any work, so a wrong key costs nothing.
    let signer =
        crate::sign::Signer::load_opt(a.sign_key.as_deref()).map_err(|t| Fatal::text(t, lang))?;
    // Before anything is collected, so a walker can stream inventory.jsonl into it.
    let out_dir = match a.out.as_deref() {
        Some(d) => Some(prepare_out(d, &a, &fs, &profile, lang)?),
        None => None,
    };
    let mut warnings = warnings;
    let (mut facts, hosts) =
        collect_facts(&fs, &profile, &a, baseline.as_ref(), &mut warnings, lang)?;
    let (_temp_inventory, new_inventory) = walk_shares(
        &fs,
        &profile,
        &mut facts,
        &a,
        hosts.linux,
        out_dir.as_ref(),
        baseline.as_ref(),
        &mut warnings,
        lang,
    )?;
    facts.baseline = baseline.map(|b| crate::changes::BaselineFacts {
        renamed_from,
        ..crate::changes::BaselineFacts::new(b, new_inventory.as_deref())
    });
    let ctx = Context {
        profile: &profile,
        date,
        facts: &facts,
    };
    let results = rules::evaluate(cat, &ctx);
    let linux = hosts.linux;
    let mut report = build::build(build::BuildInput {
        catalogue: cat,
        profile: &profile,
        results: &results,
        audit_date: date,
        lang,
        hosts: hosts.report_hosts(&facts, &a),
        warnings: warnings.into_iter().chain(hosts.warnings.clone()).collect(),
        baseline: facts.baseline.as_ref(),
        files: facts.files.as_ref(),
        scope: hosts.scope_input(&a),
    });
    if let Some(out) = &out_dir {
        let inputs = crate::bundle::inputs(
            facts.accounts.as_ref().ok().filter(|_| linux),
            &profile,
            profile_path.as_deref(),
        );
        let src = crate::bundle::Sources {
            fs: &fs,
            profile: &profile,
            evidence_dirs: &a.evidence,
            inputs: &inputs,
        };
        write_bundle(out, &mut report, &src, signer.as_ref(), lang)?;
    }
    print_formats(&report, &formats, lang)?;
    Ok(crate::exit::exit_code(
        report.items.iter().map(|i| i.status),
        &a.fail_on,
    ))
}

/// Prints the report on stdout in each format asked for.
fn print_formats(report: &Report, formats: &[Format], lang: Lang) -> Result<(), Fatal> {
    for f in formats {
        if let Some(text) = report::render(report, *f, lang) {
            print(&text, lang)?;
        }
    }
    Ok(())
}

/// The formats to print on stdout (table when none is given): several only
/// with `--out`, and only those that can be printed.
fn stdout_formats(a: &AuditArgs, lang: Lang) -> Result<Vec<Format>, Fatal> {
    if a.format.len() > 1 && a.out.is_none() {
        return Err(Fatal::text(
            crate::i18n::Text::new(
                "--format を複数指定できるのは --out を付けたときだけです",
                "--format can be given more than once only with --out",
            ),
            lang,
        ));
    }
    let formats = if a.format.is_empty() {
        vec![Format::Table]
    } else {
        a.format.clone()
    };
    for f in &formats {
        if report::render_kind(*f).is_none() {
            let n = f.name();
            return Err(Fatal::text(
                crate::tr!(
                    "--format {n} は標準出力には表示できません。--out フォルダー で書き出してください",
                    "--format {n} cannot be printed on stdout; use --out DIR to write it"
                ),
                lang,
            ));
        }
    }
    Ok(formats)
}

/// Refuses the unedited starter profile of `timaudit init` (unless `--example`).
fn refuse_starter(profile: &Profile, a: &AuditArgs, lang: Lang) -> Result<(), Fatal> {
    if profile.organization.name == crate::init::STARTER_NAME && !a.example {
        let name = crate::init::STARTER_NAME;
        return Err(Fatal::text(
            crate::tr!(
                "プロファイルは `timaudit init` の雛形のままです（事業者名が {name}）。先に自社の内容（事業者名、共有フォルダー、名簿など）に書き換えてください。試しに雛形のまま実行するときは --example を付けます",
                "the profile is still the starter from `timaudit init` (organisation {name}); edit it for your company first (organisation name, shares, roster, …), or add --example to run the unedited starter on purpose"
            ),
            lang,
        ));
    }
    Ok(())
}

/// The `--baseline` report, checked to be comparable with this audit, and the
/// organisation's earlier name when it was renamed since.
fn load_baseline(
    a: &AuditArgs,
    profile: &Profile,
    date: chrono::NaiveDate,
    lang: Lang,
) -> Result<(Option<crate::changes::Baseline>, Option<String>), Fatal> {
    let Some(p) = &a.baseline else {
        return Ok((None, None));
    };
    let fatal = |t| Fatal::text(t, lang);
    let b = crate::changes::load_report(p).map_err(fatal)?;
    let renamed_from = crate::changes::check_comparable(
        &b,
        &profile.organization.name,
        &profile.organization.previous_names,
        date,
    )
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
    if let Some(out) = &a.out {
        refuse_out_in_baseline(&b, out, lang)?;
    }
    Ok((Some(b), renamed_from))
}

/// Refuses an `--out` folder that is the baseline's folder or inside it (last
/// year's bundle must stay as its manifest lists it).
fn refuse_out_in_baseline(
    b: &crate::changes::Baseline,
    out: &Path,
    lang: Lang,
) -> Result<(), Fatal> {
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
        crate::bundle::canonical_to_be(out),
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
    Ok(())
}

/// The `--out` folder, ready for the bundle: never inside a folder the audit walks.
fn prepare_out(
    d: &Path,
    a: &AuditArgs,
    fs: &RootFs,
    profile: &Profile,
    lang: Lang,
) -> Result<crate::bundle::OutDir, Fatal> {
    let scans: Vec<Vec<u8>> = a
        .scan
        .iter()
        .map(|p| crate::collect::walk::host_arg(p, a.root()))
        .collect();
    let walked = crate::collect::walk::audit_roots(profile, &scans);
    let walked: Vec<Vec<u8>> = walked.into_iter().map(|r| r.host).collect();
    crate::bundle::refuse_inside_walked(d, fs, &walked, lang)?;
    let out = crate::bundle::prepare(d, a.force, lang)?;
    // Once more on the folder opened (a link swapped after the check above
    // cannot lead the bundle into a share).
    crate::bundle::refuse_opened_inside_walked(&out, fs, &walked, lang)?;
    Ok(out)
}

/// The hosts an audit covers: the Linux host (when it covers one) and the
/// Windows evidence folders, with the warnings of the host settings.
struct Hosts {
    linux: bool,
    windows: Vec<report::model::Host>,
    warnings: Vec<String>,
}

impl Hosts {
    /// What the command line adds to the report's scope.
    fn scope_input(&self, a: &AuditArgs) -> report::scope::ScopeInput {
        report::scope::ScopeInput {
            root: self.linux.then(|| a.root().to_path_buf()),
            scan: a.scan.clone(),
            evidence: a.evidence.clone(),
        }
    }

    /// The report's hosts: the Linux host first.
    fn report_hosts(&self, facts: &Facts, a: &AuditArgs) -> Vec<report::model::Host> {
        vec![report::model::Host {
            name: facts.hostname.clone(),
            root: a.root().display().to_string(),
            kind: "linux".into(),
        }]
        .into_iter()
        .filter(|_| self.linux)
        .chain(self.windows.iter().cloned())
        .collect()
    }
}

/// The facts of the host (and of the Windows evidence folders); warns when the
/// hosts are not the baseline's.
fn collect_facts(
    fs: &RootFs,
    profile: &Profile,
    a: &AuditArgs,
    baseline: Option<&crate::changes::Baseline>,
    warnings: &mut Vec<String>,
    lang: Lang,
) -> Result<(Facts, Hosts), Fatal> {
    let mut facts = Facts::collect(fs, profile);
    if let Some(n) = &a.host_name {
        facts.hostname = n.clone();
    }
    let linux = crate::collect::host::HostFacts::covers_linux(fs, &a.evidence, a.root.is_some());
    let host_facts =
        crate::collect::host::HostFacts::collect(fs, linux, &a.evidence, profile).map_err(Fatal)?;
    let windows_hosts = build::windows_hosts(&host_facts);
    let host_warnings = host_facts.warnings();
    host_warnings
        .iter()
        .for_each(|w| eprintln!("{}{w}", warning_prefix(lang)));
    facts.host = Some(host_facts);
    if let Some(b) = baseline {
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
    let hosts = Hosts {
        linux,
        windows: windows_hosts,
        warnings: host_warnings,
    };
    Ok((facts, hosts))
}

/// The walk of the shares into `facts.files` (on the Linux host only: an audit
/// of Windows evidence alone walks nothing on the machine running the tool),
/// with findings.jsonl in the bundle. Returns the temporary inventory (kept
/// while the audit runs) and where the new inventory is.
#[allow(clippy::too_many_arguments)]
fn walk_shares(
    fs: &RootFs,
    profile: &Profile,
    facts: &mut Facts,
    a: &AuditArgs,
    linux: bool,
    out_dir: Option<&crate::bundle::OutDir>,
    baseline: Option<&crate::changes::Baseline>,
    warnings: &mut Vec<String>,
    lang: Lang,
) -> Result<(Option<tempfile::NamedTempFile>, Option<PathBuf>), Fatal> {
    // Without --out the inventory still goes to a temporary file when a baseline
    // needs it for the comparison.
    let (temp_inventory, inventory_file) = inventory_file(out_dir, baseline.is_some(), lang)?;
    let reuse = match baseline {
        Some(b) if !a.no_hash => reuse_cache(b, profile, lang),
        _ => None,
    };
    // The file shares are on the Linux host; an audit of Windows evidence alone
    // walks nothing on the machine running the tool.
    if linux {
        let mut sf =
            walk::audit_walk(fs, profile, facts, a, inventory_file, reuse, warnings, lang)?;
        if let Some(d) = out_dir {
            write_findings(d, &mut sf)?;
        }
        facts.files = Some(sf);
    }
    let new_inventory = match (out_dir, &temp_inventory) {
        (Some(d), _) => Some(d.path().join("inventory.jsonl")),
        (None, Some(t)) => Some(t.path().to_path_buf()),
        _ => None,
    };
    Ok((temp_inventory, new_inventory))
}

/// Where the walk writes inventory.jsonl: in the bundle, or (without `--out`,
/// when a baseline needs it for the comparison) a temporary file, returned too
/// so it lives as long as the audit.
fn inventory_file(
    out_dir: Option<&crate::bundle::OutDir>,
    baseline: bool,
    lang: Lang,
) -> Result<(Option<tempfile::NamedTempFile>, Option<std::fs::File>), Fatal> {
    let temp_inventory = match (out_dir, baseline) {
        (None, true) => Some(tempfile::NamedTempFile::new().map_err(|e| {
            Fatal::text(
                crate::tr!(
                    "一時的な inventory を作れません: {e}",
                    "cannot create a temporary inventory: {e}"
                ),
                lang,
            )
        })?),
        _ => None,
    };
    let inventory_file = match (out_dir, &temp_inventory) {
        (Some(d), _) => Some(d.create_file(Path::new("inventory.jsonl")).map_err(|e| {
            let d = d.path().display();
            Fatal::text(
                crate::tr!(
                    "{d} に inventory.jsonl を書き込めません: {e}",
                    "cannot write inventory.jsonl in {d}: {e}"
                ),
                lang,
            )
        })?),
        (None, Some(t)) => Some(t.reopen().map_err(|e| {
            Fatal::text(
                crate::tr!(
                    "一時的な inventory に書き込めません: {e}",
                    "cannot write the temporary inventory: {e}"
                ),
                lang,
            )
        })?),
        _ => None,
    };
    Ok((temp_inventory, inventory_file))
}

/// `DIR/findings.jsonl`: every finding of the walk's per-file checks, sorted by
/// item and path (the report lists only the first of each item).
fn write_findings(
    d: &crate::bundle::OutDir,
    sf: &mut crate::collect::walk::ShareFacts,
) -> Result<(), Fatal> {
    let name = crate::bundle::FINDINGS;
    let cannot = |e: std::io::Error| {
        Fatal(format!(
            "cannot write {name} in {}: {e}",
            d.path().display()
        ))
    };
    let f = d.create_file(Path::new(name)).map_err(cannot)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    sf.findings_list.write_to(&mut w).map_err(cannot)?;
    w.flush().map_err(cannot)
}

/// The baseline inventory's hashes of files that may be reused (fast re-audit):
/// only when the baseline says when its walk started. Problems only cost speed.
fn reuse_cache(
    b: &crate::changes::Baseline,
    profile: &crate::profile::Profile,
    lang: Lang,
) -> Option<std::sync::Arc<crate::collect::walk::reuse::HashCache>> {
    use crate::collect::walk::reuse::{HashCache, content_scan_digest, parse_time};
    let inv = b.inventory.as_ref()?;
    let binv = b.report.inventory.as_ref()?;
    let started = binv.started_at.as_deref().and_then(parse_time)?;
    // Content markers are reused only when the baseline scanned content the same way.
    let today = content_scan_digest(&profile.markers, profile.scope.content_scan_bytes);
    let same_scan = binv.content_scan.as_deref() == Some(today.as_str());
    match HashCache::load(inv, started, same_scan.then_some(&profile.markers[..])) {
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

/// Writes the evidence bundle (see `bundle`) and tells the user the manifest's
/// SHA-256, to note down: it lets anyone check the bundle later.
fn write_bundle(
    out: &crate::bundle::OutDir,
    report: &mut Report,
    src: &crate::bundle::Sources,
    signer: Option<&crate::sign::Signer>,
    lang: Lang,
) -> Result<(), Fatal> {
    let w = crate::bundle::write(out, report, src, signer, lang)?;
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
    if let Some(fp) = &w.signed_by {
        eprintln!(
            "{}",
            crate::tr!(
                "MANIFEST.sha256 に鍵 {fp} で署名しました（MANIFEST.sha256.sig）",
                "signed MANIFEST.sha256 with key {fp} (MANIFEST.sha256.sig)",
            )
            .get(lang)
        );
    }
    Ok(())
}
