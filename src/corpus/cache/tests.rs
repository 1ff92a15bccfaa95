//! The cache returns exactly what a cold analysis makes, and a bad cache file is only ignored.

use super::*;
use crate::config::Config;
use crate::corpus::{Corpus, LoadOptions, SourceFile};
use std::fs;

/// A small corpus touching every part of the codec: front matter with sources, links and
/// headings, figures with ranges, bounds and dates, a lowercase dump that needs the gazetteer,
/// a brat-annotated file, a CoNLL file, a note, and text that is not ASCII.
const FILES: &[(&str, &str)] = &[
    (
        "2021/port.md",
        "---\ntitle: Harbour Board Approves Expansion\ndate: 2021-04-06\n---\n\n# Harbour Board Approves Expansion\n\nBy Odile Marchetti\n\nTALLINN, April 6 (Wire) - The Valdmere Port Authority said on Tuesday it would spend about $1.2 billion, or 40 to 45 percent of its budget, on two new quays. Chief executive Tarmo Kask said 3,500 workers would be hired by 2024.\n\n## Reaction\n\nMr. Kask told the Baltic Shipping Council that tariffs rose 12 percent in one year. See [the filing](https://example.org/filing).\n",
    ),
    (
        "2021/rail.txt",
        "Rail Link Delayed Again\n\nRIGA, May 3 - Lumora Rail said on Monday its Riga-Tallinn line would open in 2027, seven years late, at a cost of more than €900 million. Ms. Ilze Berzina, the finance minister, said the Latvian state owed nearly one-third of it.\n",
    ),
    (
        "dumps/port-lower.txt",
        "the valdmere port authority said on tuesday that tarmo kask would hire 3500 workers and spend 1200 million dollars on two new quays in tallinn\nkask told reporters that tariffs rose 12 percent in one year and that the baltic shipping council had backed the plan\nodile marchetti reported that lumora rail would open its line in 2027 seven years late\n",
    ),
    (
        "gold/annotated.txt",
        "Odile Marchetti met Tarmo Kask in Tallinn.\n",
    ),
    (
        "gold/annotated.ann",
        "T1\tPER 0 15\tOdile Marchetti\nT2\tPER 20 30\tTarmo Kask\nT3\tLOC 34 41\tTallinn\n",
    ),
    (
        "conll/sample.conll",
        "-DOCSTART- -X- O O\n\nLumora NNP B-NP B-ORG\nRail NNP I-NP I-ORG\nhired VBD B-VP O\n200 CD B-NP O\nworkers NNS I-NP O\nin IN B-PP O\nRiga NNP B-NP B-LOC\n. . O O\n",
    ),
    (
        "notes/claims.md",
        "---\nsources: [../2021/port.md, ../2021/rail.txt]\n---\n\n# Claims — Överblick\n\nThe port authority will spend $1.5 billion (café prices up 13%). Kask hires 3,000 workers. Lumora opens the line in 2026, on Tuesday, May 3, 2021.\n",
    ),
];

