//! Macro benchmark: cold index of a corpus folder, then the cost of one edit.
//!
//! ```text
//! cargo run --release --example bench_corpus -- ROOT [--edits N] [--stages] [--memory] [--no-check] [--json]
//! ```
//!
//! Reports the cold index (wall and CPU seconds, MB/s), peak resident memory (`VmHWM` of
//! `/proc/self/status`) against the corpus bytes, the time of a new snapshot after a one-file
//! edit (`Corpus::with_file`, median of N edits of a note and of a cased article), and with
//! `--stages` a single-threaded pass over every file timing each step of the per-document
//! pipeline (view, segments, entities, figures) to show where the time goes.
//! With `--json` the last line is one JSON object with every figure (for `scripts/bench.sh`).

use corpus_ls::check::{CheckSettings, Checker};
use corpus_ls::corpus::doc_names::DocName;
use corpus_ls::corpus::{Corpus, Registry};
use corpus_ls::extract::entities::{self, EntityContext};
use corpus_ls::extract::figures::{self, FigureContext};
use corpus_ls::format::{self, Format};
use corpus_ls::text;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn usage() -> ! {
    eprintln!("usage: bench_corpus ROOT [--edits N] [--stages] [--memory] [--no-check] [--json]");
    std::process::exit(2)
}

