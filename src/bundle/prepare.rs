//! Making DIR ready for a new bundle.

use super::manifest::{MAX_MANIFEST, parse_manifest};
use super::outdir::{Entry, EntryKind, OutDir, shown};
use super::{MANIFEST, SIGNATURE};
use crate::i18n::{Lang, Text};
use rustix::fd::AsFd;
use std::collections::BTreeSet;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Makes DIR ready for a new bundle, before anything is collected (so the walker
/// can stream `inventory.jsonl` into it). A new or empty folder is used as it
/// is. A previous bundle is never deleted: without `force` it is refused; with
/// `force` it is renamed to `DIR.previous` (`DIR.previous.2`, … when that name is
/// taken) and a new DIR is created. A folder holding anything else is refused,
/// so nobody's files are overwritten, moved or certified by mistake.
pub fn prepare(dir: &Path, force: bool, lang: Lang) -> Result<OutDir, String> {
    let d = dir.display();
    if let Ok(m) = std::fs::metadata(dir)
        && !m.is_dir()
    {
        return Err(crate::tr!(
            "--out {d} はフォルダーではありません（新しいフォルダーか空のフォルダーを指定してください）",
            "--out {d} exists and is not a folder"
        )
        .get(lang)
        .to_string());
    }
    let out = create(dir, lang)?;
    let entries = out.list().map_err(|e| {
        crate::tr!("{d} の中身を一覧できません: {e}", "cannot list {d}: {e}")
            .get(lang)
            .to_string()
    })?;
    if entries.is_empty() {
        return Ok(out);
    }
    let manifest_sha256 = previous_bundle(&out, &entries).map_err(|t| t.get(lang).to_string())?;
    if !force {
        return Err(crate::tr!(
            "--out {d} には以前の証跡一式があります（MANIFEST.sha256 の SHA-256: {manifest_sha256}）。上書きはしません。新しいフォルダーを指定するか、--force を付けて以前の一式を {d}.previous に残したまま書き出してください",
            "--out {d} already holds a bundle (SHA-256 of MANIFEST.sha256: {manifest_sha256}); it is not overwritten. Choose a new folder, or give --force to keep it as {d}.previous and write the new one"
        )
        .get(lang)
        .to_string());
    }
    drop(out);
    let kept = keep_previous(dir).map_err(|e| {
        crate::tr!(
            "以前の証跡一式 {d} の名前を変えられません: {e}",
            "cannot rename the previous bundle {d}: {e}"
        )
        .get(lang)
        .to_string()
    })?;
    let k = kept.display();
    eprintln!(
        "{}",
        crate::tr!(
            "以前の証跡一式を {k} に残しました（MANIFEST.sha256 の SHA-256: {manifest_sha256}）",
            "kept the previous bundle as {k} (SHA-256 of MANIFEST.sha256: {manifest_sha256})"
        )
        .get(lang)
    );
    create(dir, lang)
}

fn create(dir: &Path, lang: Lang) -> Result<OutDir, String> {
    let d = dir.display();
    OutDir::create(dir).map_err(|e| {
        crate::tr!("{d} を作成できません: {e}", "cannot create {d}: {e}")
            .get(lang)
            .to_string()
    })
}

/// Whether DIR holds a previous timaudit bundle and nothing else: a manifest
/// that lists `report.json`, the files it lists, its signature. Returns the
/// manifest's SHA-256.
fn previous_bundle(out: &OutDir, entries: &[Entry]) -> Result<String, Text> {
    let d = out.path().display();
    let not_ours = || {
        crate::tr!(
            "--out {d} は空ではなく、以前の timaudit の証跡一式（{MANIFEST} と report.json）でもありません。新しいフォルダーか空のフォルダーを指定してください",
            "--out {d} is not empty and holds no previous timaudit bundle ({MANIFEST} listing report.json); choose a new or empty folder"
        )
    };
    if !entries
        .iter()
        .any(|e| e.rel == MANIFEST.as_bytes() && e.kind == EntryKind::File)
    {
        return Err(not_ours());
    }
    let bytes = out
        .open_read(Path::new(MANIFEST))
        .and_then(|f| crate::rootfs::read_file(f, MAX_MANIFEST))
        .map_err(|e| {
            crate::tr!(
                "{d}/{MANIFEST} を読めません: {e}",
                "cannot read {d}/{MANIFEST}: {e}"
            )
        })?;
    let listed = parse_manifest(&bytes).map_err(|e| {
        crate::tr!(
            "--out {d} の {MANIFEST} は timaudit の形式ではありません（{e}）。新しいフォルダーか空のフォルダーを指定してください",
            "--out {d} holds a {MANIFEST} that is not a timaudit manifest ({e}); choose a new or empty folder"
        )
    })?;
    // A manifest someone made of their own files (`sha256sum * > MANIFEST.sha256`)
    // is not a bundle: a timaudit bundle always lists report.json.
    if !listed.iter().any(|(_, rel)| rel == b"report.json") {
        return Err(not_ours());
    }
    let ours: BTreeSet<&[u8]> = listed.iter().map(|(_, rel)| rel.as_slice()).collect();
    let left: Vec<String> = entries
        .iter()
        .filter(|e| e.kind != EntryKind::Dir)
        .filter(|e| e.rel != MANIFEST.as_bytes() && e.rel != SIGNATURE.as_bytes())
        .filter(|e| !ours.contains(e.rel.as_slice()))
        .map(|e| shown(&e.rel))
        .collect();
    if left.is_empty() {
        return Ok(crate::rootfs::sha256_hex(&bytes));
    }
    let names = left.iter().take(10).cloned().collect::<Vec<_>>().join(", ");
    let n = left.len().saturating_sub(10);
    let (more_ja, more_en) = if n > 0 {
        (format!("（ほか {n} 件）"), format!(" (and {n} more)"))
    } else {
        (String::new(), String::new())
    };
    Err(crate::tr!(
        "--out {d} に以前の証跡一式に含まれないファイルがあります: {names}{more_ja}。新しいフォルダーを指定してください",
        "--out {d} holds files that are not part of the previous bundle: {names}{more_en}; choose a new folder"
    ))
}

/// Renames DIR to the first free `DIR.previous`, `DIR.previous.2`, … (never
/// replacing anything: `RENAME_NOREPLACE`); returns the new name.
fn keep_previous(dir: &Path) -> io::Result<PathBuf> {
    let name = dir
        .file_name()
        .ok_or_else(|| io::Error::other("the folder has no name"))?;
    for k in 1..1000 {
        let mut n = name.to_os_string();
        n.push(".previous");
        if k > 1 {
            n.push(format!(".{k}"));
        }
        let target = dir.with_file_name(n);
        match rustix::fs::renameat_with(
            rustix::fs::CWD,
            dir,
            rustix::fs::CWD,
            &target,
            rustix::fs::RenameFlags::NOREPLACE,
        ) {
            Ok(()) => return Ok(target),
            Err(rustix::io::Errno::EXIST) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(io::Error::other("1000 previous bundles exist already"))
}

/// The canonical form of a path that may not exist yet: its deepest existing
/// ancestor, canonicalized, with the rest appended.
pub fn canonical_to_be(p: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(p).ok()?;
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(c) = cur.canonicalize() {
            return Some(rest.iter().rev().fold(c, |acc, n| acc.join(n)));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return None,
        }
    }
}

/// Refuses an output folder inside anything the audit walks (a share, a
/// `--scan` path, a register folder, given as host paths read under `fs`'s
/// root): the bundle holds copies of host files and the roster, which must not
/// land in a share people read, and the walk would audit its own output.
pub fn refuse_inside_walked(
    out: &Path,
    fs: &crate::rootfs::RootFs,
    walked: &[Vec<u8>],
    lang: Lang,
) -> Result<(), String> {
    let Some(o) = canonical_to_be(out) else {
        return Ok(());
    };
    for host in walked {
        let host = String::from_utf8_lossy(host);
        let Some(real) = fs
            .resolve(&host, true)
            .ok()
            .and_then(|p| p.canonicalize().ok())
        else {
            continue;
        };
        if o.starts_with(&real) {
            return Err(inside(out, &host, lang));
        }
    }
    // The same by identity, before anything is created: the deepest folder of
    // --out that exists (a bind mount of a share is the share).
    let mut existing = o.as_path();
    while !existing.is_dir() {
        match existing.parent() {
            Some(p) => existing = p,
            None => return Ok(()),
        }
    }
    if let Ok(fd) = rustix::fs::open(
        existing,
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    ) && let Some(host) = walked_around(fd.as_fd(), fs, walked)
    {
        return Err(inside(out, &host, lang));
    }
    Ok(())
}

/// [`refuse_inside_walked`] once more, on the output folder as opened (the
/// descriptor every file of the bundle is written relative to), by device and
/// inode: the path compared before could have been led elsewhere by a link
/// swapped after the comparison (by whoever may write a folder of `--out`'s
/// path); the folder opened cannot.
pub fn refuse_opened_inside_walked(
    out: &OutDir,
    fs: &crate::rootfs::RootFs,
    walked: &[Vec<u8>],
    lang: Lang,
) -> Result<(), String> {
    match walked_around(out.fd(), fs, walked) {
        Some(host) => Err(inside(out.path(), &host, lang)),
        None => Ok(()),
    }
}

fn inside(out: &Path, host: &str, lang: Lang) -> String {
    let d = out.display();
    crate::tr!(
        "--out {d} は監査する共有・パス {host} の中にあります。証跡一式（設定ファイルや名簿の写しを含みます）を共有に置かないよう、またこの監査が自分の出力を調べないよう、共有の外のフォルダーを指定してください",
        "--out {d} is inside {host}, which this audit walks; choose a folder outside the shares and --scan paths (the bundle holds copies of host files and the roster, and the audit would examine its own output)"
    )
    .get(lang)
    .to_string()
}

/// The walked host path the folder `dir` is, or is inside of, if any: the
/// device and inode of `dir` and of each folder up its `..` chain (to `/`),
/// against those of each walked root found through descriptors from `--root`.
fn walked_around(
    dir: rustix::fd::BorrowedFd<'_>,
    fs: &crate::rootfs::RootFs,
    walked: &[Vec<u8>],
) -> Option<String> {
    let roots: Vec<(String, (u64, u64))> = walked
        .iter()
        .filter_map(|h| {
            let host = std::ffi::OsStr::from_bytes(h);
            let m = fs.locate(Path::new(host), true).ok()?.metadata().ok()?;
            m.is_dir()
                .then(|| (String::from_utf8_lossy(h).into_owned(), (m.dev(), m.ino())))
        })
        .collect();
    if roots.is_empty() {
        return None;
    }
    let id = |fd: rustix::fd::BorrowedFd<'_>| {
        rustix::fs::fstat(fd)
            .ok()
            .map(|st| crate::rootfs::dirs::Meta::from_stat(&st))
            .map(|m| (m.dev(), m.ino()))
    };
    let flags =
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC;
    let mut cur = rustix::io::fcntl_dupfd_cloexec(dir, 0).ok()?;
    let mut here = id(cur.as_fd())?;
    // Bounded: a folder cannot be deeper than PATH_MAX / 2 components.
    for _ in 0..4096 {
        if let Some((host, _)) = roots.iter().find(|(_, r)| *r == here) {
            return Some(host.clone());
        }
        let up = rustix::fs::openat(&cur, "..", flags, rustix::fs::Mode::empty()).ok()?;
        let above = id(up.as_fd())?;
        if above == here {
            return None;
        }
        (cur, here) = (up, above);
    }
    None
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
    fn previous_bundle(dir: &Path, note: &[u8]) {
        let out = prepare(dir, false, Lang::En).unwrap();
        out.write_file(Path::new("report.json"), note).unwrap();
        out.write_file(Path::new("evidence/etc/hosts"), b"127.0.0.1")
            .unwrap();
        write_manifest(&out).unwrap();
    }

    #[test]
    fn an_out_path_led_into_a_share_by_a_link_swapped_after_the_check_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        let share = root.join("srv/share");
        std::fs::create_dir_all(&share).unwrap();
        let elsewhere = d.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        let fs = crate::rootfs::RootFs::new(&root);
        let walked = vec![b"/srv/share".to_vec()];
        // `--out` goes through a link someone else may change: when checked it
        // leads outside every share.
        let link = d.path().join("reports");
        symlink(&elsewhere, &link).unwrap();
        let out = link.join("2026");
        refuse_inside_walked(&out, &fs, &walked, Lang::En).unwrap();
        // Swapped for a link into the share before the folder is made.
        std::fs::remove_file(&link).unwrap();
        symlink(&share, &link).unwrap();
        let dir = prepare(&out, false, Lang::En).unwrap();
        let e = refuse_opened_inside_walked(&dir, &fs, &walked, Lang::En).unwrap_err();
        assert!(e.contains("/srv/share"), "{e}");
        // A folder outside every share passes, as opened too.
        let fine = prepare(&elsewhere.join("2026"), false, Lang::En).unwrap();
        refuse_opened_inside_walked(&fine, &fs, &walked, Lang::En).unwrap();
        // Checked before anything is made, the link now leads into the share.
        let e = refuse_inside_walked(&link.join("new"), &fs, &walked, Lang::En).unwrap_err();
        assert!(e.contains("/srv/share"), "{e}");
    }

    #[test]
    fn a_previous_bundle_is_refused_without_force_and_kept_aside_with_it() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("b");
        previous_bundle(&dir, b"2025");
        let e = prepare(&dir, false, Lang::En).unwrap_err();
        assert!(e.contains("--force"), "{e}");
        assert_eq!(std::fs::read(dir.join("report.json")).unwrap(), b"2025");
        // --force: the old bundle is renamed, whole, and DIR is new and empty.
        prepare(&dir, true, Lang::En).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        let kept = d.path().join("b.previous");
        assert_eq!(std::fs::read(kept.join("report.json")).unwrap(), b"2025");
        assert!(kept.join("evidence/etc/hosts").exists());
        assert!(kept.join(MANIFEST).exists());
        // A second --force keeps both earlier bundles.
        std::fs::remove_dir(&dir).unwrap();
        previous_bundle(&dir, b"2026");
        prepare(&dir, true, Lang::En).unwrap();
        let kept2 = d.path().join("b.previous.2");
        assert_eq!(std::fs::read(kept2.join("report.json")).unwrap(), b"2026");
        assert_eq!(std::fs::read(kept.join("report.json")).unwrap(), b"2025");
    }

    #[test]
    fn someone_elses_folder_is_refused_even_with_force() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("b");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let e = prepare(&dir, true, Lang::En).unwrap_err();
        assert!(e.contains("not empty"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(!d.path().join("b.previous").exists());
    }

    #[test]
    fn a_previous_bundle_with_a_stranger_or_a_link_in_it_is_refused_and_left_whole() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("b");
        previous_bundle(&dir, b"{}");
        std::fs::write(dir.join("evidence/notes.txt"), "mine").unwrap();
        let e = prepare(&dir, true, Lang::En).unwrap_err();
        assert!(e.contains("evidence/notes.txt"), "{e}");
        assert!(dir.join("report.json").exists());
        assert!(dir.join("evidence/etc/hosts").exists());
        assert!(dir.join(MANIFEST).exists());
        // A planted link is named, its target kept.
        std::fs::remove_file(dir.join("evidence/notes.txt")).unwrap();
        let target = d.path().join("etc");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), "x").unwrap();
        symlink(&target, dir.join("elsewhere")).unwrap();
        let e = prepare(&dir, true, Lang::En).unwrap_err();
        assert!(e.contains("elsewhere"), "{e}");
        assert!(target.join("keep").exists());
    }

    #[test]
    fn prepare_never_touches_files_listed_by_someone_elses_manifest() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        // A folder of the user's own files with a `sha256sum * > MANIFEST.sha256`.
        std::fs::write(dir.join("design.dwg"), "mine").unwrap();
        let line = manifest_line(&hex(&Sha256::digest(b"mine")), b"design.dwg");
        std::fs::write(dir.join(MANIFEST), line).unwrap();
        let e = prepare(dir, true, Lang::Ja).unwrap_err();
        assert!(e.contains("空ではなく"), "{e}");
        assert_eq!(
            std::fs::read_to_string(dir.join("design.dwg")).unwrap(),
            "mine"
        );
        assert!(dir.join(MANIFEST).exists());
    }
}
