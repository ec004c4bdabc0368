//! Fast re-audits: reuse the baseline inventory's hash of a file whose size, mtime
//! (ns), ctime (ns), inode and device are all unchanged, instead of reading it.
//!
//! The same-clock-tick guard: a file whose mtime or ctime is not safely before the
//! start of the baseline's walk could have changed again within the same timestamp
//! tick after it was read, so its hash is never reused (git's "racy clean" rule).
//! The margin covers coarse filesystem timestamps (2 s on FAT).
//!
//! The content-marker result is reused too, so that an unchanged file is not even
//! opened: only when the baseline's report records the same content-scan digest
//! (`inventory.content_scan`: marker list, `scope.content_scan_bytes`, scan rules
//! version) as today's profile. Otherwise the file's leading bytes are read as in
//! any audit (a marker is never silently missed).
//!
//! Memory: 46 bytes per reusable file (12-byte key, the hash, a 2-byte marker-set
//! number), held in one sorted vector; the distinct sets of content markers are
//! held once each.

use super::read::Seen;
use std::io::Read;
use std::path::Path;

/// Timestamps within this many nanoseconds before the baseline walk started are
/// "the same tick" and never trusted.
pub const GUARD_NS: i128 = 2_000_000_000;

/// Version of the content-scan rules (bump when `Markers::in_content` changes what it finds).
const SCAN_RULES: &str = "timaudit content scan v1";

/// The digest of what decides a file's content markers: the marker list and the
/// number of leading bytes scanned (as `Reader::new` caps it).
pub fn content_scan_digest(markers: &[String], content_scan_bytes: u64) -> String {
    use sha2::{Digest, Sha256};
    let scan = if markers.is_empty() {
        0
    } else {
        content_scan_bytes.min(super::read::MAX_SCAN_BYTES as u64)
    };
    let mut h = Sha256::new();
    h.update(format!("{SCAN_RULES}\n{scan}\n"));
    for m in markers {
        h.update(m.as_bytes());
        h.update([0u8]);
    }
    crate::rootfs::hex(&h.finalize())
}

/// Marker-set number meaning "the baseline's content markers are not known".
const UNKNOWN: u16 = u16::MAX;

/// One reusable file: key, hash, marker-set number (byte arrays: no padding).
type Rec = ([u8; 12], [u8; 32], [u8; 2]);

/// What the baseline says about an unchanged file.
pub struct Reuse<'a> {
    pub sha256: [u8; 32],
    /// Its content markers (indexes into today's marker list), if known.
    pub markers: Option<&'a [u16]>,
}

/// Content markers of one line: unknown, or today's marker indexes.
enum Found {
    Unknown,
    Set(Vec<u16>),
}

/// Per parser thread: distinct marker sets and their local numbers.
#[derive(Default)]
struct Interner {
    sets: Vec<Vec<u16>>,
    ids: std::collections::HashMap<Vec<u16>, u16>,
}

impl Interner {
    fn id(&mut self, f: Found) -> u16 {
        let Found::Set(mut v) = f else {
            return UNKNOWN;
        };
        v.sort_unstable();
        v.dedup();
        if let Some(&i) = self.ids.get(&v) {
            return i;
        }
        if self.sets.len() >= UNKNOWN as usize {
            return UNKNOWN;
        }
        let i = self.sets.len() as u16;
        self.sets.push(v.clone());
        self.ids.insert(v, i);
        i
    }
}

pub struct HashCache {
    /// Sorted by key.
    entries: Vec<Rec>,
    sets: Vec<Vec<u16>>,
    /// Lines skipped by the same-tick guard (for tests and the report).
    pub guarded: u64,
}

/// The inode's low 32 bits (big-endian, so that the sorted vector follows the
/// walk's inode order and lookups stay cache-friendly) and a 64-bit digest of the
/// whole identity and state: device, full inode, size, mtime and ctime.
fn key(dev: u64, ino: u64, size: u64, mtime: (i64, i64), ctime: (i64, i64)) -> [u8; 12] {
    use std::hash::Hasher;
    // SipHash with fixed keys: the same in the loading and the looking-up within
    // one run, which is all the key has to be.
    let mut h = std::hash::DefaultHasher::new();
    for v in [dev, ino, size] {
        h.write_u64(v);
    }
    for (s, n) in [mtime, ctime] {
        h.write_i64(s);
        h.write_i64(n);
    }
    let mut k = [0u8; 12];
    k[..4].copy_from_slice(&(ino as u32).to_be_bytes());
    k[4..].copy_from_slice(&h.finish().to_le_bytes());
    k
}

