//! Findings as LSP diagnostics, and which files a change affects.

use super::convert::TextRef;
use crate::document::Encoding;
use crate::format::DocKind;
use crate::host::lookup::Severity;
use crate::host::Snapshot;
use std::collections::HashMap;
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
                        .or_else(|| super::convert::corpus_uri(root, &r.rel))?;
                    Some(DiagnosticRelatedInformation {
                        location: Location::new(uri, TextRef::of(rf).range(r.span, enc)),
                        message: r.message.clone(),
                    })
                })
                .collect();
            // The quick fix's replacement travels in `data`: some clients echo nothing else.
            let data = (f.code == "figure-conflict")
                .then(|| {
                    let r = f.related.first()?;
                    let rf = &snap.corpus.files[snap.file_index(&r.rel)?];
                    let source = rf.text().get(r.span.range())?.to_string();
                    let note = src.text().get(f.span.range())?.to_string();
                    let fix = super::code_action::in_notation(&note, &source);
                    Some(serde_json::json!({ super::code_action::REPLACEMENT: fix }))
                })
                .flatten();
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
                data,
                ..Diagnostic::default()
            }
        })
        .collect()
}

/// The files whose findings may change when `rel` changes (see [`affected`]).
#[derive(Debug, PartialEq, Eq)]
pub struct Affected {
    /// To publish now, in this order: the file itself, the open notes when it is an article,
    /// the files whose last diagnostics point at it.
    pub now: Vec<String>,
    /// True when every other note may change too (`rel` is, or was, an article: notes are
    /// checked against articles); they are re-published in the background, since a large
    /// corpus has thousands.
    pub notes: bool,
}

/// Root-relative paths whose findings may change when `rel` changes; `open` lists the root's
/// open buffers. Costs the open buffers and `pointing_at`, never the whole corpus.
pub fn affected<'a>(
    new: &Snapshot,
    rel: &str,
    open: impl IntoIterator<Item = &'a str>,
    pointing_at: impl IntoIterator<Item = String>,
) -> Affected {
    let mut now = vec![rel.to_string()];
    let kind = |r: &str| new.file_index(r).map(|i| new.corpus.files[i].analysis.kind);
    // A file gone may have been an article.
    let notes = kind(rel).is_none_or(|k| k == DocKind::Article);
    if notes {
        let mut open: Vec<&str> = open
            .into_iter()
            .filter(|&r| r != rel && kind(r) == Some(DocKind::Note))
            .collect();
        open.sort_unstable();
        open.dedup();
        now.extend(open.into_iter().map(String::from));
    }
    let mut pointing: Vec<String> = pointing_at
        .into_iter()
        .filter(|p| !now.contains(p))
        .collect();
    pointing.sort_unstable();
    pointing.dedup();
    now.extend(pointing);
    Affected { now, notes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;

    #[test]
    fn an_article_change_affects_the_notes() {
        let snap = Snapshot::new(fixture::liu());
        let open = ["notes/n.txt", "a.txt", "b.txt"];
        let a = affected(&snap, "a.txt", open, vec!["x.md".to_string()]);
        let now = vec!["a.txt", "notes/n.txt", "x.md"];
        assert_eq!(
            a,
            Affected {
                now: now.into_iter().map(String::from).collect(),
                notes: true
            }
        );
        // Closed notes are left to the background.
        let closed = affected(&snap, "a.txt", [], Vec::new());
        assert_eq!(closed.now, vec!["a.txt"]);
        assert!(closed.notes);
        let n = affected(&snap, "notes/n.txt", open, vec!["notes/n.txt".to_string()]);
        assert_eq!(
            n,
            Affected {
                now: vec!["notes/n.txt".into()],
                notes: false
            }
        );
        assert!(affected(&snap, "gone.txt", [], Vec::new()).notes);
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
