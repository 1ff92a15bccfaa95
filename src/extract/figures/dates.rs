//! Calendar dates: `June 3, 2018`, `june 12`, `3 June 2018`, `March 2018`, `in 1901`, the
//! `1990s`, `2018-06-03`, weekdays and `yesterday` resolved against the dateline.
//!
//! Rules (documented in EVALUATION.md too):
//! - A day without a year takes the year that puts it nearest the dateline. Without a dateline
//!   the year is unknown: the value carries year 0000 and the interval is unbounded.
//! - A weekday (`on Sunday`) is the most recent such day on or before the dateline (news reports
//!   the past), unless the clause speaks of the future (`will`, `plans`, `next`), then the first
//!   such day after it. `last Sunday` is strictly before, `next Sunday` strictly after,
//!   `this Sunday` in the dateline's Monday-to-Sunday week. Without a dateline a weekday has no
//!   value and is not reported; a weekday beside a full date joins its span and the date wins.
//! - A year alone is a date only after `in`, `since`, `from`, `by`, `until`, `before`, `after`,
//!   `during`, `between`, `early`, `late`, `mid`: value its first day, interval the whole year.

use super::lexer::Lexed;
use super::numbers::{tens_word, unit_word};
use crate::model::Date;
use chrono::{Datelike, Days, Months, Weekday};

/// A date found over tokens `start..end`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateHit {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// The day (first day for a month or year).
    pub value: Date,
    /// First day the text allows, if bounded.
    pub low: Option<Date>,
    /// Last day the text allows, if bounded.
    pub high: Option<Date>,
}

/// Month number and whether the word is also a common English word (`may`, `march`).
fn month(w: &str) -> Option<(u32, bool, bool)> {
    // (month, ambiguous, abbreviation)
    Some(match w {
        "january" => (1, false, false),
        "february" => (2, false, false),
        "march" => (3, true, false),
        "april" => (4, false, false),
        "may" => (5, true, false),
        "june" => (6, false, false),
        "july" => (7, false, false),
        "august" => (8, false, false),
        "september" => (9, false, false),
        "october" => (10, false, false),
        "november" => (11, false, false),
        "december" => (12, false, false),
        "jan" => (1, false, true),
        "feb" => (2, false, true),
        "mar" => (3, true, true),
        "apr" => (4, false, true),
        "jun" => (6, false, true),
        "jul" => (7, false, true),
        "aug" => (8, false, true),
        "sep" | "sept" => (9, false, true),
        "oct" => (10, false, true),
        "nov" => (11, false, true),
        "dec" => (12, false, true),
        _ => return None,
    })
}

/// Weekday and whether the word is an abbreviation.
fn weekday(w: &str) -> Option<(Weekday, bool)> {
    Some(match w {
        "monday" => (Weekday::Mon, false),
        "tuesday" => (Weekday::Tue, false),
        "wednesday" => (Weekday::Wed, false),
        "thursday" => (Weekday::Thu, false),
        "friday" => (Weekday::Fri, false),
        "saturday" => (Weekday::Sat, false),
        "sunday" => (Weekday::Sun, false),
        "mon" => (Weekday::Mon, true),
        "tue" | "tues" => (Weekday::Tue, true),
        "wed" => (Weekday::Wed, true),
        "thu" | "thur" | "thurs" => (Weekday::Thu, true),
        "fri" => (Weekday::Fri, true),
        "sat" => (Weekday::Sat, true),
        "sun" => (Weekday::Sun, true),
        _ => return None,
    })
}

fn ordinal_word(w: &str) -> Option<u32> {
    Some(match w {
        "first" => 1,
        "second" => 2,
        "third" => 3,
        "fourth" => 4,
        "fifth" => 5,
        "sixth" => 6,
        "seventh" => 7,
        "eighth" => 8,
        "ninth" => 9,
        "tenth" => 10,
        "eleventh" => 11,
        "twelfth" => 12,
        "thirteenth" => 13,
        "fourteenth" => 14,
        "fifteenth" => 15,
        "sixteenth" => 16,
        "seventeenth" => 17,
        "eighteenth" => 18,
        "nineteenth" => 19,
        "twentieth" => 20,
        "thirtieth" => 30,
        _ => return None,
    })
}

