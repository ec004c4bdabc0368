//! The report as a submission document: who answered each manual item and when,
//! who approved a waiver, a control met by an alternative measure (代替措置で適合)
//! shown apart from pass and from a waiver, the approval block and the scope of
//! the audit — in report.json, the table, Markdown, CSV and `--fail-on`.

mod common;
use common::*;

const PROFILE: &str = "version: 1
organization:
  name: 株式会社テスト
scope:
  shares: [/srv/share]
people:
  - account: tanaka
    name: 田中 一郎
    roles: [administrator]
    status: active
    joined_on: 2020-04-01
    pledge_signed_on: 2020-04-01
administrator:
  account: tanaka
  appointed_on: 2024-04-01
approval:
  prepared_by: 情報システム課 佐藤
  prepared_on: 2026-11-25
answers:
  ITS-07:
    status: alternative
    note: 境界のUTMでIPSを運用
    evidence: [docs/utm-contract.pdf]
    answered_by: 佐藤
    answered_on: 2026-11-20
    approved_by: 田中 一郎
  ITS-12: {status: pass, note: VPN のみ, answered_by: 佐藤, answered_on: 2026-11-21}
  ITS-13: {status: alternative, note: クラウドは契約で暗号化, evidence: [docs/cloud.pdf]}
  ITS-05:
    status: pass
    justification: ログは外部の SIEM に 2 年保存
    approved_by: 田中 一郎
    expires_on: 2027-03-31
";

/// The audit in one text format and language (`Company::audit` gives JSON).
fn text(c: &Company, format: &str, lang: &str, extra: &[&str]) -> String {
    let mut cmd = timaudit();
    cmd.arg("audit")
        .arg("--profile")
        .arg(c.profile_path())
        .arg("--root")
        .arg(c.root())
        .args(["--date", "2026-11-25", "--format", format, "--lang", lang])
        .args(extra);
    let a = run(cmd);
    assert!(matches!(a.code, 0 | 1), "stderr:\n{}", a.stderr);
    a.stdout
}

fn company(profile: &str) -> Company {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    c.write("docs/utm-contract.pdf", "UTM IPS contract");
    c.write("docs/cloud.pdf", "cloud contract");
    std::fs::create_dir_all(c.root().join("srv/share")).unwrap();
    std::fs::create_dir_all(c.root().join("home/cad")).unwrap();
    c.profile(profile);
    c
}

#[test]
fn an_alternative_measure_scores_like_pass_but_is_shown_as_itself() {
    let c = company(PROFILE);
    let a = c.audit("2026-11-25", &[]);
    assert!(matches!(a.code, 0 | 1), "stderr:\n{}", a.stderr);
    let its07 = a.item("ITS-07");
    assert_eq!(its07["status"], "alternative");
    // Not a waiver: the requirement was met, not exempted.
    assert_eq!(its07["waived"], false);
    // The computed result stays beside it for the reader.
    assert!(its07["computed_status"].is_string(), "{its07}");
    assert!(
        a.evidence("ITS-07")
            .iter()
            .any(|e| e.contains("docs/utm-contract.pdf") && e.contains("sha256")),
        "{:?}",
        a.evidence("ITS-07")
    );
    assert_eq!(a.status("ITS-13"), "alternative");
    // A waiver stays a waiver.
    assert_eq!(a.item("ITS-05")["waived"], true);

    // It counts like pass: the same profile with `pass` scores the same.
    let j = a.json();
    assert_eq!(j["summary"]["counts"]["alternative"], 2);
    let passed = company(
        &PROFILE
            .replace(
                "  ITS-07:\n    status: alternative",
                "  ITS-07:\n    status: pass\n    justification: UTM",
            )
            .replace("ITS-13: {status: alternative", "ITS-13: {status: pass"),
    );
    let b = passed.audit("2026-11-25", &[]);
    assert_eq!(b.status("ITS-07"), "pass", "{}", b.stderr);
    assert_eq!(b.json()["summary"]["score"], j["summary"]["score"]);
    assert_eq!(b.json()["summary"]["counts"]["alternative"], 0);

    // --fail-on alternative lists them for a second look.
    assert_eq!(c.audit("2026-11-25", &["--fail-on", "alternative"]).code, 1);
    assert_eq!(
        passed
            .audit("2026-11-25", &["--fail-on", "alternative"])
            .code,
        0
    );

    // Shown as itself in the table, in Japanese and English.
    let t = text(&c, "table", "ja", &[]);
    assert!(t.contains("代替措置で適合"), "{t}");
    let t = text(&c, "table", "en", &[]);
    assert!(t.contains("met by alternative"), "{t}");
}

