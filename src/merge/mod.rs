//! `timaudit merge BUNDLE... --out DIR`: one company bundle from the host bundles
//! of a fleet (each written by `audit --out`).
//!
//! ```text
//! DIR/
//!   report.json, report.md, report.html, checklist.csv, checklist.xlsx
//!                          the company self-check (same schema as a host's report)
//!   matrix.json, matrix.md, matrix.html, matrix.csv, matrix.xlsx
//!                          host × item matrix: every host's status and reason
//!   hosts/<NAME>/          each host bundle, copied whole (verifiable on its own:
//!                          `timaudit verify DIR/hosts/<NAME>`)
//!   hosts.sha256           SHA-256 of each hosts/<NAME>/MANIFEST.sha256
//!                          (`sha256sum -c hosts.sha256`)
//!   MANIFEST.sha256        every other file of DIR, hosts/ included
//! ```
//!
//! Each input is verified against its manifest first (a bundle that fails is
//! refused with the reason), and its `report.json` is checked against the
//! manifest's hash as it is read. Only a small summary per host is kept in
//! memory (statuses, reasons, a few evidence entries); inventories are copied as
//! files, never loaded.
//!
//! How the company status of an item is decided ([`worst`], [`company_item`]):
//! - Items with an automatic part (`source` auto, auto+manual, auto+records)
//!   depend on the host: the company status is the worst over the hosts where
//!   the item applies, in the order fail > error > unanswered > partial > alternative > pass;
//!   not_applicable only when it is so on every host.
//! - Organisational items (records, manual, manual+records) do not depend on the
//!   host: they are decided once, by the first (reference) bundle; a host that
//!   decided one differently gets a warning (different profile or date).

pub mod matrix;
pub mod xlsx;

use crate::bundle::{self, OutDir};
use crate::catalogue::Catalogue;
use crate::exit::Fatal;
use crate::i18n::{Lang, Text};
use crate::model::{Evidence, EvidenceKind, Status};
use crate::report::model::{Coverage, Host, Inventory, Report, ReportItem, Unreadable};
use crate::rules::ItemResult;
use clap::Args;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Evidence entries kept per host and item for the company report (every entry
/// stays in `hosts/<NAME>/report.json`).
pub const EVIDENCE_PER_HOST: usize = 5;
/// Hosts whose evidence the company report shows per item (those that decided it).
pub const EVIDENCE_HOSTS: usize = 10;
/// Warnings kept per host in the company report.
const WARNINGS_PER_HOST: usize = 10;
/// Coverage problems (unreadable paths, …) kept as samples per host.
const COVERAGE_SAMPLES_PER_HOST: usize = 20;
/// Host names listed per status in a company reason before "+N more".
const NAMES_IN_REASON: usize = 8;

// `timaudit merge`: its help texts are in the command-line text table
// (`cli/text.rs`, under `merge.*`).
#[derive(Args, Debug)]
pub struct MergeArgs {
    #[arg(required = true, value_name = "BUNDLE")]
    pub bundles: Vec<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long)]
    pub latest: bool,
    #[arg(long, value_delimiter = ',', default_value = "fail", value_parser = parse_fail_on)]
    pub fail_on: Vec<Status>,
}

fn parse_fail_on(s: &str) -> Result<Status, crate::i18n::TextError> {
    match s.trim().parse::<Status>() {
        Ok(s)
            if matches!(
                s,
                Status::Fail
                    | Status::Partial
                    | Status::Unanswered
                    | Status::Error
                    | Status::Alternative
            ) =>
        {
            Ok(s)
        }
        _ => Err(crate::i18n::TextError(crate::tr!(
            "`{s}` は fail, partial, unanswered, error, alternative のどれでもありません",
            "`{s}` is not one of fail, partial, unanswered, error, alternative"
        ))),
    }
}

/// How bad a status is for the company, higher is worse. not_applicable is
/// lowest: it only stands when every host says so.
pub fn badness(s: Status) -> u8 {
    match s {
        Status::NotApplicable => 0,
        Status::Pass => 1,
        // Met, by another control: worse than a plain pass only in that the
        // company report should show that some host relies on an alternative.
        Status::Alternative => 2,
        Status::Partial => 3,
        Status::Unanswered => 4,
        Status::Error => 5,
        // A proven violation beats an unknown, as when the parts of one item
        // are combined (rules::kit::host::worse).
        Status::Fail => 6,
    }
}

/// The company status of a host-dependent item: the worst of the hosts' statuses
/// (not_applicable only when every host says so, or there is none).
pub fn worst(statuses: impl IntoIterator<Item = Status>) -> Status {
    statuses
        .into_iter()
        .max_by_key(|s| badness(*s))
        .unwrap_or(Status::NotApplicable)
}

/// Does the item depend on the host (has an automatic part)?
pub fn per_host(cat: &Catalogue, id: &str, source: &str) -> bool {
    match cat.item(id) {
        Some(i) => i.source.code().split('+').any(|p| p == "auto"),
        None => source.split('+').any(|p| p == "auto"),
    }
}

