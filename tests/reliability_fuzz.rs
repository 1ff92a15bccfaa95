//! The fuzz targets' invariants (`fuzz/src/checks.rs`), replayed without a fuzzer so CI runs
//! them: hand-picked hostile inputs, every input the fuzzers ever crashed on, and a few hundred
//! generated ones per target. Plus a property test of the whole analysis's offset mapping.
//! The message-handling targets (`fuzz/src/protocol.rs`) run the real server in-process.

#[path = "../fuzz/src/checks.rs"]
mod checks;
#[path = "../fuzz/src/protocol.rs"]
mod protocol;
mod reliability_support;

use proptest::prelude::*;

/// Inputs worth keeping for every target (the first byte selects format / path).
const SEEDS: &[&[u8]] = &[
    b"",
    b"\0",
    b"\x00\xef\xbb\xbf",
    b"\x00---\nsources: [a, \"b\", ]\ntitle: \xff\n---\n# T\n",
    b"\x01\xef\xbb\xbf# Title\r\n\r\nBy Ann Lee\r\n\r\nJune 3, 2018\r\n\r\nJohn Smith paid $5 million.\r\n",
    b"\x02\r\r\r\n\n\r",
    b"\x00[link](<x> \"t\")`code`**b**_i_ \\$50 &amp; <br>a\n\n|a|b|\n|-|-|\n|1|2|\n",
    b"\x01\xf0\x9f\x87\xab\xf0\x9f\x87\xb7 Angela Merkel \xe2\x80\x8d\xf0\x9f\x91\xa8 $3bn 12% june 3",
    b"\x02 about 70,000-employee up to 200 billion more than one-third almost 800 bn",
    b"\x81\xa3\xe9\xc3( mr liu met liu he treasury secretary steven mnuchin",
    b"\x80\xff\xfe\x00\x00",
    b"\x00# \n#\n##\n###### x\n---\n---\n",
    b"\x00---\n---\n---\nkind: note\n",
    b"\x02Sunday, June 4, 2018 on Monday in 1901 seven years 25 percentage points",
    b"\x01\t\t\x0b\x0c\x1a\x1b\x7f\xc2\x85",
    b"\x00> quote\n>> deeper\n\n* a\n  * b\n1. c\n\n    code\n```\nfence\n",
    // Positions: text, 0xff, then (line, col, line, col, op) quintuples.
    b"ab\r\ncd\re\n\xff\x00\x00\x00\x01\x02\x00\x05\x00\x05\x81\x01\x01\x00\x00\x47\x07\x03\x09\x09\x03",
    b"\xf0\x9f\x98\x80\r\n\xe4\xb8\xad\xff\x00\x00\x01\x00\x00\x06\x00\x02\x00\x02\x03\x0f\x00\x00\x00\x04",
];

/// Configs once corrupted by the code actions (the first byte picks the form to add).
const CONFIG_SEEDS: &[&[u8]] = &[
    b"\x00ignore = \"Section 301\"\n",
    b"\x01\xef\xbb\xbf# mine\n[entities]\n\"Olga Lind\" = { type = \"PER\", aliases = \"O. L.\" }\n",
    b"\x02[entities.\"Olga Lind\"]\ntype = \"PER\"\naliases = \"O. L.\"\n",
    b"\x03entities.\"Olga Lind\".type = \"PER\"\nignore = []\n",
    b"\x04ignore = [\"a\",]\r\n[entities]\r\nX = { type = \"ORG\" }",
    b"\x00ignore = 3\nentities = 4\n",
    b"\x01[[entities]]\nname = 1\n",
    b"\x02ignore = [\"x\"\n",
];

#[test]
fn config_seeds_hold() {
    for s in CONFIG_SEEDS {
        checks::config_actions(s);
    }
}

/// Inputs a fuzzer once failed on, by target (empty until one does).
const CRASHES: &[(&str, &[u8])] = &[];

