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

const CASED: &str = "\
[PER Marta Okonjo] runs the harbour authority in [LOC Tema], a port east of [LOC Accra].
On Tuesday Mr. [PER Okonjo] met Trade Minister [PER Kwame Adu] and officials of the [ORG World Bank] in [LOC Ghana].
The [ORG Ghana Ports and Harbours Authority] said [MISC Chinese] and [MISC Dutch] firms had bid for the new terminal.
[PER Adu] told [ORG Reuters] that the [ORG Finance Ministry] would decide by June.
President [PER Nana Mensah] visited [LOC Kumasi] and [LOC Lagos] last week, said spokeswoman [PER Efua Boateng].
";

const LOWER: &str = "\
[PER marta okonjo] runs the harbour authority in [LOC tema] a port east of [LOC accra] \
on tuesday mr [PER okonjo] met trade minister [PER kwame adu] and officials of the [ORG world bank] in [LOC ghana] \
the [ORG ghana ports and harbours authority] said chinese firms had bid for the new terminal \
mrs [PER boateng] said the [ORG finance ministry] would decide by june";

#[test]
fn cased_fixture() {
    check(CASED, Format::Plain, &Gazetteer::default(), 0.8);
}

#[test]
fn lowercase_fixture_with_gazetteer() {
    // What a corpus learns from its cased files.
    let gaz = Gazetteer::new([
        ("Marta Okonjo".to_string(), EntityType::Per),
        ("Kwame Adu".to_string(), EntityType::Per),
        ("Tema".to_string(), EntityType::Loc),
        (
            "Ghana Ports and Harbours Authority".to_string(),
            EntityType::Org,
        ),
    ]);
    check(LOWER, Format::Lowercase, &gaz, 0.8);
}

fn mentions_of(
    text: &str,
    format: Format,
    gaz: &Gazetteer,
) -> Vec<(String, String, Option<String>)> {
    let segs = segment(text, format);
    let ctx = EntityContext {
        lowercase: format == Format::Lowercase,
        gazetteer: gaz,
    };
    extract(text, &segs, &ctx)
        .into_iter()
        .map(|m| {
            (
                m.span.slice(text).to_string(),
                m.name.slice(text).to_string(),
                m.cue.map(String::from),
            )
        })
        .collect()
}

#[test]
fn honorifics_join_the_span_and_titles_stay_cues() {
    let text = "Talks went on. Mr. Okonjo spoke first. Trade Minister Kwame Adu replied later.";
    let found = mentions_of(text, Format::Plain, &Gazetteer::default());
    assert!(
        found.contains(&("Mr. Okonjo".into(), "Okonjo".into(), Some("mr".into()))),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "Kwame Adu".into(),
            "Kwame Adu".into(),
            Some("trade minister".into())
        )),
        "{found:?}"
    );
}

#[test]
fn lowercase_honorific_makes_a_person() {
    let text = "the talks went on and mr okonjo spoke first while mrs adu waited";
    let found = mentions_of(text, Format::Lowercase, &Gazetteer::default());
    assert!(
        found.contains(&("mr okonjo".into(), "okonjo".into(), Some("mr".into()))),
        "{found:?}"
    );
    assert!(
        found.contains(&("mrs adu".into(), "adu".into(), Some("mrs".into()))),
        "{found:?}"
    );
}

#[test]
fn gazetteer_extends_a_partial_name_in_lowercase() {
    let gaz = Gazetteer::new([("Qiu Wenhai".to_string(), EntityType::Per)]);
    let text = "the deal was signed by qiu wenhai on monday in the capital";
    let found = mentions_of(text, Format::Lowercase, &gaz);
    assert!(found.iter().any(|(_, n, _)| n == "qiu wenhai"), "{found:?}");
}

#[test]
fn odd_input_never_panics() {
    let gaz = Gazetteer::new([("x".to_string(), EntityType::Per)]);
    for text in [
        "",
        " ",
        "Mr.",
        "mr",
        "\u{1F600} Zoë Ōkubo met 🎉 Mr. Ōta.",
        "A\r\nB",
        "[[[",
        "...",
        "Mr. Mr. Mr.",
    ] {
        for format in [Format::Plain, Format::Markdown, Format::Lowercase] {
            for m in mentions_of(text, format, &gaz) {
                assert!(!m.1.is_empty());
            }
        }
    }
    let long = "Okonjo met Adu in Tema. ".repeat(2000);
    assert!(mentions_of(&long, Format::Plain, &gaz).len() >= 2000);
}

