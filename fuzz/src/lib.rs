//! The invariants the fuzz targets check (see `checks` and `protocol`).

pub mod checks;
pub mod protocol;
