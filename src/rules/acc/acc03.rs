//! The Windows half of ACC-03: no broad principal can read protected Windows
//! paths, from the icacls exports in the evidence. The Linux half (modes and
//! POSIX ACLs) belongs to the file-share walk; [`merge`] combines the two.

use crate::collect::host::path_at_or_below;
use crate::collect::host::windows::norm_win;
use crate::collect::walk::Finding;
use crate::collect::walk::check::{FileCheck, FileFacts};
use crate::i18n::en_n;
use crate::rules::kit::host::*;
use crate::rules::kit::shares::*;
use crate::tr;

/// What a broad principal must not be granted on protected Windows paths:
/// read (ACC-03, WIN-ACL-001) or write (ACC-11, WIN-ACL-002).
pub struct WinAccess {
    /// The policy the findings cite.
    pub policy: &'static str,
    /// Does the ACE grant it?
    pub grants: fn(&crate::collect::host::windows::icacls::Ace) -> bool,
    /// "読み取れます" / "can read".
    pub can: (&'static str, &'static str),
    /// "読める" / "read": in "全員が読める ACE", "let everyone read".
    pub verb: (&'static str, &'static str),
    /// "readable" / "writable" (English only: "none readable by everyone").
    pub none_en: &'static str,
    /// The pass reason.
    pub ok: (&'static str, &'static str),
}

pub const READ: WinAccess = WinAccess {
    policy: "WIN-ACL-001",
    grants: |a| a.grants_read(),
    can: ("読み取れます", "can read"),
    verb: ("読める", "read"),
    none_en: "readable",
    ok: (
        "Windows 上の保護対象を Everyone・Users などの広いグループが読めるアクセス権はありません",
        "no broad group (Everyone, Users…) can read protected Windows paths",
    ),
};

/// Findings for the Windows asset paths; `None` when the register has none.
pub fn acc03_windows(ctx: &Context) -> Option<Outcome> {
    broad_windows_access(ctx, &READ)
}

/// Findings for the Windows asset paths: no broad principal is granted
/// `access`; `None` when the register has none.
pub fn broad_windows_access(ctx: &Context, access: &WinAccess) -> Option<Outcome> {
    let id = access.policy;
    let (can_ja, can_en) = access.can;
    let (verb_ja, verb_en) = access.verb;
    let none_en = access.none_en;
    let assets = windows_asset_paths(ctx);
    if assets.is_empty() {
        return None;
    }
    let hosts: &[WindowsHost] = ctx
        .facts
        .host
        .as_ref()
        .map(|h| h.windows.as_slice())
        .unwrap_or(&[]);
    let mut parts: Vec<Alt> = Vec::new();
    for (label, pattern) in &assets {
        let norm = norm_win(pattern);
        let base = crate::collect::host::asset_base(&norm);
        let matcher = globset::GlobBuilder::new(&norm)
            .case_insensitive(true)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher());
        let Ok(matcher) = matcher else {
            parts.push(Alt::new(
                Status::Error,
                tr!(
                    "{label} のパス {pattern} をパターンとして読めません",
                    "cannot read {label}'s path {pattern} as a pattern"
                ),
            ));
            continue;
        };
        let mut covered = false;
        let mut matched = 0usize;
        let mut bad: Vec<Evidence> = Vec::new();
        let mut errors: Vec<Alt> = Vec::new();
        for w in hosts {
            let files = match &w.acls {
                None => continue,
                Some(Err(e)) => {
                    errors.push(Alt::error(e));
                    continue;
                }
                Some(Ok(f)) => f,
            };
            for f in files {
                let f = match f {
                    Ok(f) => f,
                    Err(e) => {
                        // Which folder a broken export covered is unknown: it
                        // is an error for every asset (a proven violation
                        // elsewhere still wins, see `worse`).
                        errors.push(Alt::error(e));
                        continue;
                    }
                };
                let root = f.entries.first().map(|e| norm_win(&e.path));
                let this_covers = root
                    .as_ref()
                    .is_some_and(|r| path_at_or_below(&base, r) || path_at_or_below(r, &base));
                if !this_covers {
                    continue;
                }
                covered = true;
                if let Some((n, l)) = &f.failed
                    && *n > 0
                {
                    errors.push(
                        Alt::new(
                            Status::Error,
                            tr!(
                                "icacls が {n} 件のファイルを読めませんでした（{}）",
                                "icacls could not read {n} files ({})",
                                l.at()
                            ),
                        )
                        .ev(line_ev(
                            l,
                            id,
                            Text::new("読み取れなかったファイル", "files not processed"),
                        ))
                        .evs(
                            f.errors
                                .iter()
                                .map(|e| line_ev(e, id, Text::new("読み取りエラー", "read error"))),
                        ),
                    );
                }
                for e in &f.entries {
                    let np = norm_win(&e.path);
                    if !matcher.is_match(&np) && np != norm_win(pattern) {
                        continue;
                    }
                    matched += 1;
                    for ace in e
                        .aces
                        .iter()
                        .filter(|a| a.broad_principal() && (access.grants)(a))
                    {
                        let (p, path) = (&ace.principal, &e.path);
                        bad.push(
                            line_ev(
                                &ace.line,
                                id,
                                tr!("{path}: {p} が{can_ja}", "{path}: {p} {can_en}"),
                            )
                            .principal(p.clone())
                            .asset(label.clone()),
                        );
                    }
                }
            }
        }
        let had_errors = !errors.is_empty();
        parts.extend(errors);
        if !covered {
            parts.push(
                Alt::new(
                    Status::Error,
                    tr!(
                        "{label}（{pattern}）のアクセス権の証跡（acl/*.txt の icacls 出力）がありません",
                        "there is no ACL evidence (icacls output in acl/*.txt) for {label} ({pattern})"
                    ),
                )
                .ev(Evidence::new(EvidenceKind::Asset).asset(label.clone()).path(pattern.clone()).detail(pol(id, Text::new("証跡がありません", "no evidence")))),
            );
        } else if matched == 0 && !had_errors {
            // The icacls output covers the folder but lists nothing that matches
            // the asset (run without /t, or truncated): nothing was checked.
            parts.push(
                Alt::new(
                    Status::Error,
                    tr!(
                        "{label}（{pattern}）に一致するファイルが acl/*.txt の icacls 出力にありません（icacls を /t 付きで実行してください）",
                        "the icacls output in acl/*.txt lists nothing matching {label} ({pattern}); run icacls with /t"
                    ),
                )
                .ev(Evidence::new(EvidenceKind::Asset).asset(label.clone()).path(pattern.clone()).detail(pol(id, Text::new("確認できたエントリ 0 件", "0 entries checked")))),
            );
        } else if !bad.is_empty() {
            let n = bad.len();
            let aces = if n == 1 { "ACE lets" } else { "ACEs let" };
            parts.push(
                Alt::new(
                    Status::Fail,
                    Text::new(
                        format!(
                            "{label} の Windows 上の保護対象に、全員が{verb_ja} ACE が {n} 件あります"
                        ),
                        format!("{label}: {n} {aces} everyone {verb_en} protected Windows paths"),
                    ),
                )
                .evs(bad),
            );
        } else {
            parts.push(
                Alt::new(Status::Pass, Text::default()).ev(Evidence::new(EvidenceKind::Asset)
                    .asset(label.clone())
                    .path(pattern.clone())
                    .detail(pol(
                        id,
                        tr!(
                            "{matched} 件を確認、全員が{verb_ja} ACE なし",
                            "{matched} entries checked, none {none_en} by everyone"
                        ),
                    ))),
            );
        }
    }
    Some(all_of(parts, Text::new(access.ok.0, access.ok.1)))
}