fn ns(t: (i64, i64)) -> i128 {
    t.0 as i128 * 1_000_000_000 + t.1 as i128
}

/// `2026-11-25T09:00:00.123456789Z` → (seconds, nanoseconds).
pub fn parse_time(s: &str) -> Option<(i64, i64)> {
    let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    Some((t.timestamp(), t.timestamp_subsec_nanos() as i64))
}

enum Parsed {
    Entry(([u8; 12], [u8; 32], Found)),
    Guarded,
}

/// Today's marker names → indexes, when the baseline scanned content the same way.
type Names<'a> = Option<&'a std::collections::HashMap<&'a str, u16>>;

/// One inventory line: a reusable entry, a file inside the guard, or nothing.
fn parse(raw: &[u8], limit: i128, names: Names) -> Result<Option<Parsed>, String> {
    let raw = raw.trim_ascii();
    // Lines as timaudit writes them first; then a cheap pre-filter: only hashed
    // regular files matter.
    if let Some(p) = fast(raw, limit, names) {
        return Ok(p);
    }
    if raw.is_empty()
        || crate::find_bytes!(raw, b"\"type\":\"file\"").is_none()
        || crate::find_bytes!(raw, b"\"sha256\":null").is_some()
    {
        return Ok(None);
    }
    let l: Line = serde_json::from_slice(raw).map_err(|e| e.to_string())?;
    let (Some(size), Some(m), Some(c), Some(dev), Some(ino), Some(sha)) =
        (l.size, l.mtime, l.ctime, l.dev, l.ino, l.sha256)
    else {
        return Ok(None);
    };
    if l.kind != "file" {
        return Ok(None);
    }
    let (Some(mtime), Some(ctime)) = (parse_time(m), parse_time(c)) else {
        return Ok(None);
    };
    if ns(mtime) >= limit || ns(ctime) >= limit {
        return Ok(Some(Parsed::Guarded));
    }
    let found = match (names, &l.markers) {
        (Some(names), Some(ms)) => {
            let mut v = Vec::new();
            let mut known = true;
            for m in ms.iter().filter(|m| m.place == "content") {
                match names.get(m.marker.as_ref()) {
                    Some(&i) => v.push(i),
                    None => known = false,
                }
            }
            if known { Found::Set(v) } else { Found::Unknown }
        }
        _ => Found::Unknown,
    };
    Ok(crate::rootfs::unhex32(sha.as_bytes())
        .map(|h| Parsed::Entry((key(dev, ino, size, mtime, ctime), h, found))))
}

/// The fast path for lines as timaudit writes them (fixed field order, times as
/// `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`); `None` sends the line to the full parser.
/// Inside JSON strings quotes are escaped, so the field patterns cannot match
/// inside a file name.
fn fast(raw: &[u8], limit: i128, names: Names) -> Option<Option<Parsed>> {
    macro_rules! after {
        ($h:expr, $pat:expr) => {{
            let (h, pat): (&[u8], &[u8]) = ($h, $pat);
            crate::find_bytes!(h, $pat).map(|i| &h[i + pat.len()..])
        }};
    }
    /// The value of 1 to 19 decimal digits (no overflow of u64 possible).
    fn digits(h: &[u8]) -> Option<u64> {
        if h.is_empty() || h.len() > 19 {
            return None;
        }
        h.iter().try_fold(0u64, |v, &b| {
            b.is_ascii_digit().then(|| v * 10 + u64::from(b - b'0'))
        })
    }
    fn num(h: &[u8]) -> Option<(u64, &[u8])> {
        let n = h.iter().take_while(|b| b.is_ascii_digit()).count();
        Some((digits(&h[..n])?, &h[n..]))
    }
    fn time(h: &[u8]) -> Option<((i64, i64), &[u8])> {
        // 2026-11-25T19:35:23.601780255Z"
        if h.len() < 31 || h[30] != b'"' || h[29] != b'Z' || h[19] != b'.' {
            return None;
        }
        let d = |r: std::ops::Range<usize>| digits(&h[r]).map(|v| v as u32);
        let date = chrono::NaiveDate::from_ymd_opt(d(0..4)? as i32, d(5..7)?, d(8..10)?)?;
        let t = date.and_hms_opt(d(11..13)?, d(14..16)?, d(17..19)?)?;
        Some(((t.and_utc().timestamp(), d(20..29)? as i64), &h[31..]))
    }
    let r = after!(raw, b"\",\"type\":\"file\",\"size\":")?;
    let (size, r) = num(r)?;
    let r = r.strip_prefix(b",\"mtime\":\"")?;
    let (mtime, r) = time(r)?;
    let r = r.strip_prefix(b",\"ctime\":\"")?;
    let (ctime, r) = time(r)?;
    let r = r.strip_prefix(b",\"dev\":")?;
    let (dev, r) = num(r)?;
    let r = r.strip_prefix(b",\"ino\":")?;
    let (ino, r) = num(r)?;
    let r = after!(r, b"\"sha256\":\"")?;
    let sha = crate::rootfs::unhex32(r.get(..64)?)?;
    if ns(mtime) >= limit || ns(ctime) >= limit {
        return Some(Some(Parsed::Guarded));
    }
    // Only "no markers at all" is read here; a marked file goes to the full parser.
    let found = match names {
        None => Found::Unknown,
        Some(_) => {
            let r = after!(&r[64..], b"\"markers\":[")?;
            if r.first() != Some(&b']') {
                return None;
            }
            Found::Set(Vec::new())
        }
    };
    Some(Some(Parsed::Entry((
        key(dev, ino, size, mtime, ctime),
        sha,
        found,
    ))))
}

