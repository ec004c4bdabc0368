//! The file-share walker: inventory, classification and the facts that the
//! HDL/ACC/STO file items are decided from.
//!
//! Pipeline (bounded memory): one thread walks (rootfs/dirs.rs, never following links)
//! and sends regular files to a pool of reader threads (open without following
//! links, marker scan, SHA-256); the calling thread collects every entry, keeps
//! only what the checklist items need (counts and the offending files), and
//! streams inventory lines through an external sort into the output.
//! See docs/file-shares.md.

pub mod acl;
pub mod check;
pub mod classify;
mod collect;
pub mod examine;
pub mod findings;
pub mod gaps;
mod line;
pub mod read;
pub mod reuse;
pub mod sort;

use crate::i18n::Text;
use crate::profile::Profile;
use crate::rootfs::RootFs;
use crate::rootfs::dirs::{Meta, Place};
use classify::{Excluder, Markers, is_discard_dir};
use read::{Reader, Seen};
use std::cell::RefCell;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};

pub use collect::{Collector, Original};
pub use line::rfc3339;

/// Which kind of walk root a path was found under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RootKind {
    /// `scope.shares`.
    Share,
    /// The base folder of an asset path outside every share (so the register's
    /// files are found wherever they are).
    Asset,
    /// `audit --scan PATH` / `scan PATH`.
    Scan,
}

impl RootKind {
    pub fn code(self) -> &'static str {
        match self {
            RootKind::Share => "share",
            RootKind::Asset => "asset",
            RootKind::Scan => "scan",
        }
    }
}

/// One place the walk starts.
#[derive(Clone, Debug)]
pub struct WalkRoot {
    /// Host path as bytes (normalised, absolute).
    pub host: Vec<u8>,
    pub kind: RootKind,
}

/// A host path as reports print it: lossy text, and the exact bytes base64-encoded
/// when they are not UTF-8.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathRef {
    pub path: String,
    pub b64: Option<String>,
}

impl PathRef {
    pub fn of(bytes: &[u8]) -> PathRef {
        match std::str::from_utf8(bytes) {
            Ok(s) => PathRef {
                path: s.to_string(),
                b64: None,
            },
            Err(_) => PathRef {
                path: String::from_utf8_lossy(bytes).into_owned(),
                b64: Some(classify::base64(bytes)),
            },
        }
    }

    /// [`PathRef::of`] into this one, reusing its text's buffer.
    pub fn set(&mut self, bytes: &[u8]) {
        self.path.clear();
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                self.path.push_str(s);
                self.b64 = None;
            }
            Err(_) => *self = PathRef::of(bytes),
        }
    }
}

/// A file (or principal on a file) behind a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub path: PathRef,
    pub kind: RootKind,
    pub asset: Option<String>,
    pub principal: Option<String>,
    pub excerpt: Option<String>,
    pub sha256: Option<String>,
    pub detail: Text,
}

/// What a walk problem hides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum GapKind {
    /// A walk root could not be read at all.
    Root,
    /// A directory could not be listed: anything could be in it.
    Dir,
    /// A mount point not entered (another filesystem, without --cross-filesystems).
    OtherFilesystem,
    /// A file that could not be opened or read: no content markers, no hash.
    Content,
    /// A file scanned but not hashed (changed while being read).
    Hash,
    /// A file or directory whose ACL could not be read.
    Acl,
}

/// A walk problem that leaves facts unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    pub path: PathRef,
    pub kind: RootKind,
    pub what: GapKind,
    pub error: String,
}

/// Reports list gaps by path, then by what they hide (then root kind and error,
/// so that the order never depends on the reader threads).
impl Ord for Gap {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (&self.path, self.what, self.kind, &self.error).cmp(&(&o.path, o.what, o.kind, &o.error))
    }
}
impl PartialOrd for Gap {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

/// Totals for `report.json`'s `inventory`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub special: u64,
    pub bytes: u64,
    pub protected: u64,
    pub marked: u64,
    pub hashed: u64,
    /// Hashes taken from the baseline for unchanged files.
    pub reused: u64,
}

/// A walk root and how it went.
#[derive(Clone, Debug)]
pub struct RootInfo {
    pub path: PathRef,
    pub kind: RootKind,
    /// Why it could not be walked.
    pub error: Option<String>,
    /// An asset's base folder that does not exist (HDL-03 evidence, not a walk error).
    pub missing: bool,
}

