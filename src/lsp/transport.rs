//! A guard in front of the JSON-RPC transport: frames that do not hold a JSON-RPC message are
//! dropped (and logged) instead of reaching the framework, whose reader stops for good at the
//! first undecodable frame. Well-formed frames pass through unchanged, in order.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Frames larger than this are dropped unread (skipped) rather than buffered.
pub const MAX_FRAME: usize = 256 * 1024 * 1024;

/// Why a frame was dropped, if it was.
pub fn check_body(body: &[u8]) -> Result<(), String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let Some(obj) = v.as_object() else {
        return Err("not a JSON object".to_string());
    };
    let method_ok = match obj.get("method") {
        None => obj.contains_key("id") && (obj.contains_key("result") || obj.contains_key("error")),
        Some(m) => m.is_string(),
    };
    let id_ok = match obj.get("id") {
        None | Some(Value::Null) => true,
        Some(id) => id.is_string() || id.is_i64() || id.is_u64(),
    };
    let params_ok = matches!(
        obj.get("params"),
        None | Some(Value::Object(_)) | Some(Value::Array(_)) | Some(Value::Null)
    );
    if method_ok && id_ok && params_ok && obj.get("jsonrpc") == Some(&Value::from("2.0")) {
        Ok(())
    } else {
        Err("not a JSON-RPC 2.0 message".to_string())
    }
}

/// Copies LSP frames from `input` to `output`, dropping the ones that are not JSON-RPC messages
/// and header blocks without a usable `Content-Length`. Returns at the end of `input`.
pub async fn filter_frames<R, W>(input: R, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let mut len: Option<usize> = None;
        let mut bad_header = false;
        let mut saw_any = false;
        loop {
            let mut line = Vec::new();
            match input.read_until(b'\n', &mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                if saw_any {
                    break;
                }
                continue; // stray blank lines between frames
            }
            saw_any = true;
            // A frame whose Content-Length was too short leaves its tail in front of the next
            // frame's header, on the same line: a Content-Length anywhere starts a new block.
            let text = match text.to_ascii_lowercase().find("content-length:") {
                Some(at) => {
                    len = None;
                    bad_header = false;
                    &text[at..]
                }
                None => text,
            };
            match text.split_once(':') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("content-length") => {
                    match v.trim().parse::<usize>() {
                        Ok(n) => len = Some(n),
                        Err(_) => bad_header = true,
                    }
                }
                Some(_) => {}
                None => bad_header = true,
            }
        }
        let Some(n) = len.filter(|_| !bad_header) else {
            eprintln!("corpus-ls: dropped a message with unusable headers");
            continue;
        };
        if n > MAX_FRAME {
            eprintln!("corpus-ls: dropped a {n}-byte message (over the limit)");
            let mut skip = (&mut input).take(n as u64);
            if tokio::io::copy(&mut skip, &mut tokio::io::sink())
                .await
                .is_err()
            {
                return;
            }
            continue;
        }
        let mut body = vec![0u8; n];
        if input.read_exact(&mut body).await.is_err() {
            return;
        }
        if let Err(why) = check_body(&body) {
            eprintln!("corpus-ls: dropped a message: {why}");
            continue;
        }
        if !write_frame(&mut output, &body).await {
            return;
        }
    }
}

/// Writes one LSP frame (header and body) and flushes; false once the output is gone.
pub(crate) async fn write_frame<W: AsyncWrite + Unpin>(output: &mut W, body: &[u8]) -> bool {
    let head = format!("Content-Length: {}\r\n\r\n", body.len());
    output.write_all(head.as_bytes()).await.is_ok()
        && output.write_all(body).await.is_ok()
        && output.flush().await.is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bodies_are_checked() {
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"method":"x","params":{}}"#).is_ok());
        assert!(check_body(br#"{"jsonrpc":"2.0","method":"n"}"#).is_ok());
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert!(check_body(b"{not json").is_err());
        assert!(check_body(b"[]").is_err());
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1}"#).is_err());
        assert!(check_body(br#"{"jsonrpc":"2.0","method":3}"#).is_err());
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#).is_err());
        assert!(check_body(br#"{"jsonrpc":"2.0","method":"x","params":3}"#).is_err());
    }

    #[tokio::test]
    async fn garbage_frames_are_dropped_and_good_ones_kept() {
        let good = r#"{"jsonrpc":"2.0","method":"ok"}"#;
        let input = format!(
            "{}{}garbage line\r\n\r\nContent-Length: x\r\n\r\n{}{}",
            frame("{not json"),
            frame(good),
            frame("[1]"),
            frame(good)
        );
        let mut out = Vec::new();
        filter_frames(input.as_bytes(), &mut out).await;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{}{}", frame(good), frame(good))
        );
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
        let mut out = Vec::new();
        filter_frames(input.as_bytes(), &mut out).await;
        let out = String::from_utf8(out).unwrap();
        assert!(out.ends_with(&frame(good)), "{out:?}");
        assert!(out.matches("\"ok\"").count() >= 1, "{out:?}");
    }
}
