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
//! How the company status of an item is decided ([`worst`], [`company_item`],
//! in `item.rs`):
//! - Items with an automatic part (`source` auto, auto+manual, auto+records)
//!   depend on the host: the company status is the worst over the hosts where
//!   the item applies, in the order fail > error > unanswered > partial > alternative > pass;
//!   not_applicable only when it is so on every host.
//! - Organisational items (records, manual, manual+records) do not depend on the
//!   host: they are decided once, by the first (reference) bundle; a host that
//!   decided one differently gets a warning (different profile or date).

//!
//! By concern: `load.rs` reads and checks one host bundle, `select.rs` picks the
//! bundles to merge (same company, duplicates, folder names), `item.rs` decides
//! a host-dependent item, `company.rs` builds the company report, `write.rs`
//! writes the company bundle; this file holds the command itself.

mod company;
mod item;
mod load;
pub mod matrix;
mod select;
mod write;
pub mod xlsx;

pub use company::company_report;
pub use item::{EVIDENCE_HOSTS, badness, company_item, per_host, worst};
pub use load::{EVIDENCE_PER_HOST, HostBundle, HostItem, load};
pub use select::{dedupe, safe_dir_name};

use self::select::{check_same_company, load_all, name_dirs};
use self::write::{check_out, write_bundle};

use crate::exit::Fatal;
use crate::i18n::{Lang, Text};
use crate::model::Status;
use clap::Args;
use std::path::PathBuf;

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

fn err(lang: Lang, t: Text) -> Fatal {
    Fatal::text(t, lang)
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

#[cfg(test)]
mod tests;
