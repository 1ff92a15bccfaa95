//! What the corpus knows, in the shape the handlers ask for: the entity at an offset, its card and
//! mentions, fuzzy search, and the findings of a file.
//!
//! Handlers use only this module, so the corpus registry and the checks can replace the
//! provisional grouping below without touching them. Until the registry lands, mentions group by
//! their lowercased name; a one-word name (`Liu`, `mr liu`) joins the earlier full name of a person
//! starting or ending in it in the same file, else the only such full name in the corpus.

use crate::corpus::{Corpus, SourceFile};
use crate::format::DocKind;
use crate::model::{EntityType, Span};
use std::collections::HashMap;

/// Index of an entity in an [`Index`].
pub type EntityId = usize;

/// One mention: a file (index into `Corpus::files`) and a byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Index of the file in the corpus.
    pub file: usize,
    /// The mention's bytes.
    pub span: Span,
}

/// What is known about one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityCard {
    /// Canonical name (the fullest form).
    pub name: String,
    /// Its type.
    pub ty: EntityType,
    /// Other surface forms, as written.
    pub aliases: Vec<String>,
    /// A short description and the file it comes from.
    pub description: Option<(String, usize)>,
    /// The defining mention.
    pub definition: Mention,
    /// Every mention, in corpus order.
    pub mentions: Vec<Mention>,
}

impl EntityCard {
    /// Number of distinct files that mention it.
    pub fn file_count(&self) -> usize {
        let mut files: Vec<usize> = self.mentions.iter().map(|m| m.file).collect();
        files.sort_unstable();
        files.dedup();
        files.len()
    }
}

/// The entities of one corpus snapshot.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// All entities.
    pub entities: Vec<EntityCard>,
    /// Per file (parallel to `Corpus::files`): its mentions, sorted by start.
    by_file: Vec<Vec<(Span, EntityId)>>,
}

