//! The report's scope: what the audit covered, for a reader who has only the
//! report (a certification body, next year's auditor).

use super::model::{Approval, CoverageRoot, DefinitionFile, Host, Report, Scope, ScopeCounts};
use crate::catalogue::{CHECKLIST_FILE, CHECKLIST_YAML, policies::POLICY_FILES};
use crate::i18n::Lang;
use crate::profile::Profile;
use crate::rootfs::sha256_hex;
use std::path::PathBuf;

/// What the command line adds to the scope.
#[derive(Clone, Debug, Default)]
pub struct ScopeInput {
    /// `--root` (or `/`), when a Linux host was audited.
    pub root: Option<PathBuf>,
    /// `--scan` paths.
    pub scan: Vec<PathBuf>,
    /// `--evidence` folders.
    pub evidence: Vec<PathBuf>,
}

/// The built-in definition files and their SHA-256, in the order
/// `sha256sum checklists/*.yaml policies/*.yaml` lists them.
pub fn definitions() -> Vec<DefinitionFile> {
    let mut policies: Vec<&(&str, &str)> = POLICY_FILES.iter().collect();
    policies.sort_by_key(|(name, _)| *name);
    std::iter::once(&(CHECKLIST_FILE, CHECKLIST_YAML))
        .chain(policies)
        .map(|(file, text)| DefinitionFile {
            file: file.to_string(),
            sha256: sha256_hex(text.as_bytes()),
        })
        .collect()
}

/// The SHA-256 of the `sha256sum` listing of the definitions: the same value as
/// `sha256sum checklists/*.yaml policies/*.yaml | sha256sum` in the source tree.
pub fn definitions_digest(defs: &[DefinitionFile]) -> String {
    let listing: String = defs
        .iter()
        .map(|d| format!("{}  {}\n", d.sha256, d.file))
        .collect();
    sha256_hex(listing.as_bytes())
}

/// The scope of a report built from `r`'s hosts, inventory and coverage.
pub fn scope(r: &Report, profile: &Profile, input: &ScopeInput) -> Scope {
    let defs = definitions();
    let cov = &r.coverage;
    let inv = &r.inventory;
    let text = |p: &PathBuf| p.display().to_string();
    Scope {
        root: input.root.as_ref().map(text).unwrap_or_default(),
        shares: profile.scope.shares.clone(),
        exclude: profile.scope.exclude.clone(),
        scan: input.scan.iter().map(text).collect(),
        walked: cov.roots.clone(),
        hosts: r.hosts.clone(),
        evidence: input.evidence.iter().map(text).collect(),
        profile: profile.file.as_ref().map(text),
        profile_sha256: profile.file_sha256.clone(),
        tool: r.tool.clone(),
        checklist: r.checklist.clone(),
        definitions_sha256: definitions_digest(&defs),
        definitions: defs,
        counts: ScopeCounts {
            files: inv.files,
            dirs: cov.dirs,
            protected: inv.protected,
            hashed: inv.hashed,
            unreadable: cov.unreadable_total(),
            vanished: cov.vanished,
            loops: cov.loops,
            skipped_special: cov.skipped_special,
            excluded: cov.excluded,
            other_filesystems: cov.other_filesystems.len() as u64 + cov.other_filesystems_more,
        },
    }
}

/// The approval block: `approval:` of the profile; without `approved_by`, the
/// administrator (their roster name, else their account).
pub fn approval(p: &Profile) -> Approval {
    let a = &p.approval;
    let admin = p
        .administrator
        .as_ref()
        .and_then(|x| x.account.as_deref())
        .map(|acc| {
            p.person(acc)
                .and_then(|x| x.name.clone())
                .unwrap_or_else(|| acc.to_string())
        });
    let (approved_by, from) = match (&a.approved_by, admin) {
        (Some(x), _) => (Some(x.clone()), Some("profile")),
        (None, Some(x)) => (Some(x), Some("administrator")),
        (None, None) => (None, None),
    };
    Approval {
        prepared_by: a.prepared_by.clone(),
        prepared_on: a.prepared_on,
        approved_by,
        approved_on: a.approved_on,
        approved_by_from: from.map(str::to_string),
    }
}

