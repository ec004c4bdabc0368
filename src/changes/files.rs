//! Protected files added, removed and changed between two inventories.
//!
//! Both inventories are JSON Lines sorted by path (byte order), as `scan` and
//! `audit --out` write them, so the comparison is one streaming merge: memory
//! holds the changes, never the trees.

use crate::i18n::Text;
use crate::tr;
use serde::{Deserialize, Serialize};
use std::io::BufRead;
use std::path::Path;

/// The fields of an inventory line that a comparison needs.
#[derive(Clone, Debug, Deserialize)]
pub struct Line {
    pub path: String,
    #[serde(default)]
    pub path_b64: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub mtime: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub uid: Option<u32>,
    #[serde(default)]
    pub gid: Option<u32>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub acl: Vec<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub asset: Option<String>,
}

impl Line {
    /// The exact path bytes (from `path_b64` when the name is not UTF-8).
    pub fn key(&self) -> Vec<u8> {
        self.path_b64
            .as_deref()
            .and_then(crate::changes::files::b64_decode)
            .unwrap_or_else(|| self.path.as_bytes().to_vec())
    }

    pub fn is_protected(&self) -> bool {
        self.kind == "file" && self.asset.is_some()
    }

    fn state(&self) -> FileState {
        let mut acl = self.acl.clone();
        acl.sort();
        FileState {
            sha256: self.sha256.clone(),
            size: self.size,
            mtime: self.mtime.clone(),
            mode: self.mode.clone(),
            uid: self.uid,
            gid: self.gid,
            user: self.user.clone(),
            group: self.group.clone(),
            acl,
        }
    }
}

/// What a protected file looked like in one audit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileState {
    pub sha256: Option<String>,
    pub size: Option<u64>,
    #[serde(default)]
    pub mtime: Option<String>,
    pub mode: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub user: Option<String>,
    pub group: Option<String>,
    pub acl: Vec<String>,
}

/// One protected file that appeared, disappeared or changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileChange {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_b64: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// For changed files: `content`, `mode`, `owner`, `group`, `acl` (what differs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub what: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<FileState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<FileState>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileChanges {
    pub added: Vec<FileChange>,
    pub removed: Vec<FileChange>,
    pub changed: Vec<FileChange>,
    /// Protected files in both inventories without a SHA-256 in one of them
    /// (`--no-hash`, or unreadable): an edit that kept the size went unseen.
    /// Cited one by one as HDL-10's evidence.
    pub unhashed: Vec<FileChange>,
}

impl FileChanges {
    pub fn total(&self) -> usize {
        self.added.len() + self.removed.len() + self.changed.len()
    }

    /// Why the list may be incomplete (files compared without a hash), if so.
    pub fn note(&self) -> Option<Text> {
        let n = self.unhashed.len();
        (n > 0).then(|| {
            tr!(
                "保護対象ファイル {n} 件は前回か今回に SHA-256 を計算していない（--no-hash または読み取れない）ため、サイズの変わらない内容の変更は分かりません",
                "{n} protected files have no SHA-256 in one of the audits (--no-hash, or unreadable), so an edit that kept their size cannot be seen"
            )
        })
    }
}

/// Can this raw line be a protected file? Inside JSON strings quotes are escaped,
/// so these byte patterns only match the fields themselves. Lines that cannot be
/// protected are skipped without parsing them (most lines of a large share).
fn maybe_protected(raw: &[u8]) -> bool {
    crate::find_bytes!(raw, b"\"type\":\"file\"").is_some()
        && crate::find_bytes!(raw, b"\"asset\":null").is_none()
}

/// The protected lines of one inventory, in order, checking that their order holds.
struct Protected<R: BufRead> {
    name: String,
    reader: R,
    buf: Vec<u8>,
    line_no: usize,
    last: Option<Vec<u8>>,
    /// Protected lines returned so far.
    count: u64,
}

