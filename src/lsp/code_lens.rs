//! Code lenses: the entity and its mention count at the defining mentions of this file's
//! entities (`Liu He: 7 mentions in 2 files`).

use super::hover::{display_name, mention_count};
use super::query::Ctx;
use crate::host::lookup::EntityId;
use serde_json::json;
use tower_lsp_server::ls_types::{CodeLens, Command};

/// The command a lens runs: `[uri, position, locations]`, the arguments of VS Code's
/// `editor.action.showReferences` once converted by the editor extension.
pub const SHOW_REFERENCES: &str = "corpus-ls.showReferences";

/// One lens per entity defined in the context's file.
pub fn code_lenses(ctx: &Ctx) -> Vec<CodeLens> {
    if !ctx.settings.code_lens {
        return Vec::new();
    }
    let index = ctx.snap.index();
    let mut ids: Vec<EntityId> = index
        .mentions_in(ctx.file)
        .iter()
        .map(|&(_, id)| id)
        .filter(|&id| {
            index
                .entity(id)
                .is_some_and(|e| e.defining.is_some_and(|d| d.file as usize == ctx.file))
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut lenses: Vec<CodeLens> = ids
        .into_iter()
        .filter_map(|id| {
            let e = index.entity(id)?;
            let range = ctx.range(e.defining?.span);
            let locations: Vec<_> = e.mentions.iter().filter_map(|m| ctx.location(*m)).collect();
            Some(CodeLens {
                range,
                command: Some(Command {
                    title: format!("{}: {}", display_name(&e.name), mention_count(e)),
                    command: SHOW_REFERENCES.to_string(),
                    arguments: Some(vec![json!(ctx.uri), json!(range.start), json!(locations)]),
                }),
                data: None,
            })
        })
        .collect();
    lenses.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    lenses
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};

    #[test]
    fn lenses_sit_on_defining_mentions_only() {
        let c = ctx(fixture::liu(), "a.txt");
        let l = code_lenses(&c);
        assert_eq!(l.len(), 2, "Liu He and Beijing are defined here");
        // The lens sits on the name, not its title.
        assert_eq!(l[0].range.start, pos(&c, "Liu He", 0));
        assert_eq!(
            l[0].command.as_ref().unwrap().title,
            "Liu He: 5 mentions in 3 files"
        );
        let n = ctx(fixture::liu(), "notes/n.txt");
        assert!(code_lenses(&n).is_empty());
    }
}
