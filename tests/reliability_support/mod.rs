//! Shared by the `reliability_*` tests: a sandbox with a canary outside the corpus root, the
//! binary run with a deadline, and an independent check of every position the CLI prints.
#![allow(dead_code)]

use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A token that only the canary files outside the root hold: it must never reach any output.
pub const CANARY: &str = "Quillon Vantablack";

/// How long one CLI run may take before the test calls it a hang.
pub const DEADLINE: Duration = Duration::from_secs(300);

/// A temp folder holding `root/` (the corpus) and `outside/` (a canary the tools must not read).
pub struct Sandbox {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
    /// The corpus root (canonical).
    pub root: PathBuf,
    /// A sibling of the root holding the canary files.
    pub outside: PathBuf,
}

impl Sandbox {
    /// A fresh sandbox whose `outside/` holds the canary as an article, a config and a brat file.
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = std::fs::canonicalize(dir.path()).expect("canonical temp dir");
        let root = base.join("root");
        let outside = base.join("outside");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let article = format!(
            "# Secret\n\n{CANARY} of Canaryco Holdings paid $777 million on March 3, 2019.\n"
        );
        std::fs::write(outside.join("canary.md"), &article).unwrap();
        std::fs::write(outside.join("canary.txt"), &article).unwrap();
        std::fs::write(
            outside.join("corpus-ls.toml"),
            format!(
                "[entities]\n\"{CANARY}\" = {{ type = \"PER\", aliases = [\"Mr. Vantablack\"] }}\n"
            ),
        )
        .unwrap();
        // A brat file whose entity type would show in `spans` if it were ever applied.
        std::fs::write(outside.join("canary.ann"), "T1\tMISC 0 5\tplain\n").unwrap();
        Sandbox { dir, root, outside }
    }

    /// Writes `bytes` at `rel` below the root, creating folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.root.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Makes a symlink at `rel` below the root pointing at `target` (as given).
    #[cfg(unix)]
    pub fn link(&self, rel: &str, target: impl AsRef<Path>) {
        let p = self.root.join(rel);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).unwrap();
        }
        std::os::unix::fs::symlink(target, p).unwrap();
    }
}

/// The result of one run: status code and both streams as text.
pub struct Run {
    /// Exit status (None when killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Both streams, for searching.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    /// Panics, showing stderr, unless the run exited with `code`.
    pub fn expect_code(&self, code: i32, what: &str) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "{what}: exit status {:?}\nstderr:\n{}",
            self.code,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked"),
            "{what}: panic\n{}",
            self.stderr
        );
        self
    }
    /// Panics if the canary leaked into either stream.
    pub fn expect_no_canary(&self, what: &str) -> &Run {
        for token in ["Quillon", "Vantablack", "Canaryco"] {
            assert!(
                !self.all().contains(token),
                "{what}: text from outside the root reached the output:\n{}",
                self.all()
            );
        }
        self
    }
    /// The JSON Lines of stdout.
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

/// Runs the binary with `args` in `cwd`, failing the test if it outlives `DEADLINE`.
pub fn run(cwd: &Path, args: &[&str]) -> Run {
    run_cmd(
        Command::new(env!("CARGO_BIN_EXE_corpus-ls")).args(args),
        cwd,
    )
}

