//! The collecting side of the walk: turns each entry into an inventory line,
//! counts, and hands each regular file to the per-file checks it was given
//! (`check.rs`), keeping only what they report.

use super::acl::Acl;
use super::check::{FileCheck, FileFacts, SameContent, WalkContext};
use super::classify::{AssetMatcher, Hit, Where};
use super::findings::{FindingSet, FindingsList, sort_key};
use super::line::{Line, MarkerOut};
use super::read::{Content, ReadProblem};
use super::sort::Sorter;
use super::{Finding, Gap, GapKind, Msg, PathRef, RootKind, ShareFacts};
use crate::collect::accounts::Accounts;
use crate::profile::Profile;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    File,
    Dir,
    Symlink,
    Special,
}

impl FileType {
    fn code(self) -> &'static str {
        match self {
            FileType::File => "file",
            FileType::Dir => "dir",
            FileType::Symlink => "symlink",
            FileType::Special => "special",
        }
    }
}

/// One walked entry with what the walker and (for files) a reader found.
pub struct Entry {
    pub host: Vec<u8>,
    pub kind: RootKind,
    pub ftype: FileType,
    pub size: u64,
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub name_markers: Vec<u16>,
    pub dir_markers: Vec<u16>,
    /// Under a temporary/discard folder.
    pub discard: bool,
    /// Every directory from the walk root down to the parent has o+x.
    pub others_x: bool,
    /// The ACL of a non-file entry (files: in `content`).
    pub acl: Option<Result<Option<Acl>, String>>,
    pub content: Option<Content>,
    pub target: Option<Vec<u8>>,
}

impl Entry {
    pub fn new(host: Vec<u8>, kind: RootKind, m: &crate::rootfs::dirs::Meta) -> Entry {
        let ft = m.file_type();
        Entry {
            host,
            kind,
            ftype: if ft.is_file() {
                FileType::File
            } else if ft.is_dir() {
                FileType::Dir
            } else if ft.is_symlink() {
                FileType::Symlink
            } else {
                FileType::Special
            },
            size: m.size(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            uid: m.uid(),
            gid: m.gid(),
            name_markers: Vec::new(),
            dir_markers: Vec::new(),
            discard: false,
            others_x: false,
            acl: None,
            content: None,
            target: None,
        }
    }
}

impl Entry {
    /// The ACL read for it (a file's in its content), if it was read.
    fn acl_result(&self) -> Option<&Result<Option<Acl>, String>> {
        self.content.as_ref().map(|c| &c.acl).or(self.acl.as_ref())
    }

    /// The markers found in its name, its folders' names and its content.
    fn hits(&self) -> Vec<Hit> {
        let name = self.name_markers.iter().map(|m| (*m, Where::Name));
        let dirs = self.dir_markers.iter().map(|m| (*m, Where::Directory));
        let content = self
            .content
            .iter()
            .flat_map(|c| c.markers.iter().map(|m| (*m, Where::Content)));
        name.chain(dirs)
            .chain(content)
            .map(|(marker, place)| Hit { marker, place })
            .collect()
    }

    /// What the per-file checks see of it: a regular file, or a folder of an
    /// asset (`hits` empty, `content_unknown` false).
    fn facts<'b>(
        &'b self,
        run: &'b WalkContext<'b>,
        path: &'b PathRef,
        assets: &'b [usize],
        label: Option<&'b str>,
        hits: &'b [Hit],
        content_unknown: bool,
    ) -> FileFacts<'b> {
        let acl_res = self.acl_result();
        FileFacts {
            run,
            host: &self.host,
            path,
            kind: self.kind,
            size: self.size,
            mode: self.mode,
            uid: self.uid,
            gid: self.gid,
            assets,
            label,
            hits,
            discard: self.discard,
            others_x: self.others_x,
            acl: acl_of(acl_res),
            acl_unknown: matches!(acl_res, Some(Err(_))),
            content_unknown,
        }
    }
}

/// The ACL itself, when it was read and there is one.
fn acl_of(r: Option<&Result<Option<Acl>, String>>) -> Option<&Acl> {
    r.and_then(|r| r.as_ref().ok()).and_then(|a| a.as_ref())
}

/// The protected file that copies of its content are reported against (the first
/// such file by path): its host path and its first asset (register index). Kept
/// small: an audit holds one per distinct protected content.
#[derive(Clone, Debug)]
pub struct Original {
    host: Box<[u8]>,
    asset: u32,
}