/// Facts from walking the shares and `--scan` paths: counts, per-asset matches, and
/// every offending file (the evidence of the items), never the whole tree.
#[derive(Debug, Default)]
pub struct ShareFacts {
    pub roots: Vec<RootInfo>,
    /// Files were hashed (false with `--no-hash`).
    pub hashing: bool,
    pub counts: Counts,
    /// Per asset (register order): regular files matching its POSIX paths.
    pub asset_files: Vec<u64>,
    /// Per asset: has it any POSIX (not Windows) path?
    pub asset_has_posix: Vec<bool>,
    /// Per asset: the base folders of its POSIX paths.
    pub asset_bases: Vec<Vec<String>>,
    /// What each per-file check reported, by its item (see `check.rs`): exact
    /// counts and the first findings by path (`findings.rs`).
    pub findings: std::collections::BTreeMap<crate::catalogue::ItemId, findings::FindingSet>,
    /// Every finding, for `findings.jsonl` (recorded when `WalkOptions::findings_list`).
    pub findings_list: findings::FindingsList,
    /// ACC-02 could not resolve principals (no account database).
    pub accounts_missing: bool,
    /// Problems that leave facts unknown (unreadable directories and files …):
    /// all counted (per sort, and near each asset's folders), the first
    /// `findings::KEPT` of each sort by path kept (`gaps.rs`).
    pub gaps: gaps::GapSet,
    /// Paths gone between being listed and being read: all counted, the first
    /// `findings::KEPT` by path kept (memory bounded by that, not by the tree).
    pub vanished: findings::Sample<PathRef>,
    /// Folders that are the same directory as one of their ancestors (bind
    /// mounts), with that ancestor: counted, the first `findings::KEPT` kept.
    pub loops: findings::Sample<(PathRef, PathRef)>,
    pub excluded: u64,
    /// When the walk started (a later re-audit trusts only timestamps before it).
    pub started_at: Option<(i64, i64)>,
    /// `reuse::content_scan_digest` of the profile the walk scanned content with.
    pub content_scan: Option<String>,
    /// SHA-256 of each distinct protected content → its first file and asset (the
    /// originals HDL-04 compares with; watch mode keeps them between events).
    pub protected_hashes: std::collections::HashMap<[u8; 32], Original>,
}

impl ShareFacts {
    /// The findings the per-file check of `item` reported (none when it did not run).
    pub fn findings(&self, item: crate::catalogue::ItemId) -> &findings::FindingSet {
        static NONE: std::sync::OnceLock<findings::FindingSet> = std::sync::OnceLock::new();
        self.findings
            .get(&item)
            .unwrap_or_else(|| NONE.get_or_init(findings::FindingSet::default))
    }

    /// Gaps relevant to an item: of one of `what`, under roots of one of `kinds`
    /// (the exact count and the first `findings::KEPT` by path).
    pub fn gaps_for(&self, what: &[GapKind], kinds: &[RootKind]) -> gaps::Selected<'_> {
        self.gaps.select(what, kinds)
    }

    pub fn walked(&self, kinds: &[RootKind]) -> bool {
        self.roots.iter().any(|r| kinds.contains(&r.kind))
    }

    /// Did the walk leave anything unread (for `scan`'s exit code)?
    pub fn incomplete(&self) -> bool {
        !self.gaps.select(gaps::UNREAD, gaps::KINDS).is_empty()
    }
}

/// How to walk.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub hash: bool,
    pub cross_filesystems: bool,
    /// Reader threads (0 = automatic: `default_jobs`, one per core, 2 to 16).
    pub jobs: usize,
    /// Show a progress bar (only when stderr is a terminal).
    pub progress: bool,
    /// The language of the progress line.
    pub lang: crate::i18n::Lang,
    /// Hashes of unchanged files from the baseline inventory (fast re-audit).
    pub reuse: Option<Arc<reuse::HashCache>>,
    /// Record every finding for `findings.jsonl` (`ShareFacts::findings_list`).
    pub findings_list: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            hash: true,
            cross_filesystems: false,
            jobs: 0,
            progress: true,
            lang: crate::i18n::Lang::En,
            reuse: None,
            findings_list: false,
        }
    }
}

/// A host path given on the command line, made absolute and normalised.
pub fn host_arg(p: &Path, root: &Path) -> Vec<u8> {
    let bytes = p.as_os_str().as_bytes();
    let abs: Vec<u8> = if bytes.starts_with(b"/") {
        bytes.to_vec()
    } else if root == Path::new("/") {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        cwd.join(p).as_os_str().as_bytes().to_vec()
    } else {
        [b"/".as_slice(), bytes].concat()
    };
    normalize(&abs)
}

