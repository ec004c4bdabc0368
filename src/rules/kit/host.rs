//! Host-setting items (ITS-01 … ITS-11, ACC-04, and the Windows half of ACC-03),
//! decided from `collect::host` facts with the policies in `policies/`.
//!
//! Every host the run covers (the Linux root, each Windows evidence folder) gets
//! its own verdict; an item passes when every host that has the item's sources
//! passes, and is not_applicable when no host has any of them (see
//! docs/host-settings.md).

// The rule files of the host items start with `use crate::rules::kit::host::*;`:
// these imports are their prelude.
pub use super::common::missing_collector;
pub use crate::catalogue::policies::{Check, Policy, policy};
pub use crate::collect::host::conf::{FileRef, HostError, Line};
pub use crate::collect::host::linux::LinuxFacts;
pub use crate::collect::host::windows::WindowsHost;
pub use crate::i18n::Text;
pub use crate::model::{Evidence, EvidenceKind, Outcome, Status};
pub use crate::rules::{Context, Done, ItemId, ItemRule};

/// One host's verdict on an item.
pub enum Verdict {
    /// None of the item's sources exists on this host (with where we looked).
    NoSource(Text),
    Decided(Outcome),
}

/// Evaluates an item on every covered host and combines the verdicts.
pub fn per_host(
    ctx: &Context,
    linux: impl Fn(&LinuxFacts) -> Verdict,
    windows: impl Fn(&WindowsHost) -> Verdict,
) -> Outcome {
    let Some(hf) = &ctx.facts.host else {
        return missing_collector("ホスト設定", "host settings");
    };
    let mut results: Vec<(String, Verdict)> = Vec::new();
    if let Some(lx) = &hf.linux {
        results.push((ctx.facts.hostname.clone(), linux(lx)));
    }
    for w in &hf.windows {
        results.push((w.name.clone(), windows(w)));
    }
    combine(results)
}

pub fn combine(results: Vec<(String, Verdict)>) -> Outcome {
    let several = results.len() > 1;
    let mut none_reasons: Vec<Text> = Vec::new();
    let mut decided: Vec<(String, Outcome)> = Vec::new();
    for (host, v) in results {
        match v {
            Verdict::NoSource(t) => none_reasons.push(if several { prefix(&host, &t) } else { t }),
            Verdict::Decided(o) => decided.push((host, o)),
        }
    }
    if decided.is_empty() {
        let mut reason = Text::default();
        for t in &none_reasons {
            if !reason.ja.contains(&t.ja) {
                reason = reason.join(t);
            }
        }
        if reason.is_empty() {
            reason = Text::new(
                "対象のホストがありません",
                "no host was covered by this run",
            );
        }
        return Outcome::na(reason);
    }
    let mut status = Status::Pass;
    let mut reason = Text::default();
    let mut evidence = Vec::new();
    // With several hosts each reason says whose it is, even when only one of
    // them has the item (the others are not applicable).
    for (host, o) in decided {
        status = worse(status, o.status);
        reason = reason.join(&if several {
            prefix(&host, &o.reason)
        } else {
            o.reason
        });
        evidence.extend(o.evidence);
    }
    Outcome {
        status,
        reason,
        evidence,
    }
}

fn prefix(host: &str, t: &Text) -> Text {
    let host = crate::collect::host_label(host);
    Text::new(
        format!("{}：{}", host.ja, t.ja),
        format!("{}: {}", host.en, t.en),
    )
}

/// One way an item can be met on a host (one policy's result).
pub struct Alt {
    pub status: Status,
    pub reason: Text,
    pub evidence: Vec<Evidence>,
}

impl From<Outcome> for Alt {
    fn from(o: Outcome) -> Alt {
        Alt {
            status: o.status,
            reason: o.reason,
            evidence: o.evidence,
        }
    }
}

impl Alt {
    pub fn new(status: Status, reason: Text) -> Alt {
        Alt {
            status,
            reason,
            evidence: Vec::new(),
        }
    }
    pub fn ev(mut self, e: Evidence) -> Alt {
        self.evidence.push(e);
        self
    }
    pub fn evs(mut self, e: impl IntoIterator<Item = Evidence>) -> Alt {
        self.evidence.extend(e);
        self
    }
    pub fn error(e: &HostError) -> Alt {
        Alt::new(Status::Error, e.text()).ev(e.evidence())
    }
}

