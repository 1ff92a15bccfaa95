//! Workspace symbols: entities by fuzzy name across every root, at their defining mentions.

use super::convert::TextRef;
use super::symbols::entity_kind;
use crate::document::Encoding;
use crate::host::Snapshot;
use std::path::PathBuf;
use std::sync::Arc;
use tower_lsp_server::ls_types::{Location, SymbolInformation};

/// At most this many symbols are returned.
pub const LIMIT: usize = 200;

/// Entities matching `query` in every root, best first.
#[allow(deprecated)]
pub fn workspace_symbols(
    roots: &[(PathBuf, Arc<Snapshot>)],
    query: &str,
    enc: Encoding,
) -> Vec<SymbolInformation> {
    let mut out = Vec::new();
    for (root, snap) in roots {
        for id in snap.index().search(query).into_iter().take(LIMIT) {
            let Some(e) = snap.index().entity(id) else {
                continue;
            };
            let Some(def) = e.defining.or_else(|| e.mentions.first().copied()) else {
                continue;
            };
            let f = &snap.corpus.files[def.file as usize];
            let Some(uri) = super::convert::corpus_uri(root, &f.rel) else {
                continue;
            };
            out.push(SymbolInformation {
                name: e.name.clone(),
                kind: entity_kind(e.ty),
                tags: None,
                deprecated: None,
                location: Location::new(uri, TextRef::of(f).range(def.span, enc)),
                container_name: Some(format!("{} mentions", e.mentions.len())),
            });
        }
    }
    out.truncate(LIMIT);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;

    #[test]
    fn fuzzy_names_find_the_defining_mention() {
        let roots = vec![(
            PathBuf::from("/fixture"),
            Arc::new(Snapshot::new(fixture::liu())),
        )];
        let s = workspace_symbols(&roots, "liuhe", Encoding::Utf16);
        assert_eq!(s[0].name, "Liu He");
        assert!(s[0].location.uri.as_str().ends_with("a.txt"));
        assert!(workspace_symbols(&roots, "qqq", Encoding::Utf16).is_empty());
        assert_eq!(workspace_symbols(&roots, "", Encoding::Utf16).len(), 2);
    }
}
