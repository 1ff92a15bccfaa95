//! Publishing diagnostics: one publisher thread computes the files a change affects from the
//! root's current snapshot and owns what was sent; whole-corpus publishing (every file after the
//! cold index, every note after an article changed) runs on low-priority threads that hand
//! their results to it.
//!
//! Each file's diagnostics carry the revision of the snapshot they were computed from; the
//! publisher never sends a file's diagnostics of an older revision after a newer one's, so no
//! lock is held while computing and nothing is retried.

use super::diagnostics;
use super::engine::{trace, Engine, Outbound};
use super::published::Published;
use super::state::file_uri;
use crate::config::ConfigError;
use crate::corpus::scan;
use crate::host::Snapshot;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Uri};

/// Work for the publisher.
pub enum Publish {
    /// File `rel` changed (`same`: its text did not, it was opened or closed as on disk).
    Changed {
        /// The root.
        root: PathBuf,
        /// The file.
        rel: String,
        /// True when only this file is to publish.
        same: bool,
    },
    /// Publish these files now.
    Files {
        /// The root.
        root: PathBuf,
        /// The files.
        rels: Vec<String>,
    },
    /// Diagnostics computed by a low-priority thread.
    Computed(Computed),
    /// The problems of a root's config, shown on its `corpus-ls.toml`.
    Config {
        /// The root.
        root: PathBuf,
        /// The problems.
        problems: Vec<ConfigError>,
        /// The config's text, when read.
        text: Option<String>,
    },
    /// A buffer closed: forget what was sent for it.
    Forget(Uri),
    /// The server stops.
    Stop,
}

/// One file's diagnostics and what they were computed from.
pub struct Computed {
    uri: Uri,
    diags: Vec<Diagnostic>,
    version: Option<i32>,
    revision: u64,
}

/// What publishing one file reads from the state.
struct Plan {
    snap: Arc<Snapshot>,
    file: usize,
    enc: crate::document::Encoding,
    /// The open buffers' URIs by root-relative path.
    uris: HashMap<String, Uri>,
    uri: Uri,
    version: Option<i32>,
}

/// What publishing `rel` of `root` reads: `None` when the root or the file is gone, or the file
/// is an open buffer not yet analysed (the writer publishes it once it is).
fn plan(engine: &Engine, root: &Path, rel: &str) -> Option<Plan> {
    let st = engine.state.lock();
    let snap = engine.host.snapshot(root)?;
    let file = snap.file_index(rel)?;
    let uris = st.open_in(root);
    let (uri, version) = match uris.get(rel) {
        Some(u) => (u.clone(), Some(st.docs.get(u)?.analysed?)),
        None => (super::convert::corpus_uri(root, rel)?, None),
    };
    Some(Plan {
        snap,
        file,
        enc: st.enc,
        uris,
        uri,
        version,
    })
}

/// The diagnostics of `rel` of `root` from the root's current snapshot.
fn compute(engine: &Engine, root: &Path, rel: &str) -> Option<Computed> {
    let p = plan(engine, root, rel)?;
    let diags = diagnostics::of_file(&p.snap, root, p.file, p.enc, &p.uris);
    Some(Computed {
        uri: p.uri,
        diags,
        version: p.version,
        revision: p.snap.revision,
    })
}

/// Starts the publisher thread on `rx` (and the notes thread it feeds).
pub fn start(engine: Engine, rx: Receiver<Publish>) {
    let (notes, notes_rx) = std::sync::mpsc::channel();
    let e = engine.clone();
    super::background::spawn_low("corpus-ls-notes", move || notes_thread(&e, notes_rx));
    let publisher = Publisher {
        engine,
        published: Published::default(),
        revisions: FxHashMap::default(),
        notes,
    };
    if let Err(e) = std::thread::Builder::new()
        .name("corpus-ls-publish".into())
        .spawn(move || publisher.run(rx))
    {
        eprintln!("corpus-ls: cannot start the publisher thread: {e}");
    }
}

