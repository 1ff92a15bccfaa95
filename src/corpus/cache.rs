//! The warm-start cache: each file's detection analysis, kept between runs so a second load of
//! a large corpus reads it back instead of analysing again.
//!
//! One file per corpus root under `$XDG_CACHE_HOME/corpus-ls/` (else `$HOME/.cache/corpus-ls/`),
//! named by a hash of the canonical root; never inside the corpus. An entry is keyed by a BLAKE3
//! hash of the decoded text, the relative path (format sniffing, CoNLL) and the note-by-path
//! flag, and holds two parts, each stamped with the rest of what it was made from:
//! - the detection analysis, stamped with the gazetteer's name set (the user's entities, and
//!   for lowercase dumps the names the cased files taught); its format byte alone (a
//!   function of path and text) tells a warm load which pass a file belongs to, unsniffed;
//! - the name facts and gazetteer offers derived from it ([`names`]), stamped with what they
//!   read besides the analysis: the config's `ignore` list, the brat `.ann` text and whether
//!   gold annotations are read.
//!
//! A stamp that differs makes that part (and what derives from it) a miss. The file as a whole carries the build's
//! fingerprint (crate version and the identity of the running executable, which holds the
//! compiled-in models and lexicons) and a hash of its body: a foreign, stale, truncated or
//! corrupt file is ignored and the corpus analysed as if there were none.
//!
//! Writes go to a temp file renamed over the old one, with only the entries this load used (so
//! the file never outgrows the corpus). `CORPUS_LS_CACHE=off` (or the CLI's `--no-cache`)
//! turns it off; `CORPUS_LS_TRACE` says on stderr how many files came from it.

pub mod names;
pub mod trace;

use super::doc_names::DocName;
use super::gazetteer::Offered;
use super::{Annotations, Corpus, Registry, SourceFile, UserEntity};
use crate::analysis::DocAnalysis;
use crate::format::{DocKind, Format, Metadata};
use crate::intern::{intern, IList, IStr};
use crate::model::{
    Date, EntityMention, EntityType, Figure, FigureType, MentionSource, Qualifier, Span, Value,
};
use rustc_hash::FxHashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A cache key or fingerprint: 32 bytes of BLAKE3.
pub type Key = [u8; 32];

/// First bytes of every cache file; the last byte is the layout version.
const MAGIC: &[u8; 16] = b"corpus-ls cache\x02";
/// Corpora smaller than this load in well under a second: no cache is read or written for
/// them (so test suites and small folders leave nothing behind). `CORPUS_LS_CACHE_MIN_BYTES`
/// overrides it.
const MIN_CORPUS_BYTES: u64 = 1 << 20;
/// Files of other roots unused this long are removed when a cache is written.
const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

static DISABLED: AtomicBool = AtomicBool::new(false);

/// Turns the cache off for this process (the CLI's `--no-cache`).
pub fn disable() {
    DISABLED.store(true, Ordering::Relaxed);
}

/// True unless `--no-cache` or `CORPUS_LS_CACHE=off` (also `0`, `false`, `no`) turned it off.
pub fn enabled() -> bool {
    if DISABLED.load(Ordering::Relaxed) {
        return false;
    }
    std::env::var("CORPUS_LS_CACHE").map_or(true, |v| !is_off(&v))
}

/// True for the values of `CORPUS_LS_CACHE` that turn the cache off.
fn is_off(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "off" | "0" | "false" | "no"
    )
}

fn trace(msg: impl FnOnce() -> String) {
    trace::say("cache", msg);
}

/// The cache folder: `$XDG_CACHE_HOME/corpus-ls`, else `$HOME/.cache/corpus-ls`.
pub fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        // The XDG spec: a relative value is invalid and ignored.
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .map(|h| h.join(".cache"))
        })?;
    Some(base.join("corpus-ls"))
}

/// The nearest existing ancestor of `p`, canonical, with the missing rest appended.
fn canonical_prefix(p: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut cur = p;
    loop {
        if let Ok(c) = std::fs::canonicalize(cur) {
            return rest.iter().rev().fold(c, |acc, part| acc.join(part));
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return p.to_path_buf(),
        }
    }
}

/// What identifies the build: crate version and the running executable (its size and
/// modification time; every rebuild changes them, and the models and lexicons are compiled in).
fn build_fingerprint() -> Option<Key> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut h = blake3::Hasher::new();
    h.update(b"corpus-ls build\0");
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&[0]);
    h.update(exe.as_os_str().as_encoded_bytes());
    h.update(&meta.len().to_le_bytes());
    h.update(&mtime.as_nanos().to_le_bytes());
    Some(*h.finalize().as_bytes())
}

