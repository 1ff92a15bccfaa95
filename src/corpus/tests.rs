//! Corpus-level tests as data: a fixture string holds several files with marked mentions; the
//! marks become brat `.ann` gold beside each `.txt`, and one helper checks what every mark
//! resolves to.
//!
//! Mark syntax: `[[surface|TYPE]]` expects the entity named by the surface without title;
//! `[[surface|TYPE>Canonical Name]]` names the expected entity; `[[surface|TYPE>?]]` expects an
//! ambiguous short form. Files start with a line `//- path`.

use super::*;
use crate::model::EntityType;
use std::fs;

struct Mark {
    file: String,
    span: Span,
    expect: Option<String>,
}

/// Writes the fixture below a fresh temporary root; returns the root and the marks.
fn write_fixture(fixture: &str) -> (tempfile::TempDir, Vec<Mark>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut marks = Vec::new();
    for chunk in fixture.split("//- ").filter(|c| !c.trim().is_empty()) {
        let (path, body) = chunk.split_once('\n').expect("path line");
        let path = path.trim();
        let mut text = String::new();
        let mut ann = String::new();
        let mut rest = body;
        while let Some(open) = rest.find("[[") {
            text.push_str(&rest[..open]);
            let close = rest[open..].find("]]").expect("closing ]]") + open;
            let inner = &rest[open + 2..close];
            let (surface, spec) = inner.split_once('|').expect("surface|TYPE");
            let (ty, expect) = match spec.split_once('>') {
                Some((t, e)) => (t, (e != "?").then(|| e.to_string())),
                None => (spec, Some(aliases::strip_title_prefix(surface).to_string())),
            };
            let start = text.len();
            let cstart = text.chars().count();
            // The registry places a person at the name without its title (`Liu He`).
            let name = if ty == "PER" {
                aliases::strip_title_prefix(surface)
            } else {
                surface
            };
            let name_start = start + surface.find(name).expect("name inside the surface");
            text.push_str(surface);
            let cend = text.chars().count();
            ann.push_str(&format!(
                "T{}\t{ty} {cstart} {cend}\t{surface}\n",
                marks.len() + 1
            ));
            marks.push(Mark {
                file: path.to_string(),
                span: Span::new(name_start, name_start + name.len()),
                expect,
            });
            rest = &rest[close + 2..];
        }
        text.push_str(rest);
        let abs = dir.path().join(path);
        fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
        fs::write(&abs, &text).expect("write");
        if !ann.is_empty() {
            fs::write(abs.with_extension("ann"), ann).expect("write ann");
        }
    }
    (dir, marks)
}

