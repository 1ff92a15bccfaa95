//! Entities: people, organisations, places and other names.

use crate::model::{EntityMention, EntityType};
use crate::text::Segments;

/// Names learned from the cased files of the corpus (and user entities), for lowercase text.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    /// Lowercased name and its type.
    pub names: Vec<(String, EntityType)>,
}

/// What an entity extractor knows besides the text.
#[derive(Debug, Clone, Copy)]
pub struct EntityContext<'a> {
    /// True for all-lowercase dumps.
    pub lowercase: bool,
    /// The corpus gazetteer.
    pub gazetteer: &'a Gazetteer,
}

/// Finds the entity mentions of a view text; spans are view offsets.
pub fn extract(_text: &str, _segments: &Segments, _ctx: &EntityContext) -> Vec<EntityMention> {
    Vec::new()
}
