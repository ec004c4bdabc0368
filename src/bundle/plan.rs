//! Which files the verdicts used, and where each goes below `evidence/`.

use crate::i18n::{Lang, Text};
use crate::model::{Evidence, EvidenceKind};
use crate::profile::Profile;
use crate::report::{self, Report};
use crate::rootfs::{RootFs, normalize_host};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// Where the evidence files of a run come from.
pub struct Sources<'a> {
    pub fs: &'a RootFs,
    pub profile: &'a Profile,
    /// The `--evidence` folders (Windows evidence).
    pub evidence_dirs: &'a [PathBuf],
    /// Files every verdict of their kind read without citing them line by line
    /// (see [`inputs`]), copied like cited evidence.
    pub inputs: &'a [Evidence<String>],
}

/// The inputs many verdicts use as a whole, so no single item cites them: the
/// host's `/etc/passwd` and `/etc/group` (ACC-01/02/05/07, TRN-02…04) with the
/// SHA-256 read for the verdicts, and the roster and training CSVs of the
/// profile (ADM-03, TRN-01…05, ACC-05/07) and the profile itself (the answers
/// every manual item and waiver came from), hashed now.
pub fn inputs(
    accounts: Option<&crate::collect::accounts::Accounts>,
    profile: &Profile,
    profile_file: Option<&Path>,
) -> Vec<Evidence<String>> {
    let mut out = Vec::new();
    if let Some(a) = accounts {
        for f in [&a.passwd, &a.group] {
            out.push(
                Evidence::new(EvidenceKind::Config)
                    .path(&f.path)
                    .sha256(Some(f.sha256.clone()))
                    .localize(Lang::En),
            );
        }
    }
    // `people_file` already holds the profile folder: cite the file as the
    // profile names it (relative to that folder), or the plan would join the
    // folder a second time and miss the file when --profile is relative. The
    // profile itself is cited by its name in its folder.
    let cite = |f: &Path| match f.strip_prefix(&profile.base_dir) {
        Ok(rel) if f.is_relative() => rel.to_path_buf(),
        _ => absolute(f),
    };
    let files = profile_file
        .and_then(|f| Some((f.to_path_buf(), PathBuf::from(f.file_name()?))))
        .into_iter()
        .chain(
            [&profile.people_file, &profile.training_file]
                .into_iter()
                .flatten()
                .map(|f| (f.clone(), cite(f))),
        );
    for (f, cited) in files {
        // Never blocks on a FIFO; a file that cannot be read is left out here
        // (its verdicts already say so).
        let Ok(sha256) =
            crate::rootfs::open_nofollow(&f).and_then(|f| match f.metadata()?.is_file() {
                true => super::manifest::hash_reader(f),
                false => Err(std::io::Error::other("not a regular file")),
            })
        else {
            continue;
        };
        out.push(
            Evidence::new(EvidenceKind::Record)
                .path(cited.to_string_lossy())
                .sha256(Some(sha256))
                .localize(Lang::En),
        );
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Origin {
    /// A host path, read under `--root`.
    Host(String),
    /// A file on the machine running the tool (profile or Windows evidence).
    Local(PathBuf),
}

#[derive(Debug)]
pub(crate) struct Planned {
    /// Path below `evidence/`.
    pub dest: PathBuf,
    pub origin: Origin,
    /// The path as the report cites it.
    pub cited: String,
    pub expected: Option<String>,
}

/// Files that hold credentials: never copied even when a verdict cites them.
pub fn holds_secrets(host: &str) -> bool {
    let name = host.rsplit('/').next().unwrap_or("");
    matches!(
        name,
        "shadow" | "shadow-" | "gshadow" | "gshadow-" | "secrets.tdb" | "passdb.tdb"
    ) || (host.starts_with("/etc/ssh/") && name.starts_with("ssh_host_") && !name.ends_with(".pub"))
        || name.ends_with(".key")
        || host.contains("/private/")
}

/// `a/./b/../c` → `a/c`, lexically (a path as written in the profile).
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c.as_os_str()),
        }
    }
    out
}

