//! Figures: money, percentages, counts, fractions, dates, durations, numbers.
//!
//! One left-to-right pass over our own tokens (see [`lexer`]); at each token the recognisers try,
//! in order: a date, a currency sign or code followed by a number, a number phrase followed by a
//! unit (percent, currency name, duration unit), a range (`50 to 60 billion dollars`), a counted
//! noun, a bare scaled number in a money context, and last a plain number. Everything is bounded
//! look-ahead, so the pass is linear in the text.
//!
//! Not figures: numbers glued to names (`G20`, `Boeing 747`, `Section 301`, `Windows 10`), years
//! without a date word before them (`Made in China 2025`), ordinals (`first`, `21st`), numbers
//! joined by hyphens without a unit (`2-1`, `555-1234`), times (`10:30`), and small numbers in
//! words that measure nothing (`the two sides`, `one of the few`).

pub mod dates;
pub mod durations;
pub mod lexer;
pub mod money;
pub mod numbers;
pub mod qualifiers;
pub mod subject;

use crate::intern::{intern, IList, IStr};
use crate::model::{Date, Figure, FigureType, Qualifier, Span, Value};
use crate::text::Segments;
use lexer::Lexed;
use money::Currency;
use numbers::NumPhrase;
use qualifiers::Qual;

/// What a figure extractor knows besides the text.
#[derive(Debug, Clone, Copy, Default)]
pub struct FigureContext {
    /// The article's dateline date, for `june 12` and `on Sunday`.
    pub dateline: Option<Date>,
    /// True for all-lowercase dumps.
    pub lowercase: bool,
}

/// A figure with the spans an evaluation needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The figure (its span includes the qualifier).
    pub figure: Figure,
    /// The figure without its qualifier (`$50 billion` of `almost $50 billion`).
    pub core: Span,
    /// The number alone and its value as written (`50 billion` = 5e10 of `$50 billion`).
    pub number: Option<(Span, f64)>,
}

/// Finds the figures of a view text; spans are view offsets.
pub fn extract(text: &str, _segments: &Segments, ctx: &FigureContext) -> Vec<Figure> {
    extract_detailed(text, ctx)
        .into_iter()
        .map(|f| f.figure)
        .collect()
}

/// The unit a number phrase carries.
#[derive(Debug, Clone, PartialEq)]
enum Unit {
    Money(&'static str, f64),
    Percent(f64),
    Points(f64),
    Duration(f64),
}

impl Unit {
    fn same_kind(&self, other: &Unit) -> bool {
        match (self, other) {
            (Unit::Money(a, _), Unit::Money(b, _)) => a == b,
            (Unit::Percent(_), Unit::Percent(_)) | (Unit::Points(_), Unit::Points(_)) => true,
            (Unit::Duration(_), Unit::Duration(_)) => true,
            _ => false,
        }
    }
}

/// One quantity: an optional currency prefix, a number phrase and its unit.
#[derive(Debug, Clone)]
struct Qty {
    start: usize,
    num: NumPhrase,
    unit: Option<Unit>,
    end: usize,
    /// Added to the value in the unit's own terms (`and a half` hours, `50 cents` of dollars).
    add: f64,
}

struct Scan<'a> {
    lx: Lexed<'a>,
    ctx: FigureContext,
    dctx: dates::DateCtx,
    out: Vec<Found>,
    /// Indices into `out` of money figures whose currency was inferred.
    inferred: Vec<usize>,
}

/// Finds the figures of a view text with their core and number spans.
pub fn extract_detailed(text: &str, ctx: &FigureContext) -> Vec<Found> {
    let mut s = Scan {
        lx: Lexed::new(text),
        ctx: *ctx,
        dctx: dates::DateCtx {
            dateline: ctx.dateline,
            lowercase: ctx.lowercase,
        },
        out: Vec::new(),
        inferred: Vec::new(),
    };
    s.run();
    s.fill_inferred_currency();
    s.out
}

impl<'a> Scan<'a> {
    fn run(&mut self) {
        let n = self.lx.len();
        let mut i = 0;
        let mut floor = 0;
        while i < n {
            match self.at(i, floor) {
                Some(next) => {
                    i = next.max(i + 1);
                    floor = i;
                }
                None => i += 1,
            }
        }
    }

