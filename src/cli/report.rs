//! `corpus-ls report`: runs the checks and writes the page `src/report/` renders.

use super::progress::Progress;
use crate::check::check_corpus;
use crate::corpus::Corpus;
use crate::report::{render, Links};
use std::path::Path;

/// Writes the report of `corpus` (loaded from a canonical root) to `output`; the summary or
/// the error is a message for stderr.
pub fn run(corpus: &Corpus, output: &Path, progress: &Progress) -> Result<String, String> {
    let abs = std::path::absolute(output).map_err(|e| format!("{}: {e}", output.display()))?;
    let dir = abs.parent().unwrap_or(Path::new("/"));
    // Canonical like the root, so the links climb out of the same real folders.
    let dir = std::fs::canonicalize(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let working = progress.working("checking");
    let findings = check_corpus(corpus);
    working.finish_and_clear();
    let page = render(corpus, &findings, &Links::new(&dir, &corpus.root));
    std::fs::write(output, page).map_err(|e| format!("{}: {e}", output.display()))?;
    Ok(format!(
        "report of {} files and {} findings written to {}",
        corpus.files.len(),
        findings.len(),
        output.display()
    ))
}
