//! Name records: one row a mention of a name, with what the registry join reads of it
//! ([`DocName`]): the map writes them, the reduce reads them back into the join's input.

use super::table::{Table, Values};
use crate::corpus::cache::{entity_type_of, entity_type_tag, source_of, source_tag};
use crate::corpus::doc_names::{DocName, InDocLink, NameFacts};
use crate::intern::intern;
use crate::model::Span;
use anyhow::{anyhow, bail, Result};

/// Separates the keys of an ambiguous in-document link (a key never holds it).
const SEP: char = '\u{1f}';

/// The name-record table, empty.
pub fn table() -> Table {
    let int = || Values::Int(Vec::new());
    let s = || Values::Str(Vec::new());
    Table::new(&[
        ("rel", false, s()),
        ("start", false, int()),
        ("end", false, int()),
        ("type", false, int()),
        ("source", false, int()),
        ("short", false, Values::Bool(Vec::new())),
        ("surface", false, s()),
        ("name", false, s()),
        ("key", false, s()),
        // 0 open, 1 to one key, 2 ambiguous between keys.
        ("link", false, int()),
        ("link_keys", true, s()),
        ("title", true, s()),
        ("appositive", true, s()),
        ("appositive_start", true, int()),
        ("appositive_end", true, int()),
    ])
}

/// Appends the name records of one file.
pub fn push(t: &mut Table, rel: &str, names: &[DocName]) {
    for d in names {
        let f = d.facts();
        let (link, keys) = match &f.link {
            InDocLink::Open => (0, None),
            InDocLink::To(k) => (1, Some(k.to_string())),
            InDocLink::Ambiguous(ks) => {
                let ks: Vec<&str> = ks.iter().map(|k| &**k).collect();
                (2, Some(ks.join(&SEP.to_string())))
            }
        };
        let app = d.appositive.as_deref();
        let c = &mut t.columns;
        c[0].values.push_str(Some(rel.to_string()));
        c[1].values.push_int(Some(d.span.start() as i64));
        c[2].values.push_int(Some(d.span.end() as i64));
        c[3].values.push_int(Some(entity_type_tag(f.ty).into()));
        c[4].values.push_int(Some(source_tag(f.source).into()));
        c[5].values.push_bool(Some(f.short));
        c[6].values.push_str(Some(f.surface.to_string()));
        c[7].values.push_str(Some(f.name.to_string()));
        c[8].values.push_str(Some(f.key.to_string()));
        c[9].values.push_int(Some(link));
        c[10].values.push_str(keys);
        c[11]
            .values
            .push_str(f.title.as_ref().map(|t| t.to_string()));
        c[12].values.push_str(app.map(|(t, _)| t.to_string()));
        c[13].values.push_int(app.map(|(_, s)| s.start() as i64));
        c[14].values.push_int(app.map(|(_, s)| s.end() as i64));
    }
}

fn span(start: i64, end: i64, text: &str) -> Result<Span> {
    let (a, b) = (usize::try_from(start)?, usize::try_from(end)?);
    let s = Span::new(a, b.max(a));
    if b < a || !s.fits_in(text) {
        bail!("span {start}..{end} does not fit the text");
    }
    Ok(s)
}

/// The name record at `row` as the join reads it; its spans must fit `text`.
pub fn read(t: &Table, row: usize, text: &str) -> Result<DocName> {
    let col = |n: &str| t.column(n);
    let ty = entity_type_of(u8::try_from(col("type")?.int(row)?)?)
        .ok_or_else(|| anyhow!("unknown entity type"))?;
    let source = source_of(u8::try_from(col("source")?.int(row)?)?)
        .ok_or_else(|| anyhow!("unknown mention source"))?;
    let keys = col("link_keys")?.opt_str(row)?;
    let link = match (col("link")?.int(row)?, keys) {
        (0, _) => InDocLink::Open,
        (1, Some(k)) => InDocLink::To(intern(k)),
        (2, Some(ks)) => InDocLink::Ambiguous(ks.split(SEP).map(intern).collect()),
        (l, _) => bail!("bad link {l}"),
    };
    let facts = NameFacts {
        ty,
        source,
        short: col("short")?.bool(row)?,
        surface: intern(col("surface")?.str(row)?),
        name: intern(col("name")?.str(row)?),
        key: intern(col("key")?.str(row)?),
        link,
        title: col("title")?.opt_str(row)?.map(intern),
    };
    let at = span(col("start")?.int(row)?, col("end")?.int(row)?, text)?;
    let appositive = match col("appositive")?.opt_str(row)? {
        None => None,
        Some(a) => {
            let s = col("appositive_start")?.int(row)?;
            let e = col("appositive_end")?.int(row)?;
            Some((intern(a), span(s, e, text)?))
        }
    };
    Ok(DocName::new(at, facts, appositive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use std::path::Path;

    #[test]
    fn every_name_record_of_the_example_corpus_reads_back_equal() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
        let corpus = Corpus::load(&root);
        let mut n = 0;
        for f in &corpus.files {
            let mut t = table();
            push(&mut t, &f.rel, &f.names);
            let text = f.text();
            for (row, d) in f.names.iter().enumerate() {
                assert_eq!(&read(&t, row, &text).unwrap(), d, "{} row {row}", f.rel);
                n += 1;
            }
        }
        assert!(n > 50, "{n} names");
    }

    #[test]
    fn a_span_off_the_text_is_an_error() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
        let corpus = Corpus::load(&root);
        let f = corpus.files.iter().find(|f| !f.names.is_empty()).unwrap();
        let mut t = table();
        push(&mut t, &f.rel, &f.names);
        assert!(read(&t, 0, "short").is_err());
    }
}
