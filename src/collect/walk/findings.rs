//! What the per-file checks reported, in bounded memory: every finding is
//! counted exactly (per root kind, and the files behind them), the first
//! [`KEPT`] of each item and root kind are kept for the report's evidence, and
//! the full list is streamed through an external sort into `findings.jsonl`
//! (`audit --out DIR`). See docs/file-shares.md ("Findings").
//!
//! "First" is by path: the order of [`sort_key`] (the item, then the path as
//! reports print it, its exact bytes when not UTF-8, the principal, the excerpt
//! and the English detail). The report's evidence of an item is the first lines
//! of that item in `findings.jsonl`, whatever order the reader threads finished in.

use super::sort::Sorter;
use super::{Finding, RootKind};
use crate::catalogue::ItemId;
use crate::i18n::Text;
use serde::Serialize;
use std::collections::BinaryHeap;
use std::io::{self, Write};

/// Findings of one item kept per root kind as the report's evidence.
pub const KEPT: usize = 100;

/// Buffered bytes of `findings.jsonl` lines before a sorted run goes to a temporary file.
const RUN_BYTES: usize = 8 << 20;

const KINDS: [RootKind; 3] = [RootKind::Share, RootKind::Asset, RootKind::Scan];

fn slot(k: RootKind) -> usize {
    match k {
        RootKind::Share => 0,
        RootKind::Asset => 1,
        RootKind::Scan => 2,
    }
}

/// A kept finding with its sort key.
#[derive(Debug)]
struct Keyed {
    key: Vec<u8>,
    finding: Finding,
}

impl PartialEq for Keyed {
    fn eq(&self, o: &Self) -> bool {
        self.key == o.key
    }
}
impl Eq for Keyed {}
impl PartialOrd for Keyed {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Keyed {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.key.cmp(&o.key)
    }
}

#[derive(Debug, Default)]
struct PerKind {
    count: u64,
    files: u64,
    /// The `KEPT` smallest keys (a max-heap: the largest is dropped first).
    kept: BinaryHeap<Keyed>,
}

impl PerKind {
    fn keep(&mut self, k: Keyed) {
        if self.kept.len() < KEPT {
            self.kept.push(k);
        } else if self.kept.peek().is_some_and(|top| k.key < top.key) {
            self.kept.pop();
            self.kept.push(k);
        }
    }
}

/// The findings of one item: exact counts and the first [`KEPT`] per root kind.
#[derive(Debug, Default)]
pub struct FindingSet {
    by_kind: [PerKind; 3],
}

impl FindingSet {
    /// Counts one finding and keeps it when it is among the first `KEPT` of its
    /// root kind (`key` from [`sort_key`]).
    pub fn push(&mut self, key: Vec<u8>, finding: Finding) {
        let k = &mut self.by_kind[slot(finding.kind)];
        k.count += 1;
        k.keep(Keyed { key, finding });
    }

    /// Counts a file behind one or more findings.
    pub fn count_file(&mut self, kind: RootKind) {
        self.by_kind[slot(kind)].files += 1;
    }

    /// Findings under roots of one of `kinds`.
    pub fn count(&self, kinds: &[RootKind]) -> u64 {
        self.kinds(kinds).map(|k| k.count).sum()
    }

    /// Files with at least one finding under roots of one of `kinds`.
    pub fn files(&self, kinds: &[RootKind]) -> u64 {
        self.kinds(kinds).map(|k| k.files).sum()
    }

    /// Every finding, whatever its root.
    pub fn total(&self) -> u64 {
        self.count(&KINDS)
    }

    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    /// The first [`KEPT`] findings under roots of one of `kinds`, by path.
    pub fn sample(&self, kinds: &[RootKind]) -> Vec<&Finding> {
        let mut v: Vec<&Keyed> = self.kinds(kinds).flat_map(|k| k.kept.iter()).collect();
        v.sort();
        v.into_iter().take(KEPT).map(|k| &k.finding).collect()
    }

    /// Adds another set's counts and kept findings (two checks of one item).
    pub fn absorb(&mut self, other: FindingSet) {
        for (mine, theirs) in self.by_kind.iter_mut().zip(other.by_kind) {
            mine.count += theirs.count;
            mine.files += theirs.files;
            for k in theirs.kept {
                mine.keep(k);
            }
        }
    }

