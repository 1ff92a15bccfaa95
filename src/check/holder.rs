//! Whose figure it is: the named subject a figure belongs to (`Fiat owns a 56% stake`,
//! `10.4% in Spain`), and when two figures' subjects differ.
//!
//! A sentence often lists several subjects' figures (`11% in Italy, 10.4% in Spain and 8.3%
//! in Greece`; `Unison's 800,000, the TGWU's 70,000 and Amicus' 20,000`), so a figure's names
//! are read from its *segment*: the stretch of its clause between separators (`,` `;` `(`, `and`,
//! `but`, `while`, `compared with`, another figure). Its subject is the nearest name before it
//! in the segment, else a name right after it through `in` or `at`.
//!
//! Two figures have different subjects only when both have one and neither subject is named in
//! the other's segment, so a sentence naming both (`for BMW after sales in China fell 16%`)
//! never tells them apart.

use crate::corpus::{Corpus, Resolution};
use crate::intern::{intern, IStr};
use crate::model::{EntityMention, EntityType, Span};

/// The names of a figure's segment and which of them is its subject.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Holder {
    /// Person, organisation and place names of the segment, as written, in text order.
    pub named: Box<[IStr]>,
    /// Index into `named` of the subject, if any.
    pub subject: Option<u32>,
}

impl Holder {
    /// The subject's name.
    pub fn subject(&self) -> Option<&str> {
        self.subject
            .and_then(|i| self.named.get(i as usize))
            .map(|s| s.as_str())
    }
}

/// Words that end a segment (a new subject may start after them).
const JOINS: &[&str] = &[
    " and ",
    " but ",
    " while ",
    " whereas ",
    " against ",
    " compared with ",
    " versus ",
    " - ",
];

/// Words that may stand between a figure and its subject after it (`10.4% in Spain`).
const AFTER: &[&str] = &["in", "at"];

/// True when `gap` (text between two points of a clause) holds a segment break.
pub fn breaks(gap: &str) -> bool {
    let lower = gap.to_lowercase();
    if lower.contains([';', ':', '(', ')']) {
        return true;
    }
    // A comma starts a new segment unless a relative clause follows, which keeps its
    // antecedent (`Highfields, which owns 6.7%`).
    let comma = lower.match_indices(',').any(|(i, _)| {
        let rest = lower[i + 1..].trim_start();
        !["which ", "who ", "whose "]
            .iter()
            .any(|w| rest.starts_with(w))
    });
    comma || JOINS.iter().any(|j| lower.contains(j))
}

