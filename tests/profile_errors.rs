//! A broken profile stops the run: exit code 2 and every problem listed as
//! FILE:LINE:COLUMN: message, before anything is audited.

mod common;
use common::*;

const BROKEN: &str = "version: 1
organization:
  name: テスト株式会社
  nmae: typo
scope:
  shares: /srv/share
assets:
  - id: T-001
    name: 図面
    classification: 極秘
    paths: [\"/srv/share/a/**\"]
    authorized: [\"group:design\", \"design\"]
    handlers: [tanaka]
  - id: T-001
    name: 別の図面
people:
  - account: tanaka
    joined_on: 2020-13-01
    status: active
training:
  - date: 2025/16/10
    title: 研修
answers:
  XYZ-99:
    status: pass
  ITS-07:
    status: pass
  STO-01:
    status: maybe
thresholds:
  log_retention_days: a year
";

#[test]
fn every_mistake_is_named_with_file_line_and_column() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(BROKEN);
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    assert!(a.stdout.is_empty(), "nothing may be reported: {}", a.stdout);
    let f = c.profile_path().display().to_string();
    let expect = [
        (4, 3, "unknown key `nmae`; did you mean `name`?"),
        (6, 11, "expected a list"),
        (
            12,
            34,
            "`design` must be written `user:NAME` or `group:NAME`",
        ),
        (
            14,
            9,
            "duplicate asset id `T-001` (first defined on line 8)",
        ),
        (18, 16, "`2020-13-01` is not a valid calendar date"),
        (21, 11, "`2025/16/10` is not a valid calendar date"),
        (24, 3, "unknown checklist item `XYZ-99`"),
        (
            26,
            3,
            "ITS-07 is decided automatically (auto); an answer on it is a waiver and needs a `justification`",
        ),
        (29, 13, "`maybe` is not an answer status"),
        (31, 23, "expected a whole number"),
    ];
    for (line, col, msg) in expect {
        let prefix = format!("{f}:{line}:{col}: ");
        assert!(
            a.stderr
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(msg)),
            "missing `{prefix}…{msg}` in:\n{}",
            a.stderr
        );
    }
    // Every error line has the FILE:LINE:COLUMN: shape.
    let errors: Vec<&str> = a.stderr.lines().filter(|l| l.starts_with(&f)).collect();
    assert_eq!(errors.len(), expect.len(), "{}", a.stderr);
    assert!(a.stderr.contains("nothing was audited"));
}

#[test]
fn csv_rosters_report_missing_columns_and_bad_rows_with_their_own_positions() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.write(
        "people.csv",
        "account,name,roles,status,joined_on\ntanaka,田中,handler,active,2020-04-01\n",
    );
    c.write(
        "training.csv",
        "date,account,title,topics\n2025-06-10,tanaka,研修,handling\n2025-02-30,suzuki,研修,handling\n",
    );
    c.profile("organization: {name: X}\npeople_file: people.csv\ntraining_file: training.csv\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    let people = c.path().join("people.csv").display().to_string();
    let training = c.path().join("training.csv").display().to_string();
    assert!(
        a.stderr
            .contains(&format!("{people}:1:1: missing column `pledge_signed_on`")),
        "{}",
        a.stderr
    );
    // Columns that may be absent (nobody has left yet) are not asked for.
    assert!(!a.stderr.contains("`left_on`"), "{}", a.stderr);
    assert!(
        !a.stderr.contains("`exit_pledge_signed_on`"),
        "{}",
        a.stderr
    );
    assert!(
        a.stderr.contains(&format!(
            "{training}:3:1: date: `2025-02-30` is not a valid calendar date"
        )),
        "{}",
        a.stderr
    );
}

#[test]
fn csv_rows_saved_by_excel_with_crlf_are_named_by_their_own_line() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    let (people, _, _) = encoding_rs::SHIFT_JIS.encode(
        "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\r\n\
         tanaka,田中,handler,active,2020-04-01,,2020-04-01,\r\n\
         suzuki,鈴木,handler,active,2020-13-01,,2020-04-01,\r\n",
    );
    c.write("people.csv", &people);
    c.write(
        "training.csv",
        "\u{feff}date,account,title,topics\r\n2025-06-10,tanaka,研修,handling\r\n2025-02-30,suzuki,研修,handling\r\n",
    );
    c.profile("organization: {name: X}\npeople_file: people.csv\ntraining_file: training.csv\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    let people = c.path().join("people.csv").display().to_string();
    let training = c.path().join("training.csv").display().to_string();
    assert!(
        a.stderr.contains(&format!(
            "{people}:3:26: joined_on: `2020-13-01` is not a valid calendar date"
        )),
        "{}",
        a.stderr
    );
    assert!(
        a.stderr.contains(&format!(
            "{training}:3:1: date: `2025-02-30` is not a valid calendar date"
        )),
        "{}",
        a.stderr
    );
}

