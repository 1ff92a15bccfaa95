//! In-process cost of `textDocument/references` to the most-mentioned entity, step by step:
//! the handler (lookup, ranges, locations), what tower-lsp-server then does with its result
//! (`serde_json::to_value`, then the value to a string), the pre-serialized JSON the server
//! writes instead for long answers, and a client's parse of that string.
//! `bench_lsp` measures the same request end to end over stdio; this splits it.
//!
//! `cargo run --release --example bench_references -- ROOT [ITERATIONS]` (loads through the
//! warm-start cache: point `XDG_CACHE_HOME` at a folder of your own).

use corpus_ls::corpus::Corpus;
use corpus_ls::document::Encoding;
use corpus_ls::host::Snapshot;
use corpus_ls::lsp::config::Settings;
use corpus_ls::lsp::convert::corpus_uri;
use corpus_ls::lsp::query::Ctx;
use corpus_ls::lsp::{highlight, references};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::Position;

/// The median of `f`'s wall time over `n` runs, with its last result.
fn median<T>(n: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(n);
    let mut last = None;
    for _ in 0..n {
        let t = Instant::now();
        let r = f();
        times.push(t.elapsed());
        last = Some(r);
    }
    times.sort();
    (times[n / 2], last.expect("n > 0"))
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = Path::new(args.get(1).map(String::as_str).unwrap_or("examples/corpus"))
        .canonicalize()
        .expect("root exists");
    let n: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
        .max(1);
    let t = Instant::now();
    let corpus = Corpus::load_cached(&root);
    eprintln!(
        "loaded {} files in {:.1} s",
        corpus.files.len(),
        t.elapsed().as_secs_f64()
    );
    // Installed as the host would (its answers are kept by revision).
    let mut snap = Snapshot::new(corpus);
    snap.stamp(1);
    let snap = Arc::new(snap);
    let top = snap
        .corpus
        .entities()
        .iter()
        .max_by_key(|e| e.mentions.len())
        .expect("an entity");
    let at = top.defining.unwrap_or(top.mentions[0]);
    let file = at.file as usize;
    let rel = snap.corpus.files[file].rel.clone();
    let ctx = Ctx {
        uri: corpus_uri(&root, &rel).expect("uri"),
        snap: snap.clone(),
        file,
        root: root.clone(),
        enc: Encoding::Utf16,
        settings: Settings::default(),
        open: HashMap::new(),
        custom_tokens: true,
        fresh: None,
    };
    let pos: Position = {
        let p = ctx.text().position(at.span.start(), Encoding::Utf16);
        Position::new(p.line, p.character)
    };
    println!(
        "entity {:?}: {} mentions in {} files; asked at {rel}:{}:{}",
        top.name,
        top.mentions.len(),
        top.files.len(),
        pos.line,
        pos.character
    );
    let (t_lookup, _) = median(n, || {
        let (id, _) = snap
            .corpus
            .entity_in(at.file, at.span.start())
            .expect("entity");
        snap.corpus.entities()[id.0 as usize].mentions.len()
    });
    let (t_refs, locs) = median(n, || references::references(&ctx, pos, true).expect("refs"));
    let (t_value, value) = median(n, || serde_json::to_value(&locs).expect("value"));
    let (t_value_str, text) = median(n, || serde_json::to_string(&value).expect("string"));
    let (t_direct, _) = median(n, || serde_json::to_string(&locs).expect("string"));
    let (t_pre, pre) = median(n, || corpus_ls::lsp::io::preserialized::to_json(&locs));
    assert_eq!(
        pre, text,
        "the pre-serialized text is what the Value path writes"
    );
    let (t_parse, _) = median(n, || {
        serde_json::from_str::<serde_json::Value>(&text).expect("parse")
    });
    let (t_hl, hl) = median(n, || highlight::highlight(&ctx, pos).expect("highlight"));
    println!("| step | median ms |");
    println!("|---|---|");
    println!("| registry lookup (entity_at + card) | {} |", ms(t_lookup));
    println!(
        "| references() -> {} Locations | {} |",
        locs.len(),
        ms(t_refs)
    );
    println!(
        "| serde_json::to_value (tower-lsp-server) | {} |",
        ms(t_value)
    );
    println!(
        "| Value -> string ({:.1} MB, the codec) | {} |",
        text.len() as f64 / 1e6,
        ms(t_value_str)
    );
    println!(
        "| Locations -> string directly (serde) | {} |",
        ms(t_direct)
    );
    println!(
        "| preserialized::to_json (the server's path now) | {} |",
        ms(t_pre)
    );
    println!("| client: string -> Value | {} |", ms(t_parse));
    println!(
        "| documentHighlight ({} in file) | {} |",
        hl.len(),
        ms(t_hl)
    );
}
