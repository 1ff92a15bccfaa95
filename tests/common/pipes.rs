//! The client end of a server's pipes, shared by the test clients and the soak example: LSP
//! frames read from its stdout on a thread, its stderr collected as text.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::process::Child;
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};

/// Reads one LSP frame; `None` at the end of the stream or on a frame that is not JSON (said on
/// stderr: the reader stops, and the client sees the server's output closed).
pub fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            if len.is_some() {
                break;
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    match serde_json::from_slice(&body) {
        Ok(v) => Some(v),
        Err(e) => {
            eprintln!("the server sent a frame that is not JSON: {e}");
            None
        }
    }
}

/// Takes `child`'s stdout and stderr: its frames arrive on the receiver, its stderr in the string.
pub fn attach(child: &mut Child) -> (Receiver<Value>, Arc<Mutex<String>>) {
    let mut out = BufReader::new(child.stdout.take().expect("piped stdout"));
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        while let Some(v) = read_frame(&mut out) {
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    let stderr = Arc::new(Mutex::new(String::new()));
    let sink = stderr.clone();
    let mut err = child.stderr.take().expect("piped stderr");
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    (rx, stderr)
}
