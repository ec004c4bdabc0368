//! The watch log: JSON Lines, one event per line, each line carrying the SHA-256 of
//! the previous line (`prev`), so that any edit, deletion or reordering is
//! detectable. Each line is written with one `write` and flushed.

use crate::i18n::Text;
use crate::sign::AllowedSigners;
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
    /// On `checkpoint` and `sealed` lines (watch --sign-key): an OpenSSH
    /// signature (SSHSIG, namespace `timaudit`) over [`checkpoint_message`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

/// A signed line that records the chain's head (`prev`) every interval.
pub const CHECKPOINT: &str = "checkpoint";
/// The last line a watcher with a key writes when it stops.
pub const SEALED: &str = "sealed";

/// What a checkpoint's signature covers: a fixed prefix (so no other timaudit
/// signature, e.g. a bundle manifest's, can pass for one) and the line itself
/// without its `sig` — its `seq`, its time and `prev`, the SHA-256 of the line
/// before it and so, through the chain, of every line before.
pub fn checkpoint_message(ev: &Event) -> Result<Vec<u8>, String> {
    let mut unsigned = ev.clone();
    unsigned.sig = None;
    let json = serde_json::to_string(&unsigned).map_err(|e| e.to_string())?;
    let mut m = b"timaudit-watch-checkpoint v1\n".to_vec();
    m.extend_from_slice(json.as_bytes());
    Ok(m)
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
    unsigned: u64,
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
        let (next_seq, prev) = match verify(path, None)? {
            Verdict::Intact {
                lines,
                last_seq,
                last_hash,
                ..
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
            unsigned: 0,
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
    pub fn append(&mut self, ev: Event) -> Result<Event, String> {
        self.append_with(ev, None)
    }

    /// Appends a `checkpoint` or `sealed` event signed with `key`.
    pub fn append_signed(&mut self, ev: Event, key: &crate::sign::Signer) -> Result<Event, String> {
        self.append_with(ev, Some(key))
    }

    /// Lines appended since the last checkpoint (or since opening).
    pub fn unsigned_lines(&self) -> u64 {
        self.unsigned
    }

    fn append_with(
        &mut self,
        mut ev: Event,
        key: Option<&crate::sign::Signer>,
    ) -> Result<Event, String> {
        ev.seq = self.next_seq;
        ev.prev = self.prev.clone();
        ev.sig = None;
        if let Some(k) = key {
            ev.sig = Some(k.sign(&checkpoint_message(&ev)?)?);
        }
        let line = serde_json::to_string(&ev).map_err(|e| e.to_string())?;
        let mut bytes = line.clone().into_bytes();
        bytes.push(b'\n');
        self.file
            .write_all(&bytes)
            .and_then(|_| self.file.flush())
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        self.prev = line_hash(line.as_bytes());
        self.next_seq += 1;
        self.unsigned = if key.is_some() { 0 } else { self.unsigned + 1 };
        Ok(ev)
    }
}

/// The result of checking a log.
fn no_newline() -> Text {
    Text::new("最後に改行がありません", "no newline at the end")
}

/// The signed checkpoints of a log whose chain holds.
#[derive(Debug, Default, PartialEq)]
pub struct Seals {
    /// Valid `checkpoint` and `sealed` lines.
    pub checkpoints: u64,
    /// The line number of the last valid one.
    pub last_checkpoint: Option<u64>,
    /// Lines after it, which no signature covers yet.
    pub after_last: u64,
    /// The last line is a valid `sealed` line: the watcher stopped and signed.
    pub sealed: bool,
    /// The last line is `stopped` (an unsigned watcher's end).
    pub stopped: bool,
    /// The keys that signed, with their allowed_signers principals.
    pub keys: Vec<crate::sign::Signed>,
}

#[derive(Debug, PartialEq)]
pub enum Verdict {
    Intact {
        lines: u64,
        last_seq: u64,
        last_hash: String,
        seals: Seals,
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
    /// A signed checkpoint does not match: lines before it were changed,
    /// inserted or deleted and the chain recomputed, or it was edited or
    /// signed by a key that is not allowed.
    Signature,
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
            Cause::Signature => Text::new(
                "署名付きのチェックポイントが一致しません。直前のチェックポイントからここまでの行が変更・挿入・削除されてハッシュチェーンが計算し直されたか、チェックポイント自体が書き換えられたか、認められていない鍵で署名されています",
                "a signed checkpoint does not match: lines since the previous checkpoint were changed, inserted or deleted and the chain recomputed, or the checkpoint itself was edited or signed by a key that is not allowed",
            ),
        }
    }
}

/// Checks a log's chain from the first line; names the first broken line. A
/// line changed in place is named itself (the line after it, which records its
/// original SHA-256, still links to the rest), not the line where the chain
/// visibly breaks.
///
/// `checkpoint` and `sealed` lines must carry a signature over their content;
/// with `signers` it must be by a key listed there (otherwise it is checked
/// against the key it names, which proves no one's identity).
pub fn verify(path: &Path, signers: Option<&AllowedSigners>) -> Result<Verdict, Text> {
    let p = path.display();
    let unreadable =
        |e: std::io::Error| crate::tr!("{p} を読めません: {e}", "cannot read {p}: {e}");
    let mut f = crate::rootfs::open_input(path).map_err(unreadable)?;
    // A log must end with a newline: a partial last line is a break too.
    let ends_ok = ends_with_newline(&mut f).map_err(unreadable)?;
    let reader = BufReader::new(f);
    let mut prev = GENESIS.to_string();
    let mut seals = Seals::default();
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
            return Ok(seq_mismatch(n, ev.seq, next.as_ref()));
        }
        if ev.prev != prev {
            let linked = next.is_some_and(|x| x.prev == line_hash(&raw));
            return Ok(prev_mismatch(n, &ev.prev, &prev, linked));
        }
        prev = line_hash(&raw);
        last_seq = ev.seq;
        if let Some(v) = check_checkpoint(&ev, n, signers, &mut seals) {
            return Ok(v);
        }
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
        seals,
    })
}

