//! Recogniser tests as data: fixtures mark expected names as `[TYPE name]`.

use super::*;
use crate::format::Format;
use crate::text::segment;

/// Strips `[TYPE ...]` marks from a fixture, returning the text and the marked name spans.
fn parse_marked(fixture: &str) -> (String, Vec<(Span, EntityType)>) {
    let mut text = String::new();
    let mut gold = Vec::new();
    let mut rest = fixture;
    while let Some(open) = rest.find('[') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let (ty, body) = after.split_once(' ').expect("type then name");
        let close = body.find(']').expect("closing bracket");
        let start = text.len();
        text.push_str(&body[..close]);
        gold.push((
            Span::new(start, text.len()),
            EntityType::parse(ty).expect("type"),
        ));
        rest = &body[close + 1..];
    }
    text.push_str(rest);
    (text, gold)
}

/// Runs the recogniser and returns (name, type) pairs found and missed for a readable failure.
fn check(fixture: &str, format: Format, gaz: &Gazetteer, min_recall: f64) {
    let (text, gold) = parse_marked(fixture);
    let segs = segment(&text, format);
    let ctx = EntityContext {
        lowercase: format == Format::Lowercase,
        gazetteer: gaz,
    };
    let found: Vec<(Span, EntityType)> = extract(&text, &segs, &ctx)
        .iter()
        .map(|m| (m.name, m.ty))
        .collect();
    let hits = gold.iter().filter(|g| found.contains(g)).count();
    let show = |v: &[(Span, EntityType)]| {
        v.iter()
            .map(|(s, t)| format!("{} {}", t.as_str(), s.slice(&text)))
            .collect::<Vec<_>>()
    };
    let recall = hits as f64 / gold.len().max(1) as f64;
    assert!(
        recall >= min_recall,
        "recall {recall:.2} < {min_recall}\nexpected {:?}\nfound    {:?}",
        show(&gold),
        show(&found)
    );
}

#[test]
fn marked_fixture_parses() {
    let (t, g) = parse_marked("Hello [PER Marta Okonjo] of [LOC Tema].");
    assert_eq!(t, "Hello Marta Okonjo of Tema.");
    assert_eq!(
        g,
        vec![
            (Span::new(6, 18), EntityType::Per),
            (Span::new(22, 26), EntityType::Loc)
        ]
    );
}