/// Lowercased words of a name, punctuation at word ends dropped (`Mr.` -> `mr`).
fn words(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A name as written, whitespace collapsed.
fn surface(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Files in corpus order: articles before notes, then by date, then by path.
pub fn corpus_order(corpus: &Corpus) -> Vec<usize> {
    let mut order: Vec<usize> = (0..corpus.files.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (&corpus.files[a], &corpus.files[b]);
        let ka = (fa.analysis.kind == DocKind::Note, fa.analysis.meta.date);
        let kb = (fb.analysis.kind == DocKind::Note, fb.analysis.meta.date);
        ka.cmp(&kb).then_with(|| fa.rel.cmp(&fb.rel))
    });
    order
}

struct Raw {
    file: usize,
    span: Span,
    key: Vec<String>,
    form: String,
    name_form: String,
    ty: EntityType,
    cue: Option<String>,
}

impl Index {
    /// Groups the mentions of every file of `corpus` into entities.
    pub fn build(corpus: &Corpus) -> Index {
        let order = corpus_order(corpus);
        let mut raws: Vec<Raw> = Vec::new();
        for &fi in &order {
            let file = &corpus.files[fi];
            // Last word -> full key of the multi-word names met so far in this file.
            let mut surnames: HashMap<String, Vec<String>> = HashMap::new();
            for m in &file.analysis.entities {
                let (Some(text), Some(name)) = (
                    file.text.get(m.span.start..m.span.end),
                    file.text.get(m.name.start..m.name.end),
                ) else {
                    continue;
                };
                let mut key = words(name);
                if key.is_empty() {
                    continue;
                }
                if key.len() == 1 {
                    if let Some(full) = surnames.get(&key[0]) {
                        key = full.clone();
                    }
                } else if m.ty == EntityType::Per {
                    // Family names come last in most names and first in Chinese ones (`Liu He`).
                    surnames.insert(key[0].clone(), key.clone());
                    surnames.insert(key[key.len() - 1].clone(), key.clone());
                }
                raws.push(Raw {
                    file: fi,
                    span: m.span,
                    key,
                    form: surface(text),
                    name_form: surface(name),
                    ty: m.ty,
                    cue: m.cue.clone(),
                });
            }
        }
        // Across files: a one-word key joins the only multi-word person key ending in it.
        let mut ends: HashMap<&str, Vec<&Vec<String>>> = HashMap::new();
        for r in raws
            .iter()
            .filter(|r| r.key.len() > 1 && r.ty == EntityType::Per)
        {
            for end in [&r.key[0], &r.key[r.key.len() - 1]] {
                let v = ends.entry(end.as_str()).or_default();
                if !v.contains(&&r.key) {
                    v.push(&r.key);
                }
            }
        }
        let joins: HashMap<String, Vec<String>> = ends
            .iter()
            .filter(|(_, v)| v.len() == 1)
            .map(|(k, v)| (k.to_string(), v[0].clone()))
            .collect();
        let mut ids: HashMap<Vec<String>, EntityId> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, r) in raws.iter_mut().enumerate() {
            if r.key.len() == 1 {
                if let Some(full) = joins.get(&r.key[0]) {
                    r.key = full.clone();
                }
            }
            let id = *ids.entry(r.key.clone()).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[id].push(i);
        }
        let mut by_file: Vec<Vec<(Span, EntityId)>> = vec![Vec::new(); corpus.files.len()];
        let entities = groups
            .iter()
            .enumerate()
            .map(|(id, members)| {
                for &i in members {
                    by_file[raws[i].file].push((raws[i].span, id));
                }
                card(&raws, members)
            })
            .collect();
        for v in &mut by_file {
            v.sort_by_key(|(s, _)| (s.start, s.end));
        }
        Index { entities, by_file }
    }

    /// The entity mentioned at `offset` in file `file`, with the mention's span.
    pub fn entity_at(&self, file: usize, offset: usize) -> Option<(EntityId, Span)> {
        let v = self.by_file.get(file)?;
        let i = v.partition_point(|(s, _)| s.start <= offset);
        v[..i]
            .iter()
            .rev()
            .take(4)
            .find(|(s, _)| s.touches(offset))
            .map(|&(s, id)| (id, s))
    }

    /// The card of an entity.
    pub fn entity(&self, id: EntityId) -> Option<&EntityCard> {
        self.entities.get(id)
    }

    /// The mentions in one file, sorted by start.
    pub fn mentions_in(&self, file: usize) -> &[(Span, EntityId)] {
        self.by_file.get(file).map_or(&[], |v| v.as_slice())
    }

    /// Entities whose name or an alias matches `query` fuzzily, best first.
    pub fn search(&self, query: &str) -> Vec<EntityId> {
        let mut scored: Vec<(i64, EntityId)> = self
            .entities
            .iter()
            .enumerate()
            .filter_map(|(id, e)| {
                std::iter::once(&e.name)
                    .chain(&e.aliases)
                    .filter_map(|n| fuzzy_score(query, n))
                    .max()
                    .map(|s| (s, id))
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| {
                    self.entities[b.1]
                        .mentions
                        .len()
                        .cmp(&self.entities[a.1].mentions.len())
                })
                .then_with(|| self.entities[a.1].name.cmp(&self.entities[b.1].name))
        });
        scored.into_iter().map(|(_, id)| id).collect()
    }
}

