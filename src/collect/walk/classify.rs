//! Classification of walked entries: markers (in names, parent directory names and
//! content), the register's asset globs, `scope.exclude`, and discard folders.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// Where a marker was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Where {
    /// The entry's own name.
    Name,
    /// The name of a parent directory.
    Directory,
    /// The first `scope.content_scan_bytes` bytes.
    Content,
}

/// One marker found: its index in the profile's `markers` and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    pub marker: u16,
    pub place: Where,
}

/// How a pattern of the automaton was derived from a marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Utf8,
    Cp932,
}

/// Searches names and content for the profile's markers: NFC-normalised names,
/// ASCII letters case-insensitive, content as UTF-8 and as CP932 text.
///
/// Names (short) go through one Aho-Corasick automaton with overlapping matches.
/// Content (up to `scope.content_scan_bytes` of every file) is searched pattern by
/// pattern with `memchr::memmem` (SIMD, with a rare-byte prefilter), in a copy
/// of the bytes with ASCII letters lowered when a pattern has letters; the CP932
/// patterns only when the bytes are not UTF-8. Only presence matters, so each
/// pattern is one forward search that stops at its first hit, and a marker
/// already found skips its other forms. The overlapping automaton ran at about
/// 0.6 GB/s and took more CPU than SHA-256 on 64 KiB files (docs/benchmarks.md);
/// it finds the same set of markers (a test compares the two).
pub struct Markers {
    pub names: Vec<String>,
    ac: Option<AhoCorasick>,
    /// pattern index → (marker index, form)
    patterns: Vec<(u16, Form)>,
    /// per pattern (same order): its searcher, on ASCII-lowered bytes
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// some pattern has an ASCII letter: search a lowered copy of the content
    fold_content: bool,
    /// some pattern is a CP932 form
    any_cp932: bool,
    /// the markers NFC-normalised and ASCII-lowercased, for verifying CP932 hits
    folded: Vec<String>,
}

thread_local! {
    /// The ASCII-lowered copy of the content being searched (one per reader thread).
    static LOWERED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn fold(s: &str) -> String {
    s.nfc().collect::<String>().to_ascii_lowercase()
}

impl Markers {
    pub fn new(markers: &[String]) -> Markers {
        let mut pats: Vec<Vec<u8>> = Vec::new();
        let mut patterns = Vec::new();
        let mut folded = Vec::new();
        for (i, m) in markers.iter().enumerate().take(u16::MAX as usize) {
            let f = fold(m);
            folded.push(f.clone());
            if f.is_empty() {
                continue;
            }
            let i = i as u16;
            let mut add = |bytes: Vec<u8>, form: Form| {
                if !pats.contains(&bytes) {
                    pats.push(bytes);
                    patterns.push((i, form));
                }
            };
            add(f.as_bytes().to_vec(), Form::Utf8);
            let nfd: String = f.nfd().collect();
            add(nfd.into_bytes(), Form::Utf8);
            let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&f);
            if !unmappable && sjis.as_ref() != f.as_bytes() {
                add(sjis.into_owned(), Form::Cp932);
            }
        }
        let ac = (!pats.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&pats)
                .expect("marker automaton")
        });
        let finders = pats
            .iter()
            .map(|p| memchr::memmem::Finder::new(&p.to_ascii_lowercase()).into_owned())
            .collect();
        Markers {
            names: markers.to_vec(),
            ac,
            fold_content: pats.iter().flatten().any(|b| b.is_ascii_alphabetic()),
            any_cp932: patterns.iter().any(|(_, f)| *f == Form::Cp932),
            patterns,
            finders,
            folded,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }

    /// Markers in one file or directory name (raw bytes of the name). A name that
    /// is not UTF-8 is also read as CP932, as old Samba servers store it.
    pub fn in_name(&self, name: &[u8]) -> Vec<u16> {
        use unicode_normalization::{IsNormalized, is_nfc_quick};
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut search = |t: &[u8]| {
            for m in ac.find_overlapping_iter(t) {
                let (idx, form) = self.patterns[m.pattern().as_usize()];
                if form == Form::Utf8 && !out.contains(&idx) {
                    out.push(idx);
                }
            }
        };
        match std::str::from_utf8(name) {
            // ASCII, or already in NFC (most names): searched as it is, not copied.
            Ok(s) if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes => search(name),
            Ok(s) => search(s.nfc().collect::<String>().as_bytes()),
            Err(_) => {
                let (d, _, _) = encoding_rs::SHIFT_JIS.decode(name);
                search(
                    String::from_utf8_lossy(name)
                        .nfc()
                        .collect::<String>()
                        .as_bytes(),
                );
                search(d.nfc().collect::<String>().as_bytes());
            }
        }
        out.sort_unstable();
        out
    }

    /// Markers in the leading bytes of a file: as UTF-8 bytes anywhere, and as CP932
    /// when the bytes are not UTF-8 text (a CP932 hit is confirmed by decoding).
    pub fn in_content(&self, buf: &[u8]) -> Vec<u16> {
        if self.ac.is_none() || buf.is_empty() {
            return Vec::new();
        }
        if !self.fold_content {
            return self.search_content(buf, buf);
        }
        LOWERED.with_borrow_mut(|low| {
            low.clear();
            low.extend_from_slice(buf);
            low.make_ascii_lowercase();
            self.search_content(buf, low)
        })
    }

    /// `in_content` on `buf`, whose ASCII-lowered bytes are `low` (or `buf`
    /// itself when no pattern has a letter).
    fn search_content(&self, buf: &[u8], low: &[u8]) -> Vec<u16> {
        let mut out = Vec::new();
        for (k, (idx, form)) in self.patterns.iter().enumerate() {
            if *form == Form::Utf8 && !out.contains(idx) && self.finders[k].find(low).is_some() {
                out.push(*idx);
            }
        }
        // CP932 only where the bytes are not UTF-8 text (a CP932 hit in UTF-8
        // text is a coincidence of bytes).
        let mut cp932_candidates = Vec::new();
        if self.any_cp932 && out.len() < self.names.len() && !is_utf8_prefix(buf) {
            for (k, (idx, form)) in self.patterns.iter().enumerate() {
                if *form == Form::Cp932
                    && !out.contains(idx)
                    && !cp932_candidates.contains(idx)
                    && self.finders[k].find(low).is_some()
                {
                    cp932_candidates.push(*idx);
                }
            }
        }
        if !cp932_candidates.is_empty() {
            let (decoded, _, _) = encoding_rs::SHIFT_JIS.decode(buf);
            let text = fold(&decoded);
            for i in cp932_candidates {
                if text.contains(self.folded[i as usize].as_str()) {
                    out.push(i);
                }
            }
        }
        out.sort_unstable();
        out
    }
}