/// A fuzz target: its name and its check.
type Target = (&'static str, fn(&[u8]));

fn targets() -> [Target; 5] {
    [
        ("view", checks::view),
        ("figures", checks::figures),
        ("entities", checks::entities),
        ("positions", checks::positions),
        ("config_actions", checks::config_actions),
    ]
}

fn protocol_targets() -> [Target; 2] {
    [("frames", protocol::frames), ("session", protocol::session)]
}

/// Message-handling inputs worth keeping: framing and sessions (the first byte of a session
/// picks the encoding; then each step is an operation byte, a document byte and its operands).
const PROTOCOL_SEEDS: &[&[u8]] = &[
    b"",
    b"Content-Length: 5\r\n\r\n{}",
    b"Content-Length: 99999999999999999999999\r\n\r\n",
    b"content-length: 2\r\nContent-Length: 30\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}",
    b"{\"jsonrpc\":\"2.0\",\"method\":\"a\"}\0[]\0{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}",
    b"\r\n\r\nX: y\r\nContent-Length: 0\r\n\r\nContent-Length: -1\r\n\r\n",
    // Duplicate top-level keys and ids past i64::MAX (each once stopped the server).
    b"{\"jsonrpc\":\"2.0\",\"id\":5,\"id\":\"x\",\"method\":\"m\",\"params\":{}}\0{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{},\"params\":[]}\0{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"2.0\",\"method\":\"m\"}",
    b"{\"jsonrpc\":\"2.0\",\"id\":9223372036854775808,\"method\":\"m\"}\0{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775809,\"result\":1}\0{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"m\"}",
    // Open a note, edit it in and out of range, ask at odd places, close, reopen.
    b"\x01\x00\x00\x03\x0c\x01\x0f\x05\x01\x00\x07\x01\x02\x01\x01\x00\x00\x00\x09\x06\x00\x00\x05\x05\x07\xfa\x01\x02\x02\x08\x00\x02\x05\x00\x00\x01",
    b"\x00\x00\x01\x02\x05\x06\x05\x02\x01\x01\x04\x01\x02\x17\x17\x18\x00\x17\x17\x0b\x00\x03\x04\x06\x01\x0a\x00\x01",
    b"\x00\x00\x04\x01\x07\x0c\x04\x02\x0c\x00\x04\x04\x0a\x00\x02\x08\x00\x00\x02\x0b\x02\x03\x01\x02\x03",
];

#[test]
fn seeds_and_past_crashes_hold_every_invariant() {
    for (name, f) in targets() {
        for s in SEEDS {
            f(s);
        }
        for (t, input) in CRASHES {
            if *t == name {
                f(input);
            }
        }
    }
}

#[test]
fn protocol_seeds_and_past_crashes_hold() {
    for (name, f) in protocol_targets() {
        for s in PROTOCOL_SEEDS {
            f(s);
        }
        for (t, input) in CRASHES {
            if *t == name {
                f(input);
            }
        }
    }
}

/// What the fuzzers kept from their runs (SECURITY.md lists the runs), replayed.
#[test]
fn fuzz_corpora_replay() {
    for (target, f) in [
        ("config_actions", checks::config_actions as fn(&[u8])),
        ("frames", protocol::frames),
    ] {
        for (name, input) in reliability_support::fuzz_replay(target) {
            eprintln!("{target}/{name}");
            f(&input);
        }
    }
}

/// Random scripts against the in-process server (each a whole session: kept few).
#[test]
fn generated_sessions_hold() {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..24 {
        let script: Vec<u8> = (0..200)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        protocol::session(&script);
        protocol::frames(&script);
    }
}

/// A cheap deterministic stand-in for the fuzzer: inputs built from pieces that tend to matter
/// (markup, line ends, multi-byte and invalid bytes, numbers, names).
#[test]
fn generated_inputs_hold_every_invariant() {
    const PIECES: &[&[u8]] = &[
        b"\n",
        b"\r\n",
        b"\r",
        b" ",
        b"\t",
        b"#",
        b"---\n",
        b"*",
        b"_",
        b"`",
        b"[",
        b"](",
        b")",
        b"<",
        b">",
        b"\\",
        b"$",
        b"\xc2\xa3",
        b"%",
        b"5",
        b"70,000",
        b"1.5",
        b"million",
        b"billion",
        b"June",
        b"3,",
        b"2018",
        b"Sunday",
        b"Mr.",
        b"Liu",
        b"He",
        b"of",
        b"New",
        b"York",
        b"\xf0\x9f\x98\x80",
        b"\xe2\x80\x8d",
        b"\xe4\xb8\xad",
        b"e\xcc\x81",
        b"\xff",
        b"\xe2\x82",
        b"\xef\xbb\xbf",
        b"\x00",
        b"about",
        b"up to",
        b"percent",
        b"-",
        b"\"",
        b"kind: note\n",
    ];
    let mut x = 0x1234_5678_9abc_def1u64;
    let mut rnd = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    for round in 0..300 {
        let mut input = vec![rnd(256) as u8];
        for _ in 0..rnd(60) {
            input.extend_from_slice(PIECES[rnd(PIECES.len())]);
        }
        if round % 3 == 0 {
            input.push(0xff);
            input.extend((0..rnd(40)).map(|_| rnd(256) as u8));
        }
        for (_, f) in targets() {
            f(&input);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The whole analysis of any text: each decoded file keeps its byte count and every span
    /// lands inside the source on char boundaries (checks::view on arbitrary bytes).
    #[test]
    fn analysis_spans_stay_in_the_source(sel in any::<u8>(), bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut input = vec![sel];
        input.extend(bytes);
        checks::view(&input);
    }

    /// The same with text made of words, so entity and figure paths are reached.
    #[test]
    fn analysis_of_wordy_text(sel in any::<u8>(), words in prop::collection::vec(
        prop::sample::select(vec!["Mr.", "Liu", "He", "said", "$5", "million", "on", "June", "3,",
            "2018", "\n", "\n\n", "# ", "é", "😀", "\r\n", "percent", "the", "Company", "of", "Beijing"]), 0..80)) {
        let mut input = vec![sel];
        input.extend(words.join(" ").into_bytes());
        checks::view(&input);
        checks::figures(&input);
        checks::entities(&input);
    }
}