fn write_corpus(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

/// Loads `root` through a cache kept in `cache` (the environment is not read).
fn load(root: &Path, cache: &Path) -> (Corpus, usize) {
    let (config, _) = Config::load(root);
    let store = Store::open_in(cache, root);
    assert!(store.is_some(), "no store in {}", cache.display());
    let opts = LoadOptions {
        cache: true,
        ..LoadOptions::default()
    };
    Corpus::load_store(root, &config, opts, &|_, _| {}, store)
}

fn cold(root: &Path) -> Corpus {
    Corpus::load(root)
}

/// Everything a load derives per file must agree, and so must the registry.
fn assert_same(a: &Corpus, b: &Corpus) {
    assert_eq!(a.files.len(), b.files.len());
    for (x, y) in a.files.iter().zip(&b.files) {
        let (x, y): (&SourceFile, &SourceFile) = (x, y);
        assert_eq!(x.rel, y.rel);
        assert_eq!(x.analysis, y.analysis, "{}", x.rel);
        assert_eq!(x.problems, y.problems, "{}", x.rel);
        assert_eq!(x.gold, y.gold, "{}", x.rel);
        assert_eq!(x.offered, y.offered, "{}", x.rel);
        assert_eq!(
            format!("{:?}", x.names),
            format!("{:?}", y.names),
            "{}",
            x.rel
        );
    }
    assert_eq!(a.order(), b.order());
    let names = |c: &Corpus| -> Vec<String> {
        c.entities()
            .iter()
            .map(|e| format!("{} {:?}", e.name, e.ty))
            .collect()
    };
    assert_eq!(names(a), names(b));
    assert_eq!(
        serde_json::to_string(
            &a.files
                .iter()
                .map(|f| &f.analysis.figures)
                .collect::<Vec<_>>()
        )
        .unwrap(),
        serde_json::to_string(
            &b.files
                .iter()
                .map(|f| &f.analysis.figures)
                .collect::<Vec<_>>()
        )
        .unwrap()
    );
}

/// The registry as far as its public face shows it: entities, ambiguities, each file's
/// mentions, and what every name and alias resolves to.
fn registry_dump(c: &Corpus) -> String {
    let r = c.registry();
    let mut out = format!("{:?}\n{:?}\n", r.entities(), r.ambiguities());
    for (i, f) in c.files.iter().enumerate() {
        let m: Vec<_> = r.file_mentions(i as u32, &f.names).collect();
        out += &format!("{m:?}\n");
    }
    for e in r.entities() {
        for n in std::iter::once(&e.name).chain(&e.aliases) {
            out += &format!("{n} {:?}\n", c.resolve(n));
        }
    }
    for a in r.ambiguities() {
        out += &format!("{} {:?}\n", a.key, c.resolve(&a.key));
    }
    out
}

#[test]
fn the_registry_is_cached_for_exactly_these_files_and_user_entities() {
    let dir = write_corpus(FILES);
    let cache = tempfile::tempdir().unwrap();
    let (first, _) = load(dir.path(), cache.path());
    let n = first.files.len();
    let entries = |c: &Path| Store::open_in(c, dir.path()).unwrap().len();
    // One entry a file and one for the registry.
    assert_eq!(entries(cache.path()), n + 1);
    let (warm, hits) = load(dir.path(), cache.path());
    assert_eq!(hits, n);
    assert_eq!(registry_dump(&warm), registry_dump(&cold(dir.path())));
    // A user entity: the registry is joined again (the files' entries stand), and the
    // replaced registry entry is pruned.
    fs::write(
        dir.path().join("corpus-ls.toml"),
        "[entities]\n\"Tarmo Kask\" = { type = \"PER\", aliases = [\"the chief\"] }\n",
    )
    .unwrap();
    let reference = cold(dir.path());
    let (warm, _) = load(dir.path(), cache.path());
    assert_eq!(registry_dump(&warm), registry_dump(&reference));
    assert!(warm.entities().iter().any(|e| e.user));
    assert_eq!(entries(cache.path()), n + 1);
    let (again, _) = load(dir.path(), cache.path());
    assert_eq!(registry_dump(&again), registry_dump(&reference));
    // A note's text: that file's entry and the registry's are made again.
    let note = dir.path().join("notes/claims.md");
    let text = fs::read_to_string(&note).unwrap() + "\nMr. Kask met Odile Marchetti.\n";
    fs::write(&note, text).unwrap();
    let (warm, hits) = load(dir.path(), cache.path());
    assert_eq!(hits, n - 1);
    assert_eq!(registry_dump(&warm), registry_dump(&cold(dir.path())));
    assert_eq!(entries(cache.path()), n + 1);
}

/// Every cut of `bytes` fails to decode; every flipped byte decodes to nothing or to something
/// `check` can read (what decodes must fit the text: no panic later).
pub(crate) fn cut_and_flipped<T>(
    what: &str,
    bytes: &[u8],
    decode: impl Fn(&[u8]) -> Option<T>,
    check: impl Fn(T),
) {
    for cut in 0..bytes.len() {
        assert!(decode(&bytes[..cut]).is_none(), "{what} cut {cut}");
    }
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80, 0xff] {
            let mut m = bytes.to_vec();
            m[i] ^= flip;
            if let Some(x) = decode(&m) {
                check(x);
            }
        }
    }
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