/// One host item, as much as the company report needs.
#[derive(Clone, Debug)]
pub struct HostItem {
    pub status: Status,
    pub reason: Text,
    pub waived: bool,
    /// At most [`EVIDENCE_PER_HOST`] entries (the host's "N more" notes left out).
    pub evidence: Vec<Evidence<String>>,
    /// Entries the host's `report.json` lists, its "N more" notes left out.
    pub evidence_listed: usize,
    /// Exactly how many entries there are: those listed and the findings the
    /// host's notes count but do not list (all in its `findings.jsonl`).
    pub evidence_total: u64,
}

impl HostItem {
    /// The summary of one item of a host's report.
    fn new(i: &ReportItem) -> HostItem {
        let listed = || i.evidence.iter().filter(|e| e.omitted.is_none());
        let unlisted: u64 = i.evidence.iter().filter_map(|e| e.omitted).sum();
        let evidence_listed = listed().count();
        HostItem {
            status: i.status,
            reason: i.reason_i18n.clone(),
            waived: i.waived,
            evidence: listed().take(EVIDENCE_PER_HOST).cloned().collect(),
            evidence_listed,
            evidence_total: evidence_listed as u64 + unlisted,
        }
    }
}

/// One host bundle, summarised.
#[derive(Debug)]
pub struct HostBundle {
    /// The folder given on the command line.
    pub src: PathBuf,
    /// Its hosts (one, or a Linux host and Windows evidence folders audited together).
    pub hosts: Vec<Host>,
    /// The column name: the host names joined with `+`.
    pub label: String,
    /// The folder under `hosts/` (a safe file name made from the label).
    pub dir: String,
    pub generated_at: String,
    pub audit_date: chrono::NaiveDate,
    pub organization: String,
    pub checklist: (String, String),
    pub score: Option<f64>,
    pub manifest_sha256: String,
    /// Item ID → result, in the bundle's order.
    pub items: Vec<(String, HostItem)>,
    pub inventory: Inventory,
    pub coverage: Coverage,
    pub warnings: Vec<String>,
    /// The host's scope section (what its audit read).
    pub scope: crate::report::model::Scope,
}

impl HostBundle {
    /// Only Windows evidence folders (`audit --evidence` without `--root`).
    pub fn evidence_only(&self) -> bool {
        !self.hosts.is_empty() && self.hosts.iter().all(|h| h.kind == "windows")
    }
    pub fn item(&self, id: &str) -> Option<&HostItem> {
        self.items.iter().find(|(i, _)| i == id).map(|(_, h)| h)
    }
    /// "linux", "windows (evidence only)", "linux+windows".
    pub fn kind(&self) -> String {
        let mut kinds: Vec<&str> = self.hosts.iter().map(|h| h.kind.as_str()).collect();
        kinds.dedup();
        kinds.join("+")
    }
}

/// A host bundle is checked against its own manifest and, when it is signed,
/// its signature must still match (no allowed_signers file: who signed is
/// checked by `timaudit verify --allowed-signers` on each host's copy).
fn verify_options(lang: Lang) -> bundle::VerifyOptions<'static> {
    bundle::VerifyOptions {
        lang,
        allowed_signers: None,
        digest: None,
    }
}

fn err(lang: Lang, t: Text) -> Fatal {
    Fatal::text(t, lang)
}

/// Reads and checks one host bundle: verified against its manifest, report.json
/// matching the manifest's hash, not a company bundle.
pub fn load(dir: &Path, lang: Lang) -> Result<(HostBundle, Report), Fatal> {
    let d = dir.display();
    let manifest_sha256 = verify_bundle(dir, lang)?;
    let r = read_report(dir, lang)?;
    if r.hosts.is_empty() {
        return Err(err(
            lang,
            crate::tr!(
                "{d}/report.json に対象ホストがありません",
                "{d}/report.json names no host"
            ),
        ));
    }
    Ok((host_summary(dir, &r, manifest_sha256), r))
}

/// Verifies a host bundle against its manifest; returns the digest of the manifest.
fn verify_bundle(dir: &Path, lang: Lang) -> Result<String, Fatal> {
    let d = dir.display();
    let v = bundle::verify(dir, &verify_options(lang)).map_err(|e| {
        err(
            lang,
            crate::tr!(
                "{d} は証跡一式として読めないため、統合しません: {e}",
                "{d} cannot be read as an evidence bundle; not merged: {e}"
            ),
        )
    })?;
    if !v.is_clean() {
        let why = bundle::verify_report(&v, lang);
        let why = why.trim_end();
        return Err(err(
            lang,
            crate::tr!(
                "{d} は MANIFEST.sha256 と一致しないため（改ざん・欠落の可能性）、統合しません:\n{why}",
                "{d} does not match its MANIFEST.sha256 (tampered or incomplete); not merged:\n{why}"
            ),
        ));
    }
    Ok(v.manifest_sha256)
}