    /// Tries every recogniser at token `i`; returns the token after what it consumed.
    fn at(&mut self, i: usize, floor: usize) -> Option<usize> {
        let lx = &self.lx;
        // Most words cannot start a figure; a cheap test keeps the pass fast.
        let w = lx.word(i);
        if !w.is_empty() && !may_start(w) {
            return None;
        }
        if let Some(h) =
            dates::at(lx, i, &self.dctx).or_else(|| dates::bare_ordinal_day(lx, i, &self.dctx))
        {
            self.push_date(h.start, h.end, h.value, h.low, h.high, Qual::Exact, h.start);
            return Some(h.end);
        }
        if self.name_number(i) {
            // skip the whole glued chain (`G20`, `SCP-173`, `747s`)
            let mut j = i + 1;
            while j < lx.len() && lx.glued(j) && lx.sym_at(j).is_none_or(|c| c == '-') {
                j += 1;
            }
            return Some(j);
        }
        let first = match self.quantity(i) {
            Some(q) => q,
            None => {
                if let Some((v, lo, hi, days, e)) = durations::vague(lx, i) {
                    let (qual, s, e2) = self.qualifier(i, e, floor);
                    let _ = qual;
                    let subject = subject::subject(lx, i, e, None, self.ctx.lowercase);
                    let fig = Figure {
                        span: self.span(s, e2),
                        ty: FigureType::Duration,
                        value: Value::Number(v * days),
                        unit: Some("day".into()),
                        unit_inferred: false,
                        qualifier: Qualifier::Approx,
                        low: Some(Value::Number(lo * days)),
                        high: Some(Value::Number(hi * days)),
                        subject: IList::new(&subject),
                    };
                    let core = self.span(i, e);
                    self.out.push(Found {
                        figure: fig,
                        core,
                        number: None,
                    });
                    return Some(e2);
                }
                if let Some((days, e)) = durations::article_unit(lx, i) {
                    let num = NumPhrase {
                        start: i,
                        end: i + 1,
                        value: 1.0,
                        place: 1.0,
                        spelled: true,
                        fraction: false,
                        scaled: false,
                        lit: None,
                        scale: 1.0,
                    };
                    let (add, e) = durations::and_a_half(lx, e).unwrap_or((0.0, e));
                    let q = Qty {
                        start: i,
                        num,
                        unit: Some(Unit::Duration(days)),
                        end: e,
                        add,
                    };
                    return Some(self.emit_unit(&q, floor));
                }
                return None;
            }
        };
        // `between 50 and 60 billion`, `$50 billion to $60 billion`, `two or three weeks`
        if let Some(end) = self.range(&first, floor) {
            return Some(end);
        }
        if first.unit.is_some() {
            return Some(self.emit_unit(&first, floor));
        }
        Some(self.emit_bare(&first, floor))
    }

    /// A number glued to a name or code (`G20`, `SCP-173`, `3D`, `Boeing 747`, `Section 301`).
    fn name_number(&self, i: usize) -> bool {
        let lx = &self.lx;
        if lx.num(i).is_none() {
            return false;
        }
        if i > 0 && lx.glued(i) {
            if !lx.word(i - 1).is_empty() && money::prefix(lx, i - 1, self.ctx.lowercase).is_none()
            {
                return true; // `G20`
            }
            if lx.sym(i - 1, '-') && i > 1 && lx.glued(i - 1) && !lx.word(i - 2).is_empty() {
                return true; // `SCP-173`, `F-35`
            }
        }
        if i > 0 && !lx.glued(i) {
            let p = lx.word(i - 1);
            if name_cue(p) {
                return true;
            }
            // Cased text: a capitalised word before a number names something (`Boeing 747`),
            // unless it starts the sentence or is a month or a qualifier.
            if !self.ctx.lowercase
                && lx.capitalized(i - 1)
                && !sentence_start(lx, i - 1)
                && !matches!(
                    p,
                    "about"
                        | "around"
                        | "nearly"
                        | "almost"
                        | "some"
                        | "over"
                        | "under"
                        | "only"
                        | "just"
                        | "roughly"
                        | "up"
                        | "at"
                        | "in"
                        | "by"
                        | "to"
                        | "of"
                        | "the"
                )
            {
                return true;
            }
        }
        false
    }

    /// A currency prefix and number phrase, or a number phrase, at `i`, with its unit.
    fn quantity(&self, i: usize) -> Option<Qty> {
        let lx = &self.lx;
        let pre = money::prefix(lx, i, self.ctx.lowercase);
        let (num, unit) = match pre {
            Some(c) => {
                let p = numbers::parse(lx, c.end, true)?;
                let unit = Some(Unit::Money(c.iso, c.factor));
                (p, unit)
            }
            None => {
                // A dump's `£600m` lost its sign: the glued `m` is still a million.
                let p = numbers::parse(lx, i, lx.stripped)?;
                (p, None)
            }
        };
        let mut q = Qty {
            start: i,
            num,
            unit,
            end: num.end,
            add: 0.0,
        };
        if q.unit.is_none() {
            if let Some((u, e, add)) = self.unit_after(&num) {
                q.unit = Some(u);
                q.end = e;
                q.add = add;
            }
        } else if let Some(c) = money::suffix(lx, num.end, num.value, self.ctx.lowercase)
            .filter(|_| !lx.word(num.end).is_empty())
        {
            // `$ 10 dollars`, `US$ 5 million dollars`: a redundant name after the sign
            if matches!(q.unit, Some(Unit::Money(iso, _)) if iso == c.iso) {
                q.end = c.end;
            }
        }
        Some(q)
    }

