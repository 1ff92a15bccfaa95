//! Reading LSP frames (`Content-Length: N`, a blank line, N bytes) with bounds: a header line
//! keeps at most [`MAX_HEADER_LINE`] bytes however long it runs, and a body over the reader's
//! limit is skipped without being buffered. Both the client's stream and the framework's output
//! are read with it.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};

/// The most of one header line kept. Real header lines are short; a longer one is either junk
/// or the leftover tail of a body whose Content-Length was too short, with the next header at
/// its end: the line's last bytes are the ones kept.
pub const MAX_HEADER_LINE: usize = 4096;

/// What the next frame turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body of the declared length.
    Body(Vec<u8>),
    /// A body over the limit: skipped unread (its length).
    TooLarge(usize),
    /// A header block without a usable Content-Length: nothing to read.
    BadHeaders,
}

/// LSP frames from a byte stream.
pub struct FrameReader<R> {
    input: BufReader<R>,
    max_body: usize,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    /// Frames from `input`; bodies longer than `max_body` are skipped.
    pub fn new(input: R, max_body: usize) -> Self {
        FrameReader {
            input: BufReader::new(input),
            max_body,
        }
    }

    /// The next frame; `None` at the end of the input (or a read error).
    pub async fn next(&mut self) -> Option<Frame> {
        let mut len: Option<usize> = None;
        let mut bad_header = false;
        let mut saw_any = false;
        loop {
            let line = read_line_capped(&mut self.input, MAX_HEADER_LINE)
                .await
                .ok()??;
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
            return Some(Frame::BadHeaders);
        };
        if n > self.max_body {
            let mut skip = (&mut self.input).take(n as u64);
            tokio::io::copy(&mut skip, &mut tokio::io::sink())
                .await
                .ok()?;
            return Some(Frame::TooLarge(n));
        }
        let mut body = vec![0u8; n];
        self.input.read_exact(&mut body).await.ok()?;
        Some(Frame::Body(body))
    }
}

/// One line (through its `\n`, or to the end of the input), keeping at most its last `cap`
/// bytes; `None` at the end of the input.
async fn read_line_capped<R: AsyncBufRead + Unpin>(
    input: &mut R,
    cap: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    let mut any = false;
    loop {
        let buf = input.fill_buf().await?;
        if buf.is_empty() {
            return Ok(any.then_some(line));
        }
        any = true;
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buf.len(), false),
        };
        line.extend_from_slice(&buf[..take]);
        input.consume(take);
        if line.len() > 2 * cap {
            line.drain(..line.len() - cap);
        }
        if done {
            if line.len() > cap {
                line.drain(..line.len() - cap);
            }
            return Ok(Some(line));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn all(input: &[u8], max_body: usize) -> Vec<Frame> {
        let mut r = FrameReader::new(input, max_body);
        let mut out = Vec::new();
        while let Some(f) = r.next().await {
            out.push(f);
        }
        out
    }

    #[tokio::test]
    async fn bodies_bad_headers_and_oversized_frames() {
        let input = b"Content-Length: 2\r\n\r\n{}\r\nX: y\r\n\r\nContent-Length: 9\r\n\r\n123456789Content-Length: 1\r\n\r\nZ";
        assert_eq!(
            all(input, 5).await,
            vec![
                Frame::Body(b"{}".to_vec()),
                Frame::BadHeaders,
                Frame::TooLarge(9),
                Frame::Body(b"Z".to_vec()),
            ]
        );
    }

    #[tokio::test]
    async fn a_huge_header_line_is_cut_to_its_tail() {
        let mut input = vec![b'x'; 10 * MAX_HEADER_LINE];
        input.extend_from_slice(b"Content-Length: 2\r\n\r\nok");
        assert_eq!(all(&input, 100).await, vec![Frame::Body(b"ok".to_vec())]);
        // A line with no end at all ends with the input, never grows past the cap.
        let mut r = BufReader::new(&[b'y'; 5 * MAX_HEADER_LINE][..]);
        let line = read_line_capped(&mut r, MAX_HEADER_LINE)
            .await
            .unwrap()
            .unwrap();
        assert!(line.len() <= 2 * MAX_HEADER_LINE, "{}", line.len());
        assert_eq!(
            read_line_capped(&mut r, MAX_HEADER_LINE).await.unwrap(),
            None
        );
    }
}
