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

/// Number of independently locked parts of a table (parallel loads intern from every thread).
const SHARDS: usize = 32;
/// A shard is swept no sooner than at this size.
const MIN_SWEEP: usize = 1024;

/// A value a [`Table`] holds: shared by reference count, so the table can tell when only it
/// still holds one.
pub trait Shared: Hash + Eq + Clone {
    /// True when something besides the table holds this value.
    fn held_elsewhere(&self) -> bool;
}

impl Shared for IStr {
    fn held_elsewhere(&self) -> bool {
        Arc::strong_count(&self.0) > 1
    }
}

impl<T: Hash + Eq> Shared for Arc<T> {
    fn held_elsewhere(&self) -> bool {
        Arc::strong_count(self) > 1
    }
}

struct Shard<E> {
    set: HashSet<E, BuildHasherDefault<FxHasher>>,
    next_sweep: usize,
}

/// A sharded, self-sweeping intern table: one shared copy of each distinct value.
pub struct Table<E> {
    shards: Vec<Mutex<Shard<E>>>,
}

impl<E: Shared> Default for Table<E> {
    fn default() -> Self {
        Table {
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        set: HashSet::default(),
                        next_sweep: MIN_SWEEP,
                    })
                })
                .collect(),
        }
    }
}

impl<E: Shared> Table<E> {
    /// The shared copy equal to `q`, made by `make` (and kept) when there is none yet.
    pub fn get<Q>(&self, q: &Q, make: impl FnOnce() -> E) -> E
    where
        E: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let mut h = FxHasher::default();
        q.hash(&mut h);
        // The high bits pick the shard; the set hashes again with its own hasher.
        let mut sh = self.shards[(h.finish() >> 59) as usize % SHARDS].lock();
        if let Some(x) = sh.set.get(q) {
            return x.clone();
        }
        if sh.set.len() >= sh.next_sweep {
            // Only the table holds an entry held nowhere else, and only this lock hands out
            // clones, so dropping it cannot race with a reader.
            sh.set.retain(Shared::held_elsewhere);
            sh.next_sweep = (sh.set.len() * 2).max(MIN_SWEEP);
        }
        let x = make();
        sh.set.insert(x.clone());
        x
    }

    /// Number of values held.
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().set.len()).sum()
    }

    /// True when the table holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sum of `size(value)` plus each slot's size, over every value held (for memory reports).
    pub fn bytes(&self, size: impl Fn(&E) -> usize) -> usize {
        self.shards
            .iter()
            .map(|s| {
                let sh = s.lock();
                sh.set.capacity() * (std::mem::size_of::<E>() + 1)
                    + sh.set.iter().map(&size).sum::<usize>()
            })
            .sum()
    }
}

fn strings() -> &'static Table<IStr> {
    static TABLE: OnceLock<Table<IStr>> = OnceLock::new();
    TABLE.get_or_init(Table::default)
}

/// The shared copy of `s`.
pub fn intern(s: &str) -> IStr {
    strings().get(s, || IStr(Arc::new(s.into())))
}

/// Interns every string of a list (measure words, ambiguous keys).
pub fn intern_all<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Box<[IStr]> {
    items.into_iter().map(|s| intern(s.as_ref())).collect()
}

/// Heap bytes of the string table: every distinct string once, with its slot.
pub fn table_bytes() -> usize {
    // An `Arc<Box<str>>` allocation: two counts and the box, then the text.
    strings().bytes(|x| 32 + x.len())
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

/// An interned list of interned strings (a figure's measure words): one thin pointer.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IList(Arc<Box<[IStr]>>);

fn lists() -> &'static Table<Arc<Box<[IStr]>>> {
    static TABLE: OnceLock<Table<Arc<Box<[IStr]>>>> = OnceLock::new();
    TABLE.get_or_init(Table::default)
}

impl IList {
    /// The shared list of these strings, in order.
    pub fn new<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> IList {
        let items: Box<[IStr]> = intern_all(items);
        IList(lists().get(&items, || Arc::new(items.clone())))
    }
}

/// Heap bytes of the list table (for memory reports).
pub fn list_bytes() -> usize {
    lists().bytes(|x| 32 + x.len() * std::mem::size_of::<IStr>())
}

impl Default for IList {
    fn default() -> Self {
        IList::new(std::iter::empty::<&str>())
    }
}

impl Deref for IList {
    type Target = [IStr];
    fn deref(&self) -> &[IStr] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a IList {
    type Item = &'a IStr;
    type IntoIter = std::slice::Iter<'a, IStr>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Debug for IList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.0, f)
    }
}

impl serde::Serialize for IList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
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
        let total = strings().len();
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
        let l = IList::new(["tariffs", "steel"]);
        assert_eq!(serde_json::to_string(&l).unwrap(), r#"["tariffs","steel"]"#);
        assert!(Arc::ptr_eq(
            &l.0,
            &IList::new(vec!["tariffs".to_string(), "steel".into()]).0
        ));
        assert_eq!(l.join(" "), "tariffs steel");
        assert!(IList::default().is_empty());
    }
}