/// Does the file end with a newline (or is it empty)? Leaves it at its start.
fn ends_with_newline(f: &mut File) -> std::io::Result<bool> {
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Ok(true);
    }
    let mut last = [0u8; 1];
    f.seek(SeekFrom::End(-1))
        .and_then(|_| f.read_exact(&mut last))?;
    f.seek(SeekFrom::Start(0))?;
    Ok(last[0] == b'\n')
}

/// Line `n` carries `seq` instead of `n`: lines deleted (the following seqs
/// run on one by one from it) or reordered.
fn seq_mismatch(n: u64, seq: u64, next: Option<&Event>) -> Verdict {
    let reason = Text::new(
        format!("seq が {n} のはずのところ {seq} です"),
        format!("seq is {seq} where {n} was expected"),
    );
    // Deleted lines leave the following seqs one run; reordered do not.
    let cause = if seq > n && next.is_none_or(|x| x.seq == seq + 1) {
        Cause::Missing
    } else {
        Cause::Reordered
    };
    Verdict::Broken {
        line: n,
        reason,
        cause,
    }
}

/// Notes a line in `seals`; a `checkpoint` or `sealed` line whose signature
/// does not hold breaks the log there.
fn check_checkpoint(
    ev: &Event,
    n: u64,
    signers: Option<&AllowedSigners>,
    seals: &mut Seals,
) -> Option<Verdict> {
    let signed = ev.event == CHECKPOINT || ev.event == SEALED;
    seals.stopped = ev.event == "stopped";
    seals.sealed = false;
    if !signed {
        seals.after_last += 1;
        return None;
    }
    let from = seals.last_checkpoint.map_or(1, |l| l + 1);
    let broken = |why: Text| {
        let (ja, en) = (&why.ja, &why.en);
        Some(Verdict::Broken {
            line: n,
            reason: crate::tr!(
                "{from} 行目からこの行までを守る署名が通りません: {ja}",
                "the signature covering lines {from} to here does not hold: {en}"
            ),
            cause: Cause::Signature,
        })
    };
    let Some(sig) = ev.sig.as_deref() else {
        return broken(Text::new(
            "チェックポイントに署名がありません",
            "the checkpoint carries no signature",
        ));
    };
    let msg = match checkpoint_message(ev) {
        Ok(m) => m,
        Err(e) => return broken(Text::same(e)),
    };
    match crate::sign::verify(sig.as_bytes(), &msg, signers) {
        Ok(s) => {
            if !seals.keys.iter().any(|k| k.fingerprint == s.fingerprint) {
                seals.keys.push(s);
            }
            seals.checkpoints += 1;
            seals.last_checkpoint = Some(n);
            seals.after_last = 0;
            seals.sealed = ev.event == SEALED;
            None
        }
        Err(r) => broken(r.text()),
    }
}