/// The `report.json` of a verified host bundle, checked against the manifest's
/// hash as it is read (the bytes parsed are the ones the manifest lists).
fn read_report(dir: &Path, lang: Lang) -> Result<Report, Fatal> {
    let d = dir.display();
    let out = OutDir::open(dir).map_err(|e| Fatal(format!("{d}: {e}")))?;
    let read = |name: &str| -> Result<Vec<u8>, Fatal> {
        let mut bytes = Vec::new();
        out.open_read(Path::new(name))
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|e| Fatal(format!("{}: {e}", dir.join(name).display())))?;
        Ok(bytes)
    };
    let manifest = read(bundle::MANIFEST)?;
    let listed = bundle::parse_manifest(&manifest).map_err(Fatal)?;
    if listed.iter().any(|(_, rel)| rel == b"hosts.sha256") {
        return Err(err(
            lang,
            crate::tr!(
                "{d} は merge で作った全社の証跡一式です。各ホストの証跡一式（audit --out のフォルダー）を指定してください",
                "{d} is a company bundle made by merge; give the hosts' bundles (audit --out folders)"
            ),
        ));
    }
    let Some((want, _)) = listed.iter().find(|(_, rel)| rel == b"report.json") else {
        return Err(err(
            lang,
            crate::tr!(
                "{d} の MANIFEST.sha256 に report.json がありません（timaudit audit --out で作った証跡一式を指定してください）",
                "{d}: its MANIFEST.sha256 lists no report.json (give a bundle written by timaudit audit --out)"
            ),
        ));
    };
    let bytes = read("report.json")?;
    // Read after the check: the bytes parsed must be the ones the manifest lists.
    if crate::rootfs::sha256_hex(&bytes) != *want {
        return Err(err(
            lang,
            crate::tr!(
                "{d}/report.json が検証の後に書き換えられました。統合しません",
                "{d}/report.json changed after it was verified; not merged"
            ),
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        err(
            lang,
            crate::tr!(
                "{d}/report.json を読めません: {e}",
                "{d}/report.json cannot be read: {e}"
            ),
        )
    })
}

/// The summary of a host's report that the company report needs.
fn host_summary(dir: &Path, r: &Report, manifest_sha256: String) -> HostBundle {
    let label = r
        .hosts
        .iter()
        .map(|h| crate::report::one_line(&h.name))
        .collect::<Vec<_>>()
        .join("+");
    let items = r
        .items
        .iter()
        .map(|i| (i.id.clone(), HostItem::new(i)))
        .collect();
    let mut coverage = r.coverage.clone();
    // What is not listed stays counted.
    let cut = |n: usize| n.saturating_sub(COVERAGE_SAMPLES_PER_HOST) as u64;
    coverage.unreadable_more += cut(coverage.unreadable.len());
    coverage.other_filesystems_more += cut(coverage.other_filesystems.len());
    for list in [
        &mut coverage.unreadable,
        &mut coverage.vanished_paths,
        &mut coverage.loop_paths,
        &mut coverage.other_filesystems,
    ] {
        list.truncate(COVERAGE_SAMPLES_PER_HOST);
    }
    HostBundle {
        src: dir.to_path_buf(),
        hosts: r.hosts.clone(),
        dir: String::new(),
        label,
        generated_at: r.generated_at.clone(),
        audit_date: r.audit_date,
        organization: r.organization.name.clone(),
        checklist: (r.checklist.id.clone(), r.checklist.version.clone()),
        score: r.summary.score,
        manifest_sha256,
        items,
        inventory: r.inventory.clone(),
        coverage,
        warnings: r.warnings.iter().take(WARNINGS_PER_HOST).cloned().collect(),
        scope: r.scope.clone(),
    }
}

/// A folder name under `hosts/` made from a host label: letters, digits, `-`,
/// `_` and `.` kept, anything else `_`; never `.`/`..`, never empty.
pub fn safe_dir_name(label: &str) -> String {
    let mut s: String = label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    if s.is_empty() {
        s.push_str("host");
    }
    s
}

fn parse_time(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(s).ok()
}

