//! What makes two figures comparable (dimension and unit) and how their values compare (intervals).
//!
//! Values are compared as intervals, never as strings: `$50bn`, `fifty billion dollars` and
//! `\$50 billion` are one interval, `more than one-third` is above 33.3% and meets 38%.

use crate::model::{Figure, FigureType, Qualifier, Span, Value};

/// The comparable kind of a figure: dimension plus normalised unit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuantityKey {
    /// `money`, `ratio` (percent and fractions together), `pp`, `count`, `date`, `duration`, `number`.
    pub dim: &'static str,
    /// Currency, counted noun (singular, synonyms folded), or empty.
    pub unit: String,
}

/// The comparable key of a figure, or `None` for figures that are never compared.
pub fn key_of(f: &Figure) -> Option<QuantityKey> {
    let unit = f.unit.clone().unwrap_or_default();
    let (dim, unit) = match f.ty {
        FigureType::Money => ("money", currency(&unit)),
        FigureType::Percent if unit.eq_ignore_ascii_case("pp") => ("pp", String::new()),
        FigureType::Percent | FigureType::Fraction => ("ratio", String::new()),
        FigureType::Count => ("count", count_unit(&unit)),
        FigureType::Date => ("date", String::new()),
        FigureType::Duration => ("duration", String::new()),
        FigureType::Number => ("number", String::new()),
    };
    Some(QuantityKey { dim, unit })
}

/// Currencies by ISO code; a missing currency is read as dollars (dumps that lost the `$`).
fn currency(unit: &str) -> String {
    let u = unit.trim().to_ascii_uppercase();
    match u.as_str() {
        "" | "$" | "DOLLAR" | "DOLLARS" => "USD".to_string(),
        "RMB" | "YUAN" => "CNY".to_string(),
        _ => u,
    }
}

/// A counted noun folded to its matching key (`workers` ~ `employee`).
fn count_unit(unit: &str) -> String {
    let lower = unit.trim().to_lowercase();
    match lower.as_str() {
        // `people` counted in a story about a firm are its staff (`employs 90,000 people`).
        "people" | "persons" => super::words::key("person"),
        // Generic counters say nothing of what is counted (`80,600 units` of cars or of output).
        "unit" | "units" | "item" | "items" => String::new(),
        _ => super::words::key(&lower),
    }
}

/// Whether a percentage is a level (`an 18.8% stake`, `a rate of 4.7%`, `cut to 10%`) or a
/// change, and which way a change goes (`rose 12%`, `a 52% rise` against `slipped 11%`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Move {
    /// A level.
    #[default]
    Level,
    /// A rise.
    Up,
    /// A fall.
    Down,
}

impl Move {
    /// True for a change of either way.
    pub fn is_change(self) -> bool {
        self != Move::Level
    }

    /// True for a rise against a fall: one change cannot be both, whatever its size.
    pub fn opposes(self, other: Move) -> bool {
        matches!(
            (self, other),
            (Move::Up, Move::Down) | (Move::Down, Move::Up)
        )
    }

    /// How a message names it.
    pub fn word(self) -> &'static str {
        match self {
            Move::Level => "a level",
            Move::Up => "a rise",
            Move::Down => "a fall",
        }
    }
}

/// Words before a percentage that make it a rise.
const UP_BEFORE: &[&str] = &[
    "rose",
    "rise",
    "rises",
    "risen",
    "rising",
    "up",
    "grew",
    "grow",
    "grows",
    "growing",
    "growth",
    "climbed",
    "climb",
    "climbs",
    "jumped",
    "jump",
    "gained",
    "gain",
    "gains",
    "increase",
    "increased",
    "increases",
    "lifted",
    "lift",
    "raised",
    "raise",
    "boost",
    "boosted",
    "soared",
    "surged",
    "rallied",
    "expand",
    "expanded",
    "expanding",
];
/// Words before a percentage that make it a fall.
const DOWN_BEFORE: &[&str] = &[
    "fell",
    "fall",
    "falls",
    "fallen",
    "falling",
    "down",
    "decrease",
    "decreased",
    "decline",
    "declined",
    "declines",
    "dropped",
    "drop",
    "drops",
    "slipped",
    "slip",
    "dipped",
    "dip",
    "slid",
    "slide",
    "shrank",
    "shrink",
    "shrinking",
    "shrunk",
    "plunged",
    "plummeted",
    "tumbled",
    "lost",
    "contracted",
    "shed",
];
/// Words right after a percentage that make it a rise.
const UP_AFTER: &[&str] = &[
    "rise", "increase", "jump", "gain", "growth", "more", "higher", "above", "up", "rally",
];
/// Words right after a percentage that make it a fall.
const DOWN_AFTER: &[&str] = &[
    "fall", "decrease", "drop", "decline", "cut", "less", "fewer", "lower", "below", "down",
    "slump",
];
/// Words passed over looking back from a percentage for its verb (`rose by about 5%`).
const MOVE_FILLERS: &[&str] = &[
    "by", "a", "an", "about", "around", "roughly", "some", "nearly", "almost", "just", "over",
    "of", "as", "much", "than", "more", "another", "further", "still", "only", "had", "have",
    "has", "were", "was", "be", "been", "being", "would", "could", "will", "expected", "forecast",
];