/// "Any of these": pass when one passes; else error when one could not be
/// assessed; else partial when one is partial; else fail (with `nothing` when
/// no mechanism was found at all).
pub fn any_of(alts: Vec<Alt>, nothing: Text, looked: Vec<Evidence>) -> Outcome {
    if alts.is_empty() {
        return Outcome::fail(nothing).with(looked);
    }
    let pick = |s: Status| alts.iter().any(|a| a.status == s);
    let status = if pick(Status::Pass) {
        Status::Pass
    } else if pick(Status::Error) {
        Status::Error
    } else if pick(Status::Partial) {
        Status::Partial
    } else {
        Status::Fail
    };
    let mut reason = Text::default();
    let mut evidence = Vec::new();
    for a in alts {
        if status == Status::Pass && a.status != Status::Pass {
            // Files that could not be read stay visible beside the pass.
            if a.status == Status::Error {
                evidence.extend(a.evidence);
            }
            continue;
        }
        reason = reason.join(&a.reason);
        evidence.extend(a.evidence);
    }
    Outcome {
        status,
        reason,
        evidence,
    }
}

/// How the parts of one item (and the hosts of one run) combine: a proven
/// `fail` beats an `error` (a part that could not be read cannot undo a
/// violation another part proved), an `error` beats `partial` and `pass` (the
/// unread part may hide a violation). `not_applicable` and `unanswered` parts
/// do not count. Written down in docs/windows-evidence.md ("Combining").
pub fn worse(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Fail => 4,
        Status::Error => 3,
        Status::Partial => 2,
        // A computed part is never `alternative` (only an answer is); ranked as pass.
        Status::Pass | Status::Alternative => 1,
        Status::NotApplicable | Status::Unanswered => 0,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// "All of these": the worst part decides ([`worse`]); reasons of the
/// non-passing ones.
pub fn all_of(parts: Vec<Alt>, ok: Text) -> Outcome {
    let status = parts.iter().fold(Status::Pass, |s, p| worse(s, p.status));
    let mut reason = Text::default();
    let mut evidence = Vec::new();
    for p in parts {
        if status != Status::Pass && p.status != Status::Pass {
            reason = reason.join(&p.reason);
        }
        evidence.extend(p.evidence);
    }
    if status == Status::Pass {
        reason = ok;
    }
    Outcome {
        status,
        reason,
        evidence,
    }
}

/// `[POLICY] text` for an evidence detail, so `timaudit explain POLICY` can be found.
pub fn pol(id: &str, t: Text) -> Text {
    Text::new(format!("[{id}] {}", t.ja), format!("[{id}] {}", t.en))
}

/// Evidence for a config line with a policy-tagged explanation.
pub fn line_ev(l: &Line, id: &str, t: Text) -> Evidence {
    l.evidence().detail(pol(id, t))
}

/// A subcategory row of the Windows evidence's `auditpol.csv`, read under an
/// `AuditpolSubcategory` policy (ITS-04 File System, ITS-15 Removable Storage).
pub struct AuditpolSetting {
    /// "Success", "Success and Failure" … as a sentence part.
    pub setting: Text,
    /// Is success auditing on, or does the policy not require it?
    pub enough: bool,
    /// The row's line under the policy.
    pub ev: Evidence,
}

/// Reads policy `id`'s subcategory row (`name`: the subcategory, e.g. File System)
/// from `auditpol.csv`, or the outcome when it cannot be judged: evidence missing
/// or broken, the row's setting unreadable, or no row.
pub fn auditpol_setting(w: &WindowsHost, id: &str, name: Text) -> Result<AuditpolSetting, Outcome> {
    let (
        _,
        Check::AuditpolSubcategory {
            file,
            guid,
            require_success,
        },
    ) = check_of(id)
    else {
        return Err(Outcome::error(Text::same(format!("policy {id} is broken"))));
    };
    let a = match &w.auditpol {
        None => return Err(win_missing(w, file, id)),
        Some(Err(e)) => return Err(Outcome::error(e.text()).with([e.evidence()])),
        Some(Ok(a)) => a,
    };
    let g = guid.to_ascii_uppercase();
    if let Some(l) = a.unreadable.get(&g) {
        return Err(Outcome::error(Text::new(
            format!("{file} の{}の行の設定値を読み取れません", name.ja),
            format!("cannot read the {} row's setting in {file}", name.en),
        ))
        .with([line_ev(l, id, Text::new("不明な設定値", "unknown setting"))]));
    }
    let Some(row) = a.rows.get(&g) else {
        return Err(Outcome::error(Text::new(
            format!("{file} にサブカテゴリ {g}（{}）の行がありません", name.ja),
            format!("{file} has no row for subcategory {g} ({})", name.en),
        ))
        .with([Evidence::new(EvidenceKind::Windows)
            .path(w.file_path(file))
            .detail(pol(id, Text::new("行がありません", "row missing")))]));
    };
    let setting = match (row.success, row.failure) {
        (true, true) => Text::new("成功および失敗", "Success and Failure"),
        (true, false) => Text::new("成功", "Success"),
        (false, true) => Text::new("失敗のみ", "Failure only"),
        (false, false) => Text::new("監査なし", "No Auditing"),
    };
    Ok(AuditpolSetting {
        ev: line_ev(&row.line, id, setting.clone()),
        setting,
        enough: row.success || !require_success,
    })
}

/// Evidence for a whole file.
pub fn file_ev(f: &FileRef, id: &str, t: Text) -> Evidence {
    f.evidence().detail(pol(id, t))
}

/// Samba `include =` lines whose path has `%` substitutions (per client, user…):
/// they cannot be followed, so they are shown beside the verdict.
pub fn samba_unresolved_includes(
    s: &crate::collect::host::linux::samba::Samba,
    id: &str,
) -> Vec<Evidence> {
    s.unresolved_includes
        .iter()
        .map(|l| {
            line_ev(
                l,
                id,
                Text::new(
                    "`%` の置換を含む include は読んでいません（クライアントやユーザーごとに別のファイルになるため）",
                    "include with a `%` substitution not followed (it names a different file per client or user)",
                ),
            )
        })
        .collect()
}

/// A line the program accepts but skips or ignores with a warning: shown beside
/// the verdict (and listed in the report's warnings by `HostFacts::warnings`).
pub fn warning_ev(w: &HostError) -> Evidence {
    let at = match w.line {
        Some(l) => format!("{}:{l}", w.path),
        None => w.path.clone(),
    };
    let m = &w.message;
    let mut e = Evidence::new(EvidenceKind::Config)
        .path(&w.path)
        .detail(Text::new(
            format!("警告：{at}：{m}"),
            format!("warning: {at}: {m}"),
        ));
    if let Some(l) = w.line {
        e = e.line(l);
    }
    e
}

/// A note: where the tool looked when it found nothing.
pub fn note(path: &str, t: Text) -> Evidence {
    Evidence::new(EvidenceKind::Note).path(path).detail(t)
}

/// A note that policy `id`'s file `path` is not there.
pub fn file_missing(path: &str, id: &str) -> Evidence {
    note(
        path,
        pol(id, Text::new("ファイルがありません", "file missing")),
    )
}

/// The file names (without their folder: `usbstor.reg`) of the registry
/// exports that the policies of every item but `item` read, as their
/// `file:`/`policy_file:` name them. Each is the export of one key, so a
/// broken one cannot hold `item`'s values: the item passes them to
/// [`WindowsHost::reg_errors`].
pub fn other_items_reg_exports(item: ItemId) -> Vec<&'static str> {
    crate::catalogue::policies::Policies::builtin()
        .all
        .iter()
        .filter(|p| p.item != item.as_str())
        .flat_map(|p| p.check.registry_exports())
        .map(|f| f.rsplit_once('/').map_or(f, |(_, name)| name))
        .collect()
}

