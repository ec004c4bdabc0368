//! report.html in a real browser: headless Chromium loads the page written by
//! `audit --out`, and we check that it loads without a single console message
//! (no script errors, nothing blocked, nothing fetched), that every checklist item
//! and the radar chart are in the rendered DOM, that a hostile file name stays
//! text, and that printing gives a page per criterion. A screenshot and the PDF
//! are kept in `tests/artifacts/` for people to look at.
//!
//! Chromium comes from Debian's `chromium` package (`.ci/run` installs it). Without
//! it the test is skipped with a loud message — except under CI (`CI` set), where
//! a missing browser is a failure, so CI never skips silently.

mod bundle_common;

use bundle_common::*;
#[path = "common/chromium.rs"]
mod chromium;
use chromium::{HEADLESS, chromium};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Some(p) => Some(p),
        None if std::env::var_os("CI").is_some() => {
            panic!("CI is set but /usr/bin/chromium is missing: .ci/run must install `chromium`")
        }
        None => {
            eprintln!(
                "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                 SKIPPED: the browser test needs Chromium (apt-get install chromium).\n\
                 report.html was NOT checked in a browser on this machine.\n\
                 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            );
            None
        }
    }
}

struct Run {
    stdout: String,
    console: Vec<String>,
}

/// Runs headless Chromium on `page` with extra arguments; kills it after 120 s.
fn run(browser: &Path, profile_dir: &Path, page: &Path, extra: &[String]) -> Run {
    let url = format!("file://{}", page.display());
    let mut child = Command::new(browser)
        .args(HEADLESS)
        .args([
            "--hide-scrollbars",
            // Console messages (script errors, blocked loads) go to stderr.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile_dir.display()))
        .args(extra)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Drain both pipes while waiting: a page larger than the pipe buffer would
    // otherwise block Chromium on its own output.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out_reader = drain(Box::new(child.stdout.take().unwrap()));
    let err_reader = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let stdout = out_reader.join().unwrap();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    Run {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        console: stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_string)
            .collect(),
    }
}

/// Prints `page` to `pdf`; returns the number of pages.
fn print(browser: &Path, profile_dir: &Path, page: &Path, pdf: &Path) -> usize {
    run(
        browser,
        profile_dir,
        page,
        &[
            format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer".into(),
        ],
    );
    let bytes = std::fs::read(pdf).expect("a PDF");
    regex::bytes::Regex::new(r"/Type\s*/Page[^s]")
        .unwrap()
        .find_iter(&bytes)
        .count()
}

fn artifacts() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn report_html_loads_cleanly_in_chromium_and_shows_every_item() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let c = company();
    let tmp = tempfile::tempdir().unwrap();

    // The console check must be able to fail: a page with a script error and a
    // blocked external load is caught.
    let control = tmp.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body><p>control</p>\
         <script>throw new Error('control-error')</script></body></html>",
    )
    .unwrap();
    let r = run(
        &browser,
        &tmp.path().join("profile-control"),
        &control,
        &["--dump-dom".into()],
    );
    assert!(
        r.stdout.contains("<p>control</p>"),
        "dump-dom gave {:?}",
        r.stdout
    );
    assert!(
        r.console.iter().any(|l| l.contains("control-error")),
        "the console check cannot see script errors in this Chromium: {:?}",
        r.console
    );

    let items = regex::Regex::new(r"(?s)<article.*?</article>").unwrap();
    for lang in ["ja", "en"] {
        std::fs::remove_dir_all(c.out()).ok();
        audit(&c, lang);
        let page = c.out().join("report.html");
        let report: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(c.out().join("report.json")).unwrap())
                .unwrap();
        let ids: Vec<&str> = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();

        let r = run(
            &browser,
            &tmp.path().join(format!("profile-{lang}")),
            &page,
            &["--dump-dom".into()],
        );
        assert!(
            r.console.is_empty(),
            "report.html ({lang}) logged to the console (script error, blocked or failed load): {:#?}",
            r.console
        );
        let dom = r.stdout;
        assert!(
            dom.contains(&format!("<html lang=\"{lang}\">")),
            "no page rendered"
        );
        for id in &ids {
            assert_eq!(
                dom.matches(&format!("id=\"item-{id}\"")).count(),
                1,
                "{id} is not shown exactly once ({lang})"
            );
        }
        assert_eq!(dom.matches("<article class=\"item").count(), ids.len());
        // The radar chart: an SVG with the score polygon and one point per criterion.
        assert!(
            dom.contains("<svg") && dom.contains("class=\"scores\""),
            "no chart"
        );
        assert_eq!(dom.matches("<circle").count(), 6);
        // The hostile record name is text, not an element.
        let lower = dom.to_ascii_lowercase();
        assert!(!lower.contains("<img") && !lower.contains("<script"));
        assert!(dom.contains("&lt;img src=x onerror=alert(1)&gt;.csv"));

        let shot = artifacts().join(format!("report-{lang}.png"));
        let _ = std::fs::remove_file(&shot);
        run(
            &browser,
            &tmp.path().join(format!("profile-{lang}-shot")),
            &page,
            &[
                format!("--screenshot={}", shot.display()),
                "--window-size=1280,2400".into(),
            ],
        );
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "empty screenshot"
        );

        // Printing (A4): the whole report is kept as an artefact. Then the same page
        // without its items, which would fit on two pages: each criterion starting a
        // new page makes it at least 1 + 6.
        let pdf = artifacts().join(format!("report-{lang}.pdf"));
        let _ = std::fs::remove_file(&pdf);
        let pages = print(
            &browser,
            &tmp.path().join(format!("profile-{lang}-pdf")),
            &page,
            &pdf,
        );
        assert!(pages >= 7, "the report printed on {pages} pages");
        let bare = tmp.path().join(format!("bare-{lang}.html"));
        let html = std::fs::read_to_string(&page).unwrap();
        let html = items.replace_all(&html, "");
        std::fs::write(&bare, html.as_ref()).unwrap();
        let pages = print(
            &browser,
            &tmp.path().join(format!("profile-{lang}-bare")),
            &bare,
            &tmp.path().join(format!("bare-{lang}.pdf")),
        );
        assert!(
            (7..=9).contains(&pages),
            "without items the report printed on {pages} pages; expected one per criterion"
        );
    }
}