/// Whether the percentage at `span` of `text` is a change and which way (see [`Move`]): a
/// change and a level are different quantities even with one value, and a rise of 11% is no
/// fall of 11%.
pub fn movement(text: &str, span: Span) -> Move {
    let word = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    };
    let way = |w: &str, up: &[&str], down: &[&str]| {
        if up.contains(&w) {
            Some(Move::Up)
        } else if down.contains(&w) {
            Some(Move::Down)
        } else {
            None
        }
    };
    let after = text.get(span.end()..).unwrap_or("");
    if let Some(w) = after.split_whitespace().next().map(word) {
        if let Some(m) = way(&w, UP_AFTER, DOWN_AFTER) {
            return m;
        }
    }
    let before = text.get(..span.start()).unwrap_or("");
    for w in before.split_whitespace().rev().take(4).map(word) {
        if let Some(m) = way(&w, UP_BEFORE, DOWN_BEFORE) {
            return m;
        }
        if !MOVE_FILLERS.contains(&w.as_str()) {
            return Move::Level;
        }
    }
    Move::Level
}

/// A closed interval of values on one scale (percent for ratios, days for dates and durations).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound (may be `-inf`).
    pub lo: f64,
    /// Upper bound (may be `+inf`).
    pub hi: f64,
}

impl Interval {
    /// True when the two intervals share a value (with a hair of tolerance for float noise).
    pub fn meets(&self, other: &Interval) -> bool {
        let eps = 1e-9 * (self.lo.abs().max(self.hi.abs()).max(1.0));
        let eps = if eps.is_finite() { eps } else { 1e-9 };
        self.lo <= other.hi + eps && other.lo <= self.hi + eps
    }
    /// Distance between the intervals relative to their size (0 when they meet).
    pub fn gap(&self, other: &Interval) -> f64 {
        if self.meets(other) {
            return 0.0;
        }
        let (a, b) = if self.hi < other.lo {
            (self.hi, other.lo)
        } else {
            (other.hi, self.lo)
        };
        let scale = a.abs().max(b.abs()).max(1e-9);
        (b - a).abs() / scale
    }
}

/// True when two figures' intervals meet. A date whose year is unknown (year 0: no dateline)
/// meets a dated one when its month and day fall inside the other's interval in a nearby year.
pub fn figures_meet(a: &Figure, ai: &Interval, b: &Figure, bi: &Interval) -> bool {
    use chrono::Datelike;
    // `up to $250 billion` against `up to $150 billion`: the two texts state different caps of
    // the same thing, so compare the stated values, not the (overlapping) half-lines.
    if a.qualifier == b.qualifier && matches!(a.qualifier, Qualifier::AtMost | Qualifier::AtLeast) {
        if let (Value::Number(x), Value::Number(y)) = (a.value, b.value) {
            let (x, y) = (x * scale(a), y * scale(b));
            let around = |v: f64| Interval {
                lo: v - exact_width(v),
                hi: v + exact_width(v),
            };
            return around(x).meets(&around(y));
        }
    }
    if let (Value::Date(x), Value::Date(y)) = (a.value, b.value) {
        if (x.year() == 0) != (y.year() == 0) {
            let (unknown, known, ki) = if x.year() == 0 {
                (x, y, bi)
            } else {
                (y, x, ai)
            };
            return (known.year() - 1..=known.year() + 1).any(|yy| {
                crate::model::Date::from_ymd_opt(yy, unknown.month(), unknown.day()).is_some_and(
                    |d| {
                        let v = Value::Date(d).as_f64();
                        ki.lo <= v && v <= ki.hi
                    },
                )
            });
        }
    }
    ai.meets(bi)
}