impl<R: BufRead> Protected<R> {
    fn new(name: &str, reader: R) -> Self {
        Protected {
            name: name.to_string(),
            reader,
            buf: Vec::new(),
            line_no: 0,
            last: None,
            count: 0,
        }
    }

    /// At the end: does the number of protected lines match what the report
    /// that came with this inventory counted? A file cut at a line boundary
    /// parses cleanly, so without this its missing files would be "removed".
    fn check_count(&self, expected: Option<u64>) -> Result<(), Text> {
        match expected {
            Some(n) if n != self.count => Err(Text::new(
                format!(
                    "{} には保護対象ファイルが {} 件ありますが、同じ監査の report.json では {n} 件です。inventory が途中で切れているか、その報告書と一緒に作られたものではないため、比較できません",
                    self.name, self.count
                ),
                format!(
                    "{} lists {} protected files, but its report.json counted {n}: the inventory is incomplete or not the one written with that report, so it cannot be compared",
                    self.name, self.count
                ),
            )),
            _ => Ok(()),
        }
    }

    fn next(&mut self) -> Result<Option<(Vec<u8>, Line)>, Text> {
        loop {
            self.buf.clear();
            let limit = crate::rootfs::limits::INVENTORY_LINE;
            let n = <&mut R as std::io::Read>::take(&mut self.reader, limit + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(|e| {
                    let at = format!("{}:{}", self.name, self.line_no + 1);
                    tr!("{at}: 読み取れません: {e}", "{at}: cannot read: {e}")
                })?;
            if n as u64 > limit {
                let e = crate::rootfs::too_large(n as u64, limit);
                let at = format!("{}:{}", self.name, self.line_no + 1);
                return Err(tr!("{at}: 読み取れません: {e}", "{at}: cannot read: {e}"));
            }
            if n == 0 {
                return Ok(None);
            }
            self.line_no += 1;
            let raw = self.buf.trim_ascii();
            if raw.is_empty() {
                continue;
            }
            // A truncated or foreign line is an error even when it is skipped.
            if !(raw.starts_with(b"{") && raw.ends_with(b"}")) {
                let at = format!("{}:{}", self.name, self.line_no);
                return Err(tr!(
                    "{at}: inventory の行ではありません（途中で切れているか、別のファイルです）",
                    "{at}: not an inventory line"
                ));
            }
            if !maybe_protected(raw) {
                continue;
            }
            let line: Line = serde_json::from_slice(raw).map_err(|e| {
                let at = format!("{}:{}", self.name, self.line_no);
                tr!(
                    "{at}: inventory の行ではありません: {e}",
                    "{at}: not an inventory line: {e}"
                )
            })?;
            if !line.is_protected() {
                continue;
            }
            let key = line.key();
            if let Some(prev) = &self.last
                && key < *prev
            {
                let at = format!("{}:{}", self.name, self.line_no);
                return Err(tr!(
                    "{at}: inventory がパス順に並んでいないため、比較できません",
                    "{at}: the inventory is not sorted by path, so it cannot be compared"
                ));
            }
            self.last = Some(key.clone());
            self.count += 1;
            return Ok(Some((key, line)));
        }
    }
}

/// Compares two inventories (old, new). Errors name the file and line.
pub fn compare<A: BufRead + Send, B: BufRead>(
    old: (&str, A),
    new: (&str, B),
) -> Result<FileChanges, Text> {
    compare_counted(old, new, [None, None])
}

/// [`compare`], also checking each inventory's number of protected files against
/// the count its report recorded (`inventory.protected`), when known.
/// The old inventory is read on a thread of its own while this one reads the new
/// one: each read is a full pass over a file with a line per file of the tree.
pub fn compare_counted<A: BufRead + Send, B: BufRead>(
    old: (&str, A),
    new: (&str, B),
    expected: [Option<u64>; 2],
) -> Result<FileChanges, Text> {
    let o = Protected::new(old.0, old.1);
    let n = Protected::new(new.0, new.1);
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        s.spawn(move || read_ahead(o, expected[0], &tx));
        merge(
            Ahead {
                rx,
                batch: Vec::new().into_iter(),
                counted: None,
            },
            n,
            expected[1],
        )
    })
}

