//! Evaluation of figure extraction.
//!
//! ```text
//! cargo run --release --example eval_figures                 # seeds + Recognizers-Text table
//! cargo run --release --example eval_figures -- --verbose    # ... and every miss
//! cargo run --release --example eval_figures -- --bench      # MB/s on the BBC corpus
//! cargo run --release --example eval_figures -- --file F [--dateline YYYY-MM-DD] [--lowercase]
//! ```
//!
//! Data come from `../shared` (or `$CORPUS_LS_SHARED`); each part is skipped with a message when
//! its folder is absent.

use corpus_ls::extract::figures::{self, FigureContext, Found};
use corpus_ls::format::{self, Format};
use corpus_ls::model::{Date, FigureType, Span};
use corpus_ls::text;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn shared_dir() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cands = Vec::new();
    if let Ok(p) = std::env::var("CORPUS_LS_SHARED") {
        cands.push(PathBuf::from(p));
    }
    cands.push(manifest.join("../shared"));
    cands.push(manifest.join("../../shared"));
    cands.push(PathBuf::from("/work/shared"));
    cands.into_iter().find(|p| p.is_dir())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(file) = flag("--file") {
        let dateline = flag("--dateline").and_then(|d| Date::parse_from_str(&d, "%Y-%m-%d").ok());
        let lowercase = args.iter().any(|a| a == "--lowercase");
        dump_file(Path::new(&file), dateline, lowercase);
        return;
    }
    let Some(shared) = shared_dir() else {
        println!("skipped: no ../shared folder (set CORPUS_LS_SHARED)");
        return;
    };
    if args.iter().any(|a| a == "--bench") {
        bench(&shared.join("corpora/bbc-news"));
        return;
    }
    seeds(&shared.join("seeds"));
    specs(
        &shared.join("corpora/recognizers-text-specs/Specs"),
        verbose,
    );
}

fn figure_line(text: &str, f: &Found) -> String {
    let g = &f.figure;
    format!(
        "{:?} | {} | {} | {} | {} | [{}, {}] | {}",
        g.span.slice(text),
        g.ty.as_str(),
        serde_json::to_string(&g.value).unwrap_or_default(),
        g.unit.as_deref().unwrap_or("-").to_owned()
            + if g.unit_inferred { " (inferred)" } else { "" },
        serde_json::to_string(&g.qualifier).unwrap_or_default(),
        g.low
            .map(|v| serde_json::to_string(&v).unwrap_or_default())
            .unwrap_or("-".into()),
        g.high
            .map(|v| serde_json::to_string(&v).unwrap_or_default())
            .unwrap_or("-".into()),
        g.subject.join(" ")
    )
}

fn dump_file(path: &Path, dateline: Option<Date>, lowercase: bool) {
    let Ok(src) = std::fs::read_to_string(path) else {
        println!("cannot read {}", path.display());
        return;
    };
    let ctx = FigureContext {
        dateline,
        lowercase,
    };
    for f in figures::extract_detailed(&src, &ctx) {
        println!("{}", figure_line(&src, &f));
    }
}

/// Prints every figure of the two seed articles.
fn seeds(dir: &Path) {
    println!("## Seed articles\n");
    if !dir.is_dir() {
        println!("skipped: {} absent\n", dir.display());
        return;
    }
    let june3 = Date::from_ymd_opt(2018, 6, 3);
    let runs = [
        (
            "003_cd8938af65b0a9eb.txt",
            june3,
            false,
            "dateline June 3, 2018",
        ),
        ("000_07c8a66dd8e1c00f.txt", None, true, "no dateline"),
        (
            "000_07c8a66dd8e1c00f.txt",
            june3,
            true,
            "dateline 2018-06-03 passed",
        ),
    ];
    for (name, dateline, lowercase, note) in runs {
        let Ok(src) = std::fs::read_to_string(dir.join(name)) else {
            println!("skipped: {name} absent");
            continue;
        };
        println!("### {name} ({note})\n");
        println!("text | type | value | unit | qualifier | [low, high] | subject");
        let ctx = FigureContext {
            dateline,
            lowercase,
        };
        for f in figures::extract_detailed(&src, &ctx) {
            println!("{}", figure_line(&src, &f));
        }
        println!();
    }
}

/// One expected result of a spec file: character span, value if any.
struct Expected {
    span: Span,
    value: Option<f64>,
}

