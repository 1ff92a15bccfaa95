//! Findings as LSP diagnostics, and which files a change affects.

use super::convert::{path_to_uri, TextRef};
use super::lookup::Severity;
use super::state::Snapshot;
use crate::document::Encoding;
use crate::format::DocKind;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "corpus-ls";

/// The diagnostics of file `file` of a snapshot; `uris` names the open buffers by path.
pub fn of_file(
    snap: &Snapshot,
    root: &Path,
    file: usize,
    enc: Encoding,
    uris: &HashMap<String, Uri>,
) -> Vec<Diagnostic> {
    let Some(src) = snap.corpus.files.get(file) else {
        return Vec::new();
    };
    let text = TextRef::of(src);
    snap.findings(file)
        .iter()
        .map(|f| {
            let related: Vec<DiagnosticRelatedInformation> = f
                .related
                .iter()
                .filter_map(|r| {
                    let i = snap.file_index(&r.rel)?;
                    let rf = &snap.corpus.files[i];
                    let uri = uris
                        .get(&r.rel)
                        .cloned()
                        .or_else(|| path_to_uri(&root.join(&r.rel)))?;
                    Some(DiagnosticRelatedInformation {
                        location: Location::new(uri, TextRef::of(rf).range(r.span, enc)),
                        message: r.message.clone(),
                    })
                })
                .collect();
            Diagnostic {
                range: text.range(f.span, enc),
                severity: Some(match f.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                    Severity::Information => DiagnosticSeverity::INFORMATION,
                    Severity::Hint => DiagnosticSeverity::HINT,
                }),
                code: Some(NumberOrString::String(f.code.clone())),
                source: Some(SOURCE.to_string()),
                message: f.message.clone(),
                related_information: (!related.is_empty()).then_some(related),
                ..Diagnostic::default()
            }
        })
        .collect()
}

/// Root-relative paths whose findings may change when `rel` changes: the file itself, every note
/// when an article changes (notes are checked against articles), and files whose last diagnostics
/// point at it.
pub fn affected(
    new: &Snapshot,
    rel: &str,
    pointing_at: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    out.insert(rel.to_string());
    let is_article = new
        .file_index(rel)
        .map(|i| new.corpus.files[i].analysis.kind == DocKind::Article)
        .unwrap_or(true);
    if is_article {
        out.extend(
            new.corpus
                .files
                .iter()
                .filter(|f| f.analysis.kind == DocKind::Note)
                .map(|f| f.rel.clone()),
        );
    }
    out.extend(pointing_at);
    out
}

/// True when a diagnostic list points at `uri` in its related information.
pub fn points_at(diags: &[Diagnostic], uri: &Uri) -> bool {
    diags.iter().any(|d| {
        d.related_information
            .iter()
            .flatten()
            .any(|r| &r.location.uri == uri)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::lookup::fixture;

    #[test]
    fn an_article_change_affects_the_notes() {
        let snap = Snapshot::new(fixture::liu());
        let a = affected(&snap, "a.txt", vec!["x.md".to_string()]);
        assert_eq!(
            a.into_iter().collect::<Vec<_>>(),
            vec!["a.txt", "notes/n.txt", "x.md"]
        );
        let n = affected(&snap, "notes/n.txt", Vec::new());
        assert_eq!(n.into_iter().collect::<Vec<_>>(), vec!["notes/n.txt"]);
    }

    #[test]
    fn read_problems_are_diagnostics() {
        let mut c = fixture::liu();
        let mut f = (*c.files[0]).clone();
        f.problems.push("invalid UTF-8 at byte 3".into());
        c.files[0] = std::sync::Arc::new(f);
        let snap = Snapshot::new(c);
        let d = of_file(
            &snap,
            Path::new("/fixture"),
            0,
            Encoding::Utf16,
            &HashMap::new(),
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("invalid UTF-8"));
        assert_eq!(d[0].source.as_deref(), Some(SOURCE));
    }
}