/// Words of the scope and approval sections.
pub struct ScopeWords {
    pub root: &'static str,
    pub shares: &'static str,
    pub exclude: &'static str,
    pub scan: &'static str,
    pub walked: &'static str,
    pub evidence: &'static str,
    pub profile: &'static str,
    pub tool: &'static str,
    pub checklist: &'static str,
    pub definitions: &'static str,
    pub none: &'static str,
    pub not_walked: &'static str,
    pub approval: &'static str,
    pub prepared_by: &'static str,
    pub approved_by: &'static str,
    pub date: &'static str,
    pub seal: &'static str,
    pub definitions_short: &'static str,
    pub counts: &'static str,
    pub unreadable: &'static str,
    pub name: &'static str,
    pub administrator: &'static str,
    pub answered_by: &'static str,
    pub approved: &'static str,
    pub until: &'static str,
}

pub fn scope_words(lang: Lang) -> &'static ScopeWords {
    const JA: ScopeWords = ScopeWords {
        root: "読み取ったルート",
        shares: "共有（scope.shares）",
        exclude: "除外（scope.exclude）",
        scan: "追加のパス（--scan）",
        walked: "走査したフォルダー",
        evidence: "Windows の証跡（--evidence）",
        profile: "プロファイル",
        tool: "ツール",
        checklist: "チェックリスト",
        definitions: "組み込み定義の SHA-256",
        none: "なし",
        not_walked: "走査できず",
        approval: "承認",
        prepared_by: "作成者",
        approved_by: "承認者（技術情報管理責任者）",
        date: "日付",
        seal: "署名・印",
        definitions_short: "組み込み定義",
        counts: "件数",
        unreadable: "読み取れなかったパス",
        name: "氏名",
        administrator: "技術情報管理責任者",
        answered_by: "回答者",
        approved: "承認者",
        until: "期限",
    };
    const EN: ScopeWords = ScopeWords {
        root: "Root read",
        shares: "Shares (scope.shares)",
        exclude: "Excluded (scope.exclude)",
        scan: "Extra paths (--scan)",
        walked: "Folders walked",
        evidence: "Windows evidence (--evidence)",
        profile: "Profile",
        tool: "Tool",
        checklist: "Checklist",
        definitions: "Built-in definitions (SHA-256)",
        none: "none",
        not_walked: "not walked",
        approval: "Approval",
        prepared_by: "Prepared by",
        approved_by: "Approved by (administrator)",
        date: "Date",
        seal: "Signature / seal",
        definitions_short: "definitions",
        counts: "Counts",
        unreadable: "Paths that could not be read",
        name: "Name",
        administrator: "administrator",
        answered_by: "answered by",
        approved: "approved by",
        until: "until",
    };
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// One walked folder as text: path, kind and why it was not walked.
pub fn walked_line(c: &CoverageRoot, lang: Lang) -> String {
    let mut s = format!("{} ({})", c.path, c.kind);
    if let Some(b) = &c.path_b64 {
        s.push_str(&format!(" (base64:{b})"));
    }
    if let Some(e) = &c.error {
        s.push_str(&format!(" — {}: {e}", scope_words(lang).not_walked));
    }
    s
}

/// A host as text: name, kind and the folder it was read from.
pub fn host_line(h: &Host, lang: Lang) -> String {
    format!(
        "{} ({}, {})",
        crate::collect::host_label(&h.name).get(lang),
        h.kind,
        h.root
    )
}

/// The coverage counts as one line.
pub fn counts_line(c: &ScopeCounts, lang: Lang) -> String {
    let ja = lang == Lang::Ja;
    let parts: Vec<String> = [
        ("読み取れなかったパス", "unreadable", c.unreadable),
        ("調査中に消えたもの", "vanished", c.vanished),
        ("リンクのループ", "loops", c.loops),
        (
            "特殊ファイル（除外）",
            "special files skipped",
            c.skipped_special,
        ),
        (
            "scope.exclude で除外",
            "excluded by scope.exclude",
            c.excluded,
        ),
        (
            "入らなかった別ファイルシステム",
            "other filesystems not entered",
            c.other_filesystems,
        ),
    ]
    .iter()
    .map(|(j, e, n)| {
        if ja {
            format!("{j} {n}")
        } else {
            format!("{e}: {n}")
        }
    })
    .collect();
    if ja {
        format!(
            "ファイル {} 件・フォルダー {} 件（保護対象 {}、ハッシュ計算 {}）。{}",
            c.files,
            c.dirs,
            c.protected,
            c.hashed,
            parts.join("、")
        )
    } else {
        format!(
            "{} files, {} folders ({} protected, {} hashed); {}",
            c.files,
            c.dirs,
            c.protected,
            c.hashed,
            parts.join(", ")
        )
    }
}

