//! Inlay hints: after an alias, its canonical entity (`mr liu` → Liu He); after a figure whose
//! notation is unclear, its normalised value.

use super::hover::figure_value;
use super::query::Ctx;
use crate::format::Format;
use crate::model::{Figure, FigureType};
use tower_lsp_server::ls_types::{InlayHint, InlayHintLabel, InlayHintTooltip, Range};

/// True when a figure's text does not show its value plainly: an inferred unit, words for
/// numbers or scales, or a date without its year.
pub fn unclear(fig: &Figure, written: &str, format: Format) -> bool {
    let lower = written.to_lowercase();
    let has_digit = written.chars().any(|c| c.is_ascii_digit());
    let scale = ["million", "billion", "trillion", "bn", "thousand"]
        .iter()
        .any(|w| lower.split(|c: char| !c.is_alphanumeric()).any(|t| t == *w));
    let yearless = fig.ty == FigureType::Date
        && !written
            .split(|c: char| !c.is_ascii_digit())
            .any(|t| t.len() == 4);
    fig.unit_inferred || !has_digit || scale || yearless || format == Format::Lowercase
}

/// The hints inside `range` of the context's file.
pub fn inlay_hints(ctx: &Ctx, range: Range) -> Vec<InlayHint> {
    if !ctx.settings.inlay_hints {
        return Vec::new();
    }
    let src = ctx.source();
    let text = src.text();
    let window = ctx.text().span(range, ctx.enc);
    let mut out: Vec<(usize, InlayHint)> = Vec::new();
    for (span, id) in ctx.snap.index().mentions_in(ctx.file) {
        if !span.overlaps(&window) {
            continue;
        }
        let (Some(e), Some(written)) = (
            ctx.snap.index().entity(id),
            text.get(span.start()..span.end()),
        ) else {
            continue;
        };
        if written.to_lowercase().contains(&e.name.to_lowercase()) {
            continue;
        }
        out.push((
            span.end(),
            hint(
                ctx,
                span.end(),
                format!("→ {}", super::hover::display_name(&e.name)),
                "canonical entity",
            ),
        ));
    }
    for f in &src.analysis.figures {
        let Some(written) = text.get(f.span.start()..f.span.end()) else {
            continue;
        };
        if f.span.overlaps(&window) && unclear(f, written, src.analysis.format) {
            out.push((
                f.span.end(),
                hint(
                    ctx,
                    f.span.end(),
                    format!("= {}", figure_value(f)),
                    "normalised value",
                ),
            ));
        }
    }
    out.sort_by_key(|(o, _)| *o);
    out.into_iter().map(|(_, h)| h).collect()
}

fn hint(ctx: &Ctx, at: usize, label: String, what: &str) -> InlayHint {
    InlayHint {
        position: ctx.text().position(at, ctx.enc),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: Some(InlayHintTooltip::String(format!("corpus-ls: {what}"))),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};
    use crate::model::{Qualifier, Span, Value};

    #[test]
    fn aliases_get_their_canonical_name() {
        let c = ctx(fixture::liu(), "b.txt");
        let whole = Range::new(pos(&c, "later", 0), c.text().position(usize::MAX, c.enc));
        let h = inlay_hints(&c, whole);
        let labels: Vec<String> = h
            .iter()
            .map(|h| match &h.label {
                InlayHintLabel::String(s) => s.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(labels, vec!["→ Liu He"]);
        assert_eq!(h[0].position, pos(&c, " said", 0));
    }

    #[test]
    fn unclear_figures_are_recognised() {
        let f = Figure {
            span: Span::new(0, 3),
            ty: FigureType::Money,
            value: Value::Number(150e9),
            unit: Some("USD".into()),
            unit_inferred: false,
            qualifier: Qualifier::Exact,
            low: None,
            high: None,
            subject: Default::default(),
        };
        assert!(unclear(&f, "150 billion", Format::Markdown));
        assert!(!unclear(&f, "$150,000,000,000", Format::Markdown));
        assert!(unclear(&f, "one-third", Format::Markdown));
        let d = Figure {
            ty: FigureType::Date,
            ..f.clone()
        };
        assert!(unclear(&d, "June 12", Format::Markdown));
        assert!(!unclear(&d, "June 12, 2018", Format::Markdown));
    }
}
