//! The invariants the fuzz targets check (see `checks`, `protocol` and `tree`).

pub mod checks;
pub mod protocol;
pub mod tree;
