//! Document highlight: the mentions of the entity under the cursor in this file.

use super::query::Ctx;
use tower_lsp_server::ls_types::{DocumentHighlight, DocumentHighlightKind, Position};

/// The mentions in this file of the entity at `pos`; the defining mention is marked `WRITE`.
pub fn highlight(ctx: &Ctx, pos: Position) -> Option<Vec<DocumentHighlight>> {
    let (id, _) = ctx.snap.index().entity_at(ctx.file, ctx.offset(pos)?)?;
    let e = ctx.snap.index().entity(id)?;
    Some(
        ctx.snap
            .index()
            .mentions_in(ctx.file)
            .iter()
            .filter(|(_, i)| *i == id)
            .map(|(span, _)| DocumentHighlight {
                range: ctx.range(*span),
                kind: Some(
                    if e.defining
                        .is_some_and(|d| d.file as usize == ctx.file && d.span == *span)
                    {
                        DocumentHighlightKind::WRITE
                    } else {
                        DocumentHighlightKind::READ
                    },
                ),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};

    #[test]
    fn highlights_stay_in_the_file() {
        let c = ctx(fixture::liu(), "a.txt");
        let h = highlight(&c, pos(&c, "Mr. Liu", 5)).unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].kind, Some(DocumentHighlightKind::WRITE));
        assert_eq!(
            h[1].range.start,
            pos(&c, "Mr. Liu", 4),
            "the name, without Mr."
        );
    }
}
