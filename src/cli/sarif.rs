//! `check --format sarif`: one SARIF 2.1.0 log for code-scanning services (GitHub's rules
//! included): rules documented from `docs/checks.md`, results with fingerprints that survive
//! line moves, and the invocation with what could not be read.

use super::check::Files;
use crate::check::{self, codes, CheckSettings, Finding, Severity};
use crate::corpus::Corpus;
use crate::document::Encoding;
use crate::export::{folder_uri, uri_path};
use crate::model::Span;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The rules' documentation: one `## code` section each; read at build time so the page and
/// the rules cannot drift apart.
const CHECKS_DOC: &str = include_str!("../../docs/checks.md");

/// Where the rendered page lives (a rule's `helpUri` is this plus `#code`).
const CHECKS_DOC_URI: &str = "https://github.com/corpus-ls/corpus-ls/blob/main/docs/checks.md";

/// The base the results' relative paths resolve from.
const SRCROOT: &str = "%SRCROOT%";

/// Key of the fingerprint in `partialFingerprints`; bump the version when its input changes.
const FINGERPRINT_KEY: &str = "corpusLsFigureContext/v1";

/// A rule's name for people (SARIF wants it to differ from the id) and one-line summary.
fn rule_title(code: &str) -> (&'static str, &'static str) {
    match code {
        codes::FIGURE_CONFLICT => (
            "NoteFigureConflictsWithSource",
            "A note's figure and a source's figure measure the same thing and disagree",
        ),
        codes::SOURCES_DISAGREE => (
            "SourcesDisagreeOnFigure",
            "Two articles give different values for the same thing",
        ),
        codes::FIGURE_UNSUPPORTED => (
            "NoteFigureWithoutSource",
            "A note's figure that no source states or implies",
        ),
        codes::WEEKDAY_MISMATCH => (
            "WeekdayDoesNotMatchDate",
            "A date and a weekday that do not match",
        ),
        codes::SOURCE_MISSING => (
            "NoteSourceNotFound",
            "A note's source that leaves the root or names no file",
        ),
        codes::CONFIG_ERROR => (
            "ConfigurationUnreadable",
            "corpus-ls.toml cannot be read; defaults apply",
        ),
        _ => ("CorpusLsFinding", "corpus-ls finding"),
    }
}