#[test]
fn every_analysis_survives_the_codec() {
    let dir = write_corpus(FILES);
    let c = cold(dir.path());
    let mut seen = (0, 0, 0);
    for f in &c.files {
        // The detection analysis is what is kept; gold files keep theirs too.
        let a = &f.analysis;
        let bytes = encode(a);
        let back = decode(&bytes, &f.text()).unwrap_or_else(|| panic!("{} did not decode", f.rel));
        assert_eq!(&back, a, "{}", f.rel);
        seen.0 += a.entities.len();
        seen.1 += a.figures.len();
        seen.2 += a.meta.links.len() + a.meta.sources.len() + a.meta.headings.len();
        // Interned strings come back as the table's copies.
        for (x, y) in back.figures.iter().zip(&a.figures) {
            assert_eq!(x.subject, y.subject);
        }
    }
    assert!(
        seen.0 > 10 && seen.1 > 10 && seen.2 > 3,
        "fixture too thin: {seen:?}"
    );
    assert!(c.files.iter().any(|f| f.is_lowercase()));
    assert!(c.files.iter().any(|f| f.gold));
}

#[test]
fn every_files_name_facts_survive_the_codec() {
    let dir = write_corpus(FILES);
    let c = cold(dir.path());
    let mut seen = (0, 0, 0, 0);
    for f in &c.files {
        let bytes = names::encode(&f.names, &f.offered);
        let (n, o) =
            names::decode(&bytes, &f.text()).unwrap_or_else(|| panic!("{} did not decode", f.rel));
        assert_eq!(format!("{n:?}"), format!("{:?}", f.names), "{}", f.rel);
        assert_eq!(o, f.offered, "{}", f.rel);
        // Equal facts come back as the one shared copy a cold load makes.
        for (x, y) in n.iter().zip(&f.names) {
            assert!(std::ptr::eq(x.facts(), y.facts()), "{}", f.rel);
        }
        seen.0 += n.len();
        seen.1 += n.iter().filter(|d| d.appositive.is_some()).count();
        seen.2 += n.iter().filter(|d| d.title.is_some()).count();
        seen.3 += n
            .iter()
            .filter(|d| !matches!(d.link, crate::corpus::doc_names::InDocLink::Open))
            .count();
    }
    assert!(
        seen.0 > 20 && seen.1 > 0 && seen.2 > 0 && seen.3 > 0,
        "fixture too thin: {seen:?}"
    );
}

#[test]
fn name_facts_decoding_never_panics_on_cut_or_mutated_payloads() {
    let dir = write_corpus(FILES);
    let c = cold(dir.path());
    for f in &c.files {
        let bytes = names::encode(&f.names, &f.offered);
        let text = f.text();
        cut_and_flipped(
            &f.rel,
            &bytes,
            |b| names::decode(b, &text),
            |(n, _)| {
                for d in &n {
                    let _ = d.span.slice(&text);
                }
            },
        );
        if !f.names.is_empty() {
            assert!(names::decode(&bytes, "").is_none(), "{}", f.rel);
        }
    }
}

#[test]
fn what_the_name_facts_read_besides_the_text_keys_them() {
    let dir = write_corpus(FILES);
    let cache = tempfile::tempdir().unwrap();
    load(dir.path(), cache.path());
    // The config's `ignore` list: every file's name facts are made again, and equal a cold
    // load's; the analyses of cased files stand (the dump's do not: the names the cased files
    // teach the gazetteer changed).
    fs::write(
        dir.path().join("corpus-ls.toml"),
        "ignore = [\"Tallinn\", \"Lumora Rail\"]\n",
    )
    .unwrap();
    let (warm, hits) = load(dir.path(), cache.path());
    let cased = warm.files.iter().filter(|f| !f.is_lowercase()).count();
    assert_eq!(hits, cased);
    assert_same(&cold(dir.path()), &warm);
    assert!(warm
        .files
        .iter()
        .all(|f| f.names.iter().all(|d| d.key.as_str() != "tallinn")));
    let (again, hits) = load(dir.path(), cache.path());
    assert_eq!(hits, again.files.len());
    assert_same(&cold(dir.path()), &again);
    // A brat file's `.ann`: its gold mentions make the name facts.
    fs::write(
        dir.path().join("gold/annotated.ann"),
        "T1\tORG 0 15\tOdile Marchetti\nT3\tLOC 34 41\tTallinn\n",
    )
    .unwrap();
    let (warm, _) = load(dir.path(), cache.path());
    assert_same(&cold(dir.path()), &warm);
    let gold = warm.file("gold/annotated.txt").unwrap();
    assert_eq!(gold.names[0].ty, EntityType::Org);
}

