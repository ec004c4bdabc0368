//! `timaudit verify`: check a bundle's manifest or a watch log's chain.

use super::*;

/// `verify DIR`: 0 when every file matches the manifest, 1 naming every missing,
/// extra or changed file, 2 when DIR or its manifest cannot be read.
pub(super) fn cmd_verify(a: VerifyArgs, lang: Lang) -> Result<i32, Fatal> {
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