    fn kinds<'a>(&'a self, kinds: &[RootKind]) -> impl Iterator<Item = &'a PerKind> + use<'a> {
        let want = KINDS.map(|k| kinds.contains(&k));
        KINDS
            .into_iter()
            .filter(move |k| want[slot(*k)])
            .map(|k| &self.by_kind[slot(k)])
    }
}

/// Walk problems of one sort (paths that vanished, filesystem loops) in bounded
/// memory, as the findings are: every one counted, the first [`KEPT`] by path kept
/// for the report (`coverage.vanished_paths`, `coverage.loop_paths`) and the
/// problem lines; the rest only counted. [`Sample::len`] is the count of all.
#[derive(Clone, Debug)]
pub struct Sample<T> {
    total: u64,
    /// At most `2 × KEPT` while collecting; the first `KEPT`, sorted, after
    /// [`Sample::finish`].
    kept: Vec<T>,
}

impl<T> Default for Sample<T> {
    fn default() -> Self {
        Sample {
            total: 0,
            kept: Vec::new(),
        }
    }
}

impl<T: Ord> Sample<T> {
    /// Counts one and keeps it while it may be among the first `KEPT`.
    pub fn push(&mut self, x: T) {
        self.total += 1;
        self.kept.push(x);
        if self.kept.len() >= 2 * KEPT {
            self.finish();
        }
    }

    /// Sorts what is kept and drops all but the first `KEPT`.
    pub fn finish(&mut self) {
        self.kept.sort();
        self.kept.truncate(KEPT);
    }
}

impl<T> Sample<T> {
    /// How many there were (kept or not).
    pub fn len(&self) -> usize {
        self.total as usize
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The first `KEPT` by path.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.kept.iter()
    }

    /// How many are counted but not kept.
    pub fn more(&self) -> u64 {
        self.total - self.kept.len() as u64
    }
}

impl<'a, T> IntoIterator for &'a Sample<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.kept.iter()
    }
}

/// The order of findings: item (checklist order), path as printed, exact bytes
/// of a non-UTF-8 path, principal, excerpt, English detail (NUL-separated; none
/// of them holds a NUL that matters for the order).
pub fn sort_key(item: ItemId, f: &Finding) -> Vec<u8> {
    let idx = ItemId::ALL.iter().position(|i| *i == item).unwrap_or(0) as u16;
    let parts: [&str; 5] = [
        &f.path.path,
        f.path.b64.as_deref().unwrap_or(""),
        f.principal.as_deref().unwrap_or(""),
        f.excerpt.as_deref().unwrap_or(""),
        &f.detail.en,
    ];
    let mut k = Vec::with_capacity(2 + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    k.extend_from_slice(&idx.to_be_bytes());
    for p in parts {
        k.extend_from_slice(p.as_bytes());
        k.push(0);
    }
    k
}

/// One line of `findings.jsonl`.
#[derive(Serialize)]
struct Line<'a> {
    item: &'static str,
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_b64: Option<&'a str>,
    root: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    asset: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    excerpt: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<&'a str>,
    detail: &'a Text,
}

/// The full list of findings on its way to `findings.jsonl`: lines sorted in
/// bounded memory (runs spill to temporary files).
#[derive(Default)]
pub struct FindingsList {
    sorter: Option<Sorter>,
    lines: u64,
}

impl std::fmt::Debug for FindingsList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FindingsList({} lines)", self.lines)
    }
}

impl FindingsList {
    /// A list that records every finding pushed to it.
    pub fn new() -> FindingsList {
        FindingsList {
            sorter: Some(Sorter::with_run_bytes(RUN_BYTES)),
            lines: 0,
        }
    }

    /// Does it record findings (the walk was asked for the full list)?
    pub fn recording(&self) -> bool {
        self.sorter.is_some()
    }

