//! Every text of the command line (about, argument help, headings) in Japanese
//! and English: one table, set on clap's command for the run's language.
//!
//! A key is the subcommand (`audit`), or `SUBCOMMAND.ARGUMENT` with the argument's
//! id (`audit.profile`); an argument that reads the same in every subcommand has
//! the id alone (`lang`, `help`, `jobs`). `timaudit` is the program's own about.

use crate::i18n::Lang;
use clap::{Arg, Command};
use std::ffi::OsString;

/// (key, 日本語, English)
pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    (
        "timaudit",
        "会社が技術情報をどう守っているかを監査し、技術情報管理認証制度の自己チェックリストを証跡付きで埋めます。",
        "Audits how a company protects its technical information, for Japan's Technology Information Management Certification (技術情報管理認証制度), and fills in the self-check checklist with evidence.",
    ),
    (
        "timaudit.after_help",
        "終了コード: 0 対象の項目はすべて適合、1 適合していない項目がある（verify では不一致がある）、2 使い方・プロファイル・入出力のエラー。",
        "Exit codes: 0 everything applicable passed, 1 items not passing (or verify found a mismatch), 2 usage, profile or I/O error.",
    ),
    (
        "lang",
        "表示の言語: ja か en（既定は環境変数 LC_ALL・LC_MESSAGES・LANG の順に見て ja* なら日本語）",
        "Language of the output: ja or en (default: from LC_ALL, LC_MESSAGES or LANG, ja* → Japanese)",
    ),
    ("help", "ヘルプを表示します", "Print help"),
    ("version", "バージョンを表示します", "Print version"),
    (
        "cross_filesystems",
        "共有フォルダーや走査するパスの下にマウントされた別のファイルシステムにも入ります（既定では、マウントポイントは調査範囲に載せるだけで中には入りません）",
        "Also walk into other filesystems mounted below a share or scanned path (by default mount points are listed in the coverage and not entered)",
    ),
    (
        "jobs",
        "ファイルを読む（ハッシュを計算する）スレッドの数（既定: CPU コア数。2 以上 16 以下）",
        "Threads that read (hash) files (default: one per CPU core, at least 2 and at most 16)",
    ),
    // init
    (
        "init",
        "コメント付きのプロファイルの雛形（timaudit.yaml）と CSV の例を書き出します",
        "Write a commented starter profile (timaudit.yaml) and example CSVs",
    ),
    ("init.dir", "書き出す先のフォルダー", "Folder to write into"),
    (
        "init.force",
        "既にあるファイルを上書きします",
        "Overwrite existing files",
    ),
    // audit
    (
        "audit",
        "チェックリストを判定します: 共有フォルダーを調べ、記録とホストの設定を読み、チェックリストを表示し、報告書を書き出します",
        "Evaluate the checklist: walk the shares, read records and host settings, print the checklist, write reports",
    ),
    (
        "audit.profile",
        "監査のプロファイル（既定: ./timaudit.yaml があればそれ）",
        "The audit profile (default: ./timaudit.yaml when it exists)",
    ),
    (
        "audit.root",
        "監査対象ホストのルートのフォルダー。ホスト上のパスはすべてこの下で読みます（既定は /。--evidence だけで --root がなければ Linux ホストは監査しません）",
        "The audited host's root directory; every host path is read under it (default `/`; with only --evidence and no --root, no Linux host is audited)",
    ),
    (
        "audit.evidence",
        "Windows マシンから書き出した証跡のフォルダー（繰り返し指定できます）",
        "A folder of evidence exported from a Windows machine (repeatable)",
    ),
    (
        "audit.scan",
        "プロファイルの共有フォルダーのほかに、このホスト上のパスも調べます（繰り返し指定できます）",
        "Walk this host path too (repeatable), besides the profile's shares",
    ),
    (
        "audit.out",
        "証跡一式（report.json、report.md など）をこのフォルダーに書き出します（新しいか空のフォルダー。共有フォルダーや --scan のパスの中は不可）",
        "Write the evidence bundle (report.json, report.md, …) into this folder (new or empty; never inside a share or --scan path)",
    ),
    (
        "audit.force",
        "--out と一緒に: フォルダーに以前の一式があれば フォルダー.previous（.previous.2 …）として残し、新しい一式を書き出します",
        "With --out: when the folder holds a previous bundle, keep it as FOLDER.previous (.previous.2, …) and write the new bundle",
    ),
    (
        "audit.sign_key",
        "--out と一緒に: MANIFEST.sha256 にこの OpenSSH 秘密鍵で署名し MANIFEST.sha256.sig に書きます（KEY が .pub なら ssh-agent で署名）。確認は `ssh-keygen -Y verify -n timaudit` か `timaudit verify --allowed-signers`。暗号化された鍵のパスフレーズは TIMAUDIT_SIGN_PASSPHRASE から読みます",
        "With --out: sign MANIFEST.sha256 into MANIFEST.sha256.sig with this OpenSSH private key, or with ssh-agent when KEY is a .pub; check with `ssh-keygen -Y verify -n timaudit` or `timaudit verify --allowed-signers`. An encrypted key's passphrase is read from TIMAUDIT_SIGN_PASSPHRASE",
    ),
    (
        "audit.host_name",
        "報告書と `merge` で監査対象ホストを示す名前（例: 台帳上の名前。既定は --root の下で読んだホスト名）",
        "The name the audited host is shown under in the report and in `merge` (e.g. its inventory name; default: the hostname read under --root)",
    ),
    (
        "audit.format",
        "標準出力に表示する形式: table（既定）、json、md、csv、html。複数指定は --out のときだけ（--out では checklist.xlsx も書き出します）",
        "What to print on stdout: table (default), json, md, csv, html. Repeatable only with --out (which also writes checklist.xlsx)",
    ),
    (
        "audit.baseline",
        "前回（昨年）の report.json。それからの変化を報告します",
        "Last year's report.json, to report changes since then",
    ),
    (
        "audit.date",
        "日付の規則すべてに使う監査日（YYYY-MM-DD など。既定は今日）",
        "The audit date used for every date rule (YYYY-MM-DD; default today)",
    ),
    (
        "audit.example",
        "プロファイルが `timaudit init` の雛形のまま（事業者名 株式会社サンプル製作所）でも監査します: わざと試すときに",
        "Audit even though the profile is the unedited starter from `timaudit init` (organisation 株式会社サンプル製作所): a trial run on purpose",
    ),
    (
        "audit.no_hash",
        "ファイルのハッシュを計算しません（ハッシュが要る項目はエラーになります）",
        "Do not hash files (items that need hashes report error)",
    ),
    (
        "audit.fail_on",
        "終了コードを 1 にする判定: fail, partial, unanswered, error, alternative をコンマで区切って",
        "Statuses that make the exit code 1: comma list of fail, partial, unanswered, error, alternative",
    ),
    // scan
    (
        "scan",
        "一覧だけ: 調べた項目ごとに 1 つの JSON オブジェクト（標準出力に JSON Lines、パス順）",
        "Inventory only: one JSON object per entry walked (JSON Lines on stdout), sorted by path",
    ),
    (
        "scan.paths",
        "調べるホスト上のパス（--root の下で読みます）",
        "Host paths to walk (read under --root)",
    ),
    (
        "scan.root",
        "監査対象ホストのルートのフォルダー。ホスト上のパスはすべてこの下で読みます",
        "The audited host's root directory; every host path is read under it",
    ),
    (
        "scan.profile",
        "マーカー、台帳のパス、scope.exclude を読むプロファイル（既定: ./timaudit.yaml があればそれ）",
        "The audit profile, for markers, the register's paths and scope.exclude (default: ./timaudit.yaml when it exists)",
    ),
    (
        "scan.no_hash",
        "ファイルのハッシュを計算しません（sha256 は null、hash_error 付き）",
        "Do not hash files (sha256 is null with hash_error)",
    ),
    // checklist
    (
        "checklist",
        "空欄のチェックリストを表示します（全項目と、その基準、判定のしかた）",
        "Print the blank checklist form (every item, its criterion and how it is decided)",
    ),
    (
        "checklist.format",
        "table（既定）、md、csv、xlsx（xlsx はリダイレクトしたときだけ標準出力に書きます: `timaudit checklist --format xlsx > form.xlsx`）",
        "table (default), md, csv or xlsx (xlsx is written to stdout only when it is redirected: `timaudit checklist --format xlsx > form.xlsx`)",
    ),
    // explain
    (
        "explain",
        "チェックリストの項目やポリシーを 1 つ説明します: 何を求めるか、なぜか、どう判定するか、どう直すか",
        "Explain one checklist item or policy: what it asks, why, how it is decided, how to fix it",
    ),
    (
        "explain.id",
        "ACC-03 のような項目 ID、または LNX-SSH-001 のようなポリシー ID（大文字でも小文字でも）",
        "A checklist item ID such as ACC-03, or a policy ID such as LNX-SSH-001 (upper or lower case)",
    ),
    // diff
    (
        "diff",
        "2 回の監査の間に変わったこと: 項目の判定、点数、保護対象ファイル、期限",
        "What changed between two audits: item status, scores, protected files, timeline",
    ),
    ("diff.old", "前の report.json", "The earlier report.json"),
    ("diff.new", "後の report.json", "The later report.json"),
    (
        "diff.format",
        "md（定期報告の下書き、既定）か json",
        "md (a draft for the periodic report, default) or json",
    ),
    // verify
    (
        "verify",
        "証跡一式（audit --out DIR）を MANIFEST.sha256 と照合します。--log なら常時監視ログのハッシュチェーンを確かめます",
        "Check an evidence bundle (audit --out DIR) against its MANIFEST.sha256, or with --log a watch log's hash chain",
    ),
    (
        "verify.dir",
        "`audit --out DIR` で書き出した一式のフォルダー",
        "The bundle folder written by `audit --out DIR`",
    ),
    (
        "verify.log",
        "一式の代わりに、常時監視ログのハッシュチェーン・チェックポイント・封印を確かめ、最初に壊れた行を示します",
        "Check a watch log's hash chain, checkpoints and seal instead, naming the first broken line",
    ),
    (
        "verify.allowed_signers",
        "OpenSSH の allowed_signers ファイル: 一式の MANIFEST.sha256.sig（またはログのチェックポイント）は、ここにある鍵で名前空間 timaudit の署名がされていなければなりません",
        "An OpenSSH allowed_signers file: the bundle's MANIFEST.sha256.sig (or the log's checkpoints) must be signed by a key listed there for namespace timaudit",
    ),
    (
        "verify.digest",
        "一式を作ったときに控えた MANIFEST.sha256 の SHA-256",
        "The SHA-256 of MANIFEST.sha256 noted when the bundle was made",
    ),
    (
        "verify.open",
        "--log と一緒に: 監視がまだ動いているので、最後の封印がなくてもエラーにしません（最後のチェックポイント後の行はまだ保護されていません）",
        "With --log: the watcher is still running, so a log without a final seal is not an error (lines after the last checkpoint are still unprotected)",
    ),
    // watch
    (
        "watch",
        "共有フォルダーを見張り続け、変化ごとに 1 行をハッシュチェーンのログに追記します",
        "Keep watching the shares; append one event per change to a hash-chained log",
    ),
    (
        "watch.profile",
        "監査のプロファイル（既定: ./timaudit.yaml があればそれ）",
        "The audit profile (default: ./timaudit.yaml when it exists)",
    ),
    (
        "watch.root",
        "監査対象ホストのルートのフォルダー。共有フォルダーはこの下で見張ります",
        "The audited host's root directory; the shares are watched under it",
    ),
    (
        "watch.log",
        "追記するログ（既にあれば続きに書きます）",
        "The log to append to (continued when it exists)",
    ),
    (
        "watch.poll",
        "カーネルのイベントの代わりに SECONDS 秒ごとに調べます（ネットワークのファイルシステムはイベントを送りません）",
        "Poll every SECONDS instead of kernel events (network filesystems send none)",
    ),
    (
        "watch.previous_log",
        "ログを切り替えた後: 前のログ。新しいログの `started` 行にその最後の行を記録します（ログに既に行があれば無視）",
        "After rotating the log: the previous log, whose last line the new log's `started` line records (ignored when the log already has lines)",
    ),
    (
        "watch.sign_key",
        "この OpenSSH 秘密鍵（.pub なら ssh-agent）でログに署名します: --checkpoint-every 秒ごとにチェーンの署名付きチェックポイント、監視を止めるときに封印",
        "Sign the log with this OpenSSH private key (or ssh-agent, given a .pub): a signed checkpoint of the chain every --checkpoint-every seconds, and a seal when the watch stops",
    ),
    (
        "watch.checkpoint_every",
        "署名付きチェックポイントの間隔（秒、--sign-key と一緒に）",
        "Seconds between signed checkpoints (with --sign-key)",
    ),
    // merge
    (
        "merge",
        "複数ホストの一式（audit --out）を、ホスト × 項目の表を持つ全社の一式にまとめます",
        "Merge the bundles of several hosts (audit --out) into one company bundle with a host × item matrix",
    ),
    (
        "merge.bundles",
        "ホストごとの一式（`audit --out` で書き出したフォルダー）。最初のものが組織に関する項目の基準になります",
        "The host bundles (folders written by `audit --out`); the first is the reference for the organisational items",
    ),
    (
        "merge.out",
        "書き出す全社の一式（新しいか空のフォルダー、または以前の merge の結果）",
        "The company bundle to write (a new or empty folder, or a previous merge)",
    ),
    (
        "merge.latest",
        "同じホストの一式が 2 つあるとき、止まらずに新しいほう（report.json の generated_at で判断）を使います",
        "When two bundles are of the same host, keep the newer one (by report.json's generated_at) instead of stopping",
    ),
    (
        "merge.fail_on",
        "終了コードを 1 にする全社の判定: fail, partial, unanswered, error をコンマで区切って",
        "Company statuses that make the exit code 1: comma list of fail, partial, unanswered, error",
    ),
    // The built-in `help` command.
    (
        "help_command",
        "このヘルプか、指定したコマンドのヘルプを表示します",
        "Print this message or the help of the given subcommand(s)",
    ),
    // Headings of the help (Japanese only; English keeps clap's own).
    ("heading.usage", "使い方:", "Usage:"),
    ("heading.arguments", "引数:", "Arguments:"),
    ("heading.options", "オプション:", "Options:"),
    ("heading.commands", "コマンド:", "Commands:"),
    ("default", "既定", "default"),
    ("possible_values", "指定できる値", "possible values"),
];

