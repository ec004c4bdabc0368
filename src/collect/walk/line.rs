//! One inventory line (the `inventory.jsonl` format: docs/file-shares.md,
//! "Inventory lines"), written by hand: it runs once per file of the tree, and
//! serde's derived writer escaped every key and formatted every time and mode
//! through an allocation. The bytes are exactly what serde_json writes for the
//! same fields in the same order; a test holds the two together.

use super::classify::Where;
use serde::Serialize;

#[derive(Serialize)]
pub(super) struct MarkerOut<'a> {
    pub marker: &'a str,
    #[serde(rename = "where")]
    pub place: Where,
}

/// The fields of one line, in their order in the file.
pub(super) struct Line<'a> {
    pub path: &'a str,
    pub path_b64: Option<&'a str>,
    pub ftype: &'static str,
    pub size: u64,
    /// (seconds, nanoseconds) since the epoch, written as RFC 3339 in UTC.
    pub mtime: (i64, i64),
    /// Status-change time, device and inode: what a re-audit checks before it
    /// reuses this line's hash (added to the spec's fields).
    pub ctime: (i64, i64),
    pub dev: u64,
    pub ino: u64,
    /// Permission bits, written as four octal digits.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub user: Option<&'a str>,
    pub group: Option<&'a str>,
    pub acl: Vec<String>,
    pub acl_error: Option<&'a str>,
    pub sha256: Option<[u8; 32]>,
    pub hash_error: Option<&'a str>,
    pub asset: Option<&'a str>,
    pub markers: Vec<MarkerOut<'a>>,
    pub target: Option<String>,
}

impl Line<'_> {
    /// Appends the line (without its newline) to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"path\":");
        string(out, self.path);
        if let Some(b) = self.path_b64 {
            out.extend_from_slice(b",\"path_b64\":");
            string(out, b);
        }
        out.extend_from_slice(b",\"type\":");
        string(out, self.ftype);
        out.extend_from_slice(b",\"size\":");
        int(out, self.size);
        out.extend_from_slice(b",\"mtime\":\"");
        time(out, self.mtime);
        out.extend_from_slice(b"\",\"ctime\":\"");
        time(out, self.ctime);
        out.extend_from_slice(b"\",\"dev\":");
        int(out, self.dev);
        out.extend_from_slice(b",\"ino\":");
        int(out, self.ino);
        out.extend_from_slice(b",\"mode\":\"");
        let m = self.mode & 0o7777;
        out.extend([9, 6, 3, 0].map(|shift| b'0' + ((m >> shift) & 7) as u8));
        out.extend_from_slice(b"\",\"uid\":");
        int(out, self.uid);
        out.extend_from_slice(b",\"gid\":");
        int(out, self.gid);
        out.extend_from_slice(b",\"user\":");
        optional(out, self.user);
        out.extend_from_slice(b",\"group\":");
        optional(out, self.group);
        out.extend_from_slice(b",\"acl\":");
        list(out, &self.acl);
        if let Some(e) = self.acl_error {
            out.extend_from_slice(b",\"acl_error\":");
            string(out, e);
        }
        out.extend_from_slice(b",\"sha256\":");
        match &self.sha256 {
            Some(h) => {
                out.push(b'"');
                crate::rootfs::hex_into(h, out);
                out.push(b'"');
            }
            None => out.extend_from_slice(b"null"),
        }
        if let Some(e) = self.hash_error {
            out.extend_from_slice(b",\"hash_error\":");
            string(out, e);
        }
        out.extend_from_slice(b",\"asset\":");
        optional(out, self.asset);
        out.extend_from_slice(b",\"markers\":");
        list(out, &self.markers);
        if let Some(t) = &self.target {
            out.extend_from_slice(b",\"target\":");
            string(out, t);
        }
        out.push(b'}');
    }
}

