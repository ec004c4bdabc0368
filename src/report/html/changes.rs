//! "Changes since the last audit": items whose status changed and protected
//! files added, removed or changed.

use super::labels::{Badge, badge};
use crate::catalogue::Catalogue;
use crate::i18n::Lang;

/// A list of protected files in "changes since the last audit".
pub(super) struct FileList {
    pub(super) title: &'static str,
    /// Path, asset, what changed.
    pub(super) files: Vec<(String, Option<String>, Option<String>)>,
}

pub(super) struct ChangesView<'a> {
    pub(super) title: &'static str,
    pub(super) previous: &'static str,
    pub(super) baseline_audit_date: String,
    /// The earlier company name the baseline was made under (organization.previous_names).
    pub(super) renamed: Option<String>,
    pub(super) no_change: &'static str,
    pub(super) before: &'static str,
    pub(super) now: &'static str,
    /// ID, title, old and new status.
    pub(super) items: Vec<(&'a str, &'a str, Badge, Badge)>,
    pub(super) files_compared: bool,
    pub(super) not_compared: &'static str,
    pub(super) files_note: Option<&'a str>,
    pub(super) lists: Vec<FileList>,
}

pub(super) fn changes_view<'a>(
    ch: &'a crate::changes::Changes,
    cat: &'a Catalogue,
    lang: Lang,
) -> ChangesView<'a> {
    let ja = lang == Lang::Ja;
    let t = |j: &'static str, e: &'static str| if ja { j } else { e };
    let list = |title, list: &[crate::changes::files::FileChange]| FileList {
        title,
        files: list
            .iter()
            .map(|c| {
                (
                    c.path.clone(),
                    c.asset.clone(),
                    (!c.what.is_empty()).then(|| crate::changes::diff::what_text(c, lang)),
                )
            })
            .collect(),
    };
    ChangesView {
        title: t("前回の監査からの変化", "Changes since the last audit"),
        previous: t("前回", "previous audit"),
        baseline_audit_date: ch.baseline_audit_date.to_string(),
        renamed: ch.renamed_from.as_ref().map(|old| {
            crate::tr!(
                "前回の監査は旧社名 {old} で行われました（organization.previous_names）。",
                "The last audit was under the earlier name {old} (organization.previous_names)."
            )
            .get(lang)
            .to_string()
        }),
        no_change: t(
            "判定が変わった項目はありません。",
            "No item changed status.",
        ),
        before: t("前回", "Before"),
        now: t("今回", "Now"),
        items: ch
            .items
            .iter()
            .map(|c| {
                let title = cat.item(&c.id).map(|i| i.title.get(lang)).unwrap_or("");
                (c.id.as_str(), title, badge(c.old, lang), badge(c.new, lang))
            })
            .collect(),
        files_compared: ch.files_compared,
        not_compared: t(
            "保護対象ファイルは比較できませんでした",
            "Protected files were not compared",
        ),
        files_note: ch.files_note.as_deref(),
        lists: vec![
            list(
                t("追加された保護対象ファイル", "Protected files added"),
                &ch.added,
            ),
            list(
                t("削除された保護対象ファイル", "Protected files removed"),
                &ch.removed,
            ),
            list(
                t("変更された保護対象ファイル", "Protected files changed"),
                &ch.changed,
            ),
        ],
    }
}
