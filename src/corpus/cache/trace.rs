//! `CORPUS_LS_TRACE`: what a load says on stderr: cache hits, and where its time went.
//!
//! [`lap`] prints the wall and CPU time (all threads, from `/proc/self/stat`, 10 ms ticks)
//! since the previous lap (or the first call), so the stages of a load and of the command that
//! follows it can be timed from wherever they run without passing a timer around.

use parking_lot::Mutex;
use std::sync::OnceLock;
use std::time::Instant;

/// True when `CORPUS_LS_TRACE` is set (read once).
pub fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("CORPUS_LS_TRACE").is_some())
}

/// Says `msg` on stderr under `what` when tracing.
pub fn say(what: &str, msg: impl FnOnce() -> String) {
    if on() {
        eprintln!("corpus-ls: {what}: {}", msg());
    }
}

/// CPU seconds of the process so far (user + system, every thread); 0 where unknown.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces): state is the first, then
    // utime and stime are the 12th and 13th, in clock ticks (100 a second on Linux).
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// Wall and CPU time at the previous lap.
static LAST: Mutex<Option<(Instant, f64)>> = Mutex::new(None);

/// Says on stderr (when tracing) how long the stage `name` took since the previous lap.
pub fn lap(name: &str) {
    if !on() {
        return;
    }
    let (now, cpu) = (Instant::now(), cpu_seconds());
    let mut last = LAST.lock();
    if let Some((t, c)) = *last {
        eprintln!(
            "corpus-ls: time: {name}: {:.3} s wall, {:.2} s CPU",
            now.duration_since(t).as_secs_f64(),
            cpu - c
        );
    }
    *last = Some((Instant::now(), cpu));
}

/// Starts the laps (the first stage is timed from here).
pub fn start() {
    if on() {
        *LAST.lock() = Some((Instant::now(), cpu_seconds()));
    }
}
