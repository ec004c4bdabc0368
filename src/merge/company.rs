//! The company report: host-dependent items decided over the hosts,
//! organisational items from the reference bundle, summary, warnings,
//! inventory, coverage and scope summed over the hosts.

use super::{HostBundle, company_item, per_host};
use crate::catalogue::Catalogue;
use crate::i18n::{Lang, Text};
use crate::report::model::{Coverage, Inventory, Report, ReportItem, Unreadable};
use crate::rules::ItemResult;

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
