//! Fuzz target: see `corpus_ls_fuzz::tree::tree` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corpus_ls_fuzz::tree::tree(data));
