//! The rules on marked fixture corpora: which note figures are flagged, and how.

use super::fixture::corpus;
use super::*;
use crate::corpus::Corpus;

const ARTICLE: &str = "## Trade talks stall\n\n\
Washington has threatened [[25 percent|percent 25]] tariffs on [[\\$50 billion|money 50e9 USD]] a year in Chinese goods, \
on top of the duties already charged on [[\\$3 billion|money 3e9 USD]] a year of Chinese steel and aluminum exports.\n\n\
Beijing said it would answer by blocking soybeans and other American goods, \
[[more than one-third|fraction 0.3333 at_least lo=0.3333]] of its imports of American goods.\n\n\
ZTE, a [[70,000-employee|count 70000 employee]] telecommunications maker, was barred from buying American chips \
for [[seven years|duration 2555 day]].\n";

fn findings(note: &str) -> Vec<Finding> {
    let c = corpus(&[("articles/talks.md", ARTICLE), ("notes/n.md", note)]);
    let checker = Checker::new(&c, CheckSettings::default());
    checker.check_file(&c, "notes/n.md")
}

/// The flagged texts of one code.
fn flagged(note: &str, code: &str) -> Vec<String> {
    let c = corpus(&[("notes/n.md", note)]);
    let text = c.files[0].text().into_owned();
    findings(note)
        .into_iter()
        .filter(|f| f.code == code)
        .map(|f| f.span.slice(&text).to_string())
        .collect()
}

#[test]
fn wrong_count_is_a_conflict_with_an_actionable_message() {
    let fs = findings("ZTE, the telecommunications maker, has [[about 90,000 employees|count 90000 employee approx]].\n");
    let conflict: Vec<_> = fs
        .iter()
        .filter(|f| f.code == codes::FIGURE_CONFLICT)
        .collect();
    assert_eq!(conflict.len(), 1, "{fs:#?}");
    let m = &conflict[0].message;
    assert!(m.contains("note says about 90,000 employees"), "{m}");
    assert!(m.contains("talks.md:7 says 70,000-employee"), "{m}");
    assert!(m.contains("ZTE"), "{m}");
    assert_eq!(conflict[0].severity, Severity::Warning);
    assert_eq!(conflict[0].related.len(), 1);
    assert_eq!(conflict[0].related[0].rel, "articles/talks.md");
}

#[test]
fn restatements_in_other_words_and_notations_are_silent() {
    for note in [
        "ZTE, a telecommunications maker, has [[about 70,000 workers|count 70000 worker approx]].\n",
        "The US threatened tariffs on [[fifty billion dollars|money 50e9 USD]] of Chinese goods a year.\n",
        "The retaliation would hit [[38%|percent 38]] of Chinese imports of American goods.\n",
        "ZTE was barred from buying American chips for [[84 months|duration 2520 day]].\n",
        "Tariffs were already charged on [[$3bn|money 3e9 USD]] of Chinese steel and aluminum.\n",
    ] {
        let fs = findings(note);
        assert!(fs.iter().all(|f| f.code != codes::FIGURE_CONFLICT), "{note}: {fs:#?}");
        assert!(fs.iter().all(|f| f.code != codes::FIGURE_UNSUPPORTED), "{note}: {fs:#?}");
    }
}

#[test]
fn wrong_money_percent_share_and_duration_are_caught() {
    for (note, wrong) in [
        ("The US threatened tariffs on [[$60 billion|money 60e9 USD]] a year of Chinese goods.\n", "$60 billion"),
        ("Washington threatened [[30 percent|percent 30]] tariffs on Chinese goods.\n", "30 percent"),
        ("Blocking soybeans would hit [[a quarter|fraction 0.25]] of Chinese imports of American goods.\n", "a quarter"),
        ("ZTE was barred from buying American chips for [[five years|duration 1825 day]].\n", "five years"),
        ("Duties were already charged on [[$8 billion|money 8e9 USD]] of Chinese steel and aluminum exports.\n", "$8 billion"),
    ] {
        assert_eq!(flagged(note, codes::FIGURE_CONFLICT), vec![wrong.to_string()], "{note}");
    }
}