#[derive(serde::Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    size: Option<u64>,
    #[serde(borrow)]
    mtime: Option<&'a str>,
    #[serde(borrow)]
    ctime: Option<&'a str>,
    dev: Option<u64>,
    ino: Option<u64>,
    #[serde(borrow)]
    sha256: Option<&'a str>,
    #[serde(default, borrow)]
    markers: Option<Vec<MarkerLine<'a>>>,
}

#[derive(serde::Deserialize)]
struct MarkerLine<'a> {
    #[serde(borrow)]
    marker: std::borrow::Cow<'a, str>,
    #[serde(rename = "where", borrow)]
    place: std::borrow::Cow<'a, str>,
}

impl std::fmt::Debug for HashCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "HashCache({} entries, {} guarded)",
            self.entries.len(),
            self.guarded
        )
    }
}

impl HashCache {
    /// Reads a baseline inventory whose walk started at `started`. Lines without
    /// the identity fields (older inventories) or a hash are skipped. The file is
    /// read in blocks parsed on several threads (it has a line per file).
    /// `markers`: today's marker list, when the baseline's content-scan digest is
    /// today's (its content markers are then reused too).
    pub fn load(
        path: &Path,
        started: (i64, i64),
        markers: Option<&[String]>,
    ) -> Result<HashCache, String> {
        let f = crate::rootfs::open_input(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let limit = ns(started) - GUARD_NS;
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>)>(threads * 2);
        let rx = std::sync::Mutex::new(rx);
        let name = path.display().to_string();
        let names: Option<std::collections::HashMap<&str, u16>> = markers.map(|m| {
            m.iter()
                .enumerate()
                .take(UNKNOWN as usize)
                .map(|(i, s)| (s.as_str(), i as u16))
                .collect()
        });
        let names = names.as_ref();
        let parts = std::thread::scope(|s| {
            // Blocks waiting to be refilled: freed when the reading is done, before
            // the cache is assembled.
            let (spent_tx, spent) = std::sync::mpsc::channel::<Vec<u8>>();
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    let (rx, name, spent) = (&rx, &name, spent_tx.clone());
                    s.spawn(move || parse_blocks(rx, &spent, limit, names, name))
                })
                .collect();
            let read = read_blocks(f, &tx, &spent, &name);
            drop(tx);
            let results: Vec<_> = workers
                .into_iter()
                .map(|w| w.join().expect("parser thread"))
                .collect();
            read.map(|_| results)
        })?;
        Ok(HashCache::assemble(
            parts.into_iter().collect::<Result<Vec<_>, _>>()?,
        ))
    }

    /// The cache from the parser threads' parts: one allocation of the final size,
    /// each part freed once copied (peak: the cache plus the largest part, not
    /// twice the cache); sorted.
    fn assemble(parts: Vec<Part>) -> HashCache {
        let mut entries: Vec<Rec> = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
        let mut global = Interner::default();
        let mut guarded = 0;
        for (mut e, sets, g) in parts {
            // This thread's set numbers → the cache's.
            let map: Vec<u16> = sets.into_iter().map(|s| global.id(Found::Set(s))).collect();
            for r in &mut e {
                let local = u16::from_le_bytes(r.2);
                if local != UNKNOWN {
                    r.2 = map[local as usize].to_le_bytes();
                }
            }
            entries.extend_from_slice(&e);
            drop(e);
            guarded += g;
        }
        entries.sort_unstable_by_key(|e: &Rec| e.0);
        entries.dedup_by(|a, b| a.0 == b.0);
        entries.shrink_to_fit();
        HashCache {
            entries,
            sets: global.sets,
            guarded,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// What the baseline says about this exact file state, if it may be reused.
    pub fn get(&self, s: &Seen) -> Option<Reuse<'_>> {
        let k = key(s.dev, s.ino, s.size, s.mtime, s.ctime);
        let i = self.entries.binary_search_by(|e| e.0.cmp(&k)).ok()?;
        let (_, sha256, set) = &self.entries[i];
        Some(Reuse {
            sha256: *sha256,
            markers: self
                .sets
                .get(u16::from_le_bytes(*set) as usize)
                .map(|v| &v[..]),
        })
    }

    /// Bytes held per reusable file.
    pub const ENTRY_BYTES: usize = std::mem::size_of::<Rec>();
}

