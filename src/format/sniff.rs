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
    let s = sample(text);
    let (mut letters, mut upper, mut punct) = (0usize, 0usize, 0usize);
    for c in s.chars() {
        if c.is_alphabetic() {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        } else if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '"' | '“' | '”') {
            punct += 1;
        }
    }
    let words = s.split_whitespace().count();
    words >= MIN_DUMP_WORDS && upper * 200 <= letters && punct * 50 <= words
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
