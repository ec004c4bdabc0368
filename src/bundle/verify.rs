//! `verify DIR`: the bundle against its manifest.

use super::manifest::{MAX_MANIFEST, hash_reader, parse_manifest_lines};
use super::outdir::{Entry, EntryKind, OutDir, rel_path, shown};
use super::{MANIFEST, SIGNATURE};
use crate::i18n::{Lang, Text};
use crate::sign::{AllowedSigners, Refused, Signed};
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

/// What `verify` checks besides the manifest.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions<'a> {
    pub lang: Lang,
    /// An allowed_signers file: `MANIFEST.sha256.sig` must exist and be made by
    /// a key listed there (as `ssh-keygen -Y verify -f FILE -n timaudit` checks).
    pub allowed_signers: Option<&'a Path>,
    /// The SHA-256 of `MANIFEST.sha256` noted when the bundle was made.
    pub digest: Option<&'a str>,
}

impl VerifyOptions<'_> {
    /// The manifest alone (and a signature, when there is one, against its own key).
    pub fn manifest_only(lang: Lang) -> VerifyOptions<'static> {
        VerifyOptions {
            lang,
            allowed_signers: None,
            digest: None,
        }
    }
}

/// What became of `MANIFEST.sha256.sig`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Signature {
    /// No signature, and none was asked for.
    #[default]
    Absent,
    /// `--allowed-signers` was given but the bundle has no signature.
    Missing,
    /// Sound for the key it names, but no allowed_signers file was given, so who
    /// signed is not established.
    Unchecked(Signed),
    /// Made by a key the allowed_signers file lists.
    Valid(Signed),
    Refused(Refused),
}

/// A manifest line naming a file an earlier line already named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub rel: Vec<u8>,
    pub first_line: usize,
    pub line: usize,
    /// The two lines give different SHA-256 values.
    pub conflicting: bool,
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
    /// Files named twice in the manifest (`sha256sum -c` checks each line, so a
    /// conflicting pair always fails there; a repeated line is refused too).
    pub duplicates: Vec<Duplicate>,
    /// Files that match.
    pub ok: usize,
    pub manifest_sha256: String,
    pub signature: Signature,
    /// `Some(false)` when `--digest` was given and differs.
    pub digest_matches: Option<bool>,
}

impl Verified {
    /// Every file matches and nothing asked for failed.
    pub fn is_clean(&self) -> bool {
        self.manifest_clean()
            && !matches!(self.signature, Signature::Missing | Signature::Refused(_))
            && self.digest_matches != Some(false)
    }

    fn manifest_clean(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.changed.is_empty()
            && self.duplicates.is_empty()
    }
}

/// A digest as a person may type it: hex, any case, spaces or colons between.
fn normalize_digest(d: &str, lang: Lang) -> Result<String, String> {
    let hex: String = d
        .trim()
        .trim_start_matches("sha256:")
        .trim_start_matches("SHA256:")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect::<String>()
        .to_ascii_lowercase();
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(hex);
    }
    Err(Text::new(
        format!("--digest は 64 桁の 16 進数（MANIFEST.sha256 の SHA-256）で指定してください: {d}"),
        format!("--digest must be 64 hexadecimal digits (the SHA-256 of MANIFEST.sha256): {d}"),
    )
    .get(lang)
    .to_string())
}

/// Checks DIR against its `MANIFEST.sha256`, and its signature and the noted
/// digest when asked. `Err` when DIR, the manifest or the allowed_signers file
/// cannot be read, or the manifest is not one. Usable from other commands
/// (fleet merge): nothing is printed.
pub fn verify(dir: &Path, opts: &VerifyOptions) -> Result<Verified, String> {
    let lang = opts.lang;
    let digest = opts.digest.map(|d| normalize_digest(d, lang)).transpose()?;
    let allowed = opts
        .allowed_signers
        .map(|p| AllowedSigners::load(p).map_err(|t| t.get(lang).to_string()))
        .transpose()?;
    let d = dir.display();
    let out = OutDir::open(dir).map_err(|e| {
        Text::new(
            format!("{d} を開けません: {e}"),
            format!("cannot open {d}: {e}"),
        )
        .get(lang)
        .to_string()
    })?;
    let bytes = read_manifest(&out, lang)?;
    let listed = parse_manifest_lines(&bytes).map_err(|e| {
        Text::new(
            format!("{MANIFEST} が壊れているか書き換えられています: {e}"),
            e.clone(),
        )
        .get(lang)
        .to_string()
    })?;
    let entries = out.list().map_err(|e| {
        Text::new(
            format!("{d} の中身を一覧できません: {e}"),
            format!("cannot list {d}: {e}"),
        )
        .get(lang)
        .to_string()
    })?;
    let mut v = Verified {
        manifest_sha256: crate::rootfs::sha256_hex(&bytes),
        ..Verified::default()
    };
    v.digest_matches = digest.map(|d| d == v.manifest_sha256);
    let seen = check_listed(&out, &entries, &listed, &mut v);
    for e in &entries {
        let own = e.rel == MANIFEST.as_bytes() || e.rel == SIGNATURE.as_bytes();
        if e.kind == EntryKind::Dir || (own && e.kind == EntryKind::File) {
            continue;
        }
        if !seen.contains(e.rel.as_slice()) {
            v.extra.push(e.rel.clone());
        }
    }
    v.signature = check_signature(&out, &entries, &bytes, allowed.as_ref());
    Ok(v)
}

