//! The company's own files named in the profile (documents, records): a file that
//! is there but cannot be read makes its item `error`, never "not found"; a link to
//! the current version of a document is followed; of several records of a kind,
//! the first one registered is the one a reason names.

mod walk_common;
use walk_common::*;

const PROFILE: &str = r#"version: 1
organization:
  name: 株式会社記録テスト
people:
  - account: tanaka
    name: 田中
    roles: [administrator]
    status: active
administrator:
  account: tanaka
  appointed_on: 2024-04-01
  document: docs/appointment.pdf
documents:
  - id: rules
    title: 技術情報管理規程
    path: docs/rules.pdf
    revised_on: 2025-06-01
records:
  - kind: take-out
    path: records/takeout.csv
  - kind: disposal
    path: records/disposal.csv
"#;

fn company() -> Company {
    let c = Company::new();
    let base = c.dir.path();
    for d in ["docs", "records"] {
        std::fs::create_dir_all(base.join(d)).unwrap();
        chmod(&base.join(d), 0o755);
    }
    std::fs::write(base.join("docs/appointment.pdf"), "appointment").unwrap();
    // The rules in force are a link to the current version.
    std::fs::write(base.join("docs/rules-v3.pdf"), "rules v3").unwrap();
    std::os::unix::fs::symlink("rules-v3.pdf", base.join("docs/rules.pdf")).unwrap();
    std::fs::write(base.join("records/disposal.csv"), "date,what\n").unwrap();
    c
}

#[test]
fn a_linked_document_is_read_and_a_missing_record_fails() {
    let c = company();
    let p = c.profile(PROFILE);
    let (_, r, _) = c.audit(&p, &[]);
    assert_eq!(status(&r, "ADM-02"), "pass", "{}", item(&r, "ADM-02"));
    assert_eq!(status(&r, "ADM-01"), "pass", "{}", item(&r, "ADM-01"));
    assert_eq!(status(&r, "HDL-09"), "pass", "{}", item(&r, "HDL-09"));
    assert_eq!(status(&r, "HDL-08"), "fail", "{}", item(&r, "HDL-08"));
    let ev = item(&r, "HDL-08")["evidence"][0]["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ev.contains("file not found"), "{ev}");
}

#[test]
fn unreadable_documents_and_records_are_errors_not_missing() {
    if !need_root("making files the auditor cannot read") {
        return;
    }
    let c = company();
    let base = c.dir.path();
    for f in [
        "docs/appointment.pdf",
        "docs/rules-v3.pdf",
        "records/disposal.csv",
    ] {
        chmod(&base.join(f), 0o600);
    }
    let p = c.profile(PROFILE);
    let Some((_, r, _)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    for id in ["ADM-01", "ADM-02", "HDL-09"] {
        assert_eq!(status(&r, id), "error", "{id}: {}", item(&r, id));
        let reason = item(&r, id)["reason"].as_str().unwrap();
        assert!(
            reason.contains("could not be read (permission denied)"),
            "{id}: {reason}"
        );
    }
    // A record that is not there at all still fails.
    assert_eq!(status(&r, "HDL-08"), "fail");
}

#[test]
fn of_two_unreadable_dated_records_the_first_registered_is_named() {
    if !need_root("making files the auditor cannot read") {
        return;
    }
    let c = company();
    let base = c.dir.path();
    for f in ["records/media-2025.csv", "records/media-2026.csv"] {
        std::fs::write(base.join(f), "date,media\n").unwrap();
        chmod(&base.join(f), 0o600);
    }
    let p = c.profile(&format!(
        "{PROFILE}  - kind: media\n    path: records/media-2025.csv\n    updated_on: 2026-01-10\n  - kind: media\n    path: records/media-2026.csv\n    updated_on: 2026-05-10\n"
    ));
    let Some((_, r, _)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    assert_eq!(status(&r, "HDL-11"), "error", "{}", item(&r, "HDL-11"));
    let reason = item(&r, "HDL-11")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("records/media-2025.csv is there but could not be read"),
        "{reason}"
    );
    assert!(!reason.contains("media-2026"), "{reason}");
}

#[test]
fn the_first_registered_record_is_the_one_named() {
    // Two disposal records there: HDL-09 names the first. An undated media
    // record: HDL-11 says the date is missing, not that it is after the audit.
    let c = company();
    let base = c.dir.path();
    std::fs::write(base.join("records/disposal-2026.csv"), "date,what\n").unwrap();
    std::fs::write(base.join("records/media.csv"), "date,media\n").unwrap();
    let p = c.profile(&format!(
        "{PROFILE}  - kind: disposal\n    path: records/disposal-2026.csv\n  - kind: media\n    path: records/media.csv\n"
    ));
    let (_, r, _) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-09"), "pass", "{}", item(&r, "HDL-09"));
    let reason = item(&r, "HDL-09")["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("records/disposal.csv exists"), "{reason}");
    assert_eq!(status(&r, "HDL-11"), "partial", "{}", item(&r, "HDL-11"));
    let reason = item(&r, "HDL-11")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("records/media.csv exists, but no updated_on date is recorded"),
        "{reason}"
    );
}

#[test]
fn of_two_unreadable_records_the_first_registered_is_named() {
    if !need_root("making files the auditor cannot read") {
        return;
    }
    let c = company();
    let base = c.dir.path();
    std::fs::write(base.join("records/disposal-2026.csv"), "date,what\n").unwrap();
    for f in ["records/disposal.csv", "records/disposal-2026.csv"] {
        chmod(&base.join(f), 0o600);
    }
    let p = c.profile(&format!(
        "{PROFILE}  - kind: disposal\n    path: records/disposal-2026.csv\n"
    ));
    let Some((_, r, _)) = c.audit_as_nobody(&p, &[]) else {
        return;
    };
    assert_eq!(status(&r, "HDL-09"), "error", "{}", item(&r, "HDL-09"));
    let reason = item(&r, "HDL-09")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("records/disposal.csv is there but could not be read"),
        "{reason}"
    );
}

#[test]
fn a_record_dated_only_after_the_audit_says_so_rather_than_undated() {
    let c = company();
    std::fs::write(c.dir.path().join("records/media.csv"), "date,media\n").unwrap();
    // The audit runs on 2026-01-15; the register says it was updated later.
    let p = c.profile(&format!(
        "{PROFILE}  - kind: media\n    path: records/media.csv\n    updated_on: 2026-03-01\n"
    ));
    let (_, r, _) = c.audit(&p, &[]);
    assert_eq!(status(&r, "HDL-11"), "partial", "{}", item(&r, "HDL-11"));
    let reason = item(&r, "HDL-11")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("updated_on is after the audit date"),
        "{reason}"
    );
}