    fn unit_after(&self, p: &NumPhrase) -> Option<(Unit, usize, f64)> {
        let lx = &self.lx;
        let e = p.end;
        if let Some((pp, factor, end)) = percent_suffix(lx, e) {
            let u = if pp {
                Unit::Points(factor)
            } else {
                Unit::Percent(factor)
            };
            return Some((u, end, 0.0));
        }
        if let Some(Currency { iso, end, factor }) =
            money::suffix(lx, e, p.value, self.ctx.lowercase)
        {
            let mut end = end;
            let mut factor = factor;
            // `75 USD million`
            if !p.scaled {
                if let Some(s) = numbers::scale_word(lx.word(end)).filter(|s| *s >= 1e3) {
                    factor *= s;
                    end += 1;
                }
            }
            // `3 dollars 50 cents`, `thirteen dollars forty-five`, `15 dollars and 50`
            let mut extra = 0.0;
            if factor == 1.0 && p.value.fract() == 0.0 {
                let k = if lx.is(end, "and") { end + 1 } else { end };
                if let Some(c) = numbers::parse(lx, k, false) {
                    let small = c.value < 100.0 && c.value.fract() == 0.0 && !c.scaled;
                    if let Some(cc) = money::suffix(lx, c.end, c.value, self.ctx.lowercase) {
                        if cc.factor == 0.01 && small {
                            extra = c.value * 0.01;
                            end = cc.end;
                        }
                    } else if small
                        && (c.end >= lx.len()
                            || lx.sym_at(c.end).is_some_and(|s| s != '-' && s != '%')
                            || matches!(lx.word(c.end), "more" | "less" | "only"))
                    {
                        extra = c.value * 0.01;
                        end = c.end;
                    }
                }
            }
            return Some((Unit::Money(iso, factor), end, extra));
        }
        let digits = p.lit.is_some() || !p.spelled;
        if let Some((days, end)) = durations::suffix(lx, e, digits) {
            let (mut add, mut end) = durations::and_a_half(lx, end).unwrap_or((0.0, end));
            // `1 year 1 month 21 days`, `two years and three months`: one length
            loop {
                let mut k = end;
                if lx.sym(k, ',') || lx.is(k, "and") {
                    k += 1;
                }
                let Some(n) = numbers::parse(lx, k, false) else {
                    break;
                };
                let Some((d2, e2)) = durations::suffix(lx, n.end, !n.spelled) else {
                    break;
                };
                add += n.value * d2 / days;
                end = e2;
            }
            return Some((Unit::Duration(days), end, add));
        }
        None
    }

    /// A range starting with `first`; emits it and returns the end, or None.
    fn range(&mut self, first: &Qty, floor: usize) -> Option<usize> {
        let lx = &self.lx;
        let e = first.end;
        let between = first.start > 0 && lx.is(first.start - 1, "between");
        let conn = match lx.sym_at(e) {
            Some('-' | '–' | '—') => true,
            _ => matches!(lx.word(e), "to") || (between && lx.is(e, "and")) || lx.is(e, "or"),
        };
        if !conn {
            return None;
        }
        let second = self.quantity(e + 1)?;
        let from = first.start > 0 && lx.is(first.start - 1, "from");
        let mut a = first.clone();
        let mut b = second;
        // units: shared when one side has none
        match (&a.unit, &b.unit) {
            (Some(x), Some(y)) if !x.same_kind(y) => return None,
            (None, Some(y)) => a.unit = Some(y.clone()),
            (Some(x), None) => {
                if b.num.small_word() || b.num.scale != a.num.scale || b.num.spelled {
                    return None;
                }
                // `grow 16% to 250,000`: a change and the level it reaches, not a range.
                if matches!(x, Unit::Percent(_)) && b.num.value > 100.0 {
                    return None;
                }
                b.unit = Some(x.clone());
            }
            (None, None) if !between => {
                if lx.sym_at(e).is_some() {
                    // `2-1`, `555-1234`: scores and codes, not figures
                    let mut j = b.end;
                    while lx.sym(j, '-') && lx.num(j + 1).is_some() {
                        j += 2;
                    }
                    return Some(j);
                }
                return None;
            }
            _ => {}
        }
        if a.num.small_word() && a.unit.is_none() && b.unit.is_none() {
            return None;
        }
        // `50 to 60 billion`: the first takes the second's scale
        if a.num.scale == 1.0 && b.num.scale > 1.0 && !a.num.spelled {
            let scaled = a.num.value * b.num.scale;
            if scaled <= b.num.value {
                a.num.value = scaled;
                a.num.place *= b.num.scale;
            }
        }
        if from {
            // `from $3 billion to $5 billion`: a change, two figures
            self.emit_any(&a, floor);
            return Some(self.emit_any(&b, b.start));
        }
        if b.num.value < a.num.value {
            return None;
        }
        let start_tok = if between { first.start - 1 } else { a.start };
        self.emit_range(&a, &b, start_tok, floor);
        Some(b.end)
    }

