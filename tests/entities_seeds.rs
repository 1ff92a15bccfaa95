//! The seed articles as one corpus: every Liu He mention is found, in both files.
//! Skips when `../shared/seeds` (or `/work/shared/seeds`) is absent.

use corpus_ls::extract::entities::{extract, EntityContext, Gazetteer};
use corpus_ls::format::Format;
use corpus_ls::model::{EntityMention, EntityType};
use corpus_ls::text::segment;
use std::path::PathBuf;

fn seeds() -> Option<PathBuf> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        here.join("../shared/seeds"),
        PathBuf::from("/work/shared/seeds"),
    ]
    .into_iter()
    .find(|p| p.join("003_cd8938af65b0a9eb.txt").is_file())
}

fn run(text: &str, format: Format, gaz: &Gazetteer) -> Vec<EntityMention> {
    let segs = segment(text, format);
    let ctx = EntityContext {
        lowercase: format == Format::Lowercase,
        gazetteer: gaz,
    };
    extract(text, &segs, &ctx)
}

type Found = (String, String, Option<String>, EntityType);

/// (span text, name text, cue, type) of the mentions whose name holds `word` (any case).
fn about(text: &str, ms: &[EntityMention], word: &str) -> Vec<Found> {
    ms.iter()
        .filter(|m| m.name.slice(text).to_lowercase().contains(word))
        .map(|m| {
            (
                m.span.slice(text).to_string(),
                m.name.slice(text).to_string(),
                m.cue.as_deref().map(String::from),
                m.ty,
            )
        })
        .collect()
}

fn per(span: &str, name: &str, cue: Option<&str>) -> Found {
    (
        span.to_string(),
        name.to_string(),
        cue.map(str::to_string),
        EntityType::Per,
    )
}

#[test]
fn liu_he_in_both_seed_files() {
    let Some(dir) = seeds() else {
        eprintln!("skipping: shared/seeds is absent");
        return;
    };
    let md = std::fs::read_to_string(dir.join("003_cd8938af65b0a9eb.txt")).expect("read");
    let low = std::fs::read_to_string(dir.join("000_07c8a66dd8e1c00f.txt")).expect("read");

    let cased = run(&md, Format::Markdown, &Gazetteer::default());
    assert_eq!(
        about(&md, &cased, "liu"),
        [
            per("Liu He", "Liu He", Some("vice premier")),
            per("Mr. Liu", "Liu", Some("mr")),
            per("Liu He", "Liu He", Some("trade negotiator")),
        ]
    );
    for (word, ty) in [
        ("zte", EntityType::Org),
        ("xi jinping", EntityType::Per),
        ("keith bradsher", EntityType::Per),
    ] {
        let found = about(&md, &cased, word);
        assert!(
            !found.is_empty() && found.iter().all(|f| f.3 == ty),
            "{word}: {found:?}"
        );
    }

    // The lowercase dump gets the names the corpus learned from the cased file.
    let gaz: Gazetteer = cased
        .iter()
        .map(|m| (m.name.slice(&md).to_string(), m.ty))
        .collect();
    let lower = run(&low, Format::Lowercase, &gaz);
    let liu = about(&low, &lower, "liu");
    assert_eq!(
        liu.iter()
            .filter(|m| **m == per("liu he", "liu he", None))
            .count(),
        1,
        "{liu:?}"
    );
    let mr_liu = liu
        .iter()
        .filter(|m| {
            m.0.starts_with("mr liu") && m.1.starts_with("liu") && m.2.as_deref() == Some("mr")
        })
        .count();
    assert_eq!(mr_liu, 3, "{liu:?}");
    let mnuchin = about(&low, &lower, "mnuchin");
    assert!(
        mnuchin.iter().any(|m| m.1 == "steven mnuchin"),
        "{mnuchin:?}"
    );
    let zte = about(&low, &lower, "zte");
    assert!(
        !zte.is_empty() && zte.iter().all(|m| m.3 == EntityType::Org),
        "{zte:?}"
    );
}
