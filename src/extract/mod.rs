//! Extraction of entity and figure spans from one view text: pure functions of the text.

pub mod entities;
pub mod figures;
