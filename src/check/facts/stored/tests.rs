//! Facts read back from the cache are exactly the facts the walk makes, and a cut, damaged or
//! foreign cache is only ignored.

use super::*;
use crate::check::facts::facts_of;
use crate::corpus::cache::tests::cut_and_flipped;
use crate::corpus::Corpus;
use std::path::Path;

/// Articles with figures of every kind, names, measure words, ranges and text that is not
/// ASCII, and a note (which has no entry).
const FILES: &[(&str, &str)] = &[
    (
        "2021/port.md",
        "---\ntitle: Harbour Board Approves Expansion\ndate: 2021-04-06\n---\n\n# Harbour Board Approves Expansion\n\nTALLINN, April 6 (Wire) - The Valdmere Port Authority said on Tuesday it would spend about $1.2 billion, or 40 to 45 percent of its budget, on two new quays. Chief executive Tarmo Kask said 3,500 workers would be hired by 2024.\n\nMr. Kask told the Baltic Shipping Council that tariffs rose 12 percent in one year, and that Nordvik AS employs 70,000 people.\n",
    ),
    (
        "2021/rail.txt",
        "Rail Link Delayed Again\n\nRIGA, May 3 - Lumora Rail said on Monday its Riga–Tallinn line would open in 2027, seven years late, at a cost of more than €900 million. Ms. Ilze Bērziņa, the finance minister, said the Latvian state owed nearly one-third of it.\n",
    ),
    (
        "2022/ferry.md",
        "# Ferry fares\n\nThe Saaremaa ferry company raised fares by 8% to €12.50 on 1 March 2022; about 2.1 million passengers crossed last year, down from 2.4 million.\n",
    ),
    (
        "notes/claims.md",
        "---\nsources: [../2021/port.md]\n---\n\nThe port authority will spend $1.5 billion.\n",
    ),
];

fn corpus() -> (tempfile::TempDir, Corpus) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in FILES {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut c = Corpus::load(dir.path());
    // As a load through the analysis cache would mark them.
    for (i, f) in c.files.iter_mut().enumerate() {
        let mut sf = (**f).clone();
        sf.cache_ident = Some(*blake3::hash(&[i as u8]).as_bytes());
        *f = Arc::new(sf);
    }
    (dir, c)
}

/// The facts the walk makes, per article in corpus order.
fn walked(c: &Corpus) -> Vec<Vec<Fact>> {
    c.files
        .iter()
        .filter(|f| f.analysis.kind == DocKind::Article)
        .map(|f| facts_of(f))
        .collect()
}

fn facts(files: &[Arc<FileFacts>]) -> Vec<Vec<Fact>> {
    files.iter().map(|ff| ff.facts.clone()).collect()
}

fn through(c: &Corpus, cache: &Path) -> Vec<Vec<Fact>> {
    let store = Store::open_part_in(cache, &c.root, PART);
    assert!(store.is_some());
    facts(&article_facts_through(c, store))
}

#[test]
fn every_article_survives_the_codec() {
    let (_dir, c) = corpus();
    let files: Vec<Arc<FileFacts>> = c
        .files
        .iter()
        .filter(|f| f.analysis.kind == DocKind::Article)
        .map(|f| Arc::new(FileFacts::of(f)))
        .collect();
    let idents: Vec<Option<Key>> = (0..files.len()).map(|i| Some([i as u8; 32])).collect();
    let entries = entries(&files, &idents);
    let Entry::New(head) = &entries[0].1 else {
        panic!("the strings are not new")
    };
    let strings = decode_strings(head).expect("strings decode");
    let (mut words, mut named) = (0, 0);
    for (ff, (_, e)) in files.iter().zip(&entries[1..]) {
        let Entry::New(bytes) = e else { panic!() };
        let sf = c.file(&ff.rel).unwrap();
        let back = decode(bytes, sf, &strings).expect("decodes");
        assert_eq!(back, ff.facts, "{}", ff.rel);
        words += back.iter().map(|f| f.context.len()).sum::<usize>();
        named += back.iter().filter(|f| !f.entities.is_empty()).count();
    }
    assert!(files.iter().map(|ff| ff.facts.len()).sum::<usize>() >= 8);
    assert!(words > 50 && named > 0, "{words} words, {named} named");
}

#[test]
fn cut_and_flipped_entries_are_refused_or_harmless() {
    let (_dir, c) = corpus();
    let sf = c.file("2021/port.md").unwrap();
    let ff = Arc::new(FileFacts::of(sf));
    let entries = entries(std::slice::from_ref(&ff), &[Some([7; 32])]);
    let (Entry::New(head), Entry::New(bytes)) = (&entries[0].1, &entries[1].1) else {
        panic!()
    };
    let strings = decode_strings(head).unwrap();
    // Every cut is refused; a flipped byte (which the file's hash catches first) never panics.
    cut_and_flipped("facts", bytes, |b| decode(b, sf, &strings), |_| ());
    for cut in 0..head.len() {
        assert!(decode_strings(&head[..cut]).is_none(), "strings cut {cut}");
    }
    // Numbers past the strings read are refused.
    assert!(decode(bytes, sf, &strings[..strings.len() / 2]).is_none());
}

#[test]
fn warm_runs_read_what_cold_runs_make_and_bad_files_are_recomputed() {
    let (_dir, c) = corpus();
    let cache = tempfile::tempdir().unwrap();
    let want = walked(&c);
    // Cold: computed and written; warm: read back.
    assert_eq!(through(&c, cache.path()), want);
    let file = std::fs::read_dir(cache.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".facts.bin"))
        .expect("the facts file was written");
    let store = Store::open_part_in(cache.path(), &c.root, PART).unwrap();
    assert_eq!(
        store.len(),
        want.len() + 1,
        "one entry per article and the strings"
    );
    assert_eq!(through(&c, cache.path()), want);
    // Another part's file or the analysis cache's name does not read it.
    assert!(Store::open_part_in(cache.path(), &c.root, "other")
        .unwrap()
        .is_empty());
    assert!(Store::open_in(cache.path(), &c.root).unwrap().is_empty());
    // Cut or damaged: ignored, recomputed, rewritten whole.
    let good = std::fs::read(&file).unwrap();
    for bad in [
        good[..good.len() / 2].to_vec(),
        {
            let mut b = good.clone();
            let i = b.len() / 3;
            b[i] ^= 0x20;
            b
        },
        b"not a cache".to_vec(),
    ] {
        std::fs::write(&file, &bad).unwrap();
        assert!(Store::open_part_in(cache.path(), &c.root, PART)
            .unwrap()
            .is_empty());
        assert_eq!(through(&c, cache.path()), want);
        assert_eq!(std::fs::read(&file).unwrap(), good);
    }
    // An article whose analysis changed (a new ident) is walked again.
    let mut c2 = c.clone();
    let i = c2
        .files
        .iter()
        .position(|f| f.rel == "2021/rail.txt")
        .unwrap();
    let mut sf = (*c2.files[i]).clone();
    sf.analysis.figures.pop();
    sf.cache_ident = Some([9; 32]);
    c2.files[i] = Arc::new(sf);
    assert_eq!(through(&c2, cache.path()), walked(&c2));
}