/// Fingerprint of a gazetteer name set (the user's entities and any names learned).
pub fn names_fingerprint(names: &[(String, EntityType)]) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(b"corpus-ls names\0");
    for (n, ty) in names {
        h.update(&(n.len() as u64).to_le_bytes());
        h.update(n.as_bytes());
        h.update(ty.as_str().as_bytes());
    }
    *h.finalize().as_bytes()
}

/// The key of one file's entry: its text and path, and whether its path makes it a note.
pub fn key(rel: &str, is_note_by_path: bool, text: &str) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(b"corpus-ls doc\0");
    h.update(&(rel.len() as u64).to_le_bytes());
    h.update(rel.as_bytes());
    h.update(&[is_note_by_path as u8]);
    h.update(&(text.len() as u64).to_le_bytes());
    h.update(text.as_bytes());
    *h.finalize().as_bytes()
}

/// The part of the name facts' stamp a whole load shares: the config's `ignore` list and
/// whether gold annotations are read.
pub fn facts_base(ignore: &[String], ignore_gold: bool) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(b"corpus-ls facts\0");
    h.update(&[ignore_gold as u8]);
    h.update(&(ignore.len() as u64).to_le_bytes());
    for s in ignore {
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    }
    *h.finalize().as_bytes()
}

/// The stamp of a file's name facts: [`facts_base`] and its annotations (a CoNLL file's are
/// its text, already in the key; a brat file's are the `.ann` text).
pub fn facts_stamp(base: &Key, ann: &Annotations) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(base);
    match ann {
        Annotations::None => h.update(&[0]),
        Annotations::Brat(t) => h
            .update(&[1])
            .update(&(t.len() as u64).to_le_bytes())
            .update(t.as_bytes()),
        Annotations::Conll(_) => h.update(&[2]),
    };
    *h.finalize().as_bytes()
}

/// Says on stderr (with `CORPUS_LS_TRACE`) how many of a load's files came from the cache.
pub fn note_hits(store: &Store, hits: usize, total: usize) {
    trace(|| format!("{hits} of {total} files from {}", store.path.display()));
}

/// A cache entry with its key, as a load collects them.
pub type Keyed = (Key, Entry);

/// One entry of the cache file to write: bytes read from the old file, or freshly encoded.
pub enum Entry {
    /// A hit: the payload's range in the old file.
    Old(std::ops::Range<usize>),
    /// A miss (of either part): the new entry, encoded.
    New(Vec<u8>),
}

/// One entry of the cache file, split into its parts (see the module comment).
#[derive(Clone, Copy)]
pub struct Cached<'a> {
    range: &'a std::ops::Range<usize>,
    names_fp: &'a [u8],
    analysis: &'a [u8],
    facts_stamp: &'a [u8],
    facts: &'a [u8],
}

impl<'a> Cached<'a> {
    fn parse(payload: &'a [u8], range: &'a std::ops::Range<usize>) -> Option<Cached<'a>> {
        let mut r = Reader { b: payload, p: 0 };
        let names_fp = r.take(32)?;
        let n = r.usize()?;
        let analysis = r.take(n)?;
        let facts_stamp = r.take(32)?;
        Some(Cached {
            range,
            names_fp,
            analysis,
            facts_stamp,
            facts: &payload[r.p..],
        })
    }

    /// True when the file was sniffed a lowercase dump (which depends on path and text only).
    pub fn is_dump(&self) -> Option<bool> {
        Some(format_of(*self.analysis.first()?)? == Format::Lowercase)
    }
}

/// Encodes an entry from its parts.
fn encode_entry(names_fp: &Key, analysis: &[u8], facts_stamp: &Key, facts: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(80 + analysis.len() + facts.len());
    out.extend_from_slice(names_fp);
    put_uint(&mut out, analysis.len() as u64);
    out.extend_from_slice(analysis);
    out.extend_from_slice(facts_stamp);
    out.extend_from_slice(facts);
    out
}

/// What a load keeps of one file for the cache file it writes.
pub struct Kept {
    /// The entry, under its key.
    pub keyed: Keyed,
    /// True when the analysis came from the cache.
    pub hit: bool,
    /// What the file's name facts were made from: its key and both stamps, hashed.
    pub ident: Key,
}

