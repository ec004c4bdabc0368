//! The command line itself in Japanese: help, argument errors and their exit
//! code, under `--lang ja` or a Japanese locale (LC_ALL, LC_MESSAGES, LANG).

mod common;
use common::*;

/// The real binary with `args`, the locale variables set as given (the others
/// removed).
fn with_locale(vars: &[(&str, &str)], args: &[&str]) -> Audit {
    let mut c = timaudit();
    c.env_remove("LANG");
    for (k, v) in vars {
        c.env(k, v);
    }
    c.args(args);
    run(c)
}

fn ja(args: &[&str]) -> Audit {
    with_locale(&[("LANG", "ja_JP.UTF-8")], args)
}

const COMMANDS: [&str; 9] = [
    "init",
    "audit",
    "scan",
    "checklist",
    "explain",
    "diff",
    "verify",
    "watch",
    "merge",
];

/// Japanese: hiragana, katakana or kanji.
fn japanese(s: &str) -> bool {
    s.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c))
}

#[test]
fn help_is_japanese_under_a_japanese_lang_with_every_command_described() {
    let a = ja(&["--help"]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    let h = &a.stdout;
    for word in [
        "使い方:",
        "コマンド:",
        "オプション:",
        "技術情報管理認証制度",
        "終了コード",
    ] {
        assert!(h.contains(word), "no {word} in\n{h}");
    }
    for english in [
        "Usage:",
        "Options:",
        "Commands:",
        "Print help",
        "Exit codes",
    ] {
        assert!(!h.contains(english), "{english} in\n{h}");
    }
    // Each command's line carries a Japanese description.
    for cmd in COMMANDS.iter().chain(&["help"]) {
        let line = h
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{cmd} ")))
            .unwrap_or_else(|| panic!("no line for {cmd} in\n{h}"));
        assert!(japanese(line), "{cmd}: {line}");
    }
    // English otherwise, with the same commands.
    let a = with_locale(&[("LANG", "C.UTF-8")], &["--help"]);
    assert_eq!(a.code, 0);
    assert!(a.stdout.contains("Usage:") && a.stdout.contains("Evaluate the checklist"));
    assert!(
        !japanese(&a.stdout.replace("技術情報管理認証制度", "")),
        "{}",
        a.stdout
    );
}

#[test]
fn every_subcommand_help_is_japanese_with_japanese_defaults_and_values() {
    for cmd in COMMANDS {
        let a = ja(&[cmd, "--help"]);
        assert_eq!(a.code, 0, "{cmd}: {}", a.stderr);
        let h = &a.stdout;
        assert!(h.contains("使い方: timaudit"), "{cmd}:\n{h}");
        assert!(h.contains("ヘルプを表示します"), "{cmd}:\n{h}");
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "[default:",
            "[possible values:",
        ] {
            assert!(!h.contains(english), "{cmd}: {english} in\n{h}");
        }
        // Every listed option or argument is described in Japanese.
        for l in h.lines().filter(|l| {
            l.trim_start().starts_with('-') || l.starts_with("  <") || l.starts_with("  [")
        }) {
            assert!(japanese(l), "{cmd}: `{l}`");
        }
    }
    let a = ja(&["audit", "--help"]);
    assert!(a.stdout.contains("監査のプロファイル"), "{}", a.stdout);
    assert!(
        a.stdout
            .contains("[指定できる値: table, json, md, csv, html]")
            && a.stdout.contains("[既定: fail]"),
        "{}",
        a.stdout
    );
    // xlsx is accepted (to say what to do instead) but not listed.
    assert!(!a.stdout.contains("xlsx]"), "{}", a.stdout);
    let a = ja(&["diff", "--help"]);
    assert!(a.stdout.contains("引数:") && a.stdout.contains("前の report.json"));
    // `help audit` is the same help as `audit --help`.
    assert_eq!(
        ja(&["help", "audit"]).stdout,
        ja(&["audit", "--help"]).stdout
    );
}