#[test]
fn lowercase_title_before_a_name_is_its_cue() {
    let text = "on friday treasury secretary steven okafor said the talks would go on";
    let found = mentions_of(text, Format::Lowercase, &Gazetteer::default());
    assert!(
        found.contains(&(
            "steven okafor".into(),
            "steven okafor".into(),
            Some("treasury secretary".into())
        )),
        "{found:?}"
    );
}

#[test]
fn titles_of_rank_are_cues_outside_the_name() {
    let text = "The museum reopened. Sir Edmund Harrowgate cut the ribbon while Dame Ottilie Brand watched.";
    let found = mentions_of(text, Format::Plain, &Gazetteer::default());
    assert!(
        found
            .iter()
            .any(|(_, n, c)| n == "Edmund Harrowgate" && c.as_deref() == Some("sir")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(_, n, c)| n == "Ottilie Brand" && c.as_deref() == Some("dame")),
        "{found:?}"
    );
}

#[test]
fn a_sentence_opener_is_not_part_of_the_name() {
    let text = "The vote was close. Even Tamsin Okoro agreed. Both Okoro and Adu left early.";
    let found = mentions_of(text, Format::Plain, &Gazetteer::default());
    assert!(
        found
            .iter()
            .all(|(_, n, _)| !n.starts_with("Even") && !n.starts_with("Both")),
        "{found:?}"
    );
}

#[test]
fn a_unit_glued_to_a_number_is_no_name() {
    let text = "revenue fell 2 to 86 7bn swiss francs while profit rose to 4 1bn rand and debt fell to 3bn";
    let found = mentions_of(text, Format::Lowercase, &Gazetteer::default());
    assert!(found.iter().all(|(_, n, _)| n != "bn"), "{found:?}");
}

#[test]
fn a_known_non_person_name_retypes_a_person_span_of_the_same_words() {
    let span = |first, end, ty| TokenSpan { first, end, ty };
    let mut spans = vec![span(2, 3, EntityType::Per), span(5, 6, EntityType::Loc)];
    merge_known(
        &mut spans,
        vec![
            (span(2, 3, EntityType::Org), false),
            (span(5, 6, EntityType::Org), false),
        ],
    );
    // The person becomes the known firm; a place the tagger read stays a place.
    assert_eq!(
        spans,
        vec![span(2, 3, EntityType::Org), span(5, 6, EntityType::Loc)]
    );
}

#[test]
fn a_lowercase_name_found_once_is_found_again_in_its_document() {
    let text =
        "the sprinter odessa kowalczyk won the race and later kowalczyk said the track was fast";
    let segs = segment(text, Format::Lowercase);
    let doc = features::prepare(text, &segs.tokens, &segs.sentences, &Gazetteer::default());
    let at = |w: &str| {
        segs.tokens
            .iter()
            .position(|t| t.span.slice(text) == w)
            .expect("word")
    };
    let first = at("odessa");
    let mut spans = vec![TokenSpan {
        first,
        end: first + 2,
        ty: EntityType::Per,
    }];
    repeat_document_names(text, &segs, &doc, lower_model(), &mut spans);
    let later = segs
        .tokens
        .iter()
        .rposition(|t| t.span.slice(text) == "kowalczyk")
        .expect("later");
    assert!(
        spans.contains(&TokenSpan {
            first: later,
            end: later + 1,
            ty: EntityType::Per
        }),
        "{spans:?}"
    );
}

#[test]
fn words_glued_before_an_honorific_leave_the_name() {
    let text = "Trade envoy Liu Wen arrived on Monday. Later Mr. Liu met the minister.";
    let found = mentions_of(text, Format::Plain, &Gazetteer::default());
    assert!(
        found.contains(&("Mr. Liu".into(), "Liu".into(), Some("mr".into()))),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(s, _, _)| !s.starts_with("Later")),
        "{found:?}"
    );
}