pub(crate) fn absolute(p: &Path) -> PathBuf {
    lexical(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
}

/// Plain components of an absolute path, as a relative path.
fn strip_root(p: &Path) -> PathBuf {
    p.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// A folder name for a Windows evidence folder: its own name, made unique.
fn windows_labels(dirs: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut seen = BTreeSet::new();
    dirs.iter()
        .map(|d| {
            let abs = absolute(d);
            let base = abs
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "evidence".into());
            let mut label = base.clone();
            let mut k = 2;
            while !seen.insert(label.clone()) {
                label = format!("{base}-{k}");
                k += 1;
            }
            (abs, label)
        })
        .collect()
}

/// What the bundle holds of a file a verdict cited (a line of `evidence/INDEX`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// A copy, with the SHA-256 the verdict read.
    Copied,
    /// Only the SHA-256: the file holds credentials (`/etc/shadow`, keys).
    Secret,
    /// Only the SHA-256: a file on an audited share (the protected information).
    ShareFile,
    /// Only the SHA-256 the verdict read: the file changed since.
    Changed,
    /// Only the SHA-256: the file could not be read again to copy it.
    Unreadable,
    /// Nothing: a Windows evidence file outside every `--evidence` folder.
    Outside,
    /// Nothing: another cited file has the same place in `evidence/`.
    SamePlace,
}

impl Held {
    /// The status word in `evidence/INDEX`.
    pub fn token(self) -> &'static str {
        match self {
            Held::Copied => "copied",
            Held::Secret => "hash-only:secret",
            Held::ShareFile => "hash-only:share-file",
            Held::Changed => "hash-only:changed-since",
            Held::Unreadable => "hash-only:unreadable",
            Held::Outside => "not-copied:outside-evidence-folder",
            Held::SamePlace => "not-copied:same-place",
        }
    }
}

/// One cited file and what the bundle holds of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexRow {
    pub held: Held,
    /// The SHA-256 the verdict recorded.
    pub sha256: Option<String>,
    /// Where the copy is, below the bundle folder.
    pub bundle: Option<PathBuf>,
    /// The path as the report cites it.
    pub cited: String,
}

/// What to do with the files the verdicts cited.
pub(crate) struct Plan {
    pub copy: Vec<Planned>,
    /// Cited files the bundle holds no copy of, and why.
    pub not_copied: Vec<IndexRow>,
}

/// What to do with one piece of evidence.
enum Step {
    Copy(Planned),
    Skip(IndexRow, Option<Text>),
    Nothing,
}

fn skip(held: Held, e: &Evidence<String>, path: &str, warn: Option<Text>) -> Step {
    Step::Skip(
        IndexRow {
            held,
            sha256: e.sha256.clone(),
            bundle: None,
            cited: path.to_string(),
        },
        warn,
    )
}

/// A host configuration file, read under `--root`.
fn plan_config(e: &Evidence<String>, path: &str, src: &Sources, shares: &BTreeSet<String>) -> Step {
    let host = normalize_host(path);
    // A unit's enablement is cited by its link (to a unit file or /dev/null), or
    // by the `*.wants/` place where no link was found: nothing to copy, and the
    // evidence line already says so.
    if e.sha256.is_none() && (src.fs.read_link(&host).is_some() || !src.fs.exists_nofollow(&host)) {
        return Step::Nothing;
    }
    if shares.contains(&host) || holds_secrets(&host) {
        let warn = crate::tr!(
            "{host} は秘密情報を含むため証跡フォルダにコピーしていません（判定には使用。SHA-256 は evidence/INDEX にあります）",
            "{host} was not copied into the evidence folder: it holds secrets (the verdict used it; its SHA-256 is in evidence/INDEX)"
        );
        return skip(Held::Secret, e, path, Some(warn));
    }
    Step::Copy(Planned {
        dest: strip_root(Path::new(&host)),
        origin: Origin::Host(host),
        cited: path.to_string(),
        expected: e.sha256.clone(),
    })
}

/// A file the profile names (document, record, review or answer evidence).
fn plan_company(e: &Evidence<String>, path: &str, src: &Sources, base: &Path) -> Step {
    // Without a SHA-256 the file did not exist when it was read: the evidence
    // already says so.
    if e.sha256.is_none() {
        return Step::Nothing;
    }
    let local = absolute(&src.profile.local_path(path));
    let dest = match local.strip_prefix(base) {
        Ok(rel) => Path::new("profile").join(rel),
        _ => Path::new("local").join(strip_root(&local)),
    };
    // The company's own files: a link to the current version of a document is
    // followed, as the rules reading them do.
    let origin = Origin::Local(std::fs::canonicalize(&local).unwrap_or(local));
    Step::Copy(Planned {
        dest,
        origin,
        cited: path.to_string(),
        expected: e.sha256.clone(),
    })
}

