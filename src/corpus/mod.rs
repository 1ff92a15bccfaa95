//! The corpus: every file of a root, analysed, with the entity registry across them.
//!
//! A [`Corpus`] is an immutable snapshot: the LSP answers read-only requests from an
//! `Arc<Corpus>` and makes a new snapshot per edit with [`Corpus::with_file`], which re-analyses
//! only the edited file (and the lowercase dumps when the gazetteer's name set changes); every
//! other file is shared by `Arc`. The registry is then patched (an edit that keeps the file's
//! names) or re-derived from the cached per-file [`DocName`] lists on first use: linear in the
//! corpus's mention count, with no text re-read.
//!
//! The keystroke path is [`Corpus::with_file_deferred`]: it never does whole-corpus work. A
//! change of the file's gazetteer offers only marks the snapshot stale (its lowercase dumps were
//! read with the previous name set) and a names-changing edit leaves the registry to be built
//! when first asked for; [`Corpus::caught_up`] then does the rest, off the keystroke path, and
//! equals [`Corpus::with_file`] (which is both in one call).
//!
//! `files` is in path order (so [`Corpus::file`] is a binary search); corpus order (articles by
//! dateline date, undated articles after them, then notes, each by path) is [`Corpus::order`].

pub mod aliases;
pub mod annotations;
pub mod cache;
pub mod confined;
pub mod doc_names;
pub mod file_text;
pub mod gazetteer;
pub mod isolate;
pub mod mentions;
pub mod path_text;
pub mod quantities;
pub mod registry;
pub mod scan;
pub mod shards;

use crate::analysis::{self, AnalysisContext, DocAnalysis};
pub use crate::config::UserEntity;
use crate::config::{Config, ConfigError};
use crate::document::{Encoding, LineIndex, Position};
use crate::extract::entities::Gazetteer;
use crate::format::{self, DocKind, Format};
use crate::model::{EntityType, Span};
use annotations::Conll;
use doc_names::DocName;
pub use file_text::FileText;
use gazetteer::Offered;
pub use mentions::{EntityId, MentionRef, Target};
use rayon::prelude::*;
pub use registry::{Ambiguity, Description, Entity, Registry, Resolution};

#[cfg(test)]
mod tests;
use parking_lot::Mutex;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// How to load a corpus besides its config.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Leave brat and CoNLL annotations unread (for evaluating detection on annotated files).
    pub ignore_gold: bool,
    /// Read and write the warm-start cache ([`cache`]); the CLI and the server set it, library
    /// loads (tests, benchmarks) leave it off.
    pub cache: bool,
    /// Read only the root folder's own files, at most this many ([`scan::scan_folder`]), instead
    /// of walking the tree: the server's bounded mode for a loose file's folder.
    pub folder_files: Option<usize>,
}

/// Gold annotations a file carries.
#[derive(Debug, Clone, Default)]
pub enum Annotations {
    /// None: detection decides.
    #[default]
    None,
    /// The text of the brat `.ann` file beside this `.txt`.
    Brat(Arc<str>),
    /// The file is CoNLL: its tokens and gold spans.
    Conll(Arc<Conll>),
}

/// One analysed file of the corpus.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// The text as analysed (lossily decoded if need be): read it with [`SourceFile::text`].
    text: FileText,
    /// Line starts of `text`.
    pub lines: LineIndex,
    /// What the analysis found (entities are the gold ones when the file is annotated).
    pub analysis: DocAnalysis,
    /// Problems met reading it or its annotations.
    pub problems: Vec<String>,
    /// Problems met reading the file itself (lossy decoding), without the annotations' ones.
    pub read_problems: Vec<String>,
    /// Gold annotations of the file (kept when stale, so a later edit can make them fit again).
    pub annotations: Annotations,
    /// True when gold annotations replaced detection.
    pub gold: bool,
    /// Per-mention name facts for the registry.
    pub names: Vec<DocName>,
    /// Names this file offers the corpus gazetteer.
    pub offered: Vec<Offered>,
    /// What its cached analysis and name facts were made from ([`cache::Kept::ident`]), when it
    /// came through the warm-start cache: the key other caches of what derives from the file
    /// keep their entries under.
    pub cache_ident: Option<cache::Key>,
}

/// What [`SourceFile::derive`] makes of a text: every field of a [`SourceFile`] but its
/// path, text and annotations.
struct Derived {
    lines: LineIndex,
    analysis: DocAnalysis,
    problems: Vec<String>,
    read_problems: Vec<String>,
    gold: bool,
    names: Vec<DocName>,
    offered: Vec<Offered>,
}

impl Derived {
    fn into_file(self, rel: String, text: FileText, annotations: Annotations) -> SourceFile {
        SourceFile {
            rel,
            text,
            lines: self.lines,
            analysis: self.analysis,
            problems: self.problems,
            read_problems: self.read_problems,
            annotations,
            gold: self.gold,
            names: self.names,
            offered: self.offered,
            cache_ident: None,
        }
    }
}

/// True when the corpus conventions make `rel` a note (a folder named `notes/` on its path).
pub fn is_note_path(rel: &str) -> bool {
    rel.split('/')
        .rev()
        .skip(1)
        .any(|c| c.eq_ignore_ascii_case("notes"))
}

