//! Which host bundles are merged: all of the same company and checklist,
//! duplicate hosts refused or (`--latest`) the newer kept, and each bundle's
//! folder name under `hosts/`.

use super::{HostBundle, MergeArgs, err, load};
use crate::exit::Fatal;
use crate::i18n::{Lang, Text};
use crate::report::model::Report;

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

/// Loads every bundle given; returns their summaries and the first one's report.
pub(super) fn load_all(a: &MergeArgs, lang: Lang) -> Result<(Vec<HostBundle>, Report), Fatal> {
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
pub(super) fn check_same_company(
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
pub(super) fn name_dirs(bundles: &mut [HostBundle]) {
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
