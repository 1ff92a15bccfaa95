//! Qualifiers (`almost`, `up to`, `more than`, `about`) and the intervals figures allow.
//!
//! Interval rules:
//! - exact: a written number carries half a unit of its last significant digit, capped at 5% of
//!   its value (`70,000` -> [66,500, 73,500]; `4.7bn` -> [4.65bn, 4.75bn]; `7` -> [6.65, 7.35]);
//!   the cap keeps `70,000` and `80,000` apart, which a checker must be able to tell.
//! - approx (`about`, `around`, `roughly`, `some`, `an estimated`, `close to`): at least ±5%.
//! - `almost`, `nearly`, `just under`: [value - 10%, value]; `just over`: [value, value + 10%].
//! - at_most (`up to`, `less than`, `as much as`, `under`): no lower bound, upper bound the value.
//! - at_least (`more than`, `at least`, `over`, `as little as`): lower bound the value, no upper.

use super::lexer::Lexed;
use crate::model::Qualifier;

/// A qualifier's effect on the interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qual {
    /// As written.
    Exact,
    /// Either side, a few percent.
    Approx,
    /// Just below the value.
    Almost,
    /// Just above the value.
    JustOver,
    /// Not above the value.
    AtMost,
    /// Not below the value.
    AtLeast,
}

impl Qual {
    /// The contract's qualifier.
    pub fn contract(self) -> Qualifier {
        match self {
            Qual::Exact => Qualifier::Exact,
            Qual::Approx | Qual::Almost | Qual::JustOver => Qualifier::Approx,
            Qual::AtMost => Qualifier::AtMost,
            Qual::AtLeast => Qualifier::AtLeast,
        }
    }
}

/// Word sequences before a figure, longest first within each meaning.
const BEFORE: &[(&[&str], Qual)] = &[
    (&["no", "more", "than"], Qual::AtMost),
    (&["not", "more", "than"], Qual::AtMost),
    (&["slightly", "more", "than"], Qual::JustOver),
    (&["a", "little", "more", "than"], Qual::JustOver),
    (&["more", "or", "less"], Qual::Approx),
    (&["no", "less", "than"], Qual::AtLeast),
    (&["not", "less", "than"], Qual::AtLeast),
    (&["in", "excess", "of"], Qual::AtLeast),
    (&["as", "much", "as"], Qual::AtMost),
    (&["as", "many", "as"], Qual::AtMost),
    (&["as", "high", "as"], Qual::AtMost),
    (&["as", "long", "as"], Qual::AtMost),
    (&["as", "little", "as"], Qual::AtLeast),
    (&["as", "few", "as"], Qual::AtLeast),
    (&["as", "low", "as"], Qual::AtLeast),
    (&["a", "maximum", "of"], Qual::AtMost),
    (&["a", "minimum", "of"], Qual::AtLeast),
    (&["just", "shy", "of"], Qual::Almost),
    (&["just", "under"], Qual::Almost),
    (&["just", "below"], Qual::Almost),
    (&["just", "over"], Qual::JustOver),
    (&["just", "above"], Qual::JustOver),
    (&["well", "over"], Qual::AtLeast),
    (&["well", "above"], Qual::AtLeast),
    (&["more", "than"], Qual::AtLeast),
    (&["greater", "than"], Qual::AtLeast),
    (&["at", "least"], Qual::AtLeast),
    (&["upwards", "of"], Qual::AtLeast),
    (&["up", "to"], Qual::AtMost),
    (&["at", "most"], Qual::AtMost),
    (&["less", "than"], Qual::AtMost),
    (&["fewer", "than"], Qual::AtMost),
    (&["close", "to"], Qual::Approx),
    (&["an", "estimated"], Qual::Approx),
    (&["nearly"], Qual::Almost),
    (&["almost"], Qual::Almost),
    (&["about"], Qual::Approx),
    (&["around"], Qual::Approx),
    (&["roughly"], Qual::Approx),
    (&["approximately"], Qual::Approx),
    (&["approx"], Qual::Approx),
    (&["estimated"], Qual::Approx),
    (&["circa"], Qual::Approx),
    (&["some"], Qual::Approx),
    (&["over"], Qual::AtLeast),
    (&["above"], Qual::AtLeast),
    (&["exceeding"], Qual::AtLeast),
    (&["under"], Qual::AtMost),
    (&["below"], Qual::AtMost),
    (&["maximum"], Qual::AtMost),
    (&["minimum"], Qual::AtLeast),
];

