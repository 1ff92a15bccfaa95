//! The cold index with `$/progress` reports (files done / total).

use std::path::Path;
use tower_lsp_server::ls_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, ProgressToken, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport,
};

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

    #[test]
    fn percentages_are_whole_and_total() {
        assert_eq!(percent(1, 4), 25);
        assert_eq!(percent(9, 4), 100);
        assert_eq!(percent(0, 0), 100);
        let t = token(3);
        assert_eq!(t, NumberOrString::String("corpus-ls/index/3".into()));
    }
}
