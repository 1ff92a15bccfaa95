//! `corpus-ls export`: the spans of the corpus (or some files) for annotation and NLP tools,
//! and the checked figures as Web Annotations. The formats themselves are in `src/export/`.

use crate::check::{CheckSettings, Checker};
use crate::corpus::{Corpus, SourceFile};
use crate::export::{self, brat, conll, label_studio, spacy_jsonl, web_annotation, Which};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// brat standoff: a `.txt` and its `.ann` per file, and `annotation.conf`, into `--output`.
    Brat,
    /// CoNLL-2003 BIO, `-DOCSTART-` before each file.
    Conll,
    /// spaCy / Prodigy JSON Lines, `{"text", "spans", "meta"}` a file.
    Jsonl,
    /// Label Studio tasks with pre-annotations (one JSON array).
    LabelStudio,
    /// W3C Web Annotation (JSON-LD) of the notes' checked figures and their sources.
    WebAnnotation,
}

/// What to export and where.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The format.
    pub format: ExportFormat,
    /// Root-relative paths of the files to export; all files when empty.
    pub files: Vec<String>,
    /// Entities, figures or both.
    pub which: Which,
    /// A folder (brat) or a file; standard output when `None` (not for brat).
    pub output: Option<PathBuf>,
}

/// The files to export, or the names that are not corpus files.
fn selected<'a>(corpus: &'a Corpus, files: &[String]) -> Result<Vec<&'a SourceFile>, String> {
    if files.is_empty() {
        return Ok(corpus.files.iter().map(|f| f.as_ref()).collect());
    }
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for rel in files {
        let rel = rel.trim_start_matches("./").replace('\\', "/");
        match corpus.file(&rel) {
            Some(f) => out.push(f.as_ref()),
            None => missing.push(rel),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "not a file of the corpus (paths are relative to the root): {}",
            missing.join(", ")
        ))
    }
}