/// What `verify --log` asks besides the chain.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions<'a> {
    /// Checkpoints must be signed by a key listed here; the log must be signed.
    pub allowed_signers: Option<&'a Path>,
    /// The watcher is still running: no seal (or `stopped`) at the end is fine.
    pub open: bool,
}

/// `verify --log`: the text to print and whether the log passes.
pub fn check(
    path: &Path,
    opts: &CheckOptions,
    lang: crate::i18n::Lang,
) -> Result<(String, bool), Text> {
    let signers = opts.allowed_signers.map(AllowedSigners::load).transpose()?;
    let p = path.display();
    let seals = match verify(path, signers.as_ref())? {
        Verdict::Broken {
            line,
            reason,
            cause,
        } => {
            let (r, c) = (reason.get(lang), cause.text());
            let (cj, ce) = (&c.ja, &c.en);
            let t = match cause {
                Cause::Signature => {
                    crate::tr!("NG: {p}:{line}: {r}。{cj}", "BROKEN: {p}:{line}: {r}; {ce}")
                }
                _ => crate::tr!(
                    "NG: {p}:{line}: ハッシュチェーンが切れています（{r}）。{cj}",
                    "BROKEN: {p}:{line}: the hash chain breaks here ({r}); {ce}"
                ),
            };
            return Ok((format!("{}\n", t.get(lang)), false));
        }
        Verdict::Intact {
            lines,
            last_hash,
            seals,
            ..
        } => {
            let t = crate::tr!(
                "OK: {p} の {lines} 行すべてのハッシュチェーンが正しくつながっています\n最終行の SHA-256: {last_hash}",
                "OK: the hash chain of all {lines} lines of {p} holds\nSHA-256 of the last line: {last_hash}"
            );
            (t, seals)
        }
    };
    let (head, seals) = seals;
    let mut out = vec![head];
    let ok = seal_lines(&seals, signers.is_some(), opts.open, &mut out);
    let text: String = out.iter().map(|t| format!("{}\n", t.get(lang))).collect();
    Ok((text, ok))
}

/// The lines about checkpoints and the end of the log; whether it passes.
fn seal_lines(s: &Seals, need_signature: bool, open: bool, out: &mut Vec<Text>) -> bool {
    if let Some(l) = s.last_checkpoint {
        let (n, keys) = (s.checkpoints, key_list(s));
        out.push(if need_signature {
            crate::tr!(
                "署名付きチェックポイント {n} 件、最後は {l} 行目（署名: {keys}）",
                "{n} signed checkpoints, the last at line {l} (signed by {keys})"
            )
        } else {
            crate::tr!(
                "署名付きチェックポイント {n} 件、最後は {l} 行目（鍵 {keys}。誰の鍵かは確かめていません: --allowed-signers FILE を指定してください）",
                "{n} signed checkpoints, the last at line {l} (key {keys}; whose key it is was not checked: give --allowed-signers FILE)"
            )
        });
    }
    if s.sealed {
        out.push(crate::tr!(
            "OK: 最終行は監視停止時の署名付きの封印（sealed）です",
            "OK: the last line is the watcher's signed seal"
        ));
        return true;
    }
    if s.checkpoints == 0 && need_signature {
        out.push(crate::tr!(
            "NG: このログには署名がありません（watch --sign-key で書かれたログではありません）",
            "NOT SIGNED: the log has no signed checkpoint (it was not written by watch --sign-key)"
        ));
        return false;
    }
    let after = s.after_last;
    if s.checkpoints == 0 {
        out.push(crate::tr!(
            "注意: このログには署名がありません。書き込める人はハッシュチェーン全体を計算し直せるため、改ざんを検出できるのは署名付きのログ（watch --sign-key）だけです",
            "note: the log is not signed; whoever can write it can recompute the whole chain, so only a signed log (watch --sign-key) shows tampering"
        ));
        if s.stopped || open {
            return true;
        }
        out.push(crate::tr!(
            "NG: ログが stopped の行で終わっていません。末尾が切り取られたか、監視が動作中か強制終了されました（動作中なら --open を付けてください）",
            "NOT CLOSED: the log does not end with a `stopped` line: its end was cut off, or the watcher is still running or was killed (give --open while it runs)"
        ));
        return false;
    }
    if open {
        let s_ = crate::i18n::en_n(after, "", "s");
        out.push(crate::tr!(
            "注意: 動作中のログ（--open）です。最後のチェックポイントの後の {after} 行はまだ署名で守られておらず、変更されても検出できません",
            "note: the log is open (--open): the {after} line{s_} after the last checkpoint are not yet covered by a signature, so changes to them cannot be detected"
        ));
        return true;
    }
    let s_ = crate::i18n::en_n(after, "", "s");
    out.push(crate::tr!(
        "NG: ログが封印（sealed）の行で終わっていません（最後のチェックポイントの後に {after} 行）。末尾が切り取られたか、封印の後に行が足されたか、監視が動作中か強制終了されました（動作中なら --open を付けてください）",
        "NOT SEALED: the log does not end with the watcher's seal ({after} line{s_} after the last checkpoint): its end was cut off, lines were added after the seal, or the watcher is still running or was killed (give --open while it runs)"
    ));
    false
}

