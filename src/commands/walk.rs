//! The walk as the commands use it: `timaudit scan` and the walk inside `audit`.

use crate::cli::{AuditArgs, ScanArgs, WalkArgs};
use crate::collect::Facts;
use crate::collect::accounts::Accounts;
use crate::collect::walk::{GapKind, RootKind, ShareFacts, WalkInput, WalkOptions, WalkRoot, gaps};
use crate::commands::{EXIT_FINDINGS, EXIT_OK, Fatal};
use crate::i18n::Text;
use crate::profile::Profile;
use crate::rootfs::RootFs;
use std::io::Write;

fn options(w: &WalkArgs, no_hash: bool, lang: crate::i18n::Lang) -> WalkOptions {
    WalkOptions {
        hash: !no_hash,
        cross_filesystems: w.cross_filesystems,
        jobs: w.jobs.unwrap_or(0),
        progress: true,
        lang,
        reuse: None,
        findings_list: false,
    }
}

/// How many walk problems `audit` names on stderr.
const PROBLEMS_SHOWN: usize = 20;

/// The walk problems, one line each, in `lang`, with how many problems each line
/// stands for beyond itself (an "and N more" line: N; a problem's own line: 0).
fn problem_lines(f: &ShareFacts, lang: crate::i18n::Lang) -> Vec<(String, u64)> {
    use crate::collect::walk::read::io_message_ja;
    let show = crate::report::one_line;
    let mut out = Vec::new();
    // Every line is a warning: the walk goes on, the report lists them under coverage.
    let (wj, we) = (
        super::warning_prefix(crate::i18n::Lang::Ja),
        super::warning_prefix(crate::i18n::Lang::En),
    );
    let gaps = f.gaps.select(gaps::ALL, gaps::KINDS);
    for g in &gaps.sample {
        let (p, e) = (show(&g.path.path), &g.error);
        let line = match g.what {
            GapKind::OtherFilesystem => Text::new(
                format!(
                    "{wj}{p}: 別のファイルシステムがマウントされているため走査していません（走査するには --cross-filesystems、除外するには scope.exclude）"
                ),
                format!("{we}{p}: not walked: {e}"),
            ),
            _ => Text::new(
                format!("{wj}{p}: 読み取れません: {}", io_message_ja(e)),
                format!("{we}{p}: could not be read: {e}"),
            ),
        };
        out.push((line.get(lang).to_string(), 0));
    }
    let unread = ["読み取れなかったパス", "paths that could not be read"];
    push_more(&mut out, gaps.more(), gaps.count as usize, unread, lang);
    for v in &f.vanished {
        let p = show(&v.path);
        let line = Text::new(
            format!("{wj}{p}: 走査中に消えました"),
            format!("{we}{p}: vanished during the walk"),
        );
        out.push((line.get(lang).to_string(), 0));
    }
    push_more(
        &mut out,
        f.vanished.more(),
        f.vanished.len(),
        ["消えたパス", "vanished paths"],
        lang,
    );
    for (p, of) in &f.loops {
        let (p, of) = (show(&p.path), show(&of.path));
        let line = Text::new(
            format!(
                "{wj}{p}: ファイルシステムのループ（{of} と同じフォルダー）のため、もう一度は走査しません"
            ),
            format!("{we}{p}: filesystem loop (same directory as {of}); not walked again"),
        );
        out.push((line.get(lang).to_string(), 0));
    }
    push_more(
        &mut out,
        f.loops.more(),
        f.loops.len(),
        ["ループ", "filesystem loops"],
        lang,
    );
    out
}

/// Adds the "and N more" line of one sort of problem when some were not kept.
fn push_more(
    out: &mut Vec<(String, u64)>,
    more: u64,
    total: usize,
    [ja, en]: [&str; 2],
    lang: crate::i18n::Lang,
) {
    if more > 0 {
        out.push((more_line(more, total, ja, en, lang), more));
    }
}

