//! `corpus-ls check`: findings as compiler-style text, JSON Lines or SARIF 2.1.0, with a summary
//! line and an exit status for CI.

use super::location_fields;
use crate::check::{self, CheckSettings, Checker, Finding, Severity};
use crate::corpus::cache::trace;
use crate::corpus::path_text::printable;
use crate::corpus::{Corpus, SourceFile};
use crate::document::Encoding;
use crate::extract::entities::Gazetteer;
use crate::model::Span;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
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
/// Each file's text is read (decompressed) once for all its findings.
pub(super) struct Files<'a> {
    texts: std::cell::RefCell<HashMap<String, std::rc::Rc<str>>>,
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
            // Only files the checks themselves read (the config) land here, read as the load
            // read it: a config refused (linked from outside the root) is never shown.
            let text = match crate::config::Config::read_file(&corpus.root) {
                crate::config::ConfigFile::Text(t) if rel == crate::config::FILE_NAME => t,
                _ => String::new(),
            };
            let f = SourceFile::new(rel.clone(), text, Vec::new(), &Gazetteer::default());
            extra.insert(rel.clone(), Arc::new(f));
        }
        Files {
            corpus,
            extra,
            texts: Default::default(),
        }
    }

    pub(super) fn get(&self, rel: &str) -> &SourceFile {
        self.corpus
            .file(rel)
            .or_else(|| self.extra.get(rel))
            .expect("every finding's file was loaded")
    }

    /// The file and its text.
    pub(super) fn with_text(&self, rel: &str) -> (&SourceFile, std::rc::Rc<str>) {
        let file = self.get(rel);
        let text = self
            .texts
            .borrow_mut()
            .entry(rel.to_string())
            .or_insert_with(|| file.text().into())
            .clone();
        (file, text)
    }
}

/// The finding as a JSON object of the contract; related locations in `archived` files (and
/// the finding that has any) carry `"archive": true`.
fn json_object(files: &Files, f: &Finding, archived: &HashSet<String>) -> Value {
    let (file, text) = files.with_text(&f.rel);
    let mut m = location_fields(file, &text, check::words::clamp(&text, f.span));
    m.insert("severity".into(), json!(f.severity.as_str()));
    m.insert("code".into(), json!(f.code));
    m.insert("message".into(), json!(f.message));
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|r| {
            let (rf, text) = files.with_text(&r.rel);
            let mut o = location_fields(rf, &text, check::words::clamp(&text, r.span));
            o.insert("message".into(), json!(r.message));
            if archived.contains(&r.rel) {
                o.insert("archive".into(), json!(true));
            }
            Value::Object(o)
        })
        .collect();
    m.insert("related".into(), Value::Array(related));
    if f.related.iter().any(|r| archived.contains(&r.rel)) {
        m.insert("archive".into(), json!(true));
    }
    Value::Object(m)
}

/// 1-based line and column (in characters) of an offset.
fn line_col(file: &SourceFile, text: &str, offset: usize) -> (usize, usize) {
    let p = file.lines.position(text, offset, Encoding::Utf8);
    // `char_column` is bounded on long lines (a count from the line's start is not).
    (
        p.line as usize + 1,
        file.lines.char_column(text, offset) + 1,
    )
}

/// Bytes of a line shown either side of a finding: a finding on a megabyte-long line shows its
/// neighbourhood, not the whole line once per finding.
const CONTEXT: usize = 120;

