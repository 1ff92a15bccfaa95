//! `corpus-ls extract`, `gazetteer`, `reduce` and `archive ...`: the archive's commands
//! ([`crate::archive`]). Each returns the exit status: 0 done, 2 a usage or I/O error (said
//! on stderr).

use crate::archive;
use crate::config::Config;
use crate::corpus::path_text::printable;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

fn fail(e: anyhow::Error) -> u8 {
    eprintln!("corpus-ls: {}", printable(&format!("{e:#}")));
    2
}

/// The listed files: the arguments, then one path a line of `files_from` (`-` is stdin).
fn listed(files: &[String], files_from: Option<&Path>) -> anyhow::Result<Vec<String>> {
    let mut out = files.to_vec();
    if let Some(p) = files_from {
        let lines: Vec<String> = if p == Path::new("-") {
            std::io::stdin().lock().lines().collect::<Result<_, _>>()?
        } else {
            std::fs::read_to_string(p)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
                .lines()
                .map(str::to_string)
                .collect()
        };
        out.extend(lines.into_iter().filter(|l| !l.trim().is_empty()));
    }
    Ok(out)
}

/// `corpus-ls extract`.
pub fn extract(
    root: &Path,
    files: &[String],
    files_from: Option<&Path>,
    gazetteer: Option<&Path>,
    out: &Path,
) -> u8 {
    let run = || -> anyhow::Result<()> {
        let files = listed(files, files_from)?;
        let p = archive::extract::run(root, &files, gazetteer, out)?;
        for s in &p.skipped {
            eprintln!("corpus-ls: {}: {}", s.rel, printable(&s.reason));
        }
        eprintln!(
            "corpus-ls: {} files into {} ({} dumps deferred to the second pass, {} skipped)",
            p.documents.len(),
            out.display(),
            p.deferred.len(),
            p.skipped.len()
        );
        Ok(())
    };
    run().map_or_else(fail, |()| 0)
}

/// `corpus-ls gazetteer`.
pub fn gazetteer(root: &Path, parts: &[PathBuf], out: &Path) -> u8 {
    let run = || -> anyhow::Result<()> {
        let (config, _) = Config::load(root);
        let names = archive::gazetteer::of_parts(&config, parts)?;
        archive::gazetteer::write(out, &names)?;
        eprintln!("corpus-ls: {} names into {}", names.len(), out.display());
        Ok(())
    };
    run().map_or_else(fail, |()| 0)
}

/// `corpus-ls reduce`: prints the snapshot's folder.
pub fn reduce(root: &Path, parts: &[PathBuf], out: &Path) -> u8 {
    match archive::reduce_to_snapshot(root, parts, out) {
        Ok(dir) => {
            println!("{}", dir.display());
            0
        }
        Err(e) => fail(e),
    }
}

/// `corpus-ls archive list`: the files the load reads below `root`, one path a line (the
/// listing a job shards), and what it skips on stderr.
pub fn list(root: &Path) -> u8 {
    let (config, _) = Config::load(root);
    let scan = crate::corpus::scan::scan_with(root, &config);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for f in &scan.files {
        if writeln!(out, "{}", f.rel).is_err() {
            return 0;
        }
    }
    let _ = out.flush();
    for s in &scan.skipped {
        eprintln!("corpus-ls: {}: {}", s.rel, printable(&s.reason));
    }
    0
}
