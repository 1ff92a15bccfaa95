//! The language server: tower-lsp-server backend; LSP types and UTF-16 stop here.
//!
//! One capability per file; `server` wires them to the protocol. Read-only requests answer from
//! an immutable snapshot (`state::Snapshot`) on blocking threads with panics caught;
//! `didOpen`/`didChange`/`didClose` update the buffers under a plain lock before anything awaits,
//! and analysis runs on blocking threads (`engine`). See `semantic_tokens` for the token legend.

pub mod background;
pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod config;
pub mod convert;
pub mod definition;
pub mod diagnostics;
pub mod engine;
pub mod file_findings;
pub mod highlight;
pub mod hover;
pub mod inlay_hint;
pub mod io;
pub mod locations;
pub mod lookup;
pub mod progress;
pub mod published;
pub mod query;
pub mod reference_answers;
pub mod references;
pub mod roots;
pub mod semantic_tokens;
pub mod server;
pub mod state;
pub mod symbols;
pub mod sync;
pub mod watch;
pub mod workspace_symbol;

pub use server::run_stdio;
