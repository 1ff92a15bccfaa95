//! Shared by the archive tests: the map/gazetteer/reduce pipeline run through the real binary
//! over a chosen sharding, and the single-process answers to compare with.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_corpus-ls"));
    // The warm-start cache is per user: none of these runs reads or writes it.
    c.env("CORPUS_LS_CACHE", "off");
    c
}

pub fn ok(o: Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed: {}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The example corpus of the repo.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/corpus")
}

/// JSON Lines as values.
pub fn json_lines(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `archive load` of `snapshot` into the archive at `url`: its output (rows per table).
pub fn load(url: &str, snapshot: &Path) -> String {
    ok(
        bin()
            .args(["archive", "load", "--postgres", url])
            .arg(snapshot)
            .output()
            .unwrap(),
        "archive load",
    )
}

/// The files `archive list` gives for `root`.
pub fn listing(root: &Path) -> Vec<String> {
    let out = ok(
        bin().args(["archive", "list"]).arg(root).output().unwrap(),
        "archive list",
    );
    out.lines().map(str::to_string).collect()
}

/// A small deterministic generator (no dependency for a shuffle).
pub struct Lcg(pub u64);
impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// `files` dealt at random into `k` shards (some may be empty).
pub fn shard(files: &[String], k: usize, rng: &mut Lcg) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); k];
    for f in files {
        out[(rng.next() % k as u64) as usize].push(f.clone());
    }
    out
}

fn extract(root: &Path, files: &[String], gaz: Option<&Path>, out: &Path) {
    let list = out.with_extension("list");
    std::fs::write(&list, files.join("\n")).unwrap();
    let mut c = bin();
    c.arg("extract")
        .arg("--root")
        .arg(root)
        .arg("--files-from")
        .arg(&list)
        .arg("-o")
        .arg(out);
    if let Some(g) = gaz {
        c.arg("--gazetteer").arg(g);
    }
    ok(c.output().unwrap(), "extract");
}

/// Runs both passes over `k` random shards each and the reduce; returns the snapshot folder.
pub fn pipeline(root: &Path, work: &Path, k: usize, rng: &mut Lcg) -> PathBuf {
    let files = listing(root);
    let mut parts = Vec::new();
    let mut deferred = Vec::new();
    for (i, s) in shard(&files, k, rng).iter().enumerate() {
        let p = work.join(format!("p1-{i}"));
        extract(root, s, None, &p);
        let d = std::fs::read_to_string(p.join("deferred.txt")).unwrap();
        deferred.extend(d.lines().map(str::to_string));
        parts.push(p);
    }
    let gaz = work.join("gazetteer.jsonl");
    let mut c = bin();
    c.arg("gazetteer")
        .arg("--root")
        .arg(root)
        .args(&parts)
        .arg("-o")
        .arg(&gaz);
    ok(c.output().unwrap(), "gazetteer");
    for (i, s) in shard(&deferred, k, rng).iter().enumerate() {
        let p = work.join(format!("p2-{i}"));
        extract(root, s, Some(&gaz), &p);
        parts.push(p);
    }
    let mut c = bin();
    c.arg("reduce")
        .arg("--root")
        .arg(root)
        .args(&parts)
        .arg("-o")
        .arg(work.join("snap"));
    PathBuf::from(ok(c.output().unwrap(), "reduce").trim())
}

/// `entities --format json` and `check --format json` of the whole folder in one process.
pub fn single_process(root: &Path) -> (String, String) {
    let e = ok(
        bin()
            .args(["entities", "--format", "json"])
            .arg(root)
            .output()
            .unwrap(),
        "entities",
    );
    let o = bin()
        .args(["check", "--format", "json", "--fail-on", "never"])
        .arg(root)
        .output()
        .unwrap();
    (e, ok(o, "check"))
}

/// Asserts a snapshot holds exactly the single-process answers.
pub fn assert_same(snapshot: &Path, expected: &(String, String), what: &str) {
    let e = std::fs::read_to_string(snapshot.join("entities.jsonl")).unwrap();
    let f = std::fs::read_to_string(snapshot.join("findings.jsonl")).unwrap();
    assert!(
        e == expected.0,
        "{what}: entities differ from the single-process run"
    );
    assert!(
        f == expected.1,
        "{what}: findings differ from the single-process run"
    );
}

/// `n` generated articles of the BBC corpus in `out` (`scripts/gen_corpus.py`), or `None` with
/// the reason printed when `../shared` or Python is absent.
pub fn generated(n: usize, out: &Path) -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bbc = repo.join("../shared/corpora/bbc-news");
    if !bbc.is_dir() {
        eprintln!("skipped: {} is absent", bbc.display());
        return None;
    }
    let st = Command::new("python3")
        .arg(repo.join("scripts/gen_corpus.py"))
        .arg(n.to_string())
        .arg(out)
        .arg("--bbc")
        .arg(&bbc)
        .output();
    match st {
        Ok(o) if o.status.success() => Some(out.to_path_buf()),
        Ok(o) => panic!(
            "gen_corpus.py failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            eprintln!("skipped: python3 not runnable: {e}");
            None
        }
    }
}

/// A throwaway PostgreSQL cluster on a loopback port, in a temp folder, stopped and removed
/// on drop. Run as the `postgres` user when the test runs as root (the server refuses root).
pub struct Pg {
    pub url: String,
    bin: PathBuf,
    dir: tempfile::TempDir,
    as_root: bool,
}

fn pg_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

impl Pg {
    fn cmd(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// Starts a cluster, or `None` with the reason printed when PostgreSQL is not installed.
    pub fn start() -> Option<Pg> {
        let Some(bin) = pg_bin() else {
            eprintln!("skipped: no PostgreSQL server binaries (run .ci/archive-env)");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let as_root = is_root();
        if as_root {
            let st = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(st.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Pg {
            url: format!("postgresql://corpus@127.0.0.1:{port}/postgres"),
            bin,
            dir,
            as_root,
        };
        let data = pg.dir.path().join("data");
        let o = pg
            .cmd("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "corpus", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let opts = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            pg.dir.path().display()
        );
        let o = pg
            .cmd("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-o", &opts, "-l"])
            .arg(pg.dir.path().join("log"))
            .args(["-w", "-t", "60", "start"])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        Some(pg)
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}