/// Words after which a year alone is a date.
fn year_prep(w: &str) -> bool {
    matches!(
        w,
        "in" | "since"
            | "from"
            | "by"
            | "until"
            | "till"
            | "before"
            | "after"
            | "during"
            | "between"
            | "early"
            | "late"
            | "mid"
            | "around"
            | "circa"
            | "throughout"
    )
}

/// Words after which a month alone (`in March`) is a date.
fn month_prep(w: &str) -> bool {
    matches!(
        w,
        "in" | "since"
            | "until"
            | "till"
            | "by"
            | "from"
            | "early"
            | "late"
            | "mid"
            | "during"
            | "before"
            | "after"
            | "through"
            | "and"
            | "or"
            | "to"
    )
}

/// True for words a date may start with.
pub fn may_start(w: &str) -> bool {
    month(w).is_some()
        || weekday(w).is_some()
        || ordinal_word(w).is_some()
        || tens_word(w).is_some()
        || matches!(
            w,
            "today"
                | "tonight"
                | "yesterday"
                | "tomorrow"
                | "the"
                | "last"
                | "this"
                | "next"
                | "past"
        )
}

/// What the extractor knows of the document's time.
#[derive(Debug, Clone, Copy)]
pub struct DateCtx {
    /// The dateline.
    pub dateline: Option<Date>,
    /// All-lowercase text: capitals are no evidence.
    pub lowercase: bool,
}

/// A day number at `k`: `12`, `12th`, `twelfth`, `twenty-first`: day and end token.
fn day_at(lx: &Lexed, k: usize) -> Option<(u32, usize, bool)> {
    // (day, end, ordinal)
    if let Some(n) = lx.num(k) {
        if !n.plain || n.int_digits > 2 || n.value < 1.0 || n.value > 31.0 {
            return None;
        }
        let d = n.value as u32;
        if lx.glued(k + 1) && matches!(lx.word(k + 1), "st" | "nd" | "rd" | "th") {
            return Some((d, k + 2, true));
        }
        if lx.glued(k + 1) && !lx.word(k + 1).is_empty() {
            return None;
        }
        return Some((d, k + 1, false));
    }
    let w = lx.word(k);
    if let Some(d) = ordinal_word(w) {
        return Some((d, k + 1, true));
    }
    if let Some(t) = tens_word(w).filter(|t| *t <= 30.0) {
        let mut j = k + 1;
        if lx.sym(j, '-') {
            j += 1;
        }
        if let Some(d) = ordinal_word(lx.word(j)).filter(|d| *d < 10) {
            return Some((t as u32 + d, j + 1, true));
        }
        // `may twenty one` (a spoken form)
        if let Some(u) = unit_word(lx.word(j)).filter(|u| *u >= 1.0 && *u < 10.0) {
            return Some((t as u32 + u as u32, j + 1, false));
        }
    }
    None
}

fn year_at(lx: &Lexed, k: usize) -> Option<(i32, usize)> {
    let n = lx.num(k)?;
    if !n.plain || n.int_digits != 4 || !(1000.0..=2200.0).contains(&n.value) {
        return None;
    }
    if lx.glued(k + 1) && !lx.word(k + 1).is_empty() {
        return None;
    }
    Some((n.value as i32, k + 1))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
    Date::from_ymd_opt(y, m, d)
}

fn last_day(y: i32, m: u32) -> Option<Date> {
    let first = ymd(y, m, 1)?;
    first.checked_add_months(Months::new(1))?.pred_opt()
}

