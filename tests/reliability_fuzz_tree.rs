//! The `tree` fuzz target's invariants (`fuzz/src/tree.rs`) replayed without a fuzzer: hand-made
//! hostile trees and a few hundred generated ones (links out, FIFOs, ignore files, configs).

mod reliability_support;
#[path = "../fuzz/src/tree.rs"]
mod tree;

/// Trees worth keeping: (operation, name, content) triples; see `fuzz/src/tree.rs`.
const SEEDS: &[&[u8]] = &[
    b"",
    // An article, a `.gitignore` linked out (ignore everything), a FIFO `.ignore`.
    b"\x00\x00\x00\x02\x06\x01\x05\x07\x00",
    // The config linked out, an article linked to the canary, a `.ann` linked in.
    b"\x02\x09\x02\x02\x01\x00\x03\x03\x00\x00\x0c\x00",
    // Ignore files on devices, a FIFO article, the plain text that once panicked.
    b"\x04\x06\x00\x04\x08\x01\x05\x04\x00\x00\x00\x01\x04\x0b\x00",
    // `.git/info/exclude` linked out and the config a FIFO.
    b"\x02\x0b\x01\x05\x09\x00\x00\x00\x00\x00\x0a\x08",
];

/// Inputs a fuzzer once failed on (empty until one does).
const CRASHES: &[&[u8]] = &[];

#[test]
fn seeds_and_crashes() {
    for s in SEEDS.iter().chain(CRASHES) {
        tree::tree(s);
    }
}

/// What the fuzzer kept from its runs (SECURITY.md lists them), replayed.
#[test]
fn fuzz_corpus_replays() {
    for (name, input) in reliability_support::fuzz_replay("tree") {
        eprintln!("tree/{name}");
        tree::tree(&input);
    }
}

#[test]
fn generated_trees() {
    // A fixed xorshift stream: the same trees on every run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..150 {
        let mut data = Vec::new();
        for _ in 0..(x % 40) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            data.push(x as u8);
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        tree::tree(&data);
    }
}