/// Loads the fixture and checks every mark; returns the corpus for further checks.
fn check(fixture: &str, config: &Config) -> (tempfile::TempDir, Corpus) {
    let (dir, marks) = write_fixture(fixture);
    let corpus = Corpus::load_with(dir.path(), config, &|_, _| {});
    let mut failures = Vec::new();
    for m in &marks {
        let got = corpus.target_at(&m.file, m.span.start());
        let got = match got {
            Some((_, r)) if r.span != m.span => format!("span {:?}", r.span),
            Some((Target::Entity(id), _)) => corpus.entity(id).name.clone(),
            Some((Target::Ambiguous(_), _)) => "?".to_string(),
            None => "nothing".to_string(),
        };
        let want = m.expect.clone().unwrap_or_else(|| "?".into());
        if got != want {
            let f = corpus.file(&m.file).expect("file");
            failures.push(format!(
                "{} {:?}: want {want}, got {got}",
                m.file,
                m.span.slice(&f.text())
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    (dir, corpus)
}

fn one<'a>(c: &'a Corpus, name: &str) -> &'a Entity {
    match c.resolve(name) {
        Resolution::One(id) => c.entity(id),
        r => panic!("{name}: {r:?}"),
    }
}

const TRADE: &str = "//- 2018/a.txt
[[Vice Premier Liu He|PER]], a vice premier and longtime friend of the leader, met [[Wilbur Ross|PER]] in [[Beijing|LOC]].
[[Mr. Liu|PER>Liu He]] said the talks went well. [[Ross|PER>Wilbur Ross]] agreed.
[[President Trump|PER>Trump]] praised [[ZTE Corporation|ORG]].
//- 2018/b.txt
[[liu he|PER>Liu He]] spoke first, then [[mr liu|PER>Liu He]] spoke again about [[zte|ORG>ZTE Corporation]].
[[mr trump|PER>Trump]] was absent; so was [[Mr. Ross|PER>Wilbur Ross]].
//- notes/n.txt
[[Trump|PER]] and [[Liu|PER>Liu He]] and [[Mr. Ross|PER>Wilbur Ross]].
";

#[test]
fn aliases_join_across_documents_and_cases() {
    let (_d, c) = check(TRADE, &Config::default());
    let liu = one(&c, "mr liu");
    assert_eq!(liu.ty, EntityType::Per);
    assert_eq!(c.mentions(liu.id).len(), 5);
    assert_eq!(
        liu.aliases,
        vec!["Vice Premier Liu He", "Mr. Liu", "liu he", "mr liu", "Liu"]
    );
    let d = liu.description.as_ref().expect("description");
    assert_eq!(d.text, "vice premier and longtime friend of the leader");
    assert_eq!(c.file_of(&d.at).rel, "2018/a.txt");
    let def = liu.defining.expect("defining");
    // The position is the name; the title is the description's.
    assert_eq!(def.span.slice(&c.file_of(&def).text()), "Liu He");
    assert_eq!(liu.files.len(), 3);
    for q in ["Liu He", "LIU HE", "Vice Premier Liu He", "Mr. Liu", "liu"] {
        assert_eq!(c.resolve(q), Resolution::One(liu.id), "{q}");
    }
    assert_eq!(one(&c, "President Trump").mentions.len(), 3);
    assert_eq!(one(&c, "zte").name, "ZTE Corporation");
    assert_eq!(one(&c, "Secretary Ross").name, "Wilbur Ross");
    assert_eq!(c.resolve("Mnuchin"), Resolution::None);
    assert_eq!(c.search("liu").first(), Some(&liu.id));
    assert_eq!(
        c.search("wlbr").first().map(|&i| c.entity(i).name.as_str()),
        Some("Wilbur Ross")
    );
    let in_b: Vec<&str> = c
        .entities_in("2018/b.txt")
        .iter()
        .map(|&i| c.entity(i).name.as_str())
        .collect();
    assert_eq!(
        in_b,
        vec!["Liu He", "ZTE Corporation", "Trump", "Wilbur Ross"]
    );
}

/// Detected names (no `.ann`): titles stay out of the positions, acronyms join their names.
fn detected(files: &[(&str, &str)]) -> (tempfile::TempDir, Corpus) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let abs = dir.path().join(path);
        fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
        fs::write(abs, text).expect("write");
    }
    let corpus = Corpus::load_with(dir.path(), &Config::default(), &|_, _| {});
    (dir, corpus)
}

fn mention_texts(c: &Corpus, id: EntityId) -> Vec<String> {
    c.mentions(id)
        .iter()
        .map(|m| m.span.slice(&c.file_of(m).text()).to_string())
        .collect()
}

#[test]
fn detected_people_are_placed_at_the_name_and_the_title_describes() {
    let (_d, c) = detected(&[(
        "a.txt",
        "Sir Edmund Harrowgate opened the new library in Leeds on Monday.
         Later Sir Edmund Harrowgate thanked the builders, and Mr Harrowgate left by train.
",
    )]);
    let e = one(&c, "Edmund Harrowgate");
    let texts = mention_texts(&c, e.id);
    assert!(!texts.is_empty());
    for t in &texts {
        assert!(t == "Edmund Harrowgate" || t == "Harrowgate", "{texts:?}");
    }
    let d = e.description.as_ref().expect("description");
    assert_eq!(d.text, "sir");
}

#[test]
fn acronyms_are_one_entity_with_their_names() {
    let (_d, c) = detected(&[
        (
            "a.txt",
            "The Global Fisheries Fund (GFF) lent Peru money in March.
             Officials of the Northern Rail Authority said the line would reopen.
",
        ),
        (
            "b.txt",
            "The GFF said on Tuesday that the loans would be repaid.
             A spokesman for the NRA said trains would run again.
",
        ),
    ]);
    let gff = one(&c, "Global Fisheries Fund");
    assert_eq!(c.resolve("GFF"), Resolution::One(gff.id));
    assert_eq!(
        c.mentions(gff.id).len(),
        3,
        "{:?}",
        mention_texts(&c, gff.id)
    );
    let nra = one(&c, "Northern Rail Authority");
    assert_eq!(c.resolve("NRA"), Resolution::One(nra.id));
}

#[test]
fn an_acronym_two_names_fit_joins_neither() {
    let (_d, c) = detected(&[
        (
            "a.txt",
            "The National Rivers Agency and the Northern Rail Authority met in York.
",
        ),
        (
            "b.txt",
            "The NRA said nothing about the meeting.
",
        ),
    ]);
    let rivers = one(&c, "National Rivers Agency").id;
    let rail = one(&c, "Northern Rail Authority").id;
    let nra = c.resolve("NRA");
    assert!(
        nra != Resolution::One(rivers) && nra != Resolution::One(rail),
        "{nra:?}"
    );
}