/// The part of the line holding `span` that is shown (without its newline): its start and
/// text, and whether the line goes on before and after it.
fn line_window(t: &str, span: Span) -> (usize, &str, bool, bool) {
    let floor = |mut i: usize| {
        while !t.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let lo = floor(span.start().saturating_sub(CONTEXT));
    let hi = floor((span.end() + CONTEXT).min(t.len()));
    let start = t[lo..span.start()].rfind('\n').map_or(lo, |i| lo + i + 1);
    let end = t[span.start()..hi]
        .find('\n')
        .map_or(hi, |i| span.start() + i);
    let before = start > 0 && t.as_bytes()[start - 1] != b'\n';
    let after = end < t.len() && t.as_bytes()[end] != b'\n';
    (start, t[start..end].trim_end_matches('\r'), before, after)
}

/// One finding the way a compiler prints it: location, level and code, the line, a caret.
fn write_human(
    out: &mut dyn Write,
    files: &Files,
    f: &Finding,
    archived: &HashSet<String>,
) -> std::io::Result<()> {
    let (file, whole) = files.with_text(&f.rel);
    let span = check::words::clamp(&whole, f.span);
    let (line, col) = line_col(file, &whole, span.start());
    writeln!(
        out,
        "{}:{line}:{col}: {}[{}]: {}",
        f.rel,
        f.severity.as_str(),
        f.code,
        printable(&f.message)
    )?;
    let (ls, text, before, after) = line_window(&whole, span);
    let gutter = " ".repeat(line.to_string().len());
    let (dots, tail) = (if before { "…" } else { "" }, if after { "…" } else { "" });
    writeln!(out, "{gutter} |")?;
    writeln!(out, "{line} | {dots}{}{tail}", printable(text))?;
    let pad: String = std::iter::repeat_n(' ', dots.chars().count())
        .chain(
            printable(&whole[ls..span.start()])
                .chars()
                .map(|c| if c == '\t' { '\t' } else { ' ' }),
        )
        .collect();
    let end = span.end().min(ls + text.len()).max(span.start());
    let width = printable(&whole[span.start()..end]).chars().count().max(1);
    writeln!(out, "{gutter} | {pad}{}", "^".repeat(width))?;
    for r in &f.related {
        let (rf, rtext) = files.with_text(&r.rel);
        let (l, c) = line_col(rf, &rtext, check::words::clamp(&rtext, r.span).start());
        let from = if archived.contains(&r.rel) {
            "archive:"
        } else {
            ""
        };
        writeln!(
            out,
            "{gutter} = note: {from}{}:{l}:{c}: {}",
            r.rel,
            printable(&r.message)
        )?;
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
    let none = HashSet::new();
    write_marked(out, err, corpus, findings, settings, format, &none)
}

/// [`write`], with the related locations in `archived` files marked as the archive's.
pub fn write_marked(
    out: &mut dyn Write,
    err: &mut dyn Write,
    corpus: &Corpus,
    findings: &[Finding],
    settings: &CheckSettings,
    format: CheckFormat,
    archived: &HashSet<String>,
) -> std::io::Result<()> {
    let files = Files::new(corpus, findings);
    match format {
        CheckFormat::Human => {
            for f in findings {
                write_human(out, &files, f, archived)?;
            }
            writeln!(out, "{}", summary(findings))?;
        }
        CheckFormat::Json => {
            for f in findings {
                writeln!(out, "{}", json_object(&files, f, archived))?;
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
    progress: &super::progress::Progress,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let root = match std::fs::canonicalize(root) {
        Ok(r) if r.is_dir() => r,
        Ok(r) => {
            let _ = writeln!(
                err,
                "corpus-ls: {}: not a folder",
                crate::corpus::path_text::shown(&r)
            );
            return 2;
        }
        Err(e) => {
            let _ = writeln!(
                err,
                "corpus-ls: {}: {e}",
                crate::corpus::path_text::shown(root)
            );
            return 2;
        }
    };
    let corpus = progress.load(&root);
    for f in &corpus.files {
        for p in &f.problems {
            let _ = writeln!(err, "corpus-ls: {}: {}", f.rel, printable(p));
        }
    }
    for s in &corpus.skipped {
        let _ = writeln!(err, "corpus-ls: {}: {}", s.rel, printable(&s.reason));
    }
    let working = progress.working("checking");
    let settings = CheckSettings::from_corpus(&corpus);
    let checker = Checker::new(&corpus, settings.clone());
    trace::lap("check: fact index");
    let findings = checker.check_corpus(&corpus);
    // Notes against the archive too, when the config names one.
    let wide = crate::archive::notes::check_with_archive(&corpus, &findings);
    working.finish_and_clear();
    trace::lap("check: rules");
    let none = HashSet::new();
    let (shown, findings, archived) = match &wide {
        Some(w) => (&w.corpus, &w.findings[..], &w.archived),
        None => (&corpus, &findings[..], &none),
    };
    if let Err(e) = write_marked(out, err, shown, findings, &settings, format, archived) {
        let _ = writeln!(err, "corpus-ls: cannot write output: {e}");
        return 2;
    }
    let _ = out.flush();
    trace::lap("check: output");
    // The process ends next: freeing the index and the corpus piece by piece took a tenth of
    // a warm run's time, and the system takes the memory back at once.
    let failed = findings.iter().any(|f| fail_on.reached_by(f.severity));
    std::mem::forget(wide);
    std::mem::forget(checker);
    std::mem::forget(corpus);
    u8::from(failed)
}
