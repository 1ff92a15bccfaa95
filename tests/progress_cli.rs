//! The progress bar: drawn on stderr when it is a terminal (a pseudo-terminal made by Python's
//! `pty` module), ending on `n/n files`; never written to a pipe, nor with `--quiet`.

use std::path::Path;
use std::process::Command;

#[path = "common/cli.rs"]
mod cli;
use cli::run;

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/corpus")
        .display()
        .to_string()
}

/// Runs the binary with `args` on a pseudo-terminal of 120 columns; returns all it wrote
/// there (stdout and stderr alike), or `None` when no Python is available.
fn on_a_tty(args: &[&str]) -> Option<String> {
    const DRIVER: &str = r#"
import fcntl, os, pty, struct, sys, termios
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
out = b""
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
"#;
    let out = match Command::new("python3")
        .arg("-c")
        .arg(DRIVER)
        .arg(env!("CARGO_BIN_EXE_corpus-ls"))
        .args(args)
        .output()
    {
        Ok(o) if o.status.success() => o,
        other => {
            println!("skipped: python3 with `pty` did not run: {other:?}");
            return None;
        }
    };
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_pipe_gets_no_progress_bytes() {
    let (code, _, err) = run(&["--no-cache", "check", &example(), "--fail-on", "never"]);
    assert_eq!(code, 0);
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    assert!(!err.contains("files"), "progress on a pipe: {err:?}");
}

#[test]
fn a_terminal_shows_the_bar_ending_on_all_files() {
    let args = [
        "--no-cache",
        "check",
        &example(),
        "--fail-on",
        "never",
        "--format",
        "json",
    ];
    let Some(tty) = on_a_tty(&args) else { return };
    // The example corpus holds 6 files (4 articles, 2 notes): the server's last report is 6/6.
    assert!(
        tty.contains("6/6 files"),
        "no final count on the terminal: {tty:?}"
    );
    assert!(tty.contains("reading"), "{tty:?}");
    let mut quiet = vec!["--quiet"];
    quiet.extend(args);
    let Some(tty) = on_a_tty(&quiet) else { return };
    assert!(!tty.contains("files"), "--quiet still draws: {tty:?}");
}
