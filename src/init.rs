//! `timaudit init`: a commented starter profile and example CSVs.

use crate::i18n::{Lang, Text};
use std::path::Path;

/// The files `init` writes: name and content.
pub const FILES: &[(&str, &str)] = &[
    ("timaudit.yaml", include_str!("../templates/timaudit.yaml")),
    ("people.csv", include_str!("../templates/people.csv")),
    ("training.csv", include_str!("../templates/training.csv")),
];

/// The organisation name of the starter profile. `audit` refuses a profile that still
/// has it (the user has not edited the starter yet) unless `--example` is given.
pub const STARTER_NAME: &str = "株式会社サンプル製作所";

/// The CSV templates with Japanese headers (`init --lang ja`); same names as in [`FILES`].
pub const FILES_JA: &[(&str, &str)] = &[
    ("timaudit.yaml", include_str!("../templates/timaudit.yaml")),
    ("people.csv", include_str!("../templates/people.ja.csv")),
    ("training.csv", include_str!("../templates/training.ja.csv")),
];

/// The starter files for `lang`: the CSV headers follow the language.
pub fn files(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Ja => FILES_JA,
        Lang::En => FILES,
    }
}

/// Writes the starter files into `dir`. Without `force`, refuses (and writes
/// nothing) when any of them exists. Messages are in `lang`.
pub fn init(dir: &Path, force: bool, lang: Lang) -> Result<Vec<String>, String> {
    if !force {
        let existing: Vec<String> = FILES
            .iter()
            .map(|(n, _)| dir.join(n))
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            let files = existing.join(", ");
            return Err(Text::new(
                format!("{files} は既にあるため上書きしません（置き換えるときは --force を付けてください）"),
                format!("refusing to overwrite {files} (use --force to replace)"),
            )
            .get(lang)
            .to_string());
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (name, content) in files(lang) {
        let p = dir.join(name);
        // Never write through a symlink planted in the target folder.
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::remove_file(&p).map_err(|e| format!("cannot replace {}: {e}", p.display()))?;
        }
        std::fs::write(&p, content).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        written.push(p.display().to_string());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;
    use crate::catalogue::Source;
    use crate::profile::model::{
        DEFAULT_MARKERS, KNOWN_ROLES, REQUIRED_TOPICS, RecordKind, ReviewKind,
    };

    /// The starter's comments list every value the profile accepts, and the
    /// starter itself loads without warnings.
    #[test]
    fn the_starter_documents_what_the_profile_accepts() {
        let (_, yaml) = FILES[0];
        let comments: String = yaml
            .lines()
            .filter_map(|l| l.split_once('#').map(|(_, c)| c))
            .collect::<Vec<_>>()
            .join("\n");
        let names = KNOWN_ROLES
            .iter()
            .chain(REQUIRED_TOPICS)
            .chain(RecordKind::NAMES)
            .chain(ReviewKind::NAMES)
            .chain(&[
                "pass",
                "partial",
                "fail",
                "not_applicable",
                "active",
                "left",
            ]);
        for n in names {
            assert!(
                comments.contains(n),
                "the starter's comments do not mention `{n}`"
            );
        }
        // The list of items that need an answer is exactly those items.
        let cat = Catalogue::builtin();
        let listed: Vec<&str> = yaml
            .lines()
            .skip_while(|l| !l.contains("items that need an answer"))
            .nth(1)
            .unwrap_or_default()
            .trim_start_matches([' ', '#'])
            .split(", ")
            .collect();
        let needed: Vec<&str> = cat
            .items
            .iter()
            .filter(|it| {
                matches!(
                    it.source,
                    Source::Manual | Source::AutoManual | Source::ManualRecords
                )
            })
            .map(|it| it.id.as_str())
            .collect();
        assert_eq!(listed, needed);
        let d = tempfile::tempdir().unwrap();
        init(d.path(), false, Lang::En).unwrap();
        let (p, warnings) = crate::profile::load(&d.path().join("timaudit.yaml"), cat).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        // The starter does not narrow the built-in markers.
        for m in DEFAULT_MARKERS {
            assert!(
                p.markers.iter().any(|x| x == m),
                "the starter lacks the default marker {m}"
            );
        }
    }

    /// `init --lang ja` writes the same rosters with Japanese headers.
    #[test]
    fn japanese_starter_rosters_read_the_same_as_the_english_ones() {
        use crate::profile::csv::{read_people, read_training};
        let (en, ja) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        init(en.path(), false, Lang::En).unwrap();
        init(ja.path(), false, Lang::Ja).unwrap();
        let header = |d: &tempfile::TempDir, f: &str| {
            let t = std::fs::read_to_string(d.path().join(f)).unwrap();
            t.lines().next().unwrap().to_string()
        };
        assert!(header(&ja, "people.csv").starts_with("氏名,アカウント,役割"));
        assert!(header(&ja, "training.csv").starts_with("日付,アカウント,研修名"));
        assert!(header(&en, "people.csv").starts_with("account,"));
        let people = |d: &tempfile::TempDir| {
            let (p, errs) = read_people(&d.path().join("people.csv")).unwrap();
            assert!(errs.is_empty(), "{errs:?}");
            p
        };
        assert_eq!(format!("{:?}", people(&en)), format!("{:?}", people(&ja)));
        let training = |d: &tempfile::TempDir| {
            let t = read_training(&d.path().join("training.csv")).unwrap();
            assert!(t.errors.is_empty(), "{:?}", t.errors);
            t.sessions
        };
        assert_eq!(
            format!("{:?}", training(&en)),
            format!("{:?}", training(&ja))
        );
    }

    #[test]
    fn the_starter_carries_the_name_audit_recognises() {
        let line = FILES[0]
            .1
            .lines()
            .find(|l| l.trim_start().starts_with("name:"))
            .unwrap();
        assert!(line.contains(STARTER_NAME), "{line}");
    }
}
