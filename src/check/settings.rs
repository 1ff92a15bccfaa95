//! Per-code severities (`off` drops a rule) and ignored surface forms, from the corpus config
//! (`corpus-ls.toml` or the LSP's settings, read by [`crate::config`]):
//!
//! ```toml
//! ignore = ["Section 301"]
//!
//! [severity]
//! figure-conflict = "error"
//! figure-unsupported = "off"
//! ```
//!
//! A config that cannot be read is a `config-error` finding on the file, and defaults apply;
//! so is each key the config reader warned about, and each unknown diagnostic code.

use super::{codes, Finding, Severity};
use crate::config::{self, Config, ConfigError};
use crate::corpus::Corpus;
use crate::model::Span;
use std::collections::HashMap;
use std::path::Path;

/// The config file's name at the corpus root.
pub const CONFIG_FILE: &str = config::FILE_NAME;

/// Severities per code, ignored forms, and the problems met reading them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckSettings {
    /// Overrides: `None` turns the code off.
    pub overrides: HashMap<String, Option<Severity>>,
    /// Surface forms whose figures are not checked (compared case-insensitively).
    pub ignore: Vec<String>,
    /// `config-error` findings met while reading the config.
    pub problems: Vec<Finding>,
}

fn to_check(s: config::Severity) -> Option<Severity> {
    match s {
        config::Severity::Error => Some(Severity::Error),
        config::Severity::Warning => Some(Severity::Warning),
        config::Severity::Information => Some(Severity::Information),
        config::Severity::Hint => Some(Severity::Hint),
        config::Severity::Off => None,
    }
}

impl CheckSettings {
    /// The severity of `code`, or `None` when it is switched off.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        match self.overrides.get(code) {
            Some(s) => *s,
            None => Some(Severity::default_for(code)),
        }
    }

    /// True when figures written as `surface` are not to be checked.
    pub fn is_ignored(&self, surface: &str) -> bool {
        let s = surface.trim();
        self.ignore.iter().any(|i| i.trim().eq_ignore_ascii_case(s))
    }

    /// The settings of a read config; `error` (the reason it fell back to the defaults, if it
    /// did) and the reader's warnings become `config-error` findings on the config file.
    pub fn from_config(config: &Config, error: Option<&ConfigError>) -> CheckSettings {
        let mut out = CheckSettings {
            ignore: config.ignore.clone(),
            ..CheckSettings::default()
        };
        for (code, level) in &config.severity {
            if codes::ALL.contains(&code.as_str()) {
                out.overrides.insert(code.clone(), to_check(*level));
            } else {
                out.problems.push(Finding::new(
                    CONFIG_FILE,
                    Span::default(),
                    codes::CONFIG_ERROR,
                    format!(
                        "unknown diagnostic code `{code}` in [severity] (known: {})",
                        codes::ALL.join(", ")
                    ),
                ));
            }
        }
        for e in error.into_iter().chain(config.warnings.iter()) {
            out.problems.push(Finding::new(
                CONFIG_FILE,
                e.span.unwrap_or_default(),
                codes::CONFIG_ERROR,
                e.message.clone(),
            ));
        }
        out
    }

    /// The settings a loaded corpus was built with.
    pub fn from_corpus(corpus: &Corpus) -> CheckSettings {
        CheckSettings::from_config(&corpus.config, corpus.config_error.as_ref())
    }

    /// Reads `corpus-ls.toml` at `root`; a missing file means defaults.
    pub fn load(root: &Path) -> CheckSettings {
        let (c, e) = Config::load(root);
        CheckSettings::from_config(&c, e.as_ref())
    }

    /// Reads the settings of a config text.
    pub fn parse(text: &str) -> CheckSettings {
        let (c, e) = Config::parse(text);
        CheckSettings::from_config(&c, e.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_and_off() {
        let s = CheckSettings::parse(
            "[severity]\nfigure-conflict = \"error\"\nfigure-unsupported = \"off\"\n",
        );
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.severity("figure-conflict"), Some(Severity::Error));
        assert_eq!(s.severity("figure-unsupported"), None);
        assert_eq!(s.severity("sources-disagree"), Some(Severity::Information));
    }

    #[test]
    fn broken_toml_is_a_finding_with_a_span_and_defaults_apply() {
        let text = "[severity\nfigure-conflict = \"error\"\n";
        let s = CheckSettings::parse(text);
        assert_eq!(s.problems.len(), 1);
        assert_eq!(s.problems[0].code, "config-error");
        assert_eq!(s.problems[0].rel, "corpus-ls.toml");
        assert!(s.problems[0].span.end() <= text.len());
        assert_eq!(s.severity("figure-conflict"), Some(Severity::Warning));
    }

    #[test]
    fn unknown_levels_and_codes_are_named() {
        let s = CheckSettings::parse("[severity]\nfigure-conflict = \"loud\"\nfoo = \"hint\"\n");
        assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
        assert!(s.problems.iter().any(|p| p.message.contains("loud")));
        assert!(s.problems.iter().any(|p| p.message.contains("`foo`")));
        assert_eq!(s.severity("figure-conflict"), Some(Severity::Warning));
    }

    #[test]
    fn ignored_forms() {
        let s = CheckSettings::parse("ignore = [\"Section 301\"]\n");
        assert!(s.is_ignored(" section 301"));
        assert!(!s.is_ignored("Section 302"));
    }
}