/// Where a file's brat pair goes: `a.txt` keeps its name, any other file gets `.txt` added, so
/// `a.md` and `a.txt` never collide.
fn brat_stem(rel: &str) -> String {
    rel.strip_suffix(".txt").unwrap_or(rel).to_string()
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the brat folder; returns how many files it holds.
fn write_brat(dir: &Path, files: &[&SourceFile], which: Which) -> Result<usize, String> {
    let mut labels = Vec::new();
    for f in files {
        let text = f.text();
        let spans = export::labeled(&f.analysis, which);
        let stem = brat_stem(&f.rel);
        write_file(&dir.join(format!("{stem}.txt")), &text)?;
        write_file(&dir.join(format!("{stem}.ann")), &brat::ann(&text, &spans))?;
        labels.extend(spans.into_iter().map(|l| l.label));
    }
    let conf = brat::annotation_conf(labels.iter().map(String::as_str));
    write_file(&dir.join("annotation.conf"), &conf)?;
    Ok(files.len())
}

/// The whole output of a one-stream format.
fn render(corpus: &Corpus, files: &[&SourceFile], opts: &ExportOptions) -> String {
    let spans = |f: &SourceFile| export::labeled(&f.analysis, opts.which);
    match opts.format {
        ExportFormat::Brat => unreachable!("brat writes a folder"),
        ExportFormat::Conll => files
            .iter()
            .map(|f| conll::bio(&f.text(), &f.analysis.sentences, &spans(f)))
            .collect(),
        ExportFormat::Jsonl => files
            .iter()
            .map(|f| format!("{}\n", spacy_jsonl::line(&f.text(), &f.rel, &spans(f))))
            .collect(),
        ExportFormat::LabelStudio => {
            let tasks: Vec<_> = files
                .iter()
                .map(|f| label_studio::task(&f.text(), &f.rel, &spans(f)))
                .collect();
            pretty(&serde_json::Value::Array(tasks))
        }
        ExportFormat::WebAnnotation => {
            let checker = Checker::new(corpus, CheckSettings::from_corpus(corpus));
            let chosen: std::collections::HashSet<&str> =
                files.iter().map(|f| f.rel.as_str()).collect();
            let findings: Vec<_> = checker
                .check_corpus(corpus)
                .into_iter()
                .filter(|f| chosen.contains(f.rel.as_str()))
                .collect();
            let base = export::folder_uri(&corpus.root);
            pretty(&web_annotation::collection(corpus, &base, &findings))
        }
    }
}

/// `1 file`, `2 files`.
fn count(n: usize) -> String {
    format!("{n} file{}", if n == 1 { "" } else { "s" })
}

fn pretty(v: &serde_json::Value) -> String {
    // A `Value` always serialises.
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// A warning when `output` lies inside the corpus, where the next run reads what it wrote
/// (`.txt` copies and `.conll` files are articles there).
fn inside_root_warning(corpus: &Corpus, output: &Path) -> Option<String> {
    let abs = std::path::absolute(output).ok()?;
    let root = std::fs::canonicalize(&corpus.root).ok()?;
    let (existing, dir) = abs
        .ancestors()
        .find_map(|a| Some((a, std::fs::canonicalize(a).ok()?)))?;
    let below = dir.strip_prefix(&root).ok()?;
    let rest = abs.strip_prefix(existing).ok()?;
    // The scan skips hidden folders, so an output inside one is never read back.
    let hidden = below
        .components()
        .chain(rest.components())
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden {
        return None;
    }
    Some(format!(
        "{} lies inside the corpus: the next run reads it as part of the corpus (a folder \
             outside, or one whose name starts with `.`, is skipped)",
        output.display()
    ))
}

/// Runs the export; the error is a message for stderr (exit status 2). The summary (and any
/// warning) is for stderr too.
pub fn run(corpus: &Corpus, opts: &ExportOptions, out: &mut dyn Write) -> Result<String, String> {
    let summary = export_to(corpus, opts, out)?;
    match opts
        .output
        .as_deref()
        .and_then(|o| inside_root_warning(corpus, o))
    {
        Some(w) => Ok(format!("{summary}\ncorpus-ls: warning: {w}")),
        None => Ok(summary),
    }
}

fn export_to(corpus: &Corpus, opts: &ExportOptions, out: &mut dyn Write) -> Result<String, String> {
    let files = selected(corpus, &opts.files)?;
    if opts.format == ExportFormat::Brat {
        let Some(dir) = &opts.output else {
            return Err(
                "brat writes a folder of .txt and .ann files: give it with --output DIR".into(),
            );
        };
        let n = write_brat(dir, &files, opts.which)?;
        return Ok(format!(
            "{} with their .ann written to {}",
            count(n),
            dir.display()
        ));
    }
    let text = render(corpus, &files, opts);
    match &opts.output {
        Some(path) => {
            write_file(path, &text)?;
            if opts.format == ExportFormat::LabelStudio {
                let labels: Vec<String> = files
                    .iter()
                    .flat_map(|f| export::labeled(&f.analysis, opts.which))
                    .map(|l| l.label)
                    .collect();
                let conf = path.with_extension("labeling-config.xml");
                write_file(
                    &conf,
                    &label_studio::labeling_config(labels.iter().map(String::as_str)),
                )?;
                return Ok(format!(
                    "{} tasks written to {}; the labelling config is {}",
                    files.len(),
                    path.display(),
                    conf.display()
                ));
            }
            Ok(format!(
                "{} exported to {}",
                count(files.len()),
                path.display()
            ))
        }
        None => {
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    return Err(format!("cannot write output: {e}"))
                }
                _ => {}
            }
            Ok(format!("{} exported", count(files.len())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brat_stems_keep_txt_names_and_never_collide() {
        assert_eq!(brat_stem("a/b.txt"), "a/b");
        assert_eq!(brat_stem("a/b.md"), "a/b.md");
    }
}
