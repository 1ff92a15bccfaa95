//! `corpus-ls.toml`: include/exclude and notes globs, severities, user entities, ignored forms.
//!
//! The same settings arrive from the LSP as JSON (initializationOptions, workspace/configuration);
//! both are read into one small tree and interpreted once, so they cannot drift apart. A broken
//! file gives the defaults and an error with its location; an unknown key or a bad value is a
//! warning and the rest of the file still counts.
//!
//! ```toml
//! include = ["**/*.md", "**/*.txt"]
//! exclude = ["drafts/**"]
//! notes = ["research/**"]
//! ignore = ["Section 301"]
//!
//! [severity]
//! figure-unsupported = "off"
//!
//! [entities]
//! "Liu He" = { type = "PER", aliases = ["Mr. Liu"] }
//! ```

use crate::model::{EntityType, Span};
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The config file's name at the corpus root.
pub const FILE_NAME: &str = "corpus-ls.toml";

/// How loudly a diagnostic code is reported (or not at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An error.
    Error,
    /// A warning.
    Warning,
    /// Information.
    Information,
    /// A hint.
    Hint,
    /// Not reported.
    Off,
}

impl Severity {
    /// Parses `error|warning|information|hint|off` (also `info`, `warn`, `none`), any case.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "information" | "info" => Some(Severity::Information),
            "hint" => Some(Severity::Hint),
            "off" | "none" | "ignore" => Some(Severity::Off),
            _ => None,
        }
    }
    /// The name used in config files and CLI output.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
            Severity::Off => "off",
        }
    }
}

/// An entity the user declares, with its aliases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntity {
    /// The canonical name (`Liu He`).
    pub name: String,
    /// Its type, when given.
    pub ty: Option<EntityType>,
    /// Other names of it (`Mr. Liu`).
    pub aliases: Vec<String>,
    /// Where it is declared in the config file (none for JSON settings).
    pub span: Option<Span>,
}

/// A problem with the config: where it is, what is wrong, and whether the file was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// What is wrong, for a person.
    pub message: String,
    /// Byte range in the config file (none for JSON settings or unreadable files).
    pub span: Option<Span>,
    /// True when the whole config was dropped for the defaults; false for a warning.
    pub fatal: bool,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// What [`Config::read_file`] found at a root.
#[derive(Debug, Clone)]
pub enum ConfigFile {
    /// No config file.
    Absent,
    /// Its text.
    Text(String),
    /// There, but not read (why, as the error the config reports).
    Refused(ConfigError),
}

/// Compiled glob patterns, with the patterns as written.
#[derive(Debug, Clone)]
pub struct Globs {
    patterns: Vec<String>,
    set: GlobSet,
}

impl Default for Globs {
    fn default() -> Self {
        Globs {
            patterns: Vec::new(),
            set: GlobSet::empty(),
        }
    }
}

impl Globs {
    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
    /// True when no pattern was given.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
    /// True when a pattern matches the root-relative, `/`-separated path.
    pub fn matches(&self, rel: &str) -> bool {
        self.set.is_match(rel)
    }
}

/// The settings of one corpus root.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Files to read (all corpus files when empty).
    pub include: Globs,
    /// Files to leave out.
    pub exclude: Globs,
    /// Files that are notes (besides `notes/` folders and front matter `kind: note`).
    pub notes: Globs,
    /// Severity per diagnostic code.
    pub severity: BTreeMap<String, Severity>,
    /// User-declared entities and aliases.
    pub entities: Vec<UserEntity>,
    /// Surface forms that are not entities or figures to check.
    pub ignore: Vec<String>,
    /// The shared archive's PostgreSQL connection string (`[archive] postgres = "..."`).
    pub archive_postgres: Option<String>,
    /// Warnings met while reading (unknown keys, bad values); the rest of the config counts.
    pub warnings: Vec<ConfigError>,
}

/// A value of either source format, with its span in the TOML text when there is one.
#[derive(Debug, Clone)]
struct Node {
    span: Option<Span>,
    kind: NodeKind,
}

#[derive(Debug, Clone)]
enum NodeKind {
    Str(String),
    Array(Vec<Node>),
    Table(Vec<(String, Option<Span>, Node)>),
    /// Numbers, booleans, dates, nulls: named for messages.
    Other(&'static str),
}

impl NodeKind {
    fn name(&self) -> &'static str {
        match self {
            NodeKind::Str(_) => "a string",
            NodeKind::Array(_) => "a list",
            NodeKind::Table(_) => "a table",
            NodeKind::Other(n) => n,
        }
    }
}

