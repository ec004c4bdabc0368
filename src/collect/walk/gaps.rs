//! Walk problems that leave facts unknown (`Gap`s), in bounded memory: every one
//! counted exactly per (what it hides, root kind), the first [`KEPT`] of each by
//! path kept; the same for the problems at, above or below an asset's base folder
//! (the only ones that can hide a protected file), and per asset the exact count
//! of each sort. The items decide from the counts (never from the samples), so a
//! share with a million unreadable files gives the same verdicts, counts and first
//! paths as if every gap were kept. See docs/file-shares.md ("Walk problems").

use super::findings::{KEPT, Sample};
use super::{Gap, GapKind, RootKind};

const WHATS: [GapKind; 6] = [
    GapKind::Root,
    GapKind::Dir,
    GapKind::OtherFilesystem,
    GapKind::Content,
    GapKind::Hash,
    GapKind::Acl,
];
/// Every sort of gap but a mount point not entered: paths that were not read.
pub const UNREAD: &[GapKind] = &[
    GapKind::Root,
    GapKind::Dir,
    GapKind::Content,
    GapKind::Hash,
    GapKind::Acl,
];
/// Every sort of gap.
pub const ALL: &[GapKind] = &WHATS;
/// Every root kind.
pub const KINDS: &[RootKind; NKINDS] = &[RootKind::Share, RootKind::Asset, RootKind::Scan];
const NKINDS: usize = 3;

fn slot(what: GapKind, kind: RootKind) -> usize {
    let w = WHATS.iter().position(|x| *x == what).unwrap_or(0);
    let k = KINDS.iter().position(|x| *x == kind).unwrap_or(0);
    w * NKINDS + k
}

/// Gaps counted and sampled per (what, root kind).
#[derive(Clone, Debug)]
struct Buckets([Sample<Gap>; WHATS.len() * NKINDS]);

impl Default for Buckets {
    fn default() -> Self {
        Buckets(std::array::from_fn(|_| Sample::default()))
    }
}

impl Buckets {
    fn push(&mut self, g: Gap) {
        self.0[slot(g.what, g.kind)].push(g);
    }

    fn finish(&mut self) {
        for s in &mut self.0 {
            s.finish();
        }
    }

    fn select(&self, what: &[GapKind], kinds: &[RootKind]) -> Selected<'_> {
        let mut count = 0;
        let mut sample: Vec<&Gap> = Vec::new();
        for w in what {
            for k in kinds {
                let s = &self.0[slot(*w, *k)];
                count += s.len() as u64;
                sample.extend(s.iter());
            }
        }
        sample.sort();
        sample.dedup_by(|a, b| std::ptr::eq(*a, *b));
        sample.truncate(KEPT);
        Selected { count, sample }
    }
}

/// Gaps of some sorts under roots of some kinds: how many, and the first
/// [`KEPT`] by path (then by what they hide).
#[derive(Debug)]
pub struct Selected<'a> {
    pub count: u64,
    pub sample: Vec<&'a Gap>,
}

impl Selected<'_> {
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Counted but not in the sample.
    pub fn more(&self) -> u64 {
        self.count - self.sample.len() as u64
    }
}

/// Every walk problem, counted; the first of each sort kept (see the module doc).
#[derive(Clone, Debug, Default)]
pub struct GapSet {
    all: Buckets,
    /// Only those at, above or below a base folder of some asset.
    near_assets: Buckets,
    /// The base folders of each asset (register order): `ShareFacts::asset_bases`.
    bases: Vec<Vec<String>>,
    /// Per asset, per `WHATS`: gaps at, above or below one of its base folders.
    per_asset: Vec<[u64; WHATS.len()]>,
}

impl GapSet {
    /// An empty set for assets with these base folders.
    pub fn new(bases: Vec<Vec<String>>) -> GapSet {
        GapSet {
            per_asset: vec![[0; WHATS.len()]; bases.len()],
            bases,
            ..GapSet::default()
        }
    }

    /// Counts one gap and keeps it while it may be among the first of its sort.
    pub fn push(&mut self, g: Gap) {
        let w = WHATS.iter().position(|x| *x == g.what).unwrap_or(0);
        let mut near = false;
        for (i, bases) in self.bases.iter().enumerate() {
            if bases.iter().any(|b| related(&g.path.path, b)) {
                self.per_asset[i][w] += 1;
                near = true;
            }
        }
        if near {
            self.near_assets.push(g.clone());
        }
        self.all.push(g);
    }

    /// Sorts the kept gaps and drops all but the first of each sort.
    pub fn finish(&mut self) {
        self.all.finish();
        self.near_assets.finish();
    }