#[test]
fn a_shared_surname_stays_ambiguous_and_is_reported() {
    let fixture = "//- a.txt
[[Ann Smith|PER]] runs the mill. [[Ms. Smith|PER>Ann Smith]] is busy.
//- b.txt
[[Bob Smith|PER]] runs the bank.
//- c.txt
[[Smith|PER>?]] was quoted. [[Bob Smith|PER]] too, later.
";
    let (_d, c) = check(fixture, &Config::default());
    let Resolution::Ambiguous(ids) = c.resolve("Mr. Smith") else {
        panic!("{:?}", c.resolve("Mr. Smith"))
    };
    let names: Vec<&str> = ids.iter().map(|&i| c.entity(i).name.as_str()).collect();
    assert_eq!(names, vec!["Ann Smith", "Bob Smith"]);
    let amb = &c.registry().ambiguities()[0];
    assert_eq!(amb.key, "smith");
    assert_eq!(amb.surfaces, vec!["Smith"]);
    assert_eq!(amb.candidates.len(), 2);
    assert_eq!(c.entity_at("c.txt", 0), None);
}

#[test]
fn user_entities_win() {
    let config = Config {
        entities: vec![UserEntity {
            name: "Robert Smith".into(),
            ty: Some(EntityType::Per),
            aliases: vec!["Bob Smith".into(), "Smithy".into()],
            span: None,
        }],
        ignore: vec!["Share".into()],
        ..Config::default()
    };
    let fixture = "//- a.txt
[[Bob Smith|PER>Robert Smith]] and [[Smithy|ORG>Robert Smith]] and [[Share|ORG>?]] and [[Smith|PER>Robert Smith]].
";
    // `Share` is ignored: no mention at all (the helper reports `nothing`, which is not `?`).
    let (dir, marks) = write_fixture(fixture);
    let c = Corpus::load_with(dir.path(), &config, &|_, _| {});
    let share = &marks[2];
    assert_eq!(c.target_at("a.txt", share.span.start() + 1), None);
    let e = one(&c, "smithy");
    assert_eq!(e.name, "Robert Smith");
    assert_eq!(e.ty, EntityType::Per);
    assert!(e.user);
    assert_eq!(e.mentions.len(), 3);
    assert_eq!(c.resolve("Robert Smith"), Resolution::One(e.id));
}

#[test]
fn corpus_order_puts_notes_last_and_files_sorted() {
    let (_d, c) = check(TRADE, &Config::default());
    let rels: Vec<&str> = c.files.iter().map(|f| f.rel.as_str()).collect();
    assert_eq!(rels, vec!["2018/a.txt", "2018/b.txt", "notes/n.txt"]);
    let last = *c.order().last().expect("files");
    assert_eq!(c.files[last as usize].rel, "notes/n.txt");
}

const LOWER_BODY: &str = "the talks went on for a long time and nobody in the room seemed to know what the other side wanted from them in the end although everyone said that the mood was good and that the next round would come soon enough for all of the people who were waiting outside";

#[test]
fn edits_reanalyse_lowercase_dumps_only_when_the_gazetteer_changes() {
    let fixture = format!(
        "//- a.txt\n[[Liu He|PER]] met the press.\n//- low.txt\n{LOWER_BODY}\n//- low2.txt\n{LOWER_BODY} and liu he spoke\n"
    );
    let (_d, c) = check(&fixture, &Config::default());
    assert!(c.file("low.txt").expect("low").is_lowercase());
    assert!(c
        .gazetteer()
        .names()
        .contains(&("liu he".to_string(), EntityType::Per)));
    let low = c.file("low.txt").expect("low").clone();
    let low2 = c.file("low2.txt").expect("low2").clone();
    let a_text = c.file("a.txt").expect("a").text().into_owned();
    // An edit after the annotated name keeps the name set: the dump is shared, not redone.
    let c2 = c.with_file("a.txt", format!("{a_text} Then lunch."));
    assert!(Arc::ptr_eq(&low, c2.file("low.txt").expect("low")));
    // The article's name, and the dump's through the gazetteer.
    assert_eq!(c2.mentions(one(&c2, "Liu He").id).len(), 2);
    // An edit that removes the name makes the annotation stale and the name leaves the
    // gazetteer: the dump that holds its words is redone; the one that never mentions it
    // cannot change and is shared.
    let c3 = c2.with_file("a.txt", "Oh, nobody met the press.".to_string());
    assert!(c3.gazetteer().names().is_empty());
    assert!(!Arc::ptr_eq(&low2, c3.file("low2.txt").expect("low2")));
    assert!(Arc::ptr_eq(&low, c3.file("low.txt").expect("low")));
    assert!(c3
        .file("a.txt")
        .expect("a")
        .problems
        .iter()
        .any(|p| p.contains("a.ann")));
    assert_eq!(c3.resolve("Liu He"), Resolution::None);
    // Editing the `.ann` itself brings it back; removing the file drops everything.
    let c4 = c3
        .with_file("a.txt", format!("Oh. {a_text}"))
        .with_file("a.ann", "T1\tPER 4 10\tLiu He\n".into());
    assert!(c4.file("a.txt").expect("a").problems.is_empty());
    assert_eq!(c4.resolve("liu he"), Resolution::One(EntityId(0)));
    let c5 = c4.without_file("a.txt");
    assert_eq!(c5.files.len(), 2);
    assert!(c5.gazetteer().names().is_empty());
    // What the dumps say alone, as when the article no longer named Liu He.
    let names = |c: &Corpus| -> Vec<(String, EntityType, usize)> {
        c.entities()
            .iter()
            .filter(|e| e.files.iter().all(|&f| c.files[f as usize].rel != "a.txt"))
            .map(|e| (e.name.clone(), e.ty, e.mentions.len()))
            .collect()
    };
    assert_eq!(names(&c5), names(&c3));
    // The old snapshots are untouched.
    assert_eq!(c.mentions(one(&c, "Liu He").id).len(), 2);
}