/// "and N more": the line that stands for the walk problems of one sort not
/// kept (the walk keeps the first `findings::KEPT` by path and counts the rest).
fn more_line(more: u64, total: usize, ja: &str, en: &str, lang: crate::i18n::Lang) -> String {
    let kept = total as u64 - more;
    Text::new(
        format!(
            "{}{ja}はほか {more} 件（全 {total} 件のうちパス順の最初の {kept} 件のみ記載）",
            super::warning_prefix(crate::i18n::Lang::Ja)
        ),
        format!(
            "{}and {more} more {en} (only the first {kept} of {total}, by path, are listed)",
            super::warning_prefix(crate::i18n::Lang::En)
        ),
    )
    .get(lang)
    .to_string()
}

/// Prints the walk problems on stderr: every one (`scan`), or the first `limit`
/// and how many more (`audit`, whose report lists them under coverage).
fn print_problems(f: &ShareFacts, lang: crate::i18n::Lang, limit: Option<usize>) {
    let lines = problem_lines(f, lang);
    let more = match limit {
        None => {
            for (l, _) in &lines {
                eprintln!("{l}");
            }
            0
        }
        // The first problems, then one count for the rest (and those not kept).
        Some(limit) => {
            let own: Vec<&String> = lines.iter().filter(|l| l.1 == 0).map(|l| &l.0).collect();
            let shown = limit.min(own.len());
            for l in &own[..shown] {
                eprintln!("{l}");
            }
            (own.len() - shown) as u64 + lines.iter().map(|l| l.1).sum::<u64>()
        }
    };
    if more > 0 {
        eprintln!(
            "{}",
            Text::new(
                format!("注意: ほか {more} 件（報告書の「調査範囲」を参照）"),
                format!("warning: and {more} more (see the report's coverage)"),
            )
            .get(lang)
        );
    }
    let n = crate::rootfs::NOATIME_REFUSED.load(std::sync::atomic::Ordering::Relaxed);
    if n > 0 {
        eprintln!(
            "{}",
            Text::new(
                format!(
                    "注意: 所有者でないため {n} 件のフォルダー・ファイルを O_NOATIME なしで読みました。これらの最終アクセス日時が変わった可能性があります（root で実行すると変わりません）"
                ),
                format!(
                    "warning: {n} folders and files not owned by this user were read without O_NOATIME; their access times may have changed (run as root to leave them as they were)"
                ),
            )
            .get(lang)
        );
    }
}

