//! Table tests: each input marks the expected figure with `[...]`.

use super::*;

/// Expected figure: type, value (number, or ISO date), unit, qualifier.
type Want = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

fn ctx(dateline: Option<&str>, lowercase: bool) -> FigureContext {
    FigureContext {
        dateline: dateline.map(|d| Date::parse_from_str(d, "%Y-%m-%d").expect("date")),
        lowercase,
    }
}

/// Checks that the figure whose span is marked `[...]` exists with the wanted fields,
/// or, for `None`, that no figure overlaps the mark.
fn check(marked: &str, c: &FigureContext, want: Option<Want>) {
    let open = marked.find('[').expect("mark");
    let close = marked.find(']').expect("mark") - 1;
    let text = marked.replace(['[', ']'], "");
    let found = extract_detailed(&text, c);
    let mark = Span::new(open, close);
    match want {
        None => {
            let hit: Vec<_> = found
                .iter()
                .filter(|f| f.figure.span.overlaps(&mark))
                .map(|f| (f.figure.span.slice(&text), f.figure.ty, f.figure.value))
                .collect();
            assert!(hit.is_empty(), "{marked}: unexpected {hit:?}");
        }
        Some((ty, value, unit, qual)) => {
            let f = found
                .iter()
                .find(|f| f.figure.span == mark)
                .unwrap_or_else(|| {
                    let all: Vec<_> = found
                        .iter()
                        .map(|f| (f.figure.span.slice(&text), f.figure.ty))
                        .collect();
                    panic!("{marked}: no figure at mark; found {all:?}")
                });
            let fig = &f.figure;
            assert_eq!(fig.ty.as_str(), ty, "{marked}: type");
            let got = serde_json::to_value(fig.value).expect("json");
            match got {
                serde_json::Value::String(s) => assert_eq!(s, value, "{marked}: value"),
                serde_json::Value::Number(n) => {
                    let v: f64 = value.parse().expect("number");
                    let g = n.as_f64().expect("f64");
                    assert!(
                        (g - v).abs() <= 1e-6 * v.abs().max(1.0),
                        "{marked}: value {g} != {v}"
                    );
                }
                other => panic!("{marked}: value {other:?}"),
            }
            assert_eq!(fig.unit.as_deref(), unit, "{marked}: unit");
            let q = serde_json::to_value(fig.qualifier).expect("json");
            assert_eq!(q, qual, "{marked}: qualifier");
        }
    }
}

#[test]
fn money() {
    let c = ctx(None, false);
    let cases: &[(&str, Option<Want>)] = &[
        (
            "levies on [$50 billion] of goods",
            Some(("money", "5e10", Some("USD"), "exact")),
        ),
        (
            "levies on [\\$50 billion] of goods",
            Some(("money", "5e10", Some("USD"), "exact")),
        ),
        (
            "a [US$4.7bn] loan",
            Some(("money", "4.7e9", Some("USD"), "exact")),
        ),
        (
            "paid [50 billion dollars] last",
            Some(("money", "5e10", Some("USD"), "exact")),
        ),
        (
            "[almost 800 Billion Dollars] down",
            Some(("money", "8e11", Some("USD"), "approx")),
        ),
        (
            "bonds worth [$ 75 million] were",
            Some(("money", "7.5e7", Some("USD"), "exact")),
        ),
        (
            "a fee of [€20 million] for",
            Some(("money", "2e7", Some("EUR"), "exact")),
        ),
        (
            "sold for [£600m] in",
            Some(("money", "6e8", Some("GBP"), "exact")),
        ),
        (
            "rose to [$1.13bn] from",
            Some(("money", "1.13e9", Some("USD"), "exact")),
        ),
        (
            "a [USD 5m] grant",
            Some(("money", "5e6", Some("USD"), "exact")),
        ),
        (
            "earned [300 million yuan] in",
            Some(("money", "3e8", Some("CNY"), "exact")),
        ),
        (
            "[about 2 billion renminbi] of",
            Some(("money", "2e9", Some("CNY"), "approx")),
        ),
        (
            "costs [12 cents] each",
            Some(("money", "0.12", Some("USD"), "exact")),
        ),
        (
            "a [$50 billion to $60 billion] package",
            Some(("money", "5.5e10", Some("USD"), "range")),
        ),
        (
            "[between 50 and 60 billion dollars] in aid",
            Some(("money", "5.5e10", Some("USD"), "range")),
        ),
        ("a [multibillion] dollar deal", None),
        ("losing many [billions] of dollars", None),
        (
            "[up to $200 billion] of",
            Some(("money", "2e11", Some("USD"), "at_most")),
        ),
        (
            "[3 dollars 50 cents] only",
            Some(("money", "3.5", Some("USD"), "exact")),
        ),
    ];
    for (m, w) in cases {
        check(m, &c, *w);
    }
}

