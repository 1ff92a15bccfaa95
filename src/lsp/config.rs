//! Settings from `initializationOptions` and `workspace/configuration` (section `corpus-ls`).
//!
//! The corpus settings (the same keys as `corpus-ls.toml`) are kept as JSON and handed to the core
//! when a root is loaded; the keys below only change what the server shows.

use crate::config::{Config, ConfigError, ConfigFile};
use serde_json::Value;
use std::path::Path;

/// The configuration section the server asks the client for.
pub const SECTION: &str = "corpus-ls";

/// What the user configured.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Everything the client sent, for the core (`corpus-ls.toml` keys).
    pub raw: Value,
    /// Show inlay hints (`inlayHints`, default true).
    pub inlay_hints: bool,
    /// Show code lenses (`codeLens`, default true).
    pub code_lens: bool,
    /// Use the custom semantic token types even when the client does not list them
    /// (`semanticTokens.customTypes`); `None` leaves it to the client's capabilities.
    pub custom_token_types: Option<bool>,
    /// The client's root is only a loose file's folder (`looseFolder`, default false): read it
    /// bounded, as the server does for a loose file it finds itself. Eglot always sends a root,
    /// so its set-up says this when it found no corpus.
    pub loose_folder: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            raw: Value::Null,
            inlay_hints: true,
            code_lens: true,
            custom_token_types: None,
            loose_folder: false,
        }
    }
}

impl Settings {
    /// Reads settings from a JSON value; unknown keys are kept in `raw`, wrong types are ignored.
    /// A value wrapped in a `corpus-ls` key (as `didChangeConfiguration` sends it) is unwrapped.
    pub fn from_json(v: &Value) -> Settings {
        let v = v.get(SECTION).unwrap_or(v);
        let mut s = Settings {
            raw: v.clone(),
            ..Settings::default()
        };
        if let Some(b) = v.get("inlayHints").and_then(Value::as_bool) {
            s.inlay_hints = b;
        }
        if let Some(b) = v.get("codeLens").and_then(Value::as_bool) {
            s.code_lens = b;
        }
        s.custom_token_types = v
            .pointer("/semanticTokens/customTypes")
            .and_then(Value::as_bool);
        s.loose_folder = v.get("looseFolder").and_then(Value::as_bool) == Some(true);
        s
    }
}

/// Keys of the client's settings that only change what the server shows or where it reads; the
/// core never sees them.
const DISPLAY_KEYS: [&str; 4] = ["inlayHints", "codeLens", "semanticTokens", "looseFolder"];

/// The config of a root: its `corpus-ls.toml` layered over the client's settings (the file wins
/// key by key, see [`Config::over`]), or either alone. Returns the problems found (errors and
/// warnings) and the file's text for locating them.
pub fn root_config(root: &Path, settings: &Settings) -> (Config, Vec<ConfigError>, Option<String>) {
    let client = match &settings.raw {
        Value::Object(map) => {
            let mut map = map.clone();
            map.retain(|k, _| !DISPLAY_KEYS.contains(&k.as_str()));
            Config::from_json(Value::Object(map)).0
        }
        _ => Config::default(),
    };
    // One confined read: the text shown and the config used are the same, and a refused file
    // (a link out of the root) is neither.
    let (config, err, text) = match Config::read_file(root) {
        ConfigFile::Absent => (client, None, None),
        ConfigFile::Text(text) => {
            let (file, err) = Config::parse(&text);
            (file.over(&client), err, Some(text))
        }
        ConfigFile::Refused(err) => (client, Some(err), None),
    };
    let mut problems: Vec<ConfigError> = err.into_iter().collect();
    problems.extend(config.warnings.iter().cloned());
    (config, problems, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::FILE_NAME;
    use serde_json::json;

    #[test]
    fn reads_known_keys_and_ignores_bad_ones() {
        let s = Settings::from_json(&json!({"corpus-ls": {"inlayHints": false, "codeLens": "no",
            "semanticTokens": {"customTypes": true}, "notes": ["n/**"]}}));
        assert!(!s.inlay_hints);
        assert!(s.code_lens);
        assert_eq!(s.custom_token_types, Some(true));
        assert_eq!(s.raw["notes"][0], "n/**");
        assert_eq!(Settings::from_json(&Value::Null), Settings::default());
    }

    #[test]
    fn the_file_wins_key_by_key_over_client_settings() {
        let dir = tempfile::tempdir().unwrap();
        let client = Settings::from_json(&json!({"corpus-ls": {"notes": ["research/**"],
            "severity": {"figure-unsupported": "hint", "figure-conflict": "warning"},
            "ignore": ["Acme"], "inlayHints": false}}));
        let (c, problems, _) = root_config(dir.path(), &client);
        assert!(c.is_note("research/a.md"));
        assert!(
            problems.is_empty(),
            "display keys are not corpus keys: {problems:?}"
        );
        std::fs::write(
            dir.path().join(FILE_NAME),
            "notes = [\"mine/**\"]\nignore = [\"Zenith\"]\nbogus = 1\n[severity]\nfigure-conflict = \"error\"\n",
        )
        .unwrap();
        let (c, problems, text) = root_config(dir.path(), &client);
        assert!(c.is_note("mine/a.md") && !c.is_note("research/a.md"));
        use crate::config::Severity;
        let sev = |code| c.severity_of(code, Severity::Information);
        assert_eq!(sev("figure-conflict"), Severity::Error, "the file wins");
        assert_eq!(
            sev("figure-unsupported"),
            Severity::Hint,
            "the client fills in"
        );
        assert!(c.is_ignored("Acme") && c.is_ignored("Zenith"));
        assert_eq!(problems.len(), 1, "the unknown key is a warning");
        assert!(text.is_some());
        std::fs::write(dir.path().join(FILE_NAME), "notes = [").unwrap();
        let (c, problems, _) = root_config(dir.path(), &client);
        assert!(problems[0].fatal);
        assert!(
            c.is_note("research/a.md"),
            "a broken file leaves the client's settings"
        );
    }
}