struct Publisher {
    engine: Engine,
    /// Last diagnostics sent per file, and which files they point at.
    published: Published,
    /// The snapshot revision of the diagnostics last sent per file.
    revisions: FxHashMap<Uri, u64>,
    /// Roots whose notes are to publish again (`None` stops the notes thread).
    notes: Sender<Option<PathBuf>>,
}

impl Publisher {
    fn run(mut self, rx: Receiver<Publish>) {
        while let Ok(first) = rx.recv() {
            // A burst of changes publishes each affected file once, from the newest snapshot.
            let mut due: Vec<(PathBuf, String)> = Vec::new();
            for p in std::iter::once(first).chain(rx.try_iter()) {
                match p {
                    Publish::Stop => {
                        let _ = self.notes.send(None);
                        return;
                    }
                    Publish::Changed { root, rel, same } => {
                        let files = if same {
                            vec![rel]
                        } else {
                            self.affected(&root, &rel)
                        };
                        due.extend(files.into_iter().map(|f| (root.clone(), f)));
                    }
                    Publish::Files { root, rels } => {
                        due.extend(rels.into_iter().map(|f| (root.clone(), f)));
                    }
                    Publish::Computed(c) => self.queue(c),
                    Publish::Config {
                        root,
                        problems,
                        text,
                    } => self.config(&root, &problems, text.as_deref()),
                    Publish::Forget(uri) => {
                        self.published.remove(&uri);
                        self.revisions.remove(&uri);
                    }
                }
            }
            let mut seen = std::collections::HashSet::new();
            for (root, rel) in due {
                if !seen.insert((root.clone(), rel.clone())) {
                    continue;
                }
                let t0 = std::time::Instant::now();
                let c = super::query::guarded("diagnostics", || compute(&self.engine, &root, &rel));
                match c {
                    Ok(Some(c)) => self.queue(c),
                    Ok(None) => {}
                    Err(msg) => self
                        .engine
                        .log(tower_lsp_server::ls_types::MessageType::ERROR, msg),
                }
                trace(|| format!("{rel}: diagnostics in {:?}", t0.elapsed()));
            }
        }
    }

    /// The files a change of `rel` affects now (the file, the open notes, the files pointing at
    /// it); every other note goes to the notes thread.
    fn affected(&self, root: &Path, rel: &str) -> Vec<String> {
        let Some(snap) = self.engine.host.snapshot(root) else {
            return Vec::new();
        };
        let (open, uri) = {
            let st = self.engine.state.lock();
            (st.open_in(root), file_uri(&st, root, rel))
        };
        let pointing: Vec<String> = match &uri {
            Some(u) => self
                .published
                .pointing_at(u)
                .filter_map(|k| {
                    let p = super::convert::uri_to_path(k)?;
                    p.starts_with(root).then(|| scan::rel_path(root, &p))
                })
                .collect(),
            None => Vec::new(),
        };
        let a = diagnostics::affected(&snap, rel, open.keys().map(String::as_str), pointing);
        if a.notes {
            let _ = self.notes.send(Some(root.to_path_buf()));
        }
        a.now
    }

    /// Sends a file's diagnostics unless newer ones went out already, or it is closed and they
    /// did not change (nothing for a closed file that never had any).
    fn queue(&mut self, c: Computed) {
        if self.revisions.get(&c.uri).is_some_and(|&r| r > c.revision) {
            return;
        }
        self.revisions.insert(c.uri.clone(), c.revision);
        let unchanged = match self.published.get(&c.uri) {
            Some(b) => b == &c.diags,
            None => c.diags.is_empty(),
        };
        if c.version.is_none() && unchanged {
            return;
        }
        self.published.insert(c.uri.clone(), c.diags.clone());
        self.engine.send(Outbound::Diagnostics {
            uri: c.uri,
            diags: c.diags,
            version: c.version,
        });
    }