#[test]
fn money_without_sign_in_dumps() {
    let c = ctx(None, true);
    let cases: &[(&str, Option<Want>)] = &[
        (
            "tariffs on [up to 150 billion] in imports",
            Some(("money", "1.5e11", Some("USD"), "at_most")),
        ),
        (
            "the [375 billion] trade deficit",
            Some(("money", "3.75e11", Some("USD"), "exact")),
        ),
        (
            "[some 1.4 billion people] live",
            Some(("count", "1.4e9", Some("person"), "approx")),
        ),
        (
            "galaxies hold [200 billion or so] now",
            Some(("number", "2e11", None, "approx")),
        ),
    ];
    for (m, w) in cases {
        check(m, &c, *w);
    }
    let found = extract_detailed("tariffs on 150 billion in imports", &c);
    assert!(found[0].figure.unit_inferred);
}

#[test]
fn percents_and_counts() {
    let c = ctx(None, false);
    let cases: &[(&str, Option<Want>)] = &[
        (
            "impose [25 percent] tariffs",
            Some(("percent", "25", None, "exact")),
        ),
        ("a [25%] cut", Some(("percent", "25", None, "exact"))),
        (
            "rose [3.5 per cent] in",
            Some(("percent", "3.5", None, "exact")),
        ),
        (
            "up [two percentage points] on",
            Some(("percent", "2", Some("pp"), "exact")),
        ),
        (
            "cut by [50 basis points] today",
            Some(("percent", "0.5", Some("pp"), "exact")),
        ),
        (
            "a [70,000-employee] maker",
            Some(("count", "70000", Some("employee"), "exact")),
        ),
        (
            "hired [70,000 workers] last",
            Some(("count", "70000", Some("worker"), "exact")),
        ),
        (
            "has [464,000 paying subscribers] now",
            Some(("count", "464000", Some("subscriber"), "exact")),
        ),
        (
            "[about 70,000 people] marched",
            Some(("count", "70000", Some("person"), "approx")),
        ),
        (
            "built [twelve factories] there",
            Some(("count", "12", Some("factory"), "exact")),
        ),
        ("the [two] sides met", None),
        ("between the [two] leaders", None),
        ("[one] of the few", None),
        (
            "shown [two juxtaposed photos] online",
            Some(("count", "2", Some("photo"), "exact")),
        ),
        ("a [15-20%] drop", Some(("percent", "17.5", None, "range"))),
    ];
    for (m, w) in cases {
        check(m, &c, *w);
    }
}

#[test]
fn words_and_fractions() {
    let c = ctx(None, true);
    let cases: &[(&str, Option<Want>)] = &[
        (
            "amount to [more than one-third] of imports",
            Some(("fraction", "0.3333333333", None, "at_least")),
        ),
        (
            "[about two thirds] of voters",
            Some(("fraction", "0.6666666667", None, "approx")),
        ),
        (
            "[a quarter] of sales",
            Some(("fraction", "0.25", None, "exact")),
        ),
        (
            "[half] of the money",
            Some(("fraction", "0.5", None, "exact")),
        ),
        ("in the second [half] of the year", None),
        (
            "bought [a dozen eggs] today",
            Some(("count", "12", Some("egg"), "exact")),
        ),
        (
            "for [fifty billion dollars] more",
            Some(("money", "5e10", Some("USD"), "exact")),
        ),
        (
            "[twenty-five members] came",
            Some(("count", "25", Some("member"), "exact")),
        ),
        (
            "waited [two and a half hours] there",
            Some(("duration", "0.1041666667", Some("day"), "exact")),
        ),
        ("a [third] round of talks", None),
    ];
    for (m, w) in cases {
        check(m, &c, *w);
    }
}

#[test]
fn durations() {
    let c = ctx(None, false);
    let cases: &[(&str, Option<Want>)] = &[
        (
            "barred for [seven years] from",
            Some(("duration", "2556.75", Some("day"), "exact")),
        ),
        (
            "in [three weeks] time",
            Some(("duration", "21", Some("day"), "exact")),
        ),
        (
            "can take [as little as a day] now",
            Some(("duration", "1", Some("day"), "at_least")),
        ),
        (
            "once took [a month] to decide",
            Some(("duration", "30.4375", Some("day"), "exact")),
        ),
        (
            "a tweet [nearly three weeks] ago",
            Some(("duration", "21", Some("day"), "approx")),
        ),
        (
            "a [30-minute] call",
            Some(("duration", "0.0208333333", Some("day"), "exact")),
        ),
        (
            "[half an hour] later",
            Some(("duration", "0.0208333333", Some("day"), "exact")),
        ),
        ("$50 billion [a year] in goods", None),
        ("a [25-year-old] man", None),
        (
            "[an hour and a half] long",
            Some(("duration", "0.0625", Some("day"), "exact")),
        ),
    ];
    for (m, w) in cases {
        check(m, &c, *w);
    }
}

