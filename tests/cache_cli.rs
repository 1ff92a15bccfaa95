//! The warm-start cache through the real binary: a second run reads every file from the cache
//! and prints byte for byte what a run without it prints; only the cache folder is written.

#[path = "common/tree.rs"]
mod tree;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Out {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs the binary in `root` with the cache in `cache` (`None`: the cache turned off).
fn run(root: &Path, cache: Option<&Path>, args: &[&str]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_corpus-ls"));
    cmd.args(args)
        .current_dir(root)
        .env("CORPUS_LS_TRACE", "1")
        .env("CORPUS_LS_CACHE_MIN_BYTES", "0")
        .env_remove("CORPUS_LS_CACHE");
    match cache {
        Some(c) => cmd.env("XDG_CACHE_HOME", c).env("HOME", c),
        None => cmd.env("CORPUS_LS_CACHE", "off"),
    };
    let o = cmd.output().expect("run corpus-ls");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    Out {
        code: o.status.code(),
        stdout: o.stdout,
        stderr,
    }
}

/// Every file below `dir`, relative, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// The `N of M files from` count of a traced run.
fn hits(stderr: &str) -> Option<(usize, usize)> {
    let line = stderr.lines().find(|l| l.contains(" files from "))?;
    let rest = line.split("cache: ").nth(1)?;
    let mut w = rest.split_whitespace();
    let h = w.next()?.parse().ok()?;
    w.next();
    let t = w.next()?.parse().ok()?;
    Some((h, t))
}

/// The `facts of N of M articles` count of a traced `check`.
fn fact_hits(stderr: &str) -> Option<(usize, usize)> {
    let line = stderr.lines().find(|l| l.contains("cache: facts of "))?;
    let mut w = line.split("facts of ").nth(1)?.split_whitespace();
    let h = w.next()?.parse().ok()?;
    w.next();
    let n = w.next()?.parse().ok()?;
    Some((h, n))
}

#[test]
fn second_run_reads_the_cache_and_prints_the_same_bytes() {
    let base = tempfile::tempdir().unwrap();
    let root = base.path().join("corpus");
    tree::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus"),
        &root,
    );
    // A lowercase dump, so the second pass (the corpus gazetteer) is cached too.
    std::fs::write(
        root.join("dump.txt"),
        "the talks between the two ministers ended on sunday without a deal said officials who \
         asked not to be named because the talks were private and a second round would follow \
         in the spring when both delegations meet again in the capital\n",
    )
    .unwrap();
    let cache = base.path().join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let before = tree(&root);
    for args in [
        &["entities", "--format", "json"][..],
        &["check", "--format", "json"][..],
        &["mentions", "--format", "json", "Velmora"][..],
    ] {
        let reference = run(&root, None, args);
        assert!(
            !reference.stderr.contains(" files from "),
            "{args:?}: the cache was used while off"
        );
        let first = run(&root, Some(&cache), args);
        let second = run(&root, Some(&cache), args);
        for (what, o) in [("first", &first), ("second", &second)] {
            assert_eq!(o.code, reference.code, "{args:?} {what}: {}", o.stderr);
            assert!(
                o.stdout == reference.stdout,
                "{args:?} {what} run differs from a run without the cache:\n{}\n---\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&reference.stdout)
            );
        }
        let (h, total) = hits(&second.stderr).expect("no cache trace on the second run");
        assert!(total >= 6, "{total} files");
        assert_eq!(h, total, "second run missed: {}", second.stderr);
        if args[0] == "check" {
            // The articles' facts come from the cache too.
            let (h, n) = fact_hits(&second.stderr).expect("no facts trace");
            assert!(n >= 3, "{n} articles");
            assert_eq!(h, n, "second run walked articles: {}", second.stderr);
        }
    }
    // Two cache files (the analysis and check's facts), in the cache folder; the corpus is
    // untouched.
    let cached = tree(&cache);
    let names: Vec<String> = cached
        .iter()
        .map(|c| c.0.to_string_lossy().into_owned())
        .collect();
    assert_eq!(cached.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("corpus-ls")));
    let facts_file = cached
        .iter()
        .position(|c| c.0.to_string_lossy().ends_with(".facts.bin"))
        .expect("no facts file");
    // A damaged facts file is ignored: the same output, every article walked again.
    std::fs::write(cache.join(&cached[facts_file].0), b"not a cache either").unwrap();
    let args = &["check", "--format", "json"][..];
    let reference = run(&root, None, args);
    let o = run(&root, Some(&cache), args);
    assert_eq!(o.stdout, reference.stdout);
    assert_eq!(fact_hits(&o.stderr).map(|h| h.0), Some(0), "{}", o.stderr);
    let o = run(&root, Some(&cache), args);
    assert_eq!(o.stdout, reference.stdout);
    let (h, n) = fact_hits(&o.stderr).expect("no facts trace");
    assert_eq!(h, n, "the facts file was not rewritten: {}", o.stderr);
    let cached: Vec<_> = cached
        .into_iter()
        .filter(|c| !c.0.to_string_lossy().ends_with(".facts.bin"))
        .collect();
    assert_eq!(before, tree(&root), "the corpus was written to");
    // `--no-cache` neither reads nor writes it.
    let other = base.path().join("other-cache");
    std::fs::create_dir_all(&other).unwrap();
    let o = run(
        &root,
        Some(&other),
        &["--no-cache", "entities", "--format", "json"],
    );
    assert!(!o.stderr.contains(" files from "), "{}", o.stderr);
    let o = run(
        &root,
        Some(&other),
        &["entities", "--no-cache", "--format", "json"],
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert!(tree(&other).is_empty(), "--no-cache wrote the cache");
    // A corpus below the size worth caching leaves no cache behind.
    let o = Command::new(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(["entities", "--format", "json"])
        .current_dir(&root)
        .env("XDG_CACHE_HOME", &other)
        .env("CORPUS_LS_TRACE", "1")
        .env_remove("CORPUS_LS_CACHE")
        .env_remove("CORPUS_LS_CACHE_MIN_BYTES")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(tree(&other).is_empty(), "a small corpus was cached");
    // A damaged cache file is ignored and the output stays the same.
    std::fs::write(cache.join(&cached[0].0), b"not a cache").unwrap();
    let reference = run(&root, None, &["entities", "--format", "json"]);
    let o = run(&root, Some(&cache), &["entities", "--format", "json"]);
    assert_eq!(o.stdout, reference.stdout);
    assert_eq!(hits(&o.stderr).map(|h| h.0), Some(0), "{}", o.stderr);
}
