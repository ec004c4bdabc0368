//! The commands as a user runs them: init, checklist, explain, flags and exit codes.

mod common;
use common::*;

#[test]
fn init_writes_a_starter_that_audits_and_refuses_to_overwrite() {
    let d = tempfile::tempdir().unwrap();
    let a = run({
        let mut c = timaudit();
        c.arg("init").arg(d.path());
        c
    });
    assert_eq!(a.code, 0, "{}", a.stderr);
    for f in ["timaudit.yaml", "people.csv", "training.csv"] {
        assert!(d.path().join(f).is_file(), "{f}");
    }
    let yaml = std::fs::read_to_string(d.path().join("timaudit.yaml")).unwrap();
    assert!(
        yaml.contains("# ") && yaml.contains("管理台帳"),
        "the starter is commented"
    );
    // The starter is a valid profile, but auditing it unedited is refused
    // (it would audit the host as 株式会社サンプル製作所) unless --example says so.
    let root = d.path().join("root/etc");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("passwd"), PASSWD).unwrap();
    std::fs::write(root.join("group"), GROUP).unwrap();
    let audit = |extra: &[&str]| {
        run({
            let mut c = timaudit();
            c.current_dir(d.path())
                .args([
                    "audit",
                    "--profile",
                    "timaudit.yaml",
                    "--root",
                    "root",
                    "--format",
                    "json",
                    "--lang",
                    "en",
                ])
                .args(extra);
            c
        })
    };
    let a = audit(&[]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    assert!(
        a.stderr
            .contains("error: the profile is still the starter from `timaudit init`")
            && a.stderr.contains("--example"),
        "{}",
        a.stderr
    );
    assert!(a.stdout.is_empty(), "nothing is audited: {}", a.stdout);
    let a = audit(&["--example"]);
    assert!(
        a.code == 0 || a.code == 1,
        "starter profile must load: {}",
        a.stderr
    );
    assert_eq!(a.status("TRN-05"), "pass");
    // Edit, then init again: refused, nothing changed.
    std::fs::write(d.path().join("people.csv"), "mine").unwrap();
    let a = run({
        let mut c = timaudit();
        c.arg("init").arg(d.path());
        c
    });
    assert_eq!(a.code, 2);
    assert!(a.stderr.contains("--force"), "{}", a.stderr);
    assert_eq!(
        std::fs::read_to_string(d.path().join("people.csv")).unwrap(),
        "mine"
    );
    let a = run({
        let mut c = timaudit();
        c.arg("init").arg(d.path()).arg("--force");
        c
    });
    assert_eq!(a.code, 0);
    assert_ne!(
        std::fs::read_to_string(d.path().join("people.csv")).unwrap(),
        "mine"
    );
}