    fn emit_any(&mut self, q: &Qty, floor: usize) -> usize {
        if q.unit.is_some() {
            self.emit_unit(q, floor)
        } else {
            self.emit_bare(q, floor)
        }
    }

    fn span(&self, a: usize, b: usize) -> Span {
        Span::new(self.lx.start(a), self.lx.end(b - 1))
    }

    fn number_span(&self, p: &NumPhrase) -> Option<(Span, f64)> {
        Some((self.span(p.start, p.end), p.value))
    }

    /// Qualifier before `start` (not before `floor`) and after `end`.
    fn qualifier(&self, start: usize, end: usize, floor: usize) -> (Qual, usize, usize) {
        let (mut q, mut s) = (Qual::Exact, start);
        if let Some((qq, ss)) = qualifiers::before(&self.lx, start, floor) {
            // `some` qualifies only numbers in digits or scaled (`some 70,000`)
            let some = self.lx.is(ss, "some") && ss + 1 == start;
            if !some || self.lx.num(start).is_some() || self.lx.sym_at(start).is_some() {
                q = qq;
                s = ss;
            }
        }
        let mut e = end;
        if let Some((qq, ee)) = qualifiers::after(&self.lx, end) {
            if q == Qual::Exact {
                q = qq;
            }
            e = ee;
        }
        (q, s, e)
    }

    fn emit_unit(&mut self, q: &Qty, floor: usize) -> usize {
        let unit = q.unit.clone().expect("unit");
        let (qual, s, e) = self.qualifier(q.start, q.end, floor);
        let p = &q.num;
        let (ty, value, place, unit_name) = match unit {
            Unit::Money(iso, f) => (
                FigureType::Money,
                p.value * f + q.add,
                if q.add != 0.0 { 0.01 } else { p.place * f },
                Some(iso.to_string()),
            ),
            Unit::Percent(f) => (FigureType::Percent, p.value * f, p.place * f, None),
            Unit::Points(f) => (
                FigureType::Percent,
                p.value * f,
                p.place * f,
                Some("pp".to_string()),
            ),
            Unit::Duration(d) => (
                FigureType::Duration,
                (p.value + q.add) * d,
                if q.add != 0.0 { 0.5 * d } else { p.place * d },
                Some("day".to_string()),
            ),
        };
        let (low, high) = qualifiers::interval(value, place, qual);
        let subject = subject::subject(&self.lx, q.start, q.end, None, self.ctx.lowercase);
        let fig = Figure {
            span: self.span(s, e),
            ty,
            value: Value::Number(value),
            unit: unit_name.map(IStr::from),
            unit_inferred: false,
            qualifier: qual.contract(),
            low: low.map(Value::Number),
            high: high.map(Value::Number),
            subject: IList::new(&subject),
        };
        self.out.push(Found {
            figure: fig,
            core: self.span(q.start, q.end),
            number: self.number_span(p),
        });
        // `nearly three weeks ago`: also the date it points at
        if ty == FigureType::Duration && self.lx.is(e, "ago") {
            if let Some(dl) = self.ctx.dateline {
                let day = |d: f64| dl - chrono::Days::new(d.max(0.0).round() as u64);
                let (lo, hi) = (high.unwrap_or(value), low.unwrap_or(value));
                self.push_date(
                    s,
                    e + 1,
                    day(value),
                    Some(day(lo)),
                    Some(day(hi)),
                    qual,
                    q.start,
                );
                return e + 1;
            }
        }
        e
    }