/// A file of a Windows evidence folder.
fn plan_windows(e: &Evidence<String>, path: &str, labels: &[(PathBuf, String)]) -> Step {
    let p = Path::new(path);
    // Evidence cites the folder as given on the command line joined with the
    // file's place in it, so a relative path is relative to the working
    // directory (`--evidence ja` → `ja/secedit.inf`).
    let found = labels.iter().find_map(|(dir, label)| {
        let mut tries = vec![absolute(p)];
        if !p.is_absolute() {
            tries.push(lexical(&dir.join(p)));
        }
        tries.into_iter().find_map(|full| {
            let rel = full.strip_prefix(dir).ok()?.to_path_buf();
            (p.is_absolute() || full.exists())
                .then(|| (Path::new("windows").join(label).join(rel), full))
        })
    });
    match found {
        Some((dest, full)) => Step::Copy(Planned {
            dest,
            origin: Origin::Local(full),
            cited: path.to_string(),
            expected: e.sha256.clone(),
        }),
        None => {
            let shown = report::one_line(path);
            let warn = crate::tr!(
                "Windows の証跡ファイル {shown} が --evidence のフォルダ内に見つからないため、コピーしていません",
                "the Windows evidence file {shown} is not inside an --evidence folder; not copied"
            );
            skip(Held::Outside, e, path, Some(warn))
        }
    }
}

/// Every file the verdicts cited (and the whole-run [`inputs`]): where each is
/// copied, or why it is not.
pub(crate) fn plan(r: &Report, src: &Sources, lang: Lang, warnings: &mut Vec<String>) -> Plan {
    let all: Vec<&Evidence<String>> = r
        .items
        .iter()
        .flat_map(|it| {
            it.evidence
                .iter()
                .chain(it.computed_evidence.iter().flatten())
        })
        .chain(src.inputs)
        .collect();
    // Files on the audited shares are the secrets: never copied.
    let share_files: BTreeSet<String> = all
        .iter()
        .filter(|e| e.kind == EvidenceKind::File)
        .filter_map(|e| e.path.as_deref().map(normalize_host))
        .collect();
    let base = absolute(&src.profile.base_dir);
    let labels = windows_labels(src.evidence_dirs);
    let mut plan = Plan {
        copy: Vec::new(),
        not_copied: Vec::new(),
    };
    let mut by_dest: BTreeMap<PathBuf, Origin> = BTreeMap::new();
    let mut skipped = BTreeSet::new();
    for e in all {
        let Some(path) = e.path.as_deref() else {
            continue;
        };
        let step = match e.kind {
            EvidenceKind::Config => plan_config(e, path, src, &share_files),
            EvidenceKind::Document
            | EvidenceKind::Record
            | EvidenceKind::Review
            | EvidenceKind::Answer => plan_company(e, path, src, &base),
            EvidenceKind::Windows => plan_windows(e, path, &labels),
            EvidenceKind::File => skip(Held::ShareFile, e, path, None),
            _ => Step::Nothing,
        };
        let planned = match step {
            Step::Copy(p) if !p.dest.as_os_str().is_empty() => p,
            Step::Copy(_) | Step::Nothing => continue,
            Step::Skip(row, warn) => {
                if skipped.insert(row.cited.clone()) {
                    warnings.extend(warn.map(|w| w.get(lang).to_string()));
                    plan.not_copied.push(row);
                }
                continue;
            }
        };
        match by_dest.get(&planned.dest) {
            Some(o) if *o == planned.origin => continue,
            Some(_) => {
                let shown = report::one_line(&planned.cited);
                warnings.push(crate::tr!(
                    "{shown} は証跡フォルダで別のファイルと同じ場所になるため、コピーしていません",
                    "{shown} was not copied: another evidence file has the same place in the evidence folder"
                ).get(lang).to_string());
                plan.not_copied.push(IndexRow {
                    held: Held::SamePlace,
                    sha256: planned.expected.clone(),
                    bundle: None,
                    cited: planned.cited.clone(),
                });
                continue;
            }
            None => {
                by_dest.insert(planned.dest.clone(), planned.origin.clone());
            }
        }
        plan.copy.push(planned);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised() {
        for p in [
            "/etc/shadow",
            "/etc/gshadow-",
            "/etc/ssh/ssh_host_ed25519_key",
            "/var/lib/samba/private/secrets.tdb",
            "/etc/ssl/private/server.key",
        ] {
            assert!(holds_secrets(p), "{p}");
        }
        for p in [
            "/etc/passwd",
            "/etc/group",
            "/etc/ssh/sshd_config",
            "/etc/ssh/ssh_host_ed25519_key.pub",
        ] {
            assert!(!holds_secrets(p), "{p}");
        }
    }
}
