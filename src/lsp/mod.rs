//! The language server: tower-lsp-server backend; LSP types and UTF-16 stop here.
