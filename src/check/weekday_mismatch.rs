//! `weekday-mismatch`: a date written with a weekday that it does not fall on
//! (`Monday, June 5, 2018` when June 5, 2018 was a Tuesday), in notes and articles alike.
//!
//! The weekday is read from the text right around the date (`Monday, June 5`, `June 5 (Monday)`,
//! `June 5, 2018, a Monday`). A date without a year takes it from the date the extractor resolved
//! there, else from the dateline; without either it is not checked.

use super::{codes, Finding};
use crate::corpus::SourceFile;
use crate::model::{Date, Span, Value};
use chrono::{Datelike, Weekday};
use regex::Regex;
use std::sync::OnceLock;

const WEEKDAY: &str = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon\.|tue\.|tues\.|wed\.|thu\.|thur\.|thurs\.|fri\.|sat\.|sun\.)";
const MONTH: &str = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?)";

struct Patterns {
    before: Regex,
    after: Regex,
    /// Any weekday word: both patterns hold one, so only the stretches of text around these
    /// are searched with them (their Unicode `\b` and captures made the regex engine crawl
    /// through every text).
    any_weekday: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        // Month-day or day-month, optional year; markup such as `**` may wrap the weekday.
        let date = format!(
            r"(?:{MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH})(?:,?\s+(\d{{4}}))?\b"
        );
        Patterns {
            before: Regex::new(&format!(r"(?i)\b{WEEKDAY}[*_]*,?\s+(?:the\s+)?{date}"))
                .expect("valid regex"),
            after: Regex::new(&format!(
                r"(?i)\b{date}(?:\s*\(\s*{WEEKDAY}\s*\)|,\s+(?:a|which\s+was\s+a)\s+{WEEKDAY})"
            ))
            .expect("valid regex"),
            any_weekday: Regex::new(&format!("(?i){WEEKDAY}")).expect("valid regex"),
        }
    })
}

fn weekday_of(word: &str) -> Option<Weekday> {
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches('.');
    Some(match w.get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn month_of(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    let names = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    names
        .iter()
        .position(|n| w.starts_with(n))
        .map(|i| i as u32 + 1)
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// One weekday-plus-date found in a text.
#[derive(Debug, Clone, PartialEq)]
struct Mention {
    whole: Span,
    weekday: Span,
    date: Span,
    day: Weekday,
    month: u32,
    dom: u32,
    year: Option<i32>,
}

/// True for a byte that no mention can hold (ASCII, not a word character, not whitespace,
/// not `*,.()`): mentions lie between two of them, and since each is a non-word character,
/// `\b` reads the same at a stretch's edges as in the whole text.
fn splits(b: u8) -> bool {
    b.is_ascii_punctuation() && !matches!(b, b'*' | b'_' | b',' | b'.' | b'(' | b')')
}

fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut done = 0;
    for w in patterns().any_weekday.find_iter(text) {
        if w.start() < done {
            continue;
        }
        // The stretch between two splitting bytes that holds this weekday word.
        let a = bytes[..w.start()]
            .iter()
            .rposition(|&b| splits(b))
            .map_or(0, |i| i + 1);
        let b = bytes[w.end()..]
            .iter()
            .position(|&b| splits(b))
            .map_or(text.len(), |i| w.end() + i);
        out.extend(
            mentions_of_every_text(&text[a..b])
                .into_iter()
                .map(|mut m| {
                    m.whole = Span::new(m.whole.start() + a, m.whole.end() + a);
                    m.weekday = Span::new(m.weekday.start() + a, m.weekday.end() + a);
                    m.date = Span::new(m.date.start() + a, m.date.end() + a);
                    m
                }),
        );
        done = b;
    }
    out
}

/// The mentions of a whole text, found by the two patterns alone (what [`mentions`] must
/// equal), in start order.
fn mentions_of_every_text(text: &str) -> Vec<Mention> {
    let p = patterns();
    let mut out = Vec::new();
    // Capture groups: before = weekday, month, day, day, month, year; after = month, day, day,
    // month, year, weekday, weekday.
    for c in p.before.captures_iter(text) {
        let (Some(w), Some(whole)) = (c.get(1), c.get(0)) else {
            continue;
        };
        let (month, dom) = match (c.get(2), c.get(3), c.get(4), c.get(5)) {
            (Some(m), Some(d), _, _) => (m, d),
            (_, _, Some(d), Some(m)) => (m, d),
            _ => continue,
        };
        push(
            &mut out,
            whole.range(),
            w.range(),
            month.start()..whole.end(),
            w.as_str(),
            month.as_str(),
            dom.as_str(),
            c.get(6).map(|y| y.as_str()),
        );
    }
    for c in p.after.captures_iter(text) {
        let Some(whole) = c.get(0) else { continue };
        let Some(w) = c.get(6).or_else(|| c.get(7)) else {
            continue;
        };
        let (month, dom) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(m), Some(d), _, _) => (m, d),
            (_, _, Some(d), Some(m)) => (m, d),
            _ => continue,
        };
        let date_end = c.get(5).map_or(month.end().max(dom.end()), |y| y.end());
        if out
            .iter()
            .any(|m: &Mention| m.whole.overlaps(&Span::new(whole.start(), whole.end())))
        {
            continue;
        }
        push(
            &mut out,
            whole.range(),
            w.range(),
            whole.start()..date_end,
            w.as_str(),
            month.as_str(),
            dom.as_str(),
            c.get(5).map(|y| y.as_str()),
        );
    }
    out.sort_by_key(|m| m.whole.start());
    out
}