/// `timaudit scan PATH...`: the inventory as JSON Lines on stdout, sorted by path.
/// Exit code 0 when everything was read, 1 when some paths could not be read
/// (each named on stderr), 2 when the run could not be done.
pub fn cmd_scan(a: ScanArgs, lang: crate::i18n::Lang) -> Result<i32, Fatal> {
    let cat = crate::catalogue::Catalogue::builtin();
    let (profile, _) = crate::commands::load_profile(a.profile.as_deref(), cat, lang)?;
    crate::commands::check_root(&a.root, lang)?;
    let fs = RootFs::new(&a.root);
    let accounts = match Accounts::load(&fs) {
        Ok(acc) => Some(acc),
        Err(e) => {
            let msg = crate::tr!(
                "監査対象のアカウント情報を読み取れません（{e}）。ユーザー名・グループ名は null になります",
                "{e}; user and group names are null"
            );
            eprintln!("{}{}", crate::commands::warning_prefix(lang), msg.get(lang));
            None
        }
    };
    let roots = crate::collect::walk::dedupe_roots(
        a.paths
            .iter()
            .map(|p| WalkRoot {
                host: crate::collect::walk::host_arg(p, &a.root),
                kind: RootKind::Scan,
            })
            .collect(),
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let checks = crate::rules::file_checks();
    let input = WalkInput {
        fs: &fs,
        profile: &profile,
        accounts: accounts.as_ref(),
        checks: &checks,
        roots,
        options: options(&a.walk, a.no_hash, lang),
    };
    let facts = match crate::collect::walk::run(input, Some(&mut out)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(EXIT_OK),
        Err(e) => {
            return Err(Fatal::text(
                crate::tr!(
                    "inventory を書き込めません: {e}",
                    "cannot write the inventory: {e}"
                ),
                lang,
            ));
        }
    };
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(Fatal::text(
                crate::tr!(
                    "標準出力に書き込めません: {e}",
                    "cannot write to stdout: {e}"
                ),
                lang,
            ));
        }
        _ => {}
    }
    print_problems(&facts, lang, None);
    Ok(if facts.incomplete() {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// The walk of `audit`: shares, `--scan` paths and the register's folders; the
/// inventory goes to `inventory` when given (`DIR/inventory.jsonl` with `--out`).
#[allow(clippy::too_many_arguments)]
pub fn audit_walk(
    fs: &RootFs,
    profile: &Profile,
    facts: &Facts,
    a: &AuditArgs,
    inventory: Option<std::fs::File>,
    reuse: Option<std::sync::Arc<crate::collect::walk::reuse::HashCache>>,
    warnings: &mut Vec<String>,
    lang: crate::i18n::Lang,
) -> Result<ShareFacts, Fatal> {
    let scans: Vec<Vec<u8>> = a
        .scan
        .iter()
        .map(|p| crate::collect::walk::host_arg(p, a.root()))
        .collect();
    let roots = crate::collect::walk::audit_roots(profile, &scans);
    let mut file = inventory.map(|f| std::io::BufWriter::with_capacity(1 << 20, f));
    let checks = crate::rules::file_checks();
    let input = WalkInput {
        fs,
        profile,
        accounts: facts.accounts.as_ref().ok(),
        checks: &checks,
        roots,
        options: WalkOptions {
            reuse,
            // The full list of findings goes into the bundle (findings.jsonl).
            findings_list: a.out.is_some(),
            ..options(&a.walk, a.no_hash, lang)
        },
    };
    let out = file.as_mut().map(|f| f as &mut dyn Write);
    let cannot_write = |e: std::io::Error| {
        Fatal::text(
            crate::tr!(
                "inventory を書き込めません: {e}",
                "cannot write the inventory: {e}"
            ),
            lang,
        )
    };
    let sf = crate::collect::walk::run(input, out).map_err(cannot_write)?;
    if let Some(mut f) = file {
        f.flush().map_err(cannot_write)?;
    }
    print_problems(&sf, lang, Some(PROBLEMS_SHOWN));
    let unread = sf.gaps.select(gaps::UNREAD, gaps::KINDS).count;
    if unread > 0 {
        let (paths, them) = (
            crate::i18n::en_n(unread, "path", "paths"),
            crate::i18n::en_n(unread, "it", "them"),
        );
        warnings.push(
            Text::new(
                format!("走査中に {unread} 件のパスを読み取れませんでした（報告書の「調査範囲」を参照）。それに依存する項目は適合ではなく判定不能になります"),
                format!("{unread} {paths} could not be read during the walk (see coverage); items that depend on {them} are error, never pass"),
            )
            .get(lang)
            .to_string(),
        );
    }
    let mounts = sf.gaps.total() - unread;
    if mounts > 0 {
        let points = crate::i18n::en_n(mounts, "mount point was", "mount points were");
        warnings.push(
            Text::new(
                format!("{mounts} 件のマウントポイント（別のファイルシステム）の中は走査していません（coverage.other_filesystems を参照）。--cross-filesystems で走査するか、scope.exclude で除外してください"),
                format!("{mounts} {points} not entered (see coverage.other_filesystems); use --cross-filesystems or scope.exclude"),
            )
            .get(lang)
            .to_string(),
        );
    }
    Ok(sf)
}