#[derive(Default)]
struct Tally {
    expected: usize,
    no_value: usize,
    right: usize,
    span_only: usize,
    missed: usize,
    spurious: usize,
}

fn char_to_byte(s: &str, c: usize) -> usize {
    s.char_indices().nth(c).map_or(s.len(), |(b, _)| b)
}

fn load(path: &Path) -> Option<Vec<Json>> {
    let raw = std::fs::read_to_string(path).ok()?;
    let raw = raw.trim_start_matches('\u{feff}');
    serde_json::from_str(raw).ok()
}

#[derive(Clone, Copy, PartialEq)]
enum Spec {
    Currency,
    Percent,
    Number,
    Duration,
    Date,
}

fn expected_of(spec: Spec, input: &str, r: &Json) -> Expected {
    let (start, end) = if let (Some(s), Some(e)) = (r["Start"].as_u64(), r["End"].as_u64()) {
        (s as usize, e as usize + 1)
    } else {
        let s = r["Start"].as_u64().unwrap_or(0) as usize;
        (s, s + r["Length"].as_u64().unwrap_or(0) as usize)
    };
    let span = Span::new(char_to_byte(input, start), char_to_byte(input, end));
    let res = &r["Resolution"];
    let value = match spec {
        Spec::Currency => {
            let unit = res["unit"].as_str().unwrap_or("");
            let factor = match unit {
                "Cent" | "Pence" | "Penny" => 0.01,
                "Satoshi" => 1e-8,
                _ => 1.0,
            };
            res["value"]
                .as_str()
                .and_then(|v| v.parse::<f64>().ok())
                .map(|v| v * factor)
        }
        Spec::Percent => res["value"]
            .as_str()
            .and_then(|v| v.trim_end_matches('%').parse::<f64>().ok()),
        Spec::Number => res["value"].as_str().and_then(|v| v.parse::<f64>().ok()),
        Spec::Duration | Spec::Date => None,
    };
    Expected { span, value }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1e-9)
}

/// The figure spans and values a spec compares against.
fn candidates(spec: Spec, found: &[Found]) -> Vec<(Span, Option<f64>)> {
    let num = |f: &Found| match f.figure.value {
        corpus_ls::model::Value::Number(n) => Some(n),
        _ => None,
    };
    match spec {
        Spec::Currency => found
            .iter()
            .filter(|f| f.figure.ty == FigureType::Money)
            .map(|f| (f.core, num(f)))
            .collect(),
        Spec::Percent => found
            .iter()
            .filter(|f| f.figure.ty == FigureType::Percent)
            .map(|f| (f.core, num(f)))
            .collect(),
        Spec::Number => found
            .iter()
            .filter_map(|f| f.number.map(|(s, v)| (s, Some(v))))
            .collect(),
        Spec::Duration => found
            .iter()
            .filter(|f| f.figure.ty == FigureType::Duration)
            .map(|f| (f.core, None))
            .collect(),
        Spec::Date => found
            .iter()
            .filter(|f| f.figure.ty == FigureType::Date)
            .map(|f| (f.core, None))
            .collect(),
    }
}

fn run_spec(path: &Path, spec: Spec, verbose: bool) -> Option<Tally> {
    let cases = load(path)?;
    let mut t = Tally::default();
    let default_ref = Date::from_ymd_opt(2016, 11, 7);
    for case in &cases {
        let input = case["Input"].as_str().unwrap_or("");
        let dateline = case["Context"]["ReferenceDateTime"]
            .as_str()
            .and_then(|s| s.get(..10))
            .and_then(|s| Date::parse_from_str(s, "%Y-%m-%d").ok())
            .or(default_ref);
        let ctx = FigureContext {
            dateline,
            lowercase: !input.chars().any(|c| c.is_uppercase()),
        };
        let found = figures::extract_detailed(input, &ctx);
        let cands = candidates(spec, &found);
        let results = case["Results"].as_array().cloned().unwrap_or_default();
        let mut used = vec![false; cands.len()];
        for r in &results {
            let e = expected_of(spec, input, r);
            let needs_value = matches!(spec, Spec::Currency | Spec::Percent | Spec::Number);
            if needs_value && e.value.is_none() {
                t.no_value += 1;
                if let Some(k) = cands.iter().position(|(s, _)| *s == e.span) {
                    used[k] = true;
                }
                continue;
            }
            t.expected += 1;
            let hit = cands.iter().position(|(s, _)| *s == e.span);
            match hit {
                Some(k) => {
                    used[k] = true;
                    let ok = match (e.value, cands[k].1) {
                        (Some(a), Some(b)) => close(b, a),
                        (None, _) => true,
                        _ => false,
                    };
                    if ok {
                        t.right += 1;
                    } else {
                        t.span_only += 1;
                        if verbose {
                            println!(
                                "  value  {:?}: {:?} want {:?} got {:?}",
                                input,
                                e.span.slice(input),
                                e.value,
                                cands[k].1
                            );
                        }
                    }
                }
                None => {
                    t.missed += 1;
                    if verbose {
                        let got: Vec<&str> = cands.iter().map(|(s, _)| s.slice(input)).collect();
                        println!(
                            "  missed {:?}: want {:?} got {:?}",
                            input,
                            e.span.slice(input),
                            got
                        );
                    }
                }
            }
        }
        for (k, (s, _)) in cands.iter().enumerate() {
            if !used[k] {
                t.spurious += 1;
                if verbose {
                    println!("  extra  {:?}: {:?}", input, s.slice(input));
                }
            }
        }
    }
    Some(t)
}