fn span_of(r: std::ops::Range<usize>) -> Option<Span> {
    (r.start <= r.end).then(|| Span::new(r.start, r.end))
}

fn from_toml(v: &toml::Spanned<toml::de::DeValue<'_>>) -> Node {
    use toml::de::DeValue;
    let kind = match v.get_ref() {
        DeValue::String(s) => NodeKind::Str(s.to_string()),
        DeValue::Array(a) => NodeKind::Array(a.iter().map(from_toml).collect()),
        DeValue::Table(t) => NodeKind::Table(
            t.iter()
                .map(|(k, v)| (k.get_ref().to_string(), span_of(k.span()), from_toml(v)))
                .collect(),
        ),
        DeValue::Integer(_) | DeValue::Float(_) => NodeKind::Other("a number"),
        DeValue::Boolean(_) => NodeKind::Other("a boolean"),
        DeValue::Datetime(_) => NodeKind::Other("a date"),
    };
    Node {
        span: span_of(v.span()),
        kind,
    }
}

fn from_json(v: &serde_json::Value) -> Node {
    use serde_json::Value;
    let kind = match v {
        Value::String(s) => NodeKind::Str(s.clone()),
        Value::Array(a) => NodeKind::Array(a.iter().map(from_json).collect()),
        Value::Object(o) => NodeKind::Table(
            o.iter()
                .map(|(k, v)| (k.clone(), None, from_json(v)))
                .collect(),
        ),
        Value::Number(_) => NodeKind::Other("a number"),
        Value::Bool(_) => NodeKind::Other("a boolean"),
        Value::Null => NodeKind::Other("null"),
    };
    Node { span: None, kind }
}

/// Interprets a settings tree, collecting warnings.
struct Reader {
    warnings: Vec<ConfigError>,
}

impl Reader {
    fn warn(&mut self, message: String, span: Option<Span>) {
        self.warnings.push(ConfigError {
            message,
            span,
            fatal: false,
        });
    }

    /// The `[archive]` table: its `postgres` connection string.
    fn archive(&mut self, node: &Node) -> Option<String> {
        let NodeKind::Table(entries) = &node.kind else {
            self.warn(
                format!("`archive` must be a table, found {}", node.kind.name()),
                node.span,
            );
            return None;
        };
        let mut url = None;
        for (key, kspan, v) in entries {
            match (key.as_str(), &v.kind) {
                ("postgres", NodeKind::Str(s)) => url = Some(s.clone()),
                ("postgres", k) => self.warn(
                    format!("`archive.postgres` must be a string, found {}", k.name()),
                    v.span,
                ),
                (other, _) => self.warn(
                    format!("`archive`: unknown key `{other}` (known: postgres)"),
                    kspan.or(v.span),
                ),
            }
        }
        url
    }

    /// A list of strings (a single string counts as a list of one).
    fn strings(&mut self, key: &str, node: &Node) -> Vec<(String, Option<Span>)> {
        match &node.kind {
            NodeKind::Str(s) => vec![(s.clone(), node.span)],
            NodeKind::Array(items) => items
                .iter()
                .filter_map(|n| match &n.kind {
                    NodeKind::Str(s) => Some((s.clone(), n.span)),
                    k => {
                        self.warn(
                            format!("`{key}`: expected a string, found {}", k.name()),
                            n.span,
                        );
                        None
                    }
                })
                .collect(),
            k => {
                self.warn(
                    format!("`{key}` must be a list of strings, found {}", k.name()),
                    node.span,
                );
                Vec::new()
            }
        }
    }

    fn globs(&mut self, key: &str, node: &Node) -> Globs {
        let mut b = GlobSetBuilder::new();
        let mut patterns = Vec::new();
        for (p, span) in self.strings(key, node) {
            let pat = p.trim().trim_start_matches("./").trim_end_matches('/');
            // A folder name matches what is below it, as in .gitignore.
            let variants = [pat.to_string(), format!("{pat}/**")];
            let mut ok = true;
            for v in variants {
                match Glob::new(&v) {
                    Ok(g) => {
                        b.add(g);
                    }
                    Err(e) => {
                        ok = false;
                        self.warn(format!("`{key}`: bad glob `{p}`: {e}"), span);
                        break;
                    }
                }
            }
            if ok {
                patterns.push(p);
            }
        }
        match b.build() {
            Ok(set) => Globs { patterns, set },
            Err(e) => {
                self.warn(format!("`{key}`: {e}"), node.span);
                Globs::default()
            }
        }
    }