/// Drops duplicate hosts: two bundles sharing a host name are an error, or with
/// `latest` the newer one is kept. Returns the bundles in the order given and
/// the notes on what was dropped.
pub fn dedupe(
    bundles: Vec<HostBundle>,
    latest: bool,
    lang: Lang,
) -> Result<(Vec<HostBundle>, Vec<Text>), Fatal> {
    let mut order: Vec<usize> = (0..bundles.len()).collect();
    // Newest first, so the greedy pass keeps the newer of two.
    order.sort_by(|&a, &b| {
        let ta = (parse_time(&bundles[a].generated_at), bundles[a].audit_date);
        let tb = (parse_time(&bundles[b].generated_at), bundles[b].audit_date);
        tb.cmp(&ta).then(a.cmp(&b))
    });
    let mut taken: std::collections::BTreeMap<String, usize> = Default::default();
    let mut keep = vec![false; bundles.len()];
    let mut notes = Vec::new();
    for &i in &order {
        let b = &bundles[i];
        let clash = b
            .hosts
            .iter()
            .find_map(|h| taken.get(&h.name).map(|&j| (h, j)));
        match clash {
            None => {
                keep[i] = true;
                for h in &b.hosts {
                    taken.insert(h.name.clone(), i);
                }
            }
            Some((h, j)) => {
                let (name, this, other) = (
                    crate::report::one_line(&h.name),
                    b.src.display(),
                    bundles[j].src.display(),
                );
                let same_time = parse_time(&b.generated_at) == parse_time(&bundles[j].generated_at)
                    && b.audit_date == bundles[j].audit_date;
                if !latest || same_time {
                    let t = if latest {
                        crate::tr!(
                            "{this} と {other} は同じホスト {name} の証跡一式で、作成日時も同じため、どちらを使うか決められません。片方だけを指定してください",
                            "{this} and {other} are bundles of the same host {name} made at the same time; give only one of them"
                        )
                    } else {
                        crate::tr!(
                            "{this} と {other} は同じホスト {name} の証跡一式です。片方だけを指定するか、新しい方を使う --latest を付けてください",
                            "{this} and {other} are bundles of the same host {name}; give only one, or add --latest to keep the newer"
                        )
                    };
                    return Err(err(lang, t));
                }
                let (old_t, new_t) = (&b.generated_at, &bundles[j].generated_at);
                notes.push(crate::tr!(
                    "ホスト {name}: 古い証跡一式 {this}（{old_t}）は使わず、新しい {other}（{new_t}）を使いました（--latest）",
                    "host {name}: the older bundle {this} ({old_t}) was left out for the newer {other} ({new_t}) (--latest)"
                ));
            }
        }
    }
    let kept = bundles
        .into_iter()
        .zip(keep)
        .filter_map(|(b, k)| k.then_some(b))
        .collect();
    Ok((kept, notes))
}

/// Names of hosts, at most [`NAMES_IN_REASON`] then "+N".
fn names(hosts: &[&str]) -> String {
    let mut s = hosts
        .iter()
        .take(NAMES_IN_REASON)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if hosts.len() > NAMES_IN_REASON {
        s.push_str(&format!(" +{}", hosts.len() - NAMES_IN_REASON));
    }
    s
}

/// The note after a host's entries in the company report: exactly how many of
/// its entries (findings counted but not listed included) are not shown, and
/// where they are.
fn more_note(b: &HostBundle, i: &HostItem, lang: Lang) -> Option<Evidence<String>> {
    let shown = i.evidence.len() as u64;
    if i.evidence_total <= shown {
        return None;
    }
    let (host, dir) = (&b.label, &b.dir);
    let (more, total, listed) = (
        i.evidence_total - shown,
        i.evidence_total,
        i.evidence_listed,
    );
    let text = if i.evidence_total > listed as u64 {
        crate::tr!(
            "[{host}] ほか {more} 件（全 {total} 件。hosts/{dir}/report.json に最初の {listed} 件、全件は hosts/{dir}/findings.jsonl）",
            "[{host}] and {more} more ({total} in all: the first {listed} in hosts/{dir}/report.json, every one in hosts/{dir}/findings.jsonl)"
        )
    } else {
        crate::tr!(
            "[{host}] ほか {more} 件は hosts/{dir}/report.json にあります",
            "[{host}] {more} more in hosts/{dir}/report.json"
        )
    };
    Some(Evidence {
        detail: Some(text.get(lang).to_string()),
        ..Evidence::new(EvidenceKind::Note).localize(lang)
    })
}

/// A host and its result of one item (`None`: missing from its report.json).
type HostResult<'a> = (&'a HostBundle, Option<&'a HostItem>);

/// The start of a company reason: "worst of N hosts." and the hosts of each
/// status, worst first (in Japanese and English).
fn status_groups(results: &[HostResult]) -> (String, String) {
    let of = |s: Status| -> Vec<&str> {
        results
            .iter()
            .filter(|(_, i)| i.map_or(Status::Error, |i| i.status) == s)
            .map(|(b, _)| b.label.as_str())
            .collect()
    };
    let mut groups: Vec<Status> = Status::ALL.to_vec();
    groups.sort_by_key(|s| std::cmp::Reverse(badness(*s)));
    let n = results.len();
    let mut ja = format!("{n} 台のうち最も悪い判定。");
    let mut en = format!("worst of {n} host{}.", crate::i18n::en_n(n, "", "s"));
    for s in groups {
        let hosts = of(s);
        if hosts.is_empty() {
            continue;
        }
        ja.push_str(&format!(" {}: {}。", s.label(Lang::Ja), names(&hosts)));
        en.push_str(&format!(" {}: {}.", s.label(Lang::En), names(&hosts)));
    }
    (ja, en)
}

/// A host's entries for the company report, each detail starting with
/// `[host]`, and the note on how many more it has.
fn host_evidence(b: &HostBundle, i: &HostItem, lang: Lang) -> Vec<Evidence<String>> {
    let host = &b.label;
    let mut evidence = Vec::with_capacity(i.evidence.len() + 1);
    for e in &i.evidence {
        let mut e = e.clone();
        e.detail = Some(match e.detail {
            Some(d) => format!("[{host}] {d}"),
            None => format!("[{host}]"),
        });
        evidence.push(e);
    }
    if let Some(note) = more_note(b, i, lang) {
        evidence.push(note);
    }
    evidence
}

