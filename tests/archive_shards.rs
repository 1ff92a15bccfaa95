//! The archive's correctness property: `reduce(extract(any sharding))` gives exactly what
//! `entities --format json` and `check --format json` give on the whole folder, over a set of
//! random shardings of the example corpus, of a mixed corpus written here (brat, CoNLL, dumps,
//! unreadable files, user entities) and of a generated corpus.

mod archive_support;
use archive_support::*;
use std::path::Path;

#[test]
fn any_sharding_of_the_example_corpus_reduces_to_the_single_process_answers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let expected = single_process(&root);
    assert!(
        expected.1.lines().count() > 3,
        "the example corpus has findings"
    );
    let mut rng = Lcg(20);
    for k in [1, 2, 3, 5, 8] {
        let work = tempfile::tempdir().unwrap();
        let snap = pipeline(&root, work.path(), k, &mut rng);
        assert_same(&snap, &expected, &format!("examples/corpus in {k} shards"));
    }
}

/// A corpus with every kind of file the load treats apart, in our own words.
fn mixed_corpus(dir: &Path) {
    let w = |rel: &str, text: &[u8]| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "corpus-ls.toml",
        b"[entities]\n\"Orla Brennick\" = { type = \"PER\", aliases = [\"the harbourmaster\"] }\n",
    );
    w(
        "port-levy.md",
        b"---\ntitle: Port levy rises\ndate: 2025-03-04\n---\n\nOrla Brennick, the harbourmaster of Dunmarra, said on Tuesday, March 4, 2025 that the levy on cargo would rise to $12 million. Ms. Brennick said the Dunmarra Port Authority had 340 employees.\n",
    );
    w(
        "port-staff.txt",
        b"DUNMARRA, March 9, 2025 - The Dunmarra Port Authority employs 410 people, a spokesman said. Orla Brennick declined to comment on the levy of $12 million.\n",
    );
    w(
        "dump-port.txt",
        b"the dunmarra port authority said orla brennick would meet fishing crews next week about the 12 million dollar levy and the 410 jobs at the port\nms brennick told crews in dunmarra that ferrow mining would pay the levy too and that calder voss of the authority would chair the talks on friday\nthe crews said the levy would cost each boat more than it earns in a month and asked the authority to wait until the summer\n",
    );
    w(
        "tagged.txt",
        b"Calder Voss met officials of Ferrow Mining in Lusk on Friday.\n",
    );
    w(
        "tagged.ann",
        b"T1\tPER 0 11\tCalder Voss\nT2\tORG 26 38\tFerrow Mining\nT3\tLOC 42 46\tLusk\n",
    );
    w(
        "wire.conll",
        b"-DOCSTART- O\n\nFerrow B-ORG\nMining I-ORG\nshares O\nfell O\nin O\nLusk B-LOC\n. O\n",
    );
    w(
        "notes/levy.md",
        b"---\nkind: note\nsources: [../port-staff.txt]\n---\n\nThe Dunmarra Port Authority has 380 employees and the levy is $12 million.\n",
    );
    w(
        "broken.txt",
        b"Ferrow Mining paid \xff\xfe 3 million pounds in Lusk.\n",
    );
    w("blob.txt", b"\x00\x01\x02binary");
}

#[test]
fn any_sharding_of_a_mixed_corpus_reduces_to_the_single_process_answers() {
    let dir = tempfile::tempdir().unwrap();
    mixed_corpus(dir.path());
    let expected = single_process(dir.path());
    assert!(!expected.0.is_empty());
    let mut rng = Lcg(7);
    for k in [1, 2, 4, 6] {
        let work = tempfile::tempdir().unwrap();
        let snap = pipeline(dir.path(), work.path(), k, &mut rng);
        assert_same(&snap, &expected, &format!("mixed corpus in {k} shards"));
        let manifest = std::fs::read_to_string(snap.join("manifest.json")).unwrap();
        // The binary file is left out by the listing's walk (and said on its stderr), as the
        // load leaves it out; the seven others are analysed.
        assert!(manifest.contains("\"documents\": 7"), "{manifest}");
    }
}

#[test]
fn any_sharding_of_a_generated_corpus_reduces_to_the_single_process_answers() {
    let dir = tempfile::tempdir().unwrap();
    let Some(root) = generated(300, &dir.path().join("corpus")) else {
        return;
    };
    let expected = single_process(&root);
    assert!(expected.0.lines().count() > 100);
    let mut rng = Lcg(300);
    for k in [3, 7] {
        let work = tempfile::tempdir().unwrap();
        let snap = pipeline(&root, work.path(), k, &mut rng);
        assert_same(&snap, &expected, &format!("generated corpus in {k} shards"));
    }
}

#[test]
fn the_same_corpus_reduces_to_the_same_immutable_version() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus");
    let work = tempfile::tempdir().unwrap();
    let a = pipeline(&root, work.path(), 2, &mut Lcg(1));
    let work2 = work.path().join("again");
    std::fs::create_dir_all(&work2).unwrap();
    // Another sharding, the same snapshot folder (the version names the corpus, not the job).
    let b = pipeline(&root, &work2, 3, &mut Lcg(2));
    assert_eq!(a.file_name(), b.file_name());
    let latest = std::fs::read_to_string(work.path().join("snap/LATEST")).unwrap();
    assert_eq!(latest.trim(), a.file_name().unwrap().to_str().unwrap());
}

#[test]
fn a_file_in_two_parts_or_a_missing_second_pass_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    mixed_corpus(dir.path());
    let work = tempfile::tempdir().unwrap();
    let p = work.path().join("p");
    let o = bin()
        .arg("extract")
        .arg("--root")
        .arg(dir.path())
        .args(["port-levy.md", "dump-port.txt", "no-such-file.md"])
        .arg("-o")
        .arg(&p)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("no-such-file.md"), "{err}");
    assert_eq!(
        std::fs::read_to_string(p.join("deferred.txt")).unwrap(),
        "dump-port.txt\n"
    );
    let reduce = |parts: &[&Path]| {
        bin()
            .arg("reduce")
            .arg("--root")
            .arg(dir.path())
            .args(parts)
            .arg("-o")
            .arg(work.path().join("snap"))
            .output()
            .unwrap()
    };
    let o = reduce(&[&p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("second pass"));
    let o = reduce(&[&p, &p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("in two parts"));
    let o = reduce(&[&work.path().join("nowhere")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nowhere"));
}
