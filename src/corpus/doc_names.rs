//! Per-document name facts: keys, in-document short-form links, descriptions.
//!
//! Computed once per file when it is analysed, so re-deriving the corpus registry after an edit
//! only merges these lists and never re-reads other files' text.

use super::aliases;
use crate::intern::{intern, intern_all, IStr, Table};
use crate::model::{EntityMention, EntityType, MentionSource, Span};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// What a short form (a surname, `Mr. Liu`) joins inside its own document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InDocLink {
    /// Nothing earlier in the document: decided at corpus level.
    Open,
    /// The earlier full name with this key.
    To(IStr),
    /// Several earlier full names fit; the keys of all of them.
    Ambiguous(Box<[IStr]>),
}

/// What a mention says about its name, apart from where it is: one shared copy for every
/// mention that says the same (a corpus has millions of mentions but few distinct names), so a
/// [`DocName`] is a span and a pointer. Read through the `DocName` (`d.key`, `d.ty`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameFacts {
    /// Its type.
    pub ty: EntityType,
    /// Detected, gold or user.
    pub source: MentionSource,
    /// A short form that may stand for a fuller name: a one-token person name (`Liu` in
    /// `Mr. Liu`), or a company name that starts an earlier one in the document (`Kestrel`).
    pub short: bool,
    /// The mention as written (tokens joined by spaces for CoNLL files).
    pub surface: IStr,
    /// The name as written, without honorific or title (`Liu He`, `Liu`).
    pub name: IStr,
    /// The name's key (`liu he`, `liu`), honorifics and titles stripped for people.
    pub key: IStr,
    /// What a short form joins inside this document.
    pub link: InDocLink,
    /// A title cue before the name (`vice premier`), honorifics excluded.
    pub title: Option<IStr>,
}

fn facts_table() -> &'static Table<Arc<NameFacts>> {
    static TABLE: OnceLock<Table<Arc<NameFacts>>> = OnceLock::new();
    TABLE.get_or_init(Table::default)
}

/// Heap bytes of the shared name facts (for memory reports).
pub fn facts_bytes() -> usize {
    // An `Arc` allocation: two counts, then the facts.
    facts_table().bytes(|_| 16 + std::mem::size_of::<NameFacts>())
}

/// The shared copy of `facts` (the one every equal [`DocName`] points to).
pub fn shared_facts(facts: NameFacts) -> Arc<NameFacts> {
    facts_table().get(&facts, || Arc::new(facts.clone()))
}

/// One entity mention of a document, with what the registry needs to know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocName {
    /// The name in source bytes, without honorific or title (`Liu` of `Mr. Liu`).
    pub span: Span,
    /// Its name facts, shared.
    facts: Arc<NameFacts>,
    /// An appositive after the name (`vice premier and ...` from `Liu He, a vice premier and ...`),
    /// boxed: few mentions have one. Read it with `.as_deref()`.
    pub appositive: Option<Box<(IStr, Span)>>,
}

impl DocName {
    /// A mention at `span` saying `facts` (made shared with every equal one).
    pub fn new(span: Span, facts: NameFacts, appositive: Option<(IStr, Span)>) -> DocName {
        let facts = shared_facts(facts);
        DocName {
            span,
            facts,
            appositive: appositive.map(Box::new),
        }
    }

    /// A mention at `span` saying facts already made shared by [`shared_facts`] (the
    /// warm-start cache makes each distinct facts of a file once).
    pub fn with_shared(
        span: Span,
        facts: Arc<NameFacts>,
        appositive: Option<(IStr, Span)>,
    ) -> DocName {
        DocName {
            span,
            facts,
            appositive: appositive.map(Box::new),
        }
    }

    /// The name facts, apart from the span.
    pub fn facts(&self) -> &NameFacts {
        &self.facts
    }
}

impl std::ops::Deref for DocName {
    type Target = NameFacts;
    fn deref(&self) -> &NameFacts {
        &self.facts
    }
}