    fn severity(&mut self, node: &Node) -> BTreeMap<String, Severity> {
        let mut out = BTreeMap::new();
        let NodeKind::Table(entries) = &node.kind else {
            self.warn(
                format!(
                    "`severity` must be a table of code = \"level\", found {}",
                    node.kind.name()
                ),
                node.span,
            );
            return out;
        };
        for (code, _, v) in entries {
            match &v.kind {
                NodeKind::Str(s) => match Severity::parse(s) {
                    Some(sev) => {
                        out.insert(code.clone(), sev);
                    }
                    None => self.warn(
                        format!("severity of `{code}`: `{s}` is not one of error, warning, information, hint, off"),
                        v.span,
                    ),
                },
                k => self.warn(
                    format!("severity of `{code}`: expected a string, found {}", k.name()),
                    v.span,
                ),
            }
        }
        out
    }

    fn entities(&mut self, node: &Node) -> Vec<UserEntity> {
        let mut out = Vec::new();
        let NodeKind::Table(entries) = &node.kind else {
            self.warn(
                format!("`entities` must be a table of \"Name\" = {{ type = ..., aliases = [...] }}, found {}", node.kind.name()),
                node.span,
            );
            return out;
        };
        for (name, kspan, v) in entries {
            let mut e = UserEntity {
                name: name.clone(),
                ty: None,
                aliases: Vec::new(),
                span: kspan.or(v.span),
            };
            match &v.kind {
                // `"Liu He" = "PER"`: a type alone.
                NodeKind::Str(t) => e.ty = self.entity_type(name, t, v.span),
                NodeKind::Table(fields) => {
                    for (k, ks, fv) in fields {
                        match k.as_str() {
                            "type" => match &fv.kind {
                                NodeKind::Str(t) => e.ty = self.entity_type(name, t, fv.span),
                                k => self.warn(
                                    format!("type of `{name}`: expected a string, found {}", k.name()),
                                    fv.span,
                                ),
                            },
                            "aliases" => {
                                e.aliases = self
                                    .strings("aliases", fv)
                                    .into_iter()
                                    .map(|(s, _)| s)
                                    .collect()
                            }
                            other => self.warn(
                                format!("entity `{name}`: unknown key `{other}` (expected `type` or `aliases`)"),
                                ks.or(fv.span),
                            ),
                        }
                    }
                }
                k => {
                    self.warn(
                        format!("entity `{name}`: expected a table, found {}", k.name()),
                        v.span,
                    );
                    continue;
                }
            }
            out.push(e);
        }
        out
    }

    fn entity_type(&mut self, name: &str, t: &str, span: Option<Span>) -> Option<EntityType> {
        let ty = EntityType::parse(t);
        if ty.is_none() {
            self.warn(
                format!("type of `{name}`: `{t}` is not one of PER, ORG, LOC, MISC"),
                span,
            );
        }
        ty
    }

    fn config(mut self, root: &Node) -> Config {
        let mut c = Config::default();
        let NodeKind::Table(entries) = &root.kind else {
            if !matches!(root.kind, NodeKind::Other("null")) {
                self.warn(
                    format!("settings must be a table, found {}", root.kind.name()),
                    root.span,
                );
            }
            c.warnings = self.warnings;
            return c;
        };
        for (key, kspan, v) in entries {
            match key.as_str() {
                "include" => c.include = self.globs(key, v),
                "exclude" => c.exclude = self.globs(key, v),
                "notes" => c.notes = self.globs(key, v),
                "severity" => c.severity = self.severity(v),
                "entities" => c.entities = self.entities(v),
                "ignore" => {
                    c.ignore = self.strings(key, v).into_iter().map(|(s, _)| s).collect()
                }
                "archive" => c.archive_postgres = self.archive(v),
                other => self.warn(
                    format!("unknown key `{other}` (known: include, exclude, notes, severity, entities, ignore, archive)"),
                    kspan.or(v.span),
                ),
            }
        }
        c.warnings = self.warnings;
        c
    }
}

