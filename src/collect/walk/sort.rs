//! Bounded-memory sorting of inventory lines by path (byte order): lines are
//! buffered, written to temporary files in sorted runs when the buffer is full,
//! and merged at the end.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};

/// Buffered bytes before a run is written out.
const RUN_BYTES: usize = 24 << 20;

/// Where one buffered line is in the arena: its start, its key's length, and
/// the key and line's length together.
#[derive(Clone, Copy)]
struct Slot {
    at: usize,
    klen: u32,
    len: u32,
}

impl Slot {
    /// The line's sort key in the arena.
    fn key<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        &arena[self.at..self.at + self.klen as usize]
    }
    /// The line itself.
    fn line<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        &arena[self.at + self.klen as usize..self.at + self.len as usize]
    }
    /// Key and line together, as a run holds them after the two lengths.
    fn record<'a>(&self, arena: &'a [u8]) -> &'a [u8] {
        &arena[self.at..self.at + self.len as usize]
    }
}

/// A record being merged: the key's length, then key and line in one buffer
/// that is refilled with the next record of the same source.
struct Rec {
    klen: usize,
    data: Vec<u8>,
}

impl Rec {
    fn key(&self) -> &[u8] {
        &self.data[..self.klen]
    }
    fn line(&self) -> &[u8] {
        &self.data[self.klen..]
    }
}

/// Sorts lines by key in bounded memory. The lines in memory are kept in one
/// arena (no allocation per line) and sorted through an index.
pub struct Sorter {
    arena: Vec<u8>,
    slots: Vec<Slot>,
    runs: Vec<std::fs::File>,
    run_bytes: usize,
}

impl Default for Sorter {
    fn default() -> Self {
        Sorter::new()
    }
}

/// A merge head: the record and its run's index (ties go to the earlier run).
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
            arena: Vec::new(),
            slots: Vec::new(),
            runs: Vec::new(),
            run_bytes,
        }
    }

    /// Memory held by the buffered lines (by capacity: what is really allocated).
    fn bytes(&self) -> usize {
        self.arena.capacity() + self.slots.capacity() * std::mem::size_of::<Slot>()
    }

    /// Adds one line (without newline) under its sort key (both copied into the
    /// arena); writes a run to disk when the arena holds a run's worth.
    pub fn push(&mut self, key: &[u8], line: &[u8]) -> io::Result<()> {
        let len = key.len() + line.len();
        if len > u32::MAX as usize {
            return Err(io::Error::other("inventory line too long to sort"));
        }
        // The arena is reserved at the run size at once (pages are only resident
        // once written): grown by doubling, each step copied it and could leave
        // the old arena behind as free heap, about half a run more at the peak.
        if self.arena.len() + len > self.arena.capacity() {
            let want = self.run_bytes.max(self.arena.len() + len);
            self.arena.reserve_exact(want - self.arena.len());
            huge_pages(&self.arena);
            // The index likewise, for lines of 200 bytes on average (inventory
            // lines are longer); past that it grows as it must.
            self.slots
                .reserve_exact((self.run_bytes / 200).saturating_sub(self.slots.len()));
        }
        self.slots.push(Slot {
            at: self.arena.len(),
            klen: key.len() as u32,
            len: len as u32,
        });
        self.arena.extend_from_slice(key);
        self.arena.extend_from_slice(line);
        if self.arena.len() + self.slots.len() * std::mem::size_of::<Slot>() >= self.run_bytes
            || self.bytes() > self.run_bytes.saturating_mul(2)
        {
            self.spill()?;
        }
        Ok(())
    }

    /// Sorts the index by key; equal keys keep the order they came in.
    fn sort(&mut self) {
        let arena = &self.arena;
        self.slots
            .sort_unstable_by(|a, b| a.key(arena).cmp(b.key(arena)).then(a.at.cmp(&b.at)));
    }

    fn spill(&mut self) -> io::Result<()> {
        self.sort();
        let file = tempfile::tempfile()?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        for s in &self.slots {
            w.write_all(&s.klen.to_le_bytes())?;
            w.write_all(&s.len.to_le_bytes())?;
            w.write_all(s.record(&self.arena))?;
        }
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        io::Seek::seek(&mut file, io::SeekFrom::Start(0))?;
        self.runs.push(file);
        // The arena is kept for the next run; the index too.
        self.arena.clear();
        self.slots.clear();
        Ok(())
    }

    /// Writes every line, newline-terminated, in key order: the runs on disk
    /// merged with the lines still in memory (which are not written out first).
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<()> {
        self.sort();
        let arena = self.arena.as_slice();
        let mut runs: Vec<BufReader<std::fs::File>> = self
            .runs
            .drain(..)
            .map(|f| BufReader::with_capacity(256 << 10, f))
            .collect();
        let mut heap = BinaryHeap::with_capacity(runs.len());
        for (i, r) in runs.iter_mut().enumerate() {
            let mut rec = Rec {
                klen: 0,
                data: Vec::new(),
            };
            if read_rec(r, &mut rec)? {
                heap.push(Reverse(Head(rec, i)));
            }
        }
        // The runs merge through the heap; the lines still in memory are taken
        // straight from the arena when their key comes first (on equal keys the
        // runs, written earlier, go first). Each popped record's buffer is refilled
        // from its own run: no allocation per line once every buffer has grown to
        // its longest line.
        let mut memory = self.slots.iter().peekable();
        loop {
            let from_memory = match (heap.peek(), memory.peek()) {
                (None, None) => break,
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(Reverse(Head(rec, _))), Some(s)) => s.key(arena) < rec.key(),
            };
            if from_memory {
                if let Some(s) = memory.next() {
                    out.write_all(s.line(arena))?;
                    out.write_all(b"\n")?;
                }
                continue;
            }
            let Some(Reverse(Head(mut rec, i))) = heap.pop() else {
                break;
            };
            out.write_all(rec.line())?;
            out.write_all(b"\n")?;
            if read_rec(&mut runs[i], &mut rec)? {
                heap.push(Reverse(Head(rec, i)));
            }
        }
        Ok(())
    }
}