pub struct Collector<'a> {
    run: WalkContext<'a>,
    checks: &'a [&'a dyn FileCheck],
    /// What the checks reported.
    kept: Kept,
    matcher: AssetMatcher,
    labels: Vec<String>,
    scratch: Vec<usize>,
    facts: ShareFacts,
    sorter: Option<Sorter>,
    /// SHA-256 of a protected file → its path and asset (the original of copies).
    protected: HashMap<[u8; 32], Original>,
    /// Non-empty hashed files outside the assets, spilled: hash, root kind, path.
    candidates: Option<BufWriter<std::fs::File>>,
    /// An inventory line being serialised (reused).
    line: Vec<u8>,
    /// The path of the entry being added (reused).
    path: PathRef,
}

/// What the checks reported, and the first error recording it.
struct Kept {
    /// Per check, in the order of the checks: counts and the first by path.
    sets: Vec<FindingSet>,
    /// What one check reports for one file (reused).
    batch: Vec<Finding>,
    /// Every finding, sorted on the way to `findings.jsonl`, when asked for.
    list: FindingsList,
    error: Option<io::Error>,
}

impl Kept {
    /// Runs every check's `on_file` (or `on_dir`) on one entry and keeps what
    /// they report.
    fn check(&mut self, checks: &[&dyn FileCheck], facts: &FileFacts, dir: bool) {
        for (check, set) in checks.iter().zip(self.sets.iter_mut()) {
            if dir {
                check.on_dir(facts, &mut self.batch);
            } else {
                check.on_file(facts, &mut self.batch);
            }
            if let Err(err) = keep(check.id(), facts.kind, &mut self.batch, set, &mut self.list) {
                self.error.get_or_insert(err);
            }
        }
    }
}

