//! References: every mention of the entity in every file, under any of its names.

use super::io::preserialized;
use super::locations::locations;
use super::query::Ctx;
use super::reference_answers::ReferenceAnswers;
use crate::host::lookup::{self, Mention};
use tower_lsp_server::ls_types::{Location, Position};

/// The mentions of the entity at `pos`; the defining one only with `include_declaration`.
pub fn references(ctx: &Ctx, pos: Position, include_declaration: bool) -> Option<Vec<Location>> {
    Some(locations(ctx, wanted(ctx, pos, include_declaration)?))
}

/// [`references`] as the handler answers: a long list through `answers` (kept or made ahead)
/// and pre-serialized ([`preserialized::marker`]), a short one as it is.
pub fn answer(
    ctx: &Ctx,
    pos: Position,
    include_declaration: bool,
    answers: &ReferenceAnswers,
) -> Option<Vec<Location>> {
    let wanted = wanted(ctx, pos, include_declaration)?;
    // The shared archive's mentions beyond the folder, when the config names one.
    let beyond = super::archive::references(ctx, pos);
    if wanted.len() < preserialized::MIN_LOCATIONS || !beyond.is_empty() {
        return Some([locations(ctx, wanted), beyond].concat());
    }
    Some(preserialized::marker(answers.json(ctx, wanted)))
}

/// The mentions [`references`] answers with.
fn wanted(ctx: &Ctx, pos: Position, include_declaration: bool) -> Option<Vec<Mention>> {
    let (id, _) = ctx.snap.index().entity_at(ctx.file, ctx.offset(pos)?)?;
    let e = ctx.snap.index().entity(id)?;
    Some(
        e.mentions
            .iter()
            .filter(|m| include_declaration || !lookup::is_defining(e, m))
            .copied()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};

    #[test]
    fn references_cross_files_and_honour_include_declaration() {
        let c = ctx(fixture::liu(), "notes/n.txt");
        let all = references(&c, pos(&c, "Liu He", 0), true).unwrap();
        assert_eq!(all.len(), 5);
        let files: std::collections::BTreeSet<_> = all
            .iter()
            .map(|l| l.uri.as_str().rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(files.len(), 3);
        let without = references(&c, pos(&c, "Liu He", 0), false).unwrap();
        assert_eq!(without.len(), 4);
    }
}
