//! Copying the evidence files into `evidence/`, each checked against the SHA-256
//! its verdict recorded.

use super::EVIDENCE_DIR;
use super::manifest::hash_into;
use super::outdir::OutDir;
use super::plan::{Held, IndexRow, Origin, Planned, Sources, plan};
use crate::i18n::Lang;
use crate::report::{self, Report};
use crate::rootfs::RootFs;
use std::fs::File;
use std::io;
use std::path::Path;

/// Opens a cited file to copy: a host file found and opened through descriptors
/// under `--root` ([`RootFs::locate`], never by a resolved path a share user could
/// swap a component of), a company file by its path, neither following a final
/// link; what was opened must be a regular file (`fstat` on the descriptor).
fn open_source(origin: &Origin, fs: &RootFs) -> io::Result<File> {
    let f = match origin {
        Origin::Host(h) => fs.locate_str(h, true)?.open()?,
        Origin::Local(p) => crate::rootfs::open_nofollow(p)?,
    };
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(crate::rootfs::not_regular(&meta));
    }
    Ok(f)
}

/// The listing of every cited file, `evidence/INDEX`.
pub const INDEX: &str = "evidence/INDEX";

/// Copies the files the verdicts used into `evidence/` and lists every cited
/// file, copied or not, in `evidence/INDEX`; returns the number copied and
/// warnings for what could not be copied faithfully. Errors writing DIR stop
/// the run.
pub fn copy_evidence(
    out: &OutDir,
    r: &Report,
    src: &Sources,
    lang: Lang,
) -> Result<(usize, Vec<String>), String> {
    let mut warnings = Vec::new();
    let plan = plan(r, src, lang, &mut warnings);
    let mut index = plan.not_copied;
    let mut copied = 0;
    for p in plan.copy {
        let row = copy_one(out, &p, src, lang, &mut warnings)?;
        copied += usize::from(row.held == Held::Copied);
        index.push(row);
    }
    write_index(out, index)?;
    Ok((copied, warnings))
}

/// Copies one planned file; a copy that differs from what the verdict read is
/// removed again.
fn copy_one(
    out: &OutDir,
    p: &Planned,
    src: &Sources,
    lang: Lang,
    warnings: &mut Vec<String>,
) -> Result<IndexRow, String> {
    let rel = Path::new(EVIDENCE_DIR).join(&p.dest);
    let cited = report::one_line(&p.cited);
    let mut row = IndexRow {
        held: Held::Copied,
        sha256: p.expected.clone(),
        bundle: None,
        cited: p.cited.clone(),
    };
    let source = match open_source(&p.origin, src.fs) {
        Ok(f) => f,
        Err(e) => {
            warnings.push(
                crate::tr!(
                    "証跡 {cited} を証跡フォルダにコピーできません: {e}",
                    "could not copy the evidence {cited} into the bundle: {e}"
                )
                .get(lang)
                .to_string(),
            );
            row.held = Held::Unreadable;
            return Ok(row);
        }
    };
    let target = out.create_file(&rel).map_err(|e| e.to_string())?;
    let got = hash_into(source, target)
        .map_err(|e| format!("cannot copy {cited} into {}: {e}", rel.display()))?;
    match &p.expected {
        Some(want) if !want.eq_ignore_ascii_case(&got) => {
            out.remove_file(&rel)
                .map_err(|e| format!("cannot remove {}: {e}", rel.display()))?;
            warnings.push(
                crate::tr!(
                    "{cited} は判定で読んだ後に変更されました（判定時の SHA-256 {want}、現在 {got}）。別の版をコピーしないよう、証跡フォルダには入れていません",
                    "{cited} changed after the verdict read it (SHA-256 then {want}, now {got}); it was not copied, so the bundle holds no other version than the one judged"
                )
                .get(lang)
                .to_string(),
            );
            row.held = Held::Changed;
        }
        _ => {
            row.sha256 = Some(got);
            row.bundle = Some(rel);
        }
    }
    Ok(row)
}