fn is_conll(rel: &str) -> bool {
    Path::new(rel)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("conll"))
}

/// Reads the brat file beside a `.txt`, if any.
fn sibling_ann(root: &Path, abs: &Path) -> Option<Arc<str>> {
    let is_txt = abs
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    if !is_txt {
        return None;
    }
    let ann = abs.with_extension("ann");
    // A `.ann` link out of the root is not read (the walk's rule for every file).
    let (text, _) = scan::read_text(root, &ann).ok()?;
    Some(text.into())
}

impl SourceFile {
    /// Analyses `text` as the file `rel` (no annotations, default config).
    pub fn new(rel: String, text: String, problems: Vec<String>, gazetteer: &Gazetteer) -> Self {
        let annotations = if is_conll(&rel) {
            Annotations::Conll(Arc::new(annotations::read_conll(&text)))
        } else {
            Annotations::None
        };
        Self::build(
            rel,
            FileText::plain(text.into()),
            problems,
            annotations,
            gazetteer,
            &Config::default(),
            LoadOptions::default(),
        )
    }

    /// Analyses a file with its annotations, gazetteer and config; `text` is kept as given
    /// (plain or packed).
    pub fn build(
        rel: String,
        text: FileText,
        problems: Vec<String>,
        annotations: Annotations,
        gazetteer: &Gazetteer,
        config: &Config,
        opts: LoadOptions,
    ) -> Self {
        let plain = text.get();
        let analysis = detect(&rel, &plain, &annotations, gazetteer, config);
        let parts = Self::derive(
            &rel,
            &plain,
            problems,
            &annotations,
            config,
            opts,
            analysis,
            None,
        );
        drop(plain);
        parts.into_file(rel, text, annotations)
    }

    /// What a file derives from its text and detection analysis (made now, or read from the
    /// cache): gold entities, name facts, gazetteer offers (read from the cache when `named`
    /// holds them), line index.
    #[allow(clippy::too_many_arguments)]
    fn derive(
        rel: &str,
        text: &str,
        mut problems: Vec<String>,
        annotations: &Annotations,
        config: &Config,
        opts: LoadOptions,
        mut analysis: DocAnalysis,
        named: Option<(Vec<DocName>, Vec<Offered>)>,
    ) -> Derived {
        let read_problems = problems.clone();
        let mut gold = false;
        if !opts.ignore_gold {
            let found = match annotations {
                Annotations::None => None,
                Annotations::Brat(ann) => {
                    let g = annotations::read_brat(ann, text);
                    let ann_rel = Path::new(rel).with_extension("ann");
                    for p in &g.problems {
                        problems.push(format!("{}: {p}", ann_rel.display()));
                    }
                    // Every line stale means the text was edited since: detection decides.
                    let all_stale = g.mentions.is_empty() && !g.problems.is_empty();
                    if all_stale {
                        problems.push(format!(
                            "{}: no annotation matches the text; entities detected instead",
                            ann_rel.display()
                        ));
                    }
                    (!all_stale).then_some(g.mentions)
                }
                Annotations::Conll(c) => {
                    problems.extend(c.gold.problems.iter().cloned());
                    Some(c.gold.mentions.clone())
                }
            };
            if let Some(ms) = found {
                analysis.entities = ms;
                gold = true;
            }
        }
        let (names, offered) = named.unwrap_or_else(|| {
            let ignored: HashSet<String> = config
                .ignore
                .iter()
                .map(|s| aliases::plain_key(s))
                .collect();
            let cased = analysis.format != Format::Lowercase;
            let display = |s: Span| display_text(text, annotations, s).into_owned();
            let ignores = |k: &str| ignored.contains(k);
            let ignores = (!ignored.is_empty()).then_some(&ignores as &dyn Fn(&str) -> bool);
            let names = doc_names::doc_names(text, &analysis.entities, &display, cased, ignores);
            let offered = gazetteer::offered(&names, cased);
            (names, offered)
        });
        // Kept for the life of the snapshot: no spare capacity.
        analysis.sentences.shrink_to_fit();
        analysis.paragraphs.shrink_to_fit();
        analysis.entities.shrink_to_fit();
        analysis.figures.shrink_to_fit();
        Derived {
            lines: LineIndex::new(text),
            analysis,
            problems,
            read_problems,
            gold,
            names,
            offered,
        }
    }