    /// Publishes the problems of a root's config on its `corpus-ls.toml` (a bad config is a
    /// diagnostic there, never a crash).
    fn config(&mut self, root: &Path, problems: &[ConfigError], text: Option<&str>) {
        let path = root.join(crate::config::FILE_NAME);
        let Some(uri) = super::convert::path_to_uri(&path) else {
            return;
        };
        let (enc, text) = (self.engine.state.lock().enc, text.unwrap_or(""));
        let lines = crate::document::LineIndex::new(text);
        let t = super::convert::TextRef::new(text, &lines);
        let diags: Vec<Diagnostic> = problems
            .iter()
            .map(|p| Diagnostic {
                range: t.range(p.span.unwrap_or_default(), enc),
                severity: Some(if p.fatal {
                    DiagnosticSeverity::ERROR
                } else {
                    DiagnosticSeverity::WARNING
                }),
                code: Some(NumberOrString::String("config".to_string())),
                source: Some(diagnostics::SOURCE.to_string()),
                message: p.message.clone(),
                ..Diagnostic::default()
            })
            .collect();
        let revision = self.engine.host.revision();
        self.queue(Computed {
            uri,
            diags,
            version: None,
            revision,
        });
    }
}

/// Publishes `rels` of `root` on a low-priority thread after its cold index (installed at
/// revision `loaded_at`), after making the answers of the most-mentioned entities ahead; a
/// newer index of the root stops it (that one publishes every file again).
pub fn bulk_later(engine: &Engine, root: &Path, loaded_at: u64, rels: Vec<String>) {
    let (engine, root) = (engine.clone(), root.to_path_buf());
    super::background::spawn_low("corpus-ls-bulk", move || {
        let t0 = std::time::Instant::now();
        if let Some(ctx) = engine.ctx_of_root(&root) {
            engine.answers.make_ahead(&ctx);
        }
        trace(|| format!("references answers made ahead in {:?}", t0.elapsed()));
        let (t0, n) = (std::time::Instant::now(), rels.len());
        for rel in rels {
            if engine.host.root(&root).map(|r| r.loaded_at) != Some(loaded_at) {
                break;
            }
            if let Ok(Some(c)) =
                super::query::guarded("diagnostics", || compute(&engine, &root, &rel))
            {
                engine.publish(Publish::Computed(c));
            }
        }
        trace(|| {
            format!(
                "published {n} files of the cold index in {:?}",
                t0.elapsed()
            )
        });
    });
}

/// The notes thread (low priority): re-publishes every note of each root it is sent (an
/// article changed: at 100,000 articles there are thousands of notes to check again, seconds
/// of work no keystroke waits for). A root sent again meanwhile starts over from its first note
/// with the newest snapshot.
fn notes_thread(engine: &Engine, rx: Receiver<Option<PathBuf>>) {
    let mut due: Vec<PathBuf> = Vec::new();
    loop {
        if due.is_empty() {
            match rx.recv() {
                Ok(Some(r)) => due.push(r),
                _ => return,
            }
        }
        let root = due.remove(0);
        let notes: Vec<String> = match engine.host.snapshot(&root) {
            Some(snap) => snap
                .corpus
                .files
                .iter()
                .filter(|f| f.analysis.kind == crate::format::DocKind::Note)
                .map(|f| f.rel.clone())
                .collect(),
            None => Vec::new(),
        };
        let t0 = std::time::Instant::now();
        let mut again = false;
        for rel in notes {
            // Work that came meanwhile: the same root starts over, others queue.
            for r in rx.try_iter() {
                match r {
                    None => return,
                    Some(r) if r == root => again = true,
                    Some(r) if !due.contains(&r) => due.push(r),
                    Some(_) => {}
                }
            }
            if again {
                break;
            }
            if let Ok(Some(c)) =
                super::query::guarded("diagnostics", || compute(engine, &root, &rel))
            {
                engine.publish(Publish::Computed(c));
            }
        }
        trace(|| format!("notes re-published in {:?}", t0.elapsed()));
        if again {
            due.insert(0, root);
        }
    }
}
