//! The README's reliability section (`## 信頼性 / Reliability`) lists each
//! promise with the test that proves it. This test reads that table and fails
//! when a row names no test, or a test that does not exist: an integration test
//! (`` `FILE` `TEST` `` → a `#[test] fn TEST` in `tests/FILE.rs`), a unit test
//! (`` `module::path` `TEST` `` → in `src/module/path.rs` or `…/mod.rs`), or unit
//! tests in a source file (`` unit tests in `src/x.rs` `` → that file has tests).

use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The rows of the table in the reliability section: (promise, tests cell).
fn rows(readme: &str) -> Vec<(String, String)> {
    let start = readme
        .find("\n## 信頼性 / Reliability")
        .expect("the README has a reliability section");
    let section = &readme[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    section[..end]
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| promise"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').rsplitn(2, " | ").collect();
            assert_eq!(cells.len(), 2, "a row with two cells: {l}");
            (cells[1].trim().to_string(), cells[0].trim().to_string())
        })
        .collect()
}

/// The backticked words of a text, in order, leaving out remarks in
/// parentheses (`(a \`strictatime\` tmpfs)`).
fn ticked(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for ch in text.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(ch),
            _ => {}
        }
    }
    plain
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, w)| w.to_string())
        .collect()
}

/// Does `source` define `#[test] fn name` (the attribute within the lines above)?
fn defines_test(source: &str, name: &str) -> bool {
    let lines: Vec<&str> = source.lines().collect();
    lines.iter().enumerate().any(|(i, l)| {
        l.trim_start().starts_with(&format!("fn {name}("))
            && lines[i.saturating_sub(4)..i]
                .iter()
                .any(|a| a.trim() == "#[test]")
    })
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The source file of a module path of the crate (`collect::host::conf`).
fn module_file(module: &str) -> Option<PathBuf> {
    let rel = module.replace("::", "/");
    [
        format!("{ROOT}/src/{rel}.rs"),
        format!("{ROOT}/src/{rel}/mod.rs"),
    ]
    .into_iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// Checks one `;`-separated group of a tests cell; returns how many tests it names.
fn check_group(group: &str) -> Result<usize, String> {
    let words = ticked(group);
    if group.contains("unit tests in") {
        for w in &words {
            let p = Path::new(ROOT).join(w);
            if !p.is_file() || !read(&p).contains("#[test]") {
                return Err(format!("{w} holds no unit tests"));
            }
        }
        return Ok(words.len());
    }
    let Some((file, names)) = words.split_first() else {
        return Ok(0);
    };
    let source = if file.contains("::") {
        module_file(file).ok_or_else(|| format!("no module {file}"))?
    } else {
        let p = Path::new(ROOT).join("tests").join(format!("{file}.rs"));
        if !p.is_file() {
            return Err(format!("no test file tests/{file}.rs"));
        }
        p
    };
    let text = read(&source);
    for n in names {
        if !defines_test(&text, n) {
            return Err(format!("no #[test] fn {n} in {}", source.display()));
        }
    }
    // A whole test file (`fuzz`) counts as one named test.
    Ok(names.len().max(1))
}

/// `;`-separated groups, a `;` inside parentheses not separating.
fn split_outside_parens(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut depth = 0usize;
    for ch in text.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                out.push(String::new());
                continue;
            }
            _ => {}
        }
        out.last_mut().unwrap().push(ch);
    }
    out
}

#[test]
fn every_test_the_reliability_section_names_exists() {
    let readme = read(&Path::new(ROOT).join("README.md"));
    let rows = rows(&readme);
    assert!(rows.len() >= 10, "{} rows", rows.len());
    let mut problems = Vec::new();
    for (promise, tests) in &rows {
        let mut named = 0;
        for group in split_outside_parens(tests) {
            match check_group(&group) {
                Ok(n) => named += n,
                Err(e) => problems.push(format!("{e}\n  (promise: {promise:.80})")),
            }
        }
        if named == 0 {
            problems.push(format!("names no test: {promise:.80}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_finds_a_missing_test_and_a_missing_file() {
    let readme = "x\n## 信頼性 / Reliability\n\n| promise | test |\n|---|---|\n\
                  | a | `walk_race` `no_such_test` |\n| b | `no_such_file` `t` |\n\
                  | c | `collect::host::conf` `huge_or_complex_globs_are_errors_not_panics` |\n\
                  \n## next\n| z | `x` |\n";
    let rows = rows(readme);
    assert_eq!(rows.len(), 3);
    assert!(
        check_group(&rows[0].1)
            .unwrap_err()
            .contains("no_such_test")
    );
    assert!(
        check_group(&rows[1].1)
            .unwrap_err()
            .contains("no_such_file")
    );
    assert_eq!(check_group(&rows[2].1), Ok(1));
    let remark = "`inputs` `a_fifo_as_a_host_config_makes_its_item_error` (a `x`; needs root)";
    assert_eq!(split_outside_parens(remark).len(), 1);
    assert_eq!(check_group(remark), Ok(1));
}