impl<'a> Collector<'a> {
    /// A collector that calls `checks` for every regular file.
    pub fn new(
        profile: &'a Profile,
        accounts: Option<&'a Accounts>,
        checks: &'a [&'a dyn FileCheck],
        hashing: bool,
        inventory: bool,
    ) -> Collector<'a> {
        let matcher = AssetMatcher::new(&profile.assets);
        let facts = ShareFacts {
            hashing,
            asset_files: vec![0; profile.assets.len()],
            asset_has_posix: matcher.has_posix.clone(),
            asset_bases: matcher.bases.clone(),
            gaps: super::gaps::GapSet::new(matcher.bases.clone()),
            accounts_missing: accounts.is_none(),
            ..ShareFacts::default()
        };
        Collector {
            run: WalkContext::new(profile, accounts),
            checks,
            kept: Kept {
                sets: checks.iter().map(|_| FindingSet::default()).collect(),
                batch: Vec::new(),
                list: FindingsList::default(),
                error: None,
            },
            labels: profile.assets.iter().map(|a| a.label()).collect(),
            matcher,
            scratch: Vec::new(),
            facts,
            sorter: inventory.then(Sorter::new),
            protected: HashMap::new(),
            candidates: None,
            line: Vec::new(),
            path: PathRef::default(),
        }
    }

    /// Records every finding for `findings.jsonl` (`ShareFacts::findings_list`).
    pub fn list_findings(&mut self, on: bool) {
        if on && !self.kept.list.recording() {
            self.kept.list = FindingsList::new();
        }
    }

    /// Protected contents known from an earlier walk (watch mode examines one file
    /// at a time and still finds copies of any protected file).
    pub fn seed_protected(&mut self, known: HashMap<[u8; 32], Original>) {
        self.protected = known;
    }

    pub fn entries(&self) -> u64 {
        let c = &self.facts.counts;
        c.files + c.dirs + c.symlinks + c.special
    }

    pub fn add(&mut self, msg: Msg) {
        match msg {
            Msg::Root(r) => self.facts.roots.push(r),
            Msg::Gap(g) => self.facts.gaps.push(g),
            Msg::Vanished(h) => self.facts.vanished.push(PathRef::of(&h)),
            Msg::Loop(a, b) => self.facts.loops.push((PathRef::of(&a), PathRef::of(&b))),
            Msg::Excluded => self.facts.excluded += 1,
            Msg::Entry(e) => {
                if let Err(err) = self.entry(*e) {
                    self.kept.error.get_or_insert(err);
                }
            }
        }
    }

    fn entry(&mut self, e: Entry) -> io::Result<()> {
        let mut pr = std::mem::take(&mut self.path);
        pr.set(&e.host);
        let r = self.entry_at(&e, &pr);
        self.path = pr;
        r
    }

    fn entry_at(&mut self, e: &Entry, pr: &PathRef) -> io::Result<()> {
        let hp = Path::new(std::ffi::OsStr::from_bytes(&e.host));
        let assets = self.matcher.matches(hp, &mut self.scratch);
        let acl_res = e.acl_result();
        let hits = e.hits();
        match e.ftype {
            FileType::Dir => {
                self.facts.counts.dirs += 1;
                self.dir(e, pr, assets.clone());
            }
            FileType::Symlink => self.facts.counts.symlinks += 1,
            FileType::Special => self.facts.counts.special += 1,
            FileType::File => self.file(e, pr, &assets, &hits),
        }
        if let Some(Err(err)) = acl_res {
            self.facts.gaps.push(Gap {
                path: pr.clone(),
                kind: e.kind,
                what: GapKind::Acl,
                error: format!("ACL: {err}"),
            });
        }
        if self.sorter.is_some() {
            self.inventory_line(e, pr, &assets, &hits)?;
        }
        Ok(())
    }

    /// The entry's inventory line, on its way through the sort to the output.
    fn inventory_line(
        &mut self,
        e: &Entry,
        pr: &PathRef,
        assets: &[usize],
        hits: &[Hit],
    ) -> io::Result<()> {
        let content = e.content.as_ref();
        let acl_res = e.acl_result();
        let acl_lines = acl_of(acl_res)
            .filter(|a| a.extended())
            .map(|a| {
                a.render(
                    |u| self.run.user_name(u).map(String::from),
                    |g| self.run.group_name(g).map(String::from),
                )
            })
            .unwrap_or_default();
        let line = Line {
            path: &pr.path,
            path_b64: pr.b64.as_deref(),
            ftype: e.ftype.code(),
            size: e.size,
            mtime: e.mtime,
            ctime: e.ctime,
            dev: e.dev,
            ino: e.ino,
            mode: e.mode,
            uid: e.uid,
            gid: e.gid,
            user: self.run.user_name(e.uid),
            group: self.run.group_name(e.gid),
            acl: acl_lines,
            acl_error: acl_res.and_then(|r| r.as_ref().err()).map(String::as_str),
            sha256: content.and_then(|c| c.sha256),
            hash_error: content.and_then(|c| c.hash_error.as_deref()),
            asset: assets.first().map(|i| self.labels[*i].as_str()),
            markers: hits
                .iter()
                .map(|h| MarkerOut {
                    marker: &self.run.profile.markers[h.marker as usize],
                    place: h.place,
                })
                .collect(),
            target: e
                .target
                .as_ref()
                .map(|t| String::from_utf8_lossy(t).into_owned()),
        };
        // Serialised into one reused buffer; the sort copies it at its exact size.
        self.line.clear();
        line.write(&mut self.line);
        match &mut self.sorter {
            Some(s) => s.push(&e.host, &self.line),
            None => Ok(()),
        }
    }

    fn file(&mut self, e: &Entry, pr: &PathRef, assets: &[usize], hits: &[Hit]) {
        let content = e.content.as_ref();
        let sha = content.and_then(|c| c.sha256);
        self.count_file(e, pr, assets, hits);
        let label = assets.first().map(|i| self.labels[*i].as_str());
        // A file whose content could not be read may carry its marker inside.
        let content_unknown = e.size > 0
            && self.run.profile.scope.content_scan_bytes > 0
            && matches!(
                content.and_then(|c| c.problem.as_ref()),
                Some(ReadProblem::Unreadable(_))
            );
        let file = e.facts(&self.run, pr, assets, label, hits, content_unknown);
        self.kept.check(self.checks, &file, false);
        if e.size == 0 {
            return;
        }
        let Some(h) = sha else { return };
        if assets.is_empty() {
            if let Err(err) = self.candidate(&h, e.kind, &e.host) {
                self.kept.error.get_or_insert(err);
            }
            return;
        }
        // The original a copy is reported against is the first such file by path, not the
        // first one a reader thread finished: the same tree, the same report.
        let this = Original {
            host: e.host.clone().into_boxed_slice(),
            asset: assets[0] as u32,
        };
        match self.protected.entry(h) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(this);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                if pr.path.as_str() < String::from_utf8_lossy(&o.get().host).as_ref() {
                    o.insert(this);
                }
            }
        }
    }

    /// Counts a regular file (bytes, hashed, protected, marked) and the walk
    /// problems reading it left.
    fn count_file(&mut self, e: &Entry, pr: &PathRef, assets: &[usize], hits: &[Hit]) {
        let c = &mut self.facts.counts;
        c.files += 1;
        c.bytes += e.size;
        let content = e.content.as_ref();
        if content.and_then(|c| c.sha256).is_some() {
            c.hashed += 1;
            if content.is_some_and(|c| c.reused) {
                c.reused += 1;
            }
        }
        if !assets.is_empty() {
            c.protected += 1;
            for a in assets {
                self.facts.asset_files[*a] += 1;
            }
        }
        if !hits.is_empty() {
            c.marked += 1;
        }
        let (what, m) = match content.and_then(|c| c.problem.as_ref()) {
            Some(ReadProblem::Unreadable(m)) => (GapKind::Content, m),
            Some(ReadProblem::Unhashed(m)) if self.facts.hashing => (GapKind::Hash, m),
            _ => return,
        };
        self.facts.gaps.push(Gap {
            path: pr.clone(),
            kind: e.kind,
            what,
            error: m.clone(),
        });
    }

    /// Calls the checks' `on_dir` for a folder of an asset: one its paths match,
    /// or one of its base folders.
    fn dir(&mut self, e: &Entry, pr: &PathRef, mut assets: Vec<usize>) {
        for (i, bases) in self.facts.asset_bases.iter().enumerate() {
            if !assets.contains(&i) && bases.iter().any(|b| b.as_bytes() == e.host.as_slice()) {
                assets.push(i);
            }
        }
        if assets.is_empty() {
            return;
        }
        assets.sort_unstable();
        let label = assets.first().map(|i| self.labels[*i].as_str());
        let dir = e.facts(&self.run, pr, &assets, label, &[], false);
        self.kept.check(self.checks, &dir, true);
    }

    fn candidate(&mut self, h: &[u8; 32], kind: RootKind, host: &[u8]) -> io::Result<()> {
        if self.candidates.is_none() {
            self.candidates = Some(BufWriter::with_capacity(1 << 20, tempfile::tempfile()?));
        }
        let w = self.candidates.as_mut().expect("candidates");
        w.write_all(h)?;
        w.write_all(&[kind as u8])?;
        w.write_all(&(host.len() as u32).to_le_bytes())?;
        w.write_all(host)
    }

    /// Copies, sorting, and the inventory output.
    pub fn finish(mut self, out: Option<&mut dyn Write>) -> io::Result<ShareFacts> {
        if let Some(err) = self.kept.error.take() {
            return Err(err);
        }
        if let Some(w) = self.candidates.take()
            && !self.protected.is_empty()
        {
            let mut f = w.into_inner().map_err(|e| e.into_error())?;
            f.seek(io::SeekFrom::Start(0))?;
            let mut r = BufReader::with_capacity(1 << 20, f);
            let mut h = [0u8; 32];
            let mut k = [0u8; 1];
            let mut n = [0u8; 4];
            while !r.fill_buf()?.is_empty() {
                r.read_exact(&mut h)?;
                r.read_exact(&mut k)?;
                r.read_exact(&mut n)?;
                let mut host = vec![0; u32::from_le_bytes(n) as usize];
                r.read_exact(&mut host)?;
                if let Some(orig) = self.protected.get(&h) {
                    let original = PathRef::of(&orig.host);
                    let label = self.labels.get(orig.asset as usize).map(String::as_str);
                    let kind = match k[0] {
                        0 => RootKind::Share,
                        1 => RootKind::Asset,
                        _ => RootKind::Scan,
                    };
                    let copy = SameContent {
                        path: PathRef::of(&host),
                        kind,
                        original: &original,
                        asset: label.unwrap_or_default(),
                        sha256: &h,
                    };
                    let kept = &mut self.kept;
                    for (check, set) in self.checks.iter().zip(kept.sets.iter_mut()) {
                        check.on_copy(&copy, &mut kept.batch);
                        keep(check.id(), kind, &mut kept.batch, set, &mut kept.list)?;
                    }
                }
            }
        }
        let f = &mut self.facts;
        for (check, set) in self.checks.iter().zip(std::mem::take(&mut self.kept.sets)) {
            f.findings.entry(check.id()).or_default().absorb(set);
        }
        f.findings_list = std::mem::take(&mut self.kept.list);
        f.gaps.finish();
        f.vanished.finish();
        f.loops.finish();
        if let (Some(s), Some(out)) = (self.sorter.take(), out) {
            s.finish(out)?;
            out.flush()?;
        }
        self.facts.protected_hashes = std::mem::take(&mut self.protected);
        Ok(self.facts)
    }
}