#[test]
fn checklist_prints_every_item_in_each_format_and_language() {
    for (fmt, lang, needle) in [
        ("table", "ja", "適合"),
        ("md", "ja", "□不適合"),
        ("md", "en", "Question"),
        ("csv", "en", "\u{feff}id,"),
    ] {
        let a = run({
            let mut c = timaudit();
            c.args(["checklist", "--format", fmt, "--lang", lang]);
            c
        });
        assert_eq!(a.code, 0, "{fmt}: {}", a.stderr);
        assert!(a.stdout.contains(needle), "{fmt}/{lang} lacks {needle}");
        for id in ["ADM-01", "HDL-10", "TRN-05", "ACC-07", "STO-06", "ITS-13"] {
            assert!(a.stdout.contains(id), "{fmt} lacks {id}");
        }
    }
    let csv = run({
        let mut c = timaudit();
        c.args(["checklist", "--format", "csv"]);
        c
    });
    let mut rdr = csv::Reader::from_reader(csv.stdout.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(rdr.records().count(), 56);
    // The form is filled in on paper: its 判定基準 column says how an item is
    // decided in plain words, with no profile key or option (those are in
    // `explain`, which still shows them).
    for lang in ["ja", "en"] {
        let csv = run({
            let mut c = timaudit();
            c.args(["checklist", "--format", "csv", "--lang", lang]);
            c
        });
        let mut rdr =
            csv::Reader::from_reader(csv.stdout.trim_start_matches('\u{feff}').as_bytes());
        let rule_col = rdr
            .headers()
            .unwrap()
            .iter()
            .position(|h| h == "判定基準" || h == "Rule")
            .expect("a 判定基準 column");
        for r in rdr.records() {
            let r = r.unwrap();
            let basis = &r[rule_col];
            assert!(!basis.trim().is_empty(), "{}: empty", &r[0]);
            for key in ["`", "records", "answers:", "review_interval_days", "--"] {
                assert!(!basis.contains(key), "{} shows `{key}`: {basis}", &r[0]);
            }
        }
    }
    let ex = run({
        let mut c = timaudit();
        c.args(["explain", "ADM-06"]);
        c
    });
    assert!(ex.stdout.contains("kind: incident-procedure") && ex.stdout.contains("reviewed_on"));
}

#[test]
fn explain_shows_the_item_docs_and_rejects_unknown_ids() {
    let a = run({
        let mut c = timaudit();
        c.args(["explain", "acc-03", "--lang", "ja"]);
        c
    });
    assert_eq!(a.code, 0);
    assert!(a.stdout.starts_with("ACC-03"));
    for w in ["判定基準", "なぜ必要か", "改善方法", "o+x"] {
        assert!(a.stdout.contains(w), "lacks {w}:\n{}", a.stdout);
    }
    let a = run({
        let mut c = timaudit();
        c.args(["explain", "ZZZ-01"]);
        c
    });
    assert_eq!(a.code, 2);
    assert!(a.stderr.contains("unknown item"));
}

#[test]
fn lang_follows_the_flag_then_lang_env() {
    let c = Company::new();
    c.passwd(PASSWD)
        .group(GROUP)
        .profile("organization: {name: X}\n");
    let mut cmd = timaudit();
    cmd.env("LANG", "ja_JP.UTF-8")
        .args(["audit", "--date", "2026-11-25", "--profile"])
        .arg(c.profile_path())
        .arg("--root")
        .arg(c.root());
    let a = run(cmd);
    assert!(
        a.stdout.contains("未回答") && a.stdout.contains("判定"),
        "{}",
        a.stdout
    );
    let mut cmd = timaudit();
    cmd.env("LANG", "ja_JP.UTF-8")
        .args(["audit", "--lang", "en", "--date", "2026-11-25", "--profile"])
        .arg(c.profile_path())
        .arg("--root")
        .arg(c.root());
    let a = run(cmd);
    assert!(a.stdout.contains("unanswered") && !a.stdout.contains("未回答"));
}

#[test]
fn usage_errors_exit_2() {
    let c = Company::new();
    c.passwd(PASSWD)
        .group(GROUP)
        .profile("organization: {name: X}\n");
    for args in [
        vec!["--format", "json", "--format", "md"],
        vec!["--date", "2026-02-30"],
        vec!["--fail-on", "fail,sometimes"],
        vec!["--lang", "fr"],
    ] {
        let a = c.audit("2026-11-25", &args);
        assert_eq!(a.code, 2, "{args:?}: {}", a.stderr);
    }
    let mut cmd = timaudit();
    cmd.args(["audit", "--root", "/nonexistent/root", "--profile"])
        .arg(c.profile_path());
    let a = run(cmd);
    assert_eq!(a.code, 2);
    assert!(a.stderr.contains("/nonexistent/root"));
    let a = run({
        let mut c = timaudit();
        c.arg("--version");
        c
    });
    assert_eq!(a.code, 0);
    assert!(a.stdout.contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn each_command_lists_only_the_formats_it_can_write() {
    for (cmd, listed, refused) in [
        (
            "audit",
            "[possible values: table, json, md, csv, html]",
            "pdf",
        ),
        (
            "checklist",
            "[possible values: table, md, csv, xlsx]",
            "json",
        ),
        ("diff", "[possible values: md, json]", "table"),
    ] {
        let a = run({
            let mut c = timaudit();
            c.args([cmd, "--help"]);
            c
        });
        assert_eq!(a.code, 0);
        assert!(a.stdout.contains(listed), "{cmd} --help:\n{}", a.stdout);
        let a = run({
            let mut c = timaudit();
            c.args([cmd, "--format", refused]);
            if cmd == "diff" {
                c.args(["a.json", "b.json"]);
            }
            c
        });
        assert_eq!(a.code, 2, "{cmd} --format {refused}");
        assert!(
            a.stderr.contains(listed.trim_matches(['[', ']'])),
            "{}",
            a.stderr
        );
    }
    let a = run({
        let mut c = timaudit();
        c.args(["explain", "--help"]);
        c
    });
    assert!(
        a.stdout.contains("LNX-SSH-001"),
        "explain names policy IDs too"
    );
}

#[test]
fn out_writes_the_json_and_markdown_reports() {
    let c = Company::new();
    c.passwd(PASSWD)
        .group(GROUP)
        .profile("organization: {name: \"<b>X</b> | 株式会社\"}\n");
    let out = c.path().join("out");
    let a = c.audit(
        "2026-11-25",
        &[
            "--out",
            out.to_str().unwrap(),
            "--format",
            "table",
            "--format",
            "json",
        ],
    );
    assert!(a.code == 0 || a.code == 1, "{}", a.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["items"].as_array().unwrap().len(), 56);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("&lt;b&gt;X&lt;/b&gt; \\| 株式会社"), "{md}");
    assert!(a.stdout.contains("ADM-01"));
}

#[test]
fn without_a_profile_a_japanese_report_says_so_in_japanese() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP);
    let empty = c.write("cwd/.keep", "");
    let mut cmd = timaudit();
    cmd.args([
        "audit",
        "--lang",
        "ja",
        "--format",
        "json",
        "--date",
        "2026-11-25",
    ])
    .arg("--root")
    .arg(c.root())
    .current_dir(empty.parent().unwrap());
    let a = run(cmd);
    let w = a.json()["warnings"].to_string();
    assert!(
        w.contains("プロファイルが指定されておらず") && !w.contains("no profile given"),
        "{w}"
    );
}

