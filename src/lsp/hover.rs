//! Hover: an entity's card or a figure's value, in short Markdown.

use super::query::Ctx;
use crate::corpus::quantities::same_quantity;
use crate::format::DocKind;
use crate::host::lookup::Entity;
use crate::model::{EntityType, Figure, FigureType, Qualifier, Value};
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

/// A person-readable type name.
pub fn type_name(ty: EntityType) -> &'static str {
    match ty {
        EntityType::Per => "person",
        EntityType::Org => "organisation",
        EntityType::Loc => "place",
        EntityType::Misc => "other",
    }
}

/// How an entity's canonical name is shown in the editor: as it is, unless it was only ever
/// seen lowercased (a dump-only name such as `steven mnuchin`), then with capitals at word
/// starts (`Steven Mnuchin`). Display only: the name itself, and the CLI's JSON, keep the
/// canonical form.
pub fn display_name(name: &str) -> std::borrow::Cow<'_, str> {
    if name.chars().any(char::is_uppercase) {
        return name.into();
    }
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c.is_whitespace() || c == '-';
    }
    out.into()
}

/// `7 mentions in 2 files`.
pub fn mention_count(e: &Entity) -> String {
    let (m, f) = (e.mentions.len(), e.files.len());
    format!(
        "{m} mention{} in {f} file{}",
        if m == 1 { "" } else { "s" },
        if f == 1 { "" } else { "s" }
    )
}