    /// Gaps of one of `what`, under roots of one of `kinds`.
    pub fn select(&self, what: &[GapKind], kinds: &[RootKind]) -> Selected<'_> {
        self.all.select(what, kinds)
    }

    /// Like [`GapSet::select`], only those at, above or below a base folder of
    /// any asset.
    pub fn near_assets(&self, what: &[GapKind], kinds: &[RootKind]) -> Selected<'_> {
        self.near_assets.select(what, kinds)
    }

    /// Gaps of one of `what` at, above or below a base folder of asset `i`
    /// (whatever the root kind).
    pub fn near_asset(&self, i: usize, what: &[GapKind]) -> u64 {
        let Some(counts) = self.per_asset.get(i) else {
            return 0;
        };
        WHATS
            .iter()
            .zip(counts)
            .filter(|(w, _)| what.contains(w))
            .map(|(_, n)| n)
            .sum()
    }

    /// Every gap, of every sort.
    pub fn total(&self) -> u64 {
        self.select(&WHATS, KINDS).count
    }

    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }
}

/// Is one of host paths `a`, `b` at or below the other (as reports print them)?
fn related(a: &str, b: &str) -> bool {
    under(a, b) || under(b, a)
}

/// Is host path `p` at or below folder `dir`?
pub fn under(p: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    p == dir || dir.is_empty() || p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::walk::PathRef;

    fn gap(path: &str, what: GapKind, kind: RootKind) -> Gap {
        Gap {
            path: PathRef::of(path.as_bytes()),
            kind,
            what,
            error: "Permission denied (os error 13)".into(),
        }
    }

    /// Thousands of unreadable folders near two assets (and elsewhere): every
    /// count exact, per asset and near any asset, and the first by path kept.
    #[test]
    fn gaps_are_counted_per_sort_and_per_asset_and_the_first_by_path_kept() {
        let mut s = GapSet::new(vec![
            vec!["/srv/share/design".into()],
            vec!["/srv/share/qa".into(), "/data/cad".into()],
            vec!["/srv/share/empty".into()],
        ]);
        let n = 3 * KEPT + 11;
        for i in (0..n).rev() {
            s.push(gap(
                &format!("/srv/share/design/d{i:05}"),
                GapKind::Dir,
                RootKind::Share,
            ));
            s.push(gap(
                &format!("/data/cad/f{i:05}"),
                GapKind::Content,
                RootKind::Asset,
            ));
            s.push(gap(
                &format!("/srv/share/other/d{i:05}"),
                GapKind::Dir,
                RootKind::Share,
            ));
        }
        // Above every asset's folder: hides all of them.
        s.push(gap("/srv", GapKind::Root, RootKind::Share));
        s.finish();
        let n = n as u64;
        assert_eq!(s.total(), 3 * n + 1);
        let dirs = [GapKind::Root, GapKind::Dir, GapKind::OtherFilesystem];
        assert_eq!(s.near_asset(0, &dirs), n + 1);
        assert_eq!(s.near_asset(1, &dirs), 1);
        assert_eq!(s.near_asset(1, &[GapKind::Content]), n);
        assert_eq!(s.near_asset(2, &dirs), 1);
        assert_eq!(s.near_asset(2, &[GapKind::Dir]), 0);
        assert_eq!(s.near_asset(7, &dirs), 0);

        let all = s.select(&dirs, KINDS);
        assert_eq!(all.count, 2 * n + 1);
        assert_eq!(all.sample.len(), KEPT);
        assert_eq!(all.more(), 2 * n + 1 - KEPT as u64);
        assert_eq!(all.sample[0].path.path, "/srv");
        assert_eq!(all.sample[1].path.path, "/srv/share/design/d00000");
        let near = s.near_assets(&dirs, KINDS);
        assert_eq!(near.count, n + 1);
        assert!(
            near.sample
                .iter()
                .all(|g| !g.path.path.starts_with("/srv/share/other"))
        );
        let cad = s.near_assets(&[GapKind::Content], &[RootKind::Asset]);
        assert_eq!(cad.count, n);
        assert_eq!(cad.sample[0].path.path, "/data/cad/f00000");
        assert_eq!(
            cad.sample[KEPT - 1].path.path,
            format!("/data/cad/f{:05}", KEPT - 1)
        );
        assert!(s.select(&[GapKind::Acl], KINDS).is_empty());
        assert_eq!(s.select(&dirs, &[RootKind::Scan]).count, 0);
    }

    /// A gap at a path that is not an asset's folder but shares its prefix
    /// (`/srv/share/designs` next to `/srv/share/design`) hides nothing of it.
    #[test]
    fn a_sibling_with_the_same_prefix_is_not_near_an_asset() {
        let mut s = GapSet::new(vec![vec!["/srv/share/design".into()]]);
        s.push(gap("/srv/share/designs", GapKind::Dir, RootKind::Share));
        s.finish();
        assert_eq!(s.near_asset(0, &[GapKind::Dir]), 0);
        assert!(s.near_assets(&[GapKind::Dir], KINDS).is_empty());
        assert_eq!(s.select(&[GapKind::Dir], KINDS).count, 1);
    }
}
