//! `corpus-ls report` opened in headless Chromium: the page of the example corpus and of a
//! generated one renders with no console message of error, its DOM holds the sections and the
//! charts, and a screenshot shows the charts' pixels. Skips with a printed reason when Chromium
//! is absent (`.ci/chromium.sh` installs it for CI).

use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/cli.rs"]
mod cli;
use cli::run;

/// The bars' and the timelines' colours (`corpus_ls::report::{BAR, LINE}`).
const BAR: [u8; 3] = [44, 160, 44];
const LINE: [u8; 3] = [31, 119, 180];

fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    });
    if found.is_none() {
        println!(
            "skipped: no chromium on PATH (apt-get install chromium, or bash .ci/chromium.sh)"
        );
    }
    found
}

/// Runs headless Chromium on `page` with a fresh profile and `extra` flags; returns
/// (stdout, stderr). Logging goes to stderr, where each console message is a `CONSOLE` line.
fn browse(chromium: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The console messages Chromium logged (errors, and anything a page script printed).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

/// Pixels of the screenshot by colour: (pixels exactly `BAR`, pixels exactly `LINE`, distinct
/// colours).
fn pixels(png_path: &Path) -> (usize, usize, usize) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = match info.color_type {
        png::ColorType::Rgba => 4,
        png::ColorType::Rgb => 3,
        other => panic!("unexpected screenshot colour type {other:?}"),
    };
    let mut colours = std::collections::HashSet::new();
    let (mut bar, mut line) = (0, 0);
    for px in buf[..info.buffer_size()].chunks_exact(step) {
        let rgb = [px[0], px[1], px[2]];
        bar += usize::from(rgb == BAR);
        line += usize::from(rgb == LINE);
        colours.insert(rgb);
    }
    (bar, line, colours.len())
}

/// Writes the report of `root` into `out` and checks it in Chromium.
fn check_in_chromium(chromium: &Path, root: &Path, out: &Path) {
    let page = out.join("report.html");
    let (code, _, err) = run(&[
        "report",
        root.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "report failed: {err}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains(" src=") && !html.contains("url("),
        "the page fetches something"
    );

    let shot = out.join("report.png");
    let (_, log) = browse(
        chromium,
        &page,
        &[
            "--window-size=1200,2400",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert_eq!(console_lines(&log), Vec::<&str>::new(), "console messages");
    let (bar, line, colours) = pixels(&shot);
    assert!(colours > 20, "the screenshot is blank ({colours} colours)");
    assert!(
        bar > 2000,
        "the entity chart's bars are missing ({bar} pixels)"
    );
    assert!(line > 50, "the timeline is missing ({line} pixels)");

    let (dom, log) = browse(chromium, &page, &["--dump-dom"]);
    assert_eq!(console_lines(&log), Vec::<&str>::new(), "console messages");
    for id in ["entities", "timelines", "findings"] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\">")),
            "no {id} section"
        );
    }
    assert!(
        dom.matches("<svg").count() >= 2,
        "the charts are not in the DOM"
    );
    assert!(dom.contains("class=\"finding\""), "no finding listed");
    assert!(
        !dom.contains("<script"),
        "markup from a name became an element"
    );
}

/// A corpus of dated articles on one quantity, a note that disputes it, and a name that is a
/// script if the page fails to escape it.
fn generated() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("notes")).unwrap();
    std::fs::write(
        root.join("corpus-ls.toml"),
        "[entities]\n\"<script>console.error('escaped?')</script>\" = { type = \"ORG\", aliases = [\"Tarnby Foundry\"] }\n",
    )
    .unwrap();
    for i in 1..=12 {
        let workers = 3000 + 150 * i;
        std::fs::write(
            root.join(format!("week-{i:02}.md")),
            format!(
                "---\ntitle: Foundry week {i}\ndate: 2022-{:02}-{:02}\n---\n\n\
                 Tarnby Foundry said its plant in Calloway now employs {workers} workers. \
                 Mayor Edith Varga of Calloway welcomed the figure.\n",
                1 + i / 5,
                1 + 2 * i
            ),
        )
        .unwrap();
    }
    std::fs::write(
        root.join("notes/foundry.md"),
        "---\nsources: [../week-03.md]\n---\n\nThe Tarnby Foundry plant employs 8,800 workers.\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_console_check_sees_an_error() {
    // Guards the test itself: a page that logs an error must be caught by `console_lines`.
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(&page, "<p>x</p><script>console.error('planted')</script>").unwrap();
    let (_, log) = browse(&chromium, &page, &["--dump-dom"]);
    assert!(
        console_lines(&log).iter().any(|l| l.contains("planted")),
        "console errors are not seen: {log}"
    );
}

#[test]
fn the_example_report_renders_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let out = tempfile::tempdir().unwrap();
    check_in_chromium(&chromium, &root, out.path());
    // Kept for a look: CORPUS_LS_SCREENSHOT=path copies the screenshot there.
    if let Some(keep) = std::env::var_os("CORPUS_LS_SCREENSHOT") {
        std::fs::copy(out.path().join("report.png"), keep).unwrap();
    }
}

#[test]
fn a_generated_report_renders_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let corpus = generated();
    let out = tempfile::tempdir().unwrap();
    check_in_chromium(&chromium, corpus.path(), out.path());
}
