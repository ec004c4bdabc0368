//! `timaudit init`: a commented profile to start from.

use super::*;

pub(super) fn cmd_init(a: InitArgs, lang: Lang) -> Result<i32, Fatal> {
    let written = crate::init::init(&a.dir, a.force, lang)?;
    for w in &written {
        eprintln!("{}", crate::tr!("作成しました: {w}", "wrote {w}").get(lang));
    }
    let profile = a.dir.join("timaudit.yaml").display().to_string();
    eprintln!(
        "{}",
        crate::tr!(
            "次に {profile} を自社の内容に書き換え（コメントに説明があります）、`timaudit audit --profile {profile} --lang ja` を実行してください。項目の意味は `timaudit explain 項目ID` で確認できます。",
            "Next: edit {profile} for your organisation (its comments explain each key), then run `timaudit audit --profile {profile}`. `timaudit explain ID` explains any item.",
        )
        .get(lang)
    );
    Ok(EXIT_OK)
}
