//! The evidence bundle (`audit --out DIR`) and its check (`verify DIR`).
//!
//! ```text
//! DIR/
//!   report.json, report.md, report.html, checklist.csv, checklist.xlsx
//!   inventory.jsonl          (written by the walker, when it ran)
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

use crate::i18n::{Lang, Text};
use crate::model::{Evidence, EvidenceKind};
use crate::profile::Profile;
use crate::report::{self, Report};
use crate::rootfs::{RootFs, hex, normalize_host};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};

pub const MANIFEST: &str = "MANIFEST.sha256";
pub const EVIDENCE_DIR: &str = "evidence";

/// The report files every bundle has, beside `inventory.jsonl` and `evidence/`.
pub const REPORT_FILES: [&str; 5] = [
    "report.json",
    "report.md",
    "report.html",
    "checklist.csv",
    "checklist.xlsx",
];

// ---------------------------------------------------------------- the output folder

/// The output folder, opened once; everything below it is reached with `openat`
/// and never through a symbolic link.
#[derive(Debug)]
pub struct OutDir {
    fd: OwnedFd,
    path: PathBuf,
}

/// What an entry under DIR is (links are never followed, so they are reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

/// One entry found under DIR: its relative path (`/`-separated bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub rel: Vec<u8>,
    pub kind: EntryKind,
}

fn errno(e: rustix::io::Errno) -> io::Error {
    io::Error::from(e)
}

/// The components of a path relative to DIR; anything but plain names (`..`,
/// `/`, `.`) is refused, so no path can leave DIR.
pub fn rel_components(rel: &Path) -> io::Result<Vec<&OsStr>> {
    let mut out = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => out.push(s),
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("`{}` is not a plain path inside the bundle", rel.display()),
                ));
            }
        }
    }
    if out.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "empty path"));
    }
    Ok(out)
}

