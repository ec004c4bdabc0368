//! The watch log: JSON Lines, one event per line, each line carrying the SHA-256 of
//! the previous line (`prev`), so that any edit, deletion or reordering is
//! detectable. Each line is written with one `write` and flushed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the log. Field order is the order written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: u64,
    pub time: String,
    pub event: String,
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_b64: Option<String>,
    pub findings: Vec<String>,
    pub detail: String,
    pub prev: String,
}

pub fn line_hash(line: &[u8]) -> String {
    crate::rootfs::hex(&Sha256::digest(line))
}

/// An open log, positioned to append the next event.
pub struct ChainLog {
    path: PathBuf,
    file: File,
    next_seq: u64,
    prev: String,
}

impl ChainLog {
    /// Opens (or creates) a log. An existing log is checked first: it must end with
    /// a complete line and its chain must be intact, so that the new lines never
    /// extend a log that was already changed.
    pub fn open(path: &Path) -> Result<ChainLog, String> {
        let (next_seq, prev) = match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (1, GENESIS.to_string()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            Ok(m) if !m.is_file() => {
                return Err(format!("{} is not a regular file", path.display()));
            }
            Ok(_) => match verify(path)? {
                Verdict::Intact {
                    lines,
                    last_seq,
                    last_hash,
                } => {
                    if lines == 0 {
                        (1, GENESIS.to_string())
                    } else {
                        (last_seq + 1, last_hash)
                    }
                }
                Verdict::Broken { line, reason } => {
                    return Err(format!(
                        "{}:{line}: the log's hash chain is broken ({reason}); not appending to it — keep it as evidence and start a new log",
                        path.display()
                    ));
                }
            },
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open {} for appending: {e}", path.display()))?;
        Ok(ChainLog {
            path: path.to_path_buf(),
            file,
            next_seq,
            prev,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// No line written yet (a new log).
    pub fn is_new(&self) -> bool {
        self.next_seq == 1
    }

    /// Appends one event (its `seq` and `prev` are filled in here) and flushes it.
    pub fn append(&mut self, mut ev: Event) -> Result<Event, String> {
        ev.seq = self.next_seq;
        ev.prev = self.prev.clone();
        let line = serde_json::to_string(&ev).map_err(|e| e.to_string())?;
        let mut bytes = line.clone().into_bytes();
        bytes.push(b'\n');
        self.file
            .write_all(&bytes)
            .and_then(|_| self.file.flush())
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        self.prev = line_hash(line.as_bytes());
        self.next_seq += 1;
        Ok(ev)
    }
}

/// The result of checking a log.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Intact {
        lines: u64,
        last_seq: u64,
        last_hash: String,
    },
    Broken {
        line: u64,
        reason: String,
    },
}

/// Checks a log's chain from the first line; names the first broken line.
pub fn verify(path: &Path) -> Result<Verdict, String> {
    let mut f = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // A log must end with a newline: a partial last line is a break too.
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let ends_ok = if len == 0 {
        true
    } else {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::End(-1))
            .and_then(|_| f.read_exact(&mut last))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        f.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
        last[0] == b'\n'
    };
    let reader = BufReader::new(f);
    let mut prev = GENESIS.to_string();
    let mut n = 0u64;
    let mut last_seq = 0u64;
    for raw in reader.split(b'\n') {
        let raw = raw.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        n += 1;
        let broken = |reason: String| Ok(Verdict::Broken { line: n, reason });
        let ev: Event = match serde_json::from_slice(&raw) {
            Ok(ev) => ev,
            Err(e) => return broken(format!("not a log event: {e}")),
        };
        if ev.prev != prev {
            return broken(format!(
                "its prev is {} but the previous line hashes to {}",
                short(&ev.prev),
                short(&prev)
            ));
        }
        if ev.seq != n {
            return broken(format!("seq is {} where {n} was expected", ev.seq));
        }
        prev = line_hash(&raw);
        last_seq = ev.seq;
    }
    if !ends_ok {
        return Ok(Verdict::Broken {
            line: n,
            reason: "the last line is incomplete (no newline at the end)".into(),
        });
    }
    Ok(Verdict::Intact {
        lines: n,
        last_seq,
        last_hash: prev,
    })
}

fn short(h: &str) -> &str {
    &h[..h.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: &str) -> Event {
        Event {
            seq: 0,
            time: "2026-11-25T10:00:00+09:00".into(),
            event: event.into(),
            path: Some("/srv/share/a.txt".into()),
            path_b64: None,
            findings: vec!["HDL-02".into()],
            detail: "x".into(),
            prev: String::new(),
        }
    }

    #[test]
    fn chain_continues_across_restarts_and_detects_edits() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("watch.log");
        let mut log = ChainLog::open(&p).unwrap();
        assert_eq!(log.append(ev("started")).unwrap().prev, GENESIS);
        log.append(ev("created")).unwrap();
        drop(log);
        let mut log = ChainLog::open(&p).unwrap();
        let e = log.append(ev("stopped")).unwrap();
        assert_eq!(e.seq, 3);
        let text = std::fs::read_to_string(&p).unwrap();
        let second = text.lines().nth(1).unwrap();
        assert_eq!(e.prev, line_hash(second.as_bytes()));
        assert!(matches!(
            verify(&p).unwrap(),
            Verdict::Intact { lines: 3, .. }
        ));

        // Edit one byte of line 2: line 3's prev no longer matches.
        std::fs::write(&p, text.replacen("\"created\"", "\"createD\"", 1)).unwrap();
        assert_eq!(
            verify(&p).unwrap(),
            Verdict::Broken {
                line: 3,
                reason: verify_reason(&p)
            }
        );
        assert!(ChainLog::open(&p).is_err(), "never append to a broken log");

        // Delete a line.
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&p, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert!(matches!(
            verify(&p).unwrap(),
            Verdict::Broken { line: 2, .. }
        ));
        // Reorder.
        std::fs::write(&p, format!("{}\n{}\n{}\n", lines[1], lines[0], lines[2])).unwrap();
        assert!(matches!(
            verify(&p).unwrap(),
            Verdict::Broken { line: 1, .. }
        ));
        // Truncated last line.
        std::fs::write(&p, &text[..text.len() - 5]).unwrap();
        assert!(matches!(
            verify(&p).unwrap(),
            Verdict::Broken { line: 3, .. }
        ));
    }

    fn verify_reason(p: &Path) -> String {
        match verify(p).unwrap() {
            Verdict::Broken { reason, .. } => reason,
            v => panic!("{v:?}"),
        }
    }
}
