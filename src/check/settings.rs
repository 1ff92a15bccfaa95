//! Per-code severities (`off` drops a rule), read from `corpus-ls.toml`:
//!
//! ```toml
//! [severity]
//! figure-conflict = "error"
//! figure-unsupported = "off"
//! ```
//!
//! A config that cannot be read is a `config-error` finding on the file, and defaults apply.

use super::{codes, Finding, Severity};
use crate::model::Span;
use std::collections::HashMap;
use std::path::Path;

/// The config file's name at the corpus root.
pub const CONFIG_FILE: &str = "corpus-ls.toml";

/// Severities per code, and the problems met reading them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckSettings {
    /// Overrides: `None` turns the code off.
    pub overrides: HashMap<String, Option<Severity>>,
    /// `config-error` findings met while reading the config.
    pub problems: Vec<Finding>,
}

impl CheckSettings {
    /// The severity of `code`, or `None` when it is switched off.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        match self.overrides.get(code) {
            Some(s) => *s,
            None => Some(Severity::default_for(code)),
        }
    }

    /// Reads `corpus-ls.toml` at `root`; a missing file means defaults.
    pub fn load(root: &Path) -> CheckSettings {
        match std::fs::read_to_string(root.join(CONFIG_FILE)) {
            Ok(text) => CheckSettings::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => CheckSettings::default(),
            Err(e) => CheckSettings {
                overrides: HashMap::new(),
                problems: vec![Finding::new(
                    CONFIG_FILE,
                    Span::new(0, 0),
                    codes::CONFIG_ERROR,
                    format!("cannot read {CONFIG_FILE}: {e}; defaults apply"),
                )],
            },
        }
    }

    /// Reads the severities of a config text (tables `[severity]` or `[severities]`).
    pub fn parse(text: &str) -> CheckSettings {
        let mut out = CheckSettings::default();
        let table: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                let e: toml::de::Error = e;
                let span = e
                    .span()
                    .map(|r| {
                        Span::new(
                            r.start.min(text.len()),
                            r.end.min(text.len()).max(r.start.min(text.len())),
                        )
                    })
                    .unwrap_or_default();
                let msg = e.message().trim().to_string();
                out.problems.push(Finding::new(
                    CONFIG_FILE,
                    span,
                    codes::CONFIG_ERROR,
                    format!("{CONFIG_FILE} is not valid TOML ({msg}); defaults apply"),
                ));
                return out;
            }
        };
        for name in ["severity", "severities"] {
            let Some(v) = table.get(name) else { continue };
            let Some(t) = v.as_table() else {
                out.problem(
                    text,
                    name,
                    format!("`{name}` should be a table of code = level"),
                );
                continue;
            };
            for (code, level) in t {
                let Some(level) = level.as_str() else {
                    out.problem(
                        text,
                        code,
                        format!("severity of `{code}` should be a string"),
                    );
                    continue;
                };
                if !codes::ALL.contains(&code.as_str()) {
                    out.problem(
                        text,
                        code,
                        format!(
                            "unknown diagnostic code `{code}` (known: {})",
                            codes::ALL.join(", ")
                        ),
                    );
                    continue;
                }
                if level.trim().eq_ignore_ascii_case("off") {
                    out.overrides.insert(code.clone(), None);
                } else if let Some(s) = Severity::parse(level) {
                    out.overrides.insert(code.clone(), Some(s));
                } else {
                    out.problem(
                        text,
                        code,
                        format!("unknown severity `{level}` for `{code}` (error, warning, information, hint, off); the default applies"),
                    );
                }
            }
        }
        out
    }

    fn problem(&mut self, text: &str, key: &str, message: String) {
        // Point at the line that names the key, when there is one.
        let span = text
            .match_indices(key)
            .find(|(i, _)| {
                text[..*i]
                    .rsplit('\n')
                    .next()
                    .is_some_and(|p| p.trim().is_empty() || p.trim() == "[")
            })
            .map(|(i, k)| Span::new(i, i + k.len()))
            .unwrap_or_default();
        self.problems.push(Finding::new(
            CONFIG_FILE,
            span,
            codes::CONFIG_ERROR,
            message,
        ));
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
        assert!(s.problems.is_empty());
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
        assert!(s.problems[0].span.end <= text.len());
        assert_eq!(s.severity("figure-conflict"), Some(Severity::Warning));
    }

    #[test]
    fn unknown_levels_and_codes_are_named() {
        let s = CheckSettings::parse("[severity]\nfigure-conflict = \"loud\"\nfoo = \"hint\"\n");
        assert_eq!(s.problems.len(), 2);
        assert!(s.problems[0].message.contains("loud"));
        assert_eq!(s.problems[0].span, Span::new(11, 26));
        assert_eq!(s.severity("figure-conflict"), Some(Severity::Warning));
    }
}