/// The text of `key` in `lang`, if the table has it.
pub(super) fn get(key: &str, lang: Lang) -> Option<&'static str> {
    TEXTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, ja, en)| match lang {
            Lang::Ja => *ja,
            Lang::En => *en,
        })
}

/// The language to parse the command line in: the last `--lang ja|en` (or
/// `--lang=…`) before a `--`, else the locale ([`Lang::from_env`]). A value
/// that is no language is left for clap to report.
pub fn lang_of(args: &[OsString]) -> Lang {
    let mut found = None;
    let mut it = args.iter().skip(1).map(|a| a.to_str());
    while let Some(a) = it.next() {
        match a {
            Some("--") => break,
            Some("--lang") => {
                if let Some(Ok(l)) = it.next().flatten().map(str::parse::<Lang>) {
                    found = Some(l);
                }
            }
            Some(a) => {
                if let Some(Ok(l)) = a.strip_prefix("--lang=").map(str::parse::<Lang>) {
                    found = Some(l);
                }
            }
            None => {}
        }
    }
    found.unwrap_or_else(Lang::from_env)
}

/// The whole command line, its texts in `lang`.
pub fn command(lang: Lang) -> Command {
    use clap::CommandFactory;
    let mut cmd = super::Cli::command();
    // Built first, so the generated --help, --version and `help` command exist
    // (and are translated too) and the global --lang is in every subcommand.
    cmd.build();
    localize(cmd, "timaudit", lang)
}

