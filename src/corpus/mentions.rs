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

/// The bit of a packed target that marks an ambiguous short form.
const AMBIGUOUS: u32 = 1 << 31;

impl Target {
    /// The target in one `u32`: an entity id, or with [`AMBIGUOUS`] set an ambiguity index.
    pub(crate) fn pack(self) -> u32 {
        match self {
            Target::Entity(id) => {
                debug_assert!(id.0 < AMBIGUOUS);
                id.0
            }
            Target::Ambiguous(a) => AMBIGUOUS | a,
        }
    }
    /// The target [`Target::pack`] made.
    pub(crate) fn unpack(x: u32) -> Target {
        if x & AMBIGUOUS == 0 {
            Target::Entity(EntityId(x))
        } else {
            Target::Ambiguous(x & !AMBIGUOUS)
        }
    }
}

/// What every mention of the corpus stands for: one packed [`Target`] per mention, in corpus
/// order of the files and each file's mention order, beside the files' own mention lists
/// (their spans stay there: 4 bytes a mention here instead of a span and target per file).
#[derive(Debug, Clone, Default)]
pub struct Postings {
    targets: Vec<u32>,
    /// Index into `targets` of each file's first mention (by file index).
    base: Vec<u32>,
}

/// Something with a span: a file's mention.
pub(crate) trait Spanned {
    /// Its span.
    fn span(&self) -> Span;
}

impl Spanned for Span {
    fn span(&self) -> Span {
        *self
    }
}

impl Spanned for super::doc_names::DocName {
    fn span(&self) -> Span {
        self.span
    }
}

/// The spans of one file's mentions, in sorted (start, end) order: the file's own order, or
/// for the rare file whose mentions are not in that order, a permutation of it.
pub(crate) struct SortedSpans<'a, T> {
    spans: &'a [T],
    perm: Option<&'a [u32]>,
}

impl<'a, T: Spanned> SortedSpans<'a, T> {
    /// `spans` in the order `perm` gives (their own order without one).
    pub(crate) fn new(spans: &'a [T], perm: Option<&'a [u32]>) -> Self {
        SortedSpans { spans, perm }
    }
    fn len(&self) -> usize {
        self.perm.map_or(self.spans.len(), |p| p.len())
    }
    /// Index into the file's list of the `k`-th mention in sorted order.
    fn index(&self, k: usize) -> usize {
        self.perm.map_or(k, |p| p[k] as usize)
    }
    fn span(&self, k: usize) -> Span {
        self.spans[self.index(k)].span()
    }
}

/// The order of `spans` sorted by (start, end), stable; `None` when they are in order already.
pub fn sorted_order(spans: impl ExactSizeIterator<Item = Span> + Clone) -> Option<Box<[u32]>> {
    let key = |s: Span| (s.start(), s.end());
    let mut prev = None;
    let sorted = spans.clone().all(|s| {
        let ok = prev.is_none_or(|p| p <= key(s));
        prev = Some(key(s));
        ok
    });
    if sorted {
        return None;
    }
    let spans: Vec<Span> = spans.collect();
    let mut perm: Vec<u32> = (0..spans.len() as u32).collect();
    perm.sort_by_key(|&i| key(spans[i as usize]));
    Some(perm.into())
}

