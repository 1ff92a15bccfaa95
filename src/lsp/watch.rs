//! Files changed outside the editor: `workspace/didChangeWatchedFiles`, registered dynamically
//! when the client offers it. Open buffers are never overwritten by the disk.

use super::code_action::CONFIG_FILE;
use super::convert::uri_to_path;
use crate::corpus::scan;
use crate::host::AnalysisHost;
use std::path::PathBuf;
use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileEvent, FileSystemWatcher, GlobPattern,
    Registration,
};

/// The registration asking the client to watch corpus files and the config file.
pub fn registration() -> Registration {
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: ["**/*.{md,markdown,txt}", "**/corpus-ls.toml"]
            .iter()
            .map(|g| FileSystemWatcher {
                glob_pattern: GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect(),
    };
    Registration {
        id: "corpus-ls/watch".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// What a batch of file events asks for.
#[derive(Debug, Default, PartialEq)]
pub struct Plan {
    /// Corpus files to re-read (or drop when gone).
    pub files: Vec<PathBuf>,
    /// Roots whose config changed: reload them whole.
    pub reload: Vec<PathBuf>,
}

/// Sorts file events into files to re-read and roots to reload; events outside every root and
/// for other kinds of files are ignored.
pub fn plan(host: &AnalysisHost, events: &[FileEvent]) -> Plan {
    let mut plan = Plan::default();
    for ev in events {
        let Some(path) = uri_to_path(&ev.uri) else {
            continue;
        };
        let Some(root) = host.root_of(&path) else {
            continue;
        };
        if path.file_name().and_then(|n| n.to_str()) == Some(CONFIG_FILE) {
            if path.parent() == Some(root.path.as_path()) && !plan.reload.contains(&root.path) {
                plan.reload.push(root.path.clone());
            }
        } else if scan::is_corpus_file(&path) && !plan.files.contains(&path) {
            plan.files.push(path);
        }
    }
    plan
}
