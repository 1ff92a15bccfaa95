//! A guard in front of the framework's reader, which stops for good at the first frame it cannot
//! decode (and the server then exits as if the client had closed the stream). Every frame is
//! checked against the framework's own message types first; one that fails is answered with a
//! JSON-RPC error (the id echoed when the frame names exactly one usable id) and never reaches
//! the framework. Oversized frames are skipped unread and reported. Good frames pass unchanged,
//! in order.

use super::frames::{Frame, FrameReader};
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc::Sender;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Frames larger than this are skipped unread. A document at the 16 MiB file cap fits even
/// with every byte escaped as a two-character sequence, with room for the rest of the message.
pub const MAX_FRAME: usize = 40 * 1024 * 1024;

/// Why a frame is refused, and how to answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// JSON-RPC error code: -32700 (not JSON) or -32600 (not a valid request).
    pub code: i64,
    pub why: String,
    /// The id to answer to: the frame's own when it has exactly one string or number id.
    pub id: Value,
}

impl Refusal {
    /// The error response a refused frame gets.
    pub fn response(&self) -> Vec<u8> {
        json!({
            "jsonrpc": "2.0",
            "id": self.id,
            "error": {"code": self.code, "message": format!("corpus-ls: {}", self.why)},
        })
        .to_string()
        .into_bytes()
    }
}

/// Whether `body` is a message the framework decodes (a request, notification or response)
/// and whose params are a structured value; else why not.
pub fn check_body(body: &[u8]) -> Result<(), Refusal> {
    // The framework reads a missing method as "": a request must name one.
    let as_request =
        serde_json::from_slice::<Request>(body).map(|r| Some(r).filter(|r| !r.method().is_empty()));
    let ok = match &as_request {
        Ok(Some(r)) => matches!(
            r.params(),
            None | Some(Value::Object(_)) | Some(Value::Array(_)) | Some(Value::Null)
        ),
        // The framework reads a missing result as null: a response must say which it is.
        Ok(None) | Err(_) => {
            serde_json::from_slice::<Response>(body).is_ok()
                && Outline::of(body).is_ok_and(|o| o.answers)
        }
    };
    if ok {
        return Ok(());
    }
    let outline = match Outline::of(body) {
        Ok(o) => o,
        Err(e) => {
            return Err(Refusal {
                code: -32700,
                why: format!("not JSON: {e}"),
                id: Value::Null,
            })
        }
    };
    // A number past u64 parses as a float: echoed, it would name another id, so it is null.
    let id = match outline.ids.as_slice() {
        [id @ Value::String(_)] => id.clone(),
        [id @ Value::Number(n)] if n.is_i64() || n.is_u64() => id.clone(),
        _ => Value::Null,
    };
    let why = if let Some(k) = outline.duplicate.as_deref() {
        format!("invalid request: the key {k:?} appears twice")
    } else if matches!(outline.ids.as_slice(), [Value::Number(n)] if n.as_i64().is_none()) {
        "invalid request: the id is not a whole number in the signed 64-bit range".to_string()
    } else {
        match as_request {
            Ok(Some(_)) => "invalid request: params must be an object or an array".to_string(),
            Ok(None) => "invalid request: no method, and no result or error".to_string(),
            Err(e) => format!("not a JSON-RPC 2.0 message: {e}"),
        }
    };
    Err(Refusal {
        code: -32600,
        why,
        id,
    })
}

/// What a refusal's message needs from a body that is JSON: its top-level `id` values and the
/// first key it repeats; whether it has a `result` or an `error`.
struct Outline {
    ids: Vec<Value>,
    duplicate: Option<String>,
    answers: bool,
}

impl Outline {
    fn empty() -> Outline {
        Outline {
            ids: Vec::new(),
            duplicate: None,
            answers: false,
        }
    }

    fn of(body: &[u8]) -> Result<Outline, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let o = de.deserialize_any(OutlineVisitor)?;
        de.end()?;
        Ok(o)
    }
}

struct OutlineVisitor;