#[test]
fn new_and_unknown_files() {
    let (_d, c) = check(TRADE, &Config::default());
    let c2 = c.with_file("2018/c.md", "# Empty\n".into());
    assert_eq!(c2.files.len(), 4);
    assert!(c2.file("2018/c.md").is_some());
    assert_eq!(c2.without_file("nope.md").files.len(), 4);
    assert_eq!(c2.entity_at("nope.md", 0), None);
    assert_eq!(c2.entities_in("nope.md"), Vec::<EntityId>::new());
    assert_eq!(c2.entity_at("2018/a.txt", usize::MAX), None);
    // Same registry answers after an unrelated edit.
    assert_eq!(c2.mentions(one(&c2, "Liu He").id).len(), 5);
}

#[test]
fn conll_files_are_documents_with_gold_spans_in_file_bytes() {
    let dir = tempfile::tempdir().expect("dir");
    let conll = "-DOCSTART- -X- O\n\nLiu B-PER\nHe I-PER\nmet O\nZTE B-ORG\n. O\n\nMr. O\nLiu B-PER\nleft O\n";
    fs::write(dir.path().join("gold.conll"), conll).expect("write");
    let c = Corpus::load(dir.path());
    let f = c.file("gold.conll").expect("conll read");
    assert!(f.gold);
    let liu = one(&c, "Liu He");
    let ms = c.mentions(liu.id);
    assert_eq!(ms.len(), 2);
    assert_eq!(f.span_text(ms[0].span), "Liu He");
    assert_eq!(&conll[ms[1].span.start()..ms[1].span.end()], "Liu");
    assert_eq!(c.resolve("zte"), Resolution::One(EntityId(1)));
}

/// Name facts of a hand-made document: `(surface, start, type, cue)` per mention.
fn names_of(text: &str, ms: &[(&str, usize, EntityType, Option<&str>)]) -> Vec<DocName> {
    let mentions: Vec<crate::model::EntityMention> = ms
        .iter()
        .map(|&(surface, start, ty, cue)| {
            assert_eq!(&text[start..start + surface.len()], surface);
            let span = Span::new(start, start + surface.len());
            let name = match surface.find(". ") {
                Some(i) => Span::new(start + i + 2, span.end()),
                None => span,
            };
            crate::model::EntityMention {
                span,
                name,
                ty,
                cue: cue.map(Into::into),
                source: crate::model::MentionSource::Detected,
            }
        })
        .collect();
    let display = |s: Span| text[s.start()..s.end()].to_string();
    doc_names::doc_names(text, &mentions, &display, true, None)
}

