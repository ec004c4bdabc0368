//! docs/checklist.md holds the whole checklist contract (every item's ID,
//! criterion, source, question and rule, in Japanese and English). It is
//! generated from the embedded checklist; this test fails when the committed
//! file is out of date. Regenerate with:
//!
//!     UPDATE_DOCS=1 cargo test --test docs_checklist

use timaudit::catalogue::Catalogue;

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checklist.md");

#[test]
fn docs_checklist_md_matches_the_embedded_checklist() {
    let cat = Catalogue::builtin();
    let want = timaudit::report::checklist_doc::markdown(cat);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(DOC, &want).unwrap();
    }
    let have = std::fs::read_to_string(DOC).unwrap_or_default();
    if have != want {
        let line = have
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| have.lines().count().min(want.lines().count()) + 1);
        panic!(
            "docs/checklist.md is out of date (first difference at line {line}); \
             run `UPDATE_DOCS=1 cargo test --test docs_checklist` and commit it"
        );
    }
    // Every item is there with its question and rule in both languages.
    for it in &cat.items {
        assert!(have.contains(&format!("### {}\n", it.id)), "{}", it.id);
        for t in [&it.question.ja, &it.question.en, &it.basis.ja] {
            assert!(have.contains(t.trim()), "{}: {t}", it.id);
        }
    }
}
