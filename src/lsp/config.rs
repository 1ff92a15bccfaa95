//! Settings from `initializationOptions` and `workspace/configuration` (section `corpus-ls`).
//!
//! The corpus settings (the same keys as `corpus-ls.toml`) are kept as JSON and handed to the core
//! when a root is loaded; the keys below only change what the server shows.

use serde_json::Value;

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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            raw: Value::Null,
            inlay_hints: true,
            code_lens: true,
            custom_token_types: None,
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
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
