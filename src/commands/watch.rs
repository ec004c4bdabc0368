//! `timaudit watch`: follow the shares as files change.

use super::*;

pub(super) fn cmd_watch(a: crate::cli::WatchArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    let (profile, _) = load_profile(a.profile.as_deref(), cat, lang)?;
    if !profile.is_loaded() {
        return Err(Fatal::text(
            crate::i18n::Text::new(
                "watch には scope.shares を書いたプロファイルが必要です（--profile FILE、または ./timaudit.yaml）",
                "watch needs a profile with scope.shares (--profile FILE or ./timaudit.yaml)",
            ),
            lang,
        ));
    }
    check_root(&a.root, lang)?;
    let signer =
        crate::sign::Signer::load_opt(a.sign_key.as_deref()).map_err(|t| Fatal::text(t, lang))?;
    // Kernel events name absolute paths: watch the root by its absolute path.
    let root = std::fs::canonicalize(&a.root).map_err(|e| {
        let r = a.root.display();
        Fatal::text(
            crate::tr!("--root {r} を読めません: {e}", "--root {r}: {e}"),
            lang,
        )
    })?;
    let fs = RootFs::new(root);
    crate::watch::run(
        &profile,
        &fs,
        crate::watch::Options {
            log: a.log,
            poll: a.poll,
            debounce: std::time::Duration::from_millis(a.debounce_ms),
            lang,
            previous_log: a.previous_log,
            signer,
            checkpoint_every: std::time::Duration::from_secs(a.checkpoint_every),
            queue_capacity: a.queue_capacity,
        },
    )
}
