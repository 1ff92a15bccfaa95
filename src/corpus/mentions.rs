//! Mention postings: where each entity is mentioned, and which entity a file position names.

use crate::model::Span;
use serde::Serialize;

/// Index of an entity in its corpus snapshot's registry (stable only within one snapshot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct EntityId(pub u32);

/// One mention: a file (index into `Corpus::files`) and the mention's bytes in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct MentionRef {
    /// Index into `Corpus::files` of the same snapshot.
    pub file: u32,
    /// The whole mention, honorific included, in the file's bytes.
    pub span: Span,
}

/// What a mention stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One entity.
    Entity(EntityId),
    /// A short form that fits several entities: index into `Registry::ambiguities`.
    Ambiguous(u32),
}

/// The mentions of one file, sorted by start, each with what it stands for.
#[derive(Debug, Clone, Default)]
pub struct FilePostings {
    spans: Vec<(Span, Target)>,
}

impl FilePostings {
    /// Postings from unsorted pairs.
    pub fn new(mut spans: Vec<(Span, Target)>) -> Self {
        spans.sort_by_key(|(s, _)| (s.start(), s.end()));
        FilePostings { spans }
    }
    /// The mention touching `offset` (the end counts, so a cursor just after a name hits it).
    pub fn at(&self, offset: usize) -> Option<(Span, Target)> {
        let i = self.spans.partition_point(|(s, _)| s.start() <= offset);
        // The nearest span starting at or before `offset`; else one ending exactly there.
        let cands = self.spans[..i].iter().rev().take(2);
        cands
            .filter(|(s, _)| s.touches(offset))
            .min_by_key(|(s, _)| (s.end() == offset, s.len()))
            .copied()
    }
    /// Every mention of the file, in order.
    pub fn all(&self) -> &[(Span, Target)] {
        &self.spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_prefers_the_span_under_the_cursor() {
        let p = FilePostings::new(vec![
            (Span::new(10, 14), Target::Entity(EntityId(1))),
            (Span::new(0, 5), Target::Entity(EntityId(0))),
            (Span::new(5, 8), Target::Ambiguous(0)),
        ]);
        assert_eq!(p.at(0).map(|x| x.1), Some(Target::Entity(EntityId(0))));
        assert_eq!(p.at(5).map(|x| x.1), Some(Target::Ambiguous(0)));
        assert_eq!(p.at(8).map(|x| x.1), Some(Target::Ambiguous(0)));
        assert_eq!(p.at(9), None);
        assert_eq!(p.at(14).map(|x| x.1), Some(Target::Entity(EntityId(1))));
        assert_eq!(p.at(usize::MAX), None);
        assert_eq!(FilePostings::default().at(3), None);
    }
}
