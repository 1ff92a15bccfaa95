//! Diagnostic rules, one file each, over an analysed corpus.
//!
//! The runner: [`Checker`] holds the figure facts of the articles ([`FactIndex`], built once per
//! corpus snapshot and shared with `Arc`) and the per-code severities. [`Checker::check_file`]
//! costs little for a note (its own figures against the index), so an editor re-checks only the
//! document that changed; [`Checker::check_corpus`] runs every rule over every file.

pub mod facts;
pub mod figure_conflict;
pub mod figure_unsupported;
pub mod holder;
pub mod quantity;
pub mod settings;
pub mod sources;
pub mod sources_disagree;
pub mod suppress;
pub mod weekday_mismatch;
pub mod when;
pub mod words;

pub use facts::{Fact, FactIndex};
pub use settings::CheckSettings;

use crate::corpus::{Corpus, SourceFile};
use crate::format::DocKind;
use crate::model::Span;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

/// The stable diagnostic codes.
pub mod codes {
    /// A note's figure and a source's figure measure the same thing and disagree.
    pub const FIGURE_CONFLICT: &str = "figure-conflict";
    /// Two articles give different values for the same thing.
    pub const SOURCES_DISAGREE: &str = "sources-disagree";
    /// A note's figure that no source states or implies.
    pub const FIGURE_UNSUPPORTED: &str = "figure-unsupported";
    /// A date and a weekday that do not match.
    pub const WEEKDAY_MISMATCH: &str = "weekday-mismatch";
    /// A note's source that leaves the root or names no file.
    pub const SOURCE_MISSING: &str = "source-missing";
    /// A `corpus-ls.toml` that cannot be read; defaults apply.
    pub const CONFIG_ERROR: &str = "config-error";
    /// Every code, in a stable order (SARIF rules, docs).
    pub const ALL: &[&str] = &[
        FIGURE_CONFLICT,
        SOURCES_DISAGREE,
        FIGURE_UNSUPPORTED,
        WEEKDAY_MISMATCH,
        SOURCE_MISSING,
        CONFIG_ERROR,
    ];
}

/// How loud a finding is (the LSP's four levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed.
    Error,
    /// Probably wrong.
    Warning,
    /// Worth knowing.
    Information,
    /// A quiet hint.
    Hint,
}

impl Severity {
    /// The contract's lowercase name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
    /// Parses a severity name (`info` and `note` are accepted for `information`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "information" | "info" | "note" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
    /// The DESIGN default of a code.
    pub fn default_for(code: &str) -> Severity {
        match code {
            codes::SOURCES_DISAGREE => Severity::Information,
            codes::FIGURE_UNSUPPORTED => Severity::Hint,
            codes::CONFIG_ERROR | codes::SOURCE_MISSING => Severity::Warning,
            _ => Severity::Warning,
        }
    }
}

/// Another place a finding points at (the figure it was compared with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Root-relative path, `/`-separated.
    pub rel: String,
    /// Source bytes in that file.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// One diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Root-relative path of the file it is in, `/`-separated.
    pub rel: String,
    /// Source bytes it covers.
    pub span: Span,
    /// How loud it is (after the config's overrides).
    pub severity: Severity,
    /// Stable code, one of [`codes::ALL`].
    pub code: &'static str,
    /// What is wrong, with both values and where the other one is.
    pub message: String,
    /// The locations it was compared with.
    pub related: Vec<Related>,
}

impl Finding {
    /// A finding at the code's default severity.
    pub fn new(rel: &str, span: Span, code: &'static str, message: String) -> Self {
        Finding {
            rel: rel.to_string(),
            span,
            severity: Severity::default_for(code),
            code,
            message,
            related: Vec::new(),
        }
    }
    /// Adds a related location.
    pub fn with_related(mut self, rel: &str, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            rel: rel.to_string(),
            span,
            message: message.into(),
        });
        self
    }
}

/// The rules' shared state for one corpus snapshot.
#[derive(Debug, Clone)]
pub struct Checker {
    /// Figure facts of the articles.
    pub facts: Arc<FactIndex>,
    /// Severities per code.
    pub settings: Arc<CheckSettings>,
    /// The facts' values by kind, built by the first note check that needs them (kept while
    /// the index keeps its base).
    values: Arc<std::sync::OnceLock<facts::ValueIndex>>,
}

impl Checker {
    /// Indexes the articles of `corpus` (the expensive step; do it once per snapshot).
    pub fn new(corpus: &Corpus, settings: CheckSettings) -> Self {
        Checker {
            facts: Arc::new(FactIndex::build(corpus)),
            settings: Arc::new(settings),
            values: Arc::default(),
        }
    }

    /// The same checker after `rel` changed in `corpus`: only an article's facts are recomputed;
    /// a note's change leaves the index as it is.
    pub fn updated(&self, corpus: &Corpus, rel: &str) -> Self {
        let is_article = corpus
            .file(rel)
            .is_some_and(|f| f.analysis.kind == DocKind::Article);
        let was_article = self.facts.has_file(rel);
        if !is_article && !was_article {
            return self.clone();
        }
        let facts = Arc::new(self.facts.updated(corpus, rel));
        // An overlay keeps the base the values were read from.
        let values = if facts.same_base(&self.facts) {
            self.values.clone()
        } else {
            Arc::default()
        };
        Checker {
            facts,
            settings: self.settings.clone(),
            values,
        }
    }