fn card(raws: &[Raw], members: &[usize]) -> EntityCard {
    let rs: Vec<&Raw> = members.iter().map(|&i| &raws[i]).collect();
    let longest = rs
        .iter()
        .map(|r| words(&r.name_form).len())
        .max()
        .unwrap_or(0);
    // Canonical: the most frequent fullest name form, preferring one with capitals.
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (pos, r) in rs.iter().enumerate() {
        if words(&r.name_form).len() == longest {
            let e = counts.entry(r.name_form.as_str()).or_insert((0, pos));
            e.0 += 1;
        }
    }
    let name = counts
        .iter()
        .max_by_key(|(form, (n, pos))| {
            (
                form.chars().any(char::is_uppercase),
                *n,
                std::cmp::Reverse(*pos),
            )
        })
        .map(|(f, _)| f.to_string())
        .unwrap_or_default();
    let mut tys: HashMap<EntityType, usize> = HashMap::new();
    for r in &rs {
        *tys.entry(r.ty).or_default() += 1;
    }
    let ty = tys
        .into_iter()
        .max_by_key(|&(t, n)| (n, std::cmp::Reverse(t)))
        .map_or(EntityType::Misc, |(t, _)| t);
    let mut aliases: Vec<String> = Vec::new();
    for r in &rs {
        for f in [&r.name_form, &r.form] {
            let lower = f.to_lowercase();
            if lower != name.to_lowercase() && !aliases.iter().any(|a| a.to_lowercase() == lower) {
                aliases.push(f.clone());
            }
        }
    }
    let def = rs
        .iter()
        .find(|r| words(&r.name_form).len() == longest)
        .unwrap_or(&rs[0]);
    let description = rs
        .iter()
        .find_map(|r| r.cue.as_ref().map(|c| (c.clone(), r.file)));
    EntityCard {
        name,
        ty,
        aliases,
        description,
        definition: Mention {
            file: def.file,
            span: def.span,
        },
        mentions: rs
            .iter()
            .map(|r| Mention {
                file: r.file,
                span: r.span,
            })
            .collect(),
    }
}

/// A subsequence match score of `query` in `name` (case-insensitive), `None` when it does not match.
pub fn fuzzy_score(query: &str, name: &str) -> Option<i64> {
    let q: Vec<char> = query
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if q.is_empty() {
        return Some(0);
    }
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let mut score = 0i64;
    let mut qi = 0;
    let mut prev: Option<usize> = None;
    for (i, &c) in n.iter().enumerate() {
        if qi < q.len() && c == q[qi] {
            let word_start = i == 0 || !n[i - 1].is_alphanumeric();
            score += 1
                + if word_start { 5 } else { 0 }
                + if prev == Some(i.wrapping_sub(1)) {
                    3
                } else {
                    0
                };
            prev = Some(i);
            qi += 1;
        }
    }
    (qi == q.len()).then_some(score * 100 / (n.len() as i64 + 10))
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// An error.
    Error,
    /// A warning.
    Warning,
    /// Information.
    Information,
    /// A hint.
    Hint,
}

/// A location a finding relates to.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    /// Root-relative path.
    pub rel: String,
    /// Its bytes.
    pub span: Span,
    /// What it says.
    pub message: String,
}

/// A diagnostic of a file, in core terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Its bytes.
    pub span: Span,
    /// How serious.
    pub severity: Severity,
    /// The stable code (`figure-conflict`).
    pub code: String,
    /// The message.
    pub message: String,
    /// Locations it was compared with.
    pub related: Vec<Related>,
}