#[test]
fn dates() {
    let dl = Some("2018-06-03");
    let cases: &[(&str, Option<&str>, bool, Option<Want>)] = &[
        (
            "[June 3, 2018]\n\nBEIJING",
            None,
            false,
            Some(("date", "2018-06-03", None, "exact")),
        ),
        (
            "the summit planned for [june 12] while",
            dl,
            true,
            Some(("date", "2018-06-12", None, "exact")),
        ),
        (
            "the summit planned for [june 12] while",
            None,
            true,
            Some(("date", "0000-06-12", None, "exact")),
        ),
        (
            "photos dated from [1901] showed",
            None,
            true,
            Some(("date", "1901-01-01", None, "exact")),
        ),
        ("its made in china [2025] plan", None, true, None),
        (
            "in [March 2018] the",
            None,
            false,
            Some(("date", "2018-03-01", None, "exact")),
        ),
        (
            "ended on [Sunday] without",
            dl,
            false,
            Some(("date", "2018-06-03", None, "exact")),
        ),
        (
            "on [monday] mr smith",
            dl,
            true,
            Some(("date", "2018-05-28", None, "exact")),
        ),
        (
            "a tweet [nearly three weeks ago] said",
            dl,
            false,
            Some(("date", "2018-05-13", None, "approx")),
        ),
        (
            "[yesterday] the",
            dl,
            true,
            Some(("date", "2018-06-02", None, "exact")),
        ),
        ("the [Boeing 747] jet", None, false, None),
        ("under Section [301] of", None, false, None),
        ("the [G20] summit", None, false, None),
        ("runs [Windows 10] now", None, false, None),
        ("won [2-1] at home", None, true, None),
        ("call [555-123-4567] now", None, true, None),
        ("for the [first] time", None, true, None),
        ("the [21st] century", None, true, None),
        ("at [10:30] am", None, true, None),
    ];
    for (m, dl, lc, w) in cases {
        check(m, &ctx(*dl, *lc), *w);
    }
}

#[test]
fn intervals_and_subjects() {
    let c = ctx(None, false);
    let text = "ZTE, a 70,000-employee telecoms company, faces a ban for seven years.";
    let found = extract(text, &Segments::default(), &c);
    let count = found
        .iter()
        .find(|f| f.ty == FigureType::Count)
        .expect("count");
    assert_eq!(count.low, Some(Value::Number(66_500.0)));
    assert_eq!(count.high, Some(Value::Number(73_500.0)));
    assert_eq!(count.subject.first().map(|s| s.as_str()), Some("employees"));
    let dur = found
        .iter()
        .find(|f| f.ty == FigureType::Duration)
        .expect("duration");
    assert!(dur.subject.iter().any(|s| s == "ban"), "{:?}", dur.subject);
    let lc = ctx(None, true);
    let found = extract(
        "they want to cut up to 200 billion from a 375 billion trade deficit with the bloc",
        &Segments::default(),
        &lc,
    );
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].qualifier, Qualifier::AtMost);
    assert_eq!(found[0].low, None);
    assert_eq!(found[0].high, Some(Value::Number(2e11)));
    assert!(found[1].subject.iter().any(|s| s == "deficit"));
}

#[test]
fn odd_input_never_panics() {
    let c = ctx(Some("2018-06-03"), false);
    for text in [
        "",
        "$",
        "\\$",
        "$$$ 5",
        "- - -",
        "1/",
        "2018-",
        "june",
        "on",
        "half",
        "a",
        "𝟘𝟙 💰 $5 €",
        "99999999999999999999999999999 dollars",
        "1,000,000,000,000,000,000,000,000 people",
        "Feb 30, 2018 and 31/02/2018",
    ] {
        let _ = extract(text, &Segments::default(), &c);
    }
}