/// The company result of one host-dependent item, from every host's result.
pub fn company_item(
    base: &ReportItem,
    bundles: &[HostBundle],
    lang: Lang,
) -> (ReportItem, Option<Text>) {
    let results: Vec<HostResult> = bundles.iter().map(|b| (b, b.item(&base.id))).collect();
    let status = worst(
        results
            .iter()
            .map(|(_, i)| i.map_or(Status::Error, |i| i.status)),
    );
    let (mut ja, mut en) = status_groups(&results);
    let mut evidence = Vec::new();
    let mut waived = false;
    let deciding: Vec<&HostResult> = results
        .iter()
        .filter(|(_, i)| i.map_or(Status::Error, |i| i.status) == status)
        .collect();
    for (k, (b, i)) in deciding.iter().enumerate() {
        let host = &b.label;
        let Some(i) = i else {
            if k < 3 {
                ja.push_str(&format!(" {host}: この項目が report.json にありません。"));
                en.push_str(&format!(
                    " {host}: the item is missing from its report.json."
                ));
            }
            continue;
        };
        waived |= i.waived;
        if k < 3 && status != Status::NotApplicable {
            ja.push_str(&format!(" {host}: {}", i.reason.ja.trim()));
            en.push_str(&format!(" {host}: {}", i.reason.en.trim()));
        }
        if k < EVIDENCE_HOSTS {
            evidence.extend(host_evidence(b, i, lang));
        }
    }
    let missing = results.iter().filter(|(_, i)| i.is_none()).count();
    let note = (missing > 0).then(|| {
        let id = &base.id;
        crate::tr!(
            "{id}: {missing} 台の report.json にこの項目がないため、判定不能として扱いました（チェックリストの版の違い）",
            "{id}: missing from {missing} host report(s), counted as error (different checklist version)"
        )
    });
    let reason_i18n = Text::new(ja, en);
    let item = ReportItem {
        status,
        waived,
        reason: reason_i18n.get(lang).to_string(),
        reason_i18n,
        evidence,
        computed_status: None,
        computed_reason: None,
        computed_evidence: None,
        waiver_expired_on: None,
        ..base.clone()
    };
    (item, note)
}