/// [`Kept::ident`] of a file.
fn ident(key: &Key, names_fp: &Key, facts_stamp: &Key) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(key).update(names_fp).update(facts_stamp);
    *h.finalize().as_bytes()
}

/// The key of the registry's entry: the user's entities, every file's [`Kept::ident`] in path
/// order, and corpus order (the registry is a function of the name facts, the user's
/// entities and the order; the file keys hold the paths).
pub fn registry_key(user: &[UserEntity], idents: &[Key], order: &[u32]) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(b"corpus-ls registry\0");
    let put = |h: &mut blake3::Hasher, s: &str| {
        h.update(&(s.len() as u64).to_le_bytes())
            .update(s.as_bytes());
    };
    h.update(&(user.len() as u64).to_le_bytes());
    for u in user {
        put(&mut h, &u.name);
        put(&mut h, u.ty.map_or("", |t| t.as_str()));
        h.update(&(u.aliases.len() as u64).to_le_bytes());
        for a in &u.aliases {
            put(&mut h, a);
        }
    }
    h.update(&(idents.len() as u64).to_le_bytes());
    for k in idents {
        h.update(k);
    }
    for o in order {
        h.update(&o.to_le_bytes());
    }
    *h.finalize().as_bytes()
}

/// Gives `corpus` its registry from the cache when the entry for exactly these files is
/// there, else builds it; either way adds the registry's entry to `entries`. `idents` are
/// the files' [`Kept::ident`]s in path order (`None` for a file without an entry: nothing is
/// read or kept then).
pub fn registry_through(
    store: &Store,
    corpus: &Corpus,
    idents: &[Option<Key>],
    entries: &mut Vec<Keyed>,
) {
    let Some(idents) = idents.iter().copied().collect::<Option<Vec<Key>>>() else {
        return;
    };
    let key = registry_key(&corpus.config.entities, &idents, corpus.order());
    let docs: Vec<&[DocName]> = corpus.files.iter().map(|f| f.names.as_slice()).collect();
    let fits = |file: u32, s: Span| corpus.files.get(file as usize).is_some_and(|f| f.fits(s));
    if let Some(range) = store.index.get(&key) {
        let bytes = &store.old[range.clone()];
        if let Some(reg) = Registry::decode(bytes, corpus.order(), &docs, &fits) {
            trace(|| "registry from the cache".into());
            let _ = corpus.registry.set(Arc::new(reg));
            entries.push((key, Entry::Old(range.clone())));
            return;
        }
    }
    if let Some(bytes) = corpus.registry().encode(&docs) {
        entries.push((key, Entry::New(bytes)));
    }
}

/// A file of a load, through the cache: its analysis (stamped `names_fp`) and name facts
/// (stamped `facts_stamp`) from the entry under `key` where the stamps agree, else from
/// `detect` and from `finish` deriving them; `finish` makes the file from the analysis and
/// the cached name facts, if any.
pub fn through(
    store: &Store,
    key: Key,
    stamps: (&Key, &Key),
    text: &str,
    detect: impl FnOnce() -> DocAnalysis,
    finish: impl FnOnce(DocAnalysis, Option<(Vec<DocName>, Vec<Offered>)>) -> SourceFile,
) -> (SourceFile, Kept) {
    let (names_fp, facts_stamp) = stamps;
    let cached = store.entry(&key);
    let analysed = cached.and_then(|c| {
        let a = (c.names_fp == names_fp).then(|| decode(c.analysis, text))??;
        Some((c, a))
    });
    let Some((c, analysis)) = analysed else {
        let a = detect();
        let bytes = encode(&a);
        let sf = finish(a, None);
        let facts = names::encode(&sf.names, &sf.offered);
        let entry = encode_entry(names_fp, &bytes, facts_stamp, &facts);
        let keyed = (key, Entry::New(entry));
        let ident = ident(&key, names_fp, facts_stamp);
        return (
            sf,
            Kept {
                keyed,
                hit: false,
                ident,
            },
        );
    };
    let named = (c.facts_stamp == facts_stamp)
        .then(|| names::decode(c.facts, text))
        .flatten();
    let fresh = named.is_none();
    let sf = finish(analysis, named);
    let entry = if fresh {
        let facts = names::encode(&sf.names, &sf.offered);
        Entry::New(encode_entry(names_fp, c.analysis, facts_stamp, &facts))
    } else {
        Entry::Old(c.range.clone())
    };
    (
        sf,
        Kept {
            keyed: (key, entry),
            hit: true,
            ident: ident(&key, names_fp, facts_stamp),
        },
    )
}