/// What one parser thread found: its entries, its marker sets, lines guarded.
type Part = (Vec<Rec>, Vec<Vec<u16>>, u64);

/// A parser thread: parses the blocks it receives, line by line, and hands each
/// block back to the reader to be filled again.
fn parse_blocks(
    rx: &std::sync::Mutex<std::sync::mpsc::Receiver<(usize, Vec<u8>)>>,
    spent: &std::sync::mpsc::Sender<Vec<u8>>,
    limit: i128,
    names: Names,
    name: &str,
) -> Result<Part, String> {
    let mut entries: Vec<Rec> = Vec::new();
    let mut interner = Interner::default();
    let mut guarded = 0u64;
    loop {
        let msg = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok((first_line, block)) = msg else { break };
        for (k, raw) in block.split(|&b| b == b'\n').enumerate() {
            match parse(raw, limit, names) {
                Ok(Some(Parsed::Entry((k, h, f)))) => {
                    entries.push((k, h, interner.id(f).to_le_bytes()))
                }
                Ok(Some(Parsed::Guarded)) => guarded += 1,
                Ok(None) => {}
                Err(e) => {
                    return Err(format!(
                        "{name}:{}: not an inventory line: {e}",
                        first_line + k
                    ));
                }
            }
        }
        // The reader may have finished: then the block is just freed.
        let _ = spent.send(block);
    }
    Ok((entries, interner.sets, guarded))
}

/// Bytes read into one block (plus the start of a line carried over).
const BLOCK: u64 = 4 << 20;

