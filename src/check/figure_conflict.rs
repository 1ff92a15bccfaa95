//! `figure-conflict`: a note's figure and a source's figure measure the same thing and their
//! intervals do not meet.
//!
//! Each note figure is paired with its best source figure (retrieval by context similarity),
//! never with every source figure: a line that states one right and one wrong figure flags only
//! the wrong one, and a source figure that confirms one figure of a sentence is not held against
//! another figure of the same sentence.

use super::facts::{same_value, Fact, FactId, FactIndex, Match, ValueIndex};
use super::holder::Names;
use super::quantity::{normalised, QuantityKey};
use super::{codes, Finding};
use crate::corpus::SourceFile;
use crate::model::Span;
use std::collections::HashMap;

/// Context similarity from which two figures of one kind are taken to measure the same thing.
pub const SAME: f32 = 0.30;
/// An agreeing source figure this close to the best one (as a share of its score) confirms.
const AGREE_SHARE: f32 = 0.7;
/// A source figure with the very same value confirms down to this share of the best score.
const VALUE_SHARE: f32 = 0.3;
/// Below this a source figure with the same value is a coincidence, not support.
pub const WEAK: f32 = 0.08;
/// Plain numbers say little about what they measure: they need a closer context.
const SAME_PLAIN: f32 = 0.5;

/// What became of one note figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A source states a value that meets it.
    Supported(Match),
    /// The best source figure of the same quantity disagrees; `others` are further candidates.
    Conflict {
        /// The source figure it was paired with.
        best: Match,
        /// Other source figures of the same quantity (all disagreeing).
        others: Vec<Match>,
    },
    /// The source states this value for the same measure but of another subject (`GM owns a
    /// 56% stake` where the source's 56% is Fiat's), and nothing supports it for its own.
    OtherSubject(Match),
    /// The source states this value for the same measure but for another year (`4.3% in 2006`
    /// where the source's 4.3% is for 2005), and no source gives it for the note's year.
    OtherYear(Match),
    /// No source figure measures the same thing; `nearest` is the closest one of its kind.
    Unmatched {
        /// The closest source figure of the same kind, if any.
        nearest: Option<Match>,
    },
}

/// A clear winner may pass with this score when it shares a name and beats the runner-up by
/// [`MARGIN`] times.
const SAME_CLEAR: f32 = 0.2;
/// How far ahead of the runner-up a clear winner is.
const MARGIN: f32 = 2.0;

fn threshold(f: &Fact) -> f32 {
    if f.key.dim == "number" {
        SAME_PLAIN
    } else {
        SAME
    }
}

/// True when `ms[i]` measures the same thing as `f`: at least two shared words, and a close
/// context, or a fairly close one (or two shared names) that shares a name (or four words) and
/// clearly beats every other candidate.
/// With `sole`, `ms` holds the only figure of a counted unit (`employees`) in the note's named
/// sources: sharing that unit is enough.
fn same_quantity(ix: &FactIndex, f: &Fact, ms: &[Match], i: usize, sole: bool) -> bool {
    let m = &ms[i];
    if !m.measures_meet {
        return false;
    }
    // A guessed unit (a dump's lost `%` or `£`) on a figure of no known subject is weak
    // evidence: it stands for a note subject's figure only when they share a name (the dump's
    // `britain s unemployment rate went up to 5 1` is the UK's rate, not France's `9.7 per cent`).
    let guessed = ix.fact(m.id).figure.unit_inferred;
    if guessed
        && m.shared_names == 0
        && f.holder.subject().is_some()
        && ix.fact(m.id).holder.subject().is_none()
    {
        return false;
    }
    if sole && ms.len() == 1 && f.key.dim == "count" && !f.key.unit.is_empty() {
        return true;
    }
    if m.n_shared < 2 || !m.close_word {
        return false;
    }
    if m.score >= threshold(f) {
        return true;
    }
    // A candidate that agrees with `ms[i]` is the same quantity reported twice (`$11bn` in two
    // stories of one fraud), no rival to it.
    let rival = |o: &Match| !ix.fact(o.id).meets(ix.fact(m.id));
    let runner_up = ms
        .iter()
        .enumerate()
        .filter(|(j, o)| *j != i && rival(o))
        .map(|(_, o)| o.score)
        .fold(0.0f32, f32::max);
    // Two shared names and a close shared word say more than the score can (`the settlement
    // between Fiat and GM` against `a $2bn settlement with GM about Fiat's ownership`, where
    // three other amounts in between dilute the context).
    let named_pair = !guessed && m.score >= WEAK && m.shared_names >= 2 && m.n_shared >= 3;
    f.key.dim != "number"
        && (m.score >= SAME_CLEAR || named_pair)
        && (m.shared_names > 0 || m.n_shared >= 4)
        && m.score >= runner_up * MARGIN
}