#[test]
fn who_answered_and_who_approved_are_in_every_format() {
    let c = company(PROFILE);
    let a = c.audit("2026-11-25", &[]);
    let its12 = a.item("ITS-12");
    assert_eq!(its12["answer"]["answered_by"], "佐藤");
    assert_eq!(its12["answer"]["answered_on"], "2026-11-21");
    let its05 = a.item("ITS-05");
    assert_eq!(its05["answer"]["approved_by"], "田中 一郎");
    assert_eq!(its05["answer"]["expires_on"], "2027-03-31");
    // An item nobody answered has no `answer`.
    assert!(a.item("ITS-01").get("answer").is_none());

    // The approval block: prepared by from the profile, approved by the
    // administrator (their roster name) since `approval.approved_by` is not given.
    let j = a.json();
    assert_eq!(j["approval"]["prepared_by"], "情報システム課 佐藤");
    assert_eq!(j["approval"]["prepared_on"], "2026-11-25");
    assert_eq!(j["approval"]["approved_by"], "田中 一郎");
    assert_eq!(j["approval"]["approved_by_from"], "administrator");

    let md = text(&c, "md", "ja", &[]);
    assert!(md.contains("回答者：佐藤（2026-11-21）"), "{md}");
    assert!(md.contains("承認者：田中 一郎／期限：2027-03-31"), "{md}");
    assert!(md.contains("## 承認"), "{md}");
    assert!(
        md.contains("| 作成者 | 情報システム課 佐藤 | 2026-11-25 | |"),
        "{md}"
    );

    let csv = text(&c, "csv", "en", &[]);
    let mut rd =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = rd
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[0] == "ITS-12")
        .unwrap();
    assert_eq!(&row[col("Answered by")], "佐藤");
    assert_eq!(&row[col("Answered on")], "2026-11-21");

    // A changed approver is a changed report, with no other edit.
    let c2 = company(&PROFILE.replace(
        "  prepared_on: 2026-11-25\n",
        "  prepared_on: 2026-11-25\n  approved_by: 代表取締役 山田\n  approved_on: 2026-11-30\n",
    ));
    let j = c2.audit("2026-11-25", &[]).json();
    assert_eq!(j["approval"]["approved_by"], "代表取締役 山田");
    assert_eq!(j["approval"]["approved_by_from"], "profile");
}