/// Protected lines sent on by [`read_ahead`], in order and in batches.
enum Batch {
    Lines(Vec<(Vec<u8>, Line)>),
    Failed(Text),
    /// The end, with the check of the number of protected lines.
    End(Result<(), Text>),
}

const BATCH: usize = 256;

fn read_ahead<R: BufRead>(
    mut o: Protected<R>,
    expected: Option<u64>,
    tx: &std::sync::mpsc::SyncSender<Batch>,
) {
    loop {
        let mut lines = Vec::with_capacity(BATCH);
        while lines.len() < BATCH {
            match o.next() {
                Ok(Some(l)) => lines.push(l),
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Batch::Failed(e));
                    return;
                }
            }
        }
        let end = lines.len() < BATCH;
        // A send fails only when the merge stopped at an error of its own.
        if !lines.is_empty() && tx.send(Batch::Lines(lines)).is_err() {
            return;
        }
        if end {
            let _ = tx.send(Batch::End(o.check_count(expected)));
            return;
        }
    }
}

/// The receiving end of [`read_ahead`], read like [`Protected`].
struct Ahead {
    rx: std::sync::mpsc::Receiver<Batch>,
    batch: std::vec::IntoIter<(Vec<u8>, Line)>,
    counted: Option<Result<(), Text>>,
}

impl Ahead {
    fn next(&mut self) -> Result<Option<(Vec<u8>, Line)>, Text> {
        loop {
            if let Some(l) = self.batch.next() {
                return Ok(Some(l));
            }
            if self.counted.is_some() {
                return Ok(None);
            }
            match self.rx.recv() {
                Ok(Batch::Lines(b)) => self.batch = b.into_iter(),
                Ok(Batch::Failed(e)) => return Err(e),
                Ok(Batch::End(c)) => self.counted = Some(c),
                Err(_) => unreachable!("read_ahead ends with End or Failed"),
            }
        }
    }

    fn check_count(&mut self) -> Result<(), Text> {
        self.counted.take().unwrap_or(Ok(()))
    }
}

/// The streaming merge of the two inventories' protected lines.
fn merge<B: BufRead>(
    mut o: Ahead,
    mut n: Protected<B>,
    expected_new: Option<u64>,
) -> Result<FileChanges, Text> {
    let mut out = FileChanges::default();
    let mut a = o.next()?;
    let mut b = n.next()?;
    loop {
        match (&a, &b) {
            (None, None) => break,
            (Some((_, ol)), None) => {
                out.removed.push(entry(ol, Some(ol), None, vec![]));
                a = o.next()?;
            }
            (None, Some((_, nl))) => {
                out.added.push(entry(nl, None, Some(nl), vec![]));
                b = n.next()?;
            }
            (Some((ok, ol)), Some((nk, nl))) => match ok.cmp(nk) {
                std::cmp::Ordering::Less => {
                    out.removed.push(entry(ol, Some(ol), None, vec![]));
                    a = o.next()?;
                }
                std::cmp::Ordering::Greater => {
                    out.added.push(entry(nl, None, Some(nl), vec![]));
                    b = n.next()?;
                }
                std::cmp::Ordering::Equal => {
                    if ol.sha256.is_none() || nl.sha256.is_none() {
                        out.unhashed.push(entry(nl, None, None, vec![]));
                    }
                    let what = differences(ol, nl);
                    if !what.is_empty() {
                        out.changed.push(entry(nl, Some(ol), Some(nl), what));
                    }
                    a = o.next()?;
                    b = n.next()?;
                }
            },
        }
    }
    o.check_count()?;
    n.check_count(expected_new)?;
    Ok(out)
}