/// The progress bar's text: entries walked, bytes read, bytes per second.
pub fn progress_line(entries: u64, bytes: u64, rate: u64, lang: crate::i18n::Lang) -> String {
    let (b, r) = (indicatif::HumanBytes(bytes), indicatif::HumanBytes(rate));
    let n = crate::i18n::en_n(entries, "entry", "entries");
    crate::tr!(
        "{entries} 件、{b} 読み込み、毎秒 {r}",
        "{entries} {n}, {b} read, {r}/s"
    )
    .get(lang)
    .to_string()
}

/// Counts and keeps what one check reported for one file (or one copy), and
/// records it in the full list; `batch` is left empty.
fn keep(
    item: crate::catalogue::ItemId,
    kind: RootKind,
    batch: &mut Vec<Finding>,
    set: &mut FindingSet,
    list: &mut FindingsList,
) -> io::Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    set.count_file(kind);
    let mut res = Ok(());
    for f in batch.drain(..) {
        let key = sort_key(item, &f);
        if res.is_ok() {
            res = list.push(item, &key, &f);
        }
        set.push(key, f);
    }
    res
}

/// A progress bar on stderr (files, bytes read, rate), only on a terminal.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    lang: crate::i18n::Lang,
    reader: Arc<super::read::Reader>,
    start: Instant,
    last: std::cell::Cell<Instant>,
}

