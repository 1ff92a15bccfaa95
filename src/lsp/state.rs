//! The protocol side's state: open buffers (by the client's URI), negotiated settings. The
//! roots and their snapshots live in the analysis host ([`crate::host`]).
//!
//! It sits behind one `parking_lot::Mutex` held only for short, synchronous steps (never across
//! an `.await`, never while analysing). A change to a buffer is numbered by the host and handed
//! to the writer under this lock, so changes reach the writer in the order they arrived.

use super::config::Settings;
use super::convert::uri_to_path;
use super::sync::BufferText;
use crate::corpus::scan;
use crate::document::Encoding;
use crate::host::roots::{self, Place};
use crate::host::AnalysisHost;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types::Uri;

/// An open editor buffer.
#[derive(Debug, Clone)]
pub struct OpenDoc {
    /// Its text, version and sync state.
    pub buf: BufferText,
    /// The root it belongs to and its path there, when it is a corpus file.
    pub place: Option<(PathBuf, String)>,
    /// The version whose text the root's snapshot holds.
    pub analysed: Option<i32>,
    /// The host's number of its last change: a request about it waits for that one.
    pub ticket: u64,
}

/// What the client said it can do.
#[derive(Debug, Clone, Default)]
pub struct ClientCaps {
    /// `window/workDoneProgress/create` is supported.
    pub work_done_progress: bool,
    /// `workspace/didChangeWatchedFiles` may be registered dynamically.
    pub dynamic_watch: bool,
    /// `workspace/configuration` is supported.
    pub configuration: bool,
    /// The semantic token types the client listed.
    pub token_types: Vec<String>,
}

/// Everything the protocol side knows, behind one lock.
#[derive(Debug, Default)]
pub struct State {
    /// Open buffers.
    pub docs: HashMap<Uri, OpenDoc>,
    /// Negotiated position encoding.
    pub enc: Encoding,
    /// User settings.
    pub settings: Settings,
    /// Client capabilities.
    pub caps: ClientCaps,
    /// Semantic token legend chosen at initialize (custom types or standard fallbacks).
    pub custom_tokens: bool,
}

impl State {
    /// Where a document belongs: its root (added to `host` when new; true then) and its path
    /// there.
    pub fn place_of(host: &AnalysisHost, uri: &Uri) -> (Option<(PathBuf, String)>, bool) {
        let Some(path) = uri_to_path(uri) else {
            return (None, false);
        };
        if !scan::is_corpus_file(&path) {
            return (None, false);
        }
        let mut added = false;
        let root = match host.root_of(&path) {
            Some(r) => r.path,
            None => {
                let place: Place = roots::for_file(&path);
                let r = place.path.clone();
                added = host.add_root(place);
                r
            }
        };
        let rel = scan::rel_path(&root, &path);
        (Some((root, rel)), added)
    }

    /// The open document at a root-relative path.
    pub fn open_uri(&self, root: &Path, rel: &str) -> Option<&Uri> {
        self.docs.iter().find_map(|(u, d)| {
            d.place
                .as_ref()
                .filter(|(r, p)| r == root && p == rel)
                .map(|_| u)
        })
    }

    /// The URIs of a root's open buffers, by root-relative path.
    pub fn open_in(&self, root: &Path) -> HashMap<String, Uri> {
        self.docs
            .iter()
            .filter_map(|(u, d)| {
                let (r, rel) = d.place.as_ref()?;
                (r == root).then(|| (rel.clone(), u.clone()))
            })
            .collect()
    }
}

/// The URI of a file of a root: the open buffer's own URI when open, else its real path's.
pub fn file_uri(state: &State, root: &Path, rel: &str) -> Option<Uri> {
    state
        .open_uri(root, rel)
        .cloned()
        .or_else(|| super::convert::corpus_uri(root, rel))
}

/// The shared state.
pub type Shared = Arc<Mutex<State>>;