/// A name that starts a longer one is that name's short form only when it names nothing of its
/// own: a country or an acronym before an institution's name locates or owns it (`US` of `US
/// Central Bank`, `BBC` of `BBC Weather`), and a name the document wrote alone first stays
/// itself; a firm's short name still joins its full name (`Kestrel`).
#[test]
fn a_place_or_acronym_that_starts_a_longer_name_stays_itself() {
    use EntityType::*;
    let a = "The US Central Bank kept rates. US shares fell. BBC Weather and BBC staff went. \
             Halden said Halden Rail Group would grow, and Kestrel Freight Company waited. Kestrel agreed, and Halden too.";
    let at = |s: &str| a.find(s).unwrap();
    let last = |s: &str| a.rfind(s).unwrap();
    let da = names_of(
        a,
        &[
            ("US Central Bank", at("US Central"), Org, None),
            ("US", at("US shares"), Org, None),
            ("BBC Weather", at("BBC Weather"), Org, None),
            ("BBC", at("BBC staff"), Org, None),
            ("Halden", at("Halden"), Org, None),
            ("Halden Rail Group", at("Halden Rail"), Org, None),
            ("Kestrel Freight Company", at("Kestrel Freight"), Org, None),
            ("Kestrel", last("Kestrel"), Org, None),
            ("Halden", last("Halden"), Org, None),
        ],
    );
    let short: Vec<&str> = da.iter().filter(|d| d.short).map(|d| &*d.name).collect();
    assert_eq!(short, ["Kestrel"]);
    let b = "Markets in the US rallied. The US said so.";
    let db = names_of(
        b,
        &[
            ("US", b.find("US").unwrap(), Loc, None),
            ("US", b.rfind("US").unwrap(), Org, None),
        ],
    );
    // A product's name that starts with its maker's joins the maker's mention of its own file
    // only: elsewhere the maker is itself (never `Kestrel` then, whose long form is its full name).
    let c = "Orbis Writer sold well, and Orbis was pleased.";
    let dc = names_of(
        c,
        &[
            ("Orbis Writer", 0, Org, None),
            ("Orbis", c.rfind("Orbis").unwrap(), Org, None),
        ],
    );
    let d = "Orbis hired staff. Kestrel hired too.";
    let dd = names_of(
        d,
        &[
            ("Orbis", 0, Org, None),
            ("Kestrel", d.find("Kestrel").unwrap(), Org, None),
        ],
    );
    let r = Registry::build(&[0, 1, 2, 3], &[&da, &db, &dc, &dd], &[]);
    let named = |n: &str| {
        r.entities()
            .iter()
            .find(|e| e.name == n)
            .map(|e| e.mentions.len())
    };
    assert_eq!(named("Orbis"), Some(1), "the maker elsewhere");
    assert_eq!(named("Orbis Writer"), Some(2));
    assert_eq!(named("Kestrel Freight Company"), Some(3));
    let Resolution::One(us) = r.resolve("US") else {
        panic!("US resolves to one entity: {:?}", r.resolve("US"));
    };
    assert_eq!(r.entity(us).name, "US");
    assert_eq!(r.mentions(us).len(), 3, "not joined to the bank");
    assert_ne!(r.resolve("US"), r.resolve("US Central Bank"));
    assert_eq!(r.resolve("Kestrel"), r.resolve("Kestrel Freight Company"));
}

#[test]
fn moved_spans_give_the_registry_a_rebuild_gives() {
    use EntityType::*;
    let a = "Ada Smith, a ship broker, met Bo Smith. Smith left. Kestrel Shipping Company grew.";
    let a_ms = [
        ("Ada Smith", 0, Per, None),
        ("Bo Smith", 30, Per, None),
        ("Smith", 40, Per, None),
        ("Kestrel Shipping Company", 52, Org, None),
    ];
    let note = "Mr. Smith and Kestrel said Ada Smith was right.";
    let note_ms = [
        ("Mr. Smith", 0, Per, Some("mr")),
        ("Kestrel", 14, Org, None),
        ("Ada Smith", 27, Per, None),
    ];
    let prefix = "Typed first. ";
    let moved_note = format!("{prefix}{note}");
    let moved_ms: Vec<_> = note_ms
        .iter()
        .map(|&(s, at, t, c)| (s, at + prefix.len(), t, c))
        .collect();
    let (da, dn, dm) = (
        names_of(a, &a_ms),
        names_of(note, &note_ms),
        names_of(&moved_note, &moved_ms),
    );
    assert!(doc_names::same_names(&dn, &dm));
    assert!(
        da.iter().any(|d| d.appositive.is_some()),
        "covers descriptions"
    );
    let order = [0u32, 1];
    let before = Registry::build(&order, &[&da, &dn], &[]);
    let rebuilt = Registry::build(&order, &[&da, &dm], &[]);
    let patched = before
        .with_moved_spans(1, &dn, &dm)
        .expect("spans map one to one");
    assert!(
        !rebuilt.ambiguities().is_empty(),
        "covers ambiguous short forms"
    );
    assert_eq!(patched.entities(), rebuilt.entities());
    assert_eq!(patched.ambiguities(), rebuilt.ambiguities());
    let moved_docs: [&[DocName]; 2] = [&da, &dm];
    for f in 0..2 {
        let names = moved_docs[f as usize];
        assert_eq!(
            patched.file_mentions(f, names).collect::<Vec<_>>(),
            rebuilt.file_mentions(f, names).collect::<Vec<_>>()
        );
    }
    for q in ["smith", "ada smith", "kestrel", "mr smith", "bo"] {
        assert_eq!(patched.resolve(q), rebuilt.resolve(q), "{q}");
    }
    // The note's mentions point at their new bytes.
    let (_, m) = patched
        .entity_at(1, &dm, prefix.len() + 28)
        .expect("Ada Smith in the note");
    assert_eq!(m.span.slice(&moved_note), "Ada Smith");
    // Names that changed are refused: the caller rebuilds.
    let other = names_of(
        "Ada Smith met Bo.",
        &[("Ada Smith", 0, Per, None), ("Bo", 14, Per, None)],
    );
    assert!(!doc_names::same_names(&dn, &other));
    assert!(before.with_moved_spans(1, &dn, &other).is_none());
}

