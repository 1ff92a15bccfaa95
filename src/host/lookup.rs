//! What the corpus knows, in the shape the handlers ask for: the entity at an offset, its card
//! and mentions, fuzzy search (all from the corpus registry), and the findings of a file.
//! Handlers use only this module, so changes in the core stay here.

use crate::check::{self, Checker};
use crate::corpus::mentions::Target;
use crate::corpus::registry::Ambiguity;
use crate::corpus::{Corpus, SourceFile};
use crate::model::Span;

pub use crate::corpus::mentions::{EntityId, MentionRef as Mention};
pub use crate::corpus::registry::Entity;

/// Entity lookups in one corpus snapshot.
#[derive(Clone, Copy)]
pub struct Lookup<'a>(pub &'a Corpus);

impl<'a> Lookup<'a> {
    /// The entity mentioned at `offset` in file `file`, with the mention's span.
    pub fn entity_at(&self, file: usize, offset: usize) -> Option<(EntityId, Span)> {
        if file >= self.0.files.len() {
            return None;
        }
        self.0
            .entity_in(file as u32, offset)
            .map(|(id, m)| (id, m.span))
    }
    /// The ambiguous short form at `offset` in file `file`, with the mention's span.
    pub fn ambiguity_at(&self, file: usize, offset: usize) -> Option<(&'a Ambiguity, Span)> {
        if file >= self.0.files.len() {
            return None;
        }
        match self.0.target_in(file as u32, offset)? {
            (Target::Ambiguous(i), m) => {
                Some((self.0.registry().ambiguities().get(i as usize)?, m.span))
            }
            _ => None,
        }
    }
    /// The card of an entity.
    pub fn entity(&self, id: EntityId) -> Option<&'a Entity> {
        self.0.entities().get(id.0 as usize)
    }
    /// Every entity.
    pub fn entities(&self) -> &'a [Entity] {
        self.0.entities()
    }
    /// The entity mentions in one file, sorted by start (ambiguous short forms left out).
    pub fn mentions_in(&self, file: usize) -> Vec<(Span, EntityId)> {
        if file >= self.0.files.len() {
            return Vec::new();
        }
        let f = &self.0.files[file];
        self.0
            .registry()
            .file_mentions(file as u32, &f.names)
            .filter_map(|(s, t)| match t {
                Target::Entity(id) => Some((s, id)),
                Target::Ambiguous(_) => None,
            })
            .collect()
    }
    /// Entities whose name or an alias fits `query`, best first.
    pub fn search(&self, query: &str) -> Vec<EntityId> {
        self.0.search(query)
    }
}

/// True when `m` is the entity's defining mention.
pub fn is_defining(e: &Entity, m: &Mention) -> bool {
    e.defining.as_ref() == Some(m)
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

/// The findings of one file of the corpus: the checks' verdicts and the problems met reading
/// it (`read` adds those of a re-read from disk, which the snapshot's file does not carry).
pub fn findings(
    corpus: &Corpus,
    checker: &Checker,
    file: &SourceFile,
    read: &[String],
) -> Vec<Finding> {
    let mut problems: Vec<&String> = file.problems.iter().collect();
    problems.extend(read.iter().filter(|p| !file.problems.contains(p)));
    let mut out: Vec<Finding> = problems
        .into_iter()
        .map(|p| Finding {
            span: Span::new(0, 0),
            severity: Severity::Warning,
            code: "read-problem".to_string(),
            message: p.clone(),
            related: Vec::new(),
        })
        .collect();
    out.extend(checker.check_file(corpus, &file.rel).into_iter().map(|f| {
        Finding {
            span: f.span,
            severity: match f.severity {
                check::Severity::Error => Severity::Error,
                check::Severity::Warning => Severity::Warning,
                check::Severity::Information => Severity::Information,
                check::Severity::Hint => Severity::Hint,
            },
            code: f.code.to_string(),
            message: f.message,
            related: f
                .related
                .into_iter()
                .map(|r| Related {
                    rel: r.rel,
                    span: r.span,
                    message: r.message,
                })
                .collect(),
        }
    }));
    out
}

#[cfg(test)]
pub(crate) mod fixture {
    //! Hand-made corpora for the handlers' unit tests: `.txt` files whose mentions are placed by
    //! brat annotations (gold wins over detection), so the registry sees exactly these.
    use crate::corpus::Corpus;
    use crate::model::EntityType;

    /// A file whose mentions are the `[...]`-marked words, typed in order by `ty` (PER beyond):
    /// its path, text and brat annotations.
    pub fn file(rel: &str, marked: &str, ty: &[EntityType]) -> (String, String, String) {
        let mut text = String::new();
        let mut ann = String::new();
        let mut rest = marked;
        let mut n = 0;
        while let Some(open) = rest.find('[') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find(']').expect("closed mark") + open;
            let inner = &rest[open + 1..close];
            let start = text.len();
            text.push_str(inner);
            let t = ty.get(n).copied().unwrap_or(EntityType::Per);
            n += 1;
            ann.push_str(&format!(
                "T{n}\t{} {start} {}\t{inner}\n",
                t.as_str(),
                text.len()
            ));
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        (rel.to_string(), text, ann)
    }

    /// A corpus of the given files (plain files when their annotations are empty).
    pub fn corpus(files: Vec<(String, String, String)>) -> Corpus {
        let mut c = Corpus::default();
        for (rel, text, _) in &files {
            c = c.with_file(rel, text.clone());
        }
        for (rel, _, ann) in &files {
            if !ann.is_empty() {
                if let Some(stem) = rel.strip_suffix(".txt") {
                    c = c.with_file(&format!("{stem}.ann"), ann.clone());
                }
            }
        }
        c
    }

    /// Two articles and a note about Liu He, with cased and lowercase forms.
    pub fn liu() -> Corpus {
        corpus(vec![
            file(
                "a.txt",
                "Talks with [Vice Premier Liu He] went on. [Mr. Liu] left [Beijing].\n",
                &[EntityType::Per, EntityType::Per, EntityType::Loc],
            ),
            file(
                "b.txt",
                "later [mr liu] said [liu he] would return to [beijing]\n",
                &[EntityType::Per, EntityType::Per, EntityType::Loc],
            ),
            file(
                "notes/n.txt",
                "Notes\n\n[Liu He] met reporters.\n",
                &[EntityType::Per],
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
        let l = Lookup(&c);
        let b = c.file_index("b.txt").unwrap() as usize;
        let mr = c.files[b].text().find("mr liu").unwrap();
        let (id, span) = l.entity_at(b, mr + 4).unwrap();
        assert_eq!(
            span.slice(&c.files[b].text()),
            "liu",
            "the name, without mr"
        );
        let e = l.entity(id).unwrap();
        assert_eq!(e.name, "Liu He");
        assert_eq!(e.mentions.len(), 5);
        assert_eq!(e.files.len(), 3);
        let a = c.file_index("a.txt").unwrap();
        assert_eq!(e.defining.unwrap().file, a);
        assert!(l.entity_at(b, 0).is_none());
        assert!(l.entity_at(99, 0).is_none());
        assert!(l.mentions_in(99).is_empty());
        assert_eq!(l.mentions_in(b).len(), 3);
    }
}
