//! The evidence bundle (`audit --out DIR`) and its check (`verify DIR`).
//!
//! ```text
//! DIR/
//!   report.json, report.md, report.html, checklist.csv, checklist.xlsx
//!   inventory.jsonl          (written by the walker, when it ran)
//!   findings.jsonl           every finding of the per-file checks (when the walk ran),
//!                            one JSON line each, sorted by item and path; the report
//!                            lists the first of each item (docs/file-shares.md)
//!   evidence/<host path>     configuration files of the audited host (/etc/ssh/sshd_config
//!                            → evidence/etc/ssh/sshd_config)
//!   evidence/profile/<path>  company files named in the profile (documents, records,
//!                            review and answer evidence) inside the profile's folder,
//!                            by their path relative to it
//!   evidence/local/<path>    such files outside the profile's folder, by their
//!                            absolute path on the machine that ran the audit
//!   evidence/windows/<name>/<path>  files of a Windows evidence folder (--evidence),
//!                            <name> being the folder's name
//!   MANIFEST.sha256          `sha256sum -c` list of every other file in DIR
//! ```
//!
//! Writing never follows a symbolic link inside DIR: every directory under DIR is
//! opened with `O_NOFOLLOW` relative to its parent (`openat`), and files are
//! created with `O_CREAT | O_EXCL | O_NOFOLLOW`, so a link planted in DIR (say
//! `DIR/evidence -> /etc`) is refused and nothing outside DIR is written. DIR
//! itself is the user's choice and may be a link.
//!
//! A copy is only kept when its SHA-256 is the one the verdict recorded; a file
//! that changed since it was read is not copied and the report says so. Files
//! on the audited shares (protected or marked files) are never copied: they are
//! the secrets the audit is about. Nor are files that hold credentials
//! (`/etc/shadow`, SSH host keys, …), even when a verdict cites them.

mod copy;
mod manifest;
mod outdir;
mod plan;
mod prepare;
mod verify;

pub use copy::copy_evidence;
pub use manifest::{manifest_line, parse_manifest, write_manifest};
pub use outdir::{Entry, EntryKind, OutDir, rel_components, shown};
pub use plan::{Sources, holds_secrets, inputs};
pub use prepare::{canonical_to_be, prepare, refuse_inside_walked, refuse_opened_inside_walked};
pub use verify::{Change, Duplicate, Signature, Verified, VerifyOptions, verify, verify_report};

use crate::i18n::Lang;
use crate::report::{self, Report};
use crate::sign::Signer;
use std::path::Path;

pub const MANIFEST: &str = "MANIFEST.sha256";
/// The OpenSSH signature of `MANIFEST.sha256` (`audit --sign-key`).
pub const SIGNATURE: &str = "MANIFEST.sha256.sig";
pub const EVIDENCE_DIR: &str = "evidence";
/// Every finding of the walk's per-file checks, one JSON line each.
pub const FINDINGS: &str = "findings.jsonl";

/// The report files every bundle has, beside `inventory.jsonl` and `evidence/`.
pub const REPORT_FILES: [&str; 5] = [
    "report.json",
    "report.md",
    "report.html",
    "checklist.csv",
    "checklist.xlsx",
];

/// The report files of a bundle, rendered.
pub fn render_files(r: &Report, lang: Lang) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    Ok(vec![
        ("report.json", report::json::render(r).into_bytes()),
        ("report.md", report::markdown::render(r, lang).into_bytes()),
        ("report.html", report::html::render(r, lang).into_bytes()),
        ("checklist.csv", report::csv::render(r, lang).into_bytes()),
        ("checklist.xlsx", report::xlsx::render(r, lang)?),
    ])
}

/// What writing a bundle did.
pub struct Written {
    pub evidence_files: usize,
    pub manifest_sha256: String,
    /// The fingerprint of the key that signed the manifest.
    pub signed_by: Option<String>,
}

/// Writes the bundle into a prepared DIR: the evidence copies first (their
/// warnings go into the report), then the reports, then the manifest and, with a
/// key, its signature `MANIFEST.sha256.sig`.
pub fn write(
    out: &OutDir,
    r: &mut Report,
    src: &Sources,
    signer: Option<&Signer>,
    lang: Lang,
) -> Result<Written, String> {
    let (evidence_files, warnings) = copy_evidence(out, r, src, lang)?;
    for w in &warnings {
        eprintln!("{}{w}", crate::exit::warning_prefix(lang));
    }
    r.warnings.extend(warnings);
    for (name, bytes) in render_files(r, lang)? {
        out.write_file(Path::new(name), &bytes)
            .map_err(|e| format!("cannot write {}: {e}", out.path().join(name).display()))?;
    }
    let manifest = write_manifest(out)?;
    let signed_by = match signer {
        Some(k) => {
            let sig = k
                .sign(&manifest)
                .map_err(|e| format!("cannot sign {MANIFEST}: {e}"))?;
            out.write_file(Path::new(SIGNATURE), sig.as_bytes())
                .map_err(|e| format!("cannot write {SIGNATURE}: {e}"))?;
            Some(k.fingerprint())
        }
        None => None,
    };
    Ok(Written {
        evidence_files,
        manifest_sha256: crate::rootfs::sha256_hex(&manifest),
        signed_by,
    })
}
