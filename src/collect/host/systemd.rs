//! systemd facts read from the file system: which units are enabled (a link in a
//! `*.wants/` or `*.requires/` directory) or masked (a link to `/dev/null`), and
//! systemd time spans (`1year`, `6month`, `400d`).

use super::conf::HostError;
use crate::i18n::Text;
use crate::model::{Evidence, EvidenceKind};
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

/// Unit directories, highest precedence first.
const UNIT_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

#[derive(Clone, Debug, Default)]
pub struct Units {
    /// unit name → the links that enable it (host paths).
    enabled: BTreeMap<String, Vec<String>>,
    /// unit name → the link to /dev/null that masks it.
    masked: BTreeMap<String, String>,
    /// The masking entries that are empty unit files rather than links.
    empty_masks: Vec<String>,
    pub errors: Vec<HostError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mask {
    DevNull,
    EmptyFile,
}

/// Does the entry `p` in the unit directory `dir` mask its unit? As systemd
/// reads it: a link to `/dev/null` (absolute or relative, e.g.
/// `../../../dev/null`), or an empty unit file (systemd.unit(5)).
///
/// The entry is found once, through descriptors from `--root`
/// ([`RootFs::locate`]), and both the link and the file are looked at relative
/// to the folder that holds it: a folder of its path swapped for a link
/// meanwhile never makes an empty file outside the root count as a mask.
fn mask_kind(fs: &RootFs, dir: &str, p: &str) -> Option<Mask> {
    let at = fs.locate_str(p, false).ok()?;
    let md = at.metadata().ok()?;
    if md.is_symlink() {
        // Read relative to its folder: the link looked at, not a new look-up.
        let t = rustix::fs::readlinkat(&*at.dir, at.name.as_c_str(), Vec::new()).ok()?;
        let t = String::from_utf8_lossy(t.as_bytes());
        let abs = if t.starts_with('/') {
            crate::rootfs::normalize_host(&t)
        } else {
            crate::rootfs::normalize_host(&format!("{dir}/{t}"))
        };
        return (abs == "/dev/null").then_some(Mask::DevNull);
    }
    (md.is_file() && md.is_empty()).then_some(Mask::EmptyFile)
}

/// The state of one unit.
#[derive(Clone, Debug, PartialEq)]
pub enum UnitState {
    Enabled(String),
    Masked(String),
    Disabled,
}

impl Units {
    pub fn collect(fs: &RootFs) -> Units {
        let mut u = Units::default();
        for dir in UNIT_DIRS {
            let names = match fs.list_dir(dir) {
                Ok(n) => n,
                Err(e) => {
                    u.errors.push(HostError::io(dir, &e));
                    continue;
                }
            };
            for n in names {
                let p = format!("{dir}/{n}");
                if n.ends_with(".wants") || n.ends_with(".requires") {
                    match fs.list_dir(&p) {
                        Ok(links) => {
                            for l in links {
                                let lp = format!("{p}/{l}");
                                u.enabled.entry(l).or_default().push(lp);
                            }
                        }
                        Err(e) => u.errors.push(HostError::io(&p, &e)),
                    }
                } else if (dir.starts_with("/etc") || dir.starts_with("/run"))
                    && let Some(how) = mask_kind(fs, dir, &p)
                {
                    if how == Mask::EmptyFile {
                        u.empty_masks.push(p.clone());
                    }
                    u.masked.entry(n).or_insert(p);
                }
            }
        }
        u
    }

    pub fn state(&self, unit: &str) -> UnitState {
        if let Some(m) = self.masked.get(unit) {
            return UnitState::Masked(m.clone());
        }
        match self.enabled.get(unit).and_then(|v| v.first()) {
            Some(l) => UnitState::Enabled(l.clone()),
            None => UnitState::Disabled,
        }
    }

    pub fn is_enabled(&self, unit: &str) -> bool {
        matches!(self.state(unit), UnitState::Enabled(_))
    }

    pub fn is_masked(&self, unit: &str) -> bool {
        self.masked.contains_key(unit)
    }