#[test]
fn only_the_wrong_figure_of_a_pair_is_flagged() {
    let note = "Washington threatened [[25 percent|percent 25]] tariffs on [[$60 billion|money 60e9 USD]] a year in Chinese goods, \
                besides duties on [[$3 billion|money 3e9 USD]] of steel and aluminum.\n";
    assert_eq!(
        flagged(note, codes::FIGURE_CONFLICT),
        vec!["$60 billion".to_string()]
    );
}

#[test]
fn a_figure_about_something_else_is_unsupported_not_a_conflict() {
    let note = "Apple opened new stores worth [[$2 billion|money 2e9 USD]] in Texas.\n";
    assert!(flagged(note, codes::FIGURE_CONFLICT).is_empty());
    assert_eq!(
        flagged(note, codes::FIGURE_UNSUPPORTED),
        vec!["$2 billion".to_string()]
    );
}

#[test]
fn suppression_and_severity_overrides() {
    let note = "<!-- corpus-ls: ignore figure-conflict -->\nZTE has [[90,000 employees|count 90000 employee]], a telecommunications maker.\n";
    assert!(flagged(note, codes::FIGURE_CONFLICT).is_empty());
    let c = corpus(&[
        ("articles/talks.md", ARTICLE),
        (
            "notes/n.md",
            "ZTE, a telecommunications maker, has [[90,000 employees|count 90000 employee]].\n",
        ),
    ]);
    let s = CheckSettings::parse("[severity]\nfigure-conflict = \"error\"\n");
    let fs = Checker::new(&c, s).check_file(&c, "notes/n.md");
    assert_eq!(fs[0].severity, Severity::Error);
    let s = CheckSettings::parse("[severity]\nfigure-conflict = \"off\"\n");
    assert!(Checker::new(&c, s).check_file(&c, "notes/n.md").is_empty());
}

#[test]
fn named_sources_are_used_first_and_missing_ones_are_findings() {
    let other = "ZTE, a telecommunications maker, has [[80,000 employees|count 80000 employee]].\n";
    let note = "---\nsources: [../articles/talks.md, ../../outside.md, nowhere.md]\n---\n\
                ZTE, the telecommunications maker, has [[80,000 employees|count 80000 employee]].\n";
    let c = corpus(&[
        ("articles/other.md", other),
        ("articles/talks.md", ARTICLE),
        ("notes/n.md", note),
    ]);
    let fs = Checker::new(&c, CheckSettings::default()).check_file(&c, "notes/n.md");
    let conflicts: Vec<_> = fs
        .iter()
        .filter(|f| f.code == codes::FIGURE_CONFLICT)
        .collect();
    assert_eq!(conflicts.len(), 1, "{fs:#?}");
    assert_eq!(conflicts[0].related[0].rel, "articles/talks.md");
    let missing: Vec<_> = fs
        .iter()
        .filter(|f| f.code == codes::SOURCE_MISSING)
        .collect();
    assert_eq!(missing.len(), 2);
    assert!(missing[0].message.contains("leaves the corpus root"));
    assert!(missing[1].message.contains("names no file"));
}

#[test]
fn articles_that_disagree_are_reported_once_in_the_later_file() {
    let a = "ZTE, a [[70,000-employee|count 70000 employee]] telecommunications maker, stopped its factories.\n";
    let b = "ZTE, a [[75,000-employee|count 75000 employee]] telecommunications maker, stopped its factories.\n";
    let c = corpus(&[("a.md", a), ("b.md", b)]);
    let ck = Checker::new(&c, CheckSettings::default());
    let all = ck.check_corpus(&c);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].rel, "b.md");
    assert_eq!(all[0].code, codes::SOURCES_DISAGREE);
    assert_eq!(all[0].severity, Severity::Information);
    assert_eq!(ck.check_file(&c, "a.md").len(), 1);
}

#[test]
fn updating_a_note_keeps_the_index_and_an_article_rebuilds_it() {
    let c = corpus(&[("articles/talks.md", ARTICLE), ("notes/n.md", "x")]);
    let ck = Checker::new(&c, CheckSettings::default());
    let same = ck.updated(&c, "notes/n.md");
    assert!(Arc::ptr_eq(&ck.facts, &same.facts));
    let c2 = corpus(&[("articles/talks.md", "ZTE has [[5 staff|count 5 staff]].")]);
    let re = ck.updated(&c2, "articles/talks.md");
    assert_eq!(re.facts.len(), 1);
}

