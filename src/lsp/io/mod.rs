//! The framework's adapters on the byte streams: [`guard`] in front of its reader (frames it
//! cannot decode are answered, never passed on), [`writer`] behind it (the one writer to the
//! client, swapping in [`preserialized`] answers), both reading frames with [`frames`]' bounds.

pub mod frames;
pub mod guard;
pub mod preserialized;
pub mod writer;

use tokio::io::{AsyncWrite, AsyncWriteExt};

/// Writes one LSP frame (header and body) and flushes; false once the output is gone.
pub(crate) async fn write_frame<W: AsyncWrite + Unpin>(output: &mut W, body: &[u8]) -> bool {
    let head = format!("Content-Length: {}\r\n\r\n", body.len());
    output.write_all(head.as_bytes()).await.is_ok()
        && output.write_all(body).await.is_ok()
        && output.flush().await.is_ok()
}