/// Builds the name facts of one document from its mentions (in order).
///
/// `display` gives the text a span stands for (a slice, or the words of a CoNLL span); `cased`
/// allows appositives, which need punctuation; `ignored` holds plain keys the user says are no
/// names (`None` when the user ignores nothing: no plain key is made then).
pub fn doc_names(
    text: &str,
    mentions: &[EntityMention],
    display: &dyn Fn(Span) -> String,
    cased: bool,
    ignored: Option<&dyn Fn(&str) -> bool>,
) -> Vec<DocName> {
    let mut out = Vec::with_capacity(mentions.len());
    let mut fulls: Vec<String> = Vec::new();
    let mut orgs: Vec<String> = Vec::new();
    let (all_fulls, sexes) = sexes_of_people(mentions, display);
    for m in mentions {
        let surface = display(m.span);
        let name_text = display(m.name);
        if let Some(ignored) = ignored {
            if ignored(&aliases::plain_key(&surface)) || ignored(&aliases::plain_key(&name_text)) {
                continue;
            }
        }
        let mut name = if m.ty == EntityType::Per {
            aliases::strip_title_prefix(&name_text).to_string()
        } else {
            name_text.trim().to_string()
        };
        let mut key = aliases::name_key(&name, m.ty);
        // One letter (`s` left over from a possessive) names nothing anyone would look up.
        if key.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
            continue;
        }
        let mut short = false;
        let mut link = InDocLink::Open;
        let mut ty = m.ty;
        if let Some(long) = expansion_before(text, out.last(), m, &name) {
            // `International Monetary Fund (IMF)`: the acronym is the earlier name's short form,
            // here and wherever the corpus writes it.
            short = true;
            ty = long.ty;
            link = InDocLink::To(long.key.clone());
        } else if m.ty == EntityType::Per {
            if key.contains(' ') {
                key = aliases::full_person_key(&key);
                if !fulls.contains(&key) {
                    fulls.push(key.clone());
                }
            } else {
                short = true;
                // `Mrs Howard` beside `Michael Howard` and `Mr Howard`: his namesake, not him.
                let sex = m.cue.as_deref().and_then(aliases::sex_of_cue);
                let fits = |full: &str| sex.is_none_or(|x| sexes.get(full).is_none_or(|s| *s == x));
                link = in_doc_link(&fulls, &key, fits);
                let namesake_only = sex.is_some()
                    && link == InDocLink::Open
                    && in_doc_link(&all_fulls, &key, |_| true) != InDocLink::Open
                    && in_doc_link(&all_fulls, &key, fits) == InDocLink::Open;
                if namesake_only {
                    // A person of their own, named with the honorific, here and in the corpus:
                    // never joined to the namesake by surname.
                    name = surface.trim().to_string();
                    key = aliases::plain_key(&surface);
                }
            }
        } else if m.ty == EntityType::Org {
            // A later company name that starts an earlier one (`Kestrel` after
            // `Kestrel Shipping Company`) is its short form; unless it names something of its
            // own (`US` of `US Federal Reserve`, `BBC` of `BBC Sport`) or the document wrote it
            // on its own before the longer name.
            let own_name = names_on_its_own(&name, &key) || orgs.contains(&key);
            let longer: Vec<String> = orgs
                .iter()
                .filter(|o| {
                    !own_name
                        && o.len() > key.len()
                        && o.starts_with(&key)
                        && o.as_bytes()[key.len()] == b' '
                })
                .cloned()
                .collect();
            match longer.len() {
                0 => push_unique(&mut orgs, key.clone()),
                1 => {
                    short = true;
                    link = InDocLink::To(intern(&longer[0]));
                }
                _ => {
                    short = true;
                    link = InDocLink::Ambiguous(intern_all(&longer));
                }
            }
        }
        let title = m
            .cue
            .as_deref()
            .filter(|c| aliases::is_title_cue(c))
            .map(aliases::plain_key)
            .or_else(|| title_in_surface(&surface, m.ty));
        let appositive = if cased {
            appositive(text, m.span)
        } else {
            None
        };
        let facts = NameFacts {
            ty,
            source: m.source,
            short,
            surface: intern(&surface),
            name: intern(&name),
            key: intern(&key),
            link,
            title: title.map(|t| intern(&t)),
        };
        let appositive = appositive.map(|(t, s)| (intern(&t), s));
        // Positions follow the name (CoNLL): `Botin` of `Mr Botin`; the honorific stays a cue.
        out.push(DocName::new(m.name, facts, appositive));
    }
    out.shrink_to_fit();
    out
}

/// True when a name that starts a longer one is a name of its own rather than the longer name's
/// short form: an acronym (already the short form of something else: `BBC` of `BBC Sport`,
/// `IBM` of `IBM Blue Gene`), or a place or people the lexicon knows (`US` of `US Federal
/// Reserve`, `Liverpool` of `Liverpool Echo`), which the longer name only locates.
fn names_on_its_own(name: &str, key: &str) -> bool {
    use crate::extract::entities::lexicon::{contains, Category};
    aliases::looks_like_acronym(name)
        || [
            Category::Country,
            Category::City,
            Category::Region,
            Category::Demonym,
        ]
        .into_iter()
        .any(|c| contains(c, key))
}

