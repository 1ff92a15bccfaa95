//! The codec of a file's name facts ([`DocName`]s) and gazetteer offers ([`Offered`]), kept
//! beside its analysis so a warm load neither re-derives keys, titles and in-document links
//! nor interns every mention's strings again.
//!
//! A file names few distinct things many times, so its strings are written once (a table), then
//! its distinct name facts once (indices into the strings), then each mention as a
//! delta-coded span and an index into the facts.

use super::{
    entity_type_of, entity_type_tag, put_int, put_str, put_uint, source_of, source_tag, Reader,
};
use crate::corpus::doc_names::{shared_facts, DocName, InDocLink, NameFacts};
use crate::corpus::gazetteer::Offered;
use crate::intern::{intern, IStr};
use crate::model::Span;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Strings and facts of one file, each numbered in order of first use.
#[derive(Default)]
struct Tables<'a> {
    strings: Vec<&'a str>,
    string_ids: FxHashMap<&'a str, u32>,
    facts: Vec<&'a NameFacts>,
    fact_ids: FxHashMap<*const NameFacts, u32>,
}

impl<'a> Tables<'a> {
    fn string(&mut self, s: &'a str) -> u32 {
        let next = self.strings.len() as u32;
        *self.string_ids.entry(s).or_insert_with(|| {
            self.strings.push(s);
            next
        })
    }
}

/// Encodes a file's name facts and offers.
pub fn encode<'a>(names: &'a [DocName], offered: &'a [Offered]) -> Vec<u8> {
    let mut t = Tables::default();
    let mut mentions: Vec<u32> = Vec::with_capacity(names.len());
    for d in names {
        let f: &NameFacts = d.facts();
        // Equal facts are one shared allocation, so the pointer names them.
        let next = t.facts.len() as u32;
        let id = *t.fact_ids.entry(f as *const NameFacts).or_insert_with(|| {
            t.facts.push(f);
            next
        });
        mentions.push(id);
    }
    // Facts as string indices (the strings are numbered as the facts are written).
    let mut facts = Vec::new();
    for f in t.facts.clone() {
        let NameFacts {
            ty,
            source,
            short,
            surface,
            name,
            key,
            link,
            title,
        } = f;
        facts.push(entity_type_tag(*ty));
        facts.push(source_tag(*source));
        facts.push(*short as u8);
        for s in [surface, name, key] {
            put_uint(&mut facts, t.string(s).into());
        }
        match link {
            InDocLink::Open => facts.push(0),
            InDocLink::To(k) => {
                facts.push(1);
                put_uint(&mut facts, t.string(k).into());
            }
            InDocLink::Ambiguous(ks) => {
                facts.push(2);
                put_uint(&mut facts, ks.len() as u64);
                for k in ks.iter() {
                    put_uint(&mut facts, t.string(k).into());
                }
            }
        }
        match title {
            None => put_uint(&mut facts, 0),
            Some(s) => put_uint(&mut facts, u64::from(t.string(s)) + 1),
        }
    }
    let mut rest = Vec::new();
    put_uint(&mut rest, names.len() as u64);
    let mut prev = 0i64;
    for (d, id) in names.iter().zip(&mentions) {
        put_int(&mut rest, d.span.start() as i64 - prev);
        prev = d.span.start() as i64;
        put_uint(&mut rest, d.span.len() as u64);
        put_uint(&mut rest, (*id).into());
        match d.appositive.as_deref() {
            None => put_uint(&mut rest, 0),
            Some((text, at)) => {
                put_uint(&mut rest, u64::from(t.string(text)) + 1);
                put_int(&mut rest, at.start() as i64 - d.span.start() as i64);
                put_uint(&mut rest, at.len() as u64);
            }
        }
    }
    put_uint(&mut rest, offered.len() as u64);
    for o in offered {
        let Offered {
            key,
            ty,
            strong,
            count,
        } = o;
        put_uint(&mut rest, t.string(key).into());
        rest.push(entity_type_tag(*ty));
        rest.push(*strong as u8);
        put_uint(&mut rest, (*count).into());
    }
    let mut out = Vec::with_capacity(facts.len() + rest.len() + 16 * t.strings.len());
    put_uint(&mut out, t.strings.len() as u64);
    for s in &t.strings {
        put_str(&mut out, s);
    }
    put_uint(&mut out, t.facts.len() as u64);
    out.extend_from_slice(&facts);
    out.extend_from_slice(&rest);
    out
}

fn flag(b: u8) -> Option<bool> {
    match b {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// Decodes a file's name facts and offers; `None` when the bytes are not that, or a span does
/// not fall on `text`'s char boundaries.
pub fn decode(bytes: &[u8], text: &str) -> Option<(Vec<DocName>, Vec<Offered>)> {
    let mut r = Reader::new(bytes);
    let n = r.count()?;
    let mut strings: Vec<IStr> = Vec::with_capacity(n);
    for _ in 0..n {
        strings.push(intern(r.str()?));
    }
    let string = |r: &mut Reader| strings.get(r.usize()?).cloned();
    let n = r.count()?;
    let mut facts: Vec<Arc<NameFacts>> = Vec::with_capacity(n);
    for _ in 0..n {
        let ty = entity_type_of(r.byte()?)?;
        let source = source_of(r.byte()?)?;
        let short = flag(r.byte()?)?;
        let surface = string(&mut r)?;
        let name = string(&mut r)?;
        let key = string(&mut r)?;
        let link = match r.byte()? {
            0 => InDocLink::Open,
            1 => InDocLink::To(string(&mut r)?),
            2 => {
                let k = r.count()?;
                let mut ks = Vec::with_capacity(k);
                for _ in 0..k {
                    ks.push(string(&mut r)?);
                }
                InDocLink::Ambiguous(ks.into_boxed_slice())
            }
            _ => return None,
        };
        let title = match r.usize()? {
            0 => None,
            i => Some(strings.get(i - 1)?.clone()),
        };
        facts.push(shared_facts(NameFacts {
            ty,
            source,
            short,
            surface,
            name,
            key,
            link,
            title,
        }));
    }
    let fits = |s: Span| s.fits_in(text);
    let n = r.count()?;
    let mut names = Vec::with_capacity(n);
    let mut prev = 0i64;
    for _ in 0..n {
        let span = r.delta_span(&mut prev)?;
        let facts = facts.get(r.usize()?)?.clone();
        let appositive = match r.usize()? {
            0 => None,
            i => {
                let t = strings.get(i - 1)?.clone();
                let at = r.offset_from(span.start())?;
                let at = Span::new(at, at.checked_add(r.usize()?)?);
                if !fits(at) {
                    return None;
                }
                Some((t, at))
            }
        };
        if !fits(span) {
            return None;
        }
        names.push(DocName::with_shared(span, facts, appositive));
    }
    let n = r.count()?;
    let mut offered = Vec::with_capacity(n);
    for _ in 0..n {
        offered.push(Offered {
            key: string(&mut r)?,
            ty: entity_type_of(r.byte()?)?,
            strong: flag(r.byte()?)?,
            count: u32::try_from(r.uint()?).ok()?,
        });
    }
    r.done().then_some((names, offered))
}
