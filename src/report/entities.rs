//! The entities section: a chart of the most mentioned and a table of mentions and files.

use super::chart;
use super::html::escape;
use super::Links;
use crate::cli::entities::ranked;
use crate::corpus::Corpus;
use std::fmt::Write;

/// How many entities the chart shows.
const CHARTED: usize = 15;
/// How many entities the table lists (`corpus-ls entities` lists them all).
const LISTED: usize = 500;
/// How many files a row links to.
const FILES_LISTED: usize = 6;

/// The entities section.
pub fn section(corpus: &Corpus, links: &Links) -> String {
    let ids = ranked(corpus);
    let mut h = String::from("<section id=\"entities\">\n<h2>Entities</h2>\n");
    if ids.is_empty() {
        h.push_str("<p class=\"muted\">No entities found.</p>\n</section>\n");
        return h;
    }
    let top: Vec<(String, usize)> = ids
        .iter()
        .take(CHARTED)
        .map(|&id| {
            let e = corpus.entity(id);
            (e.name.clone(), e.mentions.len())
        })
        .collect();
    let _ = write!(
        h,
        "<figure class=\"entities-chart\">\n<figcaption>The {} most mentioned</figcaption>\n",
        top.len()
    );
    match chart::bars(&top) {
        Ok(svg) => h.push_str(&svg),
        Err(e) => {
            let _ = write!(h, "<p class=\"muted\">{}</p>", escape(&e));
        }
    }
    h.push_str("\n</figure>\n");
    if ids.len() > LISTED {
        let _ = writeln!(
            h,
            "<p class=\"muted\">The {LISTED} most mentioned of {} entities (<code>corpus-ls entities</code> lists all).</p>",
            ids.len()
        );
    }
    h.push_str("<table class=\"entities\">\n<tr><th>Entity</th><th>Type</th><th>Mentions</th><th>Files</th><th>Also written</th></tr>\n");
    for &id in ids.iter().take(LISTED) {
        let e = corpus.entity(id);
        let mut files: Vec<String> = e
            .files
            .iter()
            .take(FILES_LISTED)
            .map(|&f| {
                let rel = &corpus.files[f as usize].rel;
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape(&links.href(rel, 0)),
                    escape(rel)
                )
            })
            .collect();
        if e.files.len() > FILES_LISTED {
            files.push(format!("and {} more", e.files.len() - FILES_LISTED));
        }
        let aliases: Vec<&str> = e
            .aliases
            .iter()
            .map(String::as_str)
            .filter(|a| *a != e.name)
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&e.name),
            e.ty.as_str(),
            e.mentions.len(),
            files.join(", "),
            escape(&aliases.join(", ")),
        );
    }
    h.push_str("</table>\n</section>\n");
    h
}