impl Config {
    /// Parses the text of a `corpus-ls.toml`: a syntax error gives the defaults and that error.
    pub fn parse(text: &str) -> (Config, Option<ConfigError>) {
        match toml::de::DeTable::parse(text) {
            Ok(table) => {
                let root = Node {
                    span: span_of(table.span()),
                    kind: NodeKind::Table(
                        table
                            .get_ref()
                            .iter()
                            .map(|(k, v)| {
                                (k.get_ref().to_string(), span_of(k.span()), from_toml(v))
                            })
                            .collect(),
                    ),
                };
                (
                    Reader {
                        warnings: Vec::new(),
                    }
                    .config(&root),
                    None,
                )
            }
            Err(e) => {
                let span = e.span().and_then(span_of).map(|s| {
                    // Point at something visible, inside the text and on char boundaries.
                    let mut a = s.start().min(text.len());
                    while !text.is_char_boundary(a) {
                        a -= 1;
                    }
                    let mut b = s.end().clamp(a, text.len());
                    while !text.is_char_boundary(b) {
                        b += 1;
                    }
                    Span::new(a, b)
                });
                let err = ConfigError {
                    message: format!("{FILE_NAME}: {}; using the defaults", e.message().trim()),
                    span,
                    fatal: true,
                };
                (Config::default(), Some(err))
            }
        }
    }

    /// Reads `corpus-ls.toml` at `root`: the defaults when there is none, the defaults and an
    /// error when it cannot be read or parsed.
    pub fn load(root: &Path) -> (Config, Option<ConfigError>) {
        match Config::read_file(root) {
            ConfigFile::Absent => (Config::default(), None),
            ConfigFile::Text(text) => Config::parse(&text),
            ConfigFile::Refused(err) => (Config::default(), Some(err)),
        }
    }

