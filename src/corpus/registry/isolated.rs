//! The registry join kept alive through a panic in it (a bug): the files whose names make the
//! join panic are found by halving and left out, the config's entities too when they alone
//! do; the rest is joined and what was left out is said.
//!
//! Per-file analysis is isolated file by file ([`crate::corpus::isolate`]); the join reads every
//! file at once, so a failing part has to be searched for. A join that does not panic costs
//! nothing more; one that does costs about `2 k log n` joins for `k` failing files of `n`.

use super::{DocName, Registry, UserEntity};
use crate::corpus::isolate;
use std::sync::Arc;

/// A part of the input the join left out: a file (its position), or the config's entities
/// (`None`), with the panic's message.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    pub file: Option<u32>,
    pub message: String,
}

/// The join: [`Registry::build`] in production; tests pass one that panics.
pub type Join<'a> = &'a (dyn Fn(&[u32], &[&[DocName]], &[UserEntity]) -> Registry + Sync);

impl Registry {
    /// [`Registry::build`], isolated: never panics (see the module doc).
    pub fn build_isolated(order: &[u32], docs: &[&[DocName]], user: &[UserEntity]) -> Registry {
        isolated(order, docs, user, &Registry::build)
    }

    /// What a panic left out of this registry (empty when it is whole).
    pub fn left_out(&self) -> &[LeftOut] {
        &self.left_out
    }

    /// True when no panic left anything out.
    pub fn is_whole(&self) -> bool {
        self.left_out.is_empty()
    }
}

/// `join` of `order`/`docs`/`user`, leaving out what makes it panic.
pub fn isolated(
    order: &[u32],
    docs: &[&[DocName]],
    user: &[UserEntity],
    join: Join<'_>,
) -> Registry {
    if let Ok(reg) = isolate::caught(|| join(order, docs, user)) {
        return reg;
    }
    let mut left_out = Vec::new();
    let none: Vec<&[DocName]> = vec![&[]; docs.len()];
    let user = match isolate::caught(|| join(order, &none, user)) {
        Ok(_) => user,
        Err(message) => {
            left_out.push(LeftOut {
                file: None,
                message,
            });
            &[]
        }
    };
    // Files join a chunk at a time, in corpus order; a chunk that panics with what is kept
    // is halved until the file is found (a file that panics only beside another is found too:
    // the later one is left out).
    let mut kept = none.clone();
    let mut chunks: Vec<&[u32]> = Vec::new();
    let (a, b) = order.split_at(order.len() / 2);
    chunks.extend([b, a]);
    while let Some(chunk) = chunks.pop() {
        if chunk.is_empty() {
            continue;
        }
        for &f in chunk {
            kept[f as usize] = docs[f as usize];
        }
        let Err(message) = isolate::caught(|| join(order, &kept, user)) else {
            continue;
        };
        for &f in chunk {
            kept[f as usize] = &[];
        }
        if let [f] = chunk {
            left_out.push(LeftOut {
                file: Some(*f),
                message,
            });
        } else {
            let (a, b) = chunk.split_at(chunk.len() / 2);
            chunks.extend([b, a]);
        }
    }
    // (Each kept chunk joined without a panic; the last of them is this join.)
    let mut reg = isolate::caught(|| join(order, &kept, user)).unwrap_or_default();
    reg.left_out = Arc::new(left_out);
    reg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::doc_names::{InDocLink, NameFacts};
    use crate::model::{EntityType, MentionSource, Span};

    fn name(key: &str, at: usize) -> DocName {
        let facts = NameFacts {
            ty: EntityType::Per,
            source: MentionSource::Detected,
            short: false,
            surface: key.into(),
            name: key.into(),
            key: key.into(),
            link: InDocLink::Open,
            title: None,
        };
        DocName::new(Span::new(at, at + key.len()), facts, None)
    }

    /// A join that panics whenever a name holding `bad` is in it.
    fn panics_on(bad: &'static str) -> impl Fn(&[u32], &[&[DocName]], &[UserEntity]) -> Registry {
        move |order, docs, user| {
            let hit = docs
                .iter()
                .flat_map(|d| d.iter())
                .any(|d| d.key.contains(bad));
            assert!(!hit, "a planted panic in the join");
            Registry::build(order, docs, user)
        }
    }

    #[test]
    fn the_files_that_make_the_join_panic_are_left_out_and_the_rest_joined() {
        let names: Vec<Vec<DocName>> = (0..9)
            .map(|i| {
                let who = if i == 2 || i == 7 {
                    "bad apple"
                } else {
                    "maria delgado"
                };
                vec![name(who, 0), name(&format!("person {i}"), 20)]
            })
            .collect();
        let docs: Vec<&[DocName]> = names.iter().map(|v| v.as_slice()).collect();
        let order: Vec<u32> = (0..9).rev().collect();
        let join = panics_on("bad");
        let reg = isolated(&order, &docs, &[], &join);
        let files: Vec<Option<u32>> = reg.left_out().iter().map(|l| l.file).collect();
        assert_eq!(files, [Some(7), Some(2)], "corpus order: 7 comes first");
        assert!(reg.left_out()[0].message.contains("planted panic"));
        assert!(!reg.is_whole());
        let keys: Vec<String> = reg.entities().iter().map(|e| e.name.clone()).collect();
        assert!(keys.contains(&"maria delgado".to_string()), "{keys:?}");
        assert!(keys.contains(&"person 8".to_string()), "{keys:?}");
        assert!(
            !keys.iter().any(|k| k.contains("bad") || k == "person 2"),
            "{keys:?}"
        );
        // A whole join is the plain one.
        let whole = isolated(&order, &docs, &[], &Registry::build);
        assert!(whole.is_whole());
        assert_eq!(
            whole.entities().len(),
            Registry::build(&order, &docs, &[]).entities().len()
        );
    }

    #[test]
    fn config_entities_that_make_the_join_panic_are_left_out() {
        let names = [vec![name("maria delgado", 0)]];
        let docs: Vec<&[DocName]> = names.iter().map(|v| v.as_slice()).collect();
        let join = |order: &[u32], docs: &[&[DocName]], user: &[UserEntity]| {
            assert!(user.is_empty(), "a planted panic on the config");
            Registry::build(order, docs, user)
        };
        let user = [UserEntity {
            name: "Olga Lind".into(),
            ty: None,
            aliases: Vec::new(),
            span: None,
        }];
        let reg = isolated(&[0], &docs, &user, &join);
        assert_eq!(reg.left_out().len(), 1);
        assert_eq!(reg.left_out()[0].file, None);
        assert_eq!(reg.entities().len(), 1);
    }
}