#[test]
fn the_report_states_its_scope() {
    let c = company(PROFILE);
    let a = c.audit("2026-11-25", &["--scan", "/home/cad"]);
    let j = a.json();
    let s = &j["scope"];
    assert_eq!(s["root"], c.root().display().to_string());
    assert_eq!(s["shares"][0], "/srv/share");
    assert_eq!(s["scan"][0], "/home/cad");
    let walked: Vec<&str> = s["walked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    assert!(walked.contains(&"/srv/share"), "{walked:?}");
    assert!(walked.contains(&"/home/cad"), "{walked:?}");
    assert_eq!(s["hosts"][0]["kind"], "linux");
    assert_eq!(s["profile"], c.profile_path().display().to_string());
    let profile_bytes = std::fs::read(c.profile_path()).unwrap();
    use sha2::Digest;
    let hex: String = sha2::Sha256::digest(&profile_bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(s["profile_sha256"], hex);
    assert_eq!(s["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(s["definitions_sha256"].as_str().unwrap().len(), 64);
    assert!(s["counts"]["dirs"].as_u64().unwrap() >= 2, "{s}");

    // The table's footer and the Markdown section say the same, so "see
    // coverage" in a reason points at something.
    let t = text(&c, "table", "en", &["--scan", "/home/cad"]);
    let footer = &t[t.find("Coverage:").expect("a coverage footer")..];
    assert!(footer.contains("/srv/share (share)"), "{footer}");
    assert!(footer.contains(&s["definitions_sha256"].as_str().unwrap()[..16]));
    let md = text(&c, "md", "ja", &["--scan", "/home/cad"]);
    let sec = &md[md.find("## 調査範囲").expect("a scope section")..];
    assert!(sec.contains("共有（scope.shares）: /srv/share"), "{sec}");
    assert!(
        sec.contains(s["definitions_sha256"].as_str().unwrap()),
        "{sec}"
    );
}

#[test]
fn answer_fields_are_validated_with_file_line_and_column() {
    let c = company(
        "version: 1
organization:
  name: 株式会社テスト
approval:
  prepared_on: 2026-13-01
  signed_by: x
answers:
  ITS-07: {status: alternative}
  ITS-12: {status: pass, answered_on: yesterday}
  ITS-13: {status: alternatve, note: x}
",
    );
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.code, 2, "stderr:\n{}", a.stderr);
    assert!(a.stdout.is_empty());
    let f = c.profile_path().display().to_string();
    for (line, col, msg) in [
        (5, 16, "approval.prepared_on"),
        (6, 3, "unknown key `signed_by`"),
        (8, 3, "`status: alternative` needs a `note`"),
        (
            8,
            3,
            "`status: alternative` needs at least one file in `evidence`",
        ),
        (9, 39, "answers.ITS-12.answered_on"),
        (10, 20, "did you mean `alternative`?"),
    ] {
        let want = format!("{f}:{line}:{col}: ");
        assert!(
            a.stderr
                .lines()
                .any(|l| l.starts_with(&want) && l.contains(msg)),
            "no `{want}… {msg}` in:\n{}",
            a.stderr
        );
    }
}

/// A mixed item puts the weaker part's reason first: the computed part's when
/// the evidence contradicts a "pass" answer, the answer's when the answer is
/// the weaker one.
#[test]
fn a_mixed_item_leads_with_the_weaker_parts_reason() {
    // Answered pass, but no key-lending log is registered.
    let c = company(&format!(
        "{PROFILE}  STO-02: {{status: pass, note: 鍵は総務が管理}}\n"
    ));
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("STO-02"), "fail");
    let why = a.item("STO-02")["reason"].as_str().unwrap().to_string();
    assert!(why.starts_with("no key-lending log is registered"), "{why}");
    // The log is registered; the answer itself is partial.
    let c = company(&format!(
        "{}  STO-02: {{status: partial, note: 合鍵の所在が一部不明}}\nrecords:\n  - kind: key-lending\n    path: records/keys.csv\n",
        PROFILE
    ));
    c.write("records/keys.csv", "date,who\n");
    let a = c.audit("2026-11-25", &[]);
    assert_eq!(a.status("STO-02"), "partial");
    let why = a.item("STO-02")["reason"].as_str().unwrap().to_string();
    assert!(why.starts_with("answer: 合鍵の所在が一部不明"), "{why}");
}

#[test]
fn an_answer_names_the_evidence_files_that_are_missing_and_only_those() {
    let c = company(PROFILE);
    std::fs::remove_file(c.dir.path().join("docs/cloud.pdf")).unwrap();
    let a = c.audit("2026-11-25", &[]);
    let reason = |id: &str| a.item(id)["reason"].as_str().unwrap_or("").to_string();
    assert!(
        reason("ITS-13").contains("answer evidence not found: docs/cloud.pdf"),
        "{}",
        reason("ITS-13")
    );
    // ITS-07's evidence file is there: no such sentence, and it is cited with
    // its SHA-256.
    assert!(
        !reason("ITS-07").contains("not found"),
        "{}",
        reason("ITS-07")
    );
}
