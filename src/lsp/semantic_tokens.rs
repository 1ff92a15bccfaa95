//! Semantic tokens (full and range): people, organisations, places, other names and figures.
//!
//! Legend (token type indices, custom names with the standard fallback used when the client
//! does not list the custom ones, unless the `semanticTokens.customTypes` setting says so):
//!
//! | index | custom type    | fallback    | what                         |
//! |-------|----------------|-------------|------------------------------|
//! | 0     | `person`       | `variable`  | PER mentions                 |
//! | 1     | `organization` | `class`     | ORG mentions                 |
//! | 2     | `place`        | `namespace` | LOC mentions                 |
//! | 3     | `entity`       | `type`      | MISC mentions                |
//! | 4     | `figure`       | `number`    | figures of every dimension   |
//!
//! Modifiers: bit 0 `declaration` (the entity's defining mention), bit 1 `alias` (a mention that
//! does not spell the canonical name), falling back to `readonly` for clients without it.

use super::convert::TextRef;
use super::query::Ctx;
use crate::model::{EntityType, Span};
use tower_lsp_server::ls_types::{
    Range, SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens,
    SemanticTokensLegend,
};

/// The custom token types, in legend order.
pub const CUSTOM: [&str; 5] = ["person", "organization", "place", "entity", "figure"];
/// The standard fallbacks, in legend order.
pub const STANDARD: [&str; 5] = ["variable", "class", "namespace", "type", "number"];

/// True when the client lists every custom type.
pub fn client_takes_custom(client_types: &[String]) -> bool {
    CUSTOM.iter().all(|t| client_types.iter().any(|c| c == t))
}

/// The legend: custom types or their standard fallbacks.
pub fn legend(custom: bool) -> SemanticTokensLegend {
    let names = if custom { CUSTOM } else { STANDARD };
    SemanticTokensLegend {
        token_types: names.iter().map(|n| SemanticTokenType::new(n)).collect(),
        token_modifiers: vec![
            SemanticTokenModifier::DECLARATION,
            if custom {
                SemanticTokenModifier::new("alias")
            } else {
                SemanticTokenModifier::READONLY
            },
        ],
    }
}

fn type_index(ty: EntityType) -> u32 {
    match ty {
        EntityType::Per => 0,
        EntityType::Org => 1,
        EntityType::Loc => 2,
        EntityType::Misc => 3,
    }
}

/// The tokens of the context's file, optionally only those meeting `range`.
pub fn tokens(ctx: &Ctx, range: Option<Range>) -> SemanticTokens {
    let src = ctx.source();
    let text = src.text();
    let text: &str = &text;
    // The file's text is at hand: no conversion asks for it again.
    let conv = TextRef::new(text, &src.lines);
    let window = range.map(|r| ctx.text().span(r, ctx.enc));
    let mut raw: Vec<(Span, u32, u32)> = Vec::new();
    for (span, id) in ctx.snap.index().mentions_in(ctx.file) {
        let Some(e) = ctx.snap.index().entity(id) else {
            continue;
        };
        let mut mods = 0;
        if e.defining
            .is_some_and(|d| d.file as usize == ctx.file && d.span == span)
        {
            mods |= 1;
        }
        let written = text.get(span.start()..span.end()).unwrap_or("");
        if !written.to_lowercase().contains(&e.name.to_lowercase()) {
            mods |= 2;
        }
        raw.push((span, type_index(e.ty), mods));
    }
    for f in &src.analysis.figures {
        raw.push((f.span, 4, 0));
    }
    raw.retain(|(s, _, _)| {
        text.get(s.start()..s.end()).is_some()
            && !s.is_empty()
            && window.is_none_or(|w| s.overlaps(&w) || s.start() == w.start())
    });
    raw.sort_by_key(|(s, _, _)| (s.start(), std::cmp::Reverse(s.end())));
    let mut data = Vec::new();
    let (mut line, mut col) = (0u32, 0u32);
    let mut covered = 0usize;
    for (span, ty, mods) in raw {
        if span.start() < covered {
            continue; // tokens may not overlap: the first (longest) wins
        }
        covered = span.end();
        // One token per line: clients need not support multi-line tokens.
        let mut start = span.start();
        while start < span.end() {
            let line_end = text[start..span.end()]
                .find('\n')
                .map_or(span.end(), |i| start + i);
            if line_end > start {
                let a = conv.position(start, ctx.enc);
                let b = conv.position(line_end, ctx.enc);
                let delta_line = a.line - line;
                let delta_start = if delta_line == 0 {
                    a.character - col
                } else {
                    a.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: b.character - a.character,
                    token_type: ty,
                    token_modifiers_bitset: mods,
                });
                line = a.line;
                col = a.character;
            }
            start = line_end + 1;
        }
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};

    #[test]
    fn tokens_are_relative_and_typed() {
        let c = ctx(fixture::liu(), "a.txt");
        let t = tokens(&c, None).data;
        assert_eq!(t.len(), 3);
        let first = pos(&c, "Liu He", 0);
        assert_eq!((t[0].delta_line, t[0].delta_start), (0, first.character));
        assert_eq!(t[0].token_type, 0);
        assert_eq!(t[0].token_modifiers_bitset, 1, "defining mention");
        assert_eq!(t[1].token_modifiers_bitset, 2, "Mr. Liu is an alias");
        assert_eq!(
            t[1].delta_start,
            pos(&c, "Mr. Liu", 4).character - first.character
        );
        assert_eq!(t[2].token_type, 2);
    }

    #[test]
    fn range_requests_keep_only_their_window() {
        let c = ctx(fixture::liu(), "a.txt");
        let r = Range::new(pos(&c, "left", 0), pos(&c, ".\n", 0));
        let t = tokens(&c, Some(r)).data;
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].token_type, 2);
        assert_eq!(t[0].delta_start, pos(&c, "Beijing", 0).character);
    }

    #[test]
    fn custom_types_only_when_listed() {
        assert!(!client_takes_custom(&["variable".into()]));
        let all: Vec<String> = CUSTOM.iter().map(|s| s.to_string()).collect();
        assert!(client_takes_custom(&all));
        assert_eq!(legend(false).token_types[4].as_str(), "number");
    }
}
