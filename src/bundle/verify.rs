//! `verify DIR`: the bundle against its manifest.

use super::MANIFEST;
use super::manifest::{hash_reader, parse_manifest};
use super::outdir::{EntryKind, OutDir, rel_path, shown};
use crate::i18n::{Lang, Text};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// How a listed file differs from the manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Content { now: String, listed: String },
    Symlink,
    Folder,
    Special,
    Unreadable(String),
}

impl Change {
    pub fn describe(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Ja, Change::Content { now, listed }) => {
                format!("内容が違います: SHA-256 が {now}、MANIFEST では {listed}")
            }
            (Lang::En, Change::Content { now, listed }) => {
                format!("content differs: SHA-256 {now}, manifest {listed}")
            }
            (Lang::Ja, Change::Symlink) => "シンボリックリンクに置き換えられています".into(),
            (Lang::En, Change::Symlink) => "replaced by a symbolic link".into(),
            (Lang::Ja, Change::Folder) => "フォルダに置き換えられています".into(),
            (Lang::En, Change::Folder) => "replaced by a folder".into(),
            (Lang::Ja, Change::Special) => "通常のファイルではありません".into(),
            (Lang::En, Change::Special) => "not a regular file".into(),
            (Lang::Ja, Change::Unreadable(e)) => format!("読めません: {e}"),
            (Lang::En, Change::Unreadable(e)) => format!("unreadable: {e}"),
        }
    }
}

/// The result of checking a bundle against its manifest.
#[derive(Debug, Default)]
pub struct Verified {
    /// Listed files that are gone.
    pub missing: Vec<Vec<u8>>,
    /// Files (or links, special files) that the manifest does not list.
    pub extra: Vec<Vec<u8>>,
    /// Listed files whose content differs, or that are no longer regular files.
    pub changed: Vec<(Vec<u8>, Change)>,
    /// Files that match.
    pub ok: usize,
    pub manifest_sha256: String,
}

impl Verified {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.changed.is_empty()
    }
}

/// Checks DIR against its `MANIFEST.sha256`. `Err` when DIR or the manifest
/// cannot be read or the manifest is not one.
pub fn verify(dir: &Path, lang: Lang) -> Result<Verified, String> {
    let d = dir.display();
    let msg = |ja: String, en: String| Text::new(ja, en).get(lang).to_string();
    let out = OutDir::open(dir).map_err(|e| {
        msg(
            format!("{d} を開けません: {e}"),
            format!("cannot open {d}: {e}"),
        )
    })?;
    let mut bytes = Vec::new();
    out.open_read(Path::new(MANIFEST))
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| {
            let m = dir.join(MANIFEST);
            let m = m.display();
            msg(
                format!("{m} を読めません（timaudit audit --out で作った証跡フォルダーを指定してください）: {e}"),
                format!("cannot read {m}: {e}"),
            )
        })?;
    let listed = parse_manifest(&bytes).map_err(|e| {
        msg(
            format!("{MANIFEST} が壊れているか書き換えられています: {e}"),
            e.clone(),
        )
    })?;
    let entries = out.list().map_err(|e| {
        msg(
            format!("{d} の中身を一覧できません: {e}"),
            format!("cannot list {d}: {e}"),
        )
    })?;
    let on_disk: BTreeMap<&[u8], EntryKind> =
        entries.iter().map(|e| (e.rel.as_slice(), e.kind)).collect();
    let mut v = Verified {
        manifest_sha256: crate::rootfs::sha256_hex(&bytes),
        ..Verified::default()
    };
    let mut seen: BTreeSet<&[u8]> = BTreeSet::new();
    for (want, rel) in &listed {
        if !seen.insert(rel.as_slice()) {
            continue;
        }
        match on_disk.get(rel.as_slice()) {
            None => v.missing.push(rel.clone()),
            Some(EntryKind::File) => {
                let got = out
                    .open_read(&rel_path(rel))
                    .and_then(hash_reader)
                    .map_err(|e| e.to_string());
                match got {
                    Ok(h) if h == *want => v.ok += 1,
                    Ok(h) => v.changed.push((
                        rel.clone(),
                        Change::Content {
                            now: h,
                            listed: want.clone(),
                        },
                    )),
                    Err(e) => v.changed.push((rel.clone(), Change::Unreadable(e))),
                }
            }
            Some(k) => v.changed.push((
                rel.clone(),
                match k {
                    EntryKind::Symlink => Change::Symlink,
                    EntryKind::Dir => Change::Folder,
                    _ => Change::Special,
                },
            )),
        }
    }
    for e in &entries {
        if e.kind == EntryKind::Dir || e.rel == MANIFEST.as_bytes() {
            continue;
        }
        if !seen.contains(e.rel.as_slice()) {
            v.extra.push(e.rel.clone());
        }
    }
    Ok(v)
}