/// Compares two inventory files; `expected` as in [`compare_counted`].
pub fn compare_files(
    old: &Path,
    new: &Path,
    expected: [Option<u64>; 2],
) -> Result<FileChanges, Text> {
    let open = |p: &Path| {
        crate::rootfs::open_input(p)
            .map(std::io::BufReader::new)
            .map_err(|e| {
                let p = p.display();
                tr!("{p} を読み取れません: {e}", "cannot read {p}: {e}")
            })
    };
    compare_counted(
        (&old.display().to_string(), open(old)?),
        (&new.display().to_string(), open(new)?),
        expected,
    )
}

fn entry(l: &Line, old: Option<&Line>, new: Option<&Line>, what: Vec<String>) -> FileChange {
    FileChange {
        path: l.path.clone(),
        path_b64: l.path_b64.clone(),
        asset: l.asset.clone(),
        what,
        old: old.map(Line::state),
        new: new.map(Line::state),
    }
}

/// What differs between two states of one file.
fn differences(o: &Line, n: &Line) -> Vec<String> {
    let (os, ns) = (o.state(), n.state());
    let mut what = Vec::new();
    let content = match (&os.sha256, &ns.sha256) {
        (Some(a), Some(b)) => a != b,
        _ => os.size != ns.size,
    };
    if content {
        what.push("content".to_string());
    }
    if os.mode != ns.mode {
        what.push("mode".into());
    }
    if os.uid != ns.uid || os.user != ns.user {
        what.push("owner".into());
    }
    if os.gid != ns.gid || os.group != ns.group {
        what.push("group".into());
    }
    if os.acl != ns.acl {
        what.push("acl".into());
    }
    if o.asset != n.asset {
        what.push("asset".into());
    }
    what
}

