//! `timaudit diff`: what changed between two reports.

use super::*;

pub(super) fn cmd_diff(a: crate::cli::DiffArgs, lang: Lang) -> Result<i32, Fatal> {
    let d = crate::changes::diff::diff(&a.old, &a.new, lang)?;
    for w in &d.warnings {
        eprintln!("{}{w}", warning_prefix(lang));
    }
    let text = match a.format {
        Format::Json => crate::report::diff::render_json(&d),
        Format::Md => crate::report::diff::render_markdown(&d, lang),
        other => {
            let n = other.name();
            return Err(Fatal::text(
                crate::tr!(
                    "diff は {n} では表示できません。md か json にしてください",
                    "diff cannot be printed as {n}; use md or json"
                ),
                lang,
            ));
        }
    };
    print(&text, lang)?;
    Ok(EXIT_OK)
}
