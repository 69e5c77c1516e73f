//! Native-messaging framing: a 4-byte length in the platform's byte order, then that many bytes
//! of UTF-8 JSON (extension/NATIVE-MESSAGING.md §4, §13). Lengths are checked against the limits in
//! `ehcert_shared::bridge` *before* anything is allocated, so a hostile or garbled prefix costs
//! nothing.

use std::io::{self, Read, Write};

use ehcert_shared::bridge::{MAX_REPLY_FRAME, MAX_REQUEST_FRAME, MIN_REQUEST_FRAME};

/// Why a frame could not be read or written. After any of these the stream is out of step, so
/// the session ends.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FrameError {
    #[error("frame length {0} is below the minimum of {MIN_REQUEST_FRAME} bytes")]
    TooShort(u32),
    #[error("frame length {0} is above the maximum of {MAX_REQUEST_FRAME} bytes")]
    TooLong(u32),
    #[error("the input ended in the middle of a frame")]
    Truncated,
    #[error("reply of {0} bytes is above the browser's limit of {MAX_REPLY_FRAME} bytes")]
    ReplyTooLarge(usize),
    #[error("reading or writing a frame failed: {0}")]
    Io(#[source] io::Error),
}

/// Reads one frame. `Ok(None)` is a clean end of input between frames: the browser closed the
/// port.
pub(crate) fn read_frame(input: &mut impl Read) -> Result<Option<Vec<u8>>, FrameError> {
    let mut header = [0u8; 4];
    let mut filled = 0;
    while filled < header.len() {
        match input.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(FrameError::Truncated),
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(FrameError::Io(err)),
        }
    }
    let length = u32::from_ne_bytes(header);
    if length < MIN_REQUEST_FRAME {
        return Err(FrameError::TooShort(length));
    }
    if length > MAX_REQUEST_FRAME {
        return Err(FrameError::TooLong(length));
    }
    // The bound above keeps this far below usize::MAX on every platform.
    let mut body = vec![0u8; length as usize];
    input.read_exact(&mut body).map_err(|err| match err.kind() {
        io::ErrorKind::UnexpectedEof => FrameError::Truncated,
        _ => FrameError::Io(err),
    })?;
    Ok(Some(body))
}

/// Writes one frame and flushes it, so the browser sees it at once.
pub(crate) fn write_frame(output: &mut impl Write, body: &[u8]) -> Result<(), FrameError> {
    let length = u32::try_from(body.len())
        .ok()
        .filter(|length| *length <= MAX_REPLY_FRAME)
        .ok_or(FrameError::ReplyTooLarge(body.len()))?;
    output.write_all(&length.to_ne_bytes()).map_err(FrameError::Io)?;
    output.write_all(body).map_err(FrameError::Io)?;
    output.flush().map_err(FrameError::Io)
}

/// `body` as one frame, for tests.
#[cfg(test)]
pub(crate) fn framed(body: &[u8]) -> Vec<u8> {
    let mut bytes = u32::try_from(body.len()).unwrap().to_ne_bytes().to_vec();
    bytes.extend_from_slice(body);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_frames_back_to_back_then_a_clean_end() {
        let mut input = framed(b"{\"a\":1}");
        input.extend(framed(b"{\"b\":22}"));
        let mut input = input.as_slice();
        assert_eq!(read_frame(&mut input).unwrap().unwrap(), b"{\"a\":1}");
        assert_eq!(read_frame(&mut input).unwrap().unwrap(), b"{\"b\":22}");
        assert!(read_frame(&mut input).unwrap().is_none());
    }

    #[test]
    fn refuses_lengths_outside_the_limits_before_reading_the_body() {
        let mut tiny = framed(b"{}");
        assert!(matches!(read_frame(&mut tiny.as_slice()), Err(FrameError::TooShort(2))));
        tiny.clear();
        // A garbage prefix announcing 4 GiB must not allocate: only the header is present.
        let huge = u32::MAX.to_ne_bytes();
        assert!(matches!(read_frame(&mut huge.as_slice()), Err(FrameError::TooLong(u32::MAX))));
        let just_over = (MAX_REQUEST_FRAME + 1).to_ne_bytes();
        assert!(matches!(read_frame(&mut just_over.as_slice()), Err(FrameError::TooLong(_))));
        let at_limit = framed(&vec![b' '; MAX_REQUEST_FRAME as usize]);
        assert_eq!(
            read_frame(&mut at_limit.as_slice()).unwrap().unwrap().len(),
            MAX_REQUEST_FRAME as usize
        );
    }

    #[test]
    fn a_cut_header_or_body_is_truncation_not_a_clean_end() {
        let cut_header = &framed(b"{\"a\":1}")[..2];
        assert!(matches!(read_frame(&mut &cut_header[..]), Err(FrameError::Truncated)));
        let cut_body = &framed(b"{\"a\":1}")[..8];
        assert!(matches!(read_frame(&mut &cut_body[..]), Err(FrameError::Truncated)));
    }

    #[test]
    fn writes_length_prefixed_frames_and_refuses_oversized_replies() {
        let mut out = Vec::new();
        write_frame(&mut out, b"{\"ok\":true}").unwrap();
        assert_eq!(out, framed(b"{\"ok\":true}"));
        let too_big = vec![b'x'; MAX_REPLY_FRAME as usize + 1];
        let mut out = Vec::new();
        assert!(matches!(write_frame(&mut out, &too_big), Err(FrameError::ReplyTooLarge(_))));
        assert!(out.is_empty(), "nothing may reach the browser from a refused reply");
    }
}