/// `/a//b/./c/../d` → `/a/b/d` (bytes; never above `/`).
pub fn normalize(p: &[u8]) -> Vec<u8> {
    let mut parts: Vec<&[u8]> = Vec::new();
    for c in p.split(|b| *b == b'/') {
        match c {
            b"" | b"." => {}
            b".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut out = Vec::with_capacity(p.len());
    for c in parts {
        out.push(b'/');
        out.extend_from_slice(c);
    }
    if out.is_empty() {
        out.push(b'/');
    }
    out
}

fn is_under(path: &[u8], dir: &[u8]) -> bool {
    dir == b"/"
        || path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path[dir.len()] == b'/')
}

/// The roots of an audit: shares, `--scan` paths, and the base folders of asset
/// paths that lie outside every share (and are not above one). Nested roots are
/// dropped as `dedupe_roots` says.
pub fn audit_roots(profile: &Profile, scans: &[Vec<u8>]) -> Vec<WalkRoot> {
    let mut roots: Vec<WalkRoot> = Vec::new();
    for s in &profile.scope.shares {
        roots.push(WalkRoot {
            host: normalize(s.as_bytes()),
            kind: RootKind::Share,
        });
    }
    for s in scans {
        roots.push(WalkRoot {
            host: s.clone(),
            kind: RootKind::Scan,
        });
    }
    // Asset folders are compared with the shares only: a `--scan` path inside an
    // asset's folder must not stop the folder from being walked (dedupe_roots
    // drops the scan instead), and one above it leaves it a root of its own.
    let explicit: Vec<Vec<u8>> = roots
        .iter()
        .filter(|r| r.kind == RootKind::Share)
        .map(|r| r.host.clone())
        .collect();
    for a in &profile.assets {
        for p in a.paths.iter().filter(|p| classify::is_posix_glob(p)) {
            let base = classify::glob_base(p).into_bytes();
            let inside = explicit.iter().any(|r| is_under(&base, r));
            let above = explicit.iter().any(|r| is_under(r, &base));
            if !inside && !above {
                roots.push(WalkRoot {
                    host: base,
                    kind: RootKind::Asset,
                });
            }
        }
    }
    dedupe_roots(roots)
}

/// Drops roots inside another root of the same or a stronger kind (the outer walk
/// covers them); the same path given twice keeps the stronger kind. A stronger root
/// inside a weaker one (a share inside a `--scan` path) is kept: the outer walk
/// leaves it out and it is walked as itself, so its files stay share files and the
/// ACC-03 chain of folders still starts at the share root.
pub fn dedupe_roots(mut roots: Vec<WalkRoot>) -> Vec<WalkRoot> {
    roots.sort_by(|a, b| a.host.cmp(&b.host).then(a.kind.cmp(&b.kind)));
    let mut out: Vec<WalkRoot> = Vec::new();
    for r in roots {
        let outer = out
            .iter_mut()
            .filter(|o| is_under(&r.host, &o.host))
            .max_by_key(|o| o.host.len());
        if let Some(outer) = outer {
            if r.host == outer.host {
                outer.kind = outer.kind.min(r.kind);
                continue;
            }
            if r.kind >= outer.kind {
                continue;
            }
        }
        out.push(r);
    }
    out
}

/// Everything the walk needs from the run.
pub struct WalkInput<'a> {
    pub fs: &'a RootFs,
    pub profile: &'a Profile,
    pub accounts: Option<&'a crate::collect::accounts::Accounts>,
    /// Called for every regular file (the items' per-file checks).
    pub checks: &'a [&'a dyn check::FileCheck],
    pub roots: Vec<WalkRoot>,
    pub options: WalkOptions,
}

/// A regular file for the readers: where it is (relative to its folder's open
/// descriptor) and what the walk's `fstatat` saw.
struct Job {
    entry: Box<collect::Entry>,
    place: Place,
    /// `None`: listed as a regular file and not stat'ed yet (the reader does).
    seen: Option<Seen>,
}

/// Files handed to a reader at once (one hand-off per batch, not per file).
const BATCH: usize = 256;
/// Folders a batch may hold open (each job keeps its folder's descriptor): bounds
/// the descriptors in flight to about `(queued batches + readers) × BATCH_DIRS`.
const BATCH_DIRS: usize = 8;
/// Batches waiting for a reader.
const QUEUED: usize = 16;

/// Messages to the collecting thread.
pub enum Msg {
    Entry(Box<collect::Entry>),
    Gap(Gap),
    Vanished(Vec<u8>),
    Loop(Vec<u8>, Vec<u8>),
    Excluded,
    Root(RootInfo),
}

