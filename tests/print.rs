//! report.html printed on A4 by headless Chromium, as a certification body would
//! print the submitted report: the example company's report (examples/
//! sample-company) goes to PDF, and poppler's `pdftotext` reads it back. Checked:
//! the page count, that the text is extractable (organization, every item, the
//! scope and approval sections), that the radar chart is on the first page with
//! its labels at 9 pt or more, and that no criterion or item title is broken
//! inside a word. The PDFs are kept in `tests/artifacts/` for people to look at.
//!
//! Chromium (`chromium`) and poppler (`poppler-utils`) come from Debian; `.ci/run`
//! installs both. Without them the test is skipped with a loud message, except
//! under CI (`CI` set), where a missing tool is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "common/chromium.rs"]
mod chromium;
use chromium::{HEADLESS, chromium, tool};

/// Chromium, pdftotext; `None` (with a loud message) when one is missing outside CI.
fn tools_or_skip() -> Option<(PathBuf, PathBuf)> {
    let chromium = chromium();
    let pdftotext = tool("TIMAUDIT_PDFTOTEXT", &["/usr/bin/pdftotext"]);
    match (chromium, pdftotext) {
        (Some(c), Some(p)) => Some((c, p)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI is set but chromium or pdftotext is missing: .ci/run must install `chromium` and `poppler-utils`"
        ),
        _ => {
            eprintln!(
                "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                 SKIPPED: the print test needs Chromium and pdftotext\n\
                 (apt-get install chromium poppler-utils).\n\
                 report.html was NOT printed to PDF on this machine.\n\
                 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            );
            None
        }
    }
}

/// Prints `page` to `pdf` with headless Chromium (killed after 120 s).
fn print(browser: &Path, profile_dir: &Path, page: &Path, pdf: &Path) {
    let mut child = Command::new(browser)
        .args(HEADLESS)
        .arg("--no-pdf-header-footer")
        .arg(format!("--user-data-dir={}", profile_dir.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(pdf.exists(), "chromium wrote no PDF");
}

/// `pdftotext` of pages `first..=last` (all when `None`), plain or with word boxes.
fn pdftotext(bin: &Path, pdf: &Path, pages: Option<(usize, usize)>, bbox: bool) -> String {
    let mut cmd = Command::new(bin);
    if let Some((f, l)) = pages {
        cmd.args(["-f", &f.to_string(), "-l", &l.to_string()]);
    }
    if bbox {
        cmd.arg("-bbox");
    }
    let out = cmd.arg(pdf).arg("-").output().expect("pdftotext runs");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// The words of a page with their box height in points (from `pdftotext -bbox`).
fn words(bbox_html: &str) -> Vec<(String, f64)> {
    let re = regex::Regex::new(
        r#"<word xMin="[0-9.]+" yMin="([0-9.]+)" xMax="[0-9.]+" yMax="([0-9.]+)">([^<]*)</word>"#,
    )
    .unwrap();
    re.captures_iter(bbox_html)
        .map(|c| {
            let h = c[2].parse::<f64>().unwrap() - c[1].parse::<f64>().unwrap();
            (c[3].to_string(), h)
        })
        .collect()
}

/// The runs of a title that must not be split across lines: English words and
/// runs of katakana (where a browser would otherwise break セキュリ / ティ).
fn unbreakable_runs(title: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let kata = |c: char| ('\u{30a0}'..='\u{30ff}').contains(&c);
    let mut cur = String::new();
    for c in title.chars() {
        if kata(c) || c.is_ascii_alphanumeric() {
            cur.push(c);
        } else {
            if cur.chars().count() >= 3 {
                runs.push(std::mem::take(&mut cur));
            }
            cur.clear();
        }
    }
    if cur.chars().count() >= 3 {
        runs.push(cur);
    }
    runs
}

#[test]
fn the_example_report_prints_on_a4_with_legible_chart_and_whole_words() {
    let Some((chromium, pdftotext_bin)) = tools_or_skip() else {
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = repo.join("examples/sample-company");
    let tmp = tempfile::tempdir().unwrap();
    let artifacts = repo.join("tests/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    for lang in ["ja", "en"] {
        let out = tmp.path().join(format!("out-{lang}"));
        let a = Command::new(env!("CARGO_BIN_EXE_timaudit"))
            .arg("audit")
            .arg("--profile")
            .arg(example.join("timaudit.yaml"))
            .arg("--root")
            .arg(example.join("root"))
            .args(["--date", "2026-11-25", "--lang", lang, "--out"])
            .arg(&out)
            .env("LANG", "C")
            .output()
            .unwrap();
        // The example has failing items: exit 1, and the bundle is written.
        assert_eq!(
            a.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&a.stderr)
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap())
                .unwrap();
        let pdf = artifacts.join(format!("print-{lang}.pdf"));
        let _ = std::fs::remove_file(&pdf);
        print(
            &chromium,
            &tmp.path().join(format!("profile-{lang}")),
            &out.join("report.html"),
            &pdf,
        );

        // Page count: the cover with the chart, the score table, a page per
        // criterion (46 items take a few more), scope and approval — and not a
        // page per item.
        let all = pdftotext(&pdftotext_bin, &pdf, None, false);
        let pages = all.matches('\u{c}').count();
        assert!(
            (9..=40).contains(&pages),
            "{lang}: the report printed on {pages} pages"
        );

        // Extractable text: the organization, every item, scope and approval.
        let ja = lang == "ja";
        assert!(all.contains("株式会社みなと精密"), "{lang}: {all}");
        for it in json["items"].as_array().unwrap() {
            let id = it["id"].as_str().unwrap();
            assert!(all.contains(id), "{lang}: {id} is not in the PDF text");
        }
        for heading in if ja {
            ["調査範囲", "承認", "作成者"]
        } else {
            ["Coverage", "Approval", "Prepared by"]
        } {
            assert!(all.contains(heading), "{lang}: no {heading} in the PDF");
        }
        let digest = json["scope"]["definitions_sha256"].as_str().unwrap();
        assert!(
            all.replace('\n', "").contains(digest),
            "{lang}: the definitions' digest is not in the PDF"
        );

        // The chart is on the first page: each criterion's ID, its score and its
        // name as text, every one of them at 9 pt or more (the height of a word's
        // box is at least its font size).
        let first = words(&pdftotext(&pdftotext_bin, &pdf, Some((1, 1)), true));
        for c in json["summary"]["criteria"].as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            let (_, h) = first
                .iter()
                .find(|(w, _)| w == id)
                .unwrap_or_else(|| panic!("{lang}: chart label {id} not on page 1"));
            assert!(*h >= 8.95, "{lang}: chart label {id} is {h:.1} pt high");
            let score = format!("{:.1}", c["score"].as_f64().unwrap());
            assert!(
                first.iter().any(|(w, _)| *w == score),
                "{lang}: score {score} of {id} not on page 1"
            );
        }
        let small: Vec<&(String, f64)> = first.iter().filter(|(_, h)| *h < 8.95).collect();
        assert!(
            small.is_empty(),
            "{lang}: words under 9 pt on the cover page: {small:?}"
        );

        // Headers: no title of a criterion or item broken inside a word.
        let lines: Vec<&str> = all.lines().collect();
        let cat = timaudit::catalogue::Catalogue::builtin();
        let l = if ja {
            timaudit::i18n::Lang::Ja
        } else {
            timaudit::i18n::Lang::En
        };
        let titles = cat
            .criteria
            .iter()
            .map(|c| c.title.get(l).to_string())
            .chain(cat.items.iter().map(|i| i.title.get(l).to_string()));
        for title in titles {
            for run in unbreakable_runs(&title) {
                assert!(
                    lines.iter().any(|l| l.contains(&run)),
                    "{lang}: `{run}` of the title `{title}` is broken across lines"
                );
            }
        }
    }
    // The test must be able to fail: a word split by the printer is caught.
    assert_eq!(unbreakable_runs("ITセキュリティ"), ["ITセキュリティ"]);
    assert_eq!(unbreakable_runs("Training of staff"), ["Training", "staff"]);
}