#[test]
fn the_locale_is_lc_all_then_lc_messages_then_lang_and_the_flag_overrides_it() {
    let help = |vars: &[(&str, &str)], args: &[&str]| {
        let a = with_locale(vars, args);
        assert_eq!(a.code, 0, "{vars:?} {args:?}: {}", a.stderr);
        a.stdout.contains("使い方:")
    };
    assert!(help(
        &[("LC_ALL", "ja_JP.UTF-8"), ("LANG", "C")],
        &["--help"]
    ));
    assert!(!help(
        &[("LC_ALL", "C"), ("LANG", "ja_JP.UTF-8")],
        &["--help"]
    ));
    assert!(help(
        &[("LC_MESSAGES", "ja_JP.UTF-8"), ("LANG", "en_US.UTF-8")],
        &["--help"]
    ));
    assert!(!help(
        &[("LC_MESSAGES", "en_US.UTF-8"), ("LANG", "ja_JP.UTF-8")],
        &["--help"]
    ));
    // An empty variable is not set.
    assert!(help(
        &[("LC_ALL", ""), ("LANG", "ja_JP.UTF-8")],
        &["--help"]
    ));
    // --lang wins over the locale, wherever it is on the line.
    let ja_lang = [("LANG", "ja_JP.UTF-8")];
    assert!(!help(&ja_lang, &["--lang", "en", "--help"]));
    assert!(!help(&ja_lang, &["audit", "--help", "--lang=en"]));
    assert!(help(&[("LANG", "C")], &["audit", "--lang", "ja", "--help"]));
    assert!(help(&[("LANG", "C")], &["--lang=ja", "watch", "--help"]));
}

#[test]
fn argument_errors_are_japanese_and_exit_2() {
    // A range: said as a person would, not as 1..18446744073709551615.
    let a = ja(&["watch", "--poll", "0"]);
    assert_eq!(a.code, 2, "{}", a.stderr);
    assert!(
        a.stderr.starts_with(
            "エラー: '--poll <SECONDS>' に '0' は指定できません: 1 以上の整数で指定します"
        ),
        "{}",
        a.stderr
    );
    assert!(!a.stderr.contains("18446744073709551615"), "{}", a.stderr);
    assert!(a.stderr.contains("詳しくは '--help'"), "{}", a.stderr);
    let en = with_locale(&[("LANG", "C")], &["watch", "--poll", "0"]);
    assert_eq!(en.code, 2);
    assert!(
        en.stderr.contains("a whole number of 1 or more")
            && !en.stderr.contains("18446744073709551615"),
        "{}",
        en.stderr
    );
    for (args, want) in [
        // Unknown flag, with the one that was meant.
        (
            &["audit", "--formt", "md"][..],
            "'--formt' というオプションはありません",
        ),
        (
            &["audit", "--formt", "md"][..],
            "似たオプションがあります: '--format'",
        ),
        // A word where no argument is taken.
        (&["audit", "extra"][..], "余分な引数 'extra' があります"),
        // Missing value.
        (
            &["audit", "--profile"][..],
            "'--profile <PROFILE>' に値がありません",
        ),
        // A value not in the list, and the list.
        (
            &["audit", "--format", "pdf"][..],
            "'--format <FORMAT>' に 'pdf' は指定できません",
        ),
        (
            &["audit", "--format", "pdf"][..],
            "[指定できる値: table, json, md, csv, html]",
        ),
        // Our own parsers' reasons.
        (&["audit", "--date", "2026-02-30"][..], "存在しない日付です"),
        (
            &["audit", "--fail-on", "fail,sometimes"][..],
            "`sometimes` は fail, partial",
        ),
        (
            &["audit", "--lang", "fr"][..],
            "`fr` という言語はありません",
        ),
        (&["audit", "--jobs", "many"][..], "0 以上の整数で指定します"),
        // An unknown command, a missing argument, a missing --out.
        (&["adit"][..], "'adit' というコマンドはありません"),
        (&["adit"][..], "似たコマンドがあります: 'audit'"),
        (
            &["diff", "a.json"][..],
            "次の引数を指定してください:\n  <NEW>",
        ),
        (
            &["audit", "--force"][..],
            "次の引数を指定してください:\n  --out <OUT>",
        ),
        (
            &["audit", "--format", "md", "--format", "json"][..],
            "--format を複数指定できるのは --out を付けたときだけです",
        ),
        (&["verify", "x", "--log", "y"][..], "と一緒には使えません"),
    ] {
        let a = ja(args);
        assert_eq!(a.code, 2, "{args:?}: {}", a.stderr);
        assert!(
            a.stderr.contains(want),
            "{args:?}: want {want}\n{}",
            a.stderr
        );
        for english in ["error:", "Usage:", "For more information", "tip:"] {
            assert!(
                !a.stderr.contains(english),
                "{args:?}: {english} in\n{}",
                a.stderr
            );
        }
        // Nothing ran: nothing on stdout.
        assert!(a.stdout.is_empty(), "{args:?}: {}", a.stdout);
    }
    // The usage line is in the error too, headed in Japanese.
    let a = ja(&["merge"]);
    assert!(
        a.stderr
            .contains("使い方: timaudit merge --out <OUT> <BUNDLE>..."),
        "{}",
        a.stderr
    );
    // --lang en on a Japanese locale: clap's English.
    let a = ja(&["--lang", "en", "watch", "--poll", "0"]);
    assert_eq!(a.code, 2);
    assert!(
        a.stderr
            .starts_with("error: invalid value '0' for '--poll <SECONDS>'"),
        "{}",
        a.stderr
    );
}