    /// The text as analysed (decompressed when the snapshot keeps it packed: hold on to it
    /// rather than asking again in a loop).
    pub fn text(&self) -> Cow<'_, str> {
        self.text.get()
    }

    /// The text as the snapshot keeps it.
    pub fn stored_text(&self) -> &FileText {
        &self.text
    }

    /// Length of the text in bytes.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// [`LineIndex::position`] of a byte offset; the text is read (decompressed) only off
    /// ASCII lines.
    pub fn position(&self, offset: usize, enc: Encoding) -> Position {
        self.lines
            .position_ascii(offset)
            .unwrap_or_else(|| self.lines.position(&self.text(), offset, enc))
    }

    /// [`LineIndex::range`] of a span; the text is read only off ASCII lines.
    pub fn range(&self, span: Span, enc: Encoding) -> (Position, Position) {
        let (a, b) = (span.start(), span.end());
        self.lines
            .range_ascii(a, b)
            .unwrap_or_else(|| self.lines.range(&self.text(), a, b, enc))
    }

    /// True when `span` lies inside the text on character boundaries (the text is read only
    /// off ASCII lines).
    pub fn fits(&self, span: Span) -> bool {
        let (a, b) = (span.start(), span.end());
        if a > b || b > self.text_len() {
            return false;
        }
        if self.lines.is_ascii_boundary(a) && self.lines.is_ascii_boundary(b) {
            return true;
        }
        span.fits_in(&self.text())
    }

    /// The text a span stands for: a slice, or for CoNLL files the words in it joined by spaces.
    pub fn span_text(&self, span: Span) -> Cow<'_, str> {
        match self.text() {
            Cow::Borrowed(t) => display_text(t, &self.annotations, span),
            Cow::Owned(t) => Cow::Owned(display_text(&t, &self.annotations, span).into_owned()),
        }
    }

    /// [`SourceFile::span_text`] in `text`, this file's text already read (for many spans).
    pub fn span_text_in<'a>(&self, text: &'a str, span: Span) -> Cow<'a, str> {
        display_text(text, &self.annotations, span)
    }

    /// True for an all-lowercase dump (analysed with the corpus gazetteer).
    pub fn is_lowercase(&self) -> bool {
        self.analysis.format == Format::Lowercase
    }
}

/// True when the corpus conventions or the config make `rel` a note whatever its text says.
fn is_note_by_path(rel: &str, config: &Config) -> bool {
    is_note_path(rel) || config.is_note(rel)
}

/// The detection analysis of a file (before any gold annotations replace its entities): what
/// the warm-start cache keeps.
fn detect(
    rel: &str,
    text: &str,
    annotations: &Annotations,
    gazetteer: &Gazetteer,
    config: &Config,
) -> DocAnalysis {
    // A stand-in for an analysis bug, to test that one file's panic stays in that file.
    #[cfg(test)]
    assert!(!text.contains(tests::PANIC_MARK), "a test's planted panic");
    let ctx = AnalysisContext {
        gazetteer,
        is_note_by_path: is_note_by_path(rel, config),
    };
    match annotations {
        Annotations::Conll(c) => analyze_conll(rel, text, c, &ctx),
        _ => analysis::analyze(Path::new(rel), text, &ctx),
    }
}

/// The `.txt` a brat `.ann` path annotates.
fn ann_target(rel: &str) -> Option<String> {
    let stem = rel.strip_suffix(".ann")?;
    Some(format!("{stem}.txt"))
}

/// True when a file is a lowercase dump that detection must read with the corpus gazetteer.
fn needs_gazetteer(rel: &str, text: &str, ann: &Annotations, opts: LoadOptions) -> bool {
    reads_gazetteer(ann, opts, || sniffs_as_dump(rel, text, ann))
}

/// [`needs_gazetteer`] with the sniffing left to `dump` (which a warm load knows unsniffed).
fn reads_gazetteer(ann: &Annotations, opts: LoadOptions, dump: impl FnOnce() -> bool) -> bool {
    if !opts.ignore_gold && !matches!(ann, Annotations::None) {
        return false;
    }
    dump()
}

/// True when the format sniffer calls the file a lowercase dump (the detection analysis then
/// has format [`Format::Lowercase`]: it sniffs the same text the same way).
fn sniffs_as_dump(rel: &str, text: &str, ann: &Annotations) -> bool {
    match ann {
        Annotations::Conll(c) => {
            let (t, _) = c.synthetic_text(text);
            format::sniff(Path::new("x.txt"), &t) == Format::Lowercase
        }
        _ => format::sniff(Path::new(rel), text) == Format::Lowercase,
    }
}

/// A file of a load between reading and analysis.
struct Prepared {
    file: scan::ScannedFile,
    annotations: Annotations,
    /// True for the second pass (a lowercase dump read with the corpus gazetteer).
    later: bool,
    /// Its warm-start cache key, when there is a cache.
    key: Option<cache::Key>,
}

fn display_text<'a>(text: &'a str, ann: &Annotations, span: Span) -> Cow<'a, str> {
    let span = Span::new(span.start().min(text.len()), span.end().min(text.len()));
    match ann {
        Annotations::Conll(c) => Cow::Owned(c.words_in(text, span).join(" ")),
        _ => Cow::Borrowed(text.get(span.start()..span.end()).unwrap_or("")),
    }
}

