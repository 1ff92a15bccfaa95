//! Large location lists written as JSON once, straight from the locations, instead of through
//! tower-lsp-server's path (the handler's result to a `serde_json::Value` tree, about a dozen
//! allocations per location, then that tree to text, then its drop): at 55,000 locations that
//! path costs more than finding and converting the mentions.
//!
//! The handler stashes the JSON text and answers with one marker location whose URI names the
//! stash entry; [`super::writer::forward`], between the framework's writer and the client, swaps a response
//! holding a marker for the stashed text. The client gets the same bytes it would have got
//! (keys in the order the `Value` tree writes them: sorted). Lists shorter than
//! [`MIN_LOCATIONS`] take the ordinary path.

use parking_lot::Mutex;
use serde_json::Value;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

/// Lists at least this long are pre-serialized.
pub const MIN_LOCATIONS: usize = 256;

/// The URI scheme of a marker location (never a file's: those are `file:`).
pub(super) const SCHEME: &str = "corpus-ls-preserialized";

/// Stash entries kept beyond which old ones go: a response the framework never writes (a
/// cancelled request) leaves its entry behind until newer ones push it out.
const KEEP: usize = 16;
/// An entry younger than this is never pushed out, however many there are: a burst of large
/// answers all wait for the writer at once, and each must still find its text.
const IN_FLIGHT: Duration = Duration::from_secs(60);

static NEXT: AtomicU64 = AtomicU64::new(1);
static STASH: Mutex<VecDeque<(u64, Instant, Arc<str>)>> = Mutex::new(VecDeque::new());

/// The answer standing for `json` (a list of locations as [`to_json`] writes it): one marker
/// location that [`super::writer::forward`] swaps for the text on the way out.
pub fn marker(json: Arc<str>) -> Vec<Location> {
    let key = NEXT.fetch_add(1, Ordering::Relaxed);
    {
        let mut stash = STASH.lock();
        let now = Instant::now();
        stash.push_back((key, now, json));
        while stash.len() > KEEP
            && stash
                .front()
                .is_some_and(|(_, at, _)| now.duration_since(*at) > IN_FLIGHT)
        {
            stash.pop_front();
        }
    }
    let uri: Uri = format!("{SCHEME}:{key}")
        .parse()
        .expect("a scheme and digits make a URI");
    let zero = Position::new(0, 0);
    vec![Location::new(uri, Range::new(zero, zero))]
}

/// The JSON text of a list of locations, byte for byte as `serde_json::to_value` then
/// `to_string` writes it (object keys sorted).
pub fn to_json(locations: &[Location]) -> String {
    let mut out = String::with_capacity(2 + locations.len() * 120);
    out.push('[');
    for (i, l) in locations.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let (s, e) = (l.range.start, l.range.end);
        let _ = write!(
            out,
            r#"{{"range":{{"end":{{"character":{},"line":{}}},"start":{{"character":{},"line":{}}}}},"uri":"#,
            e.character, e.line, s.character, s.line
        );
        push_json_string(&mut out, l.uri.as_str());
        out.push('}');
    }
    out.push(']');
    out
}

/// Appends `s` as a JSON string (URIs are percent-encoded, so this is nearly always a copy).
fn push_json_string(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(s).expect("a string serializes"));
    }
}

/// The stashed text a response body stands for: `None` unless it is a response whose result
/// is one marker location; then its id and the text, taken out of the stash (`None` when the
/// entry was pushed out after [`IN_FLIGHT`]).
pub(super) fn swap(body: &[u8]) -> Option<(Value, Option<Arc<str>>)> {
    // Responses holding a marker are small; anything larger passes untouched and unparsed.
    const MAX_MARKER_BODY: usize = 512;
    if body.len() > MAX_MARKER_BODY || !contains(body, SCHEME.as_bytes()) {
        return None;
    }
    let v: Value = serde_json::from_slice(body).ok()?;
    let id = v.get("id")?.clone();
    let [loc] = v.get("result")?.as_array()?.as_slice() else {
        return None;
    };
    let key: u64 = loc
        .get("uri")?
        .as_str()?
        .strip_prefix(SCHEME)?
        .strip_prefix(':')?
        .parse()
        .ok()?;
    let mut stash = STASH.lock();
    let json = match stash.iter().position(|(k, _, _)| *k == key) {
        Some(at) => stash.remove(at).map(|(_, _, json)| json),
        None => None,
    };
    Some((id, json))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A location of `len` characters on line `l` (the writer's tests build the same).
    pub(in crate::lsp::io) fn loc(uri: &str, l: u32, c: u32, len: u32) -> Location {
        Location::new(
            uri.parse().unwrap(),
            Range::new(Position::new(l, c), Position::new(l, c + len)),
        )
    }

    #[test]
    fn json_is_what_the_value_path_writes() {
        let locs = vec![
            loc("file:///a/b%20c.md", 0, 3, 5),
            loc("file:///x/%C3%BC.txt", 12345, 0, 70000),
            loc("untitled:Untitled-1", 2, 1, 1),
        ];
        let via_value = serde_json::to_string(&serde_json::to_value(&locs).unwrap()).unwrap();
        assert_eq!(to_json(&locs), via_value);
        assert_eq!(to_json(&[]), "[]");
        let mut s = String::new();
        push_json_string(&mut s, "a\"b\\c\n");
        assert_eq!(s, serde_json::to_string("a\"b\\c\n").unwrap());
    }
}