/// Pairs each note fact with the articles' facts (the note's sources first when it names any).
/// `values` is [`ValueIndex::of`] `ix`.
///
/// Over every article, only part of each figure's matches is scored
/// ([`FactIndex::matches_pruned`]): the best one, those scoring [`WEAK`] or more, and those with
/// the very value. That is all this pairing reads: a partner, a conflict and a loose support
/// all need a score of at least [`WEAK`] (a conflict and a clear winner 0.2); a runner-up below
/// [`WEAK`] never stops a winner of 0.2 from being clear; support by the very value needs that
/// value; and the nearest figure is the best one.
pub fn pair(
    ix: &FactIndex,
    values: &ValueIndex,
    note: &[Fact],
    sources: &[String],
    names: Names,
) -> Vec<Outcome> {
    pair_with(ix, note, sources, names, |f| {
        let ms = ix.note_matches(f, values);
        // What support reads (see [`support`]); a figure it leaves unsupported reads more.
        let top = ms.top(RUNNER_UP_SHARE, VALUE_SHARE, WEAK);
        (top, Box::new(move || ms.pruned(WEAK)))
    })
}

/// A runner-up below this share of the best never keeps the best from being clear
/// (`1 / MARGIN`), and agreeing partners score above it ([`AGREE_SHARE`]).
const RUNNER_UP_SHARE: f32 = 0.5;

/// [`pair`] with every candidate of every figure scored (what the pruned pairing must equal).
#[cfg(test)]
pub fn pair_plain(ix: &FactIndex, note: &[Fact], sources: &[String]) -> Vec<Outcome> {
    pair_with(ix, note, sources, Names::plain(), |f| {
        (ix.matches(f, None), Box::new(move || ix.matches(f, None)))
    })
}

/// A figure's matches over every article as far as [`support`] reads them, and all of them
/// when asked.
type Everywhere<'a> = (Vec<Match>, Rest<'a>);

/// The rest of a figure's matches, scored when asked.
type Rest<'a> = Box<dyn FnOnce() -> Vec<Match> + 'a>;

/// The match of a source figure that supports note figure `f`, from `ms` (its matches, best
/// first; `sole`: they come from the note's named sources, see [`same_quantity`]).
///
/// Reads only the best match, those scoring at least [`RUNNER_UP_SHARE`] of the best, and
/// those with `f`'s very value scoring at least [`VALUE_SHARE`] of it: an agreeing partner
/// scores [`AGREE_SHARE`] of the best, a value partner that share, and the best's runner-up
/// matters to [`same_quantity`] only from `1 / MARGIN` of it. So any part of the matches
/// holding those, in order, gives the same answer.
fn support(ix: &FactIndex, f: &Fact, ms: &[Match], sole: bool) -> Option<Match> {
    let meets = |m: &Match| f.agrees(ix.fact(m.id));
    let best = ms.first()?.score;
    let ok = |k: usize, m: &Match, share: f32| {
        m.score >= best * share && same_quantity(ix, f, ms, k, sole) && meets(m)
    };
    let direct = ms.iter().enumerate().find(|(k, m)| ok(*k, m, AGREE_SHARE));
    let by_value = || {
        ms.iter().enumerate().find(|(_, m)| {
            same_value(f.figure.value.as_f64(), ix.fact(m.id).figure.value.as_f64())
                && m.close_word
                && m.score >= best * VALUE_SHARE
                && meets(m)
        })
    };
    direct
        .or_else(by_value)
        .map(|(_, m)| ix.with_shared(f, m.clone()))
}

