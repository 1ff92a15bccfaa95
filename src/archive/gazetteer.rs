//! The corpus gazetteer between the two passes of the map: the names the cased (and annotated)
//! files of every first-pass part offer, joined by the load's own rule
//! ([`crate::corpus::shards::names_of`]), written as JSON Lines (`["liu he","PER"]`) for the
//! second pass to read.

use super::reduce::Documents;
use crate::config::Config;
use crate::model::EntityType;
use anyhow::{anyhow, Context, Result};
use std::io::Write;
use std::path::Path;

/// The name set the first-pass files of `parts` teach.
pub fn of_parts(
    config: &Config,
    parts: &[std::path::PathBuf],
) -> Result<Vec<(String, EntityType)>> {
    let docs = Documents::read(parts, config, false)?;
    let first: Vec<_> = docs.files.iter().filter(|f| !f.1).collect();
    Ok(crate::corpus::shards::names_of(
        config,
        first.iter().map(|f| f.0.offered.as_slice()),
    ))
}

/// Writes a name set.
pub fn write(path: &Path, names: &[(String, EntityType)]) -> Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| path.display().to_string())?,
    );
    for (n, t) in names {
        serde_json::to_writer(&mut out, &(n, t.as_str()))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Reads a name set written by [`write`].
pub fn read(path: &Path) -> Result<Vec<(String, EntityType)>> {
    let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let (n, t): (String, String) = serde_json::from_str(l).with_context(|| {
                format!("{}:{}: not a [name, type] pair", path.display(), i + 1)
            })?;
            let t = EntityType::parse(&t)
                .ok_or_else(|| anyhow!("{}:{}: unknown type {t}", path.display(), i + 1))?;
            Ok((n, t))
        })
        .collect()
}
