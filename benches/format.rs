//! Throughput of the format pass (sniff, view, metadata) and of offset conversion.
//!
//! `cargo bench --bench format [DIR]`: DIR defaults to `examples/corpus`; every corpus file
//! below it is read once, then processed repeatedly for about two seconds.

use corpus_ls::corpus::scan;
use corpus_ls::document::{Encoding, LineIndex};
use corpus_ls::format;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Runs `f` over and over for about `budget`; returns the mean time of one run.
fn time(budget: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < budget || runs == 0 {
        f();
        runs += 1;
    }
    start.elapsed() / runs
}

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or_else(|| PathBuf::from("examples/corpus"), PathBuf::from);
    let files = scan::scan(&dir).files;
    let bytes: usize = files.iter().map(|f| f.text.len()).sum();
    if files.is_empty() {
        eprintln!("no corpus files below {}", dir.display());
        return;
    }
    let per_pass = time(Duration::from_secs(2), || {
        for f in &files {
            let fmt = format::sniff(&f.abs, &f.text);
            black_box(format::view_and_metadata(&f.text, fmt));
        }
    });
    let mb = bytes as f64 / 1e6;
    println!(
        "format pass: {} files, {:.2} MB: {:.1} ms a pass, {:.1} µs a file, {:.0} MB/s",
        files.len(),
        mb,
        per_pass.as_secs_f64() * 1e3,
        per_pass.as_secs_f64() * 1e6 / files.len() as f64,
        mb / per_pass.as_secs_f64()
    );
    let indexes: Vec<_> = files.iter().map(|f| LineIndex::new(&f.text)).collect();
    let mut conversions = 0usize;
    let per_conv = time(Duration::from_secs(1), || {
        for (f, li) in files.iter().zip(&indexes) {
            for off in (0..f.text.len()).step_by(97) {
                let p = li.position(&f.text, off, Encoding::Utf16);
                black_box(li.offset(&f.text, p, Encoding::Utf16));
                conversions += 1;
            }
        }
    });
    let per_file_convs: usize = files.iter().map(|f| f.text.len().div_ceil(97)).sum();
    println!(
        "offset -> UTF-16 position -> offset: {:.0} ns a round trip",
        per_conv.as_secs_f64() * 1e9 / per_file_convs.max(1) as f64
    );
    black_box(conversions);
}