/// Walks the roots; inventory lines (sorted by path) go to `out` when given.
pub fn run(input: WalkInput, out: Option<&mut dyn std::io::Write>) -> std::io::Result<ShareFacts> {
    let WalkInput {
        fs,
        profile,
        accounts,
        checks,
        roots,
        options,
    } = input;
    let markers = Arc::new(Markers::new(&profile.markers));
    let started = std::time::SystemTime::now();
    let mut reader = Reader::new(
        options.hash,
        profile.scope.content_scan_bytes,
        markers.clone(),
    );
    reader.reuse = options.reuse.clone().filter(|_| options.hash);
    let reader = Arc::new(reader);
    let jobs = if options.jobs > 0 {
        options.jobs
    } else {
        default_jobs()
    };
    let mut collector = Collector::new(profile, accounts, checks, options.hash, out.is_some());
    collector.list_findings(options.findings_list);
    let progress = collect::Progress::new(options.progress, options.lang, reader.clone());
    let (tx, rx) = sync_channel::<Vec<Msg>>(QUEUED * 4);
    let (job_tx, job_rx) = sync_channel::<Vec<Job>>(QUEUED);
    let job_rx = Arc::new(std::sync::Mutex::new(job_rx));
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let job_rx = job_rx.clone();
            let tx = tx.clone();
            let reader = reader.clone();
            s.spawn(move || read_batches(&reader, &job_rx, &tx));
        }
        {
            let tx = tx.clone();
            let excluder = Excluder::new(&profile.scope.exclude);
            let markers = markers.clone();
            let cross = options.cross_filesystems;
            s.spawn(move || {
                let w = Walker {
                    lazy: true,
                    fs,
                    excluder,
                    markers,
                    cross,
                    tx,
                    job_tx,
                    roots: roots.iter().map(|r| r.host.clone()).collect(),
                    out: RefCell::new(Vec::new()),
                    jobs: RefCell::new(Vec::new()),
                    job_dirs: RefCell::new(0),
                };
                w.walk(&roots);
            });
        }
        drop(tx);
        for batch in rx {
            for msg in batch {
                collector.add(msg);
                progress.tick(&collector);
            }
        }
    });
    progress.finish();
    let mut facts = collector.finish(out)?;
    if let Ok(d) = started.duration_since(std::time::UNIX_EPOCH) {
        facts.started_at = Some((d.as_secs() as i64, d.subsec_nanos() as i64));
    }
    facts.content_scan = Some(reuse::content_scan_digest(
        &profile.markers,
        profile.scope.content_scan_bytes,
    ));
    Ok(facts)
}

/// A reader thread: takes batches of files until the walk ends, and sends what
/// it read of each batch to the collector.
fn read_batches(
    reader: &Reader,
    jobs: &std::sync::Mutex<std::sync::mpsc::Receiver<Vec<Job>>>,
    tx: &SyncSender<Vec<Msg>>,
) {
    let mut buf = Vec::new();
    loop {
        let batch = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(batch) = batch else {
            break;
        };
        let mut out = Vec::with_capacity(batch.len());
        for job in batch {
            read_job(reader, job, &mut buf, &mut out);
        }
        if tx.send(out).is_err() {
            break;
        }
    }
}

/// One file for a reader thread: stat'ed (or opened first, when its content is
/// read anyway: [`Reader::open_listed`]) and read; what to send goes to `out`.
fn read_job(reader: &Reader, job: Job, buf: &mut Vec<u8>, out: &mut Vec<Msg>) {
    let Job {
        mut entry,
        place,
        seen,
    } = job;
    let c = match seen {
        Some(s) => reader.read(&place, &s, buf),
        None => match reader.open_listed(&place) {
            Some(Ok((f, m))) => match refill(&mut entry, &m, &place) {
                Ok(_) => reader.read_opened(f, &m, &place, buf),
                Err(msgs) => return out.extend(msgs),
            },
            Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return out.push(Msg::Vanished(entry.host));
            }
            Some(Err(e)) => {
                return out.push(Msg::Gap(Gap {
                    path: PathRef::of(&entry.host),
                    kind: entry.kind,
                    what: GapKind::Content,
                    error: read::io_message(&e),
                }));
            }
            None => match restat(&mut entry, &place) {
                Ok(s) => reader.read(&place, &s, buf),
                Err(msgs) => return out.extend(msgs),
            },
        },
    };
    if c.problem == Some(read::ReadProblem::Vanished) {
        out.push(Msg::Vanished(entry.host));
    } else {
        entry.content = Some(c);
        out.push(Msg::Entry(entry));
    }
}