/// Standard base64 (with or without padding; the URL-safe alphabet too) to bytes.
pub fn b64_decode(s: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    use base64::alphabet;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, CONFIG);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, CONFIG);
    let s = s.trim();
    STANDARD.decode(s).or_else(|_| URL_SAFE.decode(s)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(path: &str, asset: Option<&str>, sha: &str, mode: &str, acl: &[&str]) -> String {
        serde_json::json!({
            "path": path, "type": "file", "size": 3, "mode": mode, "uid": 1001, "gid": 2001,
            "user": "tanaka", "group": "design", "acl": acl, "sha256": sha, "asset": asset, "markers": []
        })
        .to_string()
    }

    #[test]
    fn changes_deep_in_long_inventories_are_found_across_read_ahead_batches() {
        // Last year's inventory is read ahead in batches of 256 lines: changes at
        // the start, across batch boundaries and at the end are all found, and a
        // broken line late in it is still reported with its line number.
        let p = |i: usize| format!("/s/design/f{i:05}.dwg");
        let old: Vec<String> = (0..2000)
            .filter(|i| i % 700 != 1)
            .map(|i| line(&p(i), Some("T-001"), "aa", "0640", &[]))
            .collect();
        let new: Vec<String> = (0..2000)
            .filter(|i| *i != 255 && *i != 1999)
            .map(|i| {
                let sha = if i == 256 || i == 1500 { "bb" } else { "aa" };
                line(&p(i), Some("T-001"), sha, "0640", &[])
            })
            .collect();
        let ch = compare(
            ("old", old.join("\n").as_bytes()),
            ("new", new.join("\n").as_bytes()),
        )
        .unwrap();
        let paths = |v: &[FileChange]| v.iter().map(|c| c.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&ch.added), [p(1), p(701), p(1401)]);
        assert_eq!(paths(&ch.removed), [p(255), p(1999)]);
        assert_eq!(paths(&ch.changed), [p(256), p(1500)]);
        let mut broken = old.clone();
        broken[1800] = r#"{"path":"/s/design/x","type":"file","asset":"T-001""#.into();
        let e = compare(
            ("old", broken.join("\n").as_bytes()),
            ("new", new.join("\n").as_bytes()),
        )
        .unwrap_err();
        assert!(e.en.contains("old:1801: not an inventory line"), "{}", e.en);
    }

    #[test]
    fn finds_each_kind_of_change_in_one_pass() {
        let old = [
            line("/s/design/a.dwg", Some("T-001"), "aa", "0640", &[]),
            line("/s/design/b.dwg", Some("T-001"), "bb", "0640", &[]),
            line("/s/design/c.dwg", Some("T-001"), "cc", "0640", &[]),
            line("/s/design/d.dwg", Some("T-001"), "dd", "0640", &[]),
            line("/s/public/x.txt", None, "xx", "0644", &[]),
        ]
        .join("\n");
        let new = [
            line("/s/design/a.dwg", Some("T-001"), "aa", "0640", &[]),
            line("/s/design/b.dwg", Some("T-001"), "b2", "0640", &[]),
            line(
                "/s/design/c.dwg",
                Some("T-001"),
                "cc",
                "0644",
                &["user:sato:r--"],
            ),
            line("/s/design/e.dwg", Some("T-001"), "ee", "0640", &[]),
            line("/s/public/y.txt", None, "yy", "0644", &[]),
        ]
        .join("\n");
        let ch = compare(("old", old.as_bytes()), ("new", new.as_bytes())).unwrap();
        assert_eq!(
            ch.added.iter().map(|c| c.path.as_str()).collect::<Vec<_>>(),
            ["/s/design/e.dwg"]
        );
        assert_eq!(
            ch.removed
                .iter()
                .map(|c| c.path.as_str())
                .collect::<Vec<_>>(),
            ["/s/design/d.dwg"]
        );
        assert_eq!(ch.changed.len(), 2);
        assert_eq!(ch.changed[0].path, "/s/design/b.dwg");
        assert_eq!(ch.changed[0].what, ["content"]);
        assert_eq!(ch.changed[1].what, ["mode", "acl"]);
        assert_eq!(ch.changed[1].new.as_ref().unwrap().acl, ["user:sato:r--"]);
    }

    #[test]
    fn unsorted_or_broken_inventories_are_errors_not_wrong_diffs() {
        let bad = [
            line("/b", Some("T"), "1", "0640", &[]),
            line("/a", Some("T"), "1", "0640", &[]),
        ]
        .join("\n");
        let e = compare(("old", bad.as_bytes()), ("new", "".as_bytes()))
            .unwrap_err()
            .en;
        assert!(e.starts_with("old:2:") && e.contains("not sorted"), "{e}");
        let e = compare(("old", "".as_bytes()), ("new", "{oops".as_bytes()))
            .unwrap_err()
            .en;
        assert!(e.starts_with("new:1:"), "{e}");
        let cut = r#"{"path":"/a","type":"file","asset":"T-001","sha256":"ab"#;
        let e = compare(("old", "".as_bytes()), ("new", cut.as_bytes()))
            .unwrap_err()
            .en;
        assert!(e.starts_with("new:1:"), "{e}");
    }

    #[test]
    fn an_inventory_with_fewer_protected_lines_than_its_report_counted_is_an_error() {
        let inv = [
            line("/s/a", Some("T"), "1", "0640", &[]),
            line("/s/b", Some("T"), "2", "0640", &[]),
        ]
        .join("\n");
        let ok = compare_counted(
            ("old", inv.as_bytes()),
            ("new", inv.as_bytes()),
            [Some(2), Some(2)],
        );
        assert_eq!(ok.unwrap().total(), 0);
        let e = compare_counted(
            ("old", inv.as_bytes()),
            ("new", inv.as_bytes()),
            [Some(3), None],
        )
        .unwrap_err()
        .en;
        assert!(e.starts_with("old ") && e.contains("counted 3"), "{e}");
    }

    #[test]
    fn non_utf8_names_compare_by_their_exact_bytes() {
        assert_eq!(b64_decode("/w==").unwrap(), [0xff]);
        assert_eq!(b64_decode("YWJj").unwrap(), b"abc");
        assert_eq!(b64_decode("YWI").unwrap(), b"ab");
        assert_eq!(b64_decode("_w").unwrap(), [0xff]);
        assert_eq!(b64_decode("not base64!"), None);
    }
}
