//! The Windows half of ACC-03: no broad principal can read protected Windows
//! paths, from the icacls exports in the evidence. The Linux half (modes and
//! POSIX ACLs) belongs to the file-share walk; [`merge`] combines the two.

use crate::collect::host::path_at_or_below;
use crate::collect::host::windows::icacls::{Ace, Icacls};
use crate::collect::host::windows::norm_win;
use crate::collect::walk::Finding;
use crate::collect::walk::check::{FileCheck, FileFacts};
use crate::i18n::en_n;
use crate::rules::kit::host::*;
use crate::rules::kit::shares::*;
use crate::tr;

/// What a broad principal must not be granted on protected Windows paths:
/// read (ACC-03, WIN-ACL-001) or write (ACC-11, WIN-ACL-002). Who is broad and
/// which rights count come from the policy (see [`BroadPolicy`]).
pub struct WinAccess {
    /// The policy the findings cite and whose lists decide.
    pub policy: &'static str,
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
    can: ("読み取れます", "can read"),
    verb: ("読める", "read"),
    none_en: "readable",
    ok: (
        "Windows 上の保護対象を Everyone・Users などの広いグループが読めるアクセス権はありません",
        "no broad group (Everyone, Users…) can read protected Windows paths",
    ),
};

/// What an `icacls_broad` (WIN-ACL-001) or `icacls_broad_write` (WIN-ACL-002)
/// policy names: the evidence folder of icacls exports, the broad principals
/// and SIDs, and the rights they must not be granted.
pub struct BroadPolicy {
    pub dir: &'static str,
    pub principals: &'static [String],
    pub sids: &'static [String],
    pub rights: &'static [String],
}

/// Policy `id`'s lists; `None` when it is not an icacls check.
pub fn broad_policy(id: &str) -> Option<BroadPolicy> {
    match &policy(id).check {
        Check::IcaclsBroad {
            dir,
            principals,
            sids,
            read_rights,
        } => Some(BroadPolicy {
            dir,
            principals,
            sids,
            rights: read_rights,
        }),
        Check::IcaclsBroadWrite {
            dir,
            principals,
            sids,
            write_rights,
        } => Some(BroadPolicy {
            dir,
            principals,
            sids,
            rights: write_rights,
        }),
        _ => None,
    }
}

impl BroadPolicy {
    /// Is `principal` (as icacls prints it: `*` before a SID it could not
    /// resolve) one of the policy's broad principals, by name or SID?
    pub fn broad(&self, principal: &str) -> bool {
        let p = principal.trim().trim_start_matches('*');
        principal_in(p, self.principals) || principal_in(p, self.sids)
    }

    /// Does the ACE grant a broad principal one of the rights?
    fn grants(&self, ace: &Ace) -> bool {
        self.broad(&ace.principal) && ace.grants_any(self.rights)
    }
}

/// Is `principal` broad under policy `id` (WIN-ACL-001 or WIN-ACL-002)?
pub fn broad(principal: &str, id: &str) -> bool {
    broad_policy(id).is_some_and(|b| b.broad(principal))
}

/// Findings for the Windows asset paths; `None` when the register has none.
pub fn acc03_windows(ctx: &Context) -> Option<Outcome> {
    broad_windows_access(ctx, &READ)
}

/// Findings for the Windows asset paths: no broad principal is granted
/// `access`; `None` when the register has none.
pub fn broad_windows_access(ctx: &Context, access: &WinAccess) -> Option<Outcome> {
    let assets = windows_asset_paths(ctx);
    if assets.is_empty() {
        return None;
    }
    let Some(bp) = broad_policy(access.policy) else {
        let id = access.policy;
        return Some(Outcome::error(Text::same(format!("policy {id} is broken"))));
    };
    let hosts: &[WindowsHost] = ctx
        .facts
        .host
        .as_ref()
        .map(|h| h.windows.as_slice())
        .unwrap_or(&[]);
    let mut parts: Vec<Alt> = Vec::new();
    for (label, pattern) in &assets {
        let asset = WinAsset {
            access,
            policy: &bp,
            label,
            pattern,
        };
        parts.extend(asset.check(hosts));
    }
    Some(all_of(parts, Text::new(access.ok.0, access.ok.1)))
}

/// One asset path checked against the icacls exports of every host.
struct WinAsset<'a> {
    access: &'a WinAccess,
    policy: &'a BroadPolicy,
    label: &'a String,
    pattern: &'a String,
}

/// What the exports say about one asset path.
#[derive(Default)]
struct Scan {
    /// Some export's folder is at, above or below the asset's base.
    covered: bool,
    /// Entries matching the asset path.
    matched: usize,
    /// ACEs granting a broad principal the access.
    bad: Vec<Evidence>,
    /// Broken exports, and files icacls could not read.
    errors: Vec<Alt>,
}