/// Stats a file the listing said is a regular file (relative to its folder) and
/// fills its entry in; what to send instead when it is gone or no longer a
/// regular file (a race with someone changing the share).
fn restat(entry: &mut collect::Entry, place: &Place) -> Result<Seen, Vec<Msg>> {
    let m = match place.metadata() {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(vec![Msg::Vanished(std::mem::take(&mut entry.host))]);
        }
        Err(e) => {
            return Err(vec![Msg::Gap(Gap {
                path: PathRef::of(&entry.host),
                kind: entry.kind,
                what: GapKind::Content,
                error: read::io_message(&e),
            })]);
        }
    };
    refill(entry, &m, place)
}

/// Fills in the entry of a file listed as a regular file from its metadata `m`
/// (`fstatat`, or `fstat` of the file opened first); what to send instead when it
/// is no longer a regular file.
fn refill(entry: &mut collect::Entry, m: &Meta, place: &Place) -> Result<Seen, Vec<Msg>> {
    let mut fresh = collect::Entry::new(std::mem::take(&mut entry.host), entry.kind, m);
    fresh.name_markers = std::mem::take(&mut entry.name_markers);
    fresh.dir_markers = std::mem::take(&mut entry.dir_markers);
    fresh.discard = entry.discard;
    fresh.others_x = entry.others_x;
    *entry = fresh;
    if m.is_file() {
        return Ok(Seen::of(m));
    }
    // Replaced since it was listed: reported as what it is now; a folder is not
    // walked (it was not there when its parent was listed), which is a gap.
    let mut msgs = Vec::new();
    if m.is_dir() {
        entry.acl = Some(acl::read_place(place).map_err(|e| read::io_message(&e)));
        msgs.push(Msg::Gap(Gap {
            path: PathRef::of(&entry.host),
            kind: entry.kind,
            what: GapKind::Dir,
            error: crate::rootfs::dirs::REPLACED_BY_DIR.into(),
        }));
    }
    let e = std::mem::replace(entry, collect::Entry::new(Vec::new(), entry.kind, m));
    msgs.push(Msg::Entry(Box::new(e)));
    Err(msgs)
}

struct Walker<'a> {
    fs: &'a RootFs,
    excluder: Excluder,
    markers: Arc<Markers>,
    cross: bool,
    tx: SyncSender<Vec<Msg>>,
    job_tx: SyncSender<Vec<Job>>,
    /// Every root's host path: a root met inside another is walked as itself.
    roots: Vec<Vec<u8>>,
    /// Regular files are stat'ed by the reader threads (in parallel), not here.
    lazy: bool,
    /// Messages and files not yet handed on (sent in batches).
    out: RefCell<Vec<Msg>>,
    jobs: RefCell<Vec<Job>>,
    /// Distinct folders the files in `jobs` are in.
    job_dirs: RefCell<usize>,
}

/// Reader threads when `--jobs` is not given: one per core (at least 2, so a slow
/// file does not hold the others up), at most 16.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 16)
}

/// One walk root on the way down.
struct Descent<'r> {
    root: &'r WalkRoot,
    root_dev: u64,
    /// The folders above the root (their names count as folder names).
    above: DirState,
    /// The root's own name.
    name: Vec<u8>,
    /// The folders from the root down to the current entry's parent.
    stack: Vec<DirState>,
}

/// The state of a directory on the way down, for its descendants.
#[derive(Clone, Default)]
struct DirState {
    /// Markers in this directory's name or any ancestor's.
    markers: Vec<u16>,
    /// This or an ancestor is a temporary/discard folder.
    discard: bool,
    /// Others may enter this directory and all above it down from the root.
    others_x: bool,
    dev: u64,
    ino: u64,
    host: Vec<u8>,
}

/// The host path of `suffix` (the part of a real path below a root) under the
/// root's host path.
pub(crate) fn join_host(root: &[u8], suffix: &[u8]) -> Vec<u8> {
    if suffix.is_empty() {
        return root.to_vec();
    }
    if root == b"/" {
        return suffix.to_vec();
    }
    [root, suffix].concat()
}

