//! Format sniffing from the extension and the content.

use super::{frontmatter, Format};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// How much of a file the sniffer reads: enough to decide, cheap on huge files.
const SAMPLE_BYTES: usize = 64 * 1024;

/// Fewer words than this are never called a lowercase dump (a short note in lowercase is not one).
const MIN_DUMP_WORDS: usize = 40;

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[[^\]\n]{1,200}\]\([^)\s]{1,500}\)").expect("valid regex"));
static BOLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\*\*[^\s*][^*\n]{0,200}?\*\*|__[^\s_][^_\n]{0,200}?__").expect("valid regex")
});
static ESCAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\[$*_#\[\]`]").expect("valid regex"));

/// The first `SAMPLE_BYTES` of `text`, cut at a char boundary.
fn sample(text: &str) -> &str {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// True when the text carries Markdown markup a plain text would not.
fn looks_like_markdown(text: &str) -> bool {
    if frontmatter::find(text).is_some() {
        return true;
    }
    let s = sample(text);
    let mut h1 = 0;
    for line in s.lines() {
        let l = line.trim_start_matches('\u{feff}');
        let hashes = l.len() - l.trim_start_matches('#').len();
        let rest = &l[hashes..];
        if (1..=6).contains(&hashes) && rest.starts_with([' ', '\t']) && !rest.trim().is_empty() {
            // `# corpus-ls: ...` is a plain-text directive, and a lone `# x` line a comment.
            if hashes >= 2 {
                return true;
            }
            if !rest.trim_start().starts_with("corpus-ls") {
                h1 += 1;
            }
        }
    }
    let other = LINK.is_match(s) || BOLD.is_match(s) || ESCAPE.is_match(s);
    other || h1 >= 2
}

/// True for a long, all-lowercase, punctuation-poor text (an NLP dump).
fn looks_like_dump(text: &str) -> bool {
    let c = Counts::of(sample(text));
    c.words >= MIN_DUMP_WORDS && c.upper * 200 <= c.letters && c.punct * 50 <= c.words
}

/// What [`looks_like_dump`] weighs: letters, capitals, sentence punctuation and words.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    letters: usize,
    upper: usize,
    punct: usize,
    words: usize,
}

impl Counts {
    /// One pass over the bytes, ASCII without decoding (every file is sniffed on every load).
    fn of(s: &str) -> Counts {
        let mut c = Counts::default();
        let mut in_word = false;
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let space = if b[i] < 0x80 {
                let x = b[i];
                i += 1;
                if x.is_ascii_alphabetic() {
                    c.letters += 1;
                    c.upper += usize::from(x.is_ascii_uppercase());
                } else if matches!(x, b'.' | b',' | b';' | b':' | b'!' | b'?' | b'"') {
                    c.punct += 1;
                }
                // `char::is_whitespace` in ASCII: tab to carriage return, and space.
                matches!(x, b'\t'..=b'\r' | b' ')
            } else {
                let ch = s[i..].chars().next().unwrap_or(' ');
                i += ch.len_utf8();
                if ch.is_alphabetic() {
                    c.letters += 1;
                    c.upper += usize::from(ch.is_uppercase());
                } else if matches!(ch, '“' | '”') {
                    c.punct += 1;
                }
                ch.is_whitespace()
            };
            c.words += usize::from(!space && !in_word);
            in_word = !space;
        }
        c
    }
}

/// Guesses the format from the path and the content (a `.txt` holding Markdown is Markdown).
pub fn sniff(path: &Path, text: &str) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "md" || ext == "markdown" || looks_like_markdown(text) {
        Format::Markdown
    } else if looks_like_dump(text) {
        Format::Lowercase
    } else {
        Format::Plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(name: &str, text: &str) -> Format {
        sniff(Path::new(name), text)
    }

    #[test]
    fn by_extension_and_content() {
        assert_eq!(s("a.md", ""), Format::Markdown);
        assert_eq!(s("a.MARKDOWN", "plain"), Format::Markdown);
        assert_eq!(s("a.txt", "## Heading\n\nText."), Format::Markdown);
        assert_eq!(s("a.txt", "---\ntitle: x\n---\nText."), Format::Markdown);
        assert_eq!(s("a.txt", "It cost \\$5 million."), Format::Markdown);
        assert_eq!(s("a.txt", "The **bold** claim."), Format::Markdown);
        assert_eq!(
            s("a.txt", "See [the report](http://x.org/r)."),
            Format::Markdown
        );
    }

    #[test]
    fn plain_not_markdown() {
        assert_eq!(s("a.txt", ""), Format::Plain);
        assert_eq!(
            s("a.txt", "# corpus-ls: ignore figure-conflict\nText."),
            Format::Plain
        );
        assert_eq!(
            s("a.txt", "Price: 5 * 3 = 15, C:\\Users\\me"),
            Format::Plain
        );
        assert_eq!(
            s("a.txt", "Talks End\n\nBy Ann Lee\n\nThe talks ended."),
            Format::Plain
        );
    }

    /// The counts as `chars` and `split_whitespace` make them (what [`Counts::of`] replaced).
    fn counts_by_chars(s: &str) -> Counts {
        let mut c = Counts::default();
        for ch in s.chars() {
            if ch.is_alphabetic() {
                c.letters += 1;
                c.upper += usize::from(ch.is_uppercase());
            } else if matches!(ch, '.' | ',' | ';' | ':' | '!' | '?' | '"' | '“' | '”') {
                c.punct += 1;
            }
        }
        c.words = s.split_whitespace().count();
        c
    }

    proptest::proptest! {
        #[test]
        fn counts_equal_the_char_by_char_counts(s in "(?s).{0,200}") {
            proptest::prop_assert_eq!(Counts::of(&s), counts_by_chars(&s));
        }

        #[test]
        fn counts_equal_on_text_like_input(
            s in "([a-zA-Zé“”.,;:!?\"ÄΩ \t\n\u{0b}\u{0c}\r\u{85}\u{a0}\u{2003}\u{3000}]{0,40})"
        ) {
            proptest::prop_assert_eq!(Counts::of(&s), counts_by_chars(&s));
        }
    }

    #[test]
    fn lowercase_dump() {
        let dump = "the talks ended in lagos on sunday with no deal ".repeat(10);
        assert_eq!(s("a.txt", &dump), Format::Lowercase);
        // Short lowercase texts are plain, not dumps.
        assert_eq!(s("a.txt", "the talks ended"), Format::Plain);
        // Lowercase with ordinary punctuation is written text, not a dump.
        let written = "the talks ended. no deal, they said. ".repeat(10);
        assert_eq!(s("a.txt", &written), Format::Plain);
        // A cased text is never a dump.
        let cased = "The Talks ended in Lagos on Sunday with no deal ".repeat(10);
        assert_eq!(s("a.txt", &cased), Format::Plain);
    }
}
