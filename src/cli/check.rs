//! `corpus-ls check`: findings as compiler-style text, JSON Lines or SARIF 2.1.0, with a summary
//! line and an exit status for CI.

use super::location_fields;
use crate::check::{self, CheckSettings, Checker, Finding, Severity};
use crate::corpus::cache::trace;
use crate::corpus::{Corpus, SourceFile};
use crate::document::Encoding;
use crate::extract::entities::Gazetteer;
use crate::model::Span;
use serde_json::{json, Value};
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
pub(super) struct Files<'a> {
    corpus: &'a Corpus,
    extra: HashMap<String, Arc<SourceFile>>,
}

impl<'a> Files<'a> {
    pub(super) fn new(corpus: &'a Corpus, findings: &[Finding]) -> Self {
        let mut extra = HashMap::new();
        let rels = findings
            .iter()
            .flat_map(|f| std::iter::once(&f.rel).chain(f.related.iter().map(|r| &r.rel)));
        for rel in rels {
            if corpus.file(rel).is_some() || extra.contains_key(rel) {
                continue;
            }
            // Only files the checks themselves read (the config) land here.
            // ... and only below the root: a config linked from outside is never shown.
            let path = corpus.root.join(rel);
            let text = if crate::corpus::scan::resolves_inside(&corpus.root, &path) {
                std::fs::read_to_string(path).unwrap_or_default()
            } else {
                String::new()
            };
            let f = SourceFile::new(rel.clone(), text, Vec::new(), &Gazetteer::default());
            extra.insert(rel.clone(), Arc::new(f));
        }
        Files { corpus, extra }
    }

    pub(super) fn get(&self, rel: &str) -> &SourceFile {
        self.corpus
            .file(rel)
            .or_else(|| self.extra.get(rel))
            .expect("every finding's file was loaded")
    }
}

/// A span clamped to its file's text.
pub(super) fn clamp(file: &SourceFile, span: Span) -> Span {
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
            let log = super::sarif::log(corpus, findings, settings);
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
