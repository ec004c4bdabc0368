//! `timaudit verify`: check a bundle's manifest (and signature) or a watch log's chain.

use super::*;

/// `verify DIR`: 0 when every file matches the manifest, 1 naming every missing,
/// extra or changed file, 2 when DIR or its manifest cannot be read.
pub(super) fn cmd_verify(a: VerifyArgs, lang: Lang) -> Result<i32, Fatal> {
    if let Some(log) = &a.log {
        return verify_log(&a, log, lang);
    }
    let Some(dir) = a.dir else {
        return Err(Fatal(
            "give the bundle folder to check: timaudit verify DIR".into(),
        ));
    };
    let opts = crate::bundle::VerifyOptions {
        lang,
        allowed_signers: a.allowed_signers.as_deref(),
        digest: a.digest.as_deref(),
    };
    let v = crate::bundle::verify(&dir, &opts)?;
    print(&crate::bundle::verify_report(&v, lang), lang)?;
    Ok(if v.is_clean() { EXIT_OK } else { EXIT_FINDINGS })
}

/// `verify --log FILE`: 0 when the chain, the checkpoints and the seal hold,
/// 1 naming the first broken line or a missing seal.
fn verify_log(a: &VerifyArgs, log: &Path, lang: Lang) -> Result<i32, Fatal> {
    let opts = crate::watch::log::CheckOptions {
        allowed_signers: a.allowed_signers.as_deref(),
        open: a.open,
    };
    let (text, ok) =
        crate::watch::log::check(log, &opts, lang).map_err(|t| Fatal::text(t, lang))?;
    print(&text, lang)?;
    Ok(if ok { EXIT_OK } else { EXIT_FINDINGS })
}
