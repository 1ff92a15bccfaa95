//! The registry in the warm-start cache: what the join decided, so a warm load of an unchanged
//! corpus reads it back instead of joining every mention again.
//!
//! Only what the per-file name facts cannot give is written: each mention's target (entity or
//! ambiguous short form), file by file in the order of the file's names; each entity's name,
//! type, aliases, defining mention and description; each ambiguity's key, surfaces and
//! candidates; the three name indexes. Mention lists, files and postings are rebuilt from the
//! targets and the name facts' spans in the order [`Registry::build`] makes them.

use super::{Ambiguity, Description, Entity, EntityInfo, Registry};
use crate::corpus::cache::{entity_type_of, entity_type_tag, put_str, put_uint, Reader};
use crate::corpus::doc_names::DocName;
use crate::corpus::mentions::{sorted_order, EntityId, MentionRef, Postings, Target};
use crate::model::Span;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// A target as one number: entities even, ambiguous short forms odd.
fn target_code(t: Target) -> u64 {
    match t {
        Target::Entity(id) => u64::from(id.0) << 1,
        Target::Ambiguous(a) => (u64::from(a) << 1) | 1,
    }
}

fn put_mention(out: &mut Vec<u8>, m: &MentionRef) {
    put_uint(out, m.file.into());
    put_uint(out, m.span.start() as u64);
    put_uint(out, m.span.len() as u64);
}

fn put_strings(out: &mut Vec<u8>, v: &[String]) {
    put_uint(out, v.len() as u64);
    for s in v {
        put_str(out, s);
    }
}

fn put_index(out: &mut Vec<u8>, map: &HashMap<String, Vec<EntityId>>) {
    put_uint(out, map.len() as u64);
    for (k, ids) in map {
        put_str(out, k);
        put_uint(out, ids.len() as u64);
        for id in ids {
            put_uint(out, id.0.into());
        }
    }
}

impl Registry {
    /// Encodes this registry, built from `docs` (file `i`'s names); `None` when its postings do
    /// not match the names one for one (never for a registry [`Registry::build`] made).
    pub fn encode(&self, docs: &[&[DocName]]) -> Option<Vec<u8>> {
        let Registry {
            entities,
            ambiguities,
            postings,
            unsorted: _,
            names,
            last_names,
            first_names,
            left_out,
        } = self;
        // A registry a panic cut short is not kept: a later build may not panic.
        if postings.files() != docs.len() || !left_out.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        put_uint(&mut out, docs.len() as u64);
        for (fi, d) in docs.iter().enumerate() {
            // Postings hold one target per name, in the file's name order.
            put_uint(&mut out, d.len() as u64);
            for i in 0..d.len() {
                put_uint(&mut out, target_code(postings.target(fi as u32, i)?));
            }
        }
        put_uint(&mut out, entities.len() as u64);
        for e in entities {
            let EntityInfo {
                id: _,
                name,
                ty,
                aliases,
                mentions,
                files: _,
                defining,
                description,
                user,
            } = &*e.0;
            put_str(&mut out, name);
            out.push(entity_type_tag(*ty));
            out.push(*user as u8);
            put_strings(&mut out, aliases);
            match defining {
                None => put_uint(&mut out, 0),
                Some(m) => {
                    let i = mentions.iter().position(|x| x == m)?;
                    put_uint(&mut out, i as u64 + 1);
                }
            }
            match description {
                None => out.push(0),
                Some(Description { text, at }) => {
                    out.push(1);
                    put_str(&mut out, text);
                    put_mention(&mut out, at);
                }
            }
        }
        put_uint(&mut out, ambiguities.len() as u64);
        for a in ambiguities.iter() {
            let Ambiguity {
                key,
                surfaces,
                mentions: _,
                candidates,
            } = a;
            put_str(&mut out, key);
            put_strings(&mut out, surfaces);
            put_uint(&mut out, candidates.len() as u64);
            for c in candidates {
                put_uint(&mut out, c.0.into());
            }
        }
        for map in [names, last_names, first_names] {
            put_index(&mut out, map);
        }
        Some(out)
    }

