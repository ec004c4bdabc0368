//! The watch log: JSON Lines, one event per line, each line carrying the SHA-256 of
//! the previous line (`prev`), so that any edit, deletion or reordering is
//! detectable. Each line is written with one `write` and flushed.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
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
    pub fn open(path: &Path) -> Result<ChainLog, Text> {
        let p = path.display();
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(crate::tr!("{p} を読めません: {e}", "cannot read {p}: {e}")),
            Ok(m) if !m.is_file() => {
                return Err(crate::tr!(
                    "{p} は通常のファイルではありません",
                    "{p} is not a regular file"
                ));
            }
            Ok(_) => {}
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
            .map_err(|e| {
                crate::tr!(
                    "{p} を追記用に開けません: {e}",
                    "cannot open {p} for appending: {e}"
                )
            })?;
        // One writer per log: a second watcher appending to it would interleave
        // its lines and break the chain (held until the file is closed).
        use rustix::fs::{FlockOperation, flock};
        if let Err(e) = flock(&file, FlockOperation::NonBlockingLockExclusive) {
            return Err(if e == rustix::io::Errno::WOULDBLOCK {
                crate::tr!(
                    "{p} には別の timaudit watch が書き込んでいます（1 つのログに書き込めるのは 1 つの watch だけです）",
                    "another timaudit watch is writing {p} (one log has one writer)"
                )
            } else {
                crate::tr!("{p} をロックできません: {e}", "cannot lock {p}: {e}")
            });
        }
        // Checked under the lock, so the chain goes on from the real last line.
        let (next_seq, prev) = match verify(path)? {
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
            Verdict::Broken { line, reason, .. } => {
                let (rj, re) = (&reason.ja, &reason.en);
                return Err(crate::tr!(
                    "{p}:{line}: ログのハッシュチェーンが切れています（{rj}）。このログには追記しません。証拠として保管し、新しいログで始めてください",
                    "{p}:{line}: the log's hash chain is broken ({re}); not appending to it — keep it as evidence and start a new log"
                ));
            }
        };
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
fn no_newline() -> Text {
    Text::new("最後に改行がありません", "no newline at the end")
}

#[derive(Debug, PartialEq)]
pub enum Verdict {
    Intact {
        lines: u64,
        last_seq: u64,
        last_hash: String,
    },
    Broken {
        line: u64,
        /// What does not match, in both languages.
        reason: Text,
        cause: Cause,
    },
}

/// What the break says happened at the line named.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cause {
    /// This line was changed after it was written: the next line records another
    /// SHA-256 for it (or it is no log event at all).
    Changed,
    /// Lines before this one were deleted (its `seq` jumps ahead).
    Missing,
    /// Lines were reordered or repeated here.
    Reordered,
    /// This line or the one before it was edited, deleted or reordered; nothing
    /// after it tells which.
    ThisOrPrevious,
    /// The last line has no newline: cut off.
    Incomplete,
}

impl Cause {
    pub fn text(self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            Cause::Changed => Text::new(
                "この行は書き込まれた後に変更されています",
                "this line was changed after it was written",
            ),
            Cause::Missing => Text::new(
                "この行より前の行が削除されています",
                "lines before this one were deleted",
            ),
            Cause::Reordered => Text::new(
                "ここで行の順序が入れ替えられています",
                "lines were reordered here",
            ),
            Cause::ThisOrPrevious => Text::new(
                "この行か直前の行が変更・削除・並べ替えされています",
                "this line or the one before it was edited, deleted or reordered",
            ),
            Cause::Incomplete => {
                Text::new("最後の行が途中で切れています", "the last line was cut off")
            }
        }
    }
}

