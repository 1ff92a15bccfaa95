//! `corpus-ls check`: findings as compiler-style text, JSON Lines or SARIF 2.1.0, with a summary
//! line and an exit status for CI.

use super::location_fields;
use crate::check::{self, codes, CheckSettings, Checker, Finding, Severity};
use crate::corpus::cache::trace;
use crate::corpus::{Corpus, SourceFile};
use crate::document::Encoding;
use crate::extract::entities::Gazetteer;
use crate::model::Span;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Compiler-style text for people.
    Human,
    /// JSON Lines, one finding a line.
    Json,
    /// One SARIF 2.1.0 log, for code-scanning tools.
    Sarif,
}

/// The lowest severity that makes the command fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Only errors fail.
    Error,
    /// Warnings and errors fail (the default).
    Warning,
    /// Information and above fail.
    Information,
    /// Any finding fails.
    Hint,
    /// Nothing fails.
    Never,
}

impl FailOn {
    /// True when a finding of `s` reaches this level.
    pub fn reached_by(&self, s: Severity) -> bool {
        let limit = match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Information => Severity::Information,
            FailOn::Hint => Severity::Hint,
            FailOn::Never => return false,
        };
        s <= limit
    }
}

/// Files findings point into: the corpus's, plus files outside it (the config) read on demand.
struct Files<'a> {
    corpus: &'a Corpus,
    extra: HashMap<String, Arc<SourceFile>>,
}

impl<'a> Files<'a> {
    fn new(corpus: &'a Corpus, findings: &[Finding]) -> Self {
        let mut extra = HashMap::new();
        let rels = findings
            .iter()
            .flat_map(|f| std::iter::once(&f.rel).chain(f.related.iter().map(|r| &r.rel)));
        for rel in rels {
            if corpus.file(rel).is_some() || extra.contains_key(rel) {
                continue;
            }
            // Only files the checks themselves read (the config) land here, read as the load
            // read it: a config refused (linked from outside the root) is never shown.
            let text = match crate::config::Config::read_file(&corpus.root) {
                crate::config::ConfigFile::Text(t) if rel == crate::config::FILE_NAME => t,
                _ => String::new(),
            };
            let f = SourceFile::new(rel.clone(), text, Vec::new(), &Gazetteer::default());
            extra.insert(rel.clone(), Arc::new(f));
        }
        Files { corpus, extra }
    }

    fn get(&self, rel: &str) -> &SourceFile {
        self.corpus
            .file(rel)
            .or_else(|| self.extra.get(rel))
            .expect("every finding's file was loaded")
    }
}

/// A span clamped to its file's text.
fn clamp(file: &SourceFile, span: Span) -> Span {
    check::words::clamp(&file.text(), span)
}

/// The finding as a JSON object of the contract.
fn json_object(files: &Files, f: &Finding) -> Value {
    let file = files.get(&f.rel);
    let mut m = location_fields(file, clamp(file, f.span));
    m.insert("severity".into(), json!(f.severity.as_str()));
    m.insert("code".into(), json!(f.code));
    m.insert("message".into(), json!(f.message));
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|r| {
            let rf = files.get(&r.rel);
            let mut o = location_fields(rf, clamp(rf, r.span));
            o.insert("message".into(), json!(r.message));
            Value::Object(o)
        })
        .collect();
    m.insert("related".into(), Value::Array(related));
    Value::Object(m)
}

/// 1-based line and column (in characters) of an offset.
fn line_col(file: &SourceFile, offset: usize) -> (usize, usize) {
    let text = file.text();
    let p = file.lines.position(&text, offset, Encoding::Utf8);
    let start = file.lines.line_start(p.line as usize).unwrap_or(0);
    let col = text[start..offset.max(start)].chars().count() + 1;
    (p.line as usize + 1, col)
}