/// The registry exports' folder, as a glob (`registry/*.reg`): what the
/// collector reads.
pub fn registry_glob() -> String {
    format!("{}/*.reg", crate::collect::host::windows::registry_dir())
}

/// A Windows evidence file that the item needs is missing.
pub fn win_missing(w: &WindowsHost, rel: &str, id: &str) -> Outcome {
    let p = w.file_path(rel);
    Outcome::error(Text::new(
        format!(
            "証跡フォルダーに {rel} がないため判定できません（収集スクリプトを再実行してください）"
        ),
        format!(
            "cannot be assessed: the evidence folder has no {rel} (run the collector script again)"
        ),
    ))
    .with([file_missing(&p, id)])
}

/// Shows `.reg` files that did not parse beside a Windows item that reads the
/// registry (every such item lists every broken file). A file that may hold
/// the deciding value (a Group Policy overrides the local setting) makes the
/// verdict an error, except a pass that no other value can undo
/// (`pass_stands`: ITS-01's Start=4 or a deny policy).
pub fn with_reg_errors(mut o: Outcome, errs: &[(&HostError, bool)], pass_stands: bool) -> Outcome {
    let names: Vec<&str> = errs
        .iter()
        .filter(|(_, unrelated)| !unrelated)
        .map(|(e, _)| e.path.as_str())
        .collect();
    if !names.is_empty() && o.status != Status::Error && !(pass_stands && o.status == Status::Pass)
    {
        let names = names.join(", ");
        o.status = Status::Error;
        o.reason = Text::new(
            format!("レジストリの証跡 {names} を読めないため、グループポリシーの設定を確認できません"),
            format!("cannot be sure: the registry evidence {names} could not be read, so its Group Policy values are unknown"),
        )
        .join(&o.reason);
    } else if !names.is_empty() && o.status == Status::Error {
        // Already an error (e.g. no USBSTOR export left): the reason still
        // names the file that could not be read, the likely cause.
        let names = names.join(", ");
        o.reason = Text::new(
            format!("レジストリの証跡 {names} を読めません"),
            format!("the registry evidence {names} could not be read"),
        )
        .join(&o.reason);
    }
    o.evidence.extend(errs.iter().map(|(e, _)| e.evidence()));
    o
}

