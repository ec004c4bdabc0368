use super::*;
use crate::model::{Evidence, EvidenceKind};

/// Hands out hostile texts, each numbered so the test can tell it reached
/// the page: markup, a break out of a quoted attribute, an entity, a
/// `javascript:` URL, and (every third one) a lossy non-UTF-8 name.
struct Evil {
    n: usize,
    /// What each number was given to.
    fields: Vec<&'static str>,
}

impl Evil {
    fn next(&mut self, field: &'static str) -> String {
        self.n += 1;
        self.fields.push(field);
        let n = self.n;
        let lossy = if n.is_multiple_of(3) {
            super::super::tests::LOSSY
        } else {
            ""
        };
        format!(
            "<script>x{n}</script>\"'><img src=x onerror=alert({n})>&amp;javascript:alert({n})/{lossy}"
        )
    }

    /// How the text numbered `n` must read on the page.
    fn escaped(n: usize) -> String {
        let lossy = if n.is_multiple_of(3) {
            super::super::tests::LOSSY
        } else {
            ""
        };
        format!(
            "&lt;script&gt;x{n}&lt;/script&gt;&quot;&#39;&gt;&lt;img src=x onerror=alert({n})&gt;&amp;amp;javascript:alert({n})/{lossy}"
        )
    }
}

/// A report in which every text the page prints from the audited system,
/// the profile or a baseline report is an attack.
fn all_hostile(lang: Lang, files_compared: bool) -> (Report, Evil) {
    use crate::changes::files::{FileChange, FileState};
    let mut e = Evil {
        n: 0,
        fields: Vec::new(),
    };
    let mut r = super::super::tests::example(lang, true);
    r.organization.name = e.next("organization.name");
    r.organization.certification_body = Some(e.next("certification_body"));
    r.organization.certificate_id = Some(e.next("certificate_id"));
    r.generated_at = e.next("generated_at");
    r.hosts[0].name = e.next("host name");
    r.hosts[0].kind = e.next("host kind");
    r.hosts[0].root = e.next("host root");
    r.checklist.id = e.next("checklist.id");
    r.checklist.version = e.next("checklist.version");
    r.tool.name = e.next("tool.name");
    r.tool.version = e.next("tool.version");
    r.summary.criteria[0].id = e.next("summary criterion id");
    // The first failing item with evidence: every evidence field, its id,
    // title, reason and remediation.
    let it = r
        .items
        .iter_mut()
        .find(|i| i.status == Status::Fail && !i.evidence.is_empty())
        .unwrap();
    it.id = e.next("item id");
    it.title = crate::i18n::Text::same(e.next("item title"));
    it.reason = e.next("item reason");
    it.remediation = crate::i18n::Text::same(e.next("item remediation"));
    let mut ev = Evidence::new(EvidenceKind::File);
    ev.path = Some(e.next("evidence path"));
    ev.path_b64 = Some(e.next("evidence path_b64"));
    ev.line = Some(7);
    ev.excerpt = Some(e.next("evidence excerpt"));
    ev.sha256 = Some(e.next("evidence sha256"));
    ev.principal = Some(e.next("evidence principal"));
    ev.asset = Some(e.next("evidence asset"));
    ev.date = Some(e.next("evidence date"));
    ev.detail = Some(crate::i18n::Text::same(e.next("evidence detail")));
    it.evidence = vec![ev.localize(lang)];
    // The waived item: its computed reason and evidence, who answered and
    // approved.
    let it = r.items.iter_mut().find(|i| i.waived).unwrap();
    it.computed_reason = Some(e.next("computed reason"));
    let mut ev = Evidence::new(EvidenceKind::Note);
    ev.detail = Some(crate::i18n::Text::same(e.next("computed evidence")));
    it.computed_evidence = Some(vec![ev.localize(lang)]);
    let a = it.answer.as_mut().unwrap();
    a.answered_by = Some(e.next("answered_by"));
    a.approved_by = Some(e.next("answer approved_by"));
    // An item of a criterion this version does not know.
    let last = r.items.len() - 1;
    // (The page does not print its criterion's name, only "—".)
    r.items[last].criterion = "<b>NEW</b>".into();
    r.items[last].reason = e.next("reason in the unknown criterion");
    let state = |user, acl| FileState {
        sha256: None,
        size: None,
        mtime: None,
        mode: None,
        uid: None,
        gid: None,
        user,
        group: None,
        acl,
    };
    let hostile_file = |e: &mut Evil, what: &'static str| FileChange {
        path: e.next(what),
        path_b64: Some(super::super::tests::LOSSY_B64.into()),
        asset: Some(e.next("changed file asset")),
        what: vec!["owner".into(), "acl".into()],
        old: Some(state(Some(e.next("old owner")), vec![e.next("old acl")])),
        new: Some(state(Some(e.next("new owner")), vec![])),
    };
    r.changes = Some(crate::changes::Changes {
        baseline: e.next("baseline"),
        baseline_audit_date: r.audit_date,
        renamed_from: Some(e.next("earlier company name")),
        added: vec![hostile_file(&mut e, "added file")],
        removed: vec![hostile_file(&mut e, "removed file")],
        changed: vec![hostile_file(&mut e, "changed file")],
        files_compared,
        files_note: Some(e.next("files note")),
        items: vec![crate::changes::ItemChange {
            id: e.next("changed item id"),
            old: Status::Pass,
            new: Status::Fail,
            direction: "worse".into(),
        }],
        scores: vec![],
    });
    r.coverage.unreadable[0].path = e.next("unreadable path");
    r.coverage.unreadable[0].error = e.next("unreadable error");
    let sc = &mut r.scope;
    sc.root = e.next("scope root");
    sc.shares = vec![e.next("scope share")];
    sc.exclude = vec![e.next("scope exclude")];
    sc.scan = vec![e.next("scope scan")];
    sc.walked[0].path = e.next("walked path");
    sc.walked[0].error = Some(e.next("walked error"));
    sc.hosts[0].name = e.next("scope host");
    sc.evidence = vec![e.next("scope evidence")];
    sc.profile = Some(e.next("scope profile"));
    sc.profile_sha256 = Some(e.next("scope profile sha256"));
    sc.tool.name = e.next("scope tool");
    sc.checklist.id = e.next("scope checklist");
    sc.definitions_sha256 = e.next("definitions sha256");
    r.approval.prepared_by = Some(e.next("prepared_by"));
    r.approval.approved_by = Some(e.next("approved_by"));
    r.warnings = vec![e.next("warning")];
    (r, e)
}

