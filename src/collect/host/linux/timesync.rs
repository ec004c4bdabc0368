//! Time synchronisation (ITS-14): chrony and ntpd/ntpsec (`server`/`pool`/`peer`
//! lines, following chrony's `include`/`confdir`/`sourcedir` and ntpd's
//! `includefile`) and systemd-timesyncd (`NTP=`/`FallbackNTP=`). The files,
//! folders and directives come from policies LNX-NTP-001…003.

use crate::collect::host::conf::{
    FileRef, HostError, Line, dropins, glob_host, read_opt, strip_hash_comment,
};
use crate::collect::host::lex::Includes;
use crate::rootfs::RootFs;
use std::collections::BTreeMap;

/// One NTP daemon's configuration.
#[derive(Clone, Debug, Default)]
pub struct NtpConf {
    pub files: Vec<FileRef>,
    /// The `server`/`pool`/`peer` lines: (directive, source, line).
    pub servers: Vec<(String, String, Line)>,
}

struct NtpReader<'a> {
    fs: &'a RootFs,
    directives: &'a [String],
    inc: Includes,
    out: NtpConf,
}

impl NtpReader<'_> {
    fn file(
        &mut self,
        path: &str,
        from: Option<(&str, usize)>,
        sources_only: bool,
    ) -> Result<(), HostError> {
        let f = match read_opt(self.fs, path) {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(()),
            Err(e) => return Err(from.map_or(e.clone(), |(p, l)| e.cited(p, l))),
        };
        self.inc.enter(path, from)?;
        let fr = FileRef::of(&f);
        self.out.files.push(fr.clone());
        for (i, raw) in f.text().lines().enumerate() {
            let n = i + 1;
            // chrony also takes `!`, `;` and `%` as comment starts.
            let t = strip_hash_comment(raw).trim();
            if t.is_empty() || t.starts_with(['!', ';', '%']) {
                continue;
            }
            let mut w = t.split_whitespace();
            let key = w.next().unwrap_or("").to_ascii_lowercase();
            let args: Vec<&str> = w.collect();
            if self.directives.contains(&key) {
                let Some(src) = args.first() else {
                    return Err(HostError::at(
                        &fr.path,
                        n,
                        format!("`{key}` without a server name"),
                    ));
                };
                self.out
                    .servers
                    .push((key.clone(), src.to_string(), Line::new(&fr, n, raw)));
                continue;
            }
            if sources_only {
                continue;
            }
            let here = Some((fr.path.as_str(), n));
            match key.as_str() {
                // chrony: include GLOB; ntpd: includefile FILE
                "include" | "includefile" => {
                    for a in &args {
                        for p in glob_host(self.fs, a).map_err(|e| e.cited(&fr.path, n))? {
                            self.file(&p, here, false)?;
                        }
                    }
                }
                // chrony: confdir DIR… (*.conf), sourcedir DIR… (*.sources)
                "confdir" | "sourcedir" => {
                    let (ext, only) = if key == "confdir" {
                        (".conf", false)
                    } else {
                        (".sources", true)
                    };
                    let dirs: Vec<&str> = args.to_vec();
                    let files = dropins(self.fs, &dirs, |name| name.ends_with(ext))
                        .map_err(|e| e.cited(&fr.path, n))?;
                    for p in files {
                        self.file(&p, here, only)?;
                    }
                }
                _ => {}
            }
        }
        self.inc.leave();
        Ok(())
    }
}

/// The first existing file of `files` (chrony and ntpd read one), or `None`.
pub fn collect_ntp(
    fs: &RootFs,
    files: &[String],
    directives: &[String],
) -> Option<Result<NtpConf, HostError>> {
    let mut r = NtpReader {
        fs,
        directives,
        inc: Includes::new(16),
        out: NtpConf::default(),
    };
    for f in files {
        if let Err(e) = r.file(f, None, false) {
            return Some(Err(e));
        }
        if !r.out.files.is_empty() {
            return Some(Ok(r.out));
        }
    }
    None
}

/// systemd-timesyncd's `[Time]` settings (main file then drop-ins, later wins).
#[derive(Clone, Debug, Default)]
pub struct Timesyncd {
    pub files: Vec<FileRef>,
    pub settings: BTreeMap<String, (String, Line)>,
}