    fn emit_range(&mut self, a: &Qty, b: &Qty, start_tok: usize, floor: usize) {
        let unit = a.unit.clone().or_else(|| b.unit.clone());
        let (ty, f, unit_name) = match unit {
            Some(Unit::Money(iso, f)) => (FigureType::Money, f, Some(iso.to_string())),
            Some(Unit::Percent(f)) => (FigureType::Percent, f, None),
            Some(Unit::Points(f)) => (FigureType::Percent, f, Some("pp".to_string())),
            Some(Unit::Duration(d)) => (FigureType::Duration, d, Some("day".to_string())),
            None => (FigureType::Number, 1.0, None),
        };
        let lo = a.num.value * f;
        let hi = b.num.value * f;
        let (_, s, _) = self.qualifier(start_tok, b.end, floor);
        let subject = subject::subject(&self.lx, a.start, b.end, None, self.ctx.lowercase);
        let fig = Figure {
            span: self.span(s.min(start_tok), b.end),
            ty,
            value: Value::Number((lo + hi) / 2.0),
            unit: unit_name.map(IStr::from),
            unit_inferred: false,
            qualifier: Qualifier::Range,
            low: Some(Value::Number(lo)),
            high: Some(Value::Number(hi)),
            subject: IList::new(&subject),
        };
        self.out.push(Found {
            figure: fig,
            core: self.span(a.start, b.end),
            number: None,
        });
    }

    /// A number phrase without a unit: a count, money by context, a fraction or a number.
    fn emit_bare(&mut self, q: &Qty, floor: usize) -> usize {
        let lx = &self.lx;
        let p = q.num;
        if p.fraction {
            return self.push_number(q, FigureType::Fraction, None, None, floor);
        }
        let year_like = p
            .lit
            .is_some_and(|n| n.plain && n.int_digits == 4 && (1000.0..=2100.0).contains(&n.value));
        let counted = counted_noun(lx, &p);
        if self.stripped_percent(&p, year_like, counted.as_ref().map(|c| c.1.as_str())) {
            let at = self.out.len();
            let end = self.push_number(q, FigureType::Percent, None, None, floor);
            self.out[at].figure.unit_inferred = true;
            return end;
        }
        if let Some((unit, surface, end)) = counted {
            if !year_like && self.count_ok(&p) {
                let q2 = Qty { end, ..q.clone() };
                return self.push_number(&q2, FigureType::Count, Some(unit), Some(surface), floor);
            }
        }
        // A dump's `£3.1bn` is `3 1bn`: a glued scale is how papers write money, not counts.
        let glued_scale = lx.stripped && p.scaled && lx.glued(p.end - 1);
        if p.scaled && (glued_scale || self.money_context(p.start, p.end)) {
            let at = self.out.len();
            let end = self.push_number(q, FigureType::Money, Some("USD".into()), None, floor);
            self.out[at].figure.unit_inferred = true;
            self.inferred.push(at);
            return end;
        }
        if self.plain_ok(&p, year_like) {
            return self.push_number(q, FigureType::Number, None, None, floor);
        }
        p.end
    }

    /// A bare number a dump's lost `%` belongs to: written in digits, below 1,000, unscaled,
    /// after a word of change (`revenues slipped 11 during 2004`) or before one (`a 52 rise`),
    /// and counting nothing else (`rose 32 000 jobs` is a count); or a level of 100 or less
    /// after a rate (`the jobless rate rose to 4 7`) or before a stake (`owns a 56 stake`).
    fn stripped_percent(&self, p: &NumPhrase, year_like: bool, counted: Option<&str>) -> bool {
        let lx = &self.lx;
        if !lx.stripped || p.spelled || p.scaled || year_like || p.value >= 1000.0 {
            return false;
        }
        let noun_of_change = numbers::change_word(lx.word(p.end));
        if counted.is_some_and(|_| !noun_of_change) || lx.glued(p.end) {
            return false;
        }
        let level =
            p.value <= 100.0 && (numbers::rate_before(lx, p.start) || lx.word(p.end) == "stake");
        numbers::change_before(lx, p.start) || noun_of_change || level
    }

    fn count_ok(&self, p: &NumPhrase) -> bool {
        if !p.small_word() {
            return true;
        }
        if p.value == 1.0 || p.value == 0.0 {
            return false;
        }
        let prev = if p.start > 0 {
            self.lx.word(p.start - 1)
        } else {
            ""
        };
        !matches!(
            prev,
            "the"
                | "these"
                | "those"
                | "both"
                | "its"
                | "their"
                | "his"
                | "her"
                | "our"
                | "your"
                | "my"
                | "whose"
                | "all"
                | "first"
                | "last"
                | "other"
                | "next"
                | "s"
        )
    }

