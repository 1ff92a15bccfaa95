//! One file's names newer than the registry, read against it without a join: what a position
//! request (hover, definition) answers from while the edit that made them waits for its
//! snapshot, or while a name it added waits for the join.
//!
//! Each new name takes the target its old self had: positionally when the edit kept the names
//! (the usual keystroke: exact), else the target of the old name with the same key, else what
//! the registry resolves its surface to. A name the registry has never seen stands for nothing
//! until the join catches up.

use super::{DocName, Registry};
use crate::corpus::mentions::{sorted_order, Postings, SortedSpans, Target};
use crate::model::Span;
use rustc_hash::FxHashMap as HashMap;

/// A file's names resolved against a registry they are newer than.
#[derive(Debug)]
pub struct FreshNames {
    /// The names that stand for something, in the file's order.
    names: Vec<DocName>,
    /// Their targets, as a one-file posting list (file 0).
    postings: Postings,
    /// Their sorted order when not in (start, end) order.
    perm: Option<Box<[u32]>>,
}

impl Registry {
    /// `new`, the names of file `file` (`None`: a file the registry does not know), read
    /// against this registry, which holds the file with the names `old`.
    pub fn fresh_names(&self, file: Option<u32>, old: &[DocName], new: &[DocName]) -> FreshNames {
        // A file the join left out stands for nothing, as in the registry itself.
        let left_out = file.is_some_and(|f| self.left_out.iter().any(|l| l.file == Some(f)));
        let new = if left_out { &[][..] } else { new };
        let joined = file.filter(|&f| (f as usize) < self.postings.files());
        let old_target = |i: usize| joined.and_then(|f| self.postings.target(f, i));
        let kept = joined.is_some() && super::super::doc_names::same_names(old, new);
        let mut by_key: HashMap<&str, Target> = HashMap::default();
        if !kept {
            for (i, d) in old.iter().enumerate() {
                if let Some(t) = old_target(i) {
                    by_key.entry(d.key.as_str()).or_insert(t);
                }
            }
        }
        let mut names = Vec::new();
        let mut targets = Vec::new();
        for (i, d) in new.iter().enumerate() {
            let t = if kept {
                old_target(i)
            } else {
                by_key
                    .get(d.key.as_str())
                    .copied()
                    .or_else(|| self.resolved(d))
            };
            if let Some(t) = t {
                names.push(d.clone());
                targets.push(t.pack());
            }
        }
        let perm = sorted_order(names.iter().map(|d| d.span));
        FreshNames {
            postings: Postings::new(targets, &[0], &[names.len()]),
            names,
            perm,
        }
    }

    /// What a name the registry has not placed stands for, by its surface (`None`: no entity).
    fn resolved(&self, d: &DocName) -> Option<Target> {
        match self.resolve(&d.surface) {
            super::Resolution::One(id) => Some(Target::Entity(id)),
            super::Resolution::Ambiguous(_) => self
                .ambiguities
                .iter()
                .position(|a| a.key == d.key.as_str())
                .map(|a| Target::Ambiguous(a as u32)),
            super::Resolution::None => None,
        }
    }
}

impl FreshNames {
    /// The name touching `offset` and what it stands for (as [`Registry::target_at`]).
    pub fn target_at(&self, offset: usize) -> Option<(Target, Span)> {
        let sorted = SortedSpans::new(&self.names[..], self.perm.as_deref());
        let (span, t) = super::target_in(&self.postings, 0, &self.names, &sorted, offset)?;
        Some((t, span))
    }
}

#[cfg(test)]
mod tests {
    use crate::corpus::mentions::Target;
    use crate::host::lookup::fixture;

    #[test]
    fn a_kept_name_keeps_its_target_and_a_new_one_resolves_by_its_surface() {
        let c = fixture::corpus(vec![
            fixture::file("a.txt", "Maria Delgado of Lisbon spoke on Monday.\n", &[]),
            fixture::file(
                "b.txt",
                "Later, Maria Delgado met Tomas Brandt in Quito.\n",
                &[],
            ),
        ]);
        let b = c.file_index("b.txt").unwrap();
        let old = &c.files[b as usize];
        let text = old.text().to_string();
        let reg = c.registry();
        let at = text.find("Delgado").unwrap();
        let (want, _) = c.target_in(b, at).expect("the name is an entity");
        assert!(matches!(want, Target::Entity(_)));
        // The same text: every name keeps its target.
        let same = c.analysed("b.txt", text.clone());
        let fresh = reg.fresh_names(Some(b), &old.names, &same.names);
        assert_eq!(fresh.target_at(at).map(|(t, _)| t), Some(want));
        // A sentence typed before it: the names move and change, the known one still resolves.
        let typed = format!("Minister Arlo Quinlan arrived.\n{text}");
        let moved = c.analysed("b.txt", typed.clone());
        let fresh = reg.fresh_names(Some(b), &old.names, &moved.names);
        let at2 = typed.find("Delgado").unwrap();
        assert_eq!(fresh.target_at(at2).map(|(t, _)| t), Some(want));
        // A name nobody has seen stands for nothing yet.
        let none = fresh.target_at(typed.find("Quinlan").unwrap());
        assert!(none.is_none(), "{none:?}");
    }
}