#[test]
fn a_missing_csv_file_is_an_error_at_the_key_that_names_it() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.profile("organization:\n  name: X\npeople_file: nowhere.csv\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2);
    let f = c.profile_path().display().to_string();
    assert!(
        a.stderr
            .contains(&format!("{f}:3:14: people_file: cannot read")),
        "{}",
        a.stderr
    );
}

#[test]
fn yaml_syntax_errors_and_empty_profiles_stop_the_run() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.profile("organization:\n  name: [unclosed\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2);
    assert!(a.stderr.contains("YAML syntax error"), "{}", a.stderr);
    c.profile("");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2);
    assert!(a.stderr.contains("the profile is empty"), "{}", a.stderr);
}

#[test]
fn a_missing_document_is_not_a_profile_error() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.profile("organization: {name: X}\ndocuments:\n  - id: rules\n    path: docs/none.pdf\n    revised_on: 2026-01-01\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 1, "{}", a.stderr);
    assert_eq!(a.status("ADM-02"), "fail");
    assert!(
        a.item("ADM-02")["reason"]
            .as_str()
            .unwrap()
            .contains("docs/none.pdf")
    );
}

#[test]
fn a_duplicate_account_or_unknown_role_is_named_where_that_person_is() {
    let c = Company::new();
    let people = "version: 1
organization:
  name: テスト株式会社
people:
  - {account: tanaka, roles: [handler], status: active}
  - {account: suzuki, roles: [handlr], status: active}
  - {account: sato, roles: [manager], status: active}
";
    c.passwd(PASSWD).group(GROUP).profile(people);
    let a = c.audit("2026-11-25", &[]);
    let f = c.profile_path().display().to_string();
    assert!(
        a.stderr.contains(&format!(
            "{f}:6:5: people[suzuki]: role `handlr` has no meaning to timaudit (did you mean `handler`?)"
        )),
        "{}",
        a.stderr
    );
    assert!(
        a.stderr.contains(
            "people[sato]: role `manager` has no meaning to timaudit (the roles it knows: administrator, handler, system-admin)"
        ),
        "{}",
        a.stderr
    );
    c.profile(&format!(
        "{people}  - {{account: tanaka, roles: [handler], status: active}}\n"
    ));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    assert!(
        a.stderr.contains(&format!(
            "{f}:8:5: people: account `tanaka` is listed twice (first on line 5)"
        )),
        "{}",
        a.stderr
    );

    // The same in a people_file: the CSV line of the second entry.
    c.write(
        "people.csv",
        "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\n\
         tanaka,田中,handler,active,,,,\n\
         suzuki,鈴木,handler,active,,,,\n\
         tanaka,田中,handler,active,,,,\n",
    );
    c.profile("version: 1\norganization:\n  name: テスト株式会社\npeople_file: people.csv\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    assert!(
        a.stderr
            .contains("people.csv:4:1: people: account `tanaka` is listed twice (first on line 2)"),
        "{}",
        a.stderr
    );
}

#[test]
fn a_day_threshold_beyond_a_century_is_a_profile_error_not_a_crash() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.write("docs/rules.pdf", "rules");
    // review_interval_days × 3 overflowed and the run panicked (exit 101).
    c.profile(
        "version: 1
organization:
  name: テスト株式会社
documents:
  - id: rules
    path: docs/rules.pdf
    revised_on: 2025-01-10
thresholds:
  review_interval_days: 18446744073709551615
  training_interval_days: 36501
  log_retention_days: 36500
",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    let f = c.profile_path().display().to_string();
    for (line, col, key) in [
        (9, 25, "review_interval_days"),
        (10, 27, "training_interval_days"),
    ] {
        let want = format!("{f}:{line}:{col}: thresholds.{key}: ");
        assert!(
            a.stderr
                .lines()
                .any(|l| l.starts_with(&want) && l.contains("more than 36500")),
            "{want}\n{}",
            a.stderr
        );
    }
    assert!(!a.stderr.contains("log_retention_days"), "{}", a.stderr);
}
