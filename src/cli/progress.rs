//! Progress on stderr for long command-line runs: files read out of all (the counts the
//! server's `$/progress` reports), then a spinner while the checks run. Drawn by `indicatif`
//! (it redraws one line at a bounded rate and clears it cleanly) only when stderr is a
//! terminal and `--quiet` is not given, so logs and pipes never see it.

use crate::corpus::Corpus;
use indicatif::{ProgressBar, ProgressStyle};
use parking_lot::Mutex;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

/// The progress of one command: drawn, or hidden.
#[derive(Debug, Clone)]
pub struct Progress {
    shown: bool,
}

impl Progress {
    /// Drawn when stderr is a terminal, unless `quiet`.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            shown: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Never drawn (library callers and tests).
    pub fn hidden() -> Progress {
        Progress { shown: false }
    }

    fn bar(&self, bar: ProgressBar) -> ProgressBar {
        if self.shown {
            bar
        } else {
            ProgressBar::hidden()
        }
    }

    /// Loads `root` through the cache, showing `done/total files` as they finish; the bar
    /// stays at `n/n files` when done.
    pub fn load(&self, root: &Path) -> Corpus {
        let template = "reading {bar:30} {pos}/{len} files";
        let style = ProgressStyle::with_template(template).expect("a valid template");
        let bar = self.bar(ProgressBar::new(0).with_style(style));
        // Workers finish files in any order: the bar only moves forward.
        let highest = Mutex::new(0usize);
        let corpus = Corpus::load_cached_with(root, &|done, total| {
            let mut h = highest.lock();
            if done > *h {
                *h = done;
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
        });
        // Left at the last count, `n/n files` as the server's last report.
        bar.finish();
        corpus
    }

    /// A spinner saying `what` until the returned bar is finished or dropped.
    pub fn working(&self, what: &str) -> ProgressBar {
        let style =
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template");
        let bar = self.bar(ProgressBar::new_spinner().with_style(style));
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_progress_loads_the_same_corpus() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "Anna Berg visited Oslo.\n").unwrap();
        let c = Progress::hidden().load(dir.path());
        assert_eq!(c.files.len(), 1);
        assert!(Progress::new(true).bar(ProgressBar::new(1)).is_hidden());
    }
}