    /// The findings of one file: a note against its sources, an article's own disagreements
    /// with other articles, weekday mismatches; suppressions and severities applied.
    pub fn check_file(&self, corpus: &Corpus, rel: &str) -> Vec<Finding> {
        let Some(file) = corpus.file(rel) else {
            return Vec::new();
        };
        let raw = self.raw_findings(corpus, file, None);
        self.finish(file, raw)
    }

    /// Every finding of the corpus, in path then offset order; `sources-disagree` is reported
    /// once per pair (in the later file) and config problems come first.
    pub fn check_corpus(&self, corpus: &Corpus) -> Vec<Finding> {
        let mut out = self.settings.problems.clone();
        out.retain(|f| self.settings.severity(f.code).is_some());
        for f in &mut out {
            f.severity = self.settings.severity(f.code).unwrap_or(f.severity);
        }
        // Articles' strong matches first, once per distinct fact (copies share them).
        let strong = self
            .settings
            .severity(codes::SOURCES_DISAGREE)
            .is_some()
            .then(|| sources_disagree::strong_matches_of_all(&self.facts));
        // Notes compare subjects through the registry's aliases: built here, before the
        // parallel checks (see [`holder::Names`]).
        if corpus
            .files
            .iter()
            .any(|f| f.analysis.kind == DocKind::Note)
        {
            corpus.registry();
        }
        // Files are independent once the index exists: check them in parallel, keep path order.
        let per_file: Vec<Vec<Finding>> = corpus
            .files
            .par_iter()
            .map(|file| self.finish(file, self.raw_findings(corpus, file, strong.as_ref())))
            .collect();
        out.extend(per_file.into_iter().flatten());
        out
    }

    /// The findings of one file before suppressions; `strong` is given for whole-corpus runs
    /// (which report a disagreement once per pair).
    fn raw_findings(
        &self,
        corpus: &Corpus,
        file: &SourceFile,
        strong: Option<&facts::StrongMatches>,
    ) -> Vec<Finding> {
        let mut raw = Vec::new();
        let on = |code: &str| self.settings.severity(code).is_some();
        if on(codes::WEEKDAY_MISMATCH) {
            raw.extend(weekday_mismatch::check(file));
        }
        match file.analysis.kind {
            DocKind::Note => {
                let srcs = sources::of_note(corpus, file);
                raw.extend(srcs.problems.iter().cloned());
                let mut note_facts = facts::facts_of(file);
                note_facts.retain(|f| !self.settings.is_ignored(&f.written));
                let values = self
                    .values
                    .get_or_init(|| facts::ValueIndex::of(&self.facts));
                let names = holder::Names::of(corpus);
                let pairing =
                    figure_conflict::pair(&self.facts, values, &note_facts, &srcs.files, names);
                if on(codes::FIGURE_CONFLICT) {
                    raw.extend(figure_conflict::check(
                        &self.facts,
                        file,
                        &note_facts,
                        &pairing,
                    ));
                }
                if on(codes::FIGURE_UNSUPPORTED) {
                    raw.extend(figure_unsupported::check(
                        &self.facts,
                        file,
                        &note_facts,
                        &pairing,
                    ));
                }
            }
            DocKind::Article => {
                if on(codes::SOURCES_DISAGREE) {
                    raw.extend(sources_disagree::check(
                        &self.facts,
                        file,
                        strong.is_some(),
                        strong,
                    ));
                }
            }
        }
        raw
    }

    /// Applies suppressions and severities, and sorts.
    fn finish(&self, file: &SourceFile, raw: Vec<Finding>) -> Vec<Finding> {
        if raw.is_empty() {
            // Most files: their text need not be unpacked for directives.
            return raw;
        }
        let text = file.text();
        let directives = suppress::Directives::parse(&text);
        let mut out: Vec<Finding> = raw
            .into_iter()
            .filter(|f| !directives.suppresses(&text, f.span.start(), f.code))
            .filter_map(|mut f| {
                f.severity = self.settings.severity(f.code)?;
                Some(f)
            })
            .collect();
        out.sort_by(|a, b| (a.span.start(), a.code).cmp(&(b.span.start(), b.code)));
        out.dedup_by(|a, b| a.span == b.span && a.code == b.code);
        out
    }
}

/// Checks one file of a corpus with the settings it was loaded with (indexes the corpus:
/// callers that check often keep a [`Checker`]).
pub fn check_file(corpus: &Corpus, rel: &str) -> Vec<Finding> {
    Checker::new(corpus, CheckSettings::from_corpus(corpus)).check_file(corpus, rel)
}

/// Checks a whole corpus with the settings it was loaded with.
pub fn check_corpus(corpus: &Corpus) -> Vec<Finding> {
    Checker::new(corpus, CheckSettings::from_corpus(corpus)).check_corpus(corpus)
}

/// Counts findings per severity, in the order error, warning, information, hint.
pub fn count_by_severity(findings: &[Finding]) -> [usize; 4] {
    let mut n = [0; 4];
    for f in findings {
        n[f.severity as usize] += 1;
    }
    n
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