/// Checks a log's chain from the first line; names the first broken line. A
/// line changed in place is named itself (the line after it, which records its
/// original SHA-256, still links to the rest), not the line where the chain
/// visibly breaks.
pub fn verify(path: &Path) -> Result<Verdict, Text> {
    let p = path.display();
    let unreadable =
        |e: std::io::Error| crate::tr!("{p} を読めません: {e}", "cannot read {p}: {e}");
    let mut f = crate::rootfs::open_input(path).map_err(unreadable)?;
    // A log must end with a newline: a partial last line is a break too.
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let ends_ok = if len == 0 {
        true
    } else {
        let mut last = [0u8; 1];
        f.seek(SeekFrom::End(-1))
            .and_then(|_| f.read_exact(&mut last))
            .map_err(unreadable)?;
        f.seek(SeekFrom::Start(0)).map_err(unreadable)?;
        last[0] == b'\n'
    };
    let reader = BufReader::new(f);
    let mut prev = GENESIS.to_string();
    let mut n = 0u64;
    let mut last_seq = 0u64;
    let mut lines =
        crate::rootfs::BoundedLines::new(reader, crate::rootfs::limits::LOG_LINE).peekable();
    while let Some(raw) = lines.next() {
        let raw = raw.map_err(unreadable)?;
        n += 1;
        let broken = |line: u64, reason: Text, cause: Cause| {
            Ok(Verdict::Broken {
                line,
                reason,
                cause,
            })
        };
        let ev: Event = match serde_json::from_slice(&raw) {
            Ok(ev) => ev,
            // The last line cut off (a crash while writing, or a truncation).
            Err(_) if !ends_ok && lines.peek().is_none() => {
                return broken(n, no_newline(), Cause::Incomplete);
            }
            Err(e) => {
                return broken(
                    n,
                    Text::new(
                        format!("ログの行として読めません: {e}"),
                        format!("not a log event: {e}"),
                    ),
                    Cause::Changed,
                );
            }
        };
        let next: Option<Event> = match lines.peek() {
            Some(Ok(r)) => serde_json::from_slice(r).ok(),
            _ => None,
        };
        if ev.seq != n {
            let reason = Text::new(
                format!("seq が {n} のはずのところ {} です", ev.seq),
                format!("seq is {} where {n} was expected", ev.seq),
            );
            // Deleted lines leave the following seqs one run; reordered do not.
            let cause = if ev.seq > n && next.as_ref().is_none_or(|x| x.seq == ev.seq + 1) {
                Cause::Missing
            } else {
                Cause::Reordered
            };
            return broken(n, reason, cause);
        }
        if ev.prev != prev {
            // In its place, with the next line still linking to it: this line is
            // as written, so the line before it was changed.
            if n > 1 && next.is_some_and(|x| x.prev == line_hash(&raw)) {
                return broken(
                    n - 1,
                    Text::new(
                        format!(
                            "この行の SHA-256 は {} ですが、{n} 行目には {} と記録されています",
                            short(&prev),
                            short(&ev.prev)
                        ),
                        format!(
                            "it hashes to {} but line {n} records {}",
                            short(&prev),
                            short(&ev.prev)
                        ),
                    ),
                    Cause::Changed,
                );
            }
            return broken(
                n,
                Text::new(
                    format!(
                        "prev は {} ですが、前の行の SHA-256 は {} です",
                        short(&ev.prev),
                        short(&prev)
                    ),
                    format!(
                        "its prev is {} but the previous line hashes to {}",
                        short(&ev.prev),
                        short(&prev)
                    ),
                ),
                Cause::ThisOrPrevious,
            );
        }
        prev = line_hash(&raw);
        last_seq = ev.seq;
    }
    if !ends_ok {
        return Ok(Verdict::Broken {
            line: n,
            reason: no_newline(),
            cause: Cause::Incomplete,
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

        // A second writer on the same log is refused while the first holds it.
        let e = ChainLog::open(&p).err().expect("one writer per log");
        assert!(e.en.contains("another timaudit watch"), "{e:?}");
        drop(log);
        let mut log = ChainLog::open(&p).unwrap();
        log.append(ev("modified")).unwrap();
        log.append(ev("removed")).unwrap();
        drop(log);
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        let write = |ls: &[&str]| {
            let mut t = ls.join("\n");
            t.push('\n');
            std::fs::write(&p, t).unwrap();
        };
        let broken = || match verify(&p).unwrap() {
            Verdict::Broken { line, cause, .. } => (line, cause),
            v => panic!("{v:?}"),
        };

        // One byte of line 2 edited: line 3 still links to line 4, so line 2 it is.
        let edited = lines[1].replacen("\"created\"", "\"createD\"", 1);
        write(&[lines[0], &edited, lines[2], lines[3], lines[4]]);
        assert_eq!(broken(), (2, Cause::Changed));
        assert!(ChainLog::open(&p).is_err(), "never append to a broken log");
        // The line before the last edited: nothing after tells which of the two.
        let edited = lines[3].replacen("\"modified\"", "\"modifieD\"", 1);
        write(&[lines[0], lines[1], lines[2], &edited, lines[4]]);
        assert_eq!(broken(), (5, Cause::ThisOrPrevious));
        // A line deleted: the next one is named, and says lines are missing.
        write(&[lines[0], lines[1], lines[3], lines[4]]);
        assert_eq!(broken(), (3, Cause::Missing));
        write(&[lines[1], lines[2], lines[3], lines[4]]);
        assert_eq!(broken(), (1, Cause::Missing));
        // Two lines swapped, or one repeated.
        write(&[lines[0], lines[2], lines[1], lines[3], lines[4]]);
        assert_eq!(broken(), (2, Cause::Reordered));
        write(&[lines[0], lines[1], lines[1], lines[2], lines[3], lines[4]]);
        assert_eq!(broken(), (3, Cause::Reordered));
        // Truncated last line.
        std::fs::write(&p, &text[..text.len() - 5]).unwrap();
        assert_eq!(broken(), (5, Cause::Incomplete));
    }
}
