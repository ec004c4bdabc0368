//! More unreadable folders than the report lists (a share where the auditing
//! account cannot enter most project folders): every one is counted, in the
//! verdicts, the coverage counts and the exit code; the report, the items'
//! evidence and the problem lines list the first 100 by path and say how many
//! more there are. Only the folders at, above or below an asset's folder count
//! for the items about protected files.

mod walk_common;
use walk_common::*;

const PROFILE: &str = r#"version: 1
organization:
  name: 株式会社テスト製作所
scope:
  shares: [/srv/share]
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: ["/srv/share/design/**"]
  - id: T-002
    name: 試作データ
    classification: 秘
    paths: ["/srv/share/cad/**"]
"#;

/// Unreadable folders under the first asset's folder.
const NEAR: usize = 150;
/// Unreadable folders elsewhere on the share.
const ELSEWHERE: usize = 30;
const KEPT: usize = 100;

/// The share: `NEAR` + `ELSEWHERE` folders only root may enter (each with a
/// file in it), and one readable protected file of the second asset.
fn company() -> (Company, Vec<std::path::PathBuf>) {
    let c = Company::new();
    let mut closed = Vec::new();
    for (dir, n) in [("design", NEAR), ("other", ELSEWHERE)] {
        for i in 0..n {
            let d = format!("/srv/share/{dir}/closed-{i:03}");
            c.write(&format!("{d}/secret.txt"), "s");
            let p = c.host(&d);
            chmod(&p, 0o700);
            chown(&p, 0, 0);
            closed.push(p);
        }
    }
    let f = c.write("/srv/share/cad/part.dwg", "part");
    chmod(&f, 0o644);
    (c, closed)
}

#[test]
fn every_unreadable_folder_is_counted_and_the_first_100_listed() {
    let (c, _closed) = company();
    let p = c.profile(PROFILE);
    let Some((code, report, stderr)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    assert_ne!(code, 2, "{stderr}");
    let total = NEAR + ELSEWHERE;
    let cov = &report["coverage"];
    let listed: Vec<&str> = cov["unreadable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["path"].as_str().unwrap())
        .collect();
    let want: Vec<String> = (0..KEPT)
        .map(|i| format!("/srv/share/design/closed-{i:03}"))
        .collect();
    assert_eq!(listed, want, "the first 100 by path");
    assert_eq!(cov["unreadable_more"], (total - KEPT) as u64);
    assert_eq!(report["scope"]["counts"]["unreadable"], total as u64);

    // HDL-03: the first asset's folder could not be read, so whether it has files
    // is not known (error, not fail); its evidence lists the first 100 and a note.
    let h3 = item(&report, "HDL-03");
    assert_eq!(h3["status"], "error", "{h3}");
    let ev = h3["evidence"].as_array().unwrap();
    let notes: Vec<&serde_json::Value> = ev.iter().filter(|e| e["omitted"].is_u64()).collect();
    assert_eq!(notes.len(), 1, "{h3}");
    assert_eq!(notes[0]["omitted"], (total - KEPT) as u64);
    let d = notes[0]["detail"].as_str().unwrap();
    assert!(
        d.contains(&format!("and {} more", total - KEPT)) && d.contains(&format!("of the {total}")),
        "{d}"
    );
    let gap_notes = ev
        .iter()
        .filter(|e| {
            e["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/srv/share/") && p.contains("/closed-"))
        })
        .count();
    assert_eq!(gap_notes, KEPT, "{h3}");

    // The items about protected files count only the folders near an asset's
    // folder (150, not 180); the others count every unreadable path.
    let first = "/srv/share/design/closed-000";
    for (id, n) in [("HDL-06", NEAR), ("HDL-05", total)] {
        let it = item(&report, id);
        let reason = it["reason"].as_str().unwrap();
        assert!(
            reason.contains(&format!("{n} paths could not be read (e.g. {first}: ")),
            "{id}: {reason}"
        );
        assert_ne!(it["status"], "pass", "{id}");
        let ev = it["evidence"].as_array().unwrap();
        let note = ev
            .iter()
            .find(|e| e["omitted"].is_u64())
            .unwrap_or_else(|| panic!("{id}: no note: {it}"));
        assert_eq!(note["omitted"], (n - KEPT) as u64, "{id}");
    }

    // audit names the first 20 on stderr and counts all the rest.
    let named = stderr
        .lines()
        .filter(|l| l.contains(": could not be read: "))
        .count();
    assert_eq!(named, 20, "{stderr}");
    let rest = format!("and {} more (see the report's coverage)", total - 20);
    assert!(stderr.contains(&rest), "{stderr}");
    let warned = format!("{total} paths could not be read during the walk");
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().is_some_and(|w| w.contains(&warned))),
        "{warnings:?}"
    );
}

#[test]
fn scan_names_the_first_100_and_says_how_many_more_and_exits_1() {
    let (c, _closed) = company();
    let Some((mut cmd, _guard)) = as_nobody() else {
        return;
    };
    let out = cmd
        .env("LANG", "C")
        .args(["scan", "--lang", "en", "--root"])
        .arg(c.root())
        .arg("/srv/share")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "incomplete walk: {stderr}");
    let named: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(": could not be read: "))
        .collect();
    assert_eq!(named.len(), KEPT, "{stderr}");
    assert!(
        named[0].contains("/srv/share/design/closed-000:"),
        "{stderr}"
    );
    let total = NEAR + ELSEWHERE;
    assert!(
        stderr.contains(&format!(
            "and {} more paths that could not be read (only the first {KEPT} of {total}, by path, are listed)",
            total - KEPT
        )),
        "{stderr}"
    );
}
