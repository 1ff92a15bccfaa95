//! The archive: corpus-ls beyond one machine (DESIGN "Beyond one machine").
//!
//! Per-document analysis is a pure map ([`extract`]) written as Parquet parts ([`part`]); the
//! lowercase dumps wait for the corpus gazetteer the first pass teaches ([`gazetteer`]); the
//! reduce ([`reduce`]) makes the corpus again from the parts and runs the product's own
//! registry join, fact index and checks over it, written as an immutable, versioned snapshot
//! ([`snapshot`]). A Spark job (`scale/spark/`) runs the map on executors; the snapshot is
//! loaded into PostgreSQL for every editor to query.

pub mod client;
pub mod extract;
pub mod gazetteer;
pub mod names;
pub mod notes;
pub mod part;
pub mod postgres;
pub mod reduce;
pub mod snapshot;
pub mod table;

use crate::config::Config;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// `corpus-ls reduce`: the snapshot of `root` made of `parts`, written under `out`; returns
/// its folder.
pub fn reduce_to_snapshot(root: &Path, parts: &[PathBuf], out: &Path) -> Result<PathBuf> {
    let (config, _) = Config::load(root);
    let (corpus, docs) = reduce::corpus(root, &config, parts)?;
    snapshot::write(out, &corpus, &docs)
}