/// The company report: host-dependent items worst-of, organisational items from
/// the reference report `base` (the first bundle's).
pub fn company_report(
    base: &Report,
    bundles: &[HostBundle],
    notes: Vec<Text>,
    lang: Lang,
) -> Report {
    let cat = Catalogue::builtin();
    let mut warnings: Vec<String> = Vec::new();
    let mut items = Vec::with_capacity(base.items.len());
    for bi in &base.items {
        if per_host(cat, &bi.id, &bi.source) {
            let (item, note) = company_item(bi, bundles, lang);
            warnings.extend(note.map(|t| t.get(lang).to_string()));
            items.push(item);
        } else {
            let (item, warning) = organisational_item(bi, bundles, lang);
            warnings.extend(warning);
            items.push(item);
        }
    }
    let summary = company_summary(cat, &items);
    let head = head_notes(bundles);
    warnings.splice(
        0..0,
        head.into_iter()
            .chain(notes)
            .map(|t| t.get(lang).to_string()),
    );
    let (inventory, coverage) = sum_hosts(bundles);
    for b in bundles {
        warnings.extend(b.warnings.iter().map(|w| format!("[{}] {w}", b.label)));
    }
    let scope = company_scope(base, bundles, &coverage, &inventory);
    Report {
        schema_version: base.schema_version,
        tool: crate::report::model::Tool {
            name: "timaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        audit_date: base.audit_date,
        lang,
        organization: base.organization.clone(),
        hosts: bundles
            .iter()
            .flat_map(|b| b.hosts.iter().cloned())
            .collect(),
        checklist: base.checklist.clone(),
        summary,
        items,
        inventory,
        coverage,
        changes: None,
        timeline: base.timeline.clone(),
        warnings,
        scope,
        approval: base.approval.clone(),
    }
}

/// An organisational item: the reference report's, with a warning when a
/// host decided it differently (another profile or audit date).
fn organisational_item(
    bi: &ReportItem,
    bundles: &[HostBundle],
    lang: Lang,
) -> (ReportItem, Option<String>) {
    let mut warning = None;
    let differ: Vec<String> = bundles
        .iter()
        .filter_map(|b| {
            let s = b.item(&bi.id).map(|i| i.status)?;
            (s != bi.status).then(|| format!("{} ({})", b.label, s.label(lang)))
        })
        .collect();
    if !differ.is_empty() {
        let (id, base_s, list) = (&bi.id, bi.status.label(lang), differ.join(", "));
        let host = &bundles[0].label;
        warning = Some(
            crate::tr!(
                "{id} は組織の項目のため基準の {host} の判定（{base_s}）を使いましたが、{list} では判定が違います。同じプロファイル・同じ監査日で監査したか確かめてください",
                "{id} is an organisational item decided by the reference host {host} ({base_s}), but {list} decided it differently; check every host was audited with the same profile and date"
            )
            .get(lang)
            .to_string(),
        );
    }
    let mut item = bi.clone();
    item.reason = item.reason_i18n.get(lang).to_string();
    (item, warning)
}

/// The company summary (scores and counts) of the company items.
fn company_summary(cat: &Catalogue, items: &[ReportItem]) -> crate::model::Summary {
    let results: Vec<ItemResult> = items
        .iter()
        .map(|i| ItemResult {
            id: i.id.clone(),
            status: i.status,
            reason: Text::default(),
            evidence: Vec::new(),
            waived: i.waived,
            computed: None,
            expired_waiver: None,
        })
        .collect();
    crate::rules::score::summarize(cat, &results)
}

/// The warnings that open the company report: what it is, and differing
/// audit dates.
fn head_notes(bundles: &[HostBundle]) -> Vec<Text> {
    let n = bundles.len();
    let dates: std::collections::BTreeSet<chrono::NaiveDate> =
        bundles.iter().map(|b| b.audit_date).collect();
    let mut head = vec![crate::tr!(
        "{n} 台のホストの証跡一式を統合した全社の結果です。ホストごとの判定は matrix.html（matrix.xlsx）に、各ホストの証跡一式は hosts/ にあります",
        "company result merged from {n} host bundles; each host's status is in matrix.html (matrix.xlsx), each host's bundle in hosts/"
    )];
    if dates.len() > 1 {
        let list = dates
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        head.push(crate::tr!(
            "ホストの監査日が揃っていません: {list}",
            "the hosts were audited on different dates: {list}"
        ));
    }
    head
}

/// Inventory and coverage summed over the hosts, the paths tagged with the host.
fn sum_hosts(bundles: &[HostBundle]) -> (Inventory, Coverage) {
    let mut inventory = Inventory::default();
    let mut coverage = Coverage::default();
    for b in bundles {
        let i = &b.inventory;
        inventory.files += i.files;
        inventory.bytes += i.bytes;
        inventory.protected += i.protected;
        inventory.marked += i.marked;
        inventory.hashed += i.hashed;
        inventory.reused += i.reused;
        let c = &b.coverage;
        coverage.vanished += c.vanished;
        coverage.loops += c.loops;
        coverage.skipped_special += c.skipped_special;
        coverage.excluded += c.excluded;
        coverage.dirs += c.dirs;
        coverage.symlinks += c.symlinks;
        coverage.unreadable_more += c.unreadable_more;
        coverage.other_filesystems_more += c.other_filesystems_more;
        let tag = |u: &Unreadable| Unreadable {
            path: format!("[{}] {}", b.label, u.path),
            ..u.clone()
        };
        coverage.unreadable.extend(c.unreadable.iter().map(tag));
        coverage
            .vanished_paths
            .extend(c.vanished_paths.iter().map(tag));
        coverage.loop_paths.extend(c.loop_paths.iter().map(tag));
        coverage
            .other_filesystems
            .extend(c.other_filesystems.iter().map(tag));
        coverage
            .roots
            .extend(c.roots.iter().map(|r| crate::report::model::CoverageRoot {
                path: format!("[{}] {}", b.label, r.path),
                ..r.clone()
            }));
    }
    (inventory, coverage)
}

/// Copies a verified host bundle into `hosts/<dir>/` of the company bundle, file
/// by file as its manifest lists them, then verifies the copy: it must match and
/// its manifest must be the one verified before.
fn copy_bundle(out: &OutDir, b: &HostBundle, lang: Lang) -> Result<(), Fatal> {
    let src = OutDir::open(&b.src).map_err(|e| Fatal(format!("{}: {e}", b.src.display())))?;
    let mut manifest = Vec::new();
    src.open_read(Path::new(bundle::MANIFEST))
        .and_then(|mut f| f.read_to_end(&mut manifest))
        .map_err(|e| Fatal(format!("{}: {e}", b.src.join(bundle::MANIFEST).display())))?;
    let base = Path::new("hosts").join(&b.dir);
    let listed = bundle::parse_manifest(&manifest).map_err(Fatal)?;
    for (_, rel) in &listed {
        let rel = Path::new(OsStr::from_bytes(rel));
        let copy = || -> std::io::Result<()> {
            let mut from = src.open_read(rel)?;
            let mut to = out.create_file(&base.join(rel))?;
            std::io::copy(&mut from, &mut to)?;
            Ok(())
        };
        copy().map_err(|e| Fatal(format!("{}: {e}", b.src.join(rel).display())))?;
    }
    out.write_file(&base.join(bundle::MANIFEST), &manifest)
        .map_err(|e| Fatal(format!("{}: {e}", out.path().join(&base).display())))?;
    let copied = out.path().join(&base);
    let v = bundle::verify(&copied, &verify_options(lang)).map_err(Fatal)?;
    if !v.is_clean() || v.manifest_sha256 != b.manifest_sha256 {
        let d = b.src.display();
        return Err(err(
            lang,
            crate::tr!(
                "{d} が統合の途中で書き換えられました。統合をやめました",
                "{d} changed while it was being merged; the merge was stopped"
            ),
        ));
    }
    Ok(())
}

/// Is `inner` the folder `outer` or inside it (by canonical paths)?
fn within(inner: &Path, outer: &Path) -> bool {
    match (std::path::absolute(inner), outer.canonicalize()) {
        (Ok(i), Ok(o)) => {
            let i = i.canonicalize().unwrap_or(i);
            i.starts_with(o)
        }
        _ => false,
    }
}

pub fn run(a: MergeArgs, lang: Lang) -> Result<i32, Fatal> {
    check_out(&a, lang)?;
    let (bundles, base) = load_all(&a, lang)?;
    check_same_company(&a, &bundles, &base, lang)?;
    let (mut bundles, notes) = dedupe(bundles, a.latest, lang)?;
    name_dirs(&mut bundles);
    // The reference for the organisational items is the first bundle kept.
    let base = if bundles[0].src == a.bundles[0] {
        base
    } else {
        load(&bundles[0].src, lang)?.1
    };
    for n in &notes {
        eprintln!("{}{}", crate::exit::warning_prefix(lang), n.get(lang));
    }
    let report = company_report(&base, &bundles, notes, lang);
    drop(base);
    let m = matrix::Matrix::new(&report, &bundles);
    let digest = write_bundle(&a, &bundles, &report, &m, lang)?;
    let (dir, n) = (a.out.display(), bundles.len());
    let score = crate::report::markdown::score_text(report.summary.score);
    eprintln!(
        "{}",
        crate::tr!(
            "{n} 台のホストを統合し、全社の証跡一式を {dir} に書き出しました（スコア {score}）。ホスト別の判定: {dir}/matrix.html。MANIFEST.sha256 の SHA-256: {digest}（控えておいてください）",
            "merged {n} hosts into the company bundle {dir} (score {score}); per-host statuses: {dir}/matrix.html; SHA-256 of MANIFEST.sha256: {digest}"
        )
        .get(lang)
    );
    Ok(crate::exit::exit_code(
        report.items.iter().map(|i| i.status),
        &a.fail_on,
    ))
}

/// Refuses an `--out` folder that is or holds one of the bundles, or lies inside one.
fn check_out(a: &MergeArgs, lang: Lang) -> Result<(), Fatal> {
    for b in &a.bundles {
        if within(&a.out, b) || within(b, &a.out) {
            let (o, b) = (a.out.display(), b.display());
            return Err(err(
                lang,
                crate::tr!(
                    "--out {o} と証跡一式 {b} が重なっています。別のフォルダーに書き出してください",
                    "--out {o} overlaps the bundle {b}; write the company bundle to a folder of its own"
                ),
            ));
        }
    }
    Ok(())
}

/// Loads every bundle given; returns their summaries and the first one's report.
fn load_all(a: &MergeArgs, lang: Lang) -> Result<(Vec<HostBundle>, Report), Fatal> {
    let mut bundles = Vec::with_capacity(a.bundles.len());
    let mut base: Option<Report> = None;
    for dir in &a.bundles {
        let (h, r) = load(dir, lang)?;
        if base.is_none() {
            base = Some(r);
        }
        bundles.push(h);
    }
    let base = base.expect("clap requires one bundle");
    Ok((bundles, base))
}

/// Refuses bundles of another organisation or checklist version than the
/// first one (`base`).
fn check_same_company(
    a: &MergeArgs,
    bundles: &[HostBundle],
    base: &Report,
    lang: Lang,
) -> Result<(), Fatal> {
    for b in bundles {
        if b.organization != base.organization.name {
            let (d, o, r) = (b.src.display(), &b.organization, &base.organization.name);
            let first = a.bundles[0].display();
            return Err(err(
                lang,
                crate::tr!(
                    "{d} は事業者「{o}」の監査で、{first} の「{r}」と違います。同じ会社のプロファイルで監査した証跡一式だけを統合できます",
                    "{d} is an audit of \"{o}\", not \"{r}\" as {first}; only bundles audited with the same company profile can be merged"
                ),
            ));
        }
        let (id, ver) = (&base.checklist.id, &base.checklist.version);
        if b.checklist != (id.clone(), ver.clone()) {
            let (d, bid, bver) = (b.src.display(), &b.checklist.0, &b.checklist.1);
            return Err(err(
                lang,
                crate::tr!(
                    "{d} はチェックリスト {bid} {bver} による監査で、{id} {ver} と違うため統合できません。同じ版の timaudit で監査し直してください",
                    "{d} was audited against checklist {bid} {bver}, not {id} {ver}; audit every host with the same timaudit version"
                ),
            ));
        }
    }
    Ok(())
}

/// Gives each bundle its folder under `hosts/`: a safe name made from its
/// label, `-2`, `-3` … when two are the same (ignoring case).
fn name_dirs(bundles: &mut [HostBundle]) {
    let mut used = std::collections::BTreeSet::new();
    for b in bundles {
        let stem = safe_dir_name(&b.label);
        let mut name = stem.clone();
        let mut k = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{stem}-{k}");
            k += 1;
        }
        b.dir = name;
    }
}