fn key_list(s: &Seals) -> String {
    let keys: Vec<String> = s
        .keys
        .iter()
        .map(|k| match k.principals.is_empty() {
            true => k.fingerprint.clone(),
            false => format!("{} {}", k.principals.join(" / "), k.fingerprint),
        })
        .collect();
    keys.join(", ")
}

/// Line `n` records `recorded` as the previous line's SHA-256, which is `actual`.
/// When the next line still links to line `n`, line `n` is as written and the
/// line before it was changed.
fn prev_mismatch(n: u64, recorded: &str, actual: &str, next_links: bool) -> Verdict {
    let (r, a) = (short(recorded), short(actual));
    if n > 1 && next_links {
        return Verdict::Broken {
            line: n - 1,
            reason: crate::tr!(
                "この行の SHA-256 は {a} ですが、{n} 行目には {r} と記録されています",
                "it hashes to {a} but line {n} records {r}"
            ),
            cause: Cause::Changed,
        };
    }
    Verdict::Broken {
        line: n,
        reason: crate::tr!(
            "prev は {r} ですが、前の行の SHA-256 は {a} です",
            "its prev is {r} but the previous line hashes to {a}"
        ),
        cause: Cause::ThisOrPrevious,
    }
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
            sig: None,
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
            verify(&p, None).unwrap(),
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
        let broken = || match verify(&p, None).unwrap() {
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

    /// A signed log as a watcher with --sign-key leaves it: events, a
    /// checkpoint, more events, `stopped` and the seal.
    fn sealed_log(p: &Path, key: &crate::sign::Signer) -> Vec<String> {
        let mut log = ChainLog::open(p).unwrap();
        log.append(ev("started")).unwrap();
        log.append(ev("created")).unwrap();
        log.append_signed(ev(CHECKPOINT), key).unwrap();
        log.append(ev("modified")).unwrap();
        log.append(ev("removed")).unwrap();
        log.append(ev("stopped")).unwrap();
        log.append_signed(ev(SEALED), key).unwrap();
        drop(log);
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Rewrites every `prev` from line `from` (0-based) on, as a forger would.
    fn rechain(lines: &mut [String], from: usize) {
        for i in from.max(1)..lines.len() {
            let mut e: Event = serde_json::from_str(&lines[i]).unwrap();
            e.prev = line_hash(lines[i - 1].as_bytes());
            lines[i] = serde_json::to_string(&e).unwrap();
        }
    }

    fn check_text(p: &Path, signers: Option<&Path>, open: bool) -> (String, bool) {
        let opts = CheckOptions {
            allowed_signers: signers,
            open,
        };
        check(p, &opts, crate::i18n::Lang::En).unwrap()
    }

    #[test]
    fn a_sealed_log_fails_when_cut_edited_and_rechained_or_appended_to() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("watch.log");
        let key = crate::sign::Signer::for_tests(3);
        let lines = sealed_log(&p, &key);
        let signers = d.path().join("allowed_signers");
        std::fs::write(&signers, format!("tanaka {}\n", key.public_openssh())).unwrap();
        let (text, ok) = check_text(&p, Some(&signers), false);
        assert!(ok, "{text}");
        assert!(
            text.contains("2 signed checkpoints, the last at line 7 (signed by tanaka"),
            "{text}"
        );
        assert!(
            text.contains("the last line is the watcher's signed seal"),
            "{text}"
        );
        let write = |ls: &[String]| std::fs::write(&p, ls.join("\n") + "\n").unwrap();

        // The tail cut (the seal, or more): not sealed.
        for keep in [6, 4, 3] {
            write(&lines[..keep]);
            let (text, ok) = check_text(&p, Some(&signers), false);
            assert!(!ok && text.contains("NOT SEALED"), "{keep}: {text}");
        }
        // Running watchers: --open accepts the end, names what is unprotected.
        write(&lines[..5]);
        let (text, ok) = check_text(&p, Some(&signers), true);
        assert!(ok, "{text}");
        assert!(
            text.contains("the 2 lines after the last checkpoint"),
            "{text}"
        );

        // A line edited and the chain recomputed: the next checkpoint refuses it,
        // with or without the signer list.
        for (edit, checkpoint) in [(1, 3), (3, 7)] {
            let mut ls = lines.clone();
            ls[edit] = ls[edit].replacen("a.txt", "b.txt", 1);
            rechain(&mut ls, edit + 1);
            write(&ls);
            assert!(
                matches!(verify(&p, None).unwrap(), Verdict::Broken { line, cause: Cause::Signature, .. } if line == checkpoint)
            );
            let (text, ok) = check_text(&p, Some(&signers), false);
            assert!(!ok, "{text}");
            assert!(
                text.contains(&format!(
                    "watch.log:{checkpoint}: the signature covering lines"
                )),
                "{text}"
            );
        }
        // A line inserted, or one deleted, and everything renumbered and re-chained.
        let mut ls = lines.clone();
        ls.insert(1, ls[1].clone());
        for (i, l) in ls.iter_mut().enumerate() {
            let mut e: Event = serde_json::from_str(l).unwrap();
            e.seq = i as u64 + 1;
            *l = serde_json::to_string(&e).unwrap();
        }
        rechain(&mut ls, 1);
        write(&ls);
        let (text, ok) = check_text(&p, Some(&signers), false);
        assert!(!ok && text.contains("watch.log:4:"), "{text}");

        // A line appended after the seal, properly chained.
        let mut ls = lines.clone();
        let mut e = ev("removed");
        e.seq = 8;
        e.prev = line_hash(ls[6].as_bytes());
        ls.push(serde_json::to_string(&e).unwrap());
        write(&ls);
        let (text, ok) = check_text(&p, Some(&signers), false);
        assert!(!ok && text.contains("NOT SEALED"), "{text}");
        assert!(
            text.contains("(1 line after the last checkpoint)"),
            "{text}"
        );

        // Signed by a key that is not listed.
        write(&lines);
        std::fs::write(
            &signers,
            format!(
                "tanaka {}\n",
                crate::sign::Signer::for_tests(4).public_openssh()
            ),
        )
        .unwrap();
        let (text, ok) = check_text(&p, Some(&signers), false);
        assert!(!ok && text.contains("watch.log:3:"), "{text}");
        assert!(text.contains("not listed in allowed_signers"), "{text}");
    }

    #[test]
    fn an_unsigned_log_passes_only_when_stopped_or_open_and_says_it_can_be_rechained() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("watch.log");
        let mut log = ChainLog::open(&p).unwrap();
        log.append(ev("started")).unwrap();
        log.append(ev("created")).unwrap();
        let (text, ok) = check_text(&p, None, false);
        assert!(!ok && text.contains("NOT CLOSED"), "{text}");
        assert!(check_text(&p, None, true).1);
        log.append(ev("stopped")).unwrap();
        drop(log);
        let (text, ok) = check_text(&p, None, false);
        assert!(ok, "{text}");
        assert!(text.contains("the log is not signed"), "{text}");
        // With a signer list, an unsigned log is refused.
        let signers = d.path().join("allowed_signers");
        let key = crate::sign::Signer::for_tests(3);
        std::fs::write(&signers, format!("tanaka {}\n", key.public_openssh())).unwrap();
        let (text, ok) = check_text(&p, Some(&signers), false);
        assert!(!ok && text.contains("NOT SIGNED"), "{text}");
    }
}
