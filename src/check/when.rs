//! The year a figure is for (`4.3% in 2005`, `150,000 by 2008`, `0.6% in the final quarter
//! of 2001`): part of what it measures, so one value for another year is a wrong year.

use super::holder::breaks;
use crate::model::{Figure, FigureType, Span, Value};
use chrono::Datelike;

/// A figure's year and where the text says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Year {
    /// The year.
    pub year: i32,
    /// The date figure that gives it.
    pub span: Span,
}

/// Words that tie a following date to the figure before it.
const TIES: &[&str] = &["in", "for", "by", "of", "during", "throughout"];

/// Words that start another event between a figure and a date.
const EVENTS: &[&str] = &[
    "after",
    "before",
    "when",
    "since",
    "because",
    "following",
    "until",
    "as",
    "which",
    "that",
];

/// How many words may stand between a figure and its year.
const REACH: usize = 7;

/// The year of the figure at `span` in `clause`: the first date after it in its segment, tied
/// by `in`, `for`, `by`, `of`, within a few words. `figures` are the file's figures near it.
pub fn year_of<'a>(
    text: &str,
    clause: Span,
    span: Span,
    figures: impl Iterator<Item = &'a Figure>,
) -> Option<Year> {
    let mut after: Vec<&Figure> = figures
        .filter(|g| g.span.start() >= span.end() && g.span.end() <= clause.end())
        .collect();
    after.sort_by_key(|g| g.span.start());
    // Only the next figure may be the year: any other figure between ends the segment.
    let g = after.first()?;
    let Value::Date(d) = g.value else { return None };
    if g.ty != FigureType::Date {
        return None;
    }
    let gap = text.get(span.end()..g.span.start())?;
    let words: Vec<String> = gap.split_whitespace().map(|w| w.to_lowercase()).collect();
    let tied = words.last().is_some_and(|w| TIES.contains(&w.as_str()));
    // `rose 7.5% after the merger agreed in 2005`: the date is the merger's.
    let other_event = words.iter().any(|w| EVENTS.contains(&w.as_str()));
    (tied && !other_event && words.len() <= REACH && !breaks(gap)).then_some(Year {
        year: d.year(),
        span: g.span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Qualifier, Value};

    fn fig(text: &str, at: &str, ty: FigureType, value: Value) -> Figure {
        let a = text.find(at).unwrap();
        Figure {
            span: Span::new(a, a + at.len()),
            ty,
            value,
            unit: None,
            unit_inferred: false,
            qualifier: Qualifier::Exact,
            low: None,
            high: None,
            subject: Default::default(),
        }
    }

    fn year(text: &str) -> Option<i32> {
        let day = |y| Value::Date(chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap());
        let mut figs = vec![fig(text, "7.5%", FigureType::Percent, Value::Number(7.5))];
        for y in [1999, 2005, 2008] {
            if let Some(i) = text.find(&y.to_string()) {
                figs.push(fig(text, &text[i..i + 4], FigureType::Date, day(y)));
            }
        }
        year_of(
            text,
            Span::new(0, text.len()),
            figs[0].span,
            figs[1..].iter(),
        )
        .map(|y| y.year)
    }

    #[test]
    fn a_date_tied_to_a_figure_is_its_year() {
        assert_eq!(
            year("output will grow 7.5% in 2005 and more later"),
            Some(2005)
        );
        assert_eq!(year("sales should reach 7.5% by 2008"), Some(2008));
        assert_eq!(
            year("it shrank 7.5% in the last three months of 1999"),
            Some(1999)
        );
    }

    #[test]
    fn a_date_of_another_segment_is_not() {
        assert_eq!(year("it rose 7.5%, and in 2005 it fell"), None);
        assert_eq!(year("it rose 7.5% after the merger agreed in 2005"), None);
        assert_eq!(year("it rose 7.5% on Monday"), None);
    }
}
