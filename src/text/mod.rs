//! Segmentation of a view text into paragraphs, sentences and tokens, all with byte offsets.
//!
//! Paragraphs end at blank lines and around Markdown heading lines. Sentences end at `.`, `!`
//! or `?` (with any closing quotes or brackets glued to it) before a space and a capital, a
//! digit or an opening quote; abbreviations (`Mr.`, `U.S.`, `Jan.`, initials) keep their dot
//! inside the token and so never end one. A line break ends a sentence when the line is short
//! (under 50 bytes: headlines, bylines, table rows) and the next one does not start in lower
//! case; hard-wrapped prose stays one sentence.
//!
//! Lowercase dumps have no capitals and often no punctuation at all: there any `.!?` before a
//! space and any line break end a sentence, and a run longer than [`MAX_PSEUDO_SENTENCE`]
//! tokens is cut into pseudo-sentences, preferably before a word that usually opens a clause
//! (`said`, `but`, `which`, ...) once the piece holds [`MIN_PSEUDO_SENTENCE`] tokens.

mod tokens;

pub use tokens::{is_abbreviation, tokenize};

use crate::format::Format;
use crate::model::Span;

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, possibly with inner apostrophes, hyphens or dots (`U.S.`, `Jong-un`).
    Word,
    /// Digits, possibly with separators (`70,000`, `4.7`).
    Number,
    /// Anything else (punctuation, symbols such as `$` and `%`).
    Punct,
}

/// One token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Its bytes in the view text.
    pub span: Span,
    /// Its kind.
    pub kind: TokenKind,
}

/// The segments of one view text (offsets into the view text).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Segments {
    /// Paragraph spans.
    pub paragraphs: Vec<Span>,
    /// Sentence spans, in order, inside paragraphs.
    pub sentences: Vec<Span>,
    /// Token spans, in order.
    pub tokens: Vec<Token>,
}

impl Segments {
    /// Index of the sentence that holds `offset`, if any.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.end() <= offset);
        (i < self.sentences.len() && self.sentences[i].start() <= offset).then_some(i)
    }
    /// The tokens inside `span`.
    pub fn tokens_in(&self, span: Span) -> &[Token] {
        let a = self
            .tokens
            .partition_point(|t| t.span.start() < span.start());
        let b = self.tokens.partition_point(|t| t.span.start() < span.end());
        &self.tokens[a..b]
    }
}

/// Longest pseudo-sentence cut from unpunctuated lowercase text, in tokens.
pub const MAX_PSEUDO_SENTENCE: usize = 40;
/// A pseudo-sentence is cut before a clause word once it holds this many tokens.
pub const MIN_PSEUDO_SENTENCE: usize = 20;

/// Words before which unpunctuated text is cut into pseudo-sentences.
const CLAUSE_STARTS: &[&str] = &[
    "said", "says", "but", "which", "who", "when", "while", "because", "although", "however",
    "that", "if", "after", "before", "since", "so", "where", "then", "also",
];

/// Splits a view text into paragraphs, sentences and tokens.
pub fn segment(text: &str, format: Format) -> Segments {
    let tokens = tokenize(text);
    let paragraphs = paragraphs(text, format);
    let mut sentences = Vec::new();
    let mut first = 0;
    for p in &paragraphs {
        let a = first + tokens[first..].partition_point(|t| t.span.start() < p.start());
        let b = a + tokens[a..].partition_point(|t| t.span.start() < p.end());
        split_sentences(text, &tokens[a..b], format, &mut sentences);
        first = b;
    }
    Segments {
        paragraphs,
        sentences,
        tokens,
    }
}

/// True for a Markdown ATX heading line (`## Title`).
pub fn is_heading_line(line: &str) -> bool {
    let t = line.trim_start();
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && t[hashes..].starts_with([' ', '\t'])
}