impl WinAsset<'_> {
    /// The asset's parts of the verdict: errors first, then one verdict.
    fn check(&self, hosts: &[WindowsHost]) -> Vec<Alt> {
        let (label, pattern) = (self.label, self.pattern);
        let norm = norm_win(pattern);
        let matcher = globset::GlobBuilder::new(&norm)
            .case_insensitive(true)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher());
        let Ok(matcher) = matcher else {
            return vec![Alt::new(
                Status::Error,
                tr!(
                    "{label} のパス {pattern} をパターンとして読めません",
                    "cannot read {label}'s path {pattern} as a pattern"
                ),
            )];
        };
        let base = crate::collect::host::asset_base(&norm);
        let mut scan = Scan::default();
        for w in hosts {
            match &w.acls {
                None => {}
                // Which folder a broken export covered is unknown: it is an
                // error for every asset (a proven violation elsewhere still
                // wins, see `worse`).
                Some(Err(e)) => scan.errors.push(Alt::error(e)),
                Some(Ok(files)) => {
                    for f in files {
                        match f {
                            Ok(f) => self.scan_export(f, &base, &matcher, &mut scan),
                            Err(e) => scan.errors.push(Alt::error(e)),
                        }
                    }
                }
            }
        }
        let had_errors = !scan.errors.is_empty();
        let mut parts = std::mem::take(&mut scan.errors);
        parts.push(self.verdict(scan, had_errors));
        parts
    }

    /// One icacls export: skipped unless its folder covers the asset's base;
    /// else its failures and the matching entries' broad ACEs.
    fn scan_export(&self, f: &Icacls, base: &str, matcher: &globset::GlobMatcher, scan: &mut Scan) {
        let root = f.entries.first().map(|e| norm_win(&e.path));
        let covers = root
            .as_ref()
            .is_some_and(|r| path_at_or_below(base, r) || path_at_or_below(r, base));
        if !covers {
            return;
        }
        scan.covered = true;
        if let Some(alt) = self.failures(f) {
            scan.errors.push(alt);
        }
        let (can_ja, can_en) = self.access.can;
        let id = self.access.policy;
        let pattern = norm_win(self.pattern);
        for e in &f.entries {
            let np = norm_win(&e.path);
            if !matcher.is_match(&np) && np != pattern {
                continue;
            }
            scan.matched += 1;
            for ace in e.aces.iter().filter(|a| self.policy.grants(a)) {
                let (p, path) = (&ace.principal, &e.path);
                scan.bad.push(
                    line_ev(
                        &ace.line,
                        id,
                        tr!("{path}: {p} が{can_ja}", "{path}: {p} {can_en}"),
                    )
                    .principal(p.clone())
                    .asset(self.label.clone()),
                );
            }
        }
    }

    /// The export's summary counts files icacls could not read: an error,
    /// with the lines naming them.
    fn failures(&self, f: &Icacls) -> Option<Alt> {
        let id = self.access.policy;
        let (n, l) = f.failed.as_ref().filter(|(n, _)| *n > 0)?;
        Some(
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
        )
    }

    /// The asset's verdict: no evidence, nothing matched, broad ACEs, or pass.
    fn verdict(&self, scan: Scan, had_errors: bool) -> Alt {
        let (label, pattern) = (self.label, self.pattern);
        let id = self.access.policy;
        let dir = self.policy.dir;
        let asset_ev = |t: Text| {
            Evidence::new(EvidenceKind::Asset)
                .asset(label.clone())
                .path(pattern.clone())
                .detail(pol(id, t))
        };
        let (verb_ja, verb_en) = self.access.verb;
        let none_en = self.access.none_en;
        let matched = scan.matched;
        if !scan.covered {
            Alt::new(
                Status::Error,
                tr!(
                    "{label}（{pattern}）のアクセス権の証跡（{dir}/*.txt の icacls 出力）がありません",
                    "there is no ACL evidence (icacls output in {dir}/*.txt) for {label} ({pattern})"
                ),
            )
            .ev(asset_ev(Text::new("証跡がありません", "no evidence")))
        } else if matched == 0 && !had_errors {
            // The icacls output covers the folder but lists nothing that
            // matches the asset (run without /t, or truncated): nothing was
            // checked.
            Alt::new(
                Status::Error,
                tr!(
                    "{label}（{pattern}）に一致するファイルが {dir}/*.txt の icacls 出力にありません（icacls を /t 付きで実行してください）",
                    "the icacls output in {dir}/*.txt lists nothing matching {label} ({pattern}); run icacls with /t"
                ),
            )
            .ev(asset_ev(Text::new("確認できたエントリ 0 件", "0 entries checked")))
        } else if !scan.bad.is_empty() {
            let n = scan.bad.len();
            let aces = if n == 1 { "ACE lets" } else { "ACEs let" };
            Alt::new(
                Status::Fail,
                Text::new(
                    format!(
                        "{label} の Windows 上の保護対象に、全員が{verb_ja} ACE が {n} 件あります"
                    ),
                    format!("{label}: {n} {aces} everyone {verb_en} protected Windows paths"),
                ),
            )
            .evs(scan.bad)
        } else {
            Alt::new(Status::Pass, Text::default()).ev(asset_ev(tr!(
                "{matched} 件を確認、全員が{verb_ja} ACE なし",
                "{matched} entries checked, none {none_en} by everyone"
            )))
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_principals_are_the_policy_names_and_sids_as_icacls_prints_them() {
        for id in ["WIN-ACL-001", "WIN-ACL-002"] {
            for p in [
                "Everyone",
                "NT AUTHORITY\\Authenticated Users",
                "Authenticated Users",
                "BUILTIN\\Users",
                "CONTOSO\\Domain Users",
                "*S-1-1-0",
                "S-1-5-11",
                "S-1-5-21-1004336348-1177238915-682003330-513",
            ] {
                assert!(broad(p, id), "{id}: {p}");
            }
            for p in [
                "Users",
                "CONTOSO\\Everyone",
                "CONTOSO\\design",
                "BUILTIN\\Administrators",
                "S-1-5-21-1004336348-1177238915-682003330-1105",
            ] {
                assert!(!broad(p, id), "{id}: {p}");
            }
        }
        let read = broad_policy("WIN-ACL-001").unwrap();
        let write = broad_policy("WIN-ACL-002").unwrap();
        assert!(read.rights.iter().any(|r| r == "RX"));
        assert!(!write.rights.iter().any(|r| r == "RX"));
        assert!(broad_policy("WIN-SHR-001").is_none());
    }
}
