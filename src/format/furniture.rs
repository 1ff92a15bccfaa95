//! Page furniture: scraping leftovers (`Share on Facebook`, `Advertisement`, `Supported by`,
//! `Follow X on Twitter`, `... contributed reporting`) that are not text worth extracting.
//!
//! Found line by line: whole short lines that are furniture, and chains of furniture phrases at
//! the start or end of a line (the lowercase dumps start with `advertisement supported by` and
//! end with `advertisement`; a scraped paragraph may start with `Share on Facebook`).

use crate::model::Span;
use aho_corasick::AhoCorasick;
use regex::Regex;
use std::sync::LazyLock;

/// Whole lines (trimmed, at most `MAX_LINE` bytes) that are furniture; each needs a keyword
/// that `KEYWORDS` finds first, so ordinary lines never reach the regexes.
static LINE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"^follow\s+.{1,80}?\s+on\s+(?:twitter|facebook|instagram|linkedin|threads|bluesky|x)\b.{0,120}$",
        r"^.{0,200}\bcontributed (?:reporting|research)\b.{0,150}$",
        r"^(?:reporting was contributed by|additional reporting by)\b.{0,200}$",
        r"^a version of this article appears in print\b.*$",
        r"^sign up for .{0,80}\bnewsletter\b.{0,80}$",
    ]
    .iter()
    .map(|p| Regex::new(&format!("(?i){p}")).expect("valid regex"))
    .collect()
});

/// Words one of which every `LINE` pattern holds.
static KEYWORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build([
            "follow",
            "contributed",
            "reporting by",
            "contributed by",
            "a version of",
            "newsletter",
        ])
        .expect("valid patterns")
});

/// Short lines that are furniture on their own.
static SHORT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:advertisement|supported by|continue reading the main story|share|share this (?:article|story)|tweet|e-?mail|print|save|read more|related coverage|related articles?|skip to (?:main )?content|site index|image|photo|listen to this article|see more)[\s:.…]*$")
        .expect("valid regex")
});

/// Longest line `SHORT_LINE` can match.
const SHORT_MAX: usize = 48;

/// Longest line the whole-line rules look at: longer lines are text, not furniture.
const MAX_LINE: usize = 300;

/// Phrases chained at a line's start or end.
const SHARE: &[&str] = &[
    "share on facebook",
    "share on twitter",
    "share on linkedin",
    "share on whatsapp",
    "share on reddit",
    "share on pinterest",
    "share via email",
    "share via e-mail",
    "share this article",
    "share this story",
    "continue reading the main story",
    "skip to main content",
];

/// Length of `phrase` if `s` starts with it (ASCII case-insensitively) and a word ends there.
fn starts_with_word(s: &str, phrase: &str) -> Option<usize> {
    let head = s.get(..phrase.len())?;
    if !head.eq_ignore_ascii_case(phrase) {
        return None;
    }
    let next = s[phrase.len()..].chars().next();
    (!next.is_some_and(char::is_alphanumeric)).then_some(phrase.len())
}

/// Length of `phrase` if `s` ends with it (ASCII case-insensitively) after a word break.
fn ends_with_word(s: &str, phrase: &str) -> Option<usize> {
    let at = s.len().checked_sub(phrase.len())?;
    let tail = s.get(at..)?;
    if !tail.eq_ignore_ascii_case(phrase) {
        return None;
    }
    let prev = s[..at].chars().next_back();
    (!prev.is_some_and(char::is_alphanumeric)).then_some(phrase.len())
}

/// Length of the furniture phrase at the start of `rest`, given whether one came just before.
fn leading_phrase(rest: &str, after_furniture: bool) -> Option<usize> {
    if let Some(n) = SHARE.iter().find_map(|p| starts_with_word(rest, p)) {
        return Some(n);
    }
    if let Some(n) = starts_with_word(rest, "advertisement") {
        // `Advertisement revenue fell` is text; `advertisement supported by` is not.
        let after = rest[n..].trim_start();
        let next_is_furniture = after.is_empty()
            || leading_phrase(after, true).is_some()
            || after.starts_with(|c: char| !c.is_alphanumeric());
        return next_is_furniture.then_some(n);
    }
    if let Some(n) = starts_with_word(rest, "supported by") {
        // `Supported by the central bank, ...` is text; after `Advertisement`, or before a
        // byline's own `by`, it is the ad banner.
        let after = rest[n..].trim_start();
        let banner = after_furniture || after.is_empty() || starts_with_word(after, "by").is_some();
        return banner.then_some(n);
    }
    None
}