/// Analyses a CoNLL file through its synthetic text and maps every span back to file bytes.
fn analyze_conll(rel: &str, file: &str, c: &Conll, ctx: &AnalysisContext) -> DocAnalysis {
    let (text, map) = c.synthetic_text(file);
    let plain = Path::new(rel).with_extension("txt");
    let mut a = analysis::analyze(&plain, &text, ctx);
    let to_file = |s: Span| -> Span {
        let start = map[s.start().min(map.len() - 1)];
        if s.is_empty() {
            return Span::new(start, start);
        }
        let last = s.end().min(map.len() - 1).saturating_sub(1);
        let end = (map[last] + 1).max(start);
        // Land on a char boundary: the last mapped byte may start a multi-byte char.
        let mut end = end.min(file.len());
        while !file.is_char_boundary(end) {
            end += 1;
        }
        Span::new(start, end)
    };
    for s in a.sentences.iter_mut().chain(a.paragraphs.iter_mut()) {
        *s = to_file(*s);
    }
    for e in &mut a.entities {
        e.span = to_file(e.span);
        e.name = to_file(e.name);
    }
    for f in &mut a.figures {
        f.span = to_file(f.span);
    }
    a.meta.headline_span = a.meta.headline_span.map(to_file);
    a.meta.front_matter = a.meta.front_matter.map(to_file);
    for h in &mut a.meta.headings {
        h.1 = to_file(h.1);
    }
    a
}

/// All files of one root, analysed, with the entity registry: an immutable snapshot.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The root folder.
    pub root: PathBuf,
    /// Files, sorted by path.
    pub files: Vec<Arc<SourceFile>>,
    /// Files skipped, with reasons.
    pub skipped: Vec<scan::Skipped>,
    /// The config it was built with.
    pub config: Arc<Config>,
    /// Why `corpus-ls.toml` could not be used, when [`Corpus::load`] fell back to the defaults.
    pub config_error: Option<ConfigError>,
    /// The load options it was built with.
    pub options: LoadOptions,
    order: Arc<Vec<u32>>,
    base_gazetteer: Arc<Gazetteer>,
    names: Arc<Vec<(String, EntityType)>>,
    gazetteer: Arc<Gazetteer>,
    /// Built on first use and shared by every clone of this snapshot.
    registry: Arc<OnceLock<Arc<Registry>>>,
    /// True when a file's gazetteer offers changed since `gazetteer` was built: the lowercase
    /// dumps may need reading again ([`Corpus::caught_up`]).
    gazetteer_stale: bool,
}

/// Sort key of corpus order: dated articles by date, undated articles, notes; then path.
fn order_key(f: &SourceFile) -> (u8, Option<crate::model::Date>, &str) {
    let a = &f.analysis;
    match (a.kind, a.meta.date) {
        (DocKind::Article, Some(d)) => (0, Some(d), &f.rel),
        (DocKind::Article, None) => (1, None, &f.rel),
        (DocKind::Note, d) => (2, d, &f.rel),
    }
}

impl Corpus {
    /// Scans and analyses every file below `root` with its `corpus-ls.toml` (the defaults, and
    /// `config_error` set, when that file is bad).
    pub fn load(root: &Path) -> Corpus {
        Self::load_root(root, LoadOptions::default())
    }

    /// [`Corpus::load`] through the warm-start cache (the CLI's load).
    pub fn load_cached(root: &Path) -> Corpus {
        Self::load_cached_with(root, &|_, _| {})
    }

    /// [`Corpus::load_cached`] calling `progress(done, total)` as files finish (the CLI's
    /// progress bar; the same counts as the server's `$/progress`).
    pub fn load_cached_with(root: &Path, progress: &(dyn Fn(usize, usize) + Sync)) -> Corpus {
        let opts = LoadOptions {
            cache: true,
            ..LoadOptions::default()
        };
        Self::load_root_with(root, opts, progress)
    }

    /// [`Corpus::load`] with load options.
    pub fn load_root(root: &Path, opts: LoadOptions) -> Corpus {
        Self::load_root_with(root, opts, &|_, _| {})
    }

