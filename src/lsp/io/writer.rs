//! The one writer to the client: the framework's frames (with pre-serialized answers swapped
//! in, see [`super::preserialized`]) and the guard's replies to frames it refused.

use super::frames::{Frame, FrameReader};
use super::preserialized::swap;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::mpsc::{self, Receiver};

/// Writes the framework's frames from `framework` and the guard's `replies` to `output`, until
/// the framework's output ends (the guard may still wait on a client that never closes).
pub async fn forward<R, W>(framework: R, mut replies: Receiver<Vec<u8>>, mut output: W)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin,
{
    // Frames are read on a task of their own: a read cut off by a reply would lose bytes.
    let (tx, mut frames) = mpsc::channel(16);
    tokio::spawn(async move {
        let mut reader = FrameReader::new(framework, usize::MAX);
        while let Some(f) = reader.next().await {
            if let Frame::Body(body) = f {
                if tx.send(body).await.is_err() {
                    return;
                }
            }
        }
    });
    loop {
        let body = tokio::select! {
            biased;
            f = frames.recv() => match f {
                Some(body) => answer_of(body),
                None => return,
            },
            Some(reply) = replies.recv() => reply,
        };
        if !super::write_frame(&mut output, &body).await {
            return;
        }
    }
}

/// The frame to send for a framework frame: itself, or the stashed answer a marker stands for.
fn answer_of(body: Vec<u8>) -> Vec<u8> {
    let Some((id, json)) = swap(&body) else {
        return body;
    };
    let id = serde_json::to_string(&id).unwrap_or_else(|_| "null".to_string());
    match json {
        Some(json) => format!(r#"{{"jsonrpc":"2.0","result":{json},"id":{id}}}"#),
        // Never hand the client a marker as if it were a location: ContentModified (-32801)
        // tells it to ask again.
        None => format!(
            r#"{{"jsonrpc":"2.0","error":{{"code":-32801,"message":"corpus-ls: the answer was dropped before it was sent; ask again"}},"id":{id}}}"#
        ),
    }
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::super::preserialized::tests::loc;
    use super::super::preserialized::{marker, to_json, MIN_LOCATIONS, SCHEME};
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    async fn run(input: String, replies: &[&str]) -> String {
        let (tx, rx) = mpsc::channel(8);
        for r in replies {
            tx.send(r.as_bytes().to_vec()).await.unwrap();
        }
        drop(tx);
        let mut out = Vec::new();
        forward(std::io::Cursor::new(input.into_bytes()), rx, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn replies_go_out_beside_the_frameworks_frames() {
        let other = r#"{"jsonrpc":"2.0","method":"m"}"#;
        let reply = r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"x"}}"#;
        let out = run(format!("{}{}", frame(other), frame(other)), &[reply]).await;
        assert_eq!(out.matches(&frame(other)).count(), 2, "{out}");
        assert!(out.contains(&frame(reply)), "{out}");
    }

    #[tokio::test]
    async fn markers_are_swapped_and_other_frames_pass_unchanged() {
        let locs: Vec<_> = (0..MIN_LOCATIONS as u32 + 7)
            .map(|i| loc(&format!("file:///c/f{}.txt", i % 13), i, i % 7, 4))
            .collect();
        let marker = marker(to_json(&locs).into());
        assert_eq!(marker.len(), 1);
        // What tower-lsp-server writes for the handler's answer, between two other frames.
        let response = format!(
            r#"{{"jsonrpc":"2.0","result":{},"id":7}}"#,
            serde_json::to_value(&marker).unwrap()
        );
        let other =
            r#"{"jsonrpc":"2.0","method":"window/logMessage","params":{"type":3,"message":"hi"}}"#;
        let input = format!("{}{}{}", frame(other), frame(&response), frame(other));
        let out = run(input, &[]).await;
        let want = format!(
            r#"{{"jsonrpc":"2.0","result":{},"id":7}}"#,
            serde_json::to_string(&serde_json::to_value(&locs).unwrap()).unwrap()
        );
        assert_eq!(
            out,
            format!("{}{}{}", frame(other), frame(&want), frame(other))
        );
        // The entry is gone: the same marker again becomes an error the client retries, never
        // a marker location handed out as an answer.
        let again = run(frame(&response), &[]).await;
        let body: serde_json::Value =
            serde_json::from_str(again.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["id"], 7, "{again}");
        assert_eq!(body["error"]["code"], -32801, "{again}");
        assert!(!again.contains(SCHEME), "{again}");
    }
}