fn kind_of(mode: u32) -> EntryKind {
    match FileType::from_raw_mode(mode) {
        FileType::RegularFile => EntryKind::File,
        FileType::Directory => EntryKind::Dir,
        FileType::Symlink => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

impl OutDir {
    /// Opens an existing folder.
    pub fn open(path: &Path) -> io::Result<OutDir> {
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(errno)?;
        Ok(OutDir {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// Creates the folder (and its parents) when needed, then opens it.
    pub fn create(path: &Path) -> io::Result<OutDir> {
        std::fs::create_dir_all(path)?;
        OutDir::open(path)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the directory `dirs` (components below DIR) without following links,
    /// creating missing ones when `create` is set.
    fn open_dir(&self, dirs: &[&OsStr], create: bool) -> io::Result<OwnedFd> {
        let mut cur =
            rustix::fs::openat(self.fd.as_fd(), ".", DIR_FLAGS, Mode::empty()).map_err(errno)?;
        for (i, d) in dirs.iter().enumerate() {
            let next = match rustix::fs::openat(cur.as_fd(), *d, DIR_FLAGS, Mode::empty()) {
                Ok(fd) => fd,
                Err(rustix::io::Errno::NOENT) if create => {
                    match rustix::fs::mkdirat(cur.as_fd(), *d, Mode::from_raw_mode(0o755)) {
                        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                        Err(e) => return Err(errno(e)),
                    }
                    rustix::fs::openat(cur.as_fd(), *d, DIR_FLAGS, Mode::empty())
                        .map_err(|e| self.not_a_dir(&dirs[..=i], e))?
                }
                Err(e) => return Err(self.not_a_dir(&dirs[..=i], e)),
            };
            cur = next;
        }
        Ok(cur)
    }

    fn not_a_dir(&self, dirs: &[&OsStr], e: rustix::io::Errno) -> io::Error {
        let shown: PathBuf = dirs.iter().collect();
        if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR {
            io::Error::other(format!(
                "{} is a symbolic link or not a folder; refusing to follow it",
                self.path.join(shown).display()
            ))
        } else {
            io::Error::new(
                io::Error::from(e).kind(),
                format!(
                    "{}: {}",
                    self.path.join(shown).display(),
                    io::Error::from(e)
                ),
            )
        }
    }

    /// Creates a new file (replacing a file or link of that name, never writing
    /// through a link), creating its folders under DIR.
    pub fn create_file(&self, rel: &Path) -> io::Result<File> {
        let comps = rel_components(rel)?;
        let (name, dirs) = comps.split_last().expect("non-empty");
        let dir = self.open_dir(dirs, true)?;
        match rustix::fs::unlinkat(dir.as_fd(), *name, AtFlags::empty()) {
            Ok(()) | Err(rustix::io::Errno::NOENT) => {}
            Err(e) => {
                return Err(io::Error::other(format!(
                    "cannot replace {}: {}",
                    self.path.join(rel).display(),
                    errno(e)
                )));
            }
        }
        let fd = rustix::fs::openat(
            dir.as_fd(),
            *name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o644),
        )
        .map_err(|e| {
            io::Error::new(
                errno(e).kind(),
                format!(
                    "cannot create {}: {}",
                    self.path.join(rel).display(),
                    errno(e)
                ),
            )
        })?;
        Ok(File::from(fd))
    }

    pub fn write_file(&self, rel: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = self.create_file(rel)?;
        f.write_all(bytes)?;
        f.flush()
    }

    /// Opens a regular file under DIR for reading, never through a link.
    pub fn open_read(&self, rel: &Path) -> io::Result<File> {
        let comps = rel_components(rel)?;
        let (name, dirs) = comps.split_last().expect("non-empty");
        let dir = self.open_dir(dirs, false)?;
        let fd = rustix::fs::openat(
            dir.as_fd(),
            *name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(errno)?;
        let st = rustix::fs::fstat(&fd).map_err(errno)?;
        if kind_of(st.st_mode) != EntryKind::File {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        Ok(File::from(fd))
    }

    /// Removes a file or link (never what a link points at).
    pub fn remove_file(&self, rel: &Path) -> io::Result<()> {
        let comps = rel_components(rel)?;
        let (name, dirs) = comps.split_last().expect("non-empty");
        let dir = self.open_dir(dirs, false)?;
        rustix::fs::unlinkat(dir.as_fd(), *name, AtFlags::empty()).map_err(errno)
    }

    fn remove_dir(&self, rel: &Path) -> io::Result<()> {
        let comps = rel_components(rel)?;
        let (name, dirs) = comps.split_last().expect("non-empty");
        let dir = self.open_dir(dirs, false)?;
        rustix::fs::unlinkat(dir.as_fd(), *name, AtFlags::REMOVEDIR).map_err(errno)
    }

    /// Every entry under DIR, depth first, sorted by path bytes; links and
    /// special files are listed, never followed.
    pub fn list(&self) -> io::Result<Vec<Entry>> {
        let mut out = Vec::new();
        let root =
            rustix::fs::openat(self.fd.as_fd(), ".", DIR_FLAGS, Mode::empty()).map_err(errno)?;
        list_into(&root, &[], &mut out, 0)?;
        out.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(out)
    }
}

const MAX_DEPTH: usize = 256;

fn list_into(dir: &OwnedFd, prefix: &[u8], out: &mut Vec<Entry>, depth: usize) -> io::Result<()> {
    if depth > MAX_DEPTH {
        return Err(io::Error::other("folders nested too deeply"));
    }
    let mut names: Vec<OsString> = Vec::new();
    for e in rustix::fs::Dir::read_from(dir).map_err(errno)? {
        let e = e.map_err(errno)?;
        let name = e.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        names.push(OsString::from_vec(name.to_vec()));
    }
    names.sort();
    for name in names {
        let st = rustix::fs::statat(dir, &name, AtFlags::SYMLINK_NOFOLLOW).map_err(errno)?;
        let mut rel = prefix.to_vec();
        if !rel.is_empty() {
            rel.push(b'/');
        }
        rel.extend_from_slice(name.as_bytes());
        let kind = kind_of(st.st_mode);
        out.push(Entry {
            rel: rel.clone(),
            kind,
        });
        if kind == EntryKind::Dir {
            let sub = rustix::fs::openat(dir, &name, DIR_FLAGS, Mode::empty()).map_err(errno)?;
            list_into(&sub, &rel, out, depth + 1)?;
        }
    }
    Ok(())
}

fn rel_path(rel: &[u8]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(rel))
}

/// A relative path for messages: control characters shown, never obeyed.
pub fn shown(rel: &[u8]) -> String {
    report::one_line(&String::from_utf8_lossy(rel))
}

// ---------------------------------------------------------------- the manifest

/// One manifest line in `sha256sum` format. Like GNU `sha256sum`, a name with a
/// backslash, newline or carriage return is escaped (`\\`, `\n`, `\r`) and the
/// line starts with a backslash.
pub fn manifest_line(sha256: &str, rel: &[u8]) -> Vec<u8> {
    let needs_escape = rel.iter().any(|b| matches!(b, b'\\' | b'\n' | b'\r'));
    let mut line = Vec::with_capacity(rel.len() + 70);
    if needs_escape {
        line.push(b'\\');
    }
    line.extend_from_slice(sha256.as_bytes());
    line.extend_from_slice(b"  ");
    for &b in rel {
        match b {
            b'\\' if needs_escape => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            b => line.push(b),
        }
    }
    line.push(b'\n');
    line
}

/// Reads a manifest: `(sha256, relative path)` per line. Accepts what `sha256sum`
/// writes (text or binary mode, escaped names, CRLF line ends). A line that is not
/// a manifest line, or a path that would leave DIR, is an error naming the line.
pub fn parse_manifest(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let mut line = raw;
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        if line.is_empty() {
            continue;
        }
        let (escaped, line) = match line.strip_prefix(b"\\") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if line.len() < 67 || !line[..64].iter().all(u8::is_ascii_hexdigit) || line[64] != b' ' {
            return Err(format!(
                "{MANIFEST} line {n}: not `SHA256  PATH` as sha256sum writes it"
            ));
        }
        if line[65] != b' ' && line[65] != b'*' {
            return Err(format!(
                "{MANIFEST} line {n}: not `SHA256  PATH` as sha256sum writes it"
            ));
        }
        let hash = String::from_utf8_lossy(&line[..64]).to_ascii_lowercase();
        let name = &line[66..];
        let mut rel = Vec::with_capacity(name.len());
        if escaped {
            let mut it = name.iter();
            while let Some(&b) = it.next() {
                if b != b'\\' {
                    rel.push(b);
                    continue;
                }
                match it.next() {
                    Some(b'\\') => rel.push(b'\\'),
                    Some(b'n') => rel.push(b'\n'),
                    Some(b'r') => rel.push(b'\r'),
                    _ => {
                        return Err(format!("{MANIFEST} line {n}: bad escape in the file name"));
                    }
                }
            }
        } else {
            rel.extend_from_slice(name);
        }
        if rel.contains(&0) || rel_components(&rel_path(&rel)).is_err() || rel.starts_with(b"/") {
            return Err(format!(
                "{MANIFEST} line {n}: `{}` is not a path inside the bundle",
                shown(&rel)
            ));
        }
        out.push((hash, rel));
    }
    Ok(out)
}

fn hash_reader(mut r: impl Read) -> io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// Writes `MANIFEST.sha256` listing every file in DIR; returns its own SHA-256.
/// Anything in DIR that is neither a file nor a folder (a link planted there) is
/// an error: the bundle could not be trusted.
pub fn write_manifest(out: &OutDir) -> Result<String, String> {
    let entries = out
        .list()
        .map_err(|e| format!("cannot list {}: {e}", out.path().display()))?;
    let mut manifest = Vec::new();
    for e in entries {
        match e.kind {
            EntryKind::Dir => continue,
            EntryKind::File if e.rel == MANIFEST.as_bytes() => continue,
            EntryKind::File => {
                let f = out.open_read(&rel_path(&e.rel)).map_err(|err| {
                    format!(
                        "cannot read {}: {err}",
                        out.path().join(rel_path(&e.rel)).display()
                    )
                })?;
                let h = hash_reader(f)
                    .map_err(|err| format!("cannot read {}: {err}", shown(&e.rel)))?;
                manifest.extend(manifest_line(&h, &e.rel));
            }
            EntryKind::Symlink | EntryKind::Other => {
                return Err(format!(
                    "{} holds {} which is not a regular file (a symbolic link or special file); the bundle would not be trustworthy",
                    out.path().display(),
                    shown(&e.rel)
                ));
            }
        }
    }
    out.write_file(Path::new(MANIFEST), &manifest)
        .map_err(|e| format!("cannot write {MANIFEST}: {e}"))?;
    Ok(crate::rootfs::sha256_hex(&manifest))
}

// ---------------------------------------------------------------- preparing DIR

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
    let bytes = out
        .open_read(Path::new(MANIFEST))
        .and_then(|f| crate::rootfs::read_file(f, crate::rootfs::limits::MANIFEST))
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

// ---------------------------------------------------------------- evidence copies

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
/// profile (ADM-03, TRN-01…05, ACC-05/07), hashed now.
pub fn inputs(
    accounts: Option<&crate::collect::accounts::Accounts>,
    profile: &Profile,
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
    for f in [&profile.people_file, &profile.training_file]
        .into_iter()
        .flatten()
    {
        let Ok(bytes) = crate::rootfs::read_input(f, crate::rootfs::limits::CSV) else {
            continue;
        };
        // `people_file` already holds the profile folder: cite the file as the
        // profile names it (relative to that folder), or the plan would join the
        // folder a second time and miss the file when --profile is relative.
        let cited = match f.strip_prefix(&profile.base_dir) {
            Ok(rel) if f.is_relative() => rel.to_path_buf(),
            _ => absolute(f),
        };
        out.push(
            Evidence::new(EvidenceKind::Record)
                .path(cited.to_string_lossy())
                .sha256(Some(crate::rootfs::sha256_hex(&bytes)))
                .localize(Lang::En),
        );
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    /// A host path, read under `--root`.
    Host(String),
    /// A file on the machine running the tool (profile or Windows evidence).
    Local(PathBuf),
}

#[derive(Debug)]
struct Planned {
    /// Path below `evidence/`.
    dest: PathBuf,
    origin: Origin,
    /// The path as the report cites it.
    cited: String,
    expected: Option<String>,
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

fn absolute(p: &Path) -> PathBuf {
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

fn plan(r: &Report, src: &Sources, lang: Lang, warnings: &mut Vec<String>) -> Vec<Planned> {
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
    let mut out: Vec<Planned> = Vec::new();
    let mut by_dest: BTreeMap<PathBuf, Origin> = BTreeMap::new();
    let mut skipped = BTreeSet::new();
    for e in all {
        let Some(path) = e.path.as_deref() else {
            continue;
        };
        let planned = match e.kind {
            EvidenceKind::Config => {
                let host = normalize_host(path);
                // A unit's enablement is cited by its link (to a unit file or
                // /dev/null), or by the `*.wants/` place where no link was found:
                // nothing to copy, and the evidence line already says so.
                if e.sha256.is_none()
                    && (src.fs.read_link(&host).is_some() || !src.fs.exists_nofollow(&host))
                {
                    continue;
                }
                if share_files.contains(&host) || holds_secrets(&host) {
                    if skipped.insert(host.clone()) {
                        warnings.push(
                            Text::new(
                                format!("{host} は秘密情報を含むため証跡フォルダにコピーしていません（判定には使用）"),
                                format!("{host} was not copied into the evidence folder: it holds secrets (the verdict used it)"),
                            )
                            .get(lang)
                            .to_string(),
                        );
                    }
                    continue;
                }
                Planned {
                    dest: strip_root(Path::new(&host)),
                    origin: Origin::Host(host),
                    cited: path.to_string(),
                    expected: e.sha256.clone(),
                }
            }
            EvidenceKind::Document
            | EvidenceKind::Record
            | EvidenceKind::Review
            | EvidenceKind::Answer => {
                // Without a SHA-256 the file did not exist when it was read: the
                // evidence already says so.
                if e.sha256.is_none() {
                    continue;
                }
                let local = absolute(&src.profile.local_path(path));
                let dest = match local.strip_prefix(&base) {
                    Ok(rel) => Path::new("profile").join(rel),
                    _ => Path::new("local").join(strip_root(&local)),
                };
                // The company's own files: a link to the current version of a
                // document is followed, as the rules reading them do.
                let origin = Origin::Local(std::fs::canonicalize(&local).unwrap_or(local));
                Planned {
                    dest,
                    origin,
                    cited: path.to_string(),
                    expected: e.sha256.clone(),
                }
            }
            EvidenceKind::Windows => {
                let p = Path::new(path);
                // Evidence cites the folder as given on the command line joined
                // with the file's place in it, so a relative path is relative to
                // the working directory (`--evidence ja` → `ja/secedit.inf`).
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
                    Some((dest, full)) => Planned {
                        dest,
                        origin: Origin::Local(full),
                        cited: path.to_string(),
                        expected: e.sha256.clone(),
                    },
                    None => {
                        if skipped.insert(path.to_string()) {
                            warnings.push(
                                Text::new(
                                    format!("Windows の証跡ファイル {} が --evidence のフォルダ内に見つからないため、コピーしていません", report::one_line(path)),
                                    format!("the Windows evidence file {} is not inside an --evidence folder; not copied", report::one_line(path)),
                                )
                                .get(lang)
                                .to_string(),
                            );
                        }
                        continue;
                    }
                }
            }
            _ => continue,
        };
        if planned.dest.as_os_str().is_empty() {
            continue;
        }
        match by_dest.get(&planned.dest) {
            Some(o) if *o == planned.origin => continue,
            Some(_) => {
                warnings.push(
                    Text::new(
                        format!(
                            "{} は証跡フォルダで別のファイルと同じ場所になるため、コピーしていません",
                            report::one_line(&planned.cited)
                        ),
                        format!(
                            "{} was not copied: another evidence file has the same place in the evidence folder",
                            report::one_line(&planned.cited)
                        ),
                    )
                    .get(lang)
                    .to_string(),
                );
                continue;
            }
            None => {
                by_dest.insert(planned.dest.clone(), planned.origin.clone());
            }
        }
        out.push(planned);
    }
    out
}

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
}

/// Writes the bundle into a prepared DIR: the evidence copies first (their
/// warnings go into the report), then the reports, then the manifest.
pub fn write(out: &OutDir, r: &mut Report, src: &Sources, lang: Lang) -> Result<Written, String> {
    let (evidence_files, warnings) = copy_evidence(out, r, src, lang)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    r.warnings.extend(warnings);
    for (name, bytes) in render_files(r, lang)? {
        out.write_file(Path::new(name), &bytes)
            .map_err(|e| format!("cannot write {}: {e}", out.path().join(name).display()))?;
    }
    let manifest_sha256 = write_manifest(out)?;
    Ok(Written {
        evidence_files,
        manifest_sha256,
    })
}

// ---------------------------------------------------------------- verify

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
    let bytes = out
        .open_read(Path::new(MANIFEST))
        .and_then(|f| crate::rootfs::read_file(f, crate::rootfs::limits::MANIFEST))
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
    use std::os::unix::fs::symlink;

    #[test]
    fn manifest_lines_escape_like_sha256sum() {
        let h = "a".repeat(64);
        assert_eq!(
            manifest_line(&h, b"evidence/etc/x.conf"),
            format!("{h}  evidence/etc/x.conf\n").into_bytes()
        );
        assert_eq!(
            manifest_line(&h, b"a\\b\nc\rd"),
            format!("\\{h}  a\\\\b\\nc\\rd\n").into_bytes()
        );
        let names: [&[u8]; 4] = [b"plain name", b"a\\b", b"new\nline", b"\xff\xfe latin1"];
        let mut m = Vec::new();
        for n in names {
            m.extend(manifest_line(&h, n));
        }
        let parsed = parse_manifest(&m).unwrap();
        assert_eq!(
            parsed.iter().map(|(_, r)| r.as_slice()).collect::<Vec<_>>(),
            names
        );
    }

    #[test]
    fn manifest_paths_cannot_leave_the_bundle() {
        let h = "0".repeat(64);
        for bad in ["../x", "/etc/passwd", "a/../../x", "./x"] {
            let m = format!("{h}  {bad}\n");
            assert!(parse_manifest(m.as_bytes()).is_err(), "{bad}");
        }
        assert!(parse_manifest(b"not a manifest line\n").is_err());
        // Binary mode and CRLF line ends, as other tools write them.
        let m = format!("{h} *a.txt\r\n");
        assert_eq!(parse_manifest(m.as_bytes()).unwrap()[0].1, b"a.txt");
    }

    #[test]
    fn writing_never_follows_a_link_planted_in_the_folder() {
        let d = tempfile::tempdir().unwrap();
        let outside = d.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("passwd"), "original").unwrap();
        let dir = d.path().join("out");
        std::fs::create_dir(&dir).unwrap();
        symlink(&outside, dir.join("evidence")).unwrap();
        symlink(outside.join("passwd"), dir.join("report.json")).unwrap();
        let out = OutDir::open(&dir).unwrap();
        let e = out
            .write_file(Path::new("evidence/etc/passwd"), b"evil")
            .unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(!outside.join("etc").exists());
        // A link at a file's place is replaced by a file, its target untouched.
        out.write_file(Path::new("report.json"), b"{}").unwrap();
        assert_eq!(
            std::fs::read_to_string(outside.join("passwd")).unwrap(),
            "original"
        );
        assert!(
            !std::fs::symlink_metadata(dir.join("report.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(out.write_file(Path::new("../escape"), b"x").is_err());
        assert!(!d.path().join("escape").exists());
        // The manifest refuses a folder holding a link.
        assert!(write_manifest(&out).unwrap_err().contains("evidence"));
    }

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
