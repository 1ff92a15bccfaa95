//! Gold annotations people already have: brat standoff (`.ann` beside a `.txt`) and CoNLL files.
//!
//! Both readers return mentions in byte offsets of the file they annotate, with
//! `MentionSource::Gold`, plus human-readable problems for lines they could not use.

use super::aliases;
use crate::model::{EntityMention, EntityType, MentionSource, Span};

/// Gold mentions read from an annotation source, and what could not be used.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gold {
    /// Mentions sorted by start.
    pub mentions: Vec<EntityMention>,
    /// Lines skipped, with reasons (`line 3: unknown type DATE`).
    pub problems: Vec<String>,
}

/// Builds a gold mention over `span` of `text`, splitting a leading honorific or title into the cue.
pub fn gold_mention(text: &str, span: Span, ty: EntityType) -> EntityMention {
    let mut name = span;
    let mut cue = None;
    if ty == EntityType::Per {
        let surface = span.slice(text);
        let words: Vec<(usize, &str)> = word_offsets(surface);
        let toks: Vec<String> = words.iter().map(|(_, w)| aliases::plain_key(w)).collect();
        let n = aliases::title_prefix_len(&toks);
        if n > 0 && n < words.len() {
            let cue_end = words[n - 1].0 + words[n - 1].1.len();
            cue = Some(aliases::plain_key(&surface[..cue_end]));
            name = Span::new(span.start() + words[n].0, span.end());
        }
    }
    EntityMention {
        span,
        name,
        ty,
        cue: cue.map(Into::into),
        source: MentionSource::Gold,
    }
}

fn word_offsets(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// Byte offset of the `n`th character of `text` (brat counts characters), if in range.
fn char_to_byte(text: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(0);
    }
    match text.char_indices().nth(n) {
        Some((b, _)) => Some(b),
        None if text.chars().count() == n => Some(text.len()),
        None => None,
    }
}

/// Reads a brat standoff file against the text it annotates.
///
/// Offsets are characters, as brat writes them. A discontinuous span (`0 5;8 12`) is read as its
/// outer range. A `T` line whose recorded text does not match the text at its offsets is skipped
/// (the text was edited since), as are types outside PER/ORG/LOC/MISC and non-`T` lines.
pub fn read_brat(ann: &str, text: &str) -> Gold {
    let mut gold = Gold::default();
    for (i, line) in ann.lines().enumerate() {
        let lineno = i + 1;
        if !line.starts_with('T') {
            continue;
        }
        let mut cols = line.splitn(3, '\t');
        let (_id, Some(spec), recorded) = (cols.next(), cols.next(), cols.next()) else {
            gold.problems.push(format!(
                "line {lineno}: expected `T1<TAB>TYPE START END<TAB>text`"
            ));
            continue;
        };
        let Some((ty_name, ranges)) = spec.split_once(' ') else {
            gold.problems
                .push(format!("line {lineno}: no offsets after the type"));
            continue;
        };
        let Some(ty) = EntityType::parse(ty_name) else {
            gold.problems.push(format!(
                "line {lineno}: type {ty_name} is not PER, ORG, LOC or MISC; skipped"
            ));
            continue;
        };
        let mut lo = usize::MAX;
        let mut hi = 0usize;
        let mut ok = true;
        for part in ranges.split(';') {
            let mut nums = part.split_whitespace().map(str::parse::<usize>);
            match (nums.next(), nums.next(), nums.next()) {
                (Some(Ok(a)), Some(Ok(b)), None) if a <= b => {
                    lo = lo.min(a);
                    hi = hi.max(b);
                }
                _ => ok = false,
            }
        }
        let span = match (ok, char_to_byte(text, lo), char_to_byte(text, hi)) {
            (true, Some(s), Some(e)) if s < e => Span::new(s, e),
            _ => {
                gold.problems.push(format!(
                    "line {lineno}: offsets `{ranges}` are not in the text"
                ));
                continue;
            }
        };
        if let Some(recorded) = recorded {
            let discontinuous = ranges.contains(';');
            let actual = span.slice(text);
            let matches = if discontinuous {
                // brat joins the fragments with a space; compare the ends only.
                let first = recorded.split(' ').next().unwrap_or("");
                let last = recorded.rsplit(' ').next().unwrap_or("");
                actual.starts_with(first) && actual.ends_with(last)
            } else {
                actual == recorded
            };
            if !matches {
                gold.problems.push(format!(
                    "line {lineno}: the text at {ranges} reads {actual:?}, not {recorded:?}; skipped"
                ));
                continue;
            }
        }
        gold.mentions.push(gold_mention(text, span, ty));
    }
    gold.mentions
        .sort_by_key(|m| (m.span.start(), m.span.end()));
    gold.mentions.dedup_by_key(|m| m.span);
    gold
}