/// A number with thousands separators when whole, else with up to four decimals.
pub fn number(n: f64) -> String {
    if !n.is_finite() {
        return n.to_string();
    }
    if n.fract() == 0.0 && n.abs() < 1e18 {
        let s = format!("{}", n.abs() as u64);
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return if n < 0.0 { format!("-{out}") } else { out };
    }
    let s = format!("{n:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A day as people write it: `2018-06-03`, or `14 June` when the text gave no year (the
/// extractor's year 0).
fn date_text(d: &crate::model::Date) -> String {
    use chrono::Datelike;
    if d.year() == 0 {
        d.format("%-d %B").to_string()
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// A duration (normalised to days) in the largest unit it is a whole or half number of:
/// `7 years`, not `2556.75 days`.
fn duration_text(days: f64) -> String {
    const UNITS: [(&str, f64); 4] = [
        ("year", 365.25),
        ("month", 365.25 / 12.0),
        ("week", 7.0),
        ("day", 1.0),
    ];
    for (unit, len) in UNITS {
        let k = days / len;
        let halves = k * 2.0;
        if k.abs() >= 1.0 && (halves - halves.round()).abs() < 1e-6 {
            let k = halves.round() / 2.0;
            let s = if k == 1.0 { "" } else { "s" };
            return format!("{} {unit}{s}", number(k));
        }
    }
    format!("{} days", number(days))
}

fn value_text(v: &Value, fig: &Figure) -> String {
    match v {
        Value::Date(d) => date_text(d),
        Value::Number(n) => match (fig.ty, fig.unit.as_deref()) {
            (FigureType::Percent, Some("pp")) => format!("{} percentage points", number(*n)),
            (FigureType::Percent, _) => format!("{}%", number(*n)),
            (FigureType::Duration, _) => duration_text(*n),
            (_, Some(u)) => format!("{} {u}", number(*n)),
            (_, None) => number(*n),
        },
    }
}

/// The normalised value of a figure (`50,000,000,000 USD`, `2018-06-03`, `25%`).
pub fn figure_value(fig: &Figure) -> String {
    value_text(&fig.value, fig)
}

/// The interval a figure allows, when it says more than the value.
pub fn figure_interval(fig: &Figure) -> Option<String> {
    let q = match fig.qualifier {
        Qualifier::Exact => "exact",
        Qualifier::Approx => "approximately",
        Qualifier::AtMost => "at most",
        Qualifier::AtLeast => "at least",
        Qualifier::Range => "range",
    };
    let bound = |v: &Value| match v {
        Value::Date(d) => date_text(d),
        Value::Number(n) if fig.ty == FigureType::Duration => duration_text(*n),
        Value::Number(n) => number(*n),
    };
    let b = match (&fig.low, &fig.high) {
        (Some(l), Some(h)) if l != h => format!("{} – {}", bound(l), bound(h)),
        (Some(l), None) => format!("≥ {}", bound(l)),
        (None, Some(h)) => format!("≤ {}", bound(h)),
        _ => return (fig.qualifier != Qualifier::Exact).then(|| q.to_string()),
    };
    Some(format!("{q}, {b}"))
}

/// The hover at a position of the context's file.
pub fn hover(ctx: &Ctx, pos: Position) -> Option<Hover> {
    let offset = ctx.offset(pos)?;
    if let Some((id, span)) = ctx.entity_at(offset) {
        let e = ctx.snap.index().entity(id)?;
        return Some(markdown(entity_card(ctx, e), ctx.range(span)));
    }
    if let Some((amb, span)) = ctx.ambiguity_at(offset) {
        // Ambiguity is shown, never guessed silently.
        let names: Vec<String> = amb
            .candidates
            .iter()
            .filter_map(|id| ctx.snap.index().entity(*id))
            .map(|e| format!("**{}** ({})", display_name(&e.name), type_name(e.ty)))
            .collect();
        let text = format!(
            "Ambiguous: could be {}\n\nAdd an alias in `corpus-ls.toml` to settle it.\n",
            names.join(" or ")
        );
        return Some(markdown(text, ctx.range(span)));
    }
    if let Some((name, ty, span)) = ctx.fresh.as_ref().and_then(|f| f.new_name_at(offset)) {
        // Typed since the last join: what this file says, until the join catches up.
        let text = format!(
            "**{}** · {}\n\nNew here: not joined with the corpus yet.\n",
            display_name(name),
            type_name(ty)
        );
        return Some(markdown(text, ctx.range(span)));
    }
    let src = ctx.source();
    let fig = src
        .analysis
        .figures
        .iter()
        .find(|f| f.span.touches(offset))?;
    Some(markdown(figure_card(ctx, fig), ctx.range(fig.span)))
}

fn markdown(value: String, range: tower_lsp_server::ls_types::Range) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range),
    }
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

fn entity_card(ctx: &Ctx, e: &Entity) -> String {
    let mut out = format!("**{}** · {}\n\n", display_name(&e.name), type_name(e.ty));
    out.push_str(&mention_count(e));
    if let Some(d) = e.defining {
        out.push_str(&format!(
            " · defined at {}",
            code(&ctx.place(d.file as usize, d.span.start()))
        ));
    }
    out.push('\n');
    out.extend(super::archive::hover_line(ctx, e));
    if !e.aliases.is_empty() {
        let shown: Vec<&str> = e.aliases.iter().take(6).map(String::as_str).collect();
        let more = e.aliases.len().saturating_sub(shown.len());
        out.push_str(&format!(
            "\nAlso: {}{}\n",
            shown.join(", "),
            if more > 0 {
                format!(" (+{more})")
            } else {
                String::new()
            }
        ));
    }
    if let Some(d) = &e.description {
        out.push_str(&format!(
            "\n*{}* — {}\n",
            d.text,
            code(&ctx.place(d.at.file as usize, d.at.span.start()))
        ));
    }
    out
}

fn figure_card(ctx: &Ctx, fig: &Figure) -> String {
    let src = ctx.source();
    let whole = src.text();
    let text = fig.span.slice(&whole);
    let mut out = format!(
        "**{}** · {}\n\n= {}",
        text.trim(),
        fig.ty.as_str(),
        figure_value(fig)
    );
    if fig.unit_inferred {
        out.push_str(" (unit inferred)");
    }
    if let Some(i) = figure_interval(fig) {
        out.push_str(&format!(" ({i})"));
    }
    out.push('\n');
    if !fig.subject.is_empty() {
        out.push_str(&format!("\nMeasures: {}\n", fig.subject.join(", ")));
    }
    let is_note = src.analysis.kind == DocKind::Note;
    let mut others = Vec::new();
    // In path order, as a scan of every file would list them (the index skips files without one).
    for i in ctx.snap.same_quantity_files(fig) {
        let (i, f) = (i as usize, &ctx.snap.corpus.files[i as usize]);
        if i == ctx.file || (is_note && f.analysis.kind == DocKind::Note) {
            continue;
        }
        for g in f.analysis.figures.iter().filter(|g| same_quantity(fig, g)) {
            others.push(format!(
                "- {} {} ({})",
                code(&ctx.place(i, g.span.start())),
                figure_value(g),
                g.span.slice(&f.text()).trim()
            ));
        }
        if others.len() >= 5 {
            break;
        }
    }
    if !others.is_empty() {
        out.push_str("\nSources on the same quantity:\n");
        out.push_str(&others.join("\n"));
        out.push('\n');
    }
    for f in ctx
        .snap
        .findings(ctx.file)
        .iter()
        .filter(|f| f.span.overlaps(&fig.span) || f.span == fig.span)
    {
        out.push_str(&format!("\n⚠ {}: {}\n", f.code, f.message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_dates_and_names_as_people_write_them() {
        assert_eq!(duration_text(7.0 * 365.25), "7 years");
        assert_eq!(duration_text(1.5 * 365.25), "1.5 years");
        assert_eq!(duration_text(3.0 * 365.25 / 12.0), "3 months");
        assert_eq!(duration_text(14.0), "2 weeks");
        assert_eq!(duration_text(1.0), "1 day");
        assert_eq!(duration_text(10.0), "10 days");
        assert_eq!(duration_text(0.25), "0.25 days");
        let june14 = crate::model::Date::from_ymd_opt(0, 6, 14).unwrap();
        assert_eq!(date_text(&june14), "14 June");
        let d = crate::model::Date::from_ymd_opt(2018, 6, 3).unwrap();
        assert_eq!(date_text(&d), "2018-06-03");
        assert_eq!(display_name("steven mnuchin"), "Steven Mnuchin");
        assert_eq!(display_name("Liu He"), "Liu He");
        assert_eq!(display_name("ZTE"), "ZTE");
        assert_eq!(display_name("jean-luc picard"), "Jean-Luc Picard");
    }
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};

    fn text_of(h: &Hover) -> &str {
        match &h.contents {
            HoverContents::Markup(m) => &m.value,
            _ => panic!("markdown expected"),
        }
    }

    #[test]
    fn entity_hover_names_the_canonical_entity_with_counts() {
        let c = ctx(fixture::liu(), "b.txt");
        let h = hover(&c, pos(&c, "mr liu", 4)).unwrap();
        let t = text_of(&h);
        assert!(t.starts_with("**Liu He** · person"), "{t}");
        assert!(t.contains("5 mentions in 3 files"), "{t}");
        assert!(t.contains("defined at `a.txt:1`"), "{t}");
        assert!(t.contains("mr liu"), "{t}");
        assert!(t.contains("*vice premier* — `a.txt:1`"), "{t}");
        assert_eq!(
            h.range.unwrap().start,
            pos(&c, "mr liu", 3),
            "the name, without mr"
        );
    }

    #[test]
    fn no_hover_between_mentions_or_past_the_end() {
        let c = ctx(fixture::liu(), "b.txt");
        assert!(hover(&c, pos(&c, "said", 1)).is_none());
        assert!(hover(&c, Position::new(500, 0)).is_none());
        // A column past the line's end clamps to it: the last word of the line.
        let h = hover(&c, Position::new(0, 9999)).unwrap();
        assert!(text_of(&h).starts_with("**Beijing**"));
    }

    #[test]
    fn figure_hover_shows_value_interval_and_sources() {
        let c = fixture::corpus(vec![
            fixture::file("a.txt", "The company has about 70,000 employees.\n", &[]),
            fixture::file("notes/n.txt", "The company has 80,000 employees.\n", &[]),
        ]);
        let c = ctx(c, "notes/n.txt");
        assert!(
            !c.source().analysis.figures.is_empty(),
            "the figure recogniser found none"
        );
        let h = hover(&c, pos(&c, "80,000", 2)).unwrap();
        let t = text_of(&h);
        assert!(t.starts_with("**80,000"), "{t}");
        assert!(t.contains("= 80,000 employee"), "{t}");
        assert!(t.contains("Measures: "), "{t}");
        assert!(t.contains("`a.txt:1` 70,000 employee"), "{t}");
    }

    #[test]
    fn an_ambiguous_short_form_names_its_candidates() {
        let c = fixture::corpus(vec![
            fixture::file("a.txt", "[Ann Smith] runs the mill.\n", &[]),
            fixture::file("b.txt", "[Bob Smith] runs the bank.\n", &[]),
            fixture::file("c.txt", "[Smith] was quoted.\n", &[]),
        ]);
        let c = ctx(c, "c.txt");
        if let Some(h) = hover(&c, pos(&c, "Smith", 1)) {
            let t = text_of(&h);
            assert!(t.starts_with("Ambiguous: could be **"), "{t}");
            assert!(t.contains("Ann Smith") && t.contains("Bob Smith"), "{t}");
        } else {
            panic!("a hover on the ambiguous short form");
        }
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(150e9), "150,000,000,000");
        assert_eq!(number(-1234.0), "-1,234");
        assert_eq!(number(1.0 / 3.0), "0.3333");
        assert_eq!(number(25.5), "25.5");
    }
}
