//! Figures: money, percentages, counts, fractions, dates, durations, numbers.

use crate::model::{Date, Figure};
use crate::text::Segments;

/// What a figure extractor knows besides the text.
#[derive(Debug, Clone, Copy, Default)]
pub struct FigureContext {
    /// The article's dateline date, for `june 12` and `on Sunday`.
    pub dateline: Option<Date>,
    /// True for all-lowercase dumps.
    pub lowercase: bool,
}

/// Finds the figures of a view text; spans are view offsets.
pub fn extract(_text: &str, _segments: &Segments, _ctx: &FigureContext) -> Vec<Figure> {
    Vec::new()
}