#[test]
fn an_equal_value_is_the_partner_even_when_another_context_is_closer() {
    let article = "Kestrel expects to lose [[$2.4 billion|money 2.4e9 USD]] in the first half.\n\n\
                   Analysts said its cash reserves of [[about $9 billion|money 9e9 USD approx]] would last six months.\n";
    let note = "Kestrel expects a loss of [[$2.4 billion|money 2.4e9 USD]], with cash reserves of [[$19 billion|money 19e9 USD]].\n";
    let c = corpus(&[("kestrel.md", article), ("notes/n.md", note)]);
    let fs = Checker::new(&c, CheckSettings::default()).check_file(&c, "notes/n.md");
    let text = c.file("notes/n.md").unwrap().text().into_owned();
    let flagged: Vec<&str> = fs
        .iter()
        .filter(|f| f.code == codes::FIGURE_CONFLICT)
        .map(|f| f.span.slice(&text))
        .collect();
    assert_eq!(flagged, ["$19 billion"], "{fs:#?}");
}

#[test]
fn bullets_are_separate_clauses() {
    // The second bullet's words must not make the first figure look like the article's.
    let article = "Harbor Line cut [[40 percent|percent 40]] of its Asian routes.\n";
    let note = "- Staff turnover was [[12 percent|percent 12]] last year.\n- Harbor Line cut its Asian routes.\n";
    let c = corpus(&[("a.md", article), ("notes/n.md", note)]);
    let fs = Checker::new(&c, CheckSettings::default()).check_file(&c, "notes/n.md");
    assert!(
        fs.iter().all(|f| f.code != codes::FIGURE_CONFLICT),
        "{fs:#?}"
    );
}

#[test]
fn weekday_mismatch_in_an_article_uses_the_written_year() {
    let c = corpus(&[(
        "a.txt",
        "The vote took place on Monday, June 5, 2018, in the capital.\n",
    )]);
    let fs = Checker::new(&c, CheckSettings::default()).check_corpus(&c);
    assert_eq!(fs.len(), 1, "{fs:#?}");
    assert_eq!(fs[0].code, codes::WEEKDAY_MISMATCH);
    assert_eq!(fs[0].message, "June 5, 2018 was a Tuesday, not a Monday");
    assert_eq!(fs[0].related.len(), 1);
}

#[test]
fn odd_spans_and_text_do_not_panic() {
    let mut c = corpus(&[
        (
            "a.md",
            "Émoji 🎉 — ZTE has [[70,000 employees|count 70000 employee]]. Monday, June 5\n",
        ),
        (
            "notes/n.md",
            "🎉🎉 ZTE has [[90,000 employees|count 90000 employee]]\r\n",
        ),
    ]);
    // Spans past the end and inside a character, as a stale analysis might carry.
    for f in &mut c.files {
        let mut file = (**f).clone();
        let len = file.text_len();
        for fig in &mut file.analysis.figures {
            fig.span = crate::model::Span::new(1, len + 40);
        }
        *f = Arc::new(file);
    }
    let ck = Checker::new(&c, CheckSettings::default());
    let _ = ck.check_corpus(&c);
    let _ = ck.check_file(&c, "notes/n.md");
    let _ = ck.check_file(&c, "missing.md");
    let empty = corpus(&[("notes/e.md", ""), ("e.md", "")]);
    assert!(Checker::new(&empty, CheckSettings::default())
        .check_corpus(&empty)
        .is_empty());
}

#[test]
fn values_far_apart_are_different_quantities_not_a_disagreement() {
    let a = "ZTE, a [[70,000-employee|count 70000 employee]] telecommunications maker, stopped its factories.\n";
    let b = "ZTE, a [[700-employee|count 700 employee]] telecommunications maker, stopped its factories.\n";
    let c = corpus(&[("a.md", a), ("b.md", b)]);
    assert!(Checker::new(&c, CheckSettings::default())
        .check_corpus(&c)
        .is_empty());
}