/// The holder of the figure at `span` in `clause` of `text`. `names` are the file's entity
/// mentions near the clause; `others` the spans of the file's other figures near it.
pub fn of<'a>(
    text: &str,
    clause: Span,
    span: Span,
    names: impl Iterator<Item = &'a EntityMention>,
    others: impl Iterator<Item = Span>,
) -> Holder {
    let slice = |a: usize, b: usize| text.get(a..b.max(a)).unwrap_or("");
    let mut ents: Vec<&EntityMention> = names
        .filter(|e| {
            matches!(e.ty, EntityType::Per | EntityType::Org | EntityType::Loc)
                && e.span.start() >= clause.start()
                && e.span.end() <= clause.end()
                && !e.span.overlaps(&span)
        })
        .collect();
    ents.sort_by_key(|e| e.span.start());
    let others: Vec<Span> = others
        .filter(|o| !o.overlaps(&span) && o.start() >= clause.start() && o.end() <= clause.end())
        .collect();
    // Names joined by `and` are one subject (`the deal between Fiat and GM came to $2.5bn`):
    // the `and` between them is masked with them.
    let joined: Vec<Span> = ents
        .windows(2)
        .filter(|w| {
            let gap = slice(w[0].span.end(), w[1].span.start());
            matches!(gap.trim(), "and" | "&") && gap.starts_with(' ') && gap.ends_with(' ')
        })
        .map(|w| Span::new(w[0].span.end(), w[1].span.start()))
        .collect();
    // Entity and figure spans are masked so their own `and` or `,` break nothing
    // (`Transport and General Workers' Union`, `70,000`).
    let gap_breaks = |a: usize, b: usize| -> bool {
        if others.iter().any(|o| o.start() >= a && o.end() <= b) {
            return true;
        }
        let mut masked: String = slice(a, b).to_string();
        for e in ents.iter().map(|e| e.span).chain(joined.iter().copied()) {
            if e.start() >= a && e.end() <= b {
                let (s, t) = (e.start() - a, e.end() - a);
                if masked.is_char_boundary(s) && masked.is_char_boundary(t) {
                    masked.replace_range(s..t, &"x".repeat(t - s));
                }
            }
        }
        breaks(&masked)
    };
    let in_segment = |e: &EntityMention| {
        if e.span.end() <= span.start() {
            !gap_breaks(e.span.end(), span.start())
        } else {
            !gap_breaks(span.end(), e.span.start())
        }
    };
    let seg: Vec<&EntityMention> = ents.iter().copied().filter(|e| in_segment(e)).collect();
    // `the US firm`, `a German carmaker`: a place before a noun describes the subject, it is
    // not its name.
    let describes = |e: &EntityMention| {
        let head = slice(clause.start(), e.span.start())
            .trim_end()
            .to_lowercase();
        let next = slice(e.span.end(), clause.end()).trim_start();
        e.ty == EntityType::Loc
            && [" the", " a", " an"]
                .iter()
                .any(|d| format!(" {head}").ends_with(d))
            && next.starts_with(|c: char| c.is_lowercase())
    };
    // A name after a preposition is an object (`a filing to the Exchange`), and a person is
    // more often the speaker than the holder (`Mr Ferreira expects a loss of $2.4bn`).
    let object = |e: &EntityMention| {
        let head = slice(clause.start(), e.span.start())
            .trim_end()
            .to_lowercase();
        let head = head.strip_suffix(" the").unwrap_or(&head).trim_end();
        let last = head.rsplit(' ').next().unwrap_or("");
        matches!(
            last,
            "to" | "from" | "with" | "by" | "for" | "of" | "on" | "into" | "than"
        )
    };
    let before = seg.iter().rposition(|e| {
        e.span.end() <= span.start() && e.ty != EntityType::Per && !describes(e) && !object(e)
    });
    let after = || {
        seg.iter().position(|e| {
            e.span.start() >= span.end() && {
                let gap = slice(span.end(), e.span.start()).trim().to_lowercase();
                let gap = gap.strip_suffix(" the").unwrap_or(&gap);
                AFTER.contains(&gap)
            }
        })
    };
    let subject = before.or_else(after).map(|i| i as u32);
    let named = seg
        .iter()
        .map(|e| intern(slice(e.name.start(), e.name.end())))
        .collect();
    Holder { named, subject }
}

/// Tells names apart, through the corpus registry's aliases when the corpus has built it
/// (never built from here: a check runs on rayon's workers, and a registry built inside one
/// would wait on itself when its own parallel build stole another check).
#[derive(Clone, Copy, Default)]
pub struct Names<'a> {
    corpus: Option<&'a Corpus>,
}

impl<'a> Names<'a> {
    /// Names compared by their words and initials alone.
    pub fn plain() -> Self {
        Names { corpus: None }
    }
    /// Names compared also through the aliases of `corpus`'s registry.
    pub fn of(corpus: &'a Corpus) -> Self {
        Names {
            corpus: Some(corpus),
        }
    }

    /// True when `a` and `b` may name the same thing: a shared word, one the initials of the
    /// other (`TGWU`), or one entity in the registry. Unsure counts as the same.
    pub fn same(&self, a: &str, b: &str) -> bool {
        let (wa, wb) = (words(a), words(b));
        if wa.is_empty() || wb.is_empty() || wa.iter().any(|w| wb.contains(w)) {
            return true;
        }
        if initials_of(&wa, &wb) || initials_of(&wb, &wa) {
            return true;
        }
        match self.corpus.filter(|c| c.registry_ready()) {
            Some(c) => match (c.resolve(a), c.resolve(b)) {
                (Resolution::One(x), Resolution::One(y)) => x == y,
                (Resolution::None, _) | (_, Resolution::None) => false,
                // An ambiguous short form may be either.
                _ => true,
            },
            None => false,
        }
    }

    /// True when the two holders' subjects are different things: both have one, and neither
    /// is named in the other's segment.
    pub fn differ(&self, a: &Holder, b: &Holder) -> bool {
        let (Some(sa), Some(sb)) = (a.subject(), b.subject()) else {
            return false;
        };
        !b.named.iter().any(|n| self.same(sa, n)) && !a.named.iter().any(|n| self.same(sb, n))
    }
}

/// Words that do not tell names apart.
const GENERIC: &[&str] = &[
    "the", "of", "and", "&", "group", "company", "co", "corp", "inc", "plc", "ltd", "s",
];

/// A name's telling words, lowercased, possessives dropped.
fn words(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric() && c != '&')
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty() && !GENERIC.contains(&w.as_str()))
        .collect()
}

