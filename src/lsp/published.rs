//! The diagnostics last sent per file, and which files' diagnostics point at a file in their
//! related information (so a change of one file finds the files to re-publish by a lookup, not
//! by reading every file's diagnostics: after the cold index of 100,000 articles that was a walk
//! over every published `sources-disagree` on each keystroke).

use rustc_hash::{FxHashMap, FxHashSet};
use tower_lsp_server::ls_types::{Diagnostic, Uri};

/// Last diagnostics sent per file, with the reverse index of their related locations.
#[derive(Debug, Default)]
pub struct Published {
    sent: FxHashMap<Uri, Vec<Diagnostic>>,
    /// For each file, the files whose sent diagnostics point at it.
    pointing: FxHashMap<Uri, FxHashSet<Uri>>,
}

/// The files a diagnostic list points at in its related information.
fn targets(diags: &[Diagnostic]) -> FxHashSet<&Uri> {
    diags
        .iter()
        .flat_map(|d| d.related_information.iter().flatten())
        .map(|r| &r.location.uri)
        .collect()
}

impl Published {
    /// The diagnostics last sent for `uri`.
    pub fn get(&self, uri: &Uri) -> Option<&Vec<Diagnostic>> {
        self.sent.get(uri)
    }

    /// Records `diags` as sent for `uri`.
    pub fn insert(&mut self, uri: Uri, diags: Vec<Diagnostic>) {
        self.remove(&uri);
        for t in targets(&diags) {
            self.pointing
                .entry(t.clone())
                .or_default()
                .insert(uri.clone());
        }
        self.sent.insert(uri, diags);
    }

    /// Forgets what was sent for `uri`.
    pub fn remove(&mut self, uri: &Uri) {
        let Some(old) = self.sent.remove(uri) else {
            return;
        };
        for t in targets(&old) {
            if let Some(set) = self.pointing.get_mut(t) {
                set.remove(uri);
                if set.is_empty() {
                    self.pointing.remove(t);
                }
            }
        }
    }

    /// The files whose sent diagnostics point at `uri` in their related information.
    pub fn pointing_at(&self, uri: &Uri) -> impl Iterator<Item = &Uri> {
        self.pointing.get(uri).into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tower_lsp_server::ls_types::{DiagnosticRelatedInformation, Location};

    fn uri(i: u8) -> Uri {
        format!("file:///r/f{i}.md").parse().unwrap()
    }

    fn diags(targets: &[u8]) -> Vec<Diagnostic> {
        targets
            .iter()
            .map(|&t| Diagnostic {
                related_information: Some(vec![DiagnosticRelatedInformation {
                    location: Location::new(uri(t), Default::default()),
                    message: String::new(),
                }]),
                ..Diagnostic::default()
            })
            .collect()
    }

    proptest! {
        /// The reverse index answers as a walk over every file's sent diagnostics.
        #[test]
        fn pointing_at_equals_a_walk(
            steps in proptest::collection::vec(
                (0u8..6, proptest::option::of(proptest::collection::vec(0u8..6, 0..4))),
                0..40,
            )
        ) {
            let mut p = Published::default();
            let mut walk: FxHashMap<Uri, Vec<Diagnostic>> = FxHashMap::default();
            for (file, step) in steps {
                match step {
                    Some(ts) => {
                        p.insert(uri(file), diags(&ts));
                        walk.insert(uri(file), diags(&ts));
                    }
                    None => {
                        p.remove(&uri(file));
                        walk.remove(&uri(file));
                    }
                }
                for t in 0..6 {
                    let mut got: Vec<String> =
                        p.pointing_at(&uri(t)).map(|u| u.to_string()).collect();
                    let mut want: Vec<String> = walk
                        .iter()
                        .filter(|(_, d)| {
                            d.iter().any(|x| {
                                x.related_information.iter().flatten().any(|r| r.location.uri == uri(t))
                            })
                        })
                        .map(|(u, _)| u.to_string())
                        .collect();
                    got.sort();
                    want.sort();
                    prop_assert_eq!(got, want);
                }
                for (u, d) in &walk {
                    prop_assert_eq!(p.get(u), Some(d));
                }
            }
        }
    }
}
