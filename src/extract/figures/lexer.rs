//! A small tokenizer of its own: figures need `70,000`, `4.7bn` and `\$` as units, which the
//! shared word tokenizer does not promise, and it must not depend on sentence quality.

/// A numeric literal as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumLit {
    /// Its value.
    pub value: f64,
    /// Place value of its last significant digit (`70,000` -> 10,000; `4.70` -> 0.01).
    pub place: f64,
    /// Only ASCII digits, no separator, no decimal point (`2018`, not `2,018`).
    pub plain: bool,
    /// Number of digits before the decimal point.
    pub int_digits: u32,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A run of letters.
    Word,
    /// A number literal.
    Num(NumLit),
    /// Something to skip whole: a URL, a handle, an IP address, a time like `10:30`.
    Code,
    /// Any other single character.
    Sym(char),
}

/// One token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tok {
    /// First byte in the text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Its kind.
    pub kind: Kind,
    /// True when no whitespace separates it from the previous token.
    pub glued: bool,
    /// True when a blank line (paragraph break) precedes it.
    pub para: bool,
}

/// A tokenized text with an ASCII-lowercased copy (same byte offsets).
pub struct Lexed<'a> {
    /// The original text.
    pub text: &'a str,
    /// The text with ASCII letters lowercased.
    pub lower: String,
    /// The tokens in order.
    pub toks: Vec<Tok>,
    /// A punctuation-stripped dump (no capitals, no `.`, `,`, `%` or `$`): a space between two
    /// numbers may stand for a lost thousands separator or decimal point (`95 000`, `2 6`).
    pub stripped: bool,
}

impl<'a> Lexed<'a> {
    /// Tokenizes `text` in one linear pass.
    pub fn new(text: &'a str) -> Self {
        let lower = text.to_ascii_lowercase();
        let toks = tokenize(text);
        let stripped = !text
            .bytes()
            .any(|b| b.is_ascii_uppercase() || matches!(b, b'.' | b',' | b'%' | b'$'));
        Lexed {
            text,
            lower,
            toks,
            stripped,
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// The lowercase text of token `i` when it is a word, else "".
    pub fn word(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Word => &self.lower[t.start..t.end],
            _ => "",
        }
    }

    /// True when token `i` is the word `w` (lowercase).
    pub fn is(&self, i: usize, w: &str) -> bool {
        self.word(i) == w
    }

    /// True when token `i` is the symbol `c`.
    pub fn sym(&self, i: usize, c: char) -> bool {
        matches!(self.toks.get(i), Some(Tok { kind: Kind::Sym(s), .. }) if *s == c)
    }

    /// The symbol of token `i`, if it is one.
    pub fn sym_at(&self, i: usize) -> Option<char> {
        match self.toks.get(i) {
            Some(Tok {
                kind: Kind::Sym(s), ..
            }) => Some(*s),
            _ => None,
        }
    }

    /// The number literal of token `i`, if it is one.
    pub fn num(&self, i: usize) -> Option<NumLit> {
        match self.toks.get(i) {
            Some(Tok {
                kind: Kind::Num(n), ..
            }) => Some(*n),
            _ => None,
        }
    }

    /// True when token `i` exists and is glued to the previous one.
    pub fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.glued)
    }

    /// True when token `i` is a word whose first letter is uppercase in the original text.
    pub fn capitalized(&self, i: usize) -> bool {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Word => self.text[t.start..t.end]
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase()),
            _ => false,
        }
    }

    /// True when there is no token.
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// Byte start of token `i`.
    pub fn start(&self, i: usize) -> usize {
        self.toks[i].start
    }

    /// Byte end of token `i`.
    pub fn end(&self, i: usize) -> usize {
        self.toks[i].end
    }
}

fn tokenize(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut toks: Vec<Tok> = Vec::with_capacity(text.len() / 5);
    let mut i = 0;
    let mut glued = false;
    let mut newlines = 0u32;
    let n = bytes.len();
    while i < n {
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let w = c.len_utf8();
        if c.is_whitespace() {
            if c == '\n' {
                newlines += 1;
            }
            glued = false;
            i += w;
            continue;
        }
        let start = i;
        let (end, kind) = if c.is_ascii_digit()
            || (c == '.'
                && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit())
                && !toks.last().is_some_and(|t| glued && t.end == i))
        {
            lex_number(text, i)
        } else if (c == 'h' || c == 'H') && is_url_at(bytes, i) {
            (skip_nonspace(text, i), Kind::Code)
        } else if c.is_alphabetic() {
            let mut j = i + w;
            for d in text[j..].chars() {
                if d.is_alphabetic() || is_mark(d) {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            (j, Kind::Word)
        } else if (c == '@' || c == '#')
            && text[i + 1..]
                .chars()
                .next()
                .is_some_and(|d| d.is_alphanumeric())
        {
            let mut j = i + 1;
            for d in text[j..].chars() {
                if d.is_alphanumeric() || d == '_' {
                    j += d.len_utf8();
                } else {
                    break;
                }
            }
            (j, Kind::Code)
        } else {
            (i + w, Kind::Sym(c))
        };
        toks.push(Tok {
            start,
            end,
            kind,
            glued,
            para: newlines >= 2,
        });
        newlines = 0;
        glued = true;
        i = end;
    }
    toks
}

fn is_mark(c: char) -> bool {
    // Combining accents and the apostrophe-free joiners that keep a word whole.
    ('\u{300}'..='\u{36f}').contains(&c)
}

fn is_url_at(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    let lower = |s: &[u8], p: &[u8]| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p);
    lower(rest, b"http://") || lower(rest, b"https://")
}