/// True when `short` is one word spelling the initials of `long`'s words (`tgwu`).
fn initials_of(short: &[String], long: &[String]) -> bool {
    let [s] = short else { return false };
    long.len() >= 2
        && s.len() == long.len()
        && s.chars().zip(long.iter()).all(|(c, w)| w.starts_with(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MentionSource;

    fn mention(text: &str, name: &str, ty: EntityType) -> EntityMention {
        let at = text.find(name).unwrap();
        let span = Span::new(at, at + name.len());
        EntityMention {
            span,
            name: span,
            ty,
            cue: None,
            source: MentionSource::Detected,
        }
    }

    /// The holder of `fig` in `text`, with `names` as organisation mentions.
    fn holder(text: &str, fig: &str, names: &[&str], figs: &[&str]) -> Holder {
        let at = text.find(fig).unwrap();
        let ms: Vec<EntityMention> = names
            .iter()
            .map(|n| mention(text, n, EntityType::Org))
            .collect();
        let others = figs.iter().map(|f| {
            let a = text.find(f).unwrap();
            Span::new(a, a + f.len())
        });
        of(
            text,
            Span::new(0, text.len()),
            Span::new(at, at + fig.len()),
            ms.iter(),
            others,
        )
    }

    #[test]
    fn a_list_gives_each_figure_its_own_subject() {
        let t = "The rate was 8.1% in Norway, 10.4% in Chile and 9.7% in Peru.";
        let ns = ["Norway", "Chile", "Peru"];
        let figs = ["8.1%", "10.4%", "9.7%"];
        assert_eq!(holder(t, "10.4%", &ns, &figs).subject(), Some("Chile"));
        assert_eq!(holder(t, "9.7%", &ns, &figs).subject(), Some("Peru"));
        assert_eq!(holder(t, "8.1%", &ns, &figs).subject(), Some("Norway"));
    }

    #[test]
    fn the_subject_comes_before_the_figure_and_keeps_its_relative_clause() {
        let t = "Orla Capital, which already owns 6.7% of Dunmore Stores, made the bid.";
        let h = holder(t, "6.7%", &["Orla Capital", "Dunmore Stores"], &[]);
        assert_eq!(h.subject(), Some("Orla Capital"));
        // An `and` inside a name splits nothing.
        let t = "the Union of Bakers and Millers' 30,000 and Verta's 12,000 will vote";
        let ns = ["Union of Bakers and Millers", "Verta"];
        let figs = ["30,000", "12,000"];
        assert_eq!(
            holder(t, "30,000", &ns, &figs).subject(),
            Some("Union of Bakers and Millers")
        );
        assert_eq!(holder(t, "12,000", &ns, &figs).subject(), Some("Verta"));
    }

    #[test]
    fn subjects_differ_only_when_neither_is_named_beside_the_other() {
        let names = Names::plain();
        let a = holder(
            "Korvo owns a 40% stake in Lume.",
            "40%",
            &["Korvo", "Lume"],
            &[],
        );
        let b = holder(
            "Tessel owns a 40% stake in Lume.",
            "40%",
            &["Tessel", "Lume"],
            &[],
        );
        assert!(names.differ(&a, &b));
        let c = holder(
            "Lume worries Tessel after sales there fell 40%.",
            "40%",
            &["Lume", "Tessel"],
            &[],
        );
        assert!(!names.differ(&b, &c));
        // No subject on one side: nothing to tell apart.
        let d = holder("It owns a 40% stake.", "40%", &[], &[]);
        assert!(!names.differ(&a, &d));
    }

    #[test]
    fn names_joined_by_and_are_one_subject() {
        let names = Names::plain();
        let t = "The deal between Korvo and Tessel came to $2.5bn.";
        let joint = holder(t, "$2.5bn", &["Korvo", "Tessel"], &[]);
        assert_eq!(&*joint.named, &[intern("Korvo"), intern("Tessel")]);
        let korvo = holder(
            "Korvo reached a $2bn deal with the US group.",
            "$2bn",
            &["Korvo"],
            &[],
        );
        assert!(!names.differ(&joint, &korvo));
        // Figures between names still part them (`Korvo's 40% and Tessel's 12%`).
        let t = "Korvo's 40% and Tessel's 12% were sold.";
        let h = holder(t, "12%", &["Korvo", "Tessel"], &["40%"]);
        assert_eq!(h.subject(), Some("Tessel"));
        assert_eq!(h.named.len(), 1);
    }

    #[test]
    fn initials_and_shared_words_name_the_same_thing() {
        let n = Names::plain();
        assert!(n.same("TGWU", "Transport and General Workers' Union"));
        assert!(n.same("Circuit City", "Circuit City Stores"));
        assert!(n.same("Highfields", "Highfields Capital Management"));
        assert!(!n.same("Fiat", "GM"));
        assert!(!n.same("Nestle", "Reuters"));
    }
}