    /// Enabled or masked units whose name matches a glob (`dnf-automatic*.timer`).
    pub fn matching(&self, pattern: &str) -> Vec<String> {
        let Ok(g) = globset::Glob::new(pattern) else {
            return vec![];
        };
        let m = g.compile_matcher();
        let mut v: Vec<String> = self
            .enabled
            .keys()
            .chain(self.masked.keys())
            .filter(|n| m.is_match(n.as_str()))
            .cloned()
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Evidence for a unit's state.
    pub fn evidence(&self, unit: &str) -> Evidence {
        match self.state(unit) {
            UnitState::Enabled(l) => Evidence::new(EvidenceKind::Config)
                .path(l)
                .detail(Text::new(
                    format!("{unit} は有効です（リンクあり）"),
                    format!("{unit} is enabled (link present)"),
                )),
            UnitState::Masked(l) if self.empty_masks.contains(&l) => {
                Evidence::new(EvidenceKind::Config)
                    .path(l)
                    .detail(Text::new(
                        format!("{unit} はマスクされています（空のユニットファイル）"),
                        format!("{unit} is masked (empty unit file)"),
                    ))
            }
            UnitState::Masked(l) => Evidence::new(EvidenceKind::Config)
                .path(l)
                .detail(Text::new(
                    format!("{unit} はマスクされています（/dev/null へのリンク）"),
                    format!("{unit} is masked (link to /dev/null)"),
                )),
            UnitState::Disabled => Evidence::new(EvidenceKind::Config)
                .path(format!("/etc/systemd/system/*.wants/{unit}"))
                .detail(Text::new(
                    format!("{unit} は有効化されていません（*.wants/ にリンクがありません）"),
                    format!("{unit} is not enabled (no link in any *.wants/ directory)"),
                )),
        }
    }
}

/// A systemd time span in seconds (`None` when unparsable). `infinity` is
/// `f64::INFINITY`; a bare number is seconds.
pub fn parse_timespan(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s == "infinity" {
        return Some(f64::INFINITY);
    }
    // Longest names first so that `months` is not read as `m` + `onths`.
    const UNITS: &[(&str, f64)] = &[
        ("seconds", 1.0),
        ("second", 1.0),
        ("minutes", 60.0),
        ("minute", 60.0),
        ("months", 2_629_800.0),
        ("month", 2_629_800.0),
        ("hours", 3600.0),
        ("hour", 3600.0),
        ("years", 31_557_600.0),
        ("year", 31_557_600.0),
        ("weeks", 604_800.0),
        ("week", 604_800.0),
        ("days", 86_400.0),
        ("day", 86_400.0),
        ("msec", 0.001),
        ("usec", 0.000_001),
        ("sec", 1.0),
        ("min", 60.0),
        ("hr", 3600.0),
        ("ms", 0.001),
        ("us", 0.000_001),
        ("µs", 0.000_001),
        ("μs", 0.000_001),
        ("ns", 0.000_000_001),
        ("nsec", 0.000_000_001),
        ("s", 1.0),
        ("m", 60.0),
        ("h", 3600.0),
        ("d", 86_400.0),
        ("w", 604_800.0),
        ("M", 2_629_800.0),
        ("y", 31_557_600.0),
    ];
    let mut total = 0.0;
    let mut rest = s;
    let mut any = false;
    while !rest.is_empty() {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let num_len = rest
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map(|(i, c)| i + c.len_utf8())
            .last()?;
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = rest[num_len..].trim_start();
        let unit_len = rest
            .char_indices()
            .take_while(|(_, c)| c.is_alphabetic())
            .map(|(i, c)| i + c.len_utf8())
            .last()
            .unwrap_or(0);
        let unit = &rest[..unit_len];
        let mult = if unit.is_empty() {
            1.0
        } else {
            UNITS.iter().find(|(u, _)| *u == unit).map(|(_, m)| *m)?
        };
        total += n * mult;
        rest = &rest[unit_len..];
        any = true;
    }
    any.then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_spans_as_systemd_reads_them() {
        let day = 86_400.0;
        assert_eq!(parse_timespan("400d"), Some(400.0 * day));
        assert_eq!(parse_timespan("1year"), Some(365.25 * day));
        assert_eq!(parse_timespan("6month"), Some(6.0 * 30.4375 * day));
        assert_eq!(
            parse_timespan("1y 2M"),
            Some(31_557_600.0 + 2.0 * 2_629_800.0)
        );
        assert_eq!(parse_timespan("2h30min"), Some(9000.0));
        assert_eq!(parse_timespan("30m"), Some(1800.0));
        assert_eq!(parse_timespan("52w"), Some(364.0 * day));
        assert_eq!(parse_timespan("3600"), Some(3600.0));
        assert_eq!(parse_timespan("0"), Some(0.0));
        assert_eq!(parse_timespan("12 months"), Some(12.0 * 2_629_800.0));
        assert_eq!(parse_timespan("1fortnight"), None);
        assert_eq!(parse_timespan(""), None);
        assert_eq!(parse_timespan("infinity"), Some(f64::INFINITY));
    }

    #[test]
    fn relative_dev_null_links_and_empty_unit_files_mask() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        let sys = r.join("etc/systemd/system");
        let wants = sys.join("multi-user.target.wants");
        std::fs::create_dir_all(&wants).unwrap();
        for unit in ["firewalld.service", "auditd.service", "nftables.service"] {
            std::os::unix::fs::symlink(format!("/lib/systemd/system/{unit}"), wants.join(unit))
                .unwrap();
        }
        std::os::unix::fs::symlink("../../../dev/null", sys.join("firewalld.service")).unwrap();
        std::fs::write(sys.join("auditd.service"), "").unwrap();
        // A link to something else named null, and a non-empty override, do not mask.
        std::fs::write(sys.join("nftables.service"), "[Service]\n").unwrap();
        std::os::unix::fs::symlink("../null", sys.join("ufw.service")).unwrap();
        let u = Units::collect(&RootFs::new(r));
        assert!(u.is_masked("firewalld.service"));
        assert!(u.is_masked("auditd.service"));
        assert!(!u.is_masked("nftables.service") && u.is_enabled("nftables.service"));
        assert!(!u.is_masked("ufw.service"));
        let ev = u.evidence("auditd.service");
        assert_eq!(
            ev.detail.as_ref().unwrap().en,
            "auditd.service is masked (empty unit file)"
        );
        let ev = u.evidence("firewalld.service");
        assert!(ev.detail.as_ref().unwrap().ja.contains("/dev/null"));
    }