/// Furniture at the start of `line`: the span (relative to the line) of the chain, if any.
fn leading_chain(line: &str) -> Option<(usize, usize)> {
    let first = line.len() - line.trim_start().len();
    let mut at = first;
    let mut end = None;
    while let Some(n) = leading_phrase(&line[at..], end.is_some()) {
        end = Some(at + n);
        let rest = &line[at + n..];
        at += n + (rest.len() - rest.trim_start().len());
    }
    end.map(|e| (first, e))
}

/// Furniture at the end of `line`: the span (relative to the line) of the chain, if any.
fn trailing_chain(line: &str) -> Option<(usize, usize)> {
    let last = line.trim_end().len();
    let mut at = last;
    let mut start = None;
    loop {
        let s = &line[..at];
        let Some(n) = SHARE
            .iter()
            .chain(&["advertisement"])
            .find_map(|p| ends_with_word(s, p))
        else {
            break;
        };
        start = Some(at - n);
        at = line[..at - n].trim_end().len();
    }
    start.map(|s| (s, last))
}

/// Byte spans of furniture in `text` (each on char boundaries, in order, not overlapping).
pub fn find(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let base = line_start;
        line_start += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = content.len() - content.trim_start().len();
        let whole = if trimmed.len() <= SHORT_MAX {
            SHORT_LINE.is_match(trimmed)
        } else {
            false
        } || (trimmed.len() <= MAX_LINE
            && KEYWORDS.is_match(trimmed)
            && LINE.iter().any(|r| r.is_match(trimmed)));
        if whole {
            out.push(Span::new(base + lead, base + lead + trimmed.len()));
            continue;
        }
        let head = leading_chain(content);
        let tail = trailing_chain(content);
        let head_end = head.map_or(0, |(_, e)| e);
        if let Some((s, e)) = head {
            out.push(Span::new(base + s, base + e));
        }
        if let Some((s, e)) = tail {
            let s = s.max(head_end);
            if s < e {
                out.push(Span::new(base + s, base + e));
            }
        }
        // Mid-line, only the one phrase that no sentence uses.
        let mut from = head_end;
        while let Some(i) = content[from..].find("Continue reading the main story") {
            let a = from + i;
            let b = a + "Continue reading the main story".len();
            if !matches!(tail, Some((s, _)) if b > s) {
                out.push(Span::new(base + a, base + b));
            }
            from = b;
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(text: &str) -> Vec<&str> {
        find(text).iter().map(|s| s.slice(text)).collect()
    }

    #[test]
    fn whole_lines() {
        let t = "Advertisement\nSupported by\n\nBy Ann Lee\nFollow Ann Lee on Twitter: @annlee\nShare\nAnn Lee contributed reporting from Lagos.\nBody text here.\n";
        assert_eq!(
            blanked(t),
            [
                "Advertisement",
                "Supported by",
                "Follow Ann Lee on Twitter: @annlee",
                "Share",
                "Ann Lee contributed reporting from Lagos."
            ]
        );
    }

    #[test]
    fn chains_at_line_edges() {
        let t = "advertisement supported by by ann lee the talks ended in lagos advertisement";
        assert_eq!(blanked(t), ["advertisement supported by", "advertisement"]);
        let t = "Share on Facebook Further talks are planned.";
        assert_eq!(blanked(t), ["Share on Facebook"]);
    }

    #[test]
    fn text_that_only_looks_like_furniture() {
        for t in [
            "Advertisement revenue fell by a third.",
            "Supported by the central bank, the currency rose.",
            "The share on Facebook of the video was large.",
            "Sharing is caring.",
        ] {
            assert!(find(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn odd_input() {
        for t in [
            "",
            "\n\n",
            "é advertisement",
            "advertisement",
            "ÉÉÉ Advertisement\r\n",
        ] {
            for s in find(t) {
                assert!(t.is_char_boundary(s.start()) && t.is_char_boundary(s.end()));
            }
        }
    }
}
