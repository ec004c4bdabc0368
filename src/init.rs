//! `timaudit init`: a commented starter profile and example CSVs.

use crate::i18n::{Lang, Text};
use std::path::Path;

/// The files `init` writes: name and content.
pub const FILES: &[(&str, &str)] = &[
    ("timaudit.yaml", include_str!("../templates/timaudit.yaml")),
    ("people.csv", include_str!("../templates/people.csv")),
    ("training.csv", include_str!("../templates/training.csv")),
];

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
    for (name, content) in FILES {
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