    fn plain_ok(&self, p: &NumPhrase, year_like: bool) -> bool {
        let lx = &self.lx;
        if p.small_word() || year_like {
            return false;
        }
        if p.spelled {
            return true;
        }
        let e = p.end;
        // glued letters that are no unit (`3D`, `5G`), times and list numbers
        if lx.glued(e) && !lx.word(e).is_empty() {
            return false;
        }
        if matches!(lx.word(e), "am" | "pm" | "a" | "p")
            && (lx.sym(e + 1, '.') || lx.word(e).len() == 2)
        {
            return false;
        }
        if lx.sym(e, '.') && lx.glued(e) && (p.start == 0 || lx.toks[p.start].para) {
            return false; // `1.` numbering a list
        }
        if lx.sym(e, '-') && lx.glued(e) && lx.glued(e + 1) {
            return false; // `2-1`, `25-year-old`: a score, a code or an adjective
        }
        true
    }

    /// True when money words surround tokens `start..end` in its clause.
    fn money_context(&self, start: usize, end: usize) -> bool {
        let (lo, hi) = subject::clause(&self.lx, start, end, self.ctx.lowercase);
        let lo = lo.max(start.saturating_sub(15));
        let hi = hi.min(end + 15);
        (lo..hi).any(|k| money::is_money_cue(self.lx.word(k)) || self.lx.sym(k, '$'))
    }

    fn push_number(
        &mut self,
        q: &Qty,
        ty: FigureType,
        unit: Option<String>,
        counted: Option<String>,
        floor: usize,
    ) -> usize {
        let p = q.num;
        let (qual, s, e) = self.qualifier(q.start, q.end, floor);
        let (low, high) = qualifiers::interval(p.value, p.place, qual);
        let subject = subject::subject(
            &self.lx,
            q.start,
            q.end,
            counted.as_deref(),
            self.ctx.lowercase,
        );
        let fig = Figure {
            span: self.span(s, e),
            ty,
            value: Value::Number(p.value),
            unit: unit.map(IStr::from),
            unit_inferred: false,
            qualifier: qual.contract(),
            low: low.map(Value::Number),
            high: high.map(Value::Number),
            subject: IList::new(&subject),
        };
        self.out.push(Found {
            figure: fig,
            core: self.span(q.start, q.end),
            number: self.number_span(&p),
        });
        e
    }

    #[allow(clippy::too_many_arguments)]
    fn push_date(
        &mut self,
        start: usize,
        end: usize,
        value: Date,
        low: Option<Date>,
        high: Option<Date>,
        qual: Qual,
        core_start: usize,
    ) {
        let subject = subject::subject(&self.lx, start, end, None, self.ctx.lowercase);
        let fig = Figure {
            span: self.span(start, end),
            ty: FigureType::Date,
            value: Value::Date(value),
            unit: None,
            unit_inferred: false,
            qualifier: qual.contract(),
            low: low.map(Value::Date),
            high: high.map(Value::Date),
            subject: IList::new(&subject),
        };
        self.out.push(Found {
            figure: fig,
            core: self.span(core_start.min(start), end),
            number: None,
        });
    }

    /// Inferred currencies take the document's most frequent written currency (else USD).
    /// Gives bare amounts a currency: the document's commonest explicit one, else (in a dump
    /// that lost every sign) its home currency from place cues, else dollars. In a dump an
    /// amount right after another is its conversion (`3 24bn 6 13bn` was `£3.24bn ($6.13bn)`),
    /// so it takes the next currency of the usual pair instead.
    fn fill_inferred_currency(&mut self) {
        if self.inferred.is_empty() {
            return;
        }
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for f in &self.out {
            if f.figure.ty == FigureType::Money && !f.figure.unit_inferred {
                if let Some(u) = f.figure.unit.as_deref() {
                    match counts.iter_mut().find(|(c, _)| *c == u) {
                        Some(e) => e.1 += 1,
                        None => counts.push((u, 1)),
                    }
                }
            }
        }
        let explicit = counts
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(c, _)| c.to_string());
        let stripped = self.lx.stripped;
        let best = explicit.unwrap_or_else(|| {
            if stripped {
                money::home_currency(&self.lx).to_string()
            } else {
                "USD".to_string()
            }
        });
        for i in 0..self.inferred.len() {
            let k = self.inferred[i];
            let cur = match (stripped, k.checked_sub(1)) {
                (true, Some(p)) if self.converts(p, k) => {
                    let prev = self.out[p].figure.unit.as_deref().unwrap_or("USD");
                    let before = p
                        .checked_sub(1)
                        .filter(|&pp| self.converts(pp, p))
                        .and_then(|pp| self.out[pp].figure.unit.as_deref());
                    money::conversion_currency(prev, before).to_string()
                }
                _ => best.clone(),
            };
            self.out[k].figure.unit = Some(intern(&cur));
        }
    }

    /// True when money figure `b` directly follows money figure `a` with nothing between them
    /// but spaces: in a dump, a conversion of `a`.
    fn converts(&self, a: usize, b: usize) -> bool {
        let (x, y) = (&self.out[a].figure, &self.out[b].figure);
        x.ty == FigureType::Money
            && y.ty == FigureType::Money
            && self
                .lx
                .text
                .get(x.span.end()..y.span.start())
                .is_some_and(|t| t.trim().is_empty())
    }
}

