//! brat standoff: one `T` line a span, `T1<TAB>LABEL START END<TAB>text`, offsets in characters.
//!
//! brat's text field holds no line break, so a span that crosses lines is written as
//! discontinuous fragments (`START END;START END`), one a line, joined by a space in the text
//! field, as brat itself writes them.

use super::{CharIndex, Labeled};

/// The `.ann` file of `text` with `spans`.
pub fn ann(text: &str, spans: &[Labeled]) -> String {
    let ix = CharIndex::new(text);
    let mut out = String::new();
    let mut n = 0;
    for l in spans {
        let pieces = fragments(text, l.span.start(), l.span.end());
        if pieces.is_empty() {
            continue;
        }
        n += 1;
        let offsets: Vec<String> = pieces
            .iter()
            .map(|&(a, b)| format!("{} {}", ix.chars(a), ix.chars(b)))
            .collect();
        let words: Vec<&str> = pieces.iter().map(|&(a, b)| &text[a..b]).collect();
        out.push_str(&format!(
            "T{n}\t{} {}\t{}\n",
            label(&l.label),
            offsets.join(";"),
            words.join(" ")
        ));
    }
    out
}

/// A label as brat accepts it (no whitespace).
fn label(l: &str) -> String {
    l.split_whitespace().collect::<Vec<_>>().join("_")
}

/// The non-blank pieces of `start..end` between line breaks, each trimmed of spaces.
fn fragments(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut a = start;
    for piece in text[start..end].split('\n') {
        let b = a + piece.len();
        let lead = piece.len() - piece.trim_start().len();
        let trail = piece.len() - piece.trim_end().len();
        if lead + trail < piece.len() {
            out.push((a + lead, b - trail));
        }
        a = b + 1;
    }
    out
}

/// brat's `annotation.conf` declaring the labels used.
pub fn annotation_conf<'a>(labels: impl IntoIterator<Item = &'a str>) -> String {
    let mut labels: Vec<String> = labels.into_iter().map(label).collect();
    labels.sort();
    labels.dedup();
    format!(
        "[entities]\n{}\n[relations]\n\n[events]\n\n[attributes]\n",
        labels.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::annotations::read_brat;
    use crate::model::{EntityType, Span};

    fn at(text: &str, word: &str, label: &str) -> Labeled {
        let s = text.find(word).unwrap();
        Labeled {
            span: Span::new(s, s + word.len()),
            label: label.into(),
        }
    }

    #[test]
    fn read_back_by_the_brat_reader_gives_the_same_spans() {
        let text = "Señora Díaz of Övik Paper met 😀 Jens Holm\nin Tromsø on Friday.";
        let spans = vec![
            at(text, "Díaz", "PER"),
            at(text, "Övik Paper", "ORG"),
            at(text, "Jens Holm", "PER"),
            at(text, "Tromsø", "LOC"),
        ];
        let file = ann(text, &spans);
        let gold = read_brat(&file, text);
        assert!(gold.problems.is_empty(), "{:?}\n{file}", gold.problems);
        let back: Vec<(Span, EntityType)> = gold.mentions.iter().map(|m| (m.span, m.ty)).collect();
        let want: Vec<(Span, EntityType)> = spans
            .iter()
            .map(|l| (l.span, EntityType::parse(&l.label).unwrap()))
            .collect();
        assert_eq!(back, want);
        // Characters, not bytes: "Señora " is 7 characters and 8 bytes.
        assert!(file.starts_with("T1\tPER 7 11\tDíaz\n"), "{file}");
    }

    #[test]
    fn a_span_across_lines_is_discontinuous_and_reads_back_whole() {
        let text = "It cost $4\r\nbillion in all.";
        let s = text.find("$4").unwrap();
        let e = text.find("billion").unwrap() + "billion".len();
        let spans = [Labeled {
            span: Span::new(s, e),
            label: "MONEY".into(),
        }];
        let file = ann(text, &spans);
        assert_eq!(file, "T1\tMONEY 8 10;12 19\t$4 billion\n");
        // The reader knows only entity types; it says so rather than guessing.
        let gold = read_brat(&file, text);
        assert!(gold.mentions.is_empty());
        assert!(gold.problems[0].contains("MONEY"), "{:?}", gold.problems);
        assert_eq!(
            annotation_conf(["PER", "MONEY", "PER"]),
            "[entities]\nMONEY\nPER\n[relations]\n\n[events]\n\n[attributes]\n"
        );
    }
}