/// The tags the templates write; anything else on the page came from outside.
const TAGS: &[&str] = &[
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "dl",
    "dt", "dd", "span", "code", "strong", "section", "div", "figure", "svg", "polygon", "text",
    "line", "circle", "tspan", "table", "thead", "tbody", "tr", "th", "td", "a", "p", "nav", "ol",
    "ul", "li", "article", "caption", "br", "footer",
];

#[test]
fn every_text_from_outside_is_escaped_wherever_the_page_prints_it() {
    let tag = regex::Regex::new(r"<(/?)([^\s>/]+)([^>]*)>").unwrap();
    let quoted = regex::Regex::new(r#""[^"]*""#).unwrap();
    let well_formed = regex::Regex::new(r#"^(\s+[a-zA-Z0-9:-]+(="")?)*\s*/?$"#).unwrap();
    let on_attr = regex::Regex::new(r"(?i)\son[a-z]+\s*=").unwrap();
    for lang in [Lang::Ja, Lang::En] {
        for compared in [true, false] {
            let (r, e) = all_hostile(lang, compared);
            let out = render(&r, lang);
            // Each hostile text reached the page, escaped (the changed-file
            // lists only when the files were compared).
            for (i, field) in e.fields.iter().enumerate() {
                let listed = compared
                    || !matches!(
                        *field,
                        "added file"
                            | "removed file"
                            | "changed file"
                            | "changed file asset"
                            | "old owner"
                            | "new owner"
                            | "old acl"
                    );
                // The baseline's own path is not printed, only its date.
                if !listed || *field == "baseline" {
                    continue;
                }
                assert!(
                    out.contains(&Evil::escaped(i + 1)),
                    "{lang:?}: {field} (#{}) is not on the page escaped",
                    i + 1
                );
            }
            // Nothing from outside became markup: every tag is one the
            // templates write, no tag has an event handler or a script URL,
            // and every link stays on the page.
            for c in tag.captures_iter(&out) {
                let name = &c[2];
                assert!(TAGS.contains(&name), "{lang:?}: unexpected tag <{name}");
                let attrs = &c[3];
                // Attribute names only: every quoted value emptied.
                let names = quoted.replace_all(attrs, "\"\"");
                assert!(
                    !on_attr.is_match(&names),
                    "{lang:?}: handler in <{name}{attrs}>"
                );
                // Only links on the page: `#` then text (a `javascript:`
                // after the `#` is a harmless fragment).
                if let Some(h) = attrs.split("href=\"").nth(1) {
                    assert!(h.starts_with('#'), "{lang:?}: link off the page: {attrs}");
                }
            }
            let lower = out.to_ascii_lowercase();
            assert!(!lower.contains("<script") && !lower.contains("<img"));
            // Every tag is well formed: names with double-quoted values,
            // nothing else (a value broken out of would leave a stray
            // quote or word).
            for c in tag.captures_iter(&out) {
                let names = quoted.replace_all(&c[3], "\"\"");
                assert!(well_formed.is_match(&names), "{lang:?}: {}", &c[0]);
            }
            // A non-UTF-8 name keeps its exact bytes.
            assert!(out.contains(super::super::tests::LOSSY_B64));
        }
    }
}

#[test]
fn escapes_markup_and_shows_controls() {
    assert_eq!(
        untrusted("<script>alert('x')</script>&\"\n\u{202e}"),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;\\n\\u{202e}"
    );
}

#[test]
fn labels_wrap_between_words() {
    assert_eq!(
        wrap_words("Handling: register, labels, copies, take-out, disposal", 30),
        ["Handling: register, labels,", "copies, take-out, disposal"]
    );
    // A Japanese label breaks before its bracket, not inside a word (it used
    // to print 廃棄 / 等）), and a label that fits keeps no added space.
    assert_eq!(
        wrap_words("情報の取扱い（管理・複製・廃棄等）", 28),
        ["情報の取扱い", "（管理・複製・廃棄等）"]
    );
    assert_eq!(
        wrap_words("情報のアクセス制限（人）", 28),
        ["情報のアクセス制限（人）"]
    );
}

#[test]
fn radar_has_one_point_per_criterion() {
    let pts: Vec<_> = ["ADM", "HDL", "TRN", "ACC", "STO", "ITS"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                id.to_string(),
                "x".to_string(),
                (i != 4).then_some(20.0 * i as f64),
            )
        })
        .collect();
    let svg = radar_svg(&pts, Lang::En);
    assert_eq!(svg.matches("<circle").count(), 6);
    assert!(svg.contains("STO —"), "{svg}");
    // ADM scores 0 → its point is the centre; ITS 100 → the outer ring (top-left).
    assert!(svg.contains("cx=\"390.0\" cy=\"240.0\""));
    let (x, y) = (
        390.0 + 150.0 * (-std::f64::consts::FRAC_PI_2 + 5.0 * std::f64::consts::TAU / 6.0).cos(),
        240.0 + 150.0 * (-std::f64::consts::FRAC_PI_2 + 5.0 * std::f64::consts::TAU / 6.0).sin(),
    );
    assert!(
        svg.contains(&format!("cx=\"{x:.1}\" cy=\"{y:.1}\"")),
        "{svg}"
    );
}