/// The cache of one corpus root, as read at the start of a load.
pub struct Store {
    path: PathBuf,
    min_bytes: u64,
    build: Key,
    old: Vec<u8>,
    index: FxHashMap<Key, std::ops::Range<usize>>,
}

impl Store {
    /// The cache for `root`, read if present and valid; `None` when the cache is off, there
    /// is no cache folder, or the cache folder lies inside the corpus.
    pub fn open(root: &Path) -> Option<Store> {
        if !enabled() {
            return None;
        }
        let mut store = Self::open_in(&cache_dir()?, root)?;
        store.min_bytes = std::env::var("CORPUS_LS_CACHE_MIN_BYTES")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(MIN_CORPUS_BYTES);
        Some(store)
    }

    /// True when a corpus of `bytes` bytes of text is worth caching.
    pub fn worth_it(&self, bytes: u64) -> bool {
        bytes >= self.min_bytes
    }

    /// [`Store::open`] with the cache folder given (whatever the environment says).
    pub fn open_in(dir: &Path, root: &Path) -> Option<Store> {
        Self::open_part_in(dir, root, "")
    }

    /// Another cache file of the root, beside the analysis cache and in its layout, for what
    /// another module derives from the files (`part` names it; its entries are the caller's):
    /// opened only when the cache is on.
    pub fn open_part(root: &Path, part: &str) -> Option<Store> {
        if !enabled() {
            return None;
        }
        Self::open_part_in(&cache_dir()?, root, part)
    }

    /// [`Store::open_part`] with the cache folder given; the empty part is the analysis cache.
    pub fn open_part_in(dir: &Path, root: &Path, part: &str) -> Option<Store> {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        if canonical_prefix(dir).starts_with(&root) {
            trace(|| format!("off: {} is inside the corpus", dir.display()));
            return None;
        }
        let mut build = build_fingerprint()?;
        let name = blake3::hash(root.as_os_str().as_encoded_bytes()).to_hex();
        let path = if part.is_empty() {
            dir.join(format!("{}.bin", &name[..32]))
        } else {
            // A part's file is made by the same build but holds other entries: its name is in
            // the fingerprint, so one part's file is never read as another's.
            build = *blake3::Hasher::new()
                .update(&build)
                .update(part.as_bytes())
                .finalize()
                .as_bytes();
            dir.join(format!("{}.{part}.bin", &name[..32]))
        };
        let mut store = Store {
            path,
            min_bytes: 0,
            build,
            old: Vec::new(),
            index: FxHashMap::default(),
        };
        // Confined to the cache folder and capped: a FIFO or a link to `/dev/zero` put there
        // is refused, never waited on or read without end.
        match super::confined::read(dir, &store.path, super::confined::CACHE_CAP) {
            Ok(bytes) => match parse_index(&bytes, &build) {
                Some(index) => {
                    store.old = bytes;
                    store.index = index;
                }
                None => trace(|| format!("ignored {}: stale or damaged", store.path.display())),
            },
            Err(e) if e.is_missing() => {}
            Err(e) => trace(|| format!("cannot read {}: {e}", store.path.display())),
        }
        Some(store)
    }

    /// The cache file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of entries read from the cache file.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when the cache file held nothing usable.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The bytes of the entry under `key` as written (for a part's entries).
    pub fn get(&self, key: &Key) -> Option<&[u8]> {
        self.index.get(key).map(|r| &self.old[r.clone()])
    }

    /// Marks the file used (so it is not pruned as old) without writing it.
    pub fn touch(&self) {
        if let Ok(f) = std::fs::File::options().append(true).open(&self.path) {
            let _ = f.set_modified(std::time::SystemTime::now());
        }
    }