/// Writes the company bundle: every host bundle copied and checked, hosts.sha256,
/// the company report in every format, the matrix, the manifest. Returns the
/// SHA-256 of the manifest.
fn write_bundle(
    a: &MergeArgs,
    bundles: &[HostBundle],
    report: &Report,
    m: &matrix::Matrix,
    lang: Lang,
) -> Result<String, Fatal> {
    let out = bundle::prepare(&a.out, false, lang).map_err(Fatal)?;
    let mut hosts_sha = Vec::new();
    for b in bundles {
        copy_bundle(&out, b, lang)?;
        let rel = format!("hosts/{}/{}", b.dir, bundle::MANIFEST);
        hosts_sha.extend(bundle::manifest_line(&b.manifest_sha256, rel.as_bytes()));
    }
    let write = |name: &str, bytes: &[u8]| {
        out.write_file(Path::new(name), bytes)
            .map_err(|e| Fatal(format!("{}: {e}", out.path().join(name).display())))
    };
    write("hosts.sha256", &hosts_sha)?;
    for (name, bytes) in bundle::render_files(report, lang).map_err(Fatal)? {
        write(name, &bytes)?;
    }
    write("matrix.json", m.json().as_bytes())?;
    write("matrix.md", m.markdown(lang).as_bytes())?;
    write("matrix.html", m.html(lang).as_bytes())?;
    write("matrix.csv", m.csv(lang).as_bytes())?;
    write("matrix.xlsx", &xlsx::render(m, lang).map_err(Fatal)?)?;
    Ok(crate::rootfs::sha256_hex(
        &bundle::write_manifest(&out).map_err(Fatal)?,
    ))
}

