//! Building the report from results.

use super::model::*;
use crate::catalogue::Catalogue;
use crate::collect::host::HostFacts;
use crate::collect::walk::{GapKind, PathRef, ShareFacts, gaps};
use crate::i18n::Lang;
use crate::profile::Profile;
use crate::rules::ItemResult;
use crate::rules::score::summarize;
use chrono::NaiveDate;

pub struct BuildInput<'a> {
    pub catalogue: &'a Catalogue,
    pub profile: &'a Profile,
    pub results: &'a [ItemResult],
    pub audit_date: NaiveDate,
    pub lang: Lang,
    pub hosts: Vec<Host>,
    pub warnings: Vec<String>,
    /// The previous audit, when `--baseline` was given.
    pub baseline: Option<&'a crate::changes::BaselineFacts>,
    /// The file-share walk, for `inventory` and `coverage`.
    pub files: Option<&'a crate::collect::walk::ShareFacts>,
    /// What the command line adds to the report's scope.
    pub scope: super::scope::ScopeInput,
}

pub fn build(input: BuildInput) -> Report {
    let BuildInput {
        catalogue: cat,
        profile: p,
        results,
        audit_date,
        lang,
        hosts,
        warnings,
        baseline,
        files,
        scope,
    } = input;
    let items = results
        .iter()
        .filter_map(|r| report_item(cat, p, r, lang))
        .collect();
    let mut warnings = warnings;
    warnings.extend(expired_waivers(results, lang));
    let summary = summarize(cat, results);
    let changes = baseline.map(|b| {
        let now: Vec<_> = results.iter().map(|r| (r.id.clone(), r.status)).collect();
        b.changes(&now, &summary, lang)
    });
    if let Some(Err(e)) = baseline.map(|b| &b.files) {
        let (ja, en) = (&e.ja, &e.en);
        warnings.push(
            crate::tr!(
                "保護対象ファイルを前回の監査と比較できませんでした: {ja}",
                "protected files were not compared with the baseline: {en}"
            )
            .get(lang)
            .to_string(),
        );
    }
    let cert = p.organization.certification.as_ref();
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "timaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        audit_date,
        lang,
        organization: Organization {
            name: p.organization.name.clone(),
            previous_names: p.organization.previous_names.clone(),
            certification_body: cert.and_then(|c| c.body.clone()),
            certificate_id: cert.and_then(|c| c.certificate_id.clone()),
        },
        hosts,
        checklist: ChecklistRef {
            id: cat.id.clone(),
            version: cat.version.clone(),
        },
        summary,
        items,
        inventory: files.map(inventory).unwrap_or_default(),
        coverage: files.map(coverage).unwrap_or_default(),
        changes,
        timeline: cert
            .and_then(|c| c.certified_on)
            .map(|d| crate::timeline::timeline(d, audit_date)),
        warnings,
        scope: Default::default(),
        approval: super::scope::approval(p),
    };
    report.scope = super::scope::scope(&report, p, &scope);
    report
}

/// One item of the report: the catalogue's words and the result in `lang`
/// (`None` for a result of an item the catalogue does not have).
fn report_item(cat: &Catalogue, p: &Profile, r: &ItemResult, lang: Lang) -> Option<ReportItem> {
    let item = cat.item(&r.id)?;
    Some(ReportItem {
        id: r.id.clone(),
        criterion: item.criterion.clone(),
        title: item.title.clone(),
        source: item.source.code().to_string(),
        status: r.status,
        waived: r.waived,
        reason: r.reason.get(lang).to_string(),
        reason_i18n: r.reason.clone(),
        evidence: r.evidence.iter().map(|e| e.localize(lang)).collect(),
        remediation: item.remediation.clone(),
        computed_status: r.computed.as_ref().map(|c| c.status),
        computed_reason: r.computed.as_ref().map(|c| c.reason.get(lang).to_string()),
        computed_evidence: r
            .computed
            .as_ref()
            .map(|c| c.evidence.iter().map(|e| e.localize(lang)).collect()),
        waiver_expired_on: r.expired_waiver,
        answer: answer_info(p, r),
    })
}

/// A warning for each answer or waiver ignored because it had expired.
fn expired_waivers(results: &[ItemResult], lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for r in results {
        if let Some(d) = r.expired_waiver {
            let id = &r.id;
            out.push(
                crate::tr!(
                    "{id}: 回答（例外承認）の期限 {d} が過ぎているため無視しました",
                    "{id}: the answer/waiver expired on {d} and was ignored"
                )
                .get(lang)
                .to_string(),
            );
        }
    }
    out
}

/// Who gave (and approved) the profile's answer that decided an item; `None`
/// when no answer decided it (none given, or it had expired).
fn answer_info(p: &Profile, r: &ItemResult) -> Option<AnswerInfo> {
    if r.expired_waiver.is_some() {
        return None;
    }
    let a = p.answer(&r.id)?;
    Some(AnswerInfo {
        answered_by: a.answered_by.clone(),
        answered_on: a.answered_on,
        approved_by: a.approved_by.clone(),
        expires_on: a.expires_on,
    })
}

/// `report.json`'s `inventory`.
pub fn inventory(sf: &ShareFacts) -> Inventory {
    Inventory {
        files: sf.counts.files,
        bytes: sf.counts.bytes,
        protected: sf.counts.protected,
        marked: sf.counts.marked,
        hashed: sf.counts.hashed,
        reused: sf.counts.reused,
        started_at: sf
            .started_at
            .map(|(s, n)| crate::collect::walk::rfc3339(s, n)),
        content_scan: sf.content_scan.clone(),
    }
}

/// `report.json`'s `coverage`.
pub fn coverage(sf: &ShareFacts) -> Coverage {
    let entry = |p: &PathRef, e: &str| Unreadable {
        path: p.path.clone(),
        path_b64: p.b64.clone(),
        error: e.to_string(),
    };
    let unread = sf.gaps.select(gaps::UNREAD, gaps::KINDS);
    let mounts = sf.gaps.select(&[GapKind::OtherFilesystem], gaps::KINDS);
    Coverage {
        unreadable: unread
            .sample
            .iter()
            .map(|g| entry(&g.path, &g.error))
            .collect(),
        unreadable_more: unread.more(),
        vanished: sf.vanished.len() as u64,
        loops: sf.loops.len() as u64,
        skipped_special: sf.counts.special,
        roots: sf
            .roots
            .iter()
            .map(|r| CoverageRoot {
                path: r.path.path.clone(),
                path_b64: r.path.b64.clone(),
                kind: r.kind.code().into(),
                error: r.error.clone(),
            })
            .collect(),
        vanished_paths: sf
            .vanished
            .iter()
            .map(|p| entry(p, "vanished during the walk"))
            .collect(),
        loop_paths: sf
            .loops
            .iter()
            .map(|(p, of)| {
                entry(
                    p,
                    &format!("filesystem loop: same directory as {}", of.path),
                )
            })
            .collect(),
        other_filesystems: mounts
            .sample
            .iter()
            .map(|g| entry(&g.path, &g.error))
            .collect(),
        other_filesystems_more: mounts.more(),
        excluded: sf.excluded,
        dirs: sf.counts.dirs,
        symlinks: sf.counts.symlinks,
    }
}

/// The Windows hosts (evidence folders) as the report lists them.
pub fn windows_hosts(hf: &HostFacts) -> Vec<Host> {
    hf.windows
        .iter()
        .map(|w| Host {
            name: w.name.clone(),
            root: w.dir.display().to_string(),
            kind: "windows".into(),
        })
        .collect()
}