/// Reads the inventory in blocks of about 4 MiB, cut after the last newline, to
/// the parser threads (with the number of each block's first line). Blocks the
/// parsers are done with come back through `spent` and are filled again, so the
/// memory is allocated once, not once per block.
fn read_blocks(
    mut f: impl Read,
    tx: &std::sync::mpsc::SyncSender<(usize, Vec<u8>)>,
    spent: &std::sync::mpsc::Receiver<Vec<u8>>,
    name: &str,
) -> Result<(), String> {
    let mut carry: Vec<u8> = Vec::new();
    let mut line_no = 1usize;
    loop {
        let mut block = spent.try_recv().unwrap_or_default();
        block.clear();
        block.append(&mut carry);
        let start = block.len();
        block.reserve_exact(BLOCK as usize);
        // `take` + `read_to_end` fills the block without zeroing it first.
        let n = match Read::take(&mut f, BLOCK).read_to_end(&mut block) {
            Ok(n) => n,
            Err(e) => return Err(format!("cannot read {name}: {e}")),
        };
        if n == 0 {
            if !block.is_empty() {
                let _ = tx.send((line_no, block));
            }
            return Ok(());
        }
        match memchr::memrchr(b'\n', &block[start..]) {
            Some(cut) => {
                let cut = start + cut;
                carry.extend_from_slice(&block[cut + 1..]);
                block.truncate(cut);
                let lines = memchr::memchr_iter(b'\n', &block).count() + 1;
                if tx.send((line_no, block)).is_err() {
                    // A parser stopped at a bad line: its error is the one reported.
                    return Ok(());
                }
                line_no += lines;
            }
            None if block.len() as u64 > crate::rootfs::limits::INVENTORY_LINE => {
                return Err(format!(
                    "{name}:{line_no}: not an inventory line: {}",
                    crate::rootfs::too_large(
                        block.len() as u64,
                        crate::rootfs::limits::INVENTORY_LINE
                    )
                ));
            }
            None => carry = block,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(dev: u64, ino: u64, size: u64, mtime: &str, ctime: &str, sha: &str) -> String {
        serde_json::json!({"path": "/a", "type": "file", "size": size, "mtime": mtime, "ctime": ctime,
            "dev": dev, "ino": ino, "sha256": sha, "asset": null, "markers": []})
        .to_string()
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_parser() {
        let sha = "0f".repeat(32);
        let written = format!(
            r#"{{"path":"/s/\"type\":\"file\",a","type":"file","size":12,"mtime":"2026-11-25T19:35:23.601780255Z","ctime":"2026-11-25T19:35:24.000000001Z","dev":65024,"ino":10037478,"mode":"0644","uid":0,"gid":0,"user":"root","group":"root","acl":["user:x:r--"],"sha256":"{sha}","asset":null,"markers":[]}}"#
        );
        let limit = ns(parse_time("2027-01-01T00:00:00Z").unwrap());
        let Some(Some(Parsed::Entry(f))) = fast(written.as_bytes(), limit, None) else {
            panic!("fast path")
        };
        // The same line with fields reordered only the full parser reads.
        let v: serde_json::Value = serde_json::from_str(&written).unwrap();
        let reordered = serde_json::json!({"sha256": v["sha256"], "ino": v["ino"], "dev": v["dev"], "ctime": v["ctime"],
            "mtime": v["mtime"], "size": v["size"], "type": "file", "path": v["path"]}).to_string();
        assert!(fast(reordered.as_bytes(), limit, None).is_none());
        let Ok(Some(Parsed::Entry(slow))) = parse(reordered.as_bytes(), limit, None) else {
            panic!("full parser")
        };
        assert_eq!((f.0, f.1), (slow.0, slow.1));
    }

    #[test]
    fn a_bad_line_deep_in_a_large_baseline_is_named_by_its_line_number() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("inventory.jsonl");
        let t = "2026-01-01T00:00:00Z";
        let mut text: Vec<String> = (0..40_000u64)
            .map(|i| line(7, 1000 + i, 5, t, t, &format!("{:064x}", i)))
            .collect();
        text[30_000] = r#"{"path":"/x","type":"file","size":"#.into();
        std::fs::write(&p, text.join("\n")).unwrap();
        let e = HashCache::load(&p, parse_time("2026-06-01T00:00:00Z").unwrap(), None).unwrap_err();
        assert!(
            e.contains("inventory.jsonl:30001: not an inventory line"),
            "{e}"
        );
    }

    /// A re-audit of a large tree finds every unchanged file, and none whose
    /// state differs by one field.
    #[test]
    fn every_file_of_a_large_baseline_is_found_and_no_other() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("inventory.jsonl");
        // About 13 MB: several blocks, so filled blocks come back and are refilled.
        let n = 40_000u64;
        let t = "2026-01-01T00:00:00Z";
        let text: Vec<String> = (0..n)
            .map(|i| line(7, 1000 + i * 3, i % 97, t, t, &format!("{:064x}", i)))
            .collect();
        std::fs::write(&p, text.join("\n")).unwrap();
        let c = HashCache::load(&p, parse_time("2026-06-01T00:00:00Z").unwrap(), None).unwrap();
        assert_eq!(c.len(), n as usize);
        let tm = parse_time(t).unwrap();
        let seen = |ino: u64, size: u64| Seen {
            dev: 7,
            ino,
            size,
            mtime: tm,
            ctime: tm,
            nlink: 1,
        };
        for i in 0..n {
            let r = c.get(&seen(1000 + i * 3, i % 97)).expect("unchanged file");
            assert_eq!(crate::rootfs::hex(&r.sha256), format!("{:064x}", i));
            assert!(c.get(&seen(1000 + i * 3, i % 97 + 1)).is_none());
            assert!(c.get(&seen(1001 + i * 3, i % 97)).is_none());
        }
    }

    #[test]
    fn reuses_only_identical_states_outside_the_same_tick() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("inventory.jsonl");
        let sha = "ab".repeat(32);
        let text = [
            line(
                1,
                10,
                5,
                "2026-01-01T00:00:00.5Z",
                "2026-01-01T00:00:00.5Z",
                &sha,
            ),
            // Changed 1 s before the walk started: inside the guard.
            line(
                1,
                11,
                5,
                "2026-01-01T00:00:00Z",
                "2026-06-01T11:59:59Z",
                &sha,
            ),
            line(
                1,
                12,
                5,
                "2026-01-01T00:00:00Z",
                "2026-01-01T00:00:00Z",
                "not-a-hash",
            ),
            serde_json::json!({"path": "/old", "type": "file", "size": 1, "sha256": sha})
                .to_string(),
        ]
        .join("\n");
        std::fs::write(&p, text).unwrap();
        let started = parse_time("2026-06-01T12:00:00Z").unwrap();
        let c = HashCache::load(&p, started, None).unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c.guarded, 1);
        let mut s = Seen {
            dev: 1,
            ino: 10,
            size: 5,
            mtime: (parse_time("2026-01-01T00:00:00.5Z").unwrap()),
            ctime: (parse_time("2026-01-01T00:00:00.5Z").unwrap()),
            nlink: 1,
        };
        assert_eq!(c.get(&s).map(|r| r.sha256), Some([0xab; 32]));
        assert!(c.get(&s).unwrap().markers.is_none());
        for change in [
            |s: &mut Seen| s.size += 1,
            |s: &mut Seen| s.mtime.1 += 1,
            |s: &mut Seen| s.ctime.1 += 1,
            |s: &mut Seen| s.ino += 1,
            |s: &mut Seen| s.dev += 1,
        ] {
            let mut t = s;
            change(&mut t);
            assert!(c.get(&t).is_none());
        }
        s.ino = 11;
        assert!(c.get(&s).is_none());
    }

    #[test]
    fn content_markers_are_reused_only_when_known() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("inventory.jsonl");
        let sha = "cd".repeat(32);
        let t = "2026-01-01T00:00:00.000000000Z";
        let with = |ino: u64, markers: serde_json::Value| {
            let mut v: serde_json::Value =
                serde_json::from_str(&line(1, ino, 5, t, t, &sha)).unwrap();
            v["markers"] = markers;
            v.to_string()
        };
        let text = [
            // As timaudit writes it (the fast path): no markers.
            format!(
                r#"{{"path":"/a","type":"file","size":5,"mtime":"{t}","ctime":"{t}","dev":1,"ino":20,"sha256":"{sha}","asset":null,"markers":[]}}"#
            ),
            with(
                21,
                serde_json::json!([{"marker": "社外秘", "where": "content"},
                    {"marker": "極秘", "where": "name"}]),
            ),
            // A marker today's profile does not have: unknown.
            with(22, serde_json::json!([{"marker": "old", "where": "content"}])),
            // An older inventory without markers: unknown.
            {
                let mut v: serde_json::Value =
                    serde_json::from_str(&line(1, 23, 5, t, t, &sha)).unwrap();
                v.as_object_mut().unwrap().remove("markers");
                v.to_string()
            },
        ]
        .join("\n");
        std::fs::write(&p, text).unwrap();
        let started = parse_time("2026-06-01T12:00:00Z").unwrap();
        let names = ["極秘".to_string(), "社外秘".to_string()];
        let seen = |ino| Seen {
            dev: 1,
            ino,
            size: 5,
            mtime: parse_time(t).unwrap(),
            ctime: parse_time(t).unwrap(),
            nlink: 1,
        };
        let c = HashCache::load(&p, started, Some(&names)).unwrap();
        assert_eq!(c.len(), 4);
        assert_eq!(c.get(&seen(20)).unwrap().markers, Some(&[][..]));
        assert_eq!(c.get(&seen(21)).unwrap().markers, Some(&[1u16][..]));
        assert_eq!(c.get(&seen(22)).unwrap().markers, None);
        assert_eq!(c.get(&seen(23)).unwrap().markers, None);
        // A different scan (no names given): hashes only.
        let c = HashCache::load(&p, started, None).unwrap();
        assert!((20..24).all(|i| c.get(&seen(i)).unwrap().markers.is_none()));
        assert_eq!(HashCache::ENTRY_BYTES, 46);
    }

    #[test]
    fn the_scan_digest_changes_with_markers_and_bytes_scanned() {
        let m = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let a = content_scan_digest(&m(&["社外秘"]), 4096);
        assert_eq!(a, content_scan_digest(&m(&["社外秘"]), 4096));
        assert_ne!(
            a,
            content_scan_digest(&m(&["社外秘", "Confidential"]), 4096)
        );
        assert_ne!(a, content_scan_digest(&m(&["社外秘"]), 8192));
        assert_ne!(
            content_scan_digest(&m(&["ab", "c"]), 1),
            content_scan_digest(&m(&["a", "bc"]), 1)
        );
    }
}