#[test]
fn warm_load_equals_cold_and_hits_every_file() {
    let dir = write_corpus(FILES);
    let cache = tempfile::tempdir().unwrap();
    let reference = cold(dir.path());
    let (first, hits) = load(dir.path(), cache.path());
    assert_eq!(hits, 0, "an empty cache hit");
    assert_same(&reference, &first);
    let written = cache_files(cache.path());
    assert_eq!(written.len(), 1, "{written:?}");
    let (second, hits) = load(dir.path(), cache.path());
    assert_eq!(hits, second.files.len(), "warm load missed");
    assert_same(&reference, &second);
    // Nothing of the cache lands in the corpus.
    let mut all = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                all.push(e.path());
            }
        }
    }
    assert_eq!(all.len(), FILES.len(), "{all:?}");
}

#[test]
fn an_edit_misses_only_that_file_and_pruning_drops_removed_files() {
    let files: Vec<(&str, &str)> = FILES
        .iter()
        .copied()
        .filter(|(r, _)| !r.starts_with("dumps/"))
        .collect();
    let dir = write_corpus(&files);
    let cache = tempfile::tempdir().unwrap();
    let (c, _) = load(dir.path(), cache.path());
    let n = c.files.len();
    // A changed figure in a note: only that file is analysed again.
    let note = dir.path().join("notes/claims.md");
    let text = fs::read_to_string(&note).unwrap().replace("$1.5", "$1.6");
    fs::write(&note, text).unwrap();
    let (c2, hits) = load(dir.path(), cache.path());
    assert_eq!(hits, n - 1);
    assert_same(&cold(dir.path()), &c2);
    // A removed file's entry is pruned when the cache is written again.
    fs::remove_file(dir.path().join("2021/rail.txt")).unwrap();
    let (c3, hits) = load(dir.path(), cache.path());
    assert_eq!((hits, c3.files.len()), (n - 1, n - 1));
    let path = cache_files(cache.path()).pop().unwrap();
    let bytes = fs::read(&path).unwrap();
    let store = Store::open_in(cache.path(), dir.path()).unwrap();
    // The files left, and the registry.
    assert_eq!(store.len(), n, "{} bytes", bytes.len());
}

#[test]
fn names_taught_by_cased_files_key_the_dumps() {
    let dir = write_corpus(FILES);
    let cache = tempfile::tempdir().unwrap();
    load(dir.path(), cache.path());
    // The cased files no longer teach `Valdmere Port Authority`: the dump must be read again
    // with the new name set, not taken from the cache.
    let p = dir.path().join("2021/port.md");
    let text = fs::read_to_string(&p)
        .unwrap()
        .replace("Valdmere Port Authority", "harbour office")
        .replace("Tarmo Kask", "the chief")
        .replace("Mr. Kask", "He");
    fs::write(&p, text).unwrap();
    let (warm, hits) = load(dir.path(), cache.path());
    assert!(hits < warm.files.len() - 1, "{hits} hits");
    assert_same(&cold(dir.path()), &warm);
}