/// True for words that may start a figure: number words, months, weekdays, relative-date
/// words, articles of durations and currency prefixes.
fn may_start(w: &str) -> bool {
    numbers::is_number_word(w)
        || dates::may_start(w)
        || money::may_start(w)
        || matches!(
            w,
            "a" | "an"
                | "half"
                | "quarter"
                | "hundred"
                | "minus"
                | "negative"
                | "few"
                | "several"
                | "some"
                | "all"
                | "full"
                | "another"
        )
}

/// Words that make the following number part of a name (`Section 301`, `flight 17`).
fn name_cue(w: &str) -> bool {
    matches!(
        w,
        "section"
            | "article"
            | "chapter"
            | "clause"
            | "title"
            | "rule"
            | "part"
            | "page"
            | "no"
            | "number"
            | "version"
            | "model"
            | "flight"
            | "route"
            | "highway"
            | "interstate"
            | "room"
            | "apartment"
            | "suite"
            | "platform"
            | "gate"
            | "channel"
            | "windows"
            | "iphone"
            | "boeing"
            | "airbus"
            | "class"
            | "grade"
            | "level"
            | "phase"
            | "stage"
            | "vol"
            | "volume"
            | "issue"
            | "item"
            | "exhibit"
            | "paragraph"
            | "figure"
            | "table"
            | "district"
            | "precinct"
            | "ward"
            | "amendment"
            | "resolution"
            | "proposition"
            | "prop"
            | "form"
            | "code"
            | "category"
            | "tier"
            | "step"
            | "episode"
            | "season"
            | "series"
            | "psalm"
            | "verse"
            | "g"
            | "type"
            | "covid"
            | "ps"
            | "xbox"
            | "galaxy"
            | "pixel"
            | "china"
            | "vision"
            | "agenda"
    )
}

/// True when token `k` starts a sentence (text start, paragraph, or after `.`, `!`, `?`, quote).
fn sentence_start(lx: &Lexed, k: usize) -> bool {
    if k == 0 || lx.toks[k].para {
        return true;
    }
    let mut j = k - 1;
    // skip opening quotes and markup
    while matches!(
        lx.sym_at(j),
        Some('"' | '“' | '\'' | '‘' | '*' | '_' | '(' | '#')
    ) {
        if j == 0 {
            return true;
        }
        j -= 1;
    }
    matches!(lx.sym_at(j), Some('.' | '!' | '?' | ':' | '—' | '-'))
}

/// `%`, `percent`, `per cent`, `percentage points`, `basis points`: (points?, factor, end).
fn percent_suffix(lx: &Lexed, e: usize) -> Option<(bool, f64, usize)> {
    if matches!(lx.sym_at(e), Some('%' | '％')) {
        return Some((false, 1.0, e + 1));
    }
    let mut k = e;
    if lx.sym(k, '-') && lx.glued(k) {
        k += 1;
    }
    match lx.word(k) {
        "percent" | "percents" | "pct" => {
            if matches!(lx.word(k + 1), "point" | "points") {
                return Some((true, 1.0, k + 2));
            }
            Some((false, 1.0, k + 1))
        }
        "per" if lx.is(k + 1, "cent") => Some((false, 1.0, k + 2)),
        "percentage" => {
            if matches!(lx.word(k + 1), "point" | "points") {
                Some((true, 1.0, k + 2))
            } else if lx.sym(k + 1, '-') && matches!(lx.word(k + 2), "point" | "points") {
                Some((true, 1.0, k + 3))
            } else {
                Some((false, 1.0, k + 1))
            }
        }
        "basis" if matches!(lx.word(k + 1), "point" | "points") => Some((true, 0.01, k + 2)),
        "bps" | "bp" => Some((true, 0.01, k + 1)),
        _ => None,
    }
}