impl<'de> Visitor<'de> for OutlineVisitor {
    type Value = Outline;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outline, A::Error> {
        let mut seen = std::collections::HashSet::new();
        let mut o = Outline::empty();
        while let Some(k) = map.next_key::<String>()? {
            if k == "id" {
                o.ids.push(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            o.answers |= k == "result" || k == "error";
            if !seen.insert(k.clone()) && o.duplicate.is_none() {
                o.duplicate = Some(k);
            }
        }
        Ok(o)
    }

    // Any other JSON value: an outline with nothing in it.
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Outline, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Outline::empty())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Outline, E> {
        Ok(Outline::empty())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Outline, E> {
        Ok(Outline::empty())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Outline, E> {
        Ok(Outline::empty())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Outline, E> {
        Ok(Outline::empty())
    }
    fn visit_str<E>(self, _: &str) -> Result<Outline, E> {
        Ok(Outline::empty())
    }
    fn visit_unit<E>(self) -> Result<Outline, E> {
        Ok(Outline::empty())
    }
}

/// Copies LSP frames from `input` to `output` (the framework's reader), refusing the ones the
/// framework cannot decode: each gets its error response through `replies` (to the client).
/// Returns at the end of `input`.
pub async fn filter_frames<R, W>(input: R, mut output: W, replies: Sender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut frames = FrameReader::new(input, MAX_FRAME);
    while let Some(frame) = frames.next().await {
        let body = match frame {
            Frame::Body(body) => body,
            Frame::BadHeaders => {
                eprintln!("corpus-ls: dropped a message with unusable headers");
                continue;
            }
            Frame::TooLarge(n) => {
                let msg = format!(
                    "corpus-ls: skipped a {n}-byte message unread (the limit is {MAX_FRAME} bytes); a document that large is not analysed"
                );
                eprintln!("{msg}");
                let note = json!({"jsonrpc": "2.0", "method": "window/showMessage",
                    "params": {"type": 2, "message": msg}});
                let _ = replies.send(note.to_string().into_bytes()).await;
                continue;
            }
        };
        if let Err(refusal) = check_body(&body) {
            eprintln!("corpus-ls: refused a message: {}", refusal.why);
            let _ = replies.send(refusal.response()).await;
            continue;
        }
        if !super::write_frame(&mut output, &body).await {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// The guard on `input`: what reaches the framework, and the replies sent back.
    async fn filter(input: &[u8]) -> (String, Vec<Value>) {
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let mut out = Vec::new();
        filter_frames(input, &mut out, tx).await;
        let mut replies = Vec::new();
        while let Ok(r) = rx.try_recv() {
            replies.push(serde_json::from_slice(&r).unwrap());
        }
        (String::from_utf8(out).unwrap(), replies)
    }

    #[test]
    fn bodies_are_checked() {
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#).is_ok());
        assert!(check_body(br#"{"jsonrpc":"2.0","method":"n"}"#).is_ok());
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert!(
            check_body(br#"{"jsonrpc":"2.0","id":"a","error":{"code":1,"message":"m"}}"#).is_ok()
        );
        assert_eq!(check_body(b"{not json").unwrap_err().code, -32700);
        for bad in [
            &b"[]"[..],
            b"{}",
            br#"{"jsonrpc":"2.0","id":1}"#,
            br#"{"jsonrpc":"2.0","method":3}"#,
            br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","method":"x","params":3}"#,
            br#"{"jsonrpc":"1.0","method":"x"}"#,
        ] {
            let r = check_body(bad);
            assert_eq!(
                r.map_err(|r| r.code),
                Err(-32600),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn duplicate_keys_and_big_ids_are_refused_with_the_id_when_known() {
        let r = check_body(
            br#"{"jsonrpc":"2.0","id":5,"id":"x","method":"textDocument/hover","params":{}}"#,
        )
        .unwrap_err();
        assert_eq!((r.code, &r.id), (-32600, &Value::Null));
        assert!(r.why.contains("\"id\" appears twice"), "{}", r.why);
        for dup in [
            &br#"{"jsonrpc":"2.0","id":6,"method":"x","params":{},"params":{}}"#[..],
            br#"{"jsonrpc":"2.0","jsonrpc":"2.0","id":6,"method":"x"}"#,
            br#"{"jsonrpc":"2.0","id":6,"method":"x","method":"y"}"#,
        ] {
            let r = check_body(dup).unwrap_err();
            assert_eq!((r.code, &r.id), (-32600, &Value::from(6)), "{}", r.why);
            assert!(r.why.contains("appears twice"), "{}", r.why);
        }
        let r =
            check_body(br#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"x"}"#).unwrap_err();
        assert_eq!(r.id, Value::from(9_223_372_036_854_775_808u64));
        assert!(r.why.contains("64-bit"), "{}", r.why);
        let past_u64 = br#"{"jsonrpc":"2.0","id":18446744073709551616,"method":"x"}"#;
        let r2 = check_body(past_u64).unwrap_err();
        assert_eq!((r2.code, &r2.id), (-32600, &Value::Null), "{}", r2.why);
        // Duplicates deeper down are the params' business, not the frame's.
        assert!(check_body(br#"{"jsonrpc":"2.0","method":"x","params":{"a":1,"a":2}}"#).is_ok());
        // The answer is a JSON-RPC error response.
        let v: Value = serde_json::from_slice(&r.response()).unwrap();
        assert_eq!(v["error"]["code"], -32600);
        let r = check_body(br#"{"jsonrpc":"2.0","id":6,"id":6}"#).unwrap_err();
        assert!(serde_json::from_slice::<Response>(&r.response()).is_ok());
    }

    #[tokio::test]
    async fn garbage_frames_are_refused_and_good_ones_kept() {
        let good = r#"{"jsonrpc":"2.0","method":"ok"}"#;
        let input = format!(
            "{}{}garbage line\r\n\r\nContent-Length: x\r\n\r\n{}{}{}",
            frame("{not json"),
            frame(good),
            frame("[1]"),
            frame(r#"{"jsonrpc":"2.0","id":3,"id":3,"method":"m"}"#),
            frame(good)
        );
        let (out, replies) = filter(input.as_bytes()).await;
        assert_eq!(out, format!("{}{}", frame(good), frame(good)));
        let codes: Vec<&Value> = replies.iter().map(|r| &r["error"]["code"]).collect();
        assert_eq!(codes, [-32700, -32600, -32600]);
        // Two equal ids are still two: which one the client meant is not for the server to pick.
        assert!(replies.iter().all(|r| r["id"].is_null()), "{replies:?}");
    }

    #[tokio::test]
    async fn an_oversized_frame_is_skipped_and_reported() {
        let good = r#"{"jsonrpc":"2.0","method":"ok"}"#;
        let mut input = format!("Content-Length: {}\r\n\r\n", MAX_FRAME + 1).into_bytes();
        input.resize(input.len() + MAX_FRAME + 1, b'x');
        input.extend_from_slice(frame(good).as_bytes());
        let (out, replies) = filter(&input).await;
        assert_eq!(out, frame(good));
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0]["method"], "window/showMessage");
        assert!(replies[0]["params"]["message"]
            .as_str()
            .unwrap()
            .contains("skipped"));
    }

    #[tokio::test]
    async fn a_short_content_length_loses_one_frame_not_the_stream() {
        let good = r#"{"jsonrpc":"2.0","method":"ok"}"#;
        let broken = r#"{"jsonrpc":"2.0","method":"cut short"}"#;
        // The declared length stops 5 bytes early: the tail runs into the next header.
        let input = format!(
            "Content-Length: {}\r\n\r\n{broken}{}{}",
            broken.len() - 5,
            frame(good),
            frame(good)
        );
        let (out, _) = filter(input.as_bytes()).await;
        assert!(out.ends_with(&frame(good)), "{out:?}");
        assert!(out.matches("\"ok\"").count() >= 1, "{out:?}");
    }
}