/// Paragraph spans: runs of non-blank lines, with heading lines on their own; trimmed.
fn paragraphs(text: &str, format: Format) -> Vec<Span> {
    let mut out = Vec::new();
    let mut cur: Option<Span> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let body = line.trim_end();
        if body.trim_start().is_empty() {
            out.extend(cur.take());
            continue;
        }
        let lead = body.len() - body.trim_start().len();
        let span = Span::new(start + lead, start + body.len());
        if format != Format::Lowercase && is_heading_line(body) {
            out.extend(cur.take());
            out.push(span);
            continue;
        }
        cur = Some(match cur {
            Some(c) => Span::new(c.start(), span.end()),
            None => span,
        });
    }
    out.extend(cur);
    out
}

fn is_closing(s: &str) -> bool {
    matches!(
        s,
        "\"" | "'" | "\u{201d}" | "\u{2019}" | ")" | "]" | "\u{bb}"
    )
}

fn opens_sentence(s: &str) -> bool {
    s.starts_with(|c: char| {
        c.is_uppercase()
            || c.is_ascii_digit()
            || matches!(
                c,
                '"' | '\'' | '\u{201c}' | '\u{2018}' | '(' | '[' | '\u{ab}'
            )
    })
}

/// True when a line break between `prev_line` and the next line ends a sentence.
fn line_break_ends(prev_line: &str, next: &str, format: Format) -> bool {
    if format == Format::Lowercase {
        return true;
    }
    // A line that goes on in lower case continues; a capital after a long line is a wrapped name.
    !next.starts_with(|c: char| c.is_lowercase()) && prev_line.trim().len() < 50
}

fn split_sentences(text: &str, toks: &[Token], format: Format, out: &mut Vec<Span>) {
    let lower = format == Format::Lowercase;
    let mut start = 0;
    let mut k = 0;
    while k < toks.len() {
        let tok = toks[k].span.slice(text);
        let mut end = k; // the last token of a sentence ending here, if one does
        let mut ends = false;
        if toks[k].kind == TokenKind::Punct && matches!(tok, "." | "!" | "?" | "...") {
            while end + 1 < toks.len()
                && toks[end + 1].span.start() == toks[end].span.end()
                && is_closing(toks[end + 1].span.slice(text))
            {
                end += 1;
            }
            ends = match toks.get(end + 1) {
                None => true,
                Some(next) => {
                    next.span.start() > toks[end].span.end()
                        && (lower || opens_sentence(next.span.slice(text)))
                }
            };
        }
        if !ends {
            end = k;
            if let Some(next) = toks.get(k + 1) {
                let gap = &text[toks[k].span.end()..next.span.start()];
                if gap.contains('\n') {
                    let line_start = text[..toks[k].span.end()].rfind('\n').map_or(0, |i| i + 1);
                    let prev_line = &text[line_start..toks[k].span.end()];
                    let next_start = toks[k].span.end() + gap.rfind('\n').map_or(0, |i| i + 1);
                    let next_line = text[next_start..].lines().next().unwrap_or("");
                    let heading = is_heading_line(prev_line) || is_heading_line(next_line);
                    ends = heading || line_break_ends(prev_line, next.span.slice(text), format);
                }
            }
        }
        if ends || end + 1 == toks.len() {
            push_sentence(text, &toks[start..=end], lower, out);
            start = end + 1;
        }
        k = end + 1;
    }
}