fn read_manifest(out: &OutDir, lang: Lang) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    out.open_read(Path::new(MANIFEST))
        .and_then(|f| f.take(MAX_MANIFEST + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            let m = out.path().join(MANIFEST);
            let m = m.display();
            Text::new(
                format!("{m} を読めません（timaudit audit --out で作った証跡フォルダーを指定してください）: {e}"),
                format!("cannot read {m}: {e}"),
            )
            .get(lang)
            .to_string()
        })?;
    if bytes.len() as u64 > MAX_MANIFEST {
        return Err(Text::new(
            format!("{MANIFEST} が大きすぎます（{MAX_MANIFEST} バイトまで）"),
            format!("{MANIFEST} is too large (at most {MAX_MANIFEST} bytes)"),
        )
        .get(lang)
        .to_string());
    }
    Ok(bytes)
}

/// Hashes every listed file; returns the paths listed.
fn check_listed<'a>(
    out: &OutDir,
    entries: &[Entry],
    listed: &'a [(usize, String, Vec<u8>)],
    v: &mut Verified,
) -> BTreeSet<&'a [u8]> {
    let on_disk: BTreeMap<&[u8], EntryKind> =
        entries.iter().map(|e| (e.rel.as_slice(), e.kind)).collect();
    let mut first: BTreeMap<&[u8], (usize, &str)> = BTreeMap::new();
    for (line, want, rel) in listed {
        if let Some((first_line, h)) = first.get(rel.as_slice()) {
            v.duplicates.push(Duplicate {
                rel: rel.clone(),
                first_line: *first_line,
                line: *line,
                conflicting: h != want,
            });
            continue;
        }
        first.insert(rel.as_slice(), (*line, want.as_str()));
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
    first.into_keys().collect()
}

fn check_signature(
    out: &OutDir,
    entries: &[Entry],
    manifest: &[u8],
    allowed: Option<&AllowedSigners>,
) -> Signature {
    let present = entries.iter().find(|e| e.rel == SIGNATURE.as_bytes());
    let armored = match present {
        None if allowed.is_some() => return Signature::Missing,
        None => return Signature::Absent,
        Some(e) if e.kind != EntryKind::File => {
            return Signature::Refused(Refused::Unreadable("not a regular file".into()));
        }
        Some(_) => {
            let mut b = Vec::new();
            match out
                .open_read(Path::new(SIGNATURE))
                .and_then(|f| f.take(1 << 20).read_to_end(&mut b))
            {
                Ok(_) => b,
                Err(e) => return Signature::Refused(Refused::Unreadable(e.to_string())),
            }
        }
    };
    match (crate::sign::verify(&armored, manifest, allowed), allowed) {
        (Ok(s), Some(_)) => Signature::Valid(s),
        (Ok(s), None) => Signature::Unchecked(s),
        (Err(r), _) => Signature::Refused(r),
    }
}

/// The lines `timaudit verify` prints for a result.
pub fn verify_report(v: &Verified, lang: Lang) -> String {
    let mut o = String::new();
    file_lines(v, lang, &mut o);
    o.push_str(&manifest_summary(v, lang));
    o.push('\n');
    if let Some(line) = signature_line(&v.signature) {
        o.push_str(line.get(lang));
        o.push('\n');
    } else if v.digest_matches.is_none() {
        o.push_str(crate::tr!(
            "注意: 署名がなく控えの値（--digest）も指定されていないため、MANIFEST.sha256 ごと作り直された改ざんは検出できません（docs/verify.md）",
            "note: no signature and no noted digest (--digest): a bundle remade together with its MANIFEST.sha256 cannot be told apart (docs/verify.md)"
        ).get(lang));
        o.push('\n');
    }
    if let Some(ok) = v.digest_matches {
        let h = &v.manifest_sha256;
        let t = if ok {
            crate::tr!(
                "OK: MANIFEST.sha256 の SHA-256 は控えの値（--digest）と一致します",
                "OK: the SHA-256 of MANIFEST.sha256 is the one noted (--digest)"
            )
        } else {
            crate::tr!(
                "NG: MANIFEST.sha256 の SHA-256 {h} は控えの値（--digest）と違います。証跡一式は作られた後に作り直されています",
                "MISMATCH: the SHA-256 of MANIFEST.sha256 is {h}, not the one noted (--digest): the bundle was remade after it was noted"
            )
        };
        o.push_str(t.get(lang));
        o.push('\n');
    }
    o
}