/// The company report's scope: every host's walked folders, `--scan` paths and
/// evidence folders (tagged with the host), all hosts, and counts summed over
/// the hosts; the profile and definitions are the reference bundle's (the
/// organisation and checklist version were checked to agree).
fn company_scope(
    base: &Report,
    bundles: &[HostBundle],
    coverage: &crate::report::model::Coverage,
    inventory: &crate::report::model::Inventory,
) -> crate::report::model::Scope {
    let mut scope = base.scope.clone();
    scope.root = String::new();
    scope.scan.clear();
    scope.evidence.clear();
    for b in bundles {
        let s = &b.scope;
        let tag = |p: &String| format!("[{}] {p}", b.label);
        if !s.root.is_empty() {
            scope.scan.push(format!("[{}] --root {}", b.label, s.root));
        }
        scope.scan.extend(s.scan.iter().map(tag));
        scope.evidence.extend(s.evidence.iter().map(tag));
    }
    scope.walked = coverage.roots.clone();
    scope.hosts = bundles
        .iter()
        .flat_map(|b| b.hosts.iter().cloned())
        .collect();
    scope.tool = crate::report::model::Tool {
        name: "timaudit".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let sum = |f: fn(&crate::report::model::ScopeCounts) -> u64| {
        bundles.iter().map(|b| f(&b.scope.counts)).sum::<u64>()
    };
    scope.counts = crate::report::model::ScopeCounts {
        files: inventory.files,
        dirs: coverage.dirs,
        protected: inventory.protected,
        hashed: sum(|c| c.hashed),
        unreadable: coverage.unreadable.len() as u64 + coverage.unreadable_more,
        vanished: sum(|c| c.vanished),
        loops: sum(|c| c.loops),
        skipped_special: sum(|c| c.skipped_special),
        excluded: sum(|c| c.excluded),
        other_filesystems: sum(|c| c.other_filesystems),
    };
    scope
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_status_wins_and_not_applicable_only_when_alone() {
        use Status::*;
        assert_eq!(worst([Pass, Partial, Pass]), Partial);
        assert_eq!(worst([Pass, Fail, Partial]), Fail);
        assert_eq!(worst([Fail, Error, Pass]), Fail);
        assert_eq!(worst([Error, Partial, Pass]), Error);
        assert_eq!(worst([Pass, Alternative]), Alternative);
        assert_eq!(worst([Partial, Unanswered]), Unanswered);
        assert_eq!(worst([Unanswered, Fail]), Fail);
        assert_eq!(worst([NotApplicable, Pass, NotApplicable]), Pass);
        assert_eq!(worst([NotApplicable, NotApplicable]), NotApplicable);
        assert_eq!(worst([]), NotApplicable);
    }

    #[test]
    fn host_items_are_those_with_an_automatic_part() {
        let cat = Catalogue::builtin();
        for (id, host) in [
            ("ITS-03", true),
            ("HDL-07", true),
            ("ACC-05", true),
            ("ADM-01", false),
            ("STO-02", false),
            ("ITS-12", false),
        ] {
            let item = cat.item(id).unwrap();
            assert_eq!(per_host(cat, id, item.source.code()), host, "{id}");
        }
    }

    #[test]
    fn host_folder_names_never_leave_hosts() {
        assert_eq!(safe_dir_name("fs01.example.jp"), "fs01.example.jp");
        assert_eq!(safe_dir_name("fs01+PC01"), "fs01_PC01");
        assert_eq!(safe_dir_name(".."), "_.");
        assert_eq!(safe_dir_name("../../etc"), "_._.._etc");
        assert_eq!(safe_dir_name("a/b\\c\nd"), "a_b_c_d");
        assert_eq!(safe_dir_name(""), "host");
        assert_eq!(safe_dir_name("設計PC"), "設計PC");
    }
}
