//! Whole-corpus work nobody waits for (publishing every file's diagnostics after the cold
//! index, answers computed ahead) on threads of their own at the lowest CPU priority, so on two
//! cores a request never queues behind it for CPU time.
//!
//! The threads are plain threads, not the runtime's blocking pool: a thread cannot raise its
//! priority again without privileges, and a pool thread would carry the low priority into the
//! next request it runs.

/// Runs `job` on a new thread named `name` at the lowest CPU priority the OS gives a thread
/// (nice 19 on Linux; the normal priority elsewhere).
pub fn spawn_low(name: &str, job: impl FnOnce() + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            lower_this_thread();
            job()
        });
    if let Err(e) = spawned {
        eprintln!("corpus-ls: cannot start the {name} thread: {e}");
    }
}

/// Drops `value` on a long-lived low-priority thread: an old snapshot's last reference frees
/// one handle per file (100,000 scattered reference counts at 100k articles, about a
/// millisecond), which a keystroke's thread need not spend. Dropped here when that thread
/// cannot start.
pub fn drop_later<T: Send + 'static>(value: T) {
    type Parcel = Box<dyn Send>;
    static DROPPER: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Parcel>>> =
        std::sync::OnceLock::new();
    let tx = DROPPER.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Parcel>();
        let spawned = std::thread::Builder::new()
            .name("corpus-ls-drop".into())
            .spawn(move || {
                lower_this_thread();
                for parcel in rx {
                    drop(parcel);
                }
            });
        spawned.ok().map(|_| tx)
    });
    if let Some(tx) = tx {
        // A send fails only when the thread is gone: the value then drops here.
        let _ = tx.send(Box::new(value));
    }
}

/// Lowers the calling thread's CPU priority to nice 19 (on Linux, `setpriority` with `who` 0
/// applies to the calling thread only, not the process).
#[cfg(target_os = "linux")]
fn lower_this_thread() {
    use std::ffi::{c_int, c_uint};
    extern "C" {
        fn setpriority(which: c_int, who: c_uint, prio: c_int) -> c_int;
    }
    const PRIO_PROCESS: c_int = 0;
    // SAFETY: changes the scheduling priority of the calling thread; no memory is involved.
    let rc = unsafe { setpriority(PRIO_PROCESS, 0, 19) };
    if rc != 0 {
        super::engine::trace(|| "background thread: priority not lowered".to_string());
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_thread() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    fn nice_of_this_thread() -> i64 {
        // Field 19 of /proc/thread-self/stat is the nice value (after the command in parens).
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        after.split(' ').nth(16).unwrap().parse().unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_job_runs_at_nice_19_and_the_caller_keeps_its_priority() {
        let before = nice_of_this_thread();
        let (tx, rx) = std::sync::mpsc::channel();
        spawn_low("test-low", move || tx.send(nice_of_this_thread()).unwrap());
        assert_eq!(rx.recv().unwrap(), 19);
        assert_eq!(nice_of_this_thread(), before);
    }

    #[test]
    fn a_value_dropped_later_is_dropped() {
        struct Tell(std::sync::mpsc::Sender<()>);
        impl Drop for Tell {
            fn drop(&mut self) {
                let _ = self.0.send(());
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        drop_later(Tell(tx));
        rx.recv().expect("dropped");
    }
}