fn specs(dir: &Path, verbose: bool) {
    println!("## Recognizers-Text English specifications\n");
    if !dir.is_dir() {
        println!("skipped: {} absent", dir.display());
        return;
    }
    let files = [
        (
            "CurrencyModel",
            "NumberWithUnit/English/CurrencyModel.json",
            Spec::Currency,
        ),
        (
            "PercentModel",
            "Number/English/PercentModel.json",
            Spec::Percent,
        ),
        (
            "NumberModel",
            "Number/English/NumberModel.json",
            Spec::Number,
        ),
        (
            "DurationExtractor",
            "DateTime/English/DurationExtractor.json",
            Spec::Duration,
        ),
        (
            "DateExtractor",
            "DateTime/English/DateExtractor.json",
            Spec::Date,
        ),
    ];
    let mut rows = Vec::new();
    for (name, rel, spec) in files {
        if verbose {
            println!("{name}:");
        }
        match run_spec(&dir.join(rel), spec, verbose) {
            Some(t) => rows.push((name, t)),
            None => println!("skipped: {rel} unreadable"),
        }
    }
    println!();
    println!("| spec | results scored | right (span and value) | span right, value wrong | missed | extra figures | results without a value (not scored) |");
    println!("|---|---|---|---|---|---|---|");
    for (name, t) in rows {
        let pct = if t.expected > 0 {
            100.0 * t.right as f64 / t.expected as f64
        } else {
            0.0
        };
        println!(
            "| {name} | {} | {} ({pct:.1}%) | {} | {} | {} | {} |",
            t.expected, t.right, t.span_only, t.missed, t.spurious, t.no_value
        );
    }
}

/// MB/s of segmentation alone and of segmentation plus figures on the BBC corpus.
fn bench(dir: &Path) {
    if !dir.is_dir() {
        println!("skipped: {} absent", dir.display());
        return;
    }
    let mut texts = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "txt") {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    texts.push(t);
                }
            }
        }
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!("BBC corpus: {} files, {:.2} MB", texts.len(), mb);
    let ctx = FigureContext::default();
    let mut best_seg = f64::MAX;
    let mut best_fig = f64::MAX;
    let mut count = 0;
    for _ in 0..3 {
        let t0 = Instant::now();
        let segs: Vec<_> = texts
            .iter()
            .map(|t| text::segment(t, Format::Plain))
            .collect();
        best_seg = best_seg.min(t0.elapsed().as_secs_f64());
        let t1 = Instant::now();
        count = 0;
        for (t, s) in texts.iter().zip(&segs) {
            count += figures::extract(t, s, &ctx).len();
        }
        best_fig = best_fig.min(t1.elapsed().as_secs_f64());
    }
    let _ = format::sniff;
    println!("figures found: {count}");
    println!(
        "segmentation alone: {:.3} s ({:.1} MB/s)",
        best_seg,
        mb / best_seg
    );
    println!(
        "figure extraction alone: {:.3} s ({:.1} MB/s)",
        best_fig,
        mb / best_fig
    );
    println!(
        "segmentation + figures: {:.3} s ({:.1} MB/s)",
        best_seg + best_fig,
        mb / (best_seg + best_fig)
    );
}