/// The policy's check, or an error outcome naming the broken policy.
pub fn check_of(id: &str) -> (&'static Policy, &'static Check) {
    let p = policy(id);
    (p, &p.check)
}

/// Is `account` one of a policy's principals? Case-insensitive, whole
/// names: `BUILTIN\Users` is not `Users`. A `*` in a pattern stands for any
/// text: `S-1-5-21-*-513` (the domain's Domain Users), `*\Guests` (Guests of
/// any domain or machine). The caller trims what its evidence adds (icacls's
/// `*` before an unresolved SID).
pub fn principal_in(account: &str, patterns: &[String]) -> bool {
    let a = account.to_lowercase();
    let a = a.as_bytes();
    // `a` is lowercase: an ASCII-case-insensitive comparison with the
    // pattern is the comparison with the pattern in lowercase (the patterns
    // are ASCII; a test checks), without an allocation per pattern.
    let same = |x: &[u8], p: &str| x.eq_ignore_ascii_case(p.as_bytes());
    patterns.iter().any(|p| match p.split_once('*') {
        None => same(a, p),
        Some((head, tail)) => {
            a.len() >= head.len()
                && a.len() >= tail.len()
                && same(&a[..head.len()], head)
                && same(&a[a.len() - tail.len()..], tail)
        }
    })
}

/// Asset base directories on the Linux host: (asset label, pattern, base).
pub fn linux_asset_bases(ctx: &Context) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for a in &ctx.profile.assets {
        for p in &a.paths {
            if p.starts_with('/') {
                out.push((a.label(), p.clone(), crate::collect::host::asset_base(p)));
            }
        }
    }
    out
}

/// The labels of the assets whose base folder is related (ancestor, equal or
/// descendant) to host path `p`, comparing both as written and with links
/// resolved inside the root (smbd and exportfs follow links in a share's path).
pub fn related_assets(
    assets: &[(String, String, String)],
    lx: &LinuxFacts,
    p: &str,
) -> Vec<String> {
    use crate::collect::host::paths_related;
    let real = lx.real_paths.of(p);
    assets
        .iter()
        .filter(|(_, _, base)| {
            let shares = [Some(p), real];
            let bases = [Some(base.as_str()), lx.real_paths.of(base)];
            shares
                .iter()
                .flatten()
                .any(|s| bases.iter().flatten().any(|b| paths_related(s, b)))
        })
        .map(|(l, _, _)| l.clone())
        .collect()
}

/// Asset paths written as Windows paths: (asset label, pattern).
pub fn windows_asset_paths(ctx: &Context) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in &ctx.profile.assets {
        for p in &a.paths {
            if crate::collect::host::windows::is_windows_path(p) {
                out.push((a.label(), p.clone()));
            }
        }
    }
    out
}