/// Everything a snapshot answers from: per-file names and postings, corpus order, the
/// gazetteer's names, entities and ambiguities.
fn summary(c: &Corpus) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for (i, f) in c.files.iter().enumerate() {
        let _ = writeln!(
            s,
            "{} {:?}\n  {:?}\n  {:?}",
            f.rel,
            f.analysis.entities,
            f.names,
            c.file_mentions(i as u32)
        );
    }
    let _ = writeln!(s, "order {:?}", c.order());
    let _ = writeln!(s, "gazetteer {:?}", c.gazetteer().names());
    for e in c.entities() {
        let _ = writeln!(s, "{e:?}");
    }
    let _ = writeln!(s, "{:?}", c.registry().ambiguities());
    s
}

/// Files of the keystroke fixtures: cased articles, a note and a lowercase dump that names
/// people the articles (or what is typed) name.
fn keystroke_files() -> Vec<(&'static str, String)> {
    vec![
        (
            "2018/a.txt",
            "BEIJING (Reuters) - Vice Premier Liu He met officials of Kestrel Shipping Company \
             in Beijing on Monday. Liu said the talks went well and Kestrel agreed.\n"
                .to_string(),
        ),
        (
            "2018/b.txt",
            "LONDON (Reuters) - Ada Smith, a ship broker, said Bo Smith had left the firm. \
             Smith declined to comment on Tuesday.\n"
                .to_string(),
        ),
        (
            "low.txt",
            format!("{LOWER_BODY} and liu he spoke with arlo quinn about the ships\n"),
        ),
        (
            "notes/n.md",
            "# Trip\n\nLiu met Smith in Beijing.\n".to_string(),
        ),
    ]
}

/// The snapshot a fresh load of `files` gives.
fn fresh(files: &[(&str, String)]) -> (tempfile::TempDir, Corpus) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (rel, text) in files {
        let abs = dir.path().join(rel);
        fs::create_dir_all(abs.parent().expect("parent")).expect("mkdir");
        fs::write(&abs, text).expect("write");
    }
    let c = Corpus::load_with(dir.path(), &Config::default(), &|_, _| {});
    (dir, c)
}

/// Applies `edits` (file index, new text) one by one as keystrokes: after each, the deferred
/// snapshot once caught up, and the complete `with_file`, must equal a fresh load. Keystrokes
/// are chained without catching up in between (fast typing), as the server does.
fn assert_keystrokes_match_fresh_loads(edits: &[(usize, String)]) {
    let mut files = keystroke_files();
    let (_d, base) = fresh(&files);
    let (mut typed, mut complete) = (base.clone(), base);
    for (step, (fi, text)) in edits.iter().enumerate() {
        let rel = files[*fi].0;
        files[*fi].1 = text.clone();
        typed = typed.with_file_deferred(rel, text.clone());
        complete = complete.with_file(rel, text.clone());
        let caught = typed.caught_up().map_or_else(|| typed.clone(), |(c, _)| c);
        let (_d, want) = fresh(&files);
        let want = summary(&want);
        assert_eq!(summary(&caught), want, "step {step}: {rel} caught up");
        assert_eq!(summary(&complete), want, "step {step}: {rel} with_file");
        assert!(!complete.gazetteer_stale());
    }
    // The typed chain itself only lags in its gazetteer: caught up, it is a fresh load.
    if let Some((c, _)) = typed.caught_up() {
        assert!(!c.gazetteer_stale());
    }
}

/// Texts of `base` with `add` typed at its end one char at a time, then erased again.
fn typing(fi: usize, base: &str, add: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut ends: Vec<usize> = add.char_indices().map(|(i, _)| i).skip(1).collect();
    ends.push(add.len());
    for &e in &ends {
        out.push((fi, format!("{base}{}", &add[..e])));
    }
    for &e in ends.iter().rev().skip(1) {
        out.push((fi, format!("{base}{}", &add[..e])));
    }
    out.push((fi, base.to_string()));
    out
}

#[test]
fn typing_a_name_into_a_note_catches_up_to_a_fresh_load() {
    let files = keystroke_files();
    // The name is one the dump holds: the gazetteer's name set changes on the way.
    let edits = typing(3, &files[3].1, "Minister Arlo Quinn met Ada.\n");
    assert_keystrokes_match_fresh_loads(&edits);
}

