//! The corpus gazetteer: names learned from the cased files (and gold and user entities), used to
//! find names in the lowercase dumps of the same corpus.
//!
//! A name learned from detection enters when it has two or more words, came with a cue
//! (`President Trump`), or was detected at least twice in the cased files (`ZTE` twice in one
//! article counts); one-word names seen once stay out, so one false capitalised word does not
//! flood every lowercase file.

use super::aliases;
use super::doc_names::DocName;
use crate::config::UserEntity;
use crate::extract::entities::Gazetteer;
use crate::intern::{intern, IStr};
use crate::model::{EntityType, MentionSource};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;

/// A name one file offers the gazetteer: plain key, type, and whether it enters on its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Offered {
    /// Plain lowercase key (`liu he`), interned.
    pub key: IStr,
    /// Its type.
    pub ty: EntityType,
    /// True when it enters without a second sighting (several words, a cue, gold or user).
    pub strong: bool,
    /// How often the file names it this way.
    pub count: u32,
}

/// The names a file offers: all its names when cased, only gold ones when lowercase.
pub fn offered(names: &[DocName], cased: bool) -> Vec<Offered> {
    let mut out: Vec<Offered> = Vec::new();
    for d in names {
        if !cased && d.source == MentionSource::Detected {
            continue;
        }
        let key = aliases::plain_key(&d.name);
        if key.chars().count() < 2 {
            continue;
        }
        let strong = key.contains(' ')
            || d.source != MentionSource::Detected
            || d.title.is_some()
            || d.surface.len() > d.name.len();
        out.push(Offered {
            key: intern(&key),
            ty: d.ty,
            strong,
            count: 1,
        });
    }
    // Strong before weak, so deduplication keeps the strong sighting of a name.
    out.sort_by(|a, b| (&a.key, a.ty, !a.strong).cmp(&(&b.key, b.ty, !b.strong)));
    out.dedup_by(|later, kept| {
        let same = later.key == kept.key && later.ty == kept.ty;
        if same {
            kept.count += later.count;
        }
        same
    });
    out.shrink_to_fit();
    out
}

/// The sorted name set of the corpus from user entities and every file's offers.
///
/// Weak names enter when seen at least twice in all.
pub fn name_set<'a>(
    user: &[UserEntity],
    files: impl Iterator<Item = &'a [Offered]>,
) -> Vec<(String, EntityType)> {
    let mut set: BTreeSet<(String, EntityType)> = BTreeSet::new();
    for u in user {
        // An untyped user entity is offered as MISC: the recogniser then knows the name.
        let ty = u.ty.unwrap_or(EntityType::Misc);
        for n in std::iter::once(&u.name).chain(&u.aliases) {
            let k = aliases::plain_key(n);
            if !k.is_empty() {
                set.insert((k, ty));
            }
        }
    }
    // Borrowed keys while counting: a corpus offers each name many times, and only the
    // distinct ones are copied into the set.
    let mut strong: FxHashSet<(&str, EntityType)> = FxHashSet::default();
    let mut weak: FxHashMap<(&str, EntityType), u32> = FxHashMap::default();
    for offers in files {
        for o in offers {
            if o.strong {
                strong.insert((o.key.as_str(), o.ty));
            } else {
                *weak.entry((o.key.as_str(), o.ty)).or_default() += o.count;
            }
        }
    }
    let weak = weak.into_iter().filter(|(_, n)| *n >= 2).map(|(k, _)| k);
    for (k, ty) in strong.into_iter().chain(weak) {
        set.insert((k.to_string(), ty));
    }
    set.into_iter().collect()
}

/// A matcher for the names that differ between two sorted name sets: the longest word of each,
/// any ASCII case. A text without a match finds exactly the same gazetteer names under both
/// sets (names match on token boundaries, so every word of a match is in the text).
/// `None` when some changed name has no word (then every text must be treated as touched).
pub fn changed_words(
    old: &[(String, EntityType)],
    new: &[(String, EntityType)],
) -> Option<aho_corasick::AhoCorasick> {
    let (mut i, mut j) = (0, 0);
    let mut words: Vec<String> = Vec::new();
    let mut push = |name: &str| -> bool {
        let norm = crate::extract::entities::gazetteer::normalize_phrase(name);
        match norm.split(' ').max_by_key(|w| w.len()) {
            Some(w) if !w.is_empty() => {
                words.push(w.to_string());
                true
            }
            _ => false,
        }
    };
    while i < old.len() || j < new.len() {
        let ok = match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
                true
            }
            (Some(a), Some(b)) if a < b => {
                i += 1;
                push(&a.0)
            }
            (Some(a), None) => {
                i += 1;
                push(&a.0)
            }
            (_, Some(b)) => {
                j += 1;
                push(&b.0)
            }
            (None, None) => true,
        };
        if !ok {
            return None;
        }
    }
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        .ok()
}

/// The gazetteer of a name set (the one place that builds a `Gazetteer`).
pub fn gazetteer(names: &[(String, EntityType)]) -> Gazetteer {
    Gazetteer::new(names.iter().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::doc_names::{InDocLink, NameFacts};
    use crate::model::Span;

    fn dn(surface: &str, name: &str, ty: EntityType, source: MentionSource) -> DocName {
        let facts = NameFacts {
            ty,
            source,
            short: false,
            surface: surface.into(),
            name: name.into(),
            key: aliases::name_key(name, ty).into(),
            link: InDocLink::Open,
            title: None,
        };
        DocName::new(Span::new(0, surface.len()), facts, None)
    }

    #[test]
    fn weak_names_need_two_sightings_and_lowercase_detection_offers_nothing() {
        use EntityType::*;
        use MentionSource::*;
        let a = offered(
            &[
                dn("Liu He", "Liu He", Per, Detected),
                dn("Share", "Share", Org, Detected),
                dn("Kestrel", "Kestrel", Org, Detected),
                dn("Kestrel", "Kestrel", Org, Detected),
                dn("Tern", "Tern", Org, Detected),
                dn("ZTE", "ZTE", Org, Detected),
                dn("Mr. Trump", "Trump", Per, Detected),
            ],
            true,
        );
        let b = offered(&[dn("ZTE", "ZTE", Org, Detected)], true);
        let c = offered(
            &[
                dn("zte", "zte", Org, Detected),
                dn("acme", "acme", Org, Gold),
            ],
            false,
        );
        let user = vec![UserEntity {
            name: "Wilbur Ross".into(),
            ty: Some(Per),
            aliases: vec!["Secretary Ross".into()],
            span: None,
        }];
        let set = name_set(
            &user,
            [a.as_slice(), b.as_slice(), c.as_slice()].into_iter(),
        );
        let keys: Vec<&str> = set.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "acme",
                "kestrel",
                "liu he",
                "secretary ross",
                "trump",
                "wilbur ross",
                "zte"
            ]
        );
    }
}