/// Every fact's strong matches from the pruned retrieval equal those from the plain one, and
/// skipping the own file's postings in retrieval loses nothing filtering it afterwards keeps.
fn assert_pruned_retrieval_is_exact(ix: &FactIndex) {
    for ff in ix.files() {
        let fi = ix.file_index(&ff.rel).expect("indexed");
        for f in &ff.facts {
            for min in [sources_disagree::STRONG, 0.8] {
                let skipped = ix.strong_matches(f, fi, min);
                assert_eq!(
                    skipped,
                    ix.strong_matches_plain(f, fi, min),
                    "{} {}",
                    ff.rel,
                    f.written
                );
                let mut filtered = ix.strong_matches(f, facts::NO_FILE, min);
                filtered.retain(|m| m.id.0 != fi);
                assert_eq!(
                    skipped, filtered,
                    "own file skipped: {} {}",
                    ff.rel, f.written
                );
            }
        }
    }
}

/// One step of an edit script: a file's new marked text (`None`: the file is gone).
type Edit<'a> = (&'a str, Option<&'a str>);

/// Applies `edits` one by one to the corpus of `files`, updating one checker incrementally, and
/// asserts after every step that it finds exactly what a checker built afresh finds.
fn assert_incremental_equals_fresh(files: &[(String, String)], edits: &[Edit]) {
    let mut now: Vec<(String, String)> = files.to_vec();
    let as_refs = |v: &[(String, String)]| -> Corpus {
        let r: Vec<(&str, &str)> = v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        corpus(&r)
    };
    let mut c = as_refs(&now);
    let mut ck = Checker::new(&c, CheckSettings::default());
    for (step, (rel, text)) in edits.iter().enumerate() {
        now.retain(|(r, _)| r != rel);
        if let Some(t) = text {
            now.push((rel.to_string(), t.to_string()));
        }
        c = as_refs(&now);
        ck = ck.updated(&c, rel);
        assert_pruned_retrieval_is_exact(&ck.facts);
        let fresh = Checker::new(&c, CheckSettings::default());
        assert_eq!(
            ck.facts.len(),
            fresh.facts.len(),
            "step {step}: fact counts"
        );
        assert_eq!(
            ck.facts.article_count(),
            fresh.facts.article_count(),
            "step {step}: article counts"
        );
        assert_eq!(
            ck.check_corpus(&c),
            fresh.check_corpus(&c),
            "step {step}: {rel}"
        );
        // Article frequencies: counted on the first base, then carried over (the first call
        // here counts them, so a later compaction carries them).
        let rels: Vec<&str> = c.files.iter().map(|f| f.rel.as_str()).collect();
        for a in [*rel, rels[0]] {
            for b in &rels {
                assert_eq!(
                    ck.facts.doc_similarity(a, b).to_bits(),
                    fresh.facts.doc_similarity(a, b).to_bits(),
                    "step {step}: story of {a} and {b}"
                );
            }
        }
        // Whole-corpus runs report a disagreement once; a file's own run reports both sides.
        for f in c
            .files
            .iter()
            .filter(|f| f.rel == *rel || f.rel.starts_with("notes/"))
        {
            assert_eq!(
                ck.check_file(&c, &f.rel),
                fresh.check_file(&c, &f.rel),
                "step {step}: check_file {}",
                f.rel
            );
        }
    }
}