/// The text of the line holding `offset`, without its newline.
fn line_text(t: &str, offset: usize) -> (usize, &str) {
    let start = t[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = t[offset..].find('\n').map_or(t.len(), |i| offset + i);
    (start, t[start..end].trim_end_matches('\r'))
}

/// One finding the way a compiler prints it: location, level and code, the line, a caret.
fn write_human(out: &mut dyn Write, files: &Files, f: &Finding) -> std::io::Result<()> {
    let file = files.get(&f.rel);
    let span = clamp(file, f.span);
    let (line, col) = line_col(file, span.start());
    writeln!(
        out,
        "{}:{line}:{col}: {}[{}]: {}",
        f.rel,
        f.severity.as_str(),
        f.code,
        f.message
    )?;
    let whole = file.text();
    let (ls, text) = line_text(&whole, span.start());
    let gutter = " ".repeat(line.to_string().len());
    writeln!(out, "{gutter} |")?;
    writeln!(out, "{line} | {text}")?;
    let pad: String = whole[ls..span.start()]
        .chars()
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let end = span.end().min(ls + text.len()).max(span.start());
    let width = whole[span.start()..end].chars().count().max(1);
    writeln!(out, "{gutter} | {pad}{}", "^".repeat(width))?;
    for r in &f.related {
        let rf = files.get(&r.rel);
        let (l, c) = line_col(rf, clamp(rf, r.span).start());
        writeln!(out, "{gutter} = note: {}:{l}:{c}: {}", r.rel, r.message)?;
    }
    writeln!(out)
}

/// A SARIF physical location of a span.
fn sarif_location(file: &SourceFile, span: Span) -> Value {
    let span = clamp(file, span);
    let (s, e) = (
        file.position(span.start(), Encoding::Utf16),
        file.position(span.end(), Encoding::Utf16),
    );
    json!({
        "artifactLocation": {"uri": uri(&file.rel), "uriBaseId": "%SRCROOT%"},
        "region": {
            "startLine": s.line + 1,
            "startColumn": s.character + 1,
            "endLine": e.line + 1,
            "endColumn": e.character + 1,
            "byteOffset": span.start(),
            "byteLength": span.len(),
        }
    })
}

/// A relative path as a URI reference (spaces and other unsafe bytes percent-encoded).
fn uri(rel: &str) -> String {
    let mut out = String::new();
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SARIF level of a severity (SARIF has no hint: it is a note, as information is).
fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

fn rule_description(code: &str) -> &'static str {
    match code {
        codes::FIGURE_CONFLICT => {
            "A note's figure and a source's figure measure the same thing and disagree"
        }
        codes::SOURCES_DISAGREE => "Two articles give different values for the same thing",
        codes::FIGURE_UNSUPPORTED => "A note's figure that no source states or implies",
        codes::WEEKDAY_MISMATCH => "A date and a weekday that do not match",
        codes::SOURCE_MISSING => "A note's source that leaves the root or names no file",
        codes::CONFIG_ERROR => "corpus-ls.toml cannot be read; defaults apply",
        _ => "corpus-ls finding",
    }
}

/// The whole SARIF 2.1.0 log of a run.
pub fn sarif_log(corpus: &Corpus, findings: &[Finding], settings: &CheckSettings) -> Value {
    let files = Files::new(corpus, findings);
    let rules: Vec<Value> = codes::ALL
        .iter()
        .map(|c| {
            let level = settings.severity(c).map_or("none", sarif_level);
            json!({
                "id": c,
                "name": c,
                "shortDescription": {"text": rule_description(c)},
                "defaultConfiguration": {"level": level},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let file = files.get(&f.rel);
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut loc = Map::new();
                    loc.insert("id".into(), json!(i + 1));
                    loc.insert(
                        "physicalLocation".into(),
                        sarif_location(files.get(&r.rel), r.span),
                    );
                    loc.insert("message".into(), json!({"text": r.message}));
                    Value::Object(loc)
                })
                .collect();
            json!({
                "ruleId": f.code,
                "ruleIndex": codes::ALL.iter().position(|c| *c == f.code).unwrap_or(0),
                "level": sarif_level(f.severity),
                "message": {"text": f.message},
                "locations": [{"physicalLocation": sarif_location(file, f.span)}],
                "relatedLocations": related,
                "properties": {"severity": f.severity.as_str()},
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "corpus-ls",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/corpus-ls/corpus-ls",
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

/// `3 findings: 0 errors, 2 warnings, 1 information, 0 hints`.
pub fn summary(findings: &[Finding]) -> String {
    let [e, w, i, h] = check::count_by_severity(findings);
    let pl = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}: {}, {}, {i} information, {}",
        pl(findings.len(), "finding"),
        pl(e, "error"),
        pl(w, "warning"),
        pl(h, "hint")
    )
}

/// Writes the findings in `format`; the summary goes to `out` for people, to `err` otherwise.
pub fn write(
    out: &mut dyn Write,
    err: &mut dyn Write,
    corpus: &Corpus,
    findings: &[Finding],
    settings: &CheckSettings,
    format: CheckFormat,
) -> std::io::Result<()> {
    let files = Files::new(corpus, findings);
    match format {
        CheckFormat::Human => {
            for f in findings {
                write_human(out, &files, f)?;
            }
            writeln!(out, "{}", summary(findings))?;
        }
        CheckFormat::Json => {
            for f in findings {
                writeln!(out, "{}", json_object(&files, f))?;
            }
            writeln!(err, "{}", summary(findings))?;
        }
        CheckFormat::Sarif => {
            let log = sarif_log(corpus, findings, settings);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&log).map_err(std::io::Error::other)?
            )?;
            writeln!(err, "{}", summary(findings))?;
        }
    }
    Ok(())
}

/// Runs `check` on `root`: 0 when nothing reaches `fail_on`, 1 when something does, 2 on
/// usage or I/O errors.
pub fn run(
    root: &Path,
    format: CheckFormat,
    fail_on: FailOn,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let root = match std::fs::canonicalize(root) {
        Ok(r) if r.is_dir() => r,
        Ok(r) => {
            let _ = writeln!(err, "corpus-ls: {}: not a folder", r.display());
            return 2;
        }
        Err(e) => {
            let _ = writeln!(err, "corpus-ls: {}: {e}", root.display());
            return 2;
        }
    };
    let corpus = Corpus::load_cached(&root);
    for f in &corpus.files {
        for p in &f.problems {
            let _ = writeln!(err, "corpus-ls: {}: {p}", f.rel);
        }
    }
    for s in &corpus.skipped {
        let _ = writeln!(err, "corpus-ls: {}: {}", s.rel, s.reason);
    }
    let settings = CheckSettings::from_corpus(&corpus);
    let checker = Checker::new(&corpus, settings.clone());
    trace::lap("check: fact index");
    let findings = checker.check_corpus(&corpus);
    trace::lap("check: rules");
    if let Err(e) = write(out, err, &corpus, &findings, &settings, format) {
        let _ = writeln!(err, "corpus-ls: cannot write output: {e}");
        return 2;
    }
    let _ = out.flush();
    trace::lap("check: output");
    // The process ends next: freeing the index and the corpus piece by piece took a tenth of
    // a warm run's time, and the system takes the memory back at once.
    std::mem::forget(checker);
    std::mem::forget(corpus);
    u8::from(findings.iter().any(|f| fail_on.reached_by(f.severity)))
}
