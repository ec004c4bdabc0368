//! Copying the evidence files into `evidence/`, each checked against the SHA-256
//! its verdict recorded.

use super::EVIDENCE_DIR;
use super::outdir::OutDir;
use super::plan::{Origin, Sources, plan};
use crate::i18n::{Lang, Text};
use crate::report::{self, Report};
use crate::rootfs::{RootFs, hex};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

fn open_source(origin: &Origin, fs: &RootFs) -> io::Result<File> {
    let real = match origin {
        Origin::Host(h) => fs.resolve(h, true)?,
        Origin::Local(p) => p.clone(),
    };
    let f = crate::rootfs::open_nofollow(&real)?;
    if !f.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(f)
}

/// Copies `from` into `to` while hashing; returns the copy's SHA-256.
fn copy_hashing(mut from: File, mut to: File) -> io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
        to.write_all(&buf[..n])?;
    }
    to.flush()?;
    Ok(hex(&h.finalize()))
}

/// Copies the files the verdicts used into `evidence/`; returns warnings for
/// what could not be copied faithfully. Errors writing DIR stop the run.
pub fn copy_evidence(
    out: &OutDir,
    r: &Report,
    src: &Sources,
    lang: Lang,
) -> Result<(usize, Vec<String>), String> {
    let mut warnings = Vec::new();
    let planned = plan(r, src, lang, &mut warnings);
    let mut copied = 0;
    for p in planned {
        let rel = Path::new(EVIDENCE_DIR).join(&p.dest);
        let cited = report::one_line(&p.cited);
        let source = match open_source(&p.origin, src.fs) {
            Ok(f) => f,
            Err(e) => {
                warnings.push(
                    Text::new(
                        format!("証跡 {cited} を証跡フォルダにコピーできません: {e}"),
                        format!("could not copy the evidence {cited} into the bundle: {e}"),
                    )
                    .get(lang)
                    .to_string(),
                );
                continue;
            }
        };
        let target = out.create_file(&rel).map_err(|e| e.to_string())?;
        let got = copy_hashing(source, target)
            .map_err(|e| format!("cannot copy {cited} into {}: {e}", rel.display()))?;
        match &p.expected {
            Some(want) if !want.eq_ignore_ascii_case(&got) => {
                out.remove_file(&rel)
                    .map_err(|e| format!("cannot remove {}: {e}", rel.display()))?;
                warnings.push(
                    Text::new(
                        format!("{cited} は判定で読んだ後に変更されました（判定時の SHA-256 {want}、現在 {got}）。別の版をコピーしないよう、証跡フォルダには入れていません"),
                        format!("{cited} changed after the verdict read it (SHA-256 then {want}, now {got}); it was not copied, so the bundle holds no other version than the one judged"),
                    )
                    .get(lang)
                    .to_string(),
                );
            }
            _ => copied += 1,
        }
    }
    Ok((copied, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::outdir::EntryKind;
    use crate::bundle::plan::absolute;
    use crate::bundle::prepare::prepare;
    use crate::model::{Evidence, EvidenceKind};
    use crate::profile::Profile;

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
        let out = prepare(&out_path, Lang::En).unwrap();
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
    }
}