    /// Lines recorded.
    pub fn len(&self) -> u64 {
        self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// Records one finding under its key.
    pub fn push(&mut self, item: ItemId, key: &[u8], f: &Finding) -> io::Result<()> {
        let Some(s) = &mut self.sorter else {
            return Ok(());
        };
        let line = Line {
            item: item.as_str(),
            path: &f.path.path,
            path_b64: f.path.b64.as_deref(),
            root: f.kind.code(),
            asset: f.asset.as_deref(),
            principal: f.principal.as_deref(),
            excerpt: f.excerpt.as_deref(),
            sha256: f.sha256.as_deref(),
            detail: &f.detail,
        };
        let bytes = serde_json::to_vec(&line).map_err(io::Error::other)?;
        s.push(key, &bytes)?;
        self.lines += 1;
        Ok(())
    }

    /// Writes every line, sorted, to `out` (once: the list is empty afterwards).
    pub fn write_to(&mut self, out: &mut dyn Write) -> io::Result<u64> {
        let n = self.lines;
        if let Some(s) = self.sorter.take() {
            s.finish(out)?;
        }
        self.lines = 0;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::walk::PathRef;

    fn f(path: &str, kind: RootKind) -> Finding {
        Finding {
            path: PathRef::of(path.as_bytes()),
            kind,
            asset: None,
            principal: None,
            excerpt: None,
            sha256: None,
            detail: Text::new("x", "x"),
        }
    }

    #[test]
    fn counts_every_finding_and_keeps_the_first_by_path_whatever_the_order() {
        let mut s = FindingSet::default();
        // 3 × KEPT findings in a scrambled order, a third of them under --scan paths.
        let n = 3 * KEPT as u64;
        for i in 0..n {
            let j = (i * 7919) % n;
            let kind = if j.is_multiple_of(3) {
                RootKind::Scan
            } else {
                RootKind::Share
            };
            let x = f(&format!("/s/{j:05}"), kind);
            s.push(sort_key(ItemId::Hdl02, &x), x);
            s.count_file(kind);
        }
        assert_eq!(s.total(), n);
        assert_eq!(s.count(&[RootKind::Scan]), n / 3);
        assert_eq!(s.files(&[RootKind::Share]), n - n / 3);
        let shares: Vec<&str> = s
            .sample(&[RootKind::Share])
            .iter()
            .map(|x| x.path.path.as_str())
            .collect();
        let want: Vec<String> = (0..n)
            .filter(|j| !j.is_multiple_of(3))
            .take(KEPT)
            .map(|j| format!("/s/{j:05}"))
            .collect();
        assert_eq!(shares, want);
        let all = s.sample(&KINDS);
        assert_eq!(all.len(), KEPT);
        assert_eq!(all[0].path.path, "/s/00000");
        assert_eq!(all[KEPT - 1].path.path, format!("/s/{:05}", KEPT - 1));
    }

    #[test]
    fn a_sample_counts_every_problem_and_keeps_the_first_by_path() {
        let mut s: Sample<String> = Sample::default();
        let n = 5 * KEPT as u64 + 3;
        for i in 0..n {
            s.push(format!("/v/{:05}", (i * 7919) % n));
        }
        s.finish();
        assert_eq!(s.len() as u64, n);
        assert_eq!(s.more(), n - KEPT as u64);
        let kept: Vec<&String> = s.iter().collect();
        let want: Vec<String> = (0..KEPT).map(|i| format!("/v/{i:05}")).collect();
        assert_eq!(kept, want.iter().collect::<Vec<_>>());
    }

    #[test]
    fn the_full_list_is_sorted_by_item_then_path() {
        let mut l = FindingsList::new();
        for (item, p) in [
            (ItemId::Acc03, "/b"),
            (ItemId::Hdl06, "/c"),
            (ItemId::Acc03, "/a"),
        ] {
            let x = f(p, RootKind::Share);
            l.push(item, &sort_key(item, &x), &x).unwrap();
        }
        let mut out = Vec::new();
        assert_eq!(l.write_to(&mut out).unwrap(), 3);
        let lines: Vec<serde_json::Value> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        let got: Vec<(String, String)> = lines
            .iter()
            .map(|v| {
                (
                    v["item"].as_str().unwrap().to_string(),
                    v["path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("HDL-06".to_string(), "/c".to_string()),
                ("ACC-03".to_string(), "/a".to_string()),
                ("ACC-03".to_string(), "/b".to_string()),
            ]
        );
        assert_eq!(lines[0]["detail"]["en"], "x");
        assert_eq!(lines[0]["root"], "share");
    }
}
