//! Snapshots of a real audit: the real binary on the sample company
//! (`examples/sample-company`, as the README runs it) in Japanese and English.
//! The rendering snapshots in src/report/snapshots pin a made-up report; these
//! pin the verdicts, reasons and evidence the rules give, so a change of verdict
//! shows up in review as a snapshot diff.
//!
//! The example is copied to a temporary folder with the modes git records (files
//! 0644, folders 0755, links kept) so that the checkout's umask cannot change a
//! verdict; the suite runs as root (CONTRIBUTING.md), so the files belong to
//! uid 0 as in CI. Volatile fields — the time of the run, the walk's start, the
//! tool's version and the temporary folder — are replaced by fixed markers
//! before the snapshot is taken.
//!
//! A change to the checklist, the policies or the example changes these
//! snapshots on purpose: review the `.snap.new` files (`cargo insta review`, or
//! read the diff and move each `.snap.new` over its `.snap`).

#[path = "common/require.rs"]
mod require;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    std::fs::set_permissions(dst, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let to = dst.join(e.file_name());
        let ft = e.file_type().unwrap();
        if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &to).unwrap();
        } else if ft.is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
            std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
}

/// Replaces what changes from run to run with fixed markers.
fn normalise(v: &mut serde_json::Value, tmp: &str) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                match (k.as_str(), &*x) {
                    ("generated_at" | "started_at", Value::String(_)) => {
                        *x = Value::String("[time]".into())
                    }
                    _ => normalise(x, tmp),
                }
            }
            if m.get("name").and_then(Value::as_str) == Some("timaudit")
                && let Some(ver) = m.get_mut("version")
            {
                *ver = Value::String("[version]".into());
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| normalise(x, tmp)),
        Value::String(s) if s.contains(tmp) => *s = s.replace(tmp, "[tmp]"),
        _ => {}
    }
}

fn audit(lang: &str) -> String {
    let d = tempfile::tempdir().unwrap();
    let ex = d.path().join("sample-company");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sample-company"),
        &ex,
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_timaudit"))
        .current_dir(&ex)
        .args([
            "audit",
            "--profile",
            "timaudit.yaml",
            "--root",
            "root",
            "--date",
            "2026-11-25",
            "--format",
            "json",
            "--lang",
            lang,
        ])
        .output()
        .unwrap();
    // The example fails items on purpose: exit 1 (README).
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    normalise(&mut v, &d.path().display().to_string());
    let text = serde_json::to_string_pretty(&v).unwrap();
    assert!(
        !text.contains("/tmp/"),
        "a temporary path left in the report"
    );
    text
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "../src/report/snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => "timaudit audit on examples/sample-company (tests/sample_audit.rs)",
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn the_sample_company_audit_in_japanese() {
    if !require::need_root("the sample company's files must belong to uid 0, as in CI") {
        return;
    }
    let text = audit("ja");
    assert!(text.contains("\"lang\": \"ja\""));
    snapshot("sample_company_audit_ja", &text);
}

#[test]
fn the_sample_company_audit_in_english() {
    if !require::need_root("the sample company's files must belong to uid 0, as in CI") {
        return;
    }
    let text = audit("en");
    assert!(text.contains("\"lang\": \"en\""));
    snapshot("sample_company_audit_en", &text);
}
