//! Making DIR ready for a new bundle.

use super::MANIFEST;
use super::manifest::parse_manifest;
use super::outdir::{EntryKind, OutDir, rel_path, shown};
use crate::i18n::{Lang, Text};
use std::collections::BTreeSet;
use std::io::{self, Read};
use std::path::Path;

/// Makes DIR ready for a new bundle, before anything is collected (so the walker
/// can stream `inventory.jsonl` into it): creates it, or empties a previous
/// bundle of the files its manifest lists. Refuses a folder holding anything
/// else, so nobody's files are overwritten or certified by mistake.
pub fn prepare(dir: &Path, lang: Lang) -> Result<OutDir, String> {
    let d = dir.display();
    let msg = |ja: String, en: String| Text::new(ja, en).get(lang).to_string();
    if let Ok(m) = std::fs::metadata(dir)
        && !m.is_dir()
    {
        return Err(msg(
            format!(
                "--out {d} はフォルダーではありません（新しいフォルダーか空のフォルダーを指定してください）"
            ),
            format!("--out {d} exists and is not a folder"),
        ));
    }
    let out = OutDir::create(dir).map_err(|e| {
        msg(
            format!("{d} を作成できません: {e}"),
            format!("cannot create {d}: {e}"),
        )
    })?;
    let list = |out: &OutDir| {
        out.list().map_err(|e| {
            msg(
                format!("{d} の中身を一覧できません: {e}"),
                format!("cannot list {d}: {e}"),
            )
        })
    };
    let entries = list(&out)?;
    if entries.is_empty() {
        return Ok(out);
    }
    let not_ours = || {
        msg(
            format!(
                "--out {d} は空ではなく、以前の timaudit の証跡一式（{MANIFEST} と report.json）でもありません。新しいフォルダーか空のフォルダーを指定してください"
            ),
            format!(
                "--out {d} is not empty and holds no previous timaudit bundle ({MANIFEST} listing report.json); choose a new or empty folder"
            ),
        )
    };
    let manifest = entries
        .iter()
        .find(|e| e.rel == MANIFEST.as_bytes() && e.kind == EntryKind::File);
    if manifest.is_none() {
        return Err(not_ours());
    }
    let mut bytes = Vec::new();
    out.open_read(Path::new(MANIFEST))
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| {
            let m = dir.join(MANIFEST);
            let m = m.display();
            msg(
                format!("{m} を読めません: {e}"),
                format!("cannot read {m}: {e}"),
            )
        })?;
    let listed = parse_manifest(&bytes).map_err(|e| {
        msg(
            format!("--out {d} の {MANIFEST} は timaudit の形式ではありません（{e}）。新しいフォルダーか空のフォルダーを指定してください"),
            format!("--out {d} holds a {MANIFEST} that is not a timaudit manifest ({e}); choose a new or empty folder"),
        )
    })?;
    // A manifest someone made of their own files (`sha256sum * > MANIFEST.sha256`)
    // must not get those files deleted: a timaudit bundle always lists report.json.
    if !listed.iter().any(|(_, rel)| rel == b"report.json") {
        return Err(not_ours());
    }
    let strangers = |left: Vec<String>| {
        let names = left.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
        let n = left.len().saturating_sub(10);
        let (more_ja, more_en) = if n > 0 {
            (format!("（ほか {n} 件）"), format!(" (and {n} more)"))
        } else {
            (String::new(), String::new())
        };
        msg(
            format!(
                "--out {d} に以前の証跡一式に含まれないファイルがあります: {names}{more_ja}。それらを取り除くか、新しいフォルダーを指定してください"
            ),
            format!(
                "--out {d} holds files that are not part of the previous bundle: {names}{more_en}; remove them or choose a new folder"
            ),
        )
    };
    // Checked before anything is removed: a refused folder keeps its previous
    // bundle whole (it was emptied first, then refused).
    let ours: BTreeSet<&[u8]> = listed.iter().map(|(_, rel)| rel.as_slice()).collect();
    let left: Vec<String> = entries
        .iter()
        .filter(|e| e.kind != EntryKind::Dir && e.rel != MANIFEST.as_bytes())
        .filter(|e| !ours.contains(e.rel.as_slice()))
        .map(|e| shown(&e.rel))
        .collect();
    if !left.is_empty() {
        return Err(strangers(left));
    }
    for (_, rel) in &listed {
        // Only files: a link where a file was is removed as a link, never followed.
        match out.remove_file(&rel_path(rel)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                let f = shown(rel);
                return Err(msg(
                    format!("以前の証跡一式の {f} を削除できません: {e}"),
                    format!("cannot remove the previous bundle's {f}: {e}"),
                ));
            }
        }
    }
    out.remove_file(Path::new(MANIFEST)).map_err(|e| {
        msg(
            format!("以前の {MANIFEST} を削除できません: {e}"),
            format!("cannot remove the previous {MANIFEST}: {e}"),
        )
    })?;
    // Folders the previous bundle left empty, deepest first.
    let mut dirs: Vec<Vec<u8>> = list(&out)?
        .into_iter()
        .filter(|e| e.kind == EntryKind::Dir)
        .map(|e| e.rel)
        .collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.iter().filter(|&&b| b == b'/').count()));
    for d in dirs {
        let _ = out.remove_dir(&rel_path(&d));
    }
    let left: Vec<String> = list(&out)?.iter().map(|e| shown(&e.rel)).collect();
    if !left.is_empty() {
        return Err(strangers(left));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::manifest::{manifest_line, write_manifest};
    use crate::rootfs::hex;
    use sha2::{Digest, Sha256};
    use std::os::unix::fs::symlink;

    /// Writes a bundle as `audit --out` leaves it: report.json, one evidence file
    /// and the manifest.
    fn previous_bundle(dir: &Path) {
        let out = prepare(dir, Lang::En).unwrap();
        out.write_file(Path::new("report.json"), b"{}").unwrap();
        out.write_file(Path::new("evidence/etc/hosts"), b"127.0.0.1")
            .unwrap();
        write_manifest(&out).unwrap();
    }

    #[test]
    fn prepare_accepts_new_empty_or_previous_bundles_only() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("b");
        previous_bundle(&dir);
        // A previous bundle is emptied.
        prepare(&dir, Lang::En).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        // Someone else's folder is refused and left alone.
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let e = prepare(&dir, Lang::En).unwrap_err();
        assert!(e.contains("not empty"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
            "mine"
        );
        // A previous bundle plus a planted link: the link is reported, its target kept.
        std::fs::remove_file(dir.join("notes.txt")).unwrap();
        let out = prepare(&dir, Lang::En).unwrap();
        out.write_file(Path::new("report.json"), b"{}").unwrap();
        write_manifest(&out).unwrap();
        let target = d.path().join("etc");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), "x").unwrap();
        symlink(&target, dir.join("evidence")).unwrap();
        let e = prepare(&dir, Lang::En).unwrap_err();
        assert!(e.contains("evidence"), "{e}");
        assert!(target.join("keep").exists());
    }

    #[test]
    fn a_previous_bundle_with_a_stranger_in_it_is_refused_before_anything_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("b");
        previous_bundle(&dir);
        std::fs::write(dir.join("evidence/notes.txt"), "mine").unwrap();
        let e = prepare(&dir, Lang::En).unwrap_err();
        assert!(e.contains("evidence/notes.txt"), "{e}");
        // Last year's bundle is whole (it was emptied, then refused).
        assert!(dir.join("report.json").exists());
        assert!(dir.join("evidence/etc/hosts").exists());
        assert!(dir.join(MANIFEST).exists());
    }

    #[test]
    fn prepare_never_deletes_files_listed_by_someone_elses_manifest() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        // A folder of the user's own files with a `sha256sum * > MANIFEST.sha256`.
        std::fs::write(dir.join("design.dwg"), "mine").unwrap();
        let line = manifest_line(&hex(&Sha256::digest(b"mine")), b"design.dwg");
        std::fs::write(dir.join(MANIFEST), line).unwrap();
        let e = prepare(dir, Lang::Ja).unwrap_err();
        assert!(e.contains("空ではなく"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join("design.dwg")).unwrap(),
            "mine"
        );
        assert!(dir.join(MANIFEST).exists());
    }
}