/// Function words that end the search for a counted noun.
fn stop_word(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "of"
            | "in"
            | "on"
            | "at"
            | "to"
            | "for"
            | "from"
            | "by"
            | "with"
            | "and"
            | "or"
            | "but"
            | "as"
            | "than"
            | "that"
            | "which"
            | "who"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "could"
            | "should"
            | "may"
            | "might"
            | "can"
            | "did"
            | "do"
            | "does"
            | "not"
            | "no"
            | "this"
            | "these"
            | "those"
            | "it"
            | "its"
            | "their"
            | "his"
            | "her"
            | "our"
            | "we"
            | "they"
            | "he"
            | "she"
            | "i"
            | "you"
            | "per"
            | "more"
            | "less"
            | "over"
            | "under"
            | "about"
            | "into"
            | "after"
            | "before"
            | "since"
            | "during"
            | "while"
            | "when"
            | "where"
            | "if"
            | "so"
            | "up"
            | "down"
            | "out"
            | "off"
            | "each"
            | "every"
            | "all"
            | "some"
            | "any"
            | "then"
            | "there"
            | "here"
            | "also"
            | "only"
            | "just"
            | "still"
            | "even"
            | "yet"
            | "ago"
            | "earlier"
            | "later"
            | "times"
            | "others"
            | "percent"
            | "old"
            | "s"
            | "t"
            | "said"
            | "says"
            | "say"
            | "against"
            | "between"
            | "among"
            | "through"
            | "until"
            | "last"
            | "next"
            | "new"
            | "other"
            | "such"
    )
}

/// Third-person verbs ending in `s` that follow numbers (`70,000 works`) and must not count.
fn verb_s(w: &str) -> bool {
    matches!(
        w,
        "says"
            | "has"
            | "does"
            | "goes"
            | "makes"
            | "takes"
            | "gets"
            | "comes"
            | "seems"
            | "means"
            | "remains"
            | "includes"
            | "shows"
            | "needs"
            | "wants"
            | "looks"
            | "rises"
            | "falls"
            | "lies"
            | "stands"
            | "sits"
            | "is"
            | "was"
            | "plus"
            | "minus"
            | "versus"
            | "was's"
            | "yes"
            | "thus"
            | "less"
            | "unless"
            | "across"
            | "always"
            | "perhaps"
            | "besides"
            | "whereas"
            | "its"
    )
}

fn plural_noun(w: &str) -> bool {
    if matches!(
        w,
        "people"
            | "men"
            | "women"
            | "children"
            | "staff"
            | "police"
            | "personnel"
            | "cattle"
            | "sheep"
            | "fish"
            | "feet"
            | "teeth"
            | "mice"
            | "geese"
            | "aircraft"
            | "data"
    ) {
        return true;
    }
    w.len() >= 4
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !verb_s(w)
        && w.chars().all(|c| c.is_alphabetic())
}

/// The singular of a plural noun (`companies` -> `company`, `people` -> `person`).
pub fn singular(w: &str) -> String {
    match w {
        "people" => return "person".into(),
        "men" => return "man".into(),
        "women" => return "woman".into(),
        "children" => return "child".into(),
        "feet" => return "foot".into(),
        "teeth" => return "tooth".into(),
        "mice" => return "mouse".into(),
        "geese" => return "goose".into(),
        _ => {}
    }
    if !w.ends_with('s') {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        if stem.len() >= 2 {
            return format!("{stem}y");
        }
    }
    for suf in ["sses", "ches", "shes", "xes", "zzes"] {
        if w.ends_with(suf) {
            return w[..w.len() - 2].to_string();
        }
    }
    w[..w.len() - 1].to_string()
}

/// The noun a number counts: `70,000-employee` (a hyphen compound), `70,000 workers`,
/// `464,000 paying subscribers` (one word between). Returns unit, surface word and end token.
fn counted_noun(lx: &Lexed, p: &NumPhrase) -> Option<(String, String, usize)> {
    let e = p.end;
    if lx.sym(e, '-') && lx.glued(e) && lx.glued(e + 1) {
        let w = lx.word(e + 1);
        if w.is_empty()
            || p.spelled
            || matches!(
                w,
                "old" | "strong" | "plus" | "odd" | "fold" | "something" | "year"
            )
        {
            return None;
        }
        if lx.sym(e + 2, '-') && lx.glued(e + 2) {
            return None; // `a 10-year-old`, `a 3-to-1`
        }
        return Some((singular(w), w.to_string(), e + 2));
    }
    let w1 = lx.word(e);
    if w1.is_empty() || stop_word(w1) || (lx.glued(e) && !p.spelled) {
        return None;
    }
    if plural_noun(w1) {
        return Some((singular(w1), w1.to_string(), e + 1));
    }
    let w2 = lx.word(e + 1);
    if !w2.is_empty() && !stop_word(w2) && plural_noun(w2) && !w1.ends_with("ly") {
        return Some((singular(w2), w2.to_string(), e + 2));
    }
    None
}

#[cfg(test)]
mod tests;
