//! Per-document pipeline stage by stage, in CPU time of one thread (steadier than wall time on
//! a shared machine): every file of ROOT through view, segments, entities and figures, best of
//! N passes.
//!
//! ```text
//! cargo run --release --example bench_stages -- ROOT [N]
//! ```
use corpus_ls::corpus::Corpus;
use corpus_ls::extract::entities::{self, EntityContext};
use corpus_ls::extract::figures::{self, FigureContext};
use corpus_ls::format::{self, Format};
use corpus_ls::text;
use std::path::{Path, PathBuf};

/// CPU nanoseconds this thread has run (`/proc/thread-self/schedstat`), 0 where unavailable.
fn cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    s.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(root) = args.get(1).map(PathBuf::from) else {
        eprintln!("usage: bench_stages ROOT [PASSES]");
        std::process::exit(2)
    };
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let corpus = Corpus::load(&root);
    let gaz = corpus.gazetteer().clone();
    let mut docs = Vec::new();
    let mut bytes = 0usize;
    for f in &corpus.files {
        let src = f.text();
        let src: &str = &src;
        let fmt = format::sniff(Path::new(&f.rel), src);
        let (view, meta) = format::view_and_metadata(src, fmt);
        let t = view.text().to_string();
        bytes += src.len();
        docs.push((src.to_string(), fmt, t, meta.date));
    }
    let mb = bytes as f64 / 1e6;
    let mut best = [f64::MAX; 4];
    for _ in 0..reps {
        let mut t = [0u64; 4];
        for (src, fmt, view, date) in &docs {
            let c0 = cpu_ns();
            let (v, _) = format::view_and_metadata(src, *fmt);
            std::hint::black_box(v.text().len());
            let c1 = cpu_ns();
            let segs = text::segment(view, *fmt);
            let c2 = cpu_ns();
            let lowercase = *fmt == Format::Lowercase;
            let e = entities::extract(
                view,
                &segs,
                &EntityContext {
                    lowercase,
                    gazetteer: &gaz,
                },
            );
            let c3 = cpu_ns();
            let f = figures::extract(
                view,
                &segs,
                &FigureContext {
                    dateline: *date,
                    lowercase,
                },
            );
            let c4 = cpu_ns();
            std::hint::black_box((e.len(), f.len()));
            t[0] += c1 - c0;
            t[1] += c2 - c1;
            t[2] += c3 - c2;
            t[3] += c4 - c3;
        }
        for k in 0..4 {
            best[k] = best[k].min(t[k] as f64 / 1e9);
        }
    }
    let total: f64 = best.iter().sum();
    for (n, s) in ["view", "segment", "entities", "figures"].iter().zip(best) {
        println!("{n:10} {s:.3} s CPU  {:.1} MB/s", mb / s);
    }
    println!(
        "{:10} {total:.3} s CPU  {:.1} MB/s ({mb:.2} MB)",
        "pipeline",
        mb / total
    );
}
