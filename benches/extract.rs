//! Criterion micro-benchmarks of the per-document pipeline on fixed texts: the project's own
//! example corpus (`examples/corpus`), each file cased as written and as a lowercase dump.
//!
//! `cargo bench --bench extract` (add `-- entities` etc. to pick one group). Throughput is in
//! bytes of source text per second.

use corpus_ls::analysis::{self, AnalysisContext};
use corpus_ls::corpus::scan;
use corpus_ls::extract::entities::{self, EntityContext, Gazetteer};
use corpus_ls::extract::figures::{self, FigureContext};
use corpus_ls::format::{self, Format};
use corpus_ls::text;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// The fixed texts: every file of `examples/corpus`, plus each one lowercased into a dump.
fn texts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let mut out = Vec::new();
    for f in scan::scan(&dir).files {
        let dump: String = f
            .text
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        out.push((f.rel.clone(), f.text));
        out.push((format!("{}.lower.txt", f.rel), dump));
    }
    out
}

fn total(texts: &[(String, String)]) -> u64 {
    texts.iter().map(|(_, t)| t.len() as u64).sum()
}

fn bench(c: &mut Criterion) {
    let texts = texts();
    let gaz = Gazetteer::default();
    let prepared: Vec<(PathBuf, &str, Format)> = texts
        .iter()
        .map(|(rel, t)| {
            let p = PathBuf::from(rel);
            let f = format::sniff(&p, t);
            (p, t.as_str(), f)
        })
        .collect();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(total(&texts)));
    g.bench_function(BenchmarkId::new("view", "examples"), |b| {
        b.iter(|| {
            for (_, t, f) in &prepared {
                black_box(format::view_and_metadata(t, *f));
            }
        })
    });
    let views: Vec<(String, Format, Option<corpus_ls::model::Date>)> = prepared
        .iter()
        .map(|(_, t, f)| {
            let (v, m) = format::view_and_metadata(t, *f);
            (v.text().to_string(), *f, m.date)
        })
        .collect();
    g.bench_function(BenchmarkId::new("segment", "examples"), |b| {
        b.iter(|| {
            for (v, f, _) in &views {
                black_box(text::segment(v, *f));
            }
        })
    });
    let segs: Vec<_> = views.iter().map(|(v, f, _)| text::segment(v, *f)).collect();
    g.bench_function(BenchmarkId::new("entities", "examples"), |b| {
        b.iter(|| {
            for ((v, f, _), s) in views.iter().zip(&segs) {
                let ctx = EntityContext {
                    lowercase: *f == Format::Lowercase,
                    gazetteer: &gaz,
                };
                black_box(entities::extract(v, s, &ctx));
            }
        })
    });
    g.bench_function(BenchmarkId::new("figures", "examples"), |b| {
        b.iter(|| {
            for ((v, f, date), s) in views.iter().zip(&segs) {
                let ctx = FigureContext {
                    dateline: *date,
                    lowercase: *f == Format::Lowercase,
                };
                black_box(figures::extract(v, s, &ctx));
            }
        })
    });
    g.bench_function(BenchmarkId::new("analyze", "examples"), |b| {
        b.iter(|| {
            for (p, t, _) in &prepared {
                let ctx = AnalysisContext {
                    gazetteer: &gaz,
                    is_note_by_path: false,
                };
                black_box(analysis::analyze(p, t, &ctx));
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