/// [`pair`], with `everywhere` giving a figure's matches over every article.
fn pair_with<'a>(
    ix: &FactIndex,
    note: &'a [Fact],
    sources: &[String],
    names: Names,
    everywhere: impl Fn(&'a Fact) -> Everywhere<'a>,
) -> Vec<Outcome> {
    // Another subject's figure neither supports nor contradicts a note figure: it is set
    // aside (per figure) for the wrong-subject test.
    // Dates and durations belong to events, not to subjects (`2004` of `MCI` and of its old
    // name `WorldCom`).
    let own = |f: &Fact, ms: Vec<Match>, aside: &mut Vec<Match>| -> Vec<Match> {
        let held = !matches!(f.key.dim, "date" | "duration");
        let (other, own): (Vec<Match>, Vec<Match>) = ms
            .into_iter()
            .filter(|m| f.same_kind(ix.fact(m.id)))
            .partition(|m| held && names.differ(&f.holder, &ix.fact(m.id).holder));
        aside.extend(other);
        own
    };
    let mut aside: Vec<Vec<Match>> = vec![Vec::new(); note.len()];
    // (candidates, whether they come from the note's named sources, the rest if any)
    let mut found: Vec<(Vec<Match>, bool, Option<Rest<'a>>)> = note
        .iter()
        .zip(&mut aside)
        .map(|(f, aside)| {
            if !sources.is_empty() {
                let mut other = Vec::new();
                let m = own(f, ix.matches(f, Some(sources)), &mut other);
                if !m.is_empty() && same_quantity(ix, f, &m, 0, true) {
                    aside.extend(other);
                    return (m, true, None);
                }
            }
            let (top, rest) = everywhere(f);
            (own(f, top, aside), false, Some(rest))
        })
        .collect();
    let supported: Vec<Option<Match>> = note
        .iter()
        .zip(&found)
        .map(|(f, (ms, sole, _))| support(ix, f, ms, *sole))
        .collect();
    // Figures no source supports read all their matches.
    for (i, (s, (ms, _, rest))) in supported.iter().zip(&mut found).enumerate() {
        if let Some(rest) = rest.take() {
            if s.is_none() {
                aside[i].clear();
                *ms = own(&note[i], rest(), &mut aside[i]);
            }
        }
    }
    let all: Vec<&Vec<Match>> = found.iter().map(|(m, _, _)| m).collect();
    let sole: Vec<bool> = found.iter().map(|(_, s, _)| *s).collect();
    let meets = |f: &Fact, m: &Match| f.agrees(ix.fact(m.id));
    // A source figure with the very same value and a close shared word is the note figure's
    // partner even when another figure's context is closer (`a loss of $2.4 billion, with cash
    // reserves of $19 billion`: the reserves must not claim the loss).
    let same_value = |f: &Fact, m: &Match| {
        same_value(f.figure.value.as_f64(), ix.fact(m.id).figure.value.as_f64())
    };
    // Source figures that confirm some figure of a note sentence are that figure's partner.
    let mut claimed: HashMap<Span, Vec<(usize, FactId)>> = HashMap::new();
    for (i, s) in supported.iter().enumerate() {
        if let Some(m) = s {
            claimed.entry(note[i].sentence).or_default().push((i, m.id));
        }
    }
    (0..note.len())
        .map(|i| {
            let f = &note[i];
            if let Some(m) = &supported[i] {
                if other_year(ix, f, m, all[i]) {
                    return Outcome::OtherYear(ix.with_shared(f, m.clone()));
                }
                return Outcome::Supported(ix.with_shared(f, m.clone()));
            }
            let taken = claimed.get(&f.sentence);
            let free: Vec<&Match> = all[i]
                .iter()
                .filter(|m| !taken.is_some_and(|t| t.iter().any(|(j, id)| *j != i && *id == m.id)))
                .collect();
            let free_owned: Vec<Match> = free.iter().map(|m| (*m).clone()).collect();
            let same: Vec<&Match> = (0..free_owned.len())
                .filter(|&k| same_quantity(ix, f, &free_owned, k, sole[i]))
                .map(|k| free[k])
                .collect();
            if let Some((best, rest)) = same.split_first() {
                if let Some(m) = uncounted_support(ix, f) {
                    return Outcome::Supported(ix.with_shared(f, m));
                }
                return Outcome::Conflict {
                    best: ix.with_shared(f, (*best).clone()),
                    others: rest
                        .iter()
                        .take(2)
                        .map(|m| ix.with_shared(f, (*m).clone()))
                        .collect(),
                };
            }
            // A source that states the very value, or a meeting one in a loosely shared
            // context, supports the figure: no hint. Not one whose measure differs (`dividend`
            // for `revenue`), nor one the organisations near both rule out (score 0): that is
            // another subject's figure, for the wrong-subject test below.
            if let Some(m) = all[i].iter().find(|m| {
                m.measures_meet
                    && meets(f, m)
                    && (m.score >= WEAK || (same_value(f, m) && m.score > 0.0))
            }) {
                // A loose partner tells the year only with a close shared word and a second
                // shared word: a wrong year is a warning, and one shared word is a coincidence.
                if m.score >= WEAK
                    && m.close_word
                    && m.n_shared >= 2
                    && other_year(ix, f, m, all[i])
                {
                    return Outcome::OtherYear(ix.with_shared(f, m.clone()));
                }
                return Outcome::Supported(ix.with_shared(f, m.clone()));
            }
            if let Some(m) = other_subject(ix, f, &aside[i], names) {
                return Outcome::OtherSubject(ix.with_shared(f, m));
            }
            Outcome::Unmatched {
                nearest: all[i].first().map(|m| ix.with_shared(f, m.clone())),
            }
        })
        .collect()
}

/// True when `m`, the source figure that supports `f`, is for another year than `f` says, and
/// no other candidate with a meeting value and a close shared word is for `f`'s year or for no
/// year in particular.
fn other_year(ix: &FactIndex, f: &Fact, m: &Match, all: &[Match]) -> bool {
    let (Some(yn), Some(ys)) = (f.year, ix.fact(m.id).year) else {
        return false;
    };
    if yn.year == ys.year {
        return false;
    }
    !all.iter().any(|c| {
        let o = ix.fact(c.id);
        c.id != m.id
            && c.score >= WEAK
            && c.close_word
            && f.agrees(o)
            && o.year.is_none_or(|y| y.year == yn.year)
    })
}

/// Another subject's figure with the note figure's very value, of the same measure in a close
/// context: the note gave it to the wrong subject. Read from the matches set aside, and from
/// those the organisations near the figures ruled out (`Best Buy owns 6.7%` against
/// `Highfields, which owns 6.7%` scores nothing, see [`FactIndex::matches`]).
fn other_subject(ix: &FactIndex, f: &Fact, aside: &[Match], names: Names) -> Option<Match> {
    if f.holder.subject().is_none() || matches!(f.key.dim, "date" | "duration") {
        return None;
    }
    let mut ungated = f.clone();
    ungated.entities = Box::default();
    let more: Vec<Match> = if f.entities.is_empty() {
        Vec::new()
    } else {
        ix.matches(&ungated, None)
            .into_iter()
            .filter(|m| {
                let o = ix.fact(m.id);
                f.same_kind(o) && names.differ(&f.holder, &o.holder)
            })
            .collect()
    };
    aside
        .iter()
        .chain(&more)
        .filter(|m| {
            let o = ix.fact(m.id);
            m.measures_meet
                && m.close_word
                && m.n_shared >= 2
                && m.score >= SAME_CLEAR
                && same_value(f.figure.value.as_f64(), o.figure.value.as_f64())
                && f.agrees(o)
        })
        .max_by(|a, b| a.score.total_cmp(&b.score))
        .map(|m| ix.with_shared(&ungated, m.clone()))
}

/// A source number with a count's very value and a close shared word confirms the count: the
/// source left the counted noun unsaid (`sales will grow 16% to 250,000 in 2005` for a note's
/// `250,000 cars`), so it is no conflict that another count of cars differs.
fn uncounted_support(ix: &FactIndex, f: &Fact) -> Option<Match> {
    if f.key.dim != "count" {
        return None;
    }
    let mut bare = f.clone();
    bare.key = QuantityKey {
        dim: "number",
        unit: String::new(),
    };
    ix.matches(&bare, None).into_iter().find(|m| {
        m.close_word
            && m.score >= WEAK
            && same_value(f.figure.value.as_f64(), ix.fact(m.id).figure.value.as_f64())
    })
}

/// A file name short enough for a message (`003_cd89….txt`).
pub fn short_name(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    if stem.chars().count() > 12 {
        let head: String = stem.chars().take(8).collect();
        if ext.is_empty() {
            format!("{head}…")
        } else {
            format!("{head}….{ext}")
        }
    } else {
        name.to_string()
    }
}

/// The figure as written (Markdown escapes undone), with its normalised value when that says
/// something the text does not (`fifty billion dollars (= USD 50 billion)`).
pub fn value_text(f: &Fact) -> String {
    let norm = normalised(&f.figure);
    let written = f
        .written
        .replace("\\$", "$")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let bare = |s: &str| -> String {
        s.to_lowercase()
            .replace(['$', ','], "")
            .replace("usd ", "")
            .replace(" (inferred)", "")
            .replace("about ", "")
            .replace("at most ", "")
            .replace("at least ", "")
    };
    if bare(&written).contains(&bare(&norm)) {
        written
    } else {
        format!("{written} (= {norm})")
    }
}

/// [`value_text`], with the way of a change when `other` goes the other way (`11% (a fall)`
/// against `11% (a rise)`): the values alone would read alike.
fn way_text(f: &Fact, other: &Fact) -> String {
    if f.moves.opposes(other.moves) {
        format!("{} ({})", value_text(f), f.moves.word())
    } else {
        value_text(f)
    }
}

/// Words that name what a figure measures, preferred in labels.
const MEASURES: &[&str] = &[
    "deficit",
    "tariff",
    "import",
    "export",
    "employee",
    "purchase",
    "revenue",
    "profit",
    "loss",
    "budget",
    "investment",
    "good",
    "price",
    "sale",
    "debt",
    "growth",
    "rate",
    "cost",
    "spending",
    "ban",
    "penalty",
    "fine",
    "population",
    "vote",
    "death",
    "casualty",
    "job",
    "share",
    "stake",
    "income",
    "wage",
    "salary",
    "subsidy",
    "aid",
    "loan",
    "bond",
    "reserve",
    "output",
    "production",
];

/// What the two figures are about, from the words they share (`ZTE employees`): names first,
/// then a measure word, then the counted unit.
pub fn label(note: &Fact, shared: &[String]) -> String {
    let is_name = |w: &String| note.context.iter().any(|c| c.is_name && &c.surface == w);
    let is_measure = |w: &String| MEASURES.contains(&super::words::key(&w.to_lowercase()).as_str());
    // Names in the order the note writes them (`Harbor Freight`, not `Freight Harbor`).
    let at = |w: &String| {
        note.context
            .iter()
            .find(|c| &c.surface == w)
            .map_or(usize::MAX, |c| c.at)
    };
    let mut names: Vec<&String> = shared.iter().filter(|w| is_name(w)).take(3).collect();
    names.sort_by_key(|w| at(w));
    let mut words: Vec<String> = names.into_iter().cloned().collect();
    words.extend(
        shared
            .iter()
            .filter(|w| !is_name(w) && is_measure(w))
            .take(1)
            .cloned(),
    );
    // The counted unit as the note writes it: the key is a truncated stem (`contai`), no word.
    if note.key.dim == "count" && !note.key.unit.is_empty() {
        let u = &note.key.unit;
        let written = note.figure.unit.as_deref().filter(|w| !w.is_empty());
        if let Some(w) = written {
            if !words
                .iter()
                .any(|x| x.to_lowercase().starts_with(u.as_str()))
            {
                words.push(w.to_string());
            }
        }
    }
    if words.is_empty() {
        words = shared.iter().take(2).cloned().collect();
    }
    if words.is_empty() {
        note.key.dim.to_string()
    } else {
        words.join(" ")
    }
}

/// Why the two are taken as the same quantity.
pub fn because(note: &Fact, shared: &[String]) -> String {
    let what = match note.key.dim {
        "ratio" => "share",
        "pp" => "change in percentage points",
        d => d,
    };
    if shared.is_empty() {
        format!("Same {what}")
    } else {
        let w: Vec<String> = shared.iter().take(4).map(|s| format!("`{s}`")).collect();
        format!("Same {what}: both mention {}", w.join(", "))
    }
}

/// The `figure-conflict` findings of a note, from its pairing.
pub fn check(
    ix: &FactIndex,
    note: &SourceFile,
    facts: &[Fact],
    pairing: &[Outcome],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (f, o) in facts.iter().zip(pairing) {
        if let Outcome::OtherSubject(m) = o {
            out.push(other_subject_finding(ix, note, f, m));
            continue;
        }
        if let Outcome::OtherYear(m) = o {
            out.extend(other_year_finding(ix, note, f, m));
            continue;
        }
        let Outcome::Conflict { best, others } = o else {
            continue;
        };
        let src = ix.fact(best.id);
        let message = format!(
            "{}: note says {}; {}:{} says {}. {}",
            label(f, &best.shared),
            way_text(f, src),
            short_name(&src.rel),
            src.line,
            way_text(src, f),
            because(f, &best.shared),
        );
        let mut finding = Finding::new(&note.rel, f.figure.span, codes::FIGURE_CONFLICT, message)
            .with_related(
                &src.rel,
                src.figure.span,
                format!("the source says {} here", value_text(src)),
            );
        for m in others {
            let o = ix.fact(m.id);
            finding = finding.with_related(
                &o.rel,
                o.figure.span,
                format!("also compared with {} here", value_text(o)),
            );
        }
        out.push(finding);
    }
    out
}

/// The warning on a figure given to the wrong subject: names both subjects and the source.
fn other_subject_finding(ix: &FactIndex, note: &SourceFile, f: &Fact, m: &Match) -> Finding {
    let src = ix.fact(m.id);
    let whose = |h: &Fact| h.holder.subject().unwrap_or("another subject").to_string();
    let message = format!(
        "{}: note gives {} to {}; {}:{} gives it to {}. Same {} of another subject: both mention {}",
        label(f, &m.shared),
        value_text(f),
        whose(f),
        short_name(&src.rel),
        src.line,
        whose(src),
        match f.key.dim {
            "ratio" => "share",
            d => d,
        },
        m.shared
            .iter()
            .take(4)
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    Finding::new(&note.rel, f.figure.span, codes::FIGURE_CONFLICT, message).with_related(
        &src.rel,
        src.figure.span,
        format!(
            "the source gives {} to {} here",
            value_text(src),
            whose(src)
        ),
    )
}

/// The warning on a figure put in the wrong year, on the note's year.
fn other_year_finding(ix: &FactIndex, note: &SourceFile, f: &Fact, m: &Match) -> Option<Finding> {
    let src = ix.fact(m.id);
    let (yn, ys) = (f.year?, src.year?);
    let message = format!(
        "{}: note gives {} for {}; {}:{} gives it for {}. A figure's year is part of what it \
         measures. {}",
        label(f, &m.shared),
        value_text(f),
        yn.year,
        short_name(&src.rel),
        src.line,
        ys.year,
        because(f, &m.shared),
    );
    Some(
        Finding::new(&note.rel, yn.span, codes::FIGURE_CONFLICT, message).with_related(
            &src.rel,
            src.figure.span,
            format!("the source gives {} for {} here", value_text(src), ys.year),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::facts::facts_of;
    use crate::corpus::Corpus;
    use crate::format::DocKind;
    use std::path::Path;
    use std::sync::Arc;

    /// Pairs `note` both ways over `corpus`'s articles and compares every outcome.
    fn assert_pruned_equals_plain(ix: &FactIndex, values: &ValueIndex, note: &[Fact]) -> usize {
        let pruned = pair(ix, values, note, &[], Names::plain());
        let plain = pair_plain(ix, note, &[]);
        assert_eq!(pruned, plain, "{:?}", note.first().map(|f| &f.rel));
        note.len()
    }

    #[test]
    fn pruned_pairing_equals_scoring_every_candidate_on_the_examples() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
        let corpus = Corpus::load(&root);
        let ix = FactIndex::build(&corpus);
        let values = ValueIndex::of(&ix);
        let mut n = 0;
        for f in corpus
            .files
            .iter()
            .filter(|f| f.analysis.kind == DocKind::Note)
        {
            n += assert_pruned_equals_plain(&ix, &values, &facts_of(f));
        }
        assert!(n > 5, "the examples' notes have figures ({n})");
        // An article edited: the index takes an overlay and the values of its base still serve.
        let a = corpus
            .files
            .iter()
            .find(|f| f.analysis.kind == DocKind::Article && !f.analysis.figures.is_empty())
            .expect("an article with figures");
        let text = format!(
            "{}\nThe ministry said exports rose 12% to $4.5bn.\n",
            a.text()
        );
        let edited = corpus.with_file(&a.rel, text);
        let ix2 = ix.updated(&edited, &a.rel);
        assert!(ix2.same_base(&ix));
        for f in edited
            .files
            .iter()
            .filter(|f| f.analysis.kind == DocKind::Note)
        {
            assert_pruned_equals_plain(&ix2, &values, &facts_of(f));
        }
    }

    /// Articles' figures posed as a note's (under a path the index does not hold) against
    /// every other article: kinds with thousands of facts take the rarest-first retrieval.
    #[test]
    fn pruned_pairing_equals_scoring_every_candidate_on_bbc() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/bbc-news");
        if !root.is_dir() {
            eprintln!("skipped: {} is absent", root.display());
            return;
        }
        let corpus = Corpus::load(&root);
        let ix = FactIndex::build(&corpus);
        let values = ValueIndex::of(&ix);
        let rel: Arc<str> = Arc::from("notes/posed.md");
        let mut n = 0;
        for f in corpus.files.iter().step_by(23) {
            let mut note = facts_of(f);
            for fact in &mut note {
                fact.rel = rel.clone();
            }
            n += assert_pruned_equals_plain(&ix, &values, &note);
        }
        assert!(n > 200, "figures compared: {n}");
    }
}