/// A CoNLL file read as a document: its tokens (byte ranges in the file) and gold mentions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conll {
    /// Each token's bytes in the `.conll` file, in order.
    pub tokens: Vec<Span>,
    /// For each token, true when it ends a sentence (a blank line or `-DOCSTART-` follows).
    pub sentence_end: Vec<bool>,
    /// Gold mentions: from the first byte of the first token to the last byte of the last.
    pub gold: Gold,
}

impl Conll {
    /// The tokens joined by spaces and sentences by newlines, with, for each byte of that text,
    /// the file byte it stands for (separators stand for the byte after the token before them).
    pub fn synthetic_text(&self, file: &str) -> (String, Vec<usize>) {
        let mut text = String::new();
        let mut map = Vec::new();
        for (i, t) in self.tokens.iter().enumerate() {
            if i > 0 {
                let sep = if self.sentence_end[i - 1] { '\n' } else { ' ' };
                text.push(sep);
                map.push(self.tokens[i - 1].end());
            }
            text.push_str(t.slice(file));
            map.extend(t.start()..t.end());
        }
        map.push(self.tokens.last().map_or(0, |t| t.end()));
        (text, map)
    }

    /// The words inside `span` joined by single spaces (`Liu He` for a two-line CoNLL mention).
    pub fn words_in<'a>(&self, file: &'a str, span: Span) -> Vec<&'a str> {
        let a = self.tokens.partition_point(|t| t.start() < span.start());
        let b = self.tokens.partition_point(|t| t.start() < span.end());
        self.tokens[a..b]
            .iter()
            .filter(|t| t.end() <= span.end())
            .map(|t| t.slice(file))
            .collect()
    }
}

