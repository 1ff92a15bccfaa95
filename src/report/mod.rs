//! `corpus-ls report`: one self-contained HTML page of a corpus (entities, figure timelines,
//! the checks' findings). Charts are inline SVG; the page has no script and fetches nothing.

mod chart;
mod entities;
mod findings;
pub mod html;
mod timeline;

pub use chart::{BAR, DISPUTED, LINE};

use crate::check::Finding;
use crate::corpus::Corpus;
use crate::export::uri_path;
use crate::format::DocKind;
use crate::model::Span;
use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Component, Path};

/// How the page links to the corpus's files: relative to where the page is written.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// The root as a relative URI reference from the page's folder, ending in `/` (or empty).
    base: String,
}

impl Links {
    /// Links from a page in `page_dir` to files below `root` (both absolute).
    pub fn new(page_dir: &Path, root: &Path) -> Links {
        Links {
            base: relative_base(page_dir, root),
        }
    }

    /// The href of line `line` (1-based; 0 for the file) of `rel`. `#L12` is the anchor code
    /// hosts use; a browser opening the plain file ignores it.
    pub fn href(&self, rel: &str, line: usize) -> String {
        let mut h = format!("{}{}", self.base, uri_path(rel));
        if line > 0 {
            let _ = write!(h, "#L{line}");
        }
        h
    }
}

/// `root` relative to `from` (both absolute, lexically) as a URI path ending in `/`.
fn relative_base(from: &Path, root: &Path) -> String {
    let parts = |p: &Path| -> Vec<String> {
        p.components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    };
    let (a, b) = (parts(from), parts(root));
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = "../".repeat(a.len() - common);
    for s in &b[common..] {
        out.push_str(&uri_path(s));
        out.push('/');
    }
    out
}

/// The spans findings point at (their own and the related ones), by file: the figures there
/// are disputed.
#[derive(Debug, Default)]
pub struct Disputed(HashMap<String, Vec<Span>>);

impl Disputed {
    /// The spans of `findings`.
    pub fn of(findings: &[Finding]) -> Disputed {
        let mut m: HashMap<String, Vec<Span>> = HashMap::new();
        for f in findings {
            m.entry(f.rel.clone()).or_default().push(f.span);
            for r in &f.related {
                m.entry(r.rel.clone()).or_default().push(r.span);
            }
        }
        Disputed(m)
    }

    /// True when a finding covers part of `span` in `rel`.
    pub fn covers(&self, rel: &str, span: Span) -> bool {
        self.0
            .get(rel)
            .is_some_and(|v| v.iter().any(|s| s.overlaps(&span)))
    }
}

/// The whole page for `corpus` and its `findings`.
pub fn render(corpus: &Corpus, findings: &[Finding], links: &Links) -> String {
    let notes = corpus
        .files
        .iter()
        .filter(|f| f.analysis.kind == DocKind::Note)
        .count();
    let name = corpus
        .root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| corpus.root.display().to_string());
    let title = format!("corpus-ls report: {name}");
    let mut body = format!("<h1>{}</h1>\n", html::escape(&title));
    let _ = writeln!(
        body,
        "<p class=\"summary\">{} articles, {notes} notes, {} entities, {} findings.</p>",
        corpus.files.len() - notes,
        corpus.entities().len(),
        findings.len()
    );
    body.push_str(
        "<nav><a href=\"#entities\">Entities</a><a href=\"#timelines\">Figures over time</a>\
         <a href=\"#findings\">Findings</a></nav>\n",
    );
    body.push_str(&entities::section(corpus, links));
    body.push_str(&timeline::section(corpus, &Disputed::of(findings), links));
    body.push_str(&findings::section(corpus, findings, links));
    html::page(&title, &body)
}

#[cfg(test)]
mod tests;