    fn load_root_with(
        root: &Path,
        opts: LoadOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Corpus {
        let (config, err) = Config::load(root);
        let mut c = Self::load_opts(root, &config, opts, progress);
        c.config_error = err;
        c
    }

    /// Scans and analyses every file below `root` in parallel; `progress(done, total)` is called
    /// as files finish (from worker threads). Cased and annotated files first, then the
    /// lowercase dumps with the gazetteer learned from them.
    pub fn load_with(
        root: &Path,
        config: &Config,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Corpus {
        Self::load_opts(root, config, LoadOptions::default(), progress)
    }

    /// [`Corpus::load_with`] with load options.
    pub fn load_opts(
        root: &Path,
        config: &Config,
        opts: LoadOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Corpus {
        let store = if opts.cache {
            cache::Store::open(root)
        } else {
            None
        };
        Self::load_store(root, config, opts, progress, store).0
    }

    /// [`Corpus::load_opts`] through `store` when given; also says how many files came from it.
    fn load_store(
        root: &Path,
        config: &Config,
        opts: LoadOptions,
        progress: &(dyn Fn(usize, usize) + Sync),
        store: Option<cache::Store>,
    ) -> (Corpus, usize) {
        cache::trace::start();
        let scanned = match opts.folder_files {
            Some(n) => scan::scan_folder(root, config, n),
            None => scan::scan_with(root, config),
        };
        cache::trace::lap("walk and read");
        let bytes: u64 = scanned.files.iter().map(|f| f.text.len() as u64).sum();
        let store = store.filter(|s| s.worth_it(bytes));
        let total = scanned.files.len();
        let done = AtomicUsize::new(0);
        // Every file read counts once it is through, analysed or failed: the count ends at
        // `total` whatever happens to a file on the way.
        let tick = || progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
        let base_names = gazetteer::name_set(&config.entities, std::iter::empty());
        let base = Arc::new(gazetteer::gazetteer(&base_names));
        // With a cache, each file's entry is found by its text alone, and says which pass the
        // file belongs to without sniffing it again.
        let facts_base = cache::facts_base(&config.ignore, opts.ignore_gold);
        // A file whose analysis panics is skipped with the reason; the rest load.
        let failed = Mutex::new(Vec::new());
        let fail = |rel: String, msg: String| {
            failed.lock().push(scan::Skipped {
                reason: isolate::reason(&msg),
                rel,
            })
        };
        let prepare = |f: scan::ScannedFile| {
            let annotations = if is_conll(&f.rel) {
                Annotations::Conll(Arc::new(annotations::read_conll(&f.text)))
            } else {
                sibling_ann(root, &f.abs).map_or(Annotations::None, Annotations::Brat)
            };
            let key = store
                .as_ref()
                .map(|_| cache::key(&f.rel, is_note_by_path(&f.rel, config), &f.text));
            let dump = store
                .as_ref()
                .zip(key.as_ref())
                .and_then(|(s, k)| s.entry(k)?.is_dump());
            let later = reads_gazetteer(&annotations, opts, || {
                dump.unwrap_or_else(|| sniffs_as_dump(&f.rel, &f.text, &annotations))
            });
            Prepared {
                file: f,
                annotations,
                later,
                key,
            }
        };
        let prepared: Vec<Prepared> = scanned
            .files
            .into_par_iter()
            .filter_map(|f| {
                let rel = f.rel.clone();
                isolate::caught(|| prepare(f))
                    .map_err(|m| {
                        fail(rel, m);
                        tick();
                    })
                    .ok()
            })
            .collect();
        let (later, first): (Vec<_>, Vec<_>) = prepared.into_iter().partition(|p| p.later);
        cache::trace::lap("annotations and sniffing");
        // `gaz` gives the gazetteer when a file must be analysed (not when the cache has it).
        let analyse = |batch: Vec<Prepared>,
                       gaz: &(dyn Fn() -> Arc<Gazetteer> + Sync),
                       names: &[(String, EntityType)]| {
            let names_fp = store.as_ref().map(|_| cache::names_fingerprint(names));
            let one = |p: Prepared| {
                let Prepared {
                    file: f,
                    annotations: ann,
                    key,
                    ..
                } = p;
                let text = f.text;
                let detect = || detect(&f.rel, &text, &ann, &gaz(), config);
                let (mut sf, kept) = match (&store, &names_fp, key) {
                    (Some(store), Some(fp), Some(key)) => {
                        let stamp = cache::facts_stamp(&facts_base, &ann);
                        let (sf, kept) = cache::through(
                            store,
                            key,
                            (fp, &stamp),
                            &text,
                            detect,
                            |analysis, named| {
                                SourceFile::derive(
                                    &f.rel,
                                    &text,
                                    f.problems.clone(),
                                    &ann,
                                    config,
                                    opts,
                                    analysis,
                                    named,
                                )
                                // Files loaded from disk are kept packed (an editor's
                                // buffer replaces a file through `with_file`, plain).
                                .into_file(
                                    f.rel.clone(),
                                    FileText::packed(&text),
                                    ann.clone(),
                                )
                            },
                        );
                        (sf, Some(kept))
                    }
                    _ => {
                        let analysis = detect();
                        let sf = SourceFile::derive(
                            &f.rel, &text, f.problems, &ann, config, opts, analysis, None,
                        )
                        .into_file(f.rel, FileText::packed(&text), ann);
                        (sf, None)
                    }
                };
                sf.cache_ident = kept.as_ref().map(|k| k.ident);
                (Arc::new(sf), kept)
            };
            batch
                .into_par_iter()
                .filter_map(|p| {
                    let rel = p.file.rel.clone();
                    let r = isolate::caught(|| one(p)).map_err(|m| fail(rel, m)).ok();
                    tick();
                    r
                })
                .collect::<Vec<_>>()
        };
        let mut entries = Vec::new();
        let mut hits = 0;
        // Each file with the identity of its cache entry (to key the registry's).
        let mut split = |batch: Vec<(Arc<SourceFile>, Option<cache::Kept>)>| {
            let mut files = Vec::with_capacity(batch.len());
            for (f, k) in batch {
                let ident = k.map(|k| {
                    hits += usize::from(k.hit);
                    entries.push(k.keyed);
                    k.ident
                });
                files.push((f, ident));
            }
            files
        };
        // Pass 1: cased and annotated files, with the user's names only.
        let mut files = split(analyse(first, &|| base.clone(), &base_names));
        cache::trace::lap("pass 1 (cased and annotated files)");
        let names = gazetteer::name_set(
            &config.entities,
            files.iter().map(|f| f.0.offered.as_slice()),
        );
        // Pass 2: the lowercase dumps, with what the cased files taught. The gazetteer is built
        // beside it: a dump the cache holds does not wait for it (one that must be analysed
        // does).
        let gaz_cell: OnceLock<Arc<Gazetteer>> = OnceLock::new();
        let gaz = || {
            gaz_cell
                .get_or_init(|| Arc::new(gazetteer::gazetteer(&names)))
                .clone()
        };
        let (gaz, dumps) = rayon::join(gaz, || analyse(later, &gaz, &names));
        files.extend(split(dumps));
        cache::trace::lap("corpus gazetteer and pass 2 (lowercase dumps)");
        files.sort_by(|a, b| a.0.rel.cmp(&b.0.rel));
        let (files, idents): (Vec<_>, Vec<_>) = files.into_iter().unzip();
        let mut c = Corpus {
            root: root.to_path_buf(),
            files,
            skipped: {
                let mut skipped = scanned.skipped;
                skipped.extend(failed.into_inner());
                skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
                skipped
            },
            config: Arc::new(config.clone()),
            options: opts,
            base_gazetteer: base,
            names: Arc::new(names),
            gazetteer: gaz,
            ..Corpus::default()
        };
        c.finish();
        if let Some(store) = &store {
            cache::note_hits(store, hits, c.files.len());
            cache::registry_through(store, &c, &idents, &mut entries);
            cache::trace::lap("registry through the cache");
            store.save(&entries);
            cache::trace::lap("cache write");
        }
        drop(entries);
        drop(store);
        // The cold load builds the registry now (in parallel with nothing else): the first
        // request must not pay for it.
        c.registry();
        let left_out = c.registry_problems();
        if !left_out.is_empty() {
            c.skipped.extend(left_out);
            c.skipped.sort_by(|a, b| a.rel.cmp(&b.rel));
        }
        cache::trace::lap("registry");
        (c, hits)
    }

    /// Recomputes the gazetteer's name set; when it changed, re-analyses the lowercase dumps
    /// that hold a word of a name that came or went. Returns the paths re-analysed, or `None`
    /// when the name set is unchanged.
    fn refresh_gazetteer(&mut self) -> Option<Vec<String>> {
        self.gazetteer_stale = false;
        let names = gazetteer::name_set(
            &self.config.entities,
            self.files.iter().map(|f| f.offered.as_slice()),
        );
        if names == *self.names {
            return None;
        }
        // A dump's analysis reads the gazetteer only through the names found in its text, so only
        // dumps holding a word of a name that came or went can change.
        let touched = gazetteer::changed_words(&self.names, &names);
        self.gazetteer = Arc::new(gazetteer::gazetteer(&names));
        self.names = Arc::new(names);
        let (config, opts, gaz) = (&self.config, self.options, &self.gazetteer);
        let redone: Vec<Option<String>> = self
            .files
            .par_iter_mut()
            .map(|f| {
                let hit = f.is_lowercase()
                    && !f.gold
                    && touched.as_ref().is_none_or(|t| t.is_match(&*f.text()));
                if !hit {
                    return None;
                }
                let rel: &str = &f.rel;
                let rel = rel.to_string();
                let fresh = SourceFile::build(
                    rel.clone(),
                    f.text.clone(),
                    f.read_problems.clone(),
                    f.annotations.clone(),
                    gaz,
                    config,
                    opts,
                );
                *f = Arc::new(fresh);
                Some(rel)
            })
            .collect();
        Some(redone.into_iter().flatten().collect())
    }

    /// Recomputes corpus order; the registry is re-derived from the per-file results when first
    /// asked for.
    fn finish(&mut self) {
        let mut order: Vec<u32> = (0..self.files.len() as u32).collect();
        order.sort_by(|&a, &b| {
            order_key(&self.files[a as usize]).cmp(&order_key(&self.files[b as usize]))
        });
        self.order = Arc::new(order);
        self.registry = Arc::default();
    }

    /// The whole-corpus registry join over the current files; a panic in it leaves out the
    /// files that cause it instead of taking the corpus down ([`registry::isolated`]).
    fn build_registry(&self) -> Registry {
        self.build_registry_with(&Registry::build)
    }

    fn build_registry_with(&self, join: registry::isolated::Join<'_>) -> Registry {
        let docs: Vec<&[DocName]> = self.files.iter().map(|f| f.names.as_slice()).collect();
        registry::isolated::isolated(&self.order, &docs, &self.config.entities, join)
    }

    /// This snapshot with its registry joined by `join` (tests plant a panic in it).
    #[cfg(test)]
    pub(crate) fn with_join(&self, join: registry::isolated::Join<'_>) -> Corpus {
        let mut c = self.clone();
        c.registry = Arc::new(OnceLock::from(Arc::new(c.build_registry_with(join))));
        c
    }

    /// What a panic in the registry join left out, as skip reasons: the files whose names are
    /// not in the entity index (their text, spans and figures still are), or the config's
    /// entities. Empty when the join was whole.
    pub fn registry_problems(&self) -> Vec<scan::Skipped> {
        self.registry()
            .left_out()
            .iter()
            .map(|l| scan::Skipped {
                rel: match l.file.and_then(|f| self.files.get(f as usize)) {
                    Some(f) => f.rel.to_string(),
                    None => crate::config::FILE_NAME.to_string(),
                },
                reason: format!(
                    "names left out of the entity index: internal error while joining them ({}); \
                     please report it",
                    path_text::printable(&l.message)
                ),
            })
            .collect()
    }

    /// True when the registry is built (asking for it costs nothing).
    pub fn registry_ready(&self) -> bool {
        self.registry.get().is_some()
    }

    /// True when the lowercase dumps may lag behind a change of the gazetteer's name set (see
    /// [`Corpus::caught_up`]).
    pub fn gazetteer_stale(&self) -> bool {
        self.gazetteer_stale
    }

    /// What [`Corpus::with_file_deferred`] left undone: when the gazetteer is stale, the snapshot
    /// with the name set recomputed and the dumps it touches re-analysed, and the paths
    /// re-analysed; `None` when the gazetteer is current. The registry is left to be built on
    /// first use. The result equals [`Corpus::with_file`] of the same edits.
    pub fn caught_up(&self) -> Option<(Corpus, Vec<String>)> {
        if !self.gazetteer_stale {
            return None;
        }
        let mut c = self.clone();
        match c.refresh_gazetteer() {
            Some(redone) => {
                if !redone.is_empty() {
                    c.finish();
                }
                Some((c, redone))
            }
            None => Some((c, Vec::new())),
        }
    }

    /// A new snapshot with `rel` holding `text` (added if new): only that file is re-analysed,
    /// plus the lowercase dumps when the gazetteer's name set changes.
    ///
    /// A brat `.ann` path is no document: it replaces the annotations of the `.txt` beside it.
    pub fn with_file(&self, rel: &str, text: String) -> Corpus {
        let c = self.with_file_deferred(rel, text);
        match c.caught_up() {
            Some((caught, _)) => caught,
            None => c,
        }
    }

    /// [`Corpus::with_file`] without the whole-corpus parts, for a keystroke: only `rel` is
    /// analysed (with the current gazetteer); when its gazetteer offers changed, the snapshot is
    /// marked stale for [`Corpus::caught_up`]; when its names changed, the registry is built on
    /// first use. Cost: the file's analysis plus the entities it mentions.
    pub fn with_file_deferred(&self, rel: &str, text: String) -> Corpus {
        if let Some(txt) = ann_target(rel) {
            return self.with_annotations(&txt, Annotations::Brat(text.into()));
        }
        let mut c = self.clone();
        let old = self.file(rel);
        let sf = Arc::new(self.analysed(rel, text));
        let offers_changed = old.map(|f| &f.offered) != Some(&sf.offered);
        c.gazetteer_stale |= offers_changed;
        let i = match c.files.binary_search_by(|f| f.rel.as_str().cmp(rel)) {
            Ok(i) => {
                c.files[i] = sf;
                i
            }
            Err(i) => {
                c.files.insert(i, sf);
                c.finish();
                return c;
            }
        };
        let Some(old) = old else {
            c.finish();
            return c;
        };
        // The usual keystroke: same names in the same place of corpus order, only moved.
        if order_key(old) == order_key(&c.files[i]) {
            if let Some(reg) = self.moved_registry(i, old, &c.files[i]) {
                c.registry = Arc::new(OnceLock::from(Arc::new(reg)));
                return c;
            }
            // Same place in corpus order: the order stands, the registry is built when needed.
            c.registry = Arc::default();
            return c;
        }
        c.finish();
        c
    }

    /// `text` analysed as the file `rel` of this corpus (its annotations, gazetteer and
    /// config), on its own: nothing of the corpus changes. Pure, and costs one file's analysis.
    pub fn analysed(&self, rel: &str, text: String) -> SourceFile {
        let annotations = if is_conll(rel) {
            Annotations::Conll(Arc::new(annotations::read_conll(&text)))
        } else {
            match self.file(rel) {
                Some(f) => f.annotations.clone(),
                None => sibling_ann(&self.root, &path_text::real_path(&self.root, rel))
                    .map_or(Annotations::None, Annotations::Brat),
            }
        };
        let lowercase = needs_gazetteer(rel, &text, &annotations, self.options);
        let gaz = if lowercase {
            &self.gazetteer
        } else {
            &self.base_gazetteer
        };
        SourceFile::build(
            rel.to_string(),
            FileText::plain(text.into()),
            Vec::new(),
            annotations,
            gaz,
            &self.config,
            self.options,
        )
    }

    /// The registry after file `i` changed from `old` to `new` without changing its names or its
    /// place in corpus order (its mentions may have moved); `None` when a rebuild is needed.
    fn moved_registry(&self, i: usize, old: &SourceFile, new: &SourceFile) -> Option<Registry> {
        if order_key(old) != order_key(new) || !doc_names::same_names(&old.names, &new.names) {
            return None;
        }
        // A registry nobody built yet is not built for a keystroke either.
        self.registry
            .get()?
            .with_moved_spans(i as u32, &old.names, &new.names)
    }

    /// A new snapshot without `rel` (unchanged when it is not there).
    pub fn without_file(&self, rel: &str) -> Corpus {
        if let Some(txt) = ann_target(rel) {
            return self.with_annotations(&txt, Annotations::None);
        }
        let Ok(i) = self.files.binary_search_by(|f| f.rel.as_str().cmp(rel)) else {
            return self.clone();
        };
        let mut c = self.clone();
        let gone = c.files.remove(i);
        if !gone.offered.is_empty() || c.gazetteer_stale {
            c.refresh_gazetteer();
        }
        c.finish();
        c
    }

    /// A new snapshot where the file `rel` carries `annotations` (unchanged when `rel` is absent).
    fn with_annotations(&self, rel: &str, annotations: Annotations) -> Corpus {
        let Some(i) = self.file_index(rel) else {
            return self.clone();
        };
        let old = &self.files[i as usize];
        let lowercase = needs_gazetteer(rel, &old.text(), &annotations, self.options);
        let gaz = if lowercase {
            &self.gazetteer
        } else {
            &self.base_gazetteer
        };
        let problems = old.read_problems.clone();
        let sf = SourceFile::build(
            rel.to_string(),
            old.text.clone(),
            problems,
            annotations,
            gaz,
            &self.config,
            self.options,
        );
        let mut c = self.clone();
        let changed = sf.offered != old.offered;
        c.files[i as usize] = Arc::new(sf);
        if changed || c.gazetteer_stale {
            c.refresh_gazetteer();
        }
        c.finish();
        c
    }

    /// The file at a root-relative path.
    pub fn file(&self, rel: &str) -> Option<&Arc<SourceFile>> {
        self.file_index(rel).map(|i| &self.files[i as usize])
    }
    /// Index into `files` of a root-relative path.
    pub fn file_index(&self, rel: &str) -> Option<u32> {
        self.files
            .binary_search_by(|f| f.rel.as_str().cmp(rel))
            .ok()
            .map(|i| i as u32)
    }
    /// The file a mention is in.
    pub fn file_of(&self, m: &MentionRef) -> &Arc<SourceFile> {
        &self.files[m.file as usize]
    }
    /// File indices in corpus order (articles by date, undated articles, notes; then path).
    pub fn order(&self) -> &[u32] {
        &self.order
    }
    /// The gazetteer the lowercase dumps were analysed with.
    pub fn gazetteer(&self) -> &Arc<Gazetteer> {
        &self.gazetteer
    }
    /// The entity registry of this snapshot (built now if an edit left it for later).
    pub fn registry(&self) -> &Registry {
        self.registry
            .get_or_init(|| Arc::new(self.build_registry()))
    }
    /// Every entity (see [`Registry::entities`]).
    pub fn entities(&self) -> &[Entity] {
        self.registry().entities()
    }
    /// The entity with this id.
    pub fn entity(&self, id: EntityId) -> &Entity {
        self.registry().entity(id)
    }
    /// The entity mentioned at a byte offset of a file, and that mention (none when ambiguous).
    pub fn entity_at(&self, rel: &str, offset: usize) -> Option<(EntityId, MentionRef)> {
        self.entity_in(self.file_index(rel)?, offset)
    }
    /// The mention at a byte offset of a file and what it stands for (entity or ambiguity).
    pub fn target_at(&self, rel: &str, offset: usize) -> Option<(Target, MentionRef)> {
        self.target_in(self.file_index(rel)?, offset)
    }
    /// [`Corpus::entity_at`] by file index.
    pub fn entity_in(&self, file: u32, offset: usize) -> Option<(EntityId, MentionRef)> {
        let f = self.files.get(file as usize)?;
        self.registry().entity_at(file, &f.names, offset)
    }
    /// [`Corpus::target_at`] by file index.
    pub fn target_in(&self, file: u32, offset: usize) -> Option<(Target, MentionRef)> {
        let f = self.files.get(file as usize)?;
        self.registry().target_at(file, &f.names, offset)
    }
    /// Every mention of file `file` (an index into `files`), sorted by start, with what it
    /// stands for.
    pub fn file_mentions(&self, file: u32) -> Vec<(Span, Target)> {
        match self.files.get(file as usize) {
            Some(f) => self.registry().file_mentions(file, &f.names).collect(),
            None => Vec::new(),
        }
    }
    /// Every mention of an entity, in corpus order.
    pub fn mentions(&self, id: EntityId) -> &[MentionRef] {
        self.registry().mentions(id)
    }
    /// What a name (any alias, any case, honorifics stripped) refers to.
    pub fn resolve(&self, name: &str) -> Resolution {
        self.registry().resolve(name)
    }
    /// Entities whose names loosely fit `query`, best first (workspace symbols, completion).
    pub fn search(&self, query: &str) -> Vec<EntityId> {
        self.registry().search(query)
    }
    /// The entities mentioned in a file, in order of first mention.
    pub fn entities_in(&self, rel: &str) -> Vec<EntityId> {
        self.file_index(rel)
            .map(|i| {
                self.registry()
                    .entities_in(i, &self.files[i as usize].names)
            })
            .unwrap_or_default()
    }
}