/// The year of month `m` day `d`: with future words, the first such day after the dateline;
/// else the nearest one when it lies within 62 days of the dateline (`june 12` in an article of
/// June 3); else the most recent one before it (news reports the past: `in November` written in
/// June is last November). Without a dateline the year is unknown: year 0, unbounded.
fn nearest(m: u32, d: u32, ctx: &DateCtx, future: bool) -> Option<(Date, bool)> {
    let Some(dl) = ctx.dateline else {
        return ymd(0, m, d).map(|x| (x, false));
    };
    let cands: Vec<Date> = [dl.year() - 1, dl.year(), dl.year() + 1]
        .iter()
        .filter_map(|y| ymd(*y, m, d))
        .collect();
    if future {
        return cands.iter().find(|c| **c >= dl).map(|c| (*c, true));
    }
    let near = cands
        .iter()
        .min_by_key(|c| (**c - dl).num_days().abs())
        .copied()?;
    if (near - dl).num_days().abs() <= 62 {
        return Some((near, true));
    }
    cands.iter().rev().find(|c| **c <= dl).map(|c| (*c, true))
}

fn day_hit(start: usize, end: usize, value: Date, bounded: bool) -> DateHit {
    DateHit {
        start,
        end,
        value,
        low: bounded.then_some(value),
        high: bounded.then_some(value),
    }
}

fn span_hit(start: usize, end: usize, low: Date, high: Date) -> DateHit {
    DateHit {
        start,
        end,
        value: low,
        low: Some(low),
        high: Some(high),
    }
}

/// Month word at `k` (with its abbreviation dot): month, ambiguous, token after.
fn month_at(lx: &Lexed, k: usize) -> Option<(u32, bool, usize)> {
    let (m, amb, abbr) = month(lx.word(k))?;
    if lx.glued(k + 1) && !lx.word(k + 1).is_empty() {
        return None;
    }
    let mut e = k + 1;
    if abbr && lx.sym(e, '.') {
        e += 1;
    }
    Some((m, amb, e))
}

fn prev_word<'a>(lx: &'a Lexed, i: usize) -> &'a str {
    if i == 0 {
        ""
    } else {
        lx.word(i - 1)
    }
}

/// A date starting at token `i`.
pub fn at(lx: &Lexed, i: usize, ctx: &DateCtx) -> Option<DateHit> {
    let w = lx.word(i);
    if !w.is_empty() {
        if let Some((_, abbr)) = weekday(w) {
            let mut j = i + 1;
            if abbr && lx.sym(j, '.') {
                j += 1;
            }
            if lx.sym(j, ',') {
                j += 1;
            }
            if let Some(mut h) = month_led(lx, j, ctx, true)
                .or_else(|| day_led(lx, j, ctx, true))
                .or_else(|| numeric(lx, j, ctx))
                .or_else(|| weekday_the_day(lx, i, j, ctx))
            {
                h.start = i;
                return Some(h);
            }
        }
        if let Some(h) = month_led(lx, i, ctx, false) {
            return Some(h);
        }
        if let Some(h) = relative(lx, i, ctx) {
            return Some(h);
        }
        if let Some(h) = weekday_alone(lx, i, ctx) {
            return Some(h);
        }
    }
    if let Some(h) = day_led(lx, i, ctx, false) {
        return Some(h);
    }
    if let Some(h) = numeric(lx, i, ctx) {
        return Some(h);
    }
    year_alone(lx, i)
}

