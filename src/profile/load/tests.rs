use super::*;

/// Every diagnostic of `load`, errors and warnings.
fn diagnostics(dir: &Path, yaml: &[u8]) -> Vec<Diagnostic> {
    let p = dir.join("timaudit.yaml");
    std::fs::write(&p, yaml).unwrap();
    match load(&p, Catalogue::builtin()) {
        Ok((_, warnings)) => warnings,
        Err(errors) => errors,
    }
}

/// One profile (and CSV files) per kind of mistake; each must give exactly the
/// expected messages at their LINE:COLUMN, each in Japanese and in English.
#[test]
fn every_diagnostic_has_a_japanese_and_an_english_text() {
    let d = tempfile::tempdir().unwrap();
    let w = |name: &str, bytes: &[u8]| std::fs::write(d.path().join(name), bytes).unwrap();
    const PEOPLE_HEADER: &str =
        "account,name,roles,status,joined_on,left_on,pledge_signed_on,exit_pledge_signed_on\n";
    w("bad-encoding.csv", b"\xef\xbb\xbf\xff\xfe\n");
    w("empty.csv", b"");
    w("missing-column.csv", b"account,name\ntanaka,T\n");
    w(
        "bad-rows.csv",
        format!(
            "{PEOPLE_HEADER}tanaka,T,,gone,,,,\n,X,,,,,,\nsuzuki,S,,active,2025-13-01,,,\n\
             sato,S,,active,2025/4/31,,,\nsato,S,,active,,,,\n"
        )
        .as_bytes(),
    );
    w(
        "training-bad.csv",
        b"date,account,title,topics\n01-04-2025,tanaka,x,handling\n",
    );
    // Each broken profile and exactly what it must say: `[CSV:]LINE:COLUMN: `
    // and the whole English text (lists of accepted values included), every
    // message in order and no other. Fragments follow a valid `organization`
    // line (so their first line is line 2).
    let whole: &[(&str, &[&str])] = &[
        (
            "",
            &["1:1: the profile is empty (run `timaudit init` for a starter)"],
        ),
        (
            "a: [unclosed\n",
            &["2:1: YAML syntax error: while parsing a flow sequence, expected ',' or ']'"],
        ),
        (
            "a: *nowhere\n",
            &["1:4: YAML syntax error: while parsing node, found unknown anchor"],
        ),
        (
            "- a\n",
            &["1:1: profile: expected a mapping (key: value lines), found a list"],
        ),
        (
            "? [a]\n: b\norganization: {name: X}\n",
            &["1:3: profile: keys must be plain names"],
        ),
        (
            "organization: {name: X, nmae: y}\nzzzzzz: 1\n",
            &[
                "1:25: organization: unknown key `nmae`; did you mean `name`?",
                "2:1: profile: unknown key `zzzzzz` (expected one of: version, organization, scope, markers, assets, people, people_file, training, training_file, administrator, documents, reviews, records, answers, approval, thresholds)",
            ],
        ),
        (
            "organization: {name: X}\norganization: {name: Y}\n",
            &["2:1: profile: key `organization` is given twice"],
        ),
        (
            "organization: {name: [a]}\n",
            &[
                "1:15: organization: `name` is required",
                "1:22: organization.name: expected a single value, found a list",
            ],
        ),
        (
            "organization: {certification: {certified_on: 2025-02-30}}\n",
            &[
                "1:15: organization: `name` is required",
                "1:46: organization.certification.certified_on: `2025-02-30` is not a valid calendar date",
            ],
        ),
        (
            "version: 2\norganization: {name: X}\n",
            &["1:10: version: this timaudit reads profile version 1, not 2"],
        ),
        (
            "version: x\norganization: {name: X}\n",
            &["1:10: version: expected a whole number ≥ 0, found `x`"],
        ),
        (
            "version: 1\n",
            &["1:1: profile: `organization` (with its `name`) is required"],
        ),
    ];
    let fragments: &[(&str, &[&str])] = &[
        (
            "markers: ['', ~]\n",
            &[
                "2:11: markers: a marker must not be empty",
                "2:15: markers: empty list entry",
            ],
        ),
        (
            "scope: {shares: /srv, exclude: ['[']}\n",
            &[
                "2:17: scope.shares: expected a list (`[a, b]` or `- a` lines), found a single value",
                "2:33: scope.exclude: `[` is not a valid glob: unclosed character class; missing ']'",
            ],
        ),
        (
            "scope: {shares: [srv]}\n",
            &["2:18: scope.shares: `srv` must be an absolute host path (like /srv/share)"],
        ),
        (
            "assets: x\n",
            &["2:9: assets: expected a list, found a single value"],
        ),
        ("assets: [~]\n", &["2:10: assets[1]: empty asset entry"]),
        (
            "assets:\n  - {id: A, paths: ['', rel, '/a/['], authorized: [design, 'user:', 'team:x'], handlers: [nobody]}\n  - {id: A}\n",
            &[
                "3:21: assets[A].paths: an empty path",
                "3:25: assets[A].paths: `rel` must be an absolute host path (like /srv/share/design/**) or a Windows path (like D:\\Share\\設計\\**)",
                "3:30: assets[A].paths: `/a/[` is not a valid glob: unclosed character class; missing ']'",
                "3:52: assets[A].authorized: `design` must be written `user:NAME` or `group:NAME`",
                "3:60: assets[A].authorized: `user:` has no name after `user:`",
                "3:69: assets[A].authorized: `team:x`: unknown principal kind `team` (expected `user:` or `group:`)",
                "4:10: assets: duplicate asset id `A` (first defined on line 3)",
            ],
        ),
        (
            "people: [{name: X}]\npeople_file: p.csv\n",
            &["3:1: give either `people` or `people_file`, not both"],
        ),
        (
            "people:\n  - {name: X}\n  - {account: a, status: gone, joined_on: 1/1/2025}\n  - {account: b, roles: [handlr, manager]}\n  - {account: b}\n",
            &[
                "3:5: people[1]: `account` is required",
                "4:26: people[a].status: `gone` is not a status (expected active or left)",
                "4:43: people[a].joined_on: `1/1/2025` is not a date (write YYYY-MM-DD, YYYY/M/D, or a Japanese-era date such as R7.4.1)",
                "6:5: people: account `b` is listed twice (first on line 5)",
            ],
        ),
        (
            "people:\n  - {account: a, roles: [handlr, manager]}\n",
            &[
                "3:5: people[a]: role `handlr` has no meaning to timaudit (did you mean `handler`?)",
                "3:5: people[a]: role `manager` has no meaning to timaudit (the roles it knows: administrator, handler, system-admin)",
            ],
        ),
        (
            "people: [{account: a}]\nassets: [{id: A, handlers: [nobody]}]\n",
            &["3:10: assets[A]: handler `nobody` is not in the people roster"],
        ),
        (
            "people_file: nowhere.csv\n",
            &[
                "2:14: people_file: cannot read `DIR/nowhere.csv`: No such file or directory (os error 2)",
            ],
        ),
        (
            "people_file: bad-encoding.csv\n",
            &[
                "bad-encoding.csv:1:1: the file is not valid UTF-8 (BOM) text; save it as UTF-8 or Shift_JIS CSV",
            ],
        ),
        (
            "people_file: empty.csv\n",
            &[
                "empty.csv:1:1: the file is empty; a header row is required: account,roles,joined_on,pledge_signed_on",
            ],
        ),
        (
            "people_file: missing-column.csv\n",
            &[
                // `name`, `status`, `left_on` and `exit_pledge_signed_on` may be absent.
                "missing-column.csv:1:1: missing column `joined_on`; the header must name: account,roles,joined_on,pledge_signed_on",
                "missing-column.csv:1:1: missing column `pledge_signed_on`; the header must name: account,roles,joined_on,pledge_signed_on",
                "missing-column.csv:1:1: missing column `roles`; the header must name: account,roles,joined_on,pledge_signed_on",
            ],
        ),
        (
            "people_file: bad-rows.csv\n",
            &[
                "bad-rows.csv:2:11: status: `gone` is not a status (expected active or left)",
                "bad-rows.csv:3:1: account: required",
                "bad-rows.csv:4:18: joined_on: `2025-13-01` is not a valid calendar date",
                "bad-rows.csv:5:16: joined_on: `2025-04-31` is not a valid calendar date",
                "bad-rows.csv:6:1: people: account `sato` is listed twice (first on line 5)",
            ],
        ),
        (
            "training_file: nowhere.csv\n",
            &[
                "2:16: training_file: cannot read `DIR/nowhere.csv`: No such file or directory (os error 2)",
            ],
        ),
        (
            "training_file: training-bad.csv\n",
            &[
                "training-bad.csv:2:1: date: `01-04-2025` is not a date (write YYYY-MM-DD, YYYY/M/D, or a Japanese-era date such as R7.4.1)",
            ],
        ),
        (
            "training: []\ntraining_file: t.csv\n",
            &["3:1: give either `training` or `training_file`, not both"],
        ),
        (
            "training:\n  - {date: 2025-04-01, topics: [handlnig, astrology]}\n",
            &[
                "3:32: training: topic `handlnig` has no meaning to timaudit (did you mean `handling`?)",
                "3:32: training: topic `astrology` has no meaning to timaudit (the topics TRN-01 counts: handling, reporting, sanctions)",
            ],
        ),
        (
            "documents: [{title: x}]\n",
            &["2:13: documents[1]: `id` is required (use `rules` for the management rules)"],
        ),
        (
            "reviews: [{date: 2025-04-01}, {kind: audt}]\nrecords: [{kind: zzzzzz}]\n",
            &[
                "2:11: reviews[1]: `kind` is required (access | management | internal-audit)",
                "2:38: reviews[2].kind: unknown kind `audt` (expected access | management | internal-audit)",
                "3:18: records[1].kind: unknown kind `zzzzzz` (expected take-out | disposal | key-lending | area-entry | media | incident-procedure)",
            ],
        ),
        (
            "answers: [a]\n",
            &["2:10: answers: expected a mapping of item IDs, found a list"],
        ),
        (
            "answers:\n  ? [a]\n  : b\n",
            &["3:5: answers: keys must be checklist item IDs such as STO-01"],
        ),
        (
            "answers:\n  XYZ-99: {status: pass}\n  STO-01: ~\n",
            &[
                "3:3: answers: unknown checklist item `XYZ-99`",
                "4:11: answers.STO-01: an answer needs at least `status`",
            ],
        ),
        (
            "answers:\n  ADM-01: {status: pass, justification: x}\n  ADM-01: {status: pass, justification: x}\n",
            &["4:3: answers: `ADM-01` is answered twice"],
        ),
        (
            "answers:\n  ITS-07: {note: x}\n  STO-01: {status: maybe}\n  ACC-03: {status: pass}\n",
            &[
                "3:3: answers.ITS-07: ITS-07 is decided automatically (auto); an answer on it is a waiver and needs a `justification`",
                "3:11: answers.ITS-07: `status` is required (pass | alternative | partial | fail | not_applicable)",
                "4:20: answers.STO-01.status: `maybe` is not an answer status (expected pass | alternative | partial | fail | not_applicable)",
                "5:3: answers.ACC-03: ACC-03 is decided automatically (auto); an answer on it is a waiver and needs a `justification`",
            ],
        ),
        (
            "thresholds: {log_retention_days: 0, review_interval_days: 40000, min_password_length: -1}\n",
            &[
                "2:34: thresholds.log_retention_days: must be at least 1",
                "2:59: thresholds.review_interval_days: 40000 days is more than 36500 (100 years); give the interval in days",
                "2:87: thresholds.min_password_length: expected a whole number ≥ 0, found `-1`",
            ],
        ),
    ];
    // `[CSV:]LINE:COLUMN: English text`, whole (the profile's own name left
    // out, the temporary folder written `DIR`).
    let dir = d.path().display().to_string();
    let show = |x: &Diagnostic| {
        let f = Path::new(&x.file).file_name().unwrap().to_string_lossy();
        let f = if f == "timaudit.yaml" {
            String::new()
        } else {
            format!("{f}:")
        };
        format!("{f}{}:{}: {}", x.line, x.column, x.message.en).replace(&dir, "DIR")
    };
    // Every mismatch, all cases at once.
    let wrong = std::cell::RefCell::new(Vec::new());
    let check = |profile: &[u8], ds: &[Diagnostic], want: &[&str]| {
        let got: Vec<String> = ds.iter().map(show).collect();
        if got != want {
            wrong.borrow_mut().push(format!(
                "{}\ngot:  {got:#?}\nwant: {want:#?}",
                String::from_utf8_lossy(profile)
            ));
        }
    };
    // A profile that cannot be read at all.
    let mut all = load(&d.path().join("none.yaml"), Catalogue::builtin()).unwrap_err();
    check(
        b"(none.yaml)",
        &all,
        &["none.yaml:1:1: cannot read profile: No such file or directory (os error 2)"],
    );
    let cases = whole.iter().map(|(c, w)| (c.to_string(), *w)).chain(
        fragments
            .iter()
            .map(|(c, w)| (format!("organization: {{name: X}}\n{c}"), *w)),
    );
    for (c, want) in cases {
        let ds = diagnostics(d.path(), c.as_bytes());
        check(c.as_bytes(), &ds, want);
        all.extend(ds);
    }
    let ds = diagnostics(d.path(), b"organization: {name: \xff}\n");
    check(
        b"(not UTF-8)",
        &ds,
        &["1:22: the profile is not UTF-8 text (save it as UTF-8)"],
    );
    all.extend(ds);
    let wrong = wrong.into_inner();
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    for x in &all {
        let (ja, en) = (x.message.ja.trim(), x.message.en.trim());
        assert!(!ja.is_empty() && !en.is_empty(), "{x:?}");
        assert_ne!(ja, en, "not translated: {x}");
        assert!(
            ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
            "no Japanese in `{ja}`"
        );
        assert!(
            en.is_ascii() || en.contains("設計") || en.contains('≥'),
            "Japanese in the English text `{en}`"
        );
    }
}

#[test]
fn dates_and_principals_say_what_is_wrong_in_both_languages() {
    let e = parse_date_text("2025-13-01").unwrap_err();
    assert_eq!(e.en, "`2025-13-01` is not a valid calendar date");
    assert!(e.ja.starts_with("日付 `2025-13-01` は"), "{}", e.ja);
    let e = parse_date_text("6/10/2025").unwrap_err();
    assert!(e.ja.contains("2025/4/1、令和7年4月1日"), "{}", e.ja);
    assert_eq!(
        parse_date("x").unwrap_err(),
        "`x` is not a date (write YYYY-MM-DD, YYYY/M/D, or a Japanese-era date such as R7.4.1)"
    );
    let e = Principal::parse_text("design").unwrap_err();
    assert!(e.ja.contains("`user:名前` か `group:名前`"), "{}", e.ja);
    assert_eq!(
        "design".parse::<Principal>().unwrap_err(),
        "`design` must be written `user:NAME` or `group:NAME`"
    );
}
