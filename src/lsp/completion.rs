//! Completion in notes: entity names and aliases, with their type as detail.

use super::hover::{mention_count, type_name};
use super::query::Ctx;
use crate::format::DocKind;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionResponse, Documentation, Position,
};

/// At most this many items are returned; the list is marked incomplete beyond.
pub const LIMIT: usize = 300;

/// The word being typed before `offset` (letters, digits, `.`, `-`, `'`).
fn prefix(text: &str, offset: usize) -> &str {
    let head = &text[..offset];
    let start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '.' | '-' | '\''))
        .last()
        .map_or(offset, |(i, _)| i);
    &head[start..]
}

/// True when some word of `name` starts with `prefix` (case-insensitive).
fn matches(name: &str, prefix: &str) -> bool {
    let p = prefix.to_lowercase();
    p.is_empty()
        || name
            .split_whitespace()
            .any(|w| w.to_lowercase().starts_with(&p))
}

/// Completion items at `pos` of a note; nothing in articles.
pub fn completion(ctx: &Ctx, pos: Position) -> Option<CompletionResponse> {
    let src = ctx.source();
    if src.analysis.kind != DocKind::Note {
        return None;
    }
    let offset = ctx.offset(pos)?;
    let text = src.text();
    let pre = prefix(&text, offset);
    let index = ctx.snap.index();
    let mut ids: Vec<usize> = (0..index.entities().len()).collect();
    ids.sort_by_key(|&i| std::cmp::Reverse(index.entities()[i].mentions.len()));
    let mut items = Vec::new();
    let mut incomplete = false;
    for id in ids {
        let e = &index.entities()[id];
        let kind = match e.ty {
            crate::model::EntityType::Per => CompletionItemKind::REFERENCE,
            crate::model::EntityType::Org => CompletionItemKind::CLASS,
            crate::model::EntityType::Loc => CompletionItemKind::MODULE,
            crate::model::EntityType::Misc => CompletionItemKind::TEXT,
        };
        let names =
            std::iter::once((&e.name, None)).chain(e.aliases.iter().map(|a| (a, Some(&e.name))));
        for (label, of) in names {
            if !matches(label, pre) {
                continue;
            }
            if items.len() >= LIMIT {
                incomplete = true;
                break;
            }
            items.push(CompletionItem {
                label: label.clone(),
                kind: Some(kind),
                detail: Some(match of {
                    None => e.ty.as_str().to_string(),
                    Some(c) => format!("{} · alias of {c}", e.ty.as_str()),
                }),
                documentation: Some(Documentation::String(format!(
                    "{} · {}",
                    type_name(e.ty),
                    mention_count(e)
                ))),
                sort_text: Some(format!("{:08}", items.len())),
                ..CompletionItem::default()
            });
        }
    }
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: incomplete,
        items,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::lookup::fixture;
    use crate::lsp::query::testing::{ctx, pos};

    #[test]
    fn notes_complete_names_and_aliases() {
        let c = ctx(fixture::liu(), "notes/n.txt");
        let Some(CompletionResponse::List(l)) = completion(&c, pos(&c, "Liu He", 2)) else {
            panic!("a list");
        };
        let labels: Vec<&str> = l.items.iter().map(|i| i.label.as_str()).collect();
        assert!(labels.contains(&"Liu He"), "{labels:?}");
        assert!(labels.contains(&"Mr. Liu"), "{labels:?}");
        assert!(!labels.contains(&"Beijing"), "{labels:?}");
        let liu = l.items.iter().find(|i| i.label == "Liu He").unwrap();
        assert_eq!(liu.detail.as_deref(), Some("PER"));
        let a = ctx(fixture::liu(), "a.txt");
        assert!(completion(&a, pos(&a, "Liu", 1)).is_none());
    }

    #[test]
    fn prefixes_stop_at_spaces() {
        assert_eq!(prefix("say Mr. Li", 10), "Li");
        assert_eq!(prefix("say Mr.", 7), "Mr.");
        assert_eq!(prefix("", 0), "");
    }
}