fn month_led(lx: &Lexed, i: usize, ctx: &DateCtx, after_weekday: bool) -> Option<DateHit> {
    let (m, amb, mut j) = month_at(lx, i)?;
    let cased_ok = !ctx.lowercase && lx.capitalized(i);
    let prep = month_prep(prev_word(lx, i)) || prev_word(lx, i) == "on";
    let strong = !amb || cased_ok || after_weekday || prep;
    if lx.sym(j, ',') && (lx.num(j + 1).is_some() || day_at(lx, j + 1).is_some()) {
        j += 1;
    }
    // `may the eleventh`
    let the = lx.is(j, "the") && day_at(lx, j + 1).is_some_and(|(_, _, o)| o);
    let dj = if the { j + 1 } else { j };
    if let Some((d, mut e, ordinal)) = day_at(lx, dj) {
        if strong || ordinal {
            // `June 3, 2018`, `january 12 of 2016`
            let mut y = None;
            let mut k = e;
            if lx.sym(k, ',') {
                k += 1;
            }
            if lx.is(k, "of") {
                k += 1;
            }
            if let Some((yy, ye)) = year_at(lx, k) {
                y = Some(yy);
                e = ye;
            }
            if let Some(y) = y {
                return ymd(y, m, d).map(|v| day_hit(i, e, v, true));
            }
            if amb && !cased_ok && !after_weekday && !prep && !ordinal {
                // lowercase `may 12`: want something date-like around it
                let next_ok = e >= lx.len() || lx.sym_at(e).is_some() || lx.is(e, "and");
                if !next_ok {
                    return None;
                }
            }
            let (v, b) = nearest(m, d, ctx, future_before(lx, i))?;
            return Some(day_hit(i, e, v, b));
        }
    }
    if let Some((y, e)) = year_at(lx, j) {
        if strong {
            return span_hit(i, e, ymd(y, m, 1)?, last_day(y, m)?).into();
        }
    }
    if after_weekday {
        return None;
    }
    // `in March`, `early april`: the month nearest the dateline.
    let (_, _, abbr) = month(lx.word(i))?;
    if prep && !abbr && (!amb || !lx.is(i - 1, "and") && !lx.is(i - 1, "or")) {
        let (v, bounded) = nearest(m, 15, ctx, future_before(lx, i))?;
        let first = ymd(v.year(), m, 1)?;
        let last = last_day(v.year(), m)?;
        return Some(DateHit {
            start: i,
            end: i + 1,
            value: first,
            low: bounded.then_some(first),
            high: bounded.then_some(last),
        });
    }
    None
}

fn day_led(lx: &Lexed, i: usize, ctx: &DateCtx, after_weekday: bool) -> Option<DateHit> {
    let (d, mut j, ordinal) = day_at(lx, i)?;
    if lx.num(i).is_some() && !ordinal && lx.sym(j, '-') && lx.glued(j) {
        j += 1; // `28-nov`
    }
    let of = lx.is(j, "of");
    if of {
        j += 1;
    }
    // `20th of next month`
    if of {
        if let (Some(dl), "month") = (ctx.dateline, lx.word(j + 1)) {
            let shift: i32 = match lx.word(j) {
                "next" => 1,
                "this" => 0,
                "last" => -1,
                _ => 0,
            };
            if matches!(lx.word(j), "next" | "this" | "last") {
                let first = ymd(dl.year(), dl.month(), 1)?;
                let first = if shift < 0 {
                    first.checked_sub_months(Months::new(1))?
                } else {
                    first.checked_add_months(Months::new(shift as u32))?
                };
                let v = ymd(first.year(), first.month(), d)?;
                return Some(day_hit(i, j + 2, v, true));
            }
        }
    }
    let (m, amb, mut e) = month_at(lx, j)?;
    if lx.word(i).is_empty() && !ordinal && !of && lx.num(i).is_none() {
        return None;
    }
    // a word ordinal needs `of` (`fourth of may`) or a capital month; `first June` is odd
    if lx.num(i).is_none() && !of {
        return None;
    }
    let cased_ok = !ctx.lowercase && lx.capitalized(j);
    let mut k = e;
    if lx.sym(k, ',') {
        k += 1;
    }
    if lx.is(k, "of") && year_at(lx, k + 1).is_some() {
        k += 1;
    }
    if let Some((y, ye)) = year_at(lx, k) {
        e = ye;
        return ymd(y, m, d).map(|v| day_hit(i, e, v, true));
    }
    if amb && !cased_ok && !ordinal && !of && !after_weekday {
        return None;
    }
    let (v, b) = nearest(m, d, ctx, future_before(lx, i))?;
    Some(day_hit(i, e, v, b))
}