/// A field of `/proc/self/status` in kB (`VmHWM`, `VmRSS`), 0 where unavailable.
fn status_kb(field: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Bytes the allocator hands out and bytes it holds free (glibc's `mallinfo2`, all arenas):
/// the free part is resident memory that no live value uses (fragmentation after the load).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn heap_in_use_and_free() -> Option<(usize, usize)> {
    #[repr(C)]
    struct Mallinfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    extern "C" {
        fn mallinfo2() -> Mallinfo2;
    }
    // SAFETY: glibc's mallinfo2 takes no arguments and returns a plain struct by value.
    let m = unsafe { mallinfo2() };
    Some((m.uordblks + m.hblkhd, m.fordblks))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn heap_in_use_and_free() -> Option<(usize, usize)> {
    None
}

/// User plus system CPU seconds of this process so far (all threads), from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Clock ticks are 100 per second on Linux unless the kernel says otherwise.
    (ticks(11) + ticks(12)) / 100.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Which edit a keystroke benchmark makes.
#[derive(Clone, Copy)]
enum Edit {
    /// A sentence with figures appended: nothing moves.
    Append,
    /// A sentence inserted at the top: every mention of the file moves.
    Prepend,
    /// A new person's name appended: the file's names change (registry rebuild, and the
    /// gazetteer when the name is new to the corpus).
    NewName,
}

/// Times `n` snapshots of `corpus` with `rel` edited (different each time): the median. With
/// `complete`, a snapshot is `with_file` with its registry built; else the keystroke path
/// (`with_file_deferred`: gazetteer catch-up and a rebuilt registry left for later).
fn time_edits(
    corpus: &Corpus,
    rel: &str,
    n: usize,
    edit: Edit,
    complete: bool,
) -> Option<Duration> {
    let f = corpus.file(rel)?;
    let base = f.text().into_owned();
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let text = match edit {
            Edit::Append => format!(
                "{base}\nThe board met {} times, about ${i} million.\n",
                i + 2
            ),
            Edit::Prepend => format!("The board met {} times.\n\n{base}", i + 2),
            Edit::NewName => {
                // A made-up surname per edit, so each one is new.
                let name: String = format!("{i:04}")
                    .bytes()
                    .map(|b| char::from(b'k' + (b - b'0')))
                    .collect();
                format!("{base}\nMinister Arlo Q{name}vic said so on Monday.\n")
            }
        };
        let t = Instant::now();
        let next = if complete {
            let c = corpus.with_file(rel, text);
            std::hint::black_box(c.entities().len());
            c
        } else {
            corpus.with_file_deferred(rel, text)
        };
        times.push(t.elapsed());
        drop(next);
    }
    Some(median(times))
}

/// Per-step single-threaded timings over every file: (name, seconds).
fn stages(corpus: &Corpus) -> Vec<(&'static str, f64)> {
    let gaz = corpus.gazetteer().clone();
    let mut t = [Duration::ZERO; 5];
    for f in &corpus.files {
        let src = f.text();
        let src: &str = &src;
        let path = Path::new(&f.rel);
        let t0 = Instant::now();
        let fmt = format::sniff(path, src);
        let (view, meta) = format::view_and_metadata(src, fmt);
        let t1 = Instant::now();
        let segs = text::segment(view.text(), fmt);
        let t2 = Instant::now();
        let lowercase = fmt == Format::Lowercase;
        let ectx = EntityContext {
            lowercase,
            gazetteer: &gaz,
        };
        let ents = entities::extract(view.text(), &segs, &ectx);
        let t3 = Instant::now();
        let fctx = FigureContext {
            dateline: meta.date,
            lowercase,
        };
        let figs = figures::extract(view.text(), &segs, &fctx);
        let t4 = Instant::now();
        std::hint::black_box((ents.len(), figs.len()));
        t[0] += t1 - t0;
        t[1] += t2 - t1;
        t[2] += t3 - t2;
        t[3] += t4 - t3;
        t[4] += t4 - t0;
    }
    ["view", "segment", "entities", "figures", "pipeline"]
        .into_iter()
        .zip(t.iter().map(|d| d.as_secs_f64()))
        .collect()
}

/// Approximate heap bytes held per part of the loaded files (what dominates resident memory).
/// Interned strings count once, in their own row; a field holding one costs its pointer.
fn memory_parts(corpus: &Corpus) -> Vec<(&'static str, usize)> {
    use corpus_ls::corpus::gazetteer::Offered;
    use corpus_ls::model::{EntityMention, Figure, Span};
    use std::mem::size_of;
    let mut parts = [0usize; 8];
    for f in &corpus.files {
        let a = &f.analysis;
        parts[0] += f.stored_text().heap_bytes();
        parts[1] += f.lines.len() * size_of::<usize>();
        parts[2] += (a.sentences.capacity() + a.paragraphs.capacity()) * size_of::<Span>();
        parts[3] += a.entities.capacity() * size_of::<EntityMention>();
        parts[4] += a.figures.capacity() * size_of::<Figure>();
        parts[5] += f.names.capacity() * size_of::<DocName>()
            + f.names
                .iter()
                .map(|d| d.appositive.as_ref().map_or(0, |_| 32))
                .sum::<usize>();
        parts[6] += f.offered.capacity() * size_of::<Offered>();
        parts[7] += f.rel.capacity() + size_of::<corpus_ls::corpus::SourceFile>();
    }
    let mentions: usize = corpus.entities().iter().map(|e| e.mentions.len()).sum();
    let mut out: Vec<(&'static str, usize)> = [
        "text (as stored: packed or plain)",
        "line index",
        "sentences+paragraphs",
        "entity mentions",
        "figures",
        "doc names",
        "gazetteer offers",
        "paths+structs",
    ]
    .into_iter()
    .zip(parts)
    .collect();
    out.push(("interned strings", corpus_ls::intern::table_bytes()));
    out.push((
        "shared name facts",
        corpus_ls::corpus::doc_names::facts_bytes(),
    ));
    out.push((
        "interned measure-word lists",
        corpus_ls::intern::list_bytes(),
    ));
    // Registry: each mention once in its entity (`MentionRef`, 12 bytes), once in the
    // postings (a packed target, 4 bytes).
    out.push(("registry (mentions+postings)", mentions * (12 + 4)));
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut root: Option<PathBuf> = None;
    let (mut edits, mut want_stages, mut json, mut want_check) = (20usize, false, false, true);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--edits" => {
                edits = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--stages" => want_stages = true,
            "--no-check" => want_check = false,
            "--json" => json = true,
            "--memory" => {}
            _ if a.starts_with('-') => usage(),
            _ => root = Some(PathBuf::from(a)),
        }
    }
    let root = root.unwrap_or_else(|| usage());
    let threads = rayon::current_num_threads();

    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let corpus = Corpus::load(&root);
    let load = t.elapsed().as_secs_f64();
    let load_cpu = cpu_seconds() - cpu0;
    let hwm_kb = status_kb("VmHWM");
    let rss_kb = status_kb("VmRSS");
    let bytes: usize = corpus.files.iter().map(|f| f.text_len()).sum();
    let mb = bytes as f64 / 1e6;
    let mentions: usize = corpus.files.iter().map(|f| f.names.len()).sum();
    let figures: usize = corpus.files.iter().map(|f| f.analysis.figures.len()).sum();
    println!(
        "{} files, {:.1} MB, {} threads: cold index {:.2} s wall ({:.1} MB/s), {:.2} s CPU ({:.1} MB/s per core)",
        corpus.files.len(),
        mb,
        threads,
        load,
        mb / load,
        load_cpu,
        mb / load_cpu.max(1e-9)
    );
    println!(
        "  {} entities, {} mentions, {} figures",
        corpus.entities().len(),
        mentions,
        figures
    );
    println!(
        "  peak RSS {:.0} MB ({:.2}x corpus bytes), RSS after load {:.0} MB",
        hwm_kb as f64 / 1e3,
        hwm_kb as f64 * 1e3 / bytes.max(1) as f64,
        rss_kb as f64 / 1e3
    );

    if std::env::args().any(|a| a == "--memory") {
        for (k, v) in memory_parts(&corpus) {
            println!("  memory {k:<30} {:8.1} MB", v as f64 / 1e6);
        }
        if let Some((used, free)) = heap_in_use_and_free() {
            println!(
                "  heap after load: {:.1} MB in use, {:.1} MB free but held by the allocator",
                used as f64 / 1e6,
                free as f64 / 1e6
            );
        }
    }

    // Edits: a note (the usual thing typed into) and a cased article.
    let note = corpus
        .files
        .iter()
        .find(|f| f.analysis.kind == format::DocKind::Note)
        .map(|f| f.rel.clone());
    let article = corpus
        .files
        .iter()
        .find(|f| f.analysis.kind == format::DocKind::Article && !f.is_lowercase())
        .map(|f| f.rel.clone());
    let mut edit_ms = Vec::new();
    for (kind, rel) in [("note", &note), ("article", &article)] {
        for (what, edit) in [
            ("append", Edit::Append),
            ("prepend", Edit::Prepend),
            ("new_name", Edit::NewName),
        ] {
            for (path, complete) in [("_keystroke", false), ("", true)] {
                let t = rel
                    .as_deref()
                    .and_then(|r| time_edits(&corpus, r, edits, edit, complete))
                    .map(ms);
                edit_ms.push((format!("edit_{kind}_{what}{path}_ms"), t));
            }
        }
    }
    let show = |v: &Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.2} ms"));
    println!("  edit -> new snapshot (median of {edits}):");
    for (k, v) in &edit_ms {
        println!(
            "    {:<34} {}",
            k.trim_start_matches("edit_").trim_end_matches("_ms"),
            show(v)
        );
    }

    // `corpus-ls check`'s work after the load: index the articles' figures, run every rule.
    let (mut check_s, mut check_cpu, mut n_findings, mut keystroke_ms) = (None, None, None, None);
    if want_check {
        let cpu0 = cpu_seconds();
        let t = Instant::now();
        let checker = Checker::new(&corpus, CheckSettings::from_corpus(&corpus));
        let findings = checker.check_corpus(&corpus);
        let secs = t.elapsed().as_secs_f64();
        check_cpu = Some(cpu_seconds() - cpu0);
        check_s = Some(secs);
        n_findings = Some(findings.len());
        println!(
            "  check after load: {secs:.2} s wall, {:.2} s CPU, {} findings; load + check {:.2} s",
            check_cpu.unwrap_or(0.0),
            findings.len(),
            load + secs
        );
        // A keystroke in a note: new snapshot, checker update, the note's findings.
        keystroke_ms = note.as_deref().map(|rel| {
            let base = corpus
                .file(rel)
                .map(|f| f.text().into_owned())
                .unwrap_or_default();
            let mut times = Vec::new();
            for i in 0..edits {
                let text = format!("{base}\nThe deficit was ${} billion.\n", 40 + i);
                let t = Instant::now();
                let next = corpus.with_file_deferred(rel, text);
                let ch = checker.updated(&next, rel);
                let f = ch.check_file(&next, rel);
                times.push(t.elapsed());
                std::hint::black_box(f.len());
            }
            ms(median(times))
        });
        println!(
            "  keystroke in a note -> its findings (median of {edits}): {}",
            keystroke_ms.map_or("n/a".into(), |v| format!("{v:.2} ms"))
        );
        // The checker's part alone (the snapshot is made before the clock starts): a note
        // edit re-checks the note; an article edit updates that article's facts in the index
        // and re-checks the article. Each edit adds a figure, so the index's counts change.
        for (kind, rel) in [("note", &note), ("article", &article)] {
            let Some(rel) = rel.as_deref() else { continue };
            let base = corpus
                .file(rel)
                .map(|f| f.text().into_owned())
                .unwrap_or_default();
            let mut ck = checker.clone();
            let mut times = Vec::new();
            for i in 0..edits {
                let text = format!("{base}\nThe trade deficit was ${} billion.\n", 40 + i);
                let next = corpus.with_file(rel, text);
                let t = Instant::now();
                ck = ck.updated(&next, rel);
                let f = ck.check_file(&next, rel);
                times.push(t.elapsed());
                std::hint::black_box(f.len());
            }
            let (mut sorted, n) = (times.clone(), times.len());
            sorted.sort();
            println!(
                "  {kind} edit, new snapshot -> its findings (checker only, {n} edits): median {:.2} ms, max {:.2} ms",
                ms(median(times)),
                sorted.last().map_or(0.0, |d| ms(*d))
            );
        }
    }

    // The whole-corpus registry join, as a rebuild after a names-changing edit runs it.
    let docs: Vec<&[DocName]> = corpus.files.iter().map(|f| f.names.as_slice()).collect();
    let mut reg_times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let r = Registry::build(corpus.order(), &docs, &corpus.config.entities);
        reg_times.push(t.elapsed());
        std::hint::black_box(r.entities().len());
    }
    let registry_ms = ms(median(reg_times));
    println!("  registry rebuild (median of 3): {registry_ms:.1} ms");

    let mut stage_rows = Vec::new();
    if want_stages {
        stage_rows = stages(&corpus);
        for (name, s) in &stage_rows {
            println!(
                "  stage {name:<9} {s:7.2} s  {:7.1} MB/s single-threaded",
                mb / s.max(1e-9)
            );
        }
    }

    if json {
        let mut o = serde_json::json!({
            "root": root.display().to_string(),
            "files": corpus.files.len(),
            "bytes": bytes,
            "threads": threads,
            "load_s": load,
            "load_cpu_s": load_cpu,
            "mb_per_s": mb / load,
            "peak_rss_bytes": hwm_kb * 1000,
            "rss_after_load_bytes": rss_kb * 1000,
            "rss_per_corpus_byte": hwm_kb as f64 * 1e3 / bytes.max(1) as f64,
            "entities": corpus.entities().len(),
            "mentions": mentions,
            "figures": figures,
            "registry_rebuild_ms": registry_ms,
            "check_s": check_s,
            "check_cpu_s": check_cpu,
            "load_and_check_s": check_s.map(|c| c + load),
            "findings": n_findings,
            "keystroke_note_ms": keystroke_ms,
        });
        for (k, v) in edit_ms {
            o[k] = serde_json::json!(v);
        }
        for (name, s) in stage_rows {
            o[format!("stage_{name}_s")] = serde_json::json!(s);
        }
        println!("{o}");
    }
}
