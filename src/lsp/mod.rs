//! The language server: tower-lsp-server backend; LSP types and UTF-16 stop here.
//!
//! One capability per file; `server` wires them to the protocol: `from_proto`, a query on the
//! analysis host's snapshot ([`crate::host`]), `to_proto`. Read-only requests answer on blocking
//! threads with panics caught; `didOpen`/`didChange`/`didClose` update the buffers under a plain
//! lock and hand the change to the one writer (`changes`) before anything awaits; diagnostics go
//! out through one publisher (`publish`). See `semantic_tokens` for the token legend.

pub mod archive;
pub mod background;
pub mod changes;
pub mod code_action;
pub mod code_lens;
pub mod completion;
pub mod config;
pub mod convert;
pub mod definition;
pub mod diagnostics;
pub mod engine;
pub mod highlight;
pub mod hover;
pub mod inlay_hint;
pub mod io;
pub mod locations;
pub mod progress;
pub mod publish;
pub mod published;
pub mod query;
pub mod reference_answers;
pub mod references;
pub mod semantic_tokens;
pub mod server;
pub mod state;
pub mod symbols;
pub mod sync;
pub mod watch;
pub mod workspace_symbol;

pub use server::run_stdio;