/// `2018-06-03`, `6/3/2018`, `21/04/16`, and `4/22` after `on`.
fn numeric(lx: &Lexed, i: usize, ctx: &DateCtx) -> Option<DateHit> {
    let a = lx.num(i)?;
    if !a.plain {
        return None;
    }
    let sep = lx.sym_at(i + 1).filter(|c| matches!(c, '/' | '-'))?;
    if !lx.glued(i + 1) || !lx.glued(i + 2) {
        return None;
    }
    // `2019-sep-1`
    if a.int_digits == 4 {
        let (m, e2) = if let Some(b) = lx.num(i + 2) {
            (b.value as u32, i + 3)
        } else {
            let (m, _, _) = month(lx.word(i + 2))?;
            (m, i + 3)
        };
        if !(lx.sym(e2, sep) && lx.glued(e2) && lx.glued(e2 + 1)) {
            return None;
        }
        let c = lx.num(e2 + 1)?;
        let v = ymd(a.value as i32, m, c.value as u32)?;
        return Some(day_hit(i, e2 + 2, v, true));
    }
    let b = lx.num(i + 2)?;
    if !b.plain || b.int_digits > 2 || a.int_digits > 2 {
        return None;
    }
    let (x, y) = (a.value as u32, b.value as u32);
    let (m, d) = if x > 12 { (y, x) } else { (x, y) };
    // a third part: the year (`,` allowed: `11/12,2016`)
    let third = i + 3;
    if (lx.sym(third, sep) || lx.sym(third, ',')) && lx.glued(third) && lx.glued(third + 1) {
        let c = lx.num(third + 1)?;
        if !c.plain {
            return None;
        }
        let year = match c.int_digits {
            4 => c.value as i32,
            2 => 2000 + c.value as i32,
            _ => return None,
        };
        let v = ymd(year, m, d)?;
        if lx.sym(third + 2, sep) && lx.glued(third + 2) {
            return None; // a phone number or a code
        }
        return Some(day_hit(i, third + 2, v, true));
    }
    // `on 4/22`: month and day only after `on`, `in` or a weekday.
    let p = prev_word(lx, i);
    let on_in = p == "on" || p == "in";
    let ok = on_in || (weekday(p).is_some() && sep != '-');
    if !ok {
        return None;
    }
    if lx.sym(third, sep) {
        return None;
    }
    let (v, bnd) = nearest(m, d, ctx, future_before(lx, i))?;
    Some(day_hit(i, third, v, bnd))
}

fn year_alone(lx: &Lexed, i: usize) -> Option<DateHit> {
    let n = lx.num(i)?;
    // `the 1990s`
    if n.plain && n.int_digits == 4 && lx.is(i + 1, "s") && lx.glued(i + 1) {
        let y = n.value as i32;
        if y % 10 == 0 && (1000..=2100).contains(&y) {
            return span_hit(i, i + 2, ymd(y, 1, 1)?, ymd(y + 9, 12, 31)?).into();
        }
    }
    let (y, e) = year_at(lx, i)?;
    let p = prev_word(lx, i);
    let mid = i >= 2 && lx.sym(i - 1, '-') && lx.is(i - 2, "mid");
    let between = p == "and" && i >= 3 && lx.is(i - 3, "between");
    let to = i >= 2
        && (p == "to" || lx.sym(i - 1, '-'))
        && lx.num(i - 2).is_some_and(|n| n.plain && n.int_digits == 4);
    if !(year_prep(p) || mid || between || to) {
        return None;
    }
    // `in 2000 cases`: a count, not a year
    let next = lx.word(e);
    if next.len() > 3 && next.ends_with('s') && !lx.capitalized(e) && !matches!(next, "was" | "has")
    {
        return None;
    }
    span_hit(i, e, ymd(y, 1, 1)?, ymd(y, 12, 31)?).into()
}

