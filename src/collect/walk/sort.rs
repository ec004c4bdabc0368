//! Bounded-memory sorting of inventory lines by path (byte order): lines are
//! buffered, written to temporary files in sorted runs when the buffer is full,
//! and merged at the end.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

/// Buffered bytes before a run is written out.
const RUN_BYTES: usize = 24 << 20;

pub struct Sorter {
    buf: Vec<(Vec<u8>, Vec<u8>)>,
    bytes: usize,
    runs: Vec<std::fs::File>,
    run_bytes: usize,
}

impl Default for Sorter {
    fn default() -> Self {
        Sorter::new()
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

    /// Adds one line (without newline) under its sort key.
    pub fn push(&mut self, key: Vec<u8>, line: Vec<u8>) -> io::Result<()> {
        // What the two buffers really take (serde_json grows a line's buffer by
        // doubling), so a run holds at most `run_bytes` of memory.
        self.bytes += key.capacity() + line.capacity() + 64;
        self.buf.push((key, line));
        if self.bytes >= self.run_bytes {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.buf.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let file = tempfile::tempfile()?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        for (k, l) in self.buf.drain(..) {
            w.write_all(&(k.len() as u32).to_le_bytes())?;
            w.write_all(&k)?;
            w.write_all(&(l.len() as u32).to_le_bytes())?;
            w.write_all(&l)?;
        }
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        io::Seek::seek(&mut file, io::SeekFrom::Start(0))?;
        self.runs.push(file);
        self.bytes = 0;
        Ok(())
    }

    /// Writes every line, newline-terminated, in key order.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.runs.is_empty() {
            self.buf.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            for (_, l) in &self.buf {
                out.write_all(l)?;
                out.write_all(b"\n")?;
            }
            return Ok(());
        }
        if !self.buf.is_empty() {
            self.spill()?;
        }
        let mut readers: Vec<BufReader<std::fs::File>> = self
            .runs
            .drain(..)
            .map(|f| BufReader::with_capacity(256 << 10, f))
            .collect();
        let mut heap = BinaryHeap::new();
        for (i, r) in readers.iter_mut().enumerate() {
            if let Some((k, l)) = read_rec(r)? {
                heap.push(Reverse((k, i, l)));
            }
        }
        while let Some(Reverse((_, i, l))) = heap.pop() {
            out.write_all(&l)?;
            out.write_all(b"\n")?;
            if let Some((k, l)) = read_rec(&mut readers[i])? {
                heap.push(Reverse((k, i, l)));
            }
        }
        Ok(())
    }
}

fn read_rec(r: &mut impl BufRead) -> io::Result<Option<(Vec<u8>, Vec<u8>)>> {
    let mut n = [0u8; 4];
    match r.read_exact(&mut n) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        r => r?,
    }
    let mut k = vec![0; u32::from_le_bytes(n) as usize];
    r.read_exact(&mut k)?;
    r.read_exact(&mut n)?;
    let mut l = vec![0; u32::from_le_bytes(n) as usize];
    r.read_exact(&mut l)?;
    Ok(Some((k, l)))
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
            s.push(k.clone(), k.clone()).unwrap();
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