/// Dumps that lost `,`, `.` and `%`: spaced groups and decimals join, and a bare number after
/// a word of change is a percent whose unit is said to be inferred.
#[test]
fn stripped_dumps_rejoin_numbers_and_infer_percent() {
    let c = ctx(None, true);
    let cases: &[(&str, Option<Want>)] = &[
        (
            "the firm sold [nearly 95 000 cars] in asia",
            Some(("count", "95000", Some("car"), "approx")),
        ),
        (
            "claimants fell 12 000 to [824 300] last month",
            Some(("number", "824300", None, "exact")),
        ),
        (
            "output reached [1 41 million units]",
            Some(("count", "1410000", Some("unit"), "exact")),
        ),
        (
            "revenue of [86 7bn swiss francs]",
            Some(("money", "8.67e10", Some("CHF"), "exact")),
        ),
        (
            "us sales dipped [3 8] in the quarter",
            Some(("percent", "3.8", None, "exact")),
        ),
        (
            "revenues slipped [11] during the year",
            Some(("percent", "11", None, "exact")),
        ),
        (
            "posting a [52] rise in profits",
            Some(("percent", "52", None, "exact")),
        ),
    ];
    for (m, w) in cases {
        check(m, &c, *w);
    }
    // No word of change, no scale: no joined decimal and no percent.
    for text in [
        "the two firms own 3 6 plants",
        "storage for up to 80 hours of shows",
    ] {
        let found = extract_detailed(text, &c);
        assert!(
            found
                .iter()
                .all(|f| f.figure.ty != FigureType::Percent && f.figure.value.as_f64() != 3.6),
            "{text}: {found:?}"
        );
    }
    let found = extract_detailed("revenues slipped 11 during the year", &c);
    assert!(found.iter().any(|f| f.figure.unit_inferred));
    // Cased text keeps its spaces: `95 000` there is no dump artefact.
    let cased = extract_detailed(
        "Revenues slipped 11 during 2004, to 95 000.",
        &ctx(None, false),
    );
    assert!(cased.iter().all(|f| f.figure.ty != FigureType::Percent));
}

/// A dump's level of a rate or a stake lost its `%` too (`the jobless rate rose to 4 7`, `owns
/// a 56 stake`); an exchange rate and a rate of a thousand and more are no percent.
#[test]
fn stripped_dumps_read_rates_and_stakes_as_percents() {
    let c = ctx(None, true);
    for (m, w) in [
        (
            "the jobless rate rose to [4 7] from last month",
            Some(("percent", "4.7", None, "exact")),
        ),
        (
            "spain had a jobless rate of [10 4] last year",
            Some(("percent", "10.4", None, "exact")),
        ),
        (
            "the carmaker owns a [56] stake in the team",
            Some(("percent", "56", None, "exact")),
        ),
    ] {
        check(m, &c, w);
    }
    for text in [
        "the exchange rate of 1 87 dollars",
        "a birth rate of 1200 a day",
    ] {
        let found = extract_detailed(text, &c);
        assert!(
            found.iter().all(|f| f.figure.ty != FigureType::Percent),
            "{text}: {found:?}"
        );
    }
}

/// A dump's bare amounts take the home currency its place cues give, and an amount right after
/// another is its conversion (`£3.24bn ($6.13bn)` dumped as `3 24bn 6 13bn`).
#[test]
fn stripped_dumps_infer_currency_from_the_document() {
    let c = ctx(None, true);
    let text = "the london firm saw revenue fall from 3 24bn 6 13bn to 2 89bn and profit of 198m";
    let found = extract_detailed(text, &c);
    let money: Vec<(f64, &str)> = found
        .iter()
        .filter(|f| f.figure.ty == FigureType::Money)
        .map(|f| {
            (
                f.figure.value.as_f64(),
                f.figure.unit.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        money,
        vec![
            (3.24e9, "GBP"),
            (6.13e9, "USD"),
            (2.89e9, "GBP"),
            (1.98e8, "GBP")
        ],
        "{found:?}"
    );
    assert!(found
        .iter()
        .all(|f| f.figure.ty != FigureType::Money || f.figure.unit_inferred));
    // An explicit currency first: its conversions are dollars, then pounds.
    let found = extract_detailed("sales of 52 4bn swiss francs 45 1bn 23 6bn in the year", &c);
    let units: Vec<&str> = found
        .iter()
        .filter(|f| f.figure.ty == FigureType::Money)
        .map(|f| f.figure.unit.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(units, vec!["CHF", "USD", "GBP"]);
    // Without British cues a dump counts in dollars.
    let found = extract_detailed("the wall street firm posted profit of 5bn", &c);
    assert_eq!(found[0].figure.unit.as_deref(), Some("USD"));
}

/// `grow 16% to 250,000 cars` is a change and a level, not a range of percentages.
#[test]
fn a_percent_is_no_range_with_the_level_it_reaches() {
    let c = ctx(None, false);
    check(
        "Sales should grow [16%] to 250,000 cars in 2005.",
        &c,
        Some(("percent", "16", None, "exact")),
    );
}