#[test]
fn an_incrementally_updated_checker_finds_what_a_fresh_one_finds() {
    let files: Vec<(String, String)> = [
        ("articles/talks.md", ARTICLE),
        (
            "articles/zte.md",
            "ZTE, a [[75,000-employee|count 75000 employee]] telecommunications maker, stopped its factories.\n",
        ),
        (
            "articles/zte2.md",
            "ZTE, a [[70,000-employee|count 70000 employee]] telecommunications maker, stopped its factories.\n",
        ),
        (
            "notes/n.md",
            "ZTE, the telecommunications maker, has [[about 90,000 employees|count 90000 employee approx]].\n\
             Tariffs of [[30 percent|percent 30]] hit [[$50 billion|money 50e9 USD]] of Chinese goods.\n",
        ),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let edits: &[Edit] = &[
        // The note changes: the index stays.
        ("notes/n.md", Some("ZTE has [[about 70,000 workers|count 70000 worker approx]].\n")),
        // An article's figure changes value: the disagreement goes.
        (
            "articles/zte.md",
            Some("ZTE, a [[70,000-employee|count 70000 employee]] telecommunications maker, stopped its factories.\n"),
        ),
        // It gains figures (fact and word counts change for every score).
        (
            "articles/zte.md",
            Some("ZTE, a [[72,000-employee|count 72000 employee]] telecommunications maker, stopped its factories \
                  and lost [[$3 billion|money 3e9 USD]] in [[seven years|duration 2555 day]].\n"),
        ),
        // A new article, then one that goes away.
        (
            "articles/new.md",
            Some("Washington has threatened [[20 percent|percent 20]] tariffs on Chinese goods.\n"),
        ),
        ("articles/zte2.md", None),
        // The note again, against the changed articles.
        (
            "notes/n.md",
            Some("ZTE, the telecommunications maker, has [[about 90,000 employees|count 90000 employee approx]].\n"),
        ),
    ];
    assert_incremental_equals_fresh(&files, edits);
}

#[test]
fn incremental_updates_match_a_fresh_index_past_the_rarest_word_cut_and_compaction() {
    // Over a thousand facts of one kind, so candidates come from the rarest words' postings
    // (not a scan of all), and more changed articles than the overlay holds.
    let places = [
        "Halden",
        "Velmora",
        "Draskov",
        "Marisol",
        "Kestrel",
        "Brightwater",
    ];
    let article = |i: usize, bump: usize| -> String {
        let mut t = String::new();
        for j in 0..18 {
            let n = 1000 + (i * 37 + j * 11 + bump) % 900;
            t.push_str(&format!(
                "The {p} plant{i} of Zorb{k} employs [[{n} workers|count {n} worker]] in unit{j}.\n",
                p = places[(i + j) % places.len()],
                k = i % 9,
            ));
        }
        t
    };
    let files: Vec<(String, String)> = (0..70)
        .map(|i| (format!("a/{i:03}.md"), article(i, 0)))
        .chain(std::iter::once((
            "notes/n.md".to_string(),
            "The Halden plant3 of Zorb3 employs [[1500 workers|count 1500 worker]].\n".to_string(),
        )))
        .collect();
    let edited: Vec<(String, String)> = (0..40)
        .map(|i| (format!("a/{:03}.md", i * 3 % 70), article(i, 5)))
        .collect();
    let mut edits: Vec<Edit> = edited
        .iter()
        .map(|(r, t)| (r.as_str(), Some(t.as_str())))
        .collect();
    edits.insert(3, ("a/001.md", Some("Nothing to count here.\n")));
    assert_incremental_equals_fresh(&files, &edits);
}

#[test]
fn a_big_files_facts_are_never_each_others_candidates() {
    // Over a thousand facts of one kind in one article: retrieval goes by the rarest words'
    // postings, all of them this file's. Walking them cost the square of the file's figures.
    let mut text = String::new();
    for i in 0..1500 {
        let n = 1000 + i % 900;
        text.push_str(&format!(
            "The plant{} of Zorb{} employs [[{n} workers|count {n} worker]] in unit{}.\n",
            i % 40,
            i % 9,
            i % 17
        ));
    }
    let c = corpus(&[("a/big.md", text.as_str()), ("a/other.md", text.as_str())]);
    let ck = Checker::new(&c, CheckSettings::default());
    let ix = &ck.facts;
    let fi = ix.file_index("a/big.md").expect("indexed");
    let other = ix.file_index("a/other.md").expect("indexed");
    let ff = ix.file_facts(fi);
    assert!(ff.facts.len() >= 1500);
    let mut from_other = 0;
    for f in &ff.facts {
        let ids = ix.strong_candidates(f, fi, sources_disagree::STRONG);
        assert!(
            ids.iter().all(|id| id.0 != fi),
            "{}: own facts retrieved",
            f.written
        );
        from_other += ids.iter().filter(|id| id.0 == other).count();
    }
    assert!(from_other > 0, "the copy's facts are still candidates");
}
