//! The archive as the CLI and the server ask it: a process-wide client per URL with a small
//! bounded pool of connections, a deadline on every call, and a pause after a failure, so an
//! archive that is down or silent costs one warning and local answers, never a hang.
//!
//! Plain data in, plain data out (no LSP types): the front ends turn [`Hits`] into their own
//! locations.

use super::postgres::{self as pg, ArchiveEntity, ArchiveMention, Remote};
use anyhow::{anyhow, Result};
use parking_lot::Mutex;
use postgres::Client;
use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Connections kept open between calls. An editor asks one question at a time per request
/// thread; four covers the server's concurrent handlers.
const POOL: usize = 4;

/// After a failure, calls fail at once for this long instead of waiting on the archive again:
/// a hover in an editor must not pay the deadline on every keystroke while the archive is down.
const PAUSE: Duration = Duration::from_secs(30);

/// The archive at one URL.
pub struct Archive {
    remote: Remote,
    idle: Arc<Mutex<Vec<Client>>>,
    /// Until when calls are refused after a failure, and whether that failure was reported.
    down: Mutex<Option<(Instant, bool)>>,
}

/// The client of `url`, shared by every caller of this process (the pool is per URL).
pub fn shared(url: &str) -> Arc<Archive> {
    static ALL: OnceLock<Mutex<HashMap<String, Arc<Archive>>>> = OnceLock::new();
    ALL.get_or_init(Default::default)
        .lock()
        .entry(url.to_string())
        .or_insert_with(|| Arc::new(Archive::new(Remote::new(url))))
        .clone()
}

impl Archive {
    /// A client of `remote` with an empty pool.
    pub fn new(remote: Remote) -> Archive {
        Archive {
            remote,
            idle: Arc::default(),
            down: Mutex::new(None),
        }
    }

    /// The deadline of one call.
    pub fn timeout(&self) -> Duration {
        self.remote.timeout
    }

    /// Runs `f` on a pooled (or new) connection on a worker thread, within the deadline. On a
    /// failure the archive is paused; the first failure of a pause is written to stderr as the
    /// one warning (the CLI's stderr, the server's log), later ones return quietly.
    pub fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T> + Send + 'static,
    ) -> Option<T> {
        if let Some((until, _)) = *self.down.lock() {
            if Instant::now() < until {
                return None;
            }
        }
        match self.run(f) {
            Ok(v) => {
                *self.down.lock() = None;
                Some(v)
            }
            Err(e) => {
                let mut down = self.down.lock();
                let warned = down.is_some_and(|(_, w)| w);
                if !warned {
                    eprintln!(
                        "corpus-ls: warning: archive not used ({}): local answers only",
                        crate::corpus::path_text::printable(&format!("{e:#}"))
                    );
                }
                *down = Some((Instant::now() + PAUSE, true));
                None
            }
        }
    }

    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let pooled = self.idle.lock().pop();
        let remote = self.remote.clone();
        let idle = self.idle.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("corpus-ls archive".into())
            .spawn(move || {
                let got = pooled
                    .map_or_else(|| remote.connect(), Ok)
                    .and_then(|mut c| {
                        let r = f(&mut c);
                        // A connection that answered goes back for the next call; one that failed
                        // may be half-way through a message and is dropped.
                        if r.is_ok() && !c.is_closed() {
                            let mut idle = idle.lock();
                            if idle.len() < POOL {
                                idle.push(c);
                            }
                        }
                        r
                    });
                let _ = tx.send(got);
            })?;
        // The worker outlives a missed deadline only until its socket gives up; its answer is
        // then dropped.
        rx.recv_timeout(self.remote.timeout)
            .map_err(|_| anyhow!("no answer within {} ms", self.remote.timeout.as_millis()))?
    }

    /// The archive's mentions of `name` in files for which `local(rel)` is false (the local
    /// folder wins for its own files), at most `limit`. When several archive entities go by
    /// the name, the one called `prefer` (the local entity's canonical name) is taken, else
    /// none. `None`: no such entity, or the archive is not reachable.
    pub fn mentions(
        &self,
        name: &str,
        prefer: Option<&str>,
        limit: i64,
        local: impl Fn(&str) -> bool,
    ) -> Option<Hits> {
        let (name, prefer) = (name.to_string(), prefer.map(str::to_string));
        let (entity, mentions, root) = self
            .call(move |c| {
                let ents = pg::entity_by_alias(c, &name)?;
                let e = match &ents[..] {
                    [e] => e.clone(),
                    many => match many.iter().find(|e| Some(&e.name) == prefer.as_ref()) {
                        Some(e) => e.clone(),
                        None => return Ok(None),
                    },
                };
                let ms = pg::mentions_of(c, e.id, 0, limit)?;
                Ok(Some((e, ms, pg::archive_root(c)?)))
            })
            .flatten()?;
        let total = mentions.len();
        let mentions: Vec<ArchiveMention> =
            mentions.into_iter().filter(|m| !local(&m.rel)).collect();
        let shadowed = total - mentions.len();
        Some(Hits {
            beyond: (entity.mentions - shadowed as i64).max(0),
            entity,
            mentions,
            root,
        })
    }
}

/// An entity's mentions in the archive beyond the local folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    /// The archive's entity.
    pub entity: ArchiveEntity,
    /// Its mentions in archive files the folder does not hold (the first page).
    pub mentions: Vec<ArchiveMention>,
    /// Its mentions in the archive minus those of the first page that the folder holds: the
    /// count beyond the folder (exact when the page held them all).
    pub beyond: i64,
    /// The archive's root folder as the snapshot was made from (its files are `root/rel`),
    /// when the loaded snapshot says.
    pub root: Option<String>,
}

impl Hits {
    /// Archive files among `mentions`.
    pub fn files(&self) -> usize {
        let mut rels: Vec<&str> = self.mentions.iter().map(|m| m.rel.as_str()).collect();
        rels.sort_unstable();
        rels.dedup();
        rels.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive_at(port: u16, ms: u64) -> Archive {
        Archive::new(Remote {
            url: format!("postgresql://x@127.0.0.1:{port}/x"),
            timeout: Duration::from_millis(ms),
        })
    }

    #[test]
    fn a_silent_archive_costs_one_deadline_then_is_paused() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let _held = std::thread::spawn(move || {
            let held: Vec<_> = l.incoming().take(4).collect();
            std::thread::sleep(Duration::from_secs(5));
            drop(held);
        });
        let a = archive_at(port, 300);
        let t = Instant::now();
        assert!(a.mentions("x", None, 10, |_| false).is_none());
        assert!(t.elapsed() >= Duration::from_millis(300));
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        // Paused: the next call does not wait again.
        let t = Instant::now();
        assert!(a.mentions("x", None, 10, |_| false).is_none());
        assert!(t.elapsed() < Duration::from_millis(50), "{:?}", t.elapsed());
        assert!(a.down.lock().is_some_and(|(_, warned)| warned));
    }

    #[test]
    fn a_closed_port_fails_fast() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let a = archive_at(port, 2000);
        let t = Instant::now();
        assert!(a.call(|c| pg::entity_by_alias(c, "x")).is_none());
        assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    }

    #[test]
    fn one_client_per_url() {
        assert!(Arc::ptr_eq(
            &shared("postgresql://a@127.0.0.1:1/a"),
            &shared("postgresql://a@127.0.0.1:1/a")
        ));
    }
}