impl Walker<'_> {
    fn send(&self, m: Msg) {
        let mut out = self.out.borrow_mut();
        out.push(m);
        if out.len() >= BATCH {
            let full = std::mem::replace(&mut *out, Vec::with_capacity(BATCH));
            let _ = self.tx.send(full);
        }
    }

    /// Queues a file for the readers; a batch goes when full or when it holds
    /// files of [`BATCH_DIRS`] folders.
    fn job(&self, job: Job) {
        let mut jobs = self.jobs.borrow_mut();
        let mut dirs = self.job_dirs.borrow_mut();
        let same = match (jobs.last().map(|j| &j.place), &job.place) {
            (Some(Place::At(a, _)), Place::At(b, _)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        if !same {
            *dirs += 1;
        }
        jobs.push(job);
        if jobs.len() >= BATCH || *dirs >= BATCH_DIRS {
            // The next batch gets its room at once (not grown one doubling at a time).
            let full = std::mem::replace(&mut *jobs, Vec::with_capacity(BATCH));
            let _ = self.job_tx.send(full);
            *dirs = 0;
        }
    }

    /// Hands on everything queued.
    fn flush(&self) {
        let jobs = std::mem::take(&mut *self.jobs.borrow_mut());
        *self.job_dirs.borrow_mut() = 0;
        if !jobs.is_empty() {
            let _ = self.job_tx.send(jobs);
        }
        let out = std::mem::take(&mut *self.out.borrow_mut());
        if !out.is_empty() {
            let _ = self.tx.send(out);
        }
    }

    /// Walks every root, then hands on what is still queued.
    fn walk(&self, roots: &[WalkRoot]) {
        for r in roots {
            self.walk_root(r);
        }
        self.flush();
    }

    fn walk_root(&self, root: &WalkRoot) {
        let Some((mut start, root_dev)) = self.open_root(root) else {
            return;
        };
        // The walk's paths are only shown, never opened (it goes through
        // descriptors): started at the host path, its entries' paths are host
        // paths, with no join per entry. PATH_MAX still counts the real path
        // (docs/file-shares.md): an entry's real path is longer by the difference
        // of the two roots without a trailing `/` (`/` joins without one more).
        let bare = |p: &[u8]| p.len() - usize::from(p.ends_with(b"/"));
        let hidden = bare(start.path.as_os_str().as_bytes()).saturating_sub(bare(&root.host));
        start.path = PathBuf::from(std::ffi::OsStr::from_bytes(&root.host));
        let shown = start.path.clone();
        let mut d = self.descent(root, root_dev);
        let mut it = crate::rootfs::dirs::Walk::in_root(start)
            .lazy_files(self.lazy)
            .shown_without(hidden);
        while let Some(next) = it.next() {
            let skip = match next {
                Ok(ent) => self.visit(&mut d, ent),
                Err(e) => {
                    self.walk_error(&d, &shown, e);
                    false
                }
            };
            if skip {
                it.skip_current_dir();
            }
        }
    }

    /// A walk root found under --root and its device; `None` (and the root's
    /// problem sent) when it is excluded, missing or unreadable.
    fn open_root(&self, root: &WalkRoot) -> Option<(crate::rootfs::locate::InRoot, u64)> {
        let pr = PathRef::of(&root.host);
        let info = |error: Option<String>, missing: bool| RootInfo {
            path: pr.clone(),
            kind: root.kind,
            error,
            missing,
        };
        if self
            .excluder
            .excluded(Path::new(std::ffi::OsStr::from_bytes(&root.host)))
        {
            self.send(Msg::Root(info(
                Some("excluded by scope.exclude".into()),
                false,
            )));
            return None;
        }
        // Found through descriptors from --root, one component at a time: a
        // component swapped for a link meanwhile never leads the walk out of it.
        let host_path = Path::new(std::ffi::OsStr::from_bytes(&root.host));
        let (start, meta) = match self.fs.locate(host_path, true).and_then(|at| {
            let m = at.metadata()?;
            Ok((at, m))
        }) {
            Ok(x) => x,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && root.kind == RootKind::Asset => {
                self.send(Msg::Root(info(None, true)));
                return None;
            }
            Err(e) => {
                self.root_failed(root, &pr, read::io_message(&e));
                return None;
            }
        };
        self.send(Msg::Root(info(None, false)));
        Some((start, meta.dev()))
    }

    /// The start of a root's descent: the folders above the root, whose names
    /// count as parent directory names.
    fn descent<'r>(&self, root: &'r WalkRoot, root_dev: u64) -> Descent<'r> {
        let mut above = DirState {
            others_x: true,
            ..DirState::default()
        };
        let comps: Vec<&[u8]> = root
            .host
            .split(|b| *b == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        for c in comps.iter().take(comps.len().saturating_sub(1)) {
            for m in self.markers.in_name(c) {
                if !above.markers.contains(&m) {
                    above.markers.push(m);
                }
            }
            above.discard |= is_discard_dir(c);
        }
        Descent {
            root,
            root_dev,
            above,
            name: comps.last().copied().unwrap_or(b"").to_vec(),
            stack: Vec::new(),
        }
    }

    /// A folder that could not be listed (or the root itself, or a path gone).
    fn walk_error(&self, d: &Descent, start: &Path, e: crate::rootfs::dirs::Error) {
        // The walk's paths are host paths (see `walk_root`).
        let host = e.path().unwrap_or(start).as_os_str().as_bytes().to_vec();
        let io = e.io_error();
        if io.is_some_and(|i| i.kind() == std::io::ErrorKind::NotFound) {
            return self.send(Msg::Vanished(host));
        }
        let msg = io.map(read::io_message).unwrap_or_else(|| e.to_string());
        if e.depth() == 0 {
            // One entry per unread path: the root's own gap says it all.
            return self.root_failed(d.root, &PathRef::of(&host), msg);
        }
        self.send(Msg::Gap(Gap {
            path: PathRef::of(&host),
            kind: d.root.kind,
            what: GapKind::Dir,
            error: msg,
        }));
    }

    /// One entry of the walk: sent (a regular file to the readers first); true
    /// when it is a folder not to be entered.
    fn visit(&self, d: &mut Descent, mut ent: crate::rootfs::dirs::Entry) -> bool {
        let depth = ent.depth();
        d.stack.truncate(depth);
        // Listed as a regular file: stat'ed by the reader thread that reads it.
        let lazy = ent.listed_file();
        let meta = if lazy {
            Ok(Meta::default())
        } else {
            ent.metadata()
        };
        // The walk's paths are host paths (see `walk_root`).
        let (path, place) = ent.into_parts();
        let host = std::os::unix::ffi::OsStringExt::into_vec(path.into_os_string());
        let meta = match meta {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.send(Msg::Vanished(host));
                return false;
            }
            Err(e) => {
                self.send(Msg::Gap(Gap {
                    path: PathRef::of(&host),
                    kind: d.root.kind,
                    what: GapKind::Content,
                    error: read::io_message(&e),
                }));
                return false;
            }
        };
        let hp = Path::new(std::ffi::OsStr::from_bytes(&host));
        if depth > 0 && meta.is_dir() && self.roots.contains(&host) {
            // Walked as its own root (a share inside a `--scan` path).
            return true;
        }
        if depth > 0 && self.excluder.excluded(hp) {
            self.send(Msg::Excluded);
            return meta.is_dir();
        }
        let parent = if depth == 0 {
            &d.above
        } else {
            &d.stack[depth - 1]
        };
        let name = match &place {
            Place::At(_, name) if depth > 0 => name.to_bytes(),
            _ => d.name.as_slice(),
        };
        let name_markers = self.markers.in_name(name);
        let discard_name = meta.is_dir() && is_discard_dir(name);
        let mut entry = Box::new(collect::Entry::new(host, d.root.kind, &meta));
        entry.dir_markers = parent.markers.clone();
        entry.discard = parent.discard;
        entry.others_x = parent.others_x;
        let ft = meta.file_type();
        if lazy || ft.is_file() {
            entry.name_markers = name_markers;
            let seen = (!lazy).then(|| Seen::of(&meta));
            self.job(Job { entry, place, seen });
            return false;
        }
        if !ft.is_dir() {
            // A link's target is not read: readlink(2) stamps the link's access
            // time (no O_NOATIME for it), and the audit changes nothing it audits.
            entry.name_markers = name_markers;
            self.send(Msg::Entry(entry));
            return false;
        }
        entry.name_markers = name_markers.clone();
        entry.acl = Some(acl::read_place(&place).map_err(|e| read::io_message(&e)));
        self.enter_dir(d, entry, name_markers, &meta, discard_name)
    }

    /// A folder: sent (with its ACL), and the state its entries inherit pushed;
    /// true when it is not entered (a loop, another filesystem, pruned).
    fn enter_dir(
        &self,
        d: &mut Descent,
        entry: Box<collect::Entry>,
        name_markers: Vec<u16>,
        meta: &Meta,
        discard_name: bool,
    ) -> bool {
        let depth = d.stack.len();
        let host = entry.host.clone();
        self.send(Msg::Entry(entry));
        // Loops (bind mounts): the same directory as an ancestor.
        if let Some(anc) = d
            .stack
            .iter()
            .find(|s| s.dev == meta.dev() && s.ino == meta.ino())
        {
            self.send(Msg::Loop(host, anc.host.clone()));
            return true;
        }
        if depth > 0 && meta.dev() != d.root_dev && !self.cross {
            self.send(Msg::Gap(Gap {
                path: PathRef::of(&host),
                kind: d.root.kind,
                what: GapKind::OtherFilesystem,
                error: "another filesystem is mounted here; not walked (use --cross-filesystems, or exclude it)".into(),
            }));
            return true;
        }
        if depth > 0
            && self
                .excluder
                .prunes(Path::new(std::ffi::OsStr::from_bytes(&host)))
        {
            self.send(Msg::Excluded);
            return true;
        }
        let parent = d.stack.last().unwrap_or(&d.above);
        let mut markers = parent.markers.clone();
        for m in name_markers {
            if !markers.contains(&m) {
                markers.push(m);
            }
        }
        let st = DirState {
            markers,
            discard: parent.discard || discard_name,
            others_x: parent.others_x && meta.mode() & 0o001 != 0,
            dev: meta.dev(),
            ino: meta.ino(),
            host,
        };
        d.stack.push(st);
        false
    }

    fn root_failed(&self, root: &WalkRoot, pr: &PathRef, error: String) {
        self.send(Msg::Root(RootInfo {
            path: pr.clone(),
            kind: root.kind,
            error: Some(error.clone()),
            missing: false,
        }));
        self.send(Msg::Gap(Gap {
            path: pr.clone(),
            kind: root.kind,
            what: GapKind::Root,
            error,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_path_ref_is_the_one_of_its_bytes() {
        let mut r = PathRef::default();
        for bytes in [&b"/srv/caf\xe9"[..], b"/srv/a", b"/srv/\xff\xfe", b"/"] {
            r.set(bytes);
            assert_eq!(r, PathRef::of(bytes), "{bytes:?}");
        }
        assert_eq!(r.b64, None);
    }

    #[test]
    fn roots_are_normalised_deduplicated_and_include_asset_bases() {
        assert_eq!(normalize(b"/a//b/./c/../d/"), b"/a/b/d");
        assert_eq!(normalize(b"/.."), b"/");
        let mut p = Profile::empty();
        p.scope.shares = vec!["/srv/share".into(), "/srv/share/design".into()];
        p.assets = vec![crate::profile::Asset {
            paths: vec![
                "/srv/share/design/**".into(),
                "/data/cad/**/*.dwg".into(),
                "/**/*.pdf".into(),
                "D:\\Share\\**".into(),
            ],
            ..Default::default()
        }];
        let got = root_kinds(&p, &[b"/home".to_vec(), b"/srv/share/x".to_vec()]);
        assert_eq!(
            got,
            [
                ("/data/cad".to_string(), RootKind::Asset),
                ("/home".to_string(), RootKind::Scan),
                ("/srv/share".to_string(), RootKind::Share),
            ]
        );
        assert_eq!(join_host(b"/", b"/a"), b"/a");
        assert_eq!(join_host(b"/srv", b"/a"), b"/srv/a");
    }

    /// The roots an audit walks for `p` and `--scan` paths, as (host path, kind).
    fn root_kinds(p: &Profile, scans: &[Vec<u8>]) -> Vec<(String, RootKind)> {
        audit_roots(p, scans)
            .iter()
            .map(|r| (String::from_utf8(r.host.clone()).unwrap(), r.kind))
            .collect()
    }

    #[test]
    fn a_share_inside_a_scanned_path_stays_a_root_of_its_own() {
        let mut p = Profile::empty();
        p.scope.shares = vec!["/srv/share".into(), "/srv/share/sub".into()];
        let got = root_kinds(&p, &[b"/srv".to_vec(), b"/srv/share/sub/x".to_vec()]);
        assert_eq!(
            got,
            [
                ("/srv".to_string(), RootKind::Scan),
                ("/srv/share".to_string(), RootKind::Share),
            ]
        );
        let same = dedupe_roots(vec![
            WalkRoot {
                host: b"/srv".to_vec(),
                kind: RootKind::Scan,
            },
            WalkRoot {
                host: b"/srv".to_vec(),
                kind: RootKind::Share,
            },
        ]);
        assert_eq!(same.len(), 1);
        assert_eq!(same[0].kind, RootKind::Share);

        // An asset's folder outside the shares is walked whole, whatever --scan says.
        p.assets = vec![crate::profile::Asset {
            paths: vec!["/data/cad/*.dwg".into()],
            ..Default::default()
        }];
        for (scans, want) in [
            (
                vec![b"/data/cad/sub".to_vec()],
                vec![("/data/cad", RootKind::Asset)],
            ),
            (
                vec![b"/data".to_vec()],
                vec![("/data", RootKind::Scan), ("/data/cad", RootKind::Asset)],
            ),
        ] {
            let got: Vec<(String, RootKind)> = audit_roots(&p, &scans)
                .iter()
                .filter(|r| r.host.starts_with(b"/data"))
                .map(|r| (String::from_utf8(r.host.clone()).unwrap(), r.kind))
                .collect();
            let want: Vec<(String, RootKind)> =
                want.into_iter().map(|(h, k)| (h.to_string(), k)).collect();
            assert_eq!(got, want);
        }
    }
}
