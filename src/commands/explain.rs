//! `timaudit explain`: an item's or a policy's documentation.

use super::*;

pub(super) fn cmd_explain(a: ExplainArgs, lang: Lang) -> Result<i32, Fatal> {
    let cat = Catalogue::builtin();
    if let Some(p) = crate::catalogue::policies::Policies::builtin().get(a.id.trim()) {
        print(&policy_text(p, lang), lang)?;
        return Ok(EXIT_OK);
    }
    let Some(item) = cat.item(a.id.trim()) else {
        let items: Vec<&str> = cat.items.iter().map(|i| i.id.as_str()).collect();
        let policies: Vec<&str> = crate::catalogue::policies::Policies::builtin()
            .all
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        let id = &a.id;
        let wanted = a.id.trim().to_ascii_uppercase();
        let near = items
            .iter()
            .chain(&policies)
            .map(|c| (strsim::levenshtein(&wanted, c), *c))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, c)| c);
        let (items, policies) = (items.join(", "), policies.join(", "));
        let msg = match near {
            Some(c) => crate::tr!(
                "`{id}` という項目・ポリシーはありません。{c} のことですか？",
                "unknown item `{id}`; did you mean {c}?",
            ),
            None => crate::tr!(
                "`{id}` という項目・ポリシーはありません。項目: {items}。ポリシー: {policies}",
                "unknown item `{id}`; known items: {items}; policies: {policies}",
            ),
        };
        return Err(Fatal::text(msg, lang));
    };
    print(&explain_text(cat, item, lang), lang)?;
    Ok(EXIT_OK)
}

pub fn explain_text(cat: &Catalogue, item: &crate::catalogue::Item, lang: Lang) -> String {
    let w = report::words(lang);
    let crit = cat
        .criterion(&item.criterion)
        .map(|c| c.title.get(lang))
        .unwrap_or("");
    format!(
        "{id}  {title}\n{crit_l}: {cid} {crit}\n{src_l}: {src}\n\n{q_l}:\n{q}\n\n{r_l}:\n{r}\n\n{w_l}:\n{why}\n\n{f_l}:\n{fix}\n",
        id = item.id,
        title = item.title.get(lang),
        crit_l = w.criterion,
        cid = item.criterion,
        src_l = w.source,
        src = item.source.label(lang),
        q_l = w.question,
        q = item.question.get(lang).trim(),
        r_l = w.rule,
        r = item.rule.get(lang).trim(),
        w_l = w.why,
        why = item.why.get(lang).trim(),
        f_l = w.remediation,
        fix = item.remediation.get(lang).trim(),
    )
}

/// `timaudit explain LNX-SSH-001`.
fn policy_text(p: &crate::catalogue::policies::Policy, lang: Lang) -> String {
    let cat = Catalogue::builtin();
    let item_title = cat
        .item(&p.item)
        .map(|i| i.title.get(lang).to_string())
        .unwrap_or_default();
    let w = crate::report::words(lang);
    let check = format!("{}\n", p.check_text);
    let (item_l, file_l, check_l, platform_l) = match lang {
        crate::i18n::Lang::Ja => ("チェックリスト項目", "定義ファイル", "判定データ", "対象"),
        crate::i18n::Lang::En => ("Checklist item", "Defined in", "Check (data)", "Platform"),
    };
    format!(
        "{id}  {title}\n{item_l}: {item} {item_title}\n{platform_l}: {platform}\n{file_l}: {file}\n\n{r_l}:\n{desc}\n\n{f_l}:\n{fix}\n\n{check_l}:\n{check}",
        id = p.id,
        title = p.title.get(lang),
        item = p.item,
        platform = p.platform,
        file = p.file,
        r_l = w.rule,
        desc = p.description.get(lang).trim(),
        f_l = w.remediation,
        fix = p.remediation.get(lang).trim(),
    )
}