#[allow(clippy::too_many_arguments)]
fn push(
    out: &mut Vec<Mention>,
    whole: std::ops::Range<usize>,
    weekday: std::ops::Range<usize>,
    date: std::ops::Range<usize>,
    w: &str,
    month: &str,
    dom: &str,
    year: Option<&str>,
) {
    let (Some(day), Some(month), Ok(dom)) = (weekday_of(w), month_of(month), dom.parse::<u32>())
    else {
        return;
    };
    out.push(Mention {
        whole: Span::new(whole.start, whole.end),
        weekday: Span::new(weekday.start, weekday.end),
        date: Span::new(date.start, date.end.max(date.start)),
        day,
        month,
        dom,
        year: year.and_then(|y| y.parse().ok()),
    });
}

/// The weekday mismatches of one file.
pub fn check(file: &SourceFile) -> Vec<Finding> {
    let text = file.text();
    let text: &str = &text;
    let dateline = file.analysis.meta.date;
    let mut out = Vec::new();
    for m in mentions(text) {
        // Year: written, else the extractor's reading of this date, else the dateline's.
        let resolved = file.analysis.figures.iter().find_map(|f| match f.value {
            Value::Date(d)
                if f.span.overlaps(&m.date) && d.month() == m.month && d.day() == m.dom =>
            {
                Some(d)
            }
            _ => None,
        });
        let (year, inferred_from) = match (m.year, resolved, dateline) {
            (Some(y), _, _) => (y, None),
            (None, Some(d), _) => (d.year(), Some("the year the text implies")),
            (None, None, Some(d)) => (nearest_year(d, m.month, m.dom), Some("the dateline's year")),
            _ => continue,
        };
        let Some(date) = Date::from_ymd_opt(year, m.month, m.dom) else {
            continue;
        };
        let actual = date.weekday();
        if actual == m.day {
            continue;
        }
        let mut message = format!(
            "{} was a {}, not a {}",
            date.format("%B %-d, %Y"),
            weekday_name(actual),
            weekday_name(m.day)
        );
        if let Some(why) = inferred_from {
            message.push_str(&format!(" (year {year} from {why})"));
        }
        out.push(
            Finding::new(&file.rel, m.whole, codes::WEEKDAY_MISMATCH, message).with_related(
                &file.rel,
                m.weekday,
                format!(
                    "the weekday written here; {} falls on a {}",
                    date.format("%Y-%m-%d"),
                    weekday_name(actual)
                ),
            ),
        );
    }
    out
}