/// The `## code` section of `docs/checks.md`, without its heading.
fn rule_doc(code: &str) -> Option<&'static str> {
    let heading = format!("\n## {code}\n");
    let start = CHECKS_DOC.find(&heading)? + heading.len();
    let rest = &CHECKS_DOC[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The first paragraph of a section, on one line.
fn first_paragraph(doc: &str) -> String {
    let para = doc.split("\n\n").next().unwrap_or(doc);
    para.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown as plain text: the backticks of code spans dropped, lines joined into paragraphs.
fn plain_text(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .map(|p| {
            p.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('`', "")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// SARIF level of a severity (SARIF has no hint: it is a note, as information is).
fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// The `reportingDescriptor` of a code.
fn rule(code: &str, settings: &CheckSettings) -> Value {
    let (name, short) = rule_title(code);
    let doc = rule_doc(code).unwrap_or(short);
    let level = settings.severity(code).map_or("none", sarif_level);
    json!({
        "id": code,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": first_paragraph(doc)},
        "help": {"text": plain_text(doc), "markdown": doc},
        "helpUri": format!("{CHECKS_DOC_URI}#{code}"),
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["fact-checking", "corpus-ls"]},
    })
}

/// A SARIF physical location of a span.
fn location(files: &Files, rel: &str, span: Span) -> Value {
    let (file, text) = files.with_text(rel);
    let span = check::words::clamp(&text, span);
    let (s, e) = file
        .lines
        .range(&text, span.start(), span.end(), Encoding::Utf16);
    json!({
        "artifactLocation": {"uri": uri_path(&file.rel), "uriBaseId": SRCROOT},
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

/// Words either side of a finding that its fingerprint includes: enough to tell two equal
/// figures of one paragraph apart, few enough that an edit elsewhere keeps it.
const CONTEXT_WORDS: usize = 4;

/// The lines of `text` from the end of `lines` backwards (or forwards) up to a blank line: the
/// paragraph around a finding, so a paragraph added or removed beside it changes nothing.
fn within_paragraph<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        // The first piece is the finding's own line, blank or not.
        if i > 0 && line.trim().is_empty() {
            break;
        }
        out.push(line);
    }
    out
}

/// The finding's text and a few words either side in its paragraph, lowercased with whitespace
/// collapsed, so neither a line moving nor its wrapping changes it.
fn figure_context(text: &str, span: Span) -> String {
    let words = |lines: &[&str]| -> Vec<String> {
        lines
            .iter()
            .flat_map(|l| l.split_whitespace())
            .map(str::to_lowercase)
            .collect()
    };
    let mut before = within_paragraph(text[..span.start()].rsplit('\n'));
    before.reverse();
    let after = within_paragraph(text[span.end()..].split('\n'));
    let (before, after) = (words(&before), words(&after));
    let head = &before[before.len().saturating_sub(CONTEXT_WORDS)..];
    let tail = &after[..after.len().min(CONTEXT_WORDS)];
    format!(
        "{} [{}] {}",
        head.join(" "),
        words(&[span.slice(text)]).join(" "),
        tail.join(" ")
    )
}

/// `partialFingerprints` of each finding: a hash of its code, file and figure context, with
/// the count of earlier findings of the same hash (as GitHub's own line hash does) so two
/// identical sentences of one file stay two alerts.
fn fingerprints(files: &Files, findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<blake3::Hash, usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let (_, text) = files.with_text(&f.rel);
            let context = figure_context(&text, check::words::clamp(&text, f.span));
            let mut h = blake3::Hasher::new();
            for part in [f.code, f.rel.as_str(), context.as_str()] {
                h.update(&(part.len() as u64).to_le_bytes());
                h.update(part.as_bytes());
            }
            let hash = h.finalize();
            let n = seen.entry(hash).or_insert(0);
            *n += 1;
            format!("{}:{n}", &hash.to_hex()[..32])
        })
        .collect()
}

/// What the run could not read, as the invocation's notifications.
fn notifications(corpus: &Corpus) -> Vec<Value> {
    let skipped = corpus.skipped.iter().map(|s| (&s.rel, &s.reason));
    let problems = corpus
        .files
        .iter()
        .flat_map(|f| f.problems.iter().map(move |p| (&f.rel, p)));
    skipped
        .chain(problems)
        .map(|(rel, why)| {
            json!({
                "level": "warning",
                "message": {"text": format!("{rel}: {why}")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": uri_path(rel), "uriBaseId": SRCROOT}
                }}],
            })
        })
        .collect()
}

/// One result.
fn result(files: &Files, f: &Finding, fingerprint: String) -> Value {
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut loc = Map::new();
            loc.insert("id".into(), json!(i + 1));
            loc.insert("physicalLocation".into(), location(files, &r.rel, r.span));
            loc.insert("message".into(), json!({"text": r.message}));
            Value::Object(loc)
        })
        .collect();
    json!({
        "ruleId": f.code,
        "ruleIndex": codes::ALL.iter().position(|c| *c == f.code).unwrap_or(0),
        "level": sarif_level(f.severity),
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location(files, &f.rel, f.span)}],
        "relatedLocations": related,
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"severity": f.severity.as_str()},
    })
}

/// The whole SARIF 2.1.0 log of a run.
pub fn log(corpus: &Corpus, findings: &[Finding], settings: &CheckSettings) -> Value {
    let files = Files::new(corpus, findings);
    let rules: Vec<Value> = codes::ALL.iter().map(|c| rule(c, settings)).collect();
    let results: Vec<Value> = findings
        .iter()
        .zip(fingerprints(&files, findings))
        .map(|(f, fp)| result(&files, f, fp))
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
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications(corpus),
            }],
            "originalUriBaseIds": {SRCROOT: {"uri": folder_uri(&corpus.root)}},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_documented_rule_with_a_distinct_name() {
        for code in codes::ALL {
            let doc = rule_doc(code).unwrap_or_else(|| panic!("docs/checks.md lacks ## {code}"));
            assert!(!doc.contains("\n## "), "{code}: section runs into the next");
            assert!(first_paragraph(doc).len() > 40, "{code}: {doc}");
            let (name, _) = rule_title(code);
            assert_ne!(name, *code);
            assert!(!name.contains(' ') && name != "CorpusLsFinding", "{code}");
        }
        assert_eq!(plain_text("A `b`\nc.\n\nD."), "A b c.\n\nD.");
    }

    #[test]
    fn context_stays_in_its_paragraph_and_ignores_wrapping_and_case() {
        let at = |t: &str| Span::new(t.find("80,000").unwrap(), t.find("80,000").unwrap() + 6);
        let a = "Intro words here.\n\nZTE has 80,000 employees in total.\n\nMore.";
        let b = "New.\n\nIntro words here.\r\n\r\nZTE  HAS\n80,000 employees in total.\n\nOther.";
        assert_eq!(figure_context(a, at(a)), figure_context(b, at(b)));
        assert_eq!(
            figure_context(a, at(a)),
            "zte has [80,000] employees in total."
        );
        let c = "Intro words here.\n\nZTE has 80,000 workers in total.";
        assert_ne!(figure_context(a, at(a)), figure_context(c, at(c)));
        let d = "80,000";
        assert_eq!(figure_context(d, at(d)), " [80,000] ");
    }
}
