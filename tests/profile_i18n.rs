//! Profile diagnostics follow the run's language (`--lang`, else `LANG`), even
//! though the profile they are about is broken: the `FILE:LINE:COLUMN: ` prefix
//! stays the same, only the message text changes.

mod common;
use common::*;

const BROKEN: &str = "version: 1
organization:
  name: テスト株式会社
  nmae: typo
assets:
  - id: T-001
    paths: [\"/srv/share/a/**\"]
    authorized: [\"design\"]
  - id: T-001
people_file: people.csv
answers:
  XYZ-99:
    status: pass
  ITS-07:
    status: pass
thresholds:
  log_retention_days: a year
";

const PEOPLE: &str =
    "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on
tanaka,田中,handler,active,2025-13-01,,,
suzuki,鈴木,handler,gone,,,,
";

fn broken_company() -> Company {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(BROKEN);
    c.write("people.csv", PEOPLE);
    c
}

/// `timaudit audit` on the company with `LANG` and extra arguments.
fn audit(c: &Company, lang_env: &str, extra: &[&str]) -> Audit {
    let mut cmd = timaudit();
    cmd.arg("audit")
        .arg("--profile")
        .arg(c.profile_path())
        .arg("--root")
        .arg(c.root())
        .arg("--date")
        .arg("2026-11-25")
        .args(extra)
        .env("LANG", lang_env);
    run(cmd)
}

/// (file, line, column, Japanese, English) for every mistake of [`BROKEN`].
fn expected(c: &Company) -> Vec<(String, usize, usize, &'static str, &'static str)> {
    let f = c.profile_path().display().to_string();
    let p = c.path().join("people.csv").display().to_string();
    vec![
        (
            f.clone(),
            4,
            3,
            "organization: 不明なキー `nmae` です。`name` の書き間違いではありませんか？",
            "organization: unknown key `nmae`; did you mean `name`?",
        ),
        (
            f.clone(),
            8,
            18,
            "assets[T-001].authorized: `design` は `user:名前` か `group:名前` の形で書いてください",
            "assets[T-001].authorized: `design` must be written `user:NAME` or `group:NAME`",
        ),
        (
            f.clone(),
            9,
            9,
            "assets: 資産ID `T-001` が重複しています（最初は 6 行目）",
            "assets: duplicate asset id `T-001` (first defined on line 6)",
        ),
        (
            f.clone(),
            12,
            3,
            "answers: チェックリストに項目 `XYZ-99` はありません。",
            "answers: unknown checklist item `XYZ-99`",
        ),
        (
            f.clone(),
            14,
            3,
            "answers.ITS-07: ITS-07 は自動で判定する項目です（auto）。ここに回答を書くと判定を上書きする例外扱いになるため、`justification`（理由）が必要です",
            "answers.ITS-07: ITS-07 is decided automatically (auto); an answer on it is a waiver and needs a `justification`",
        ),
        (
            f.clone(),
            17,
            23,
            "thresholds.log_retention_days: 0 以上の整数を書いてください（書かれている値: `a year`）",
            "thresholds.log_retention_days: expected a whole number ≥ 0, found `a year`",
        ),
        (
            p.clone(),
            2,
            26,
            "joined_on: 日付 `2025-13-01` は存在しない日付です（月と日を確かめてください）",
            "joined_on: `2025-13-01` is not a valid calendar date",
        ),
        (
            p.clone(),
            3,
            19,
            "status: `gone` は status に使えません（`active`（在籍）か `left`（退職）を書いてください）",
            "status: `gone` is not a status (expected active or left)",
        ),
    ]
}

/// The diagnostic lines of stderr (those starting with a file name).
fn diagnostic_lines<'a>(a: &'a Audit, c: &Company) -> Vec<&'a str> {
    let dir = c.path().display().to_string();
    a.stderr.lines().filter(|l| l.starts_with(&dir)).collect()
}

