//! corpus-ls: entities and figures across a folder of news articles and notes.

pub mod analysis;
pub mod archive;
pub mod check;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod document;
pub mod export;
pub mod extract;
pub mod format;
pub mod host;
pub mod intern;
pub mod lsp;
pub mod model;
pub mod report;
pub mod text;