#[test]
fn typing_a_name_into_an_article_catches_up_to_a_fresh_load() {
    let files = keystroke_files();
    let edits = typing(
        1,
        &files[1].1,
        "Smith met Kestrel Shipping officials and Liu He.\n",
    );
    assert_keystrokes_match_fresh_loads(&edits);
}

#[test]
fn a_keystroke_that_changes_names_defers_the_whole_corpus_work() {
    let files = keystroke_files();
    let (_d, c) = fresh(&files);
    assert!(c.registry_ready() && !c.gazetteer_stale());
    let note = format!("{}Minister Arlo Quinn said so.\n", files[3].1);
    let typed = c.with_file_deferred("notes/n.md", note);
    // The dump was read with the old name set and is shared, not redone.
    assert!(typed.gazetteer_stale());
    assert!(Arc::ptr_eq(
        c.file("low.txt").expect("dump"),
        typed.file("low.txt").expect("dump")
    ));
    assert!(!typed.registry_ready());
    let (caught, redone) = typed.caught_up().expect("stale");
    assert_eq!(redone, vec!["low.txt".to_string()]);
    assert!(!caught.gazetteer_stale());
    // A keystroke that keeps the names patches the registry at once.
    let (_, caught_text) = (
        caught.registry(),
        caught.file("notes/n.md").expect("n").text().into_owned(),
    );
    let moved = caught.with_file_deferred("notes/n.md", format!("Hm. {caught_text}"));
    assert!(moved.registry_ready() && !moved.gazetteer_stale());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(12))]
    /// Random edit sequences (names typed, removed, text moved) in a note and an article.
    #[test]
    fn random_keystrokes_catch_up_to_a_fresh_load(
        steps in proptest::collection::vec((0usize..2, 0usize..6), 1..6)
    ) {
        let pool = [
            "Minister Arlo Quinn said so. ",
            "Liu He agreed. ",
            "Smith and Kestrel left. ",
            "Bo Smith of Kestrel Shipping Company met Ada. ",
        ];
        let mut texts: Vec<String> = keystroke_files().into_iter().map(|(_, t)| t).collect();
        let mut edits = Vec::new();
        for (which, op) in steps {
            let fi = [3, 1][which];
            let t = &texts[fi];
            let next = match op {
                0..=3 => format!("{t}{}", pool[op]),
                // Drop the last third of the text (names leave).
                4 => t.chars().take(t.chars().count() * 2 / 3).collect(),
                // Text inserted before everything (every mention moves).
                _ => format!("Later. {t}"),
            };
            texts[fi] = next.clone();
            edits.push((fi, next));
        }
        assert_keystrokes_match_fresh_loads(&edits);
    }
}

/// Text that makes the analysis panic in tests (see `detect`).
pub(super) const PANIC_MARK: &str = "\u{1}planted panic\u{1}";

#[test]
fn a_panic_in_one_files_analysis_skips_that_file_only() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), "Maria Delgado of Lisbon spoke.\n").unwrap();
    fs::write(
        dir.path().join("b.md"),
        format!("Tomas Brandt {PANIC_MARK}\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("c.txt"),
        format!("tomas brandt {PANIC_MARK}\n"),
    )
    .unwrap();
    let c = Corpus::load(dir.path());
    let rels: Vec<&str> = c.files.iter().map(|f| f.rel.as_str()).collect();
    assert_eq!(rels, ["a.md"]);
    for rel in ["b.md", "c.txt"] {
        let s = c.skipped.iter().find(|s| s.rel == rel).expect(rel);
        assert!(s.reason.contains("internal error"), "{}", s.reason);
    }
    assert!(matches!(c.resolve("Maria Delgado"), Resolution::One(_)));
}

#[test]
fn an_ambiguity_whose_candidates_lost_their_mentions_is_no_panic() {
    // Lowercase words that once made the registry index a candidate with no entity.
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.md"),
        "sat bank bank on.\nriver sat bank bank sat the sat bank bank river house bank sat dogs ran",
    )
    .unwrap();
    let c = Corpus::load(dir.path());
    for a in c.registry().ambiguities().iter() {
        for &id in &a.candidates {
            assert!((id.0 as usize) < c.entities().len());
        }
    }
}