/// The qualifier ending just before token `i` (never reaching before `floor`): its meaning and
/// first token.
pub fn before(lx: &Lexed, i: usize, floor: usize) -> Option<(Qual, usize)> {
    if i > floor && lx.sym(i - 1, '~') {
        return Some((Qual::Approx, i - 1));
    }
    for (words, q) in BEFORE {
        let n = words.len();
        if i < floor + n {
            continue;
        }
        let s = i - n;
        if words.iter().enumerate().all(|(d, w)| lx.word(s + d) == *w) {
            // `some` qualifies numbers, not `some two sides`; `over` after a verb of dispute
            // (`fight over 3 islands`) still reads as `more than`, accepted.
            return Some((*q, s));
        }
    }
    None
}

/// A qualifier written after a figure ending before token `i`: `or more`, `or so`, `-plus`.
pub fn after(lx: &Lexed, i: usize) -> Option<(Qual, usize)> {
    if lx.sym(i, '-') && lx.glued(i) && lx.is(i + 1, "plus") {
        return Some((Qual::AtLeast, i + 2));
    }
    if lx.is(i, "or") {
        return match lx.word(i + 1) {
            "more" | "above" | "over" => Some((Qual::AtLeast, i + 2)),
            "less" | "fewer" | "below" | "under" => Some((Qual::AtMost, i + 2)),
            "so" => Some((Qual::Approx, i + 2)),
            _ => None,
        };
    }
    None
}

/// Half-width of the rounding interval of a written number.
pub fn rounding(value: f64, place: f64) -> f64 {
    let half = 0.5 * place.abs();
    if value == 0.0 {
        half
    } else {
        half.min(0.05 * value.abs())
    }
}

/// The interval `[low, high]` of a value written with precision `place` and qualifier `q`.
pub fn interval(value: f64, place: f64, q: Qual) -> (Option<f64>, Option<f64>) {
    let hw = rounding(value, place);
    let a = value.abs();
    match q {
        Qual::Exact => (Some(value - hw), Some(value + hw)),
        Qual::Approx => {
            let w = hw.max(0.05 * a);
            (Some(value - w), Some(value + w))
        }
        Qual::Almost => (Some(value - hw.max(0.1 * a)), Some(value)),
        Qual::JustOver => (Some(value), Some(value + hw.max(0.1 * a))),
        Qual::AtMost => (None, Some(value)),
        Qual::AtLeast => (Some(value), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * y.abs().max(1.0),
            _ => false,
        }
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn qualifier_words_and_intervals() {
        // (text before the number, expected qualifier, value, place, low, high)
        let cases: &[(&str, Option<Qual>, f64, f64, Option<f64>, Option<f64>)] = &[
            (
                "almost",
                Some(Qual::Almost),
                800.0,
                100.0,
                Some(720.0),
                Some(800.0),
            ),
            ("up to", Some(Qual::AtMost), 2e11, 1e11, None, Some(2e11)),
            (
                "more than",
                Some(Qual::AtLeast),
                1.0 / 3.0,
                0.03,
                Some(1.0 / 3.0),
                None,
            ),
            (
                "about",
                Some(Qual::Approx),
                70_000.0,
                10_000.0,
                Some(66_500.0),
                Some(73_500.0),
            ),
            ("", None, 70_000.0, 10_000.0, Some(66_500.0), Some(73_500.0)),
            ("", None, 4.7e9, 1e8, Some(4.65e9), Some(4.75e9)),
            (
                "as little as",
                Some(Qual::AtLeast),
                1.0,
                1.0,
                Some(1.0),
                None,
            ),
            (
                "no more than",
                Some(Qual::AtMost),
                5.0,
                1.0,
                None,
                Some(5.0),
            ),
            ("the", None, 5.0, 1.0, Some(4.75), Some(5.25)),
        ];
        for (prefix, want_q, v, place, lo, hi) in cases {
            let text = format!("{prefix} 1");
            let lx = Lexed::new(&text);
            let i = lx.len() - 1;
            let got = before(&lx, i, 0).map(|(q, _)| q);
            assert_eq!(got, *want_q, "{prefix}");
            let (l, h) = interval(*v, *place, got.unwrap_or(Qual::Exact));
            assert!(close(l, *lo) && close(h, *hi), "{prefix} {v}: {l:?} {h:?}");
        }
    }

    #[test]
    fn after_words() {
        let lx = Lexed::new("5 or more x");
        assert_eq!(after(&lx, 1), Some((Qual::AtLeast, 3)));
        let lx = Lexed::new("70,000-plus");
        assert_eq!(after(&lx, 1), Some((Qual::AtLeast, 3)));
    }
}