/// The lines `timaudit verify` prints for a result.
pub fn verify_report(v: &Verified, lang: Lang) -> String {
    let (missing, extra, changed) = match lang {
        Lang::Ja => ("欠落", "余分", "変更"),
        Lang::En => ("missing", "extra", "changed"),
    };
    let mut o = String::new();
    for m in &v.missing {
        o.push_str(&format!("{missing}: {}\n", shown(m)));
    }
    for (c, why) in &v.changed {
        o.push_str(&format!(
            "{changed}: {} ({})\n",
            shown(c),
            why.describe(lang)
        ));
    }
    for e in &v.extra {
        o.push_str(&format!("{extra}: {}\n", shown(e)));
    }
    let problems = v.missing.len() + v.changed.len() + v.extra.len();
    o.push_str(&match (lang, problems) {
        (Lang::Ja, 0) => format!(
            "OK: {} 個のファイルがすべて MANIFEST.sha256 と一致しました（MANIFEST.sha256 の SHA-256: {}）\n",
            v.ok, v.manifest_sha256
        ),
        (Lang::En, 0) => format!(
            "OK: all {} files match MANIFEST.sha256 (SHA-256 of MANIFEST.sha256: {})\n",
            v.ok, v.manifest_sha256
        ),
        (Lang::Ja, n) => format!(
            "NG: {n} 件の不一致（欠落 {}、変更 {}、余分 {}）。一致 {} 個（MANIFEST.sha256 の SHA-256: {}）\n",
            v.missing.len(),
            v.changed.len(),
            v.extra.len(),
            v.ok,
            v.manifest_sha256
        ),
        (Lang::En, n) => format!(
            "MISMATCH: {n} problem{} ({} missing, {} changed, {} extra); {} files match (SHA-256 of MANIFEST.sha256: {})\n",
            if n == 1 { "" } else { "s" },
            v.missing.len(),
            v.changed.len(),
            v.extra.len(),
            v.ok,
            v.manifest_sha256
        ),
    });
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::manifest::write_manifest;
    use crate::bundle::prepare::prepare;

    #[test]
    fn verify_names_missing_extra_and_changed_files() {
        let d = tempfile::tempdir().unwrap();
        let out = prepare(d.path(), Lang::En).unwrap();
        out.write_file(Path::new("a.txt"), b"a").unwrap();
        out.write_file(Path::new("evidence/etc/b.conf"), b"b")
            .unwrap();
        out.write_file(Path::new("odd\nname\\x"), b"c").unwrap();
        write_manifest(&out).unwrap();
        let v = verify(d.path(), Lang::En).unwrap();
        assert!(v.is_clean(), "{v:?}");
        assert_eq!(v.ok, 3);
        std::fs::write(d.path().join("a.txt"), "A").unwrap();
        std::fs::remove_file(d.path().join("evidence/etc/b.conf")).unwrap();
        std::fs::write(d.path().join("new.txt"), "n").unwrap();
        let v = verify(d.path(), Lang::En).unwrap();
        assert_eq!(v.changed.len(), 1);
        assert_eq!(v.changed[0].0, b"a.txt");
        assert_eq!(v.missing, vec![b"evidence/etc/b.conf".to_vec()]);
        assert_eq!(v.extra, vec![b"new.txt".to_vec()]);
        let text = verify_report(&v, Lang::En);
        assert!(text.contains("changed: a.txt"), "{text}");
        assert!(text.contains("missing: evidence/etc/b.conf"), "{text}");
        assert!(text.contains("extra: new.txt"), "{text}");
    }
}