impl Postings {
    /// Postings from packed targets laid out by `order` (file indices in corpus order), each
    /// file taking `counts[file]` slots.
    pub(crate) fn new(targets: Vec<u32>, order: &[u32], counts: &[usize]) -> Self {
        let mut base = vec![0u32; counts.len()];
        let mut at = 0u32;
        for &fi in order {
            base[fi as usize] = at;
            at += counts[fi as usize] as u32;
        }
        debug_assert_eq!(at as usize, targets.len());
        Postings { targets, base }
    }
    /// Number of files.
    pub fn files(&self) -> usize {
        self.base.len()
    }
    /// What the `i`-th mention of file `file` stands for.
    pub fn target(&self, file: u32, i: usize) -> Option<Target> {
        let at = *self.base.get(file as usize)? as usize + i;
        self.targets.get(at).map(|&x| Target::unpack(x))
    }
    /// The mention of `file` touching `offset` (the end counts, so a cursor just after a name
    /// hits it), with what it stands for.
    pub(crate) fn at<T: Spanned>(
        &self,
        file: u32,
        spans: &SortedSpans<T>,
        offset: usize,
    ) -> Option<(Span, Target)> {
        // The first mention (sorted) starting after `offset`.
        let (mut lo, mut hi) = (0, spans.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if spans.span(mid).start() <= offset {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        // The nearest span starting at or before `offset`; else one ending exactly there.
        let mut best: Option<(Span, usize)> = None;
        for k in (0..lo).rev().take(2) {
            let s = spans.span(k);
            let better = best
                .is_none_or(|(b, _)| (s.end() == offset, s.len()) < (b.end() == offset, b.len()));
            if s.touches(offset) && better {
                best = Some((s, spans.index(k)));
            }
        }
        let (span, i) = best?;
        Some((span, self.target(file, i)?))
    }
    /// Every mention of `file` in sorted order, with what it stands for.
    pub(crate) fn all<'a, T: Spanned>(
        &'a self,
        file: u32,
        spans: SortedSpans<'a, T>,
    ) -> impl Iterator<Item = (Span, Target)> + 'a {
        (0..spans.len()).filter_map(move |k| {
            let i = spans.index(k);
            Some((spans.spans[i].span(), self.target(file, i)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_prefers_the_span_under_the_cursor() {
        let spans = [Span::new(10, 14), Span::new(0, 5), Span::new(5, 8)];
        let perm = sorted_order(spans.iter().copied());
        assert_eq!(perm.as_deref(), Some(&[1, 2, 0][..]));
        let targets = [
            Target::Entity(EntityId(1)),
            Target::Entity(EntityId(0)),
            Target::Ambiguous(0),
        ];
        let p = Postings::new(targets.iter().map(|t| t.pack()).collect(), &[0], &[3]);
        let at = |o| {
            p.at(0, &SortedSpans::new(&spans, perm.as_deref()), o)
                .map(|x| x.1)
        };
        assert_eq!(at(0), Some(Target::Entity(EntityId(0))));
        assert_eq!(at(5), Some(Target::Ambiguous(0)));
        assert_eq!(at(8), Some(Target::Ambiguous(0)));
        assert_eq!(at(9), None);
        assert_eq!(at(14), Some(Target::Entity(EntityId(1))));
        assert_eq!(at(usize::MAX), None);
        assert_eq!(
            Postings::default().at(0, &SortedSpans::<Span>::new(&[], None), 3),
            None
        );
        let all: Vec<_> = p
            .all(0, SortedSpans::new(&spans, perm.as_deref()))
            .map(|x| x.0)
            .collect();
        assert_eq!(all, [Span::new(0, 5), Span::new(5, 8), Span::new(10, 14)]);
    }

    /// The lookup before the targets moved beside the names: pairs sorted by (start, end), the
    /// nearest spans starting at or before the offset.
    fn simple_at(spans: &[Span], targets: &[Target], offset: usize) -> Option<(Span, Target)> {
        let mut pairs: Vec<(Span, Target)> =
            spans.iter().copied().zip(targets.iter().copied()).collect();
        pairs.sort_by_key(|(s, _)| (s.start(), s.end()));
        let i = pairs.partition_point(|(s, _)| s.start() <= offset);
        pairs[..i]
            .iter()
            .rev()
            .take(2)
            .filter(|(s, _)| s.touches(offset))
            .min_by_key(|(s, _)| (s.end() == offset, s.len()))
            .copied()
    }

    proptest::proptest! {
        #[test]
        fn lookup_equals_the_simple_one(
            raw in proptest::collection::vec((0usize..60, 0usize..8), 0..12),
            offset in 0usize..70,
        ) {
            let spans: Vec<Span> = raw.iter().map(|&(s, l)| Span::new(s, s + l)).collect();
            let targets: Vec<Target> = (0..spans.len() as u32)
                .map(|i| if i % 3 == 2 { Target::Ambiguous(i) } else { Target::Entity(EntityId(i)) })
                .collect();
            // Two files, the second first in corpus order, to exercise the layout.
            let p = Postings::new(
                targets.iter().chain(&targets).map(|t| t.pack()).collect(),
                &[1, 0],
                &[spans.len(), spans.len()],
            );
            let perm = sorted_order(spans.iter().copied());
            for file in [0, 1] {
                let sorted = SortedSpans::new(&spans, perm.as_deref());
                proptest::prop_assert_eq!(p.at(file, &sorted, offset), simple_at(&spans, &targets, offset));
                let mut pairs: Vec<(Span, Target)> = spans.iter().copied().zip(targets.iter().copied()).collect();
                pairs.sort_by_key(|(s, _)| (s.start(), s.end()));
                proptest::prop_assert_eq!(p.all(file, sorted).collect::<Vec<_>>(), pairs);
            }
        }
    }

    #[test]
    fn targets_pack_into_one_word() {
        for t in [
            Target::Entity(EntityId(0)),
            Target::Entity(EntityId(7)),
            Target::Ambiguous(0),
            Target::Ambiguous(3),
        ] {
            assert_eq!(Target::unpack(t.pack()), t);
        }
    }
}