/// Under --lang ja, every problem line on stderr of an audit starts with 注意:
/// (a warning, the word the reports use) or エラー:, never with the English
/// words: here a share that is not there, a profile warning, and a baseline
/// without its inventory.
#[test]
fn stderr_warnings_of_a_japanese_run_are_prefixed_in_japanese() {
    let c = Company::new();
    c.passwd(PASSWD).group(GROUP).profile(
        "organization: {name: 株式会社テスト}\nscope:\n  shares: [/srv/nowhere]\npeople_file: people.csv\n",
    );
    c.write(
        "people.csv",
        "account,name,roles,status,joined_on,pledge_signed_on\ntanaka,田中,handler;manager,active,2020-04-01,2020-04-01\n",
    );
    let first = c.path().join("first");
    let a = c.audit("2025-11-25", &["--out", first.to_str().unwrap()]);
    assert!(a.code < 2, "{}", a.stderr);
    std::fs::remove_file(first.join("inventory.jsonl")).unwrap();
    let out = c.path().join("out");
    let baseline = first.join("report.json");
    let a = c.audit(
        "2026-11-25",
        &[
            "--lang",
            "ja",
            "--out",
            out.to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ],
    );
    assert!(a.code < 2, "{}", a.stderr);
    for want in [
        "注意: /srv/nowhere: 読み取れません",
        "inventory.jsonl がないため",
        "役割 `manager` は timaudit では使われません",
    ] {
        assert!(
            a.stderr
                .lines()
                .any(|l| l.starts_with("注意: ") && l.contains(want)),
            "no 注意: line with {want}:\n{}",
            a.stderr
        );
    }
    for l in a.stderr.lines() {
        assert!(
            l.starts_with("注意: ")
                || l.starts_with("timaudit: エラー: ")
                || l.starts_with("証跡一式を "),
            "a stderr line that is neither 注意: nor エラー: `{l}`"
        );
        assert!(!l.contains("warning:") && !l.contains("error:"), "{l}");
    }
}

/// A stdout that cannot be written (a full disk) stops the run with exit 2 and
/// says so in the run's language; a closed pipe (`| head`) does not.
#[test]
fn a_full_stdout_is_an_error_in_the_runs_language() {
    let full = |lang: &str, args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_timaudit"))
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .args(["--lang", lang])
            .args(args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    for args in [&["checklist"][..], &["explain", "ACC-03"][..]] {
        let (code, err) = full("ja", args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with("timaudit: エラー: 標準出力に書き込めません: "),
            "{args:?}: {err}"
        );
        let (code, err) = full("en", args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.starts_with("timaudit: error: cannot write to stdout: "),
            "{args:?}: {err}"
        );
    }
}
