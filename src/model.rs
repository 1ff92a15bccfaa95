//! The core's own vocabulary: byte spans, entity mentions and figures.
//!
//! Everything here speaks byte offsets; LSP types never appear outside `src/lsp/`.

use crate::intern::{IList, IStr};
use serde::Serialize;

/// A half-open byte range `start..end`.
///
/// Stored as two `u32`s (8 bytes, not 16): a corpus holds millions of spans and no file is
/// near 4 GiB (the scan skips files over 16 MiB). Read the ends with [`Span::start`] and
/// [`Span::end`]; offsets past `u32::MAX` saturate rather than wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    start: u32,
    end: u32,
}

/// An offset as stored in a [`Span`].
fn offset32(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span {start}..{end} is reversed");
        Span {
            start: offset32(start),
            end: offset32(end),
        }
    }
    /// First byte.
    #[inline]
    pub fn start(&self) -> usize {
        self.start as usize
    }
    /// One past the last byte.
    #[inline]
    pub fn end(&self) -> usize {
        self.end as usize
    }
    /// The same span with its first byte at `start`.
    pub fn with_start(self, start: usize) -> Span {
        Span::new(start, self.end())
    }
    /// The same span with its end at `end`.
    pub fn with_end(self, end: usize) -> Span {
        Span::new(self.start(), end)
    }
    /// The byte range, for slicing.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }
    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// True when `offset` lies inside (the end counts, so a cursor just after a word hits it).
    pub fn touches(&self, offset: usize) -> bool {
        self.start() <= offset && offset <= self.end()
    }
    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// The span shifted by `delta` bytes.
    pub fn shift(&self, delta: usize) -> Span {
        Span::new(self.start() + delta, self.end() + delta)
    }
    /// True when the span lies inside `text` on character boundaries (so `slice` cannot panic).
    pub fn fits_in(&self, text: &str) -> bool {
        self.start() <= self.end()
            && self.end() <= text.len()
            && text.is_char_boundary(self.start())
            && text.is_char_boundary(self.end())
    }
    /// The slice of `text` this span covers.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        &text[self.range()]
    }
}

/// The CoNLL entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntityType {
    /// A person.
    #[serde(rename = "PER")]
    Per,
    /// An organisation.
    #[serde(rename = "ORG")]
    Org,
    /// A place.
    #[serde(rename = "LOC")]
    Loc,
    /// Anything else named: demonyms, events, programmes.
    #[serde(rename = "MISC")]
    Misc,
}

impl EntityType {
    /// The CoNLL tag name (`PER`, `ORG`, `LOC`, `MISC`).
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Misc => "MISC",
        }
    }
    /// Parses a CoNLL / brat type name, case-insensitively (`PERSON` and `LOCATION` too).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "PER" | "PERSON" => Some(EntityType::Per),
            "ORG" | "ORGANIZATION" | "ORGANISATION" => Some(EntityType::Org),
            "LOC" | "LOCATION" | "GPE" => Some(EntityType::Loc),
            "MISC" | "NORP" => Some(EntityType::Misc),
            _ => None,
        }
    }
}

/// Where an entity mention came from; gold and user annotations win over detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionSource {
    /// Found by the recogniser.
    Detected,
    /// Read from a brat `.ann` or CoNLL file.
    Gold,
    /// From the user's `corpus-ls.toml` entities and aliases.
    User,
}

/// One entity mention in one document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityMention {
    /// The whole mention in source bytes, honorific included (`Mr. Liu`, `mr liu`).
    pub span: Span,
    /// The name alone, without honorific (`Liu`), for CoNLL-style scoring and alias keys.
    pub name: Span,
    /// The entity type.
    #[serde(rename = "type")]
    pub ty: EntityType,
    /// Honorific or title cue seen just before the name (`mr`, `vice premier`), lowercased.
    pub cue: Option<IStr>,
    /// Detected, gold or user.
    pub source: MentionSource,
}

/// The figure dimensions of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureType {
    /// An amount of money (`$50 billion`).
    Money,
    /// A percentage (`25 percent`), or percentage points with unit `pp`.
    Percent,
    /// A count of things (`70,000 employees`).
    Count,
    /// A fraction (`one-third`).
    Fraction,
    /// A calendar date or part of one (`June 3, 2018`, `in 1901`).
    Date,
    /// A length of time (`seven years`), value in days.
    Duration,
    /// A plain number.
    Number,
}

impl FigureType {
    /// The contract's lowercase name.
    pub fn as_str(&self) -> &'static str {
        match self {
            FigureType::Money => "money",
            FigureType::Percent => "percent",
            FigureType::Count => "count",
            FigureType::Fraction => "fraction",
            FigureType::Date => "date",
            FigureType::Duration => "duration",
            FigureType::Number => "number",
        }
    }
}

/// How the text bounds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// Stated exactly (within its rounding).
    Exact,
    /// `about`, `nearly`, `almost`, `roughly`.
    Approx,
    /// `up to`, `at most`, `less than`.
    AtMost,
    /// `more than`, `at least`, `over`.
    AtLeast,
    /// `50 to 60 billion`.
    Range,
}

/// A calendar day (proleptic Gregorian).
pub type Date = chrono::NaiveDate;

/// A figure's value: a number, or a day for dates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number (money in units of its currency, percent as 25.0, durations in days).
    Number(f64),
    /// A calendar day.
    Date(Date),
}

impl Value {
    /// The number, or the day count since 1970-01-01 for a date, so intervals compare alike.
    pub fn as_f64(&self) -> f64 {
        match self {
            Value::Number(n) => *n,
            Value::Date(d) => {
                let epoch = Date::from_ymd_opt(1970, 1, 1).expect("valid epoch");
                (*d - epoch).num_days() as f64
            }
        }
    }
}

impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Number(n) => s.serialize_f64(*n),
            Value::Date(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        }
    }
}

/// One figure in one document (unit and measure words interned: they repeat across a corpus).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The figure's text in source bytes, qualifier included (`almost 800 Billion Dollars`).
    pub span: Span,
    /// Its dimension.
    #[serde(rename = "type")]
    pub ty: FigureType,
    /// The normalised value.
    pub value: Value,
    /// Unit: ISO currency (`USD`), singular noun for counts (`employee`), `pp`, `day`; none for plain numbers.
    pub unit: Option<IStr>,
    /// True when the unit was inferred rather than written (a dump that lost its `$`).
    pub unit_inferred: bool,
    /// How the text bounds the value.
    pub qualifier: Qualifier,
    /// Lower bound of the interval the text allows (rounding and qualifiers), if bounded.
    pub low: Option<Value>,
    /// Upper bound, if bounded.
    pub high: Option<Value>,
    /// What it measures: lowercase measure words of its clause (`tariffs`, `employees`, `deficit`).
    pub subject: IList,
}