/// The name an acronym mention spells out when it follows it in brackets (Schwartz-Hearst:
/// `International Monetary Fund (IMF)`): `prev`, the document's previous name, if it fits.
fn expansion_before<'a>(
    text: &str,
    prev: Option<&'a DocName>,
    m: &EntityMention,
    name: &str,
) -> Option<&'a DocName> {
    if m.ty == EntityType::Per || !aliases::looks_like_acronym(name) {
        return None;
    }
    prev.filter(|p| {
        p.ty != EntityType::Per
            && !p.short
            && text
                .get(p.span.end()..m.name.start())
                .is_some_and(|gap| gap.trim() == "(")
            && aliases::abbreviates(name, &p.name)
    })
}

/// True when two name lists agree in everything the registry joins on, spans aside: an edit
/// that only moved the mentions (or changed no name at all).
pub fn same_names(a: &[DocName], b: &[DocName]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            (Arc::ptr_eq(&x.facts, &y.facts) || x.facts == y.facts)
                && x.appositive.as_deref().map(|(t, _)| t)
                    == y.appositive.as_deref().map(|(t, _)| t)
        })
}

fn push_unique(v: &mut Vec<String>, x: String) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// The people of a document (full-name keys) and the sex honorifics state for them: on the
/// full name itself, else what most short forms with a sexed honorific that join it say (the
/// first of them on a tie).
fn sexes_of_people(
    mentions: &[EntityMention],
    display: &dyn Fn(Span) -> String,
) -> (Vec<String>, HashMap<String, aliases::Sex>) {
    use aliases::Sex;
    let mut fulls: Vec<String> = Vec::new();
    let mut own: HashMap<String, Sex> = HashMap::new();
    // Per full name: (male votes, female votes, first vote).
    let mut votes: HashMap<String, (u32, u32, Sex)> = HashMap::new();
    for m in mentions.iter().filter(|m| m.ty == EntityType::Per) {
        let key = aliases::person_key(aliases::strip_title_prefix(&display(m.name)));
        let sex = m.cue.as_deref().and_then(aliases::sex_of_cue);
        if key.contains(' ') {
            let key = aliases::full_person_key(&key);
            push_unique(&mut fulls, key.clone());
            if let Some(sex) = sex {
                own.entry(key).or_insert(sex);
            }
        } else if let (Some(sex), InDocLink::To(k)) = (sex, in_doc_link(&fulls, &key, |_| true)) {
            let v = votes.entry(k.to_string()).or_insert((0, 0, sex));
            match sex {
                Sex::Male => v.0 += 1,
                Sex::Female => v.1 += 1,
            }
        }
    }
    let mut sexes: HashMap<String, Sex> = votes
        .into_iter()
        .map(|(k, (m, f, first))| {
            let sex = match m.cmp(&f) {
                std::cmp::Ordering::Greater => Sex::Male,
                std::cmp::Ordering::Less => Sex::Female,
                std::cmp::Ordering::Equal => first,
            };
            (k, sex)
        })
        .collect();
    sexes.extend(own);
    (fulls, sexes)
}

/// The earlier full name a surname joins: by last token, else by first (`Mr. Liu` -> `Liu He`);
/// only names for which `fits` holds are candidates.
fn in_doc_link(fulls: &[String], short: &str, fits: impl Fn(&str) -> bool) -> InDocLink {
    let fulls: Vec<&String> = fulls.iter().filter(|f| fits(f)).collect();
    let by_last: Vec<String> = fulls
        .iter()
        .filter(|f| aliases::first_last(f).is_some_and(|(_, l)| l == short))
        .map(|f| f.to_string())
        .collect();
    let cands = if by_last.is_empty() {
        fulls
            .iter()
            .filter(|f| aliases::first_last(f).is_some_and(|(fst, _)| fst == short))
            .map(|f| f.to_string())
            .collect()
    } else {
        by_last
    };
    match cands.len() {
        0 => InDocLink::Open,
        1 => InDocLink::To(intern(&cands[0])),
        _ => InDocLink::Ambiguous(intern_all(&cands)),
    }
}

/// A title written inside a person mention's own span (`Vice Premier` of `Vice Premier Liu He`).
fn title_in_surface(surface: &str, ty: EntityType) -> Option<String> {
    if ty != EntityType::Per {
        return None;
    }
    let toks = aliases::tokens(surface);
    let n = aliases::title_prefix_len(&toks);
    let cue = toks[..n].join(" ");
    (n > 0 && aliases::is_title_cue(&cue)).then_some(cue)
}

/// Where the clause starting `body` ends: punctuation, but not a comma or dot inside a number.
fn clause_end(body: &str) -> usize {
    let b = body.as_bytes();
    for (i, c) in body.char_indices() {
        let in_number = matches!(c, ',' | '.')
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !in_number
            && matches!(
                c,
                ',' | '.' | ';' | ':' | '(' | ')' | '—' | '\n' | '"' | '“' | '”'
            )
        {
            return i;
        }
    }
    body.len()
}