pub fn collect_timesyncd(
    fs: &RootFs,
    files: &[String],
    dirs: &[String],
) -> Option<Result<Timesyncd, HostError>> {
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let dropin_files = match dropins(fs, &dirs, |n| n.ends_with(".conf")) {
        Ok(v) => v,
        Err(e) => return Some(Err(e)),
    };
    let mut t = Timesyncd::default();
    for p in files.iter().chain(&dropin_files) {
        match read_opt(fs, p) {
            Ok(Some(f)) => {
                let fr = FileRef::of(&f);
                super::logs::parse_systemd_conf(&fr, &f.text(), "Time", &mut t.settings);
                t.files.push(fr);
            }
            Ok(None) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    (!t.files.is_empty()).then_some(Ok(t))
}

/// What the time items read: chrony, ntpd/ntpsec, timesyncd.
#[derive(Debug, Default)]
pub struct TimeSync {
    pub chrony: Option<Result<NtpConf, HostError>>,
    pub ntpd: Option<Result<NtpConf, HostError>>,
    pub timesyncd: Option<Result<Timesyncd, HostError>>,
}

pub fn collect(fs: &RootFs) -> TimeSync {
    use crate::catalogue::policies::{Check, policy};
    let ntp = |id: &str| match &policy(id).check {
        Check::NtpServers {
            files, directives, ..
        } => collect_ntp(fs, files, directives),
        _ => unreachable!("{id} is an ntp_servers check (policies/time.yaml)"),
    };
    let timesyncd = match &policy("LNX-NTP-002").check {
        Check::Timesyncd { files, dirs, .. } => collect_timesyncd(fs, files, dirs),
        _ => unreachable!("LNX-NTP-002 is a timesyncd check (policies/time.yaml)"),
    };
    TimeSync {
        chrony: ntp("LNX-NTP-001"),
        ntpd: ntp("LNX-NTP-003"),
        timesyncd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::host::linux::testutil::{corpus, root};

    #[test]
    fn chrony_confdir_sourcedir_and_include() {
        let d = root(&[
            (
                "/etc/chrony/chrony.conf",
                "confdir /etc/chrony/conf.d\n! pool 0.pool.ntp.org\nsourcedir /run/chrony-dhcp /etc/chrony/sources.d\ninclude /etc/chrony/extra/*.conf\n",
            ),
            ("/etc/chrony/conf.d/local.conf", "makestep 1 3\n"),
            (
                "/etc/chrony/sources.d/corp.sources",
                "server ntp1.example.co.jp iburst\n",
            ),
            ("/etc/chrony/extra/a.conf", "pool ntp.nict.jp iburst\n"),
        ]);
        let fs = RootFs::new(d.path());
        let ts = collect(&fs);
        let c = ts.chrony.unwrap().unwrap();
        let got: Vec<(&str, &str)> = c
            .servers
            .iter()
            .map(|(k, s, _)| (k.as_str(), s.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![("server", "ntp1.example.co.jp"), ("pool", "ntp.nict.jp")]
        );
        assert_eq!(c.files.len(), 4);
        let d = root(&[("/etc/chrony.conf", &corpus("chrony.conf.example1"))]);
        let c = collect(&RootFs::new(d.path())).chrony.unwrap().unwrap();
        assert_eq!(c.servers[0].1, "pool.ntp.org");
        assert_eq!(c.servers[0].2.line, 2);
        let d = root(&[("/etc/chrony.conf", "server\n")]);
        assert!(collect(&RootFs::new(d.path())).chrony.unwrap().is_err());
    }

    #[test]
    fn timesyncd_dropins_override() {
        let d = root(&[
            (
                "/etc/systemd/timesyncd.conf",
                &corpus("timesyncd.conf.debian12"),
            ),
            (
                "/etc/systemd/timesyncd.conf.d/50-corp.conf",
                "[Time]\nNTP=ntp.example.co.jp\n",
            ),
        ]);
        let t = collect(&RootFs::new(d.path())).timesyncd.unwrap().unwrap();
        assert_eq!(t.settings["NTP"].0, "ntp.example.co.jp");
        assert!(!t.settings.contains_key("FallbackNTP"));
    }
}