/// True when the words before `i` in its clause speak of the future.
fn future_before(lx: &Lexed, i: usize) -> bool {
    let lo = i.saturating_sub(8);
    for k in (lo..i).rev() {
        if lx
            .sym_at(k)
            .is_some_and(|c| matches!(c, '.' | ';' | '!' | '?'))
        {
            return false;
        }
        if matches!(
            lx.word(k),
            "will"
                | "ll"
                | "shall"
                | "plans"
                | "planned"
                | "scheduled"
                | "expected"
                | "due"
                | "upcoming"
                | "coming"
                | "tomorrow"
        ) {
            return true;
        }
    }
    false
}

fn weekday_alone(lx: &Lexed, i: usize, ctx: &DateCtx) -> Option<DateHit> {
    let dl = ctx.dateline?;
    let (mut start, modifier) = match lx.word(i) {
        "last" | "past" | "next" | "this" => (i, lx.word(i)),
        _ => (i, ""),
    };
    let wi = if modifier.is_empty() { i } else { i + 1 };
    let (wd, abbr) = weekday(lx.word(wi))?;
    if abbr && modifier.is_empty() && prev_word(lx, wi) != "on" {
        return None;
    }
    if abbr && matches!(lx.word(wi), "sun" | "sat" | "wed" | "mon") {
        return None;
    }
    // `Sunday Times`, `Monday Night Football`: a name.
    if !ctx.lowercase && lx.capitalized(wi + 1) && month(lx.word(wi + 1)).is_none() {
        return None;
    }
    let mut end = wi + 1;
    if abbr && lx.sym(end, '.') && lx.glued(end) {
        // keep the dot out of the span, as written dates do
    }
    let back = (dl.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
    let fwd = (wd.num_days_from_monday() + 7 - dl.weekday().num_days_from_monday()) % 7;
    let monday = dl - Days::new(dl.weekday().num_days_from_monday() as u64);
    let in_week = |weeks: i64| {
        let base = monday + chrono::Duration::weeks(weeks);
        base + Days::new(wd.num_days_from_monday() as u64)
    };
    // `friday next week`, `tuesday of next week`, `friday this week`
    let mut k = end;
    if lx.is(k, "of") {
        k += 1;
    }
    let week_after = match (lx.word(k), lx.word(k + 1)) {
        ("next", "week") => Some(1),
        ("this", "week") => Some(0),
        ("last", "week") => Some(-1),
        _ => None,
    };
    // `next week on friday`, `this week friday`
    let week_before = if modifier.is_empty() && i >= 2 {
        let (a, b) = if lx.is(i - 1, "on") && i >= 3 {
            (lx.word(i - 3), lx.word(i - 2))
        } else {
            (lx.word(i - 2), lx.word(i - 1))
        };
        match (a, b) {
            ("next", "week") => Some(1),
            ("this", "week") => Some(0),
            ("last", "week") => Some(-1),
            _ => None,
        }
    } else {
        None
    };
    let value = if let Some(wk) = week_after {
        end = k + 2;
        in_week(wk)
    } else if let Some(wk) = week_before {
        start = if lx.is(i - 1, "on") { i - 3 } else { i - 2 };
        in_week(wk)
    } else {
        match modifier {
            "last" => dl - Days::new(if back == 0 { 7 } else { back } as u64),
            "next" => dl + Days::new(if fwd == 0 { 7 } else { fwd } as u64),
            "this" => in_week(0),
            "past" => dl - Days::new(back as u64),
            _ if future_before(lx, i) => dl + Days::new(fwd as u64),
            _ => dl - Days::new(back as u64),
        }
    };
    Some(day_hit(start, end, value, true))
}

fn relative(lx: &Lexed, i: usize, ctx: &DateCtx) -> Option<DateHit> {
    let dl = ctx.dateline?;
    let w = lx.word(i);
    let one = |d: Date, e: usize| Some(day_hit(i, e, d, true));
    match w {
        "today" | "tonight" => return one(dl, i + 1),
        "yesterday" => return one(dl.pred_opt()?, i + 1),
        "tomorrow" => return one(dl.succ_opt()?, i + 1),
        "the" if lx.is(i + 1, "day") => {
            return match (lx.word(i + 2), lx.word(i + 3)) {
                ("before", "yesterday") => one(dl - Days::new(2), i + 4),
                ("after", "tomorrow") => one(dl + Days::new(2), i + 4),
                _ => None,
            };
        }
        _ => {}
    }
    let shift: i32 = match w {
        "last" => -1,
        "this" => 0,
        "next" => 1,
        _ => return None,
    };
    // `this week friday`, `next week on friday`: the weekday reads the week
    if lx.is(i + 1, "week") {
        let k = if lx.is(i + 2, "on") { i + 3 } else { i + 2 };
        if weekday(lx.word(k)).is_some() {
            return None;
        }
    }
    match lx.word(i + 1) {
        "week" => {
            let monday = dl - Days::new(dl.weekday().num_days_from_monday() as u64)
                + chrono::Duration::weeks(shift as i64);
            span_hit(i, i + 2, monday, monday + Days::new(6)).into()
        }
        "month" => {
            let first = ymd(dl.year(), dl.month(), 1)?;
            let first = if shift < 0 {
                first.checked_sub_months(Months::new(1))?
            } else {
                first.checked_add_months(Months::new(shift as u32))?
            };
            span_hit(i, i + 2, first, last_day(first.year(), first.month())?).into()
        }
        "year" => {
            let y = dl.year() + shift;
            span_hit(i, i + 2, ymd(y, 1, 1)?, ymd(y, 12, 31)?).into()
        }
        _ => None,
    }
}

/// `friday the 22nd`: the day of the month nearest the dateline that falls on that weekday.
fn weekday_the_day(lx: &Lexed, wi: usize, j: usize, ctx: &DateCtx) -> Option<DateHit> {
    let dl = ctx.dateline?;
    let (wd, _) = weekday(lx.word(wi))?;
    if !lx.is(j, "the") {
        return None;
    }
    let (d, e, _) = day_at(lx, j + 1).or_else(|| {
        let v = unit_word(lx.word(j + 1)).filter(|v| *v >= 1.0)?;
        Some((v as u32, j + 2, false))
    })?;
    let base = ymd(dl.year(), dl.month(), 1)?;
    let mut best: Option<Date> = None;
    for k in 0..3u32 {
        let first = if k == 0 {
            base.checked_sub_months(Months::new(1))?
        } else {
            base.checked_add_months(Months::new(k - 1))?
        };
        if let Some(c) = ymd(first.year(), first.month(), d) {
            if c.weekday() == wd
                && best.is_none_or(|b| (c - dl).num_days().abs() < (b - dl).num_days().abs())
            {
                best = Some(c);
            }
        }
    }
    let v = best.or_else(|| ymd(dl.year(), dl.month(), d))?;
    Some(day_hit(wi, e, v, true))
}

/// The `the 27th` of chat text and some news (`on the 27th`): the day in the dateline's month,
/// or the month before when the day has not come yet.
pub fn bare_ordinal_day(lx: &Lexed, i: usize, ctx: &DateCtx) -> Option<DateHit> {
    let dl = ctx.dateline?;
    if !lx.is(i, "the") {
        return None;
    }
    let n = lx.num(i + 1)?;
    if !(n.plain && n.int_digits <= 2 && lx.glued(i + 2)) {
        return None;
    }
    if !matches!(lx.word(i + 2), "st" | "nd" | "rd" | "th") {
        return None;
    }
    let e = i + 3;
    if e < lx.len() && lx.sym_at(e).is_none() && !lx.is(e, "next") {
        return None; // `the 27th floor`
    }
    let d = n.value as u32;
    let mut v = ymd(dl.year(), dl.month(), d);
    if v.is_none_or(|x| x > dl) {
        let prev = ymd(dl.year(), dl.month(), 1)?.checked_sub_months(Months::new(1))?;
        v = ymd(prev.year(), prev.month(), d);
    }
    Some(day_hit(i, e, v?, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Finds the first date hit in `text`: its text and value.
    fn first(text: &str, dateline: Option<&str>, lowercase: bool) -> Option<(String, String)> {
        let lx = Lexed::new(text);
        let ctx = DateCtx {
            dateline: dateline.map(d),
            lowercase,
        };
        (0..lx.len()).find_map(|i| {
            at(&lx, i, &ctx).map(|h| {
                (
                    text[lx.start(h.start)..lx.end(h.end - 1)].to_string(),
                    h.value.format("%Y-%m-%d").to_string(),
                )
            })
        })
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn dates_table() {
        let dl = Some("2018-06-03"); // a Sunday
        let cases: &[(&str, Option<&str>, bool, Option<(&str, &str)>)] = &[
            (
                "met on June 3, 2018 in",
                None,
                false,
                Some(("June 3, 2018", "2018-06-03")),
            ),
            (
                "the june 12 summit",
                dl,
                true,
                Some(("june 12", "2018-06-12")),
            ),
            (
                "the june 12 summit",
                None,
                true,
                Some(("june 12", "0000-06-12")),
            ),
            (
                "late Dec 30 deal",
                Some("2019-01-02"),
                false,
                Some(("Dec 30", "2018-12-30")),
            ),
            (
                "dated from 1901 showed",
                None,
                true,
                Some(("1901", "1901-01-01")),
            ),
            ("made in china 2025 plan", None, true, None),
            (
                "in March 2018 they",
                None,
                false,
                Some(("March 2018", "2018-03-01")),
            ),
            ("she may 12 times", None, true, None),
            (
                "ended on Sunday without",
                dl,
                false,
                Some(("Sunday", "2018-06-03")),
            ),
            ("on monday he", dl, true, Some(("monday", "2018-05-28"))),
            (
                "will meet on monday",
                dl,
                true,
                Some(("monday", "2018-06-04")),
            ),
            ("last sunday", dl, true, Some(("last sunday", "2018-05-27"))),
            ("on Sunday", None, false, None),
            ("the Sunday Times said", dl, false, None),
            (
                "Sunday, June 4, 2018",
                None,
                false,
                Some(("Sunday, June 4, 2018", "2018-06-04")),
            ),
            (
                "on 15 june 2016",
                None,
                true,
                Some(("15 june 2016", "2016-06-15")),
            ),
            (
                "the fourth of july",
                dl,
                true,
                Some(("fourth of july", "2018-07-04")),
            ),
            ("in the 1990s", None, true, Some(("1990s", "1990-01-01"))),
            (
                "on 2018-06-03",
                None,
                true,
                Some(("2018-06-03", "2018-06-03")),
            ),
            (
                "due 02/22/2016",
                None,
                true,
                Some(("02/22/2016", "2016-02-22")),
            ),
            ("call 555-123-4567", None, true, None),
            ("yesterday", dl, true, Some(("yesterday", "2018-06-02"))),
            ("last week", dl, true, Some(("last week", "2018-05-21"))),
            (
                "in march and early april",
                dl,
                true,
                Some(("march", "2018-03-01")),
            ),
            ("a 2-1 win", dl, true, None),
        ];
        for (text, dl, lc, want) in cases {
            let got = first(text, *dl, *lc);
            let want = want.map(|(a, b)| (a.to_string(), b.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
    }
}
