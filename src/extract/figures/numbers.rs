//! Numbers as written: digits with scale words (`4.7bn`, `50 billion`), numbers in words
//! (`twenty-five`, `a dozen`, `fifty billion`) and fractions (`one-third`, `two and a half`).
//!
//! Hand-written rather than `text2num`: we need token spans, fractions, `a dozen`, scale suffixes
//! and the precision of what was written, none of which that crate gives.

use super::lexer::{Lexed, NumLit};

/// A number phrase over tokens `start..end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumPhrase {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The value.
    pub value: f64,
    /// Place value of the last significant digit written (rounding precision).
    pub place: f64,
    /// Written in words only.
    pub spelled: bool,
    /// A pure fraction (`one-third`, `half`), not a whole number with a fraction.
    pub fraction: bool,
    /// Carries a scale word or suffix (`million`, `bn`).
    pub scaled: bool,
    /// The literal, when the phrase is one digit literal without scale.
    pub lit: Option<NumLit>,
    /// The product of the scale words and suffixes applied to digits (1 when none).
    pub scale: f64,
}

impl NumPhrase {
    /// A small number in words that measures nothing on its own (`two`, `one`).
    pub fn small_word(&self) -> bool {
        self.spelled
            && !self.fraction
            && !self.scaled
            && self.value <= 10.0
            && self.value.fract() == 0.0
    }
}

/// Cardinal words below twenty.
pub fn unit_word(w: &str) -> Option<f64> {
    Some(match w {
        "zero" | "nought" | "naught" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        _ => return None,
    })
}

