//! Records and manual items, ACC-01 and ACC-07, decided as docs/checklist.md says.

mod common;
use common::*;

/// A company whose records items all pass on 2026-11-25.
fn good_company() -> Company {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.write("docs/appointment.pdf", "appointment");
    c.write("docs/rules.pdf", "rules");
    c.write("records/takeout.csv", "date,who\n");
    c.write("records/disposal.csv", "date,what\n");
    c.write("records/keys.csv", "date,key\n");
    c.write("records/area.csv", "date,room\n");
    c.write(
        "records/media.csv",
        "管理番号,種類,保有者,貸出日,返却日\nM-01,USB,tanaka,2026-09-01,2026-09-03\n",
    );
    c.write("docs/incident.pdf", "incident procedure");
    c.write("docs/internal-audit.pdf", "internal audit report");
    c.profile(GOOD);
    c
}

const GOOD: &str = "version: 1
organization:
  name: 株式会社テスト
  certification:
    certified_on: 2024-02-29
assets:
  - id: T-001
    name: 金型設計図面
    classification: 極秘
    paths: [\"/srv/share/design/**\"]
    authorized: [\"group:design\", \"user:tanaka\"]
    handlers: [tanaka, suzuki]
people:
  - account: tanaka
    name: 田中 一郎
    roles: [administrator, handler, system-admin]
    status: active
    joined_on: 2020-04-01
    pledge_signed_on: 2020-04-01
  - account: suzuki
    roles: [handler]
    status: active
    joined_on: 2021-04-01
    pledge_signed_on: 2021-04-01
training:
  - date: 2026-06-10
    title: 技術情報管理研修
    topics: [handling, reporting, sanctions]
    attendees: [tanaka, suzuki]
administrator:
  account: tanaka
  appointed_on: 2024-04-01
  document: docs/appointment.pdf
documents:
  - id: rules
    title: 技術情報管理規程
    path: docs/rules.pdf
    revised_on: 2025-01-10
reviews:
  - kind: access
    date: 2026-10-01
  - kind: management
    date: 2026-10-01
  - kind: internal-audit
    date: 2026-03-15
    document: docs/internal-audit.pdf
records:
  - kind: take-out
    path: records/takeout.csv
  - kind: disposal
    path: records/disposal.csv
  - kind: key-lending
    path: records/keys.csv
  - kind: area-entry
    path: records/area.csv
  - kind: media
    path: records/media.csv
    updated_on: 2026-09-03
  - kind: incident-procedure
    path: docs/incident.pdf
    reviewed_on: 2026-02-10
answers:
  ADM-05: {status: pass, note: 委託先と契約済み}
  STO-01: {status: pass}
  STO-02: {status: pass}
  STO-03: {status: pass}
  STO-04: {status: pass}
  STO-05: {status: partial, note: NAS の施錠ラックへの移設を手配中}
  ITS-12: {status: pass}
  ITS-13: {status: not_applicable, note: クラウド未使用}
  HDL-07: {status: pass}
";

const RECORDS_ITEMS: &[&str] = &[
    "ADM-01", "ADM-02", "ADM-03", "ADM-04", "ADM-06", "ADM-07", "HDL-01", "HDL-08", "HDL-09",
    "HDL-11", "TRN-01", "TRN-02", "TRN-03", "TRN-04", "TRN-05", "ACC-01", "ACC-06", "ACC-07",
];

/// Replaces one line of the good profile.
fn edit(c: &Company, from: &str, to: &str) {
    assert!(GOOD.contains(from), "profile has no `{from}`");
    c.profile(&GOOD.replacen(from, to, 1));
}

/// The good company's profile with tanaka (administrator, handler and
/// system-admin) marked as having left.
fn tanaka_has_left(c: &Company) {
    edit(
        c,
        "roles: [administrator, handler, system-admin]\n    status: active",
        "roles: [administrator, handler, system-admin]\n    status: left\n    left_on: 2026-10-31",
    );
}

#[test]
fn a_well_kept_company_passes_every_records_item_and_the_report_is_complete() {
    let c = good_company();
    let a = c.audit("2026-11-25", &[]);
    for id in RECORDS_ITEMS {
        assert_eq!(a.status(id), "pass", "{id}: {}", a.item(id));
    }
    for (id, st) in [
        ("ADM-05", "pass"),
        ("STO-01", "pass"),
        ("STO-05", "partial"),
        ("ITS-13", "not_applicable"),
        ("STO-02", "pass"),
        ("STO-03", "pass"),
    ] {
        assert_eq!(a.status(id), st, "{id}");
    }
    assert_eq!(a.status("HDL-10"), "not_applicable");
    let j = a.json();
    let items = j["items"].as_array().unwrap();
    assert_eq!(items.len(), 56);
    // Every item of the checklist exactly once, in the checklist's order (a fixed
    // list, so a duplicated item paired with a missing one is caught).
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let expected: Vec<String> = [
        ("ADM", 7),
        ("HDL", 11),
        ("TRN", 5),
        ("ACC", 11),
        ("STO", 6),
        ("ITS", 16),
    ]
    .iter()
    .flat_map(|(c, n)| (1..=*n).map(move |i| format!("{c}-{i:02}")))
    .collect();
    assert_eq!(ids, expected, "every item exactly once");
    for i in items {
        let st = i["status"].as_str().unwrap();
        if st != "pass" {
            assert!(
                !i["reason"].as_str().unwrap().trim().is_empty(),
                "{} has no reason",
                i["id"]
            );
        }
        assert!(i["title"]["ja"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(
            i["remediation"]["en"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
    }
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["audit_date"], "2026-11-25");
    assert_eq!(j["organization"]["name"], "株式会社テスト");
    assert_eq!(j["checklist"]["id"], "tim-selfcheck");
    // Leap-day certification: due on 28 February, expires the day before the third anniversary.
    assert_eq!(j["timeline"]["certified_on"], "2024-02-29");
    assert_eq!(j["timeline"]["next_periodic_report_due"], "2027-02-28");
    assert_eq!(j["timeline"]["expires_on"], "2027-02-27");
    // ADM-01 records the appointment document's SHA-256.
    let ev = a.evidence("ADM-01").join("\n");
    assert!(
        ev.contains("docs/appointment.pdf") && ev.contains("\"sha256\""),
        "{ev}"
    );
}

#[test]
fn adm01_fails_for_a_leaver_or_a_future_date_and_is_partial_without_the_document() {
    let c = good_company();
    edit(
        &c,
        "  document: docs/appointment.pdf",
        "  document: docs/missing.pdf",
    );
    assert_eq!(c.audit("2026-11-25", &[]).status("ADM-01"), "partial");
    // The administrator has left the company.
    tanaka_has_left(&c);
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-01"), "fail");
    let reason = a.item("ADM-01")["reason"].to_string();
    assert!(reason.contains("tanaka has left the company"), "{reason}");
    // Appointed on the audit day itself: in office, not "after the audit".
    edit(
        &c,
        "  appointed_on: 2024-04-01",
        "  appointed_on: 2026-11-25",
    );
    assert_eq!(c.audit("2026-11-25", &[]).status("ADM-01"), "pass");
    edit(
        &c,
        "  appointed_on: 2024-04-01",
        "  appointed_on: 2027-01-01",
    );
    assert_eq!(c.audit("2026-11-25", &[]).status("ADM-01"), "fail");
    edit(
        &c,
        "administrator:\n  account: tanaka",
        "administrator:\n  account: nobody",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-01"), "fail");
    assert!(a.evidence("ADM-01").join("").contains("user:nobody"));
}

/// Only handlers and people authorised for an asset (by name or through a
/// group) must be trained and pledged: a colleague without access need not be.
#[test]
fn someone_without_access_need_not_be_trained_or_pledged() {
    let c = good_company();
    edit(
        &c,
        "people:\n",
        "people:\n  - account: yamada\n    roles: []\n    status: active\n    joined_on: 2026-10-01\n",
    );
    let a = c.audit("2026-11-25", &[]);
    for id in ["TRN-02", "TRN-03", "TRN-04"] {
        assert_eq!(a.status(id), "pass", "{id}: {}", a.item(id)["reason"]);
        let item = a.item(id).to_string();
        assert!(!item.contains("yamada"), "{id}: {item}");
    }
    // Authorised by name only (not a handler, not in the group): must be trained.
    c.profile(
        &GOOD
            .replacen(
                "people:\n",
                "people:\n  - account: yamada\n    roles: []\n    status: active\n    joined_on: 2020-04-01\n    pledge_signed_on: 2020-04-01\n",
                1,
            )
            .replacen("\"user:tanaka\"]", "\"user:tanaka\", \"user:yamada\"]", 1),
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-02"), "fail");
    let item = a.item("TRN-02").to_string();
    assert!(item.contains("yamada"), "{item}");
}

#[test]
fn adm02_is_partial_when_the_rules_are_older_than_three_review_intervals() {
    let c = good_company();
    // 2025-01-10 + 1095 days = 2028-01-10.
    assert_eq!(c.audit("2028-01-10", &[]).status("ADM-02"), "pass");
    assert_eq!(c.audit("2028-01-11", &[]).status("ADM-02"), "partial");
    // Revised on the audit date counts; revised after it (an audit replayed with
    // an earlier --date) cannot show the rules were current then.
    assert_eq!(c.audit("2025-01-10", &[]).status("ADM-02"), "pass");
    let a = c.audit("2025-01-09", &[]);
    assert_eq!(a.status("ADM-02"), "partial");
    let reason = a.item("ADM-02")["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("after the audit date"), "{reason}");
    edit(&c, "    path: docs/rules.pdf", "    path: docs/gone.pdf");
    assert_eq!(c.audit("2026-11-25", &[]).status("ADM-02"), "fail");
}

#[test]
fn adm03_names_assets_without_active_handlers() {
    let c = good_company();
    edit(
        &c,
        "    handlers: [tanaka, suzuki]",
        "    handlers: [tanaka, sato]",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-03"), "fail");
    assert!(a.evidence("ADM-03").join("").contains("user:sato"));
    // A handler on the roster who has left.
    edit(
        &c,
        "roles: [handler]\n    status: active",
        "roles: [handler]\n    status: left\n    left_on: 2026-10-31",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-03"), "fail");
    let reason = a.item("ADM-03")["reason"].to_string();
    assert!(
        reason.contains("handler suzuki of") && reason.contains("has left"),
        "{reason}"
    );
}

#[test]
fn reviews_count_only_within_the_interval_before_the_audit_date() {
    let c = good_company();
    // 2026-10-01 + 365 days = 2027-10-01.
    let a = c.audit("2027-10-01", &[]);
    assert_eq!(a.status("ADM-04"), "pass");
    assert_eq!(a.status("ACC-06"), "pass");
    let a = c.audit("2027-10-02", &[]);
    assert_eq!(a.status("ADM-04"), "fail");
    assert_eq!(a.status("ACC-06"), "fail");
    // A review dated after the audit date has not happened yet.
    let a = c.audit("2026-09-30", &[]);
    assert_eq!(a.status("ADM-04"), "fail");
}

#[test]
fn training_topics_people_and_newcomers() {
    let c = good_company();
    edit(
        &c,
        "    topics: [handling, reporting, sanctions]",
        "    topics: [handling, reporting]",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-01"), "partial");
    assert!(
        a.item("TRN-01")["reason"]
            .as_str()
            .unwrap()
            .contains("sanctions")
    );
    let ja = a.item("TRN-01")["reason_i18n"]["ja"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        ja.ends_with("扱っていないテーマがあります: 違反時の処分（sanctions）"),
        "{ja}"
    );

    // A member of an authorized group who never attended; and a newcomer.
    let c = good_company();
    let profile = GOOD.replacen(
        "  - account: suzuki",
        "  - account: yamada\n    roles: []\n    status: active\n    joined_on: 2026-10-01\n    pledge_signed_on: 2026-10-01\n  - account: suzuki",
        1,
    );
    c.profile(&profile);
    c.passwd(&format!(
        "{PASSWD}yamada:x:1003:1003::/home/yamada:/bin/bash\n"
    ));
    c.group(&GROUP.replace(
        "design:x:2001:tanaka,suzuki",
        "design:x:2001:tanaka,suzuki,yamada",
    ));
    // Joined 2026-10-01: not yet due on 2026-10-30, late on 2026-10-31.
    let a = c.audit("2026-10-30", &[]);
    assert_eq!(a.status("TRN-03"), "pass", "{}", a.item("TRN-03"));
    // The pass names how many newcomers it looked at: yamada, the one who joined.
    assert_eq!(
        a.item("TRN-03")["reason"].as_str().unwrap(),
        "the 1 person who joined in the last 365 days was trained within 30 days of joining (or is not yet due)"
    );
    assert_eq!(a.status("TRN-02"), "fail");
    assert!(a.evidence("TRN-02").join("").contains("user:yamada"));
    let a = c.audit("2026-10-31", &[]);
    assert_eq!(a.status("TRN-03"), "fail");
    assert!(a.evidence("TRN-03").join("").contains("user:yamada"));
    // Trained on day 30: on time.
    c.profile(&profile.replace("    attendees: [tanaka, suzuki]", "    attendees: [tanaka, suzuki]\n  - date: 2026-10-31\n    title: 新人研修\n    topics: [handling]\n    attendees: [yamada]"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-03"), "pass", "{}", a.item("TRN-03"));
    assert_eq!(a.status("TRN-02"), "pass", "{}", a.item("TRN-02"));
}

#[test]
fn membership_by_primary_group_counts_for_training() {
    let c = good_company();
    let profile = GOOD.replacen(
        "  - account: suzuki",
        "  - account: kato\n    status: active\n    pledge_signed_on: 2020-01-01\n  - account: suzuki",
        1,
    );
    c.profile(&profile);
    c.passwd(&format!("{PASSWD}kato:x:1004:2001::/home/kato:/bin/bash\n"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-02"), "fail");
    assert!(a.evidence("TRN-02").join("").contains("user:kato"));
}

#[test]
fn pledges_on_joining_and_leaving() {
    let c = good_company();
    edit(&c, "    pledge_signed_on: 2021-04-01\n", "");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-04"), "fail");
    assert!(a.evidence("TRN-04").join("").contains("user:suzuki"));
    let c = good_company();
    let profile = GOOD.replacen(
        "  - account: suzuki",
        "  - account: sato\n    status: left\n    left_on: 2026-03-31\n  - account: suzuki",
        1,
    );
    c.profile(&profile);
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-04"), "fail");
    assert!(a.evidence("TRN-04").join("").contains("user:sato"));
}

#[test]
fn trn05_needs_date_title_and_attendees() {
    let c = good_company();
    edit(&c, "    attendees: [tanaka, suzuki]", "    attendees: []");
    assert_eq!(c.audit("2026-11-25", &[]).status("TRN-05"), "fail");
}

#[test]
fn trn05_a_session_dated_after_the_audit_is_planned_not_a_record() {
    let c = good_company();
    // The only session is on 2026-06-10: held when audited in November, only
    // planned when audited in May.
    assert_eq!(c.audit("2026-11-25", &[]).status("TRN-05"), "pass");
    let a = c.audit("2026-05-01", &[]);
    assert_eq!(a.status("TRN-05"), "fail");
    let reason = a.item("TRN-05")["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("dated after the audit date"), "{reason}");
}

#[test]
fn trn02_someone_trained_but_longer_ago_than_the_interval_fails_on_the_day_after() {
    // suzuki's last session is on its own line; the audit is on 2026-11-25 and
    // the interval is 365 days, so 2025-11-25 is the last day that still counts.
    let c = good_company();
    let with_suzuki_on = |date: &str| {
        GOOD.replacen(
            "    attendees: [tanaka, suzuki]",
            &format!(
                "    attendees: [tanaka]\n  - date: {date}\n    title: 研修\n    topics: [handling, reporting, sanctions]\n    attendees: [suzuki]"
            ),
            1,
        )
    };
    c.profile(&with_suzuki_on("2025-11-25"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-02"), "pass", "{}", a.item("TRN-02"));
    // A pass says so, without a count of people left untrained.
    assert_eq!(
        a.item("TRN-02")["reason"],
        "all 2 active people with access to protected information were trained in the last 365 days"
    );
    for date in ["2025-11-24", "2025-10-27"] {
        c.profile(&with_suzuki_on(date));
        let a = c.audit("2026-11-25", &[]);
        assert_eq!(a.status("TRN-02"), "fail", "{date}: {}", a.item("TRN-02"));
        let reason = a.item("TRN-02")["reason"].as_str().unwrap().to_string();
        // The count of untrained people comes first, then who and when.
        assert_eq!(
            reason,
            format!(
                "1 of 2 people with access was not trained in the last 365 days; suzuki was last trained on {date}"
            )
        );
    }
}

#[test]
fn trn04_the_pass_names_whose_pledges_are_on_file() {
    // The good company: two active people with access, no leaver.
    let c = good_company();
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-04"), "pass", "{}", a.item("TRN-04"));
    assert_eq!(
        a.item("TRN-04")["reason"].as_str().unwrap(),
        "pledges are on file for all 2 active people with access"
    );
    // With a leaver whose exit pledge is on file, the leaver is named too.
    c.profile(&GOOD.replacen(
        "  - account: suzuki",
        "  - account: sato\n    status: left\n    left_on: 2026-03-31\n    exit_pledge_signed_on: 2026-03-31\n  - account: suzuki",
        1,
    ));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-04"), "pass", "{}", a.item("TRN-04"));
    assert_eq!(
        a.item("TRN-04")["reason"].as_str().unwrap(),
        "pledges are on file for all 2 active people with access and the 1 leaver"
    );
}

#[test]
fn trn01_a_session_on_other_topics_only_covers_none_of_the_three() {
    // Training was held, but on a topic TRN-01 does not count (a warning when
    // the profile is read): none of handling, reporting, sanctions is covered.
    let c = good_company();
    edit(
        &c,
        "    topics: [handling, reporting, sanctions]",
        "    topics: [ethics]",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-01"), "fail", "{}", a.item("TRN-01"));
    assert_eq!(
        a.item("TRN-01")["reason"].as_str().unwrap(),
        "the sessions of the last 365 days cover none of handling, reporting, sanctions"
    );
}

#[test]
fn trn01_a_session_dated_after_the_audit_does_not_cover_its_topics() {
    // Sanctions are covered only by a session planned for December: on
    // 2026-11-25 it has not happened, so the topic is missing.
    let c = good_company();
    edit(
        &c,
        "    topics: [handling, reporting, sanctions]\n    attendees: [tanaka, suzuki]",
        "    topics: [handling, reporting]\n    attendees: [tanaka, suzuki]\n  - date: 2026-12-10\n    title: 処分規程の研修\n    topics: [sanctions]\n    attendees: [tanaka, suzuki]",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-01"), "partial", "{}", a.item("TRN-01"));
    let reason = a.item("TRN-01")["reason"].as_str().unwrap().to_string();
    assert!(reason.ends_with("do not cover: sanctions"), "{reason}");
    // Audited after it was held, the same session counts.
    let a = c.audit("2026-12-10", &[]);
    assert_eq!(a.status("TRN-01"), "pass", "{}", a.item("TRN-01"));
    // Only a planned session: no training was held.
    let c = good_company();
    edit(&c, "  - date: 2026-06-10", "  - date: 2026-12-10");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-01"), "fail", "{}", a.item("TRN-01"));
    assert_eq!(a.status("TRN-02"), "fail", "{}", a.item("TRN-02"));
}

#[test]
fn a_review_dated_after_the_audit_does_not_count() {
    // The only access and management reviews are planned for 2026-12-01.
    let c = good_company();
    c.profile(&GOOD.replace("    date: 2026-10-01", "    date: 2026-12-01"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-06"), "fail", "{}", a.item("ACC-06"));
    assert_eq!(a.status("ADM-04"), "fail", "{}", a.item("ADM-04"));
    let a = c.audit("2026-12-01", &[]);
    assert_eq!(a.status("ACC-06"), "pass", "{}", a.item("ACC-06"));
    assert_eq!(a.status("ADM-04"), "pass", "{}", a.item("ADM-04"));
}

#[test]
fn missing_records_fail_and_mixed_items_take_the_weaker_part() {
    let c = good_company();
    std::fs::remove_file(c.path().join("records/disposal.csv")).unwrap();
    std::fs::remove_file(c.path().join("records/keys.csv")).unwrap();
    edit(
        &c,
        "  - kind: take-out\n    path: records/takeout.csv\n",
        "",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("HDL-08"), "fail");
    assert_eq!(a.status("HDL-09"), "fail");
    // STO-02 is answered pass but its key-lending record is missing.
    assert_eq!(a.status("STO-02"), "fail");
    // STO-03 unanswered: unanswered whatever its record says.
    edit(&c, "  STO-03: {status: pass}\n", "");
    assert_eq!(c.audit("2026-11-25", &[]).status("STO-03"), "unanswered");
    edit(
        &c,
        "  STO-03: {status: pass}",
        "  STO-03: {status: partial}",
    );
    assert_eq!(c.audit("2026-11-25", &[]).status("STO-03"), "partial");
}

#[test]
fn manual_items_without_an_answer_are_unanswered() {
    let c = good_company();
    edit(&c, "  STO-04: {status: pass}\n", "");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("STO-04"), "unanswered");
    assert!(!a.item("STO-04")["reason"].as_str().unwrap().is_empty());
    // --fail-on decides which statuses make exit code 1.
    assert_eq!(c.audit("2026-11-25", &["--fail-on", "unanswered"]).code, 1);
    let answered = good_company();
    assert_eq!(
        answered
            .audit("2026-11-25", &["--fail-on", "unanswered"])
            .code,
        0
    );
}

#[test]
fn acc01_names_principals_missing_from_the_audited_host() {
    let c = good_company();
    edit(
        &c,
        "[\"group:design\", \"user:tanaka\"]",
        "[\"group:design\", \"user:ghost\", \"group:nogroup\"]",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-01"), "fail");
    let ev = a.evidence("ACC-01").join("");
    assert!(
        ev.contains("user:ghost") && ev.contains("group:nogroup"),
        "{ev}"
    );
    edit(&c, "[\"group:design\", \"user:tanaka\"]", "[]");
    assert_eq!(c.audit("2026-11-25", &[]).status("ACC-01"), "fail");
}

#[test]
fn acc07_privileged_accounts_must_be_approved_system_admins() {
    let c = good_company();
    c.passwd(&format!("{PASSWD}toor:x:0:0::/root:/bin/bash\n"));
    c.group(&GROUP.replace(
        "sudo:x:27:tanaka",
        "sudo:x:27:tanaka,suzuki\nwheel:x:10:root",
    ));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-07"), "fail");
    let ev = a.evidence("ACC-07").join("");
    assert!(ev.contains("user:toor"), "{ev}");
    assert!(ev.contains("user:suzuki"), "{ev}");
    assert!(!ev.contains("user:root\""), "root itself is exempt: {ev}");
    assert!(ev.contains("/etc/group"), "{ev}");
}

#[test]
fn acc07_a_leaver_still_in_sudo_is_not_approved_whatever_the_role() {
    let c = good_company();
    assert_eq!(c.audit("2026-11-25", &[]).status("ACC-07"), "pass");
    // tanaka keeps the system-admin role on the roster but has left.
    tanaka_has_left(&c);
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-07"), "fail");
    let item = a.item("ACC-07").to_string();
    assert!(
        item.contains("privileged account tanaka belongs to a leaver"),
        "{item}"
    );
}

#[test]
fn acc07_a_member_only_through_the_primary_gid_cites_the_passwd_line() {
    let c = good_company();
    c.passwd(&format!("{PASSWD}ops:x:1010:27::/home/ops:/bin/bash\n"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-07"), "fail");
    let ev: Vec<String> = a
        .evidence("ACC-07")
        .into_iter()
        .filter(|e| e.contains("user:ops") && e.contains("\"line\""))
        .collect();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert!(ev[0].contains("/etc/passwd"), "{ev:?}");
    assert!(ev[0].contains("primary group sudo (gid 27)"), "{ev:?}");
    // A second `sudo` line with its own gid: the evidence names the gid the
    // account really has.
    c.passwd(&format!("{PASSWD}ops:x:1010:1027::/home/ops:/bin/bash\n"));
    c.group(&format!("{GROUP}sudo:x:1027:\n"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-07"), "fail");
    let ev = a.evidence("ACC-07").join("");
    assert!(ev.contains("primary group sudo (gid 1027)"), "{ev}");
}

#[test]
fn acc05_leaver_with_a_login_shell_or_group_membership_fails() {
    let c = good_company();
    edit(
        &c,
        "  - account: suzuki\n    roles: [handler]\n    status: active",
        "  - account: suzuki\n    roles: [handler]\n    status: left\n    exit_pledge_signed_on: 2026-03-31",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-05"), "fail");
    let ev = a.evidence("ACC-05").join("");
    assert!(
        ev.contains("/etc/passwd") && ev.contains("/etc/group"),
        "{ev}"
    );
}

#[test]
fn waivers_override_with_the_computed_result_kept_and_expire() {
    let c = good_company();
    std::fs::remove_file(c.path().join("records/disposal.csv")).unwrap();
    let waiver = "answers:\n  HDL-09:\n    status: pass\n    justification: 廃棄は外部業者の証明書で管理\n    expires_on: 2026-12-31\n";
    edit(&c, "answers:\n", waiver);
    let a = c.audit("2026-11-25", &[]);
    let i = a.item("HDL-09");
    assert_eq!(i["status"], "pass");
    assert_eq!(i["waived"], true);
    assert_eq!(i["computed_status"], "fail");
    assert!(i["computed_evidence"].is_array());
    // The day after expiry the waiver is ignored and the report says so.
    let a = c.audit("2027-01-01", &[]);
    let i = a.item("HDL-09");
    assert_eq!(i["status"], "fail");
    assert_eq!(i["waived"], false);
    assert!(
        i["reason"]
            .as_str()
            .unwrap()
            .contains("expired on 2026-12-31"),
        "{i}"
    );
    assert!(a.json()["warnings"].to_string().contains("HDL-09"));
    // In a Japanese report the warning is Japanese too.
    let a = c.audit("2027-01-01", &["--lang", "ja"]);
    let w = a.json()["warnings"].to_string();
    assert!(
        w.contains("HDL-09: 回答（例外承認）の期限 2026-12-31 が過ぎているため無視しました"),
        "{w}"
    );
}

#[test]
fn without_a_profile_records_and_manual_items_are_unanswered() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    let mut cmd = timaudit();
    cmd.current_dir(c.path())
        .args([
            "audit",
            "--date",
            "2026-11-25",
            "--format",
            "json",
            "--root",
        ])
        .arg(c.root());
    let a = run(cmd);
    assert!(a.code == 0 || a.code == 1, "{}", a.stderr);
    for id in ["ADM-01", "TRN-02", "STO-01", "ACC-07", "STO-02"] {
        assert_eq!(a.status(id), "unanswered", "{id}");
    }
}

#[test]
fn unreadable_accounts_make_account_items_error_not_pass() {
    let c = good_company();
    std::fs::remove_file(c.root().join("etc/group")).unwrap();
    let a = c.audit("2026-11-25", &[]);
    for id in ["ACC-01", "ACC-07", "TRN-02"] {
        assert_eq!(a.status(id), "error", "{id}: {}", a.item(id));
        assert!(
            a.item(id)["reason"]
                .as_str()
                .unwrap()
                .contains("/etc/group")
        );
    }
}

#[test]
fn an_absent_or_unreadable_passwd_or_group_makes_the_items_that_need_it_error() {
    use std::os::unix::fs::PermissionsExt;
    // sato has left: ACC-05 must look him up in both files.
    let profile = GOOD.replacen(
        "  - account: suzuki",
        "  - account: sato\n    status: left\n    left_on: 2026-03-31\n    exit_pledge_signed_on: 2026-03-31\n  - account: suzuki",
        1,
    );
    for file in ["/etc/passwd", "/etc/group"] {
        for how in ["absent", "unreadable"] {
            let c = good_company();
            c.profile(&profile);
            let p = c.root().join(file.trim_start_matches('/'));
            let a = if how == "absent" {
                std::fs::remove_file(&p).unwrap();
                c.audit("2026-11-25", &[])
            } else {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
                match c.audit_as_nobody("2026-11-25", &[]) {
                    Some(a) => a,
                    None => return,
                }
            };
            assert_eq!(a.code, 1, "{file} {how}: {}", a.stderr);
            for id in ["ACC-01", "ACC-05", "ACC-07", "TRN-02"] {
                let reason = a.item(id)["reason"].as_str().unwrap().to_string();
                assert_eq!(a.status(id), "error", "{file} {how}, {id}: {reason}");
                assert!(reason.contains(file), "{file} {how}, {id}: {reason}");
            }
        }
    }
}

#[test]
fn scores_per_criterion_and_overall() {
    let c = good_company();
    let a = c.audit("2026-11-25", &[]);
    let j = a.json();
    let adm = j["summary"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ADM")
        .unwrap()
        .clone();
    assert_eq!(adm["score"], 100.0);
    let sto = j["summary"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "STO")
        .unwrap()
        .clone();
    // STO-01..05 pass/pass/pass/pass/partial, STO-06 not yet decidable (error): 4.5 / 6.
    let expected = ((4.5f64 / 6.0) * 1000.0).round() / 10.0;
    if a.status("STO-06") == "error" {
        assert_eq!(sto["score"].as_f64().unwrap(), expected);
    }
    assert_eq!(
        j["summary"]["counts"]["pass"].as_u64().unwrap() as usize,
        j["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["status"] == "pass")
            .count()
    );
}

#[test]
fn csv_rosters_as_japanese_excel_saves_them_are_read() {
    // CP932, CRLF, and dates in Excel's default Japanese short format (2026/6/10).
    let c = good_company();
    let (people, _, _) = encoding_rs::SHIFT_JIS.encode(
        "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\r\n\
         tanaka,田中 一郎,administrator;handler;system-admin,active,2020/4/1,,2020/4/1,\r\n\
         suzuki,鈴木,handler,active,2026/11/1,,2026/11/1,\r\n",
    );
    c.write("people.csv", &people);
    let (training, _, _) = encoding_rs::SHIFT_JIS.encode(
        "date,account,title,topics\r\n\
         2026/6/10,tanaka,技術情報管理研修,handling;reporting;sanctions\r\n\
         2026/11/5,suzuki,新人研修,handling;reporting;sanctions\r\n",
    );
    c.write("training.csv", &training);
    let start = GOOD.find("people:\n").unwrap();
    let end = GOOD.find("administrator:\n").unwrap();
    c.profile(&format!(
        "{}people_file: people.csv\ntraining_file: training.csv\n{}",
        &GOOD[..start],
        &GOOD[end..]
    ));
    let a = c.audit("2026-11-25", &[]);
    assert_ne!(a.code, 2, "the profile must load:\n{}", a.stderr);
    for id in ["TRN-01", "TRN-02", "TRN-03", "TRN-04", "TRN-05", "ADM-01"] {
        assert_eq!(a.status(id), "pass", "{id}: {}", a.item(id));
    }
}

#[test]
fn nothing_to_check_is_said_plainly() {
    // No privileged account besides root, nobody who needs a pledge.
    let c = Company::new();
    c.passwd("root:x:0:0:root:/root:/bin/bash\n")
        .group("root:x:0:\nsudo:x:27:\n")
        .profile("version: 1\norganization:\n  name: 株式会社ゼロ\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-07"), "pass");
    assert_eq!(
        a.item("ACC-07")["reason"],
        "no account other than root has privileges (uid 0, or membership of sudo, wheel or admin)"
    );
    assert_eq!(a.status("TRN-04"), "pass");
    assert_eq!(
        a.item("TRN-04")["reason"],
        "no one needs a pledge (no active person with access, no leaver)"
    );
    // Only leavers: the sentence does not mention "0 active people".
    c.profile("version: 1\norganization:\n  name: 株式会社ゼロ\npeople:\n  - {account: old, status: left, exit_pledge_signed_on: 2025-01-01}\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(
        a.item("TRN-04")["reason"],
        "pledges are on file for the 1 leaver"
    );
}

#[test]
fn an_expired_answer_on_a_manual_item_is_unanswered_and_the_reason_does_not_deny_the_entry() {
    let c = good_company();
    edit(
        &c,
        "  ITS-12: {status: pass}\n  ITS-13: {status: not_applicable, note: クラウド未使用}\n",
        "  ITS-12: {status: pass, note: VPN, expires_on: 2028-02-28}\n  ITS-13: {status: pass, expires_on: 2028-02-29}\n",
    );
    let a = c.audit("2028-02-29", &[]);
    // Expiring on the audit date still counts; the day before does not.
    assert_eq!(a.status("ITS-13"), "pass");
    let i = a.item("ITS-12");
    assert_eq!(i["status"], "unanswered");
    let reason = i["reason"].as_str().unwrap();
    assert!(reason.contains("expired on 2028-02-28"), "{reason}");
    assert!(!reason.contains("has no entry"), "{reason}");
    let a = c.audit("2028-02-29", &["--lang", "ja"]);
    let reason = a.item("ITS-12")["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("期限が切れています"), "{reason}");
    assert!(!reason.contains("回答がありません"), "{reason}");
}

#[test]
fn an_unparsable_account_line_makes_acc07_and_acc05_error_not_a_silent_pass() {
    let c = good_company();
    assert_eq!(c.audit("2026-11-25", &[]).status("ACC-07"), "pass");
    // A uid 0 account missing its comment field: the line cannot be parsed, and
    // ACC-07 must not pass as if it were not there.
    c.passwd(&format!("{PASSWD}backdoor:x:0:0:/root:/bin/bash\n"));
    let a = c.audit("2026-11-25", &[]);
    let i = a.item("ACC-07");
    assert_eq!(i["status"], "error", "{i}");
    let ev = a.evidence("ACC-07").join("");
    assert!(
        ev.contains("/etc/passwd") && ev.contains("backdoor:x:0:0") && ev.contains("\"line\":5"),
        "{ev}"
    );
    // A leaver on a line of /etc/group that cannot be parsed: ACC-05 cannot pass.
    edit(
        &c,
        "  - account: suzuki\n    roles: [handler]\n    status: active",
        "  - account: suzuki\n    roles: [handler]\n    status: left\n    exit_pledge_signed_on: 2026-03-31",
    );
    c.passwd(&PASSWD.replace(
        "suzuki:x:1002:1002::/home/suzuki:/bin/bash",
        "suzuki:x:1002:1002::/home/suzuki:/usr/sbin/nologin",
    ));
    let group = GROUP.replace("design:x:2001:tanaka,suzuki", "design:x:2001:tanaka");
    c.group(&format!("{group}wheel:x:ten:suzuki\n"));
    let a = c.audit("2026-11-25", &["--no-hash"]);
    let i = a.item("ACC-05");
    assert_eq!(i["status"], "error", "{i}");
    assert!(a.evidence("ACC-05").join("").contains("wheel:x:ten:suzuki"));
    // The same bad line naming no leaver does not stop ACC-05 from passing.
    c.group(&format!("{group}wheel:x:ten:tanaka\n"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-05"), "pass", "{}", a.item("ACC-05"));
}

#[test]
fn an_unparsable_line_of_an_authorized_group_keeps_training_items_from_passing() {
    let c = good_company();
    c.passwd(&format!("{PASSWD}sato:x:1003:1003::/home/sato:/bin/bash\n"));
    c.group(&GROUP.replace(
        "design:x:2001:tanaka,suzuki",
        "design:x:2OO1:tanaka,suzuki,sato",
    ));
    let a = c.audit("2026-11-25", &[]);
    for id in ["TRN-02", "TRN-03", "TRN-04"] {
        let i = a.item(id);
        assert_eq!(i["status"], "error", "{id}: {i}");
        assert!(
            a.evidence(id).join("").contains("design:x:2OO1"),
            "{id}: {i}"
        );
    }
    // A bad line for a group no asset names changes nothing.
    c.group(&format!("{GROUP}video:x:4O:tanaka\n"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-02"), "pass");
}

#[test]
fn training_topics_ignore_ascii_case_and_an_unknown_topic_is_warned_about() {
    let c = good_company();
    edit(
        &c,
        "    topics: [handling, reporting, sanctions]",
        "    topics: [Handling, REPORTING, Sanctions]",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-01"), "pass", "{}", a.item("TRN-01"));
    assert!(!a.stderr.contains("topic"), "{}", a.stderr);
    edit(
        &c,
        "    topics: [handling, reporting, sanctions]",
        "    topics: [handling, reporting, sanction]",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-01"), "partial");
    assert!(
        a.stderr.contains(
            "training: topic `sanction` has no meaning to timaudit (did you mean `sanctions`?)"
        ),
        "{}",
        a.stderr
    );
    // The same for a roster kept in a spreadsheet.
    c.write(
        "training.csv",
        "date,account,title,topics\n2026-06-10,tanaka,研修,Handling;Reporting;Sanctions\n2026-06-10,suzuki,研修,Handling;Reporting;Sanctions\n",
    );
    edit(
        &c,
        "training:\n  - date: 2026-06-10\n    title: 技術情報管理研修\n    topics: [handling, reporting, sanctions]\n    attendees: [tanaka, suzuki]\n",
        "training_file: training.csv\n",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("TRN-01"), "pass", "{}", a.item("TRN-01"));
    assert_eq!(a.status("TRN-02"), "pass", "{}", a.item("TRN-02"));
}

#[test]
fn acc07_a_second_sudo_line_in_etc_group_cannot_hide_a_member() {
    let c = good_company();
    // glibc's membership lookup reads every line of the name, so `suzuki`
    // gets sudo from the second line; the report must cite that line.
    c.group(&format!("{GROUP}sudo:x:27:suzuki\n"));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ACC-07"), "fail", "{}", a.item("ACC-07"));
    let ev: Vec<String> = a
        .evidence("ACC-07")
        .into_iter()
        .filter(|e| e.contains("user:suzuki") && e.contains("\"line\""))
        .collect();
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert!(
        ev[0].contains("/etc/group")
            && ev[0].contains("\"line\":6")
            && ev[0].contains("sudo:x:27:suzuki"),
        "{ev:?}"
    );
}

#[test]
fn a_japanese_excel_roster_with_era_dates_and_without_optional_columns_is_read() {
    // Japanese headers, no 退社日 / 退職時誓約書提出日 columns, 和暦 and Excel dates.
    let c = good_company();
    let (people, _, _) = encoding_rs::SHIFT_JIS.encode(
        "氏名,アカウント,役割,状態,入社日,誓約書提出日\r\n\
         田中 一郎,tanaka,administrator;handler;system-admin,在籍,R2.4.1,令和2年4月1日\r\n\
         鈴木,suzuki,handler,在籍,2026-11-1,2026/11/1\r\n",
    );
    c.write("people.csv", &people);
    let (training, _, _) = encoding_rs::SHIFT_JIS.encode(
        "日付,アカウント,研修名,内容\r\n\
         令和8年6月10日,tanaka,技術情報管理研修,handling;reporting;sanctions\r\n\
         R8.11.5,suzuki,新人研修,handling;reporting;sanctions;kaizen\r\n\
         R8.11.5,yamada,新人研修,handling\r\n",
    );
    c.write("training.csv", &training);
    let start = GOOD.find("people:\n").unwrap();
    let end = GOOD.find("administrator:\n").unwrap();
    c.profile(&format!(
        "{}people_file: people.csv\ntraining_file: training.csv\n{}",
        &GOOD[..start],
        &GOOD[end..]
    ));
    let a = c.audit("2026-11-25", &["--lang", "en"]);
    assert_ne!(a.code, 2, "the profile must load:\n{}", a.stderr);
    for id in ["TRN-01", "TRN-02", "TRN-03", "TRN-04", "TRN-05", "ADM-01"] {
        assert_eq!(a.status(id), "pass", "{id}: {}", a.item(id));
    }
    // The era date is shown converted.
    assert!(
        a.item("TRN-01").to_string().contains("2026-06-10"),
        "{}",
        a.item("TRN-01")
    );
    // Warnings point at the CSV's own line and column.
    let t = c.path().join("training.csv").display().to_string();
    for w in [
        format!("warning: {t}:3:21: training: topic `kaizen` has no meaning to timaudit"),
        format!("warning: {t}:4:9: training: attendee `yamada` is not in the people roster"),
    ] {
        assert!(a.stderr.contains(&w), "{w}\n{}", a.stderr);
    }
}

// ---- ADM-06, ADM-07, HDL-11 (checklist v2) -------------------------------------

#[test]
fn adm06_incident_procedure_pass_partial_when_stale_or_undated_fail_when_absent() {
    let c = good_company();
    // Reviewed 2026-02-10; the interval is 365 days: 2027-02-10 is the last day.
    let a = c.audit("2027-02-10", &[]);
    assert_eq!(a.status("ADM-06"), "pass", "{}", a.item("ADM-06"));
    let ev = a.evidence("ADM-06").join("\n");
    assert!(
        ev.contains("docs/incident.pdf") && ev.contains("\"sha256\""),
        "{ev}"
    );
    let a = c.audit("2027-02-11", &[]);
    assert_eq!(a.status("ADM-06"), "partial", "{}", a.item("ADM-06"));
    let reason = a.item("ADM-06")["reason"].as_str().unwrap().to_string();
    assert!(
        reason.contains("2026-02-10") && reason.contains("365 days"),
        "{reason}"
    );
    // No date of review or rehearsal: the procedure exists but is not shown kept up.
    edit(&c, "    reviewed_on: 2026-02-10\n", "");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-06"), "partial");
    assert!(
        a.item("ADM-06")["reason"]
            .as_str()
            .unwrap()
            .contains("reviewed_on")
    );
    // A review dated after the audit date does not show it was reviewed by then.
    edit(
        &c,
        "    reviewed_on: 2026-02-10",
        "    reviewed_on: 2027-01-05",
    );
    assert_eq!(c.audit("2026-11-25", &[]).status("ADM-06"), "partial");
    // The procedure file is gone: fail, naming the file.
    edit(
        &c,
        "    path: docs/incident.pdf",
        "    path: docs/no-such-procedure.pdf",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-06"), "fail");
    assert!(a.evidence("ADM-06").join("").contains("file not found"));
    // No entry at all: fail, never "not applicable".
    edit(
        &c,
        "  - kind: incident-procedure\n    path: docs/incident.pdf\n    reviewed_on: 2026-02-10\n",
        "",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-06"), "fail");
    assert!(
        a.item("ADM-06")["reason"]
            .as_str()
            .unwrap()
            .contains("incident-procedure")
    );
}

#[test]
fn adm07_internal_audit_within_the_interval_passes_older_or_absent_fails() {
    let c = good_company();
    let a = c.audit("2027-03-15", &[]);
    assert_eq!(a.status("ADM-07"), "pass", "{}", a.item("ADM-07"));
    assert!(
        a.evidence("ADM-07")
            .join("")
            .contains("docs/internal-audit.pdf")
    );
    assert_eq!(c.audit("2027-03-16", &[]).status("ADM-07"), "fail");
    // A management review (ADM-04) is not an internal audit.
    edit(
        &c,
        "  - kind: internal-audit\n    date: 2026-03-15\n    document: docs/internal-audit.pdf\n",
        "",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("ADM-04"), "pass");
    assert_eq!(a.status("ADM-07"), "fail");
    assert!(
        a.item("ADM-07")["reason"]
            .as_str()
            .unwrap()
            .contains("internal-audit")
    );
}

#[test]
fn hdl11_media_register_pass_partial_when_stale_fail_when_absent() {
    let c = good_company();
    let a = c.audit("2027-09-03", &[]);
    assert_eq!(a.status("HDL-11"), "pass", "{}", a.item("HDL-11"));
    assert!(a.evidence("HDL-11").join("").contains("records/media.csv"));
    let a = c.audit("2027-09-04", &[]);
    assert_eq!(a.status("HDL-11"), "partial");
    assert!(
        a.item("HDL-11")["reason"]
            .as_str()
            .unwrap()
            .contains("2026-09-03")
    );
    edit(&c, "    updated_on: 2026-09-03\n", "");
    assert_eq!(c.audit("2026-11-25", &[]).status("HDL-11"), "partial");
    std::fs::remove_file(c.path().join("records/media.csv")).unwrap();
    assert_eq!(c.audit("2026-11-25", &[]).status("HDL-11"), "fail");
    edit(
        &c,
        "  - kind: media\n    path: records/media.csv\n    updated_on: 2026-09-03\n",
        "",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("HDL-11"), "fail");
    assert!(
        a.item("HDL-11")["reason"]
            .as_str()
            .unwrap()
            .contains("kind media")
    );
}

#[test]
fn unreadable_v2_records_are_errors_with_the_reason() {
    let c = good_company();
    for f in [
        "docs/incident.pdf",
        "docs/internal-audit.pdf",
        "records/media.csv",
    ] {
        let p = c.path().join(f);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    for d in ["docs", "records"] {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(c.path().join(d), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let Some(a) = c.audit_as_nobody("2026-11-25", &[]) else {
        return;
    };
    for id in ["ADM-06", "ADM-07", "HDL-11"] {
        assert_eq!(a.status(id), "error", "{id}: {}", a.item(id));
        let reason = a.item(id)["reason"].as_str().unwrap().to_string();
        assert!(reason.contains("permission denied"), "{id}: {reason}");
    }
}

#[test]
fn broken_v2_record_entries_are_reported_where_they_are_written() {
    let c = good_company();
    edit(
        &c,
        "    updated_on: 2026-09-03",
        "    updated_on: 2026-13-03",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    let line = GOOD
        .lines()
        .position(|l| l.contains("updated_on: 2026-09-03"))
        .unwrap()
        + 1;
    assert!(
        a.stderr
            .lines()
            .any(|l| l.contains(&format!("timaudit.yaml:{line}:")) && l.contains("updated_on")),
        "{}",
        a.stderr
    );
    // A date on a kind that never reads it is a positioned warning, and the
    // record still counts for its own item.
    let c = good_company();
    edit(
        &c,
        "  - kind: take-out\n    path: records/takeout.csv\n",
        "  - kind: take-out\n    path: records/takeout.csv\n    reviewed_on: 2026-01-01\n",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_ne!(a.code, 2, "{}", a.stderr);
    let line = GOOD
        .lines()
        .position(|l| l.contains("path: records/takeout.csv"))
        .unwrap()
        + 2;
    assert!(
        a.stderr
            .lines()
            .any(|l| l.contains(&format!("timaudit.yaml:{line}:5"))
                && l.contains("only read for kind incident-procedure")),
        "{}",
        a.stderr
    );
    assert_eq!(a.status("HDL-08"), "pass");
    // An unknown kind names the new ones among those it accepts.
    let c = good_company();
    edit(&c, "  - kind: media", "  - kind: medias");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2);
    assert!(a.stderr.contains("incident-procedure"), "{}", a.stderr);
}

#[test]
fn a_review_whose_named_record_is_missing_is_partial_and_names_the_path() {
    let c = good_company();
    // Each review names a record file that is not there.
    c.profile(
        &GOOD
            .replacen(
                "  - kind: access\n    date: 2026-10-01\n",
                "  - kind: access\n    date: 2026-10-01\n    document: docs/access-review.pdf\n",
                1,
            )
            .replacen(
                "  - kind: management\n    date: 2026-10-01\n",
                "  - kind: management\n    date: 2026-10-01\n    document: docs/management-review.pdf\n",
                1,
            ),
    );
    std::fs::remove_file(c.path().join("docs/internal-audit.pdf")).unwrap();
    let a = c.audit("2026-11-25", &[]);
    for (id, doc, date) in [
        ("ADM-04", "docs/management-review.pdf", "2026-10-01"),
        ("ADM-07", "docs/internal-audit.pdf", "2026-03-15"),
        ("ACC-06", "docs/access-review.pdf", "2026-10-01"),
    ] {
        assert_eq!(a.status(id), "partial", "{id}: {}", a.item(id));
        let reason = a.item(id)["reason"].as_str().unwrap().to_string();
        assert!(reason.contains(doc), "{id}: {reason}");
        assert!(reason.contains(date), "{id}: {reason}");
        assert!(reason.contains("not found"), "{id}: {reason}");
        let ev = a.evidence(id).join("\n");
        assert!(ev.contains(doc), "{id}: {ev}");
    }
    // With the records written, the same reviews pass.
    c.write("docs/access-review.pdf", "access review");
    c.write("docs/management-review.pdf", "management review");
    c.write("docs/internal-audit.pdf", "internal audit report");
    let a = c.audit("2026-11-25", &[]);
    for id in ["ADM-04", "ADM-07", "ACC-06"] {
        assert_eq!(a.status(id), "pass", "{id}: {}", a.item(id));
    }
    // A folder where the record should be is not a record either.
    std::fs::remove_file(c.path().join("docs/access-review.pdf")).unwrap();
    std::fs::create_dir(c.path().join("docs/access-review.pdf")).unwrap();
    assert_eq!(c.audit("2026-11-25", &[]).status("ACC-06"), "partial");
    // Older than the interval, a missing record does not soften the fail.
    assert_eq!(c.audit("2027-10-02", &[]).status("ADM-04"), "fail");
}
