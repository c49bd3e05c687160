//! LSP's base protocol: messages framed by a `Content-Length` header.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// A complete frame: header and body.
pub type Frame = Vec<u8>;

/// Bodies larger than this are read and thrown away, not held in memory.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

/// Why a frame could not be read; the input is positioned after it either way.
#[derive(Debug, PartialEq, Eq)]
pub enum BadFrame {
    /// A header block without a usable `Content-Length`.
    NoLength,
    /// A body longer than [`MAX_BODY_BYTES`].
    TooLarge(usize),
}

/// Frames a body.
pub fn frame(body: &[u8]) -> Frame {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

/// Reads one frame, header included. `None` at the end of the input; `Some(Err(_))` for a frame
/// that cannot be read, which has been skipped.
pub async fn read_frame(
    input: &mut (impl AsyncBufRead + Unpin),
) -> std::io::Result<Option<Result<Frame, BadFrame>>> {
    let mut header = Vec::new();
    let mut length: Option<usize> = None;
    loop {
        let start = header.len();
        if input.read_until(b'\n', &mut header).await? == 0 {
            return Ok(None);
        }
        let line = &header[start..];
        if line == b"\r\n" || line == b"\n" {
            if start == 0 {
                // A stray blank line between frames.
                header.clear();
                continue;
            }
            break;
        }
        if header.len() > 64 * 1024 {
            return Ok(Some(Err(BadFrame::NoLength)));
        }
        let text = String::from_utf8_lossy(line);
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
    let Some(length) = length else {
        return Ok(Some(Err(BadFrame::NoLength)));
    };
    if length > MAX_BODY_BYTES {
        let mut skipped = input.take(length as u64);
        tokio::io::copy(&mut skipped, &mut tokio::io::sink()).await?;
        return Ok(Some(Err(BadFrame::TooLarge(length))));
    }
    let mut frame = header;
    let start = frame.len();
    frame.resize(start + length, 0);
    input.read_exact(&mut frame[start..]).await?;
    Ok(Some(Ok(frame)))
}

/// The body of a frame.
pub fn body(frame: &[u8]) -> &[u8] {
    let at = memchr::memmem::find(frame, b"\r\n\r\n").map_or(0, |i| i + 4);
    &frame[at..]
}
