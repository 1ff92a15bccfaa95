//! Exact-span F1 of the recogniser on CoNLL-2003 `testb`, cased and lowercased, plus speed.
//!
//! `cargo run --release --example eval_conll -- [/work/shared/corpora/conll2003] [--bench [BBC_DIR]]`
//!
//! (a) the cased testb text; (b) the same text lowercased, with a gazetteer of the names the
//! cased model finds in the `testa` text (not its gold labels), as a mixed corpus gives.
//! Runs the real per-document extraction (segment + extract) and compares name spans by bytes.

#[path = "support/conll_docs.rs"]
mod conll_docs;

use corpus_ls::extract::entities::training::{score, type_index, Counts, GoldDoc};
use corpus_ls::extract::entities::{extract, EntityContext, Gazetteer};
use corpus_ls::format::Format;
use corpus_ls::model::{EntityType, Span};
use corpus_ls::text::segment;
use std::path::{Path, PathBuf};
use std::time::Instant;

const TYPES: [EntityType; 4] = [
    EntityType::Per,
    EntityType::Org,
    EntityType::Loc,
    EntityType::Misc,
];

/// CPU time of this thread in seconds (Linux schedstat), so a busy machine does not skew speed.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Wall and CPU seconds of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, Option<f64>) {
    let (c0, t0) = (cpu_seconds(), Instant::now());
    let out = f();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(c0).map(|(b, a)| b - a);
    (out, wall, cpu)
}

fn speed(bytes: usize, wall: f64, cpu: Option<f64>) -> String {
    let mb = bytes as f64 / 1e6;
    match cpu {
        Some(c) => format!(
            "{mb:.2} MB: {:.1} MB/s of CPU time ({:.1} MB/s wall)",
            mb / c,
            mb / wall
        ),
        None => format!("{mb:.2} MB: {:.1} MB/s wall", mb / wall),
    }
}

fn run(text: &str, format: Format, gaz: &Gazetteer) -> Vec<(Span, EntityType)> {
    let segs = segment(text, format);
    let ctx = EntityContext {
        lowercase: format == Format::Lowercase,
        gazetteer: gaz,
    };
    extract(text, &segs, &ctx)
        .iter()
        .map(|m| (m.name, m.ty))
        .collect()
}

fn evaluate(label: &str, docs: &[GoldDoc], format: Format, gaz: &Gazetteer) -> f64 {
    let (preds, wall, cpu) = timed(|| {
        docs.iter()
            .map(|d| run(&d.text, format, gaz))
            .collect::<Vec<_>>()
    });
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut per_type = [Counts::default(); 4];
    for (d, p) in docs.iter().zip(&preds) {
        for (acc, c) in per_type.iter_mut().zip(score(p, &d.gold)) {
            acc.add(c);
        }
    }
    let mut core = Counts::default();
    let mut all = Counts::default();
    for t in TYPES {
        let c = per_type[type_index(t)];
        all.add(c);
        if t != EntityType::Misc {
            core.add(c);
        }
    }
    println!("{label}");
    for t in TYPES {
        let (p, r, f) = per_type[type_index(t)].prf();
        println!("  {:<5} P {p:.3}  R {r:.3}  F1 {f:.3}", t.as_str());
    }
    let (p, r, f) = core.prf();
    println!("  PER/ORG/LOC  P {p:.3}  R {r:.3}  F1 {f:.3}");
    let (p, r, fa) = all.prf();
    println!("  all four     P {p:.3}  R {r:.3}  F1 {fa:.3}");
    println!(
        "  speed (segment + extract, one thread): {}",
        speed(bytes, wall, cpu)
    );
    f
}

fn bench(dir: &Path) {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "txt")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("README"))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let gaz = Gazetteer::default();
    for (label, format) in [("cased", Format::Plain), ("lowercased", Format::Lowercase)] {
        let lowered: Vec<String>;
        let input: &[String] = if format == Format::Lowercase {
            lowered = texts.iter().map(|t| t.to_lowercase()).collect();
            &lowered
        } else {
            &texts
        };
        let (n, wall, cpu) = timed(|| {
            input
                .iter()
                .map(|t| run(t, format, &gaz).len())
                .sum::<usize>()
        });
        println!(
            "BBC {label}: {} files, {n} mentions, {}",
            texts.len(),
            speed(bytes, wall, cpu)
        );
    }
}

fn main() {
    // Decode both built-in models before anything is timed.
    for format in [Format::Plain, Format::Lowercase] {
        run("Warm up in Accra.", format, &Gazetteer::default());
    }
    let mut root = PathBuf::from("../shared/corpora/conll2003");
    let mut bench_dir: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1).peekable();
    while let Some(a) = args.next() {
        if a == "--bench" {
            let dir = match args.peek() {
                Some(n) if !n.starts_with("--") && Path::new(n).join("business").is_dir() => {
                    args.next().map(PathBuf::from)
                }
                _ => None,
            };
            bench_dir = Some(dir.unwrap_or_else(|| {
                root.parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                    .join("bbc-news")
            }));
        } else {
            root = PathBuf::from(a);
        }
    }
    let derived = root.join("derived");
    if !derived.is_dir() {
        println!("skipping CoNLL-2003: {} is absent", derived.display());
    } else {
        let testb = conll_docs::read_split(&derived.join("testb")).expect("read testb");
        let testa = conll_docs::read_split(&derived.join("testa")).expect("read testa");
        let empty = Gazetteer::default();
        let cased = evaluate("(a) testb, cased", &testb, Format::Plain, &empty);
        // The gazetteer a mixed corpus gives: names the cased model finds in the testa text.
        let gaz: Gazetteer = testa
            .iter()
            .flat_map(|d| {
                run(&d.text, Format::Plain, &empty)
                    .into_iter()
                    .map(|(s, t)| (s.slice(&d.text).to_string(), t))
                    .collect::<Vec<_>>()
            })
            .collect();
        println!(
            "gazetteer from testa (cased model output): {} names",
            gaz.names().len()
        );
        let lower: Vec<GoldDoc> = testb
            .iter()
            .map(|d| GoldDoc {
                text: d.text.to_ascii_lowercase(),
                gold: d.gold.clone(),
            })
            .collect();
        let lowered = evaluate(
            "(b) testb, lowercased, gazetteer from testa",
            &lower,
            Format::Lowercase,
            &gaz,
        );
        let no_gaz = evaluate(
            "(b') testb, lowercased, no gazetteer",
            &lower,
            Format::Lowercase,
            &empty,
        );
        println!("PER/ORG/LOC F1: cased {cased:.3}, lowercased {lowered:.3} (without gazetteer {no_gaz:.3})");
    }
    if let Some(dir) = bench_dir {
        if dir.is_dir() {
            bench(&dir);
        } else {
            println!("skipping --bench: {} is absent", dir.display());
        }
    }
}