fn localize(mut cmd: Command, key: &str, lang: Lang) -> Command {
    if let Some(about) = get(key, lang) {
        cmd = cmd.about(about);
    }
    if let Some(after) = get(&format!("{key}.after_help"), lang) {
        cmd = cmd.after_help(after);
    }
    cmd = cmd.mut_args(|a| localize_arg(a, key, lang));
    if lang == Lang::Ja {
        let t = template(&cmd);
        cmd = cmd.help_template(t);
    }
    cmd.mut_subcommands(|sc| {
        if sc.get_name() == "help" && key == "timaudit" {
            let about = get("help_command", lang).unwrap_or_default();
            let sc = sc.about(about);
            // `help help` lists the commands too.
            let sc = sc.mut_subcommands(|s| {
                let k = if s.get_name() == "help" {
                    "help_command"
                } else {
                    s.get_name()
                };
                match get(k, lang) {
                    Some(about) => s.about(about),
                    None => s,
                }
            });
            if lang == Lang::Ja {
                let t = template(&sc);
                return sc.help_template(t);
            }
            return sc;
        }
        let name = sc.get_name().to_string();
        localize(sc, &name, lang)
    })
}

fn localize_arg(a: Arg, key: &str, lang: Lang) -> Arg {
    let id = a.get_id().as_str().to_string();
    let Some(help) = get(&format!("{key}.{id}"), lang).or_else(|| get(&id, lang)) else {
        return a;
    };
    if lang == Lang::En {
        return a.help(help);
    }
    // clap writes `[default: …]` and `[possible values: …]` in English: written
    // here instead, in Japanese.
    let mut notes = Vec::new();
    if a.get_action().takes_values() {
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() && !a.is_hide_possible_values_set() {
            notes.push(format!(
                "{}: {}",
                get("possible_values", lang).unwrap_or_default(),
                values.join(", ")
            ));
        }
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !a.is_hide_default_value_set() {
            notes.push(format!(
                "{}: {}",
                get("default", lang).unwrap_or_default(),
                defaults.join(",")
            ));
        }
    }
    let help = if notes.is_empty() {
        help.to_string()
    } else {
        format!("{help} [{}]", notes.join("] ["))
    };
    a.help(help)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// clap's default help layout with the headings in Japanese; a heading is
/// written only when something is listed under it.
fn template(cmd: &Command) -> String {
    let h = |k: &str| get(k, Lang::Ja).unwrap_or_default();
    let mut t = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}",
        h("heading.usage")
    );
    if cmd
        .get_subcommands()
        .any(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        t += &format!("\n\n{}\n{{subcommands}}", h("heading.commands"));
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        t += &format!("\n\n{}\n{{positionals}}", h("heading.arguments"));
    }
    if cmd
        .get_arguments()
        .any(|a| !a.is_positional() && !a.is_hide_set())
    {
        t += &format!("\n\n{}\n{{options}}", h("heading.options"));
    }
    t + "{after-help}"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument and command a user can see has its text in the table, in
    /// both languages, the Japanese one actually Japanese; and every key of the
    /// table is used (no text left behind by a renamed option).
    #[test]
    fn every_cli_text_is_in_both_languages_and_every_key_is_used() {
        let mut used = std::collections::BTreeSet::from([
            "timaudit",
            "timaudit.after_help",
            "help_command",
            "heading.usage",
            "heading.arguments",
            "heading.options",
            "heading.commands",
            "default",
            "possible_values",
        ]);
        fn visit(
            cmd: &Command,
            key: &str,
            used: &mut std::collections::BTreeSet<&'static str>,
            missing: &mut Vec<String>,
        ) {
            for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                let id = a.get_id().as_str();
                let full = format!("{key}.{id}");
                match TEXTS.iter().find(|(k, _, _)| *k == full || *k == id) {
                    Some((k, _, _)) => {
                        used.insert(k);
                    }
                    None => missing.push(full),
                }
            }
            for sc in cmd.get_subcommands() {
                let name = sc.get_name();
                if name == "help" && key == "timaudit" {
                    continue;
                }
                match TEXTS.iter().find(|(k, _, _)| *k == name) {
                    Some((k, _, _)) => {
                        used.insert(k);
                    }
                    None => missing.push(name.to_string()),
                }
                visit(sc, name, used, missing);
            }
        }
        let mut cmd = <super::super::Cli as clap::CommandFactory>::command();
        cmd.build();
        let mut missing = Vec::new();
        visit(&cmd, "timaudit", &mut used, &mut missing);
        assert!(missing.is_empty(), "no text for {missing:?}");
        for (k, ja, en) in TEXTS {
            assert!(used.contains(k), "`{k}` is in the table but names nothing");
            assert!(!ja.trim().is_empty() && !en.trim().is_empty(), "{k}");
            assert!(
                ja.chars().any(|c| ('\u{3040}'..='\u{9fff}').contains(&c)),
                "`{k}`: the Japanese text has no Japanese: {ja}"
            );
            assert_ne!(ja, en, "{k}");
        }
        let keys: std::collections::BTreeSet<_> = TEXTS.iter().map(|(k, _, _)| k).collect();
        assert_eq!(keys.len(), TEXTS.len(), "a key is in the table twice");
    }

    #[test]
    fn lang_is_read_from_argv_before_the_locale() {
        let args = |a: &[&str]| -> Vec<OsString> {
            std::iter::once("timaudit")
                .chain(a.iter().copied())
                .map(OsString::from)
                .collect()
        };
        assert_eq!(lang_of(&args(&["audit", "--lang", "ja"])), Lang::Ja);
        assert_eq!(lang_of(&args(&["--lang=ja", "diff", "a", "b"])), Lang::Ja);
        assert_eq!(
            lang_of(&args(&["--lang", "ja", "audit", "--lang", "en"])),
            Lang::En
        );
        // After `--` it is an operand, not the option.
        assert_eq!(
            lang_of(&args(&["--lang", "en", "scan", "--", "--lang", "ja"])),
            Lang::En
        );
    }
}
