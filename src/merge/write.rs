//! Writing the company bundle: `--out` checked not to overlap a bundle, every
//! host bundle copied and verified again, hosts.sha256, the company report in
//! every format, the matrix, the manifest.

use super::load::verify_options;
use super::{HostBundle, MergeArgs, err, matrix, xlsx};
use crate::bundle::{self, OutDir};
use crate::exit::Fatal;
use crate::i18n::Lang;
use crate::report::model::Report;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Copies a verified host bundle into `hosts/<dir>/` of the company bundle, file
/// by file as its manifest lists them, then verifies the copy: it must match and
/// its manifest must be the one verified before.
fn copy_bundle(out: &OutDir, b: &HostBundle, lang: Lang) -> Result<(), Fatal> {
    let src = OutDir::open(&b.src).map_err(|e| Fatal(format!("{}: {e}", b.src.display())))?;
    let mut manifest = Vec::new();
    src.open_read(Path::new(bundle::MANIFEST))
        .and_then(|mut f| f.read_to_end(&mut manifest))
        .map_err(|e| Fatal(format!("{}: {e}", b.src.join(bundle::MANIFEST).display())))?;
    let base = Path::new("hosts").join(&b.dir);
    let listed = bundle::parse_manifest(&manifest).map_err(Fatal)?;
    for (_, rel) in &listed {
        let rel = Path::new(OsStr::from_bytes(rel));
        let copy = || -> std::io::Result<()> {
            let mut from = src.open_read(rel)?;
            let mut to = out.create_file(&base.join(rel))?;
            std::io::copy(&mut from, &mut to)?;
            Ok(())
        };
        copy().map_err(|e| Fatal(format!("{}: {e}", b.src.join(rel).display())))?;
    }
    out.write_file(&base.join(bundle::MANIFEST), &manifest)
        .map_err(|e| Fatal(format!("{}: {e}", out.path().join(&base).display())))?;
    let copied = out.path().join(&base);
    let v = bundle::verify(&copied, &verify_options(lang)).map_err(Fatal)?;
    if !v.is_clean() || v.manifest_sha256 != b.manifest_sha256 {
        let d = b.src.display();
        return Err(err(
            lang,
            crate::tr!(
                "{d} が統合の途中で書き換えられました。統合をやめました",
                "{d} changed while it was being merged; the merge was stopped"
            ),
        ));
    }
    Ok(())
}

/// Is `inner` the folder `outer` or inside it (by canonical paths)?
fn within(inner: &Path, outer: &Path) -> bool {
    match (std::path::absolute(inner), outer.canonicalize()) {
        (Ok(i), Ok(o)) => {
            let i = i.canonicalize().unwrap_or(i);
            i.starts_with(o)
        }
        _ => false,
    }
}

/// Refuses an `--out` folder that is or holds one of the bundles, or lies inside one.
pub(super) fn check_out(a: &MergeArgs, lang: Lang) -> Result<(), Fatal> {
    for b in &a.bundles {
        if within(&a.out, b) || within(b, &a.out) {
            let (o, b) = (a.out.display(), b.display());
            return Err(err(
                lang,
                crate::tr!(
                    "--out {o} と証跡一式 {b} が重なっています。別のフォルダーに書き出してください",
                    "--out {o} overlaps the bundle {b}; write the company bundle to a folder of its own"
                ),
            ));
        }
    }
    Ok(())
}

/// Writes the company bundle: every host bundle copied and checked, hosts.sha256,
/// the company report in every format, the matrix, the manifest. Returns the
/// SHA-256 of the manifest.
pub(super) fn write_bundle(
    a: &MergeArgs,
    bundles: &[HostBundle],
    report: &Report,
    m: &matrix::Matrix,
    lang: Lang,
) -> Result<String, Fatal> {
    let out = bundle::prepare(&a.out, false, lang).map_err(Fatal)?;
    let mut hosts_sha = Vec::new();
    for b in bundles {
        copy_bundle(&out, b, lang)?;
        let rel = format!("hosts/{}/{}", b.dir, bundle::MANIFEST);
        hosts_sha.extend(bundle::manifest_line(&b.manifest_sha256, rel.as_bytes()));
    }
    let write = |name: &str, bytes: &[u8]| {
        out.write_file(Path::new(name), bytes)
            .map_err(|e| Fatal(format!("{}: {e}", out.path().join(name).display())))
    };
    write("hosts.sha256", &hosts_sha)?;
    for (name, bytes) in bundle::render_files(report, lang).map_err(Fatal)? {
        write(name, &bytes)?;
    }
    write("matrix.json", m.json().as_bytes())?;
    write("matrix.md", m.markdown(lang).as_bytes())?;
    write("matrix.html", m.html(lang).as_bytes())?;
    write("matrix.csv", m.csv(lang).as_bytes())?;
    write("matrix.xlsx", &xlsx::render(m, lang).map_err(Fatal)?)?;
    Ok(crate::rootfs::sha256_hex(
        &bundle::write_manifest(&out).map_err(Fatal)?,
    ))
}
