//! The cold index with `$/progress` reports (files done / total).

use super::state::analyse;
use crate::config::Config;
use crate::corpus::{scan, Corpus};
use rayon::prelude::*;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower_lsp_server::ls_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, ProgressToken, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport,
};

/// Scans and analyses every file below `root` that `config` includes, calling
/// `on_file(done, total)` as files finish (from worker threads).
pub fn load_corpus(
    root: &Path,
    config: &Config,
    on_file: &(dyn Fn(usize, usize) + Sync),
) -> Corpus {
    let scanned = scan::scan_with(root, config);
    let total = scanned.files.len();
    on_file(0, total);
    let done = AtomicUsize::new(0);
    let files = scanned
        .files
        .into_par_iter()
        .map(|f| {
            let file = analyse(root, &f.rel, f.text, f.problems, config);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            on_file(n, total);
            Arc::new(file)
        })
        .collect();
    Corpus {
        root: root.to_path_buf(),
        files,
        skipped: scanned.skipped,
    }
}

/// A fresh progress token for indexing `root`.
pub fn token(n: u64) -> ProgressToken {
    NumberOrString::String(format!("corpus-ls/index/{n}"))
}

/// The `begin` report.
pub fn begin(token: &ProgressToken, root: &Path) -> ProgressParams {
    ProgressParams {
        token: token.clone(),
        value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title: "Indexing corpus".to_string(),
            cancellable: Some(false),
            message: Some(root.display().to_string()),
            percentage: Some(0),
        })),
    }
}

/// A `report` of files done out of total.
pub fn report(token: &ProgressToken, done: usize, total: usize) -> ProgressParams {
    ProgressParams {
        token: token.clone(),
        value: ProgressParamsValue::WorkDone(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(false),
            message: Some(format!("{done}/{total} files")),
            percentage: Some(percent(done, total)),
        })),
    }
}

/// The `end` report.
pub fn end(token: &ProgressToken, files: usize, skipped: usize) -> ProgressParams {
    ProgressParams {
        token: token.clone(),
        value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some(format!("{files} files indexed, {skipped} skipped")),
        })),
    }
}

/// Whole percent of `done` out of `total` (100 for nothing to do).
pub fn percent(done: usize, total: usize) -> u32 {
    (done.min(total) * 100)
        .checked_div(total)
        .map_or(100, |p| p as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn loading_reports_every_file() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("{i}.md")), "Some text.\n").unwrap();
        }
        std::fs::write(dir.path().join("skip.bin"), [0u8, 1, 2]).unwrap();
        let seen = Mutex::new(Vec::new());
        let c = load_corpus(dir.path(), &Config::default(), &|d, t| {
            seen.lock().unwrap().push((d, t))
        });
        assert_eq!(c.files.len(), 5);
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen.first(), Some(&(0, 5)));
        assert_eq!(seen.last(), Some(&(5, 5)));
        assert_eq!(percent(1, 4), 25);
        assert_eq!(percent(0, 0), 100);
    }
}
