//! Reading one host bundle: verified against its manifest, its `report.json`
//! checked against the manifest's hash as it is read, and summarised
//! ([`HostBundle`]) to what the company report needs.

use super::err;
use crate::bundle::{self, OutDir};
use crate::exit::Fatal;
use crate::i18n::{Lang, Text};
use crate::model::{Evidence, Status};
use crate::report::model::{Coverage, Host, Inventory, Report, ReportItem};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Evidence entries kept per host and item for the company report (every entry
/// stays in `hosts/<NAME>/report.json`).
pub const EVIDENCE_PER_HOST: usize = 5;
/// Warnings kept per host in the company report.
const WARNINGS_PER_HOST: usize = 10;
/// Coverage problems (unreadable paths, …) kept as samples per host.
const COVERAGE_SAMPLES_PER_HOST: usize = 20;
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
pub(super) fn verify_options(lang: Lang) -> bundle::VerifyOptions<'static> {
    bundle::VerifyOptions {
        lang,
        allowed_signers: None,
        digest: None,
    }
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
