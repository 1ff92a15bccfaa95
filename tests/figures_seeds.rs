//! The seed articles' figures (reads `../shared/seeds`; skips when absent).

use corpus_ls::extract::figures::{extract, FigureContext};
use corpus_ls::model::{Date, Figure, FigureType, Qualifier, Value};
use corpus_ls::text::Segments;
use std::path::{Path, PathBuf};

fn seeds_dir() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        manifest.join("../shared/seeds"),
        manifest.join("../../shared/seeds"),
        PathBuf::from("/work/shared/seeds"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

fn read(name: &str) -> Option<String> {
    let Some(dir) = seeds_dir() else {
        println!("skipped: no shared/seeds folder");
        return None;
    };
    std::fs::read_to_string(dir.join(name)).ok()
}

fn day(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Expected: text of the figure, type, value as JSON text, unit, qualifier.
type Want = (
    &'static str,
    FigureType,
    &'static str,
    Option<&'static str>,
    Qualifier,
);

fn check(text: &str, figs: &[Figure], wants: &[Want]) {
    for (surface, ty, value, unit, qual) in wants {
        let f = figs
            .iter()
            .find(|f| f.span.slice(text) == *surface && f.ty == *ty)
            .unwrap_or_else(|| panic!("no {ty:?} figure {surface:?}"));
        let got = serde_json::to_value(f.value).expect("json").to_string();
        let want_num: Option<f64> = value.parse().ok();
        match (want_num, f.value) {
            (Some(w), Value::Number(g)) => {
                assert!((g - w).abs() <= 1e-6 * w.abs(), "{surface}: {g} != {w}")
            }
            _ => assert_eq!(got, format!("\"{value}\""), "{surface}"),
        }
        assert_eq!(f.unit.as_deref(), *unit, "{surface}: unit");
        assert_eq!(f.qualifier, *qual, "{surface}: qualifier");
    }
}

#[test]
fn markdown_seed_figures() {
    let Some(text) = read("003_cd8938af65b0a9eb.txt") else {
        return;
    };
    let ctx = FigureContext {
        dateline: Some(day("2018-06-03")),
        lowercase: false,
    };
    let figs = extract(&text, &Segments::default(), &ctx);
    use FigureType::*;
    use Qualifier::*;
    check(
        &text,
        &figs,
        &[
            ("June 3, 2018", Date, "2018-06-03", None, Exact),
            ("Sunday", Date, "2018-06-03", None, Exact),
            ("25 percent", Percent, "25", None, Exact),
            ("\\$50 billion", Money, "5e10", Some("USD"), Exact),
            ("\\$3 billion", Money, "3e9", Some("USD"), Exact),
            (
                "almost 800 Billion Dollars",
                Money,
                "8e11",
                Some("USD"),
                Approx,
            ),
            (
                "more than one-third",
                Fraction,
                "0.3333333333333333",
                None,
                AtLeast,
            ),
            ("70,000-employee", Count, "70000", Some("employee"), Exact),
            ("seven years", Duration, "2556.75", Some("day"), Exact),
            ("nearly three weeks", Duration, "21", Some("day"), Approx),
        ],
    );
    let emp = figs.iter().find(|f| f.ty == Count).expect("count");
    assert!(emp.subject.iter().any(|s| s == "employees"));
}

#[test]
fn lowercase_seed_figures() {
    let Some(text) = read("000_07c8a66dd8e1c00f.txt") else {
        return;
    };
    use FigureType::*;
    use Qualifier::*;
    for dateline in [None, Some(day("2018-06-03"))] {
        let ctx = FigureContext {
            dateline,
            lowercase: true,
        };
        let figs = extract(&text, &Segments::default(), &ctx);
        let june = if dateline.is_some() {
            "2018-06-12"
        } else {
            "0000-06-12"
        };
        check(
            &text,
            &figs,
            &[
                ("up to 150 billion", Money, "1.5e11", Some("USD"), AtMost),
                ("up to 200 billion", Money, "2e11", Some("USD"), AtMost),
                ("375 billion", Money, "3.75e11", Some("USD"), Exact),
                ("130 billion", Money, "1.3e11", Some("USD"), Exact),
                ("1901", Date, "1901-01-01", None, Exact),
                ("june 12", Date, june, None, Exact),
                ("as little as a day", Duration, "1", Some("day"), AtLeast),
                ("a month", Duration, "30.4375", Some("day"), Exact),
            ],
        );
        let money = figs.iter().find(|f| f.ty == Money).expect("money");
        assert!(money.unit_inferred);
        // `made in china 2025` names a programme; `the two sides` measures nothing
        let at = text.find("china 2025").expect("seed text") + 6;
        assert!(figs.iter().all(|f| !f.span.touches(at)));
        let two = text.find("the two sides").expect("seed text") + 4;
        assert!(figs.iter().all(|f| !f.span.touches(two)));
        assert!(!figs
            .iter()
            .any(|f| f.span.slice(&text).contains("multibillion")));
        let deficit = figs
            .iter()
            .find(|f| f.span.slice(&text) == "375 billion")
            .expect("deficit");
        assert!(deficit.subject.iter().any(|s| s == "deficit"));
    }
}