/// The findings of one file of the corpus: the checks' verdicts and problems met reading it.
pub fn findings(_corpus: &Corpus, file: &SourceFile) -> Vec<Finding> {
    file.problems
        .iter()
        .map(|p| Finding {
            span: Span::new(0, 0),
            severity: Severity::Warning,
            code: "read-problem".to_string(),
            message: p.clone(),
            related: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod fixture {
    //! Hand-made corpora for the handlers' unit tests (mentions placed by hand, no recogniser).
    use crate::analysis::DocAnalysis;
    use crate::corpus::{Corpus, SourceFile};
    use crate::document::LineIndex;
    use crate::format::{DocKind, Format, Metadata};
    use crate::model::{EntityMention, EntityType, Figure, MentionSource, Span};
    use std::path::PathBuf;
    use std::sync::Arc;

    /// A file whose mentions are the `[...]`-marked words; `[Mr. |Liu]` marks `Liu` as the name.
    pub fn file(rel: &str, marked: &str, ty: &[EntityType], figures: Vec<Figure>) -> SourceFile {
        let mut text = String::new();
        let mut ents = Vec::new();
        let mut rest = marked;
        let mut n = 0;
        while let Some(open) = rest.find('[') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find(']').expect("closed mark") + open;
            let inner = &rest[open + 1..close];
            let start = text.len();
            let (cue, name) = inner.split_once('|').unwrap_or(("", inner));
            text.push_str(cue);
            let name_start = text.len();
            text.push_str(name);
            ents.push(EntityMention {
                span: Span::new(start, text.len()),
                name: Span::new(name_start, text.len()),
                ty: ty.get(n).copied().unwrap_or(EntityType::Per),
                cue: (!cue.is_empty()).then(|| cue.trim().trim_end_matches('.').to_lowercase()),
                source: MentionSource::Detected,
            });
            n += 1;
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        let kind = if crate::corpus::is_note_path(rel) {
            DocKind::Note
        } else {
            DocKind::Article
        };
        SourceFile {
            rel: rel.to_string(),
            abs: PathBuf::from("/fixture").join(rel),
            lines: LineIndex::new(&text),
            text: text.into(),
            analysis: DocAnalysis {
                format: Format::Markdown,
                kind,
                meta: Metadata::default(),
                sentences: Vec::new(),
                paragraphs: Vec::new(),
                entities: ents,
                figures,
            },
            problems: Vec::new(),
        }
    }

    /// A corpus of the given files.
    pub fn corpus(files: Vec<SourceFile>) -> Corpus {
        let mut files: Vec<Arc<SourceFile>> = files.into_iter().map(Arc::new).collect();
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Corpus {
            root: PathBuf::from("/fixture"),
            files,
            skipped: Vec::new(),
        }
    }

    /// Two articles and a note about Liu He, with cased and lowercase forms.
    pub fn liu() -> Corpus {
        corpus(vec![
            file(
                "a.md",
                "Talks with [Vice Premier |Liu He] went on. [Mr. |Liu] left [Beijing].\n",
                &[EntityType::Per, EntityType::Per, EntityType::Loc],
                Vec::new(),
            ),
            file(
                "b.txt",
                "later [mr |liu] said [liu he] would return to [beijing]\n",
                &[EntityType::Per, EntityType::Per, EntityType::Loc],
                Vec::new(),
            ),
            file(
                "notes/n.md",
                "# Notes\n\n[Liu He] met reporters.\n",
                &[EntityType::Per],
                Vec::new(),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_in_lowercase_join_the_cased_entity() {
        let c = fixture::liu();
        let idx = Index::build(&c);
        let b = c.files.iter().position(|f| f.rel == "b.txt").unwrap();
        let mr = c.files[b].text.find("mr liu").unwrap();
        let (id, span) = idx.entity_at(b, mr + 4).unwrap();
        assert_eq!(span.slice(&c.files[b].text), "mr liu");
        let e = idx.entity(id).unwrap();
        assert_eq!(e.name, "Liu He");
        assert_eq!(e.mentions.len(), 5);
        assert_eq!(e.file_count(), 3);
        assert_eq!(e.description.as_ref().unwrap().0, "vice premier");
        assert!(e.aliases.iter().any(|a| a == "mr liu"));
        let a = c.files.iter().position(|f| f.rel == "a.md").unwrap();
        assert_eq!(e.definition.file, a);
        let beijing = idx
            .entity_at(b, c.files[b].text.find("beijing").unwrap())
            .unwrap();
        assert_eq!(idx.entity(beijing.0).unwrap().name, "Beijing");
        assert_eq!(idx.entity(beijing.0).unwrap().ty, EntityType::Loc);
    }

    #[test]
    fn offsets_between_mentions_find_nothing() {
        let c = fixture::liu();
        let idx = Index::build(&c);
        assert!(idx.entity_at(0, 0).is_none());
        assert!(idx.entity_at(0, usize::MAX).is_none());
        assert!(idx.entity_at(99, 0).is_none());
    }

    #[test]
    fn fuzzy_search_ranks_word_starts() {
        let c = fixture::liu();
        let idx = Index::build(&c);
        let hits = idx.search("lhe");
        assert_eq!(idx.entity(hits[0]).unwrap().name, "Liu He");
        assert!(idx.search("zzz").is_empty());
        assert!(fuzzy_score("lh", "Liu He").unwrap() > fuzzy_score("lh", "Lothian").unwrap_or(0));
    }
}
