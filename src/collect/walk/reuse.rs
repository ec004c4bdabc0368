//! Fast re-audits: reuse the baseline inventory's hash of a file whose size, mtime
//! (ns), ctime (ns), inode and device are all unchanged, instead of reading it.
//!
//! The same-clock-tick guard: a file whose mtime or ctime is not safely before the
//! start of the baseline's walk could have changed again within the same timestamp
//! tick after it was read, so its hash is never reused (git's "racy clean" rule).
//! The margin covers coarse filesystem timestamps (2 s on FAT).
//!
//! Memory: 48 bytes per reusable file (a 128-bit digest of the identity and state,
//! and the hash), held in one sorted vector.

use super::read::Seen;
use sha2::{Digest, Sha256};
use std::io::BufRead;
use std::path::Path;

/// Timestamps within this many nanoseconds before the baseline walk started are
/// "the same tick" and never trusted.
pub const GUARD_NS: i128 = 2_000_000_000;

pub struct HashCache {
    entries: Vec<([u8; 16], [u8; 32])>,
    /// Lines skipped by the same-tick guard (for tests and the report).
    pub guarded: u64,
}

fn key(dev: u64, ino: u64, size: u64, mtime: (i64, i64), ctime: (i64, i64)) -> [u8; 16] {
    let mut h = Sha256::new();
    for v in [dev, ino, size] {
        h.update(v.to_le_bytes());
    }
    for (s, n) in [mtime, ctime] {
        h.update(s.to_le_bytes());
        h.update(n.to_le_bytes());
    }
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
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

#[derive(serde::Deserialize)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    size: Option<u64>,
    mtime: Option<String>,
    ctime: Option<String>,
    dev: Option<u64>,
    ino: Option<u64>,
    sha256: Option<String>,
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
    /// the identity fields (older inventories) or a hash are skipped.
    pub fn load(path: &Path, started: (i64, i64)) -> Result<HashCache, String> {
        let f = std::fs::File::open(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let limit = ns(started) - GUARD_NS;
        let mut entries = Vec::new();
        let mut guarded = 0;
        for (i, line) in std::io::BufReader::with_capacity(1 << 20, f)
            .lines()
            .enumerate()
        {
            let line = line.map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))?;
            // Cheap pre-filter: only hashed regular files matter.
            if !line.contains("\"type\":\"file\"") || line.contains("\"sha256\":null") {
                continue;
            }
            let l: Line = serde_json::from_str(&line)
                .map_err(|e| format!("{}:{}: not an inventory line: {e}", path.display(), i + 1))?;
            let (Some(size), Some(m), Some(c), Some(dev), Some(ino), Some(sha)) =
                (l.size, l.mtime, l.ctime, l.dev, l.ino, l.sha256)
            else {
                continue;
            };
            if l.kind != "file" {
                continue;
            }
            let (Some(mtime), Some(ctime)) = (parse_time(&m), parse_time(&c)) else {
                continue;
            };
            if ns(mtime) >= limit || ns(ctime) >= limit {
                guarded += 1;
                continue;
            }
            let Some(hash) = unhex(&sha) else { continue };
            entries.push((key(dev, ino, size, mtime, ctime), hash));
        }
        entries.sort_unstable_by_key(|e| e.0);
        entries.dedup_by(|a, b| a.0 == b.0);
        entries.shrink_to_fit();
        Ok(HashCache { entries, guarded })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The baseline's hash of this exact file state, if it may be reused.
    pub fn get(&self, s: &Seen) -> Option<[u8; 32]> {
        let k = key(s.dev, s.ino, s.size, s.mtime, s.ctime);
        self.entries
            .binary_search_by(|e| e.0.cmp(&k))
            .ok()
            .map(|i| self.entries[i].1)
    }
}

fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
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
        let c = HashCache::load(&p, started).unwrap();
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
        assert_eq!(c.get(&s), Some([0xab; 32]));
        for change in [
            |s: &mut Seen| s.size += 1,
            |s: &mut Seen| s.mtime.1 += 1,
            |s: &mut Seen| s.ctime.1 += 1,
            |s: &mut Seen| s.ino += 1,
            |s: &mut Seen| s.dev += 1,
        ] {
            let mut t = s;
            change(&mut t);
            assert_eq!(c.get(&t), None);
        }
        s.ino = 11;
        assert_eq!(c.get(&s), None);
    }
}
