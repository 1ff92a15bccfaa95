//! Test corpora written as data: files whose figures are marked inline, so the rules can be
//! tested on exactly the figures given, whatever the extractor finds.
//!
//! `[[about 90,000 employees|count 90000 employee approx]]` marks a figure: its text, then type,
//! value (a number, or an ISO date), optional unit (`-` for none), optional qualifier
//! (`exact|approx|at_most|at_least|range`), optional `lo=N` / `hi=N` bounds.

use crate::corpus::{Corpus, SourceFile};
use crate::extract::entities::Gazetteer;
use crate::format::DocKind;
use crate::model::{Date, Figure, FigureType, Qualifier, Span, Value};
use std::path::PathBuf;
use std::sync::Arc;

fn value(s: &str) -> Value {
    match Date::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Value::Date(d),
        Err(_) => Value::Number(s.parse().expect("fixture value")),
    }
}

fn figure(spec: &str, span: Span) -> Figure {
    let mut parts = spec.split_whitespace();
    let ty = match parts.next().expect("fixture type") {
        "money" => FigureType::Money,
        "percent" => FigureType::Percent,
        "count" => FigureType::Count,
        "fraction" => FigureType::Fraction,
        "date" => FigureType::Date,
        "duration" => FigureType::Duration,
        _ => FigureType::Number,
    };
    let mut f = Figure {
        span,
        ty,
        value: value(parts.next().expect("fixture value")),
        unit: None,
        unit_inferred: false,
        qualifier: Qualifier::Exact,
        low: None,
        high: None,
        subject: Default::default(),
    };
    for p in parts {
        match p {
            "exact" => f.qualifier = Qualifier::Exact,
            "approx" => f.qualifier = Qualifier::Approx,
            "at_most" => f.qualifier = Qualifier::AtMost,
            "at_least" => f.qualifier = Qualifier::AtLeast,
            "range" => f.qualifier = Qualifier::Range,
            "inferred" => f.unit_inferred = true,
            "-" => {}
            _ if p.starts_with("lo=") => f.low = Some(value(&p[3..])),
            _ if p.starts_with("hi=") => f.high = Some(value(&p[3..])),
            _ => f.unit = Some(p.into()),
        }
    }
    f
}

/// Strips the marks of a fixture text: the plain text and its figures.
pub fn unmark(marked: &str) -> (String, Vec<Figure>) {
    let mut text = String::new();
    let mut figs = Vec::new();
    let mut rest = marked;
    while let Some(i) = rest.find("[[") {
        text.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let j = after.find("]]").expect("closed mark");
        let (shown, spec) = after[..j].split_once('|').expect("mark has a spec");
        let start = text.len();
        text.push_str(shown);
        figs.push(figure(spec, Span::new(start, text.len())));
        rest = &after[j + 2..];
    }
    text.push_str(rest);
    (text, figs)
}

/// A corpus of marked files (`notes/…` are notes); figures are exactly the marked ones.
pub fn corpus(files: &[(&str, &str)]) -> Corpus {
    let root = PathBuf::from("/fixture");
    let g = Gazetteer::default();
    let mut files: Vec<Arc<SourceFile>> = files
        .iter()
        .map(|(rel, marked)| {
            let (text, figs) = unmark(marked);
            let mut f = SourceFile::new(rel.to_string(), text, Vec::new(), &g);
            f.analysis.figures = figs;
            if rel.starts_with("notes/") {
                f.analysis.kind = DocKind::Note;
            }
            Arc::new(f)
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    let mut c = Corpus::default();
    c.root = root;
    c.files = files;
    c
}