    /// The entry under `key`, split into its parts; `None` when absent or malformed.
    pub fn entry(&self, key: &Key) -> Option<Cached<'_>> {
        let range = self.index.get(key)?;
        Cached::parse(&self.old[range.clone()], range)
    }

    /// Writes the cache file with exactly `entries` (temp file and rename), unless it would
    /// hold the same entries as the file read.
    pub fn save(&self, entries: &[(Key, Entry)]) {
        let fresh = entries.iter().any(|(_, e)| matches!(e, Entry::New(_)));
        if !fresh && entries.len() == self.index.len() {
            // Nothing new, nothing pruned: keep the file, mark it used.
            self.touch();
            return;
        }
        // Streamed to the file, hashed on the way (the hash trails the body): a large corpus's
        // cache is never built in memory a second time.
        let mut written = 0;
        let stream = |f: &mut dyn Write| -> std::io::Result<()> {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, f);
            let mut h = blake3::Hasher::new();
            let mut put = |bytes: &[u8]| {
                h.update(bytes);
                written += bytes.len();
                w.write_all(bytes)
            };
            let mut n = Vec::with_capacity(10);
            put_uint(&mut n, entries.len() as u64);
            put(MAGIC)?;
            put(&self.build)?;
            put(&n)?;
            for (k, e) in entries {
                let payload: &[u8] = match e {
                    Entry::Old(r) => &self.old[r.clone()],
                    Entry::New(v) => v,
                };
                n.clear();
                put_uint(&mut n, payload.len() as u64);
                put(k)?;
                put(&n)?;
                put(payload)?;
            }
            w.write_all(h.finalize().as_bytes())?;
            w.flush()
        };
        match self.write_atomically(stream) {
            Ok(()) => trace(|| {
                format!(
                    "wrote {} ({} entries, {} bytes)",
                    self.path.display(),
                    entries.len(),
                    written + 32
                )
            }),
            Err(e) => trace(|| format!("cannot write {}: {e}", self.path.display())),
        }
        if let Some(dir) = self.path.parent() {
            prune_old_files(dir, &self.path);
        }
    }

    /// Writes what `stream` writes to a temp file renamed over the cache file.
    fn write_atomically(
        &self,
        stream: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir)?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = dir.join(format!(
            ".{}.{}.{nanos}.tmp",
            self.path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        let written = (|| {
            let mut opts = std::fs::File::options();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(&tmp)?;
            stream(&mut f)?;
            f.sync_data()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }
}

/// Creates the cache folder readable by its owner only (it holds names from the corpus).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// Removes cache files of other roots not used for [`MAX_AGE`], and temp files left by a crash.
fn prune_old_files(dir: &Path, keep: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        let ours = name.ends_with(".bin") || name.ends_with(".tmp");
        if p == keep || !ours {
            continue;
        }
        let age = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| now.duration_since(m).ok());
        let limit = if name.ends_with(".tmp") {
            std::time::Duration::from_secs(3600)
        } else {
            MAX_AGE
        };
        if age.is_some_and(|a| a > limit) {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// The entries of a cache file made by this build; `None` when it is not one, or damaged.
///
/// Layout: the magic, the build's fingerprint, the entries, then a hash of all that.
fn parse_index(bytes: &[u8], build: &Key) -> Option<FxHashMap<Key, std::ops::Range<usize>>> {
    let head = MAGIC.len() + 32;
    if bytes.len() < head + 32 || &bytes[..MAGIC.len()] != MAGIC {
        return None;
    }
    if &bytes[MAGIC.len()..head] != build {
        return None;
    }
    let (hashed, trailer) = bytes.split_at(bytes.len() - 32);
    // Tens of megabytes on every warm start: hashed on every core.
    if blake3::Hasher::new()
        .update_rayon(hashed)
        .finalize()
        .as_bytes()[..]
        != *trailer
    {
        return None;
    }
    let body = &hashed[head..];
    let mut r = Reader { b: body, p: 0 };
    let n = r.uint()?;
    let mut index = FxHashMap::default();
    index.reserve((n as usize).min(body.len() / 33));
    for _ in 0..n {
        let k: Key = r.take(32)?.try_into().ok()?;
        let len = r.uint()? as usize;
        let start = r.p;
        r.take(len)?;
        index.insert(k, head + start..head + start + len);
    }
    (r.p == body.len()).then_some(index)
}

// ---- The codec: little-endian varints, spans as delta-coded starts and lengths. ----

pub(crate) fn put_uint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn put_int(out: &mut Vec<u8>, v: i64) {
    put_uint(out, ((v << 1) ^ (v >> 63)) as u64);
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_uint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

pub(crate) fn put_span(out: &mut Vec<u8>, s: Span) {
    put_uint(out, s.start() as u64);
    put_uint(out, s.end().saturating_sub(s.start()) as u64);
}

fn put_opt_span(out: &mut Vec<u8>, s: Option<Span>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_span(out, s);
        }
    }
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

/// Sorted-ish span lists (sentences, paragraphs): each start relative to the previous one.
fn put_spans(out: &mut Vec<u8>, spans: &[Span]) {
    put_uint(out, spans.len() as u64);
    let mut prev = 0i64;
    for s in spans {
        put_int(out, s.start() as i64 - prev);
        put_uint(out, s.end().saturating_sub(s.start()) as u64);
        prev = s.start() as i64;
    }
}

fn put_date(out: &mut Vec<u8>, d: Date) {
    use chrono::Datelike;
    put_int(out, d.num_days_from_ce() as i64);
}

fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Number(n) => {
            out.push(0);
            out.extend_from_slice(&n.to_bits().to_le_bytes());
        }
        Value::Date(d) => {
            out.push(1);
            put_date(out, *d);
        }
    }
}

fn put_opt_value(out: &mut Vec<u8>, v: &Option<Value>) {
    match v {
        None => out.push(0),
        Some(v) => {
            out.push(1);
            put_value(out, v);
        }
    }
}

fn format_tag(f: Format) -> u8 {
    match f {
        Format::Markdown => 0,
        Format::Plain => 1,
        Format::Lowercase => 2,
    }
}

fn kind_tag(k: DocKind) -> u8 {
    match k {
        DocKind::Article => 0,
        DocKind::Note => 1,
    }
}

pub(crate) fn entity_type_tag(t: EntityType) -> u8 {
    match t {
        EntityType::Per => 0,
        EntityType::Org => 1,
        EntityType::Loc => 2,
        EntityType::Misc => 3,
    }
}

/// The type an [`entity_type_tag`] stands for.
pub(crate) fn entity_type_of(t: u8) -> Option<EntityType> {
    [
        EntityType::Per,
        EntityType::Org,
        EntityType::Loc,
        EntityType::Misc,
    ]
    .get(t as usize)
    .copied()
}

/// The source a [`source_tag`] stands for.
pub(crate) fn source_of(t: u8) -> Option<MentionSource> {
    [
        MentionSource::Detected,
        MentionSource::Gold,
        MentionSource::User,
    ]
    .get(t as usize)
    .copied()
}

pub(crate) fn source_tag(s: MentionSource) -> u8 {
    match s {
        MentionSource::Detected => 0,
        MentionSource::Gold => 1,
        MentionSource::User => 2,
    }
}

fn figure_type_tag(t: FigureType) -> u8 {
    match t {
        FigureType::Money => 0,
        FigureType::Percent => 1,
        FigureType::Count => 2,
        FigureType::Fraction => 3,
        FigureType::Date => 4,
        FigureType::Duration => 5,
        FigureType::Number => 6,
    }
}

fn qualifier_tag(q: Qualifier) -> u8 {
    match q {
        Qualifier::Exact => 0,
        Qualifier::Approx => 1,
        Qualifier::AtMost => 2,
        Qualifier::AtLeast => 3,
        Qualifier::Range => 4,
    }
}

/// Encodes one analysis. Every struct is destructured whole, so a new field fails to compile
/// here until the codec learns it.
pub fn encode(a: &DocAnalysis) -> Vec<u8> {
    let DocAnalysis {
        format,
        kind,
        meta,
        sentences,
        paragraphs,
        entities,
        figures,
    } = a;
    let mut out = Vec::with_capacity(64 + 8 * (sentences.len() + entities.len()));
    out.push(format_tag(*format));
    out.push(kind_tag(*kind));
    let Metadata {
        kind: meta_kind,
        sources,
        source_spans,
        headline,
        headline_span,
        byline,
        byline_span,
        date,
        date_span,
        headings,
        front_matter,
        links,
    } = meta;
    out.push(meta_kind.map_or(0, |k| 1 + kind_tag(k)));
    put_uint(&mut out, sources.len() as u64);
    for s in sources {
        put_str(&mut out, s);
    }
    put_spans(&mut out, source_spans);
    put_opt_str(&mut out, headline.as_deref());
    put_opt_span(&mut out, *headline_span);
    put_opt_str(&mut out, byline.as_deref());
    put_opt_span(&mut out, *byline_span);
    match date {
        None => out.push(0),
        Some(d) => {
            out.push(1);
            put_date(&mut out, *d);
        }
    }
    put_opt_span(&mut out, *date_span);
    put_uint(&mut out, headings.len() as u64);
    for (level, s) in headings {
        out.push(*level);
        put_span(&mut out, *s);
    }
    put_opt_span(&mut out, *front_matter);
    put_uint(&mut out, links.len() as u64);
    for (dest, s) in links {
        put_str(&mut out, dest);
        put_span(&mut out, *s);
    }
    put_spans(&mut out, sentences);
    put_spans(&mut out, paragraphs);
    put_uint(&mut out, entities.len() as u64);
    let mut prev = 0i64;
    for e in entities {
        let EntityMention {
            span,
            name,
            ty,
            cue,
            source,
        } = e;
        put_int(&mut out, span.start() as i64 - prev);
        prev = span.start() as i64;
        put_uint(&mut out, span.len() as u64);
        put_int(&mut out, name.start() as i64 - span.start() as i64);
        put_uint(&mut out, name.len() as u64);
        out.push(entity_type_tag(*ty));
        out.push(source_tag(*source));
        put_opt_str(&mut out, cue.as_deref());
    }
    put_uint(&mut out, figures.len() as u64);
    let mut prev = 0i64;
    for f in figures {
        let Figure {
            span,
            ty,
            value,
            unit,
            unit_inferred,
            qualifier,
            low,
            high,
            subject,
        } = f;
        put_int(&mut out, span.start() as i64 - prev);
        prev = span.start() as i64;
        put_uint(&mut out, span.len() as u64);
        out.push(figure_type_tag(*ty));
        put_value(&mut out, value);
        put_opt_str(&mut out, unit.as_deref());
        out.push(*unit_inferred as u8);
        out.push(qualifier_tag(*qualifier));
        put_opt_value(&mut out, low);
        put_opt_value(&mut out, high);
        put_uint(&mut out, subject.len() as u64);
        for w in subject {
            put_str(&mut out, w);
        }
    }
    out
}

/// Reads the codec; every method is `None` on running out of bytes or a bad value.
pub(crate) struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `b`.
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Reader { b, p: 0 }
    }
    /// True when every byte was read.
    pub(crate) fn done(&self) -> bool {
        self.p == self.b.len()
    }
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.p.checked_add(n)?;
        let s = self.b.get(self.p..end)?;
        self.p = end;
        Some(s)
    }
    pub(crate) fn byte(&mut self) -> Option<u8> {
        let b = *self.b.get(self.p)?;
        self.p += 1;
        Some(b)
    }
    pub(crate) fn uint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    pub(crate) fn int(&mut self) -> Option<i64> {
        let u = self.uint()?;
        Some((u >> 1) as i64 ^ -((u & 1) as i64))
    }
    pub(crate) fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok()
    }
    /// A count of items each at least one byte long: never more than the bytes left.
    pub(crate) fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.b.len() - self.p).then_some(n)
    }
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        let n = self.usize()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
    fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.str()?)),
            _ => None,
        }
    }
    pub(crate) fn span(&mut self) -> Option<Span> {
        let start = self.usize()?;
        let end = start.checked_add(self.usize()?)?;
        Some(Span::new(start, end))
    }
    fn opt_span(&mut self) -> Option<Option<Span>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.span()?)),
            _ => None,
        }
    }
    pub(crate) fn delta_start(&mut self, prev: &mut i64) -> Option<usize> {
        let s = prev.checked_add(self.int()?)?;
        *prev = s;
        usize::try_from(s).ok()
    }
    /// A span written as its start's delta from the previous start, then its length.
    pub(crate) fn delta_span(&mut self, prev: &mut i64) -> Option<Span> {
        let start = self.delta_start(prev)?;
        Some(Span::new(start, start.checked_add(self.usize()?)?))
    }
    /// An offset written relative to `base` (signed).
    pub(crate) fn offset_from(&mut self, base: usize) -> Option<usize> {
        usize::try_from((base as i64).checked_add(self.int()?)?).ok()
    }
    fn spans(&mut self) -> Option<Vec<Span>> {
        let n = self.count()?;
        let mut v = Vec::with_capacity(n);
        let mut prev = 0i64;
        for _ in 0..n {
            v.push(self.delta_span(&mut prev)?);
        }
        Some(v)
    }
    fn date(&mut self) -> Option<Date> {
        Date::from_num_days_from_ce_opt(i32::try_from(self.int()?).ok()?)
    }
    fn value(&mut self) -> Option<Value> {
        match self.byte()? {
            0 => Some(Value::Number(f64::from_bits(u64::from_le_bytes(
                self.take(8)?.try_into().ok()?,
            )))),
            1 => Some(Value::Date(self.date()?)),
            _ => None,
        }
    }
    fn opt_value(&mut self) -> Option<Option<Value>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.value()?)),
            _ => None,
        }
    }
}