/// One line per missing, changed, extra or repeated file.
fn file_lines(v: &Verified, lang: Lang, o: &mut String) {
    let (missing, extra, changed) = match lang {
        Lang::Ja => ("欠落", "余分", "変更"),
        Lang::En => ("missing", "extra", "changed"),
    };
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
    for d in &v.duplicates {
        let (name, a, b) = (shown(&d.rel), d.first_line, d.line);
        let t = if d.conflicting {
            crate::tr!(
                "矛盾: {name}（{MANIFEST} の {a} 行目と {b} 行目で SHA-256 が違います）",
                "conflicting: {name} ({MANIFEST} lines {a} and {b} give different SHA-256 values)"
            )
        } else {
            crate::tr!(
                "重複: {name}（{MANIFEST} の {a} 行目と {b} 行目）",
                "duplicate: {name} ({MANIFEST} lines {a} and {b})"
            )
        };
        o.push_str(t.get(lang));
        o.push('\n');
    }
}

fn manifest_summary(v: &Verified, lang: Lang) -> String {
    let problems = v.missing.len() + v.changed.len() + v.extra.len() + v.duplicates.len();
    let (ok, h) = (v.ok, &v.manifest_sha256);
    let (m, c, e, d) = (
        v.missing.len(),
        v.changed.len(),
        v.extra.len(),
        v.duplicates.len(),
    );
    let t = match problems {
        0 => crate::tr!(
            "OK: {ok} 個のファイルがすべて MANIFEST.sha256 と一致しました（MANIFEST.sha256 の SHA-256: {h}）",
            "OK: all {ok} files match MANIFEST.sha256 (SHA-256 of MANIFEST.sha256: {h})"
        ),
        n => {
            let s = crate::i18n::en_n(n, "", "s");
            crate::tr!(
                "NG: {n} 件の不一致（欠落 {m}、変更 {c}、余分 {e}、重複・矛盾 {d}）。一致 {ok} 個（MANIFEST.sha256 の SHA-256: {h}）",
                "MISMATCH: {n} problem{s} ({m} missing, {c} changed, {e} extra, {d} duplicate or conflicting); {ok} files match (SHA-256 of MANIFEST.sha256: {h})"
            )
        }
    };
    t.get(lang).to_string()
}

fn signature_line(s: &Signature) -> Option<Text> {
    Some(match s {
        Signature::Absent => return None,
        Signature::Missing => crate::tr!(
            "NG: 署名 {SIGNATURE} がありません（--allowed-signers を指定したときは署名が必要です）",
            "MISMATCH: there is no signature {SIGNATURE} (--allowed-signers requires one)"
        ),
        Signature::Unchecked(sig) => {
            let fp = &sig.fingerprint;
            crate::tr!(
                "署名: {SIGNATURE} は鍵 {fp} による正しい署名ですが、誰の鍵かは確かめていません（--allowed-signers FILE を指定してください）",
                "signature: {SIGNATURE} is a sound signature by key {fp}, but whose key it is was not checked (give --allowed-signers FILE)"
            )
        }
        Signature::Valid(sig) => {
            let (fp, who) = (&sig.fingerprint, sig.principals.join(" / "));
            crate::tr!(
                "OK: {SIGNATURE} は allowed_signers の {who}（鍵 {fp}）による正しい署名です",
                "OK: {SIGNATURE} is a good signature by {who} (key {fp}) from allowed_signers"
            )
        }
        Signature::Refused(r) => {
            let why = r.text();
            let (ja, en) = (&why.ja, &why.en);
            crate::tr!(
                "NG: 署名 {SIGNATURE} を受け入れられません: {ja}",
                "MISMATCH: the signature {SIGNATURE} is not accepted: {en}"
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::manifest::write_manifest;
    use crate::bundle::prepare::prepare;

    #[test]
    fn verify_names_missing_extra_and_changed_files() {
        let d = tempfile::tempdir().unwrap();
        let out = prepare(d.path(), false, Lang::En).unwrap();
        out.write_file(Path::new("a.txt"), b"a").unwrap();
        out.write_file(Path::new("evidence/etc/b.conf"), b"b")
            .unwrap();
        out.write_file(Path::new("odd\nname\\x"), b"c").unwrap();
        write_manifest(&out).unwrap();
        let v = verify(d.path(), &VerifyOptions::manifest_only(Lang::En)).unwrap();
        assert!(v.is_clean(), "{v:?}");
        assert_eq!(v.ok, 3);
        std::fs::write(d.path().join("a.txt"), "A").unwrap();
        std::fs::remove_file(d.path().join("evidence/etc/b.conf")).unwrap();
        std::fs::write(d.path().join("new.txt"), "n").unwrap();
        let v = verify(d.path(), &VerifyOptions::manifest_only(Lang::En)).unwrap();
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