/// Words after `span` of the form `, a/an/the ...` up to the next clause break.
fn appositive(text: &str, span: Span) -> Option<(String, Span)> {
    let rest = text.get(span.end()..)?;
    let after_comma = rest.strip_prefix(',')?;
    let lead = after_comma.len() - after_comma.trim_start_matches([' ', '\t']).len();
    let body = &after_comma[lead..];
    let first = body.split(' ').next()?;
    if !matches!(first, "a" | "an" | "the") {
        return None;
    }
    let end = clause_end(body);
    let mut phrase = &body[..end];
    for stop in [
        " who ", " which ", " that ", " is ", " was ", " are ", " were ", " has ", " had ",
        " said ", " says ",
    ] {
        if let Some(i) = phrase.find(stop) {
            phrase = &phrase[..i];
        }
    }
    let mut words: Vec<&str> = Vec::new();
    let mut kept_len = 0;
    for w in phrase.split_whitespace().take(16) {
        // Words are subslices of `phrase`, so their end is found by pointer offset.
        kept_len = w.as_ptr() as usize - phrase.as_ptr() as usize + w.len();
        words.push(w);
    }
    if words.len() < 2 {
        return None;
    }
    let start = span.end() + 1 + lead;
    let loc = Span::new(start, start + kept_len);
    let desc: String = words[1..]
        .join(" ")
        .chars()
        .filter(|c| *c != '*' && *c != '_')
        .collect();
    Some((desc, loc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MentionSource;

    fn m(text: &str, surface: &str, name: &str, ty: EntityType, nth: usize) -> EntityMention {
        let start = text.match_indices(surface).nth(nth).unwrap().0;
        let off = surface.find(name).unwrap();
        EntityMention {
            span: Span::new(start, start + surface.len()),
            name: Span::new(start + off, start + off + name.len()),
            ty,
            cue: None,
            source: MentionSource::Detected,
        }
    }

    fn names(text: &str, ms: &[EntityMention]) -> Vec<DocName> {
        doc_names(
            text,
            ms,
            &|s: Span| s.slice(text).to_string(),
            true,
            Some(&|k: &str| k == "share"),
        )
    }

    #[test]
    fn surnames_join_earlier_full_names_in_the_document() {
        let t = "Vice Premier Liu He, a vice premier and old friend of the leader, met Wilbur Ross. Mr. Liu said so. Ross agreed. Share.";
        let ms = vec![
            m(t, "Vice Premier Liu He", "Liu He", EntityType::Per, 0),
            m(t, "Wilbur Ross", "Wilbur Ross", EntityType::Per, 0),
            m(t, "Mr. Liu", "Liu", EntityType::Per, 0),
            m(t, "Ross", "Ross", EntityType::Per, 1),
            m(t, "Share", "Share", EntityType::Org, 0),
        ];
        let n = names(t, &ms);
        assert_eq!(n.len(), 4, "ignored form dropped");
        assert_eq!(n[0].key, "liu he");
        assert_eq!(n[0].title.as_deref(), Some("vice premier"));
        let (desc, loc) = *n[0].appositive.clone().unwrap();
        assert_eq!(desc, "vice premier and old friend of the leader");
        assert_eq!(loc.slice(t), "a vice premier and old friend of the leader");
        assert_eq!(n[2].link, InDocLink::To("liu he".into()));
        assert_eq!(n[3].link, InDocLink::To("wilbur ross".into()));
        assert!(n[3].short && !n[1].short);
    }

    #[test]
    fn two_full_names_with_one_surname_stay_ambiguous() {
        let t = "Ann Smith and Bob Smith spoke. Smith left.";
        let ms = vec![
            m(t, "Ann Smith", "Ann Smith", EntityType::Per, 0),
            m(t, "Bob Smith", "Bob Smith", EntityType::Per, 0),
            m(t, "Smith", "Smith", EntityType::Per, 2),
        ];
        let n = names(t, &ms);
        assert_eq!(
            n[2].link,
            InDocLink::Ambiguous(intern_all(["ann smith", "bob smith"]))
        );
    }

    #[test]
    fn appositive_keeps_numbers_and_stops_at_verbs() {
        let t = "Kestrel, a 12,500-ton carrier, left. Bureau, a small agency is part of it.";
        assert_eq!(
            appositive(t, Span::new(0, 7)).unwrap().0,
            "12,500-ton carrier"
        );
        assert_eq!(appositive(t, Span::new(37, 43)).unwrap().0, "small agency");
    }

    #[test]
    fn appositive_needs_an_article() {
        let t = "ZTE, which broke rules, and Ross, a";
        assert_eq!(appositive(t, Span::new(0, 3)), None);
        assert_eq!(appositive(t, Span::new(27, 31)), None);
        assert_eq!(appositive(t, Span::new(t.len(), t.len())), None);
    }
}