fn format_of(t: u8) -> Option<Format> {
    [Format::Markdown, Format::Plain, Format::Lowercase]
        .get(t as usize)
        .copied()
}

fn kind_of(t: u8) -> Option<DocKind> {
    [DocKind::Article, DocKind::Note].get(t as usize).copied()
}

/// Decodes one analysis of `text`; `None` when the bytes are not one, or a span does not fall
/// on `text`'s char boundaries (the analysis is then redone: never a panic later).
pub fn decode(bytes: &[u8], text: &str) -> Option<DocAnalysis> {
    let mut r = Reader { b: bytes, p: 0 };
    let format = format_of(r.byte()?)?;
    let kind = kind_of(r.byte()?)?;
    let meta_kind = match r.byte()? {
        0 => None,
        t => Some(kind_of(t - 1)?),
    };
    let n = r.count()?;
    let mut sources = Vec::with_capacity(n);
    for _ in 0..n {
        sources.push(r.str()?.to_string());
    }
    let source_spans = r.spans()?;
    let headline = r.opt_str()?.map(str::to_string);
    let headline_span = r.opt_span()?;
    let byline = r.opt_str()?.map(str::to_string);
    let byline_span = r.opt_span()?;
    let date = match r.byte()? {
        0 => None,
        1 => Some(r.date()?),
        _ => return None,
    };
    let date_span = r.opt_span()?;
    let n = r.count()?;
    let mut headings = Vec::with_capacity(n);
    for _ in 0..n {
        let level = r.byte()?;
        headings.push((level, r.span()?));
    }
    let front_matter = r.opt_span()?;
    let n = r.count()?;
    let mut links = Vec::with_capacity(n);
    for _ in 0..n {
        let dest = r.str()?.to_string();
        links.push((dest, r.span()?));
    }
    let sentences = r.spans()?;
    let paragraphs = r.spans()?;
    let n = r.count()?;
    let mut entities = Vec::with_capacity(n);
    let mut prev = 0i64;
    for _ in 0..n {
        let span = r.delta_span(&mut prev)?;
        let name_start = r.offset_from(span.start())?;
        let name = Span::new(name_start, name_start.checked_add(r.usize()?)?);
        let ty = entity_type_of(r.byte()?)?;
        let source = source_of(r.byte()?)?;
        let cue: Option<IStr> = r.opt_str()?.map(intern);
        entities.push(EntityMention {
            span,
            name,
            ty,
            cue,
            source,
        });
    }
    let n = r.count()?;
    let mut figures = Vec::with_capacity(n);
    let mut prev = 0i64;
    for _ in 0..n {
        let span = r.delta_span(&mut prev)?;
        let ty = *[
            FigureType::Money,
            FigureType::Percent,
            FigureType::Count,
            FigureType::Fraction,
            FigureType::Date,
            FigureType::Duration,
            FigureType::Number,
        ]
        .get(r.byte()? as usize)?;
        let value = r.value()?;
        let unit = r.opt_str()?.map(intern);
        let unit_inferred = match r.byte()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let qualifier = *[
            Qualifier::Exact,
            Qualifier::Approx,
            Qualifier::AtMost,
            Qualifier::AtLeast,
            Qualifier::Range,
        ]
        .get(r.byte()? as usize)?;
        let low = r.opt_value()?;
        let high = r.opt_value()?;
        let k = r.count()?;
        let mut words = Vec::with_capacity(k);
        for _ in 0..k {
            words.push(r.str()?);
        }
        figures.push(Figure {
            span,
            ty,
            value,
            unit,
            unit_inferred,
            qualifier,
            low,
            high,
            subject: IList::new(words),
        });
    }
    if r.p != bytes.len() {
        return None;
    }
    let fits = |s: &Span| s.fits_in(text);
    let ok = source_spans
        .iter()
        .chain(&sentences)
        .chain(&paragraphs)
        .chain(headline_span.iter())
        .chain(byline_span.iter())
        .chain(date_span.iter())
        .chain(front_matter.iter())
        .chain(headings.iter().map(|h| &h.1))
        .chain(links.iter().map(|l| &l.1))
        .chain(entities.iter().flat_map(|e| [&e.span, &e.name]))
        .chain(figures.iter().map(|f| &f.span))
        .all(fits);
    if !ok {
        return None;
    }
    Some(DocAnalysis {
        format,
        kind,
        meta: Metadata {
            kind: meta_kind,
            sources,
            source_spans,
            headline,
            headline_span,
            byline,
            byline_span,
            date,
            date_span,
            headings,
            front_matter,
            links,
        },
        sentences,
        paragraphs,
        entities,
        figures,
    })
}

#[cfg(test)]
pub(crate) mod tests;