    /// The text of `corpus-ls.toml` at `root`, read through the confined open: a link out of
    /// the root, a FIFO, a file over [`crate::corpus::confined::CONFIG_CAP`] or invalid UTF-8 is
    /// refused with the reason (nothing should then be planned from it or written to it).
    pub fn read_file(root: &Path) -> ConfigFile {
        use crate::corpus::confined::{self, Refused};
        let refused = |message: String, span| {
            ConfigFile::Refused(ConfigError {
                message,
                span,
                fatal: true,
            })
        };
        let path = root.join(FILE_NAME);
        match confined::read(root, &path, confined::CONFIG_CAP) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => ConfigFile::Text(text),
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    refused(
                        format!("{FILE_NAME}: invalid UTF-8 at byte {at}; using the defaults"),
                        Some(Span::new(at, at)),
                    )
                }
            },
            Err(Refused::Missing) => ConfigFile::Absent,
            Err(e @ Refused::Outside(_)) => refused(
                format!("{FILE_NAME}: {e}; not read; using the defaults"),
                None,
            ),
            Err(e) => refused(
                format!("{FILE_NAME}: not read: {e}; using the defaults"),
                None,
            ),
        }
    }

    /// Reads settings sent by an LSP client (initializationOptions or workspace/configuration).
    /// The settings may sit under a `corpus-ls` (or `corpusLs`) key. Null gives the defaults.
    pub fn from_json(value: serde_json::Value) -> (Config, Option<ConfigError>) {
        let inner = ["corpus-ls", "corpusLs", "corpus_ls"]
            .iter()
            .find_map(|k| value.get(k).filter(|v| v.is_object()))
            .unwrap_or(&value);
        let c = Reader {
            warnings: Vec::new(),
        }
        .config(&from_json(inner));
        (c, None)
    }

    /// Layers this config (a root's `corpus-ls.toml`) over `base` (the client's settings): a glob
    /// list the file sets replaces the client's, severities and entities merge per code and per
    /// name with the file winning, ignored forms add up, and both sets of warnings are kept.
    pub fn over(self, base: &Config) -> Config {
        let pick = |mine: Globs, theirs: &Globs| {
            if mine.is_empty() {
                theirs.clone()
            } else {
                mine
            }
        };
        let mut severity = base.severity.clone();
        severity.extend(self.severity);
        let mut entities: Vec<UserEntity> = base
            .entities
            .iter()
            .filter(|b| !self.entities.iter().any(|e| e.name == b.name))
            .cloned()
            .collect();
        entities.extend(self.entities);
        let mut ignore = base.ignore.clone();
        ignore.extend(self.ignore.into_iter().filter(|s| !base.ignore.contains(s)));
        let mut warnings = self.warnings;
        warnings.extend(base.warnings.iter().cloned());
        Config {
            include: pick(self.include, &base.include),
            exclude: pick(self.exclude, &base.exclude),
            notes: pick(self.notes, &base.notes),
            severity,
            entities,
            ignore,
            archive_postgres: self
                .archive_postgres
                .or_else(|| base.archive_postgres.clone()),
            warnings,
        }
    }

    /// True when the file at `rel` (root-relative, `/`-separated) is read: it matches `include`
    /// (or there is none) and does not match `exclude`.
    pub fn is_included(&self, rel: &str) -> bool {
        (self.include.is_empty() || self.include.matches(rel)) && !self.exclude.matches(rel)
    }

    /// True when the config's `notes` globs make `rel` a note.
    pub fn is_note(&self, rel: &str) -> bool {
        self.notes.matches(rel)
    }

    /// The severity of `code`: the config's override, else `default`.
    pub fn severity_of(&self, code: &str, default: Severity) -> Severity {
        self.severity.get(code).copied().unwrap_or(default)
    }

    /// True when `surface` is one of the ignored forms (compared without case).
    pub fn is_ignored(&self, surface: &str) -> bool {
        let s = surface.trim();
        self.ignore.iter().any(|i| i.trim().eq_ignore_ascii_case(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const GOOD: &str = r#"
include = ["**/*.md", "**/*.txt"]
exclude = ["drafts/", "**/*.bak.md"]
notes = ["research/**"]
ignore = ["Section 301"]

[severity]
figure-unsupported = "off"
sources-disagree = "Warning"

[entities]
"Marta Okonjo" = { type = "PER", aliases = ["Ms. Okonjo", "the minister"] }
"Kestrel Works" = "ORG"
"#;

    #[test]
    fn reads_every_field() {
        let (c, err) = Config::parse(GOOD);
        assert!(err.is_none());
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert!(c.is_included("a.md") && c.is_included("x/y.txt"));
        assert!(!c.is_included("drafts/a.md") && !c.is_included("drafts/deep/a.md"));
        assert!(!c.is_included("x/old.bak.md"));
        assert!(!c.is_included("a.rst"));
        assert!(c.is_note("research/n.md") && !c.is_note("a.md"));
        assert_eq!(
            c.severity_of("figure-unsupported", Severity::Hint),
            Severity::Off
        );
        assert_eq!(
            c.severity_of("sources-disagree", Severity::Information),
            Severity::Warning
        );
        assert_eq!(
            c.severity_of("figure-conflict", Severity::Warning),
            Severity::Warning
        );
        assert_eq!(c.entities.len(), 2);
        let m = c
            .entities
            .iter()
            .find(|e| e.name == "Marta Okonjo")
            .unwrap();
        assert_eq!(m.ty, Some(EntityType::Per));
        assert_eq!(m.aliases, ["Ms. Okonjo", "the minister"]);
        assert_eq!(m.span.unwrap().slice(GOOD), "\"Marta Okonjo\"");
        assert!(c.is_ignored("section 301"));
    }

    #[test]
    fn syntax_error_gives_defaults_and_a_location() {
        let text = "include = [\"a.md\"\n[severity]\nx = \"off\"\n";
        let (c, err) = Config::parse(text);
        let err = err.unwrap();
        assert!(err.fatal);
        assert!(err.span.is_some());
        assert!(c.include.is_empty() && c.severity.is_empty());
        let s = err.span.unwrap();
        assert!(s.end() <= text.len());
    }

    #[test]
    fn the_archive_table_names_a_postgres_url_and_warns_on_the_rest() {
        let (c, err) = Config::parse("[archive]\npostgres = \"postgresql://u@127.0.0.1:5/db\"\n");
        assert!(err.is_none() && c.warnings.is_empty());
        assert_eq!(
            c.archive_postgres.as_deref(),
            Some("postgresql://u@127.0.0.1:5/db")
        );
        let (c, _) = Config::parse("[archive]\npostgres = 5\nmysql = \"x\"\n");
        assert_eq!(c.archive_postgres, None);
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_warnings() {
        let text = "colour = \"red\"\nnotes = [\"n/**\", 5]\n[severity]\nfigure-conflict = \"loud\"\n[entities]\n\"A\" = { type = \"PERSONA\", alias = [] }\n";
        let (c, err) = Config::parse(text);
        assert!(err.is_none());
        assert!(c.is_note("n/x.md"));
        let msgs: Vec<_> = c
            .warnings
            .iter()
            .map(|w| (w.message.as_str(), w.span.map(|s| s.slice(text))))
            .collect();
        assert_eq!(msgs.len(), 5, "{msgs:?}");
        assert!(msgs
            .iter()
            .any(|(m, s)| m.contains("unknown key `colour`") && *s == Some("colour")));
        assert!(msgs
            .iter()
            .any(|(m, s)| m.contains("expected a string") && *s == Some("5")));
        assert!(msgs
            .iter()
            .any(|(m, s)| m.contains("`loud`") && *s == Some("\"loud\"")));
        assert!(msgs.iter().any(|(m, _)| m.contains("PERSONA")));
        assert!(msgs
            .iter()
            .any(|(m, s)| m.contains("`alias`") && *s == Some("alias")));
        assert!(c.warnings.iter().all(|w| !w.fatal));
    }

    #[test]
    fn bad_glob_is_a_warning() {
        let (c, err) = Config::parse("exclude = [\"a/[b\", \"c/**\"]\n");
        assert!(err.is_none());
        assert_eq!(c.warnings.len(), 1);
        assert!(!c.is_included("c/x.md"));
        assert_eq!(c.exclude.patterns(), ["c/**"]);
    }

    #[test]
    fn json_settings() {
        let v = json!({"corpus-ls": {
            "notes": ["research/**"],
            "severity": {"weekday-mismatch": "error"},
            "entities": {"Marta Okonjo": {"type": "PER", "aliases": ["Ms. Okonjo"]}},
            "ignore": ["Made in Borvia 2030"],
            "extra": true
        }});
        let (c, err) = Config::from_json(v);
        assert!(err.is_none());
        assert!(c.is_note("research/a.md"));
        assert_eq!(
            c.severity_of("weekday-mismatch", Severity::Warning),
            Severity::Error
        );
        assert_eq!(c.entities[0].aliases, ["Ms. Okonjo"]);
        assert_eq!(c.warnings.len(), 1);
        let (c, _) = Config::from_json(serde_json::Value::Null);
        assert!(c.warnings.is_empty() && c.is_included("a.md"));
    }

    #[test]
    fn load_from_root() {
        let dir = tempfile::tempdir().unwrap();
        let (c, err) = Config::load(dir.path());
        assert!(err.is_none() && c.is_included("a.md"));
        std::fs::write(dir.path().join(FILE_NAME), "[severity\n").unwrap();
        let (_, err) = Config::load(dir.path());
        assert!(err.unwrap().fatal);
        std::fs::write(dir.path().join(FILE_NAME), b"ignore = [\"\xff\"]").unwrap();
        let (_, err) = Config::load(dir.path());
        assert!(err.unwrap().message.contains("UTF-8"));
    }

    #[cfg(unix)]
    #[test]
    fn a_config_that_links_out_or_blocks_is_refused() {
        let out = tempfile::tempdir().unwrap();
        std::fs::write(out.path().join("x.toml"), "ignore = [\"A\"]\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::os::unix::fs::symlink(out.path().join("x.toml"), &path).unwrap();
        let ConfigFile::Refused(err) = Config::read_file(dir.path()) else {
            panic!("a link out was read")
        };
        assert!(err.message.contains("outside the root"), "{}", err.message);
        std::fs::remove_file(&path).unwrap();
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let (c, err) = Config::load(dir.path());
        assert!(err.unwrap().message.contains("FIFO") && c.ignore.is_empty());
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, "ignore = [\"A\"]\n").unwrap();
        assert!(matches!(Config::read_file(dir.path()), ConfigFile::Text(_)));
    }

    #[test]
    fn a_file_layered_over_client_settings() {
        let (client, _) = Config::from_json(serde_json::json!({
            "exclude": ["drafts/**"],
            "entities": {"Ada Okonjo": {"type": "PER", "aliases": ["Ms. Okonjo"]},
                         "Tessaly": "LOC"}
        }));
        let (file, _) =
            Config::parse("[entities]\n\"Tessaly\" = \"ORG\"\n\"Brannock\" = \"ORG\"\n");
        let c = file.over(&client);
        assert!(
            !c.is_included("drafts/a.md"),
            "globs the file leaves unset come from the client"
        );
        let names: Vec<(&str, Option<EntityType>)> =
            c.entities.iter().map(|e| (e.name.as_str(), e.ty)).collect();
        assert_eq!(
            names,
            [
                ("Ada Okonjo", Some(EntityType::Per)),
                ("Brannock", Some(EntityType::Org)),
                ("Tessaly", Some(EntityType::Org)),
            ],
            "one entry per name, the file's type winning"
        );
    }
}