/// Asks the kernel to back the arena's spare capacity with transparent huge
/// pages (`MADV_HUGEPAGE`, where THP is set to `madvise`): filling a run's arena
/// otherwise takes one page fault per 4 KiB (a 100k-file walk: 10.2k faults in
/// all, 4.5k with the advice). Only advice; the memory is still only resident
/// once written.
fn huge_pages(arena: &Vec<u8>) {
    const HUGE: usize = 2 << 20;
    if arena.capacity() < 2 * HUGE {
        return;
    }
    let start = arena.as_ptr() as usize;
    let end = start + arena.capacity();
    // madvise wants a page-aligned start; the advice covers whole huge pages.
    let from = start.next_multiple_of(HUGE);
    let to = end - end % HUGE;
    if to > from {
        // SAFETY: the range lies inside the vector's allocation; MADV_HUGEPAGE
        // changes neither its contents nor its mapping's protection.
        unsafe {
            libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
        }
    }
}

/// Reads one record of a run into `rec`; false at the end of the run.
fn read_rec(r: &mut impl BufRead, rec: &mut Rec) -> io::Result<bool> {
    let mut n = [0u8; 4];
    match r.read_exact(&mut n) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
        r => r?,
    }
    let klen = u32::from_le_bytes(n) as usize;
    r.read_exact(&mut n)?;
    let len = u32::from_le_bytes(n) as usize;
    if klen > len {
        return Err(io::Error::other("corrupt sort run"));
    }
    rec.data.resize(len, 0);
    r.read_exact(&mut rec.data)?;
    rec.klen = klen;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines a sorter writes when it finishes.
    fn finished(s: Sorter) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        s.finish(&mut out).unwrap();
        out.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(<[u8]>::to_vec)
            .collect()
    }

    /// Sorted by key, equal keys in the order they came: in memory alone, and
    /// with runs on disk.
    fn check_order(s: Sorter, n: u32) {
        let lines = finished(s);
        assert_eq!(lines.len(), n as usize);
        let mut want: Vec<(u32, u32)> = (0..n).map(|i| ((i * 7919) % (n / 3), i)).collect();
        want.sort();
        let want: Vec<String> = want.iter().map(|(k, i)| format!("{k:08} {i}")).collect();
        assert_eq!(lines, want.iter().map(|l| l.as_bytes()).collect::<Vec<_>>());
    }

    fn pushed(run_bytes: usize, n: u32) -> Sorter {
        let mut s = Sorter::with_run_bytes(run_bytes);
        for i in 0..n {
            // Every key three times, in scattered order.
            let k = format!("{:08}", (i * 7919) % (n / 3));
            s.push(k.as_bytes(), format!("{k} {i}").as_bytes()).unwrap();
        }
        s
    }

    #[test]
    fn equal_keys_keep_their_order_in_memory_and_across_runs() {
        let s = pushed(RUN_BYTES, 60_000);
        assert!(s.runs.is_empty());
        check_order(s, 60_000);
        let s = pushed(64 << 10, 60_000);
        assert!(s.runs.len() > 10);
        check_order(s, 60_000);
        let s = pushed(RUN_BYTES, 999);
        check_order(s, 999);
    }

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
        let lines = finished(s);
        let mut want = keys.clone();
        want.sort();
        assert_eq!(lines, want);
        assert_eq!(lines[0], b"/a");
        assert_eq!(lines[1], b"/a-b");
    }
}