    #[test]
    fn a_unit_folder_swapped_for_a_link_outside_the_root_never_masks_from_there() {
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        let d = tempfile::tempdir().unwrap();
        let r = d.path().join("root");
        let sys = r.join("etc/systemd/system");
        std::fs::create_dir_all(&sys).unwrap();
        std::fs::write(sys.join("auditd.service"), "[Service]\n").unwrap();
        // Outside the root: an empty unit file of the same name (a mask, were it
        // read), and a unit inside linking to it by its absolute path.
        let outside = d.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("auditd.service"), "").unwrap();
        std::fs::write(outside.join("empty"), "").unwrap();
        std::os::unix::fs::symlink(outside.join("empty"), sys.join("ufw.service")).unwrap();
        std::os::unix::fs::symlink(&outside, r.join("etc/systemd/syslink")).unwrap();
        let fs = RootFs::new(&r);
        let u = Units::collect(&fs);
        assert!(!u.is_masked("auditd.service") && !u.is_masked("ufw.service"));
        // `system` exchanged with the link to `outside`, in a tight loop.
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let swaps = std::sync::Arc::new(AtomicU64::new(0));
        let swapper = {
            let dir = std::fs::File::open(r.join("etc/systemd")).unwrap();
            let (stop, swaps) = (stop.clone(), swaps.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    rustix::fs::renameat_with(
                        &dir,
                        "system",
                        &dir,
                        "syslink",
                        rustix::fs::RenameFlags::EXCHANGE,
                    )
                    .unwrap();
                    swaps.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        let started = std::time::Instant::now();
        let mut runs = 0;
        while runs < 20_000 && started.elapsed() < std::time::Duration::from_secs(3) {
            let u = Units::collect(&fs);
            let masked = u.is_masked("auditd.service") || u.is_masked("ufw.service");
            if masked {
                stop.store(true, Ordering::SeqCst);
            }
            assert!(
                !masked,
                "run {runs}: a unit masked by a file outside the root"
            );
            runs += 1;
        }
        stop.store(true, Ordering::SeqCst);
        swapper.join().unwrap();
        assert!(swaps.load(Ordering::Relaxed) > 1000, "the race ran");
    }

    #[test]
    fn enablement_by_links_and_masking_beats_it() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        let wants = r.join("etc/systemd/system/multi-user.target.wants");
        std::fs::create_dir_all(&wants).unwrap();
        std::os::unix::fs::symlink(
            "/lib/systemd/system/auditd.service",
            wants.join("auditd.service"),
        )
        .unwrap();
        std::os::unix::fs::symlink("/lib/systemd/system/ufw.service", wants.join("ufw.service"))
            .unwrap();
        std::os::unix::fs::symlink("/dev/null", r.join("etc/systemd/system/ufw.service")).unwrap();
        let tw = r.join("usr/lib/systemd/system/timers.target.wants");
        std::fs::create_dir_all(&tw).unwrap();
        std::os::unix::fs::symlink(
            "../dnf-automatic-install.timer",
            tw.join("dnf-automatic-install.timer"),
        )
        .unwrap();
        let u = Units::collect(&RootFs::new(r));
        assert!(u.is_enabled("auditd.service"));
        assert!(!u.is_enabled("ufw.service"));
        assert!(u.is_masked("ufw.service"));
        assert!(!u.is_enabled("nftables.service"));
        assert_eq!(
            u.matching("dnf-automatic*.timer"),
            vec!["dnf-automatic-install.timer"]
        );
    }
}
