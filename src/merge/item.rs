//! The company status, reason and evidence of a host-dependent item: the
//! worst over the hosts, with the hosts named per status.

use super::{HostBundle, HostItem};
use crate::catalogue::Catalogue;
use crate::i18n::{Lang, Text};
use crate::model::{Evidence, EvidenceKind, Status};
use crate::report::model::ReportItem;

/// Hosts whose evidence the company report shows per item (those that decided it).
pub const EVIDENCE_HOSTS: usize = 10;
/// Host names listed per status in a company reason before "+N more".
const NAMES_IN_REASON: usize = 8;

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