/// Whole days for display (`365`, `7.5`).
pub fn days_text(d: f64) -> String {
    if d.is_infinite() {
        return "∞".into();
    }
    if (d - d.round()).abs() < 0.01 {
        format!("{}", d.round() as i64)
    } else {
        format!("{d:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worse_ranks_fail_over_error_over_partial_over_pass_and_a_tie_keeps_the_first() {
        use Status::*;
        assert_eq!(worse(Error, Fail), Fail);
        assert_eq!(worse(Fail, Error), Fail);
        assert_eq!(worse(Partial, Error), Error);
        assert_eq!(worse(Pass, Partial), Partial);
        assert_eq!(worse(NotApplicable, Pass), Pass);
        // Equal ranks: the first stays (a computed pass is not turned into an
        // answer's "alternative", nor not-applicable into "unanswered").
        assert_eq!(worse(Pass, Alternative), Pass);
        assert_eq!(worse(NotApplicable, Unanswered), NotApplicable);
    }

    #[test]
    fn all_of_gives_the_reasons_of_the_parts_that_do_not_pass_only() {
        let o = all_of(
            vec![
                Alt::new(Status::Pass, Text::same("journald keeps 400 days")),
                Alt::new(Status::Fail, Text::same("logrotate keeps 28 days")),
            ],
            Text::same("every source keeps enough"),
        );
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.reason, Text::same("logrotate keeps 28 days"));
        let o = all_of(
            vec![Alt::new(
                Status::Pass,
                Text::same("journald keeps 400 days"),
            )],
            Text::same("every source keeps enough"),
        );
        assert_eq!(o.reason, Text::same("every source keeps enough"));
    }

    #[test]
    fn days_are_shown_whole_unless_a_hundredth_or_more_away() {
        assert_eq!(days_text(365.0), "365");
        assert_eq!(days_text(364.996), "365");
        assert_eq!(days_text(7.5), "7.5");
        assert_eq!(days_text(0.01), "0.0");
        assert_eq!(days_text(f64::INFINITY), "∞");
    }

    #[test]
    fn principals_match_whole_names_and_wildcards_of_the_policy() {
        let Check::WindowsShareGuest { principals, .. } = &policy("WIN-SHR-001").check else {
            panic!("WIN-SHR-001");
        };
        for guest in [
            "NT AUTHORITY\\ANONYMOUS LOGON",
            "BUILTIN\\Guests",
            "guest",
            "CONTOSO\\Domain Guests",
            "S-1-5-7",
            "S-1-5-21-1004336348-1177238915-682003330-501",
            "s-1-5-21-1004336348-1177238915-682003330-514",
        ] {
            assert!(principal_in(guest, principals), "{guest}");
        }
        for other in [
            "Everyone",
            "CONTOSO\\Guest Designers",
            "S-1-5-21-1004336348-1177238915-682003330-1105",
            "S-1-5-70",
        ] {
            assert!(!principal_in(other, principals), "{other}");
        }
        // A pattern is ASCII with at most one `*` (the matcher reads head
        // and tail, comparing ASCII case-insensitively).
        for p in &crate::catalogue::policies::Policies::builtin().all {
            if let Check::WindowsShareGuest { principals: ps, .. }
            | Check::IcaclsBroad { principals: ps, .. }
            | Check::IcaclsBroadWrite { principals: ps, .. } = &p.check
            {
                assert!(
                    ps.iter()
                        .all(|x| x.is_ascii() && x.matches('*').count() <= 1),
                    "{}",
                    p.id
                );
            }
            if let Check::IcaclsBroad { sids: ps, .. } | Check::IcaclsBroadWrite { sids: ps, .. } =
                &p.check
            {
                assert!(
                    ps.iter()
                        .all(|x| x.is_ascii() && x.matches('*').count() <= 1),
                    "{}",
                    p.id
                );
            }
        }
    }

    #[test]
    fn combining_hosts_weakest_wins_and_no_source_everywhere_is_na() {
        let na = combine(vec![
            ("a".into(), Verdict::NoSource(Text::same("no x"))),
            ("b".into(), Verdict::NoSource(Text::same("no y"))),
        ]);
        assert_eq!(na.status, Status::NotApplicable);
        assert!(na.reason.en.contains("a: no x") && na.reason.en.contains("b: no y"));
        let o = combine(vec![
            (
                "a".into(),
                Verdict::Decided(Outcome::pass(Text::same("ok"))),
            ),
            ("b".into(), Verdict::NoSource(Text::same("none"))),
            (
                "c".into(),
                Verdict::Decided(Outcome::fail(Text::same("bad"))),
            ),
        ]);
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.en.contains("c: bad"));
        let o = combine(vec![(
            "a".into(),
            Verdict::Decided(Outcome::pass(Text::same("ok"))),
        )]);
        assert_eq!((o.status, o.reason.en.as_str()), (Status::Pass, "ok"));
    }

    #[test]
    fn a_host_without_a_name_is_named_fumei_in_japanese_reasons() {
        let o = combine(vec![
            (
                crate::collect::UNKNOWN_HOST.into(),
                Verdict::Decided(Outcome::fail(Text::new("だめ", "bad"))),
            ),
            (
                "PC-01".into(),
                Verdict::Decided(Outcome::pass(Text::new("良い", "ok"))),
            ),
        ]);
        assert!(o.reason.ja.contains("不明：だめ"), "{}", o.reason.ja);
        assert!(!o.reason.ja.contains("unknown"), "{}", o.reason.ja);
        assert!(o.reason.en.contains("unknown: bad"), "{}", o.reason.en);
    }

    #[test]
    fn every_policy_is_used_by_a_rule_and_every_used_policy_exists() {
        const SOURCES: &[&str] = &[
            include_str!("../its/its01.rs"),
            include_str!("../its/its02.rs"),
            include_str!("../its/its03.rs"),
            include_str!("../its/its04.rs"),
            include_str!("../its/its05.rs"),
            include_str!("../its/its06.rs"),
            include_str!("../its/its07.rs"),
            include_str!("../its/its08.rs"),
            include_str!("../its/its09.rs"),
            include_str!("../its/its10.rs"),
            include_str!("../its/its11.rs"),
            include_str!("../its/its14.rs"),
            include_str!("../its/its15.rs"),
            include_str!("../its/its16.rs"),
            include_str!("../acc/acc04.rs"),
            include_str!("../acc/acc03.rs"),
            include_str!("../acc/acc08.rs"),
            include_str!("../acc/acc09.rs"),
            include_str!("../acc/acc10.rs"),
            include_str!("../acc/acc11.rs"),
        ];
        let re = regex::Regex::new(r#""((?:LNX|WIN)-[A-Z]{2,4}-\d{3})""#).unwrap();
        let used: std::collections::BTreeSet<String> = SOURCES
            .iter()
            .flat_map(|s| re.captures_iter(s).map(|c| c[1].to_string()))
            .collect();
        let all = crate::catalogue::policies::Policies::builtin();
        for id in &used {
            assert!(all.get(id).is_some(), "rules use unknown policy {id}");
        }
        for p in &all.all {
            assert!(
                used.contains(&p.id),
                "policy {} is not used by any rule",
                p.id
            );
        }
    }

    #[test]
    fn a_proven_fail_beats_an_error_which_beats_a_pass() {
        let alt = |s, r: &str| Alt::new(s, Text::same(r));
        let o = all_of(
            vec![
                alt(Status::Error, "unread"),
                alt(Status::Fail, "Everyone:(F)"),
                alt(Status::Pass, "ok"),
            ],
            Text::same("fine"),
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.reason.en.contains("Everyone:(F)") && o.reason.en.contains("unread"));
        let o = all_of(
            vec![
                alt(Status::Pass, "a"),
                alt(Status::Error, "e"),
                alt(Status::Partial, "p"),
            ],
            Text::same("fine"),
        );
        assert_eq!(o.status, Status::Error);
        assert_eq!(
            all_of(vec![alt(Status::Pass, "a")], Text::same("fine"))
                .reason
                .en,
            "fine"
        );
        let hosts = combine(vec![
            (
                "a".into(),
                Verdict::Decided(Outcome::error(Text::same("unread"))),
            ),
            (
                "b".into(),
                Verdict::Decided(Outcome::fail(Text::same("bad"))),
            ),
        ]);
        assert_eq!(hosts.status, Status::Fail);
    }

    #[test]
    fn any_of_prefers_pass_then_error_then_partial() {
        let o = any_of(
            vec![
                Alt::new(Status::Fail, Text::same("f")),
                Alt::new(Status::Partial, Text::same("p")),
            ],
            Text::same("none"),
            vec![],
        );
        assert_eq!(o.status, Status::Partial);
        let o = any_of(
            vec![
                Alt::new(Status::Error, Text::same("e")),
                Alt::new(Status::Partial, Text::same("p")),
            ],
            Text::same("none"),
            vec![],
        );
        assert_eq!(o.status, Status::Error);
        let o = any_of(
            vec![
                Alt::new(Status::Error, Text::same("e")),
                Alt::new(Status::Pass, Text::same("ok")),
            ],
            Text::same("none"),
            vec![],
        );
        assert_eq!((o.status, o.reason.en.as_str()), (Status::Pass, "ok"));
        assert_eq!(
            any_of(vec![], Text::same("none"), vec![]).status,
            Status::Fail
        );
    }
}