/// The politician, his wife and a colleague whose first name is his surname: three people.
#[test]
fn namesakes_stay_apart_by_sex_and_by_which_token_matches() {
    let text = "Opposition leader Michael Howard promised lower taxes on Monday. \
Mr Howard said the party would find savings. His deputy chairman Howard Flight later \
resigned over remarks about spending. Mr Flight apologised.\n\n\
Mrs Howard joined her husband on the campaign trail in Kent.\n";
    let (_d, c) = detected(&[("a.txt", text)]);
    let howard = one(&c, "Michael Howard");
    let flight = one(&c, "Howard Flight");
    let at = |needle: &str, delta: usize| text.find(needle).unwrap() + delta;
    let who = |o: usize| c.entity_at("a.txt", o).map(|(id, _)| id);
    assert_eq!(who(at("Mr Howard", 3)), Some(howard.id), "Mr Howard is him");
    assert_eq!(who(at("Mr Flight", 3)), Some(flight.id));
    let wife = who(at("Mrs Howard", 4)).expect("Mrs Howard is someone");
    assert_ne!(wife, howard.id, "{:?}", c.entity(wife));
    assert_ne!(wife, flight.id);
    assert_eq!(mention_texts(&c, howard.id), ["Michael Howard", "Howard"]);
}

#[test]
fn the_honorific_of_a_mention_finds_its_entity() {
    let text = "Trade envoy Liu Wen arrived on Monday. Later Mr. Liu met Sir Alan Pryce.\n";
    let (_d, c) = detected(&[("a.txt", text)]);
    let liu = one(&c, "Liu Wen").id;
    let pryce = one(&c, "Alan Pryce").id;
    let mr = text.find("Mr. Liu").unwrap();
    for o in [mr, mr + 1, mr + 3, mr + 5] {
        let (id, m) = c.entity_at("a.txt", o).expect("an entity at the honorific");
        assert_eq!(id, liu);
        assert_eq!(m.span.slice(text), "Liu", "the mention stays the name");
    }
    let sir = text.find("Sir").unwrap();
    assert_eq!(c.entity_at("a.txt", sir + 1).map(|x| x.0), Some(pryce));
    // Before the honorific, nothing.
    assert_eq!(c.entity_at("a.txt", mr - 2), None);
}

#[test]
fn progress_ends_at_every_file_read_when_some_fail() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), "Maria Delgado of Lisbon spoke.\n").unwrap();
    fs::write(dir.path().join("b.md"), format!("Tomas {PANIC_MARK}\n")).unwrap();
    fs::write(dir.path().join("c.txt"), format!("tomas {PANIC_MARK}\n")).unwrap();
    fs::write(dir.path().join("d.md"), "Olga Lind spoke.\n").unwrap();
    // Refused by the scan: never read, never counted.
    fs::write(dir.path().join("e.md"), b"\0\0binary\0").unwrap();
    let seen = parking_lot::Mutex::new(Vec::new());
    let c = Corpus::load_with(dir.path(), &Config::default(), &|done, total| {
        seen.lock().push((done, total))
    });
    let seen = seen.into_inner();
    let failed = c
        .skipped
        .iter()
        .filter(|s| s.reason.contains("internal error"))
        .count();
    assert_eq!((c.files.len(), failed), (2, 2), "{:?}", c.skipped);
    assert!(seen.iter().all(|&(_, t)| t == 4), "{seen:?}");
    let mut dones: Vec<usize> = seen.iter().map(|&(d, _)| d).collect();
    dones.sort_unstable();
    assert_eq!(
        dones,
        [1, 2, 3, 4],
        "each file read counted once, ending at 4 of 4"
    );
}

#[test]
fn a_panic_in_the_registry_join_leaves_out_that_files_names_only() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.md"), "Maria Delgado of Lisbon spoke.\n").unwrap();
    fs::write(dir.path().join("b.md"), "Tomas Brandt of Quito spoke.\n").unwrap();
    fs::write(dir.path().join("c.md"), "Olga Lind met Maria Delgado.\n").unwrap();
    let c = Corpus::load(dir.path());
    assert!(c.registry_problems().is_empty());
    assert!(matches!(c.resolve("Tomas Brandt"), Resolution::One(_)));
    // A join that panics on one file's names (a stand-in for a bug in it).
    let join = |order: &[u32], docs: &[&[DocName]], user: &[registry::UserEntity]| {
        let hit = docs
            .iter()
            .flat_map(|d| d.iter())
            .any(|d| &*d.key == "tomas brandt");
        assert!(!hit, "a planted panic in the join");
        Registry::build(order, docs, user)
    };
    let cut = c.with_join(&join);
    let problems = cut.registry_problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].rel, "b.md");
    assert!(
        problems[0].reason.contains("planted panic"),
        "{}",
        problems[0].reason
    );
    assert!(matches!(cut.resolve("Maria Delgado"), Resolution::One(_)));
    assert!(matches!(cut.resolve("Olga Lind"), Resolution::One(_)));
    assert!(!matches!(cut.resolve("Tomas Brandt"), Resolution::One(_)));
    // The file itself stays: its text and analysis are there.
    assert!(cut.files.iter().any(|f| f.rel == "b.md"));
    assert!(cut.entity_at("b.md", 0).is_none());
    assert!(cut
        .file_mentions(cut.file_index("b.md").unwrap())
        .is_empty());
}