#[test]
fn messages_a_japanese_user_meets_are_in_japanese() {
    let ja = |args: &[&str]| {
        let mut c = timaudit();
        c.env("LANG", "ja_JP.UTF-8").args(args);
        run(c)
    };
    // init: what was written, what to do next, and why a second init refuses.
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_str().unwrap();
    let a = ja(&["init", dir]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(
        a.stderr.contains("作成しました") && a.stderr.contains("--lang ja"),
        "{}",
        a.stderr
    );
    assert!(!a.stderr.contains("wrote"), "{}", a.stderr);
    let a = ja(&["init", dir]);
    assert_eq!(a.code, 2);
    assert!(
        a.stderr.contains("上書きしません") && a.stderr.contains("--force"),
        "{}",
        a.stderr
    );
    // A broken profile: every problem, then what to do, in Japanese.
    let bad = d.path().join("bad.yaml");
    std::fs::write(&bad, "organization: {name: X}\nmarker: [社外秘]\n").unwrap();
    let a = ja(&["audit", "--profile", bad.to_str().unwrap()]);
    assert_eq!(a.code, 2);
    assert!(
        a.stderr.contains("bad.yaml:2:1") && a.stderr.contains("監査を行いませんでした"),
        "{}",
        a.stderr
    );
    // A --root that does not exist says what --root should be.
    let a = ja(&[
        "audit",
        "--root",
        "/nonexistent/root",
        "--profile",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(a.code, 2);
    let a = ja(&["scan", "/srv", "--root", "/nonexistent/root"]);
    assert_eq!(a.code, 2);
    assert!(
        a.stderr.contains("/nonexistent/root がありません"),
        "{}",
        a.stderr
    );
    // A share that is not there: named on stderr, in Japanese.
    let a = ja(&["scan", "/srv/nowhere", "--root", dir]);
    assert_eq!(a.code, 1);
    assert!(
        a.stderr
            .contains("注意: /srv/nowhere: 読み取れません: 見つかりません"),
        "{}",
        a.stderr
    );
    // Every stderr line says what it is.
    for l in a.stderr.lines() {
        assert!(
            l.starts_with("注意: ") || l.starts_with("timaudit: エラー: "),
            "a stderr line without 注意:/エラー: `{l}`"
        );
    }
    // explain suggests the ID that was meant.
    let a = ja(&["explain", "ACC-3"]);
    assert_eq!(a.code, 2);
    assert!(a.stderr.contains("ACC-03 のことですか"), "{}", a.stderr);
    let a = run({
        let mut c = timaudit();
        c.args(["explain", "LNX-SSH-01"]);
        c
    });
    assert!(
        a.stderr.contains("did you mean LNX-SSH-001?"),
        "{}",
        a.stderr
    );
    // audit --out: the manifest's SHA-256 to note down.
    let c = Company::new();
    c.passwd(PASSWD)
        .group(GROUP)
        .profile("organization: {name: X}\n");
    let out = c.path().join("out");
    let a = c.audit(
        "2026-11-25",
        &["--lang", "ja", "--out", out.to_str().unwrap()],
    );
    assert!(a.code == 0 || a.code == 1, "{}", a.stderr);
    assert!(
        a.stderr.contains("証跡一式を") && a.stderr.contains("MANIFEST.sha256 の SHA-256"),
        "{}",
        a.stderr
    );
}
