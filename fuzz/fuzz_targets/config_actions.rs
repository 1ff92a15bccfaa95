//! Fuzz target: see `corpus_ls_fuzz::checks::config_actions` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| corpus_ls_fuzz::checks::config_actions(data));