/// Multiplier that puts a figure's numbers on its key's scale (fractions read as percent).
fn scale(f: &Figure) -> f64 {
    match f.ty {
        FigureType::Fraction => 100.0,
        _ => 1.0,
    }
}

/// The half-width a bare number is taken to carry: half a unit of its last significant digit.
pub fn rounding(v: f64) -> f64 {
    let a = v.abs();
    if a == 0.0 || !a.is_finite() {
        return 0.5;
    }
    // Smallest power of ten that divides the value (70,000 -> 10,000; 4.7 -> 0.1).
    let mut step = 10f64.powi(a.log10().floor() as i32);
    for _ in 0..12 {
        let q = a / step;
        if (q - q.round()).abs() < 1e-6 * q.max(1.0) {
            return step / 2.0;
        }
        step /= 10.0;
    }
    step * 5.0
}

/// The half-width an exactly stated number carries: its rounding, but at most 2.5% of it, so
/// `75,000` does not pass for `70,000` while `7` and `25` keep half a unit.
pub fn exact_width(v: f64) -> f64 {
    rounding(v).min((v.abs() * 0.025).max(0.5))
}

/// The interval a figure allows. Exact numbers carry their rounding (capped, see
/// [`exact_width`]); otherwise the extractor's bounds win; without them the qualifier decides.
pub fn interval_of(f: &Figure) -> Interval {
    let k = scale(f);
    let v = f.value.as_f64() * k;
    let lo = f.low.map(|x| x.as_f64() * k);
    let hi = f.high.map(|x| x.as_f64() * k);
    let exact_number = f.qualifier == Qualifier::Exact && matches!(f.value, Value::Number(_));
    if (lo.is_some() || hi.is_some()) && !exact_number {
        let lo = lo.unwrap_or(match f.qualifier {
            Qualifier::AtMost => f64::NEG_INFINITY,
            _ => v,
        });
        let hi = hi.unwrap_or(match f.qualifier {
            Qualifier::AtLeast => f64::INFINITY,
            _ => v,
        });
        return Interval {
            lo: lo.min(hi),
            hi: hi.max(lo),
        };
    }
    let r = match f.value {
        Value::Date(_) => 0.0,
        Value::Number(_) if f.ty == FigureType::Fraction => 0.5,
        // `seven years` and `84 months` meet although months are counted as 30 days.
        Value::Number(n) if f.ty == FigureType::Duration => exact_width(n).max(n.abs() * 0.04),
        Value::Number(n) => exact_width(n) * k,
    };
    match f.qualifier {
        Qualifier::Exact | Qualifier::Range => Interval {
            lo: v - r,
            hi: v + r,
        },
        Qualifier::Approx => {
            let w = (v.abs() * 0.1).max(r);
            Interval {
                lo: v - w,
                hi: v + w,
            }
        }
        Qualifier::AtMost => Interval {
            lo: f64::NEG_INFINITY,
            hi: v + r,
        },
        Qualifier::AtLeast => Interval {
            lo: v - r,
            hi: f64::INFINITY,
        },
    }
}

/// The figure's value in words a person reads quickly (`USD 50 billion`, `38%`, `2018-06-03`).
pub fn normalised(f: &Figure) -> String {
    let q = match f.qualifier {
        Qualifier::Exact | Qualifier::Range => "",
        Qualifier::Approx => "about ",
        Qualifier::AtMost => "at most ",
        Qualifier::AtLeast => "at least ",
    };
    let body = match (f.ty, f.value) {
        (_, Value::Date(d)) => d.format("%Y-%m-%d").to_string(),
        (FigureType::Money, Value::Number(n)) => {
            let cur = currency(f.unit.as_deref().unwrap_or(""));
            let cur = if f.unit_inferred {
                format!("{cur} (inferred)")
            } else {
                cur
            };
            format!("{cur} {}", with_scale(n))
        }
        (FigureType::Percent, Value::Number(n)) if f.unit.as_deref() == Some("pp") => {
            format!("{} percentage points", plain(n))
        }
        (FigureType::Percent, Value::Number(n)) if f.unit_inferred => {
            format!("{}% (inferred)", plain(n))
        }
        (FigureType::Percent, Value::Number(n)) => format!("{}%", plain(n)),
        (FigureType::Fraction, Value::Number(n)) => format!("{}%", plain(n * 100.0)),
        (FigureType::Duration, Value::Number(n)) => days(n),
        (FigureType::Count, Value::Number(n)) => {
            let unit = f.unit.as_deref().unwrap_or("");
            let unit = match unit {
                "person" if n != 1.0 => "people".to_string(),
                u if n == 1.0 || u.is_empty() || u.ends_with('s') || UNCOUNTED.contains(&u) => {
                    u.to_string()
                }
                u => format!("{u}s"),
            };
            format!("{} {unit}", with_scale(n)).trim_end().to_string()
        }
        (_, Value::Number(n)) => with_scale(n),
    };
    format!("{q}{body}")
}