#[test]
fn lang_ja_prints_every_profile_problem_in_japanese_with_its_position() {
    let c = broken_company();
    let a = audit(&c, "C", &["--lang", "ja"]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    assert!(a.stdout.is_empty(), "nothing may be reported: {}", a.stdout);
    let want = expected(&c);
    for (f, line, col, ja, _) in &want {
        let l = format!("{f}:{line}:{col}: {ja}");
        assert!(
            a.stderr.lines().any(|x| x == l),
            "missing `{l}` in:\n{}",
            a.stderr
        );
    }
    assert_eq!(diagnostic_lines(&a, &c).len(), want.len(), "{}", a.stderr);
    for english in [
        "unknown key",
        "is not a valid calendar date",
        "must be written",
    ] {
        assert!(!a.stderr.contains(english), "{english}:\n{}", a.stderr);
    }
    assert!(
        a.stderr.lines().last().unwrap().starts_with(
            "timaudit: エラー: プロファイルに 8 件の問題があるため、監査を行いませんでした"
        ),
        "{}",
        a.stderr
    );
}

#[test]
fn lang_en_prints_them_in_english_even_when_lang_says_japanese() {
    let c = broken_company();
    let a = audit(&c, "ja_JP.UTF-8", &["--lang", "en"]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    let want = expected(&c);
    for (f, line, col, _, en) in &want {
        let l = format!("{f}:{line}:{col}: {en}");
        assert!(
            a.stderr.lines().any(|x| x == l),
            "missing `{l}` in:\n{}",
            a.stderr
        );
    }
    assert_eq!(diagnostic_lines(&a, &c).len(), want.len(), "{}", a.stderr);
    assert!(!a.stderr.contains("不明なキー"), "{}", a.stderr);
    assert!(
        a.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("timaudit: error: the profile has 8 problems; nothing was audited"),
        "{}",
        a.stderr
    );
}

#[test]
fn lang_from_the_environment_applies_when_the_profile_cannot_even_be_parsed() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.profile("organization:\n  name: [unclosed\n");
    let f = c.profile_path().display().to_string();
    let a = audit(&c, "ja_JP.UTF-8", &[]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    let line = a
        .stderr
        .lines()
        .find(|l| l.starts_with(&format!("{f}:")))
        .unwrap_or_else(|| panic!("no FILE:LINE:COLUMN line:\n{}", a.stderr));
    assert!(
        line.contains(": YAML の書き方に誤りがあります"),
        "{}",
        a.stderr
    );
    assert!(a.stderr.contains("timaudit: エラー: "), "{}", a.stderr);

    // Not UTF-8, and missing: Japanese too.
    c.write("timaudit.yaml", b"organization:\n  name: \xff\n");
    let a = audit(&c, "ja_JP.UTF-8", &[]);
    assert_eq!(a.code, 2);
    assert!(
        a.stderr.contains(&format!(
            "{f}:2:9: プロファイルの文字コードが UTF-8 ではありません"
        )),
        "{}",
        a.stderr
    );
    let mut cmd = timaudit();
    cmd.args(["audit", "--lang", "ja", "--profile"])
        .arg(c.path().join("none.yaml"))
        .arg("--root")
        .arg(c.root());
    let a = run(cmd);
    assert_eq!(a.code, 2);
    assert!(
        a.stderr
            .contains("none.yaml:1:1: プロファイルを読めません: ファイルがありません"),
        "{}",
        a.stderr
    );
}

#[test]
fn profile_warnings_are_in_the_run_language_on_stderr_and_in_the_report() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(
        "version: 1
organization:
  name: テスト株式会社
people:
  - {account: tanaka, roles: [handler], status: active}
  - {account: sato, roles: [manager], status: active}
",
    );
    let f = c.profile_path().display().to_string();
    let a = audit(&c, "C", &["--lang", "ja", "--format", "json"]);
    assert_ne!(a.code, 2, "stderr:\n{}", a.stderr);
    let want = format!(
        "注意: {f}:6:5: people[sato]: 役割 `manager` は timaudit では使われません（使える役割: administrator, handler, system-admin）"
    );
    assert!(a.stderr.lines().any(|l| l == want), "{want}\n{}", a.stderr);
    assert!(
        a.stdout.contains("people[sato]: 役割 `manager`"),
        "the report's warnings are in Japanese too"
    );

    let a = audit(&c, "ja_JP.UTF-8", &["--lang", "en", "--format", "json"]);
    let want = format!(
        "warning: {f}:6:5: people[sato]: role `manager` has no meaning to timaudit (the roles it knows: administrator, handler, system-admin)"
    );
    assert!(a.stderr.lines().any(|l| l == want), "{want}\n{}", a.stderr);
}

#[test]
fn an_unknown_host_name_reads_fumei_in_japanese_reports_but_stays_unknown_in_json() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.profile("organization: {name: テスト株式会社}\n");
    assert!(!c.root().join("etc/hostname").exists());
    let a = audit(&c, "C", &["--lang", "ja", "--format", "md"]);
    assert_ne!(a.code, 2, "stderr:\n{}", a.stderr);
    let hosts = a
        .stdout
        .lines()
        .find(|l| l.starts_with("- 対象ホスト: "))
        .unwrap_or_else(|| panic!("no host line:\n{}", a.stdout));
    assert!(hosts.starts_with("- 対象ホスト: 不明 (linux, "), "{hosts}");

    let a = audit(&c, "C", &["--lang", "en", "--format", "md"]);
    assert!(
        a.stdout
            .lines()
            .any(|l| l.starts_with("- Hosts: unknown (linux, ")),
        "{}",
        a.stdout
    );

    let a = audit(&c, "ja_JP.UTF-8", &["--format", "json"]);
    assert_eq!(a.json()["hosts"][0]["name"], "unknown");

    // A real name is shown as it is.
    c.host_file("/etc/hostname", "fileserver01\n");
    let a = audit(&c, "C", &["--lang", "ja", "--format", "md"]);
    assert!(
        a.stdout
            .lines()
            .any(|l| l.starts_with("- 対象ホスト: fileserver01 (linux, ")),
        "{}",
        a.stdout
    );
}
