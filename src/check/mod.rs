//! Diagnostic rules, one file each, over an analysed corpus.