fn int(out: &mut Vec<u8>, v: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// A JSON string: copied as it is when nothing in it needs escaping (the usual
/// file name), else escaped by serde_json.
fn string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        serde(out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

fn optional(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

/// A list: empty as it is (the usual case), else through serde_json.
fn list<T: Serialize>(out: &mut Vec<u8>, v: &[T]) {
    if v.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        serde(out, v);
    }
}

/// Values written by serde_json.
fn serde<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Writing into a Vec cannot fail, and these types always serialise.
    serde_json::to_writer(out, v).expect("serialising into memory");
}

/// RFC 3339 in UTC with nanoseconds: `2026-11-25T09:00:00.123456789Z`.
pub fn rfc3339(secs: i64, nsec: i64) -> String {
    let mut out = Vec::with_capacity(30);
    time(&mut out, (secs, nsec));
    String::from_utf8(out).expect("ASCII")
}

/// [`rfc3339`] into `out`. Years 0000 to 9999 are written directly; chrono
/// writes the others (and nothing, as before, for what it cannot represent).
fn time(out: &mut Vec<u8>, (secs, nsec): (i64, i64)) {
    const YEAR_10000: i64 = 253_402_300_800;
    const YEAR_0: i64 = -62_167_219_200;
    let nsec = nsec.clamp(0, 999_999_999);
    if !(YEAR_0..YEAR_10000).contains(&secs) {
        if let Some(t) = chrono::DateTime::from_timestamp(secs, nsec as u32) {
            out.extend_from_slice(
                t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
                    .as_bytes(),
            );
        }
        return;
    }
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil(days);
    // Two digits at a time, by constant divisors (the compiler's multiplications).
    let two =
        |out: &mut Vec<u8>, v: i64| out.extend([b'0' + (v / 10) as u8, b'0' + (v % 10) as u8]);
    two(out, y / 100);
    two(out, y % 100);
    out.push(b'-');
    two(out, m);
    out.push(b'-');
    two(out, d);
    out.push(b'T');
    two(out, rem / 3600);
    out.push(b':');
    two(out, rem / 60 % 60);
    out.push(b':');
    two(out, rem % 60);
    out.push(b'.');
    let mut ns = [b'0'; 9];
    let mut v = nsec as u32;
    for c in ns.iter_mut().rev() {
        *c = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&ns);
    out.push(b'Z');
}

/// Days since 1970-01-01 → (year, month, day) of the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line as serde_json writes it from the same fields (what every
    /// inventory was before the writer was done by hand).
    #[derive(Serialize)]
    struct Derived<'a> {
        path: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        path_b64: Option<&'a str>,
        #[serde(rename = "type")]
        ftype: &'static str,
        size: u64,
        mtime: String,
        ctime: String,
        dev: u64,
        ino: u64,
        mode: String,
        uid: u32,
        gid: u32,
        user: Option<&'a str>,
        group: Option<&'a str>,
        acl: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        acl_error: Option<&'a str>,
        sha256: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        hash_error: Option<&'a str>,
        asset: Option<&'a str>,
        markers: &'a [MarkerOut<'a>],
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<&'a str>,
    }

    fn chrono_time((s, n): (i64, i64)) -> String {
        chrono::DateTime::from_timestamp(s, n.clamp(0, 999_999_999) as u32)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true))
            .unwrap_or_default()
    }

    fn derived(l: &Line) -> Vec<u8> {
        serde_json::to_vec(&Derived {
            path: l.path,
            path_b64: l.path_b64,
            ftype: l.ftype,
            size: l.size,
            mtime: chrono_time(l.mtime),
            ctime: chrono_time(l.ctime),
            dev: l.dev,
            ino: l.ino,
            mode: format!("{:04o}", l.mode & 0o7777),
            uid: l.uid,
            gid: l.gid,
            user: l.user,
            group: l.group,
            acl: &l.acl,
            acl_error: l.acl_error,
            sha256: l.sha256.map(|h| crate::rootfs::hex(&h)),
            hash_error: l.hash_error,
            asset: l.asset,
            markers: &l.markers,
            target: l.target.as_deref(),
        })
        .unwrap()
    }

    fn plain() -> Line<'static> {
        Line {
            path: "/srv/share/設計/図面 A.dwg",
            path_b64: None,
            ftype: "file",
            size: 1234,
            mtime: (1_764_063_323, 601_780_255),
            ctime: (1_764_063_324, 1),
            dev: 65_024,
            ino: 10_037_478,
            mode: 0o100644,
            uid: 1000,
            gid: 1000,
            user: Some("tanaka"),
            group: Some("design"),
            acl: vec![],
            acl_error: None,
            sha256: None,
            hash_error: None,
            asset: None,
            markers: vec![],
            target: None,
        }
    }

    #[test]
    fn the_hand_written_line_is_byte_for_byte_serde_jsons() {
        let mut lines = vec![plain()];
        let mut every = plain();
        every.path = "/s/\u{1}ctl\t\"quoted\"\\back\u{7f}\u{1f}";
        every.path_b64 = Some("L3MvgA==");
        every.ftype = "symlink";
        every.size = u64::MAX;
        every.dev = u64::MAX;
        every.ino = 0;
        every.mode = 0o107777;
        every.uid = u32::MAX;
        every.gid = 0;
        every.user = None;
        every.group = Some("g\"x");
        every.acl = vec!["user:tanaka:rw-".into(), "mask::r\"--".into()];
        every.acl_error = Some("ACL: Permission denied (os error 13)");
        every.sha256 = Some(std::array::from_fn(|i| (i * 41) as u8));
        every.hash_error = Some("read: \"Input/output error\"");
        every.asset = Some("設計図面\n(社外秘)");
        every.markers = vec![
            MarkerOut {
                marker: "社外秘",
                place: Where::Name,
            },
            MarkerOut {
                marker: "Confi\"dential",
                place: Where::Content,
            },
        ];
        every.target = Some("../x\u{0}y".into());
        lines.push(every);
        for (secs, nsec) in [
            (0, 0),
            (-1, 999_999_999),
            (951_782_400, 5),     // 2000-02-29
            (4_107_542_400, 42),  // 2100-03-01
            (-62_167_219_200, 0), // 0000-01-01
            (-62_167_219_201, 0), // the year before: chrono's sign form
            (253_402_300_799, 999_999_999),
            (253_402_300_800, 0), // 10000-01-01
            (1_000_000_000, -3),
            (1_000_000_000, 2_000_000_000),
            (i64::MAX, 0), // not representable: empty, as before
            (i64::MIN, 0),
        ] {
            let mut l = plain();
            l.mtime = (secs, nsec);
            l.ctime = (secs.wrapping_add(86_399), nsec);
            lines.push(l);
        }
        for l in &lines {
            let mut out = Vec::new();
            l.write(&mut out);
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&derived(l))
            );
        }
    }

    #[test]
    fn every_day_of_four_centuries_has_chronos_date() {
        // 1900-01-01 to 2300-01-01, at a second before midnight.
        for day in -25_567..120_532i64 {
            let s = day * 86_400 + 86_399;
            assert_eq!(rfc3339(s, 7), chrono_time((s, 7)), "day {day}");
        }
    }
}