#[test]
fn garbage_truncated_and_foreign_cache_files_are_ignored() {
    let dir = write_corpus(FILES);
    let cache = tempfile::tempdir().unwrap();
    let reference = cold(dir.path());
    load(dir.path(), cache.path());
    let path = cache_files(cache.path()).pop().unwrap();
    let good = fs::read(&path).unwrap();
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x55;
    let mut foreign = good.clone();
    foreign[MAGIC.len()] ^= 1; // another build's fingerprint
    let damaged: Vec<(&str, Vec<u8>)> = vec![
        (
            "garbage",
            b"\x00\xffnot a cache at all\x80\x80\x80".repeat(50),
        ),
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("header only", good[..MAGIC.len() + 32].to_vec()),
        ("hash missing", good[..good.len() - 32].to_vec()),
        ("one byte short", good[..good.len() - 1].to_vec()),
        ("flipped byte", flipped),
        ("foreign build", foreign),
    ];
    for (what, bytes) in damaged {
        fs::write(&path, &bytes).unwrap();
        let (c, hits) = load(dir.path(), cache.path());
        assert_eq!(hits, 0, "{what}: a damaged cache was used");
        assert_same(&reference, &c);
        // It is rewritten whole, and the next load hits again.
        let (c, hits) = load(dir.path(), cache.path());
        assert_eq!(hits, c.files.len(), "{what}: not rewritten");
    }
    // A cache folder that cannot be written costs nothing but the cache.
    let blocked = tempfile::tempdir().unwrap();
    fs::write(
        blocked.path().join("corpus-ls"),
        "a file where the folder goes",
    )
    .unwrap();
    let (c, hits) = load(dir.path(), &blocked.path().join("corpus-ls"));
    assert_eq!(hits, 0);
    assert_same(&reference, &c);
}

#[test]
fn decoding_never_panics_on_cut_or_mutated_payloads() {
    let dir = write_corpus(FILES);
    let c = cold(dir.path());
    for f in &c.files {
        let bytes = encode(&f.analysis);
        cut_and_flipped(
            &f.rel,
            &bytes,
            |b| decode(b, &f.text()),
            |a| {
                for e in &a.entities {
                    let _ = e.span.slice(&f.text());
                }
            },
        );
        // Spans must fit the text they are read against.
        if !f.analysis.sentences.is_empty() {
            assert!(decode(&bytes, "").is_none(), "{}", f.rel);
        }
    }
}

#[test]
fn a_cache_folder_inside_the_corpus_is_refused() {
    let dir = write_corpus(FILES);
    assert!(Store::open_in(&dir.path().join(".cache"), dir.path()).is_none());
    let elsewhere = tempfile::tempdir().unwrap();
    let s = Store::open_in(elsewhere.path(), dir.path()).unwrap();
    assert!(s.path().starts_with(elsewhere.path()));
    assert!(s.is_empty());
    // One file per root, named by the root.
    let other = write_corpus(&FILES[..1]);
    let t = Store::open_in(elsewhere.path(), other.path()).unwrap();
    assert_ne!(s.path(), t.path());
}

#[test]
fn the_switch_and_the_key() {
    for v in ["off", " OFF", "0", "false", "no"] {
        assert!(is_off(v), "{v}");
    }
    for v in ["on", "", "1", "yes"] {
        assert!(!is_off(v), "{v}");
    }
    let k = key("a.md", false, "text");
    assert_eq!(k, key("a.md", false, "text"));
    assert_ne!(k, key("a.md", true, "text"));
    assert_ne!(k, key("a.txt", false, "text"));
    assert_ne!(k, key("a.md", false, "text!"));
    let none = names_fingerprint(&[]);
    let one = names_fingerprint(&[("x".into(), EntityType::Per)]);
    assert_ne!(none, one);
    assert_ne!(one, names_fingerprint(&[("x".into(), EntityType::Loc)]));
    // The name facts' stamp: the ignore list, the gold switch, the annotations.
    let base = facts_base(&[], false);
    assert_eq!(base, facts_base(&[], false));
    assert_ne!(base, facts_base(&[], true));
    assert_ne!(base, facts_base(&["Share".into()], false));
    assert_ne!(
        facts_base(&["ab".into(), "c".into()], false),
        facts_base(&["a".into(), "bc".into()], false)
    );
    let none = facts_stamp(&base, &Annotations::None);
    let brat = |t: &str| facts_stamp(&base, &Annotations::Brat(t.into()));
    assert_ne!(none, brat(""));
    assert_ne!(brat("T1\tPER 0 3\tAnn\n"), brat("T1\tORG 0 3\tAnn\n"));
    assert_ne!(
        none,
        facts_stamp(&facts_base(&[], true), &Annotations::None)
    );
}
