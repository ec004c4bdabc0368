//! Bounded-memory sorting of inventory lines by path (byte order): lines are
//! buffered, written to temporary files in sorted runs when the buffer is full,
//! and merged at the end.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

/// Buffered bytes before a run is written out.
const RUN_BYTES: usize = 24 << 20;

/// One line and its sort key in one allocation: the key's length, the key, the
/// line.
struct Rec {
    klen: usize,
    data: Box<[u8]>,
}

impl Rec {
    fn new(key: &[u8], line: &[u8]) -> Rec {
        let mut data = Vec::with_capacity(key.len() + line.len());
        data.extend_from_slice(key);
        data.extend_from_slice(line);
        Rec {
            klen: key.len(),
            data: data.into_boxed_slice(),
        }
    }
    fn key(&self) -> &[u8] {
        &self.data[..self.klen]
    }
    fn line(&self) -> &[u8] {
        &self.data[self.klen..]
    }
}

pub struct Sorter {
    buf: Vec<Rec>,
    bytes: usize,
    runs: Vec<std::fs::File>,
    run_bytes: usize,
}

impl Default for Sorter {
    fn default() -> Self {
        Sorter::new()
    }
}

/// Where the merge takes its next record from: a run on disk, or the lines still
/// in memory at the end (sorted, not written out).
enum Source {
    Run(BufReader<std::fs::File>),
    Memory(std::vec::IntoIter<Rec>),
}

impl Source {
    fn next(&mut self) -> io::Result<Option<Rec>> {
        match self {
            Source::Run(r) => read_rec(r),
            Source::Memory(it) => Ok(it.next()),
        }
    }
}

/// A record in the merge heap: the smallest key first, then the earlier source.
struct Head(Rec, usize);

impl PartialEq for Head {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Head {}
impl PartialOrd for Head {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Head {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.key().cmp(o.0.key()).then(self.1.cmp(&o.1))
    }
}

impl Sorter {
    pub fn new() -> Sorter {
        Sorter::with_run_bytes(RUN_BYTES)
    }

    pub fn with_run_bytes(run_bytes: usize) -> Sorter {
        Sorter {
            buf: Vec::new(),
            bytes: 0,
            runs: Vec::new(),
            run_bytes,
        }
    }

    /// Adds one line (without newline) under its sort key (both copied, into one
    /// allocation of their exact size).
    pub fn push(&mut self, key: &[u8], line: &[u8]) -> io::Result<()> {
        let rec = Rec::new(key, line);
        // What the record really takes: its bytes, its slot in the buffer, and
        // the allocator's overhead.
        self.bytes += rec.data.len() + std::mem::size_of::<Rec>() + 16;
        self.buf.push(rec);
        if self.bytes >= self.run_bytes {
            self.spill()?;
        }
        Ok(())
    }

    fn sort(&mut self) {
        self.buf.sort_unstable_by(|a, b| a.key().cmp(b.key()));
    }

    fn spill(&mut self) -> io::Result<()> {
        self.sort();
        let file = tempfile::tempfile()?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        for r in self.buf.drain(..) {
            w.write_all(&(r.klen as u32).to_le_bytes())?;
            w.write_all(&(r.data.len() as u32).to_le_bytes())?;
            w.write_all(&r.data)?;
        }
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        io::Seek::seek(&mut file, io::SeekFrom::Start(0))?;
        self.runs.push(file);
        self.bytes = 0;
        Ok(())
    }

    /// Writes every line, newline-terminated, in key order: the runs on disk
    /// merged with the lines still in memory (which are not written out first).
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sort();
        if self.runs.is_empty() {
            for r in &self.buf {
                out.write_all(r.line())?;
                out.write_all(b"\n")?;
            }
            return Ok(());
        }
        let mut sources: Vec<Source> = self
            .runs
            .drain(..)
            .map(|f| Source::Run(BufReader::with_capacity(256 << 10, f)))
            .collect();
        sources.push(Source::Memory(std::mem::take(&mut self.buf).into_iter()));
        let mut heap = BinaryHeap::new();
        for (i, s) in sources.iter_mut().enumerate() {
            if let Some(r) = s.next()? {
                heap.push(Reverse(Head(r, i)));
            }
        }
        while let Some(Reverse(Head(r, i))) = heap.pop() {
            out.write_all(r.line())?;
            out.write_all(b"\n")?;
            if let Some(r) = sources[i].next()? {
                heap.push(Reverse(Head(r, i)));
            }
        }
        Ok(())
    }
}

fn read_rec(r: &mut impl BufRead) -> io::Result<Option<Rec>> {
    let mut n = [0u8; 4];
    match r.read_exact(&mut n) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        r => r?,
    }
    let klen = u32::from_le_bytes(n) as usize;
    r.read_exact(&mut n)?;
    let mut data = vec![0; u32::from_le_bytes(n) as usize].into_boxed_slice();
    r.read_exact(&mut data)?;
    if klen > data.len() {
        return Err(io::Error::other("corrupt sort run"));
    }
    Ok(Some(Rec { klen, data }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_runs_in_byte_order() {
        let mut s = Sorter::with_run_bytes(200);
        let keys: Vec<Vec<u8>> = (0..100u32)
            .map(|i| format!("/a/{}", (i * 37) % 100).into_bytes())
            .chain([b"/a-b".to_vec(), b"/a".to_vec(), b"/a/\xff".to_vec()])
            .collect();
        for k in &keys {
            s.push(k, k).unwrap();
        }
        assert!(s.runs.len() > 3);
        let mut out = Vec::new();
        s.finish(&mut out).unwrap();
        let lines: Vec<&[u8]> = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        let mut want = keys.clone();
        want.sort();
        assert_eq!(lines, want.iter().map(|k| k.as_slice()).collect::<Vec<_>>());
        assert_eq!(lines[0], b"/a");
        assert_eq!(lines[1], b"/a-b");
    }
}