fn skip_nonspace(text: &str, i: usize) -> usize {
    text[i..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(k, _)| i + k)
}

/// Lexes a number at `i`: digits with `,ddd` (or no-break-space `ddd`) groups and a decimal part.
/// A chain like `192.168.1.2` or `10:30` becomes one `Code` token.
fn lex_number(text: &str, i: usize) -> (usize, Kind) {
    let b = text.as_bytes();
    let n = b.len();
    let digits_from = |k: usize| {
        let mut e = k;
        while e < n && b[e].is_ascii_digit() {
            e += 1;
        }
        e
    };
    let mut j = digits_from(i);
    let int_start = i;
    let mut plain = true;
    // Thousands groups: `,ddd` or a no-break space then `ddd`, never followed by another digit.
    loop {
        let (sep_len, ok) = if j < n && b[j] == b',' {
            (1, true)
        } else if text[j..].starts_with('\u{a0}') {
            (2, true)
        } else if text[j..].starts_with('\u{202f}') {
            (3, true)
        } else {
            (0, false)
        };
        if !ok || j == int_start {
            break;
        }
        let g = j + sep_len;
        let e = digits_from(g);
        if e - g == 3 {
            j = e;
            plain = false;
        } else {
            break;
        }
    }
    let int_end = j;
    let mut frac_end = j;
    if j < n && b[j] == b'.' && j + 1 < n && b[j + 1].is_ascii_digit() {
        frac_end = digits_from(j + 1);
        plain = false;
        // A second dot or a colon with digits: an address, a version or a time, not a figure.
        if frac_end + 1 < n && (b[frac_end] == b'.') && b[frac_end + 1].is_ascii_digit() {
            let mut e = frac_end;
            while e + 1 < n && (b[e] == b'.') && b[e + 1].is_ascii_digit() {
                e = digits_from(e + 1);
            }
            return (e, Kind::Code);
        }
    }
    if frac_end + 1 < n && b[frac_end] == b':' && b[frac_end + 1].is_ascii_digit() {
        let mut e = frac_end;
        while e + 1 < n && b[e] == b':' && b[e + 1].is_ascii_digit() {
            e = digits_from(e + 1);
        }
        return (e, Kind::Code);
    }
    let lit = &text[i..frac_end];
    let mut clean = String::with_capacity(lit.len());
    let mut int_digits = 0u32;
    let mut trailing_zeros = 0u32;
    for (k, ch) in lit.char_indices() {
        if ch.is_ascii_digit() {
            clean.push(ch);
            if i + k < int_end {
                int_digits += 1;
                if ch == '0' {
                    trailing_zeros += 1;
                } else {
                    trailing_zeros = 0;
                }
            }
        } else if ch == '.' {
            clean.push('.');
        }
    }
    let value: f64 = clean.parse().unwrap_or(0.0);
    let place = if frac_end > int_end {
        10f64.powi(-((frac_end - int_end - 1) as i32))
    } else if value == 0.0 {
        1.0
    } else {
        10f64.powi(trailing_zeros as i32)
    };
    (
        frac_end,
        Kind::Num(NumLit {
            value,
            place,
            plain,
            int_digits,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<String> {
        let lx = Lexed::new(s);
        lx.toks
            .iter()
            .map(|t| {
                let txt = &s[t.start..t.end];
                match t.kind {
                    Kind::Num(n) => format!("N{}/{}", n.value, n.place),
                    Kind::Word => format!("W{txt}"),
                    Kind::Code => format!("C{txt}"),
                    Kind::Sym(c) => format!("S{c}"),
                }
            })
            .collect()
    }

    #[test]
    fn numbers_words_and_codes() {
        let cases: &[(&str, &[&str])] = &[
            ("70,000-employee", &["N70000/10000", "S-", "Wemployee"]),
            ("US$4.7bn", &["WUS", "S$", "N4.7/0.1", "Wbn"]),
            ("\\$50", &["S\\", "S$", "N50/10"]),
            (
                "at 10:30 on 192.168.1.2",
                &["Wat", "C10:30", "Won", "C192.168.1.2"],
            ),
            (
                "1,23 and .08",
                &["N1/1", "S,", "N23/1", "Wand", "N0.08/0.01"],
            ),
            ("40\u{202f}000", &["N40000/10000"]),
            (
                "see https://x.org/a?b=1 now",
                &["Wsee", "Chttps://x.org/a?b=1", "Wnow"],
            ),
            ("", &[]),
        ];
        for (input, want) in cases {
            assert_eq!(kinds(input), *want, "input {input:?}");
        }
    }

    #[test]
    fn flags() {
        let lx = Lexed::new("a-b\n\nc");
        assert!(lx.toks[1].glued && lx.toks[2].glued);
        assert!(lx.toks[3].para && !lx.toks[3].glued);
    }
}