/// ACC-03: the file-share walk's result combined with the Windows evidence.
pub fn merge(linux: Outcome, ctx: &Context) -> Outcome {
    let Some(win) = acc03_windows(ctx) else {
        return linux;
    };
    if linux.status == Status::NotApplicable {
        return win;
    }
    let status = worse(linux.status, win.status);
    let mut reason = linux.reason.clone();
    if win.status != Status::Pass || status == Status::Pass {
        reason = reason.join(&Text::new(
            format!("Windows：{}", win.reason.ja),
            format!("Windows: {}", win.reason.en),
        ));
    }
    let mut evidence = linux.evidence;
    evidence.extend(win.evidence);
    Outcome {
        status,
        reason,
        evidence,
    }
}

pub static RULE: ItemRule = ItemRule::new(ItemId::Acc03, eval).file_check(&WorldReadable);

/// The file-share walk's result, plus the Windows evidence (icacls).
fn eval(ctx: &Context, done: &Done) -> Outcome {
    merge(acc03_shares(ctx, done), ctx)
}

fn acc03_shares(ctx: &Context, _: &Done) -> Outcome {
    let sf = match walked_facts(ctx) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let p = sf.counts.protected;
    if p == 0 {
        return with_asset_gaps(sf, no_protected(), DIRS);
    }
    let o = if sf.findings(ItemId::Acc03).is_empty() {
        Outcome::pass(Text::new(
            format!("保護対象ファイル {p} 件のうち、誰でも読めるものはありません"),
            format!(
                "{} readable by everyone",
                en_n(
                    p,
                    "the protected file is not",
                    &format!("none of the {p} protected files is")
                )
            ),
        ))
    } else {
        let n = sf.findings(ItemId::Acc03).total();
        Outcome::fail(Text::new(
            format!("誰でも読める保護対象ファイルが {n} 件あります"),
            format!(
                "{n} protected {} readable by everyone",
                en_n(n, "file is", "files are")
            ),
        ))
        .with(findings_evidence(sf.findings(ItemId::Acc03), ALL))
    };
    with_asset_gaps(sf, o, DIRS)
}

/// A protected file everyone can read: other may read it and pass through every
/// folder from the share root down.
struct WorldReadable;

impl FileCheck for WorldReadable {
    fn id(&self) -> ItemId {
        ItemId::Acc03
    }

    fn on_file(&self, f: &FileFacts, out: &mut Vec<Finding>) {
        if !f.protected() || f.mode & 0o004 == 0 || !f.others_x {
            return;
        }
        let mode = format!("{:04o}", f.mode & 0o7777);
        let mut x = finding(
            f,
            tr!(
                "mode {mode}：other（全員）が読み取れ、共有ルートから親フォルダまで全員が通過（o+x）できます",
                "mode {mode}, other can read, and every folder from the share root down lets others through (o+x)"
            ),
        );
        x.excerpt = Some(symbolic(f.mode));
        out.push(x);
    }
}
