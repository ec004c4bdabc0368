//! The company's own files that the profile names (the appointment document,
//! `documents`, the review documents, `records`, the evidence of answers): read once here,
//! so that the rules decide from facts and never touch the disk.
//!
//! These files live beside the profile, not on the audited host, so a symbolic
//! link to the current version of a document is followed; the file itself is
//! read without following a final link and never blocks on a FIFO or device.

use crate::profile::Profile;
use std::collections::BTreeMap;

/// What was found at one file named in the profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordFile {
    /// A regular file, read: its SHA-256.
    Present { sha256: String },
    /// Nothing there.
    NotFound,
    /// There, but not a regular file (a folder, a device).
    NotRegular,
    /// There but unreadable (permission denied, I/O error): why.
    Unreadable(String),
}

/// Every file the profile names, by the path as written in the profile.
#[derive(Clone, Debug, Default)]
pub struct Records {
    files: BTreeMap<String, (String, RecordFile)>,
}

impl Records {
    /// Reads every company file the profile names.
    pub fn collect(profile: &Profile) -> Records {
        let mut named: Vec<&str> = Vec::new();
        if let Some(doc) = profile
            .administrator
            .as_ref()
            .and_then(|a| a.document.as_deref())
        {
            named.push(doc);
        }
        named.extend(profile.documents.iter().filter_map(|d| d.path.as_deref()));
        named.extend(profile.reviews.iter().filter_map(|r| r.document.as_deref()));
        named.extend(profile.records.iter().filter_map(|r| r.path.as_deref()));
        for a in profile.answers.values() {
            named.extend(a.evidence.iter().map(String::as_str));
        }
        let mut files = BTreeMap::new();
        for written in named {
            if !files.contains_key(written) {
                files.insert(written.to_string(), read(profile, written));
            }
        }
        Records { files }
    }

    /// The file written as `written` in the profile: the path it was looked for
    /// at (as shown to people) and what was found; `None` when the profile does
    /// not name it.
    pub fn get(&self, written: &str) -> Option<(&str, &RecordFile)> {
        self.files
            .get(written)
            .map(|(shown, f)| (shown.as_str(), f))
    }
}

fn read(profile: &Profile, written: &str) -> (String, RecordFile) {
    let path = profile.local_path(written);
    let shown = path.display().to_string();
    let read = std::fs::canonicalize(&path).and_then(|real| crate::rootfs::read_regular(&real));
    let state = match read {
        Ok(bytes) => RecordFile::Present {
            sha256: crate::rootfs::sha256_hex(&bytes),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => RecordFile::NotFound,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => RecordFile::NotRegular,
        Err(e) => RecordFile::Unreadable(crate::collect::walk::read::io_message(&e)),
    };
    (shown, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_file_is_read_once_and_missing_ones_are_told_apart() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("rules.pdf"), b"rules").unwrap();
        std::fs::create_dir(d.path().join("folder")).unwrap();
        let mut p = Profile {
            base_dir: d.path().to_path_buf(),
            ..Profile::default()
        };
        p.documents.push(crate::profile::Document {
            path: Some("rules.pdf".into()),
            ..Default::default()
        });
        p.documents.push(crate::profile::Document {
            path: Some("folder".into()),
            ..Default::default()
        });
        p.documents.push(crate::profile::Document {
            path: Some("gone.pdf".into()),
            ..Default::default()
        });
        std::fs::write(d.path().join("takeout.csv"), b"date,who").unwrap();
        p.records.push(crate::profile::Record {
            kind: crate::profile::RecordKind::TakeOut,
            path: Some("takeout.csv".into()),
            note: None,
            reviewed_on: None,
            updated_on: None,
        });
        let r = Records::collect(&p);
        assert_eq!(
            r.get("rules.pdf").unwrap().1,
            &RecordFile::Present {
                sha256: crate::rootfs::sha256_hex(b"rules")
            }
        );
        assert_eq!(r.get("folder").unwrap().1, &RecordFile::NotRegular);
        assert_eq!(r.get("gone.pdf").unwrap().1, &RecordFile::NotFound);
        assert!(matches!(
            r.get("takeout.csv").unwrap().1,
            RecordFile::Present { .. }
        ));
        assert!(r.get("never-named.pdf").is_none());
    }
}