/// The year that puts month/day closest to the dateline (a December story about January).
fn nearest_year(dateline: Date, month: u32, dom: u32) -> i32 {
    let y = dateline.year();
    [y - 1, y, y + 1]
        .into_iter()
        .filter_map(|yy| {
            Date::from_ymd_opt(yy, month, dom).map(|d| (yy, (d - dateline).num_days().abs()))
        })
        .min_by_key(|&(_, d)| d)
        .map_or(y, |(yy, _)| yy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_weekday_dates_in_several_notations() {
        let t = "On Monday, June 5, 2018 we met. tuesday june 12 2018 too. June 3, 2018 (Sunday). Fri. 7 June 2019.";
        let ms = mentions(t);
        assert_eq!(ms.len(), 4, "{ms:?}");
        assert_eq!(ms[0].whole.slice(t), "Monday, June 5, 2018");
        assert_eq!(
            (ms[0].day, ms[0].month, ms[0].dom, ms[0].year),
            (Weekday::Mon, 6, 5, Some(2018))
        );
        assert_eq!(ms[1].year, Some(2018));
        assert_eq!(ms[3].day, Weekday::Fri);
        assert_eq!((ms[3].month, ms[3].dom), (6, 7));
        assert_eq!(ms[2].day, Weekday::Sun);
    }

    /// Searching only around weekday words finds what searching the whole text finds.
    fn assert_prefilter_keeps_mentions(t: &str) {
        assert_eq!(mentions(t), mentions_of_every_text(t), "{t:?}");
    }

    #[test]
    fn texts_without_a_weekday_word_have_no_mention() {
        for t in [
            "On Monday, June 5, 2018 we met.",
            "June 3, 2018 (SUNDAY) and 7 June 2019, a Fri.",
            "The ſunday, May 5 edition; Thurs. 4 July",
            "\"Monday, June 5\" - qMonday, June 6; (Tuesday), June 7: June 8 (Wed.)!",
            "Friday,\n\n  the 3rd of May, 2019 and 4 May, a Saturday; May 5, which was a Sunday",
            "no weekday here: June 5, 2018",
            "",
        ] {
            assert_prefilter_keeps_mentions(t);
        }
        assert!(mentions("no weekday here: June 5, 2018").is_empty());
    }

    proptest::proptest! {
        #[test]
        fn the_weekday_test_keeps_every_mention(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "Monday", "tue.", "Thurs.", "SUNDAY", "ſunday", "sat", "June", "jun.", "of",
                    "the", "5", "21st", "2018", ",", " ", "  ", "(", ")", "**", "a", "which was a",
                    "é", "\u{a0}", "day", "May", "Mayor", "\"", ";", "-", ":", "\n", ".", "x",
                    "Monday, June 5", "June 5, 2018 (Monday)", "7 June, a Friday", "Fri. 7 June",
                    "3rd of May, which was a Sunday", "sat, may 4", "x,", "_",
                ]),
                0..16,
            )
        ) {
            assert_prefilter_keeps_mentions(&parts.join(" "));
            assert_prefilter_keeps_mentions(&parts.concat());
        }
    }

    #[test]
    fn nearest_year_crosses_new_year() {
        let d = Date::from_ymd_opt(2018, 12, 30).unwrap();
        assert_eq!(nearest_year(d, 1, 2), 2019);
        assert_eq!(nearest_year(d, 8, 2), 2018);
    }

    #[test]
    fn words_that_only_look_like_dates_are_not_read() {
        assert!(mentions("the sun may 5 rise").is_empty());
        assert!(mentions("Monday, Mayor Smith").is_empty());
    }
}