/// Writes `evidence/INDEX`: one line per cited file, sorted by the cited path,
/// `STATUS<TAB>SHA-256<TAB>PATH IN THE BUNDLE<TAB>CITED PATH` (`-` for none).
/// Control characters in paths are shown, never written (one line per file).
fn write_index(out: &OutDir, mut rows: Vec<IndexRow>) -> Result<(), String> {
    rows.sort_by(|a, b| a.cited.cmp(&b.cited).then(a.bundle.cmp(&b.bundle)));
    rows.dedup();
    let mut text = String::from(
        "# timaudit evidence index: every file a verdict cited, and what this bundle holds of it.\n\
         # 証跡索引: 判定が根拠にした全ファイルと、この証跡一式に何を収めたか。\n\
         # copied = a copy is in the bundle (写しあり); hash-only:* = only the SHA-256 the verdict read\n\
         # (写しなし、判定時の SHA-256 のみ: secret 秘密情報 / share-file 共有上の保護対象 /\n\
         # changed-since 判定後に変更 / unreadable 読めず); not-copied:* = not in the bundle (収録せず).\n\
         # status\tsha256\tbundle path\tcited path\n",
    );
    for r in rows {
        let bundle = r
            .bundle
            .as_deref()
            .map(|b| b.to_string_lossy().into_owned());
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            r.held.token(),
            r.sha256.as_deref().unwrap_or("-"),
            report::one_line(bundle.as_deref().unwrap_or("-")),
            report::one_line(&r.cited),
        ));
    }
    out.write_file(Path::new(INDEX), text.as_bytes())
        .map_err(|e| format!("cannot write {INDEX}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::outdir::EntryKind;
    use crate::bundle::plan::absolute;
    use crate::bundle::prepare::prepare;
    use crate::model::{Evidence, EvidenceKind};
    use crate::profile::Profile;

    // One scenario covering every kind of evidence (host config, secret, share
    // file, company document and record, Windows file, changed file): long
    // because the plan decides them together (one destination map).
    #[test]
    fn evidence_copies_keep_only_what_the_verdicts_read() {
        use crate::rootfs::sha256_hex;
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("root");
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/passwd"), "root:x:0:0::/root:/bin/sh\n").unwrap();
        std::fs::write(root.join("etc/group"), "sudo:x:27:yamada\n").unwrap();
        std::fs::write(root.join("etc/shadow"), "root:$6$secret:1::::::\n").unwrap();
        let company = d.path().join("company");
        std::fs::create_dir_all(company.join("docs")).unwrap();
        std::fs::write(company.join("docs/rules.pdf"), "rules").unwrap();
        let elsewhere = d.path().join("elsewhere/takeout.csv");
        std::fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
        std::fs::write(&elsewhere, "date\n").unwrap();
        let win = d.path().join("pc01");
        std::fs::create_dir_all(win.join("registry")).unwrap();
        std::fs::write(win.join("registry/usbstor.reg"), "REGEDIT4").unwrap();

        let sha = |b: &str| Some(sha256_hex(b.as_bytes()));
        let ev = [
            Evidence::new(EvidenceKind::Config)
                .path("/etc/passwd")
                .line(1)
                .sha256(sha("root:x:0:0::/root:/bin/sh\n")),
            // Changed since the verdict read it.
            Evidence::new(EvidenceKind::Config)
                .path("/etc/group")
                .sha256(sha("sudo:x:27:\n")),
            Evidence::new(EvidenceKind::Config)
                .path("/etc/shadow")
                .sha256(sha("root:$6$secret:1::::::\n")),
            // The audited secrets themselves.
            Evidence::new(EvidenceKind::File)
                .path("/srv/share/design/mold.dwg")
                .sha256(sha("x")),
            Evidence::new(EvidenceKind::Document)
                .path("docs/rules.pdf")
                .sha256(sha("rules")),
            Evidence::new(EvidenceKind::Record)
                .path(elsewhere.to_str().unwrap())
                .sha256(sha("date\n")),
            // Missing when evaluated: no SHA-256, nothing to copy.
            Evidence::new(EvidenceKind::Record).path("records/disposal.csv"),
            Evidence::new(EvidenceKind::Windows)
                .path("registry/usbstor.reg")
                .sha256(sha("REGEDIT4")),
        ];
        let mut r = crate::report::tests::example(Lang::En, false);
        for it in &mut r.items {
            it.evidence.clear();
            it.computed_evidence = None;
        }
        r.items[0].evidence = ev[..4].iter().map(|e| e.localize(Lang::En)).collect();
        r.items[1].computed_evidence = Some(ev[4..].iter().map(|e| e.localize(Lang::En)).collect());

        let fs = RootFs::new(&root);
        let mut profile = Profile::empty();
        profile.base_dir = company.clone();
        let dirs = vec![win.clone()];
        let src = Sources {
            fs: &fs,
            profile: &profile,
            evidence_dirs: &dirs,
            inputs: &[],
        };
        let out_path = d.path().join("out");
        let out = prepare(&out_path, false, Lang::En).unwrap();
        let (copied, warnings) = copy_evidence(&out, &r, &src, Lang::En).unwrap();
        let files: Vec<String> = out
            .list()
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == EntryKind::File)
            .map(|e| String::from_utf8(e.rel).unwrap())
            .collect();
        let local = format!(
            "evidence/local/{}",
            absolute(&elsewhere)
                .to_str()
                .unwrap()
                .trim_start_matches('/')
        );
        let mut want = vec![
            "evidence/etc/passwd".to_string(),
            "evidence/profile/docs/rules.pdf".to_string(),
            "evidence/windows/pc01/registry/usbstor.reg".to_string(),
            "evidence/INDEX".to_string(),
            local,
        ];
        want.sort();
        assert_eq!(files, want, "{warnings:?}");
        assert_eq!(copied, 4);
        let joined = warnings.join("\n");
        assert!(
            joined.contains("/etc/group changed after the verdict read it"),
            "{joined}"
        );
        assert!(joined.contains("/etc/shadow was not copied"), "{joined}");
        assert_eq!(warnings.len(), 2, "{joined}");
        assert_eq!(
            std::fs::read(out_path.join("evidence/etc/passwd")).unwrap(),
            b"root:x:0:0::/root:/bin/sh\n"
        );
        // The index names every cited file, copied or not, with its SHA-256.
        let index = std::fs::read_to_string(out_path.join("evidence/INDEX")).unwrap();
        let row = |cited: &str| {
            index
                .lines()
                .find(|l| l.ends_with(&format!("\t{cited}")))
                .unwrap_or_else(|| panic!("{cited} not in\n{index}"))
                .split('\t')
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let passwd = row("/etc/passwd");
        assert_eq!(passwd[0], "copied");
        assert_eq!(passwd[1], sha256_hex(b"root:x:0:0::/root:/bin/sh\n"));
        assert_eq!(passwd[2], "evidence/etc/passwd");
        let shadow = row("/etc/shadow");
        assert_eq!(shadow[0], "hash-only:secret");
        assert_eq!(shadow[1], sha256_hex(b"root:$6$secret:1::::::\n"));
        assert_eq!(shadow[2], "-");
        assert_eq!(row("/etc/group")[0], "hash-only:changed-since");
        assert_eq!(row("/srv/share/design/mold.dwg")[0], "hash-only:share-file");
        // Missing when evaluated (no SHA-256): nothing to list.
        assert!(!index.contains("disposal.csv"), "{index}");
    }
}
