//! The shared archive at the LSP edge: when the root's `corpus-ls.toml` names one
//! (`[archive] postgres`), references add the entity's mentions in archive files the folder
//! does not hold, and hover says how many there are. The archive is asked through
//! [`crate::archive::client`] (plain data, a deadline, a pause after a failure): an archive that
//! is down or slow leaves the local answer.

use super::query::Ctx;
use crate::archive::client::{self, Hits};
use crate::host::lookup::Entity;
use tower_lsp_server::ls_types::{Location, Position, Range};

/// Archive mentions one references answer adds at most (the first page, in path order).
const MAX_LOCATIONS: i64 = 2000;

/// The archive's mentions of `e` beyond the context's folder, when its config names an archive.
fn hits(ctx: &Ctx, e: &Entity) -> Option<Hits> {
    let url = ctx.snap.corpus.config.archive_postgres.as_deref()?;
    let corpus = &ctx.snap.corpus;
    client::shared(url).mentions(&e.name, Some(&e.name), MAX_LOCATIONS, |rel| {
        corpus.file(rel).is_some()
    })
}

/// The archive's mentions of the entity at `pos` as locations under the archive's root (none
/// when the loaded snapshot does not name its root). Ranges are the archive's: UTF-16.
pub fn references(ctx: &Ctx, pos: Position) -> Vec<Location> {
    let found = (|| {
        let (id, _) = ctx.snap.index().entity_at(ctx.file, ctx.offset(pos)?)?;
        let hits = hits(ctx, ctx.snap.index().entity(id)?)?;
        let root = std::path::PathBuf::from(hits.root.as_deref()?);
        let uris = super::convert::RootUris::new(&root);
        Some(
            hits.mentions
                .iter()
                .filter_map(|m| {
                    let [l0, c0, l1, c1] = m.range.map(|x| u32::try_from(x).unwrap_or(0));
                    Some(Location::new(
                        uris.uri(&m.rel)?,
                        Range::new(Position::new(l0, c0), Position::new(l1, c1)),
                    ))
                })
                .collect(),
        )
    })();
    found.unwrap_or_default()
}

/// Hover's line on the archive: `Archive: 12 more mentions in 4 files (beyond this folder)`.
pub fn hover_line(ctx: &Ctx, e: &Entity) -> Option<String> {
    let h = hits(ctx, e)?;
    if h.beyond == 0 {
        return None;
    }
    let files = h.files();
    Some(format!(
        "\nArchive: {} more mention{} in {files}{} file{} beyond this folder\n",
        h.beyond,
        if h.beyond == 1 { "" } else { "s" },
        if (h.mentions.len() as i64) < h.beyond {
            "+"
        } else {
            ""
        },
        if files == 1 { "" } else { "s" },
    ))
}