/// Runs a prepared command in `cwd` with the deadline. The warm-start cache is off unless the
/// caller placed it (`XDG_CACHE_HOME`): a test never writes the user's cache folder.
pub fn run_cmd(cmd: &mut Command, cwd: &Path) -> Run {
    let placed = cmd
        .get_envs()
        .any(|(k, _)| k == "XDG_CACHE_HOME" || k == "CORPUS_LS_CACHE");
    if !placed {
        cmd.env("CORPUS_LS_CACHE", "off");
    }
    let mut child = cmd
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start corpus-ls");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("corpus-ls {cmd:?} still running after {DEADLINE:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    Run {
        code: status.code(),
        stdout,
        stderr,
    }
}

/// The LSP position (line, UTF-16 column) of byte `at` of `bytes`, computed independently of the
/// crate: lines end at `\n`, `\r\n` or a lone `\r`; the text before `at` is decoded lossily.
pub fn utf16_position(bytes: &[u8], at: usize) -> (u64, u64) {
    let mut line = 0u64;
    let mut line_start = 0usize;
    let mut i = 0usize;
    while i < at {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let col: usize = bytes[line_start..at]
        .utf8_chunks()
        .map(|c| c.valid().encode_utf16().count() + c.invalid().len())
        .sum();
    (line, col as u64)
}

/// Checks every object of a `spans`/`mentions`/`check --format json` run (and each `related`
/// location) against the file's bytes: the byte range lies inside the file, its bytes are the
/// `text` when there is one, and the `range` is the UTF-16 position of the bytes. Returns them.
pub fn check_span_positions(root: &Path, objs: &[Value]) -> Vec<Value> {
    let related: Vec<Value> = objs
        .iter()
        .filter_map(|o| o["related"].as_array())
        .flatten()
        .cloned()
        .collect();
    for o in objs.iter().chain(&related) {
        let Some(file) = o["file"].as_str() else {
            continue;
        };
        let bytes = std::fs::read(root.join(file)).expect("read the file the span names");
        let (a, b) = (
            o["start_byte"].as_u64().expect("start_byte") as usize,
            o["end_byte"].as_u64().expect("end_byte") as usize,
        );
        assert!(a <= b && b <= bytes.len(), "span out of the file: {o}");
        match std::str::from_utf8(&bytes[a..b]) {
            Ok(s) if o.get("text").is_some() => {
                assert_eq!(Some(s), o["text"].as_str(), "bytes differ from text: {o}")
            }
            Ok(_) => {}
            // Invalid UTF-8 inside the span: its ends must still be character boundaries.
            Err(_) => assert!(
                [a, b]
                    .iter()
                    .all(|&i| i == bytes.len() || (bytes[i] as i8) >= -0x40),
                "span {a}..{b} splits a UTF-8 character of the file: {o}"
            ),
        }
        for (key, at) in [("start", a), ("end", b)] {
            let (line, col) = utf16_position(&bytes, at);
            assert_eq!(
                (
                    o["range"][key]["line"].as_u64(),
                    o["range"][key]["character"].as_u64()
                ),
                (Some(line), Some(col)),
                "range.{key} of {o}"
            );
        }
    }
    objs.to_vec()
}

/// Runs `check --format json` at the root: it must finish with 0 or 1 (findings), never a
/// usage error or a panic, with right positions; `--fail-on never` must exit 0. Returns the
/// findings and the run.
pub fn check_finishes(root: &Path) -> (Vec<Value>, Run) {
    let r = run(root, &["check", "--format", "json"]);
    assert!(
        matches!(r.code, Some(0 | 1)),
        "check exit status {:?}\n{}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let objs = check_span_positions(root, &r.json_lines());
    run(root, &["check", "--fail-on", "never"]).expect_code(0, "check --fail-on never");
    (objs, r)
}

/// True when strace can trace a child here; says why a test is skipped when it cannot.
pub fn strace_works() -> bool {
    let probe = Command::new("strace")
        .args(["-f", "-e", "trace=openat", "-o", "/dev/null", "true"])
        .output();
    let works = probe.is_ok_and(|o| o.status.success());
    if !works {
        eprintln!("skipped: strace is not available or not permitted here");
    }
    works
}

/// What a run of the binary under strace opened: each successful open's real path (`-y`: the
/// file the descriptor is, resolved by the kernel, so opens relative to a folder count too), and
/// how many programs it executed. The cache goes to `cache`, the trace to `log`.
pub struct Traced {
    pub run: Run,
    pub opened: Vec<PathBuf>,
    pub execs: usize,
    pub trace: String,
}

pub fn traced(root: &Path, cache: &Path, log: &Path, args: &[&str]) -> Traced {
    let mut cmd = strace_command(log);
    cmd.args(args)
        .env("XDG_CACHE_HOME", cache)
        .env("CORPUS_LS_CACHE_MIN_BYTES", "0")
        .env_remove("CORPUS_LS_CACHE");
    let run = run_cmd(&mut cmd, root);
    let trace = std::fs::read_to_string(log).unwrap();
    let (opened, execs) = opens_in(&trace);
    Traced {
        run,
        opened,
        execs,
        trace,
    }
}

/// The binary under `strace`, its opens and program starts written to `log`; add the arguments.
pub fn strace_command(log: &Path) -> Command {
    let mut cmd = Command::new("strace");
    cmd.args([
        "-f",
        "-qq",
        "-y",
        "-e",
        "trace=open,openat,openat2,execve",
        "-o",
    ])
    .arg(log)
    .arg(env!("CARGO_BIN_EXE_corpus-ls"));
    cmd
}

/// Each successful open's real path in a `strace -y` log, and how many programs were started.
pub fn opens_in(trace: &str) -> (Vec<PathBuf>, usize) {
    let mut opened = Vec::new();
    let mut execs = 0;
    for line in trace.lines() {
        if line.contains("execve(") {
            execs += 1;
            continue;
        }
        // `= 5</real/path>`; failed opens (`= -1 ENOENT`) name no descriptor.
        let Some((_, ret)) = line.rsplit_once(" = ") else {
            continue;
        };
        if let Some((path, _)) = ret.split_once('<').and_then(|(_, p)| p.split_once('>')) {
            opened.push(PathBuf::from(path));
        }
    }
    (opened, execs)
}

/// The inputs kept from a fuzz target's runs (`fuzz/replay/<target>/`, the corpus after
/// `cargo fuzz cmin`), in name order; the folder must be there and hold some.
pub fn fuzz_replay(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/replay")
        .join(target);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.expect("a replay entry").path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("a replay input"))
        })
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "{} holds no input", dir.display());
    inputs
}
