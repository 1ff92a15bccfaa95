//! Interned strings: one shared copy of each name key, surface, unit and measure word.
//!
//! A 100k-article corpus holds millions of mentions but only tens of thousands of distinct
//! names, so each per-mention string is a thin pointer ([`IStr`], 8 bytes) into one
//! corpus-wide table. Entries nobody holds any more are swept when a shard has doubled since its
//! last sweep, so a long editing session does not keep every prefix it ever typed.

use parking_lot::Mutex;
use rustc_hash::FxHasher;
use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// An interned, immutable string: reads as `&str`, clones by reference count.
#[derive(Clone)]
pub struct IStr(Arc<Box<str>>);

/// Number of independently locked parts of the table (parallel loads intern from every thread).
const SHARDS: usize = 32;
/// A shard is swept no sooner than at this size.
const MIN_SWEEP: usize = 1024;

struct Shard {
    set: HashSet<IStr, BuildHasherDefault<FxHasher>>,
    next_sweep: usize,
}

fn shards() -> &'static [Mutex<Shard>] {
    static TABLE: OnceLock<Vec<Mutex<Shard>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    set: HashSet::default(),
                    next_sweep: MIN_SWEEP,
                })
            })
            .collect()
    })
}

fn hash_of(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// The shared copy of `s`.
pub fn intern(s: &str) -> IStr {
    // The high bits pick the shard; the set hashes again with its own hasher.
    let shard = &shards()[(hash_of(s) >> 59) as usize % SHARDS];
    let mut sh = shard.lock();
    if let Some(x) = sh.set.get(s) {
        return x.clone();
    }
    if sh.set.len() >= sh.next_sweep {
        // Only the table holds an entry whose count is 1, and only this lock hands out clones.
        sh.set.retain(|x| Arc::strong_count(&x.0) > 1);
        sh.next_sweep = (sh.set.len() * 2).max(MIN_SWEEP);
    }
    let x = IStr(Arc::new(s.into()));
    sh.set.insert(x.clone());
    x
}

/// Interns every string of a list (measure words, ambiguous keys).
pub fn intern_all<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Box<[IStr]> {
    items.into_iter().map(|s| intern(s.as_ref())).collect()
}

/// Heap bytes of the table: every distinct string once, with its entry (for memory reports).
pub fn table_bytes() -> usize {
    shards()
        .iter()
        .map(|s| {
            let sh = s.lock();
            sh.set.capacity() * std::mem::size_of::<IStr>()
                + sh.set.iter().map(|x| x.len() + 32).sum::<usize>()
        })
        .sum()
}

impl IStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for IStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for IStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for IStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Default for IStr {
    fn default() -> Self {
        intern("")
    }
}

impl PartialEq for IStr {
    fn eq(&self, other: &IStr) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}
impl Eq for IStr {}

impl PartialEq<str> for IStr {
    fn eq(&self, other: &str) -> bool {
        **self.0 == *other
    }
}
impl PartialEq<&str> for IStr {
    fn eq(&self, other: &&str) -> bool {
        **self.0 == **other
    }
}
impl PartialEq<String> for IStr {
    fn eq(&self, other: &String) -> bool {
        **self.0 == **other
    }
}
impl PartialEq<IStr> for str {
    fn eq(&self, other: &IStr) -> bool {
        *self == **other.0
    }
}
impl PartialEq<IStr> for &str {
    fn eq(&self, other: &IStr) -> bool {
        **self == **other.0
    }
}
impl PartialEq<IStr> for String {
    fn eq(&self, other: &IStr) -> bool {
        **self == **other.0
    }
}

impl Hash for IStr {
    fn hash<H: Hasher>(&self, h: &mut H) {
        // As `str` hashes, so lookups by `&str` find it.
        (**self.0).hash(h)
    }
}

impl PartialOrd for IStr {
    fn partial_cmp(&self, other: &IStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for IStr {
    fn cmp(&self, other: &IStr) -> std::cmp::Ordering {
        (**self.0).cmp(&**other.0)
    }
}

impl fmt::Debug for IStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.0, f)
    }
}

impl fmt::Display for IStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self.0, f)
    }
}

impl From<&str> for IStr {
    fn from(s: &str) -> Self {
        intern(s)
    }
}
impl From<String> for IStr {
    fn from(s: String) -> Self {
        intern(&s)
    }
}
impl From<&String> for IStr {
    fn from(s: &String) -> Self {
        intern(s)
    }
}
impl From<IStr> for String {
    fn from(s: IStr) -> Self {
        s.as_str().to_string()
    }
}

impl serde::Serialize for IStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_copy() {
        let a = intern("vice premier");
        let b = intern(&String::from("vice premier"));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "vice premier");
        assert_eq!(a.as_str(), "vice premier");
        assert_ne!(a, intern("vice president"));
        assert_eq!(std::mem::size_of::<Option<IStr>>(), 8);
    }

    #[test]
    fn unused_entries_are_swept_and_live_ones_kept() {
        let keep = intern("kept-while-held-xyz");
        let before = Arc::as_ptr(&keep.0);
        // Enough distinct throwaway strings to pass every shard's sweep threshold.
        for i in 0..SHARDS * MIN_SWEEP * 3 {
            drop(intern(&format!("throwaway-{i}")));
        }
        assert_eq!(Arc::as_ptr(&intern("kept-while-held-xyz").0), before);
        let total: usize = shards().iter().map(|s| s.lock().set.len()).sum();
        assert!(
            total < SHARDS * MIN_SWEEP * 3,
            "{total} entries: nothing swept"
        );
    }

    #[test]
    fn reads_as_str_in_maps_and_json() {
        let mut m: HashSet<IStr> = HashSet::new();
        m.insert(intern("liu he"));
        assert!(m.contains("liu he"));
        assert_eq!(serde_json::to_string(&intern("a\"b")).unwrap(), r#""a\"b""#);
        assert_eq!(format!("{:?}", intern("x")), "\"x\"");
        assert!(intern("") == IStr::default() && IStr::default().is_empty());
    }
}