/// Counted nouns whose plural is the singular (`47,000 staff`).
const UNCOUNTED: &[&str] = &[
    "staff",
    "personnel",
    "people",
    "cattle",
    "sheep",
    "livestock",
    "aircraft",
];

/// A number with a scale word for the large ones (`50 billion`), grouped digits otherwise.
fn with_scale(n: f64) -> String {
    let a = n.abs();
    for (s, w) in [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")] {
        if a >= s {
            return format!("{} {w}", plain(n / s));
        }
    }
    plain(n)
}

/// A number without float noise, digits grouped by thousands.
fn plain(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    let r = (n * 100.0).round() / 100.0;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        let s = format!("{}", r.abs() as u64);
        let mut g = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                g.push(',');
            }
            g.push(c);
        }
        if r < 0.0 {
            g.insert(0, '-');
        }
        g
    } else {
        format!("{r}")
    }
}

/// A duration in days as the largest whole unit that fits.
fn days(n: f64) -> String {
    for (d, w) in [(365.0, "year"), (30.0, "month"), (7.0, "week")] {
        let q = n / d;
        if q >= 1.0 && (q - q.round()).abs() < 0.05 {
            let q = q.round();
            return format!("{} {w}{}", plain(q), if q == 1.0 { "" } else { "s" });
        }
    }
    format!("{} day{}", plain(n), if n == 1.0 { "" } else { "s" })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::Span;

    /// A figure for tests.
    pub fn fig(ty: FigureType, v: f64, unit: Option<&str>, q: Qualifier) -> Figure {
        Figure {
            span: Span::new(0, 1),
            ty,
            value: Value::Number(v),
            unit: unit.map(Into::into),
            unit_inferred: false,
            qualifier: q,
            low: None,
            high: None,
            subject: Default::default(),
        }
    }

    #[test]
    fn notations_of_fifty_billion_agree() {
        let a = fig(FigureType::Money, 50e9, Some("USD"), Qualifier::Exact);
        let mut b = fig(FigureType::Money, 50e9, None, Qualifier::Exact);
        b.unit_inferred = true;
        assert_eq!(key_of(&a), key_of(&b));
        assert!(interval_of(&a).meets(&interval_of(&b)));
        let c = fig(FigureType::Money, 60e9, Some("USD"), Qualifier::Exact);
        assert!(!interval_of(&a).meets(&interval_of(&c)));
    }

    #[test]
    fn more_than_one_third_meets_38_percent_not_30() {
        let third = fig(FigureType::Fraction, 1.0 / 3.0, None, Qualifier::AtLeast);
        let p38 = fig(FigureType::Percent, 38.0, None, Qualifier::Exact);
        let p30 = fig(FigureType::Percent, 30.0, None, Qualifier::Exact);
        assert_eq!(key_of(&third), key_of(&p38));
        assert!(interval_of(&third).meets(&interval_of(&p38)));
        assert!(!interval_of(&third).meets(&interval_of(&p30)));
    }

    #[test]
    fn about_and_rounding() {
        let about90 = fig(
            FigureType::Count,
            90_000.0,
            Some("employees"),
            Qualifier::Approx,
        );
        let n70 = fig(
            FigureType::Count,
            70_000.0,
            Some("worker"),
            Qualifier::Exact,
        );
        let about70 = fig(
            FigureType::Count,
            70_000.0,
            Some("employee"),
            Qualifier::Approx,
        );
        assert_eq!(key_of(&about90), key_of(&n70));
        assert!(!interval_of(&about90).meets(&interval_of(&n70)));
        assert!(interval_of(&about70).meets(&interval_of(&n70)));
        assert_eq!(rounding(70_000.0), 5_000.0);
        assert_eq!(rounding(4.7), 0.05);
        assert_eq!(rounding(375.0), 0.5);
        let n75 = fig(
            FigureType::Count,
            75_000.0,
            Some("employee"),
            Qualifier::Exact,
        );
        assert!(!interval_of(&n75).meets(&interval_of(&n70)));
    }

    #[test]
    fn extractor_bounds_win() {
        let mut almost = fig(FigureType::Money, 800e9, Some("USD"), Qualifier::Approx);
        almost.low = Some(Value::Number(720e9));
        almost.high = Some(Value::Number(800e9));
        let i = interval_of(&almost);
        assert_eq!((i.lo, i.hi), (720e9, 800e9));
        let mut upto = fig(FigureType::Money, 200e9, Some("USD"), Qualifier::AtMost);
        upto.high = Some(Value::Number(200e9));
        assert_eq!(interval_of(&upto).lo, f64::NEG_INFINITY);
    }

    #[test]
    fn same_sided_bounds_compare_their_values() {
        let a = fig(FigureType::Money, 250e9, Some("USD"), Qualifier::AtMost);
        let b = fig(FigureType::Money, 150e9, Some("USD"), Qualifier::AtMost);
        let c = fig(FigureType::Money, 150e9, Some("USD"), Qualifier::Exact);
        let (ai, bi, ci) = (interval_of(&a), interval_of(&b), interval_of(&c));
        assert!(!figures_meet(&a, &ai, &b, &bi));
        assert!(figures_meet(&a, &ai, &c, &ci));
        assert!(figures_meet(&b, &bi, &b, &bi));
    }

    #[test]
    fn dates_without_a_year_meet_by_month_and_day() {
        let d = |y, m, dd| Value::Date(crate::model::Date::from_ymd_opt(y, m, dd).unwrap());
        let mut a = fig(FigureType::Date, 0.0, None, Qualifier::Exact);
        a.value = d(0, 6, 12);
        let mut b = a.clone();
        b.value = d(2018, 6, 12);
        let (ai, bi) = (interval_of(&a), interval_of(&b));
        assert!(figures_meet(&a, &ai, &b, &bi));
        b.value = d(2018, 6, 21);
        let bi = interval_of(&b);
        assert!(!figures_meet(&a, &ai, &b, &bi));
    }

    #[test]
    fn messages_read_well() {
        let a = fig(FigureType::Money, 50e9, Some("USD"), Qualifier::Exact);
        assert_eq!(normalised(&a), "USD 50 billion");
        let d = fig(
            FigureType::Duration,
            7.0 * 365.0,
            Some("day"),
            Qualifier::Exact,
        );
        assert_eq!(normalised(&d), "7 years");
        let c = fig(
            FigureType::Count,
            70_000.0,
            Some("employee"),
            Qualifier::Approx,
        );
        assert_eq!(normalised(&c), "about 70,000 employees");
    }

    #[test]
    fn a_change_has_a_way_and_a_level_none() {
        let at = |t: &str, fig: &str| {
            let a = t.find(fig).unwrap();
            movement(t, Span::new(a, a + fig.len()))
        };
        assert_eq!(
            at("Revenue at Korvo slipped 11% in 2004.", "11%"),
            Move::Down
        );
        assert_eq!(at("Payouts at Korvo were raised by 11%.", "11%"), Move::Up);
        assert_eq!(at("Sales rose by about 5% last year.", "5%"), Move::Up);
        assert_eq!(at("a 16% drop in orders", "16%"), Move::Down);
        assert_eq!(at("roughly 54% more than a year earlier", "54%"), Move::Up);
        assert_eq!(at("Korvo holds an 18.8% stake.", "18.8%"), Move::Level);
        // Only fillers may stand between the verb and the figure: `raise its payout by 11%`
        // is not read as a change (a limit, kept rather than guess what `its payout` is).
        assert_eq!(
            at("Korvo will raise its payout by 11%.", "11%"),
            Move::Level
        );
        assert_eq!(at("The rate climbed to 4.7% in May.", "4.7%"), Move::Level);
        assert!(Move::Up.opposes(Move::Down) && !Move::Up.opposes(Move::Level));
    }
}
