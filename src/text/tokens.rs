//! Tokenisation with CoNLL-compatible splits, in byte offsets.
//!
//! `U.S.`, `Mr.`, `E.` keep their dots; `70,000`, `4.7`, `1996-12-06` are one number;
//! `Jong-un` and `AT&T` are one word; `$`, `%` and other symbols stand alone; the clitics
//! `'s`, `n't`, `'re`, `'ve`, `'ll`, `'d`, `'m` are tokens of their own (`do` `n't`).

use super::{Token, TokenKind};
use crate::model::Span;

/// Words that keep a following dot (abbreviations that do not end a sentence).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov",
    "sen", "rep", "rev", "st", "jr", "sr", "inc", "corp", "co", "ltd", "plc", "vs", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "bros",
    "messrs", "mme", "mlle", "pres", "dept", "univ", "assn",
];

/// True when `word` (without its dot) is an abbreviation that keeps its dot.
pub fn is_abbreviation(word: &str) -> bool {
    word.len() <= 6 && ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Clitics split off the end of a word (after the apostrophe).
const CLITICS: &[&str] = &["s", "re", "ve", "ll", "d", "m"];

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_mark(c)
}

/// Combining marks (decomposed accents) stay inside words.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// Length in bytes of the run of letters (and marks) starting at `i`.
fn letter_run(text: &str, i: usize) -> usize {
    text[i..]
        .char_indices()
        .find(|&(_, c)| !(c.is_alphabetic() || is_mark(c)))
        .map_or(text.len() - i, |(j, _)| j)
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

/// If a clitic starts at apostrophe `i` and ends the word there, its length in bytes.
fn clitic_at(text: &str, i: usize) -> Option<usize> {
    let ap = char_at(text, i)?;
    if !is_apostrophe(ap) {
        return None;
    }
    let after = i + ap.len_utf8();
    let run = letter_run(text, after);
    let rest = &text[after..after + run];
    if run > 0 && CLITICS.iter().any(|c| c.eq_ignore_ascii_case(rest)) {
        let next = char_at(text, after + run);
        if next.is_none_or(|c| !is_word_char(c)) {
            return Some(ap.len_utf8() + run);
        }
    }
    None
}

/// Tokenises `text` into words, numbers and punctuation with byte spans.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some(c) = char_at(text, i) else { break };
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let (end, kind) = if c.is_alphabetic() {
            (scan_word(text, i), TokenKind::Word)
        } else if c.is_ascii_digit() {
            (scan_number(text, i), TokenKind::Number)
        } else if is_apostrophe(c) {
            match clitic_at(text, i) {
                // `'s` after a word or standing alone (`trump 's`).
                Some(n) => (i + n, TokenKind::Word),
                None => (i + c.len_utf8(), TokenKind::Punct),
            }
        } else if c == '.' && bytes.get(i + 1) == Some(&b'.') {
            // An ellipsis is one token.
            let n = bytes[i..].iter().take_while(|&&b| b == b'.').count();
            (i + n, TokenKind::Punct)
        } else if c == '-' && bytes.get(i + 1) == Some(&b'-') {
            let n = bytes[i..].iter().take_while(|&&b| b == b'-').count();
            (i + n, TokenKind::Punct)
        } else {
            (i + c.len_utf8(), TokenKind::Punct)
        };
        if kind == TokenKind::Word {
            // Split `don't` into `do` + `n't` and `Trump's` into `Trump` + `'s`.
            let word = &text[i..end];
            if let Some(k) = nt_split(word) {
                if k > 0 {
                    tokens.push(Token {
                        span: Span::new(i, i + k),
                        kind,
                    });
                }
                tokens.push(Token {
                    span: Span::new(i + k, end),
                    kind,
                });
                i = end;
                continue;
            }
        }
        tokens.push(Token {
            span: Span::new(i, end),
            kind,
        });
        i = end;
    }
    tokens
}

fn prev_char(text: &str, i: usize) -> char {
    text[..i].chars().next_back().unwrap_or(' ')
}

/// Where `n't` starts inside a word ending in it, if it does.
fn nt_split(word: &str) -> Option<usize> {
    let lower_end = word.len().checked_sub(3)?;
    let tail = word.get(lower_end..)?;
    let mut cs = tail.chars();
    let (n, a, t) = (cs.next()?, cs.next()?, cs.next()?);
    if n.eq_ignore_ascii_case(&'n') && a == '\'' && t.eq_ignore_ascii_case(&'t') {
        return Some(lower_end);
    }
    // The curly apostrophe is three bytes.
    let lower_end = word.len().checked_sub(5)?;
    let tail = word.get(lower_end..)?;
    let mut cs = tail.chars();
    let (n, a, t) = (cs.next()?, cs.next()?, cs.next()?);
    (n.eq_ignore_ascii_case(&'n') && a == '\u{2019}' && t.eq_ignore_ascii_case(&'t'))
        .then_some(lower_end)
}