/// Reads a CoNLL file (token first, tag last on each line; BIO or IOB1 tags; `-DOCSTART-`).
pub fn read_conll(file: &str) -> Conll {
    let mut c = Conll::default();
    let mut open: Option<(usize, usize, EntityType)> = None; // first token, last token, type
    let close = |open: &mut Option<(usize, usize, EntityType)>, c: &mut Conll| {
        if let Some((a, b, ty)) = open.take() {
            let span = Span::new(c.tokens[a].start(), c.tokens[b].end());
            c.gold.mentions.push(EntityMention {
                span,
                name: span,
                ty,
                cue: None,
                source: MentionSource::Gold,
            });
        }
    };
    let mut offset = 0usize;
    for (lineno, line) in file.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let lead = content.len() - content.trim_start().len();
        let mut cols = content.split_whitespace();
        let Some(token) = cols.next() else {
            close(&mut open, &mut c);
            if let Some(last) = c.sentence_end.last_mut() {
                *last = true;
            }
            continue;
        };
        if token == "-DOCSTART-" {
            close(&mut open, &mut c);
            if let Some(last) = c.sentence_end.last_mut() {
                *last = true;
            }
            continue;
        }
        let tag = cols.last().unwrap_or("O");
        let idx = c.tokens.len();
        let tstart = start + lead;
        c.tokens.push(Span::new(tstart, tstart + token.len()));
        c.sentence_end.push(false);
        let (prefix, ty_name) = tag.split_once('-').unwrap_or((tag, ""));
        let ty = if prefix == "O" {
            None
        } else {
            match EntityType::parse(ty_name) {
                Some(t) if prefix == "B" || prefix == "I" => Some(t),
                _ => {
                    c.gold.problems.push(format!(
                        "line {}: tag {tag} is not O, B-TYPE or I-TYPE of PER/ORG/LOC/MISC; read as O",
                        lineno + 1
                    ));
                    None
                }
            }
        };
        match ty {
            None => close(&mut open, &mut c),
            // IOB1 uses I- to start an entity unless it touches one of the same type; BIO uses B-.
            Some(t) => match open {
                Some((a, _, ot)) if ot == t && prefix == "I" => open = Some((a, idx, t)),
                _ => {
                    close(&mut open, &mut c);
                    open = Some((idx, idx, t));
                }
            },
        }
    }
    close(&mut open, &mut c);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brat_reads_char_offsets_and_splits_titles() {
        let text = "Café owner Mr. Liu met Vice Premier Liu He.";
        let ann = "T1\tPER 11 18\tMr. Liu\nT2\tPER 23 42\tVice Premier Liu He\n#1\tAnnotatorNotes T1\tx\nT3\tDATE 0 4\tCafé\n";
        let g = read_brat(ann, text);
        assert_eq!(g.mentions.len(), 2, "{:?}", g.problems);
        assert_eq!(g.mentions[0].span.slice(text), "Mr. Liu");
        assert_eq!(g.mentions[0].name.slice(text), "Liu");
        assert_eq!(g.mentions[0].cue.as_deref(), Some("mr"));
        assert_eq!(g.mentions[1].name.slice(text), "Liu He");
        assert_eq!(g.mentions[1].cue.as_deref(), Some("vice premier"));
        assert_eq!(g.problems.len(), 1);
        assert!(g.problems[0].contains("DATE"));
    }

    #[test]
    fn brat_discontinuous_takes_outer_range_and_stale_lines_are_skipped() {
        let text = "North and South Korea talked.";
        let ann =
            "T1\tLOC 0 5;16 21\tNorth Korea\nT2\tLOC 10 15\tNorth\nT3\tLOC 99 120\tx\nT4\tbroken\n";
        let g = read_brat(ann, text);
        assert_eq!(g.mentions.len(), 1);
        assert_eq!(g.mentions[0].span.slice(text), "North and South Korea");
        assert_eq!(g.problems.len(), 3, "{:?}", g.problems);
    }

    #[test]
    fn conll_bio_and_iob1_map_to_file_bytes() {
        let file = "-DOCSTART- -X- -X- O\n\nLiu NNP B-NP B-PER\nHe NNP I-NP I-PER\nvisited VBD B-VP O\nNew NNP B-NP I-LOC\nYork NNP I-NP I-LOC\n. . O O\n\nZTE NNP B-NP I-ORG\nZTE NNP B-NP B-ORG\n";
        let c = read_conll(file);
        let names: Vec<(String, EntityType)> = c
            .gold
            .mentions
            .iter()
            .map(|m| (c.words_in(file, m.span).join(" "), m.ty))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Liu He".to_string(), EntityType::Per),
                ("New York".to_string(), EntityType::Loc),
                ("ZTE".to_string(), EntityType::Org),
                ("ZTE".to_string(), EntityType::Org),
            ]
        );
        assert_eq!(
            c.gold.mentions[0].span.slice(file).lines().next(),
            Some("Liu NNP B-NP B-PER")
        );
        let (text, map) = c.synthetic_text(file);
        assert_eq!(text, "Liu He visited New York .\nZTE ZTE");
        assert_eq!(map.len(), text.len() + 1);
        assert_eq!(&file[map[7]..map[7] + 7], "visited");
    }

    #[test]
    fn conll_bad_tags_and_empty_input() {
        assert_eq!(read_conll(""), Conll::default());
        let c = read_conll("word X-FOO\r\nother B-PER\r\n");
        assert_eq!(c.gold.mentions.len(), 1);
        assert_eq!(c.gold.problems.len(), 1);
        assert_eq!(c.tokens[1].slice("word X-FOO\r\nother B-PER\r\n"), "other");
    }
}
