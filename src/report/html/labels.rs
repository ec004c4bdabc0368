//! The HTML report's own words (ja and en) and how a status is shown: class,
//! symbol and word.

use crate::i18n::Lang;
use crate::model::{EvidenceKind, Status};

/// The symbol printed before each status (so print in black and white works).
pub fn symbol(s: Status) -> &'static str {
    match s {
        Status::Pass => "✔",
        Status::Alternative => "⇄",
        Status::Partial => "◐",
        Status::Fail => "✖",
        Status::NotApplicable => "—",
        Status::Error => "⚠",
        Status::Unanswered => "?",
    }
}

/// A status as the page shows it: class, symbol and word.
pub struct Badge {
    pub code: &'static str,
    pub symbol: &'static str,
    pub label: &'static str,
}

pub(super) fn badge(s: Status, lang: Lang) -> Badge {
    Badge {
        code: s.code(),
        symbol: symbol(s),
        label: s.label(lang),
    }
}

pub(super) struct Ui {
    pub(super) certificate: &'static str,
    pub(super) body: &'static str,
    pub(super) checklist: &'static str,
    pub(super) tool: &'static str,
    pub(super) total: &'static str,
    pub(super) chart_title: &'static str,
    pub(super) kind: &'static str,
    pub(super) location: &'static str,
    pub(super) about: &'static str,
    pub(super) more: &'static str,
    pub(super) days_left: &'static str,
    pub(super) expired: &'static str,
    pub(super) inventory: [&'static str; 5],
    pub(super) coverage_counts: [&'static str; 3],
    pub(super) unreadable: &'static str,
    pub(super) nothing_missed: &'static str,
    pub(super) unread_more: &'static str,
    pub(super) no_warnings: &'static str,
    pub(super) not_scored: &'static str,
    pub(super) waiver_expired: &'static str,
    pub(super) contents: &'static str,
}

pub(super) fn ui(lang: Lang) -> &'static Ui {
    const JA: Ui = Ui {
        certificate: "認証番号",
        body: "認証機関",
        checklist: "チェックリスト",
        tool: "ツール",
        total: "合計",
        chart_title: "管理基準ごとのスコア（レーダーチャート）",
        kind: "種類",
        location: "場所",
        about: "内容",
        more: "件は表示を省略しました（report.json に全件あります）",
        days_left: "日後",
        expired: "認証の有効期限が切れています",
        inventory: [
            "ファイル数",
            "バイト数",
            "保護対象ファイル",
            "表示（マーク）付きファイル",
            "ハッシュ計算済み",
        ],
        coverage_counts: [
            "調査中に消えたファイル",
            "リンクのループ",
            "特殊ファイル（除外）",
        ],
        unreadable: "読めなかった場所",
        nothing_missed: "読めなかった場所はありません。",
        unread_more: "件は記載を省略しました（パス順の最初の 100 件のみ記載。件数は全件です）",
        no_warnings: "注意事項はありません。",
        not_scored: "採点対象外（すべて該当なし）",
        waiver_expired: "例外承認の期限切れ（無視しました）",
        contents: "目次",
    };
    const EN: Ui = Ui {
        certificate: "Certificate",
        body: "Certification body",
        checklist: "Checklist",
        tool: "Tool",
        total: "Total",
        chart_title: "Score per criterion (radar chart)",
        kind: "Kind",
        location: "Where",
        about: "Details",
        more: "more not shown here (report.json lists them all)",
        days_left: "days from the audit date",
        expired: "The certificate has expired",
        inventory: [
            "Files",
            "Bytes",
            "Protected files",
            "Marked files",
            "Hashed",
        ],
        coverage_counts: [
            "Vanished during the walk",
            "Link loops",
            "Special files skipped",
        ],
        unreadable: "Could not be read",
        nothing_missed: "Nothing was left unread.",
        unread_more: "more not listed (only the first 100, by path, are; the count covers them all)",
        no_warnings: "No warnings.",
        not_scored: "not scored (all not applicable)",
        waiver_expired: "waiver expired (ignored)",
        contents: "Contents",
    };
    match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

pub(super) fn kind_label(k: EvidenceKind, lang: Lang) -> &'static str {
    use EvidenceKind::*;
    match (lang, k) {
        (Lang::Ja, File) => "ファイル",
        (Lang::Ja, Config) => "設定",
        (Lang::Ja, Person) => "人",
        (Lang::Ja, Principal) => "アクセス主体",
        (Lang::Ja, Account) => "アカウント",
        (Lang::Ja, Document) => "文書",
        (Lang::Ja, Record) => "記録",
        (Lang::Ja, Asset) => "管理台帳",
        (Lang::Ja, Training) => "研修",
        (Lang::Ja, Review) => "見直し",
        (Lang::Ja, Answer) => "回答",
        (Lang::Ja, Windows) => "Windows",
        (Lang::Ja, Note) => "メモ",
        (Lang::En, File) => "file",
        (Lang::En, Config) => "config",
        (Lang::En, Person) => "person",
        (Lang::En, Principal) => "principal",
        (Lang::En, Account) => "account",
        (Lang::En, Document) => "document",
        (Lang::En, Record) => "record",
        (Lang::En, Asset) => "asset",
        (Lang::En, Training) => "training",
        (Lang::En, Review) => "review",
        (Lang::En, Answer) => "answer",
        (Lang::En, Windows) => "Windows",
        (Lang::En, Note) => "note",
    }
}