    /// Decodes a registry [`Registry::encode`] made from the same `docs`, with files in corpus
    /// `order`; `None` when the bytes are not one, or any id, mention or span is out of place
    /// (`fits` says whether a span falls on its file's text).
    pub fn decode(
        bytes: &[u8],
        order: &[u32],
        docs: &[&[DocName]],
        fits: &dyn Fn(u32, Span) -> bool,
    ) -> Option<Registry> {
        let mut r = Reader::new(bytes);
        if r.count()? != docs.len() {
            return None;
        }
        let mut targets: Vec<Vec<u64>> = Vec::with_capacity(docs.len());
        for d in docs {
            let n = r.count()?;
            if n != d.len() {
                return None;
            }
            let mut t = Vec::with_capacity(n);
            for _ in 0..n {
                t.push(r.uint()?);
            }
            targets.push(t);
        }
        let mention = |r: &mut Reader| -> Option<MentionRef> {
            let file = u32::try_from(r.usize()?).ok()?;
            let span = r.span()?;
            ((file as usize) < docs.len() && fits(file, span)).then_some(MentionRef { file, span })
        };
        let strings = |r: &mut Reader| -> Option<Vec<String>> {
            let n = r.count()?;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(r.str()?.to_string());
            }
            Some(v)
        };
        let n_entities = r.count()?;
        let id = |r: &mut Reader| -> Option<EntityId> {
            let i = r.usize()?;
            (i < n_entities).then_some(EntityId(i as u32))
        };
        struct Head {
            name: String,
            ty: crate::model::EntityType,
            user: bool,
            aliases: Vec<String>,
            defining: usize,
            description: Option<Description>,
        }
        let mut heads = Vec::with_capacity(n_entities);
        for _ in 0..n_entities {
            let name = r.str()?.to_string();
            let ty = entity_type_of(r.byte()?)?;
            let user = match r.byte()? {
                0 => false,
                1 => true,
                _ => return None,
            };
            let aliases = strings(&mut r)?;
            let defining = r.usize()?;
            let description = match r.byte()? {
                0 => None,
                1 => Some(Description {
                    text: r.str()?.to_string(),
                    at: mention(&mut r)?,
                }),
                _ => return None,
            };
            heads.push(Head {
                name,
                ty,
                user,
                aliases,
                defining,
                description,
            });
        }
        let n_amb = r.count()?;
        let mut ambiguities = Vec::with_capacity(n_amb);
        for _ in 0..n_amb {
            let key = r.str()?.to_string();
            let surfaces = strings(&mut r)?;
            let n = r.count()?;
            let mut candidates = Vec::with_capacity(n);
            for _ in 0..n {
                candidates.push(id(&mut r)?);
            }
            ambiguities.push(Ambiguity {
                key,
                surfaces,
                mentions: Vec::new(),
                candidates,
            });
        }
        let mut index = || -> Option<HashMap<String, Vec<EntityId>>> {
            let n = r.count()?;
            let mut map = HashMap::with_capacity_and_hasher(n, Default::default());
            for _ in 0..n {
                let k = r.str()?.to_string();
                let m = r.count()?;
                let mut ids = Vec::with_capacity(m);
                for _ in 0..m {
                    ids.push(id(&mut r)?);
                }
                map.insert(k, ids);
            }
            Some(map)
        };
        let names = index()?;
        let last_names = index()?;
        let first_names = index()?;
        if !r.done() {
            return None;
        }
        // Every target points at an entity or ambiguity, every name falls on its file's text.
        for (fi, (d, ts)) in docs.iter().zip(&targets).enumerate() {
            for (name, &t) in d.iter().zip(ts) {
                let i = usize::try_from(t >> 1).ok()?;
                let n = if t & 1 == 0 { n_entities } else { n_amb };
                if i >= n || !fits(fi as u32, name.span) {
                    return None;
                }
            }
        }
        // Mention lists and postings in corpus order, each file's names in their order: as the
        // build makes them.
        let mut mentions: Vec<Vec<MentionRef>> = vec![Vec::new(); n_entities];
        let mut slots = Vec::with_capacity(targets.iter().map(Vec::len).sum());
        for &fi in order {
            let (d, ts) = (docs.get(fi as usize)?, &targets[fi as usize]);
            for (name, &t) in d.iter().zip(ts) {
                let m = MentionRef {
                    file: fi,
                    span: name.span,
                };
                let i = (t >> 1) as usize;
                if t & 1 == 0 {
                    mentions[i].push(m);
                    slots.push(Target::Entity(EntityId(i as u32)).pack());
                } else {
                    ambiguities[i].mentions.push(m);
                    slots.push(Target::Ambiguous(i as u32).pack());
                }
            }
        }
        if slots.len() != targets.iter().map(Vec::len).sum::<usize>() {
            return None;
        }
        let lens: Vec<usize> = docs.iter().map(|d| d.len()).collect();
        let postings = Postings::new(slots, order, &lens);
        let unsorted = docs
            .iter()
            .enumerate()
            .filter_map(|(fi, d)| Some((fi as u32, sorted_order(d.iter().map(|d| d.span))?)))
            .collect();
        let mut entities = Vec::with_capacity(n_entities);
        for (i, (h, ms)) in heads.into_iter().zip(mentions).enumerate() {
            let mut files: Vec<u32> = Vec::new();
            for m in &ms {
                if files.last() != Some(&m.file) {
                    files.push(m.file);
                }
            }
            let defining = match h.defining {
                0 => None,
                k => Some(*ms.get(k - 1)?),
            };
            entities.push(Entity(Arc::new(EntityInfo {
                id: EntityId(i as u32),
                name: h.name,
                ty: h.ty,
                aliases: h.aliases,
                mentions: ms,
                files,
                defining,
                description: h.description,
                user: h.user,
            })));
        }
        Some(Registry {
            entities,
            ambiguities: Arc::new(ambiguities),
            postings: Arc::new(postings),
            unsorted: Arc::new(unsorted),
            names: Arc::new(names),
            last_names: Arc::new(last_names),
            first_names: Arc::new(first_names),
            left_out: Arc::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use std::path::Path;

    /// Written fresh: two Smiths (an ambiguous surname), a company and its short form, a user
    /// entity nobody mentions and one with aliases, appositives and titles.
    const FILES: &[(&str, &str)] = &[
        (
            "a.md",
            "# Port Deal Signed\n\nMarch 3, 2022\n\nAnn Smith, a harbour pilot, and Bob Smith met Kestrel Shipping Company in Tallinn. Vice Premier Liu He said Kestrel would hire 300 people.\n",
        ),
        (
            "b.md",
            "# Pilots Strike\n\nMarch 9, 2022\n\nSmith said the pilots of Kestrel Shipping would strike. Mr. Liu met Odile Marchetti in Riga, where Ms. Marchetti spoke.\n",
        ),
        (
            "notes/n.md",
            "# Notes\n\nSmith and the trade minister disagree. Kestrel hires 300.\n",
        ),
        (
            "corpus-ls.toml",
            "[entities]\n\"Marta Okonjo\" = { type = \"PER\", aliases = [\"the trade minister\"] }\n\"Nobody Here\" = { type = \"ORG\" }\n",
        ),
    ];

    fn corpus() -> (tempfile::TempDir, Corpus) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in FILES {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let c = Corpus::load(dir.path());
        (dir, c)
    }

    fn docs(c: &Corpus) -> Vec<&[DocName]> {
        c.files.iter().map(|f| f.names.as_slice()).collect()
    }

    fn fits(c: &Corpus) -> impl Fn(u32, Span) -> bool + '_ {
        |f, s| s.fits_in(&c.files[f as usize].text())
    }

    fn sorted(m: &HashMap<String, Vec<EntityId>>) -> Vec<(&String, &Vec<EntityId>)> {
        let mut v: Vec<_> = m.iter().collect();
        v.sort();
        v
    }

    /// Every field of two registries agrees (the indexes as sorted lists).
    fn assert_same(a: &Registry, b: &Registry) {
        assert_eq!(a.entities, b.entities);
        assert_eq!(a.ambiguities, b.ambiguities);
        assert_eq!(a.postings.files(), b.postings.files());
        for fi in 0..a.postings.files() as u32 {
            for i in 0.. {
                let t = a.postings.target(fi, i);
                assert_eq!(t, b.postings.target(fi, i));
                if t.is_none() {
                    break;
                }
            }
        }
        assert_eq!(a.unsorted, b.unsorted);
        assert_eq!(sorted(&a.names), sorted(&b.names));
        assert_eq!(sorted(&a.last_names), sorted(&b.last_names));
        assert_eq!(sorted(&a.first_names), sorted(&b.first_names));
    }

    #[test]
    fn a_registry_survives_the_codec() {
        for root in [
            None,
            Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")),
        ] {
            let (_dir, c) = corpus();
            let c = root.map_or(c, |r| Corpus::load(&r));
            let reg = c.registry();
            let bytes = reg.encode(&docs(&c)).expect("encodes");
            let back = Registry::decode(&bytes, c.order(), &docs(&c), &fits(&c)).expect("decodes");
            assert_same(reg, &back);
        }
        let (_dir, c) = corpus();
        let reg = c.registry();
        // The fixture reaches every part: ambiguity, user entities, descriptions.
        assert!(!reg.ambiguities().is_empty());
        assert!(reg
            .entities()
            .iter()
            .any(|e| e.user && e.mentions.is_empty()));
        assert!(reg.entities().iter().any(|e| e.description.is_some()));
        assert!(reg.entities().iter().any(|e| e.files.len() > 1));
    }

    #[test]
    fn decoding_never_panics_and_checks_the_names_it_is_given() {
        let (_dir, c) = corpus();
        let docs = docs(&c);
        let bytes = c.registry().encode(&docs).unwrap();
        let fits = fits(&c);
        for cut in 0..bytes.len() {
            assert!(Registry::decode(&bytes[..cut], c.order(), &docs, &fits).is_none());
        }
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut m = bytes.clone();
                m[i] ^= flip;
                // May decode to something else; must not panic, and what decodes points
                // inside the corpus.
                if let Some(r) = Registry::decode(&m, c.order(), &docs, &fits) {
                    for e in r.entities() {
                        for m in e.mentions.iter().chain(&e.defining) {
                            let _ = c.files[m.file as usize].span_text(m.span);
                        }
                    }
                }
            }
        }
        // Other name lists than the ones it was made from: refused where the counts differ.
        let mut fewer = docs.clone();
        fewer[0] = &fewer[0][1..];
        assert!(Registry::decode(&bytes, c.order(), &fewer, &fits).is_none());
        assert!(Registry::decode(&bytes, c.order(), &docs[1..], &fits).is_none());
    }
}
