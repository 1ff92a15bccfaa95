//! Document symbols: headline, sections, then people, organisations, places and other names
//! (each entity once, with its mention count in this file), then figures.

use super::hover::figure_value;
use super::query::Ctx;
use crate::host::lookup::EntityId;
use crate::model::{EntityType, Span};
use std::collections::BTreeMap;
use tower_lsp_server::ls_types::{DocumentSymbol, SymbolKind};

/// The symbol kind shown for an entity type.
pub fn entity_kind(ty: EntityType) -> SymbolKind {
    match ty {
        EntityType::Per => SymbolKind::OBJECT,
        EntityType::Org => SymbolKind::CLASS,
        EntityType::Loc => SymbolKind::PACKAGE,
        EntityType::Misc => SymbolKind::PROPERTY,
    }
}

#[allow(deprecated)]
fn symbol(
    ctx: &Ctx,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    range: Span,
    selection: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.trim().is_empty() {
            "(empty)".to_string()
        } else {
            name
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: ctx.range(range),
        selection_range: ctx.range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The outline of the context's file.
pub fn document_symbols(ctx: &Ctx) -> Vec<DocumentSymbol> {
    let src = ctx.source();
    let text = src.text();
    let text: &str = &text;
    let meta = &src.analysis.meta;
    let whole = Span::new(0, text.len());
    let mut out = Vec::new();
    if let (Some(h), Some(span)) = (&meta.headline, meta.headline_span) {
        out.push(symbol(
            ctx,
            h.clone(),
            None,
            SymbolKind::FILE,
            span,
            span,
            Vec::new(),
        ));
    }
    // Sections: each heading runs to the next heading of the same or a higher level.
    let heads: Vec<(u8, Span)> = meta
        .headings
        .iter()
        .copied()
        .filter(|(_, s)| Some(*s) != meta.headline_span && text.get(s.start()..s.end()).is_some())
        .collect();
    out.extend(sections(ctx, &heads, 0, heads.len(), text.len()));
    // Entities grouped by type, each once, at its first mention in this file.
    let mut firsts: BTreeMap<EntityId, (Span, usize)> = BTreeMap::new();
    for (span, id) in ctx.snap.index().mentions_in(ctx.file) {
        firsts
            .entry(id)
            .and_modify(|e| e.1 += 1)
            .or_insert((span, 1));
    }
    let groups = [
        (EntityType::Per, "People"),
        (EntityType::Org, "Organisations"),
        (EntityType::Loc, "Places"),
        (EntityType::Misc, "Other names"),
    ];
    for (ty, title) in groups {
        let mut members: Vec<(Span, DocumentSymbol)> = firsts
            .iter()
            .filter_map(|(&id, &(span, n))| {
                let e = ctx.snap.index().entity(id)?;
                (e.ty == ty).then(|| {
                    let detail = format!("{n} mention{}", if n == 1 { "" } else { "s" });
                    (
                        span,
                        symbol(
                            ctx,
                            e.name.clone(),
                            Some(detail),
                            entity_kind(ty),
                            span,
                            span,
                            Vec::new(),
                        ),
                    )
                })
            })
            .collect();
        if members.is_empty() {
            continue;
        }
        members.sort_by_key(|(s, _)| s.start());
        let cover = Span::new(
            members[0].0.start(),
            members.iter().map(|m| m.0.end()).max().unwrap_or(0),
        );
        let n = members.len();
        out.push(symbol(
            ctx,
            title.to_string(),
            Some(format!("{n}")),
            SymbolKind::NAMESPACE,
            cover,
            members[0].0,
            members.into_iter().map(|(_, s)| s).collect(),
        ));
    }
    let figs: Vec<DocumentSymbol> = src
        .analysis
        .figures
        .iter()
        .filter(|f| text.get(f.span.start()..f.span.end()).is_some())
        .map(|f| {
            symbol(
                ctx,
                f.span.slice(text).trim().to_string(),
                Some(figure_value(f)),
                SymbolKind::NUMBER,
                f.span,
                f.span,
                Vec::new(),
            )
        })
        .collect();
    if let (Some(first), Some(last)) = (src.analysis.figures.first(), src.analysis.figures.last()) {
        let n = figs.len();
        out.push(symbol(
            ctx,
            "Figures".to_string(),
            Some(format!("{n}")),
            SymbolKind::NAMESPACE,
            Span::new(first.span.start(), last.span.end().max(first.span.start())),
            first.span,
            figs,
        ));
    }
    let _ = whole;
    out
}

/// Headings `from..to`, nested by level; the last runs to `end`.
fn sections(
    ctx: &Ctx,
    heads: &[(u8, Span)],
    from: usize,
    to: usize,
    end: usize,
) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let (level, span) = heads[i];
        let mut j = i + 1;
        while j < to && heads[j].0 > level {
            j += 1;
        }
        let stop = if j < to { heads[j].1.start() } else { end };
        let children = sections(ctx, heads, i + 1, j, stop);
        let name = span
            .slice(&ctx.source().text())
            .trim()
            .trim_start_matches('#')
            .trim()
            .to_string();
        out.push(symbol(
            ctx,
            name,
            None,
            SymbolKind::STRING,
            Span::new(span.start(), stop.max(span.end())),
            span,
            children,
        ));
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::ctx;

    #[test]
    fn outline_has_sections_then_groups() {
        let text = "# Title\n\n## One\n\nVice Premier Liu He spoke in Beijing on Monday.\n\n\
                    ### One.a\n\nAt noon, Mr. Liu left.\n\n## Two\n\nNothing more.\n";
        let corpus = fixture::corpus(vec![("a.md".into(), text.into(), String::new())]);
        let c = ctx(corpus, "a.md");
        let syms = document_symbols(&c);
        let names: Vec<&str> = syms.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(&names[..3], ["Title", "One", "Two"], "{names:?}");
        assert_eq!(syms[1].children.as_ref().unwrap()[0].name, "One.a");
        let people = syms.iter().find(|s| s.name == "People").expect("people");
        let liu = people.children.as_ref().unwrap();
        assert_eq!(liu.len(), 1, "{liu:?}");
        assert_eq!(liu[0].name, "Liu He");
        assert_eq!(liu[0].detail.as_deref(), Some("2 mentions"));
        assert!(names.contains(&"Places"), "{names:?}");
    }
}