/// Pushes one sentence, cut into pseudo-sentences when it is an unpunctuated lowercase run.
fn push_sentence(text: &str, toks: &[Token], lower: bool, out: &mut Vec<Span>) {
    let Some(first) = toks.first() else { return };
    if !lower || toks.len() <= MAX_PSEUDO_SENTENCE {
        out.push(Span::new(
            first.span.start(),
            toks[toks.len() - 1].span.end(),
        ));
        return;
    }
    let mut s = 0;
    for k in 1..toks.len() {
        let len = k - s;
        let clause =
            len >= MIN_PSEUDO_SENTENCE && CLAUSE_STARTS.contains(&toks[k].span.slice(text));
        if clause || len >= MAX_PSEUDO_SENTENCE {
            out.push(Span::new(toks[s].span.start(), toks[k - 1].span.end()));
            s = k;
        }
    }
    out.push(Span::new(
        toks[s].span.start(),
        toks[toks.len() - 1].span.end(),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str, format: Format) -> Vec<&str> {
        segment(text, format)
            .sentences
            .iter()
            .map(|s| s.slice(text))
            .collect()
    }

    #[test]
    fn sentences_split_at_terminal_punctuation_only() {
        let text = "Mr. Okonjo met Dr. E. Vance in the U.S. on Jan. 4. They talked. \"Why?\" she asked. It was 9 a.m. today.";
        assert_eq!(
            sents(text, Format::Plain),
            [
                "Mr. Okonjo met Dr. E. Vance in the U.S. on Jan. 4.",
                "They talked.",
                "\"Why?\" she asked.",
                "It was 9 a.m. today."
            ]
        );
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let text = "He said \"no.\" Then he left! 2019 was quiet.";
        assert_eq!(
            sents(text, Format::Plain),
            ["He said \"no.\"", "Then he left!", "2019 was quiet."]
        );
    }

    #[test]
    fn paragraphs_and_headings_bound_sentences() {
        let text = "## Harbour Deal Signed\nBy Marta Okonjo\n\nThe port of Tema grew\nquickly, officials said\n\nA second paragraph";
        let segs = segment(text, Format::Markdown);
        let paras: Vec<_> = segs.paragraphs.iter().map(|s| s.slice(text)).collect();
        assert_eq!(
            paras,
            [
                "## Harbour Deal Signed",
                "By Marta Okonjo",
                "The port of Tema grew\nquickly, officials said",
                "A second paragraph"
            ]
        );
        assert_eq!(
            sents(text, Format::Markdown),
            [
                "## Harbour Deal Signed",
                "By Marta Okonjo",
                "The port of Tema grew\nquickly, officials said",
                "A second paragraph"
            ]
        );
    }

    #[test]
    fn hard_wrapped_lines_join_short_lines_split() {
        let text = "The ministry of fisheries announced on Tuesday that Vice\nMinister Adu would rise.\nSPORT RESULTS\nAccra 2 Kumasi 1";
        assert_eq!(
            sents(text, Format::Plain),
            [
                "The ministry of fisheries announced on Tuesday that Vice\nMinister Adu would rise.",
                "SPORT RESULTS",
                "Accra 2 Kumasi 1"
            ]
        );
    }

    #[test]
    fn lowercase_runs_become_pseudo_sentences() {
        let words: Vec<String> = (0..100)
            .map(|i| {
                if i % 30 == 29 {
                    "said".into()
                } else {
                    format!("w{i}")
                }
            })
            .collect();
        let text = words.join(" ");
        let segs = segment(&text, Format::Lowercase);
        assert!(segs.sentences.len() >= 3);
        for s in &segs.sentences {
            let n = segs.tokens_in(*s).len();
            assert!(n <= MAX_PSEUDO_SENTENCE, "{n}");
        }
        // Cut before `said` once the piece is long enough.
        assert!(segs.sentences[1].slice(&text).starts_with("said"));
        // Punctuated lowercase text splits at its stops.
        assert_eq!(
            sents("mr. liu left. then he came back", Format::Lowercase),
            ["mr. liu left.", "then he came back"]
        );
    }

    #[test]
    fn lookups_and_odd_input() {
        let text = "One. Two three.";
        let segs = segment(text, Format::Plain);
        assert_eq!(segs.sentence_at(6), Some(1));
        assert_eq!(segs.sentence_at(100), None);
        assert_eq!(segs.tokens_in(segs.sentences[1]).len(), 3);
        for t in ["", "\n\n\n", "...", "#", "## ", "a\r\nb", "é.\nÉ"] {
            let segs = segment(t, Format::Markdown);
            for s in segs.sentences.iter().chain(&segs.paragraphs) {
                assert!(
                    t.is_char_boundary(s.start())
                        && t.is_char_boundary(s.end())
                        && s.start() <= s.end()
                );
            }
        }
    }
}
