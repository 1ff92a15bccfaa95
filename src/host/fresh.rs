//! A file newer than the snapshot a request reads it against: a buffer whose last edits the
//! writer has not applied yet, or a file whose new names wait for the registry join. Position
//! requests (hover, definition) answer from it at once instead of waiting: the file is the
//! newest text analysed on its own (a pure, one-file step), the corpus is the newest snapshot
//! whose registry is joined.

use super::lookup::EntityId;
use super::Snapshot;
use crate::corpus::mentions::Target;
use crate::corpus::registry::fresh::FreshNames;
use crate::corpus::registry::Ambiguity;
use crate::corpus::SourceFile;
use crate::model::{EntityType, Span};
use std::sync::Arc;

/// One file as it is now, read against an older snapshot.
#[derive(Debug)]
pub struct FreshFile {
    /// The file's newest analysis.
    pub source: Arc<SourceFile>,
    /// Its names, resolved against the snapshot's registry.
    names: FreshNames,
}

impl Snapshot {
    /// `source` (file `rel` as it is now) read against this snapshot; builds the registry when
    /// nobody has yet, so callers pass a snapshot whose registry is joined.
    pub fn fresh(&self, rel: &str, source: Arc<SourceFile>) -> FreshFile {
        let file = self.corpus.file_index(rel);
        let old = file.map_or(&[][..], |i| &self.corpus.files[i as usize].names[..]);
        let names = self.corpus.registry().fresh_names(file, old, &source.names);
        FreshFile { source, names }
    }
}

impl FreshFile {
    /// The entity mentioned at `offset`, with the mention's span.
    pub fn entity_at(&self, offset: usize) -> Option<(EntityId, Span)> {
        match self.names.target_at(offset)? {
            (Target::Entity(id), span) => Some((id, span)),
            (Target::Ambiguous(_), _) => None,
        }
    }

    /// A name at `offset` that the snapshot's registry has never seen (typed since its last
    /// join): its name as written, its type and span.
    pub fn new_name_at(&self, offset: usize) -> Option<(&str, EntityType, Span)> {
        if self.names.target_at(offset).is_some() {
            return None;
        }
        let d = self.source.names.iter().find(|d| d.span.touches(offset))?;
        Some((&d.name, d.ty, d.span))
    }

    /// The ambiguous short form at `offset` (its candidates from `snap`, the snapshot it was
    /// read against), with the mention's span.
    pub fn ambiguity_at<'a>(
        &self,
        snap: &'a Snapshot,
        offset: usize,
    ) -> Option<(&'a Ambiguity, Span)> {
        match self.names.target_at(offset)? {
            (Target::Ambiguous(a), span) => {
                Some((snap.corpus.registry().ambiguities().get(a as usize)?, span))
            }
            (Target::Entity(_), _) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::lookup::fixture;
    use super::*;

    #[test]
    fn a_file_typed_into_answers_from_its_newest_text() {
        let snap = Snapshot::new(fixture::corpus(vec![
            fixture::file("a.txt", "Maria Delgado of Lisbon spoke on Monday.\n", &[]),
            fixture::file(
                "b.txt",
                "Later, Maria Delgado met Tomas Brandt in Quito.\n",
                &[],
            ),
        ]));
        let b = snap.file_index("b.txt").unwrap();
        let text = snap.corpus.files[b].text().to_string();
        let at = text.find("Delgado").unwrap();
        let (want, _) = snap.index().entity_at(b, at).expect("an entity");
        let typed = format!("A line typed first.\n{text}");
        let source = Arc::new(snap.corpus.analysed("b.txt", typed.clone()));
        let fresh = snap.fresh("b.txt", source);
        let at2 = typed.find("Delgado").unwrap();
        let (id, span) = fresh.entity_at(at2).unwrap();
        assert_eq!(id, want);
        assert!(span.slice(&typed).contains("Delgado"));
        assert!(fresh.entity_at(typed.find("typed").unwrap()).is_none());
        assert!(fresh.new_name_at(at2).is_none(), "a known name is not new");
        // A name the registry has never seen is new, with what the file alone says of it.
        let named = format!("{typed}Minister Arlo Quinlan arrived.\n");
        let source = Arc::new(snap.corpus.analysed("b.txt", named.clone()));
        let fresh = snap.fresh("b.txt", source);
        let at3 = named.find("Quinlan").unwrap();
        assert!(fresh.entity_at(at3).is_none());
        let (name, ty, span) = fresh.new_name_at(at3).expect("the new name");
        assert_eq!((name, ty), ("Arlo Quinlan", EntityType::Per));
        assert!(span.touches(at3));
    }
}
