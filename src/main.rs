//! The `corpus-ls` command: the language server and the same analysis for scripts and CI.

use clap::{Parser, Subcommand};
use corpus_ls::cli::progress::Progress;
use corpus_ls::cli::{self, OutputFormat};
use corpus_ls::corpus::path_text::{printable, shown};
use corpus_ls::corpus::{scan, Corpus};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Caps glibc malloc at two arenas (unless `MALLOC_ARENA_MAX` says otherwise). Each edit builds
/// a new snapshot on whichever tokio or rayon thread runs it; with an arena per thread the
/// freed snapshots stayed spread over up to 16 arenas and the server grew from 165 MB to ~900 MB
/// over a soak (BENCHMARKS.md "Soak"); two arenas keep it near 300 MB at the same speed.
/// (mimalloc was tried as the global allocator instead and held ~2 GB after 3,000 edits.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    use std::ffi::c_int;
    extern "C" {
        fn mallopt(param: c_int, value: c_int) -> c_int;
    }
    const M_ARENA_MAX: c_int = -8;
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: sets one malloc parameter; called first in `main`, before any thread exists.
        unsafe {
            mallopt(M_ARENA_MAX, 2);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

#[derive(Parser)]
#[command(
    name = "corpus-ls",
    version,
    about = "Entities and figures across a folder of news articles and notes"
)]
struct Cli {
    /// Serve LSP over stdio (the same as `serve`).
    #[arg(long)]
    stdio: bool,
    /// Neither read nor write the warm-start cache (also `CORPUS_LS_CACHE=off`).
    #[arg(long, global = true)]
    no_cache: bool,
    /// No progress bar (it is shown only when stderr is a terminal).
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Language Server Protocol over stdio.
    Serve {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Print the entity and figure spans of files.
    Spans {
        /// Files to analyse.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Corpus root (default: `.` when it holds the files, else their folder).
        #[arg(long)]
        root: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Check notes against their sources: figure conflicts, disagreeing articles, weekdays.
    Check {
        /// Corpus root.
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = cli::check::CheckFormat::Human)]
        format: cli::check::CheckFormat,
        /// Lowest severity that makes the exit status 1.
        #[arg(long, value_enum, default_value_t = cli::check::FailOn::Warning)]
        fail_on: cli::check::FailOn,
    },
    /// Print every mention of the entity NAME resolves to (any alias, any case).
    ///
    /// Exit status: 0 when found; 1 when NAME is unknown or ambiguous (the candidates are
    /// listed on stderr); 2 on usage or I/O errors.
    Mentions {
        /// A name or alias (`Liu He`, `Mr. Liu`, `liu he`).
        name: String,
        /// Corpus root.
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Export entity and figure spans for annotation and NLP tools (brat, CoNLL, spaCy JSONL,
    /// Label Studio), or the notes' checked figures as W3C Web Annotations.
    Export {
        /// Corpus root.
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Output format.
        #[arg(long, value_enum)]
        format: cli::export::ExportFormat,
        /// Only this file (relative to the root); repeat for more. Default: every file.
        #[arg(long = "file", value_name = "FILE")]
        files: Vec<String>,
        /// Which spans.
        #[arg(long, value_enum, default_value_t = corpus_ls::export::Which::All)]
        spans: corpus_ls::export::Which,
        /// A folder for brat (required there); a file for the others (default: stdout).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write one self-contained HTML page of the corpus: entities, figure timelines, findings.
    Report {
        /// Corpus root.
        #[arg(default_value = ".")]
        root: PathBuf,
        /// The page to write (`report.html`).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print every entity of the corpus with its aliases, mention count, files and description.
    Entities {
        /// Corpus root.
        #[arg(default_value = ".")]
        root: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Archive map: analyse the listed files of ROOT into a folder of Parquet tables (a part).
    Extract {
        /// Files: paths from ROOT (as `archive list` prints them), or absolute paths below it.
        files: Vec<String>,
        /// Corpus root (its `corpus-ls.toml` applies).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Read more paths, one a line, from this file (`-` for stdin).
        #[arg(long)]
        files_from: Option<PathBuf>,
        /// The corpus gazetteer (`corpus-ls gazetteer`): analyse lowercase dumps with it
        /// (without it they are left for the second pass in the part's deferred.txt).
        #[arg(long)]
        gazetteer: Option<PathBuf>,
        /// The part folder to write.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Archive: the corpus gazetteer the first-pass parts teach, for the second pass.
    Gazetteer {
        /// Part folders written by `extract`.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Corpus root (its `corpus-ls.toml` applies).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The file to write.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// Archive reduce: the registry join, fact index and checks over the parts, written as a
    /// versioned snapshot under OUT (its folder is printed).
    Reduce {
        /// Part folders written by `extract` (both passes).
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Corpus root (its `corpus-ls.toml` applies).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The folder of snapshots.
        #[arg(short, long)]
        out: PathBuf,
    },
    /// The shared archive: listing a corpus for a job, loading and querying PostgreSQL.
    Archive {
        #[command(subcommand)]
        command: ArchiveCommand,
    },
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Print the files the load reads below ROOT, one path a line (what a job shards).
    List {
        /// Corpus root.
        #[arg(default_value = ".")]
        root: PathBuf,
    },
    /// Load a snapshot (from `reduce`) into PostgreSQL: COPY, then indexes, in one transaction.
    Load {
        /// PostgreSQL connection string (`postgresql://user@host:port/db`).
        #[arg(long)]
        postgres: String,
        /// The snapshot folder.
        snapshot: PathBuf,
    },
    /// Ask the archive in PostgreSQL (JSON Lines out).
    Query {
        /// PostgreSQL connection string.
        #[arg(long)]
        postgres: String,
        #[command(subcommand)]
        query: cli::archive::Query,
    },
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    if cli.no_cache {
        corpus_ls::corpus::cache::disable();
    }
    let Some(command) = cli.command else {
        if cli.stdio {
            return corpus_ls::lsp::run_stdio();
        }
        eprintln!("corpus-ls: a subcommand is needed (try --help), or --stdio to serve LSP");
        return ExitCode::from(2);
    };
    let progress = Progress::new(cli.quiet);
    match command {
        Command::Serve { .. } => corpus_ls::lsp::run_stdio(),
        Command::Spans {
            files,
            root,
            format,
        } => run_spans(&files, root, format),
        Command::Check {
            root,
            format,
            fail_on,
        } => {
            let stdout = std::io::stdout();
            // Stderr unlocked: the progress bar draws on it from the loading threads.
            ExitCode::from(cli::check::run(
                &root,
                format,
                fail_on,
                &progress,
                &mut stdout.lock(),
                &mut std::io::stderr(),
            ))
        }
        Command::Mentions { name, root, format } => run_mentions(&name, &root, format, &progress),
        Command::Entities { root, format } => run_entities(&root, format, &progress),
        Command::Report { root, output } => run_report(&root, &output, &progress),
        Command::Extract {
            files,
            root,
            files_from,
            gazetteer,
            out,
        } => ExitCode::from(cli::archive::extract(
            &root,
            &files,
            files_from.as_deref(),
            gazetteer.as_deref(),
            &out,
        )),
        Command::Gazetteer { parts, root, out } => {
            ExitCode::from(cli::archive::gazetteer(&root, &parts, &out))
        }
        Command::Reduce { parts, root, out } => {
            ExitCode::from(cli::archive::reduce(&root, &parts, &out))
        }
        Command::Archive { command } => match command {
            ArchiveCommand::List { root } => ExitCode::from(cli::archive::list(&root)),
            ArchiveCommand::Load { postgres, snapshot } => {
                ExitCode::from(cli::archive::load(&postgres, &snapshot))
            }
            ArchiveCommand::Query { postgres, query } => {
                ExitCode::from(cli::archive::query(&postgres, query))
            }
        },
        Command::Export {
            root,
            format,
            files,
            spans,
            output,
        } => {
            let opts = cli::export::ExportOptions {
                format,
                files,
                which: spans,
                output,
            };
            run_export(&root, &opts, &progress)
        }
    }
}

/// Says on stderr why `corpus-ls.toml` was not used, or what in it was ignored.
fn report_config(corpus: &Corpus) {
    if let Some(e) = &corpus.config_error {
        eprintln!("corpus-ls: {e}");
    }
    for w in &corpus.config.warnings {
        eprintln!("corpus-ls: {}: {w}", corpus_ls::config::FILE_NAME);
    }
}

/// Loads the corpus at a root given on the command line, or says why not.
fn load_root(root: &Path, progress: &Progress) -> Result<Corpus, ExitCode> {
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => {
            let corpus = progress.load(root);
            report_config(&corpus);
            // What was not read, or not read as written, is said (stdout stays data).
            for s in &corpus.skipped {
                if !s.reason.contains(corpus_ls::config::FILE_NAME) {
                    eprintln!("corpus-ls: {}: {}", s.rel, printable(&s.reason));
                }
            }
            for f in &corpus.files {
                for p in &f.problems {
                    eprintln!("corpus-ls: {}: {}", f.rel, printable(p));
                }
            }
            Ok(corpus)
        }
        Ok(_) => {
            eprintln!("corpus-ls: {}: not a folder", shown(root));
            Err(ExitCode::from(2))
        }
        Err(e) => {
            eprintln!("corpus-ls: {}: {e}", shown(root));
            Err(ExitCode::from(2))
        }
    }
}

fn run_mentions(name: &str, root: &Path, format: OutputFormat, progress: &Progress) -> ExitCode {
    let corpus = match load_root(root, progress) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let local = cli::mentions::write(&mut out, &corpus, name, format);
    // The archive's mentions beyond this folder, when its config names one.
    let archived = cli::archive::archive_mentions(&mut out, &corpus, name, format);
    let status = match local {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(cli::mentions::NotFound::Unknown)) if archived > 0 => ExitCode::SUCCESS,
        Ok(Err(cli::mentions::NotFound::Unknown)) => {
            eprintln!(
                "corpus-ls: no entity named \"{}\" in {}",
                printable(name),
                shown(root)
            );
            ExitCode::from(1)
        }
        Ok(Err(cli::mentions::NotFound::Ambiguous(ids))) => {
            eprintln!(
                "corpus-ls: \"{}\" is ambiguous; it could be:",
                printable(name)
            );
            for id in ids {
                eprintln!("  {}", printable(&cli::mentions::describe(&corpus, id)));
            }
            ExitCode::from(1)
        }
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("corpus-ls: cannot write output: {e}");
            ExitCode::from(2)
        }
    };
    let _ = out.flush();
    status
}

fn run_entities(root: &Path, format: OutputFormat, progress: &Progress) -> ExitCode {
    let corpus = match load_root(root, progress) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match cli::entities::write(&mut out, &corpus, format) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("corpus-ls: cannot write output: {e}");
            return ExitCode::from(2);
        }
        _ => {}
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

fn run_report(root: &Path, output: &Path, progress: &Progress) -> ExitCode {
    // Canonical, so the page's links to the files are relative between real folders.
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let corpus = match load_root(&root, progress) {
        Ok(c) => c,
        Err(code) => return code,
    };
    said(cli::report::run(&corpus, output, progress))
}

fn run_export(root: &Path, opts: &cli::export::ExportOptions, progress: &Progress) -> ExitCode {
    // Absolute, so the Web Annotations' `file:` URIs name the real files.
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let corpus = match load_root(&root, progress) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    said(cli::export::run(&corpus, opts, &mut stdout.lock()))
}

/// The summary (status 0) or the error (status 2) of a command that writes files, on stderr.
fn said(result: Result<String, String>) -> ExitCode {
    match result {
        Ok(summary) => {
            eprintln!("corpus-ls: {summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("corpus-ls: {e}");
            ExitCode::from(2)
        }
    }
}

/// `f` made absolute from `cwd` without resolving links: `.` dropped, `..` taken lexically. A
/// link is the link, in the folder it sits in, never its target: the root is chosen by where the
/// user pointed, so a link to elsewhere cannot move the root (and the reading) outside.
fn lexical_abs(cwd: &Path, f: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(f).components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The root of `spans`, lexically absolute: `--root`, else `.` when it holds the files (as
/// named), else the first file's folder.
fn spans_root(files: &[PathBuf], root: Option<PathBuf>) -> std::io::Result<PathBuf> {
    let cwd = std::fs::canonicalize(".")?;
    if let Some(r) = root {
        std::fs::canonicalize(&r)?;
        return Ok(lexical_abs(&cwd, &r));
    }
    let abs: Vec<PathBuf> = files.iter().map(|f| lexical_abs(&cwd, f)).collect();
    if abs.iter().all(|f| f.starts_with(&cwd)) {
        return Ok(cwd);
    }
    Ok(abs
        .first()
        .and_then(|f| f.parent())
        .map(Path::to_path_buf)
        .unwrap_or(cwd))
}

/// The path of `f` relative to `root`: as named when that lies below the root, else resolved
/// (links followed) when the real file lies below the real root.
fn spans_rel(root: &Path, f: &Path) -> Result<String, String> {
    let cwd = std::fs::canonicalize(".").map_err(|e| e.to_string())?;
    std::fs::symlink_metadata(f).map_err(|e| e.to_string())?;
    let named = lexical_abs(&cwd, f);
    if named.starts_with(root) {
        return Ok(scan::rel_path(root, &named));
    }
    match (std::fs::canonicalize(f), std::fs::canonicalize(root)) {
        (Ok(real), Ok(real_root)) if real.starts_with(&real_root) => {
            Ok(scan::rel_path(&real_root, &real))
        }
        _ => Err(format!("not below the root {}", shown(root))),
    }
}

fn run_spans(files: &[PathBuf], root: Option<PathBuf>, format: OutputFormat) -> ExitCode {
    // A folder is refused before the corpus around it is loaded: that load can be a whole tree.
    let (folders, files): (Vec<PathBuf>, Vec<PathBuf>) =
        files.iter().cloned().partition(|f| f.is_dir());
    for f in &folders {
        eprintln!(
            "corpus-ls: {}: a folder; `spans` takes files (`entities FOLDER` lists a folder's names)",
            shown(f)
        );
    }
    if files.is_empty() {
        return ExitCode::from(2);
    }
    let root = match spans_root(&files, root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("corpus-ls: cannot use the root: {e}");
            return ExitCode::from(2);
        }
    };
    let corpus = Corpus::load_cached(&root);
    report_config(&corpus);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut status = if folders.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    };
    for f in &files {
        let rel = match spans_rel(&root, f) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("corpus-ls: {}: {e}", shown(f));
                status = ExitCode::from(2);
                continue;
            }
        };
        let Some(file) = corpus.file(&rel) else {
            let why = corpus
                .skipped
                .iter()
                .find(|s| s.rel == rel)
                .map_or("not a corpus file", |s| s.reason.as_str());
            eprintln!("corpus-ls: {}: {}", shown(f), printable(why));
            status = ExitCode::from(2);
            continue;
        };
        for p in &file.problems {
            eprintln!("corpus-ls: {}: {}", file.rel, printable(p));
        }
        if let Err(e) = cli::spans::write_in(&mut out, Some(&corpus), file, format) {
            eprintln!("corpus-ls: cannot write output: {e}");
            return ExitCode::from(2);
        }
    }
    let _ = out.flush();
    status
}
