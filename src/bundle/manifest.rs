//! `MANIFEST.sha256`: writing it, reading it as `sha256sum` does.

use super::outdir::{EntryKind, OutDir, rel_components, rel_path, shown};
use super::{MANIFEST, SIGNATURE};
use crate::rootfs::hex;
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::path::Path;

/// One manifest line in `sha256sum` format. Like GNU `sha256sum`, a name with a
/// backslash, newline or carriage return is escaped (`\\`, `\n`, `\r`) and the
/// line starts with a backslash.
pub fn manifest_line(sha256: &str, rel: &[u8]) -> Vec<u8> {
    let needs_escape = rel.iter().any(|b| matches!(b, b'\\' | b'\n' | b'\r'));
    let mut line = Vec::with_capacity(rel.len() + 70);
    if needs_escape {
        line.push(b'\\');
    }
    line.extend_from_slice(sha256.as_bytes());
    line.extend_from_slice(b"  ");
    for &b in rel {
        match b {
            b'\\' if needs_escape => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            b => line.push(b),
        }
    }
    line.push(b'\n');
    line
}

/// Reads a manifest: `(sha256, relative path)` per line. Accepts what `sha256sum`
/// writes (text or binary mode, escaped names, CRLF line ends). A line that is not
/// a manifest line, or a path that would leave DIR, is an error naming the line.
pub fn parse_manifest(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    Ok(parse_manifest_lines(bytes)?
        .into_iter()
        .map(|(_, h, rel)| (h, rel))
        .collect())
}

/// A manifest is read whole: anything larger is refused (a bundle of a
/// million evidence files has a manifest of about 100 MiB).
pub const MAX_MANIFEST: u64 = crate::rootfs::limits::MANIFEST;

/// [`parse_manifest`] with each entry's line number.
pub fn parse_manifest_lines(bytes: &[u8]) -> Result<Vec<(usize, String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let mut line = raw;
        if let Some(l) = line.strip_suffix(b"\r") {
            line = l;
        }
        if line.is_empty() {
            continue;
        }
        let (escaped, line) = match line.strip_prefix(b"\\") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if line.len() < 67 || !line[..64].iter().all(u8::is_ascii_hexdigit) || line[64] != b' ' {
            return Err(format!(
                "{MANIFEST} line {n}: not `SHA256  PATH` as sha256sum writes it"
            ));
        }
        if line[65] != b' ' && line[65] != b'*' {
            return Err(format!(
                "{MANIFEST} line {n}: not `SHA256  PATH` as sha256sum writes it"
            ));
        }
        let hash = String::from_utf8_lossy(&line[..64]).to_ascii_lowercase();
        let name = &line[66..];
        let mut rel = Vec::with_capacity(name.len());
        if escaped {
            let mut it = name.iter();
            while let Some(&b) = it.next() {
                if b != b'\\' {
                    rel.push(b);
                    continue;
                }
                match it.next() {
                    Some(b'\\') => rel.push(b'\\'),
                    Some(b'n') => rel.push(b'\n'),
                    Some(b'r') => rel.push(b'\r'),
                    _ => {
                        return Err(format!("{MANIFEST} line {n}: bad escape in the file name"));
                    }
                }
            }
        } else {
            rel.extend_from_slice(name);
        }
        if rel.contains(&0) || rel_components(&rel_path(&rel)).is_err() || rel.starts_with(b"/") {
            return Err(format!(
                "{MANIFEST} line {n}: `{}` is not a path inside the bundle",
                shown(&rel)
            ));
        }
        out.push((n, hash, rel));
    }
    Ok(out)
}

/// The SHA-256 of everything `r` yields.
pub(crate) fn hash_reader(r: impl Read) -> io::Result<String> {
    hash_into(r, io::sink())
}

/// Streams `r` into `to` (flushed) and returns the SHA-256 of what passed.
pub(crate) fn hash_into(mut r: impl Read, mut to: impl Write) -> io::Result<String> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
        to.write_all(&buf[..n])?;
    }
    to.flush()?;
    Ok(hex(&h.finalize()))
}

/// Writes `MANIFEST.sha256` listing every file in DIR; returns its bytes.
/// Anything in DIR that is neither a file nor a folder (a link planted there) is
/// an error: the bundle could not be trusted.
pub fn write_manifest(out: &OutDir) -> Result<Vec<u8>, String> {
    let entries = out
        .list()
        .map_err(|e| format!("cannot list {}: {e}", out.path().display()))?;
    let mut manifest = Vec::new();
    for e in entries {
        match e.kind {
            EntryKind::Dir => continue,
            // The manifest and its signature are not listed in the manifest.
            EntryKind::File if e.rel == MANIFEST.as_bytes() || e.rel == SIGNATURE.as_bytes() => {
                continue;
            }
            EntryKind::File => {
                let f = out.open_read(&rel_path(&e.rel)).map_err(|err| {
                    format!(
                        "cannot read {}: {err}",
                        out.path().join(rel_path(&e.rel)).display()
                    )
                })?;
                let h = hash_reader(f)
                    .map_err(|err| format!("cannot read {}: {err}", shown(&e.rel)))?;
                manifest.extend(manifest_line(&h, &e.rel));
            }
            EntryKind::Symlink | EntryKind::Other => {
                return Err(format!(
                    "{} holds {} which is not a regular file (a symbolic link or special file); the bundle would not be trustworthy",
                    out.path().display(),
                    shown(&e.rel)
                ));
            }
        }
    }
    out.write_file(Path::new(MANIFEST), &manifest)
        .map_err(|e| format!("cannot write {MANIFEST}: {e}"))?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines_escape_like_sha256sum() {
        let h = "a".repeat(64);
        assert_eq!(
            manifest_line(&h, b"evidence/etc/x.conf"),
            format!("{h}  evidence/etc/x.conf\n").into_bytes()
        );
        assert_eq!(
            manifest_line(&h, b"a\\b\nc\rd"),
            format!("\\{h}  a\\\\b\\nc\\rd\n").into_bytes()
        );
        let names: [&[u8]; 4] = [b"plain name", b"a\\b", b"new\nline", b"\xff\xfe latin1"];
        let mut m = Vec::new();
        for n in names {
            m.extend(manifest_line(&h, n));
        }
        let parsed = parse_manifest(&m).unwrap();
        assert_eq!(
            parsed.iter().map(|(_, r)| r.as_slice()).collect::<Vec<_>>(),
            names
        );
    }

    #[test]
    fn manifest_paths_cannot_leave_the_bundle() {
        let h = "0".repeat(64);
        for bad in ["../x", "/etc/passwd", "a/../../x", "./x"] {
            let m = format!("{h}  {bad}\n");
            assert!(parse_manifest(m.as_bytes()).is_err(), "{bad}");
        }
        assert!(parse_manifest(b"not a manifest line\n").is_err());
        // Binary mode and CRLF line ends, as other tools write them.
        let m = format!("{h} *a.txt\r\n");
        assert_eq!(parse_manifest(m.as_bytes()).unwrap()[0].1, b"a.txt");
    }
}
