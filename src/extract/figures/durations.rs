//! Lengths of time: `seven years`, `three weeks`, `a day`, `30-minute`, normalised to days.

use super::lexer::Lexed;

/// Days in one unit of a duration word, if it is one. Years and months are the Gregorian
/// averages (365.25 and 30.4375 days) so that `a year` and `12 months` agree.
pub fn unit_days(w: &str) -> Option<f64> {
    Some(match w {
        "year" | "years" | "yr" | "yrs" => 365.25,
        "month" | "months" | "mo" | "mos" => 30.4375,
        "week" | "weeks" | "wk" | "wks" => 7.0,
        "fortnight" | "fortnights" => 14.0,
        "day" | "days" => 1.0,
        "hour" | "hours" | "hr" | "hrs" => 1.0 / 24.0,
        "minute" | "minutes" | "min" | "mins" => 1.0 / 1440.0,
        "second" | "seconds" | "sec" | "secs" => 1.0 / 86400.0,
        "decade" | "decades" => 3652.5,
        "century" | "centuries" => 36525.0,
        _ => return None,
    })
}

/// True for singular unit words (`a day`, not `a days`).
fn singular(w: &str) -> bool {
    matches!(
        w,
        "year" | "month" | "week" | "fortnight" | "day" | "hour" | "minute" | "decade" | "century"
    )
}

/// A duration unit after a number phrase ending before token `i`: days per unit and the token
/// after the unit. `h` counts only after digits.
pub fn suffix(lx: &Lexed, i: usize, digits: bool) -> Option<(f64, usize)> {
    let mut k = i;
    let hyphen = lx.sym(k, '-') && lx.glued(k) && lx.glued(k + 1);
    if hyphen {
        k += 1;
    }
    let mut w = lx.word(k);
    let mut extra = 0;
    // `business days`, `working days`, `trading days`
    if matches!(w, "business" | "working" | "trading") && matches!(lx.word(k + 1), "day" | "days") {
        w = lx.word(k + 1);
        extra = 1;
    }
    let days = match w {
        "h" if digits => 1.0 / 24.0,
        // `second` after a number is a rank in `the 2 second`-less news text; keep plural only
        // unless glued (`3.5 second` in a spec sentence is fine as well).
        _ => unit_days(w)?,
    };
    // `a 25-year-old`, `seven years old`: an age, not a duration.
    if lx.sym(k + extra + 1, '-') && lx.is(k + extra + 2, "old") || lx.is(k + extra + 1, "old") {
        return None;
    }
    Some((days, k + extra + 1))
}

/// `a day`, `an hour`, `a month` at token `i` (the article and a singular unit): days and end.
pub fn article_unit(lx: &Lexed, i: usize) -> Option<(f64, usize)> {
    let art = lx.word(i);
    // `all day`, `a full year`, `all-week`, `another month`
    let (w, e) = if matches!(art, "all" | "full") {
        if lx.sym(i + 1, '-') && lx.glued(i + 1) && lx.glued(i + 2) {
            (lx.word(i + 2), i + 3)
        } else {
            (lx.word(i + 1), i + 2)
        }
    } else if matches!(art, "a" | "an" | "another") {
        (lx.word(i + 1), i + 2)
    } else {
        return None;
    };
    if !singular(w) {
        return None;
    }
    if e == i + 2 && !matches!(art, "a" | "an" | "another") && lx.sym(e, '-') {
        return None; // `all-day-long`
    }
    if matches!(art, "all" | "full") {
        if matches!(lx.word(e), "long") {
            return None;
        }
        return Some((unit_days(w)?, e));
    }
    if !singular(w) {
        return None;
    }
    // `$50 billion a year`, `once a month`: a rate, not a length.
    if i > 0 {
        let p = lx.word(i - 1);
        if matches!(
            p,
            "once"
                | "twice"
                | "times"
                | "per"
                | "every"
                | "billion"
                | "million"
                | "trillion"
                | "percent"
                | "dollars"
                | "yuan"
                | "euros"
                | "pounds"
                | "goods"
                | "exports"
                | "imports"
                | "cent"
                | "cents"
                | "barrel"
        ) || lx.num(i - 1).is_some()
            || lx.sym(i - 1, '%')
        {
            return None;
        }
    }
    if matches!(
        lx.word(i + 2),
        "earlier" | "later" | "before" | "after" | "old"
    ) {
        return None;
    }
    Some((unit_days(w)?, i + 2))
}

/// `a few days`, `several weeks`, `some months`: (value, low, high, days per unit, end).
pub fn vague(lx: &Lexed, i: usize) -> Option<(f64, f64, f64, f64, usize)> {
    let (v, lo, hi, k) = match (lx.word(i), lx.word(i + 1)) {
        ("a", "few") => (3.0, 2.0, 5.0, i + 2),
        ("few", _) => (3.0, 2.0, 5.0, i + 1),
        ("several", _) => (4.0, 3.0, 7.0, i + 1),
        ("some", _) => (3.0, 2.0, 7.0, i + 1),
        _ => return None,
    };
    let w = lx.word(k);
    if !w.ends_with('s') {
        return None;
    }
    let days = unit_days(w)?;
    Some((v, lo, hi, days, k + 1))
}

/// `and a half` after a unit (`an hour and a half`): the fraction of one unit and the end.
pub fn and_a_half(lx: &Lexed, i: usize) -> Option<(f64, usize)> {
    if !lx.is(i, "and") {
        return None;
    }
    if lx.is(i + 1, "half") {
        return Some((0.5, i + 2));
    }
    if lx.is(i + 1, "a") && lx.is(i + 2, "half") {
        return Some((0.5, i + 3));
    }
    None
}