/// Valid UTF-8, allowing a character cut off at the end of the buffer.
fn is_utf8_prefix(buf: &[u8]) -> bool {
    match std::str::from_utf8(buf) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// The register's POSIX `paths` globs. `*` stays within one path component, `**`
/// crosses them. Windows-style paths are for Windows evidence and are ignored here.
pub struct AssetMatcher {
    set: GlobSet,
    /// glob index → asset index
    owner: Vec<usize>,
    /// per asset: does it have any POSIX path?
    pub has_posix: Vec<bool>,
    /// per asset: base directories (the path before the first glob character)
    pub bases: Vec<Vec<String>>,
}

pub fn is_posix_glob(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//")
}

/// `/srv/share/design/**/*.dwg` → `/srv/share/design`.
pub fn glob_base(p: &str) -> String {
    let cut = p.find(['*', '?', '[', '{']).unwrap_or(p.len());
    let head = &p[..cut];
    let base = if cut == p.len() {
        head.trim_end_matches('/')
    } else {
        match head.rfind('/') {
            Some(0) | None => "/",
            Some(i) => &head[..i],
        }
    };
    crate::rootfs::normalize_host(if base.is_empty() { "/" } else { base })
}

impl AssetMatcher {
    pub fn new(assets: &[crate::profile::Asset]) -> AssetMatcher {
        let mut b = GlobSetBuilder::new();
        let mut owner = Vec::new();
        let mut has_posix = Vec::new();
        let mut bases = Vec::new();
        for (i, a) in assets.iter().enumerate() {
            let mut any = false;
            let mut bs = Vec::new();
            for p in a.paths.iter().filter(|p| is_posix_glob(p)) {
                if let Ok(g) = glob(p) {
                    b.add(g);
                    owner.push(i);
                    any = true;
                    bs.push(glob_base(p));
                }
            }
            has_posix.push(any);
            bases.push(bs);
        }
        AssetMatcher {
            set: b.build().unwrap_or_else(|_| GlobSet::empty()),
            owner,
            has_posix,
            bases,
        }
    }

    /// Indexes of the assets whose paths match, in register order (deduplicated).
    pub fn matches(&self, host_path: &std::path::Path, scratch: &mut Vec<usize>) -> Vec<usize> {
        if self.set.is_empty() {
            return Vec::new();
        }
        scratch.clear();
        self.set.matches_into(host_path, scratch);
        let mut out: Vec<usize> = scratch.iter().map(|g| self.owner[*g]).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// `scope.exclude`: globs on host paths. A pattern ending in `/**` also prunes the
/// directory it names, so its contents are never read.
pub struct Excluder {
    set: GlobSet,
    prune: GlobSet,
}

impl Excluder {
    pub fn new(patterns: &[String]) -> Excluder {
        let mut b = GlobSetBuilder::new();
        let mut p = GlobSetBuilder::new();
        for pat in patterns {
            // A pattern that is not a host path (`*.tmp`, `.snapshot/**`) could never
            // match one; like .gitignore, it matches at any depth.
            let anywhere;
            let pat = if pat.starts_with('/') || pat.starts_with("**") {
                pat.as_str()
            } else {
                anywhere = format!("**/{pat}");
                anywhere.as_str()
            };
            if let Ok(g) = glob(pat) {
                b.add(g);
            }
            if let Some(dir) = pat.strip_suffix("/**")
                && let Ok(g) = glob(dir)
            {
                p.add(g);
            }
        }
        Excluder {
            set: b.build().unwrap_or_else(|_| GlobSet::empty()),
            prune: p.build().unwrap_or_else(|_| GlobSet::empty()),
        }
    }

    pub fn excluded(&self, host_path: &std::path::Path) -> bool {
        !self.set.is_empty() && self.set.is_match(host_path)
    }

    /// A directory whose whole content is excluded.
    pub fn prunes(&self, host_dir: &std::path::Path) -> bool {
        !self.prune.is_empty() && self.prune.is_match(host_dir)
    }
}

/// HDL-05's temporary and discard folders: `tmp`, `temp`, `.Trash*`,
/// `$RECYCLE.BIN`, `Downloads`, `ゴミ箱`, `一時` (case-insensitive).
pub fn is_discard_dir(name: &[u8]) -> bool {
    let s = String::from_utf8_lossy(name);
    let s: String = s.nfc().collect::<String>().to_lowercase();
    matches!(
        s.as_str(),
        "tmp" | "temp" | "$recycle.bin" | "downloads" | "ゴミ箱" | "一時"
    ) || s.starts_with(".trash")
}

/// Standard base64 (RFC 4648, with padding) for `path_b64`.
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(list: &[&str]) -> Markers {
        Markers::new(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn names_are_nfc_normalised_and_ascii_case_insensitive() {
        let mk = m(&["社外秘", "Confidential", "ガイド"]);
        assert_eq!(mk.in_name("図面_社外秘.dwg".as_bytes()), [0]);
        assert_eq!(mk.in_name(b"CONFIDENTIAL-plan.pdf"), [1]);
        // ガ in NFD (カ + combining dakuten), as macOS writes names
        assert_eq!(mk.in_name("カ\u{3099}イト\u{3099}.txt".as_bytes()), [2]);
        assert!(mk.in_name(b"public.txt").is_empty());
        // a CP932 name as an old Samba server stores it
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("社外秘メモ.txt");
        assert_eq!(mk.in_name(&sjis), [0]);
    }

    #[test]
    fn content_in_utf8_and_cp932() {
        let mk = m(&["社外秘", "Confidential"]);
        assert_eq!(mk.in_content("表題: 社外秘 図面".as_bytes()), [0]);
        assert_eq!(mk.in_content(b"\x00\x01binary confidential\x00"), [1]);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("この資料は社外秘です");
        assert_eq!(mk.in_content(&sjis), [0]);
        assert!(mk.in_content(b"nothing here").is_empty());
        assert!(m(&[]).in_content(b"x").is_empty());
    }

    /// The automaton the content scan used before (overlapping, ASCII letters
    /// case-insensitive), kept here as the reference the faster search must agree with.
    fn overlapping_reference(mk: &Markers, buf: &[u8]) -> Vec<u16> {
        let Some(ac) = &mk.ac else {
            return Vec::new();
        };
        let (mut out, mut cp932) = (Vec::new(), Vec::new());
        for m in ac.find_overlapping_iter(buf) {
            let (idx, form) = mk.patterns[m.pattern().as_usize()];
            let list = if form == Form::Utf8 {
                &mut out
            } else {
                &mut cp932
            };
            if !list.contains(&idx) {
                list.push(idx);
            }
        }
        cp932.retain(|i| !out.contains(i));
        if !cp932.is_empty() && !is_utf8_prefix(buf) {
            let text = fold(&encoding_rs::SHIFT_JIS.decode(buf).0);
            out.extend(
                cp932
                    .into_iter()
                    .filter(|i| text.contains(mk.folded[*i as usize].as_str())),
            );
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn the_content_search_finds_what_the_overlapping_automaton_found() {
        // Overlapping markers, letters in several cases, NFD, CP932 (whose bytes
        // contain ASCII letters: 社 is 0x8E 0xD0, 外 0x8A 0x4F 'O').
        let mk = m(&[
            "社外秘",
            "外秘",
            "秘",
            "Confidential",
            "ガイド",
            "CONF",
            "",
            "極秘",
        ]);
        let pieces: Vec<Vec<u8>> = {
            let mut v: Vec<Vec<u8>> = [
                "社外秘",
                "外秘",
                "cOnFiDeNtIaL",
                "confidentia",
                "ガイド",
                "カ\u{3099}イト\u{3099}",
                "conf",
                "極",
                "ｶﾞｲﾄﾞ",
                "x",
                "\n",
                "é",
            ]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
            for t in ["社外秘", "極秘", "外秘です", "ガイド"] {
                v.push(encoding_rs::SHIFT_JIS.encode(t).0.into_owned());
            }
            v.push(b"\x8a\x6f".to_vec()); // 外 with its 'O' lowered: not 外
            v.push(b"\xe7\xa4".to_vec()); // 社 cut off
            v
        };
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rnd = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut found = 0;
        for case in 0..3000 {
            let mut buf = Vec::new();
            let binary = case % 3 == 0;
            for _ in 0..rnd(12) {
                if rnd(3) == 0 {
                    buf.extend_from_slice(&pieces[rnd(pieces.len() as u64) as usize]);
                } else if binary {
                    for _ in 0..rnd(40) {
                        buf.push(rnd(256) as u8);
                    }
                } else {
                    buf.extend_from_slice(b"plain text ");
                }
            }
            let want = overlapping_reference(&mk, &buf);
            found += want.len();
            assert_eq!(mk.in_content(&buf), want, "case {case}: {buf:?}");
        }
        assert!(found > 1000, "the cases found markers: {found}");
        // Without letters in any pattern (極秘 is 0x8B 0xC9 0x94 0xE9 in CP932; 社外秘
        // has an 'O') the bytes are searched as they are.
        let mk = m(&["極秘"]);
        assert!(!mk.fold_content);
        assert_eq!(mk.in_content("A極秘B".as_bytes()), [0]);
        let sjis = encoding_rs::SHIFT_JIS.encode("A極秘B").0;
        assert_eq!(mk.in_content(&sjis), [0]);
    }

    #[test]
    fn asset_globs_and_bases() {
        assert_eq!(glob_base("/srv/share/design/**"), "/srv/share/design");
        assert_eq!(glob_base("/srv/share/d*/x"), "/srv/share");
        assert_eq!(glob_base("/srv/share/file.dwg"), "/srv/share/file.dwg");
        assert_eq!(glob_base("/**/*.dwg"), "/");
        let assets = vec![
            crate::profile::Asset {
                id: Some("T-1".into()),
                paths: vec!["/srv/share/design/*.dwg".into(), "D:\\Share\\**".into()],
                ..Default::default()
            },
            crate::profile::Asset {
                id: Some("T-2".into()),
                paths: vec!["/srv/share/design/**".into()],
                ..Default::default()
            },
        ];
        let am = AssetMatcher::new(&assets);
        let mut s = Vec::new();
        let p = std::path::Path::new;
        assert_eq!(am.matches(p("/srv/share/design/a.dwg"), &mut s), [0, 1]);
        assert_eq!(am.matches(p("/srv/share/design/sub/a.dwg"), &mut s), [1]);
        assert!(am.matches(p("/srv/share/other/a.dwg"), &mut s).is_empty());
        assert_eq!(am.has_posix, [true, true]);
    }

    #[test]
    fn excludes_prune_whole_directories() {
        let ex = Excluder::new(&["**/.snapshot/**".into(), "/srv/share/*.tmp".into()]);
        let p = std::path::Path::new;
        assert!(ex.prunes(p("/srv/share/.snapshot")));
        assert!(ex.excluded(p("/srv/share/.snapshot/x")));
        assert!(ex.excluded(p("/srv/share/a.tmp")));
        assert!(!ex.excluded(p("/srv/share/sub/a.tmp")));
        // Not host paths: matched at any depth, as in .gitignore.
        let ex = Excluder::new(&["*.bak".into(), ".snapshot/**".into()]);
        assert!(ex.excluded(p("/srv/share/sub/a.bak")));
        assert!(!ex.excluded(p("/srv/share/sub/a.bak.txt")));
        assert!(ex.prunes(p("/srv/share/x/.snapshot")));
        assert!(ex.excluded(p("/srv/share/x/.snapshot/y")));
    }

    #[test]
    fn discard_dirs_and_base64() {
        for n in [
            "tmp",
            "TEMP",
            ".Trash-1000",
            "$RECYCLE.BIN",
            "Downloads",
            "ゴミ箱",
            "一時",
        ] {
            assert!(is_discard_dir(n.as_bytes()), "{n}");
        }
        assert!(!is_discard_dir(b"template"));
        assert_eq!(base64(b"\xff"), "/w==");
        assert_eq!(base64(b"ab\xffc"), "YWL/Yw==");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