/// End of the word starting at `i` (a letter).
fn scan_word(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    // Acronyms with dots: `U.S.`, `U.N.`, `e.g.`; a single capital with a dot is an initial.
    let first_run = letter_run(text, i);
    if first_run > 0
        && text[i..i + first_run].chars().count() == 1
        && bytes.get(i + first_run) == Some(&b'.')
    {
        let mut j = i + first_run + 1;
        let mut pieces = 1;
        loop {
            let run = letter_run(text, j);
            if run > 0 && text[j..j + run].chars().count() == 1 && bytes.get(j + run) == Some(&b'.')
            {
                j += run + 1;
                pieces += 1;
            } else {
                break;
            }
        }
        let single_upper = text[i..].starts_with(|c: char| c.is_uppercase());
        let next_is_word = char_at(text, j).is_some_and(is_word_char);
        if !next_is_word && (pieces > 1 || single_upper) {
            return j;
        }
    }
    while let Some(c) = char_at(text, i) {
        if is_word_char(c) {
            i += c.len_utf8();
            continue;
        }
        let next = char_at(text, i + c.len_utf8());
        let next_word = next.is_some_and(is_word_char);
        if is_apostrophe(c) {
            if clitic_at(text, i).is_some() {
                break;
            }
            // `n't` is split later; `O'Neill` stays whole.
            if next_word {
                i += c.len_utf8();
                continue;
            }
            break;
        }
        if (c == '-' || c == '\u{2010}') && next_word {
            i += c.len_utf8();
            continue;
        }
        if c == '&' && next.is_some_and(|d| d.is_uppercase()) && prev_char(text, i).is_uppercase() {
            i += 1;
            continue;
        }
        if c == '.' && !next_word {
            let word = &text[start..i];
            // `No. 1` but not `said no.`
            let numero = word.eq_ignore_ascii_case("no")
                && text[i + 1..]
                    .strip_prefix(' ')
                    .is_some_and(|r| r.starts_with(|d: char| d.is_ascii_digit()));
            if numero || is_abbreviation(word) {
                i += 1;
            }
        }
        break;
    }
    i
}

/// End of the number starting at `i` (a digit).
fn scan_number(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        let separator = matches!(b, b',' | b'.' | b'-' | b'/' | b':')
            && bytes.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        if b.is_ascii_digit() || separator {
            i += 1;
        } else {
            break;
        }
    }
    // Ordinals and decades keep their letters (`22nd`, `1990s`); units (`5bn`) do not.
    let run = letter_run(text, i);
    if run > 0 && run <= 2 {
        let suffix = &text[i..i + run];
        let after = char_at(text, i + run);
        if ["s", "st", "nd", "rd", "th"]
            .iter()
            .any(|s| s.eq_ignore_ascii_case(suffix))
            && after.is_none_or(|c| !is_word_char(c))
        {
            i += run;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.span.slice(text)).collect()
    }

    #[test]
    fn acronyms_and_abbreviations_keep_their_dots() {
        assert_eq!(
            toks("the U.S. and U.N. met."),
            ["the", "U.S.", "and", "U.N.", "met", "."]
        );
        assert_eq!(
            toks("Mr. Okonjo, Dr. E. Vance"),
            ["Mr.", "Okonjo", ",", "Dr.", "E.", "Vance"]
        );
        assert_eq!(toks("Acme Inc. said"), ["Acme", "Inc.", "said"]);
        assert_eq!(toks("a plan."), ["a", "plan", "."]);
        assert_eq!(toks("No. 7 said no."), ["No.", "7", "said", "no", "."]);
    }

    #[test]
    fn numbers_symbols_and_hyphens() {
        assert_eq!(toks("$70,000 up 4.7%"), ["$", "70,000", "up", "4.7", "%"]);
        assert_eq!(
            toks("on 1996-12-06 in the 1990s"),
            ["on", "1996-12-06", "in", "the", "1990s"]
        );
        assert_eq!(toks("$1.13bn"), ["$", "1.13", "bn"]);
        assert_eq!(
            toks("Kim Jong-un and AT&T"),
            ["Kim", "Jong-un", "and", "AT&T"]
        );
        assert_eq!(toks("U.S.-China talks"), ["U.S.", "-", "China", "talks"]);
        assert_eq!(toks("wait... -- no"), ["wait", "...", "--", "no"]);
    }

    #[test]
    fn clitics_split_off() {
        assert_eq!(toks("Okonjo's plan"), ["Okonjo", "'s", "plan"]);
        assert_eq!(toks("don't"), ["do", "n't"]);
        assert_eq!(toks("they\u{2019}re"), ["they", "\u{2019}re"]);
        assert_eq!(toks("O'Neill said"), ["O'Neill", "said"]);
        assert_eq!(toks("trump 's bluff"), ["trump", "'s", "bluff"]);
        assert_eq!(toks("the 'quote'"), ["the", "'", "quote", "'"]);
    }

    #[test]
    fn offsets_are_bytes_and_odd_input_is_safe() {
        let text = "Zoë’s café — 5 €";
        for t in tokenize(text) {
            assert!(text.is_char_boundary(t.span.start()) && text.is_char_boundary(t.span.end()));
        }
        assert_eq!(toks(text), ["Zoë", "’s", "café", "—", "5", "€"]);
        assert!(tokenize("").is_empty());
        assert_eq!(toks("'"), ["'"]);
        assert_eq!(toks("A."), ["A."]);
        assert_eq!(toks("n't"), ["n't"]);
    }
}
