//! Headless Chromium for the report tests (tests/browser.rs, tests/print.rs):
//! where to find it and the flags every run needs. Included with `#[path]`.

use std::path::PathBuf;

/// A tool named by its environment variable, else the first of `paths` that exists.
pub fn tool(env: &str, paths: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    paths.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Debian's `chromium` (or `TIMAUDIT_CHROMIUM`).
pub fn chromium() -> Option<PathBuf> {
    tool(
        "TIMAUDIT_CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    )
}

/// Headless, without the sandbox (CI runs as root), without background network
/// work or first-run screens, and with /tmp instead of a small /dev/shm.
pub const HEADLESS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-dev-shm-usage",
];