/// One line of the scope as every renderer shows it: a label and its values
/// (none: "none"); `code` values are paths or digests, shown in a fixed font.
pub struct ScopeRow {
    pub label: &'static str,
    pub values: Vec<String>,
    pub code: bool,
}

/// The scope of a report as labelled rows, in the order every renderer shows
/// them. Values are untrusted text: each renderer escapes them.
pub fn rows(sc: &Scope, lang: Lang) -> Vec<ScopeRow> {
    let sw = scope_words(lang);
    let row = |label, values: Vec<String>, code| ScopeRow {
        label,
        values,
        code,
    };
    let mut profile = Vec::new();
    if let Some(p) = &sc.profile {
        profile.push(p.clone());
        if let Some(h) = &sc.profile_sha256 {
            profile.push(format!("sha256 {h}"));
        }
    }
    vec![
        row(
            sw.root,
            Some(sc.root.clone())
                .filter(|r| !r.is_empty())
                .into_iter()
                .collect(),
            true,
        ),
        row(sw.shares, sc.shares.clone(), true),
        row(sw.exclude, sc.exclude.clone(), true),
        row(sw.scan, sc.scan.clone(), true),
        row(
            sw.walked,
            sc.walked.iter().map(|c| walked_line(c, lang)).collect(),
            true,
        ),
        row(
            super::words(lang).hosts,
            sc.hosts.iter().map(|h| host_line(h, lang)).collect(),
            false,
        ),
        row(sw.evidence, sc.evidence.clone(), true),
        row(sw.profile, profile, true),
        row(
            sw.tool,
            vec![format!("{} {}", sc.tool.name, sc.tool.version)],
            false,
        ),
        row(
            sw.checklist,
            vec![format!("{} {}", sc.checklist.id, sc.checklist.version)],
            false,
        ),
        row(sw.definitions, vec![sc.definitions_sha256.clone()], true),
        row(sw.counts, vec![counts_line(&sc.counts, lang)], false),
    ]
}

/// Who answered / approved an item, as one line; `None` when the profile says
/// nothing about it.
pub fn answer_line(a: &super::model::AnswerInfo, lang: Lang) -> Option<String> {
    let w = scope_words(lang);
    let ja = lang == Lang::Ja;
    let (colon, open, close) = if ja {
        ("：", "（", "）")
    } else {
        (" ", " (", ")")
    };
    let mut parts = Vec::new();
    if a.answered_by.is_some() || a.answered_on.is_some() {
        let mut s = format!(
            "{}{colon}{}",
            w.answered_by,
            a.answered_by.as_deref().unwrap_or("—")
        );
        if let Some(on) = a.answered_on {
            s.push_str(&format!("{open}{on}{close}"));
        }
        parts.push(s);
    }
    if let Some(by) = &a.approved_by {
        parts.push(format!("{}{colon}{by}", w.approved));
    }
    if let Some(d) = a.expires_on {
        parts.push(format!("{}{colon}{d}", w.until));
    }
    (!parts.is_empty()).then(|| parts.join(if ja { "／" } else { " / " }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every YAML file of checklists/ and policies/ is in the digest, in the
    /// order `sha256sum checklists/*.yaml policies/*.yaml` lists them, so a body
    /// holding the source can recompute it.
    #[test]
    fn definitions_are_every_embedded_yaml_in_sha256sum_order() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        for dir in ["checklists", "policies"] {
            let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml"))
                .map(|n| format!("{dir}/{n}"))
                .collect();
            names.sort();
            on_disk.extend(names);
        }
        let defs = definitions();
        let names: Vec<&str> = defs.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(names, on_disk);
        let listing: String = on_disk
            .iter()
            .map(|f| {
                let bytes = std::fs::read(root.join(f)).unwrap();
                format!("{}  {f}\n", sha256_hex(&bytes))
            })
            .collect();
        assert_eq!(definitions_digest(&defs), sha256_hex(listing.as_bytes()));
    }
}