/// Tens words.
pub fn tens_word(w: &str) -> Option<f64> {
    Some(match w {
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" | "fourty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

/// Scale words written apart (`million`, `bn`).
pub fn scale_word(w: &str) -> Option<f64> {
    Some(match w {
        "hundred" => 1e2,
        "thousand" => 1e3,
        "lakh" => 1e5,
        "million" | "mn" | "mln" => 1e6,
        "crore" => 1e7,
        "billion" | "bn" | "bln" => 1e9,
        "trillion" | "tn" | "tln" | "trn" => 1e12,
        _ => return None,
    })
}

/// Scale suffixes glued to digits (`4.7bn`, `10k`, `£600m` when `allow_m`).
fn suffix_scale(w: &str, allow_m: bool) -> Option<f64> {
    Some(match w {
        "k" => 1e3,
        "m" | "mm" if allow_m => 1e6,
        "mn" | "mln" | "mil" => 1e6,
        "b" | "bn" | "bln" => 1e9,
        "tn" | "tln" | "trn" => 1e12,
        _ => return None,
    })
}

/// Denominator words: value and whether the form is plural.
pub fn denominator(w: &str) -> Option<(f64, bool)> {
    Some(match w {
        "half" => (2.0, false),
        "halves" => (2.0, true),
        "third" => (3.0, false),
        "thirds" => (3.0, true),
        "quarter" | "fourth" => (4.0, false),
        "quarters" | "fourths" => (4.0, true),
        "fifth" => (5.0, false),
        "fifths" => (5.0, true),
        "sixth" => (6.0, false),
        "sixths" => (6.0, true),
        "seventh" => (7.0, false),
        "sevenths" => (7.0, true),
        "eighth" => (8.0, false),
        "eighths" => (8.0, true),
        "ninth" => (9.0, false),
        "ninths" => (9.0, true),
        "tenth" => (10.0, false),
        "tenths" => (10.0, true),
        "hundredth" => (100.0, false),
        "hundredths" => (100.0, true),
        "thousandth" => (1000.0, false),
        "thousandths" => (1000.0, true),
        _ => return None,
    })
}

/// True for words that may start a number in words.
pub fn is_number_word(w: &str) -> bool {
    unit_word(w).is_some() || tens_word(w).is_some()
}

/// Place value of the last non-zero digit of an integer value (1 for zero or non-integers).
pub fn place_of(value: f64) -> f64 {
    let v = value.abs();
    if v == 0.0 || v.fract() != 0.0 || v > 1e18 {
        return 1.0;
    }
    let mut n = v as u64;
    let mut place = 1.0;
    while n >= 10 && n.is_multiple_of(10) {
        n /= 10;
        place *= 10.0;
    }
    place
}

/// Words after which a lone `half` is not a fraction figure (`second half`, `the other half`).
fn blocks_half(w: &str) -> bool {
    matches!(
        w,
        "first"
            | "second"
            | "latter"
            | "last"
            | "other"
            | "the"
            | "top"
            | "bottom"
            | "back"
            | "front"
            | "better"
            | "a"
            | "an"
            | "one"
    )
}

/// Words that close a singular fraction (`a third of`, `a third.`) so `a third round` stays a rank.
fn closes_fraction(lx: &Lexed, k: usize) -> bool {
    if k >= lx.len() {
        return true;
    }
    if lx.sym_at(k).is_some_and(|c| c != '-') {
        return true;
    }
    matches!(
        lx.word(k),
        "of" | "more"
            | "less"
            | "than"
            | "and"
            | "or"
            | "to"
            | "percent"
            | "million"
            | "billion"
            | "trillion"
            | "was"
            | "were"
            | "is"
            | "are"
            | "will"
            | "would"
            | "has"
            | "have"
    )
}

/// Parses the number phrase that starts at token `i`. `allow_m` accepts a glued `m` as million
/// (after a currency sign: `£600m`).
pub fn parse(lx: &Lexed, i: usize, allow_m: bool) -> Option<NumPhrase> {
    let mut k = i;
    let mut neg = false;
    let sign_word = matches!(lx.word(k), "minus" | "negative");
    let sign_sym = lx.sym(k, '-')
        && lx.num(k + 1).is_some()
        && lx.glued(k + 1)
        && !(k > 0 && lx.glued(k) && (lx.num(k - 1).is_some() || !lx.word(k - 1).is_empty()));
    if sign_word || sign_sym {
        neg = true;
        k += 1;
    }
    let mut p = if let Some(n) = lx.num(k) {
        digits(lx, k, n, allow_m)?
    } else if let Some(v) = lx.sym_at(k).and_then(vulgar) {
        spelled(k, k + 1, v, true)
    } else {
        words(lx, k)?
    };
    if neg {
        p.start = i;
        p.value = -p.value;
    }
    Some(p)
}

/// Vulgar fraction characters.
fn vulgar(c: char) -> Option<f64> {
    Some(match c {
        '½' => 0.5,
        '⅓' => 1.0 / 3.0,
        '⅔' => 2.0 / 3.0,
        '¼' => 0.25,
        '¾' => 0.75,
        '⅕' => 0.2,
        '⅙' => 1.0 / 6.0,
        '⅛' => 0.125,
        _ => return None,
    })
}

/// In tokenised dumps a decimal point stands apart (`1 . 6 billion`, `6 . 2 %`): joined only when
/// a scale word or a percent sign follows, so a sentence end is never read as a point.
fn spaced_decimal(lx: &Lexed, k: usize, n: NumLit) -> Option<(f64, f64, usize)> {
    if !n.plain || n.int_digits > 3 || !lx.sym(k + 1, '.') || lx.glued(k + 1) {
        return None;
    }
    let f = lx.num(k + 2)?;
    if !f.plain || lx.glued(k + 2) {
        return None;
    }
    let after = lx.word(k + 3);
    let ok =
        scale_word(after).is_some() || matches!(after, "percent" | "pct") || lx.sym(k + 3, '%');
    if !ok {
        return None;
    }
    let place = 10f64.powi(-(f.int_digits as i32));
    Some((n.value + f.value * place, place, k + 3))
}

/// In punctuation-stripped dumps (`lowercase_dump` style) `95,000` became `95 000` and `2.6`
/// became `2 6`. Three-digit groups join as thousands; a one- or two-digit number joins as the
/// decimals when a scale word or percent word follows (`1 41 million`, `86 7bn`) or a change
/// word comes before (`rose 2 3 to 80 600`), where a bare pair of numbers is nothing else.
fn stripped_join(lx: &Lexed, k: usize, n: NumLit) -> Option<(f64, f64, usize)> {
    if !lx.stripped || !n.plain || n.int_digits > 3 {
        return None;
    }
    let group = |j: usize| {
        lx.num(j).filter(|g| {
            g.plain && g.int_digits == 3 && !lx.glued(j) && lx.end(j) - lx.start(j) == 3
        })
    };
    let mut j = k + 1;
    let mut v = n.value;
    while let Some(g) = group(j) {
        v = v * 1000.0 + g.value;
        j += 1;
    }
    if j > k + 1 {
        return Some((v, place_of(v), j));
    }
    let f = lx
        .num(k + 1)
        .filter(|f| f.plain && f.int_digits <= 2 && !lx.glued(k + 1))?;
    let after = lx.word(k + 2);
    let scaled = (lx.glued(k + 2) && suffix_scale(after, true).is_some())
        || (!lx.glued(k + 2) && scale_word(after).is_some_and(|s| s >= 1e6))
        || matches!(after, "percent" | "pct" | "per" | "percentage");
    if !scaled && !change_before(lx, k) && !rate_before(lx, k) {
        return None;
    }
    let digits = (lx.end(k + 1) - lx.start(k + 1)) as i32;
    let place = 10f64.powi(-digits);
    Some((n.value + f.value * place, place, k + 2))
}

/// True when a word of change comes just before token `k` (`rose 11`, `fell by about 3`,
/// `a rise of 4`): in a dump that lost its `%`, what such a bare number measures is a percent.
pub fn change_before(lx: &Lexed, k: usize) -> bool {
    let filler = |w: &str| {
        !change_word(w)
            && matches!(
                w,
                "by" | "of"
                    | "at"
                    | "least"
                    | "about"
                    | "around"
                    | "nearly"
                    | "almost"
                    | "roughly"
                    | "some"
                    | "just"
                    | "only"
                    | "a"
                    | "an"
                    | "as"
                    | "much"
                    | "more"
                    | "than"
                    | "over"
                    | "another"
                    | "further"
            )
    };
    // `up to 80 hours`: a cap, not a change.
    word_before(lx, k, filler)
        .is_some_and(|j| change_word(lx.word(j)) && !(lx.word(j) == "up" && lx.is(j + 1, "to")))
}

/// The first of the four words before token `k` that is no `filler`, if one is.
fn word_before(lx: &Lexed, k: usize, filler: impl Fn(&str) -> bool) -> Option<usize> {
    (k.saturating_sub(4)..k)
        .rev()
        .find(|&j| !filler(lx.word(j)))
}

/// True when a rate comes just before token `k` (`the jobless rate rose to 4 7`, `a rate of
/// 10 4`, `interest rates at 4 75`): in a dump that lost its `%`, the level of a rate is a
/// percent. Not an exchange rate (`1 87` dollars to the pound).
pub fn rate_before(lx: &Lexed, k: usize) -> bool {
    let filler = |w: &str| {
        matches!(
            w,
            "of" | "at"
                | "to"
                | "was"
                | "is"
                | "stood"
                | "stands"
                | "remained"
                | "reached"
                | "hit"
                | "about"
                | "around"
                | "nearly"
                | "almost"
                | "some"
                | "just"
                | "rose"
                | "fell"
                | "climbed"
                | "jumped"
                | "dropped"
                | "slipped"
                | "dipped"
        )
    };
    word_before(lx, k, filler).is_some_and(|j| {
        matches!(lx.word(j), "rate" | "rates") && (j == 0 || lx.word(j - 1) != "exchange")
    })
}

/// True for a verb or noun of change (`rose`, `fall`, `increase`).
pub fn change_word(w: &str) -> bool {
    CHANGE_WORDS.contains(&w)
}

/// Verbs and nouns of change that take a percentage in business prose.
const CHANGE_WORDS: &[&str] = &[
    "rose",
    "rise",
    "rises",
    "rising",
    "risen",
    "fell",
    "fall",
    "falls",
    "falling",
    "fallen",
    "dipped",
    "dip",
    "dips",
    "slipped",
    "slip",
    "slips",
    "grew",
    "grow",
    "grows",
    "growing",
    "grown",
    "growth",
    "jumped",
    "jump",
    "jumps",
    "dropped",
    "drop",
    "drops",
    "climbed",
    "climb",
    "climbs",
    "declined",
    "decline",
    "declines",
    "gained",
    "gain",
    "gains",
    "increased",
    "increase",
    "increases",
    "decreased",
    "decrease",
    "surged",
    "soared",
    "plunged",
    "slumped",
    "tumbled",
    "eased",
    "edged",
    "up",
    "down",
    "raise",
    "raised",
    "lift",
    "lifted",
    "boost",
    "boosted",
    "shrank",
    "slid",
    "sank",
];

fn digits(lx: &Lexed, k: usize, n: NumLit, allow_m: bool) -> Option<NumPhrase> {
    let mut n = n;
    let mut next = k + 1;
    if let Some((v, place, e)) = spaced_decimal(lx, k, n).or_else(|| stripped_join(lx, k, n)) {
        n = NumLit {
            value: v,
            place,
            plain: false,
            int_digits: n.int_digits,
        };
        next = e;
    }
    let glued_word = if lx.glued(next) { lx.word(next) } else { "" };
    if matches!(glued_word, "st" | "nd" | "rd" | "th") {
        return None; // an ordinal (`21st`), a rank or a day
    }
    let mut p = NumPhrase {
        start: k,
        end: next,
        value: n.value,
        place: n.place,
        spelled: false,
        fraction: false,
        scaled: false,
        lit: Some(n),
        scale: 1.0,
    };
    if let Some(s) = suffix_scale(glued_word, allow_m) {
        p.value *= s;
        p.place *= s;
        p.scale = s;
        p.end += 1;
        p.scaled = s >= 1e6;
        p.lit = None;
        return Some(p);
    }
    if !glued_word.is_empty() {
        return Some(p); // `3day`, `115usd`: the unit matchers read the glued word
    }
    // Written fractions `3/4` and `2 1/4`, only with denominators that are not day numbers.
    if let Some((v, e)) = slash_fraction(lx, k) {
        p.value = v;
        p.place = v.abs().max(1e-9) * 0.1;
        p.end = e;
        p.fraction = v.abs() < 1.0;
        p.lit = None;
        return Some(p);
    }
    if n.plain || n.value.fract() == 0.0 {
        if let Some((v, e)) = slash_fraction(lx, next) {
            if !lx.glued(next) && v < 1.0 {
                p.value += v;
                p.place = 0.01;
                p.end = e;
                p.lit = None;
                return Some(p);
            }
        }
    }
    // Scale words written apart: `4.7 billion`, `322 hundred`, `3 dozen`.
    let mut j = next;
    loop {
        let w = lx.word(j);
        if let Some(s) = scale_word(w) {
            p.value *= s;
            p.place *= s;
            p.scale *= s;
            p.scaled = s >= 1e6 || p.scaled;
            j += 1;
        } else if matches!(w, "dozen" | "dozens") {
            p.value *= 12.0;
            p.place = place_of(p.value);
            j += 1;
        } else {
            break;
        }
    }
    if j > next {
        p.end = j;
        p.lit = None;
    }
    Some(p)
}

fn slash_fraction(lx: &Lexed, k: usize) -> Option<(f64, usize)> {
    let a = lx.num(k)?;
    if !(lx.sym(k + 1, '/') && lx.glued(k + 1) && lx.glued(k + 2)) {
        return None;
    }
    let b = lx.num(k + 2)?;
    if !a.plain || !b.plain || lx.sym(k + 3, '/') {
        return None;
    }
    let ok_den = matches!(b.value as u32, 2 | 3 | 4 | 8 | 16 | 32 | 64 | 100);
    if !ok_den || a.value >= b.value || a.value == 0.0 {
        return None;
    }
    Some((a.value / b.value, k + 3))
}

#[derive(Clone, Copy, PartialEq)]
enum Last {
    None,
    Unit,
    Teen,
    Tens,
    Hundred,
    Scale,
}

fn words(lx: &Lexed, k: usize) -> Option<NumPhrase> {
    let w = lx.word(k);
    if w.is_empty() {
        return None;
    }
    // `a hundred`, `a dozen`, `a third of`, `a half`.
    if w == "a" || w == "an" {
        let n = lx.word(k + 1);
        if let Some(s) = scale_word(n) {
            let mut p = scaled_tail(lx, k, k + 2, s)?;
            p.place = place_of(p.value);
            return Some(p);
        }
        if n == "dozen" {
            return Some(spelled(k, k + 2, 12.0, false));
        }
        if n == "half" {
            return Some(spelled(k, k + 2, 0.5, true)).map(|p| fraction_scale(lx, p));
        }
        if let Some((den, false)) = denominator(n) {
            if closes_fraction(lx, k + 2) || scale_word(lx.word(k + 2)).is_some() {
                return Some(fraction_scale(lx, spelled(k, k + 2, 1.0 / den, true)));
            }
        }
        return None;
    }
    if w == "half" {
        return half(lx, k);
    }
    // `quarter million`
    if w == "quarter" {
        if let Some(s) = scale_or_dozen(lx.word(k + 1)) {
            let mut p = spelled(k, k + 2, 0.25 * s, false);
            p.scaled = s >= 1e6;
            return Some(p);
        }
        return None;
    }
    if !is_number_word(w) && w != "hundred" {
        return None;
    }
    let mut total = 0.0;
    let mut current = 0.0;
    let mut last = Last::None;
    let mut last_scale = 0.0;
    let mut j = k;
    let mut end = k;
    loop {
        let w = lx.word(j);
        if let Some(u) = unit_word(w) {
            let teen = u >= 10.0;
            let ok = match last {
                Last::None | Last::Hundred | Last::Scale => true,
                Last::Tens => !teen && u > 0.0,
                _ => false,
            };
            if !ok {
                break;
            }
            current += u;
            last = if teen { Last::Teen } else { Last::Unit };
            j += 1;
            end = j;
            continue;
        }
        if let Some(t) = tens_word(w) {
            if !matches!(last, Last::None | Last::Hundred | Last::Scale) {
                break;
            }
            current += t;
            last = Last::Tens;
            j += 1;
            end = j;
            // `twenty-five`, and `fifty - two` in tokenised dumps.
            if lx.sym(j, '-') {
                if let Some(u) = unit_word(lx.word(j + 1)) {
                    if u > 0.0 && u < 10.0 {
                        current += u;
                        last = Last::Unit;
                        j += 2;
                        end = j;
                    }
                }
            }
            continue;
        }
        if w == "hundred" && matches!(last, Last::Unit | Last::Teen | Last::Tens | Last::None) {
            current = current.max(1.0) * 100.0;
            last = Last::Hundred;
            j += 1;
            end = j;
            continue;
        }
        if let Some(s) = scale_word(w).filter(|s| *s >= 1e3) {
            if last == Last::None {
                break;
            }
            if last_scale > 0.0 && s > last_scale {
                total = (total + current.max(1.0)) * s;
            } else {
                total += current.max(1.0) * s;
            }
            current = 0.0;
            last_scale = s;
            last = Last::Scale;
            j += 1;
            end = j;
            continue;
        }
        if matches!(w, "dozen" | "dozens") && last != Last::None {
            current = current.max(1.0) * 12.0;
            last = Last::Scale;
            j += 1;
            end = j;
            continue;
        }
        if w == "and" && matches!(last, Last::Hundred | Last::Scale) {
            let n = lx.word(j + 1);
            let next_is_fraction = denominator(lx.word(j + 2)).is_some();
            if is_number_word(n) && !next_is_fraction {
                j += 1;
                continue;
            }
        }
        break;
    }
    if last == Last::None {
        return None;
    }
    let whole = total + current;
    let mut p = spelled(k, end, whole, false);
    // `one-third`, `two thirds`, `five - eighths`.
    let (dj, hy) = if lx.sym(end, '-') {
        (end + 1, true)
    } else {
        (end, false)
    };
    if let Some((den, plural)) = denominator(lx.word(dj)) {
        let small = matches!(last, Last::Unit | Last::Teen | Last::Tens) && total == 0.0;
        let singular_ok = whole == 1.0 && (hy || closes_fraction(lx, dj + 1));
        if small && whole > 0.0 && (plural || singular_ok) {
            p = spelled(k, dj + 1, whole / den, true);
            return Some(fraction_scale(lx, p));
        }
    }
    // `two and a half`, `one hundred and three quarters`.
    if lx.is(end, "and") {
        if let Some((f, e)) = and_fraction(lx, end + 1) {
            // `one million and a half` is 1.5 million
            let f = if last == Last::Scale {
                f * last_scale.max(1.0)
            } else {
                f
            };
            p = spelled(k, e, whole + f, false);
            p.place = 0.1;
            return Some(fraction_scale(lx, p));
        }
    }
    Some(p)
}

/// `a half`, `a quarter`, `one half`, `three fifths` after `and`.
fn and_fraction(lx: &Lexed, j: usize) -> Option<(f64, usize)> {
    let n = lx.word(j);
    let num = if n == "a" || n == "an" {
        1.0
    } else {
        unit_word(n).filter(|v| *v > 0.0)?
    };
    let (den, _) = denominator(lx.word(j + 1))?;
    Some((num / den, j + 2))
}

/// `half a dozen`, `three quarters billion`, `a half million`: a scale after a fraction.
fn fraction_scale(lx: &Lexed, mut p: NumPhrase) -> NumPhrase {
    let mut j = p.end;
    if matches!(lx.word(j), "a" | "an") && scale_or_dozen(lx.word(j + 1)).is_some() {
        j += 1;
    }
    if let Some(s) = scale_or_dozen(lx.word(j)) {
        p.value *= s;
        p.place = (p.value * 0.1).abs();
        p.end = j + 1;
        p.fraction = false;
        p.scaled = s >= 1e6;
    }
    p
}

fn scale_or_dozen(w: &str) -> Option<f64> {
    if w == "dozen" {
        Some(12.0)
    } else {
        scale_word(w).filter(|s| *s >= 1e3)
    }
}

fn scaled_tail(lx: &Lexed, start: usize, mut j: usize, first: f64) -> Option<NumPhrase> {
    let mut v = first;
    while let Some(s) = scale_word(lx.word(j)).filter(|s| *s > v) {
        v *= s;
        j += 1;
    }
    let mut p = spelled(start, j, v, false);
    p.scaled = v >= 1e6;
    Some(p)
}

fn half(lx: &Lexed, k: usize) -> Option<NumPhrase> {
    let prev = if k > 0 { lx.word(k - 1) } else { "" };
    if blocks_half(prev) || (k > 0 && lx.sym(k - 1, '-')) {
        return None;
    }
    let p = spelled(k, k + 1, 0.5, true);
    let scaled = fraction_scale(lx, p);
    if scaled.end > p.end {
        return Some(scaled);
    }
    let next = lx.word(k + 1);
    let qualifier_before = matches!(
        prev,
        "than"
            | "about"
            | "nearly"
            | "almost"
            | "roughly"
            | "over"
            | "under"
            | "around"
            | "some"
            | "just"
            | "least"
            | "only"
            | "by"
    );
    if matches!(
        next,
        "of" | "the"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "all"
            | "this"
            | "that"
            | "these"
            | "those"
    ) || qualifier_before
    {
        return Some(p);
    }
    // `half an hour`, `half a day`: the article belongs to the number
    if matches!(next, "a" | "an") && super::durations::unit_days(lx.word(k + 2)).is_some() {
        return Some(NumPhrase { end: k + 2, ..p });
    }
    // `half year`, `half hour`
    if matches!(
        next,
        "year" | "hour" | "day" | "month" | "century" | "decade"
    ) {
        return Some(p);
    }
    None
}

fn spelled(start: usize, end: usize, value: f64, fraction: bool) -> NumPhrase {
    NumPhrase {
        start,
        end,
        value,
        place: if fraction {
            value * 0.1
        } else {
            place_of(value)
        },
        spelled: true,
        fraction,
        scaled: value.abs() >= 1e6,
        lit: None,
        scale: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[..]` marks the expected phrase; `None` means no phrase starts at the marked token.
    fn check(marked: &str, want: Option<f64>) {
        let open = marked.find('[').expect("mark");
        let close = marked.find(']').expect("mark");
        let text = marked.replace(['[', ']'], "");
        let lx = Lexed::new(&text);
        let i = lx.toks.iter().position(|t| t.start == open).expect("token");
        let got = parse(&lx, i, false);
        match (got, want) {
            (None, None) => {}
            (Some(p), Some(v)) => {
                assert!(
                    (p.value - v).abs() < 1e-9 * v.abs().max(1.0),
                    "{marked}: {p:?}"
                );
                assert_eq!(lx.start(p.start), open, "{marked}");
                assert_eq!(lx.end(p.end - 1), close - 1, "{marked}");
            }
            (g, w) => panic!("{marked}: got {g:?}, want {w:?}"),
        }
    }

    #[test]
    fn number_phrases() {
        let cases: &[(&str, Option<f64>)] = &[
            ("[seven] years", Some(7.0)),
            ("[twenty-five] men", Some(25.0)),
            ("[fifty - two]", Some(52.0)),
            ("[one hundred and six] cars", Some(106.0)),
            ("[two hundred and two thousand]", Some(202_000.0)),
            ("[fifty billion] in", Some(5e10)),
            ("[a dozen] eggs", Some(12.0)),
            ("[half a dozen] eggs", Some(6.0)),
            ("[three dozen]", Some(36.0)),
            ("[one-third] of it", Some(1.0 / 3.0)),
            ("[two thirds] of voters", Some(2.0 / 3.0)),
            ("[a quarter] of sales", Some(0.25)),
            ("a third round", None),
            ("[two and a half] hours", Some(2.5)),
            ("[4.7bn]", Some(4.7e9)),
            ("[10k] runners", Some(1e4)),
            ("[2.5 million] people", Some(2.5e6)),
            ("[3/4] of", Some(0.75)),
            ("[2 1/4] inches", Some(2.25)),
            ("on 4/22", Some(4.0)),
            ("the [21st] floor", None),
            ("[minus five] degrees", Some(-5.0)),
            ("the second [half] of", None),
            ("[half] of the money", Some(0.5)),
            ("[half a million] people", Some(5e5)),
            ("[three quarters billion] more", Some(7.5e8)),
            ("[a hundred] people", Some(100.0)),
            ("[twenty-one trillion]", Some(2.1e13)),
        ];
        for (m, w) in cases {
            if m.contains('[') {
                check(m, *w);
            } else {
                let lx = Lexed::new(m);
                let hit = (0..lx.len())
                    .filter_map(|i| parse(&lx, i, false))
                    .find(|p| p.fraction || lx.num(p.start).is_none() && p.value > 1.0);
                if w.is_none() {
                    assert!(hit.is_none(), "{m}: {hit:?}");
                }
            }
        }
    }

    #[test]
    fn places() {
        assert_eq!(place_of(70_000.0), 10_000.0);
        assert_eq!(place_of(7.0), 1.0);
        assert_eq!(place_of(0.0), 1.0);
        assert_eq!(place_of(375e9), 1e9);
    }
}
