//! The figure timelines: the articles' figures grouped by quantity (type, unit and a shared
//! measure word: `corpus::quantities::same_quantity` by one shared word), in corpus order, which puts
//! dated articles by date first.

use super::chart::{self, Point};
use super::html::escape;
use super::{Disputed, Links};
use crate::corpus::Corpus;
use crate::format::DocKind;
use crate::intern::IStr;
use crate::model::{FigureType, Value};
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

/// How many quantities get a chart (those spread over the most articles).
const MAX_QUANTITIES: usize = 8;
/// How many points one chart shows (the first, in corpus order).
const MAX_POINTS: usize = 30;

/// A figure: the file's index in `Corpus::files` and the figure's in its analysis.
type At = (usize, usize);

/// One quantity and its figures in corpus order.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// `money (USD) · tariffs`.
    pub title: String,
    /// Its figures, in corpus order.
    pub figures: Vec<At>,
    /// How many articles hold one.
    pub articles: usize,
}

/// Figures a timeline can show: numbers that measure something (not dates, durations or bare
/// numbers, which have no comparable subject).
fn charted(ty: FigureType) -> bool {
    matches!(
        ty,
        FigureType::Money | FigureType::Percent | FigureType::Count | FigureType::Fraction
    )
}

/// The quantities spread over at least two articles, most articles first; a quantity whose
/// figures another chosen one already shows is left out.
pub fn quantities(corpus: &Corpus) -> Vec<Quantity> {
    let mut groups: HashMap<(FigureType, Option<IStr>, IStr), Vec<At>> = HashMap::new();
    // Corpus order, so each group's figures come in that order.
    for &fi in corpus.order() {
        let fi = fi as usize;
        let f = &corpus.files[fi];
        if f.analysis.kind != DocKind::Article {
            continue;
        }
        for (gi, g) in f.analysis.figures.iter().enumerate() {
            if !charted(g.ty) || !matches!(g.value, Value::Number(_)) {
                continue;
            }
            for w in g.subject.iter() {
                groups
                    .entry((g.ty, g.unit.clone(), w.clone()))
                    .or_default()
                    .push((fi, gi));
            }
        }
    }
    let mut ranked: Vec<Quantity> = groups
        .into_iter()
        .filter_map(|((ty, unit, word), mut figures)| {
            figures.dedup();
            let mut files: Vec<usize> = figures.iter().map(|a| a.0).collect();
            files.dedup();
            let unit = unit.map(|u| format!(" ({u})")).unwrap_or_default();
            (files.len() >= 2).then(|| Quantity {
                title: format!("{}{unit} · {word}", ty.as_str()),
                figures,
                articles: files.len(),
            })
        })
        .collect();
    ranked.sort_by(|a, b| {
        (b.articles, b.figures.len())
            .cmp(&(a.articles, a.figures.len()))
            .then_with(|| a.title.cmp(&b.title))
    });
    let mut shown: HashSet<At> = HashSet::new();
    let mut out = Vec::new();
    for q in ranked {
        if out.len() == MAX_QUANTITIES {
            break;
        }
        if q.figures.iter().all(|a| shown.contains(a)) {
            continue;
        }
        shown.extend(q.figures.iter().copied());
        out.push(q);
    }
    out
}

/// The timelines section.
pub fn section(corpus: &Corpus, disputed: &Disputed, links: &Links) -> String {
    let qs = quantities(corpus);
    let mut h = String::from("<section id=\"timelines\">\n<h2>Figures over time</h2>\n");
    if qs.is_empty() {
        h.push_str("<p class=\"muted\">No quantity appears in two or more articles.</p>\n");
    } else {
        h.push_str(
            "<p class=\"muted\">Each quantity (type, unit and a shared measure word) in two or \
             more articles, in corpus order: dated articles by date, then undated ones. \
             <span class=\"disputed\">✗ Red crosses</span> are figures a check disputes.</p>\n",
        );
    }
    for q in &qs {
        let shown = &q.figures[..q.figures.len().min(MAX_POINTS)];
        let mut points = Vec::new();
        let mut labels = Vec::new();
        let mut rows = String::new();
        for &(fi, gi) in shown {
            let f = &corpus.files[fi];
            let g = &f.analysis.figures[gi];
            let is_disputed = disputed.covers(&f.rel, g.span);
            let text = f.text();
            let quote = text.get(g.span.start()..g.span.end()).unwrap_or("");
            let date = f.analysis.meta.date.map(|d| d.to_string());
            let line = f
                .lines
                .position(&text, g.span.start(), crate::document::Encoding::Utf8)
                .line as usize
                + 1;
            labels.push(
                date.clone()
                    .unwrap_or_else(|| base_name(&f.rel).to_string()),
            );
            points.push(Point {
                value: g.value.as_f64(),
                disputed: is_disputed,
            });
            let _ = writeln!(
                rows,
                "<tr><td>{}</td><td><a href=\"{}\">{}</a>:{line}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                escape(date.as_deref().unwrap_or("undated")),
                escape(&links.href(&f.rel, line)),
                escape(&f.rel),
                escape(quote),
                escape(&chart::compact(g.value.as_f64())),
                if is_disputed { "<span class=\"disputed\">✗ disputed</span>" } else { "" },
            );
        }
        let more = if q.figures.len() > shown.len() {
            format!(", the first {} shown", shown.len())
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<figure class=\"timeline\">\n<figcaption>{} <span class=\"muted\">({} figures in {} articles{more})</span></figcaption>\n",
            escape(&q.title),
            q.figures.len(),
            q.articles,
        );
        match chart::timeline(&points, &labels) {
            Ok(svg) => h.push_str(&svg),
            Err(e) => {
                let _ = write!(h, "<p class=\"muted\">{}</p>", escape(&e));
            }
        }
        let _ = write!(
            h,
            "\n<details><summary>The figures</summary>\n<table><tr><th>Date</th><th>File</th><th>Text</th><th>Value</th><th></th></tr>\n{rows}</table></details>\n</figure>\n"
        );
    }
    h.push_str("</section>\n");
    h
}

/// The last component of a path.
fn base_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}