impl Progress {
    pub fn new(
        wanted: bool,
        lang: crate::i18n::Lang,
        reader: Arc<super::read::Reader>,
    ) -> Progress {
        use std::io::IsTerminal;
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(Duration::from_millis(120));
            b
        });
        Progress {
            bar,
            lang,
            reader,
            start: Instant::now(),
            last: std::cell::Cell::new(Instant::now()),
        }
    }

    pub fn tick(&self, c: &Collector) {
        let Some(bar) = &self.bar else { return };
        let now = Instant::now();
        if now.duration_since(self.last.get()) < Duration::from_millis(100) {
            return;
        }
        self.last.set(now);
        let bytes = self
            .reader
            .bytes_read
            .load(std::sync::atomic::Ordering::Relaxed);
        let secs = now.duration_since(self.start).as_secs_f64().max(0.001);
        bar.set_message(progress_line(
            c.entries(),
            bytes,
            (bytes as f64 / secs) as u64,
            self.lang,
        ));
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n::Lang;

    /// Thousands of paths vanishing during a walk (a share being cleaned up
    /// while it is audited) are all counted; only the first 100 by path are kept.
    #[test]
    fn vanished_paths_and_loops_are_counted_and_the_first_by_path_kept() {
        use super::super::Msg;
        use super::super::findings::KEPT;
        let p = crate::profile::Profile::empty();
        let mut c = super::Collector::new(&p, None, &[], false, false);
        let n = 3 * KEPT + 7;
        for i in (0..n).rev() {
            c.add(Msg::Vanished(format!("/s/gone{i:05}").into_bytes()));
            c.add(Msg::Loop(
                format!("/s/d{i:05}/up").into_bytes(),
                format!("/s/d{i:05}").into_bytes(),
            ));
        }
        let f = c.finish(None).unwrap();
        assert_eq!(f.vanished.len(), n);
        assert_eq!(f.loops.len(), n);
        assert_eq!(f.vanished.more(), (n - KEPT) as u64);
        let kept: Vec<&str> = f.vanished.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(kept.len(), KEPT);
        assert_eq!(kept[0], "/s/gone00000");
        assert_eq!(kept[KEPT - 1], format!("/s/gone{:05}", KEPT - 1));
        assert_eq!(f.loops.iter().next().unwrap().1.path, "/s/d00000");
        // The report counts them all and lists the kept ones.
        let cov = crate::report::build::coverage(&f);
        assert_eq!(cov.vanished, n as u64);
        assert_eq!(cov.vanished_paths.len(), KEPT);
        assert_eq!(cov.loop_paths.len(), KEPT);
    }

    /// The progress bar speaks the run's language.
    #[test]
    fn the_progress_line_is_in_the_runs_language() {
        let ja = super::progress_line(1234, 5 * 1024 * 1024, 1024 * 1024, Lang::Ja);
        assert_eq!(ja, "1234 件、5.00 MiB 読み込み、毎秒 1.00 MiB");
        let en = super::progress_line(1234, 5 * 1024 * 1024, 1024 * 1024, Lang::En);
        assert_eq!(en, "1234 entries, 5.00 MiB read, 1.00 MiB/s");
        assert_eq!(
            super::progress_line(1, 0, 0, Lang::En),
            "1 entry, 0 B read, 0 B/s"
        );
    }
}
