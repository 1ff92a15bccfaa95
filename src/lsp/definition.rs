//! Go to definition: from any mention to the entity's defining mention.

use super::query::Ctx;
use tower_lsp_server::ls_types::{GotoDefinitionResponse, Position};

/// The defining mention of the entity at `pos`.
pub fn definition(ctx: &Ctx, pos: Position) -> Option<GotoDefinitionResponse> {
    let (id, _) = ctx.entity_at(ctx.offset(pos)?)?;
    let e = ctx.snap.index().entity(id)?;
    Some(GotoDefinitionResponse::Scalar(ctx.location(e.defining?)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};

    #[test]
    fn lowercase_alias_goes_to_the_cased_definition() {
        let c = ctx(fixture::liu(), "b.txt");
        let Some(GotoDefinitionResponse::Scalar(loc)) = definition(&c, pos(&c, "mr liu", 4)) else {
            panic!("a location");
        };
        assert!(
            loc.uri.as_str().ends_with("/fixture/a.txt"),
            "{:?}",
            loc.uri
        );
        let a = ctx(fixture::liu(), "a.txt");
        assert_eq!(loc.range.start, pos(&a, "Liu He", 0));
        assert!(definition(&c, pos(&c, "said", 0)).is_none());
    }
}
