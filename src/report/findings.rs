//! The findings section: each finding of the checks with a link to its line and the line
//! itself shown in the page (a plain-text file has no line anchors in a browser).

use super::html::escape;
use super::Links;
use crate::check::Finding;
use crate::corpus::{Corpus, SourceFile};
use crate::document::Encoding;
use crate::model::Span;
use std::fmt::Write;

/// How many findings the page lists (`corpus-ls check` lists them all).
const LISTED: usize = 1000;

/// The 1-based line of `span` and that line's text with the span marked, as HTML.
fn line_view(file: &SourceFile, text: &str, span: Span) -> (usize, String) {
    let start = span.start().min(text.len());
    let end = span.end().clamp(start, text.len());
    let line = file.lines.position(text, start, Encoding::Utf8).line as usize;
    let from = file.lines.line_start(line).unwrap_or(0).min(start);
    let to = text[end..].find('\n').map_or(text.len(), |i| end + i);
    // Spans from a check always sit on character boundaries; `get` keeps a bad one harmless.
    let part = |a: usize, b: usize| escape(text.get(a..b).unwrap_or("").trim_end_matches('\r'));
    let html = format!(
        "{}<mark>{}</mark>{}",
        part(from, start),
        part(start, end),
        part(end, to)
    );
    (line + 1, html)
}

/// A link to `rel`'s line and that line, or the bare name for a file outside the corpus.
fn place(corpus: &Corpus, links: &Links, rel: &str, span: Span) -> (String, String) {
    let Some(file) = corpus.file(rel) else {
        return (escape(rel), String::new());
    };
    let text = file.text();
    let (line, view) = line_view(file, &text, span);
    let link = format!(
        "<a href=\"{}\">{}:{line}</a>",
        escape(&links.href(rel, line)),
        escape(rel)
    );
    (link, format!("<pre class=\"line\">{view}</pre>"))
}

/// The findings section.
pub fn section(corpus: &Corpus, findings: &[Finding], links: &Links) -> String {
    let mut h = String::from("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if findings.is_empty() {
        h.push_str("<p class=\"muted\">The checks found nothing.</p>\n</section>\n");
        return h;
    }
    let [e, w, i, n] = crate::check::count_by_severity(findings);
    let _ = writeln!(
        h,
        "<p>{} findings: {e} errors, {w} warnings, {i} information, {n} hints{}.</p>",
        findings.len(),
        if findings.len() > LISTED {
            format!(" (the first {LISTED} listed; <code>corpus-ls check</code> lists all)")
        } else {
            String::new()
        }
    );
    h.push_str("<ol class=\"findings\">\n");
    for f in findings.iter().take(LISTED) {
        let (link, view) = place(corpus, links, &f.rel, f.span);
        let sev = f.severity.as_str();
        let _ = writeln!(
            h,
            "<li class=\"finding\"><span class=\"sev-{sev}\">{sev}</span> <code>{}</code> {link}: {}\n{view}",
            escape(f.code),
            escape(&f.message)
        );
        for r in &f.related {
            let (link, view) = place(corpus, links, &r.rel, r.span);
            let _ = writeln!(
                h,
                "<div class=\"related\">{link}: {}\n{view}</div>",
                escape(&r.message)
            );
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n</section>\n");
    h
}
